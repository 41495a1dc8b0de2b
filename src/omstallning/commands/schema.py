"""JSON Schemas for the region's YAML files, generated from the model.

yaml-language-server (VS Code's YAML extension and others) reads them through the
`# yaml-language-server: $schema=…` line at the top of each file and then completes keys,
shows the Swedish descriptions on hover and marks errors as the author types.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from omstallning.model import Municipality, RegionConfig

SCHEMA_FILES: dict[str, tuple[type[BaseModel], str]] = {
    "omstallning.schema.json": (RegionConfig, "omstallning.yaml – regionens inställningar"),
    "kommun.schema.json": (Municipality, "En kommuns del av omställningsplanen"),
}


def schema_for(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema of one model, keyed by the Swedish YAML names.

    Declared as draft-07, the draft every yaml-language-server version supports; pydantic's
    `$defs` references are plain JSON pointers, which draft-07 resolves as well.
    """
    schema = model.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = title
    return schema


def render_schemas() -> dict[str, str]:
    """File name -> JSON text, for every schema."""
    return {
        name: json.dumps(schema_for(model, title), ensure_ascii=False, indent=2, sort_keys=False)
        + "\n"
        for name, (model, title) in SCHEMA_FILES.items()
    }

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


# The models' docstrings are English (for developers); pydantic makes them the schema's
# descriptions, which an editor shows on hover. What a user sees is Swedish: title and
# description of each model, by its name in `$defs` (or "" for the file itself).
SWEDISH_MODELS: dict[str, tuple[str, str]] = {
    "Municipality": ("Kommun", "kommuner/<kommun>.yaml: kommunens egen del av planen."),
    "RegionConfig": ("Region", "omstallning.yaml: regionen och dess gemensamma inställningar."),
    "Activity": ("Aktivitet", "En rad i handlingsplanen."),
    "Assessment": (
        "Bedömning",
        "Kommunens bedömning av hur ett mål står sig under en period.",
    ),
    "Collaboration": ("Samverkan", "En part som kommunen samverkar med."),
    "Contact": ("Kontakt", "Den som svarar på frågor om planen."),
    "Decision": ("Beslut", "Beslutet som antog planen."),
    "Goal": ("Mål", "Ett mål i planen."),
    "Indicator": ("Indikator", "Hur utvecklingen mot ett mål mäts."),
    "Intervention": ("Insats", "En insats som erbjuds eller planeras (insatskatalogen)."),
    "Outcome": ("Utfall", "Ett uppmätt värde för en indikator under en period."),
    "ProgressNote": ("Lägesrapport", "En daterad lägesrapport om en aktivitet."),
    "Section": ("Avsnitt", "Ett avsnitt med fri text i kommunens plan."),
    "TargetPoint": ("Målvärde", "Ett målvärde för ett visst år."),
    "VersionEntry": ("Version", "En rad i planens versionshistorik."),
    "ExportSettings": ("Export", "Hur dokumenten byggs."),
    "Period": ("Period", "Planperioden i hela år."),
    "PlanInfo": ("Plan", "Planens titel och period."),
    "Requirements": ("Krav", "Vad varje kommuns fil ska innehålla."),
    "Reform": ("Reform", "En reform i angränsande lagstiftning."),
}


def _swedish(schema: dict[str, Any], name: str) -> None:
    """Swedish title and description for a model's schema, and property titles as keys read."""
    title, description = SWEDISH_MODELS.get(name, (None, None))
    if title is not None:
        schema["title"] = title
    if description is not None:
        schema["description"] = description
    elif "description" in schema and "properties" in schema:
        del schema["description"]  # an English docstring of a model not listed above
    for key, prop in schema.get("properties", {}).items():
        if isinstance(prop, dict) and "title" in prop:
            words = key.replace("_", " ")
            prop["title"] = words[:1].upper() + words[1:]  # Utan behovsprövning


def schema_for(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The JSON Schema of one model, keyed by the Swedish YAML names.

    Declared as draft-07, the draft every yaml-language-server version supports; pydantic's
    `$defs` references are plain JSON pointers, which draft-07 resolves as well.
    """
    schema = model.model_json_schema(by_alias=True, mode="validation")
    for name, definition in schema.get("$defs", {}).items():
        _swedish(definition, name)
    _swedish(schema, model.__name__)
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

"""The JSON Schemas accept the example files and reject what validate rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from omstallning.commands.schema import render_schemas

from .conftest import EXAMPLE, KLIPPAN


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(render_schemas()[name])
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def _as_editor_sees_it(path: Path) -> Any:
    # yaml-language-server reads YAML 1.2, where dates stay strings; mimic that.
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506


@pytest.mark.parametrize(
    "path", sorted((EXAMPLE / "kommuner").glob("*.yaml")), ids=lambda p: p.name
)
def test_example_municipalities_match_the_schema(path: Path) -> None:
    jsonschema.validate(_as_editor_sees_it(path), _schema("kommun.schema.json"))


def test_example_config_matches_the_schema() -> None:
    jsonschema.validate(
        _as_editor_sees_it(EXAMPLE / "omstallning.yaml"), _schema("omstallning.schema.json")
    )


def test_schema_rejects_an_unknown_key_and_has_swedish_descriptions(tmp_path: Path) -> None:
    schema = _schema("kommun.schema.json")
    bad = yaml.safe_load(KLIPPAN.replace("mål:\n", "mal:\n", 1))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    assert "kommunkod" in schema["properties"]
    assert "SCB" in schema["properties"]["kommunkod"]["description"]


def test_example_schemas_are_up_to_date() -> None:
    for name, text in render_schemas().items():
        committed = (EXAMPLE / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"run: omstallning schema --out {EXAMPLE / 'schemas'}"

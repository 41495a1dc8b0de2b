"""Validation of follow-up data: periods, units, sources and duplicates, with positions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from omstallning.check.rules.outcomes import FOLLOWUP_RULES
from omstallning.findings import Finding
from omstallning.load.loader import load_region

from .conftest import EXAMPLE

NAME = "      - namn: Genomsnittlig väntetid till första samtal, dagar\n"


def findings(tmp_path: Path, indicator_yaml: str) -> list[Finding]:
    """The follow-up rules' findings after adding lines to Klippan's waiting-time indicator."""
    root = tmp_path / "region"
    shutil.copytree(EXAMPLE, root)
    path = root / "kommuner" / "klippan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(NAME, NAME + indicator_yaml), encoding="utf-8")
    result = load_region(root)
    assert not [f for f in result.findings if f.is_error], result.findings
    entry = result.region.municipality("klippan")
    assert entry is not None
    sm = result.maps[entry.file]
    return [f for rule in FOLLOWUP_RULES for f in rule(result, entry, sm)]


def line_of(tmp_path: Path, needle: str) -> int:
    text = (tmp_path / "region" / "kommuner" / "klippan.yaml").read_text(encoding="utf-8")
    return text.split("\n").index(needle) + 1


def test_the_example_has_no_follow_up_findings(tmp_path: Path) -> None:
    assert findings(tmp_path, "") == []


def test_a_period_outside_the_plan_period_is_a_warning_but_the_baseline_year_is_not(
    tmp_path: Path,
) -> None:
    found = findings(
        tmp_path,
        "        utfall:\n"
        "          - {period: 2024, värde: 14}\n"
        "          - {period: 2031H1, värde: 5}\n",
    )
    assert [(f.code, f.is_error) for f in found] == [("utfall-utanfor-perioden", False)]
    assert found[0].line == line_of(tmp_path, "          - {period: 2031H1, värde: 5}")
    assert "2025–2028" in found[0].message


@pytest.mark.parametrize(
    ("unit", "value", "error"),
    [("antal", '"30 %"', True), ("%", '"12 dagar"', True), ("dagar", '"12 dygn"', False)],
)
def test_a_value_in_another_unit_than_the_indicators(
    tmp_path: Path, unit: str, value: str, error: bool
) -> None:
    found = findings(
        tmp_path,
        f'        enhet: "{unit}"\n        utfall:\n          - period: 2025\n'
        f"            värde: {value}\n",
    )
    code = "utfall-fel-enhet" if error else "utfall-annan-enhet"
    assert [(f.code, f.is_error) for f in found] == [(code, error)]
    assert found[0].line == line_of(tmp_path, f"            värde: {value}")


def test_the_same_unit_in_other_words_is_fine(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        '        enhet: "%"\n        utfall:\n'
        '          - {period: 2025, värde: "30 procent"}\n'
        '          - {period: 2026, värde: "31%"}\n'
        "          - {period: 2027, värde: 32}\n",
    )
    assert found == []


def test_a_value_without_any_source_is_a_warning(tmp_path: Path) -> None:
    root_yaml = "        utfall:\n          - {period: 2025, värde: 12}\n"
    assert findings(tmp_path / "a", root_yaml) == []  # the indicator names its source
    # Without the indicator's own source, the value has none.
    root = tmp_path / "b" / "region"
    shutil.copytree(EXAMPLE, root)
    path = root / "kommuner" / "klippan.yaml"
    text = path.read_text(encoding="utf-8").replace(NAME, NAME + root_yaml)
    text = text.replace(
        "        målvärde: 5\n        år: 2027\n        källa: Eget verksamhetssystem\n",
        "        målvärde: 5\n        år: 2027\n",
    )
    path.write_text(text, encoding="utf-8")
    result = load_region(root)
    entry = result.region.municipality("klippan")
    assert entry is not None
    found = [f for r in FOLLOWUP_RULES for f in r(result, entry, result.maps[entry.file])]
    assert [(f.code, f.is_error) for f in found] == [("utfall-utan-kalla", False)]


def test_two_values_for_the_same_period_and_sex_are_an_error(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        "        utfall:\n"
        "          - {period: 2025, värde: 12}\n"
        "          - {period: 2025, värde: 6, kön: kvinnor}\n"
        "          - {period: 2025, värde: 11, kön: totalt}\n",
    )
    assert [(f.code, f.is_error) for f in found] == [("utfall-dubblett", True)]
    assert found[0].line == line_of(tmp_path, "          - {period: 2025, värde: 11, kön: totalt}")
    assert "utfall[0]" in found[0].message

"""A new user's first hour (issue 13): the loader reports every mistake, where it is.

Each test is a slip a new user made, run as they ran it; each failed before the fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check.validate import validate_region
from omstallning.load.fix import fix_text
from omstallning.load.yaml_source import parse_yaml
from tests.conftest import CONFIG, KLIPPAN

Run = Callable[..., Any]
MakeRegion = Callable[..., Path]

CONFIG_MISTAKES = {
    "mal-typo": ("  mål: true", "  mal: true", "okand-nyckel"),
    "avsnit": ("  avsnitt:", "  avsnit:", "okand-nyckel"),
    "regoin": ("region:", "regoin:", "okand-nyckel"),
    "title": ("  titel:", "  title:", "okand-nyckel"),
    "odt": ("format: [docx, md]", "format: [docx, odt]", "ogiltigt-varde"),
    "period-text": ("period: {start: 2025, slut: 2028}", "period: 2025-2028", "fel-typ"),
    "period-half": ("period: {start: 2025, slut: 2028}", "period: {start: 2025}", "saknat-falt"),
    "region-empty": ("region: Testregionen", 'region: ""', "tomt-varde"),
    "empty-file": (CONFIG, "", "tom-fil"),
}


@pytest.mark.parametrize("command", ["validate", "build", "status"])
@pytest.mark.parametrize("mistake", list(CONFIG_MISTAKES))
def test_config_mistake_inside_the_repo_is_a_finding_never_an_internal_error(
    mistake: str, command: str, make_region: MakeRegion, run_cli: Run, monkeypatch: Any
) -> None:
    old, new, code = CONFIG_MISTAKES[mistake]
    assert old in CONFIG
    root = make_region(omstallning_DOT_yaml=CONFIG.replace(old, new, 1))
    monkeypatch.chdir(root)  # as in CI and the pre-commit hook: no path given
    args = [command, "--format", "json"] if command == "validate" else [command]
    result = run_cli(*args)
    assert "Internt fel" not in result.output
    if command == "status":
        assert result.exit_code == 0  # status reports; the count of errors is in its table
        return
    assert result.exit_code == 1, result.output
    if command == "validate":
        findings = json.loads(result.output)["findings"]
        ours = [f for f in findings if f["file"] == "omstallning.yaml"]
        assert [f["code"] for f in ours] == [code] or code in [f["code"] for f in ours]
        assert all(f["line"] >= 1 and f["column"] >= 1 for f in ours)


def _codes(root: Path, file: str = "kommuner/klippan.yaml") -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in validate_region(root)[1] if f.file == file]


def test_a_scalar_where_a_list_belongs_hides_no_other_error(make_region: MakeRegion) -> None:
    plan = KLIPPAN.replace("    mål: [M1]\n", "    mål: M1\n").replace(
        "    status: pågår\n",
        "    status: pågår\n"
        "  - id: A2\n    rubrik: B\n    mål: [M9, m1]\n    ansvarig: C\n    status: planerad\n"
        "  - id: A2\n    rubrik: C\n    mål: [M1]\n    ansvarig: C\n"
        "    start: 2026-04\n    slut: 2025-03\n    status: planerad\n",
    )
    codes = [code for code, _ in _codes(make_region(kommun=plan))]
    assert codes.count("fel-typ") == 1
    assert codes.count("okant-mal") == 2
    assert "dubblett-id" in codes and "slut-fore-start" in codes
    # The goals of A1 were set aside: it is not said to have none.
    assert "aktivitet-utan-mal" not in codes and "mal-utan-aktivitet" not in codes


def test_date_format_errors_hide_no_date_order_error_and_suggest_the_fix(
    make_region: MakeRegion,
) -> None:
    plan = KLIPPAN.replace(
        "    start: 2025-09\n    slut: 2026-06\n", "    start: 2026/05/01\n    slut: 2026-6\n"
    )
    plan = plan.replace(
        "    status: pågår\n",
        "    status: pågår\n  - id: A4\n    rubrik: D\n    mål: [M1]\n    ansvarig: C\n"
        "    start: Q3 2026\n    slut: 2031-12\n    status: planerad\n"
        "  - id: A5\n    rubrik: E\n    mål: [M1]\n    ansvarig: C\n"
        "    start: 2026-04\n    slut: 2025-03\n    status: planerad\n",
    )
    found = [
        f for f in validate_region(make_region(kommun=plan))[1] if f.file.startswith("kommuner")
    ]
    messages = {f.code: [] for f in found}
    for f in found:
        messages[f.code].append(f.message)
    dates = " ".join(messages["ogiltigt-datum"])
    assert "start i aktiviteten A1" in dates and "aktiviteter[0]" not in dates
    for guess in ("2026-05-01", "2026-06", "2026-07"):
        assert f"Menade du {guess}?" in dates
    assert "slut-fore-start" in messages and "utanfor-perioden" in messages


def test_duplicate_key_wrong_name_and_wrong_code_in_one_run(make_region: MakeRegion) -> None:
    plan = 'kommun: Vänersbor\nkommun: Vänersborg\nkommunkod: "1488"\n' + KLIPPAN.split("\n", 2)[2]
    codes = [code for code, _ in _codes(make_region(kommun=plan))]
    assert "dubblett-nyckel" in codes and "okand-kommun" in codes


def test_every_yaml_syntax_error_of_a_file_in_one_run() -> None:
    text = "a: 1\nb: x: y\nc: 2\nd: 3\ne: p: q\nf: 4\n"
    found = parse_yaml(text, "f.yaml").findings
    assert [(f.code, f.line) for f in found] == [("yaml-syntax", 2), ("yaml-syntax", 5)]


def test_a_tab_is_named_and_shown() -> None:
    found = parse_yaml("a:\n\tb: 1\n", "f.yaml").findings
    assert len(found) == 1
    assert "tabbtecken" in found[0].message and "→b: 1" in found[0].message
    assert "@" not in found[0].message


def test_hard_spaces_are_named_at_their_place_and_the_rest_read_as_meant() -> None:
    text = "a:\n  - id: A1\n    ansvarig:\u00a0Strateg\n\u00a0\u00a0\u00a0\u00a0start: 2026-02\n"
    parsed = parse_yaml(text, "f.yaml")
    assert [(f.code, f.line, f.column) for f in parsed.findings] == [
        ("hart-mellanslag", 3, 14),
        ("hart-mellanslag", 4, 1),
    ]
    assert "U+00A0" in parsed.findings[0].message
    assert parsed.data == {"a": [{"id": "A1", "ansvarig": "Strateg", "start": "2026-02"}]}
    assert parse_yaml("t: 'a:\u00a0b'\nu: |\n  x:\u00a0y\n", "f.yaml").findings == []


def test_fix_repairs_pasted_slips_and_nothing_else() -> None:
    text = (
        "kommunkod: ”1488”  # kod\nv: “0.9”\nansvarig:\u00a0Strateg\n"
        "t: |\n  Text ”citat” här\n  • Ett\n  • Två\nu: ”inne” och ute\n"
    )
    new, changes, refused = fix_text(text, "k.yaml")
    assert refused is None
    assert new == (
        'kommunkod: "1488"  # kod\nv: "0.9"\nansvarig: Strateg\n'
        "t: |\n  Text ”citat” här\n  - Ett\n  - Två\nu: ”inne” och ute\n"
    )
    assert [c.line for c in changes] == [1, 2, 3, 6, 7]
    assert changes[2].shown() == "k.yaml:3: ansvarig:⍽Strateg → ansvarig: Strateg"


def test_fix_leaves_a_file_with_syntax_errors_alone() -> None:
    text = "a:\u00a0x\nb: c: d\n"
    new, changes, refused = fix_text(text, "k.yaml")
    assert new == text and changes == [] and refused


def test_validate_fix_rewrites_in_place_and_reports(
    make_region: MakeRegion, run_cli: Run, monkeypatch: Any
) -> None:
    plan = KLIPPAN.replace('kommunkod: "1276"', "kommunkod: ”1276”").replace(
        "    ansvarig: Enhetschef", "    ansvarig:\u00a0Enhetschef"
    )
    root = make_region(kommun=plan.replace("\n", "\r\n"))
    result = run_cli("validate", "--fix", str(root))
    assert 'kommuner/klippan.yaml:2: kommunkod: ”1276” → kommunkod: "1276"' in result.output
    assert result.exit_code == 0, result.output
    raw = (root / "kommuner" / "klippan.yaml").read_bytes()
    assert b"\r\n" in raw and "\u00a0".encode() not in raw and "”".encode() not in raw
    assert not list((root / "kommuner").glob(".omstallning-fix-*"))


def test_natural_swedish_values_are_accepted(make_region: MakeRegion) -> None:
    plan = (
        KLIPPAN.replace("status: utkast", "status: Utkast")
        .replace("  - id: nulage", "  - id: nuläge")
        .replace(
            "    rubrik: Fler får stöd tidigt\n",
            "    rubrik: Fler får stöd tidigt\n"
            "    fokusområde: Förebyggande och lätt tillgänglig\n",
        )
        .replace("utan_behovsprövning: true", "utan_behovsprövning: ja\n    digital: Nej")
        .replace("nivå: selektiv", "nivå: Selektiv")
    )
    result, findings = validate_region(make_region(kommun=plan))
    assert [f for f in findings if f.is_error] == []
    entry = result.region.municipalities[0].plan
    assert entry.status == "utkast" and entry.sections[0].id == "nulage"
    assert entry.goals[0].focus_area == "forebyggande_och_latt_tillganglig"
    assert entry.interventions[0].without_assessment is True
    assert entry.interventions[0].digital is False
    assert entry.interventions[0].level == "selektiv"


def test_yaml_yes_is_still_reported() -> None:
    found = parse_yaml("digital: yes\n", "f.yaml").findings
    assert [f.code for f in found] == ["yaml-tolkning"]


def test_suggestions_for_goal_and_source_keys_and_each_goal_once(make_region: MakeRegion) -> None:
    plan = (
        KLIPPAN.replace("    mål: [M1]\n", "    mål: [m1]\n")
        .replace("Nuläget enligt [@sol2025].", "Nuläget enligt [@sol2025x].")
        .replace("mål:\n  - id: M1\n", "mål:\n  - id: M1\n    rubrik: X\n  - id: M1\n", 1)
    )
    found = validate_region(make_region(kommun=plan))[1]
    by_code = {f.code: f.message for f in found}
    assert "Menade du M1?" in by_code["okant-mal"]
    assert "Definierade mål: M1." in by_code["okant-mal"]
    assert "Menade du @sol2025?" in by_code["okand-kalla"]
    assert "på rad" in by_code["dubblett-id"] and "mål[" not in by_code["dubblett-id"]


def test_trailing_comment_in_text_is_a_warning() -> None:
    parsed = parse_yaml("villkor: Från 18 år #1 i länet\nstatus: utkast  # utkast | remiss\n", "f")
    assert [(f.code, f.line) for f in parsed.findings] == [("kommentar-i-text", 1)]


def test_misspelt_required_section_is_one_error_in_the_config(make_region: MakeRegion) -> None:
    config = CONFIG.replace("avsnitt: [nulage, samverkan]", "avsnitt: [nulage, vagen_framt]")
    root = make_region(omstallning_DOT_yaml=config)
    (root / "kommuner" / "perstorp.yaml").write_text(
        KLIPPAN.replace("Klippan", "Perstorp").replace("1276", "1275"), "utf-8"
    )
    found = [f for f in validate_region(root)[1] if f.is_error]
    assert [(f.file, f.code) for f in found] == [("omstallning.yaml", "okant-avsnitt")]


def test_second_file_for_a_municipality_is_the_one_reported(make_region: MakeRegion) -> None:
    root = make_region()
    (root / "kommuner" / "a-kopia.yaml").write_text(KLIPPAN, "utf-8")
    found = [f for f in validate_region(root)[1] if f.code == "dubblett-id"]
    assert [f.file for f in found] == ["kommuner/a-kopia.yaml"]
    assert "kommuner/klippan.yaml" in found[0].message


def test_empty_sources_file_is_one_finding(make_region: MakeRegion) -> None:
    found = validate_region(make_region(kallor_DOT_yaml=""))[1]
    assert [(f.file, f.code) for f in found if f.is_error] == [("kallor.yaml", "tom-fil")]

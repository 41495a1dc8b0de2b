"""`validate` and `status` agree: what status says is missing is what the rules found.

Every case of the broken-input corpus, every example and a region with every kind of gap
go through `validate --format json` and `status --format json`. Each line status lists under
"missing" (and each unwritten section) must stand for findings of one code, as many as it
counts; each finding of a code status reports must show in status; and the quality figure
must fail exactly as many checks as the lines count. The follow-up codes (dates, overdue,
hint-only sections), which `validate` does not report, are taken from `follow_up_findings`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check.rules.followup import follow_up_findings
from omstallning.check.validate import validate
from omstallning.commands.status import format_json, region_status

from .test_corpus import CASE_NAMES, assemble_case
from .test_status import TODAY as STATUS_TODAY
from .test_status import make_test_region

EXAMPLES = sorted(p for p in (Path(__file__).parents[1] / "examples").iterdir() if p.is_dir())
TODAY = dt.date(2026, 1, 1)
Run = Callable[..., Any]

# A line of status's "missing" list: its pattern, the code it stands for, and whether it
# counts its findings (the number at its start) or stands for one finding.
ITEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Planen har inga mål$"), "mal-saknas"),
    (re.compile(r"Planen har inga aktiviteter$"), "aktiviteter-saknas"),
    (re.compile(r"(\d+) mål saknar indikator \("), "mal-utan-indikator"),
    (re.compile(r"(\d+) mål saknar målvärde \("), "malvarde-saknas"),
    (re.compile(r"(\d+) aktivitet(?:er)? saknar ansvarig \("), "ansvarig-saknas"),
    (re.compile(r"(\d+) aktivitet(?:er)? saknar start- eller slutdatum \("), "datum-saknas"),
    (
        re.compile(r"(\d+) aktivitet(?:er)? är inte kopplade? till något mål \("),
        "aktivitet-utan-mal",
    ),
    (re.compile(r"\S+ har passerat sitt slutdatum men har status "), "forsenad"),
    (re.compile(r"Platshållartext kvar på (\d+) rad"), "platshallare"),
)
SECTION_CODES = {"avsnitt-saknas", "tomt-avsnitt", "avsnitt-ej-skrivet"}
ACTIVITY_CODES = {"ansvarig-saknas", "datum-saknas", "aktivitet-utan-mal", "forsenad"}
# Codes status counts one for one. A goal with some indicators without målvärde passes
# status's check (one of them has a target), so malvarde-saknas is only checked one way.
ONE_FOR_ONE = {
    "mal-saknas",
    "aktiviteter-saknas",
    "mal-utan-indikator",
    "ansvarig-saknas",
    "datum-saknas",
    "aktivitet-utan-mal",
    "forsenad",
}


def _regions() -> list[Any]:
    return [pytest.param(("case", n), id=n) for n in CASE_NAMES] + [
        pytest.param(("example", str(p)), id=f"example-{p.name}") for p in EXAMPLES
    ]


def _root(kind: str, name: str, tmp_path: Path) -> Path:
    return assemble_case(name, tmp_path) if kind == "case" else Path(name)


def _reported(items: list[str]) -> tuple[Counter[str], int]:
    """The codes status's lines stand for (with counts), and how many checks they fail."""
    codes: Counter[str] = Counter()
    failed = 0
    for item in items:
        matches = [(m, code) for pattern, code in ITEMS if (m := pattern.match(item))]
        assert len(matches) == 1, f"status line with no finding code: {item!r}"
        m, code = matches[0]
        n = int(m.group(1)) if m.groups() else 1
        codes[code] += n
        # One missing part per goal line, per placeholder line, per plan without goals
        # (activities); activities are counted once each by the caller (one may lack several).
        failed += 0 if code in ACTIVITY_CODES else n
    return codes, failed


def _epoch(day: dt.date) -> dict[str, str]:
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return {"SOURCE_DATE_EPOCH": str(int(midnight.timestamp()))}


def assert_agree(root: Path, run_cli: Run, today: dt.date = TODAY) -> None:
    validated = run_cli("validate", str(root), "--format", "json")
    findings = json.loads(validated.stdout)["findings"]
    status = run_cli("status", str(root), "--format", "json", env=_epoch(today))
    assert status.exit_code == 0, status.output
    overview = json.loads(status.stdout)
    result = validate(root)
    # The library's overview of the same check, without source maps, is the CLI's.
    assert format_json(region_status(result, result.findings, today)) == status.stdout
    entries = {e.file: e for e in result.region.municipalities}
    rows = {row["file"]: row for row in overview["municipalities"]}
    assert set(entries) <= set(rows)
    for file, row in rows.items():
        own = [f for f in findings if f["file"] == file]
        errors = sum(f["severity"] == "error" for f in own)
        assert row["findings"] == {"errors": errors, "warnings": len(own) - errors}, file
        if not row["loaded"]:
            assert row["quality"] is None and errors, file
            continue
        follow_ups = follow_up_findings(entries[file], result.region.config.requirements, today)
        found = Counter(f["code"] for f in own) + Counter(f.code for f in follow_ups)
        found["platshallare"] = len({f["line"] for f in own if f["code"] == "platshallare"})
        reported, failed = _reported(row["quality"]["missing"])
        quality = row["quality"]
        # The figure weighs parts: each required section, goal and activity, each line of
        # placeholder text (see plan_quality); the failing ones are what the findings say.
        failing_activities = {
            f.subject[:2]
            for f in [*result.findings, *follow_ups]
            if f.file == file and f.code in ACTIVITY_CODES and f.subject[:1] == ("aktiviteter",)
        }
        failed += len(failing_activities) + len(row["sections"]["missing"])
        assert quality["checks"] - quality["passed"] == failed, (file, quality)
        for code in ONE_FOR_ONE | {"platshallare"}:
            assert reported[code] == found[code], (file, code, quality["missing"])
        assert reported["malvarde-saknas"] <= found["malvarde-saknas"], file
        # Each unwritten section is one finding about it, and each such finding shows.
        named = {
            section
            for section in result.region.config.requirements.sections
            for f in own
            if f["code"] in SECTION_CODES and f"”{section}”" in f["message"]
        } | {str(f.subject[1]) for f in follow_ups if f.code == "avsnitt-ej-skrivet"}
        assert set(row["sections"]["missing"]) == named, file
        assert len(row["sections"]["missing"]) == sum(found[c] for c in SECTION_CODES), file


@pytest.mark.parametrize("region", _regions())
def test_validate_and_status_agree(region: tuple[str, str], tmp_path: Path, run_cli: Run) -> None:
    assert_agree(_root(*region, tmp_path), run_cli)


def test_validate_and_status_agree_on_every_kind_of_gap(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    # Goals without indicator and target, activities without owner, dates and goal, overdue
    # activities, placeholders: the lines the corpus (one defect each) rarely combines.
    root = make_test_region(make_region)
    assert_agree(root, run_cli, STATUS_TODAY)
    overview = json.loads(
        run_cli("status", str(root), "--format", "json", env=_epoch(STATUS_TODAY)).stdout
    )
    codes = Counter[str]()
    for row in overview["municipalities"]:
        if row["loaded"]:
            codes += _reported(row["quality"]["missing"])[0]
    assert {"mal-utan-indikator", "malvarde-saknas", "ansvarig-saknas", "datum-saknas"} <= set(
        codes
    )
    assert {"aktivitet-utan-mal", "forsenad", "platshallare"} <= set(codes)

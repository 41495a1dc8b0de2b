"""The decision rules: each finds its problem, at the line a user must change, and no more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from omstallning.check.rules.decision import (
    DECISION_RULE_CODES,
    check_decision,
    version_key,
)
from omstallning.findings import Finding, Severity
from omstallning.load.loader import load_municipality

from .conftest import KLIPPAN

K = "kommuner/klippan.yaml"
TODAY = dt.date(2026, 12, 4)
EXAMPLE = Path(__file__).parents[1] / "examples" / "nordvastra-skane"

DECIDED = KLIPPAN.replace(
    "status: utkast\n",
    "status: beslutad\n"
    "diarienummer: SN 2025/238\n"
    "beslut:\n"
    "  organ: Socialnämnden\n"
    "  datum: 2025-11-19\n"
    "  paragraf: § 137\n",
).replace(
    "    utan_behovsprövning: true\n",
    "    utan_behovsprövning: true\n"
    "    målgrupp: Unga\n"
    "    villkor: Upp till fem samtal\n"
    "    omfattning: Fem samtal\n"
    "    beslut: SN 2025-05-20 § 45\n"
    "    omprövas: 2026-12-31\n",
)


def findings(root: Path, today: dt.date = TODAY) -> list[Finding]:
    loaded = load_municipality(root, root / K)
    assert loaded.entry is not None, loaded.findings
    assert [f for f in loaded.findings if f.is_error] == []
    return list(check_decision(loaded.entry, loaded.source, today))


def where(found: list[Finding]) -> list[tuple[str, Severity, int, int]]:
    return [(f.code, f.severity, f.line, f.column) for f in found]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_complete_decided_plan_has_no_findings(make_region: Callable[..., Path]) -> None:
    assert findings(make_region(kommun=DECIDED)) == []


def test_a_draft_needs_no_decision_data(make_region: Callable[..., Path]) -> None:
    # The base region's draft has an intervention without needs assessment and no data.
    assert findings(make_region()) == []


def test_decided_plan_without_case_number_is_an_error(make_region: Callable[..., Path]) -> None:
    text = DECIDED.replace("diarienummer: SN 2025/238\n", "")
    found = findings(make_region(kommun=text))
    assert where(found) == [("diarienummer-saknas", Severity.ERROR, line_of(text, "beslut:"), 1)]
    assert "diarienummer: SN 2025/118" in found[0].message


def test_case_number_under_beslut_still_counts(make_region: Callable[..., Path]) -> None:
    # Plans written before the top-level field keep validating.
    text = DECIDED.replace("diarienummer: SN 2025/238\n", "").replace(
        "  paragraf: § 137\n", "  paragraf: § 137\n  diarienummer: SN 2025/238\n"
    )
    assert findings(make_region(kommun=text)) == []


def test_decision_without_paragraph_is_a_warning(make_region: Callable[..., Path]) -> None:
    text = DECIDED.replace("  paragraf: § 137\n", "")
    found = findings(make_region(kommun=text))
    assert where(found) == [("paragraf-saknas", Severity.WARNING, line_of(text, "beslut:"), 1)]


def test_decision_after_today_is_an_error(make_region: Callable[..., Path]) -> None:
    text = DECIDED.replace("  datum: 2025-11-19\n", "  datum: 2027-05-01\n")
    found = findings(make_region(kommun=text))
    line = line_of(text, "datum: 2027-05-01")
    assert where(found) == [("beslutsdatum-i-framtiden", Severity.ERROR, line, 10)]
    assert "2027-05-01" in found[0].message and "2026-12-04" in found[0].message
    # Decided today is fine.
    assert findings(make_region(kommun=text), dt.date(2027, 5, 1)) == []


HISTORY = """\
versionshistorik:
  - version: "0.9"
    datum: 2025-09-15
    ändring: Remissversion.
  - version: "1.0"
    datum: 2025-11-19
    ändring: Fastställd.
    beslut: SN 2025-11-19 § 137
"""


def test_rising_versions_pass_and_falling_ones_are_an_error(
    make_region: Callable[..., Path],
) -> None:
    assert findings(make_region(kommun=DECIDED + HISTORY)) == []
    text = DECIDED + HISTORY.replace('version: "1.0"', 'version: "0.10"').replace('"0.9"', '"0.11"')
    found = findings(make_region(kommun=text))
    assert where(found) == [("versionsordning", Severity.ERROR, line_of(text, '"0.10"'), 14)]
    assert "”0.10”" in found[0].message and "”0.11”" in found[0].message


def test_a_repeated_version_is_an_error(make_region: Callable[..., Path]) -> None:
    text = DECIDED + HISTORY.replace('"0.9"', '"1.0"')
    assert [f.code for f in findings(make_region(kommun=text))] == ["versionsordning"]


def test_a_version_dated_after_today_is_an_error(make_region: Callable[..., Path]) -> None:
    text = DECIDED + HISTORY.replace("datum: 2025-11-19", "datum: 2027-01-10")
    found = findings(make_region(kommun=text))
    assert where(found) == [
        ("beslutsdatum-i-framtiden", Severity.ERROR, line_of(text, "2027-01-10"), 12)
    ]


def test_versions_compare_as_numbers() -> None:
    assert version_key("1.10") > version_key("1.9")
    assert version_key("2") > version_key("1.9.9")
    assert version_key("v1.0-rc") == (1, 0)


def test_past_revision_date_is_a_warning(make_region: Callable[..., Path]) -> None:
    text = DECIDED + "revideras_senast: 2026-11-30\n"
    found = findings(make_region(kommun=text))
    line = line_of(text, "revideras_senast")
    assert where(found) == [("revidering-passerad", Severity.WARNING, line, 19)]
    assert findings(make_region(kommun=text), dt.date(2026, 11, 30)) == []


@pytest.mark.parametrize("status", ["beslutad", "remiss"])
def test_intervention_lacking_decision_data_gets_one_warning_listing_it(
    make_region: Callable[..., Path], status: str
) -> None:
    text = (
        DECIDED.replace("    omfattning: Fem samtal\n", "")
        .replace("    omprövas: 2026-12-31\n", "")
        .replace("status: beslutad", f"status: {status}")
    )
    found = findings(make_region(kommun=text))
    line = line_of(text, "- namn: Råd- och stödsamtal")
    assert where(found) == [("insats-beslutsuppgifter", Severity.WARNING, line, 5)]
    assert "”omfattning:”, ”omprövas:”" in found[0].message
    assert "Råd- och stödsamtal" in found[0].message


def test_ending_interventions_and_those_with_assessment_are_not_checked(
    make_region: Callable[..., Path],
) -> None:
    bare = KLIPPAN.replace("status: utkast\n", "status: remiss\n")
    assert [f.code for f in findings(make_region(kommun=bare))] == ["insats-beslutsuppgifter"]
    ending = bare.replace(
        "    utan_behovsprövning: true\n", "    utan_behovsprövning: true\n    läge: upphör\n"
    )
    assert findings(make_region(kommun=ending)) == []
    assessed = bare.replace("utan_behovsprövning: true", "utan_behovsprövning: false")
    assert findings(make_region(kommun=assessed)) == []


def test_every_code_is_listed_with_its_severity() -> None:
    assert DECISION_RULE_CODES["diarienummer-saknas"][0] is Severity.ERROR
    assert DECISION_RULE_CODES["paragraf-saknas"][0] is Severity.WARNING
    for code in DECISION_RULE_CODES:
        assert code == code.lower() and " " not in code


def test_the_example_region_has_no_decision_findings() -> None:
    for path in sorted((EXAMPLE / "kommuner").glob("*.yaml")):
        loaded = load_municipality(EXAMPLE, path)
        assert loaded.entry is not None
        assert list(check_decision(loaded.entry, loaded.source, TODAY)) == [], path.name

"""The register of reforms (reformer.yaml), its table, and the staleness warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from omstallning.check.validate import validate_region
from omstallning.documents.plan import assemble_plan
from omstallning.documents.reforms import PLACEHOLDER, reform_state
from omstallning.documents.tree import Paragraph, Table, plain_text
from omstallning.intro.reforms import load_reforms, swedish_date
from omstallning.model import PlanDate, Reform

from .conftest import EXAMPLE, SOURCES

REGISTER = """\
- id: skolor
  namn: Skolor mot brott
  betydelse: Rektorn ska *polisanmäla* brott.
  status: förslag
  datum: 2026-07-01
  källor: [prop2025]
"""


def epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp()))


def stale(root: Path) -> list[str]:
    return [f.message for f in validate_region(root)[1] if f.code == "reform-kontrollera"]


def test_swedish_dates() -> None:
    assert swedish_date(PlanDate(2026, 7, 1)) == "1 juli 2026"
    assert swedish_date(PlanDate(2026, 12)) == "december 2026"


def test_a_proposal_whose_date_has_passed_warns_with_its_name_and_date(
    make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_region(reformer_DOT_yaml=REGISTER)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-07-01"))
    assert stale(root) == []  # the day it starts: not passed yet
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-04"))
    (message,) = stale(root)
    assert message.startswith(
        "Kontrollera läget: Skolor mot brott skulle träda i kraft 1 juli 2026"
    )
    assert "kontrollerad: 2026-12" in message


@pytest.mark.parametrize("status", ["gäller", "avslagen"])
def test_reforms_in_force_or_rejected_never_warn(
    make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, status: str
) -> None:
    root = make_region(reformer_DOT_yaml=REGISTER.replace("förslag", status))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2030-01-01"))
    assert stale(root) == []


def test_a_recent_check_silences_the_warning_for_six_months(
    make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_region(reformer_DOT_yaml=REGISTER + "  kontrollerad: 2026-12\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-06-30"))
    assert stale(root) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-07-01"))
    assert len(stale(root)) == 1


def test_an_old_state_of_knowledge_warns_after_twelve_months(
    make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    part = "---\nid: syfte\nrubrik: Syfte\nkunskapslage: 2026-12\n---\nText.\n"
    root = make_region(inledning__syfte_DOT_md=part)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-12-31"))
    assert not [f for f in validate_region(root)[1] if f.code == "kunskapslage-gammalt"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2028-01-01"))
    (found,) = [f for f in validate_region(root)[1] if f.code == "kunskapslage-gammalt"]
    assert (found.file, found.line) == ("inledning/syfte.md", 4)
    assert "december 2026" in found.message


def test_a_bad_knowledge_date_is_an_error_at_its_place(make_region: Callable[..., Path]) -> None:
    part = "---\nid: syfte\nrubrik: Syfte\nkunskapslage: 2026-13\n---\nText.\n"
    found = validate_region(make_region(inledning__syfte_DOT_md=part))[1]
    assert ("ogiltigt-datum", "inledning/syfte.md", 4, 15) in {
        (f.code, f.file, f.line, f.column) for f in found
    }


def test_no_register_is_an_empty_register(tmp_path: Path) -> None:
    loaded = load_reforms(tmp_path)
    assert (loaded.reforms, loaded.findings) == ({}, [])


def test_a_register_that_is_not_a_list_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "reformer.yaml").write_text("id: x\n", encoding="utf-8")
    (finding,) = load_reforms(tmp_path).findings
    assert (finding.code, finding.line) == ("fel-typ", 1)


def test_the_table_shows_a_passed_proposal_as_date_passed() -> None:
    reform = Reform.model_validate(
        {"id": "a", "namn": "A", "betydelse": "B", "status": "förslag", "datum": "2026-07-01"}
    )
    assert reform_state(reform, PlanDate(2026, 12)) == "Datum passerat"
    assert reform_state(reform, PlanDate(2026, 6)) == "Förslag"
    assert reform_state(reform, None) == "Förslag"


def _intro_blocks(root: Path) -> list[object]:
    result = validate_region(root)[0]
    doc = assemble_plan(result.region, result.region.municipalities[0])
    return list(doc.blocks)


def test_the_placeholder_becomes_the_register_table_with_numbered_sources(
    make_region: Callable[..., Path],
) -> None:
    part = (
        "---\nid: angransande_lagstiftning\nrubrik: Angränsande\nkunskapslage: 2026-12\n---\n"
        f"Före tabellen.\n\n{PLACEHOLDER}\n\nEfter tabellen.\n"
    )
    root = make_region(reformer_DOT_yaml=REGISTER, inledning__angransande_lagstiftning_DOT_md=part)
    blocks = _intro_blocks(root)
    texts = [plain_text(b.runs) for b in blocks if isinstance(b, Paragraph)]
    assert "Kunskapsläge: december 2026" in texts
    assert PLACEHOLDER not in texts
    (table,) = [b for b in blocks if isinstance(b, Table) and "Reformer" in (b.caption or "")]
    assert [plain_text(c.runs) for c in table.header] == [
        "Reform",
        "Vad det betyder för socialtjänsten",
        "Läge",
        "Datum",
        "Källa",
    ]
    row = [plain_text(c.runs) for c in table.rows[0]]
    assert row[:4] == [
        "Skolor mot brott",
        "Rektorn ska polisanmäla brott.",
        "Datum passerat",
        "1 juli 2026",
    ]
    assert row[4].startswith("[") and row[4].endswith("]")
    assert texts.index("Före tabellen.") < texts.index("Efter tabellen.")


def test_unknown_sources_in_the_register_are_errors(make_region: Callable[..., Path]) -> None:
    root = make_region(reformer_DOT_yaml=REGISTER.replace("prop2025", "prop2099"))
    found = [f for f in validate_region(root)[1] if f.code == "okand-kalla"]
    assert [(f.file, f.line, f.column) for f in found] == [("reformer.yaml", 6, 12)]
    assert "prop2099" in found[0].message and SOURCES


def test_the_example_register_is_clean_in_december_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2026-12-04"))
    found = validate_region(EXAMPLE)[1]
    assert found == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-07-01"))
    names = [f.message.split(" skulle")[0] for f in validate_region(EXAMPLE)[1]]
    assert "Kontrollera läget: Skolor mot brott (prop. 2024/25:160)" in names


def test_the_template_register_matches_the_example() -> None:
    template = EXAMPLE.parents[1] / "templates" / "region" / "reformer.yaml"
    assert template.read_bytes() == (EXAMPLE / "reformer.yaml").read_bytes()

"""`omstallning status`: rows, counts and the quality figure of a small, known region."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands.status import (
    Quality,
    RegionStatus,
    StatusRow,
    format_json,
    format_markdown,
    format_text,
    reference_date,
    region_status,
    swedish_key,
)
from omstallning.errors import UsageError

Run = Callable[..., Any]
REPO = Path(__file__).resolve().parents[1]

# Three goals (one complete, one without target, one without indicator), four activities
# (A1 pågår past its end, A2 without owner, A3 without dates and goal, A4 planerad past its
# end), four interventions (one of them ending).
KLIPPAN_Q = """\
kommun: Klippan
kommunkod: "1276"
status: utkast
version: "0.3"
avsnitt:
  - id: nulage
    text: Nuläget är beskrivet.
mål:
  - id: M1
    rubrik: Fler får stöd tidigt
    fokusområde: forebyggande_och_latt_tillganglig
    indikatorer:
      - namn: Andel
        utgångsvärde: 10 %
        målvärde: 30 %
        år: 2027
  - id: M2
    rubrik: Kortare väntetid
    fokusområde: forebyggande_och_latt_tillganglig
    indikatorer:
      - namn: Väntetid i dagar
        utgångsvärde: 14
  - id: M3
    rubrik: Jämställt stöd
    fokusområde: jamlik_och_jamstalld
aktiviteter:
  - id: A1
    rubrik: Öppna en mottagning
    mål: [M1]
    ansvarig: Enhetschef
    start: 2025-09
    slut: 2026-06
    status: pågår
  - id: A2
    rubrik: Besluta om insatser
    mål: [M1]
    start: 2025-01
    slut: 2025-12
    status: klar
  - id: A3
    rubrik: Utreda en ingång för vuxna
    ansvarig: Socialchef
    status: planerad
  - id: A4
    rubrik: Mäta väntetider
    mål: [M2]
    ansvarig: Kvalitetsutvecklare
    start: 2026-01
    slut: 2026-07
    status: planerad
insatser:
  - namn: Råd- och stödsamtal för unga
    område: barn_och_unga
    utan_behovsprövning: true
    läge: finns
  - namn: Föräldraskapsstöd i grupp
    område: barn_och_unga
    utan_behovsprövning: false
    läge: planeras
  - namn: Budget- och skuldrådgivning
    område: ekonomiskt_bistand
    utan_behovsprövning: true
  - namn: Gammal insats
    område: aldreomsorg
    utan_behovsprövning: true
    läge: upphör
samverkan:
  - part: Elevhälsan
    form: Skolsociala team
"""

# A placeholder on line 7, a required section (samverkan) missing: one error, one warning.
ASTORP = """\
kommun: Åstorp
kommunkod: "1277"
status: remiss
version: "2.1"
avsnitt:
  - id: nulage
    text: "ATT SKRIVA: Nuläget."
mål:
  - id: M1
    rubrik: Unga får stöd i skolan
    fokusområde: forebyggande_och_latt_tillganglig
    indikatorer:
      - namn: Antal samtal
        målvärde: 120
aktiviteter:
  - id: A1
    rubrik: Skolsociala team
    mål: [M1]
    ansvarig: Enhetschef
    start: 2026-01
    slut: 2027-12
    status: pågår
insatser:
  - namn: Råd och stödsamtal för unga!
    område: barn_och_unga
    utan_behovsprövning: true
    läge: finns
    målgrupp: Alla i kommunen
    villkor: Inga
    omfattning: Upp till fem samtal
    beslut: SN 2026-05-20 § 45
    omprövas: 2027-06-30
  - namn: Budget och skuldrådgivning
    område: ekonomiskt_bistand
    utan_behovsprövning: true
    läge: planeras
    målgrupp: Alla i kommunen
    villkor: Inga
    omfattning: Upp till fem samtal
    beslut: SN 2026-05-20 § 45
    omprövas: 2027-06-30
  - namn: Träffpunkt för äldre
    område: aldreomsorg
    utan_behovsprövning: false
    läge: finns
  - namn: Gammal insats
    område: aldreomsorg
    utan_behovsprövning: true
    läge: upphör
"""

BJUV_BROKEN = 'kommun: Bjuv\nkommunkod: "1260"\nstatus: [utkast\n'

TODAY = dt.date(2026, 8, 1)

KLIPPAN_MISSING = (
    "1 mål saknar indikator (M3)",
    "1 mål saknar målvärde (M2)",
    "1 aktivitet saknar ansvarig (A2)",
    "1 aktivitet saknar start- eller slutdatum (A3)",
    "1 aktivitet är inte kopplad till något mål (A3)",
    "A1 har passerat sitt slutdatum men har status pågår (slut 2026-06)",
    "A4 har passerat sitt slutdatum men har status planerad (slut 2026-07)",
)


def make_test_region(make_region: Callable[..., Path], *, broken: bool = True) -> Path:
    """Klippan (quality gaps), Åstorp (an error, a placeholder) and, unless told, broken Bjuv."""
    extra: dict[str, str] = {"kommuner__astorp_DOT_yaml": ASTORP}
    if broken:
        extra["kommuner__bjuv_DOT_yaml"] = BJUV_BROKEN
    return make_region(kommun=KLIPPAN_Q, **extra)


def status_of(root: Path, today: dt.date = TODAY) -> RegionStatus:
    result, findings = validate_region(root)
    return region_status(result, findings, today)


@pytest.fixture
def region_status_(make_region: Callable[..., Path]) -> RegionStatus:
    return status_of(make_test_region(make_region))


def row(status: RegionStatus, name: str) -> StatusRow:
    return next(r for r in status.rows if r.name == name)


# --- rows --------------------------------------------------------------------------------


def test_one_row_per_file_in_swedish_order(region_status_: RegionStatus) -> None:
    assert [r.name for r in region_status_.rows] == [
        "Bjuv",
        "Klippan",
        "Åstorp",
    ]  # an unread file by its name
    assert [r.file for r in region_status_.rows] == [
        "kommuner/bjuv.yaml",
        "kommuner/klippan.yaml",
        "kommuner/astorp.yaml",
    ]
    assert region_status_.region == "Testregionen"
    assert region_status_.today == TODAY


def test_counts_of_a_loaded_municipality(region_status_: RegionStatus) -> None:
    klippan = row(region_status_, "Klippan")
    assert klippan.loaded and klippan.code == "1276"
    assert (klippan.status, klippan.status_label, klippan.version) == ("utkast", "Utkast", "0.3")
    # nulage is written; samverkan is satisfied by the samverkan block.
    assert (klippan.sections_written, klippan.sections_required) == (2, 2)
    assert klippan.sections_missing == ()
    assert klippan.goals == 3
    assert dict(klippan.activities) == {
        "planerad": 2,
        "pågår": 1,
        "klar": 1,
        "pausad": 0,
        "stoppad": 0,
    }
    assert klippan.activities_total == 4
    assert klippan.interventions == 4
    assert klippan.interventions_planned == 1
    assert klippan.interventions_without_assessment == 3
    # ansvarig-saknas A2, aktivitet-utan-mal A3, malvarde-saknas M2, mal-utan-aktivitet M3,
    # mal-utan-indikator M3.
    assert (klippan.errors, klippan.warnings) == (0, 5)


def test_placeholder_sections_do_not_count_as_written(region_status_: RegionStatus) -> None:
    astorp = row(region_status_, "Åstorp")
    assert (astorp.sections_written, astorp.sections_required) == (0, 2)
    assert astorp.sections_missing == ("nulage", "samverkan")
    assert (astorp.errors, astorp.warnings) == (1, 1)
    assert (astorp.status_label, astorp.version) == ("Remissversion", "2.1")


def test_a_file_that_cannot_be_read_is_listed_as_fel(region_status_: RegionStatus) -> None:
    bjuv = row(region_status_, "Bjuv")
    assert not bjuv.loaded
    assert bjuv.status == "fel" and bjuv.status_label == "fel"
    assert bjuv.errors >= 1
    assert bjuv.quality is None and bjuv.goals == 0 and bjuv.activities_total == 0


def test_region_totals(region_status_: RegionStatus) -> None:
    bjuv = row(region_status_, "Bjuv")
    assert region_status_.errors == 1 + bjuv.errors
    assert region_status_.warnings == 6
    assert (region_status_.shared_errors, region_status_.shared_warnings) == (0, 0)


def test_findings_in_shared_files_are_counted_apart(make_region: Callable[..., Path]) -> None:
    root = make_region(inledning__syfte_DOT_md="---\nid: syfte\nrubrik: Syfte\n---\nTODO text\n")
    status = status_of(root)
    assert (status.shared_errors, status.shared_warnings) == (0, 1)
    assert status.shared_files == ("inledning/syfte.md",)
    assert row(status, "Klippan").warnings == 0


# --- the quality figure ------------------------------------------------------------------


def test_quality_figure_and_what_is_missing(region_status_: RegionStatus) -> None:
    quality = row(region_status_, "Klippan").quality
    # One part each: the required sections, 3 goals, 4 activities, 1 placeholder line = 9;
    # 6 have a gap (issue 13: weighed per part, a placeholder line is always a gap).
    assert quality == Quality(passed=3, total=9, missing=KLIPPAN_MISSING)
    assert quality.percent == 33  # 3/9, rounded down


def test_placeholder_check_names_the_lines(region_status_: RegionStatus) -> None:
    quality = row(region_status_, "Åstorp").quality
    assert quality is not None
    assert quality.missing == ("Platshållartext kvar på 1 rad (rad 7)",)
    assert (quality.passed, quality.total, quality.percent) == (2, 5, 40)


def test_an_activity_is_overdue_only_after_the_last_day_of_its_end_month(
    make_region: Callable[..., Path],
) -> None:
    root = make_test_region(make_region)
    on_last_day = row(status_of(root, dt.date(2026, 6, 30)), "Klippan").quality
    day_after = row(status_of(root, dt.date(2026, 7, 1)), "Klippan").quality
    assert on_last_day is not None and day_after is not None
    assert not any("passerat" in m for m in on_last_day.missing)
    assert [m for m in day_after.missing if "passerat" in m] == [KLIPPAN_MISSING[5]]


def test_a_complete_plan_scores_100(make_region: Callable[..., Path]) -> None:
    quality = row(status_of(make_region(), dt.date(2025, 1, 1)), "Klippan").quality
    # the required sections, M1, A1; no placeholders
    assert quality == Quality(passed=4, total=4, missing=())
    assert quality.percent == 100


def test_nothing_to_check_is_100_and_rounding_never_reaches_100() -> None:
    assert Quality(0, 0).percent == 100
    assert Quality(199, 200, ("x",)).percent == 99


def test_many_ids_are_shortened(make_region: Callable[..., Path]) -> None:
    goals = "".join(f"  - id: M{i}\n    rubrik: Mål {i}\n" for i in range(1, 9))
    plan = (
        KLIPPAN_Q.split("mål:\n")[0]
        + "mål:\n"
        + goals
        + "aktiviteter:\n"
        + (KLIPPAN_Q.split("aktiviteter:\n")[1].replace("mål: [M2]", "mål: [M1]"))
    )
    quality = row(status_of(make_region(kommun=plan)), "Klippan").quality
    assert quality is not None
    assert "8 mål saknar indikator (M1, M2, M3, M4, M5, M6 m.fl.)" in quality.missing


# --- helpers -------------------------------------------------------------------------------


def test_swedish_alphabetical_order() -> None:
    names = ["Örkelljunga", "Åstorp", "Ängelholm", "Klippan", "Upplands Väsby", "Upplands-Bro"]
    assert sorted(names, key=swedish_key) == [
        "Klippan",
        "Upplands-Bro",
        "Upplands Väsby",
        "Åstorp",
        "Ängelholm",
        "Örkelljunga",
    ]


def test_reference_date_follows_source_date_epoch() -> None:
    assert reference_date({"SOURCE_DATE_EPOCH": "1767225600"}) == dt.date(2026, 1, 1)
    assert reference_date({}) == dt.date.today()
    for bad in ("inte ett tal", "-1", "253402300800"):
        with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
            reference_date({"SOURCE_DATE_EPOCH": bad})


# --- formats -------------------------------------------------------------------------------


def test_text_format(region_status_: RegionStatus) -> None:
    text = format_text(region_status_)
    lines = text.splitlines()
    assert lines[0] == "Testregionen – läget 2026-08-01"
    assert lines[2].split() == [
        "Kommun",
        "Status",
        "Version",
        "Ändrad",
        "Avsnitt",
        "Mål",
        "Aktiviteter",
        "Planerad",
        "Pågår",
        "Klar",
        "Pausad",
        "Stoppad",
        "Insatser",
        "Utan",
        "bp",
        "Fel",
        "Varn.",
        "Kvalitet",
    ]
    assert lines[4].split() == (
        ["Klippan", "Utkast", "0.3", "–", "2/2", "3", "4", "2", "1", "1", "0", "0", "4", "3"]
        + ["0", "5", "33", "%"]
    )
    assert lines[5].split() == (
        ["Åstorp", "Remissversion", "2.1", "–", "0/2", "1", "1", "0", "1", "0", "0", "0", "4", "3"]
        + ["1", "1", "40", "%"]
    )
    assert lines[3].split()[:3] == ["Bjuv", "fel", "–"]
    # Columns line up: every row of the table is as wide as the header.
    assert len({len(line) for line in lines[2:6] if not line.startswith("Bjuv")}) == 1
    assert "Klippan – kommuner/klippan.yaml (33 %):" in lines
    assert "  - A1 har passerat sitt slutdatum men har status pågår (slut 2026-06)" in lines
    assert "Åstorp – kommuner/astorp.yaml (40 %):" in lines
    assert "  - Avsnitt som inte är skrivna: nulage (Nuläge), samverkan (Samverkan)" in lines
    assert any(line.startswith("Bjuv – kommuner/bjuv.yaml (–):") for line in lines)
    assert lines[-1].startswith("3 kommuner: 1 på remiss, 1 utkast, 1 kunde inte läsas. ")


def test_markdown_format_is_a_gfm_table(region_status_: RegionStatus) -> None:
    md = format_markdown(region_status_)
    lines = md.splitlines()
    assert lines[0] == "## Omställningsplaner: Testregionen – läget 2026-08-01"
    header = next(i for i, line in enumerate(lines) if line.startswith("| Kommun |"))
    assert lines[header + 1] == "|---|---|---|---|" + "---:|" * 13
    assert lines[header + 3] == (
        "| Klippan | Utkast | 0.3 | – | 2/2 | 3 | 4 | 2 | 1 | 1 | 0 | 0 | 4 | 3 | 0 | 5 | 33 % |"
    )
    assert "- **Klippan** (33 %)" in lines
    assert "  - 1 mål saknar målvärde (M2)" in lines
    assert md.endswith("\n") and "\x1b[" not in md


def test_markdown_escapes_pipes() -> None:
    status = RegionStatus(
        "A | B", TODAY, (StatusRow("kommuner/x.yaml", "x", "X|Y", loaded=False, errors=1),)
    )
    md = format_markdown(status)
    assert "A \\| B" in md and "| X\\|Y | fel |" in md


def test_json_format(region_status_: RegionStatus) -> None:
    doc = json.loads(format_json(region_status_))
    assert doc["format"] == 1
    assert doc["region"] == "Testregionen" and doc["date"] == "2026-08-01"
    assert doc["summary"]["municipalities"] == 3
    klippan = doc["municipalities"][1]
    assert klippan == {
        "file": "kommuner/klippan.yaml",
        "slug": "klippan",
        "kommun": "Klippan",
        "kommunkod": "1276",
        "loaded": True,
        "status": "utkast",
        "version": "0.3",
        "sections": {"written": 2, "required": 2, "missing": []},
        "goals": 3,
        "activities": {
            "total": 4,
            "planerad": 2,
            "pågår": 1,
            "klar": 1,
            "pausad": 0,
            "stoppad": 0,
        },
        "interventions": {"total": 4, "planned": 1, "without_assessment": 3},
        "findings": {"errors": 0, "warnings": 5},
        "quality": {"percent": 33, "passed": 3, "checks": 9, "missing": list(KLIPPAN_MISSING)},
        "beslutad_version": None,
        "andrad_sedan_beslut": None,
        "revideras_senast_passerad": None,
        "saknar_varde": None,
    }
    bjuv = doc["municipalities"][0]
    assert (bjuv["loaded"], bjuv["status"], bjuv["quality"]) == (False, "fel", None)


# --- the command ---------------------------------------------------------------------------

EPOCH_2026_08_01 = "1785542400"


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_status_command_exits_0_even_with_errors(
    run_cli: Run, make_region: Callable[..., Path], fmt: str
) -> None:
    root = make_test_region(make_region)
    result = run_cli(
        "status", str(root), "--format", fmt, env={"SOURCE_DATE_EPOCH": EPOCH_2026_08_01}
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    expected = {"text": format_text, "md": format_markdown, "json": format_json}[fmt]
    assert result.stdout == expected(status_of(root))


def test_status_command_default_is_text_for_the_current_folder(
    run_cli: Run, make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_region()
    monkeypatch.chdir(root)
    result = run_cli("status", env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Testregionen – läget 2026-01-01\n")
    assert "Det här saknas" not in result.stdout


def test_status_command_on_a_folder_that_is_not_a_region(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("status", str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "är inget regionrepo" in result.stderr


def test_status_help_is_swedish(run_cli: Run) -> None:
    result = run_cli("status", "--help")
    assert result.exit_code == 0
    assert "Användning:" in result.stdout and "--format" in result.stdout


def test_example_region_status(run_cli: Run) -> None:
    result = run_cli("status", str(REPO / "examples" / "nordvastra-skane"), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [m["kommun"] for m in doc["municipalities"]] == ["Klippan", "Åstorp", "Örkelljunga"]
    assert all(m["sections"]["written"] == 5 for m in doc["municipalities"])


# --- docs and CI -------------------------------------------------------------------------


def test_readme_documents_status_and_the_summary() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "## Översikt: omstallning status" in readme
    assert 'omstallning status --format md >> "$GITHUB_STEP_SUMMARY"' in readme
    assert "omstallning build --sammanstallning" in readme


def test_workflow_writes_the_overview_to_the_job_summary() -> None:
    template = REPO / "templates" / "region" / "dot-github" / "workflows" / "omstallning.yml"
    example = REPO / "examples" / "nordvastra-skane" / ".github" / "workflows" / "omstallning.yml"
    text = template.read_text(encoding="utf-8")
    assert 'run: omstallning status --format md >> "$GITHUB_STEP_SUMMARY"' in text
    # The example is the template as `new region` writes it: only the install line (and its
    # comment, which says where it comes from) differs.
    pinned = re.compile(r"  # [^\n]*\n  OMSTALLNING_PAKET: [^\n]*")
    assert pinned.sub("", example.read_text(encoding="utf-8")) == pinned.sub("", text)


def test_text_table_fits_the_terminal(region_status_: RegionStatus) -> None:
    # Issue 13: at 80 columns the table leaves out columns rather than wrapping its rows.
    text = format_text(region_status_, 80)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "Kvalitet" in text.splitlines()[2] and "Aktiviteter" in text.splitlines()[2]
    assert "Planerad" in format_text(region_status_)  # a pipe or CI log: the whole table

"""The follow-up report: structure, numbers against targets, status wording, charts, writers."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from omstallning.documents.followup import assemble_followup, late_activities, period_words
from omstallning.documents.followup_region import comparison_blocks, shared_kpis
from omstallning.documents.tree import Document, Heading, Image, ListBlock, Paragraph, Table
from omstallning.documents.tree import plain_text as runs_text
from omstallning.followup.files import load_outcome_files, merge_region
from omstallning.followup.missing import latest_period, missing_latest
from omstallning.followup.period import parse_period
from omstallning.load.loader import load_region
from omstallning.model import MunicipalityEntry, Region

from .conftest import EXAMPLE, REPO

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def region() -> Region:
    result = load_region(EXAMPLE)
    assert not [f for f in result.findings if f.is_error]
    merge_region(result.region, load_outcome_files(EXAMPLE))
    return result.region


def entry(region: Region, slug: str) -> MunicipalityEntry:
    found = region.municipality(slug)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def report(region: Region) -> Document:
    return assemble_followup(region, entry(region, "klippan"), parse_period("2026"))


def texts(doc: Document) -> list[str]:
    out = []
    for b in doc.blocks:
        if isinstance(b, Heading | Paragraph):
            out.append(runs_text(b.runs))
    return out


def table(doc: Document, caption: str) -> list[list[str]]:
    found = [b for b in doc.blocks if isinstance(b, Table) and b.caption == caption]
    assert len(found) == 1, caption
    t = found[0]
    return [[runs_text(c.runs) for c in row] for row in (t.header, *t.rows)]


def test_the_summary_comes_first_and_counts_goals_and_activities(report: Document) -> None:
    headings = [b for b in report.blocks if isinstance(b, Heading)]
    assert [h.text for h in headings if h.level == 1] == [
        "Sammanfattning",
        "Mål och indikatorer",
        "Aktiviteter",
    ]
    lines = texts(report)
    assert "För 2026 bedöms 1 uppfyllt, 1 delvis uppfyllt och 2 utan underlag" in " ".join(lines)
    assert any("A11 är försenad." in line for line in lines)
    goals = table(report, "Målen 2026")
    assert goals[1][2:] == ["Delvis uppfyllt", "nämndens bedömning"]
    assert goals[3][2:] == ["Uppfyllt", "förslag utifrån indikatorerna"]


def test_values_by_period_stand_against_the_years_target_with_unit(report: Document) -> None:
    rows = table(report, "Indikator M1.1: utfall per period och målvärde")
    assert rows[0] == ["Period", "Utfall", "Målvärde", "Källa och kommentar"]
    assert [r[:3] for r in rows[1:]] == [
        ["2025", "11\u00a0%", "12\u00a0%"],
        ["2026H1", "14\u00a0%", "18\u00a0%"],
        ["2026", "16\u00a0%", "18\u00a0%"],
    ]
    assert "Familjeingången öppnade i mars." in rows[2][3]


def test_a_written_assessment_wins_and_says_so_with_actions(report: Document) -> None:
    lines = texts(report)
    start = lines.index("M1. Fler barn, unga och familjer får stöd tidigt")
    assert lines[start + 1] == "Bedömning: Delvis uppfyllt (nämndens bedömning)."
    assert lines[start + 2].startswith("Analys: Föräldraskapsstödet når fler familjer")
    assert lines[start + 3].startswith("Åtgärder: Familjeingången bemannas")
    m3 = lines.index("M3. Insatserna vilar på kunskap och följs upp")
    assert lines[m3 + 1] == "Bedömning: Uppfyllt (förslag utifrån indikatorerna)."


def test_each_indicator_with_two_values_has_a_chart_with_the_trend_in_words(
    report: Document,
) -> None:
    images = [b for b in report.blocks if isinstance(b, Image)]
    assert [i.name for i in images] == [f"klippan-uppfoljning-{n}.png" for n in (1, 2, 3, 4)]
    assert all(i.png.startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert (
        "Värdet har ökat från 11\u00a0% år 2025 till 16\u00a0% år 2026, åt rätt håll; "
        "målet 25\u00a0% år 2027 är inte nått." in images[0].alt
    )
    # The Kolada-backed indicator (lower is better) went the wrong way.
    assert "åt fel håll" in images[2].alt and "2,8\u00a0%" in images[2].alt


def test_activities_are_grouped_by_status_with_the_latest_note(report: Document) -> None:
    rows = table(report, "Aktiviteter: klar")
    a6 = next(r for r in rows if r[0] == "A6")
    assert a6[4] == "2026-09-30: Nämnden har fastställt uppföljningsmodellen."
    late = [b for b in report.blocks if isinstance(b, ListBlock)][-1]
    assert [runs_text(i.blocks[0].runs).split(" – ")[0] for i in late.items] == [  # type: ignore[union-attr]
        "A11 Pröva anhörigcafé i Ljungbyhed"
    ]


def test_an_earlier_period_shows_only_what_was_known_then(region: Region) -> None:
    doc = assemble_followup(region, entry(region, "klippan"), parse_period("2026H1"))
    rows = table(doc, "Indikator M1.1: utfall per period och målvärde")
    assert [r[0] for r in rows[1:]] == ["2025", "2026H1"]
    assert runs_text(doc.blocks[2].runs) == "Sammanfattning"  # type: ignore[union-attr]
    # A6 was still under way at the end of June; its status then is that of its note.
    assert any(r[0] == "A6" for r in table(doc, "Aktiviteter: pågår"))
    klippan = entry(region, "klippan").plan
    assert [a.id for a in late_activities(klippan.activities, parse_period("2026H1"))] == []


def test_period_words() -> None:
    assert [period_words(parse_period(p)) for p in ("2026", "2026H1", "2026T2", "2026K3")] == [
        "2026",
        "första halvåret 2026",
        "andra tertialet 2026",
        "tredje kvartalet 2026",
    ]


def test_the_same_input_gives_the_same_bytes_in_docx_and_html(region: Region) -> None:
    from omstallning import writers

    one = assemble_followup(region, entry(region, "klippan"), parse_period("2026"))
    two = assemble_followup(region, entry(region, "klippan"), parse_period("2026"))
    assert one == two
    docx = writers.render(one, "docx")
    assert docx == writers.render(two, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode("utf-8")
    assert len(media) == 4
    assert 'descr="Diagram: Andel aktualiseringar' in body
    page = writers.render(one, "html").decode("utf-8")
    assert page.count('<img src="data:image/png;base64,') == 4
    assert 'alt="Diagram: Antal familjer' in page


def test_the_regional_comparison_shows_each_municipality_per_period(region: Region) -> None:
    shared = shared_kpis(region)
    assert [(s.kpi, [e.slug for e, _ in s.indicators]) for s in shared] == [
        ("N31807", ["astorp", "klippan"])
    ]
    blocks = comparison_blocks(region)
    tables = [b for b in blocks if isinstance(b, Table)]
    rows = [[runs_text(c.runs) for c in row] for row in (tables[0].header, *tables[0].rows)]
    assert rows == [
        ["Kommun", "2024", "2025"],
        ["Åstorp", "3,2\u00a0%", "2,9\u00a0%"],
        ["Klippan", "2,6\u00a0%", "2,8\u00a0%"],
    ]


def test_indicators_lacking_the_latest_value_are_named(region: Region) -> None:
    klippan = entry(region, "klippan")
    assert str(latest_period(klippan)) == "2026"
    missing = missing_latest(klippan, parse_period("2026"))
    assert "Andel hushåll med långvarigt ekonomiskt bistånd" in missing  # Kolada: 2025 only
    assert "Antal familjer som deltar i föräldraskapsstöd i grupp per år" not in missing


def test_validate_and_a_plan_build_never_import_matplotlib(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from omstallning.check.validate import validate_region\n"
        "from omstallning.commands.build import render_plan\n"
        f"result, _ = validate_region(Path({str(EXAMPLE)!r}))\n"
        "region = result.region\n"
        "for fmt in ('docx', 'md', 'html'):\n"
        "    render_plan(region, region.municipalities[0], fmt)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "[]"

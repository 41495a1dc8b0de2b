"""The regional summary: the matrix, the timeline, goals, similar interventions, the files."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT

from omstallning.check.validate import validate_region
from omstallning.commands.build import build_plans
from omstallning.commands.status import RegionStatus, region_status
from omstallning.documents.region_analysis import (
    MatrixCell,
    intervention_matrix,
    normalise_name,
    shared_interventions,
)
from omstallning.documents.summary import assemble_summary, matrix_cell_text
from omstallning.documents.tree import Document, Heading, ListBlock, Paragraph, Table, plain_text
from omstallning.load.loader import LoadResult, load_region
from omstallning.model import Municipality, MunicipalityEntry, Region, RegionConfig
from omstallning.writers.markdown import render_markdown

from .conftest import EXAMPLE, documents
from .test_status import TODAY, make_test_region, status_of

Run = Callable[..., Any]


@pytest.fixture
def region_root(make_region: Callable[..., Path]) -> Path:
    return make_test_region(make_region)


@pytest.fixture
def summary(region_root: Path) -> Document:
    return assemble_summary(load_region(region_root).region, status_of(region_root))


def build_summary(
    region: Region, status: RegionStatus, formats: Sequence[str], out: Path
) -> list[Path]:
    """Only the summary's files, written by `build` with no plan chosen."""
    return [b.path for b in build_plans(region, [], formats, out, status=status)]


def table(doc: Document, caption: str) -> Table:
    return next(b for b in doc.blocks if isinstance(b, Table) and b.caption == caption)


def cells(t: Table) -> list[list[str]]:
    return [[plain_text(c.runs) for c in row] for row in (t.header, *t.rows)]


def entry(name: str, code: str, interventions: Sequence[dict[str, Any]]) -> MunicipalityEntry:
    plan = Municipality.model_validate(
        {"kommun": name, "kommunkod": code, "status": "utkast", "insatser": list(interventions)}
    )
    return MunicipalityEntry(f"kommuner/{name.lower()}.yaml", name.lower(), plan)


def offer(name: str, area: str = "barn_och_unga", **extra: Any) -> dict[str, Any]:
    return {"namn": name, "område": area, "utan_behovsprövning": True, **extra}


def summary_of(entries: list[MunicipalityEntry]) -> Document:
    """The summary of a region made of these municipalities, without files."""
    config = RegionConfig.model_validate(
        {"region": "Skåne NV", "plan": {"titel": "Plan", "period": {"start": 2025, "slut": 2028}}}
    )
    region = Region(root=Path(), config=config, municipalities=entries)
    return assemble_summary(region, region_status(LoadResult(region), [], TODAY))


# --- similar names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Råd- och stödsamtal för unga", "rad stodsamtal unga"),
        ("Råd och stödsamtal för unga!", "rad stodsamtal unga"),
        ("Anhörigstöd – samtal och grupp", "anhorigstod samtal grupp"),
        ("ÖPPEN MOTTAGNING, för vuxna", "oppen mottagning vuxna"),
        ("Och i för", "och i for"),  # only filler words: keep them rather than nothing
    ],
)
def test_normalise_name(name: str, normalised: str) -> None:
    assert normalise_name(name) == normalised


def test_similar_names_in_two_municipalities_are_grouped(region_root: Path) -> None:
    region = load_region(region_root).region
    groups = shared_interventions(region.municipalities)
    assert [(g.name, g.municipalities, g.areas) for g in groups] == [
        ("Budget och skuldrådgivning", ("Klippan", "Åstorp"), ("ekonomiskt_bistand",)),
        ("Råd- och stödsamtal för unga", ("Klippan", "Åstorp"), ("barn_och_unga",)),
    ]
    # `Gammal insats` is in both, but ending (upphör): not a candidate for shared work.
    assert all("Gammal" not in o.intervention.name for g in groups for o in g.offers)


def test_difflib_ratio_groups_close_names_and_keeps_others_apart() -> None:
    a = entry(
        "Klippan",
        "1276",
        [offer("Föräldraskapsstöd i grupp"), offer("Träffpunkt för äldre", "aldreomsorg")],
    )
    b = entry(
        "Bjuv",
        "1260",
        [
            offer("Föräldrastöd i grupp"),  # ratio 0.88 after normalising
            offer("Träffpunkt för personer med psykisk ohälsa", "socialpsykiatri"),  # 0.52
        ],
    )
    groups = shared_interventions([a, b])
    assert [(g.municipalities, [o.intervention.name for o in g.offers]) for g in groups] == [
        (("Bjuv", "Klippan"), ["Föräldrastöd i grupp", "Föräldraskapsstöd i grupp"])
    ]


def test_a_name_in_one_municipality_only_is_no_candidate() -> None:
    a = entry("Klippan", "1276", [offer("Fältverksamhet"), offer("Fältverksamhet kvällstid")])
    assert shared_interventions([a]) == []


def test_groups_with_more_municipalities_come_first() -> None:
    three = [
        entry("Klippan", "1276", [offer("Fältverksamhet"), offer("Budgetrådgivning")]),
        entry("Bjuv", "1260", [offer("Fältverksamhet"), offer("Budgetrådgivning")]),
        entry("Åstorp", "1277", [offer("Fältverksamhet")]),
    ]
    assert [g.name for g in shared_interventions(three)] == ["Fältverksamhet", "Budgetrådgivning"]


def test_near_names_are_grouped_only_within_one_area() -> None:
    a = entry(
        "Klippan",
        "1276",
        [
            offer("Öppen mottagning för unga", "barn_och_unga"),
            offer("Budget- och skuldrådgivning", "ekonomiskt_bistand"),
        ],
    )
    b = entry(
        "Bjuv",
        "1260",
        [
            offer("Öppen mottagning för vuxna", "skadligt_bruk_och_beroende"),  # ratio 0.93
            offer("Budget och skuldrådgivning", "overgripande"),  # the same name: grouped
        ],
    )
    groups = shared_interventions([a, b])
    assert [(g.name, g.areas) for g in groups] == [
        ("Budget och skuldrådgivning", ("ekonomiskt_bistand", "overgripande"))
    ]


def test_what_all_municipalities_share_is_not_listed_name_by_name() -> None:
    entries = [
        entry("Klippan", "1276", [offer("Chatt", läge="planeras"), offer("Fält")]),
        entry("Bjuv", "1260", [offer("Chatt", läge="planeras"), offer("Fält", läge="planeras")]),
        entry("Åstorp", "1277", [offer("Chatt", läge="planeras")]),
    ]
    rows = cells(table(summary_of(entries), "Insatser som flera kommuner erbjuder eller planerar"))
    assert [r[2] for r in rows[1:]] == [
        "Alla 3 kommuner. Planeras i alla.",
        "2 kommuner. Finns: Klippan. Planeras: Bjuv.",
    ]


# --- the intervention matrix -------------------------------------------------------------


def test_matrix_cells(region_root: Path) -> None:
    matrix = intervention_matrix(load_region(region_root).region.municipalities)
    assert matrix[("barn_och_unga", "Klippan")] == MatrixCell(1, 1, 1)
    assert matrix[("ekonomiskt_bistand", "Klippan")] == MatrixCell(1, 0, 1)  # no läge: exists
    assert matrix[("aldreomsorg", "Klippan")] == MatrixCell(0, 0, 0)  # only one that ends
    assert matrix[("barn_och_unga", "Åstorp")] == MatrixCell(1, 0, 1)
    assert matrix[("ekonomiskt_bistand", "Åstorp")] == MatrixCell(0, 1, 1)
    assert matrix[("aldreomsorg", "Åstorp")] == MatrixCell(1, 0, 0)
    assert len(matrix) == 8 * 2
    assert sum(matrix.values(), MatrixCell()) == MatrixCell(4, 2, 4)


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (MatrixCell(), "–"),
        (MatrixCell(5, 1, 4), "5 + 1 (4)"),
        (MatrixCell(3, 0, 0), "3 (0)"),
        (MatrixCell(0, 2, 2), "0 + 2 (2)"),
    ],
)
def test_matrix_cell_text(cell: MatrixCell, text: str) -> None:
    assert matrix_cell_text(cell) == text


def test_matrix_table_has_areas_as_rows_for_a_few_municipalities(summary: Document) -> None:
    t = table(summary, "Insatser per verksamhetsområde och kommun")
    assert cells(t) == [
        ["Verksamhetsområde", "Klippan", "Åstorp", "Regionen"],
        ["Social barn- och ungdomsvård", "1 + 1 (1)", "1 (1)", "2 + 1 (2)"],
        ["Äldreomsorg", "–", "1 (0)", "1 (0)"],
        ["Ekonomiskt bistånd", "1 (1)", "0 + 1 (1)", "1 + 1 (2)"],
        ["Totalt", "2 + 1 (2)", "2 + 1 (2)", "4 + 2 (4)"],
    ]
    assert t.wide


def test_matrix_table_has_municipalities_as_rows_for_many() -> None:
    names = [
        ("Bjuv", "1260"),
        ("Båstad", "1278"),
        ("Helsingborg", "1283"),
        ("Höganäs", "1284"),
        ("Klippan", "1276"),
        ("Landskrona", "1282"),
        ("Ängelholm", "1292"),
        ("Åstorp", "1277"),
    ]
    entries = [
        entry(n, c, [offer("Fält", "barn_och_unga", läge="planeras")] * (i % 2 + 1))
        for i, (n, c) in enumerate(names)
    ]
    rows = cells(table(summary_of(entries), "Insatser per verksamhetsområde och kommun"))
    assert rows[0][0] == "Kommun" and rows[0][-1] == "Totalt"
    assert [r[0] for r in rows[1:]] == [
        "Bjuv",
        "Båstad",
        "Helsingborg",
        "Höganäs",
        "Klippan",
        "Landskrona",
        "Åstorp",
        "Ängelholm",
        "Regionen",
    ]
    assert rows[1][1:] == ["0 + 1 (1)", "0 + 1 (1)"]  # Bjuv: one planned, in barn och unga
    assert rows[2][1:] == ["0 + 2 (2)", "0 + 2 (2)"]
    assert rows[-1][1:] == ["0 + 12 (12)", "0 + 12 (12)"]
    assert len(rows[0]) == 3  # only areas that have an intervention get a column


# --- the document ------------------------------------------------------------------------


def test_chapters(summary: Document) -> None:
    headings = [(b.level, b.text) for b in summary.blocks if isinstance(b, Heading)]
    assert headings == [
        (1, "Sammanfattning"),
        (2, "Det här saknas"),
        (1, "Status per kommun"),
        (1, "Insatser per verksamhetsområde"),
        (1, "Gemensam tidsplan"),
        (2, "Alla aktiviteter"),
        (1, "Mål per fokusområde"),
        (1, "Insatser att samarbeta om"),
    ]
    assert summary.meta.title == (
        "Omställningsplan – ny socialtjänstlag – regional sammanställning, Testregionen"
    )
    assert summary.meta.created == dt.datetime(2026, 8, 1)  # noqa: DTZ001
    assert summary.meta.front_matter["date"] == "2026-08-01"


def test_key_figures(summary: Document) -> None:
    figures = next(b for b in summary.blocks if isinstance(b, ListBlock))
    texts = [plain_text(item.blocks[0].runs) for item in figures.items]  # type: ignore[union-attr]
    assert texts[1:] == [
        "0 av 2 planer uppfyller alla kvalitetskontroller; lägst är 33 % (Klippan).",
        "5 aktiviteter: 2 är planerade, 2 pågår och 1 är klar. "
        "2 har passerat sitt slutdatum men står fortfarande som planerad eller pågår.",
        "6 insatser finns eller planeras (4 finns, 2 planeras), varav 4 ges utan individuell "
        "behovsprövning. 2 insatser som upphör räknas inte.",  # so the plans' counts add up
        "2 insatser finns med samma eller liknande namn i två eller fler kommuner: kandidater "
        "för gemensamt arbete (se Insatser att samarbeta om).",
        "4 mål, som tillsammans täcker 2 av SKR:s fyra fokusområden.",
    ]
    assert texts[0].startswith("3 kommuner: 1 på remiss, 1 utkast, 1 kunde inte läsas.")


def test_status_table(summary: Document) -> None:
    rows = cells(table(summary, "Status för kommunernas planer"))
    assert rows[0][:6] == ["Kommun", "Status", "Version", "Avsnitt", "Mål", "Aktiviteter"]
    assert rows[0][-4:] == ["Utan behovsprövning", "Fel", "Varningar", "Kvalitet"]
    assert rows[2] == [
        "Klippan",
        "Utkast",
        "0.3",
        "2/2",
        "3",
        "4",
        "2",
        "1",
        "1",
        "0",
        "0",
        "4",
        "3",
        "0",
        "5",
        "33 %",
    ]
    assert rows[3][:4] == ["Åstorp", "Remissversion", "2.1", "0/2"]
    assert rows[1][:2] == ["Bjuv", "Fel i filen"] and rows[1][-1] == "–"
    assert all(len(r) == 16 for r in rows)


def test_what_is_missing_table(summary: Document) -> None:
    rows = cells(table(summary, "Det som saknas, per kommun"))
    assert [r[:2] for r in rows] == [
        ["Kommun", "Kvalitet"],
        ["Bjuv", "–"],
        ["Klippan", "33 %"],
        ["Åstorp", "40 %"],
    ]
    assert rows[2][2].startswith("• 1 mål saknar indikator (M3) • 1 mål saknar målvärde (M2)")
    assert "• A4 har passerat sitt slutdatum men har status planerad" in rows[2][2]


def test_heat_map_counts_activities_per_quarter(summary: Document) -> None:
    rows = cells(table(summary, "Antal aktiviteter per kvartal och kommun"))
    assert len(rows[0]) == 1 + 16  # 2025–2028 by quarter
    assert rows[0][1:6] == ["2025 K1", " K2", " K3", " K4", "2026 K1"]
    # A2 2025-01..12, A1 2025-09..2026-06, A4 2026-01..07; A3 has no dates.
    assert rows[1] == ["Klippan", "1", "1", "2", "2", "2", "2", "1"] + [""] * 9
    assert rows[2] == ["Åstorp"] + [""] * 4 + ["1"] * 8 + [""] * 4


def test_timeline_has_one_row_per_activity_with_bars(summary: Document) -> None:
    t = table(summary, "Tidsplan för alla kommuners aktiviteter")
    assert [[plain_text(c.runs) for c in r[:3]] for r in t.rows] == [
        ["Klippan", "A1", "Öppna en mottagning"],
        ["Klippan", "A2", "Besluta om insatser"],
        ["Klippan", "A3", "Utreda en ingång för vuxna"],
        ["Klippan", "A4", "Mäta väntetider"],
        ["Åstorp", "A1", "Skolsociala team"],
    ]
    bars = [[i for i, c in enumerate(r[3:]) if c.fill] for r in t.rows]
    assert bars == [[2, 3, 4, 5], [0, 1, 2, 3], [], [4, 5, 6], list(range(4, 12))]
    assert t.rows[0][5].fill == "2E75B6"  # pågår
    assert t.wide and t.compact


def test_goals_side_by_side_by_focus_area(summary: Document) -> None:
    rows = cells(table(summary, "Kommunernas mål per fokusområde"))
    assert rows == [
        ["Fokusområde", "Kommun", "Mål", "Indikatorer: utgångsvärde → målvärde (år)"],
        [
            "Förebyggande och lätt tillgänglig",
            "Klippan",
            "M1. Fler får stöd tidigt",
            "Andel: 10 % → 30 % (2027)",
        ],
        [
            "Förebyggande och lätt tillgänglig",
            "Klippan",
            "M2. Kortare väntetid",
            "Väntetid i dagar: 14 → –",
        ],
        [
            "Förebyggande och lätt tillgänglig",
            "Åstorp",
            "M1. Unga får stöd i skolan",
            "Antal samtal: – → 120",
        ],
        ["Jämlik och jämställd", "Klippan", "M3. Jämställt stöd", "Ingen indikator ännu"],
    ]


def test_shared_interventions_table(summary: Document) -> None:
    rows = cells(table(summary, "Insatser som flera kommuner erbjuder eller planerar"))
    assert rows == [
        ["Insats", "Verksamhetsområde", "Kommuner", "Utan bp"],
        [
            "Budget och skuldrådgivning",
            "Ekonomiskt bistånd",
            "Alla 2 kommuner. Finns: Klippan (”Budget- och skuldrådgivning”). Planeras: Åstorp.",
            "2 av 2",
        ],
        [
            "Råd- och stödsamtal för unga",
            "Social barn- och ungdomsvård",
            "Alla 2 kommuner. Klippan, Åstorp (”Råd och stödsamtal för unga!”)",
            "2 av 2",
        ],
    ]


def test_wide_tables_go_on_landscape_pages_and_no_paragraph_follows_one(
    summary: Document,
) -> None:
    blocks = summary.blocks
    wide = [i for i, b in enumerate(blocks) if isinstance(b, Table) and b.wide]
    assert wide
    # The DOCX writer gives a paragraph right after a wide table a portrait page of its own.
    for i in wide:
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        assert not isinstance(after, Paragraph), blocks[i].caption  # type: ignore[union-attr]


def test_an_empty_region_still_gives_a_document(make_region: Callable[..., Path]) -> None:
    root = make_region(kommuner__klippan_DOT_yaml=None)
    doc = assemble_summary(load_region(root).region, status_of(root))
    texts = [plain_text(b.runs) for b in doc.blocks if isinstance(b, Paragraph)]
    assert "Ingen kommun har ännu fört in några insatser." in texts
    assert "Ingen kommun har ännu fört in några aktiviteter." in texts
    assert "Ingen kommun har ännu fört in några mål." in texts


# --- files -------------------------------------------------------------------------------


def test_build_summary_writes_docx_and_markdown(region_root: Path, tmp_path: Path) -> None:
    region = load_region(region_root).region
    status = status_of(region_root)
    out = tmp_path / "build"
    written = build_summary(region, status, ["docx", "md"], out)
    assert written == [out / "sammanstallning.docx", out / "sammanstallning.md"]
    md = written[1].read_text(encoding="utf-8")
    assert md.startswith('---\ntitle: "Omställningsplan – ny socialtjänstlag – regional')
    assert "| Social barn- och ungdomsvård | 1 + 1 (1) | 1 (1) | **2 + 1 (2)** |" in md
    assert md == render_markdown(assemble_summary(region, status))

    document = docx.Document(str(written[0]))
    headings = [
        p.text for p in document.paragraphs if p.style and p.style.name.startswith("Heading")
    ]
    assert headings[:3] == ["Sammanfattning", "Det här saknas", "Status per kommun"]
    assert document.core_properties.title.endswith("regional sammanställning, Testregionen")
    orientations = [s.orientation for s in document.sections]
    assert WD_ORIENT.LANDSCAPE in orientations and orientations[0] == WD_ORIENT.PORTRAIT
    # Same input, same day: same bytes.
    again = build_summary(region, status, ["docx"], tmp_path / "again")
    assert again[0].read_bytes() == written[0].read_bytes()


def test_build_command_writes_the_summary(run_cli: Run, make_region: Callable[..., Path]) -> None:
    root = make_region()
    result = run_cli(
        "build", str(root), "--sammanstallning", env={"SOURCE_DATE_EPOCH": "1767225600"}
    )
    assert result.exit_code == 0, result.output
    assert "Skrev sammanställningen:" in result.stdout
    assert documents(root / "build") == [
        "klippan.docx",
        "klippan.md",
        "sammanstallning.docx",
        "sammanstallning.md",
    ]
    md = (root / "build" / "sammanstallning.md").read_text(encoding="utf-8")
    assert 'date: "2026-01-01"' in md


def test_build_summary_follows_the_format_and_ignores_kommun(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    from .test_status import ASTORP

    clean_astorp = ASTORP.replace('"ATT SKRIVA: Nuläget."', "Nuläget.") + (
        "samverkan:\n  - part: Skolan\n"
    )
    root = make_region(kommuner__astorp_DOT_yaml=clean_astorp)
    result = run_cli(
        "build", str(root), "--sammanstallning", "--format", "md", "--kommun", "klippan"
    )
    assert result.exit_code == 0, result.output
    assert documents(root / "build") == ["klippan.md", "sammanstallning.md"]
    md = (root / "build" / "sammanstallning.md").read_text(encoding="utf-8")
    assert "Åstorp" in md and "Klippan" in md


def test_build_without_the_flag_writes_no_summary(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    root = make_region()
    assert run_cli("build", str(root)).exit_code == 0
    assert not (root / "build" / "sammanstallning.docx").exists()


def test_build_makes_a_summary_despite_a_broken_municipality(
    run_cli: Run, region_root: Path
) -> None:
    # Issue 13: the good plans and the summary are built; the broken one is listed, exit 1.
    result = run_cli("build", str(region_root), "--sammanstallning", "--format", "md")
    assert result.exit_code == 1
    assert (region_root / "build" / "sammanstallning.md").exists()
    assert "Byggdes inte: kommuner/" in result.output


# --- the example region ------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_summary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result, findings = validate_region(EXAMPLE)
    out = tmp_path_factory.mktemp("summary")
    build_summary(result.region, region_status(result, findings, TODAY), ["docx", "md"], out)
    return out


def test_example_summary(example_summary: Path) -> None:
    md = (example_summary / "sammanstallning.md").read_text(encoding="utf-8")
    assert "| Klippan | Beslutad | 1.0 | 5/5 |" in md
    assert "Alla planer uppfyller kontrollerna. Inget saknas." in md
    # The three example plans share interventions such as Budget- och skuldrådgivning.
    assert (
        "| Budget- och skuldrådgivning | Ekonomiskt bistånd | **Alla 3 kommuner.** | 3 av 3 |" in md
    )


soffice = shutil.which("soffice") or shutil.which("libreoffice")
pdftotext = shutil.which("pdftotext")


@pytest.mark.slow
@pytest.mark.skipif(
    not (soffice and pdftotext), reason="LibreOffice (soffice) and poppler are not installed"
)
def test_libreoffice_opens_the_example_summary(example_summary: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            str(soffice),
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(example_summary / "sammanstallning.docx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(
        [str(pdftotext), "-layout", str(tmp_path / "sammanstallning.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert "Regional sammanställning – Nordvästra Skåne" in flat
    for name in ("Klippan", "Åstorp", "Örkelljunga", "Insatser att samarbeta om"):
        assert name in flat
    # Page numbers survive the section breaks of the landscape pages.
    assert "Sida 2 av" in flat and "Sida 5 av" in flat
    assert 6 <= text.count("\f") <= 20


def test_placeholders_are_not_content_in_the_summary(tmp_path: Path) -> None:
    # Issue 13: untouched municipalities add no "ATT SKRIVA" goals or activities; they are
    # named as not started instead.
    from omstallning.check.validate import validate
    from omstallning.commands.scaffold import plan_region, write_planned
    from omstallning.commands.status import region_status
    from omstallning.documents.summary import assemble_summary

    root = tmp_path / "r"
    write_planned(root, plan_region("Fyrbodal", ["Trollhättan", "Åmål"]), force=False)
    result = validate(root)
    status = region_status(result, result.findings, dt.date(2026, 1, 1))
    document = assemble_summary(result.region, status)
    texts = [
        plain_text(b.runs)  # type: ignore[attr-defined]
        for b in document.blocks
        if hasattr(b, "runs")
    ]
    figures = next(b for b in document.blocks if isinstance(b, ListBlock))
    key = [plain_text(i.blocks[0].runs) for i in figures.items]  # type: ignore[union-attr]
    assert any(t.startswith("2 kommuner har inte börjat (Trollhättan och Åmål)") for t in key)
    assert not any("mål, som tillsammans" in t for t in key)
    assert not any("ATT SKRIVA" in t for t in texts)

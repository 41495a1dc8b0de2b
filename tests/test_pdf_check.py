"""The PDF check on small PDFs made here: each missing property is named in Swedish."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from omstallning.publish.pdf_check import check_pdf

UA = "{http://www.aiim.org/pdfua/ns/id/}"
A = "{http://www.aiim.org/pdfa/ns/id/}"


def _element(pdf: pikepdf.Pdf, kind: str, kids: list[object], **extra: object) -> pikepdf.Object:
    d = pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + kind), K=pikepdf.Array(kids)
    )
    for key, value in extra.items():
        d[f"/{key}"] = value
    return pdf.make_indirect(d)


def make_pdf(
    path: Path,
    *,
    drop: tuple[str, ...] = (),
    figure_alt: str | None = "Logotyp",
    table_th: bool = True,
    lang: str = "sv-SE",
) -> Path:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    root = pdf.Root
    if "marked" not in drop:
        root.MarkInfo = pikepdf.Dictionary(Marked=True)
    if "lang" not in drop:
        root.Lang = pikepdf.String(lang)
    if "display" not in drop:
        root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    if "outlines" not in drop:
        item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Inledning")))
        root.Outlines = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Outlines, First=item, Last=item, Count=1)
        )
    if "tree" not in drop:
        alt = {"Alt": pikepdf.String(figure_alt)} if figure_alt is not None else {}
        cell = _element(pdf, "TH" if table_th else "TD", [0])
        row = _element(pdf, "TR", [cell])
        table = _element(pdf, "Table", [row])
        figure = _element(pdf, "Bild", [1], **alt)
        heading = _element(pdf, "H1", [2])
        doc = _element(pdf, "Document", [heading, figure, table])
        root.StructTreeRoot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructTreeRoot,
                K=doc,
                RoleMap=pikepdf.Dictionary(Bild=pikepdf.Name.Figure),
            )
        )
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        if "ua" not in drop:
            meta[f"{UA}part"] = "1"
        if "pdfa" not in drop:
            meta[f"{A}part"] = "2"
            meta[f"{A}conformance"] = "B"
    if "title" not in drop:
        pdf.docinfo["/Title"] = "Omställningsplan – Åstorps kommun"
    pdf.save(path)
    return path


def test_a_complete_pdf_has_no_problems(tmp_path: Path) -> None:
    assert check_pdf(make_pdf(tmp_path / "ok.pdf")) == []


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        ("marked", "inte taggad"),
        ("lang", "språk (/Lang) saknas"),
        ("display", "DisplayDocTitle"),
        ("outlines", "bokmärken"),
        ("tree", "strukturträd"),
        ("title", "dokumenttitel"),
        ("ua", "PDF/UA-1"),
        ("pdfa", "PDF/A-2b"),
    ],
)
def test_each_missing_property_is_named(tmp_path: Path, drop: str, expected: str) -> None:
    problems = check_pdf(make_pdf(tmp_path / "x.pdf", drop=(drop,)))
    assert len(problems) == 1 and expected in problems[0], problems


def test_figure_without_alt_text_through_the_role_map(tmp_path: Path) -> None:
    problems = check_pdf(make_pdf(tmp_path / "x.pdf", figure_alt=None))
    assert problems == ["1 bild(er) i strukturträdet saknar alternativtext (/Alt)."]
    assert check_pdf(make_pdf(tmp_path / "y.pdf", figure_alt="  ")) == problems


def test_table_without_header_cells(tmp_path: Path) -> None:
    problems = check_pdf(make_pdf(tmp_path / "x.pdf", table_th=False))
    assert problems == ["1 av 1 tabeller saknar rubrikceller (TH): okänd sida."]


def test_english_language_is_a_problem(tmp_path: Path) -> None:
    problems = check_pdf(make_pdf(tmp_path / "x.pdf", lang="en-US"))
    assert problems == ["Dokumentets språk (/Lang) är 'en-US'; det ska vara sv-SE eller sv."]
    assert check_pdf(make_pdf(tmp_path / "y.pdf", lang="sv")) == []


def test_not_a_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"inte en pdf")
    (problem,) = check_pdf(bad)
    assert problem.startswith("PDF-filen kan inte läsas")

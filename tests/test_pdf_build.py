"""`build --format pdf`: checked PDFs, and the DOCX's contents with the PDF's page numbers."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from omstallning.commands.build import MANIFEST_FILE, BuiltFile, build_plans
from omstallning.documents.plan import assemble_plan
from omstallning.documents.tree import (
    Block,
    Cell,
    Document,
    DocumentMeta,
    Heading,
    LineBreak,
    PageBreak,
    Paragraph,
    Run,
    Table,
)
from omstallning.load.loader import load_region
from omstallning.publish.libreoffice import (
    LibreOfficeMissingError,
    convert_to_pdf,
    require_libreoffice,
)
from omstallning.publish.pdf_check import check_pdf
from omstallning.writers.docx import render_docx
from omstallning.writers.docx.body import plan_heading_bookmarks

from .conftest import EXAMPLE


def _missing() -> str | None:
    try:
        require_libreoffice()
    except LibreOfficeMissingError as exc:
        return str(exc)
    return None if shutil.which("pdftotext") else "poppler (pdftotext) is not installed"


missing = _missing()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing is not None, reason=f"LibreOffice and poppler needed: {missing}"),
]
_PAGEREF = re.compile(
    r"PAGEREF (\S+) \\h\s*</w:instrText></w:r>"
    r'<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>(\d+)</w:t>'
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[BuiltFile]]:
    root = tmp_path_factory.mktemp("pdfbuild") / "region"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build"))
    region = load_region(root).region
    files = build_plans(region, region.municipalities, ["pdf"], root / "build", jobs=2)
    return root, files


def _toc_pages(docx: Path) -> dict[str, int]:
    """The cached result of each PAGEREF of the DOCX's table of contents, by bookmark."""
    with zipfile.ZipFile(io.BytesIO(docx.read_bytes())) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    assert "updateFields" not in settings  # nothing left for Word to compute
    return {m.group(1): int(m.group(2)) for m in _PAGEREF.finditer(xml)}


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")]


def test_pdf_build_writes_docx_and_pdf_of_every_plan_that_pass_the_check(
    built: tuple[Path, list[BuiltFile]],
) -> None:
    root, files = built
    out = root / "build"
    assert sorted(f.path.name for f in files) == sorted(
        f"{s}.{fmt}" for s in ("astorp", "klippan", "orkelljunga") for fmt in ("docx", "pdf")
    )
    for file in files:
        if file.format == "pdf":
            assert check_pdf(file.path) == [], file.path.name
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_docx_contents_show_the_pages_of_the_headings_in_the_pdf(
    built: tuple[Path, list[BuiltFile]],
) -> None:
    root, _files = built
    region = load_region(root).region
    for entry in region.municipalities:
        doc = assemble_plan(region, entry)
        names = plan_heading_bookmarks(doc.blocks)
        titles = {names[i]: b.text for i, b in enumerate(doc.blocks) if isinstance(b, Heading)}
        listed = _toc_pages(root / "build" / f"{entry.slug}.docx")
        assert len(listed) >= 10, entry.slug
        pages = _pdf_pages(root / "build" / f"{entry.slug}.pdf")
        toc_text = " ".join(pages[1:4])
        for bookmark, page in listed.items():
            title = re.sub(r"\s+", " ", titles[bookmark])
            # The heading is on that page of the PDF, and the PDF's own contents say so.
            assert title[:40] in pages[page - 1], (entry.slug, title, page)
            entry_re = re.escape(title[:30]) + r"[^\n]*?\.{3,} ?" + str(page) + r"\b"
            assert re.search(entry_re, toc_text), (entry.slug, title, page)


def test_an_unchanged_docx_is_not_converted_again(
    built: tuple[Path, list[BuiltFile]], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _files = built
    out = root / "build"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def no_conversion(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr("omstallning.publish.libreoffice.convert_to_pdf", no_conversion)
    region = load_region(root).region
    again = build_plans(region, region.municipalities, ["pdf"], out)
    assert all(f.skipped for f in again)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    manifest = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))["files"]
    assert manifest["klippan.pdf"]["inputs"] == manifest["klippan.docx"]["output"]


def test_the_summary_rendered_again_keeps_its_pdf_and_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from omstallning.check.validate import validate_region
    from omstallning.commands.status import region_status

    root = tmp_path / "region"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build"))
    result, findings = validate_region(root)
    status = region_status(result, findings, dt.date(2026, 3, 2))
    out = root / "build"
    first = build_plans(result.region, [], ["pdf"], out, status=status)
    assert [(f.path.name, f.skipped) for f in first] == [
        ("sammanstallning.docx", False),
        ("sammanstallning.pdf", False),
    ]
    docx = (out / "sammanstallning.docx").read_bytes()
    pdf = (out / "sammanstallning.pdf").read_bytes()
    assert _toc_pages(out / "sammanstallning.docx")

    def no_conversion(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr("omstallning.publish.libreoffice.convert_to_pdf", no_conversion)
    again = build_plans(result.region, [], ["pdf"], out, status=status)
    assert [f.skipped for f in again if f.format == "pdf"] == [True]
    assert (out / "sammanstallning.docx").read_bytes() == docx
    assert (out / "sammanstallning.pdf").read_bytes() == pdf


def _goal_with_indicators(k: int, filler_lines: int) -> list[Block]:
    """A page of filler, then a goal as a plan has it: heading, text and a captioned table."""
    filler: list[Run | LineBreak] = []
    for i in range(filler_lines):
        filler += [LineBreak(), Run(f"Fyllnadsrad {i}")] if i else [Run(f"Fyllnadsrad {i}")]
    header = ("Indikator", "Utgångsvärde", "Målvärde", "År", "Källa")
    rows = tuple(
        tuple(
            Cell((Run(text),))
            for text in (f"M{k}R{r}: andel som nås av insatser inom målet", "6 %", "22 %")
            + ("2028", "Eget verksamhetssystem")
        )
        for r in range(2)
    )
    return [
        *([PageBreak()] if k else []),
        Paragraph(tuple(filler)),
        Heading(2, (Run(f"M{k}. Ett mål"),)),
        Paragraph((Run("Fokusområde: Styrning och ledning"),)),
        Paragraph((Run("Digitala verktyg ska göra handläggningen enklare och frigöra tid. " * 3),)),
        Table(tuple(Cell((Run(h),)) for h in header), rows, caption=f"Indikatorer för mål M{k}"),
    ]


def test_a_table_whose_header_row_would_end_a_page_keeps_its_rows_and_header_cells(
    tmp_path: Path,
) -> None:
    # One goal a page, each one line lower than the one before, so that for some of them
    # only the table's header row fits at the foot of the page. LibreOffice 7.4 then stopped
    # repeating the header row: it lost the rows after an unsplittable header row, and
    # tagged the header cells TD.
    blocks: list[Block] = [Heading(1, (Run("Tabeller vid sidans fot"),))]
    for k in range(12):
        blocks += _goal_with_indicators(k, 26 + k)
    meta = DocumentMeta(title="Tabeller", subject="Test", author="Test", keywords="")
    docx = tmp_path / "tabeller.docx"
    docx.write_bytes(render_docx(Document(meta, tuple(blocks))))
    (result,) = convert_to_pdf([(docx, docx.with_suffix(".pdf"))])
    assert result.ok, result.error
    text = " ".join(_pdf_pages(docx.with_suffix(".pdf")))
    for k in range(12):
        for r in range(2):
            assert f"M{k}R{r}:" in text
    assert check_pdf(docx.with_suffix(".pdf")) == []

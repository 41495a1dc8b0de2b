"""The table of contents carries page numbers where no one updates fields (M4).

Two passes through LibreOffice: the pages of the headings in the first PDF pre-fill the
TOC of the second DOCX, whose own PDF must put every heading on the page its entry says.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from omstallning.documents.plan import assemble_plan
from omstallning.documents.tree import Heading, TableOfContents
from omstallning.load.loader import load_region
from omstallning.writers.docx import render_docx
from omstallning.writers.docx.body import plan_heading_bookmarks
from omstallning.writers.docx.toc import (
    parse_destinations,
    pdf_command,
    pdf_name,
    toc_entries_from_pdf,
)

from .conftest import EXAMPLE

SOFFICE = shutil.which("soffice")
PDFTOOLS = shutil.which("pdfinfo") and shutil.which("pdftotext")


def test_pdf_names_of_bookmarks_are_hex_escaped_like_libreoffice() -> None:
    assert pdf_name("del_syfte_8f6730a1") == "del5Fsyfte5F8f6730a1"
    listing = (
        "Page  Destination                 Name\n"
        '   5 [ XYZ   71  753 null      ] "del5Fsyfte5F8f6730a1"\n'
        '  12 [ XYZ   71  269 null      ] "5FToc100000031"\n'
    )
    assert parse_destinations(listing) == {"del5Fsyfte5F8f6730a1": 5, "5FToc100000031": 12}


def test_prefilled_toc_has_page_fields_and_does_not_ask_to_update() -> None:
    region = load_region(EXAMPLE).region
    doc = assemble_plan(region, region.municipalities[0])
    names = plan_heading_bookmarks(doc.blocks)
    pages = {name: 3 + i for i, name in enumerate(names.values())}
    xml = _document_xml(render_docx(doc, toc_pages=pages))
    settings = _part(render_docx(doc, toc_pages=pages), "word/settings.xml")
    assert "updateFields" not in settings
    assert 'w:dirty="true"' not in xml
    first = next(iter(names.values()))
    assert f"PAGEREF {first} \\h" in xml
    assert 'w:leader="dot"' in xml
    # Without pages: today's behaviour, Word updates the field on open.
    assert "updateFields" in _part(render_docx(doc), "word/settings.xml")


def _part(data: bytes, name: str) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def _document_xml(data: bytes) -> str:
    return _part(data, "word/document.xml")


def _to_pdf(data: bytes, folder: Path, name: str) -> Path:
    docx = folder / f"{name}.docx"
    docx.write_bytes(data)
    assert SOFFICE is not None
    subprocess.run(pdf_command(docx, folder, SOFFICE), check=True, capture_output=True, timeout=240)
    return folder / f"{name}.pdf"


@pytest.mark.slow
@pytest.mark.skipif(not (SOFFICE and PDFTOOLS), reason="LibreOffice or poppler not installed")
def test_toc_page_numbers_match_the_pages_of_the_headings(tmp_path: Path) -> None:
    region = load_region(EXAMPLE).region
    doc = assemble_plan(region, region.municipalities[1])
    toc = next(i for i, b in enumerate(doc.blocks) if isinstance(b, TableOfContents))
    levels = doc.blocks[toc].levels
    names = plan_heading_bookmarks(doc.blocks)
    listed = [
        (b.text, names[i])
        for i, b in enumerate(doc.blocks)
        if i > toc and isinstance(b, Heading) and b.level <= levels
    ]
    pages: dict[str, int] | None = None
    for attempt in range(3):
        pdf = _to_pdf(render_docx(doc, toc_pages=pages), tmp_path, f"pass{attempt}")
        found = toc_entries_from_pdf(pdf, [name for _, name in listed])
        if found == pages:
            break
        pages = found
    assert pages is not None and set(pages) == {name for _, name in listed}
    # The final PDF: each heading is on the page of its bookmark …
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    for title, name in listed:
        page_text = re.sub(r"\s+", " ", text[pages[name] - 1])
        assert re.sub(r"\s+", " ", title)[:40] in page_text, (title, pages[name])
    # … and the TOC, as LibreOffice shows it without updating fields, gives that page.
    toc_text = "\n".join(text[:4])
    for title, name in listed:
        entry = re.escape(re.sub(r"\s+", " ", title)[:30])
        assert re.search(entry + r"[^\n]*?\.{3,}\s*" + str(pages[name]) + r"\b", toc_text), (
            title,
            pages[name],
        )

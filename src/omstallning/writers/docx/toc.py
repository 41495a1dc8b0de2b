"""The pages of a document's headings, read from a PDF that LibreOffice laid out.

A table of contents with page numbers needs a layout, which only a word processor has.
Two passes give it one: build the DOCX, convert it with `soffice` (`pdf_command`, which
asks LibreOffice to export every Word bookmark as a named destination), read each
heading bookmark's page (`toc_entries_from_pdf`) and build the DOCX again with
`render_docx(..., toc_pages=pages)`; the bookmark names are those of
`body.plan_heading_bookmarks`. A heading stays on its page as long as the pre-filled table
of contents keeps its number of pages: convert the second DOCX once more and repeat if the
pages changed. Reading uses poppler's `pdfinfo`; nothing here needs LibreOffice itself.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

PDF_FILTER = (
    'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
)
_DEST_LINE = re.compile(r'^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$')


def pdf_command(docx: Path, outdir: Path, soffice: str = "soffice") -> list[str]:
    """The command that converts `docx` to a PDF in `outdir` with bookmarks as destinations."""
    return [soffice, "--headless", "--convert-to", PDF_FILTER, "--outdir", str(outdir), str(docx)]


def pdf_name(bookmark: str) -> str:
    """A bookmark's name as LibreOffice writes it as a PDF destination.

    Every character but a letter or digit becomes its two hex digits ("_" is "5F"), so
    the names of Word bookmarks (letters, digits, "_") map one to one.
    """
    return re.sub(r"[^A-Za-z0-9]", lambda m: f"{ord(m.group()):02X}", bookmark)


def destinations(pdf: Path) -> dict[str, int]:
    """Every named destination of `pdf` and its page (1-based), as `pdfinfo -dests` lists."""
    listing = subprocess.run(
        ["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return parse_destinations(listing)


def parse_destinations(listing: str) -> dict[str, int]:
    """`pdfinfo -dests` output as {destination name: page}; the first one of a name wins."""
    pages: dict[str, int] = {}
    for line in listing.splitlines():
        match = _DEST_LINE.match(line)
        if match:
            pages.setdefault(match.group(2), int(match.group(1)))
    return pages


def toc_entries_from_pdf(pdf: Path, bookmarks: Iterable[str] | None = None) -> dict[str, int]:
    """The page of each heading bookmark of `pdf`, by bookmark name.

    Args:
        pdf: A PDF converted with `pdf_command`.
        bookmarks: The names to look for (the document's heading bookmarks); None for
            every destination, its name decoded from LibreOffice's "5F" for "_".
    """
    found = destinations(pdf)
    if bookmarks is None:
        return {name.replace("5F", "_"): page for name, page in found.items()}
    return {b: found[pdf_name(b)] for b in bookmarks if pdf_name(b) in found}


def pages_by_bookmark(
    headings: Sequence[tuple[str, str]], laid_out: Iterable[tuple[int, str, int]]
) -> dict[str, int]:
    """The page of each heading by bookmark, from the headings LibreOffice laid out.

    Args:
        headings: (bookmark, text) of the document's headings in order
            (`body.plan_heading_bookmarks`).
        laid_out: (level, text, page) of each heading paragraph of the converted DOCX in
            order (`pdf_check.inspect_pdf`, from the PDF's bookmarks); it may hold more
            (the table of contents' title), so each heading takes the next one with its
            text.
    """
    found = [(_words(text), page) for _level, text, page in laid_out]
    pages: dict[str, int] = {}
    position = 0
    for bookmark, text in headings:
        wanted = _words(text)
        for index in range(position, len(found)):
            if found[index][0] == wanted:
                pages[bookmark] = found[index][1]
                position = index + 1
                break
    return pages


def _words(text: str) -> str:
    return " ".join(text.split())

"""Check that a written PDF keeps what makes it accessible and archivable.

These are the machine-checkable parts that an export can lose without anyone noticing: the
tags and structure tree, the language, the title shown instead of the file name, the PDF/UA
and PDF/A claims in the XMP metadata, bookmarks, alternative text on figures and header
cells in tables. They do not prove conformance (a validator such as veraPDF does more); they
catch a wrong export option or a template that breaks the tagging.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from pathlib import Path

import pikepdf

ACCEPTED_LANGS = ("sv-SE", "sv")
_PDFUA = "{http://www.aiim.org/pdfua/ns/id/}"
_PDFA = "{http://www.aiim.org/pdfa/ns/id/}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
# A structure tree deeper than this is broken, not a plan.
_MAX_DEPTH = 200
# More bookmarks than this are not a plan's headings.
_MAX_BOOKMARKS = 100_000


def check_pdf(path: Path, langs: tuple[str, ...] = ACCEPTED_LANGS) -> list[str]:
    """The problems found in the PDF at `path`, one Swedish sentence each; empty when none."""
    return inspect_pdf(path, langs)[0]


def inspect_pdf(
    path: Path, langs: tuple[str, ...] = ACCEPTED_LANGS
) -> tuple[list[str], list[tuple[int, str, int]]]:
    """`check_pdf`'s problems and `outline`'s headings, from one reading of the file."""
    found = _inspect(path, langs)  # every pikepdf object is gone when it returns
    _return_freed_memory()
    return found


def _inspect(path: Path, langs: tuple[str, ...]) -> tuple[list[str], list[tuple[int, str, int]]]:
    try:
        # Not pushing inherited attributes down to every page: read only, and for a 549-page
        # plan that push alone took 600 MB.
        pdf = pikepdf.open(path, inherit_page_attributes=False)
    except (pikepdf.PdfError, OSError) as exc:
        return [f"PDF-filen kan inte läsas ({exc})."], []
    with pdf:
        root = pdf.Root
        assert isinstance(root, pikepdf.Dictionary)
        pages = _page_numbers(pdf)
        problems = _catalog_problems(root, langs)
        problems += _metadata_problems(pdf)
        tree_root = root.get("/StructTreeRoot")
        if isinstance(tree_root, pikepdf.Dictionary):
            problems += _structure_problems(tree_root, pages)
        return problems, _outline(root, pages)


def _return_freed_memory() -> None:
    """Give the C heap that QPDF freed back to the system (glibc; elsewhere nothing).

    glibc keeps it for the process, where the DOCX rendered next cannot use it: after the
    check of a 549-page PDF the build grew by 80 MB more (289 MB peak; 236 MB with this).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return  # not glibc (musl has no malloc_trim)
    trim(0)


def _outline(
    root: pikepdf.Dictionary, pages: dict[tuple[int, int], int]
) -> list[tuple[int, str, int]]:
    """(level, title, page) of each bookmark in document order; level 1 is the top.

    LibreOffice (ExportBookmarks) makes one bookmark of each heading paragraph (each one with
    an outline level), whose destination is the heading's place on its page: the pages of
    the headings as it laid them out, read without asking LibreOffice. Entries without a page
    of this file are left out.
    """
    outlines = root.get("/Outlines")
    found: list[tuple[int, str, int]] = []
    if not isinstance(outlines, pikepdf.Dictionary):
        return found
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[pikepdf.Object | None, int]] = [(outlines.get("/First"), 1)]
    while stack and len(found) < _MAX_BOOKMARKS:
        item, level = stack.pop()
        if not isinstance(item, pikepdf.Dictionary) or level > _MAX_DEPTH:
            continue
        if item.is_indirect:
            if item.objgen in seen:
                continue  # a cyclic outline
            seen.add(item.objgen)
        stack.append((item.get("/Next"), level))
        stack.append((item.get("/First"), level + 1))
        page = _destination_page(item, pages)
        if page is not None:
            found.append((level, str(item.get("/Title", "")), page))
    return found


def _destination_page(item: pikepdf.Dictionary, pages: dict[tuple[int, int], int]) -> int | None:
    dest = item.get("/Dest")
    if dest is None:
        action = item.get("/A")
        if isinstance(action, pikepdf.Dictionary) and action.get("/S") == "/GoTo":
            dest = action.get("/D")
    if isinstance(dest, pikepdf.Array) and len(dest) > 0:
        page = dest[0]
        if isinstance(page, pikepdf.Dictionary) and page.is_indirect:
            return pages.get(page.objgen)
    return None


def _catalog_problems(root: pikepdf.Dictionary, langs: tuple[str, ...]) -> list[str]:
    problems = []
    mark_info = root.get("/MarkInfo")
    if not isinstance(mark_info, pikepdf.Dictionary) or not bool(mark_info.get("/Marked")):
        problems.append("PDF:en är inte taggad (MarkInfo/Marked saknas eller är falskt).")
    if "/StructTreeRoot" not in root:
        problems.append("PDF:en saknar strukturträd (StructTreeRoot).")
    lang = str(root.get("/Lang", ""))
    if lang not in langs:
        shown = f"är {lang!r}" if lang else "saknas"
        problems.append(f"Dokumentets språk (/Lang) {shown}; det ska vara {' eller '.join(langs)}.")
    prefs = root.get("/ViewerPreferences")
    if not isinstance(prefs, pikepdf.Dictionary) or not bool(prefs.get("/DisplayDocTitle")):
        problems.append(
            "Läsaren visar filnamnet i stället för titeln (ViewerPreferences/DisplayDocTitle)."
        )
    outlines = root.get("/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary) or "/First" not in outlines:
        problems.append("PDF:en saknar bokmärken från rubrikerna.")
    return problems


def _metadata_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    meta = pdf.open_metadata()
    info_title = str(pdf.docinfo.get("/Title", "")).strip()
    if not info_title and not str(meta.get(_DC_TITLE, "")).strip():
        problems.append("PDF:en saknar dokumenttitel (Info/Title och dc:title i XMP).")
    if str(meta.get(f"{_PDFUA}part", "")) != "1":
        problems.append("XMP-metadata säger inte att PDF:en följer PDF/UA-1 (pdfuaid:part=1).")
    part = str(meta.get(f"{_PDFA}part", ""))
    conformance = str(meta.get(f"{_PDFA}conformance", "")).upper()
    if part != "2" or conformance != "B":
        claim = f"PDF/A-{part}{conformance.lower()}" if part else "ingen PDF/A"
        problems.append(f"XMP-metadata anger {claim}, inte PDF/A-2b (pdfaid:part=2, B).")
    return problems


def _page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}


def _structure_problems(
    tree_root: pikepdf.Dictionary, pages: dict[tuple[int, int], int]
) -> list[str]:
    role_map = tree_root.get("/RoleMap")
    roles = dict(role_map.items()) if isinstance(role_map, pikepdf.Dictionary) else {}
    figures_without_alt = tables = headings = 0
    tables_without_th: list[str] = []
    # Not into the tables: their cells hold no figure or heading (a cell holds text only), and
    # a plan of 5,000 activities has 100,000 of them (walking them took the check to 440 MB).
    for element, kind in _elements(tree_root, roles, into_tables=False):
        if kind == "/Figure" and not str(element.get("/Alt", "")).strip():
            figures_without_alt += 1
        elif kind == "/Table":
            tables += 1
            if not any(k == "/TH" for _, k in _elements(element, roles)):
                page = element.get("/Pg")
                where = pages.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None
                tables_without_th.append(f"sida {where}" if where else "okänd sida")
        elif kind in {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}:
            headings += 1
    problems = []
    if figures_without_alt:
        problems.append(
            f"{figures_without_alt} bild(er) i strukturträdet saknar alternativtext (/Alt)."
        )
    if tables_without_th:
        problems.append(
            f"{len(tables_without_th)} av {tables} tabeller saknar rubrikceller (TH): "
            + ", ".join(tables_without_th)
            + "."
        )
    if not headings:
        problems.append("Strukturträdet har inga rubriker (H1–H6).")
    return problems


def _elements(
    start: pikepdf.Dictionary, roles: dict[str, pikepdf.Object], *, into_tables: bool = True
) -> Iterator[tuple[pikepdf.Dictionary, str]]:
    """Every structure element below `start`, with its standard type (after the RoleMap).

    Without `into_tables`, a table is given but not what lies inside it.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[pikepdf.Object | None, int]] = [(start.get("/K"), 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend((child, depth) for child in reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node or depth > _MAX_DEPTH:
            continue  # marked-content ids and object references are leaves
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kind = str(node.S)
        for _ in range(10):  # a RoleMap can chain; never loop on a cyclic one
            mapped = roles.get(kind)
            if mapped is None:
                break
            kind = str(mapped)
        yield node, kind
        if into_tables or kind != "/Table":
            stack.append((node.get("/K"), depth + 1))


__all__ = ["ACCEPTED_LANGS", "check_pdf", "inspect_pdf"]

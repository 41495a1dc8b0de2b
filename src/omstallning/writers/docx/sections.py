"""Sections, headers and footers, through python-docx's DOM.

A wide table gets a landscape section of its own; every section after the first
inherits the first one's header and footer, and a cover page gets an empty first-page
header and footer. A template's own header or footer text is kept; empty ones get the
plan's title and "Sida x av y". A document that is not decided carries its marking
(UTKAST, REMISSVERSION, EXEMPEL) in the header of every page but the cover: before the
title, or as a line of its own under a template's header text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from omstallning.writers.docx import ooxml

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import Section, _Footer, _Header

_SECT_PR = qn("w:sectPr")
MARKING_COLOR = "C00000"  # as the cover's marking (body.MARKING_COLOR)


def last_block(document: DocxDocument) -> Any:
    """The last child of the body before the final sectPr, or None.

    A paragraph, a table, or the placeholder of body text kept as text (`splice`).
    """
    body: Any = document.element.body
    for child in reversed(body):
        if child.tag != _SECT_PR:
            return child
    return None


def end_section(document: DocxDocument) -> bool:
    """End the current section in the last paragraph (or a tiny new one after a table).

    The ended section keeps the header and footer references; the new one has none,
    so it inherits them (the landscape page keeps its page numbers). Returns whether a
    paragraph was added for it.
    """
    body: Any = document.element.body
    sentinel = body.get_or_add_sectPr()
    last = last_block(document)
    added = False
    if (
        last is not None
        and last.tag == qn("w:p")
        and last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None
    ):
        last.set_sectPr(sentinel.clone())
    else:
        spacer = document.add_paragraph()
        spacer.paragraph_format.space_before = spacer.paragraph_format.space_after = Pt(0)
        ooxml.set_paragraph_mark_size(spacer, 2)
        spacer._p.set_sectPr(sentinel.clone())
        added = True
    for reference in sentinel.xpath("w:headerReference|w:footerReference"):
        sentinel.remove(reference)
    return added


def turn_section(section: Section, *, landscape: bool) -> int:
    """Make `section` a landscape or portrait one on a new page; its usable width in twips."""
    if landscape:
        ooxml.make_landscape(section)
    else:
        ooxml.make_portrait(section)
    section.start_type = WD_SECTION.NEW_PAGE
    return ooxml.usable_width(section)


def finish_sections(
    document: DocxDocument, *, has_cover: bool, title: str, marking: str | None = None
) -> None:
    """Headers and footers once the body is written: see the module's description."""
    sections = list(document.sections)
    first = sections[0]
    for later in sections[1:]:
        sect_pr: Any = later._sectPr
        # Only the first section has a cover page or restarts the page count.
        later.different_first_page_header_footer = False
        page_numbers = sect_pr.find(qn("w:pgNumType"))
        if page_numbers is not None and page_numbers.get(qn("w:start")) is not None:
            del page_numbers.attrib[qn("w:start")]
    if has_cover:
        first.different_first_page_header_footer = True
        # Explicitly empty first-page header and footer: no page number on the cover.
        for part in (first.first_page_header, first.first_page_footer):
            if part.is_linked_to_previous:
                part.is_linked_to_previous = False
    footers = [first.footer]
    headers = [first.header]
    if document.settings.odd_and_even_pages_header_footer:
        footers.append(first.even_page_footer)
        headers.append(first.even_page_header)
    for footer in footers:
        if not _has_text(footer):
            _page_number_footer(footer)
    for header in headers:
        if title and not _has_text(header):
            _title_header(header, title, marking)
        elif marking and _has_text(header):
            _marking_line(header, marking)


def _marking_line(header: _Header, marking: str) -> None:
    """The marking as a line of its own under a template's header text."""
    paragraph = header.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor.from_string(MARKING_COLOR)


def _page_number_footer(footer: _Footer) -> None:
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    runs = [paragraph.add_run("Sida ")]
    runs += ooxml.add_field(paragraph, "PAGE", "1")
    runs.append(paragraph.add_run(" av "))
    runs += ooxml.add_field(paragraph, "NUMPAGES", "1")
    for run in runs:
        run.font.size = Pt(9)


def _title_header(header: _Header, title: str, marking: str | None = None) -> None:
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if marking:
        # A page printed on its own still shows that the plan is not decided.
        mark = paragraph.add_run(f"{marking} – ")
        mark.bold = True
        mark.font.size = Pt(8)
        mark.font.color.rgb = RGBColor.from_string(MARKING_COLOR)
    run = paragraph.add_run(title)
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor.from_string("595959")


def _has_text(part: Any) -> bool:
    """Whether a header or footer has content of its own: text, fields or pictures."""
    if part.is_linked_to_previous:
        return False
    element = part._element
    texts = "".join(element.xpath(".//w:t/text()"))
    others = ".//w:instrText | .//w:fldSimple | .//w:drawing | .//w:pict"
    return bool(texts.strip()) or bool(element.xpath(others))

"""Tables as text: the plan's tables and the cover page's facts (see `body_xml`).

Tables have fixed column widths (`column_layout`) that fill the usable page width, a header row that
repeats on every page, body rows that never split across pages, and alt text (caption and
description). The text of the cells comes from the caller, which owns links and styles.

Two things are for LibreOffice (7.4), which lays out the PDF. When a table's header row would
stand alone at the foot of a page, its layout can loop, and to end the loop it stops repeating
that table's header row. Then (1) an unsplittable header row loses every row after it, in the
PDF and on screen, so the header row may split (a splittable one goes to the next page with the
rest); and (2) the header cells would be tagged TD, because LibreOffice tags TH only in a
repeating header row or in a paragraph of its style "Table Heading", so the header cells'
paragraphs are in that style (`TABLE_HEADING`, based on Normal, with no formatting of its own).
"""

from __future__ import annotations

from collections.abc import Callable

from omstallning.documents.tree import Cell, Inline, Table, plain_text
from omstallning.writers.docx.body_xml import (
    NOT_BOLD,
    TBL_LOOK_XML,
    ParaXml,
    cell_margins_xml,
    cell_paragraph_properties,
    clean_text,
    half_points,
    rpr_xml,
    run_xml,
    shading_xml,
    table_alt_xml,
    twips,
    xml_attr,
)
from omstallning.writers.docx.column_layout import COMPACT_SIZE, SLACK_TWIPS, cell_margins
from omstallning.writers.docx.metrics import text_width
from omstallning.writers.html.colours import text_colour

HEADER_FILL = "D9E2F3"
# The paragraph style of the header cells (see the module's docstring).
TABLE_HEADING = "Table Heading"

# The content of a cell: its runs, whether they are bold (header) and their size.
CellText = Callable[[tuple[Inline, ...], bool, float | None], str]


def column_count(block: Table) -> int:
    """The number of columns: that of the longest row (0 for an empty table)."""
    return max([len(block.header), *(len(row) for row in block.rows)])


def table_xml(
    block: Table,
    widths: list[int],
    style_id: str | None,
    cell_text: CellText,
    heading_id: str | None = None,
) -> str:
    """The w:tbl of `block` with columns `widths` (twips) in the table style `style_id`.

    `heading_id`: the paragraph style of the header cells (`TABLE_HEADING`).
    """
    size = COMPACT_SIZE if block.compact else None
    out = [_table_properties_xml(block, widths, style_id)]
    has_header = bool(block.header)
    rows: list[tuple[Cell, ...]] = [block.header] if has_header else []
    rows.extend(block.rows)
    cell_props: dict[tuple[str | None, bool], str] = {}  # by alignment and header
    for row_index, cells in enumerate(rows):
        header = has_header and row_index == 0
        out.append(
            "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
            if header
            else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        )
        for data, width, span in _spans(_pad(cells, len(widths)), widths):
            props = cell_props.get((data.align, header))
            if props is None:
                props = cell_props[data.align, header] = cell_paragraph_properties(
                    data.align, size, heading_id if header else None
                )
            if data.label and data.fill:
                content = _label_text(data, width, span, size or COMPACT_SIZE, block)
            else:
                content = cell_text(data.runs, header, size)
            fill = data.fill or (HEADER_FILL if header else None)
            tc_pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if span > 1:
                tc_pr += f'<w:gridSpan w:val="{span}"/>'
            tc_pr += shading_xml(fill) if fill else ""
            if size is not None:
                tc_pr += '<w:vAlign w:val="center"/>'
            out.append(
                f"<w:tc><w:tcPr>{tc_pr}</w:tcPr><w:p><w:pPr>{props}</w:pPr>{content}</w:p></w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _spans(cells: tuple[Cell, ...], widths: list[int]) -> list[tuple[Cell, int, int]]:
    """The cells to write as (cell, width, columns spanned).

    Neighbouring cells with the same label and fill (one timeline bar) become one cell
    that says its label once, across the bar.
    """
    out: list[tuple[Cell, int, int]] = []
    for cell, width in zip(cells, widths, strict=True):
        if out and cell.label and out[-1][0] == cell:
            previous, total, span = out[-1]
            out[-1] = (previous, total + width, span + 1)
        else:
            out.append((cell, width, 1))
    return out


def _label_text(cell: Cell, width: int, span: int, size: float, block: Table) -> str:
    """A labelled fill's text: the label across a bar where it fits, else the short form.

    In the colour (black or white) that contrasts most with the fill.
    """
    room = width - cell_margins(block) - SLACK_TWIPS
    label = cell.label or ""
    fits = span > 1 and text_width(label, size, bold=True) <= room
    text = label if fits else plain_text(cell.runs)
    colour = text_colour(cell.fill or "FFFFFF")
    rpr = rpr_xml(bold=True, color=colour, half_points=half_points(size))
    return run_xml(clean_text(text), rpr)


def _table_properties_xml(block: Table, widths: list[int], style_id: str | None) -> str:
    """The w:tblPr and w:tblGrid of a table, after its opening tag."""
    margins = (
        cell_margins_xml(top=28, bottom=28, left=28, right=28)
        if block.compact
        else cell_margins_xml(top=28, bottom=28, left=85, right=85)
    )
    out = ["<w:tbl><w:tblPr>"]
    if style_id is not None:
        out.append(f'<w:tblStyle w:val="{xml_attr(style_id)}"/>')
    out.append(f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>')
    out.append(margins)
    out.append(TBL_LOOK_XML)
    caption, description = clean_text(block.caption or ""), clean_text(block.description or "")
    out.append(table_alt_xml(caption, description))
    out.append("</w:tblPr><w:tblGrid>")
    out.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out.append("</w:tblGrid>")
    return "".join(out)


def facts_xml(facts: tuple[tuple[str, str], ...], total: int) -> str:
    """The cover page's facts: one paragraph per fact, the label in bold, the value beside it.

    Not a table: a key/value table has no header row, and a PDF's structure needs one in
    every table (PDF/UA). A tab stop and a hanging indent put the values in one column and
    keep a long value (a contact) aligned when it wraps, as the table did.
    """
    label_width = total * 3 // 10
    bold_rpr = rpr_xml(bold=True)
    out = []
    for label, value in facts:
        paragraph = ParaXml(None)
        paragraph.tabs = f'<w:tabs><w:tab w:val="left" w:pos="{label_width}"/></w:tabs>'
        paragraph.spacing["before"] = twips(1)
        paragraph.spacing["after"] = twips(1)
        paragraph.ind = f'<w:ind w:left="{label_width}" w:hanging="{label_width}"/>'
        paragraph.content.append(run_xml(clean_text(label), bold_rpr))
        paragraph.content.append(run_xml("\t" + clean_text(value), NOT_BOLD))
        out.append(paragraph.xml())
    return "".join(out)


def _pad(cells: tuple[Cell, ...], columns: int) -> tuple[Cell, ...]:
    return (cells + (Cell(()),) * columns)[:columns]

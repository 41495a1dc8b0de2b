"""Tables as text: the plan's tables and the cover page's facts (see `body_xml`).

Tables have fixed column widths that fill the usable page width, a header row that
repeats on every page, rows that never split across pages, and alt text (caption and
description). The text of the cells comes from the caller, which owns links and styles.
"""

from __future__ import annotations

from collections.abc import Callable

from omstallning.documents.tree import Cell, Inline, Table
from omstallning.writers.docx.body_xml import (
    NOT_BOLD,
    TBL_LOOK_XML,
    ParaXml,
    cell_margins_xml,
    cell_paragraph_properties,
    clean_text,
    rpr_xml,
    run_xml,
    shading_xml,
    table_alt_xml,
    table_borders_xml,
    twips,
    xml_attr,
)

HEADER_FILL = "D9E2F3"
COMPACT_SIZE = 8.0

# The content of a cell: its runs, whether they are bold (header) and their size.
CellText = Callable[[tuple[Inline, ...], bool, float | None], str]


def column_count(block: Table) -> int:
    """The number of columns: that of the longest row (0 for an empty table)."""
    return max([len(block.header), *(len(row) for row in block.rows)])


def table_xml(block: Table, widths: list[int], style_id: str | None, cell_text: CellText) -> str:
    """The w:tbl of `block` with columns `widths` (twips) in the table style `style_id`."""
    size = COMPACT_SIZE if block.compact else None
    out = [_table_properties_xml(block, widths, style_id)]
    has_header = bool(block.header)
    rows: list[tuple[Cell, ...]] = [block.header] if has_header else []
    rows.extend(block.rows)
    tc_widths = [f'<w:tcW w:w="{w}" w:type="dxa"/>' for w in widths]
    cell_props: dict[str | None, str] = {}  # paragraph properties by alignment
    for row_index, cells in enumerate(rows):
        header = has_header and row_index == 0
        out.append(
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            if header
            else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        )
        for data, tc_width in zip(_pad(cells, len(widths)), tc_widths, strict=True):
            props = cell_props.get(data.align)
            if props is None:
                props = cell_props[data.align] = cell_paragraph_properties(data.align, size)
            content = cell_text(data.runs, header, size)
            fill = data.fill or (HEADER_FILL if header else None)
            tc_pr = tc_width + (shading_xml(fill) if fill else "")
            if size is not None:
                tc_pr += '<w:vAlign w:val="center"/>'
            out.append(
                f"<w:tc><w:tcPr>{tc_pr}</w:tcPr><w:p><w:pPr>{props}</w:pPr>{content}</w:p></w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


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
    """The cover page's facts: a borderless two-column table, labels in bold."""
    label_width = total * 3 // 10
    widths = (label_width, total - label_width)
    out = [
        "<w:tbl><w:tblPr>",
        f'<w:tblW w:w="{total}" w:type="dxa"/>',
        table_borders_xml(None),
        '<w:tblLayout w:type="fixed"/>',
        cell_margins_xml(top=20, bottom=20, left=0, right=108),
        TBL_LOOK_XML,
        table_alt_xml("Fakta om planen", None),
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    bold_rpr = rpr_xml(bold=True)
    for label, value in facts:
        out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for width, text, rpr in ((widths[0], label, bold_rpr), (widths[1], value, NOT_BOLD)):
            paragraph = ParaXml(None)
            paragraph.spacing["after"] = twips(2)
            paragraph.content.append(run_xml(clean_text(text), rpr))
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f"{paragraph.xml()}</w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _pad(cells: tuple[Cell, ...], columns: int) -> tuple[Cell, ...]:
    return (cells + (Cell(()),) * columns)[:columns]


def column_widths(widths: tuple[float, ...] | None, columns: int, total: int) -> list[int]:
    """Scale relative widths to `total` twips; the parts always add up to `total`."""
    relative = [w if w > 0 else 0.0 for w in (widths or ())][:columns]
    if len(relative) < columns or sum(relative) <= 0:
        known = [w for w in relative if w > 0]
        fill = sum(known) / len(known) if known else 1.0
        relative = relative + [fill] * (columns - len(relative))
        relative = [w if w > 0 else fill for w in relative]
    scale = total / sum(relative)
    exact = [w * scale for w in relative]
    result = [int(x) for x in exact]
    shortfall = total - sum(result)
    by_fraction = sorted(range(columns), key=lambda i: (-(exact[i] - result[i]), i))
    for i in by_fraction[:shortfall]:
        result[i] += 1
    return result

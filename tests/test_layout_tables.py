"""No word breaks inside a table cell (M5): every word fits its column.

Measured on the written DOCX, not on the layout code: each column's width (w:gridCol,
summed over w:gridSpan) less the table's cell margins, against the widest word of every
cell at its font size, in bold where it is bold, with Calibri's advance widths.
"""

from __future__ import annotations

from typing import Any

import pytest
from docx.oxml.ns import qn

from omstallning.documents.plan import assemble_plan
from omstallning.documents.tree import Cell, Run, Table
from omstallning.load.loader import load_region
from omstallning.writers.docx import build_docx
from omstallning.writers.docx.column_layout import content_widths
from omstallning.writers.docx.metrics import text_width, words

from .conftest import EXAMPLE

BODY_SIZE = 11.0
SLUGS = ["astorp", "klippan", "orkelljunga"]


def _margin(tbl: Any, side: str) -> int:
    found = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn(f'w:{side}')}")
    return int(found.get(qn("w:w"))) if found is not None else 108


def _too_narrow(tbl: Any) -> list[str]:
    grid = [int(c.get(qn("w:w"))) for c in tbl.iter(qn("w:gridCol"))]
    margins = _margin(tbl, "left") + _margin(tbl, "right")
    problems = []
    for row_index, tr in enumerate(tbl.findall(qn("w:tr"))):
        column = 0
        for tc in tr.findall(qn("w:tc")):
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            room = sum(grid[column : column + span]) - margins
            column += span
            for r in tc.iter(qn("w:r")):
                rpr = r.find(qn("w:rPr"))
                size_el = rpr.find(qn("w:sz")) if rpr is not None else None
                size = int(size_el.get(qn("w:val"))) / 2 if size_el is not None else BODY_SIZE
                bold = row_index == 0 or (rpr is not None and rpr.find(qn("w:b")) is not None)
                text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                for word in words(text):
                    if text_width(word, size, bold=bold) > room:
                        problems.append(
                            f"{word!r} needs {text_width(word, size, bold=bold):.0f} > {room}"
                        )
    return problems


@pytest.mark.parametrize("slug", SLUGS)
def test_every_word_of_every_table_fits_its_column(slug: str) -> None:
    region = load_region(EXAMPLE).region
    entry = next(m for m in region.municipalities if m.slug == slug)
    document = build_docx(assemble_plan(region, entry))
    tables = list(document.element.body.iter(qn("w:tbl")))
    assert len(tables) > 10
    problems = [p for tbl in tables for p in _too_narrow(tbl)]
    assert problems == []


def test_long_words_get_room_and_long_text_gets_the_rest() -> None:
    table = Table(
        header=(
            Cell((Run("Insats"),)),
            Cell((Run("Utan behovsprövning"),)),
            Cell((Run("Villkor"),)),
        ),
        rows=(
            (
                Cell((Run("Stöd"),)),
                Cell((Run("Ja"),)),
                Cell((Run("Från 13 till 20 år, upp till fem samtal per termin och familj"),)),
            ),
        ),
        widths=(3, 1, 1),
    )
    widths = content_widths(table, 3, 9000, BODY_SIZE)
    assert sum(widths) == 9000
    need = text_width("behovsprövning", BODY_SIZE, bold=True)
    assert widths[1] >= need + 170
    assert widths[2] > widths[0] and widths[2] > widths[1]
    # Deterministic: the same table gives the same widths.
    assert widths == content_widths(table, 3, 9000, BODY_SIZE)


def test_a_table_whose_words_cannot_fit_a_portrait_page_goes_landscape() -> None:
    from omstallning.documents.tree import Document, DocumentMeta
    from omstallning.writers.docx import render_docx

    long_words = tuple(Cell((Run("Behovsprövningsförfarande"),)) for _ in range(9))
    table = Table(header=long_words, rows=(long_words,), caption="Bred")
    data = render_docx(Document(DocumentMeta("T", "S", "A", "K"), (table,)))
    import io
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'w:orient="landscape"' in xml

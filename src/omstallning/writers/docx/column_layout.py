"""Column widths that follow a table's content, measured with Calibri's metrics (`metrics`).

Tables keep a fixed layout (Word and LibreOffice then agree on every line break), so the
widths must be right before Word sees them: each column is at least as wide as its
longest word (header included), so that no word breaks inside a cell; what is left of the
page goes to the columns by how much text they hold, no column wider than its longest
line; what is left after that goes by the table's own relative widths. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from omstallning.documents.tree import Cell, LineBreak, Run, Table
from omstallning.writers.docx.metrics import line_units, twips

COMPACT_SIZE = 8.0
COMPACT_MARGIN = 28  # twips, left and right of a compact table's cells
NORMAL_MARGIN = 85
# Borders, rounding and the odd kerning pair: what a column needs beyond its text.
SLACK_TWIPS = 30


@dataclass(frozen=True)
class ColumnNeeds:
    """What each column of a table needs, in twips including the cell margins."""

    minimum: list[float]  # the longest word
    maximum: list[float]  # the longest line, unbroken
    content: list[float]  # all the text, on one line


def cell_lines(cell: Cell) -> list[tuple[str, bool]]:
    """The cell's lines as (text, bold); a line is bold if any of its runs is."""
    lines: list[tuple[str, bool]] = [("", False)]
    for inline in cell.runs:
        if isinstance(inline, LineBreak):
            lines.append(("", False))
        elif isinstance(inline, Run):
            text, bold = lines[-1]
            lines[-1] = (text + inline.text, bold or inline.bold)
    return lines


def cell_margins(block: Table) -> int:
    """Left plus right cell margin of the table, in twips."""
    return 2 * (COMPACT_MARGIN if block.compact else NORMAL_MARGIN)


def column_needs(block: Table, columns: int, body_size: float) -> ColumnNeeds:
    """Measure every cell of `block` (header in bold) at its font size."""
    size = COMPACT_SIZE if block.compact else body_size
    extra = cell_margins(block) + SLACK_TWIPS
    minimum = [0.0] * columns
    maximum = [0.0] * columns
    content = [0.0] * columns
    rows = [(block.header, True), *((row, False) for row in block.rows)]
    for row, header in rows:
        for j, cell in enumerate(row[:columns]):
            for text, bold in cell_lines(cell):
                widest, whole = line_units(text, bold or header)
                minimum[j] = max(minimum[j], twips(widest, size))
                line = twips(whole, size)
                maximum[j] = max(maximum[j], line)
                content[j] += line
    return ColumnNeeds(
        minimum=[m + extra for m in minimum],
        maximum=[m + extra for m in maximum],
        content=content,
    )


def fits(block: Table, columns: int, total: int, body_size: float) -> bool:
    """Whether every column's longest word fits in `total` twips."""
    return sum(column_needs(block, columns, body_size).minimum) <= total


def content_widths(block: Table, columns: int, total: int, body_size: float) -> list[int]:
    """Column widths in twips, adding up to `total`: see the module's description.

    When even the longest words do not fit, the minimums are scaled down to the page
    (words then break; the caller puts such tables on landscape pages first).
    """
    needs = column_needs(block, columns, body_size)
    minimum = needs.minimum
    if sum(minimum) >= total:
        return _rounded([m * total / sum(minimum) for m in minimum], total)
    widths = list(minimum)
    _grow(widths, needs.maximum, needs.content, total)
    _toward_design(widths, _hints(block.widths, columns), total)
    return _rounded(widths, total)


def _toward_design(widths: list[float], hints: list[float], total: int) -> None:
    """Spend what is left on the columns narrower than the table's design, then by it.

    The design is the table's relative widths scaled to `total` (in place).
    """
    rest = total - sum(widths)
    if rest <= 0:
        return
    design = [h * total / sum(hints) for h in hints]
    deficit = [max(0.0, d - w) for d, w in zip(design, widths, strict=True)]
    if sum(deficit) >= rest:
        for j, d in enumerate(deficit):
            widths[j] += rest * d / sum(deficit)
        return
    for j, d in enumerate(deficit):
        widths[j] += d
    rest = total - sum(widths)
    for j, h in enumerate(hints):
        widths[j] += rest * h / sum(hints)


def _grow(widths: list[float], maximum: list[float], weights: list[float], total: int) -> None:
    """Give the room left to the columns by weight, none beyond its maximum (in place)."""
    for _ in range(len(widths)):
        rest = total - sum(widths)
        open_ = [j for j, w in enumerate(widths) if w < maximum[j] and weights[j] > 0]
        if rest <= 0.5 or not open_:
            return
        weight = sum(weights[j] for j in open_)
        for j in open_:
            widths[j] = min(maximum[j], widths[j] + rest * weights[j] / weight)


def _hints(widths: tuple[float, ...] | None, columns: int) -> list[float]:
    relative = [max(w, 0.0) for w in (widths or ())][:columns]
    relative += [0.0] * (columns - len(relative))
    if sum(relative) <= 0:
        return [1.0] * columns
    return relative


def _rounded(exact: list[float], total: int) -> list[int]:
    """Whole twips that add up to `total`, the remainder to the largest fractions."""
    result = [int(x) for x in exact]
    shortfall = total - sum(result)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - result[i]), i))
    for i in order[: max(shortfall, 0)]:
        result[i] += 1
    return result

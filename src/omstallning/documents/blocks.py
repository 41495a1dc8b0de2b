"""Blocks that several document kinds share: table cells, the activity timeline, its legend.

The plan and the regional summary show activities on the same timeline, in the same colours,
with the same legend; a new document kind that shows activities takes them from here. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from omstallning import kommuner
from omstallning.documents.tree import Cell, Inline, LineBreak, Run, Table
from omstallning.model import ACTIVITY_STATUSES, Activity, Municipality, Value

# Timeline bar colours by activity status, chosen to stay apart in greyscale print too.
STATUS_FILL = {
    "planerad": "BDD7EE",
    "pågår": "2E75B6",
    "klar": "70AD47",
    "pausad": "FFC000",
    "stoppad": "A6A6A6",
}
# What a bar says in text, so that its status is not told by colour alone (WCAG 1.4.1);
# short, to fit one quarter's column. The legend pairs each with the status's name.
STATUS_SHORT = {
    "planerad": "Pl",
    "pågår": "På",
    "klar": "Kl",
    "pausad": "Pa",
    "stoppad": "St",
}
MAX_QUARTER_COLUMNS = 20
"""More quarters than this in the plan period and a timeline shows years instead."""

# "3 är klara", "1 är klar": Swedish adjectives agree in number.
STATUS_COUNT_WORDS = {
    "planerad": ("är planerad", "är planerade"),
    "pågår": ("pågår", "pågår"),
    "klar": ("är klar", "är klara"),
    "pausad": ("är pausad", "är pausade"),
    "stoppad": ("är stoppad", "är stoppade"),
}

Slot = tuple[int, int]
"""A timeline column: (year, quarter), or (year, 0) for a whole year."""

MARKINGS = {"exempel": "EXEMPEL", "utkast": "UTKAST", "remiss": "REMISSVERSION"}
"""The word on the cover and in every page header of a plan that is not decided."""


def municipality_title(who: Municipality | str) -> str:
    """What the municipality calls itself: `Klippans kommun`, `Falu kommun`, `Göteborgs Stad`.

    Given the plan, its file's `officiellt_namn` wins over the packaged list.
    """
    if isinstance(who, str):
        return kommuner.official_name(who)
    return kommuner.official_name(who.name, who.official_name)


# --- Cells -------------------------------------------------------------------------------------


def text_cell(text: str, **kwargs: object) -> Cell:
    """A table cell holding one plain run."""
    return Cell((Run(text),), **kwargs)  # type: ignore[arg-type]


def header_cells(*headings: str) -> tuple[Cell, ...]:
    """A table's header row of plain headings."""
    return tuple(text_cell(h) for h in headings)


def lines_cell(lines: Sequence[str], *, bold: bool = False, align: str | None = None) -> Cell:
    """A cell with one line per text, separated by line breaks."""
    runs: list[Inline] = []
    for i, line in enumerate(lines):
        if i:
            runs.append(LineBreak())
        runs.append(Run(line, bold=bold))
    return Cell(tuple(runs) or (Run(""),), align=align)


def number_cell(text: str, *, bold: bool = False) -> Cell:
    """A centred cell for a figure."""
    return Cell((Run(text, bold=bold),), align="center")


def label_table(
    header: tuple[str, str],
    rows: Sequence[tuple[str, str]],
    *,
    caption: str | None = None,
    description: str | None = None,
    widths: tuple[float, float] = (2.2, 6.8),
) -> Table:
    """A two-column table of labels and values, readable on paper: Målgrupp | Unga 13–20 år."""
    return Table(
        header=(text_cell(header[0]), text_cell(header[1])),
        rows=tuple((Cell((Run(label, bold=True),)), text_cell(value)) for label, value in rows),
        widths=widths,
        caption=caption,
        description=description,
    )


def value_text(value: Value | None) -> str:
    """An indicator value as a table shows it: "–" for none, a decimal comma."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def activity_counts(activities: Sequence[Activity]) -> list[str]:
    """`["2 är planerade", "1 pågår"]`: the activities counted per status, none left out."""
    counts = []
    for status in ACTIVITY_STATUSES:
        n = sum(1 for a in activities if a.status == status)
        if n:
            counts.append(f"{n} {STATUS_COUNT_WORDS[status][n != 1]}")
    return counts


# --- The timeline ------------------------------------------------------------------------------


def timeline_slots(start: int, end: int) -> list[Slot]:
    """Columns of a timeline: (year, quarter), or (year, 0) when there are too many quarters."""
    years = range(start, end + 1)
    by_quarter = len(years) * 4 <= MAX_QUARTER_COLUMNS
    return [(y, q) for y in years for q in (range(1, 5) if by_quarter else [0])]


def slot_unit(slots: Sequence[Slot]) -> str:
    """What one column of the timeline is: `kvartal` or `år`."""
    return "kvartal" if slots[0][1] else "år"


def slot_header(slots: Sequence[Slot]) -> list[Cell]:
    """Header cells of a timeline: the year on its first quarter, the quarter below it."""
    return [
        Cell(
            (Run(str(y) if q in (0, 1) else ""), LineBreak(), Run(f"K{q}" if q else "")),
            align="center",
        )
        for y, q in slots
    ]


def status_cell(status: str) -> Cell:
    """A timeline bar's cell: the status's colour, its short form as text, its name as label."""
    return Cell(
        (Run(STATUS_SHORT[status]),),
        fill=STATUS_FILL[status],
        align="center",
        label=ACTIVITY_STATUSES[status],
    )


def active_slots(activity: Activity, slots: Sequence[Slot]) -> list[bool]:
    """For each slot, whether the activity runs then; none without both start and end."""
    if not (activity.start and activity.end):
        return [False] * len(slots)
    first = (activity.start.year, activity.start.quarter)
    last = (activity.end.year, activity.end.quarter)
    return [first[0] <= y <= last[0] if q == 0 else first <= (y, q) <= last for y, q in slots]


def timeline_table(
    lead: Sequence[tuple[str, float]],
    rows: Sequence[tuple[Sequence[str], Activity]],
    slots: Sequence[Slot],
    caption: str,
) -> Table:
    """One row per activity: its `lead` columns (heading, width), then a coloured bar.

    Args:
        lead: The text columns before the slots, as (heading, relative width).
        rows: Per activity, the texts of its lead columns and the activity.
        slots: The timeline's columns (`timeline_slots`).
        caption: The table's caption.
    """
    body = []
    for texts, activity in rows:
        bar = status_cell(activity.status)
        bars = [bar if on else Cell((Run(""),)) for on in active_slots(activity, slots)]
        body.append((*(text_cell(t) for t in texts), *bars))
    return Table(
        header=(*(text_cell(heading) for heading, _ in lead), *slot_header(slots)),
        rows=tuple(body),
        widths=(*(width for _, width in lead), *([0.55] * len(slots))),
        caption=caption,
        description="Tidslinje: en rad per aktivitet, en kolumn per "
        + slot_unit(slots)
        + "; färgade celler visar när aktiviteten pågår, med statusen förkortad: "
        + "; ".join(f"{STATUS_SHORT[s]} = {ACTIVITY_STATUSES[s]}" for s in STATUS_FILL),
        wide=True,
        compact=True,
    )


def legend_table() -> Table:
    """The timeline's legend: each status name over a cell in its colour and short form.

    Not numbered as a table of its own: it belongs to the timeline above it.
    """
    return Table(
        header=tuple(text_cell(ACTIVITY_STATUSES[s], align="center") for s in STATUS_FILL),
        rows=(tuple(status_cell(s) for s in STATUS_FILL),),
        caption="Teckenförklaring till tidsplanen",
        description="Teckenförklaring: vilken status varje färg och förkortning i tidsplanen "
        "står för.",
        wide=True,
        compact=True,
        numbered=False,
    )

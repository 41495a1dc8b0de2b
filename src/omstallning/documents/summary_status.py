"""The regional summary's status part: the key figures, what each plan lacks, the status table.

Built from the status overview (`RegionStatus` and its `StatusRow`s: the figures `omstallning
status` shows), never from the terminal table's texts, and from the figures of
`region_analysis`. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from omstallning.check.report import plural
from omstallning.commands.status import RegionStatus, StatusRow, list_and, summary_sentence
from omstallning.documents.blocks import activity_counts, lines_cell, text_cell
from omstallning.documents.region_analysis import MatrixCell, SharedIntervention
from omstallning.documents.tree import Table
from omstallning.model import ACTIVITY_STATUSES, FOCUS_AREAS, Activity, Goal, MunicipalityEntry

# --- The status table: one column per figure of a StatusRow ----------------------------------


def quality_text(row: StatusRow) -> str:
    """The quality figure as the tables show it: `75 %`, or `–` for a file not read."""
    return "–" if row.quality is None else f"{row.quality.percent} %"


@dataclass(frozen=True)
class _Column:
    """A column of the status table: its heading, relative width and text for a row.

    `failed` is the text for a municipality whose file could not be read, or None when
    `text` holds for that row too (its name, its error and warning counts).
    """

    heading: str
    width: float
    text: Callable[[StatusRow], str]
    failed: str | None = "–"

    def cell_text(self, row: StatusRow) -> str:
        return self.text(row) if row.loaded or self.failed is None else self.failed


def _activities_of(status: str) -> Callable[[StatusRow], str]:
    return lambda row: str(row.activities[status])


_ACTIVITY_WIDTHS = {"planerad": 1.5, "pågår": 1.1, "klar": 1.0, "pausad": 1.2, "stoppad": 1.4}

STATUS_COLUMNS = (
    _Column("Kommun", 2.2, lambda r: r.name, failed=None),
    _Column("Status", 2.0, lambda r: r.status_label, failed="Fel i filen"),
    _Column("Version", 1.4, lambda r: r.version or "–"),
    _Column("Avsnitt", 1.2, lambda r: f"{r.sections_written}/{r.sections_required}"),
    _Column("Mål", 0.8, lambda r: str(r.goals)),
    _Column("Aktiviteter", 1.7, lambda r: str(r.activities_total)),
    *(_Column(ACTIVITY_STATUSES[s], w, _activities_of(s)) for s, w in _ACTIVITY_WIDTHS.items()),
    _Column("Insatser", 1.4, lambda r: str(r.interventions)),
    _Column("Utan behovsprövning", 2.5, lambda r: str(r.interventions_without_assessment)),
    _Column("Fel", 0.8, lambda r: str(r.errors), failed=None),
    _Column("Varningar", 1.6, lambda r: str(r.warnings), failed=None),
    _Column("Kvalitet", 1.3, quality_text),
)
"""The status table's columns; the first three are text, the rest figures (to the right)."""


def status_table(rows: Sequence[StatusRow]) -> Table:
    """One row per municipality, one column per figure of its `StatusRow`."""

    def align(i: int) -> str | None:
        return None if i < 3 else "right"

    return Table(
        header=tuple(
            text_cell(c.heading, align=align(i) or "left") for i, c in enumerate(STATUS_COLUMNS)
        ),
        rows=tuple(
            tuple(text_cell(c.cell_text(r), align=align(i)) for i, c in enumerate(STATUS_COLUMNS))
            for r in rows
        ),
        widths=tuple(c.width for c in STATUS_COLUMNS),
        caption="Status för kommunernas planer",
        description="En rad per kommun: planens status och version, skrivna avsnitt, "
        "antal mål, aktiviteter per status, insatser, fel, varningar och kvalitet.",
        wide=True,
        compact=True,
    )


# --- The key figures -------------------------------------------------------------------------


def _quality_sentence(rows: Sequence[StatusRow]) -> str | None:
    rated = [r.quality for r in rows if r.quality is not None]
    if not rated:
        return None
    full = sum(1 for q in rated if q.percent == 100)
    low = min(q.percent for q in rated)
    text = f"{full} av {len(rated)} planer uppfyller alla kvalitetskontroller"
    if low < 100:
        lowest = [r.name for r in rows if r.quality and r.quality.percent == low]
        names = list_and(lowest) if len(lowest) <= 3 else ", ".join(lowest[:3]) + " m.fl."
        text += f"; lägst är {low} % ({names})"
    return text + "."


def _activities_sentence(acts: Sequence[Activity], today: dt.date) -> str | None:
    if not acts:
        return None
    late = sum(
        1 for a in acts if a.end and a.end.last_day() < today and a.status in ("planerad", "pågår")
    )
    text = f"{len(acts)} aktiviteter: {list_and(activity_counts(acts))}."
    if late:
        text += (
            f" {late} har passerat sitt slutdatum men står fortfarande som planerad eller pågår."
        )
    return text


def _not_started_sentence(names: Sequence[str]) -> str | None:
    if not names:
        return None
    head = plural(len(names), "kommun", "kommuner")
    return (
        f"{head} har inte börjat ({list_and(list(names))}): deras mål och aktiviteter är "
        "fortfarande mallens platshållare och räknas inte nedan."
    )


def _interventions_sentence(grand: MatrixCell, ending: int = 0) -> str | None:
    if grand.empty:
        return None
    # The plans list every intervention; those that are ending are named apart here, so the
    # figures of the plans and of the summary add up.
    ends = f" {plural(ending, 'insats', 'insatser')} som upphör räknas inte." if ending else ""
    return (
        f"{grand.existing + grand.planned} insatser finns eller planeras "
        f"({grand.existing} finns, {grand.planned} planeras), varav "
        f"{grand.without_assessment} ges utan individuell behovsprövning.{ends}"
    )


def _shared_sentence(groups: Sequence[SharedIntervention]) -> str | None:
    if not groups:
        return None
    return (
        f"{len(groups)} insatser finns med samma eller liknande namn i två eller fler "
        "kommuner: kandidater för gemensamt arbete (se Insatser att samarbeta om)."
    )


def _goals_sentence(goals: Sequence[Goal]) -> str | None:
    if not goals:
        return None
    areas = sum(1 for k in FOCUS_AREAS if any(g.focus_area == k for g in goals))
    covered = "alla SKR:s fyra" if areas == len(FOCUS_AREAS) else f"{areas} av SKR:s fyra"
    return f"{len(goals)} mål, som tillsammans täcker {covered} fokusområden."


def key_figures(
    status: RegionStatus,
    entries: Sequence[MunicipalityEntry],
    interventions: MatrixCell,
    groups: Sequence[SharedIntervention],
    not_started: Sequence[str] = (),
) -> list[str]:
    """The sentences of the summary's first list, those that have something to say.

    Args:
        status: The region's overview.
        entries: The municipalities, in the summary's order.
        interventions: All interventions of the region, counted (`intervention_matrix`).
        groups: The shared interventions (`shared_interventions`).
        not_started: Municipalities with nothing but the template's placeholders.
    """
    ending = sum(1 for e in entries for i in e.plan.interventions if i.state == "upphör")
    figures = [
        summary_sentence(status),
        _quality_sentence(status.rows),
        _not_started_sentence(not_started),
        _activities_sentence([a for e in entries for a in e.plan.activities], status.today),
        _interventions_sentence(interventions, ending),
        _shared_sentence(groups),
        _goals_sentence([g for e in entries for g in e.plan.goals]),
    ]
    return [text for text in figures if text]


def missing_table(missing: Sequence[tuple[StatusRow, Sequence[str]]]) -> Table:
    """What each municipality lacks (`status.details`), one row each, with its quality."""
    return Table(
        header=(
            text_cell("Kommun"),
            text_cell("Kvalitet", align="right"),
            text_cell("Det som saknas"),
        ),
        rows=tuple(
            (
                text_cell(r.name),
                text_cell(quality_text(r), align="right"),
                lines_cell([f"• {item}" for item in items]),
            )
            for r, items in missing
        ),
        widths=(2.2, 1.6, 8.0),
        caption="Det som saknas, per kommun",
    )

"""The regional summary's comparison of municipalities on indicators that share a Kolada KPI.

When two or more municipalities follow an indicator with the same Kolada id, the summary
shows their total values side by side: one table per KPI, a row per municipality, a column
per period. Pure: it reads the loaded region (with the Kolada snapshot merged into the
indicators' outcomes), never the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from omstallning.documents.blocks import text_cell
from omstallning.documents.followup import value_with_unit
from omstallning.documents.tree import Block, Heading, Paragraph, Run, Table
from omstallning.followup.period import ReportPeriod
from omstallning.model import Indicator, MunicipalityEntry, Region

MIN_MUNICIPALITIES = 2


@dataclass(frozen=True)
class SharedKpi:
    """One Kolada KPI and, per municipality that follows it, its indicator."""

    kpi: str
    indicators: tuple[tuple[MunicipalityEntry, Indicator], ...]


def shared_kpis(region: Region) -> list[SharedKpi]:
    """KPIs that at least two municipalities follow, by id; municipalities in region order."""
    by_kpi: dict[str, list[tuple[MunicipalityEntry, Indicator]]] = {}
    for entry in region.municipalities:
        seen: set[str] = set()
        for goal in entry.plan.goals:
            for indicator in goal.indicators:
                if indicator.kolada and indicator.kolada not in seen:
                    seen.add(indicator.kolada)
                    by_kpi.setdefault(indicator.kolada, []).append((entry, indicator))
    return [
        SharedKpi(kpi, tuple(found))
        for kpi, found in sorted(by_kpi.items())
        if len(found) >= MIN_MUNICIPALITIES
    ]


def _totals(indicator: Indicator) -> dict[ReportPeriod, str]:
    return {
        o.period: value_with_unit(o.value, indicator.unit)
        for o in indicator.outcomes
        if o.sex in (None, "totalt")
    }


def comparison_table(shared: SharedKpi) -> Table:
    """Kommun × period: each municipality's total value, "–" where it has none."""
    values = [(entry, _totals(indicator)) for entry, indicator in shared.indicators]
    periods: Sequence[ReportPeriod] = sorted({p for _, found in values for p in found})
    name = shared.indicators[0][1].name
    return Table(
        header=(text_cell("Kommun"), *(text_cell(str(p), align="right") for p in periods)),
        rows=tuple(
            (
                text_cell(entry.plan.name),
                *(text_cell(found.get(p, "–"), align="right") for p in periods),
            )
            for entry, found in values
        ),
        widths=(2.5, *([1.2] * len(periods))),
        caption=f"{name} (Kolada {shared.kpi}) per kommun och period",
        description=f"Värden för nyckeltalet {shared.kpi}: en rad per kommun, en kolumn per "
        "period; – betyder att värde saknas.",
    )


def comparison_blocks(region: Region, level: int = 1) -> list[Block]:
    """A chapter comparing the municipalities on shared KPIs, or nothing when none is shared."""
    shared = shared_kpis(region)
    if not shared:
        return []
    blocks: list[Block] = [
        Heading(level, (Run("Jämförelse mellan kommunerna"),), "jamforelse-kolada"),
        Paragraph(
            (
                Run(
                    "Indikatorer som flera kommuner följer med samma nyckeltal i Kolada, "
                    "med kommunernas värden per period. Källa: Kolada."
                ),
            )
        ),
    ]
    for item in shared:
        names = {indicator.name for _, indicator in item.indicators}
        if len(names) > 1:
            blocks.append(
                Paragraph(
                    (
                        Run(
                            f"Kommunerna kallar nyckeltalet {item.kpi} olika: "
                            + "; ".join(sorted(names))
                            + ".",
                            italic=True,
                        ),
                    ),
                    role="note",
                )
            )
        blocks.append(comparison_table(item))
    return blocks

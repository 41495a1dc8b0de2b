"""Activities' dates: they end after they start and fall inside the plan period."""

from __future__ import annotations

from collections.abc import Iterator

from omstallning.check.rules.registry import E, W, at, municipality_rule
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry


@municipality_rule
def activity_dates(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Activities end after they start, and fall inside the plan period."""
    period = result.region.config.plan.period if result.config_ok else None
    for i, a in enumerate(entry.plan.activities):
        if a.start and a.end and a.end.last_day() < a.start.first_day():
            yield at(
                sm,
                entry.file,
                ("aktiviteter", i, "slut"),
                "slut-fore-start",
                E,
                f"Aktiviteten {a.id} slutar ({a.end}) innan den börjar ({a.start}). "
                "Rätta start eller slut.",
            )
        if period is None:
            continue
        if a.start and a.start.year < period.start:
            yield at(
                sm,
                entry.file,
                ("aktiviteter", i, "start"),
                "utanfor-perioden",
                W,
                f"Aktiviteten {a.id} börjar {a.start}, före planperioden "
                f"{period.start}–{period.end}.",
            )
        if a.end and a.end.year > period.end:
            yield at(
                sm,
                entry.file,
                ("aktiviteter", i, "slut"),
                "utanfor-perioden",
                W,
                f"Aktiviteten {a.id} slutar {a.end}, efter planperioden "
                f"{period.start}–{period.end}.",
            )

"""Ids are unique within a file, and activities point at goals that exist."""

from __future__ import annotations

from collections.abc import Iterator

from omstallning.check.rules.registry import E, at, municipality_rule
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry


def _duplicate_ids(
    sm: SourceMap | None, file: str, block: str, ids: list[str], what: str
) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in first:
            yield at(
                sm,
                file,
                (block, i, "id"),
                "dubblett-id",
                E,
                f"{what} ”{item_id}” finns redan ({block}[{first[item_id]}]). Ge den här "
                "ett eget id.",
            )
        else:
            first[item_id] = i


@municipality_rule
def ids_and_references(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Ids are unique within a file, and activities point at goals that exist."""
    plan, f = entry.plan, entry.file
    yield from _duplicate_ids(sm, f, "avsnitt", [s.id for s in plan.sections], "Avsnittet")
    yield from _duplicate_ids(sm, f, "mål", [g.id for g in plan.goals], "Målet")
    yield from _duplicate_ids(sm, f, "aktiviteter", [a.id for a in plan.activities], "Aktiviteten")
    goal_ids = [g.id for g in plan.goals]
    for i, activity in enumerate(plan.activities):
        for j, goal_id in enumerate(activity.goals):
            if goal_id not in goal_ids:
                known = ", ".join(goal_ids) or "inga mål ännu"
                yield at(
                    sm,
                    f,
                    ("aktiviteter", i, "mål", j),
                    "okant-mal",
                    E,
                    f"Aktiviteten {activity.id} hänvisar till målet ”{goal_id}”, som "
                    f"inte finns i filen (definierade mål: {known}).",
                )

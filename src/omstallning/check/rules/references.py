"""Ids are unique within a file, and activities point at goals that exist."""

from __future__ import annotations

import difflib
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
            where = f"på rad {sm.pos((block, first[item_id], 'id'))[0]}" if sm else "ovanför"
            yield at(
                sm,
                file,
                (block, i, "id"),
                "dubblett-id",
                E,
                f"{what} ”{item_id}” finns redan {where}. Ge den här ett eget id.",
            )
        else:
            first[item_id] = i


def _guess_goal(goal_id: str, goal_ids: list[str]) -> str:
    """`m3` -> ` Menade du M3?`, `M 3` -> ` Menade du M3?`; "" without a good guess."""
    squeezed = "".join(goal_id.split()).casefold()
    same = [g for g in goal_ids if g.casefold() == squeezed]
    if not same:
        same = difflib.get_close_matches(goal_id, goal_ids, n=1, cutoff=0.8)
    return f" Menade du {same[0]}?" if same else ""


@municipality_rule
def ids_and_references(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Ids are unique within a file, and activities point at goals that exist."""
    plan, f = entry.plan, entry.file
    yield from _duplicate_ids(sm, f, "avsnitt", [s.id for s in plan.sections], "Avsnittet")
    yield from _duplicate_ids(sm, f, "mål", [g.id for g in plan.goals], "Målet")
    yield from _duplicate_ids(sm, f, "aktiviteter", [a.id for a in plan.activities], "Aktiviteten")
    goal_ids = list(dict.fromkeys(g.id for g in plan.goals))  # each once, in order
    for i, activity in enumerate(plan.activities):
        for j, goal_id in enumerate(activity.goals):
            if goal_id not in goal_ids:
                known = ", ".join(goal_ids) or "inga mål ännu"
                guess = _guess_goal(goal_id, goal_ids)
                yield at(
                    sm,
                    f,
                    ("aktiviteter", i, "mål", j),
                    "okant-mal",
                    E,
                    f"Aktiviteten {activity.id} hänvisar till målet ”{goal_id}”, som "
                    f"inte finns i filen.{guess} Definierade mål: {known}.",
                )

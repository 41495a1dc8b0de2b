"""Warnings that make a plan possible to follow up: owners, goals, indicators, targets."""

from __future__ import annotations

from collections.abc import Iterator

from omstallning.check.rules.registry import W, at, municipality_rule
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry


@municipality_rule
def follow_up_warnings(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Warnings that make a plan possible to follow up."""
    plan, f = entry.plan, entry.file
    used = {g for a in plan.activities for g in a.goals}
    for i, a in enumerate(plan.activities):
        if not (a.owner and a.owner.strip()):  # blank text is no owner
            yield at(
                sm,
                f,
                ("aktiviteter", i),
                "ansvarig-saknas",
                W,
                f"Aktiviteten {a.id} saknar ansvarig. Lägg till ”ansvarig:” med en "
                "roll eller enhet.",
            )
        if not a.goals:
            yield at(
                sm,
                f,
                ("aktiviteter", i),
                "aktivitet-utan-mal",
                W,
                f"Aktiviteten {a.id} är inte kopplad till något mål. Lägg till "
                "”mål: [M1]” med det mål den bidrar till.",
            )
    for i, g in enumerate(plan.goals):
        if g.id not in used:
            yield at(
                sm,
                f,
                ("mål", i),
                "mal-utan-aktivitet",
                W,
                f"Inget i handlingsplanen bidrar till målet {g.id}. Koppla minst en "
                "aktivitet till det.",
            )
        if not g.indicators:
            yield at(
                sm,
                f,
                ("mål", i),
                "mal-utan-indikator",
                W,
                f"Målet {g.id} har ingen indikator. Lägg till ”indikatorer:” så att "
                "målet kan följas upp.",
            )
        for j, ind in enumerate(g.indicators):
            if ind.target is None:
                yield at(
                    sm,
                    f,
                    ("mål", i, "indikatorer", j),
                    "malvarde-saknas",
                    W,
                    f"Indikatorn ”{ind.name}” saknar målvärde. Lägg till ”målvärde:”.",
                )

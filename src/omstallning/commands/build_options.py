"""What `build`'s document options ask for: which kinds, with which values, and extra files.

`--beslutsbilaga` adds the decision appendix, `--jamfor REF` the change lists (and the
change appendix in each plan), `--spara-andringar` the plans with tracked changes, and
`--uppfoljning PERIOD` the follow-up reports. The command line passes its flags here and
gives the result to `build_plans`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from omstallning import clock
from omstallning.errors import UsageError
from omstallning.model import MunicipalityEntry, Region


@dataclass
class BuildOptions:
    """The option values for `build_plans` and the files made outside the document kinds."""

    values: dict[str, object] = field(default_factory=dict)
    extra: list[tuple[str, bytes, str]] = field(default_factory=list)
    comparison: object | None = None


def build_options(
    region: Region,
    entries: Sequence[MunicipalityEntry],
    *,
    decision_appendix: bool = False,
    compare: str | None = None,
    tracked: bool = False,
    followup: str | None = None,
) -> BuildOptions:
    """The options of one build, checked before anything is written.

    Raises:
        UsageError: `--spara-andringar` without `--jamfor`, a period that is not one, or a
            version to compare with that cannot be read.
    """
    options = BuildOptions()
    if tracked and not compare:
        raise UsageError("--spara-andringar kräver --jamfor REF (versionen att jämföra med).")
    if decision_appendix:
        options.values["beslutsbilaga"] = True
    if followup is not None:
        options.values["uppfoljning"] = _period(followup)
    if compare:
        from omstallning.commands.compare import fingerprint, prepare_comparison, tracked_plan

        comparison = prepare_comparison(region, compare, entries)
        options.values["jamfor"] = comparison
        options.comparison = comparison
        if tracked:
            key = f"{fingerprint(comparison)}\0{clock.source_date()}"
            for entry in entries:
                data = tracked_plan(region, entry, comparison)
                options.extra.append((f"{entry.slug}-sparade-andringar.docx", data, key))
    return options


def _period(text: str) -> object:
    from pydantic_core import PydanticCustomError

    from omstallning.followup.period import parse_period

    try:
        return parse_period(text)
    except (PydanticCustomError, ValueError):
        raise UsageError(
            f"”{text}” är ingen period. Skriv ett år (2026), ett halvår (2026H1), ett tertial "
            "(2026T2) eller ett kvartal (2026K3)."
        ) from None

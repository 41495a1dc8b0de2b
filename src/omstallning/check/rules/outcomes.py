"""Validation rules for follow-up data: outcome periods, units, sources and duplicates.

Plain generator functions in the shape of the municipality rules in `check.rules`
(`(result, entry, sm) -> Iterator[Finding]`), to be registered with `@municipality_rule`.
They read one municipality file as loaded, so a finding points at the outcome in that file.

Codes and severities:

- `utfall-utanfor-perioden` (warning): an outcome's period lies outside the plan period and
  is not the baseline year just before it. A warning, not an error: a late follow-up or an
  older value for comparison is legitimate data, and an error would stop the build.
- `utfall-fel-enhet` (error for % against a non-% unit and the reverse, warning for other
  words): a value written with a unit other than the indicator's `enhet`. The percent case
  is certain and makes the chart and the status proposal wrong; other words (dagar/dygn,
  antal/st) may be synonyms.
- `utfall-utan-kalla` (warning): neither the outcome nor its indicator names a source.
- `utfall-dubblett` (error): two outcomes of one indicator for the same period and sex
  (no `kön` counts as `totalt`): which one holds is undecidable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from omstallning.check.rules.registry import RULE_CODES, municipality_rule
from omstallning.findings import Finding, Severity
from omstallning.followup.status import parse_number
from omstallning.model import Indicator, MunicipalityEntry, Value
from omstallning.text import fold

if TYPE_CHECKING:
    from omstallning.load.loader import LoadResult
    from omstallning.load.yaml_source import SourceMap

E, W = Severity.ERROR, Severity.WARNING
Path_ = tuple[str | int, ...]
_UNIT_TAIL = re.compile(r"[\d\s\u00a0\u202f]([^\d]+)$")
_PERCENT = {"%", "procent", "andel", "andel (%)", "procentenheter"}


def _at(
    sm: SourceMap | None, file: str, path: Path_, code: str, sev: Severity, msg: str
) -> Finding:
    line, col = sm.pos(path) if sm is not None else (1, 1)
    return Finding(file, line, col, code, sev, msg)


def _indicators(entry: MunicipalityEntry) -> Iterator[tuple[Path_, str, Indicator]]:
    for gi, goal in enumerate(entry.plan.goals):
        for ii, indicator in enumerate(goal.indicators):
            yield ("mål", gi, "indikatorer", ii), goal.id, indicator


def outcome_periods(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Outcomes lie inside the plan period, or in the baseline year just before it."""
    if not result.config_ok:
        return
    plan = result.region.config.plan.period
    for path, goal_id, indicator in _indicators(entry):
        for oi, outcome in enumerate(indicator.outcomes):
            year = outcome.period.year
            if plan.start - 1 <= year <= plan.end:
                continue
            yield _at(
                sm,
                entry.file,
                (*path, "utfall", oi, "period"),
                "utfall-utanfor-perioden",
                W,
                f"Utfallet för {outcome.period} ({goal_id}, ”{indicator.name}”) ligger "
                f"utanför planperioden {plan.start}–{plan.end}. Kontrollera perioden; "
                f"året före planperioden ({plan.start - 1}) går bra som utgångsläge.",
            )


def _unit_of(value: Value) -> str | None:
    """The unit written after the number in a value (`30 %` -> `%`), if any."""
    if not isinstance(value, str) or parse_number(value) is None:
        return None
    m = _UNIT_TAIL.search(value.strip()) or re.search(r"\d(%)$", value.strip())
    unit = m.group(1).strip() if m else ""
    return unit or None


def _same_unit(written: str, unit: str) -> bool:
    a, b = fold(written).strip(" ."), fold(unit).strip(" .")
    if a == b or (a in _PERCENT and b in _PERCENT):
        return True
    return a in ("st", "antal") and b in ("st", "antal")


def _unit_finding(written: str, unit: str) -> Severity | None:
    if _same_unit(written, unit):
        return None
    percent = (fold(written) in _PERCENT) != (fold(unit) in _PERCENT)
    return E if percent else W


def outcome_units(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Values written with a unit use the indicator's `enhet`."""
    del result
    for path, goal_id, indicator in _indicators(entry):
        if not indicator.unit:
            continue
        unit = indicator.unit
        checked: list[tuple[Path_, Value]] = [
            ((*path, "utfall", oi, "värde"), o.value) for oi, o in enumerate(indicator.outcomes)
        ]
        checked += [((*path, "målvärden", ti), t.value) for ti, t in enumerate(indicator.targets)]
        for where, value in checked:
            written = _unit_of(value)
            severity = _unit_finding(written, unit) if written else None
            if severity is None:
                continue
            yield _at(
                sm,
                entry.file,
                where,
                "utfall-fel-enhet" if severity is E else "utfall-annan-enhet",
                severity,
                f"Värdet ”{value}” ({goal_id}, ”{indicator.name}”) har enheten ”{written}”, "
                f"men indikatorns enhet är ”{unit}”. Skriv talet utan enhet eller rätta "
                "”enhet:”.",
            )


def outcome_sources(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Every value says where it comes from: in the outcome, or for the whole indicator."""
    del result
    for path, goal_id, indicator in _indicators(entry):
        if indicator.source:
            continue
        for oi, outcome in enumerate(indicator.outcomes):
            if outcome.source:
                continue
            yield _at(
                sm,
                entry.file,
                (*path, "utfall", oi),
                "utfall-utan-kalla",
                W,
                f"Utfallet för {outcome.period} ({goal_id}, ”{indicator.name}”) saknar källa. "
                "Lägg till ”källa:” på utfallet eller på indikatorn.",
            )


def outcome_duplicates(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """One value per indicator, period and sex (no `kön` is the same as `totalt`)."""
    del result
    for path, goal_id, indicator in _indicators(entry):
        first: dict[tuple[str, str], int] = {}
        for oi, outcome in enumerate(indicator.outcomes):
            key = (str(outcome.period), outcome.sex or "totalt")
            if key not in first:
                first[key] = oi
                continue
            sex = "" if key[1] == "totalt" else f" för {key[1]}"
            yield _at(
                sm,
                entry.file,
                (*path, "utfall", oi, "period"),
                "utfall-dubblett",
                E,
                f"”{indicator.name}” ({goal_id}) har redan ett utfall för {key[0]}{sex} "
                f"(utfall[{first[key]}]). Ta bort det ena eller rätta perioden eller kön.",
            )


FOLLOWUP_RULES = (outcome_periods, outcome_units, outcome_sources, outcome_duplicates)
"""The rules, for `check.rules`: `for r in FOLLOWUP_RULES: municipality_rule(r)`."""


for _each in FOLLOWUP_RULES:
    municipality_rule(_each)

RULE_CODES.update(
    {
        "utfall-utanfor-perioden": (W, "ett utfall ligger utanför planperioden"),
        "utfall-fel-enhet": (E, "ett värde i procent där indikatorn räknar annat, eller tvärtom"),
        "utfall-annan-enhet": (W, "ett värde skrivet med ett annat ord för enheten än enhet:"),
        "utfall-utan-kalla": (W, "ett utfall saknar källa"),
        "utfall-dubblett": (E, "två utfall för samma period och kön"),
    }
)

"""Propose a goal's status for a period from its indicators' outcomes and targets.

An indicator is met when its value for the period has reached the target for that year
(from `målvärden`, else the single `målvärde`), on the side its direction says is better.
It is partly met when the value has moved the right way from the baseline without getting
there, and not met otherwise. A goal is met when every indicator that can be judged is met,
not met when none has moved the right way, and partly met in between. A written
`bedömning` for the period always wins over the proposal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from omstallning.followup.period import ReportPeriod
from omstallning.model import Goal, GoalStatus, Indicator, Outcome, Value

# A number as people write it in Swedish plans: "1 488", "12,5", "−3", "30 %", "4,2 dagar".
# The thousands separator is a space (also no-break or narrow no-break); the rest may be a
# unit, but no further digits ("3–5", "2025: 30" are not one number).
_NUMBER = re.compile(
    r"^\s*([+\-\u2212]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?\s*([^\d]*)$"
)


def parse_number(value: Value | None) -> float | None:
    """The number in a value (`30 %` -> 30.0, `1 488` -> 1488.0), or None for prose."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    m = _NUMBER.match(value)
    if m is None:
        return None
    sign, whole, decimals, _unit = m.groups()
    digits = re.sub(r"\D", "", whole) + ("." + decimals if decimals else "")
    number = float(digits)
    return -number if sign in ("-", "\u2212") else number


@dataclass(frozen=True)
class IndicatorJudgement:
    """How one indicator stands in one period, and from which numbers."""

    indicator: Indicator
    value: float | None
    target: float | None
    status: GoalStatus | None


@dataclass(frozen=True)
class GoalStatusResult:
    """A goal's status for a period: written (`bedömning`) or proposed, or None (no data)."""

    status: GoalStatus | None
    written: bool
    motivation: str | None = None
    actions: str | None = None
    indicators: tuple[IndicatorJudgement, ...] = ()


def outcome_for(indicator: Indicator, period: ReportPeriod) -> Outcome | None:
    """The total (not split by sex) outcome of `period`, else the latest one inside it."""
    totals = [o for o in indicator.outcomes if o.sex in (None, "totalt")]
    exact = [o for o in totals if o.period == period]
    if exact:
        return exact[-1]
    inside = [
        o for o in totals if period.start() <= o.period.start() and o.period.end() <= period.end()
    ]
    return max(inside, key=lambda o: o.period) if inside else None


def _direction(indicator: Indicator, target: float) -> str | None:
    if indicator.direction is not None:
        return indicator.direction
    baseline = parse_number(indicator.baseline)
    if baseline is None or baseline == target:
        return None
    return "högre" if target > baseline else "lägre"


def judge_indicator(indicator: Indicator, period: ReportPeriod) -> IndicatorJudgement:
    """The status of one indicator in `period`; None when a value, target or direction lacks."""
    outcome = outcome_for(indicator, period)
    value = parse_number(outcome.value) if outcome is not None else None
    target = parse_number(indicator.target_for(period.year))
    if value is None or target is None:
        return IndicatorJudgement(indicator, value, target, None)
    direction = _direction(indicator, target)
    if direction is None:
        return IndicatorJudgement(indicator, value, target, None)
    sign = 1 if direction == "högre" else -1
    status: GoalStatus
    if sign * (value - target) >= 0:
        status = "uppfyllt"
    else:
        baseline = parse_number(indicator.baseline)
        moved = baseline is not None and sign * (value - baseline) > 0
        status = "delvis_uppfyllt" if moved else "ej_uppfyllt"
    return IndicatorJudgement(indicator, value, target, status)


def _combine(statuses: list[GoalStatus]) -> GoalStatus | None:
    if not statuses:
        return None
    if all(s == "uppfyllt" for s in statuses):
        return "uppfyllt"
    if all(s == "ej_uppfyllt" for s in statuses):
        return "ej_uppfyllt"
    return "delvis_uppfyllt"


def propose_status(goal: Goal, period: ReportPeriod) -> GoalStatus | None:
    """The status the indicators suggest for `period`, ignoring any written assessment."""
    judged = [judge_indicator(i, period).status for i in goal.indicators]
    return _combine([s for s in judged if s is not None])


def goal_status(goal: Goal, period: ReportPeriod) -> GoalStatusResult:
    """The goal's status for `period`: the written assessment if there is one, else proposed."""
    judgements = tuple(judge_indicator(i, period) for i in goal.indicators)
    written = [a for a in goal.assessments if a.period == period]
    if written:
        last = written[-1]
        return GoalStatusResult(last.status, True, last.motivation, last.actions, judgements)
    proposed = _combine([j.status for j in judgements if j.status is not None])
    return GoalStatusResult(proposed, False, indicators=judgements)

"""Which indicators lack a value for the latest period (for `status`)."""

from __future__ import annotations

from omstallning.followup.period import ReportPeriod
from omstallning.followup.status import outcome_for
from omstallning.model import MunicipalityEntry


def missing_latest(entry: MunicipalityEntry, period: ReportPeriod) -> list[str]:
    """Names of the indicators with no total value for `period` (or a period inside it).

    Indicators that have no outcomes at all are listed too: they are not followed up yet.
    """
    return [
        indicator.name
        for goal in entry.plan.goals
        for indicator in goal.indicators
        if outcome_for(indicator, period) is None
    ]


def latest_period(entry: MunicipalityEntry) -> ReportPeriod | None:
    """The latest period any indicator of the plan has a value for, or None."""
    periods = [o.period for g in entry.plan.goals for i in g.indicators for o in i.outcomes]
    return max(periods, key=lambda p: (p.end(), p.start()), default=None)

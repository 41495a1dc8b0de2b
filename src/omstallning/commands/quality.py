"""The quality figure of a plan: how many of its parts can be followed up.

Computed from the findings about the plan only (`validate`'s and the follow-up ones), never
from looking at the plan again, so `status`, the summary and `validate` cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from omstallning.findings import Finding
from omstallning.model import Municipality, RegionConfig

MAX_IDS_SHOWN = 6
# The finding codes that say a required section is not written (missing, empty, a hint).
UNWRITTEN_SECTION_CODES = frozenset({"avsnitt-saknas", "tomt-avsnitt", "avsnitt-ej-skrivet"})


# --- The quality figure ----------------------------------------------------------------------


@dataclass(frozen=True)
class Quality:
    """How many parts of a plan can be followed up, and what is missing (in Swedish).

    A part is a required section, a goal, an activity or a line of placeholder text (always
    missing); `passed` counts the parts without a gap, `total` all of them.
    """

    passed: int
    total: int
    missing: tuple[str, ...] = ()

    @property
    def percent(self) -> int:
        """Share of parts without a gap, rounded down: 100 only when nothing is missing."""
        if self.total == 0:
            return 100
        return self.passed * 100 // self.total


def _ids(ids: Sequence[str]) -> str:
    shown = list(ids[:MAX_IDS_SHOWN])
    more = " m.fl." if len(ids) > MAX_IDS_SHOWN else ""
    return ", ".join(shown) + more


def _activities(n: int) -> str:
    return f"{n} aktivitet" if n == 1 else f"{n} aktiviteter"


def list_and(items: Sequence[str]) -> str:
    """A list as a Swedish sentence writes it: "a, b och c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


class _Checks:
    """The parts of one plan, each without a gap unless a finding says otherwise."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.passed = self.total = 0
        self.subjects: dict[str, list[tuple[str | int, ...]]] = {}
        for f in findings:
            self.subjects.setdefault(f.code, []).append(f.subject)

    def has(self, code: str, subject: tuple[str | int, ...] | None = None) -> bool:
        """Whether a finding of `code` (about `subject`, when given) exists."""
        found = self.subjects.get(code, [])
        return bool(found) if subject is None else subject in found

    def count(self, failed: bool) -> bool:
        """Count one part; return whether it has a gap."""
        self.total += 1
        self.passed += not failed
        return failed


def plan_quality(plan: Municipality, config: RegionConfig, findings: Sequence[Finding]) -> Quality:
    """How far a plan can be followed up, from the findings about it.

    The figure weighs each part of the plan the same: each section the region requires
    (written or not), each goal (it has an indicator with a target value), each activity
    (it has an owner, a start and an end, a goal, and is not overdue: `planerad` or `pågår`
    after its end), and each line with placeholder text left (always a gap: a plan made
    from the template scores close to 0 %). A region that requires goals or activities
    counts having none as one missing part. What fails is what the rules found
    (`validate`'s findings of the file and `follow_up_findings`); the plan gives only how
    many parts there are and the ids to name.

    Args:
        plan: The municipality's plan.
        config: The region's settings (required sections; which of goals and activities).
        findings: The findings of the plan's file, with its follow-up findings.
    """
    checks = _Checks(findings)
    missing: list[str] = []
    req = config.requirements
    for s in req.sections:  # the unwritten ones are listed apart (StatusRow.sections_missing)
        checks.count(any(checks.has(c, ("avsnitt", s)) for c in UNWRITTEN_SECTION_CODES))
    # No goals (activities) where the region requires them: one part missing in their place.
    if req.goals and checks.has("mal-saknas") and checks.count(True):
        missing.append("Planen har inga mål")
    if req.activities and checks.has("aktiviteter-saknas") and checks.count(True):
        missing.append("Planen har inga aktiviteter")
    missing += _goal_gaps(plan, checks)
    missing += _activity_gaps(plan, checks)
    missing += [f.message for f in findings if f.code == "forsenad"]
    lines = sorted({f.line for f in findings if f.code == "platshallare"})
    for _line in lines:
        checks.count(True)
    if lines:
        where = "rad" if len(lines) == 1 else "rader"
        shown = [str(n) for n in lines[:MAX_IDS_SHOWN]]
        more = " m.fl." if len(lines) > MAX_IDS_SHOWN else ""
        missing.append(
            f"Platshållartext kvar på {len(lines)} {where} ({where} {list_and(shown)}{more})"
        )
    return Quality(checks.passed, checks.total, tuple(missing))


def _goal_gaps(plan: Municipality, checks: _Checks) -> list[str]:
    """Goals without an indicator, and goals none of whose indicators has a target."""
    no_indicator: list[str] = []
    no_target: list[str] = []
    for i, goal in enumerate(plan.goals):
        # One check per goal: it passes when any of its indicators has a target.
        indicators = [("mål", i, "indikatorer", j) for j in range(len(goal.indicators))]
        lacks_indicator = checks.has("mal-utan-indikator", ("mål", i))
        lacks_target = all(checks.has("malvarde-saknas", s) for s in indicators)
        if checks.count(lacks_indicator or lacks_target):
            (no_indicator if lacks_indicator else no_target).append(goal.id)
    out: list[str] = []
    if no_indicator:
        out.append(f"{len(no_indicator)} mål saknar indikator ({_ids(no_indicator)})")
    if no_target:
        out.append(f"{len(no_target)} mål saknar målvärde ({_ids(no_target)})")
    return out


# The codes of the four checks per activity, each about one activity (`("aktiviteter", i)`).
_ACTIVITY_CHECKS = ("ansvarig-saknas", "datum-saknas", "aktivitet-utan-mal", "forsenad")


def _activity_gaps(plan: Municipality, checks: _Checks) -> list[str]:
    """Activities without owner, dates or goal (the overdue ones are named by their finding)."""
    failing: dict[str, list[str]] = {code: [] for code in _ACTIVITY_CHECKS}
    for i, activity in enumerate(plan.activities):
        gaps = [code for code in _ACTIVITY_CHECKS if checks.has(code, ("aktiviteter", i))]
        checks.count(bool(gaps))  # one part per activity, whatever it lacks
        for code in gaps:
            failing[code].append(activity.id)
    out: list[str] = []
    if no_owner := failing["ansvarig-saknas"]:
        out.append(f"{_activities(len(no_owner))} saknar ansvarig ({_ids(no_owner)})")
    if no_dates := failing["datum-saknas"]:
        out.append(f"{_activities(len(no_dates))} saknar start- eller slutdatum ({_ids(no_dates)})")
    if no_goal := failing["aktivitet-utan-mal"]:
        linked = "kopplad" if len(no_goal) == 1 else "kopplade"
        out.append(f"{_activities(len(no_goal))} är inte {linked} till något mål ({_ids(no_goal)})")
    return out

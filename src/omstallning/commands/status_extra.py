"""What `status` shows beside the plan-quality figure: decided versions and follow-up gaps.

Three facts per municipality: whether the plan changed since its last decided version (from
the git history, `changes.decided`), whether the date in `revideras_senast` has passed (the
`revidering-passerad` finding, so status and validate agree) and which indicators lack a
value for the latest period any of them has one for (`followup.missing`). The first and the
last are not rule findings: the status legend says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from omstallning.findings import Finding
from omstallning.followup.missing import latest_period, missing_latest
from omstallning.model import MunicipalityEntry, Region

REVISION_CODE = "revidering-passerad"
CHANGED_HEAD = "Ändrad sedan beslut"
CHANGED_SHORT = "Ändrad"
LEGEND = (
    "Ändrad sedan beslut = om kommunfilen har ändrats sedan den senast beslutade versionen "
    "(status beslutad i git-historiken, annars den senaste taggen); ”–” när ingen beslutad "
    "version finns. Det och raderna ”saknar värde” kommer från git-historiken och utfallen, "
    "inte från validates regler."
)


@dataclass(frozen=True)
class Extra:
    """The decided version, the overdue revision and the missing values of one plan."""

    decided_version: str | None = None
    changed_since_decided: bool | None = None
    revision_overdue: str | None = None
    missing_period: str | None = None
    missing_indicators: tuple[str, ...] = ()


def decided_by_slug(region: Region) -> dict[str, tuple[str | None, bool | None]]:
    """Each municipality's last decided version and whether it changed since (git)."""
    from omstallning.changes.decided import decided_states

    return {s.slug: (s.label, s.changed) for s in decided_states(region)}


def extra_of(
    entry: MunicipalityEntry,
    findings: Sequence[Finding],
    decided: tuple[str | None, bool | None],
) -> Extra:
    """The extra facts of one loaded plan; `findings`: those of `validate` for its file."""
    due = entry.plan.revise_by
    overdue = any(f.code == REVISION_CODE for f in findings)
    period = latest_period(entry)
    missing = tuple(missing_latest(entry, period)) if period is not None else ()
    return Extra(
        decided_version=decided[0],
        changed_since_decided=decided[1],
        revision_overdue=str(due) if overdue and due is not None else None,
        missing_period=str(period) if period is not None and missing else None,
        missing_indicators=missing,
    )


def changed_text(extra: Extra | None) -> str:
    """The cell of "Ändrad sedan beslut": `Ja, sedan 1.0`, `Nej (1.0)` or `–`."""
    if extra is None or extra.changed_since_decided is None or extra.decided_version is None:
        return "–"
    if extra.changed_since_decided:
        return f"Ja, sedan {extra.decided_version}"
    return f"Nej ({extra.decided_version})"


def extra_lines(extra: Extra | None) -> list[str]:
    """The lines under the table: an overdue revision and the indicators without a value."""
    if extra is None:
        return []
    lines = []
    if extra.revision_overdue is not None:
        lines.append(f"Revideras senast {extra.revision_overdue} har passerat")
    if extra.missing_indicators:
        names = ", ".join(extra.missing_indicators)
        lines.append(f"Indikatorer som saknar värde för {extra.missing_period}: {names}")
    return lines


def extra_json(extra: Extra | None) -> dict[str, object]:
    """The extra facts as JSON keys (Swedish, as the brief for other tools names them)."""
    if extra is None:
        extra = Extra()
    return {
        "beslutad_version": extra.decided_version,
        "andrad_sedan_beslut": extra.changed_since_decided,
        "revideras_senast_passerad": extra.revision_overdue,
        "saknar_varde": None
        if extra.missing_period is None
        else {"period": extra.missing_period, "indikatorer": list(extra.missing_indicators)},
    }

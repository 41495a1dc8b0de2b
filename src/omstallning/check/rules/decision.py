"""Validation of the decision data: what a plan must say when the nämnd decides it.

Plain generator functions of one shape, `(entry, sm, today) -> Iterator[Finding]`, listed in
`DECISION_RULES`; their codes, severities and meanings are in `DECISION_RULE_CODES`. They read
only the loaded municipality and its source map (for positions), never files or the clock:
the caller passes `today` (`clock.today()`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from omstallning import clock
from omstallning.check.rules.registry import RULE_CODES, municipality_rule
from omstallning.findings import Finding, Severity
from omstallning.load.loader import LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import Intervention, MunicipalityEntry

E, W = Severity.ERROR, Severity.WARNING

DecisionRule = Callable[[MunicipalityEntry, SourceMap | None, dt.date], Iterator[Finding]]

DECISION_STATUSES = ("beslutad", "remiss")
"""Plan statuses whose interventions without needs assessment must carry their decision data:
the plan the nämnd decides and the one sent out for consultation. Drafts and examples are
work in progress and are not warned about."""

DECISION_RULE_CODES: dict[str, tuple[Severity, str]] = {
    "diarienummer-saknas": (E, "en beslutad plan saknar diarienummer"),
    "paragraf-saknas": (W, "en beslutad plan saknar paragraf (§) i beslutet"),
    "beslutsdatum-i-framtiden": (E, "beslutsdatum eller versionsdatum efter dagens datum"),
    "versionsordning": (E, "versionerna i versionshistoriken stiger inte"),
    "revidering-passerad": (W, "datumet i revideras_senast har passerat"),
    "insats-beslutsuppgifter": (
        W,
        "en insats utan behovsprövning saknar målgrupp, villkor, omfattning, beslut eller "
        "omprövning",
    ),
}

# What an intervention without needs assessment must state, as (YAML key, attribute).
_INTERVENTION_FIELDS = (
    ("målgrupp", "target_group"),
    ("villkor", "conditions"),
    ("omfattning", "scope"),
    ("beslut", "decision"),
    ("omprövas", "review"),
)


def _at(
    sm: SourceMap | None,
    file: str,
    path: tuple[str | int, ...],
    code: str,
    message: str,
    *,
    key: bool = False,
) -> Finding:
    severity = DECISION_RULE_CODES[code][0]
    if sm is None:
        return Finding(file, 1, 1, code, severity, message)
    line, col = sm.key_pos(path) if key else sm.pos(path)
    return Finding(file, line, col, code, severity, message)


def version_key(version: str) -> tuple[int, ...]:
    """A version as numbers for comparison: "1.10" -> (1, 10), "2" -> (2,), "v1.0-rc" -> (1, 0)."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def decision_reference(
    entry: MunicipalityEntry, sm: SourceMap | None, today: dt.date
) -> Iterator[Finding]:
    """A decided plan states its diarienummer and the § of the decision.

    A decided plan without `beslut` at all is `beslut-saknas` (check.rules), not repeated here.
    """
    plan = entry.plan
    if plan.status != "beslutad" or plan.decision is None:
        return
    if not plan.reference:
        yield _at(
            sm,
            entry.file,
            ("beslut",),
            "diarienummer-saknas",
            "Planen är beslutad men saknar diarienummer. Skriv ärendets nummer som "
            "”diarienummer: SN 2025/118” (överst i filen eller under ”beslut:”).",
            key=True,
        )
    if not plan.decision.paragraph:
        yield _at(
            sm,
            entry.file,
            ("beslut",),
            "paragraf-saknas",
            "Beslutet saknar paragraf. Lägg till ”paragraf: § 137” under ”beslut:” med "
            "paragrafen i nämndens protokoll.",
            key=True,
        )


def decision_dates(
    entry: MunicipalityEntry, sm: SourceMap | None, today: dt.date
) -> Iterator[Finding]:
    """No decision, and no version in the history, is dated after today."""
    plan = entry.plan
    if plan.decision is not None and plan.decision.date.first_day() > today:
        yield _at(
            sm,
            entry.file,
            ("beslut", "datum"),
            "beslutsdatum-i-framtiden",
            f"Beslutsdatumet {plan.decision.date} ligger efter dagens datum ({today}). "
            "Skriv datumet då nämnden fattade beslutet, eller ändra status till remiss "
            "tills beslutet är fattat.",
        )
    for i, version in enumerate(plan.history):
        if version.date.first_day() > today:
            yield _at(
                sm,
                entry.file,
                ("versionshistorik", i, "datum"),
                "beslutsdatum-i-framtiden",
                f"Version {version.version} är daterad {version.date}, efter dagens datum "
                f"({today}). Skriv datumet då versionen blev klar.",
            )


def version_order(
    entry: MunicipalityEntry, sm: SourceMap | None, today: dt.date
) -> Iterator[Finding]:
    """The versions in the history rise, each above the one before it."""
    history = entry.plan.history
    for i in range(1, len(history)):
        before, this = history[i - 1], history[i]
        if version_key(this.version) <= version_key(before.version):
            yield _at(
                sm,
                entry.file,
                ("versionshistorik", i, "version"),
                "versionsordning",
                f"Version ”{this.version}” står efter ”{before.version}” men är inte högre. "
                "Lista versionerna från den äldsta till den nyaste, med stigande nummer.",
            )


def revision_due(
    entry: MunicipalityEntry, sm: SourceMap | None, today: dt.date
) -> Iterator[Finding]:
    """A plan past its `revideras_senast` date should be revised."""
    due = entry.plan.revise_by
    if due is not None and due.last_day() < today:
        yield _at(
            sm,
            entry.file,
            ("revideras_senast",),
            "revidering-passerad",
            f"Planen skulle ha reviderats senast {due}. Revidera planen och skriv ett nytt "
            "datum i ”revideras_senast:”, med den nya versionen i ”versionshistorik:”.",
        )


def missing_decision_fields(intervention: Intervention) -> list[str]:
    """The YAML keys an intervention without needs assessment lacks, in the order to write them."""
    return [key for key, attr in _INTERVENTION_FIELDS if not getattr(intervention, attr)]


def intervention_decisions(
    entry: MunicipalityEntry, sm: SourceMap | None, today: dt.date
) -> Iterator[Finding]:
    """Each intervention without needs assessment states what the nämnd decides about it.

    Checked for the plans in `DECISION_STATUSES`; an intervention that ends (`läge: upphör`)
    is not offered and not checked.
    """
    plan = entry.plan
    if plan.status not in DECISION_STATUSES:
        return
    for i, intervention in enumerate(plan.interventions):
        if not intervention.without_assessment or intervention.state == "upphör":
            continue
        missing = missing_decision_fields(intervention)
        if not missing:
            continue
        keys = ", ".join(f"”{key}:”" for key in missing)
        yield _at(
            sm,
            entry.file,
            ("insatser", i),
            "insats-beslutsuppgifter",
            f"Insatsen ”{intervention.name}” ges utan behovsprövning men saknar {keys}. "
            "Nämnden beslutar om målgrupp, villkor, omfattning och när beslutet omprövas; "
            "skriv det under insatsen, med beslutet som ”beslut: SN 2025-05-20 § 45”.",
        )


DECISION_RULES: tuple[DecisionRule, ...] = (
    decision_reference,
    decision_dates,
    version_order,
    revision_due,
    intervention_decisions,
)
"""Every rule of this module, in the order to run them."""


def check_decision(
    entry: MunicipalityEntry, sm: SourceMap | None, today: dt.date
) -> Iterator[Finding]:
    """Every decision rule's findings for one municipality."""
    for rule in DECISION_RULES:
        yield from rule(entry, sm, today)


@municipality_rule
def decision_data(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """The decision rules above, registered: today is `clock.today()`."""
    yield from check_decision(entry, sm, clock.today())


RULE_CODES.update(DECISION_RULE_CODES)

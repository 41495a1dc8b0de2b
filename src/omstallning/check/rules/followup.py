"""Follow-up rules: what `status` counts against a plan besides the findings of `validate`.

An activity without dates, an activity whose end has passed while it is still planned or
under way, and a required section that holds only the scaffold's hint. They are not
problems in the files, so `validate` does not report them; they depend on the day (an
activity becomes overdue), so they run when the overview is made, on the loaded plans.
Their findings point at no position (line 0: the whole file); `subject` says what each is
about, as for the rules' own findings.
"""

from __future__ import annotations

import datetime as dt

from omstallning.check.rules.registry import W
from omstallning.findings import Finding
from omstallning.model import PLACEHOLDER_WORDS, MunicipalityEntry, Requirements

# code: what it means — the checks `status` adds to the findings of `validate`.
FOLLOW_UP_CODES: dict[str, str] = {
    "datum-saknas": "en aktivitet utan start- eller slutdatum",
    "forsenad": "en aktivitet som passerat sitt slutdatum men står som planerad eller pågår",
    "avsnitt-ej-skrivet": "ett avsnitt som regionen kräver har bara mallens platshållartext",
}
OPEN_STATUSES = ("planerad", "pågår")


def follow_up_findings(
    entry: MunicipalityEntry, requirements: Requirements, today: dt.date
) -> list[Finding]:
    """The follow-up findings of one loaded plan on the day `today`."""
    return [*_activities(entry, today), *_unwritten_sections(entry, requirements)]


def _activities(entry: MunicipalityEntry, today: dt.date) -> list[Finding]:
    out: list[Finding] = []
    for i, a in enumerate(entry.plan.activities):
        subject = ("aktiviteter", i)
        if a.start is None or a.end is None:
            message = f"Aktiviteten {a.id} saknar start- eller slutdatum."
            out.append(Finding(entry.file, 0, 0, "datum-saknas", W, message, subject))
        if a.end is not None and a.end.last_day() < today and a.status in OPEN_STATUSES:
            message = f"{a.id} har passerat sitt slutdatum men har status {a.status} (slut {a.end})"
            out.append(Finding(entry.file, 0, 0, "forsenad", W, message, subject))
    return out


def _unwritten_sections(entry: MunicipalityEntry, requirements: Requirements) -> list[Finding]:
    """Required sections whose text is only a hint; `required_content` reports the rest."""
    plan = entry.plan
    by_id = {s.id: s for s in reversed(plan.sections)}  # the first of an id, as there
    out: list[Finding] = []
    for section_id in requirements.sections:
        section = by_id.get(section_id)
        if section is None or (section_id == "samverkan" and plan.collaboration):
            continue
        if section.text.strip().startswith(PLACEHOLDER_WORDS):
            message = f"Avsnittet ”{section_id}” har bara mallens platshållartext."
            out.append(
                Finding(entry.file, 0, 0, "avsnitt-ej-skrivet", W, message, ("avsnitt", section_id))
            )
    return out

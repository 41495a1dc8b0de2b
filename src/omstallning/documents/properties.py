"""Document properties of a municipality's documents: title, author, dates, decision data.

The plan and the decision appendix share them: the DOCX writer puts them in the core
properties (title, author, diarienummer as identifier, version, status, the decision in the
comments) and the Markdown writer in the front matter; the marking goes in page headers.
Pure.
"""

from __future__ import annotations

import datetime as dt

from omstallning import clock
from omstallning.documents.blocks import MARKINGS, municipality_title
from omstallning.documents.tree import DocumentMeta
from omstallning.model import PLAN_STATUSES, Municipality, MunicipalityEntry, Region


def build_date(plan: Municipality, period_start: int) -> dt.datetime:
    """The date stamped into the document properties and zip entries.

    `SOURCE_DATE_EPOCH` wins (reproducible builds); otherwise it comes from the plan itself, so
    the same input always gives the same bytes.
    """
    fixed = clock.source_date()
    if fixed is not None:
        return fixed
    day = plan.date or (plan.decision.date if plan.decision else None)
    if day is not None:
        return dt.datetime(day.year, day.month, day.day or 1)  # noqa: DTZ001
    return dt.datetime(period_start, 1, 1)  # noqa: DTZ001


def decision_text(plan: Municipality) -> str:
    """The decision in one line for the document properties: `Socialnämnden 2025-11-19 § 137`."""
    d = plan.decision
    if d is None:
        return ""
    return " ".join(x for x in (d.body, str(d.date), d.paragraph) if x)


def document_meta(
    region: Region,
    entry: MunicipalityEntry,
    *,
    title: str,
    subject: str,
    created: dt.datetime,
) -> DocumentMeta:
    """The document properties of a municipality's document: title, author, decision data.

    The Markdown front matter holds the same facts; the DOCX writer puts the diarienummer,
    version and status in the core properties and the decision in its comments.
    """
    cfg, plan = region.config, entry.plan
    has_date = bool(plan.date or plan.decision or clock.source_date())
    decision = decision_text(plan)
    optional = {
        "diarienummer": plan.reference or "",
        "beslut": decision,
        "dokumentansvarig": plan.document_owner or "",
        "revideras_senast": str(plan.revise_by) if plan.revise_by else "",
        "ersätter": plan.replaces or "",
    }
    front = {
        "title": title,
        "kommun": plan.name,
        "kommunkod": plan.code,
        "region": cfg.region,
        "version": plan.version or "",
        "status": plan.status,
        **({"date": created.date().isoformat()} if has_date else {}),
        **{key: value for key, value in optional.items() if value},
        "lang": "sv",
    }
    notes = [f"Beslutad av {decision}." if decision else ""]
    if plan.document_owner:
        notes.append(f"Dokumentansvarig: {plan.document_owner}.")
    if plan.revise_by:
        notes.append(f"Revideras senast {plan.revise_by}.")
    return DocumentMeta(
        title=title,
        subject=subject,
        author=plan.committee
        and f"{plan.committee}, {municipality_title(plan)}"
        or municipality_title(plan),
        keywords=f"socialtjänstlag; omställningsplan; {plan.name}; {cfg.region}",
        language="sv-SE",
        created=created,
        front_matter=front,
        marking=MARKINGS.get(plan.status),
        version=plan.version or "",
        status=PLAN_STATUSES[plan.status],
        identifier=plan.reference or "",
        comments=" ".join(n for n in notes if n),
    )

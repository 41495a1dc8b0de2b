"""The decision appendix: the interventions a municipality offers without needs assessment.

The socialnämnd decides, intervention by intervention, what is offered without an individual
needs assessment and on what conditions. This module lists those interventions with what
the nämnd decides about each (target group, age, conditions, scope, provider, whether the
person's identity is documented, the decision and when it is reviewed), grouped by area, as
a heading and a label | value table per intervention that reads well on paper. The plan
ends with it as an appendix (`appendix_blocks`); `assemble_decision` makes it a document of
its own for the nämnd's agenda (document kind `beslutsbilaga`). Pure.
"""

from __future__ import annotations

from omstallning.documents.blocks import MARKINGS, label_table, municipality_title
from omstallning.documents.properties import build_date, decision_text, document_meta
from omstallning.documents.tree import Block, CoverPage, Document, Heading, Paragraph, Run
from omstallning.model import (
    AREAS,
    LEVELS,
    PLAN_STATUSES,
    STATES,
    Intervention,
    Municipality,
    MunicipalityEntry,
    Region,
)

TITLE = "Insatser som erbjuds utan individuell behovsprövning"
MISSING = "–"


def offered_without_assessment(plan: Municipality) -> list[Intervention]:
    """The interventions offered without needs assessment, in file order (not those ending)."""
    return [i for i in plan.interventions if i.without_assessment and i.state != "upphör"]


def _identity(intervention: Intervention) -> str:
    documented, why = intervention.identity_documented, intervention.identity_motivation
    if documented is None:
        return why or MISSING
    answer = "Ja" if documented else "Nej"
    return f"{answer} – {why}" if why else answer


def intervention_rows(intervention: Intervention) -> list[tuple[str, str]]:
    """What the nämnd decides about one intervention, as (label, value) in reading order."""
    i = intervention
    digital = MISSING if i.digital is None else ("Ja" if i.digital else "Nej")
    rows = [
        ("Nivå", LEVELS[i.level] if i.level else MISSING),
        ("Målgrupp", i.target_group or MISSING),
        ("Ålder", i.age or MISSING),
        ("Villkor", i.conditions or MISSING),
        ("Omfattning", i.scope or MISSING),
        ("Utförare", i.provider or MISSING),
        ("Digital", digital),
        ("Läge", STATES[i.state] if i.state else MISSING),
        ("Identiteten dokumenteras", _identity(i)),
        ("Beslut", i.decision or MISSING),
        ("Omprövas", i.review or MISSING),
    ]
    if i.description:
        rows.append(("Beskrivning", " ".join(i.description.split())))
    return rows


def _lead_text(plan: Municipality, count: int) -> str:
    body = plan.committee or "Nämnden"
    who = municipality_title(plan)
    verb = "erbjuder" if plan.status == "beslutad" else "föreslås erbjuda"
    many = "insats" if count == 1 else "insatser"
    return (
        f"{body} beslutar vilka insatser som erbjuds utan individuell behovsprövning och på "
        "vilka villkor, enligt socialtjänstlagen (2025:400). "
        f"{who} {verb} {count} {many} på det sättet. För varje insats anges målgrupp, "
        "villkor och omfattning, vem som utför den, om den enskildes identitet dokumenteras, "
        "beslutet och när det omprövas."
    )


def appendix_blocks(plan: Municipality, level: int, title: str = TITLE) -> list[Block]:
    """The appendix: a heading at `level`, a lead text, and per area each intervention's table."""
    items = offered_without_assessment(plan)
    blocks: list[Block] = [
        Heading(level, (Run(title),), "beslutsbilaga"),
        Paragraph((Run(_lead_text(plan, len(items))),)),
    ]
    if not items:
        blocks.append(
            Paragraph(
                (
                    Run(
                        "Planen har ingen insats som ges utan individuell behovsprövning.",
                        italic=True,
                    ),
                )
            )
        )
    for area, label in AREAS.items():
        in_area = [i for i in items if i.area == area]
        if not in_area:
            continue
        blocks.append(Heading(level + 1, (Run(label),), f"beslutsbilaga-{area}"))
        for intervention in in_area:
            # A heading per intervention: it names the table and keeps tables apart.
            blocks.append(Heading(level + 2, (Run(intervention.name),)))
            blocks.append(
                label_table(
                    ("Uppgift", "Innehåll"),
                    intervention_rows(intervention),
                    description=f"Beslutsuppgifter för insatsen {intervention.name}",
                )
            )
    return blocks


def decision_facts(plan: Municipality) -> list[tuple[str, str]]:
    """Diarienummer, decision and document owner as (label, value), for covers; only those given."""
    facts: list[tuple[str, str]] = []
    if plan.reference:
        facts.append(("Diarienummer", plan.reference))
    if plan.decision:
        facts.append(("Beslut", decision_text(plan)))
    if plan.document_owner:
        facts.append(("Dokumentansvarig", plan.document_owner))
    if plan.revise_by:
        facts.append(("Revideras senast", str(plan.revise_by)))
    if plan.replaces:
        facts.append(("Ersätter", f"version {plan.replaces}"))
    return facts


def assemble_decision(region: Region, entry: MunicipalityEntry) -> Document:
    """The decision appendix as a document of its own, for the nämnd's agenda."""
    cfg, plan = region.config, entry.plan
    facts: list[tuple[str, str]] = [("Kommun", municipality_title(plan))]
    if plan.committee:
        facts.append(("Nämnd", plan.committee))
    facts.append(("Hör till", f"{cfg.plan.title}, {cfg.plan.period.start}–{cfg.plan.period.end}"))
    if plan.version:
        facts.append(("Planens version", plan.version))
    facts.append(("Status", PLAN_STATUSES[plan.status]))
    facts += decision_facts(plan)
    cover = CoverPage(
        title=TITLE,
        subtitle=f"Bilaga till omställningsplanen för {municipality_title(plan)}",
        facts=tuple(facts),
        marking=MARKINGS.get(plan.status),
    )
    title = f"{TITLE} – {municipality_title(plan)}"
    meta = document_meta(
        region,
        entry,
        title=title,
        subject="Beslutsbilaga: insatser utan individuell behovsprövning",
        created=build_date(plan, cfg.plan.period.start),
    )
    return Document(meta, (cover, *appendix_blocks(plan, 1)))

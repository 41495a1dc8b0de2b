"""Assemble one municipality's plan as a document tree (SPEC §4).

The order is the one the committee reads: cover, contents, the shared introduction, the
municipality's own sections, goals, action plan with timeline, interventions, collaboration,
glossary and sources.

It reads the loaded `Region`, never YAML; the only files it opens are the pictures a plan
text names (`load.images`, checked as `validate` checks them). Both writers render its result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from omstallning.documents.blocks import (
    MARKINGS,
    STATUS_FILL,
    activity_counts,
    header_cells,
    label_table,
    legend_table,
    municipality_title,
    slot_unit,
    text_cell,
    timeline_slots,
    timeline_table,
)
from omstallning.documents.decision import TITLE as DECISION_TITLE
from omstallning.documents.decision import (
    appendix_blocks,
    decision_facts,
    offered_without_assessment,
)
from omstallning.documents.markdown_text import parse_markdown
from omstallning.documents.plan_parts import (
    SHARED,
    Citations,
    end_sentence,
    indicator_source_cell,
    region_pictures,
    with_unit,
)
from omstallning.documents.properties import build_date, document_meta
from omstallning.documents.reforms import intro_part_blocks
from omstallning.documents.tree import (
    Block,
    CoverPage,
    Document,
    Heading,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)
from omstallning.model import (
    ACTIVITY_STATUSES,
    AREAS,
    FOCUS_AREAS,
    LEVELS,
    PLAN_STATUSES,
    STATES,
    Activity,
    MunicipalityEntry,
    Region,
    Section,
)

if TYPE_CHECKING:
    from omstallning.commands.compare import Comparison


__all__ = [
    "MARKINGS",
    "STATUS_FILL",
    "assemble_plan",
    "build_date",
    "municipality_title",
]


class _Assembler:
    def __init__(self, region: Region, entry: MunicipalityEntry) -> None:
        self.region = region
        self.entry = entry
        self.plan = entry.plan
        self.cite = Citations(list(region.sources))
        self.image = region_pictures(region.root)
        self.blocks: list[Block] = []
        self.anchor_count = 0
        self.appendices = 0
        self.appendix: list[Block] = []  # blocks a build adds last (the change list)

    def markdown(self, text: str, level: int, prefix: str, *, shared: bool = False) -> list[Block]:
        """Parse Markdown so that its top headings sit one level below `level`.

        `shared` marks text that is the same in every plan of the region (the introduction,
        the glossary): its blocks are kept per process (see `_SharedParses`).
        """
        if shared:
            blocks = SHARED.parse(text, prefix, self.cite, self.image)
        else:
            blocks = parse_markdown(
                text, base_level=0, cite=self.cite, anchor_prefix=prefix, image=self.image
            )
        levels = [b.level for b in blocks if isinstance(b, Heading)]
        if not levels:
            return blocks
        shift = level + 1 - min(levels)
        return [
            dataclasses.replace(b, level=min(b.level + shift, 6)) if isinstance(b, Heading) else b
            for b in blocks
        ]

    def heading(self, level: int, text: str, anchor: str) -> None:
        self.blocks.append(Heading(level, (Run(text),), anchor))

    # --- the parts, in order ---

    def cover(self) -> None:
        cfg, plan = self.region.config, self.plan
        facts: list[tuple[str, str]] = [
            ("Kommun", f"{plan.name} (kommunkod {plan.code})"),
            ("Region", cfg.region),
        ]
        if plan.committee:
            facts.append(("Nämnd", plan.committee))
        facts.append(("Planperiod", f"{cfg.plan.period.start}–{cfg.plan.period.end}"))
        if plan.version:
            facts.append(("Version", plan.version))
        facts.append(("Status", PLAN_STATUSES[plan.status]))
        if plan.date:
            facts.append(("Datum", str(plan.date)))
        facts += decision_facts(plan)
        if plan.contact:
            c = plan.contact
            who = ", ".join(
                x for x in (c.name, c.role, c.email, c.phone and f"tfn\u00a0{c.phone}") if x
            )
            if who:
                facts.append(("Kontakt", who))
        # The municipality's own logo wins over the region's; the alt text names its owner.
        logo = plan.logo or cfg.export.logo
        owner = municipality_title(plan) if plan.logo else cfg.region
        self.blocks.append(
            CoverPage(
                title=cfg.plan.title,
                subtitle=municipality_title(plan)
                + (f" – {cfg.plan.subtitle}" if cfg.plan.subtitle else ""),
                facts=tuple(facts),
                marking=MARKINGS.get(plan.status),
                logo=str(self.region.root / logo) if logo else None,
                logo_alt=f"Logotyp för {owner}" if logo else None,
            )
        )
        self.blocks.append(TableOfContents(levels=2))

    def summary(self) -> None:
        """The municipality's summary, the key figures and the version history."""
        plan = self.plan
        self.heading(1, "Sammanfattning", "sammanfattning")
        if plan.summary:
            self.blocks += self.markdown(plan.summary, 1, "sammanfattning-")
        offered = [i for i in plan.interventions if i.state != "upphör"]
        free = sum(1 for i in offered if i.without_assessment)
        self.blocks.append(
            label_table(
                ("Nyckeltal", "Antal"),
                [
                    ("Mål", str(len(plan.goals))),
                    ("Aktiviteter i handlingsplanen", str(len(plan.activities))),
                    ("Insatser som finns eller planeras", str(len(offered))),
                    ("varav utan individuell behovsprövning", str(free)),
                ],
                caption=f"{municipality_title(plan)}s plan i siffror",
                widths=(6.0, 3.0),
            )
        )
        if plan.history:
            self.heading(2, "Versionshistorik", "versionshistorik")
            self.blocks.append(
                Table(
                    header=header_cells("Version", "Datum", "Ändring", "Beslut"),
                    rows=tuple(
                        (
                            text_cell(v.version),
                            text_cell(str(v.date)),
                            text_cell(v.change),
                            text_cell(v.decision or "–"),
                        )
                        for v in plan.history
                    ),
                    widths=(1.0, 1.6, 4.6, 2.4),
                    caption="Planens versioner",
                )
            )

    def intro(self, placement: str) -> None:
        """The shared introduction, placed as `export.inledning` says.

        First or after the municipality's part: one chapter per part. As an appendix: one
        chapter holding the parts.
        """
        parts = self.region.ordered_intro()
        if not parts:
            return
        region, own = self.region.config.region, municipality_title(self.plan)
        level = 1
        first = sum(1 for b in self.blocks if isinstance(b, Heading) and b.level == 1) + 1
        if placement == "först":
            chapters = f"{first}–{first + len(parts) - 1}" if len(parts) > 1 else str(first)
            note = (
                f"Kapitel {chapters} är den gemensamma inledningen för {region}, lika i "
                f"alla kommuners planer. Därefter följer {own}s egna avsnitt."
            )
        else:
            note = (
                f"Den gemensamma inledningen för {region} är lika i alla kommuners planer "
                f"och står här efter {own}s egna del."
            )
        if placement == "bilaga":
            self.appendix_heading("Gemensam inledning", "bilaga-inledning")
            self.blocks.append(Paragraph((Run(note, italic=True),), role="note"))
            level = 2
        for index, part in enumerate(parts):
            self.heading(level, part.title, f"del-{part.id}")
            if index == 0 and placement != "bilaga":
                self.blocks.append(Paragraph((Run(note, italic=True),), role="note"))
            parsed = self.markdown(part.text, level, f"{part.id}-", shared=True)
            self.blocks += intro_part_blocks(self.region, part, parsed, self.cite)

    def appendix_heading(self, title: str, anchor: str) -> None:
        """A chapter heading `Bilaga n. title`, numbering the appendices in order."""
        self.appendices += 1
        self.heading(1, f"Bilaga {self.appendices}. {title}", anchor)

    def decision_appendix(self) -> None:
        """The interventions without needs assessment, when there are any, as the last appendix."""
        if not offered_without_assessment(self.plan):
            return
        self.appendices += 1
        self.blocks += appendix_blocks(self.plan, 1, f"Bilaga {self.appendices}. {DECISION_TITLE}")

    def sections(self) -> None:
        for section in self.plan.sections:
            self.section(section)
        if self.plan.collaboration and not any(s.id == "samverkan" for s in self.plan.sections):
            self.heading(1, "Samverkan", "samverkan")
            self.collaboration_table()

    def section(self, section: Section) -> None:
        self.heading(1, section.heading, f"avsnitt-{section.id}")
        self.blocks += self.markdown(section.text, 1, f"{section.id}-")
        if section.id == "samverkan" and self.plan.collaboration:
            self.collaboration_table()

    def collaboration_table(self) -> None:
        rows = tuple(
            (text_cell(c.partner), text_cell(c.form or "–")) for c in self.plan.collaboration
        )
        self.blocks.append(
            Table(
                header=(text_cell("Samverkanspart"), text_cell("Form")),
                rows=rows,
                widths=(2, 3),
                caption=f"Samverkan i {municipality_title(self.plan)}",
            )
        )
        for c in self.plan.collaboration:
            if c.description:
                self.blocks += self.markdown(f"**{c.partner}:** {c.description}", 2, "samverkan-")

    def goals(self) -> None:
        goals = self.plan.goals
        if not goals:
            return
        self.heading(1, "Mål och indikatorer", "mal")
        by_goal: dict[str, list[str]] = {g.id: [] for g in goals}
        for a in self.plan.activities:
            for goal_id in a.goals:
                by_goal.setdefault(goal_id, []).append(a.id)
        self.blocks.append(
            Table(
                header=header_cells("Id", "Mål", "Fokusområde", "Aktiviteter"),
                rows=tuple(
                    (
                        text_cell(g.id),
                        text_cell(g.title),
                        text_cell(FOCUS_AREAS[g.focus_area] if g.focus_area else "–"),
                        text_cell(", ".join(by_goal.get(g.id, [])) or "–"),
                    )
                    for g in goals
                ),
                widths=(0.7, 4.5, 2.3, 1.5),
                caption="Översikt över målen",
            )
        )
        for g in goals:
            self.heading(2, f"{g.id}. {g.title}", f"mal-{g.id}")
            if g.focus_area:
                self.blocks.append(
                    Paragraph((Run("Fokusområde: ", bold=True), Run(FOCUS_AREAS[g.focus_area])))
                )
            if g.description:
                self.blocks += self.markdown(g.description, 2, f"mal-{g.id}-")
            if g.indicators:
                self.blocks.append(
                    Table(
                        header=tuple(
                            text_cell(h)
                            for h in ("Indikator", "Utgångsvärde", "Målvärde", "År", "Källa")
                        ),
                        rows=tuple(
                            (
                                text_cell(i.name),
                                text_cell(with_unit(i.baseline, i.unit)),
                                text_cell(with_unit(i.target, i.unit)),
                                text_cell(str(i.year) if i.year else "–"),
                                indicator_source_cell(i.source, i.kolada),
                            )
                            for i in g.indicators
                        ),
                        widths=(3.0, 1.75, 1.45, 0.8, 2.5),
                        caption=f"Indikatorer för mål {g.id}",
                    )
                )
            else:
                self.blocks.append(
                    Paragraph((Run("Målet har ännu ingen indikator.", italic=True),))
                )

    def action_plan(self) -> None:
        acts = self.plan.activities
        if not acts:
            return
        self.heading(1, "Handlingsplan", "handlingsplan")
        counts = activity_counts(acts)
        summary = ", ".join(counts[:-1]) + (" och " if len(counts) > 1 else "") + counts[-1]
        self.blocks.append(
            Paragraph((Run(f"Handlingsplanen har {len(acts)} aktiviteter: {summary}."),))
        )
        self.blocks.append(
            Table(
                header=tuple(
                    text_cell(h)
                    for h in ("Id", "Aktivitet", "Mål", "Ansvarig", "Start", "Slut", "Status")
                ),
                rows=tuple(
                    (
                        text_cell(a.id),
                        text_cell(a.title),
                        text_cell(", ".join(a.goals) or "–"),
                        text_cell(a.owner or "–"),
                        text_cell(str(a.start) if a.start else "–"),
                        text_cell(str(a.end) if a.end else "–"),
                        text_cell(ACTIVITY_STATUSES[a.status]),
                    )
                    for a in acts
                ),
                widths=(0.9, 5.0, 1.1, 3.2, 1.3, 1.3, 1.4),
                caption="Aktiviteter i handlingsplanen",
                wide=True,
            )
        )
        for a in acts:
            if a.description:
                self.blocks += self.markdown(
                    f"**{a.id} {a.title}.** {a.description}", 2, f"akt-{a.id}-"
                )
        self.timeline(acts)

    def timeline(self, acts: Sequence[Activity]) -> None:
        period = self.region.config.plan.period
        slots = timeline_slots(period.start, period.end)
        self.heading(2, "Tidsplan", "tidsplan")
        self.blocks.append(
            Paragraph(
                (
                    Run(
                        f"Aktiviteterna över planperioden {period.start}–{period.end}, "
                        f"per {slot_unit(slots)}. "
                        "Färgen och förkortningen i varje cell (Pl, På, Kl, Pa, St) visar "
                        "aktivitetens status, se teckenförklaringen under tabellen. "
                        "Aktiviteter utan start eller slut visas inte som stapel."
                    ),
                )
            )
        )
        self.blocks.append(
            timeline_table(
                [("Id", 0.9), ("Aktivitet", 5.5)],
                [((a.id, a.title), a) for a in acts],
                slots,
                "Tidsplan för aktiviteterna",
            )
        )
        self.blocks.append(legend_table())

    def interventions(self) -> None:
        items = self.plan.interventions
        if not items:
            return
        self.heading(1, "Insatser", "insatser")
        free = sum(1 for i in items if i.without_assessment)
        self.blocks.append(
            Paragraph(
                (
                    Run(
                        f"{municipality_title(self.plan)} har {len(items)} insatser i "
                        "katalogen, varav "
                        f"{free} ges utan individuell behovsprövning."
                    ),
                )
            )
        )
        for area, label in AREAS.items():
            in_area = [i for i in items if i.area == area]
            if not in_area:
                continue
            self.heading(2, label, f"insatser-{area}")
            self.blocks.append(
                Table(
                    header=tuple(
                        text_cell(h)
                        for h in (
                            "Insats",
                            "Nivå",
                            "Utan behovsprövning",
                            "Digital",
                            "Läge",
                            "Villkor",
                        )
                    ),
                    rows=tuple(
                        (
                            text_cell(i.name),
                            text_cell(LEVELS[i.level] if i.level else "–"),
                            text_cell("Ja" if i.without_assessment else "Nej", align="center"),
                            text_cell(
                                "–" if i.digital is None else ("Ja" if i.digital else "Nej"),
                                align="center",
                            ),
                            text_cell(STATES[i.state] if i.state else "–"),
                            text_cell(i.conditions or "–"),
                        )
                        for i in in_area
                    ),
                    widths=(3.0, 1.2, 1.4, 0.9, 1.0, 2.8),
                    caption=f"Insatser: {label.lower()}",
                )
            )
            for i in in_area:
                if i.description:
                    text = f"**{i.name}:** {i.description}"
                    self.blocks += self.markdown(text, 2, f"insatser-{area}-")

    def glossary(self) -> None:
        if not self.region.glossary:
            return
        self.heading(1, "Begrepp", "begrepp")
        for term, definition in self.region.glossary.items():
            blocks = self.markdown(definition, 2, "begrepp-", shared=True)
            if blocks and isinstance(blocks[0], Paragraph):
                first = blocks[0]
                blocks[0] = Paragraph((Run(term, bold=True), Run(" – "), *first.runs))
            else:
                blocks.insert(0, Paragraph((Run(term, bold=True),)))
            self.blocks += blocks

    def sources(self) -> None:
        sources = self.region.sources
        if not sources:
            return
        self.heading(1, "Källor", "kallor")
        order = self.cite.order + [k for k in sources if k not in self.cite.order]
        for key in order:
            src = sources[key]
            runs: list[Run] = [Run(f"[{self.cite.number(key)}] ", bold=True)]
            # Each part ends its own sentence: "…socialtjänstlagen?" takes no extra full stop.
            text = src.title
            if src.publisher:
                text = f"{end_sentence(text)} {src.publisher}"
            if src.year:
                text = f"{text} ({src.year})"
            runs.append(Run(end_sentence(text) if src.url else text))
            if src.url:
                runs += [Run(" "), Run(src.url, url=src.url)]
            self.blocks.append(Paragraph(tuple(runs), anchor=f"kalla-{key}"))

    def document(self) -> Document:
        placement = self.region.config.export.intro_placement
        self.cover()
        self.summary()
        if placement == "först":
            self.intro(placement)
        self.sections()
        self.goals()
        self.action_plan()
        self.interventions()
        if placement == "efter":
            self.intro(placement)
        self.glossary()
        self.sources()
        if placement == "bilaga":
            self.intro(placement)
        self.decision_appendix()
        self.blocks += self.appendix
        cfg, plan = self.region.config, self.plan
        meta = document_meta(
            self.region,
            self.entry,
            title=f"{cfg.plan.title} – {municipality_title(plan)}",
            subject="Omställningsplan enligt socialtjänstlagen (2025:400)",
            created=build_date(plan, cfg.plan.period.start),
        )
        return Document(meta, tuple(self.blocks))


def assemble_plan(
    region: Region, entry: MunicipalityEntry, comparison: Comparison | None = None
) -> Document:
    """The whole plan of one municipality as a document tree.

    With `comparison` (`build --jamfor`), the plan ends with the appendix of what changed
    since that version.
    """
    assembler = _Assembler(region, entry)
    if comparison is not None:
        from omstallning.commands.compare import changes_appendix

        assembler.appendix = changes_appendix(comparison, entry)
    return assembler.document()

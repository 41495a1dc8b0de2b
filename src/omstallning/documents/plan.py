"""Assemble one municipality's plan as a document tree (SPEC §4).

The order is the one the committee reads: cover, contents, the shared introduction, the
municipality's own sections, goals, action plan with timeline, interventions, collaboration,
glossary and sources.

Pure: it reads the loaded `Region`, never YAML or files, and both writers render its result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from omstallning import clock, kommuner
from omstallning.documents.blocks import (
    activity_counts,
    header_cells,
    legend_table,
    slot_unit,
    text_cell,
    timeline_slots,
    timeline_table,
    value_text,
)
from omstallning.documents.markdown_text import parse_markdown
from omstallning.documents.tree import (
    Block,
    CoverPage,
    Document,
    DocumentMeta,
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
    Municipality,
    MunicipalityEntry,
    Region,
    Section,
)

MARKINGS = {"exempel": "EXEMPEL", "utkast": "UTKAST", "remiss": "REMISSVERSION"}


def municipality_title(plan: Municipality) -> str:
    """What the municipality calls itself: `Klippans kommun`, `Falu kommun`, `Göteborgs Stad`.

    The file's `officiellt_namn` wins over the packaged list.
    """
    return kommuner.official_name(plan.name, plan.official_name)


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


class _Citations:
    """Numbers sources in the order they are first cited, for `[n]` references."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.known = set(keys)
        self.order: list[str] = []

    def number(self, key: str) -> int:
        if key not in self.order:
            self.order.append(key)
        return self.order.index(key) + 1

    def __call__(self, keys: tuple[str, ...]) -> tuple[Run, ...]:
        runs: list[Run] = [Run("[")]
        for i, key in enumerate(keys):
            if i:
                runs.append(Run(", "))
            if key in self.known:
                runs.append(Run(str(self.number(key)), anchor=f"kalla-{key}"))
            else:  # validation refuses this; keep the key visible rather than lose it
                runs.append(Run(key))
        runs.append(Run("]"))
        return tuple(runs)


class _SharedParses:
    """Parsed Markdown of the texts every plan of a region shares, kept per process.

    Parsing is a pure function of the text, the anchor prefix and the state of the citation
    numbering (the sources known, and those already numbered, in order); the numbering after
    the parse follows from the same. So a parse is kept under all three and replayed: the
    citation state is set to what the parse left, and the same blocks come out. Building
    290 plans parses the introduction once instead of 290 times.
    """

    MAX_ENTRIES = 512

    def __init__(self) -> None:
        self._parses: dict[
            tuple[str, str, frozenset[str], tuple[str, ...]], tuple[tuple[Block, ...], list[str]]
        ] = {}

    def parse(self, text: str, prefix: str, cite: _Citations) -> list[Block]:
        key = (text, prefix, frozenset(cite.known), tuple(cite.order))
        found = self._parses.get(key)
        if found is None:
            blocks = parse_markdown(text, base_level=0, cite=cite, anchor_prefix=prefix)
            if len(self._parses) >= self.MAX_ENTRIES:
                self._parses.clear()
            found = self._parses[key] = (tuple(blocks), list(cite.order))
        cite.order[:] = found[1]
        return list(found[0])


_SHARED = _SharedParses()


class _Assembler:
    def __init__(self, region: Region, entry: MunicipalityEntry) -> None:
        self.region = region
        self.entry = entry
        self.plan = entry.plan
        self.cite = _Citations(list(region.sources))
        self.blocks: list[Block] = []
        self.anchor_count = 0

    def markdown(self, text: str, level: int, prefix: str, *, shared: bool = False) -> list[Block]:
        """Parse Markdown so that its top headings sit one level below `level`.

        `shared` marks text that is the same in every plan of the region (the introduction,
        the glossary): its blocks are kept per process (see `_SharedParses`).
        """
        if shared:
            blocks = _SHARED.parse(text, prefix, self.cite)
        else:
            blocks = parse_markdown(text, base_level=0, cite=self.cite, anchor_prefix=prefix)
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
        if plan.decision:
            d = plan.decision
            ref = f", diarienummer {d.reference}" if d.reference else ""
            facts.append(("Beslut", f"{d.body} {d.date}{ref}"))
        if plan.contact and (plan.contact.name or plan.contact.role):
            who = ", ".join(
                x for x in (plan.contact.name, plan.contact.role, plan.contact.email) if x
            )
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

    def intro(self) -> None:
        parts = self.region.ordered_intro()
        if not parts:
            return
        first = True
        for part in parts:
            self.heading(1, part.title, f"del-{part.id}")
            if first:
                self.blocks.append(
                    Paragraph(
                        (
                            Run(
                                f"Kapitel 1–{len(parts)} är den gemensamma inledningen för "
                                f"{self.region.config.region}, lika i alla kommuners planer. "
                                "Därefter "
                                f"följer {municipality_title(self.plan)}s egna avsnitt.",
                                italic=True,
                            ),
                        ),
                        role="note",
                    )
                )
                first = False
            self.blocks += self.markdown(part.text, 1, f"{part.id}-", shared=True)

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
                                text_cell(value_text(i.baseline)),
                                text_cell(value_text(i.target)),
                                text_cell(str(i.year) if i.year else "–"),
                                text_cell(
                                    " ".join(
                                        x
                                        for x in (
                                            i.source,
                                            f"(Kolada {i.kolada})" if i.kolada else None,
                                        )
                                        if x
                                    )
                                    or "–"
                                ),
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
                        "Färgen visar aktivitetens status (se teckenförklaringen under "
                        "tabellen). Aktiviteter utan start eller slut visas inte som stapel."
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
            runs: list[Run] = [Run(f"[{self.cite.number(key)}] ", bold=True), Run(src.title)]
            if src.publisher:
                runs.append(Run(f". {src.publisher}"))
            if src.year:
                runs.append(Run(f" ({src.year})"))
            if src.url:
                runs += [Run(". "), Run(src.url, url=src.url)]
            self.blocks.append(Paragraph(tuple(runs), anchor=f"kalla-{key}"))

    def document(self) -> Document:
        self.cover()
        self.intro()
        self.sections()
        self.goals()
        self.action_plan()
        self.interventions()
        self.glossary()
        self.sources()
        cfg, plan = self.region.config, self.plan
        created = build_date(plan, cfg.plan.period.start)
        has_date = bool(plan.date or plan.decision or clock.source_date())
        title = f"{cfg.plan.title} – {municipality_title(plan)}"
        front = {
            "title": title,
            "kommun": plan.name,
            "kommunkod": plan.code,
            "region": cfg.region,
            "version": plan.version or "",
            "status": plan.status,
            **({"date": created.date().isoformat()} if has_date else {}),
            "lang": "sv",
        }
        meta = DocumentMeta(
            title=title,
            subject="Omställningsplan enligt socialtjänstlagen (2025:400)",
            author=plan.committee
            and f"{plan.committee}, {municipality_title(plan)}"
            or municipality_title(plan),
            keywords=f"socialtjänstlag; omställningsplan; {plan.name}; {cfg.region}",
            language="sv-SE",
            created=created,
            front_matter=front,
        )
        return Document(meta, tuple(self.blocks))


def assemble_plan(region: Region, entry: MunicipalityEntry) -> Document:
    """The whole plan of one municipality as a document tree."""
    return _Assembler(region, entry).document()

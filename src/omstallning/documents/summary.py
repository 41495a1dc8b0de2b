"""Assemble the regional summary (sammanställning) as a document tree.

For the regional coordinator: the status of every municipality's plan, interventions per
area and municipality, one timeline of all activities, the goals side by side by focus area,
and interventions that several municipalities offer under similar names (candidates for
shared work). The figures come from `region_analysis` and from the status overview's rows
(`StatusRow`); the tree is rendered by the same writers as the plans. Pure: `build` renders
and writes it, in the same batch as the plans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from omstallning.commands.status import (
    RegionStatus,
    details,
    list_and,
    swedish_key,
)
from omstallning.documents.blocks import (
    header_cells,
    legend_table,
    lines_cell,
    number_cell,
    slot_header,
    slot_unit,
    text_cell,
    timeline_slots,
    timeline_table,
    value_text,
)
from omstallning.documents.followup_region import comparison_blocks
from omstallning.documents.region_analysis import (
    MatrixCell,
    SharedIntervention,
    intervention_matrix,
    real_content,
    running_per_slot,
    shared_interventions,
)
from omstallning.documents.summary_status import key_figures, missing_table, status_table
from omstallning.documents.tree import (
    Block,
    Cell,
    CoverPage,
    Document,
    DocumentMeta,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)
from omstallning.model import (
    AREAS,
    FOCUS_AREAS,
    Goal,
    Intervention,
    Region,
)

SUMMARY_NAME = "sammanstallning"
"""The file stem of the summary in the build folder (no municipality has this slug)."""

MATRIX_MAX_MUNICIPALITY_COLUMNS = 7
"""Up to this many municipalities are columns of the intervention matrix; more become rows."""

# Shades for the number of activities in a quarter, light to dark; black text stays legible.
LOAD_FILLS = ("DEEAF6", "BDD7EE", "9DC3E6", "7FB2DE")

# Area names as matrix column heads: soft hyphens (U+00AD) let Word and browsers break the
# long words in a narrow column, invisibly when they fit.
MATRIX_AREA_HEADS = {
    "barn_och_unga": "Social barn- och ungdoms\u00advård",
    "funktionsnedsattning": "Funktions\u00adnedsättning",
    "skadligt_bruk_och_beroende": "Skadligt bruk och beroende",
    "socialpsykiatri": "Social\u00adpsykiatri",
    "vald_i_nara_relationer": "Våld i nära relationer",
    "aldreomsorg": "Äldre\u00adomsorg",
    "ekonomiskt_bistand": "Ekonomiskt bistånd",
    "overgripande": "Över\u00adgripande",
}


def matrix_cell_text(cell: MatrixCell) -> str:
    """`5 + 1 (6)`: existing + planned (without needs assessment); `5 (4)` with none planned.

    `–` when the municipality has no intervention in the area.
    """
    if cell.empty:
        return "–"
    planned = f" + {cell.planned}" if cell.planned else ""
    return f"{cell.existing}{planned} ({cell.without_assessment})"


# --- Cells of the other tables ---------------------------------------------------------------


def _load_fill(n: int, most: int) -> str | None:
    if n <= 0 or most <= 0:
        return None
    step = (n * len(LOAD_FILLS) - 1) // most
    return LOAD_FILLS[min(step, len(LOAD_FILLS) - 1)]


def _indicators_cell(goal: Goal) -> Cell:
    indicators = [
        f"{i.name}: {value_text(i.baseline)} → {value_text(i.target)}"
        + (f" ({i.year})" if i.year else "")
        for i in goal.indicators
    ] or ["Ingen indikator ännu"]
    if len(indicators) > 1:
        indicators = [f"• {line}" for line in indicators]
    return lines_cell(indicators)


def _offers_cell(group: SharedIntervention, everyone: bool) -> Cell:
    """Who has the group's intervention: a count, then who has it and who plans it."""
    by_muni: dict[str, list[Intervention]] = {}
    for o in group.offers:
        by_muni.setdefault(o.municipality, []).append(o.intervention)
    existing: list[str] = []
    planned: list[str] = []
    for muni, items in by_muni.items():
        variants = [f"”{i.name}”" for i in items if i.name != group.name]
        label = muni + (f" ({', '.join(variants)})" if variants else "")
        is_planned = all(i.state == "planeras" for i in items)
        (planned if is_planned else existing).append(label)
    count = f"{'Alla ' if everyone else ''}{len(group.municipalities)} kommuner."
    runs: list[Inline] = [Run(count, bold=True)]
    plain = all("(" not in label for label in existing + planned)
    if everyone and plain and planned and not existing:
        runs.append(Run(" Planeras i alla."))
    elif planned:
        parts = [f"Finns: {', '.join(existing)}."] if existing else []
        parts.append(f"Planeras: {', '.join(planned)}.")
        runs.append(Run(" " + " ".join(parts)))
    elif not (everyone and plain):
        # With every municipality and no other names, the list would say nothing.
        runs.append(Run(" " + ", ".join(existing)))
    return Cell(tuple(runs))


# --- The document ------------------------------------------------------------------------


class _SummaryAssembler:
    def __init__(self, region: Region, status: RegionStatus) -> None:
        self.region = region
        self.status = status
        # Placeholder goals and activities of the template are no content (issue 13).
        real = real_content(sorted(region.municipalities, key=lambda e: swedish_key(e.plan.name)))
        self.entries = list(real.entries)
        self.not_started = real.not_started
        self.blocks: list[Block] = []
        self.period = region.config.plan.period
        self.matrix_counts = intervention_matrix(self.entries)
        self.groups = shared_interventions(self.entries)

    def heading(self, level: int, text: str, anchor: str) -> None:
        self.blocks.append(Heading(level, (Run(text),), anchor))

    def paragraph(self, text: str, *, italic: bool = False) -> None:
        self.blocks.append(Paragraph((Run(text, italic=italic),)))

    def chapter(self, title: str, anchor: str, present: bool, empty: str) -> bool:
        """A chapter's heading, then `empty` and False when `present` is false."""
        self.heading(1, title, anchor)
        if not present:
            self.paragraph(empty)
        return present

    def cover(self) -> None:
        cfg = self.region.config
        names = ", ".join(r.name for r in self.status.rows)
        facts = [
            ("Region", cfg.region),
            ("Kommuner", f"{len(self.status.rows)} ({names})" if names else "0"),
            ("Planperiod", f"{self.period.start}–{self.period.end}"),
            ("Läget den", self.status.today.isoformat()),
        ]
        logo = cfg.export.logo
        self.blocks.append(
            CoverPage(
                title=f"Regional sammanställning – {cfg.region}",
                subtitle=cfg.plan.title,
                facts=tuple(facts),
                logo=str(self.region.root / logo) if logo else None,
                logo_alt=f"Logotyp för {cfg.region}" if logo else None,
            )
        )
        self.blocks.append(TableOfContents(levels=2))

    # --- status ---

    def overview(self) -> None:
        """The first chapter: the key figures, then what each plan lacks (portrait)."""
        self.heading(1, "Sammanfattning", "sammanfattning")
        self.blocks.append(
            Paragraph(
                (
                    Run(
                        f"Läget den {self.status.today.isoformat()}, sammanställt ur kommunernas "
                        "filer i regionens repo. Nämnderna beslutar om kommunernas egna "
                        "planer; sammanställningen är ett underlag för det regionala arbetet.",
                        italic=True,
                    ),
                ),
                role="note",
            )
        )
        self.blocks.append(
            ListBlock(
                ordered=False,
                items=tuple(
                    ListItem((Paragraph((Run(t),)),))
                    for t in key_figures(
                        self.status,
                        self.entries,
                        sum(self.matrix_counts.values(), MatrixCell()),
                        self.groups,
                        self.not_started,
                    )
                ),
            )
        )
        self.missing()

    def missing(self) -> None:
        missing = details(self.status, extra=False)
        self.heading(2, "Det här saknas", "status-saknas")
        if not missing:
            self.paragraph("Alla planer uppfyller kontrollerna. Inget saknas.")
            return
        self.paragraph(
            "Det som saknas för att planen ska gå att följa upp, per kommun. Kvalitet är "
            "andelen delar av planen utan brist. Varje avsnitt som regionen kräver, varje "
            "mål och varje aktivitet är en del: ett avsnitt ska vara skrivet, ett mål ha "
            "en indikator med målvärde, en aktivitet ha ansvarig, start, slut och mål och "
            "inte stå som planerad eller pågår efter sitt slutdatum. Varje rad med "
            "platshållartext räknas som en del som saknas, så en orörd mall får nära 0 %."
        )
        self.blocks.append(missing_table(missing))

    def status_table(self) -> None:
        self.heading(1, "Status per kommun", "status")
        self.paragraph(
            "Avsnitt visar hur många av de avsnitt som regionen kräver som är skrivna. "
            "Aktiviteterna räknas per status. Kvalitet är andelen delar av planen utan brist "
            "(se Det här saknas)."
        )
        # Before the table, not after it: a paragraph after a wide table gets a portrait
        # page of its own.
        if self.status.shared_errors or self.status.shared_warnings:
            self.paragraph(
                f"I de gemensamma filerna ({', '.join(self.status.shared_files)}) finns "
                f"{self.status.shared_errors} fel och {self.status.shared_warnings} varningar. "
                "Kör omstallning validate för att se dem."
            )
        self.blocks.append(status_table(self.status.rows))

    # --- interventions per area ---

    def matrix(self) -> None:
        if not self.chapter(
            "Insatser per verksamhetsområde",
            "insatser",
            any(e.plan.interventions for e in self.entries),
            "Ingen kommun har ännu fört in några insatser.",
        ):
            return
        self.paragraph(
            "Insatserna i varje kommun och verksamhetsområde. I varje cell står antalet som "
            "finns + antalet som planeras, och inom parentes hur många av dem som ges utan "
            "individuell behovsprövning: 5 + 1 (4) betyder fem insatser som finns och en som "
            "planeras, varav fyra utan behovsprövning. Insatser utan angivet läge räknas som "
            "befintliga; insatser som upphör räknas inte."
        )
        names = [e.plan.name for e in self.entries]
        if len(names) <= MATRIX_MAX_MUNICIPALITY_COLUMNS:
            header, rows, widths = self.matrix_by_area(names)
        else:
            header, rows, widths = self.matrix_by_municipality(names)
        self.blocks.append(
            Table(
                header=tuple(header),
                rows=tuple(rows),
                widths=widths,
                caption="Insatser per verksamhetsområde och kommun",
                description="Matris över insatser: antal som finns, antal som planeras och "
                "antal utan individuell behovsprövning, per verksamhetsområde och kommun.",
                wide=True,
                compact=len(header) > 6,
            )
        )

    def matrix_totals(
        self, names: Sequence[str]
    ) -> tuple[dict[str, MatrixCell], dict[str, MatrixCell], MatrixCell]:
        """The matrix's sums per area, per municipality, and for the whole region."""
        matrix = self.matrix_counts
        area_total = {a: sum((matrix[(a, n)] for n in names), MatrixCell()) for a in AREAS}
        muni_total = {n: sum((matrix[(a, n)] for a in AREAS), MatrixCell()) for n in names}
        return area_total, muni_total, sum(area_total.values(), MatrixCell())

    def matrix_by_area(
        self, names: Sequence[str]
    ) -> tuple[list[Cell], list[tuple[Cell, ...]], tuple[float, ...]]:
        """A few municipalities: one row per area, one column per municipality."""
        matrix = self.matrix_counts
        area_total, muni_total, grand = self.matrix_totals(names)
        header = [
            text_cell("Verksamhetsområde"),
            *(text_cell(n, align="center") for n in names),
            text_cell("Regionen", align="center"),
        ]
        rows = [
            (
                text_cell(AREAS[a]),
                *(number_cell(matrix_cell_text(matrix[(a, n)])) for n in names),
                number_cell(matrix_cell_text(area_total[a]), bold=True),
            )
            for a in AREAS
            if not area_total[a].empty
        ]
        rows.append(
            (
                lines_cell(["Totalt"], bold=True),
                *(number_cell(matrix_cell_text(muni_total[n]), bold=True) for n in names),
                number_cell(matrix_cell_text(grand), bold=True),
            )
        )
        return header, rows, (3.6, *([1.8] * len(names)), 1.8)

    def matrix_by_municipality(
        self, names: Sequence[str]
    ) -> tuple[list[Cell], list[tuple[Cell, ...]], tuple[float, ...]]:
        """Many municipalities: one row per municipality, one column per area in use."""
        matrix = self.matrix_counts
        area_total, muni_total, grand = self.matrix_totals(names)
        areas = [a for a in AREAS if not area_total[a].empty]
        header = [
            text_cell("Kommun"),
            *(text_cell(MATRIX_AREA_HEADS[a], align="center") for a in areas),
            text_cell("Totalt", align="center"),
        ]
        rows = [
            (
                text_cell(n),
                *(number_cell(matrix_cell_text(matrix[(a, n)])) for a in areas),
                number_cell(matrix_cell_text(muni_total[n]), bold=True),
            )
            for n in names
        ]
        rows.append(
            (
                lines_cell(["Regionen"], bold=True),
                *(number_cell(matrix_cell_text(area_total[a]), bold=True) for a in areas),
                number_cell(matrix_cell_text(grand), bold=True),
            )
        )
        return header, rows, (2.6, *([1.8] * len(areas)), 1.8)

    # --- timeline ---

    def timeline(self) -> None:
        acts = [(e, a) for e in self.entries for a in e.plan.activities]
        if not self.chapter(
            "Gemensam tidsplan",
            "tidsplan",
            bool(acts),
            "Ingen kommun har ännu fört in några aktiviteter.",
        ):
            return
        slots = timeline_slots(self.period.start, self.period.end)
        unit = slot_unit(slots)
        # No sub-heading before this first table: the writer moves one heading (and a few
        # paragraphs) along to a landscape page, and a chapter heading must not stay behind.
        self.paragraph(
            f"Hur många aktiviteter varje kommun har igång per {unit} under planperioden "
            f"{self.period.start}–{self.period.end}, oavsett status. Ju mörkare cell, desto "
            "fler aktiviteter."
        )
        self.blocks.append(self.load_table(slots))
        self.heading(2, "Alla aktiviteter", "tidsplan-aktiviteter")
        self.paragraph(
            f"Kommunernas aktiviteter per {unit}, kommun för kommun. Färgen visar aktivitetens "
            "status, enligt teckenförklaringen. Aktiviteter utan start eller slut visas utan "
            "stapel."
        )
        # The legend comes first: the timeline of a large region runs over many pages.
        self.blocks.append(legend_table())
        self.blocks.append(
            timeline_table(
                [("Kommun", 1.5), ("Id", 0.6), ("Aktivitet", 4.0)],
                [((e.plan.name, a.id, a.title), a) for e, a in acts],
                slots,
                "Tidsplan för alla kommuners aktiviteter",
            )
        )

    def load_table(self, slots: Sequence[tuple[int, int]]) -> Table:
        """The number of activities running per municipality and slot, shaded by load."""
        unit = slot_unit(slots)
        counts = {e.plan.name: running_per_slot(e.plan.activities, slots) for e in self.entries}
        most = max((n for row in counts.values() for n in row), default=0)
        return Table(
            header=(text_cell("Kommun"), *slot_header(slots)),
            rows=tuple(
                (
                    text_cell(name),
                    *(
                        Cell((Run(str(n) if n else ""),), fill=_load_fill(n, most), align="center")
                        for n in row
                    ),
                )
                for name, row in counts.items()
            ),
            widths=(2.6, *([0.7] * len(slots))),
            caption=f"Antal aktiviteter per {unit} och kommun",
            description=f"En rad per kommun och en kolumn per {unit}; talet är antalet "
            "aktiviteter som pågår eller är planerade då.",
            wide=True,
            compact=True,
        )

    # --- goals ---

    def goals(self) -> None:
        goals = [(e, g) for e in self.entries for g in e.plan.goals]
        if not self.chapter(
            "Mål per fokusområde", "mal", bool(goals), "Ingen kommun har ännu fört in några mål."
        ):
            return
        labels = {**FOCUS_AREAS, "": "Utan fokusområde"}
        ordered = sorted(goals, key=lambda eg: list(labels).index(eg[1].focus_area or ""))
        counts = [
            f"{label.lower()} {n}"
            for key, label in labels.items()
            if (n := sum(1 for _, g in goals if (g.focus_area or "") == key))
        ]
        # One table, not one per focus area under its own heading: the writer moves only one
        # heading along to a landscape page, so sub-headings would strand the chapter heading.
        self.paragraph(
            "Kommunernas mål sida vid sida, ordnade efter SKR:s fokusområden, med indikatorer "
            "och målvärden. Här syns var kommunerna siktar åt samma håll och kan följa upp på "
            f"samma sätt. Antal mål per fokusområde: {list_and(counts)}."
        )
        self.blocks.append(
            Table(
                header=header_cells(
                    "Fokusområde", "Kommun", "Mål", "Indikatorer: utgångsvärde → målvärde (år)"
                ),
                rows=tuple(
                    (
                        text_cell(labels[g.focus_area or ""]),
                        text_cell(e.plan.name),
                        text_cell(f"{g.id}. {g.title}"),
                        _indicators_cell(g),
                    )
                    for e, g in ordered
                ),
                widths=(2.6, 2.0, 5.5, 11.0),
                caption="Kommunernas mål per fokusområde",
                description="En rad per mål: fokusområde, kommun, målet och dess indikatorer "
                "med utgångsvärde, målvärde och år.",
                wide=True,
                compact=True,
            )
        )

    # --- shared interventions ---

    def shared(self) -> None:
        groups = self.groups
        if not self.chapter(
            "Insatser att samarbeta om",
            "gemensamma-insatser",
            bool(groups),
            "Inga insatser med liknande namn finns i två eller fler kommuner ännu.",
        ):
            return
        self.paragraph(
            f"{len(groups)} insatser finns eller planeras, med samma eller liknande namn, i två "
            "eller fler kommuner. De är kandidater för gemensamt arbete: gemensamma "
            "villkor, utbildning, uppföljning eller en verksamhet som kommunerna driver "
            "tillsammans. Namnen jämförs utan hänsyn till versaler, å/ä/ö, skiljetecken och "
            "småord; en avvikande benämning står inom parentes. Utan bp är antalet som ges "
            "utan individuell behovsprövning."
        )
        rows = [
            (
                text_cell(g.name),
                text_cell(", ".join(AREAS[a] for a in g.areas)),
                _offers_cell(g, everyone=len(g.municipalities) == len(self.entries)),
                text_cell(
                    f"{sum(1 for o in g.offers if o.intervention.without_assessment)} av "
                    f"{len(g.offers)}",
                    align="right",
                ),
            )
            for g in groups
        ]
        self.blocks.append(
            Table(
                header=(
                    text_cell("Insats"),
                    text_cell("Verksamhetsområde"),
                    text_cell("Kommuner"),
                    text_cell("Utan bp", align="right"),
                ),
                rows=tuple(rows),
                widths=(5.0, 4.6, 11.0, 2.0),
                caption="Insatser som flera kommuner erbjuder eller planerar",
                description="En rad per grupp av insatser med liknande namn: området, vilka "
                "kommuner som har den och hur många av dem som ges utan behovsprövning.",
                wide=True,
            )
        )

    def document(self) -> Document:
        self.cover()
        self.overview()
        self.status_table()
        self.matrix()
        self.timeline()
        self.goals()
        self.blocks += comparison_blocks(self.region, level=1)
        self.shared()
        cfg = self.region.config
        today = self.status.today
        title = f"{cfg.plan.title} – regional sammanställning, {cfg.region}"
        meta = DocumentMeta(
            title=title,
            subject="Regional sammanställning av omställningsplaner enligt socialtjänstlagen "
            "(2025:400)",
            author=cfg.region,
            keywords=f"socialtjänstlag; omställningsplan; sammanställning; {cfg.region}",
            language="sv-SE",
            created=dt.datetime(today.year, today.month, today.day),  # noqa: DTZ001
            front_matter={
                "title": title,
                "region": cfg.region,
                "date": today.isoformat(),
                "lang": "sv",
            },
        )
        return Document(meta, tuple(self.blocks))


def assemble_summary(region: Region, status: RegionStatus) -> Document:
    """The regional summary as a document tree.

    Args:
        region: The loaded region.
        status: Its overview from `status.region_status` (which also fixes the day).
    """
    return _SummaryAssembler(region, status).document()

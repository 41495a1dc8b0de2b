"""Assemble the regional summary (sammanställning) as a document tree, and build it.

For the regional coordinator: the status of every municipality's plan, interventions per
area and municipality, one timeline of all activities, the goals side by side by focus area,
and interventions that several municipalities offer under similar names (candidates for
shared work). The tree is rendered by the same writers as the plans.

`assemble_summary` is pure; `build_summary` renders and writes the files atomically.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from omstallning.commands.status import (
    RegionStatus,
    StatusRow,
    details,
    list_and,
    quality_text,
    summary_sentence,
    swedish_key,
    table_rows,
)
from omstallning.documents.plan import (
    STATUS_COUNT_WORDS,
    STATUS_FILL,
    active_slots,
    slot_header,
    text_cell,
    timeline_slots,
    value_text,
)
from omstallning.documents.tree import (
    Block,
    Cell,
    CoverPage,
    Document,
    DocumentMeta,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    Table,
    TableOfContents,
)
from omstallning.model import (
    ACTIVITY_STATUSES,
    AREAS,
    FOCUS_AREAS,
    Activity,
    Intervention,
    MunicipalityEntry,
    Region,
)
from omstallning.text import fold

SUMMARY_NAME = "sammanstallning"
"""The file stem of the summary in the build folder (no municipality has this slug)."""

SIMILARITY = 0.8
"""difflib ratio at or above which two normalised intervention names count as the same."""

# Words that carry no meaning of their own in intervention names.
FILLER_WORDS = frozenset(
    {
        "och",
        "samt",
        "eller",
        "i",
        "for",
        "med",
        "av",
        "till",
        "pa",
        "vid",
        "om",
        "en",
        "ett",
        "den",
        "det",
        "de",
        "som",
        "inom",
        "fran",
        "mot",
        "under",
    }
)
_PUNCTUATION = re.compile(rf"[{re.escape(string.punctuation)}–—‐‑’”“«»…·•]+")

STATUS_COLUMN_WIDTHS = {
    "Kommun": 2.2,
    "Status": 2.0,
    "Version": 1.4,
    "Avsnitt": 1.2,
    "Mål": 0.8,
    "Aktiviteter": 1.7,
    "Planerad": 1.5,
    "Pågår": 1.1,
    "Klar": 1.0,
    "Pausad": 1.2,
    "Stoppad": 1.4,
    "Insatser": 1.4,
    "Utan behovsprövning": 2.5,
    "Fel": 0.8,
    "Varningar": 1.6,
    "Kvalitet": 1.3,
}
"""Relative widths of the status table's columns, by the headings `status.table_rows` gives."""

MATRIX_MAX_MUNICIPALITY_COLUMNS = 7
"""Up to this many municipalities are columns of the intervention matrix; more become rows."""

# Shades for the number of activities in a quarter, light to dark; black text stays legible.
LOAD_FILLS = ("DEEAF6", "BDD7EE", "9DC3E6", "7FB2DE")


# --- Similar intervention names --------------------------------------------------------------


def normalise_name(name: str) -> str:
    """An intervention name reduced for comparison.

    Case and accents folded (å/ä → a, ö → o), punctuation dropped and filler words
    (och, för, i, med …) removed: `Råd- och stödsamtal för unga` → `rad stodsamtal unga`.
    """
    words = _PUNCTUATION.sub(" ", fold(name)).split()
    kept = [w for w in words if w not in FILLER_WORDS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Offer:
    """One intervention of one municipality, as a member of a group of similar names."""

    municipality: str
    intervention: Intervention


@dataclass(frozen=True)
class SharedIntervention:
    """Interventions with similar names in two or more municipalities."""

    name: str
    offers: tuple[Offer, ...]

    @property
    def municipalities(self) -> tuple[str, ...]:
        """The municipalities in the group, each once, in the order of the offers."""
        return tuple(dict.fromkeys(o.municipality for o in self.offers))

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas (ids) the group's interventions belong to, in the order of AREAS."""
        found = {o.intervention.area for o in self.offers}
        return tuple(a for a in AREAS if a in found)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILARITY
        and matcher.quick_ratio() >= SIMILARITY
        and matcher.ratio() >= SIMILARITY
    )


def shared_interventions(entries: Sequence[MunicipalityEntry]) -> list[SharedIntervention]:
    """Groups of interventions that two or more municipalities offer or plan, by similar name.

    Names are compared after `normalise_name`; two are similar when the normalised forms are
    equal (in any area), or when they are in the same area and their difflib ratio is at
    least `SIMILARITY`. Similarity links groups together. Interventions that are ending
    (`läge: upphör`) are left out. Groups come with the most municipalities first, then in
    Swedish alphabetical order.
    """
    offers: list[Offer] = [
        Offer(e.plan.name, i) for e in entries for i in e.plan.interventions if i.state != "upphör"
    ]
    Key = tuple[str, str]  # (normalised name, area)

    def key(o: Offer) -> Key:
        return normalise_name(o.intervention.name), o.intervention.area

    keys = sorted({key(o) for o in offers})
    parent: dict[Key, Key] = {k: k for k in keys}

    def root(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, (form_a, area_a) in enumerate(keys):
        for form_b, area_b in keys[i + 1 :]:
            # Near names only within one area: "Öppen mottagning för unga" (barn och unga)
            # and "… för vuxna" (skadligt bruk) are 0.93 alike but not the same work.
            if form_a == form_b or (area_a == area_b and _similar(form_a, form_b)):
                ra, rb = root((form_a, area_a)), root((form_b, area_b))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)

    grouped: dict[Key, list[Offer]] = {}
    for o in offers:
        grouped.setdefault(root(key(o)), []).append(o)
    groups: list[SharedIntervention] = []
    for members in grouped.values():
        if len({o.municipality for o in members}) < 2:
            continue
        members.sort(key=lambda o: (swedish_key(o.municipality), swedish_key(o.intervention.name)))
        names = [o.intervention.name for o in members]
        name = min(set(names), key=lambda n: (-names.count(n), swedish_key(n)))
        groups.append(SharedIntervention(name, tuple(members)))
    groups.sort(key=lambda g: (-len(g.municipalities), swedish_key(g.name)))
    return groups


# --- Interventions per area and municipality ------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """Interventions of one municipality in one area: existing, planned, without assessment.

    An intervention without `läge` counts as existing; one that is ending (`upphör`) is not
    counted.
    """

    existing: int = 0
    planned: int = 0
    without_assessment: int = 0

    def __add__(self, other: MatrixCell) -> MatrixCell:
        return MatrixCell(
            self.existing + other.existing,
            self.planned + other.planned,
            self.without_assessment + other.without_assessment,
        )

    @property
    def empty(self) -> bool:
        """No interventions at all."""
        return not (self.existing or self.planned)


def intervention_matrix(
    entries: Sequence[MunicipalityEntry],
) -> dict[tuple[str, str], MatrixCell]:
    """Counts per (area id, municipality name); every pair is present, empty ones too."""
    matrix = {(area, e.plan.name): MatrixCell() for area in AREAS for e in entries}
    for e in entries:
        for i in e.plan.interventions:
            if i.state == "upphör":
                continue
            key = (i.area, e.plan.name)
            matrix[key] = matrix[key] + MatrixCell(
                existing=int(i.state != "planeras"),
                planned=int(i.state == "planeras"),
                without_assessment=int(i.without_assessment),
            )
    return matrix


def matrix_cell_text(cell: MatrixCell) -> str:
    """`5 + 1 (6)`: existing + planned (without needs assessment); `5 (4)` with none planned.

    `–` when the municipality has no intervention in the area.
    """
    if cell.empty:
        return "–"
    planned = f" + {cell.planned}" if cell.planned else ""
    return f"{cell.existing}{planned} ({cell.without_assessment})"


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


# --- Helpers ---------------------------------------------------------------------------------


def _lines(lines: Sequence[str], *, bold: bool = False, align: str | None = None) -> Cell:
    runs: list[Inline] = []
    for i, line in enumerate(lines):
        if i:
            runs.append(LineBreak())
        runs.append(Run(line, bold=bold))
    return Cell(tuple(runs) or (Run(""),), align=align)


def _number(text: str, *, bold: bool = False) -> Cell:
    return Cell((Run(text, bold=bold),), align="center")


def _status_cells(row: StatusRow, texts: Sequence[str]) -> tuple[Cell, ...]:
    """A row of the status table: `omstallning status`'s texts, numbers to the right."""
    if not row.loaded:
        texts = [texts[0], "Fel i filen", *texts[2:]]
    return tuple(text_cell(t, align=None if i < 3 else "right") for i, t in enumerate(texts))


def _running_per_slot(
    activities: Sequence[Activity], slots: Sequence[tuple[int, int]]
) -> list[int]:
    """How many of the activities run in each slot."""
    counts = [0] * len(slots)
    for activity in activities:
        for i, on in enumerate(active_slots(activity, slots)):
            counts[i] += on
    return counts


def _load_fill(n: int, most: int) -> str | None:
    if n <= 0 or most <= 0:
        return None
    step = (n * len(LOAD_FILLS) - 1) // most
    return LOAD_FILLS[min(step, len(LOAD_FILLS) - 1)]


# --- The document ------------------------------------------------------------------------


class _SummaryAssembler:
    def __init__(self, region: Region, status: RegionStatus) -> None:
        self.region = region
        self.status = status
        self.entries = sorted(region.municipalities, key=lambda e: swedish_key(e.plan.name))
        self.blocks: list[Block] = []
        cfg = region.config
        self.period = cfg.plan.period

    def heading(self, level: int, text: str, anchor: str) -> None:
        self.blocks.append(Heading(level, (Run(text),), anchor))

    def paragraph(self, text: str, *, italic: bool = False) -> None:
        self.blocks.append(Paragraph((Run(text, italic=italic),)))

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
        status = self.status
        self.heading(1, "Sammanfattning", "sammanfattning")
        self.blocks.append(
            Paragraph(
                (
                    Run(
                        f"Läget den {status.today.isoformat()}, sammanställt ur kommunernas "
                        "filer i regionens repo. Nämnderna beslutar om kommunernas egna "
                        "planer; sammanställningen är ett underlag för det regionala arbetet.",
                        italic=True,
                    ),
                ),
                role="note",
            )
        )
        items = [summary_sentence(status)]
        rated = [r for r in status.rows if r.quality is not None]
        if rated:
            full = sum(1 for r in rated if r.quality and r.quality.percent == 100)
            low = min(r.quality.percent for r in rated if r.quality)
            lowest = [r.name for r in rated if r.quality and r.quality.percent == low]
            quality = f"{full} av {len(rated)} planer uppfyller alla kvalitetskontroller"
            if low < 100:
                names = list_and(lowest) if len(lowest) <= 3 else ", ".join(lowest[:3]) + " m.fl."
                quality += f"; lägst är {low} % ({names})"
            items.append(quality + ".")
        acts = [a for e in self.entries for a in e.plan.activities]
        if acts:
            counts = [
                f"{n} {STATUS_COUNT_WORDS[s][n != 1]}"
                for s in ACTIVITY_STATUSES
                if (n := sum(1 for a in acts if a.status == s))
            ]
            late = sum(
                1
                for a in acts
                if a.end and a.end.last_day() < status.today and a.status in ("planerad", "pågår")
            )
            text = f"{len(acts)} aktiviteter: {list_and(counts)}."
            if late:
                text += (
                    f" {late} har passerat sitt slutdatum men står fortfarande som planerad "
                    "eller pågår."
                )
            items.append(text)
        grand = sum(intervention_matrix(self.entries).values(), MatrixCell())
        if not grand.empty:
            items.append(
                f"{grand.existing + grand.planned} insatser finns eller planeras "
                f"({grand.existing} finns, {grand.planned} planeras), varav "
                f"{grand.without_assessment} ges utan individuell behovsprövning."
            )
        shared = len(shared_interventions(self.entries))
        if shared:
            items.append(
                f"{shared} insatser finns med samma eller liknande namn i två eller fler "
                "kommuner: kandidater för gemensamt arbete (se Insatser att samarbeta om)."
            )
        goals = [g for e in self.entries for g in e.plan.goals]
        if goals:
            areas = sum(1 for k in FOCUS_AREAS if any(g.focus_area == k for g in goals))
            items.append(
                f"{len(goals)} mål, som tillsammans täcker {areas} av SKR:s fyra fokusområden."
            )
        self.blocks.append(
            ListBlock(
                ordered=False,
                items=tuple(ListItem((Paragraph((Run(t),)),)) for t in items),
            )
        )
        missing = details(status)
        self.heading(2, "Det här saknas", "status-saknas")
        if not missing:
            self.paragraph("Alla planer uppfyller kontrollerna. Inget saknas.")
            return
        self.paragraph(
            "Det som saknas för att planen ska gå att följa upp, per kommun. Kvalitet är "
            "andelen uppfyllda kontroller: varje mål har en indikator med målvärde, varje "
            "aktivitet har ansvarig, start, slut och mål, ingen platshållartext finns kvar och "
            "ingen aktivitet som passerat sitt slutdatum står som planerad eller pågår."
        )
        self.blocks.append(
            Table(
                header=(
                    text_cell("Kommun"),
                    text_cell("Kvalitet", align="right"),
                    text_cell("Det som saknas"),
                ),
                rows=tuple(
                    (
                        text_cell(r.name),
                        text_cell(quality_text(r), align="right"),
                        _lines([f"• {item}" for item in items]),
                    )
                    for r, items in missing
                ),
                widths=(2.2, 1.6, 8.0),
                caption="Det som saknas, per kommun",
            )
        )

    def status_table(self) -> None:
        self.heading(1, "Status per kommun", "status")
        texts = table_rows(self.status)  # the columns and cell texts of `omstallning status`
        widths = tuple(STATUS_COLUMN_WIDTHS[heading] for heading in texts[0])
        self.paragraph(
            "Avsnitt visar hur många av de avsnitt som regionen kräver som är skrivna. "
            "Aktiviteterna räknas per status. Kvalitet är andelen uppfyllda kontroller (se "
            "Det här saknas)."
        )
        # Before the table, not after it: a paragraph after a wide table gets a portrait
        # page of its own.
        if self.status.shared_errors or self.status.shared_warnings:
            self.paragraph(
                f"I de gemensamma filerna ({', '.join(self.status.shared_files)}) finns "
                f"{self.status.shared_errors} fel och {self.status.shared_warnings} varningar. "
                "Kör omstallning validate för att se dem."
            )
        self.blocks.append(
            Table(
                header=tuple(
                    text_cell(h, align="left" if i < 3 else "right") for i, h in enumerate(texts[0])
                ),
                rows=tuple(
                    _status_cells(r, cells)
                    for r, cells in zip(self.status.rows, texts[1:], strict=True)
                ),
                widths=widths,
                caption="Status för kommunernas planer",
                description="En rad per kommun: planens status och version, skrivna avsnitt, "
                "antal mål, aktiviteter per status, insatser, fel, varningar och kvalitet.",
                wide=True,
                compact=True,
            )
        )

    # --- interventions per area ---

    def matrix(self) -> None:
        self.heading(1, "Insatser per verksamhetsområde", "insatser")
        entries = self.entries
        if not any(e.plan.interventions for e in entries):
            self.paragraph("Ingen kommun har ännu fört in några insatser.")
            return
        self.paragraph(
            "Insatserna i varje kommun och verksamhetsområde. I varje cell står antalet som "
            "finns + antalet som planeras, och inom parentes hur många av dem som ges utan "
            "individuell behovsprövning: 5 + 1 (4) betyder fem insatser som finns och en som "
            "planeras, varav fyra utan behovsprövning. Insatser utan angivet läge räknas som "
            "befintliga; insatser som upphör räknas inte."
        )
        matrix = intervention_matrix(entries)
        names = [e.plan.name for e in entries]
        area_total = {a: sum((matrix[(a, n)] for n in names), MatrixCell()) for a in AREAS}
        muni_total = {n: sum((matrix[(a, n)] for a in AREAS), MatrixCell()) for n in names}
        grand = sum(area_total.values(), MatrixCell())
        areas = [a for a in AREAS if not area_total[a].empty]
        description = (
            "Matris över insatser: antal som finns, antal som planeras och antal utan "
            "individuell behovsprövning, per verksamhetsområde och kommun."
        )
        if len(names) <= MATRIX_MAX_MUNICIPALITY_COLUMNS:
            header = [
                text_cell("Verksamhetsområde"),
                *(text_cell(n, align="center") for n in names),
                text_cell("Regionen", align="center"),
            ]
            rows = [
                (
                    text_cell(AREAS[a]),
                    *(_number(matrix_cell_text(matrix[(a, n)])) for n in names),
                    _number(matrix_cell_text(area_total[a]), bold=True),
                )
                for a in areas
            ]
            rows.append(
                (
                    _lines(["Totalt"], bold=True),
                    *(_number(matrix_cell_text(muni_total[n]), bold=True) for n in names),
                    _number(matrix_cell_text(grand), bold=True),
                )
            )
            widths: tuple[float, ...] = (3.6, *([1.8] * len(names)), 1.8)
        else:
            header = [
                text_cell("Kommun"),
                *(text_cell(MATRIX_AREA_HEADS[a], align="center") for a in areas),
                text_cell("Totalt", align="center"),
            ]
            rows = [
                (
                    text_cell(n),
                    *(_number(matrix_cell_text(matrix[(a, n)])) for a in areas),
                    _number(matrix_cell_text(muni_total[n]), bold=True),
                )
                for n in names
            ]
            rows.append(
                (
                    _lines(["Regionen"], bold=True),
                    *(_number(matrix_cell_text(area_total[a]), bold=True) for a in areas),
                    _number(matrix_cell_text(grand), bold=True),
                )
            )
            widths = (2.6, *([1.8] * len(areas)), 1.8)
        self.blocks.append(
            Table(
                header=tuple(header),
                rows=tuple(rows),
                widths=widths,
                caption="Insatser per verksamhetsområde och kommun",
                description=description,
                wide=True,
                compact=len(header) > 6,
            )
        )

    # --- timeline ---

    def timeline(self) -> None:
        self.heading(1, "Gemensam tidsplan", "tidsplan")
        acts = [(e, a) for e in self.entries for a in e.plan.activities]
        if not acts:
            self.paragraph("Ingen kommun har ännu fört in några aktiviteter.")
            return
        slots = timeline_slots(self.period.start, self.period.end)
        unit = "kvartal" if slots[0][1] else "år"
        # No sub-heading before this first table: the writer moves one heading (and a few
        # paragraphs) along to a landscape page, and a chapter heading must not stay behind.
        self.paragraph(
            f"Hur många aktiviteter varje kommun har igång per {unit} under planperioden "
            f"{self.period.start}–{self.period.end}, oavsett status. Ju mörkare cell, desto "
            "fler aktiviteter."
        )
        counts = {e.plan.name: _running_per_slot(e.plan.activities, slots) for e in self.entries}
        most = max((n for row in counts.values() for n in row), default=0)
        self.blocks.append(
            Table(
                header=(text_cell("Kommun"), *slot_header(slots)),
                rows=tuple(
                    (
                        text_cell(name),
                        *(
                            Cell(
                                (Run(str(n) if n else ""),),
                                fill=_load_fill(n, most),
                                align="center",
                            )
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
        )

        self.heading(2, "Alla aktiviteter", "tidsplan-aktiviteter")
        self.paragraph(
            f"Kommunernas aktiviteter per {unit}, kommun för kommun. Färgen visar aktivitetens "
            "status, enligt teckenförklaringen. Aktiviteter utan start eller slut visas utan "
            "stapel."
        )
        # The legend comes first: the timeline of a large region runs over many pages.
        self.blocks.append(
            Table(
                header=tuple(text_cell(ACTIVITY_STATUSES[s], align="center") for s in STATUS_FILL),
                rows=(tuple(Cell((Run(""),), fill=fill) for fill in STATUS_FILL.values()),),
                caption="Färgerna i tidsplanen",
                description="Teckenförklaring: vilken status varje färg i tidsplanen står för.",
                wide=True,
                compact=True,
            )
        )
        rows = []
        for e, a in acts:
            row = [text_cell(e.plan.name), text_cell(a.id), text_cell(a.title)]
            fill = STATUS_FILL[a.status]
            row += [Cell((Run(""),), fill=fill if on else None) for on in active_slots(a, slots)]
            rows.append(tuple(row))
        self.blocks.append(
            Table(
                header=(
                    text_cell("Kommun"),
                    text_cell("Id"),
                    text_cell("Aktivitet"),
                    *slot_header(slots),
                ),
                rows=tuple(rows),
                widths=(1.5, 0.6, 4.0, *([0.55] * len(slots))),
                caption="Tidsplan för alla kommuners aktiviteter",
                description="Tidslinje: en rad per aktivitet, en kolumn per "
                + unit
                + "; färgade celler visar när aktiviteten pågår. "
                + "; ".join(ACTIVITY_STATUSES[s] for s in STATUS_FILL),
                wide=True,
                compact=True,
            )
        )

    # --- goals ---

    def goals(self) -> None:
        self.heading(1, "Mål per fokusområde", "mal")
        goals = [(e, g) for e in self.entries for g in e.plan.goals]
        if not goals:
            self.paragraph("Ingen kommun har ännu fört in några mål.")
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
        rows = []
        for e, g in ordered:
            indicators = [
                f"{i.name}: {value_text(i.baseline)} → {value_text(i.target)}"
                + (f" ({i.year})" if i.year else "")
                for i in g.indicators
            ] or ["Ingen indikator ännu"]
            if len(indicators) > 1:
                indicators = [f"• {line}" for line in indicators]
            rows.append(
                (
                    text_cell(labels[g.focus_area or ""]),
                    text_cell(e.plan.name),
                    text_cell(f"{g.id}. {g.title}"),
                    _lines(indicators),
                )
            )
        self.blocks.append(
            Table(
                header=(
                    text_cell("Fokusområde"),
                    text_cell("Kommun"),
                    text_cell("Mål"),
                    text_cell("Indikatorer: utgångsvärde → målvärde (år)"),
                ),
                rows=tuple(rows),
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
        self.heading(1, "Insatser att samarbeta om", "gemensamma-insatser")
        groups = shared_interventions(self.entries)
        if not groups:
            self.paragraph("Inga insatser med liknande namn finns i två eller fler kommuner ännu.")
            return
        self.paragraph(
            f"{len(groups)} insatser finns eller planeras, med samma eller liknande namn, i två "
            "eller fler kommuner. De är kandidater för gemensamt arbete: gemensamma "
            "villkor, utbildning, uppföljning eller en verksamhet som kommunerna driver "
            "tillsammans. Namnen jämförs utan hänsyn till versaler, å/ä/ö, skiljetecken och "
            "småord; en avvikande benämning står inom parentes. Utan bp är antalet som ges "
            "utan individuell behovsprövning."
        )
        rows = []
        for g in groups:
            by_muni: dict[str, list[Intervention]] = {}
            for o in g.offers:
                by_muni.setdefault(o.municipality, []).append(o.intervention)
            existing: list[str] = []
            planned: list[str] = []
            for muni, items in by_muni.items():
                variants = [f"”{i.name}”" for i in items if i.name != g.name]
                label = muni + (f" ({', '.join(variants)})" if variants else "")
                is_planned = all(i.state == "planeras" for i in items)
                (planned if is_planned else existing).append(label)
            everyone = len(g.municipalities) == len(self.entries)
            count = f"{'Alla ' if everyone else ''}{len(g.municipalities)} kommuner."
            runs = [Run(count, bold=True)]
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
            free = sum(1 for o in g.offers if o.intervention.without_assessment)
            rows.append(
                (
                    text_cell(g.name),
                    text_cell(", ".join(AREAS[a] for a in g.areas)),
                    Cell(tuple(runs)),
                    text_cell(f"{free} av {len(g.offers)}", align="right"),
                )
            )
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


def render_summary(region: Region, status: RegionStatus, fmt: str) -> bytes:
    """The regional summary in one format (`docx` or `md`), as bytes."""
    from omstallning.commands.build import render_document

    return render_document(region, assemble_summary(region, status), fmt)


def build_summary(
    region: Region, status: RegionStatus, formats: Sequence[str], out_dir: Path
) -> list[Path]:
    """Render the summary in every format, then write the files atomically.

    Returns:
        The files written: `out_dir/sammanstallning.docx` and/or `.md`.
    """
    from omstallning.writers.files import write_files_atomic

    rendered = [
        (out_dir / f"{SUMMARY_NAME}.{fmt}", render_summary(region, status, fmt)) for fmt in formats
    ]
    write_files_atomic(rendered)
    return [path for path, _ in rendered]

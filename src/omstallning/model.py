"""The plan model: the regional repository as typed objects (SPEC §2).

YAML keys are Swedish as users write them (`mål`, `målvärde`); Python names are English and
the mapping lives here, in `Field(alias=...)`, and nowhere else. The Swedish `description`s
become the hover help in editors through the generated JSON Schemas. No I/O here, and no
imports from the rest of the package.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from omstallning.followup.period import (
    PERIOD_SCHEMA,
    TRAJECTORY_SCHEMA,
    ReportPeriod,
    period_input,
    trajectory_input,
)

# --- Vocabularies --------------------------------------------------------------------------

STANDARD_SECTIONS: dict[str, str] = {
    "om_kommunen": "Kommunen i korthet",
    "nulage": "Nuläge",
    "malbild": "Målbild",
    "vagen_framat": "Vägen framåt",
    "styrning": "Styrning och organisation",
    "samverkan": "Samverkan",
    "kompetens": "Kompetensförsörjning",
    "kommunikation": "Kommunikation och tillit",
    "uppfoljning": "Uppföljning och utvärdering",
    "risker": "Risker",
}

INTRO_PARTS: dict[str, str] = {
    "syfte": "Inledning och syfte – framtidens socialtjänst",
    "lagen": "Den nya socialtjänstlagen",
    "angransande_lagstiftning": "Förändringar i angränsande lagstiftning",
    "tidiga_insatser": "Tidiga och förebyggande insatser",
}

AREAS: dict[str, str] = {
    "barn_och_unga": "Social barn- och ungdomsvård",
    "funktionsnedsattning": "Funktionsnedsättning",
    "skadligt_bruk_och_beroende": "Skadligt bruk och beroende",
    "socialpsykiatri": "Socialpsykiatri",
    "vald_i_nara_relationer": "Våld i nära relationer",
    "aldreomsorg": "Äldreomsorg",
    "ekonomiskt_bistand": "Ekonomiskt bistånd",
    "overgripande": "Övergripande",
}

FOCUS_AREAS: dict[str, str] = {
    "styrning_och_ledning": "Styrning och ledning",
    "forebyggande_och_latt_tillganglig": "Förebyggande och lätt tillgänglig",
    "jamlik_och_jamstalld": "Jämlik och jämställd",
    "kunskapsbaserad": "Kunskapsbaserad",
}

PLAN_STATUSES: dict[str, str] = {
    "utkast": "Utkast",
    "remiss": "Remissversion",
    "beslutad": "Beslutad",
    "exempel": "Exempel",
}

ACTIVITY_STATUSES: dict[str, str] = {
    "planerad": "Planerad",
    "pågår": "Pågår",
    "klar": "Klar",
    "pausad": "Pausad",
    "stoppad": "Stoppad",
}

LEVELS: dict[str, str] = {
    "universell": "Universell",
    "selektiv": "Selektiv",
    "indikerad": "Indikerad",
}

STATES: dict[str, str] = {"finns": "Finns", "planeras": "Planeras", "upphör": "Upphör"}

GOAL_STATUSES: dict[str, str] = {
    "uppfyllt": "Uppfyllt",
    "delvis_uppfyllt": "Delvis uppfyllt",
    "ej_uppfyllt": "Ej uppfyllt",
}

SEXES: dict[str, str] = {"kvinnor": "Kvinnor", "män": "Män", "totalt": "Totalt"}

DIRECTIONS: dict[str, str] = {"högre": "Högre är bättre", "lägre": "Lägre är bättre"}

SOURCE_KINDS = ("sfs", "prop", "sou", "ds", "bet", "webb", "annat")

EXPORT_FORMATS = ("docx", "md")

# Scaffolded files carry hints that start with this; `validate` warns until they are replaced.
PLACEHOLDER_PREFIX = "ATT SKRIVA:"
PLACEHOLDER_WORDS = ("TODO", "XXX", "FIXME", PLACEHOLDER_PREFIX)

PlanStatus = Literal["utkast", "remiss", "beslutad", "exempel"]
ActivityStatus = Literal["planerad", "pågår", "klar", "pausad", "stoppad"]
Area = Literal[
    "barn_och_unga",
    "funktionsnedsattning",
    "skadligt_bruk_och_beroende",
    "socialpsykiatri",
    "vald_i_nara_relationer",
    "aldreomsorg",
    "ekonomiskt_bistand",
    "overgripande",
]
FocusArea = Literal[
    "styrning_och_ledning",
    "forebyggande_och_latt_tillganglig",
    "jamlik_och_jamstalld",
    "kunskapsbaserad",
]
Level = Literal["universell", "selektiv", "indikerad"]
State = Literal["finns", "planeras", "upphör"]
SourceKind = Literal["sfs", "prop", "sou", "ds", "bet", "webb", "annat"]
ExportFormat = Literal["docx", "md"]
GoalStatus = Literal["uppfyllt", "delvis_uppfyllt", "ej_uppfyllt"]
Sex = Literal["kvinnor", "män", "totalt"]
Direction = Literal["högre", "lägre"]

# --- Value types ---------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True, order=True)
class PlanDate:
    """A month (`2025-09`) or a day (`2025-09-15`) in a plan."""

    year: int
    month: int
    day: int | None = None

    def first_day(self) -> dt.date:
        """The earliest day this value can mean."""
        return dt.date(self.year, self.month, self.day or 1)

    def last_day(self) -> dt.date:
        """The latest day this value can mean."""
        return dt.date(
            self.year, self.month, self.day or calendar.monthrange(self.year, self.month)[1]
        )

    @property
    def quarter(self) -> int:
        """1..4."""
        return (self.month - 1) // 3 + 1

    def __str__(self) -> str:
        base = f"{self.year:04d}-{self.month:02d}"
        return f"{base}-{self.day:02d}" if self.day else base


def _parse_plan_date(value: Any, *, need_day: bool) -> PlanDate:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PlanDate(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise PydanticCustomError(
            "ogiltigt-datum",
            "Datumet ska skrivas ÅÅÅÅ-MM-DD{month}.",
            {"month": "" if need_day else " eller ÅÅÅÅ-MM"},
        )
    m = _DATE_RE.match(value.strip())
    if not m or (need_day and m.group(3) is None):
        form = "ÅÅÅÅ-MM-DD" if need_day else "ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD"
        raise PydanticCustomError(
            "ogiltigt-datum",
            "”{value}” är inget datum. Skriv det som {form}, till exempel 2026-03{day}.",
            {"value": value, "form": form, "day": "-15" if need_day else ""},
        )
    year, month = int(m.group(1)), int(m.group(2))
    day = int(m.group(3)) if m.group(3) else None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        raise PydanticCustomError(
            "ogiltigt-datum",
            "”{value}” finns inte i kalendern. Kontrollera månad (01–12) och dag.",
            {"value": value},
        ) from None
    return PlanDate(year, month, day)


MonthOrDay = Annotated[
    PlanDate,
    BeforeValidator(lambda v: _parse_plan_date(v, need_day=False)),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
            "description": "ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD",
        }
    ),
]
Day = Annotated[
    PlanDate,
    BeforeValidator(lambda v: _parse_plan_date(v, need_day=True)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            ],
            "description": "ÅÅÅÅ-MM-DD",
        }
    ),
]
Text = Annotated[str, Field(min_length=1)]
Value = str | StrictInt | StrictFloat
Year = Annotated[int, Field(ge=1990, le=2100)]


OutcomePeriod = Annotated[
    ReportPeriod, BeforeValidator(period_input), WithJsonSchema(PERIOD_SCHEMA)
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --- omstallning.yaml ----------------------------------------------------------------------


class Period(_Model):
    """The plan period in whole years."""

    start: Year = Field(description="Planperiodens första år, t.ex. 2025.")
    end: Year = Field(alias="slut", description="Planperiodens sista år, t.ex. 2028.")


class PlanInfo(_Model):
    """The plan's title and period."""

    title: Text = Field(alias="titel", description="Planens titel, som den står på försättsbladet.")
    subtitle: str | None = Field(default=None, alias="undertitel", description="Valfri undertitel.")
    period: Period = Field(description="Planperioden: {start: 2025, slut: 2028}.")


class Requirements(_Model):
    """What every municipality's file must contain."""

    sections: list[str] = Field(
        default_factory=list,
        alias="avsnitt",
        description="Avsnitt (id) som varje kommun måste skriva, t.ex. [nulage, vagen_framat].",
    )
    goals: StrictBool = Field(default=True, alias="mål", description="Minst ett mål krävs.")
    activities: StrictBool = Field(
        default=True, alias="aktiviteter", description="Minst en aktivitet krävs."
    )


class ExportSettings(_Model):
    """How documents are built."""

    formats: list[ExportFormat] = Field(
        default_factory=lambda: list[ExportFormat](["docx"]),
        alias="format",
        description="Vilka format som byggs: docx och/eller md.",
    )
    template: str | None = Field(
        default=None,
        alias="mall",
        description="Regionens Word-mall (.docx eller .dotx) med egna format, relativt repot.",
    )
    logo: str | None = Field(
        default=None, alias="logotyp", description="Logotyp (PNG eller JPEG) för försättsbladet."
    )


class RegionConfig(_Model):
    """`omstallning.yaml`: the region and its shared settings."""

    region: Text = Field(description="Regionens eller samverkansområdets namn.")
    plan: PlanInfo = Field(description="Planens titel och period.")
    intro: list[str] = Field(
        default_factory=lambda: list(INTRO_PARTS),
        alias="inledning",
        description="Den gemensamma inledningens delar (id) i den ordning de ska stå.",
    )
    requirements: Requirements = Field(
        default_factory=lambda: Requirements(),
        alias="krav",
        description="Vad varje kommuns fil måste innehålla.",
    )
    export: ExportSettings = Field(
        default_factory=lambda: ExportSettings(), description="Inställningar för export."
    )


# --- inledning/*.md front matter -----------------------------------------------------------


class IntroFrontMatter(_Model):
    """The front matter of a shared introduction part."""

    id: Text = Field(
        description="Delens id, t.ex. lagen. Listas under inledning i omstallning.yaml."
    )
    title: Text = Field(alias="rubrik", description="Delens rubrik i dokumentet.")


# --- kallor.yaml ---------------------------------------------------------------------------


class Source(_Model):
    """A source that texts cite as [@key]."""

    title: Text = Field(
        alias="titel", description="Källans titel, t.ex. Socialtjänstlag (2025:400)."
    )
    kind: SourceKind | None = Field(
        default=None, alias="typ", description="sfs, prop, sou, ds, bet, webb eller annat."
    )
    url: str | None = Field(default=None, description="Webbadress till källan.")
    publisher: str | None = Field(default=None, alias="utgivare", description="Utgivare.")
    year: StrictInt | str | None = Field(default=None, alias="år", description="Utgivningsår.")


# --- kommuner/*.yaml -----------------------------------------------------------------------


class Decision(_Model):
    """The decision that adopted the plan."""

    body: Text = Field(alias="organ", description="Beslutande organ, t.ex. Socialnämnden.")
    date: Day = Field(alias="datum", description="Beslutsdatum, ÅÅÅÅ-MM-DD.")
    reference: str | None = Field(
        default=None, alias="diarienummer", description="Diarienummer, t.ex. SN 2025/118."
    )


class Contact(_Model):
    """Who answers questions about the plan."""

    name: str | None = Field(default=None, alias="namn", description="Kontaktpersonens namn.")
    role: str | None = Field(default=None, alias="roll", description="Roll eller funktion.")
    email: str | None = Field(default=None, alias="epost", description="E-postadress.")
    phone: str | None = Field(default=None, alias="telefon", description="Telefonnummer.")


class Section(_Model):
    """A free-text section of a municipality's plan."""

    id: Text = Field(description="Avsnittets id, t.ex. nulage (se standardavsnitten).")
    title: str | None = Field(
        default=None, alias="rubrik", description="Rubrik; utelämnas för standardrubriken."
    )
    text: str = Field(description="Avsnittets text i Markdown.")

    @property
    def heading(self) -> str:
        """The title shown in documents."""
        # An own section without `rubrik`: its id as a heading, `ekonomi_2026` -> `Ekonomi 2026`.
        return (
            self.title or STANDARD_SECTIONS.get(self.id) or self.id.replace("_", " ").capitalize()
        )


class TargetPoint(_Model):
    """One point of an indicator's target trajectory."""

    year: Year = Field(alias="år", description="Året som målvärdet gäller.")
    value: Value = Field(alias="värde", description="Målvärdet det året, text eller tal.")


Trajectory = Annotated[
    list[TargetPoint], BeforeValidator(trajectory_input), WithJsonSchema(TRAJECTORY_SCHEMA)
]


class Outcome(_Model):
    """One measured value of an indicator for one period."""

    period: OutcomePeriod = Field(
        description="År (2026), halvår (2026H1), tertial (2026T2) eller kvartal (2026K3)."
    )
    value: Value = Field(alias="värde", description="Det uppmätta värdet, helst ett tal.")
    source: str | None = Field(default=None, alias="källa", description="Var värdet kommer ifrån.")
    comment: str | None = Field(
        default=None, alias="kommentar", description="Kommentar till värdet."
    )
    sex: Sex | None = Field(
        default=None, alias="kön", description="kvinnor, män eller totalt; utelämnas för totalt."
    )


class Assessment(_Model):
    """The judged status of a goal for one period, written by the municipality."""

    period: OutcomePeriod = Field(description="Perioden som bedömningen gäller, t.ex. 2026.")
    status: GoalStatus = Field(description="uppfyllt, delvis_uppfyllt eller ej_uppfyllt.")
    motivation: Text = Field(alias="motivering", description="Varför målet bedöms så.")
    actions: str | None = Field(
        default=None, alias="åtgärder", description="Vad som görs när målet inte nås."
    )


class ProgressNote(_Model):
    """A dated progress note on an activity (lägesrapport)."""

    date: Day = Field(alias="datum", description="Rapportens datum, ÅÅÅÅ-MM-DD.")
    status: ActivityStatus = Field(description="planerad, pågår, klar, pausad eller stoppad.")
    comment: Text = Field(alias="kommentar", description="Läget i några meningar.")


class Indicator(_Model):
    """How progress towards a goal is measured."""

    name: Text = Field(alias="namn", description="Vad som mäts.")
    baseline: Value | None = Field(
        default=None, alias="utgångsvärde", description="Utgångsvärde, text eller tal (30 %, 120)."
    )
    target: Value | None = Field(
        default=None, alias="målvärde", description="Målvärde, text eller tal (30 %, 120)."
    )
    year: Year | None = Field(default=None, alias="år", description="År då målvärdet ska nås.")
    source: str | None = Field(default=None, alias="källa", description="Var uppgiften hämtas.")
    kolada: Annotated[str, Field(pattern=r"^[NU]\d{5}$")] | None = Field(
        default=None, description="Kolada-id, t.ex. N00003."
    )
    unit: str | None = Field(
        default=None, alias="enhet", description="Enhet, t.ex. %, antal eller dagar."
    )
    direction: Direction | None = Field(
        default=None,
        alias="riktning",
        description="högre eller lägre: vilket håll som är bättre för indikatorn.",
    )
    targets: Trajectory = Field(
        default_factory=list,
        alias="målvärden",
        description="Målvärde per år, t.ex. {2026: 20, 2027: 25}.",
    )
    outcomes: list[Outcome] = Field(
        default_factory=list,
        alias="utfall",
        description="Uppmätta värden per period: [{period: 2026, värde: 22, källa: …}].",
    )

    def target_for(self, year: int) -> Value | None:
        """The target for `year`: from the trajectory, else the single `målvärde`."""
        for point in self.targets:
            if point.year == year:
                return point.value
        return self.target


class Goal(_Model):
    """A goal of the plan."""

    id: Text = Field(description="Målets id, t.ex. M1. Aktiviteter hänvisar till det.")
    title: Text = Field(alias="rubrik", description="Målet i en mening.")
    description: str | None = Field(default=None, alias="beskrivning", description="Beskrivning.")
    focus_area: FocusArea | None = Field(
        default=None, alias="fokusområde", description="SKR:s fokusområde."
    )
    indicators: list[Indicator] = Field(
        default_factory=list, alias="indikatorer", description="Indikatorer för målet."
    )
    assessments: list[Assessment] = Field(
        default_factory=list,
        alias="bedömningar",
        description="Bedömt läge per period: [{period: 2026, status: uppfyllt, motivering: …}].",
    )


class Activity(_Model):
    """One line of the action plan."""

    id: Text = Field(description="Aktivitetens id, t.ex. A1.")
    title: Text = Field(alias="rubrik", description="Vad som ska göras.")
    description: str | None = Field(default=None, alias="beskrivning", description="Beskrivning.")
    goals: list[str] = Field(
        default_factory=list, alias="mål", description="Mål (id) som aktiviteten bidrar till."
    )
    owner: str | None = Field(
        default=None, alias="ansvarig", description="Ansvarig roll eller enhet."
    )
    start: MonthOrDay | None = Field(default=None, description="Start, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD.")
    end: MonthOrDay | None = Field(
        default=None, alias="slut", description="Slut, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD."
    )
    status: ActivityStatus = Field(description="planerad, pågår, klar, pausad eller stoppad.")
    progress_notes: list[ProgressNote] = Field(
        default_factory=list,
        alias="lägesrapporter",
        description="Lägesrapporter: [{datum: 2026-06-30, status: pågår, kommentar: …}].",
    )


class Intervention(_Model):
    """An intervention offered or planned (the catalogue of insatser)."""

    name: Text = Field(alias="namn", description="Insatsens namn.")
    area: Area = Field(alias="område", description="Verksamhetsområde.")
    level: Level | None = Field(
        default=None, alias="nivå", description="Preventionsnivå: universell, selektiv, indikerad."
    )
    without_assessment: StrictBool = Field(
        alias="utan_behovsprövning",
        description="true om insatsen ges utan individuell behovsprövning.",
    )
    conditions: str | None = Field(
        default=None, alias="villkor", description="Villkor för insatsen."
    )
    digital: StrictBool | None = Field(default=None, description="true om insatsen ges digitalt.")
    state: State | None = Field(
        default=None, alias="läge", description="finns, planeras eller upphör."
    )
    description: str | None = Field(default=None, alias="beskrivning", description="Beskrivning.")


class Collaboration(_Model):
    """A partner the municipality works with."""

    partner: Text = Field(alias="part", description="Samverkanspart, t.ex. Elevhälsan.")
    form: str | None = Field(default=None, description="Hur samverkan sker.")
    description: str | None = Field(default=None, alias="beskrivning", description="Beskrivning.")


class Municipality(_Model):
    """`kommuner/<slug>.yaml`: one municipality's own part of the plan."""

    name: Text = Field(alias="kommun", description="Kommunens namn, t.ex. Klippan.")
    code: str = Field(
        alias="kommunkod", description='SCB:s fyrsiffriga kommunkod inom citattecken, t.ex. "1276".'
    )
    committee: str | None = Field(default=None, alias="nämnd", description="Ansvarig nämnd.")
    status: PlanStatus = Field(description="utkast, remiss, beslutad eller exempel.")
    version: str | None = Field(
        default=None, description='Planens version inom citattecken, t.ex. "1.0".'
    )
    date: Day | None = Field(default=None, alias="datum", description="Planens datum, ÅÅÅÅ-MM-DD.")
    decision: Decision | None = Field(
        default=None, alias="beslut", description="Beslutet; krävs när status är beslutad."
    )
    contact: Contact | None = Field(default=None, alias="kontakt", description="Kontaktperson.")
    sections: list[Section] = Field(
        default_factory=list, alias="avsnitt", description="Avsnitt i den ordning de ska stå."
    )
    goals: list[Goal] = Field(default_factory=list, alias="mål", description="Mål med indikatorer.")
    activities: list[Activity] = Field(
        default_factory=list, alias="aktiviteter", description="Handlingsplanens aktiviteter."
    )
    interventions: list[Intervention] = Field(
        default_factory=list, alias="insatser", description="Insatser som finns eller planeras."
    )
    collaboration: list[Collaboration] = Field(
        default_factory=list, alias="samverkan", description="Samverkansparter."
    )
    # --- Identity (issue 13): the municipality's own name, logo and Word template ---------
    official_name: str | None = Field(
        default=None,
        alias="officiellt_namn",
        description="Kommunens eget namn i dokumenten, t.ex. Trollhättans Stad. Standard: "
        "namnet i verktygets kommunlista.",
    )
    logo: str | None = Field(
        default=None,
        alias="logotyp",
        description="Kommunens egen logotyp (PNG eller JPEG), relativt repot. Standard: "
        "regionens export.logotyp.",
    )
    template: str | None = Field(
        default=None,
        alias="mall",
        description="Kommunens egen Word-mall (.docx eller .dotx), relativt repot. Standard: "
        "regionens export.mall.",
    )
    # --- end identity ------------------------------------------------------------------------


# --- The loaded region ---------------------------------------------------------------------


@dataclass(frozen=True)
class IntroPart:
    """A shared introduction part: front matter plus Markdown body."""

    file: str
    id: str
    title: str
    text: str
    body_line: int  # the file line where `text` starts, for positions of findings


@dataclass(frozen=True)
class MunicipalityEntry:
    """A municipality file that loaded without errors in its structure."""

    file: str
    slug: str
    plan: Municipality


@dataclass
class Region:
    """A whole regional repository, loaded. Renderers read this, never YAML."""

    root: Path
    config: RegionConfig
    intro_parts: list[IntroPart] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    municipalities: list[MunicipalityEntry] = field(default_factory=list)

    def ordered_intro(self) -> list[IntroPart]:
        """The intro parts listed in `inledning`, in that order."""
        by_id = {p.id: p for p in self.intro_parts}
        return [by_id[i] for i in self.config.intro if i in by_id]

    def municipality(self, slug: str) -> MunicipalityEntry | None:
        """The municipality with this slug, if loaded."""
        return next((m for m in self.municipalities if m.slug == slug), None)

"""Vocabularies and value types of the plan model: the words a file may use, and dates.

The dictionaries map each YAML value to the label documents show; the `Literal`s are the
same lists as types. `PlanDate` and the annotated types (`Day`, `MonthOrDay`, `Text`, ...)
are what the models' fields are made of.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from omstallning.followup.period import PERIOD_SCHEMA, ReportPeriod, period_input

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

EXPORT_FORMATS = ("docx", "md", "html", "pdf")

INTRO_PLACEMENTS: dict[str, str] = {
    "först": "Före kommunens del",
    "efter": "Efter kommunens del",
    "bilaga": "Som bilaga sist i planen",
}

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
ExportFormat = Literal["docx", "md", "html", "pdf"]
IntroPlacement = Literal["först", "efter", "bilaga"]
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

"""`kommuner/<slug>.yaml`: one municipality's own part of the plan, as models (SPEC §2)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool, WithJsonSchema

from omstallning.followup.period import TRAJECTORY_SCHEMA, trajectory_input
from omstallning.model.vocab import (
    STANDARD_SECTIONS,
    ActivityStatus,
    Area,
    Day,
    Direction,
    FocusArea,
    GoalStatus,
    Level,
    MonthOrDay,
    OutcomePeriod,
    PlanStatus,
    Sex,
    State,
    Text,
    Value,
    Year,
    _Model,
)

# --- kommuner/*.yaml -----------------------------------------------------------------------


class Decision(_Model):
    """The decision that adopted the plan."""

    body: Text = Field(alias="organ", description="Beslutande organ, t.ex. Socialnämnden.")
    date: Day = Field(alias="datum", description="Beslutsdatum, ÅÅÅÅ-MM-DD.")
    reference: str | None = Field(
        default=None, alias="diarienummer", description="Diarienummer, t.ex. SN 2025/118."
    )
    paragraph: str | None = Field(
        default=None, alias="paragraf", description="Protokollsparagraf, t.ex. § 137."
    )


class VersionEntry(_Model):
    """One line of the plan's version history."""

    version: Text = Field(description='Versionen inom citattecken, t.ex. "1.1".')
    date: Day = Field(alias="datum", description="Versionens datum, ÅÅÅÅ-MM-DD.")
    change: Text = Field(alias="ändring", description="Vad som ändrades i versionen.")
    decision: str | None = Field(
        default=None, alias="beslut", description="Beslutet, t.ex. SN 2025-11-19 § 137."
    )


def _date_as_text(value: Any) -> Any:
    """An unquoted YAML date kept as the text the user wrote (`2026-12-31`)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else value


DateOrText = Annotated[
    str,
    BeforeValidator(_date_as_text),
    WithJsonSchema({"type": "string", "description": "ÅÅÅÅ-MM-DD eller text"}),
]


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
    target_group: str | None = Field(
        default=None, alias="målgrupp", description="Vilka insatsen riktar sig till."
    )
    age: str | None = Field(
        default=None, alias="ålder", description="Åldrar insatsen gäller, t.ex. 13–20 år."
    )
    scope: str | None = Field(
        default=None, alias="omfattning", description="Omfattning, t.ex. upp till fem samtal."
    )
    provider: str | None = Field(
        default=None, alias="utförare", description="Vem som ger insatsen, t.ex. Familjeteamet."
    )
    identity_documented: StrictBool | None = Field(
        default=None,
        alias="identitet_dokumenteras",
        description="false om den enskildes identitet inte dokumenteras.",
    )
    identity_motivation: str | None = Field(
        default=None,
        alias="identitet_motivering",
        description="Varför identiteten dokumenteras eller inte.",
    )
    decision: str | None = Field(
        default=None,
        alias="beslut",
        description="Beslutet om insatsen, t.ex. SN 2025-05-20 § 45.",
    )
    review: DateOrText | None = Field(
        default=None,
        alias="omprövas",
        description="När beslutet omprövas: ÅÅÅÅ-MM-DD eller text.",
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
    case_number: str | None = Field(
        default=None,
        alias="diarienummer",
        description="Ärendets diarienummer, även före beslut, t.ex. SN 2025/118.",
    )
    document_owner: str | None = Field(
        default=None,
        alias="dokumentansvarig",
        description="Vem som ansvarar för dokumentet, t.ex. Socialchef.",
    )
    revise_by: Day | None = Field(
        default=None,
        alias="revideras_senast",
        description="Planen revideras senast detta datum (giltig till), ÅÅÅÅ-MM-DD.",
    )
    replaces: str | None = Field(
        default=None, alias="ersätter", description='Versionen som planen ersätter, t.ex. "1.0".'
    )
    history: list[VersionEntry] = Field(
        default_factory=list,
        alias="versionshistorik",
        description='Versioner: [{version: "1.0", datum: 2025-06-10, ändring: …, beslut: …}].',
    )
    summary: str | None = Field(
        default=None,
        alias="sammanfattning",
        description="Sammanfattning i Markdown, först i planen efter innehållsförteckningen.",
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
    # The municipality's own name, logo and Word template (the region's are the default).
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

    @property
    def reference(self) -> str | None:
        """The case number: the top-level `diarienummer`, else the decision's."""
        return self.case_number or (self.decision.reference if self.decision else None)

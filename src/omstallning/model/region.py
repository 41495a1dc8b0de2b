"""The region's shared files as models, and the loaded region (SPEC §2).

`omstallning.yaml` (`RegionConfig`), the introduction's front matter and `kallor.yaml`;
then the loaded repository itself (`Region`), which renderers read instead of YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, StrictBool, StrictInt

from omstallning.model.municipality import Municipality
from omstallning.model.reforms import Reform
from omstallning.model.vocab import (
    INTRO_PARTS,
    ExportFormat,
    IntroPlacement,
    MonthOrDay,
    PlanDate,
    SourceKind,
    Text,
    Year,
    _Model,
)

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
    plain_language: StrictBool = Field(
        default=True,
        alias="klarspråk",
        description="Varna för långa meningar, svår text (LIX) och oförklarade förkortningar. "
        "Sätt till false för att stänga av kontrollen.",
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
    intro_placement: IntroPlacement = Field(
        default="först",
        alias="inledning",
        description="Var den gemensamma inledningen står: först (före kommunens del), efter "
        "(efter kommunens del) eller bilaga (sist, som bilaga).",
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
    knowledge: MonthOrDay | None = Field(
        default=None,
        alias="kunskapslage",
        description="När delens uppgifter senast stämdes av (ÅÅÅÅ-MM), t.ex. 2026-12. "
        "Visas som ”Kunskapsläge: december 2026”; validate varnar när det är äldre än ett år.",
    )


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


# --- The loaded region ---------------------------------------------------------------------


@dataclass(frozen=True)
class IntroPart:
    """A shared introduction part: front matter plus Markdown body."""

    file: str
    id: str
    title: str
    text: str
    body_line: int  # the file line where `text` starts, for positions of findings
    knowledge: PlanDate | None = None  # front matter `kunskapslage`


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
    # reformer.yaml, {index in the file: reform} for the reforms without errors; None until
    # read (omstallning.intro.reforms.attach_reforms)
    reforms: dict[int, Reform] | None = None

    def ordered_intro(self) -> list[IntroPart]:
        """The intro parts listed in `inledning`, in that order."""
        by_id = {p.id: p for p in self.intro_parts}
        return [by_id[i] for i in self.config.intro if i in by_id]

    def municipality(self, slug: str) -> MunicipalityEntry | None:
        """The municipality with this slug, if loaded."""
        return next((m for m in self.municipalities if m.slug == slug), None)

"""Generate synthetic but realistic regional repositories for the benchmarks.

Each municipality gets a plan of the size the issue describes: with the shared introduction
about 16,000 words in all, a 10-row goals table, a 40-row action plan and 30 interventions.
The text is drawn deterministically (seeded by the municipality code) from a bank of Swedish
sentences about the transition, with the Markdown a real author writes: sub-headings, lists,
emphasis, links, citations, a quote and now and then a small table. Every region validates
without errors or warnings (SPEC §3).

Sizes: 1 (Klippan), 11 (nordvästra Skåne), 26 (Stockholms län), 290 (all of Sweden).

    python benchmarks/generate_region.py OUT --kommuner 26
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

from omstallning.intro.language import hard_sections
from omstallning.kommuner import Kommun, all_kommuner

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "nordvastra-skane"

NV_SKANE = (
    "Bjuv", "Båstad", "Helsingborg", "Höganäs", "Klippan", "Landskrona", "Perstorp",
    "Svalöv", "Åstorp", "Ängelholm", "Örkelljunga",
)  # fmt: skip

SIZES = {1: "Klippan", 11: "Nordvästra Skåne", 26: "Stockholms län", 290: "Hela Sverige"}

# Citation keys that exist in the example region's kallor.yaml.
CITE_KEYS = (
    "sol2025", "prop2025", "sou2020", "skr_nysol", "socialstyrelsen_faq",
    "statsbidrag2025", "vardanalys", "kunskapsguiden_tsi", "skr_tidiga", "regeringen_nysol",
)  # fmt: skip

SENTENCES = (
    "Socialtjänsten i {kommun} ska bli mer förebyggande, lättillgänglig och kunskapsbaserad.",
    "Den nya socialtjänstlagen ger nämnden möjlighet att erbjuda fler insatser utan "
    "individuell behovsprövning.",
    "Under planperioden prioriterar förvaltningen insatser som når invånarna tidigt i ett "
    "ogynnsamt förlopp.",
    "Arbetet bygger på en läges- och behovsanalys som genomfördes med medarbetare, brukare "
    "och samverkansparter.",
    "Statistiken visar att många ärenden aktualiseras först när svårigheterna redan är stora.",
    "Medarbetarna beskriver att tiden för förebyggande arbete ofta tränger undan av utredningar.",
    "En gemensam ingång för råd och stöd gör det enklare för invånare att veta vart de ska "
    "vända sig.",
    "Förvaltningen följer upp insatserna uppdelat på kön, ålder och bostadsort.",
    "Resultaten redovisas för nämnden två gånger per år och används i budgetarbetet.",
    "Samverkan med elevhälsan, vårdcentralerna och polisen är en förutsättning för att nå "
    "barn och unga tidigt.",
    "Insatserna ska så långt möjligt bygga på bästa tillgängliga kunskap.",
    "Kommunen deltar i det regionala nätverket för kunskapsstyrning inom socialtjänsten.",
    "Brukarnas erfarenheter tas tillvara genom brukarrevisioner och enkäter.",
    "Den digitala kontaktvägen kompletterar de fysiska mötesplatserna men ersätter dem inte.",
    "Information om socialtjänstens stöd ska finnas på flera språk och i lättläst form.",
    "Chefer och medarbetare behöver gemensam kompetens om förebyggande arbete och tidiga insatser.",
    "En plan för kompetensförsörjning tas fram tillsammans med personalavdelningen.",
    "Arbetssätten prövas först i mindre skala och sprids när de har utvärderats.",
    "Nämnden beslutar årligen om vilka insatser som får ges utan individuell behovsprövning.",
    "Villkoren för insatserna beskrivs så att invånare och medarbetare förstår dem.",
    "Ekonomiskt bistånd kombineras i högre grad med stöd till arbete och studier.",
    "Personer med skadligt bruk ska kunna få råd och stöd utan att först ansöka om bistånd.",
    "Våld i nära relationer uppmärksammas tidigt genom rutinmässiga frågor i alla verksamheter.",
    "Äldre personer ska kunna få enklare stöd i hemmet utan en omfattande utredning.",
    "Stödet till personer med funktionsnedsättning utgår från den enskildes egna mål.",
    "Uppsökande arbete i bostadsområden gör socialtjänsten synlig där människor bor.",
    "Föräldraskapsstöd erbjuds till alla föräldrar i kommunen, inte bara till dem som söker hjälp.",
    "Fältverksamheten arbetar kvällar och helger i nära samarbete med fritidsgårdarna.",
    "Omställningen finansieras inom befintlig budget och med riktade statsbidrag.",
    "Styrgruppen prioriterar aktiviteter som kan drivas vidare inom ordinarie verksamhet.",
    "Uppföljningsmodellen omfattar både resultat för invånarna och verksamhetens processer.",
    "Indikatorerna hämtas i första hand från verksamhetssystemet och från Kolada.",
    "Risker i omställningen hanteras i styrgruppen och rapporteras till nämnden.",
    "En kommunikationsplan beskriver hur invånare, medarbetare och politiker informeras.",
    "Tillit mellan invånare och socialtjänst byggs genom bemötande, tydlighet och närvaro.",
    "Den sociala barn- och ungdomsvården utvecklar arbetet med tidiga och samordnade insatser.",
    "Socialpsykiatrin erbjuder träffpunkter och stöd i vardagen utan biståndsbeslut.",
    "Samarbetet med regionen regleras i gemensamma överenskommelser och rutiner.",
    "Kommunen samarbetar med grannkommunerna kring specialiserade insatser.",
    "Idéburna organisationer är viktiga parter i det förebyggande arbetet.",
    "Skolan och socialtjänsten har gemensamma rutiner för att uppmärksamma elever med hög "
    "frånvaro.",
    "Arbetet följer de nationella riktlinjerna och Socialstyrelsens vägledning.",
    "Digitala verktyg ska göra handläggningen enklare och frigöra tid för möten.",
    "Medarbetarnas arbetsmiljö följs upp särskilt under omställningen.",
    "Kommunen ser omställningen som ett arbete över flera mandatperioder.",
)

HEADINGS = (
    "Utgångspunkter", "Styrkor", "Utvecklingsområden", "Prioriteringar", "Arbetssätt",
    "Barn och unga", "Vuxna", "Äldre", "Uppföljning", "Ansvar och roller", "Resurser",
    "Erfarenheter hittills", "Nästa steg",
)  # fmt: skip

SECTIONS = (
    "om_kommunen", "nulage", "malbild", "vagen_framat", "styrning", "samverkan",
    "kompetens", "kommunikation", "uppfoljning", "risker",
)  # fmt: skip

GOAL_TITLES = (
    "Fler barn, unga och familjer får stöd tidigt",
    "Socialtjänsten är lätt att nå för vuxna",
    "Insatserna vilar på kunskap och följs upp",
    "Stödet är jämlikt och jämställt",
    "Fler får stöd utan individuell behovsprövning",
    "Samverkan med regionen och skolan fungerar",
    "Medarbetarna har kompetens för förebyggande arbete",
    "Invånarna känner förtroende för socialtjänsten",
    "Färre unga riskerar att dras in i kriminalitet",
    "Äldre får enklare stöd i vardagen",
)
FOCUS = (
    "forebyggande_och_latt_tillganglig", "forebyggande_och_latt_tillganglig",
    "kunskapsbaserad", "jamlik_och_jamstalld", "forebyggande_och_latt_tillganglig",
    "styrning_och_ledning", "kunskapsbaserad", "jamlik_och_jamstalld",
    "forebyggande_och_latt_tillganglig", "forebyggande_och_latt_tillganglig",
)  # fmt: skip

ACTIVITY_VERBS = (
    "Genomföra", "Ta fram", "Öppna", "Utbilda medarbetare i", "Pröva", "Utvärdera",
    "Införa", "Sprida", "Följa upp", "Besluta om",
)  # fmt: skip
ACTIVITY_OBJECTS = (
    "läges- och behovsanalys", "en första linjens mottagning för barn och familjer",
    "en öppen mottagning för vuxna", "standardiserade bedömningsmetoder",
    "digital kontaktväg för råd och stöd", "föräldraskapsstöd i grupp",
    "skolsociala team", "en gemensam uppföljningsmodell", "insatser utan behovsprövning",
    "information på flera språk", "rutiner för tidiga och samordnade insatser",
    "brukarrevision inom ekonomiskt bistånd",
)  # fmt: skip
OWNERS = (
    "Socialchef", "Enhetschef IFO", "Enhetschef öppenvård", "Strateg socialtjänst",
    "Kvalitetsutvecklare", "Enhetschef ekonomiskt bistånd", "HR-strateg",
    "Kommunikatör", "Enhetschef äldreomsorg", "Enhetschef funktionsstöd",
)  # fmt: skip
STATUSES = ("klar", "pågår", "pågår", "planerad", "planerad", "pausad")

INTERVENTIONS = (
    ("Råd- och stödsamtal för unga", "barn_och_unga"),
    ("Föräldraskapsstöd i grupp", "barn_och_unga"),
    ("Skolsocialt team", "barn_och_unga"),
    ("Fältverksamhet", "barn_och_unga"),
    ("Familjeingången", "barn_och_unga"),
    ("Stödsamtal för vuxna", "skadligt_bruk_och_beroende"),
    ("Öppen mottagning för alkohol och droger", "skadligt_bruk_och_beroende"),
    ("Anhörigstöd vid missbruk", "skadligt_bruk_och_beroende"),
    ("Träffpunkt för socialpsykiatri", "socialpsykiatri"),
    ("Boendestöd utan biståndsbeslut", "socialpsykiatri"),
    ("Stödsamtal vid våld i nära relation", "vald_i_nara_relationer"),
    ("Rådgivning till våldsutsatta", "vald_i_nara_relationer"),
    ("Samtal för den som utövar våld", "vald_i_nara_relationer"),
    ("Trygghetsringning", "aldreomsorg"),
    ("Träffpunkt för äldre", "aldreomsorg"),
    ("Enklare hemtjänst utan behovsprövning", "aldreomsorg"),
    ("Budget- och skuldrådgivning", "ekonomiskt_bistand"),
    ("Stöd till arbete och studier", "ekonomiskt_bistand"),
    ("Digital rådgivning om ekonomi", "ekonomiskt_bistand"),
    ("Ledsagning vid fritidsaktiviteter", "funktionsnedsattning"),
    ("Daglig sysselsättning på öppen träffpunkt", "funktionsnedsattning"),
    ("Stöd till anhöriga", "funktionsnedsattning"),
    ("Socialtjänstens kontaktcenter", "overgripande"),
    ("Mötesplats i bostadsområdet", "overgripande"),
    ("Medborgarkontor med socialtjänst", "overgripande"),
    ("Digital chatt med socialtjänsten", "overgripande"),
    ("Uppsökande arbete i glesbygd", "overgripande"),
    ("Samtalsgrupp för unga vuxna", "barn_och_unga"),
    ("Stöd vid hemmasittande", "barn_och_unga"),
    ("Mentorprogram för unga", "barn_och_unga"),
)
PARTNERS = (
    ("Elevhälsan", "Skolsociala team och gemensamma rutiner vid hög frånvaro"),
    ("Regionen – vårdcentraler och BUP", "Överenskommelse om tidiga och samordnade insatser"),
    ("Polisen, lokalpolisområdet", "Samverkansöverenskommelse och gemensam lägesbild"),
    ("Fritidsförvaltningen", "Fältverksamhet i samarbete med fritidsgårdarna"),
    ("Föreningar och trossamfund", "Idéburet offentligt partnerskap"),
    ("Arbetsförmedlingen", "Gemensamma insatser för arbete och studier"),
)


def select_kommuner(count: int) -> list[Kommun]:
    """The municipalities of a region of `count`: Klippan, nordvästra Skåne, Stockholm, all."""
    every = all_kommuner()
    if count == 1:
        return [k for k in every if k.name == "Klippan"]
    if count == len(NV_SKANE):
        return [k for k in every if k.name in NV_SKANE]
    stockholm = [k for k in every if k.county_code == "01"]
    if count == len(stockholm):
        return stockholm
    return list(every[:count])


class _Writer:
    """Draws sentences and Markdown for one municipality, reproducibly."""

    def __init__(self, kommun: Kommun) -> None:
        self.rng = random.Random(int(kommun.code))
        self.name = kommun.name

    def sentence(self) -> str:
        text = self.rng.choice(SENTENCES).format(kommun=self.name)
        roll = self.rng.random()
        if roll < 0.03:
            keys = self.rng.sample(CITE_KEYS, self.rng.choice((1, 1, 2)))
            text = text[:-1] + " [" + "; ".join(f"@{k}" for k in keys) + "]."
        elif roll < 0.09:
            words = text.split(" ")
            i = self.rng.randrange(1, len(words) - 1)
            words[i] = f"**{words[i]}**" if roll < 0.06 else f"*{words[i]}*"
            text = " ".join(words)
        elif roll < 0.10:
            text = text[:-1] + " (se [Socialstyrelsen](https://www.socialstyrelsen.se/))."
        return text

    def paragraph(self, low: int = 4, high: int = 7) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def bullets(self, ordered: bool = False) -> str:
        items = []
        for n in range(self.rng.randint(3, 6)):
            marker = f"{n + 1}." if ordered else "-"
            items.append(f"{marker} {self.sentence()}")
        return "\n".join(items)

    def table(self) -> str:
        rows = ["| Område | Läge 2025 | Mål 2028 |", "|---|---|---|"]
        for label in self.rng.sample(HEADINGS, 3):
            rows.append(f"| {label} | {self.rng.randint(5, 60)} % | {self.rng.randint(40, 95)} % |")
        return "\n".join(rows)

    def section_text(self, words: int) -> str:
        """A section's Markdown; drawn again while a part of it is too hard to read (LIX)."""
        while True:
            text = self._section_text(words)
            if not hard_sections(text):
                return text

    def _section_text(self, words: int) -> str:
        blocks: list[str] = [self.paragraph()]
        count = len(blocks[0].split())
        while count < words:
            roll = self.rng.random()
            if roll < 0.22:
                block = f"### {self.rng.choice(HEADINGS)}"
            elif roll < 0.38:
                block = self.bullets(ordered=roll < 0.26)
            elif roll < 0.41:
                block = "> " + self.sentence()
            elif roll < 0.43:
                block = self.table()
            else:
                block = self.paragraph()
            blocks.append(block)
            count += len(block.split())
        return "\n\n".join(blocks)


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else "" for line in text.split("\n"))


def municipality_yaml(kommun: Kommun, *, words: int = 8_000, activities: int = 40) -> str:
    """The YAML of one municipality's plan: ten sections, 10 goals, 40 activities, 30 insatser.

    The first indicator of every goal has a unit, a direction, yearly targets and outcomes for
    2025, 2026H1 and 2026, so a follow-up report for 2026 draws ten charts.
    """
    w = _Writer(kommun)
    per_section = words // len(SECTIONS)
    out = [
        f"kommun: {kommun.name}",
        f'kommunkod: "{kommun.code}"',
        "nämnd: Socialnämnden",
        "status: utkast",
        f'version: "0.{w.rng.randint(1, 9)}"',
        "kontakt:",
        "  namn: Kim Exempelsson",
        "  roll: Verksamhetsutvecklare",
        f"  epost: kim.exempelsson@{kommun.slug}.example",
        "",
        "avsnitt:",
    ]
    for section in SECTIONS:
        out += [f"  - id: {section}", "    text: |", _indent(w.section_text(per_section), 6)]
    out += ["", "mål:"]
    for i, (title, focus) in enumerate(zip(GOAL_TITLES, FOCUS, strict=True), start=1):
        out += [
            f"  - id: M{i}",
            f"    rubrik: {title}",
            f"    beskrivning: {w.paragraph(2, 3)}",
            f"    fokusområde: {focus}",
            "    indikatorer:",
        ]
        for k in range(2):
            base = w.rng.randint(5, 50)
            target = base + w.rng.randint(5, 40)
            out += [
                f"      - namn: Andel invånare som nås av insatser inom mål {i}, mått {k + 1}",
                f"        utgångsvärde: {base} %",
                f"        målvärde: {target} %",
                f"        år: {2028 if k == 0 else w.rng.randint(2026, 2028)}",
                "        källa: Eget verksamhetssystem",
            ]
            if k == 0:
                out += _outcomes(w.rng, base, target)
    out += ["", "aktiviteter:"]
    for i in range(1, activities + 1):
        start_year = w.rng.randint(2025, 2027)
        start_month = w.rng.randint(1, 12)
        end_year = w.rng.randint(start_year, 2028)
        end_month = w.rng.randint(start_month if end_year == start_year else 1, 12)
        goals = sorted({((i - 1) % 10) + 1, w.rng.randint(1, 10)})
        out += [
            f"  - id: A{i}",
            f"    rubrik: {w.rng.choice(ACTIVITY_VERBS)} {w.rng.choice(ACTIVITY_OBJECTS)}",
            f"    mål: [{', '.join(f'M{g}' for g in goals)}]",
            f"    ansvarig: {w.rng.choice(OWNERS)}",
            f'    start: "{start_year}-{start_month:02d}"',
            f'    slut: "{end_year}-{end_month:02d}"',
            f"    status: {w.rng.choice(STATUSES)}",
        ]
        if i % 4 == 0:
            out.append(f"    beskrivning: {w.paragraph(2, 3)}")
    out += ["", "insatser:"]
    for name, area in INTERVENTIONS:
        out += [
            f"  - namn: {name}",
            f"    område: {area}",
            f"    nivå: {w.rng.choice(('universell', 'selektiv', 'indikerad'))}",
            f"    utan_behovsprövning: {'true' if w.rng.random() < 0.7 else 'false'}",
            f"    villkor: Upp till {w.rng.randint(3, 10)} samtal eller träffar",
            f"    digital: {'true' if w.rng.random() < 0.2 else 'false'}",
            f"    läge: {w.rng.choice(('finns', 'finns', 'planeras'))}",
        ]
    out += ["", "samverkan:"]
    for partner, form in PARTNERS:
        out += [f"  - part: {partner}", f"    form: {form}"]
    return "\n".join(out) + "\n"


def _outcomes(rng: random.Random, base: int, target: int) -> list[str]:
    """Unit, direction, a target per year and three outcomes of one indicator (as YAML)."""
    step = (target - base) / 4
    years = range(2025, 2029)
    targets = ", ".join(f'"{year}": {round(base + step * (year - 2024))}' for year in years)
    lines = [
        '        enhet: "%"',
        "        riktning: högre",
        f"        målvärden: {{{targets}}}",
        "        utfall:",
    ]
    value = float(base)
    for period in ("2025", "2026H1", "2026"):
        value += step * rng.uniform(0.3, 1.2)
        lines += [
            f"          - period: {period}",
            f"            värde: {value:.1f}",
            "            källa: Eget verksamhetssystem",
        ]
    return lines


CONFIG = """\
region: {region}
plan:
  titel: Omställningsplan – ny socialtjänstlag
  period: {{start: 2025, slut: 2028}}
inledning: [syfte, lagen, angransande_lagstiftning, tidiga_insatser]
krav:
  avsnitt: [nulage, vagen_framat, styrning, samverkan, uppfoljning]
  mål: true
  aktiviteter: true
export:
  format: [docx, md]
"""


def generate_region(out: Path, count: int, *, words: int = 8_000, activities: int = 40) -> Path:
    """Write a region of `count` municipalities into `out` (replacing what was there).

    `activities` makes long plans (every fourth activity has a description).
    """
    if out.exists():
        shutil.rmtree(out)
    (out / "kommuner").mkdir(parents=True)
    region = SIZES.get(count, f"Benchmark {count}")
    (out / "omstallning.yaml").write_text(CONFIG.format(region=region), encoding="utf-8")
    shutil.copytree(EXAMPLE / "inledning", out / "inledning")
    for name in ("begrepp.yaml", "kallor.yaml"):
        shutil.copy2(EXAMPLE / name, out / name)
    for kommun in select_kommuner(count):
        path = out / "kommuner" / f"{kommun.slug}.yaml"
        text = municipality_yaml(kommun, words=words, activities=activities)
        path.write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the region into")
    parser.add_argument("--kommuner", type=int, default=1, help="1, 11, 26 or 290 (or any n)")
    parser.add_argument("--words", type=int, default=8_000, help="own words per municipality")
    parser.add_argument("--aktiviteter", type=int, default=40, help="activities per plan")
    args = parser.parse_args(argv)
    generate_region(args.out, args.kommuner, words=args.words, activities=args.aktiviteter)
    print(f"Wrote {args.kommuner} municipalities to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The rule registry: `@rule`, `@municipality_rule`, running them, and every rule code.

A region rule (`@rule`) takes the loaded region with its source maps; a municipality rule
(`@municipality_rule`) looks at one municipality file and what the region shares, so
municipalities can be checked in worker processes, each as it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from omstallning.findings import Finding, Severity
from omstallning.load.loader import LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry

Rule = Callable[[LoadResult], Iterator[Finding]]
MunicipalityRule = Callable[[LoadResult, MunicipalityEntry, SourceMap | None], Iterator[Finding]]
RULES: list[Rule] = []
MUNICIPALITY_RULES: list[MunicipalityRule] = []

E, W = Severity.ERROR, Severity.WARNING


def rule(fn: Rule) -> Rule:
    """Register a region rule."""
    RULES.append(fn)
    return fn


def municipality_rule(fn: MunicipalityRule) -> MunicipalityRule:
    """Register a rule that checks one municipality at a time."""
    MUNICIPALITY_RULES.append(fn)
    return fn


def run_region_rules(result: LoadResult) -> list[Finding]:
    """The region rules: the shared files, and what spans municipalities."""
    out: list[Finding] = []
    for each in RULES:
        out.extend(each(result))
    return out


def check_municipality(
    shared: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> list[Finding]:
    """The municipality rules for one municipality (`shared`: what the region shares)."""
    out: list[Finding] = []
    for each in MUNICIPALITY_RULES:
        out.extend(each(shared, entry, sm))
    return out


def at(
    sm: SourceMap | None,
    file: str,
    path: tuple[str | int, ...],
    code: str,
    severity: Severity,
    message: str,
    *,
    key: bool = False,
    subject: tuple[str | int, ...] | None = None,
) -> Finding:
    """A finding at `path` of a file (at the key with `key`), or at its top without a map.

    Its subject is `path` unless given.
    """
    about = path if subject is None else subject
    if sm is None:
        return Finding(file, 1, 1, code, severity, message, about)
    line, col = sm.key_pos(path) if key else sm.pos(path)
    return Finding(file, line, col, code, severity, message, about)


def municipalities(result: LoadResult) -> Iterator[tuple[MunicipalityEntry, SourceMap | None]]:
    """Each municipality of the region with its source map."""
    for entry in result.region.municipalities:
        yield entry, result.maps.get(entry.file)


RULE_CODES: dict[str, tuple[Severity, str]] = {
    # code: (severity, what it means) — the table in README.md is generated from this.
    "yaml-syntax": (E, "YAML eller front matter som inte går att läsa"),
    "dubblett-nyckel": (E, "samma nyckel två gånger i en mappning"),
    "okand-nyckel": (E, "okänd nyckel (med förslag: mal → mål)"),
    "saknat-falt": (E, "ett obligatoriskt fält saknas"),
    "fel-typ": (E, "fel typ, t.ex. en lista där en mappning ska stå"),
    "tomt-varde": (E, "ett obligatoriskt fält är tomt"),
    "ogiltigt-varde": (E, "ett värde utanför de tillåtna (som listas)"),
    "yaml-tolkning": (E, "ett ociterat värde som YAML tolkar som sant/falskt, tal eller datum"),
    "otillatet-tecken": (E, "styrtecken som YAML och Word förbjuder"),
    "inte-utf8": (E, "filen är inte sparad som UTF-8"),
    "oläsbar": (E, "filen går inte att läsa"),
    "tom-fil": (E, "tom fil"),
    "for-stor": (E, "filen är för stor eller för djupt nästlad, eller för många kommunfiler"),
    "front-matter": (E, "inledningsdel utan front matter"),
    "mall-fel": (E, "export.mall saknas, är ingen Word-fil eller ligger utanför repot"),
    "logotyp-fel": (E, "export.logotyp saknas, är ingen bild eller ligger utanför repot"),
    "okant-mal": (E, "en aktivitet hänvisar till ett mål som inte finns"),
    "okand-kalla": (E, "[@nyckel] som inte finns i kallor.yaml"),
    "bild-fel": (
        E,
        "en bild i texten saknas, ligger utanför repot, är för stor eller ingen PNG/JPEG/SVG",
    ),
    "okand-del": (E, "inledning listar en del som inte finns"),
    "dubblett-id": (E, "samma id två gånger"),
    "okand-kommun": (E, "kommunnamnet finns inte i SCB:s lista"),
    "fel-kommunkod": (E, "kommunkoden är inte kommunens officiella kod"),
    "ogiltigt-datum": (E, "ett datum som inte finns (2025-13)"),
    "slut-fore-start": (E, "en aktivitet eller planperiod slutar före den börjar"),
    "avsnitt-saknas": (E, "ett avsnitt som regionen kräver saknas"),
    "tomt-avsnitt": (E, "ett avsnitt som regionen kräver är tomt"),
    "del-saknas": (E, "en av inledningens fyra delar saknas"),
    "tom-del": (E, "en inledningsdel är tom"),
    "mal-saknas": (E, "regionen kräver mål men filen har inga"),
    "aktiviteter-saknas": (E, "regionen kräver aktiviteter men filen har inga"),
    "beslut-saknas": (E, "status beslutad utan beslut"),
    "platshallare": (W, "platshållartext kvar (TODO, XXX, ATT SKRIVA:)"),
    "utanfor-perioden": (W, "en aktivitet utanför planperioden"),
    "ansvarig-saknas": (W, "en aktivitet utan ansvarig"),
    "aktivitet-utan-mal": (W, "en aktivitet som inte är kopplad till något mål"),
    "mal-utan-aktivitet": (W, "ett mål som ingen aktivitet bidrar till"),
    "mal-utan-indikator": (W, "ett mål utan indikator"),
    "malvarde-saknas": (W, "en indikator utan målvärde"),
    "filnamn": (W, "filens namn stämmer inte med kommunen"),
    "utdata-namn": (
        E,
        "filnamnet ger inget eget dokument: två filer skulle ge samma (klippan.yaml och "
        "klippan.yml), eller namnet har styrtecken",
    ),
    "for-bred-tabell": (E, "en tabell med fler kolumner än Words 63"),
    "osaker-lank": (W, "en länk som inte är http, https eller mailto och blir vanlig text"),
    "bild-lank": (W, "en bild som Word inte visar (SVG) eller som ligger på webben"),
    "del-ej-listad": (W, "en inledningsdel som inte står i inledning och lämnas utanför"),
    "reform-kontrollera": (W, "en reform i reformer.yaml vars startdatum har passerat"),
    "kunskapslage-gammalt": (W, "en inledningsdels kunskapsläge är mer än ett år gammalt"),
    "lang-mening": (W, "en mening med fler än 35 ord (klarspråk)"),
    "svar-text": (W, "ett avsnitt med läsbarhetsindex LIX över 60 (klarspråk)"),
    "oforklarad-forkortning": (W, "en förkortning som varken texten eller begrepp.yaml förklarar"),
    "hart-mellanslag": (E, "hårt mellanslag (U+00A0) där YAML kräver ett vanligt (validate --fix)"),
    "typografiska-citattecken": (
        W,
        'ett värde inom ” ” från Word i stället för " " (validate --fix)',
    ),
    "punkttecken": (W, "en textrad som börjar med • i stället för - (validate --fix)"),
    "kommentar-i-text": (W, "text efter ” #” i ett ociterat värde, som YAML läser som kommentar"),
    "undermapp": (W, "en mapp i kommuner/, vars filer inte läses"),
    "okant-avsnitt": (E, "krav.avsnitt har ett id som liknar ett standardavsnitt (stavfel)"),
    "paket-saknas": (W, "CI-filen säger inte var omstallning ska installeras från"),
}

"""Validation rules that look across a whole region (SPEC §3).

The loader has already checked each file's structure against its model; these rules check
what a model cannot: references between files, ids, codes, dates, required content and the
warnings. A region rule (`@rule`) takes the loaded region with its source maps; a
municipality rule (`@municipality_rule`) looks at one municipality file and what the region
shares, so municipalities can be checked in worker processes, each as it is loaded.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from omstallning import kommuner
from omstallning.findings import Finding, Severity, sort_findings
from omstallning.load.loader import (
    CONFIG_FILE,
    GLOSSARY_FILE,
    SOURCES_FILE,
    LoadedMunicipality,
    LoadResult,
    add_municipality,
    load_municipality,
    load_shared,
    municipality_paths,
)
from omstallning.load.yaml_source import SourceMap
from omstallning.model import (
    INTRO_PARTS,
    PLACEHOLDER_WORDS,
    STANDARD_SECTIONS,
    MunicipalityEntry,
)
from omstallning.text import fold

if TYPE_CHECKING:
    from omstallning.workers import Workers

Rule = Callable[[LoadResult], Iterator[Finding]]
MunicipalityRule = Callable[[LoadResult, MunicipalityEntry, SourceMap | None], Iterator[Finding]]
RULES: list[Rule] = []
MUNICIPALITY_RULES: list[MunicipalityRule] = []

E, W = Severity.ERROR, Severity.WARNING
_PLACEHOLDER_RE = re.compile(
    "|".join(
        rf"(?<![\w]){re.escape(w)}(?![\w])" if w[-1].isalnum() else re.escape(w)
        for w in PLACEHOLDER_WORDS
    )
)


# "@" and a key as `markdown_text._scan_citation` reads it (its _KEY_FIRST, _KEY_CHARS),
# wherever it stands.
_KEY_ANYWHERE = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*)")


def possible_citation_keys(text: str) -> set[str]:
    """Every key `find_citations` could find in `text`, and perhaps more.

    A key is read from the source text as it stands, so each one appears there as `@key`;
    this finds them all without parsing (in code spans too). When all of these are known,
    no citation in the text can be unknown and the parse is skipped; a region whose
    citations are all known never imports the Markdown parser (`validate` starts sooner).
    A property test holds this against `find_citations`.
    """
    return {m.group(1).rstrip(".:") for m in _KEY_ANYWHERE.finditer(text)}


_PLACEHOLDER_WORDS_UTF8 = tuple(word.encode() for word in PLACEHOLDER_WORDS)


def _may_hold_placeholder(text: str | bytes) -> bool:
    # Plain substring tests are a hundred times faster than the regex over a long text.
    if isinstance(text, bytes):
        return any(word in text for word in _PLACEHOLDER_WORDS_UTF8)
    return any(word in text for word in PLACEHOLDER_WORDS)


def rule(fn: Rule) -> Rule:
    """Register a region rule."""
    RULES.append(fn)
    return fn


def municipality_rule(fn: MunicipalityRule) -> MunicipalityRule:
    """Register a rule that checks one municipality at a time."""
    MUNICIPALITY_RULES.append(fn)
    return fn


def run_rules(result: LoadResult) -> list[Finding]:
    """Run every registered rule over a loaded region."""
    out = run_region_rules(result)
    for entry, sm in _municipalities(result):
        out += check_municipality(result, entry, sm)
    return out


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


def load_and_check(shared: LoadResult, path: Path) -> LoadedMunicipality:
    """Load one municipality file and run the municipality rules on it.

    Its findings are those of both, so that the file can be loaded and checked in a worker
    process; its source map is then no longer needed but for the region rules.
    """
    loaded = load_municipality(shared.region.root, path)
    if loaded.entry is not None:
        loaded.findings += check_municipality(shared, loaded.entry, loaded.source)
    return loaded


# What the region rules read of a municipality's source map, when it was checked elsewhere.
REGION_RULE_PATHS: tuple[tuple[str | int, ...], ...] = (("kommun",),)
# Municipality files per task in a worker: small enough to share the work out evenly.
FILES_PER_TASK = 4


def validate_region(root: Path, workers: Workers | None = None) -> tuple[LoadResult, list[Finding]]:
    """Load a region and check it: every finding of every file, sorted.

    With `workers`, municipality files are loaded and checked in worker processes when
    there are enough of them to gain by it; the result is the same.

    Raises:
        NotARegionError: `root` is not a regional repository.
    """
    result = load_shared(root)
    for loaded in _load_and_check_all(result, municipality_paths(root), workers):
        add_municipality(result, loaded)
    return result, sort_findings(result.findings + run_region_rules(result))


def _load_and_check_all(
    shared: LoadResult, paths: list[Path], workers: Workers | None
) -> Iterator[LoadedMunicipality]:
    """Every file of `paths` loaded and checked, in order; in `workers` where worth it."""
    done = 0
    if workers is not None and workers.start(
        shared.region, len(paths), config_ok=shared.config_ok, light=True
    ):
        from omstallning.workers import WorkerError

        tasks = [paths[i : i + FILES_PER_TASK] for i in range(0, len(paths), FILES_PER_TASK)]
        try:
            for loaded in workers.ordered(_load_and_check_in_worker, tasks):
                yield from loaded
                done += len(loaded)
        except WorkerError:
            pass  # the files not yet loaded are loaded here
    for path in paths[done:]:
        yield load_and_check(shared, path)


def _load_and_check_in_worker(paths: list[Path]) -> list[LoadedMunicipality]:
    """`load_and_check` for each file, in a worker process.

    Of each source map only what the region rules read is sent back: the whole maps would
    cost more to send than to make.
    """
    import gc

    from omstallning.workers import shared

    gc.disable()  # as in the main process: loading makes many objects and no cycles
    try:
        out = [load_and_check(shared(), path) for path in paths]
    finally:
        gc.enable()
    for loaded in out:
        if loaded.source is not None:
            loaded.source = loaded.source.only(REGION_RULE_PATHS)
    return out


def _at(
    sm: SourceMap | None,
    file: str,
    path: tuple[str | int, ...],
    code: str,
    severity: Severity,
    message: str,
    *,
    key: bool = False,
) -> Finding:
    if sm is None:
        return Finding(file, 1, 1, code, severity, message)
    line, col = sm.key_pos(path) if key else sm.pos(path)
    return Finding(file, line, col, code, severity, message)


def _municipalities(result: LoadResult) -> Iterator[tuple[MunicipalityEntry, SourceMap | None]]:
    for entry in result.region.municipalities:
        yield entry, result.maps.get(entry.file)


# --- The introduction ----------------------------------------------------------------------


@rule
def intro_parts(result: LoadResult) -> Iterator[Finding]:
    """Every standard part exists, is listed, is not empty; listed ids exist; ids are unique."""
    region = result.region
    cfg_map = result.maps.get(CONFIG_FILE)
    listed = region.config.intro if result.config_ok else list(INTRO_PARTS)
    by_id: dict[str, str] = {}
    for part in region.intro_parts:
        fm = result.maps.get(part.file)
        if part.id in by_id:
            yield _at(
                fm,
                part.file,
                ("id",),
                "dubblett-id",
                E,
                f"Inledningsdelen ”{part.id}” finns redan i {by_id[part.id]}. Ge den här "
                "delen ett eget id.",
            )
            continue
        by_id[part.id] = part.file
        if not part.text.strip():
            yield Finding(
                part.file,
                part.body_line,
                1,
                "tom-del",
                E,
                f"Inledningsdelen ”{part.id}” har ingen text. Skriv texten under front matter.",
            )
        if part.id not in listed:
            yield _at(
                fm,
                part.file,
                ("id",),
                "del-ej-listad",
                W,
                f"Delen ”{part.id}” står inte under inledning i omstallning.yaml och "
                "kommer inte med i planen. Lägg till den där, eller ta bort filen.",
            )
    if not result.config_ok:
        return
    seen: set[str] = set()
    for i, part_id in enumerate(listed):
        if part_id in seen:
            yield _at(
                cfg_map,
                CONFIG_FILE,
                ("inledning", i),
                "dubblett-id",
                E,
                f"”{part_id}” står två gånger under inledning. Ta bort den ena.",
            )
        seen.add(part_id)
        if part_id not in by_id:
            yield _at(
                cfg_map,
                CONFIG_FILE,
                ("inledning", i),
                "okand-del",
                E,
                f"Inledningsdelen ”{part_id}” finns inte: ingen fil i inledning/ har "
                f"”id: {part_id}” i sin front matter. Skapa filen eller rätta id:t.",
            )
    for part_id, title in INTRO_PARTS.items():
        if part_id not in listed:
            yield _at(
                cfg_map,
                CONFIG_FILE,
                ("inledning",),
                "del-saknas",
                E,
                f"Den gemensamma inledningen måste ha delen ”{part_id}” ({title}). "
                f"Lägg till {part_id} under inledning i omstallning.yaml.",
                key=True,
            )


@rule
def config_consistency(result: LoadResult) -> Iterator[Finding]:
    """The period runs forward; the template and logo are safe, real files."""
    if not result.config_ok:
        return
    cfg = result.region.config
    sm = result.maps.get(CONFIG_FILE)
    if cfg.plan.period.end < cfg.plan.period.start:
        yield _at(
            sm,
            CONFIG_FILE,
            ("plan", "period", "slut"),
            "slut-fore-start",
            E,
            f"Planperioden slutar ({cfg.plan.period.end}) före den börjar "
            f"({cfg.plan.period.start}). Byt plats på åren.",
        )
    root = result.region.root
    if cfg.export.template:
        problem = check_template(root, cfg.export.template)
        if problem:
            yield _at(sm, CONFIG_FILE, ("export", "mall"), "mall-fel", E, problem)
    if cfg.export.logo:
        problem = check_logo(root, cfg.export.logo)
        if problem:
            yield _at(sm, CONFIG_FILE, ("export", "logotyp"), "logotyp-fel", E, problem)
    for i, section_id in enumerate(cfg.requirements.sections):
        if not re.fullmatch(r"[a-z0-9_]+", section_id):
            yield _at(
                sm,
                CONFIG_FILE,
                ("krav", "avsnitt", i),
                "ogiltigt-varde",
                E,
                f"”{section_id}” är inget giltigt avsnitts-id. Använd små bokstäver a–z, "
                "siffror och _ (t.ex. vagen_framat).",
            )


def resolve_inside(root: Path, relative: str) -> tuple[Path | None, str | None]:
    """Resolve a path from omstallning.yaml; refuse anything that leaves the repository."""
    if Path(relative).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", relative):
        return None, (
            f"Sökvägen ”{relative}” är absolut. Ange den relativt regionens repo, "
            "t.ex. mall/reference.docx."
        )
    candidate = root / relative
    try:
        real = candidate.resolve()
        real.relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None, (
            f"Sökvägen ”{relative}” pekar ut ur regionens repo. Lägg filen i repot, "
            "t.ex. i mappen mall/, och ange den relativt repot."
        )
    try:
        is_file = real.is_file()
    except OSError:  # a name too long for the file system, and the like
        is_file = False
    if not is_file:
        return (
            None,
            f"Filen ”{relative}” finns inte i regionens repo. Lägg dit den eller rätta sökvägen.",
        )
    return real, None


def check_template(root: Path, relative: str) -> str | None:
    """Why a Word template cannot be used, or None when it can."""
    path, problem = resolve_inside(root, relative)
    if path is None:
        return problem
    if path.suffix.lower() not in (".docx", ".dotx"):
        return f"Mallen ”{relative}” ska vara en Word-fil (.docx eller .dotx)."
    try:
        with zipfile.ZipFile(path) as zf:
            types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
            zf.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return (
            f"”{relative}” är ingen giltig Word-fil. Öppna den i Word och spara den som "
            "Word-dokument (.docx) eller Word-mall (.dotx)."
        )
    if "wordprocessingml" not in types:
        return f"”{relative}” är en Office-fil men inget Word-dokument."
    return None


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def check_logo(root: Path, relative: str) -> str | None:
    """Why a logo cannot be used, or None when it can."""
    path, problem = resolve_inside(root, relative)
    if path is None:
        return problem
    try:
        head = path.read_bytes()[:8]
    except OSError:
        return f"Logotypen ”{relative}” går inte att läsa."
    if not head.startswith(_IMAGE_MAGIC):
        return (
            f"”{relative}” är ingen bild i PNG-, JPEG- eller GIF-format. Spara logotypen som PNG."
        )
    return None


# --- Citations -----------------------------------------------------------------------------


def _yaml_texts(entry: MunicipalityEntry) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every Markdown-bearing text of a municipality, with its YAML path."""
    plan = entry.plan
    for i, s in enumerate(plan.sections):
        yield ("avsnitt", i, "text"), s.text
    for i, g in enumerate(plan.goals):
        if g.description:
            yield ("mål", i, "beskrivning"), g.description
    for i, a in enumerate(plan.activities):
        if a.description:
            yield ("aktiviteter", i, "beskrivning"), a.description
    for i, v in enumerate(plan.interventions):
        for key, value in (("villkor", v.conditions), ("beskrivning", v.description)):
            if value:
                yield ("insatser", i, key), value
    for i, c in enumerate(plan.collaboration):
        for key, value in (("form", c.form), ("beskrivning", c.description)):
            if value:
                yield ("samverkan", i, key), value


TextPosition = Callable[[int, int], tuple[int, int]]


def _in_body(body_line: int) -> TextPosition:
    return lambda line, col: (body_line + line - 1, col)


def _in_scalar(sm: SourceMap, path: tuple[str | int, ...]) -> TextPosition:
    return lambda line, col: sm.text_pos(path, line, col)


def shared_texts(result: LoadResult) -> Iterator[tuple[str, str, TextPosition]]:
    """The introduction's and the glossary's Markdown texts, which every plan shares.

    Each as (file, text, map from a position in the text to one in the file).
    """
    region = result.region
    for part in region.intro_parts:
        yield part.file, part.text, _in_body(part.body_line)
    gsm = result.maps.get(GLOSSARY_FILE)
    if gsm is not None:
        for term, definition in region.glossary.items():
            yield GLOSSARY_FILE, definition, _in_scalar(gsm, (term,))


def municipality_texts(
    entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[tuple[str, str, TextPosition]]:
    """The Markdown texts of one municipality file, as `shared_texts` gives them."""
    if sm is not None:
        for path, text in _yaml_texts(entry):
            yield entry.file, text, _in_scalar(sm, path)


@rule
def citations(result: LoadResult) -> Iterator[Finding]:
    """Every [@key] in the introduction and the glossary names a source in kallor.yaml."""
    return _unknown_citations(result, shared_texts(result))


@municipality_rule
def municipality_citations(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Every [@key] in a municipality's texts names a source in kallor.yaml."""
    return _unknown_citations(result, municipality_texts(entry, sm))


def _unknown_citations(
    result: LoadResult, texts: Iterator[tuple[str, str, TextPosition]]
) -> Iterator[Finding]:
    known = result.region.sources
    sources_exist = (result.region.root / SOURCES_FILE).is_file()
    for file, text, where in texts:
        if "[@" not in text or possible_citation_keys(text) <= known.keys():
            continue  # no citation, or none that could be unknown: no need to parse
        from omstallning.documents.markdown_text import find_citations

        for key, line, col in find_citations(text):
            if key in known:
                continue
            fline, fcol = where(line, col)
            hint = (
                f"Lägg till ”{key}” i {SOURCES_FILE}"
                if sources_exist
                else f"Skapa {SOURCES_FILE} med källan ”{key}”"
            )
            close = [k for k in known if fold(k) == fold(key)]
            fix = f" Menade du @{close[0]}?" if close else ""
            yield Finding(
                file,
                fline,
                fcol,
                "okand-kalla",
                E,
                f"Källan ”@{key}” finns inte i {SOURCES_FILE}.{fix} {hint}, eller rätta nyckeln.",
            )


@rule
def placeholders(result: LoadResult) -> Iterator[Finding]:
    """Placeholder text left in the introduction or the glossary (TODO, XXX, …)."""
    for file, text, where in shared_texts(result):
        if not _may_hold_placeholder(text):
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            m = _PLACEHOLDER_RE.search(line)
            if m:
                yield _placeholder(file, *where(number, m.start() + 1), m.group())


@municipality_rule
def municipality_placeholders(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Placeholder text left in a municipality file (TODO, XXX, the scaffold's hints).

    Every field counts (titles, owners, indicator names), so the lines themselves are
    scanned rather than the texts; comment lines are the author's own notes.
    """
    if sm is None or not _may_hold_placeholder(sm.encoded):
        return
    for number, line in enumerate(sm.lines, start=1):
        m = _PLACEHOLDER_RE.search(line)
        if m and not line.lstrip().startswith("#") and "#" not in line[: m.start()]:
            yield _placeholder(entry.file, number, m.start() + 1, m.group())


def _placeholder(file: str, line: int, column: int, text: str) -> Finding:
    message = f"Platshållartext kvar (”{text}”). Ersätt den med den riktiga texten."
    return Finding(file, line, column, "platshallare", W, message)


# --- Municipalities ------------------------------------------------------------------------


@municipality_rule
def municipality_identity(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """The name is a real municipality, the code is its official code, the file is its slug."""
    plan = entry.plan
    official = kommuner.by_name(plan.name)
    if official is None:
        close = kommuner.suggest(plan.name)
        fix = f" Menade du ”{close[0]}”?" if close else ""
        yield _at(
            sm,
            entry.file,
            ("kommun",),
            "okand-kommun",
            E,
            f"”{plan.name}” finns inte i SCB:s lista över Sveriges 290 kommuner.{fix} "
            "Skriv kommunens namn utan ”kommun” eller ”stad”, t.ex. Klippan.",
        )
        return
    if plan.code != official.code:
        other = kommuner.by_code(plan.code)
        belongs = f" (det är {other.name}s kod)" if other else ""
        yield _at(
            sm,
            entry.file,
            ("kommunkod",),
            "fel-kommunkod",
            E,
            f'Kommunkoden för {official.name} är "{official.code}", inte '
            f'"{plan.code}"{belongs}. Skriv kommunkod: "{official.code}".',
        )
    if entry.slug != official.slug:
        yield Finding(
            entry.file,
            1,
            1,
            "filnamn",
            W,
            f"Filen för {official.name} bör heta {official.slug}.yaml. Byt "
            "namn på filen så att den är lätt att hitta.",
        )


@rule
def one_file_per_municipality(result: LoadResult) -> Iterator[Finding]:
    """No municipality has two files (reads only REGION_RULE_PATHS of their source maps)."""
    seen: dict[str, str] = {}
    for entry, sm in _municipalities(result):
        official = kommuner.by_name(entry.plan.name)
        if official is None:
            continue
        if official.code in seen:
            yield _at(
                sm,
                entry.file,
                ("kommun",),
                "dubblett-id",
                E,
                f"{official.name} har redan en fil: {seen[official.code]}. En kommun "
                "ska bara ha en fil.",
            )
        seen.setdefault(official.code, entry.file)


@municipality_rule
def decision(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """A decided plan says which decision adopted it."""
    if entry.plan.status == "beslutad" and entry.plan.decision is None:
        yield _at(
            sm,
            entry.file,
            ("status",),
            "beslut-saknas",
            E,
            "Planen har status beslutad men inget beslut. Lägg till ”beslut:” med "
            "organ, datum och diarienummer, eller ändra status till utkast eller remiss.",
        )


def _duplicate_ids(
    sm: SourceMap | None, file: str, block: str, ids: list[str], what: str
) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for i, item_id in enumerate(ids):
        if item_id in first:
            yield _at(
                sm,
                file,
                (block, i, "id"),
                "dubblett-id",
                E,
                f"{what} ”{item_id}” finns redan ({block}[{first[item_id]}]). Ge den här "
                "ett eget id.",
            )
        else:
            first[item_id] = i


@municipality_rule
def ids_and_references(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Ids are unique within a file, and activities point at goals that exist."""
    plan, f = entry.plan, entry.file
    yield from _duplicate_ids(sm, f, "avsnitt", [s.id for s in plan.sections], "Avsnittet")
    yield from _duplicate_ids(sm, f, "mål", [g.id for g in plan.goals], "Målet")
    yield from _duplicate_ids(sm, f, "aktiviteter", [a.id for a in plan.activities], "Aktiviteten")
    goal_ids = [g.id for g in plan.goals]
    for i, activity in enumerate(plan.activities):
        for j, goal_id in enumerate(activity.goals):
            if goal_id not in goal_ids:
                known = ", ".join(goal_ids) or "inga mål ännu"
                yield _at(
                    sm,
                    f,
                    ("aktiviteter", i, "mål", j),
                    "okant-mal",
                    E,
                    f"Aktiviteten {activity.id} hänvisar till målet ”{goal_id}”, som "
                    f"inte finns i filen (definierade mål: {known}).",
                )


@municipality_rule
def required_content(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Required sections are present and not empty; required goals and activities exist."""
    req = result.region.config.requirements
    plan, f = entry.plan, entry.file
    by_id = {s.id: (i, s) for i, s in reversed(list(enumerate(plan.sections)))}
    for section_id in req.sections:
        title = STANDARD_SECTIONS.get(section_id, section_id)
        if section_id == "samverkan" and plan.collaboration:
            continue
        if section_id not in by_id:
            yield _at(
                sm,
                f,
                ("avsnitt",) if sm and sm.exact(("avsnitt",)) else (),
                "avsnitt-saknas",
                E,
                f"Avsnittet ”{section_id}” ({title}) krävs av regionen men saknas. "
                f"Lägg till ”- id: {section_id}” med en text under avsnitt.",
                key=True,
            )
        elif not by_id[section_id][1].text.strip():
            yield _at(
                sm,
                f,
                ("avsnitt", by_id[section_id][0], "text"),
                "tomt-avsnitt",
                E,
                f"Avsnittet ”{section_id}” ({title}) krävs men har ingen text.",
            )
    if req.goals and not plan.goals:
        yield _at(
            sm,
            f,
            ("mål",) if sm and sm.exact(("mål",)) else (),
            "mal-saknas",
            E,
            "Regionen kräver minst ett mål, men filen har inga. Lägg till ”mål:” "
            "med id och rubrik.",
            key=True,
        )
    if req.activities and not plan.activities:
        yield _at(
            sm,
            f,
            ("aktiviteter",) if sm and sm.exact(("aktiviteter",)) else (),
            "aktiviteter-saknas",
            E,
            "Regionen kräver minst en aktivitet, men filen har inga. Lägg till "
            "”aktiviteter:” med id, rubrik och status.",
            key=True,
        )


@municipality_rule
def activity_dates(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Activities end after they start, and fall inside the plan period."""
    period = result.region.config.plan.period if result.config_ok else None
    for i, a in enumerate(entry.plan.activities):
        if a.start and a.end and a.end.last_day() < a.start.first_day():
            yield _at(
                sm,
                entry.file,
                ("aktiviteter", i, "slut"),
                "slut-fore-start",
                E,
                f"Aktiviteten {a.id} slutar ({a.end}) innan den börjar ({a.start}). "
                "Rätta start eller slut.",
            )
        if period is None:
            continue
        if a.start and a.start.year < period.start:
            yield _at(
                sm,
                entry.file,
                ("aktiviteter", i, "start"),
                "utanfor-perioden",
                W,
                f"Aktiviteten {a.id} börjar {a.start}, före planperioden "
                f"{period.start}–{period.end}.",
            )
        if a.end and a.end.year > period.end:
            yield _at(
                sm,
                entry.file,
                ("aktiviteter", i, "slut"),
                "utanfor-perioden",
                W,
                f"Aktiviteten {a.id} slutar {a.end}, efter planperioden "
                f"{period.start}–{period.end}.",
            )


@municipality_rule
def plan_quality(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Warnings that make a plan possible to follow up."""
    plan, f = entry.plan, entry.file
    used = {g for a in plan.activities for g in a.goals}
    for i, a in enumerate(plan.activities):
        if not a.owner:
            yield _at(
                sm,
                f,
                ("aktiviteter", i),
                "ansvarig-saknas",
                W,
                f"Aktiviteten {a.id} saknar ansvarig. Lägg till ”ansvarig:” med en "
                "roll eller enhet.",
            )
        if not a.goals:
            yield _at(
                sm,
                f,
                ("aktiviteter", i),
                "aktivitet-utan-mal",
                W,
                f"Aktiviteten {a.id} är inte kopplad till något mål. Lägg till "
                "”mål: [M1]” med det mål den bidrar till.",
            )
    for i, g in enumerate(plan.goals):
        if g.id not in used:
            yield _at(
                sm,
                f,
                ("mål", i),
                "mal-utan-aktivitet",
                W,
                f"Inget i handlingsplanen bidrar till målet {g.id}. Koppla minst en "
                "aktivitet till det.",
            )
        if not g.indicators:
            yield _at(
                sm,
                f,
                ("mål", i),
                "mal-utan-indikator",
                W,
                f"Målet {g.id} har ingen indikator. Lägg till ”indikatorer:” så att "
                "målet kan följas upp.",
            )
        for j, ind in enumerate(g.indicators):
            if ind.target is None:
                yield _at(
                    sm,
                    f,
                    ("mål", i, "indikatorer", j),
                    "malvarde-saknas",
                    W,
                    f"Indikatorn ”{ind.name}” saknar målvärde. Lägg till ”målvärde:”.",
                )


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
    "for-stor": (E, "filen är för stor eller för djupt nästlad"),
    "front-matter": (E, "inledningsdel utan front matter"),
    "mall-fel": (E, "export.mall saknas, är ingen Word-fil eller ligger utanför repot"),
    "logotyp-fel": (E, "export.logotyp saknas, är ingen bild eller ligger utanför repot"),
    "okant-mal": (E, "en aktivitet hänvisar till ett mål som inte finns"),
    "okand-kalla": (E, "[@nyckel] som inte finns i kallor.yaml"),
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
    "del-ej-listad": (W, "en inledningsdel som inte står i inledning och lämnas utanför"),
}

"""Load a regional repository with every finding.

Find its files, read them with positions, check each against its model, and return the
typed `Region`.

A broken file never stops the others from being read. Only a folder that is not a regional
repository at all stops loading (`NotARegionError`).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omstallning.errors import NotARegionError
from omstallning.findings import Finding, Severity
from omstallning.load import safe_read
from omstallning.load.model_errors import describe_input, validate_model
from omstallning.load.salvage import normalise, salvage
from omstallning.load.yaml_source import ParsedYaml, SourceMap, find_forbidden_chars, parse_yaml
from omstallning.model import (
    INTRO_PARTS,
    IntroFrontMatter,
    IntroPart,
    Municipality,
    MunicipalityEntry,
    Region,
    RegionConfig,
    Source,
)

CONFIG_FILE = "omstallning.yaml"
INTRO_DIR = "inledning"
MUNICIPALITY_DIR = "kommuner"
GLOSSARY_FILE = "begrepp.yaml"
SOURCES_FILE = "kallor.yaml"
MAX_FILE_BYTES = safe_read.TEXT_FILE_BYTES


@dataclass
class LoadResult:
    """The loaded region (None when even omstallning.yaml could not be used) and findings.

    `maps` holds each YAML file's `SourceMap` (and each intro part's front matter), so that
    cross-file rules can point into the files.
    """

    region: Region
    findings: list[Finding] = field(default_factory=list)
    maps: dict[str, SourceMap] = field(default_factory=dict)
    config_ok: bool = True

    def forget_positions(self) -> None:
        """Empty every source map, keeping which files there are.

        Positions serve findings only; for 290 plans they are some hundred megabytes that
        would otherwise stay in memory while the plans render.
        """
        self.maps = {name: SourceMap(name) for name in self.maps}


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _outside_root(path: Path, rel: str) -> bool:
    """True when a symbolic link takes `path` (which is root / rel) out of the repository."""
    root = path.parents[len(Path(rel).parts) - 1]
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop: stat() below reports it
        return False


def read_text(path: Path, rel: str) -> tuple[str | None, list[Finding]]:
    """Read a text file as UTF-8 (a BOM and CRLF are fine); problems become findings."""
    try:
        if _outside_root(path, rel):  # never echo a file from outside (a secret) in a finding
            return None, [
                Finding(
                    rel,
                    0,
                    0,
                    "oläsbar",
                    Severity.ERROR,
                    "Filen är en symbolisk länk som pekar ut ur regionens repo och läses inte. "
                    "Lägg in själva filen i repot i stället för länken.",
                )
            ]
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a folder, or a link to /dev/zero or a pipe
            return None, [
                Finding(
                    rel,
                    0,
                    0,
                    "oläsbar",
                    Severity.ERROR,
                    "Det här är ingen vanlig fil (utan en mapp, en enhet eller en länk till en "
                    "sådan) och läses inte. Ersätt den med en vanlig textfil eller ta bort den.",
                )
            ]
        if info.st_size > MAX_FILE_BYTES:
            return None, [
                Finding(
                    rel,
                    0,
                    0,
                    "for-stor",
                    Severity.ERROR,
                    f"Filen är större än {MAX_FILE_BYTES // 1024 // 1024} MB och "
                    "läses inte. Dela upp den eller ta bort inklistrat material.",
                )
            ]
        raw = safe_read.read_bytes(path, MAX_FILE_BYTES)  # a regular file, capped
    except OSError as err:
        return None, [
            Finding(
                rel,
                0,
                0,
                "oläsbar",
                Severity.ERROR,
                f"Filen går inte att läsa ({err.strerror or err}). "
                "Kontrollera att den finns och att du har läsrätt.",
            )
        ]
    try:
        return decode_text(raw), []
    except UnicodeDecodeError as err:
        prefix = raw[: err.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = prefix.count(b"\n") + 1
        col = len(prefix[prefix.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return None, [
            Finding(
                rel,
                line,
                col,
                "inte-utf8",
                Severity.ERROR,
                "Filen är inte sparad som UTF-8 (troligen Latin-1 eller "
                "Windows-1252, vanligt när text kommer från äldre program). Spara "
                "om den som UTF-8 i din editor; å, ä och ö blir då rätt.",
            )
        ]
    except UnicodeError:
        return None, [
            Finding(
                rel,
                1,
                1,
                "inte-utf8",
                Severity.ERROR,
                "Filen är sparad som UTF-16. Spara om den som UTF-8 "
                "(i VS Code: klicka på ”UTF-16” i statusraden, välj ”Save with "
                "Encoding” och ”UTF-8”).",
            )
        ]


def decode_text(raw: bytes) -> str:
    """A file's bytes as `read_text` reads them: UTF-8 (a BOM dropped), line endings LF.

    Raises:
        UnicodeDecodeError: not UTF-8 (with the position of the first bad byte).
        UnicodeError: UTF-16 (by its byte-order mark).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnicodeError("UTF-16")
    return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


# --- The repository ------------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from a Markdown file.

    Returns (front matter or None, body, the 1-based file line where the body starts).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return "\n".join(lines[1:]), "", len(lines) + 1


def load_region(root: Path) -> LoadResult:
    """Load every file of a regional repository.

    Raises:
        NotARegionError: `root` is not a folder with an `omstallning.yaml`.
    """
    result = load_shared(root)
    for path in municipality_paths(root):
        add_municipality(result, load_municipality(root, path))
    return result


def load_shared(root: Path) -> LoadResult:
    """Load what every plan of the region shares, without any municipality.

    That is omstallning.yaml, the introduction, begrepp.yaml and kallor.yaml; municipality
    files are loaded one by one by `load_municipality`.

    Raises:
        NotARegionError: `root` is not a folder with an `omstallning.yaml`.
    """
    if not root.is_dir():
        raise NotARegionError(f"Mappen {root} finns inte. Ange sökvägen till regionens repo.")
    config_path = root / CONFIG_FILE
    if not config_path.is_file():
        raise NotARegionError(
            f"{root} är inget regionrepo: filen {CONFIG_FILE} saknas. Gå till regionens mapp, "
            "ange sökvägen till den, eller skapa ett nytt repo med ”omstallning new region”."
        )
    findings: list[Finding] = []
    maps: dict[str, SourceMap] = {}

    config, config_findings, config_map = _load_config(root, config_path)
    findings += config_findings
    if config_map:
        maps[CONFIG_FILE] = config_map
    config_ok = config is not None
    if config is None:
        config = _fallback_config(root, config_map)
    region = Region(root=root, config=config)

    for path in _files(root / INTRO_DIR, (".md", ".markdown")):
        part, part_findings, fm_map = _load_intro_part(root, path)
        findings += part_findings
        if fm_map:
            maps[fm_map.file] = fm_map
        if part:
            region.intro_parts.append(part)

    for name, loader in ((GLOSSARY_FILE, _load_glossary), (SOURCES_FILE, _load_sources)):
        path = root / name
        if path.is_file():
            loaded, file_findings, sm = loader(root, path)
            findings += file_findings
            if sm:
                maps[name] = sm
            if name == GLOSSARY_FILE:
                region.glossary = loaded  # type: ignore[assignment]
            else:
                region.sources = loaded  # type: ignore[assignment]
    findings += subfolder_findings(root)
    result = LoadResult(region, findings, maps, config_ok)
    # reformer.yaml is read with the shared files; imported here since it imports the loader
    from omstallning.intro.reforms import attach_reforms

    result.findings += attach_reforms(result)
    return result


def _fallback_config(root: Path, sm: SourceMap | None) -> RegionConfig:
    """A config to go on checking with when omstallning.yaml has errors (never fails).

    What of the file could be read, with a stand-in for each broken value; the region's
    name is the folder's (`Path(".").name` is "", so the resolved path's).
    """
    try:
        name = root.resolve().name
    except (OSError, RuntimeError):
        name = ""
    name = name or "Regionen"
    data = parse_yaml(sm.text, CONFIG_FILE).data if sm is not None and sm.encoded else None
    if isinstance(data, dict):
        data = dict(data)
        if not isinstance(data.get("region"), str) or not data["region"].strip():
            data["region"] = name
        config, _repaired = salvage(RegionConfig, normalise(RegionConfig, data))
        if config is not None:
            return config
    return RegionConfig.model_validate(
        {
            "region": name,
            "plan": {"titel": "Omställningsplan", "period": {"start": 2025, "slut": 2028}},
        }
    )


def municipality_paths(root: Path) -> list[Path]:
    """The municipality files of the region, in the order their plans are listed."""
    return _files(root / MUNICIPALITY_DIR, (".yaml", ".yml"))


@dataclass
class LoadedMunicipality:
    """One municipality file: its plan when its structure is sound, findings, positions.

    `source` is None when the file could not be read; `entry` is None when it has errors.
    """

    file: str
    entry: MunicipalityEntry | None
    findings: list[Finding]
    source: SourceMap | None
    # For a file with errors: the plan with each broken value set aside (`salvage`), so
    # that the rules still check the rest of it, and the paths set aside.
    partial: MunicipalityEntry | None = None
    set_aside: tuple[tuple[str | int, ...], ...] = ()


def load_municipality(root: Path, path: Path) -> LoadedMunicipality:
    """Read one municipality file and check it against the model."""
    rel = _rel(root, path)
    text, findings = read_text(path, rel)
    if text is None:
        return LoadedMunicipality(rel, None, findings, None)
    return municipality_from_text(rel, path.stem, text, findings)[0]


def municipality_from_text(
    rel: str, slug: str, text: str, findings: list[Finding]
) -> tuple[LoadedMunicipality, Any]:
    """`load_municipality` for the text read of file `rel` (`findings`: of reading it).

    Returns the loaded file and the data its YAML holds, from which the plan was validated.
    """
    parsed = parse_yaml(text, rel)
    findings += parsed.findings
    plan, model_findings = validate_model(
        Municipality,
        parsed,
        empty_message="Kommunens fil är tom. Skapa den på nytt med ”omstallning new kommun "
        "NAMN --force”, eller fyll i kommun, kommunkod och status.",
    )
    findings += model_findings
    if plan is not None and not any(f.is_error and f.file == rel for f in parsed.findings):
        entry = MunicipalityEntry(rel, slug, plan)
        return LoadedMunicipality(rel, entry, findings, parsed.source), parsed.data
    set_aside: list[tuple[str | int, ...]] = []
    partial = plan
    if partial is None and isinstance(parsed.data, dict):
        partial, set_aside = salvage(Municipality, normalise(Municipality, parsed.data))
    return LoadedMunicipality(
        rel,
        None,
        findings,
        parsed.source,
        MunicipalityEntry(rel, slug, partial) if partial is not None else None,
        tuple(set_aside) + tuple(sorted(parsed.reported, key=str)),
    ), parsed.data


def add_municipality(result: LoadResult, loaded: LoadedMunicipality) -> None:
    """Add a loaded municipality file to the region, after those added before it."""
    result.findings += loaded.findings
    if loaded.source is not None:
        result.maps[loaded.file] = loaded.source
    if loaded.entry is not None:
        result.region.municipalities.append(loaded.entry)


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in suffixes and not p.name.startswith(".")
    )


def subfolder_findings(root: Path) -> list[Finding]:
    """A folder inside kommuner/ is not read: say so, instead of leaving its files out."""
    folder = root / MUNICIPALITY_DIR
    if not folder.is_dir():
        return []
    out = []
    try:  # an unreadable folder is reported by check.validate.folder_problems
        subs = sorted(folder.iterdir())
    except OSError:
        return []
    for sub in subs:
        if sub.name.startswith(".") or sub.is_symlink() or not sub.is_dir():
            continue
        try:  # only the files directly in it: no walk without bound
            yaml_files = sorted(p for p in sub.iterdir() if p.suffix.lower() in (".yaml", ".yml"))
        except OSError:
            continue
        if not yaml_files:
            continue
        names = [p.name for p in yaml_files]
        shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        out.append(
            Finding(  # on the folder's first file: a row of `status` is a file in kommuner/
                _rel(root, yaml_files[0]),
                0,
                0,
                "undermapp",
                Severity.WARNING,
                f"Mappen {_rel(root, sub)}/ läses inte ({shown}): bara filer direkt i "
                f"{MUNICIPALITY_DIR}/ är kommunfiler. Flytta filerna dit, eller flytta mappen ut "
                f"ur {MUNICIPALITY_DIR}/ om de inte ska med.",
            )
        )
    return out


def _load_config(
    root: Path, path: Path
) -> tuple[RegionConfig | None, list[Finding], SourceMap | None]:
    text, findings = read_text(path, CONFIG_FILE)
    if text is None:
        return None, findings, None
    parsed = parse_yaml(text, CONFIG_FILE)
    config, model_findings = validate_model(
        RegionConfig, parsed, empty_message="omstallning.yaml är tom. Ange minst region och plan."
    )
    if parsed.findings and any(f.is_error for f in parsed.findings):
        config = None
    return config, findings + parsed.findings + model_findings, parsed.source


def _load_intro_part(
    root: Path, path: Path
) -> tuple[IntroPart | None, list[Finding], SourceMap | None]:
    rel = _rel(root, path)
    text, findings = read_text(path, rel)
    if text is None:
        return None, findings, None
    front, body, body_line = split_front_matter(text)
    if front is None:
        return (
            None,
            [
                Finding(
                    rel,
                    1,
                    1,
                    "front-matter",
                    Severity.ERROR,
                    "Inledningsdelen saknar front matter. Börja filen med tre rader: "
                    "”---”, ”id: …”, ”rubrik: …” och avsluta med ”---”.",
                )
            ],
            None,
        )
    if not any(line.strip() in ("---", "...") for line in text.split("\n")[1:]):
        # Otherwise the whole text would be read as front matter and reported line by line.
        message = (
            "Front matter avslutas aldrig. Lägg till en rad med bara ”---” efter raden "
            "med rubrik, före texten."
        )
        return None, [Finding(rel, 1, 1, "front-matter", Severity.ERROR, message)], None
    parsed = parse_yaml(front, rel, line_offset=1)
    findings += parsed.findings
    findings += find_forbidden_chars(body, rel, body_line - 1)
    meta, model_findings = validate_model(
        IntroFrontMatter, parsed, empty_message="Front matter är tom. Ange id och rubrik."
    )
    findings += model_findings
    if meta is None:
        return None, findings, parsed.source
    part = IntroPart(rel, meta.id, meta.title, body, body_line, meta.knowledge)
    return part, findings, parsed.source


def _load_mapping_file(
    path: Path, rel: str, shape: str
) -> tuple[dict[str, Any] | None, list[Finding], ParsedYaml | None]:
    """Read and parse a YAML file that must be one mapping (`shape` shows how it looks).

    Returns the mapping (None when the file cannot be read or parsed, or is no mapping),
    the findings, and the parse (None when the file could not be read).
    """
    text, findings = read_text(path, rel)
    if text is None:
        return None, findings, None
    parsed = parse_yaml(text, rel)
    findings += parsed.findings
    data = parsed.data
    if data is not None and not isinstance(data, dict):
        message = f"{rel} ska vara en mappning: {shape}."
        findings.append(Finding(rel, *parsed.source.pos(()), "fel-typ", Severity.ERROR, message))
        data = None
    return data, findings, parsed


def _load_glossary(
    root: Path, path: Path
) -> tuple[dict[str, str], list[Finding], SourceMap | None]:
    data, findings, parsed = _load_mapping_file(path, GLOSSARY_FILE, "”Begrepp: definition”")
    sm = parsed.source if parsed else None
    if data is None or sm is None:
        return {}, findings, sm
    glossary: dict[str, str] = {}
    for term, definition in data.items():
        if not isinstance(definition, str) or not definition.strip():
            findings.append(
                Finding(
                    GLOSSARY_FILE,
                    *sm.pos((term,)),
                    "fel-typ",
                    Severity.ERROR,
                    f"Definitionen av ”{term}” ska vara en text.",
                )
            )
            continue
        glossary[str(term)] = definition
    return glossary, findings, sm


def _load_sources(
    root: Path, path: Path
) -> tuple[dict[str, Source], list[Finding], SourceMap | None]:
    data, findings, parsed = _load_mapping_file(path, SOURCES_FILE, "”nyckel: {titel: …, url: …}”")
    if parsed is not None and not parsed.data and not findings:
        message = (
            f"{SOURCES_FILE} är tom, så ingen [@nyckel] i texterna hittar sin källa. Lägg in "
            "källorna som ”nyckel: {titel: …, url: …}”, eller ta bort filen om texterna "
            "inte hänvisar till några källor."
        )
        findings.append(Finding(SOURCES_FILE, 1, 1, "tom-fil", Severity.ERROR, message))
    if data is None or parsed is None:
        return {}, findings, parsed.source if parsed else None
    sm = parsed.source
    sources: dict[str, Source] = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = {"titel": value}
        elif value is None:  # `nyckel:` with nothing after it: report its missing titel there
            value = {}
        elif not isinstance(value, dict):
            findings.append(
                Finding(
                    SOURCES_FILE,
                    *sm.pos((key,)),
                    "fel-typ",
                    Severity.ERROR,
                    f"Källan ”{key}” ska vara en text (titeln) eller en mappning med titel, "
                    f"typ och url, men är {describe_input(value)}.",
                )
            )
            continue
        sub = ParsedYaml(
            value, _SubMap(sm, (key,)), [], {p[1:] for p in parsed.reported if p[:1] == (key,)}
        )
        source, source_findings = validate_model(Source, sub)
        findings += source_findings
        if source:
            sources[str(key)] = source
    return sources, findings, sm


class _SubMap(SourceMap):
    """A view of a SourceMap below a path prefix (one entry of kallor.yaml)."""

    def __init__(self, parent: SourceMap, prefix: tuple[str | int, ...]) -> None:
        super().__init__(parent.file, parent.encoded, {}, parent.line_offset)
        n = len(prefix)
        self.values = {p[n:]: v for p, v in parent.values.items() if p[:n] == prefix}


__all__ = [
    "INTRO_PARTS",
    "LoadResult",
    "LoadedMunicipality",
    "add_municipality",
    "load_municipality",
    "load_region",
    "load_shared",
    "municipality_paths",
    "read_text",
    "split_front_matter",
]

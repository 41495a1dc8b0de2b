"""The check's cache: each municipality file's findings and plan, kept between runs.

Loading and checking a municipality file (YAML, the model, the municipality rules with the
plain-language check) costs some 15 ms; a region of 290 files spends nearly all of a
rebuild after one change on the 289 unchanged ones. So `build` (and `validate`, when the
region has a build folder) keeps, for each file it checked, one JSON entry in
`CACHE_FOLDER` beside the build's manifest: the file's findings, the data its YAML holds
(the plan is validated from it again, which is exact and a tenth of the cost) and the
places the region rules read. Never a pickle: a CI cache restores the folder, and a repo
under review may hold anything there.

An entry's name is the hash of everything its content follows from (`file_key`): the
file's text and name; every file the municipality rules read of the region
(omstallning.yaml, the introduction, begrepp.yaml, kallor.yaml, reformer.yaml); the tool's
fingerprint (its version and code); the day the date rules use; and the region folder's
name (the stand-in region name when omstallning.yaml is broken). A file whose rules read
more than that (an image in its texts, its own Word template or logo) or that has errors
is never cached. An entry is read defensively: a regular file of bounded size, JSON of the
expected shape, data the model accepts; anything else is a miss, never an error. Entries
not used by a run are removed at its end; entries are written only when the shared files
were the same at the end of the run as at its start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omstallning import clock
from omstallning.findings import Finding, Severity
from omstallning.load import safe_read
from omstallning.load.loader import (
    CONFIG_FILE,
    GLOSSARY_FILE,
    INTRO_DIR,
    MAX_FILE_BYTES,
    SOURCES_FILE,
    LoadedMunicipality,
    decode_text,
    municipality_from_text,
    read_text,
)
from omstallning.load.yaml_source import Path_, Place, SourceMap

if TYPE_CHECKING:
    from omstallning.load.loader import LoadResult

CACHE_FOLDER = ".omstallning-cache"
ENTRY_FORMAT = 1
# An entry holds the file's data and findings: a few times the file's own size at most.
MAX_ENTRY_BYTES = 4 * safe_read.TEXT_FILE_BYTES
_ENTRY_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
_DATE_TAG = "\x00date"  # a YAML date in the data; no key of a plan can hold a NUL


@functools.cache
def _tool() -> bytes:
    from omstallning.commands.build_inputs import tool_fingerprint

    return hashlib.sha256(b"\0".join(tool_fingerprint())).digest()


def shared_key(root: Path) -> str:
    """The hash of what every municipality file's check depends on besides the file."""
    from omstallning.commands.build_inputs import file_digest
    from omstallning.intro.reforms import REFORMS_FILE

    digest = hashlib.sha256(f"omstallning-check {ENTRY_FORMAT}\0".encode())
    digest.update(_tool())
    digest.update(f"{clock.today().isoformat()}\0".encode())
    with contextlib.suppress(OSError, RuntimeError):
        digest.update(f"{root.resolve().name}\0".encode("utf-8", "surrogatepass"))
    text = safe_read.TEXT_FILE_BYTES
    paths = [root / name for name in (CONFIG_FILE, GLOSSARY_FILE, SOURCES_FILE, REFORMS_FILE)]
    with contextlib.suppress(OSError):
        paths += sorted((root / INTRO_DIR).iterdir())
    for path in paths:
        digest.update(file_digest(root, path, text))
        digest.update(b"link" if path.is_symlink() else b"")
    return digest.hexdigest()


def file_key(shared: str, rel: str, text: str) -> str:
    """The name of a file's entry: the shared key, the file's name and its text."""
    digest = hashlib.sha256(f"{shared}\0{rel}\0".encode("utf-8", "surrogatepass"))
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass
class FileCache:
    """The cache folder of one run: which entries it read and what it will write."""

    folder: Path
    inside: Path  # the trusted folder the cache lies below (no link on the way from it)
    shared: str
    read: bool = True  # False with --force: every file is checked, entries written anew
    hits: int = 0
    used: set[str] = field(default_factory=set)
    new: dict[str, bytes] = field(default_factory=dict)
    _real: dict[Path, bool] = field(default_factory=dict)  # folders that are no link

    @classmethod
    def open(cls, folder: Path, inside: Path, root: Path, *, read: bool = True) -> FileCache:
        """The cache in `folder` for the region at `root`."""
        return cls(folder, inside, shared_key(root), read)

    def lookup(self, root: Path, path: Path) -> LoadedMunicipality | None:
        """The file loaded and checked from its entry, or None (then check it)."""
        if not self.read:
            return None
        rel = path.relative_to(root).as_posix()
        text = self._text(path)
        if text is None:
            return None
        key = file_key(self.shared, rel, text)
        from omstallning.commands.build_cache import read_regular

        raw = read_regular(self.folder / f"{key}.json", MAX_ENTRY_BYTES)
        loaded = decode_entry(raw, key, rel, path.stem) if raw is not None else None
        if loaded is not None:
            self.hits += 1
            self.used.add(key)
        return loaded

    def _text(self, path: Path) -> str | None:
        """The file's text as `read_text` gives it, for a file it reads without a finding.

        Cheaper: a file that is a link, or in a folder that is one, is not read (a miss).
        """
        folder = path.parent
        if folder not in self._real:
            self._real[folder] = folder.is_dir() and not folder.is_symlink()
        if not self._real[folder]:
            return None
        try:
            raw = safe_read.read_bytes(path, MAX_FILE_BYTES, follow_symlinks=False)
        except OSError:
            return None
        try:
            return decode_text(raw)
        except UnicodeError:
            return None  # read_text reports it: the file is checked

    def add(self, made: tuple[str, bytes] | None) -> None:
        """Keep an entry made by `load_check_entry`, to write at the end."""
        if made is not None:
            self.new[made[0]] = made[1]
            self.used.add(made[0])

    def finish(self, root: Path) -> None:
        """Write the new entries and remove unused ones, if the shared files stayed the same.

        Nothing here stops a run: a folder that cannot be written just keeps no cache.
        """
        if shared_key(root) != self.shared:
            return  # a shared file changed while the files were checked
        from omstallning.errors import OmstallningError
        from omstallning.writers.files import write_files_atomic

        with contextlib.suppress(OmstallningError, OSError):
            if self.new:
                files = [(self.folder / f"{key}.json", data) for key, data in self.new.items()]
                # No fsync: an entry lost in a power cut is a miss, and 290 of them cost seconds.
                write_files_atomic(files, inside=self.inside, durable=False)
            self._prune()

    def _prune(self) -> None:
        if not self.folder.is_dir() or self.folder.is_symlink():
            return
        with os.scandir(self.folder) as entries:
            for entry in entries:
                name = entry.name
                if _ENTRY_NAME.match(name) and name[:-5] not in self.used:
                    with contextlib.suppress(OSError):
                        Path(entry.path).unlink()


def build_cache(root: Path, out_dir: Path | None, *, force: bool = False) -> FileCache:
    """The cache of `build`: beside the manifest in the output folder (`--out` or build/).

    With `force` no entry is read; the entries are written anew.
    """
    if out_dir is None:
        return FileCache.open(root / "build" / CACHE_FOLDER, root, root, read=not force)
    return FileCache.open(out_dir / CACHE_FOLDER, out_dir, root, read=not force)


def validate_cache(root: Path) -> FileCache | None:
    """The cache of `validate`: the region's build/ folder's, when that folder exists.

    `validate` only reads it (never `finish`): a check writes nothing.
    """
    build = root / "build"
    if build.is_symlink() or not build.is_dir():
        return None
    return FileCache.open(build / CACHE_FOLDER, root, root)


def load_check_entry(
    shared: LoadResult, path: Path, key_shared: str | None
) -> tuple[LoadedMunicipality, tuple[str, bytes] | None]:
    """`validate.load_and_check`, and the file's cache entry when it can have one.

    Without `key_shared` (no cache), no entry is made.
    """
    from omstallning.check.validate import check_loaded

    root = shared.region.root
    rel = path.relative_to(root).as_posix()
    text, findings = read_text(path, rel)
    if text is None:
        return check_loaded(shared, LoadedMunicipality(rel, None, findings, None)), None
    loaded, data = municipality_from_text(rel, path.stem, text, findings)
    check_loaded(shared, loaded)
    if key_shared is None:
        return loaded, None
    entry = encode_entry(loaded, data)
    return loaded, (file_key(key_shared, rel, text), entry) if entry is not None else None


# --- Entries --------------------------------------------------------------------------------

_PLACE_FIELDS = len(Place._fields)


def encode_entry(loaded: LoadedMunicipality, data: Any) -> bytes | None:
    """The entry of a checked file, or None when the file must be checked every time.

    Only a file that loaded without errors and whose rules read nothing but the file and
    the shared files; its data must come back from JSON exactly as YAML gave it.
    """
    from omstallning.check.rules.citations import municipality_texts
    from omstallning.check.validate import REGION_RULE_PATHS

    entry = loaded.entry
    if entry is None or loaded.source is None:
        return None
    if entry.plan.template or entry.plan.logo:
        return None  # its own files are read by its rules
    if any("![" in text for _f, text, _w in municipality_texts(entry, loaded.source)):
        return None  # images are read by its rules
    from omstallning.load.salvage import normalise
    from omstallning.model import Municipality

    data = normalise(Municipality, data)  # what the plan was validated from
    dates: list[bool] = []
    encoded = _encode_data(data, dates)
    places = [
        [list(p), list(loaded.source.values[p])]
        for p in REGION_RULE_PATHS
        if p in loaded.source.values
    ]
    document = {
        "format": ENTRY_FORMAT,
        "file": loaded.file,
        "dates": bool(dates),
        "data": encoded,
        "findings": [_finding_row(f) for f in loaded.findings],
        "places": places,
        "line_offset": loaded.source.line_offset,
    }
    try:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        back = json.loads(text)
        if not _same(_decode_data(back["data"]) if dates else back["data"], data):
            return None  # not exact in JSON (a set, a float NaN, a key that is no text, ...)
    except (ValueError, TypeError, RecursionError):
        return None
    return text.encode("utf-8", "surrogatepass")


def _finding_row(f: Finding) -> list[Any]:
    return [f.file, f.line, f.column, f.code, f.severity.value, f.message, list(f.subject)]


def decode_entry(raw: bytes, key: str, rel: str, slug: str) -> LoadedMunicipality | None:
    """The loaded file an entry holds, or None for anything not exactly an entry of ours."""
    try:
        doc = json.loads(raw.decode("utf-8", "surrogatepass"))
        return _loaded(doc, rel, slug)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def _loaded(doc: Any, rel: str, slug: str) -> LoadedMunicipality | None:
    from pydantic import ValidationError

    from omstallning.model import Municipality, MunicipalityEntry

    if not isinstance(doc, dict) or doc.get("format") != ENTRY_FORMAT or doc.get("file") != rel:
        return None
    findings = [_finding(row) for row in doc["findings"]]
    offset = doc["line_offset"]
    if type(offset) is not int:
        return None
    values: dict[Path_, Place] = {}
    for path, place in doc["places"]:
        values[_path(path)] = _place(place)
    dates = doc["dates"]
    if type(dates) is not bool:
        return None
    try:
        plan = Municipality.model_validate(_decode_data(doc["data"]) if dates else doc["data"])
    except ValidationError:
        return None
    source = SourceMap(rel, b"", values, offset)
    return LoadedMunicipality(rel, MunicipalityEntry(rel, slug, plan), findings, source)


def _finding(row: Any) -> Finding:
    file, line, column, code, severity, message, subject = row
    texts = (file, code, message)
    if not all(type(t) is str for t in texts) or type(line) is not int or type(column) is not int:
        raise ValueError("not a finding")
    return Finding(file, line, column, code, Severity(severity), message, _path(subject))


def _path(items: Any) -> tuple[str | int, ...]:
    if not isinstance(items, list) or not all(type(i) in (str, int) for i in items):
        raise ValueError("not a path")
    return tuple(items)


def _place(items: Any) -> Place:
    if not isinstance(items, list) or len(items) != _PLACE_FIELDS:
        raise ValueError("not a place")
    line, column, kind, style, tag, value, key_line, key_column = items
    ints = (line, column, key_line, key_column)
    if not all(type(i) is int for i in ints) or not all(type(t) is str for t in (kind, tag, value)):
        raise ValueError("not a place")
    if style is not None and type(style) is not str:
        raise ValueError("not a place")
    return Place(line, column, kind, style, tag, value, key_line, key_column)


def _encode_data(data: Any, dates: list[bool]) -> Any:
    """YAML's data as JSON: a date becomes a one-key object (noted in `dates`), the rest stays."""
    if isinstance(data, dict):
        return {k: _encode_data(v, dates) for k, v in data.items()}
    if isinstance(data, list):
        return [_encode_data(v, dates) for v in data]
    if type(data) is dt.date:
        dates.append(True)
        return {_DATE_TAG: data.isoformat()}
    return data


def _decode_data(data: Any) -> Any:
    if isinstance(data, dict):
        if len(data) == 1 and _DATE_TAG in data:
            return dt.date.fromisoformat(data[_DATE_TAG])
        return {k: _decode_data(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_decode_data(v) for v in data]
    return data


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types throughout (1, 1.0 and True are not the same here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)

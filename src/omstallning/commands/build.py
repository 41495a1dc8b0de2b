"""Build the plans as DOCX and/or Markdown: atomically, in parallel, only what changed.

Everything is rendered in memory first and written only when every document rendered, so a
failure halfway leaves the previous output exactly as it was. Plans are rendered by several
processes when there are enough of them (`jobs`); a document is the same bytes whichever
process renders it. A manifest in the output folder (`MANIFEST_FILE`) records, for each
file, a hash of everything it was built from; a file whose inputs are unchanged and that is
still on disk as it was written is skipped, unless `force`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omstallning import __version__, clock
from omstallning.documents.plan import assemble_plan
from omstallning.documents.tree import Document
from omstallning.errors import OmstallningError
from omstallning.load.paths import resolve_inside
from omstallning.model import EXPORT_FORMATS, MunicipalityEntry, Region
from omstallning.workers import WorkerError, Workers
from omstallning.writers.files import write_files_atomic

Progress = Callable[[str], None]

MANIFEST_FILE = ".omstallning-cache.json"
MANIFEST_VERSION = 1


class UnknownMunicipalityError(OmstallningError):
    """`--kommun` named a municipality that has no file in the region."""


@dataclass(frozen=True)
class BuiltFile:
    """One output file and the municipality it belongs to.

    `skipped` is true when the file was already up to date and not written again.
    """

    path: Path
    slug: str
    format: str
    skipped: bool = False


def select_municipalities(region: Region, slugs: Sequence[str]) -> list[MunicipalityEntry]:
    """The municipalities to build: all, or those named (by slug or name).

    Raises:
        UnknownMunicipalityError: a name matches no file.
    """
    if not slugs:
        return list(region.municipalities)
    from omstallning.text import slugify

    chosen: list[MunicipalityEntry] = []
    for wanted in slugs:
        entry = region.municipality(wanted) or region.municipality(slugify(wanted))
        if entry is None:
            known = ", ".join(m.slug for m in region.municipalities) or "inga"
            raise UnknownMunicipalityError(
                f"Regionen har ingen kommun ”{wanted}”. Kommuner i regionen: {known}."
            )
        if entry not in chosen:
            chosen.append(entry)
    return chosen


def render_plan(region: Region, entry: MunicipalityEntry, fmt: str) -> bytes:
    """One municipality's plan in one format, as bytes."""
    return render_document(region, assemble_plan(region, entry), fmt)


def render_document(region: Region, document: Document, fmt: str) -> bytes:
    """An assembled document of the region in one format (`docx` with its template, `md`)."""
    from omstallning import writers

    template = None
    if fmt == "docx" and region.config.export.template:
        template, _problem = resolve_inside(region.root, region.config.export.template)
    return writers.render(document, fmt, writers.RenderOptions(template=template))


def build_plans(
    region: Region,
    entries: Sequence[MunicipalityEntry],
    formats: Sequence[str],
    out_dir: Path,
    progress: Progress | None = None,
    *,
    jobs: int = 1,
    force: bool = False,
    workers: Workers | None = None,
) -> list[BuiltFile]:
    """Render every chosen plan that changed, then write them all.

    Returns every file of the chosen plans, in order; those that were up to date are
    marked `skipped`. `progress` is called with a municipality's slug when its files are
    done (rendered or found up to date). Plans render in `jobs` processes when there are
    enough of them, or in `workers` when given: those that loaded this region
    (`validate_region`), since a worker keeps the shared part of the region it started with.

    Raises:
        OmstallningError: a format is unknown, a plan cannot be rendered or the files
            cannot be written. Nothing is written then.
    """
    for fmt in formats:
        if fmt not in EXPORT_FORMATS:
            raise OmstallningError(f"Okänt format ”{fmt}”. Välj docx eller md.")
    inputs = _InputHashes(region)
    manifest = _read_manifest(out_dir)
    planned: list[BuiltFile] = []
    keys: dict[Path, str] = {}
    todo: list[tuple[MunicipalityEntry, str]] = []
    for entry in entries:
        for fmt in formats:
            path = out_dir / f"{entry.slug}.{fmt}"
            keys[path] = inputs.key(entry, fmt)
            fresh = not force and _is_fresh(manifest.get(path.name), keys[path], path)
            planned.append(BuiltFile(path, entry.slug, fmt, skipped=fresh))
            if not fresh:
                todo.append((entry, fmt))
    pending = Counter(entry.slug for entry, _ in todo)  # files still to render, per plan
    if progress:
        for entry in entries:
            if not pending[entry.slug]:
                progress(entry.slug)

    def done(entry: MunicipalityEntry) -> None:
        pending[entry.slug] -= 1
        if progress and not pending[entry.slug]:
            progress(entry.slug)

    def rendered() -> Iterator[tuple[Path, bytes]]:
        for name, data in _render_all(region, todo, pool, done):
            manifest[name] = {"inputs": keys[out_dir / name], "output": _sha256(data)}
            yield out_dir / name, data
        if todo:
            yield out_dir / MANIFEST_FILE, _manifest_bytes(manifest)

    # Each file goes to a temporary file as soon as it is rendered (so 290 documents are
    # not all held in memory); all of them, the manifest too, are renamed into place only
    # when every one is on disk. A plan that fails or a full disk halfway leaves every
    # earlier output as it was, no temporary file, and no output folder that was not there.
    missing: list[Path] = []  # folders this build would create, deepest first
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            break
        missing.append(folder)
    with contextlib.ExitStack() as stack:
        pool = workers if workers is not None else stack.enter_context(Workers(jobs))
        try:
            write_files_atomic(rendered())
        except BaseException:
            for folder in missing:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
            raise
    return planned


# --- Rendering, here or in worker processes -------------------------------------------------


def _render_all(
    region: Region,
    todo: Sequence[tuple[MunicipalityEntry, str]],
    workers: Workers,
    done: Callable[[MunicipalityEntry], None],
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) for every (plan, format) in `todo`, as they finish.

    In the worker processes when they run already (they loaded the region) or when there
    are enough plans to start them; a document is the same bytes wherever it renders.
    """
    plans = len({id(entry) for entry, _ in todo})
    finished: set[str] = set()
    if workers.running or workers.start(region, plans):
        try:
            for (entry, fmt), data in workers.unordered(_render_in_worker, todo):
                name = f"{entry.slug}.{fmt}"
                finished.add(name)
                done(entry)
                yield name, data
        except WorkerError:
            pass  # no worker processes here (a sandbox that forbids them, one killed)
    for entry, fmt in todo:
        name = f"{entry.slug}.{fmt}"
        if name not in finished:
            data = render_plan(region, entry, fmt)
            done(entry)
            yield name, data


def _render_in_worker(task: tuple[MunicipalityEntry, str]) -> bytes:
    from omstallning.workers import shared

    entry, fmt = task
    return render_plan(shared().region, entry, fmt)


# --- What a file is built from --------------------------------------------------------------


class _InputHashes:
    """The hash of everything a plan's file is built from.

    The municipality's own file; everything the region shares (omstallning.yaml, the
    introduction, begrepp.yaml, kallor.yaml, the Word template and the logo); the format;
    SOURCE_DATE_EPOCH; and the tool itself: its version, the code of the installed
    package and the versions of the libraries that write the files. Hashes are of file
    contents, never of dates, so a checkout or a copy does not count as a change.
    """

    def __init__(self, region: Region) -> None:
        self.root = region.root
        shared = hashlib.sha256()
        for part in _tool_fingerprint():
            shared.update(part)
        shared.update(str(clock.source_date()).encode())
        from omstallning.load.loader import CONFIG_FILE, GLOSSARY_FILE, INTRO_DIR, SOURCES_FILE

        paths = [self.root / CONFIG_FILE, self.root / GLOSSARY_FILE, self.root / SOURCES_FILE]
        intro = self.root / INTRO_DIR
        if intro.is_dir():
            paths += sorted(p for p in intro.iterdir() if p.is_file())
        export = region.config.export
        for relative in (export.template, export.logo):
            if relative:
                resolved, _problem = resolve_inside(self.root, relative)
                paths.append(resolved if resolved is not None else self.root / relative)
        for path in paths:
            shared.update(_file_digest(self.root, path))
        self.shared = shared.digest()

    def key(self, entry: MunicipalityEntry, fmt: str) -> str:
        digest = hashlib.sha256(self.shared)
        digest.update(fmt.encode())
        digest.update(_file_digest(self.root, self.root / entry.file))
        return digest.hexdigest()


def _file_digest(root: Path, path: Path) -> bytes:
    """The file's name (relative to the region) and a hash of its content, or "missing"."""
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = str(path)
    try:
        content = hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        content = b"missing"
    return hashlib.sha256(name.encode() + b"\0" + content).digest()


_FINGERPRINT: list[bytes] = []


def _tool_fingerprint() -> list[bytes]:
    """The tool's version, a hash of its own code and data, and the writers' versions."""
    if not _FINGERPRINT:
        from importlib import metadata

        _FINGERPRINT.append(f"omstallning {__version__}".encode())
        package = Path(__file__).parents[1]
        code = hashlib.sha256()
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".csv", ".md", ".yaml", ".docx") and path.is_file():
                code.update(path.relative_to(package).as_posix().encode())
                code.update(path.read_bytes())
        _FINGERPRINT.append(code.digest())
        for dist in ("python-docx", "markdown-it-py", "lxml"):
            try:
                _FINGERPRINT.append(f"{dist} {metadata.version(dist)}".encode())
            except metadata.PackageNotFoundError:
                _FINGERPRINT.append(f"{dist} -".encode())
    return _FINGERPRINT


# --- The manifest ---------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_fresh(recorded: Any, key: str, path: Path) -> bool:
    """Whether `path` was built from exactly these inputs and is still as it was written."""
    if not isinstance(recorded, dict) or recorded.get("inputs") != key:
        return False
    try:
        return _sha256(path.read_bytes()) == recorded.get("output")
    except OSError:
        return False


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest's entries by file name; empty when it is missing or unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    files = data.get("files")
    return dict(files) if isinstance(files, dict) else {}


def _manifest_bytes(files: dict[str, Any]) -> bytes:
    data = {
        "version": MANIFEST_VERSION,
        "comment": "omstallning build: vad varje fil byggdes av. Filen kan tas bort.",
        "files": {name: files[name] for name in sorted(files)},
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

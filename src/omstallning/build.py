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
import dataclasses
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .assemble import assemble_plan
from .document import Document
from .errors import OmstallningError
from .model import EXPORT_FORMATS, MunicipalityEntry, Region
from .rules import resolve_inside
from .writing import write_files_atomic

Progress = Callable[[str], None]

MANIFEST_FILE = ".omstallning-cache.json"
MANIFEST_VERSION = 1
# Starting a worker process costs about as much as rendering a few plans (it imports the
# renderers and receives the region), so a build uses processes only when each worker gets
# at least this many plans.
MIN_PLANS_PER_WORKER = 6


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
    from .kommuner import slugify

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
    if fmt == "md":
        from .render_markdown import render_markdown

        return render_markdown(document).encode("utf-8")
    from .render_docx import render_docx

    template = None
    if region.config.export.template:
        template, _problem = resolve_inside(region.root, region.config.export.template)
    return render_docx(document, template=template)


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_plans(
    region: Region,
    entries: Sequence[MunicipalityEntry],
    formats: Sequence[str],
    out_dir: Path,
    progress: Progress | None = None,
    *,
    jobs: int = 1,
    force: bool = False,
) -> list[BuiltFile]:
    """Render every chosen plan that changed, then write them all.

    Returns every file of the chosen plans, in order; those that were up to date are
    marked `skipped`. `progress` is called with a municipality's slug when its files are
    done (rendered or found up to date).

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
        for name, data in _render_all(region, todo, jobs, done):
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
    jobs: int,
    done: Callable[[MunicipalityEntry], None],
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) for every (plan, format) in `todo`, as they finish."""
    plans = len({id(entry) for entry, _ in todo})
    workers = min(jobs, plans // MIN_PLANS_PER_WORKER)
    finished: set[str] = set()
    if workers >= 2:
        # Imported here: multiprocessing costs start-up that a small build does not need.
        from concurrent.futures.process import BrokenProcessPool

        results = _render_in_processes(region, todo, workers, done)
        while True:
            try:
                name, data = next(results)
            except StopIteration:
                return
            except (OSError, BrokenProcessPool):
                # No worker processes here (a sandbox that forbids them, a worker killed):
                # what is left is rendered in this process, to the same bytes.
                break
            finished.add(name)
            yield name, data
    for entry, fmt in todo:
        name = f"{entry.slug}.{fmt}"
        if name not in finished:
            data = render_plan(region, entry, fmt)
            done(entry)
            yield name, data


def _render_in_processes(
    region: Region,
    todo: Sequence[tuple[MunicipalityEntry, str]],
    workers: int,
    done: Callable[[MunicipalityEntry], None],
) -> Iterator[tuple[str, bytes]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Workers start from a fresh interpreter (forkserver or spawn), not as a copy of this
    # process with the whole validated region in it; each gets the region once, without the
    # municipalities, and then one plan per task.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    shared = dataclasses.replace(region, municipalities=[])
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(shared,)
    )
    try:
        queue = list(todo)
        running: dict[Future[bytes], tuple[MunicipalityEntry, str]] = {}
        # A few tasks ahead per worker: results come back in the order plans finish.
        while queue or running:
            while queue and len(running) < workers * 2:
                entry, fmt = queue.pop(0)
                running[executor.submit(_render_in_worker, entry, fmt)] = (entry, fmt)
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                entry, fmt = running.pop(future)
                data = future.result()
                done(entry)
                yield f"{entry.slug}.{fmt}", data
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


_WORKER_REGION: Region | None = None


def _init_worker(region: Region) -> None:
    global _WORKER_REGION
    _WORKER_REGION = region


def _render_in_worker(entry: MunicipalityEntry, fmt: str) -> bytes:
    assert _WORKER_REGION is not None
    return render_plan(_WORKER_REGION, entry, fmt)


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
        shared.update(os.environ.get("SOURCE_DATE_EPOCH", "").strip().encode())
        from .loader import CONFIG_FILE, GLOSSARY_FILE, INTRO_DIR, SOURCES_FILE

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
        package = Path(__file__).parent
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

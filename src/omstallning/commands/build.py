"""Build the plans and the regional summary: atomically, in parallel, only what changed.

Every file of a build, plans and summary alike, is written in one atomic batch: staged
first and renamed into place only when every document rendered, so a failure halfway
leaves the previous output exactly as it was. Plans are rendered by several
processes when there are enough of them (`jobs`); a document is the same bytes whichever
process renders it. A manifest in the output folder (`MANIFEST_FILE`) records, for each
file, a hash of everything it was built from; a file whose inputs are unchanged and that is
still on disk as it was written is skipped, unless `force`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omstallning import __version__, clock
from omstallning.commands.status import RegionStatus
from omstallning.documents import DOCUMENT_KINDS
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
    """One output file, the municipality it belongs to and its document kind.

    `slug` is the file's stem for a region's document (`sammanstallning`). `skipped` is
    true when the file was already up to date and not written again.
    """

    path: Path
    slug: str
    format: str
    skipped: bool = False
    kind: str = "plan"


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


def render_plan(region: Region, entry: MunicipalityEntry, fmt: str, kind: str = "plan") -> bytes:
    """One municipality's document of a kind (its plan by default) in one format, as bytes."""
    document = DOCUMENT_KINDS[kind].assemble_for(region, entry)
    return render_document(region, document, fmt, own_template=entry.plan.template)


def render_document(
    region: Region, document: Document, fmt: str, own_template: str | None = None
) -> bytes:
    """An assembled document of the region in one format (`docx` with its template, `md`).

    `own_template` is a municipality's own Word template; the region's is the default.
    """
    from omstallning import writers

    template = None
    chosen = own_template or region.config.export.template
    if fmt == "docx" and chosen:
        template, _problem = resolve_inside(region.root, chosen)
    return writers.render(document, fmt, writers.RenderOptions(template=template))


Task = tuple[str, MunicipalityEntry, str]
"""A municipality document to render: (kind name, municipality, format)."""


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
    status: RegionStatus | None = None,
) -> list[BuiltFile]:
    """Render every chosen plan that changed, and the regional documents, then write them all.

    Returns every file of the chosen plans, in order, then those of the region's documents;
    plans that were up to date are marked `skipped`. With `status` (the region's overview)
    the region-scope documents (the regional summary) are rendered too, always, since they
    read every plan and the day; they are written in the same atomic batch as the plans and
    recorded in the same manifest. `progress` is called with a municipality's slug when its
    files are done (rendered or found up to date). Plans render in `jobs` processes when
    there are enough of them, or in `workers` when given: those that loaded this region
    (`validate_region`), since a worker keeps the shared part of the region it started with.

    Raises:
        OmstallningError: a format is unknown, a document cannot be rendered or the files
            cannot be written. Nothing is written then.
    """
    for fmt in formats:
        if fmt not in EXPORT_FORMATS:
            raise OmstallningError(f"Okänt format ”{fmt}”. Välj docx eller md.")
    batch = _Batch(region, out_dir, force=force)
    planned = batch.plan_municipalities(entries, formats)
    if status is not None:
        planned += batch.plan_region(status, formats)
    with contextlib.ExitStack() as stack:
        pool = workers if workers is not None else stack.enter_context(Workers(jobs))
        batch.write(pool, _Progress(entries, batch.todo, progress))
    return planned


class _Progress:
    """Reports a municipality's slug once all its files are rendered or found up to date."""

    def __init__(
        self,
        entries: Sequence[MunicipalityEntry],
        todo: Sequence[Task],
        report: Progress | None,
    ) -> None:
        self.report = report
        self.pending = Counter(entry.slug for _, entry, _ in todo)  # files still to render
        if report:
            for entry in entries:
                if not self.pending[entry.slug]:
                    report(entry.slug)

    def done(self, entry: MunicipalityEntry) -> None:
        self.pending[entry.slug] -= 1
        if self.report and not self.pending[entry.slug]:
            self.report(entry.slug)


class _Batch:
    """The files of one build: what to render, their manifest entries, the atomic write."""

    def __init__(self, region: Region, out_dir: Path, *, force: bool) -> None:
        self.region = region
        self.out_dir = out_dir
        self.force = force
        self.inputs = _InputHashes(region)
        self.manifest = _read_manifest(out_dir)
        self.keys: dict[str, str] = {}  # file name -> its inputs key
        self.todo: list[Task] = []
        self.regional: list[tuple[str, Document, str]] = []  # (file name, document, format)

    def plan_municipalities(
        self, entries: Sequence[MunicipalityEntry], formats: Sequence[str]
    ) -> list[BuiltFile]:
        """Every municipality kind's file for each entry; those out of date go to `todo`."""
        planned: list[BuiltFile] = []
        kinds = [k for k in DOCUMENT_KINDS.values() if k.scope == "municipality"]
        for entry in entries:
            for kind in kinds:
                for fmt in formats:
                    path = self.out_dir / f"{kind.file_stem(entry.slug)}.{fmt}"
                    key = self.keys[path.name] = self.inputs.key(entry, fmt, kind.name)
                    recorded = self.manifest.get(path.name)
                    fresh = not self.force and _is_fresh(recorded, key, path)
                    planned.append(BuiltFile(path, entry.slug, fmt, fresh, kind.name))
                    if not fresh:
                        self.todo.append((kind.name, entry, fmt))
        return planned

    def plan_region(self, status: RegionStatus, formats: Sequence[str]) -> list[BuiltFile]:
        """Every region kind's file, assembled now: one document, rendered per format."""
        planned: list[BuiltFile] = []
        for kind in DOCUMENT_KINDS.values():
            if kind.scope != "region":
                continue
            document = kind.assemble_region(self.region, status)
            for fmt in formats:
                path = self.out_dir / f"{kind.file_stem()}.{fmt}"
                self.keys[path.name] = self.inputs.region_key(fmt, kind.name, status.today)
                self.regional.append((path.name, document, fmt))
                planned.append(BuiltFile(path, kind.file_stem(), fmt, kind=kind.name))
        return planned

    def rendered(self, pool: Workers, progress: _Progress) -> Iterator[tuple[Path, bytes]]:
        """(path, bytes) of every file to write, the manifest last when anything changed."""
        region = self.region
        pieces = _render_all(region, self.todo, pool, progress.done)
        regional = ((n, render_document(region, d, fmt)) for n, d, fmt in self.regional)
        for name, data in itertools.chain(pieces, regional):
            self.manifest[name] = {"inputs": self.keys[name], "output": _sha256(data)}
            yield self.out_dir / name, data
        if self.todo or self.regional:
            yield self.out_dir / MANIFEST_FILE, _manifest_bytes(self.manifest)

    def write(self, pool: Workers, progress: _Progress) -> None:
        """Write every file in one atomic batch, or none.

        Each file goes to a temporary file as soon as it is rendered (so 290 documents are
        not all held in memory); all of them, the manifest too, are renamed into place only
        when every one is on disk. A document that fails or a full disk halfway leaves every
        earlier output as it was, no temporary file, and no output folder that was not there.
        """
        missing: list[Path] = []  # folders this build would create, deepest first
        for folder in (self.out_dir, *self.out_dir.parents):
            if folder.exists():
                break
            missing.append(folder)
        try:
            write_files_atomic(self.rendered(pool, progress))
        except BaseException:
            for folder in missing:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
            raise


# --- Rendering, here or in worker processes -------------------------------------------------


def _render_all(
    region: Region,
    todo: Sequence[Task],
    workers: Workers,
    done: Callable[[MunicipalityEntry], None],
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) for every (kind, municipality, format) in `todo`, as they finish.

    In the worker processes when they run already (they loaded the region) or when there
    are enough plans to start them; a document is the same bytes wherever it renders.
    """
    plans = len({id(entry) for _, entry, _ in todo})
    finished: set[str] = set()
    if workers.running or workers.start(region, plans):
        try:
            for (kind, entry, fmt), data in workers.unordered(_render_in_worker, todo):
                name = _file_name(kind, entry, fmt)
                finished.add(name)
                done(entry)
                yield name, data
        except WorkerError:
            pass  # no worker processes here (a sandbox that forbids them, one killed)
    for kind, entry, fmt in todo:
        name = _file_name(kind, entry, fmt)
        if name not in finished:
            data = render_plan(region, entry, fmt, kind)
            done(entry)
            yield name, data


def _file_name(kind: str, entry: MunicipalityEntry, fmt: str) -> str:
    return f"{DOCUMENT_KINDS[kind].file_stem(entry.slug)}.{fmt}"


def _render_in_worker(task: Task) -> bytes:
    from omstallning.workers import shared

    kind, entry, fmt = task
    return render_plan(shared().region, entry, fmt, kind)


# --- What a file is built from --------------------------------------------------------------


class _InputHashes:
    """The hash of everything a document's file is built from.

    The municipality's own file (for a region's document: every municipality's file and
    the day of the overview); everything the region shares (omstallning.yaml, the
    introduction, begrepp.yaml, kallor.yaml, the Word template and the logo); the format
    and the document kind; SOURCE_DATE_EPOCH; and the tool itself, fingerprinted once per
    build: its version, the code of the installed
    package and the versions of the libraries that write the files. Hashes are of file
    contents, never of dates, so a checkout or a copy does not count as a change.
    """

    def __init__(self, region: Region) -> None:
        self.root = region.root
        shared = hashlib.sha256()
        for part in tool_fingerprint():
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

        self.municipality_files = [m.file for m in region.municipalities]

    def key(self, entry: MunicipalityEntry, fmt: str, kind: str = "plan") -> str:
        """The key of a municipality's document: shared inputs, its own file, the format."""
        digest = hashlib.sha256(self.shared)
        digest.update(f"{fmt}\0{kind}".encode())
        digest.update(_file_digest(self.root, self.root / entry.file))
        for relative in (entry.plan.template, entry.plan.logo):  # its own, if any
            if relative:
                resolved, _problem = resolve_inside(self.root, relative)
                path = resolved if resolved is not None else self.root / relative
                digest.update(_file_digest(self.root, path))
        return digest.hexdigest()

    def region_key(self, fmt: str, kind: str, today: dt.date) -> str:
        """The key of a region's document: shared inputs, every municipality, the day."""
        digest = hashlib.sha256(self.shared)
        digest.update(f"{fmt}\0{kind}\0{today.isoformat()}".encode())
        for file in self.municipality_files:
            digest.update(_file_digest(self.root, self.root / file))
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


def tool_fingerprint() -> list[bytes]:
    """The tool's version, a hash of its own code and data, and the writers' versions."""
    from importlib import metadata

    parts = [f"omstallning {__version__}".encode()]
    package = Path(__file__).parents[1]
    code = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".csv", ".md", ".yaml", ".docx") and path.is_file():
            code.update(path.relative_to(package).as_posix().encode())
            code.update(path.read_bytes())
    parts.append(code.digest())
    for dist in ("python-docx", "markdown-it-py", "lxml"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} -".encode())
    return parts


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

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
import fnmatch
import itertools
import os
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from omstallning.commands.build_cache import (
    BUILD_FORMATS,
    MANIFEST_FILE,
    SITE_FOLDER,
    Warn,
    changed_since,
    is_fresh,
    manifest_bytes,
    our_output_name,
    read_manifest,
    sha256,
)
from omstallning.commands.build_inputs import InputHashes
from omstallning.commands.status import RegionStatus
from omstallning.documents import DOCUMENT_KINDS
from omstallning.documents.tree import Document
from omstallning.errors import OmstallningError
from omstallning.load.loader import municipality_paths
from omstallning.load.paths import resolve_inside
from omstallning.model import MunicipalityEntry, Region
from omstallning.workers import WorkerError, Workers
from omstallning.writers.files import (
    check_real_folders,
    ensure_real_folders,
    shown_path,
    sweep_temporary,
    write_files_atomic,
)

Progress = Callable[[str], None]

UNSETTLED = "ändrad under bygget"  # an inputs key no build computes: rebuilt next time
PDF_MAX_JOBS = 4  # LibreOffices at once: each takes a few hundred MB


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


def render_plan(
    region: Region,
    entry: MunicipalityEntry,
    fmt: str,
    kind: str = "plan",
    options: Mapping[str, object] | None = None,
) -> bytes:
    """One municipality's document of a kind (its plan by default) in one format, as bytes."""
    document = DOCUMENT_KINDS[kind].assemble_for(region, entry, options)
    return render_document(region, document, fmt, own_template=entry.plan.template)


def render_document(
    region: Region,
    document: Document,
    fmt: str,
    own_template: str | None = None,
    toc_pages: Mapping[str, int] | None = None,
) -> bytes:
    """An assembled document of the region in one format (`docx` with its template, `md`).

    `own_template` is a municipality's own Word template; the region's is the default.
    `html` gives the document as a page of the site (`build/html/`), with a link to its
    index. `toc_pages` (DOCX): the page of each heading, to pre-fill the table of contents.
    """
    from omstallning import writers

    if fmt == "html":  # a page of the site: with the link back to its index
        from omstallning.commands.site import document_page

        return document_page(region, document)
    template = None
    chosen = own_template or region.config.export.template
    if fmt == "docx" and chosen:
        template, _problem = resolve_inside(region.root, chosen)
    return writers.render(
        document, fmt, writers.RenderOptions(template=template, toc_pages=toc_pages)
    )


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
    options: Collection[str] | Mapping[str, object] = (),
    trusted_out: bool = False,
    loaded_at: float | None = None,
    warn: Warn | None = None,
    removed: list[Path] | None = None,
    extra: Sequence[tuple[str, bytes, str]] = (),
    site_status: RegionStatus | None = None,
    pdf_timeout: float | None = None,
) -> list[BuiltFile]:
    """Render every chosen plan that changed, and the regional documents, then write them all.

    Returns every file of the chosen plans, in order, then those of the region's documents;
    plans that were up to date are marked `skipped`. With `status` (the region's overview)
    the region-scope documents (the regional summary) are rendered too, always, since they
    read every plan and the day; they are written in the same atomic batch as the plans and
    recorded in the same manifest. A document kind with an `option` (the decision appendix,
    `beslutsbilaga`) is built only when `options` holds it; `options` may map an option to a
    value that kinds take (`jamfor` -> the comparison, `uppfoljning` -> the period).
    `progress` is called with a municipality's slug when its files are done (rendered or
    found up to date). Plans render in `jobs` processes when there are enough of them, or in
    `workers` when given: those that loaded this region
    (`validate_region`), since a worker keeps the shared part of the region it started with.

    Safety: an output folder inside the region is written only through real folders, never
    through a symbolic link (a committed `build` link must not lead out of the repo), unless
    `trusted_out` (the user named the folder with --out). `loaded_at` is when the region's
    files were read (time.time()); a file changed after that is recorded as unsettled in the
    manifest, so the next build renders it again. Temporary files that a killed build left
    are removed; outputs recorded in the manifest whose municipality is gone are removed
    when unchanged and listed in `removed`. `warn` receives Swedish warnings (a cache that
    is not a file, files changed during the build).

    Formats (`BUILD_FORMATS`): `docx`, `md`, `html` and `pdf`. `html` is the plans as a web
    site in `html/` (`commands.site`): a page per plan, the summary's page when it is built,
    and `html/index.html`, the region's overview, when `site_status` (or `status`) is given;
    in the same batch and manifest as the rest. `pdf` is made from the DOCX, which is then
    written too: every municipality document of this build and the summary are converted by
    LibreOffice after the batch is written (`build_pdf.publish_pdfs`, `jobs` at a time, each
    within `pdf_timeout` seconds), checked (`publish.pdf_check`), and their DOCX written
    again with the page numbers in the table of contents.

    Raises:
        OmstallningError: a format is unknown, a document cannot be rendered or the files
            cannot be written. Nothing is written then. With `pdf`: a PDF that fails the
            check (the DOCX and the PDF are written then) or a conversion that fails
            (`PdfConversionError`).
        UnsafeOutputError: the output folder leads through a symbolic link (exit status 2).
        LibreOfficeMissingError: `pdf` without LibreOffice (before anything is written
            when the caller calls `require_libreoffice` first, as the command line does).
    """
    rendered = render_formats(formats)
    values = options if isinstance(options, Mapping) else dict.fromkeys(options, True)
    anchor = output_anchor(region.root, out_dir, trusted=trusted_out)
    check_real_folders(anchor, out_dir)
    batch = _Batch(region, out_dir, force=force, warn=warn, options=values)
    batch.anchor = anchor
    batch.loaded_at = loaded_at if loaded_at is not None else batch.started
    planned_extra = batch.add_extra(extra)
    planned = batch.plan_municipalities(entries, rendered)
    if status is not None:
        planned += batch.plan_region(status, rendered)
    overview = site_status or status
    if "html" in rendered and overview is not None:
        planned_extra += batch.plan_site_index(overview, entries)
    with contextlib.ExitStack() as stack:
        pool = workers if workers is not None else stack.enter_context(Workers(jobs))
        batch.write(pool, _Progress(entries, batch.todo, progress))
    if removed is not None:
        removed += batch.removed
    if "pdf" in formats:
        from omstallning.commands.build_pdf import publish_pdfs

        conversions = min(workers.jobs if workers is not None else jobs, PDF_MAX_JOBS)
        planned += publish_pdfs(batch, planned, jobs=conversions, timeout=pdf_timeout)
    return planned + planned_extra


def render_formats(formats: Sequence[str]) -> list[str]:
    """The formats rendered for `formats`: as given, with `docx` for `pdf` and without `pdf`.

    Raises:
        OmstallningError: a format is unknown.
    """
    for fmt in formats:
        if fmt not in BUILD_FORMATS:
            raise OmstallningError(
                f"Okänt format ”{fmt}”. Välj {', '.join(BUILD_FORMATS[:-1])} eller pdf."
            )
    rendered = [fmt for fmt in dict.fromkeys(formats) if fmt != "pdf"]
    if "pdf" in formats and "docx" not in rendered:
        rendered.insert(0, "docx")
    return rendered


def output_anchor(root: Path, out_dir: Path, *, trusted: bool) -> Path:
    """The folder from which every component to an output file must be a real folder.

    The region's folder when the output folder lies inside it (the default `build/`), so no
    link committed to the repo is followed; the output folder itself when the user named it
    (`trusted`) or when it lies outside the region (only the user can choose that).
    """
    # Lexically (`..` folded, no link followed): a link must not decide where this lies.
    base, folder = os.path.abspath(root), os.path.abspath(out_dir)  # noqa: PTH100
    if trusted or os.path.commonpath([base, folder]) != base:
        return Path(folder)
    return Path(base)


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

    def __init__(
        self,
        region: Region,
        out_dir: Path,
        *,
        force: bool,
        warn: Warn | None = None,
        options: Mapping[str, object] | None = None,
    ) -> None:
        self.started = time.time()
        self.region = region
        self.options = dict(options or {})
        self.out_dir = out_dir
        self.anchor = out_dir
        self.loaded_at = self.started
        self.force = force
        self.warn = warn or (lambda _message: None)
        self.inputs = InputHashes(region)
        self.manifest, self.keep_manifest = read_manifest(out_dir / MANIFEST_FILE, self.warn)
        self.keys: dict[str, str] = {}  # file name -> its inputs key
        self.owners: dict[str, str] = {}  # folded file name -> the input it is built from
        self.sources: dict[str, list[str]] = {}  # file name -> municipality files it reads
        self.todo: list[Task] = []
        self.regional: list[tuple[str, Document, str]] = []  # (file name, document, format)
        self.extra: list[tuple[str, bytes, str]] = []  # (file name, bytes, inputs key)
        self.removed: list[Path] = []
        self.pictured: set[str] = set()  # Markdown files that may link to pictures

    def _claim(self, name: str, owner: str) -> None:
        """Refuse two inputs that would write one file (also where case is not told apart)."""
        folded = unicodedata.normalize("NFC", name).casefold()
        other = self.owners.setdefault(folded, owner)
        if other != owner:
            raise OmstallningError(
                f"{shown_path(other)} och {shown_path(owner)} skulle båda bli "
                f"{shown_path(self.out_dir / name)}. Inget skrevs. Byt namn på en av filerna "
                "(omstallning validate visar felet som utdata-namn)."
            )

    def plan_municipalities(
        self, entries: Sequence[MunicipalityEntry], formats: Sequence[str]
    ) -> list[BuiltFile]:
        """Every wanted municipality kind's file for each entry; those out of date go to `todo`."""
        planned: list[BuiltFile] = []
        kinds = [
            k
            for k in DOCUMENT_KINDS.values()
            if k.scope == "municipality" and k.wanted(self.options)
        ]
        for entry in entries:
            for kind in kinds:
                for fmt in _kind_formats(kind.name, formats):
                    path = self.out_dir / _file_name(kind.name, entry, fmt, self.options)
                    name = _file_name(kind.name, entry, fmt, self.options)
                    self._claim(name, entry.file)
                    self.sources[name] = [entry.file]
                    key = self.keys[name] = self.inputs.key(
                        entry, fmt, kind.name, _value_keys(kind.values(self.options))
                    )
                    recorded = self.manifest.get(name)
                    fresh = not self.force and is_fresh(recorded, key, path)
                    planned.append(BuiltFile(path, entry.slug, fmt, fresh, kind.name))
                    if not fresh:
                        self.todo.append((kind.name, entry, fmt))
        return planned

    def plan_region(self, status: RegionStatus, formats: Sequence[str]) -> list[BuiltFile]:
        """Every wanted region kind's file, assembled now: one document, rendered per format."""
        planned: list[BuiltFile] = []
        for kind in DOCUMENT_KINDS.values():
            if kind.scope != "region" or not kind.wanted(self.options):
                continue
            document = kind.assemble_region(self.region, status)
            for fmt in formats:
                name = f"{kind.file_stem()}.{fmt}"
                if fmt == "html":
                    name = f"{SITE_FOLDER}/{name}"
                self._claim(name, f"regionens {kind.name}")
                self.sources[name] = [m.file for m in self.region.municipalities]
                self.keys[name] = self.inputs.region_key(fmt, kind.name, status.today)
                self.regional.append((name, document, fmt))
                planned.append(
                    BuiltFile(self.out_dir / name, kind.file_stem(), fmt, kind=kind.name)
                )
        return planned

    def plan_site_index(
        self, status: RegionStatus, entries: Sequence[MunicipalityEntry]
    ) -> list[BuiltFile]:
        """The site's index page: every municipality's status, a link to each plan's page.

        A plan's page is linked when this build writes it or an earlier one did.
        """
        from omstallning.commands.site import index_page, page_name
        from omstallning.writers.html.site import INDEX_FILE

        site = self.out_dir / SITE_FOLDER
        pages = {entry.slug for entry in entries}
        pages |= {
            m.slug for m in self.region.municipalities if (site / page_name(m.slug)).is_file()
        }
        summary = next(
            (
                doc
                for name, doc, fmt in self.regional
                if fmt == "html"
                and name.startswith(
                    f"{SITE_FOLDER}/{DOCUMENT_KINDS['sammanstallning'].file_stem()}."
                )
            ),
            None,
        )
        data = index_page(self.region, status, sorted(pages), summary)
        name = f"{SITE_FOLDER}/{INDEX_FILE}"
        self._claim(name, "webbplatsens startsida")
        self.sources[name] = [m.file for m in self.region.municipalities]
        key = self.inputs.region_key("html", "index", status.today)
        return self.add_extra([(name, data, key)])

    def rendered(self, pool: Workers, progress: _Progress) -> Iterator[tuple[Path, bytes]]:
        """(path, bytes) of every file to write, the manifest last when anything changed."""
        region = self.region
        pieces = _render_all(region, self.todo, pool, progress.done, self.options)
        regional = ((n, render_document(region, d, fmt)) for n, d, fmt in self.regional)
        extra = ((name, data) for name, data, _ in self.extra)
        written: list[str] = []
        for name, data in itertools.chain(pieces, regional, extra):
            self.manifest[name] = {"inputs": self.keys[name], "output": sha256(data)}
            written.append(name)
            if name.endswith(".md") and b"![" in data:  # a picture is always written so
                self.pictured.add(name)
            yield self.out_dir / name, data
        yield from self.markdown_images()
        self._unsettle(written)
        stale = self._stale_outputs()
        for name in stale:
            del self.manifest[name]
        if (self.todo or self.regional or self.extra or stale) and self.keep_manifest:
            yield self.out_dir / MANIFEST_FILE, manifest_bytes(self.manifest)
        self.removed = [self.out_dir / name for name in stale]

    def add_extra(self, extra: Sequence[tuple[str, bytes, str]]) -> list[BuiltFile]:
        """Files made outside the document kinds (the tracked-changes plans), with their keys."""
        self.extra += extra
        for name, _, key in extra:
            self.keys[name] = key
        return [
            BuiltFile(self.out_dir / name, name, name.rsplit(".", 1)[-1], kind="extra")
            for name, _, _ in extra
        ]

    def _unsettle(self, written: Sequence[str]) -> None:
        """Files whose inputs changed after they were read are built again next time."""
        changed = changed_since(self.region, self.loaded_at)
        if not changed:
            return
        shared_changed = any(c not in self.sources_all() for c in changed)
        for name in written:
            if shared_changed or changed.intersection(self.sources.get(name, ())):
                self.manifest[name]["inputs"] = UNSETTLED
        self.warn(
            f"{', '.join(shown_path(c) for c in sorted(changed))} ändrades medan bygget pågick. "
            "Dokumenten byggdes av innehållet som det var när bygget började; kör build igen "
            "för att få med ändringen."
        )

    def sources_all(self) -> set[str]:
        return {m.file for m in self.region.municipalities}

    def _stale_outputs(self) -> list[str]:
        """Outputs this tool wrote for municipalities that are gone, still as written."""
        current = set(self.keys)
        # A municipality is gone only when its file is: one left out of this build for its
        # errors keeps its earlier outputs.
        slugs = {m.slug for m in self.region.municipalities}
        slugs |= {path.stem for path in municipality_paths(self.region.root)}
        patterns: list[str] = []
        for kind in DOCUMENT_KINDS.values():
            if kind.scope == "municipality":
                stems = [kind.file_pattern(slug) for slug in slugs]
            else:
                stems = [kind.file_pattern()]
            patterns += [f"{stem}.*" for stem in stems]
            patterns += [f"{SITE_FOLDER}/{stem}.html" for stem in stems]
        patterns += [f"{slug}-*.docx" for slug in slugs]  # tracked-changes plans
        patterns.append(f"{SITE_FOLDER}/index.html")
        stale = []
        for name, recorded in self.manifest.items():
            if name in current or not our_output_name(name) or not isinstance(recorded, dict):
                continue
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
                continue
            if is_fresh(recorded, recorded.get("inputs"), self.out_dir / name):
                stale.append(name)
        return sorted(stale)

    def markdown_images(self) -> Iterator[tuple[Path, bytes]]:
        """The pictures the Markdown documents link to, written beside them (`bilder/…`)."""
        from omstallning.writers.markdown import document_images

        seen: set[str] = set()
        for kind, entry, fmt in self.todo:
            # Assembled again only when its Markdown may show a picture: not in most plans.
            if fmt == "md" and _file_name(kind, entry, fmt, self.options) in self.pictured:
                document = DOCUMENT_KINDS[kind].assemble_for(self.region, entry, self.options)
                for name, data in document_images(document):
                    if name not in seen:
                        seen.add(name)
                        yield self.out_dir / name, data

    def write(self, pool: Workers, progress: _Progress) -> None:
        """Write every file in one atomic batch, or none.

        Each file goes to a temporary file as soon as it is rendered (so 290 documents are
        not all held in memory); all of them, the manifest too, are renamed into place only
        when every one is on disk. A document that fails or a full disk halfway leaves every
        earlier output as it was, no temporary file, and no output folder that was not there.
        """
        missing: list[Path] = []  # folders this build would create, deepest first
        for folder in (self.out_dir, *self.out_dir.parents):
            if folder.exists() or folder.is_symlink():
                break
            missing.append(folder)
        try:
            ensure_real_folders(self.anchor, self.out_dir)
            swept = sweep_temporary(self.out_dir, self.started)
            if swept:
                self.warn(
                    f"Tog bort {len(swept)} tillfälliga filer som ett avbrutet bygge lämnade "
                    f"i {shown_path(self.out_dir)}."
                )
            # Every file lies directly in the folder just checked; a rename replaces a link
            # in its place rather than writing through it.
            write_files_atomic(self.rendered(pool, progress), inside=self.anchor)
        except BaseException:
            for folder in missing:
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty
            raise
        for path in self.removed:
            with contextlib.suppress(OSError):
                path.unlink()


# --- Rendering, here or in worker processes -------------------------------------------------


def _render_all(
    region: Region,
    todo: Sequence[Task],
    workers: Workers,
    done: Callable[[MunicipalityEntry], None],
    options: Mapping[str, object],
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) for every (kind, municipality, format) in `todo`, as they finish.

    In the worker processes when they run already (they loaded the region) or when there
    are enough plans to start them; a document is the same bytes wherever it renders. A
    document that takes an option's value (the comparison of `--jamfor`) renders here, where
    that value is.
    """
    elsewhere = [t for t in todo if not DOCUMENT_KINDS[t[0]].values(options)]
    plans = len({id(entry) for _, entry, _ in elsewhere})
    finished: set[str] = set()
    if elsewhere and (workers.running or workers.start(region, plans)):
        try:
            for (kind, entry, fmt), data in workers.unordered(_render_in_worker, elsewhere):
                name = _file_name(kind, entry, fmt, options)
                finished.add(name)
                done(entry)
                yield name, data
        except WorkerError:
            pass  # no worker processes here (a sandbox that forbids them, one killed)
    for kind, entry, fmt in todo:
        name = _file_name(kind, entry, fmt, options)
        if name not in finished:
            data = render_plan(region, entry, fmt, kind, options)
            done(entry)
            yield name, data


def _file_name(kind: str, entry: MunicipalityEntry, fmt: str, options: Mapping[str, object]) -> str:
    name = f"{DOCUMENT_KINDS[kind].file_stem(entry.slug, options)}.{fmt}"
    return f"{SITE_FOLDER}/{name}" if fmt == "html" else name


def _kind_formats(kind: str, formats: Sequence[str]) -> list[str]:
    """A kind's formats of a build: the site (`html`) has the plans only."""
    return [fmt for fmt in formats if fmt != "html" or kind == "plan"]


def _value_keys(values: Mapping[str, object]) -> str:
    """What an option's values contribute to a file's inputs key (`fingerprint()` or text)."""
    parts = []
    for name in sorted(values):
        value = values[name]
        fingerprint = getattr(value, "fingerprint", None)
        parts.append(f"{name}={fingerprint() if callable(fingerprint) else value}")
    return "\0".join(parts)


def _render_in_worker(task: Task) -> bytes:
    from omstallning.workers import shared

    kind, entry, fmt = task
    return render_plan(shared().region, entry, fmt, kind)

"""`build --format pdf`: the build's DOCX as checked, accessible PDFs, with TOC page numbers.

After the build's atomic batch has written the DOCX files, the DOCX of every municipality
document of the build (plans and option kinds) and of the summary, when built, is turned
into a tagged PDF/A-2b and PDF/UA-1 beside it by LibreOffice (`publish.libreoffice`; the
converter writes each PDF atomically). Each PDF is checked (`publish.pdf_check`) as soon as
it is written, while LibreOffice converts the next ones. The pages of the headings in the
same PDF (its bookmarks) then pre-fill the DOCX's table of contents (`writers.docx.toc`):
the DOCX is rendered again with them and written, so that a reader that does not update
fields (Word's protected view, LibreOffice) shows the page numbers. The PDF already has
them: LibreOffice updates the indexes before it exports. One conversion a plan is enough:
the DOCX with the pages differs from the converted one only in the cached page numbers of
the table of contents, which LibreOffice lays out with the same entries either way.

The manifest records a PDF by its name with `inputs`: the hash of its DOCX as written at
the end (with the pages), `output`: the PDF's hash, `plain`: the hash of the DOCX as the
batch renders it (without pages) and `toc`: the pages. A PDF is converted again only when
its DOCX changed: a DOCX still as written is up to date, and one rendered again to the same
plain bytes (the summary, which every build renders) gets its recorded pages back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omstallning.commands.build_cache import MANIFEST_FILE, manifest_bytes, read_regular, sha256
from omstallning.documents import DOCUMENT_KINDS
from omstallning.errors import OmstallningError
from omstallning.writers.files import StagedFiles, shown_path

if TYPE_CHECKING:
    from omstallning.commands.build import BuiltFile, _Batch
    from omstallning.documents.tree import Document
    from omstallning.publish.libreoffice import Result


class PdfCheckError(OmstallningError):
    """A PDF was written but lacks what makes it accessible; the message names it."""


@dataclass
class _Run:
    """What the PDF step of one build does and found."""

    batch: _Batch
    # The DOCX with their pages, on disk beside their targets as each is made (290 of them
    # held in memory took the build past 250 MB), renamed into place with the manifest.
    staged: StagedFiles = field(default_factory=StagedFiles)
    built: list[BuiltFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def publish_pdfs(
    batch: _Batch, planned: Sequence[BuiltFile], *, jobs: int, timeout: float | None
) -> list[BuiltFile]:
    """Convert, check and record the PDF of every DOCX in `planned`; the PDFs, in order.

    Raises:
        PdfConversionError: LibreOffice failed or hung on a file (the others are written).
        PdfCheckError: a PDF lacks tags, language, title, header cells … (it is written).
        LibreOfficeMissingError: LibreOffice or a Python with `uno` is missing.
    """
    with StagedFiles(inside=batch.anchor) as staged:
        return _publish(_Run(batch, staged), planned, jobs=jobs, timeout=timeout)


def _publish(
    run: _Run, planned: Sequence[BuiltFile], *, jobs: int, timeout: float | None
) -> list[BuiltFile]:
    from omstallning.commands.build import BuiltFile
    from omstallning.publish.libreoffice import DEFAULT_TIMEOUT, convert_to_pdf, raise_for_failures

    batch = run.batch
    convert: list[BuiltFile] = []
    for docx in planned:
        if docx.format != "docx" or docx.kind == "extra":
            continue
        pdf = docx.path.with_suffix(".pdf")
        state, pages = _state(batch, docx, pdf)
        if state == "fresh":
            run.built.append(BuiltFile(pdf, docx.slug, "pdf", True, docx.kind))
        elif state == "pages" and pages is not None:
            document = _document(batch, docx)
            data = _with_pages(batch, document, pages)
            run.staged.add(docx.path, data)
            plain = _digest(docx.path)
            _record(run, docx, sha256(data), pages, plain=plain, checked=True, converted=False)
        else:
            convert.append(docx)
    pairs = [(docx.path, docx.path.with_suffix(".pdf")) for docx in convert]
    done: dict[int, tuple[list[str], dict[str, int], str, str | None]] = {}  # data as its hash

    def converted(index: int, result: Result) -> None:
        # While LibreOffice converts the next plans.
        if result.ok:
            found, pages, data, plain = _converted(batch, convert[index])
            run.staged.add(convert[index].path, data)
            done[index] = (found, pages, sha256(data), plain)

    results = (
        convert_to_pdf(pairs, jobs=jobs, timeout=timeout or DEFAULT_TIMEOUT, on_result=converted)
        if pairs
        else []
    )
    for index, docx in enumerate(convert):
        if index in done:
            found, pages, digest, plain = done[index]
            run.problems += [f"{shown_path(docx.path.with_suffix('.pdf'))}: {p}" for p in found]
            _record(run, docx, digest, pages, plain=plain, checked=not found)
    _write(run)
    raise_for_failures(results)
    if run.problems:
        raise PdfCheckError(
            "PDF-kontrollen hittade fel; filerna skrevs men är inte tillgängliga som de ska:\n"
            + "\n".join(f"  {line}" for line in run.problems)
            + "\nFelen kommer oftast från Word-mallen (export.mall) eller från LibreOffice-"
            "versionen; bygg med --format docx för att få Word-filerna utan PDF."
        )
    return run.built


def _state(batch: _Batch, docx: BuiltFile, pdf: Path) -> tuple[str, dict[str, int] | None]:
    """`fresh` (nothing to do), `pages` (only the DOCX again, with these) or `convert`."""
    recorded = batch.manifest.get(pdf.name)
    if batch.force or not isinstance(recorded, dict):
        return "convert", None
    data = read_regular(pdf, limit=None)
    if data is None or sha256(data) != recorded.get("output"):
        return "convert", None
    current = _digest(docx.path)
    if current is not None and current == recorded.get("inputs"):
        return "fresh", None
    pages = _recorded_pages(recorded.get("toc"))
    if current is not None and current == recorded.get("plain") and pages is not None:
        return "pages", pages
    return "convert", None


def _recorded_pages(value: Any) -> dict[str, int] | None:
    """The `toc` of a manifest entry when it is what this tool writes (the file is untrusted)."""
    if not isinstance(value, dict) or len(value) > 10_000:
        return None
    if all(isinstance(k, str) and type(v) is int and 0 < v < 100_000 for k, v in value.items()):
        return dict(value)
    return None


def _digest(path: Path) -> str | None:
    data = read_regular(path, limit=None)
    return sha256(data) if data is not None else None


# What a conversion gave: the check's problems, the pages, the DOCX with them, the plain hash.
_Converted = tuple[list[str], dict[str, int], bytes, str | None]


def _converted(batch: _Batch, docx: BuiltFile) -> _Converted:
    """A DOCX that LibreOffice turned into a PDF: check the PDF, pre-fill the DOCX's TOC.

    The pages are those of the PDF's bookmarks, which LibreOffice makes of the heading
    paragraphs where it laid them out. The DOCX with the pages lays out the same: LibreOffice
    updated the table of contents (the same entries, with pages) before it exported.
    """
    from omstallning.publish.pdf_check import inspect_pdf
    from omstallning.writers.docx.body import plan_heading_bookmarks
    from omstallning.writers.docx.toc import pages_by_bookmark

    found, laid_out = inspect_pdf(docx.path.with_suffix(".pdf"))
    document = _document(batch, docx)
    names = plan_heading_bookmarks(document[0].blocks)
    headings = [(names[i], block.text) for i, block in _headings(document[0])]
    pages = pages_by_bookmark(headings, laid_out)
    return found, pages, _with_pages(batch, document, pages), _digest(docx.path)


def _headings(document: Document) -> list[tuple[int, Any]]:
    from omstallning.documents.tree import Heading

    return [(i, b) for i, b in enumerate(document.blocks) if isinstance(b, Heading)]


def _with_pages(
    batch: _Batch, document: tuple[Document, str | None], pages: Mapping[str, int]
) -> bytes:
    """The DOCX of `document` (and its template) with the TOC's pages."""
    from omstallning.commands.build import render_document

    return render_document(batch.region, document[0], "docx", document[1], pages)


def _record(
    run: _Run,
    docx: BuiltFile,
    digest: str,
    pages: Mapping[str, int],
    *,
    plain: str | None,
    checked: bool,
    converted: bool = True,
) -> None:
    """Record the DOCX rendered again with the TOC's pages and (when `checked`) its PDF.

    The DOCX is staged already; `digest` is its hash.
    `converted`: the PDF was written now (else it was up to date and only the DOCX is).
    """
    from omstallning.commands.build import BuiltFile

    batch = run.batch
    pdf = docx.path.with_suffix(".pdf")
    recorded = batch.manifest.get(docx.path.name)
    if isinstance(recorded, dict):
        recorded["output"] = digest
    pdf_data = read_regular(pdf, limit=None)
    if checked and pdf_data is not None:
        batch.manifest[pdf.name] = {
            "inputs": digest,
            "output": sha256(pdf_data),
            "plain": plain,
            "toc": {name: pages[name] for name in sorted(pages)},
        }
    run.built.append(BuiltFile(pdf, docx.slug, "pdf", not converted, docx.kind))


def _document(batch: _Batch, docx: BuiltFile) -> tuple[Document, str | None]:
    """The document a DOCX of the build is rendered from, and its own Word template."""
    name = docx.path.name
    for regional_name, document, _fmt in batch.regional:
        if regional_name == name:
            return document, None
    entry = batch.region.municipality(docx.slug)
    assert entry is not None, docx
    kind = DOCUMENT_KINDS[docx.kind]
    return kind.assemble_for(batch.region, entry, batch.options), entry.plan.template


def _write(run: _Run) -> None:
    """The DOCX with their pages, and the manifest, in one atomic batch."""
    batch = run.batch
    if run.built and batch.keep_manifest:
        run.staged.add(batch.out_dir / MANIFEST_FILE, manifest_bytes(batch.manifest))
    run.staged.commit()

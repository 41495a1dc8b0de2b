"""The DOCX writer: a document tree to a Word package.

The package, by concern: `template` (the document a plan starts from), `styles` (the
style sheet and house style), `body` (the tree to the body), `body_xml` and `tables`
(body elements as text), `splice` (how that text enters document.xml), `sections`
(headers, footers, orientation), `ooxml` (DOM helpers for what python-docx has no API
for), `package` (properties and the deterministic zip, via `zip_writer`) and `cache`.

`PROCESS_CACHE` below is the one cache of the writer in a process (the CLI's, or a
worker's): the starting documents, the body parser and compressed parts that every plan
of a build shares. It lives here, not in the modules that render, so that those stay
pure; `render_docx` takes another `DocxCache` for tests that need a fresh one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from omstallning.writers.docx.body import BodyWriter
from omstallning.writers.docx.cache import DocxCache
from omstallning.writers.docx.package import docx_bytes_deterministic, set_properties

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from docx.document import Document as DocxDocument

    from omstallning.documents.tree import Document
    from omstallning.writers import RenderOptions

PROCESS_CACHE = DocxCache()


def render(doc: Document, options: RenderOptions) -> bytes:
    """The writer entry point (see `omstallning.writers`): a .docx package."""
    return render_docx(doc, template=options.template, toc_pages=options.toc_pages)


def render_docx(
    doc: Document,
    *,
    template: Path | None = None,
    cache: DocxCache = PROCESS_CACHE,
    toc_pages: Mapping[str, int] | None = None,
) -> bytes:
    """Render `doc` to the bytes of a .docx file; the same input gives the same bytes.

    Args:
        doc: The assembled plan.
        template: A Word file (.docx or .dotx) whose styles, page setup, headers and
            footers are used; its body text is dropped.
        cache: What is kept between documents; the process's own by default.
        toc_pages: The page of each heading by bookmark name, from a laid-out copy of
            the same document (`toc.pages_by_bookmark`): the table of contents is
            then written with its page numbers and Word is not asked to update fields.
    """
    document, writer = _write(doc, template, cache, splice=True, toc_pages=toc_pages)
    return docx_bytes_deterministic(
        document, doc.meta.created, body_text=writer.body_text, cache=cache.deflated
    )


def build_docx(
    doc: Document,
    *,
    template: Path | None = None,
    cache: DocxCache = PROCESS_CACHE,
    toc_pages: Mapping[str, int] | None = None,
) -> DocxDocument:
    """The python-docx document for `doc`, its body parsed instead of spliced.

    The same document `render_docx` saves; tests compare the two ways.
    """
    document, _writer = _write(doc, template, cache, splice=False, toc_pages=toc_pages)
    return document


def _write(
    doc: Document,
    template: Path | None,
    cache: DocxCache,
    *,
    splice: bool,
    toc_pages: Mapping[str, int] | None = None,
) -> tuple[DocxDocument, BodyWriter]:
    document = cache.starting_document(template)
    writer = BodyWriter(
        document, doc, splice=splice, parser=cache.body_parser(), toc_pages=toc_pages
    )
    writer.write()
    set_properties(document, doc.meta)
    return document, writer

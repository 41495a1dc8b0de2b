"""Writers: a document tree to the bytes of one output format.

A format is one module with a `render(document, options) -> bytes` function plus one entry
in `WRITERS`. Writers are imported only when a document is written in their format (the DOCX
writer pulls in python-docx and lxml, which `validate` never needs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from omstallning.documents.tree import Document


@dataclass(frozen=True)
class RenderOptions:
    """What a writer may need besides the document.

    `template`: the region's (or a municipality's) Word template. `toc_pages`: the page of
    each heading by its bookmark name (`writers.docx.body.plan_heading_bookmarks`), from a
    laid-out copy of the same document: the DOCX's table of contents is then written with
    page numbers (see `writers.docx.toc`).
    """

    template: Path | None = None
    toc_pages: Mapping[str, int] | None = None


Render = Callable[["Document", RenderOptions], bytes]

# format -> (module, suffix of the written file)
WRITERS: dict[str, tuple[str, str]] = {
    "docx": ("omstallning.writers.docx", ".docx"),
    "md": ("omstallning.writers.markdown", ".md"),
    "html": ("omstallning.writers.html", ".html"),
}


def suffix(fmt: str) -> str:
    """The file suffix of a format: `.docx`, `.md`."""
    return WRITERS[fmt][1]


def render(document: Document, fmt: str, options: RenderOptions | None = None) -> bytes:
    """`document` in format `fmt`, as the bytes of the file."""
    module = importlib.import_module(WRITERS[fmt][0])
    write: Render = module.render
    return write(document, options or RenderOptions())

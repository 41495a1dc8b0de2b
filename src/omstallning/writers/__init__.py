"""Writers: a document tree to the bytes of one output format.

A format is one module with a `render(document, options) -> bytes` function plus one entry
in `WRITERS`. Writers are imported only when a document is written in their format (the DOCX
writer pulls in python-docx and lxml, which `validate` never needs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from omstallning.documents.tree import Document


@dataclass(frozen=True)
class RenderOptions:
    """What a writer may need besides the document: the region's Word template."""

    template: Path | None = None


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

"""The DOCX writer: a document tree to a Word package."""

from __future__ import annotations

from typing import TYPE_CHECKING

from omstallning.writers.docx.render import render_docx

if TYPE_CHECKING:
    from omstallning.documents.tree import Document
    from omstallning.writers import RenderOptions


def render(doc: Document, options: RenderOptions) -> bytes:
    """The writer entry point (see `omstallning.writers`): a .docx package."""
    return render_docx(doc, template=options.template)

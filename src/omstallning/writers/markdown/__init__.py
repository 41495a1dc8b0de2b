"""Renders the document tree to clean CommonMark/GFM with YAML front matter. Pure: no file I/O.

No raw HTML is written. Every piece of inline text is escaped so that it reads back as the
same text, and each rendered line of inline Markdown is parsed again with the same
markdown-it-py parser that reads plan texts: if the formatting did not survive (some
combinations of emphasis and punctuation have no CommonMark spelling), the line is written
again with less formatting, never with different text.
"""

from __future__ import annotations

from omstallning.documents.tree import Document
from omstallning.writers import RenderOptions
from omstallning.writers.markdown.blocks import TIMELINE_MARK, MarkdownRenderer, front_matter
from omstallning.writers.markdown.inline import InlineWriter

__all__ = ["TIMELINE_MARK", "InlineWriter", "render", "render_markdown"]

# The cache of the inline Markdown written in this process, owned by the writer's entry
# point: a worker renders many plans, and their shared introduction is the same text in
# each (without it the Markdown takes half as long again). The modules below keep no state.
_PROCESS_INLINE = InlineWriter()


def render_markdown(doc: Document, inline: InlineWriter | None = None) -> str:
    """Render a document as CommonMark/GFM with YAML front matter.

    The front matter holds `doc.meta.front_matter` in its order, every value a quoted YAML
    string. The cover page becomes its marking, subtitle and facts (its title belongs to the
    front matter, so the first heading is the first chapter, as in the DOCX); the table of
    contents and page breaks are left out.

    Args:
        doc: The document.
        inline: Writes (and caches) the inline text; a fresh one when not given.

    Returns:
        The Markdown, ending with exactly one newline ("" for an empty document).
    """
    renderer = MarkdownRenderer(doc, inline or InlineWriter())
    front = front_matter(doc.meta.front_matter)
    body = renderer.blocks(doc.blocks)
    lines = front + ([""] if front and body else []) + body
    if not lines:
        return ""
    return "\n".join(line.rstrip(" \t") for line in lines) + "\n"


def render(doc: Document, options: RenderOptions) -> bytes:
    """The writer entry point (see `omstallning.writers`): UTF-8 Markdown."""
    return render_markdown(doc, _PROCESS_INLINE).encode("utf-8")

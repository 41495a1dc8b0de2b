"""Renders the document tree to clean CommonMark/GFM with YAML front matter. Pure: no file I/O.

No raw HTML is written. Every piece of inline text is escaped so that it reads back as the
same text, and each rendered line of inline Markdown is parsed again with the same
markdown-it-py parser that reads plan texts: if the formatting did not survive (some
combinations of emphasis and punctuation have no CommonMark spelling), the line is written
again with less formatting, never with different text.
"""

from __future__ import annotations

from omstallning.documents.tree import CoverPage, Document, Heading, Run, iter_images
from omstallning.writers import RenderOptions
from omstallning.writers.markdown.blocks import TIMELINE_MARK, MarkdownRenderer, front_matter
from omstallning.writers.markdown.inline import InlineWriter

__all__ = ["TIMELINE_MARK", "InlineWriter", "document_images", "render", "render_markdown"]

# The cache of the inline Markdown written in this process, owned by the writer's entry
# point: a worker renders many plans, and their shared introduction is the same text in
# each (without it the Markdown takes half as long again). The modules below keep no state.
_PROCESS_INLINE = InlineWriter()


def render_markdown(doc: Document, inline: InlineWriter | None = None) -> str:
    """Render a document as CommonMark/GFM with YAML front matter.

    The front matter holds `doc.meta.front_matter` in its order, every value a quoted YAML
    string. A document with a cover page has its title as the one H1 (GitLab folds the
    front matter away), and every heading of the tree sits one level below it: chapters
    are H2s. The cover page
    becomes its marking, subtitle and facts; the table of contents a list of links to the
    chapters; page breaks are left out. Table and figure captions are numbered as in Word
    ("Tabell 3: …"); footnotes are `[^n]` with their definitions at the end; a paragraph
    with an anchor (a source that citations link to) starts with `<a id name>`, the only
    raw HTML written. Pictures link to `bilder/…` beside the document (see
    `document_images`).

    Args:
        doc: The document.
        inline: Writes (and caches) the inline text; a fresh one when not given.

    Returns:
        The Markdown, ending with exactly one newline ("" for an empty document).
    """
    renderer = MarkdownRenderer(doc, inline or InlineWriter())
    # A document with a cover (a plan, a summary) gets its title as the one H1, its
    # headings one level down; a bare document (a test's) is written as it is.
    titled = bool(doc.meta.title) and any(isinstance(b, CoverPage) for b in doc.blocks)
    renderer.shift = 1 if titled else 0
    renderer.chapters = [
        b for b in doc.blocks if isinstance(b, Heading) and b.level == 1 and b.anchor
    ]
    front = front_matter(doc.meta.front_matter)
    body = renderer.blocks(doc.blocks)
    if body and titled:
        title = renderer.inline.text((Run(doc.meta.title),), {}, context="heading")
        body = [f"# {title}", "", *body]
    notes = renderer.footnotes()
    if notes:
        body += ["", *notes]
    lines = front + ([""] if front and body else []) + body
    if not lines:
        return ""
    return "\n".join(line.rstrip(" \t") for line in lines) + "\n"


def document_images(doc: Document) -> list[tuple[str, bytes]]:
    """The files the Markdown of `doc` links to, as (name relative to it, bytes).

    `build` writes each beside the .md (`bilder/org-1a2b3c4d.png`); the same name always
    holds the same bytes, so plans that share a picture share the file.
    """
    seen: dict[str, bytes] = {}
    for image in iter_images(doc.blocks):
        seen.setdefault(image.name, image.png)
    return sorted(seen.items())


def render(doc: Document, options: RenderOptions) -> bytes:
    """The writer entry point (see `omstallning.writers`): UTF-8 Markdown."""
    return render_markdown(doc, _PROCESS_INLINE).encode("utf-8")

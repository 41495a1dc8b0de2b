"""The HTML writer: one self-contained, accessible HTML5 page per document.

The page needs nothing from elsewhere: the style sheet is inlined, a logo is embedded as a
data URL, there is no JavaScript, and a Content-Security-Policy forbids any request. It has
the document's language, landmarks (header, nav, main), a skip link, a single h1 (the cover
title) with the other headings below it without gaps, tables with caption and header scope,
and colours that never carry information alone. Pure apart from reading the cover logo: the
same document gives the same bytes.
"""

from __future__ import annotations

import base64
import functools
from importlib import resources
from pathlib import Path

from omstallning.documents.tree import CoverPage, Document, TableOfContents
from omstallning.load import safe_read
from omstallning.writers import RenderOptions
from omstallning.writers.html.blocks import Body, Ids, TocEntry, collect, esc, footnotes_html
from omstallning.writers.html.colours import Fills, pattern_css

MAIN_ID = "huvudinnehall"
TOC_ID = "innehall-rubrik"
SKIP_TEXT = "Hoppa till innehållet"
UNNAMED_FILL = "Markerad"
# No request of any kind: style and images only from the page itself.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


@functools.cache  # the same for every page
def stylesheet() -> str:
    """The page's CSS: the packaged style sheet and the fill patterns."""
    css = resources.files(__package__).joinpath("page.css").read_text(encoding="utf-8")
    return css + pattern_css()


def html_lang(language: str) -> str:
    """The page language from the document's (`sv-SE` -> `sv`)."""
    primary = language.split("-")[0].strip().lower()
    return primary if primary.isascii() and primary.isalpha() else "sv"


def logo_data_url(path: str) -> str | None:
    """The logo file as a data URL, or None when it is missing or no web image."""
    file = Path(path)
    kind = IMAGE_TYPES.get(file.suffix.lower())
    if kind is None:
        return None
    try:
        data = safe_read.read_bytes(file, safe_read.LOGO_BYTES)  # a regular file, capped
    except OSError:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def cover_html(cover: CoverPage, *, first: bool) -> list[str]:
    """The cover in the page header; the first cover's title is the page's h1."""
    out: list[str] = []
    if cover.logo:
        url = logo_data_url(cover.logo)
        if url:
            out.append(f'<img class="logotyp" src="{url}" alt="{esc(cover.logo_alt or "")}">')
    if cover.marking:
        out.append(f'<p class="markering">{esc(cover.marking)}</p>')
    tag = "h1" if first else "p"
    out.append(f'<{tag} class="titel">{esc(cover.title)}</{tag}>')
    if cover.subtitle:
        out.append(f'<p class="undertitel">{esc(cover.subtitle)}</p>')
    if cover.facts:
        out.append('<dl class="fakta">')
        out += [
            f"<div><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>" for label, value in cover.facts
        ]
        out.append("</dl>")
    return out


def toc_html(entries: list[TocEntry]) -> list[str]:
    """Nested lists of links to the headings, by their levels on the page."""
    out: list[str] = []
    open_levels: list[int] = []
    for entry in entries:
        if not open_levels or entry.html_level > open_levels[-1]:
            out.append("<ul>")
            open_levels.append(entry.html_level)
        else:
            out.append("</li>")
            while len(open_levels) > 1 and entry.html_level < open_levels[-1]:
                out.append("</ul></li>")
                open_levels.pop()
        out.append(f'<li><a href="#{entry.id}">{esc(entry.text)}</a>')
    if open_levels:
        out.append("</li>" + "</ul></li>" * (len(open_levels) - 1) + "</ul>")
    return out


def render_html(doc: Document) -> str:
    """The document as the text of one HTML page."""
    ids = Ids([MAIN_ID, TOC_ID])
    fills = Fills(UNNAMED_FILL)
    collect(doc.blocks, ids, fills)
    body = Body(ids, fills)
    main = body.blocks(doc.blocks)
    main += footnotes_html(body)

    covers = [b for b in doc.blocks if isinstance(b, CoverPage)]
    header = [line for i, c in enumerate(covers) for line in cover_html(c, first=i == 0)]
    if not covers:
        header = [f'<h1 class="titel">{esc(doc.meta.title)}</h1>']
    nav: list[str] = []
    toc = next((b for b in doc.blocks if isinstance(b, TableOfContents)), None)
    entries = [e for e in body.toc if toc is not None and e.tree_level <= toc.levels and e.text]
    if toc is not None and entries:
        nav = [
            f'<nav class="innehall" aria-labelledby="{TOC_ID}">',
            f'<h2 id="{TOC_ID}">{esc(toc.title)}</h2>',
            *toc_html(entries),
            "</nav>",
        ]
    meta = doc.meta
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang(meta.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(meta.title)}</title>",
        *(
            f'<meta name="{name}" content="{esc(value)}">'
            for name, value in (
                ("description", meta.subject),
                ("author", meta.author),
                ("keywords", meta.keywords),
            )
            if value
        ),
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
        f'<a class="hoppa" href="#{MAIN_ID}">{SKIP_TEXT}</a>',
        '<header class="omslag">',
        *header,
        "</header>",
        *nav,
        f'<main id="{MAIN_ID}" tabindex="-1">',
        *main,
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def render(doc: Document, options: RenderOptions) -> bytes:
    """The HTML writer's entry in `WRITERS`: the page as UTF-8 bytes."""
    del options  # no template: the style sheet is the package's own
    return render_html(doc).encode("utf-8")

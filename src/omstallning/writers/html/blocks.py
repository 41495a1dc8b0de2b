"""The body of an HTML page: blocks and inline runs of the document tree as HTML.

Every text is escaped; a link is written only when it can work: an internal link only to an
id the page has, an external one only for http, https and mailto. Headings get levels without
gaps under the page's single h1, whatever levels the tree skips.
"""

from __future__ import annotations

import base64
import html
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from omstallning.documents.tree import (
    Block,
    Cell,
    CodeBlock,
    CoverPage,
    Heading,
    Image,
    Inline,
    LineBreak,
    ListBlock,
    Note,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    TableOfContents,
    plain_text,
)
from omstallning.writers.html.colours import Fills, normal_hex

# C0/C1 controls and lone surrogates cannot be written in an HTML page (or in UTF-8).
_UNWRITABLE_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
_UNWRITABLE = re.compile(f"[{_UNWRITABLE_CHARS}]")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# A link a reader can follow safely; anything else (javascript:, data:, file:) stays text.
_SAFE_URL = re.compile(r"(?:https?://|mailto:)[^\s\"<>\\]+", re.IGNORECASE)
# What `esc` replaces: the unwritable characters and those `html.escape(quote=True)` does.
_SPECIAL = re.compile(f"[&<>\"'{_UNWRITABLE_CHARS}]")


def esc(text: str) -> str:
    """`text` escaped for HTML content and attribute values."""
    if _SPECIAL.search(text) is None:  # most texts: nothing to replace
        return text
    return html.escape(_UNWRITABLE.sub("\ufffd", text), quote=True)


def is_safe_url(url: str) -> bool:
    """Whether an external link may be written as a link (http, https, mailto)."""
    return _SAFE_URL.fullmatch(url) is not None


class Ids:
    """The ids of one page: unique, and every document anchor mapped to one id."""

    def __init__(self, reserved: Iterable[str]) -> None:
        self.used: set[str] = set(reserved)
        self.by_anchor: dict[str, str] = {}
        self.placed: set[str] = set()
        # The lowest number that may be free per base: ids are never released, so the
        # search for the next one starts there (not at 1: a page of 5,000 headings).
        self._next: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        """A new id (`base-1`, `base-2` and so on) not used yet."""
        for n in itertools.count(self._next.get(base, 1)):
            candidate = f"{base}-{n}"
            if candidate not in self.used:
                self.used.add(candidate)
                self._next[base] = n + 1
                return candidate
        raise AssertionError("unreachable")  # pragma: no cover

    def register(self, anchor: str) -> None:
        """Give a document anchor its id (the anchor itself when it is a plain ASCII name)."""
        if anchor in self.by_anchor:
            return
        if _ID.fullmatch(anchor) and anchor not in self.used:
            self.used.add(anchor)
            self.by_anchor[anchor] = anchor
        else:
            self.by_anchor[anchor] = self.fresh("ankare")

    def target(self, anchor: str) -> str | None:
        """The id a link to `anchor` points at, or None when no element has that anchor."""
        return self.by_anchor.get(anchor)

    def place(self, anchor: str | None) -> str | None:
        """The id of the element carrying `anchor`: the anchor's id the first time, else None."""
        if anchor is None:
            return None
        found = self.by_anchor.get(anchor)
        if found is None or found in self.placed:
            return None
        self.placed.add(found)
        return found


def walk(blocks: Sequence[Block]) -> Iterable[Block]:
    """Every block, nested ones (in quotes and list items) right after their parent."""
    for block in blocks:
        yield block
        if isinstance(block, Quote):
            yield from walk(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from walk(item.blocks)


def collect(blocks: Sequence[Block], ids: Ids, fills: Fills) -> None:
    """Register the anchors and fill colours of the whole document before rendering it.

    The fills of legends (a table whose only row is empty filled cells under the colours'
    names) come first, so a colour has the same pattern on every page of a region.
    """
    tables = [b for b in walk(blocks) if isinstance(b, Table)]
    for table in tables:
        if _is_legend(table):
            for head, cell in zip(table.header, table.rows[0], strict=True):
                name = cell.label or plain_text(head.runs).strip()
                fills.add(normal_hex(cell.fill or "") or "", name)
    for table in tables:
        for cell in itertools.chain(table.header, *table.rows):
            fill = normal_hex(cell.fill) if cell.fill else None
            if fill:
                fills.add(fill)
    for block in walk(blocks):
        if isinstance(block, Heading | Paragraph) and block.anchor is not None:
            ids.register(block.anchor)


def _is_blank(cell: Cell) -> bool:
    return not plain_text(cell.runs).strip()


def _is_legend(table: Table) -> bool:
    return (
        len(table.rows) == 1
        and len(table.header) == len(table.rows[0]) > 0
        and all(normal_hex(c.fill or "") and (c.label or _is_blank(c)) for c in table.rows[0])
        and not any(_is_blank(h) for h in table.header)
    )


@dataclass(frozen=True)
class TocEntry:
    """A heading as the table of contents lists it."""

    tree_level: int
    html_level: int
    id: str
    text: str


def _link_of(item: Inline) -> tuple[str, str] | None:
    if isinstance(item, Run):
        if item.anchor is not None:
            return ("#", item.anchor)
        if item.url is not None:
            return ("url", item.url)
    return None


def _run(item: Inline) -> str:
    if isinstance(item, LineBreak):
        return "<br>"
    if not isinstance(item, Run):
        return ""  # a footnote: `Body.inline` writes its mark
    text = esc(item.text)
    if not (text and (item.code or item.strike or item.italic or item.bold)):
        return text
    for on, tag in (
        (item.code, "code"),
        (item.strike, "del"),
        (item.italic, "em"),
        (item.bold, "strong"),
    ):
        if on and text:
            text = f"<{tag}>{text}</{tag}>"
    return text


def _unlinked(runs: Sequence[Inline]) -> bool:
    """Whether `runs` hold no link and no note (text and line breaks only)."""
    for item in runs:
        if isinstance(item, Run):
            if item.url is not None or item.anchor is not None:
                return False
        elif not isinstance(item, LineBreak):
            return False
    return True


class Body:
    """Renders the blocks of one page; records its headings for the table of contents."""

    def __init__(self, ids: Ids, fills: Fills) -> None:
        self.ids = ids
        self.fills = fills
        self.toc: list[TocEntry] = []
        self.depth = 0  # nesting in quotes and lists: only top-level headings are listed
        self.outline: list[tuple[int, int]] = []  # open headings: (tree level, html level)
        self.unnamed_tables = 0  # regions need distinct names: "Tabell 1", "Tabell 2", …
        self.notes: list[tuple[Block, ...]] = []

    # --- inline ---

    def inline(self, runs: Sequence[Inline]) -> str:
        """Runs as HTML; runs with the same link target share one link; notes numbered."""
        if _unlinked(runs):  # most runs: no link, no note
            return "".join(map(_run, runs))
        if any(isinstance(r, Note) for r in runs):
            parts: list[str] = []
            for is_note, group in itertools.groupby(runs, key=lambda r: isinstance(r, Note)):
                items = list(group)
                if not is_note:
                    parts.append(self.inline(items))
                    continue
                for note in items:
                    assert isinstance(note, Note)
                    self.notes.append(note.blocks)
                    n = len(self.notes)
                    parts.append(
                        f'<sup class="fotnot"><a href="#fotnot-{n}" id="fotnotref-{n}" '
                        f'aria-label="Fotnot {n}">{n}</a></sup>'
                    )
            return "".join(parts)
        out: list[str] = []
        for link, group in itertools.groupby(runs, key=_link_of):
            items = list(group)
            inner = "".join(_run(item) for item in items)
            href = self._href(link)
            if href is None or not plain_text(tuple(items)).strip():
                out.append(inner)
            else:
                out.append(f'<a href="{esc(href)}">{inner}</a>')
        return "".join(out)

    def _href(self, link: tuple[str, str] | None) -> str | None:
        if link is None:
            return None
        kind, value = link
        if kind == "#":
            target = self.ids.target(value)
            return None if target is None else f"#{target}"
        return value if is_safe_url(value) else None

    # --- blocks ---

    def blocks(self, blocks: Sequence[Block]) -> list[str]:
        """The HTML of a sequence of blocks, one or more lines each."""
        out: list[str] = []
        for block in blocks:
            out.extend(self.block(block))
        return out

    def block(self, block: Block) -> list[str]:
        """One block as HTML lines (covers and the contents are placed by the page)."""
        if isinstance(block, Heading):
            return [self.heading(block)]
        if isinstance(block, Paragraph):
            return [self.paragraph(block)]
        if isinstance(block, ListBlock):
            return self.list_block(block)
        if isinstance(block, Quote):
            return ["<blockquote>", *self.nested(block.blocks), "</blockquote>"]
        if isinstance(block, CodeBlock):
            return [f"<pre><code>{esc(block.text)}</code></pre>"]
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, PageBreak):
            return ['<div class="sidbrytning"></div>']
        if isinstance(block, Image):
            return image_html(block)
        if isinstance(block, CoverPage | TableOfContents):
            return []
        raise TypeError(f"unknown block {type(block).__name__}")

    def nested(self, blocks: Sequence[Block]) -> list[str]:
        """Blocks inside a quote or a list item."""
        self.depth += 1
        try:
            return self.blocks(blocks)
        finally:
            self.depth -= 1

    def heading(self, heading: Heading) -> str:
        """A heading one level below the nearest open heading of a higher tree level."""
        level = max(heading.level, 1)
        while self.outline and self.outline[-1][0] >= level:
            self.outline.pop()
        html_level = min(self.outline[-1][1] + 1 if self.outline else 2, 6)
        self.outline.append((level, html_level))
        ident = self.ids.place(heading.anchor) or self.ids.fresh("rubrik")
        if self.depth == 0:
            self.toc.append(TocEntry(level, html_level, ident, plain_text(heading.runs).strip()))
        tag = f"h{html_level}"
        return f'<{tag} id="{ident}">{self.inline(heading.runs)}</{tag}>'

    def paragraph(self, paragraph: Paragraph) -> str:
        """A paragraph; a note or a caption gets a class of its own."""
        attrs = ""
        ident = self.ids.place(paragraph.anchor)
        if ident:
            attrs += f' id="{ident}"'
        role = {"note": "notis", "caption": "bildtext"}.get(paragraph.role or "")
        if role:
            attrs += f' class="{role}"'
        return f"<p{attrs}>{self.inline(paragraph.runs)}</p>"

    def list_block(self, block: ListBlock) -> list[str]:
        """A bullet or numbered list; items hold blocks."""
        tag = "ol" if block.ordered else "ul"
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        out = [f"<{tag}{start}>"]
        for item in block.items:
            inner = self.nested(item.blocks)
            out.append("<li>" + "\n".join(inner) + "</li>")
        out.append(f"</{tag}>")
        return out

    # --- tables ---

    def table(self, table: Table) -> list[str]:
        """A table in a scrollable, focusable region, header cells with `scope="col"`."""
        columns = max([len(table.header), *(len(row) for row in table.rows)])
        if columns == 0:
            return []
        classes = " ".join(
            c
            for c, on in (("tabell", True), ("bred", table.wide), ("kompakt", table.compact))
            if on
        )
        region = f'<div class="{classes}" role="region" tabindex="0"'
        inner: list[str] = []
        described = ""
        if table.caption:
            cap = self.ids.fresh("tabell")
            region += f' aria-labelledby="{cap}">'
            inner.append(f'<caption id="{cap}">{esc(table.caption)}</caption>')
        else:
            self.unnamed_tables += 1
            region += f' aria-label="Tabell {self.unnamed_tables}">'
        after: list[str] = []
        if table.description:
            desc = self.ids.fresh("tabellbeskrivning")
            described = f' aria-describedby="{desc}"'
            after.append(f'<p class="visuellt-dold" id="{desc}">{esc(table.description)}</p>')
        inner.extend(_colgroup(table.widths, columns))
        header = list(table.header) + [Cell(())] * (columns - len(table.header))
        inner.append("<thead><tr>" + "".join(self.cell(c, header=True) for c in header))
        inner.append("</tr></thead>")
        inner.append("<tbody>")
        for row in table.rows:
            padded = list(row) + [Cell(())] * (columns - len(row))
            inner.append("<tr>" + "".join(self.cell(c) for c in padded) + "</tr>")
        inner.append("</tbody>")
        return [region, f"<table{described}>", *inner, "</table>", *after, "</div>"]

    def cell(self, cell: Cell, *, header: bool = False) -> str:
        """One cell; a filled cell without text says in words what its colour means."""
        tag = "th" if header else "td"
        attrs = ' scope="col"' if header else ""
        classes = [f"justera-{cell.align}"] if cell.align in ("left", "center", "right") else []
        content = self.inline(cell.runs)
        fill = normal_hex(cell.fill) if cell.fill else None
        if fill:
            attrs += f' style="{self.fills.style(fill)}"'
            if cell.label or _is_blank(cell):
                # The cell's own label (a timeline bar's status) or the legend's name; the
                # pattern shows it, so the label's short form in the runs is not repeated.
                name = esc(cell.label or self.fills.name(fill))
                classes += ["fylld", self.fills.pattern_class(fill)]
                attrs += f' title="{name}"'
                content = f'<span class="visuellt-dold">{name}</span>'
        if classes:
            attrs += f' class="{" ".join(classes)}"'
        return f"<{tag}{attrs}>{content}</{tag}>"


def footnotes_html(body: Body) -> list[str]:
    """The notes referenced so far (and those inside them), numbered, with a way back."""
    lines: list[str] = []
    done = 0
    while done < len(body.notes):
        done += 1
        inner = body.nested(body.notes[done - 1])
        back = f' <a href="#fotnotref-{done}" aria-label="Tillbaka till texten">↩</a>'
        lines += [f'<li id="fotnot-{done}">', *inner, f"{back}</li>"]
    if not lines:
        return []
    return [
        '<section class="fotnoter" aria-label="Fotnoter">',
        "<ol>",
        *lines,
        "</ol>",
        "</section>",
    ]


def image_html(image: Image) -> list[str]:
    """A picture embedded as a data URL (the page makes no requests), with its caption."""
    data = base64.b64encode(image.png).decode("ascii")
    img = (
        f'<img src="data:{esc(image.media_type)};base64,{data}" alt="{esc(image.alt)}" '
        f'style="width: {image.width_cm:g}cm; max-width: 100%; height: auto">'
    )
    caption = [f"<figcaption>{esc(image.caption)}</figcaption>"] if image.caption else []
    return ['<figure class="bild">', img, *caption, "</figure>"]


def _colgroup(widths: tuple[float, ...] | None, columns: int) -> list[str]:
    if not widths or len(widths) != columns or sum(widths) <= 0:
        return []
    total = sum(widths)
    cols = "".join(f'<col style="width: {w / total * 100:.2f}%">' for w in widths)
    return [f"<colgroup>{cols}</colgroup>"]

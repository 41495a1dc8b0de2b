"""Markdown in plan texts (CommonMark, GFM tables, strikethrough, footnotes) to tree blocks.

markdown-it-py does all the parsing, with mdit-py-plugins' footnotes (`text[^1]` and
`[^1]: Note.`) and one inline rule of our own that recognises Pandoc-style citations
(`[@sol2025]`, `[@a; @b]`, `[@a, s. 12]`); no Markdown is parsed with regular expressions
here. Images become picture blocks through a loader the caller gives (this module reads no
file). Pure: no I/O, and nothing from the package except the document tree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from omstallning.documents import tree
from omstallning.documents.markdown_citations import CitationItem, citation_rule
from omstallning.documents.markdown_lines import (
    bullet_start,
    source_lines,
    split_lines,
    strip_runs,
    without_bullet,
)
from omstallning.documents.markdown_nesting import MAX_NESTING, lost_text
from omstallning.documents.tree import Block, Inline, Run
from omstallning.text import GithubSlugger, slugify

Cite = Callable[[tuple[str, ...]], tuple[Run, ...]]
"""Turns citation keys into the runs that replace the citation in the text."""

ImageLoader = Callable[[str, str], "tree.Image | None"]
"""Turns an image's source and alt text into a picture block; None keeps the alt text."""

LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "ftps"})
"""Links with these schemes become hyperlinks; others (`skr.se`, `mall/x.pdf`) stay text."""

_MAX_HEADING_LEVEL = 6  # Word has nine heading levels; Markdown and the house style stop at six
_FALLBACK_SLUG = "rubrik"


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})  # not 20
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.inline.ruler.before("link", "citation", citation_rule)
    return md


_MD = MARKDOWN = _make_parser()  # MARKDOWN: the one parser of plan texts, for markdown_find
_SOFT = Token("softbreak", "br", 0)


@dataclass
class _Format:
    """The inline formatting in force while walking inline tokens."""

    bold: int = 0
    italic: int = 0
    strike: int = 0
    # (url, anchor, the href of a link shown as text)
    links: list[tuple[str | None, str | None, str | None]] = field(default_factory=list)
    note: Callable[[int], tuple[Block, ...] | None] | None = None

    def run(self, text: str, *, code: bool = False) -> Run:
        url, anchor, _ = self.links[-1] if self.links else (None, None, None)
        return Run(
            text,
            bold=self.bold > 0,
            italic=self.italic > 0,
            code=code,
            strike=self.strike > 0,
            url=url,
            anchor=anchor,
        )

    def apply(self, tok: Token) -> bool:
        """Open or close the formatting a token stands for; False for any other token."""
        kind = tok.type
        if kind == "em_open":
            self.italic += 1
        elif kind == "em_close":
            self.italic -= 1
        elif kind == "strong_open":
            self.bold += 1
        elif kind == "strong_close":
            self.bold -= 1
        elif kind == "s_open":
            self.strike += 1
        elif kind == "s_close":
            self.strike -= 1
        elif kind == "link_open":
            self.links.append(_link_target(str(tok.attrGet("href") or "")))
        elif kind == "link_close":
            self.links.pop()
        else:
            return False
        return True

    def close_link(self, out: list[Inline]) -> None:
        """After a link that is shown as text, its address follows in brackets."""
        if self.links and self.links[-1][2]:
            out.append(self.run(f" ({self.links[-1][2]})"))

    def apply_or_close(self, tok: Token, out: list[Inline]) -> bool:
        """`apply`, writing the address of a link shown as text before it closes."""
        if tok.type == "link_close":
            self.close_link(out)
        return self.apply(tok)

    def footnote(self, tok: Token, out: list[Inline]) -> bool:
        """A footnote reference becomes a Note; its definition's marker is dropped."""
        if tok.type == "footnote_anchor":
            return True
        if tok.type != "footnote_ref":
            return False
        blocks = self.note(int(tok.meta["id"])) if self.note is not None else None
        if blocks is None:
            out.append(self.run(f"[^{tok.meta.get('label', '')}]"))
        else:
            out.append(tree.Note(blocks))
        return True

    def overlay(self, run: Run) -> Run:
        """A run returned by `cite`, with the surrounding formatting added to its own."""
        url, anchor, _ = self.links[-1] if self.links else (None, None, None)
        linked = run.url is not None or run.anchor is not None
        return replace(
            run,
            bold=run.bold or self.bold > 0,
            italic=run.italic or self.italic > 0,
            strike=run.strike or self.strike > 0,
            url=run.url if linked else url,
            anchor=run.anchor if linked else anchor,
        )


def has_link_scheme(href: str) -> bool:
    """Whether a link's address is one a reader can follow from any copy of the document.

    `https://skr.se` and `mailto:` are; `skr.se` (no scheme, so a path relative to
    wherever the document lies) and `mall/x.pdf` are not.
    """
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return False
    return scheme in LINK_SCHEMES


def _link_target(href: str) -> tuple[str | None, str | None, str | None]:
    """`#fragment` links are internal (an anchor); a URL with a scheme is a link.

    Any other address stays text: its link text, then the address in brackets.
    """
    if href.startswith("#"):
        return None, unquote(href[1:]), None
    if has_link_scheme(href):
        return href, None, None
    return None, None, unquote(href) or None


def _citation_runs(items: Sequence[CitationItem], cite: Cite, fmt: _Format) -> list[Inline]:
    """Replace one citation by what `cite` gives for its keys, locators kept as text after."""
    out: list[Inline] = []
    if all(item.locator is None for item in items):
        out.extend(fmt.overlay(r) for r in cite(tuple(item.key for item in items)))
        return out
    for n, item in enumerate(items):
        if n:
            out.append(fmt.run("; "))
        out.extend(fmt.overlay(r) for r in cite((item.key,)))
        if item.locator is not None:
            out.append(fmt.run(", " + item.locator))
    return out


def _inline(tokens: Sequence[Token], fmt: _Format, cite: Cite | None, out: list[Inline]) -> None:
    """Append the runs for a list of inline tokens to `out`."""
    for tok in tokens:
        kind = tok.type
        if kind in ("text", "text_special", "html_inline"):
            out.append(fmt.run(tok.content))
        elif kind == "softbreak":
            out.append(fmt.run(" "))
        elif kind == "hardbreak":
            out.append(tree.LineBreak())
        elif kind == "code_inline":
            out.append(fmt.run(tok.content, code=True))
        elif fmt.apply_or_close(tok, out) or fmt.footnote(tok, out):
            pass
        elif kind == "image":
            # A picture that is not a block of its own (in a table cell, a heading, or one
            # the loader refused): the alt text stands in for it, in italics.
            fmt.italic += 1
            _inline(tok.children or [], fmt, cite, out)
            fmt.italic -= 1
        elif kind == "citation":
            if cite is None:
                out.append(fmt.run(tok.content))
            else:
                out.extend(_citation_runs(tok.meta["items"], cite, fmt))
        elif tok.content:
            out.append(fmt.run(tok.content))


# Every field of a Run but its text (two dataclasses.replace per pair of runs compared
# cost a tenth of assembling a plan).
_run_format = attrgetter(*(f.name for f in fields(Run) if f.name != "text"))


def merge_runs(runs: Sequence[Inline]) -> tuple[Inline, ...]:
    """Join neighbouring runs that have the same formatting and drop empty runs."""
    out: list[Inline] = []
    for run in runs:
        if isinstance(run, Run):
            if not run.text:
                continue
            prev = out[-1] if out else None
            if isinstance(prev, Run) and _run_format(prev) == _run_format(run):
                out[-1] = replace(prev, text=prev.text + run.text)
                continue
        out.append(run)
    return tuple(out)


def _runs(token: Token, cite: Cite | None, fmt: _Format | None = None) -> tuple[Inline, ...]:
    out: list[Inline] = []
    _inline(token.children or [], fmt or _Format(), cite, out)
    return merge_runs(out)


def is_link_allowed(url: str) -> bool:
    """Whether a URL is written as a link.

    It must have a scheme a reader can follow anywhere (`has_link_scheme`), and markdown-it
    must accept it (`javascript:` and the like are refused).
    """
    return has_link_scheme(url) and bool(_MD.validateLink(_MD.normalizeLink(url)))


def parse_inline(text: str) -> tuple[Inline, ...]:
    """Parse one piece of inline Markdown into runs; citations stay literal text.

    Block syntax is not recognised: `# x` gives the text `# x`.
    """
    tokens = _MD.parseInline(text, {})
    return _runs(tokens[0], None) if tokens else ()


@dataclass
class _BlockParser:
    """Walks markdown-it's flat token stream and builds nested blocks."""

    tokens: list[Token]
    base_level: int
    cite: Cite | None
    anchor_prefix: str
    image: ImageLoader | None = None
    pos: int = 0
    anchors: set[str] = field(default_factory=set)
    # Every way a `#fragment` link in the same text may name a heading -> its anchor.
    targets: dict[str, str] = field(default_factory=dict)
    slugger: GithubSlugger = field(default_factory=GithubSlugger)
    has_fragment_links: bool = False
    # footnote id -> the span of its definition's tokens, and the blocks once parsed
    note_spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    notes: dict[int, tuple[Block, ...]] = field(default_factory=dict)
    body_end: int | None = None  # where the footnote definitions start

    def fmt(self) -> _Format:
        return _Format(note=self.note)

    def note(self, note_id: int) -> tuple[Block, ...] | None:
        """The blocks of a footnote, parsed when it is first referenced.

        So citations in a note are numbered where the reader meets them.
        """
        if note_id not in self.notes:
            span = self.note_spans.get(note_id)
            if span is None:
                return None
            self.notes[note_id] = ()  # a note that refers to itself ends here
            sub = _BlockParser(
                self.tokens[span[0] : span[1]],
                self.base_level,
                self.cite,
                self.anchor_prefix,
                self.image,
            )
            sub.note_spans, sub.notes, sub.anchors = self.note_spans, self.notes, self.anchors
            self.notes[note_id] = tuple(sub.blocks())
            self.has_fragment_links = self.has_fragment_links or sub.has_fragment_links
        return self.notes[note_id]

    def take_notes(self) -> None:
        """Cut the footnote definitions (at the end, by the plugin) out of the tokens."""
        start = next(
            (i for i, t in enumerate(self.tokens) if t.type == "footnote_block_open"), None
        )
        if start is None:
            return
        note_start = 0
        for i in range(start, len(self.tokens)):
            tok = self.tokens[i]
            if tok.type == "footnote_open":
                note_start = i + 1
            elif tok.type == "footnote_close":
                self.note_spans[int(self.tokens[note_start - 1].meta["id"])] = (note_start, i)
        self.body_end = start

    def runs(self, token: Token) -> tuple[Inline, ...]:
        runs = _runs(token, self.cite, self.fmt())
        if not self.has_fragment_links:
            self.has_fragment_links = any(isinstance(r, Run) and r.anchor for r in runs)
        return runs

    def paragraph(self, token: Token) -> list[Block]:
        """A paragraph; lines pasted from Word with `• ` become a list, pictures blocks."""
        lines = split_lines(token.children or [])
        first = next((n for n, line in enumerate(lines) if bullet_start(line) is not None), None)
        if first is None or any(bullet_start(line) is None for line in lines[first:]):
            return self.pictures(token, token.children or [])
        out: list[Block] = []
        if first:
            before = [t for line in lines[:first] for t in (_SOFT, *line)][1:]
            out.extend(self.pictures(token, before))
        items: list[tree.ListItem] = []
        for line in lines[first:]:
            bare = without_bullet(list(line), bullet_start(line) or 0)
            items.append(tree.ListItem(tuple(self.pictures(token, bare))))
        out.append(tree.ListBlock(ordered=False, items=tuple(items)))
        return out

    def pictures(self, token: Token, children: Sequence[Token]) -> list[Block]:
        """Paragraphs of `children`, each image the loader gives a picture for a block between."""
        out: list[Block] = []
        fmt = self.fmt()
        pending: list[Inline] = []

        def flush() -> None:
            runs = strip_runs(merge_runs(pending)) if split else merge_runs(pending)
            if runs:
                out.append(tree.Paragraph(runs))
            pending.clear()

        split = False

        for tok in children:
            picture = None
            if tok.type == "image" and self.image is not None:
                picture = self.image(str(tok.attrGet("src") or ""), tok.content)
            if picture is None:
                _inline([tok], fmt, self.cite, pending)
                continue
            split = True
            flush()
            out.append(
                replace(
                    picture, caption=picture.caption or (str(tok.attrGet("title") or "") or None)
                )
            )
        flush()
        if not self.has_fragment_links:
            self.has_fragment_links = any(
                isinstance(r, Run) and r.anchor
                for b in out
                if isinstance(b, tree.Paragraph)
                for r in b.runs
            )
        return out

    def blocks(self, close: str | None = None) -> list[Block]:
        out: list[Block] = []
        end = len(self.tokens) if self.body_end is None else self.body_end
        while self.pos < end:
            tok = self.tokens[self.pos]
            if close is not None and tok.type == close:
                self.pos += 1
                return out
            if tok.type == "paragraph_open":
                out.extend(self.paragraph(self.tokens[self.pos + 1]))
                self.pos += 3
                continue
            block = self.block(tok)
            if block is not None:
                out.append(block)
        return out

    def block(self, tok: Token) -> Block | None:
        kind = tok.type
        if kind == "heading_open":
            return self.heading(int(tok.tag[1:]))
        if kind == "paragraph_open":
            runs = self.runs(self.tokens[self.pos + 1])
            self.pos += 3
            return tree.Paragraph(runs) if runs else None
        if kind in ("bullet_list_open", "ordered_list_open"):
            return self.list_block(tok)
        if kind == "blockquote_open":
            self.pos += 1
            return tree.Quote(tuple(self.blocks("blockquote_close")))
        if kind in ("fence", "code_block"):
            self.pos += 1
            text = tok.content
            return tree.CodeBlock(text[:-1] if text.endswith("\n") else text)
        if kind == "table_open":
            return self.table()
        if kind == "html_block":  # only if html is enabled; never drop text silently
            self.pos += 1
            return tree.Paragraph((Run(tok.content.rstrip("\n")),))
        if kind == "inline":
            self.pos += 1
            runs = self.runs(tok)
            return tree.Paragraph(runs) if runs else None
        self.pos += 1  # hr, and closing tokens of containers we do not model
        return None

    def heading(self, md_level: int) -> tree.Heading:
        runs = self.runs(self.tokens[self.pos + 1])
        self.pos += 3
        level = min(max(self.base_level + md_level, 1), _MAX_HEADING_LEVEL)
        text = tree.Heading(level, runs).text
        slug = slugify(text) or _FALLBACK_SLUG
        anchor = self.anchor_prefix + slug
        n = 2
        while anchor in self.anchors:
            anchor = f"{self.anchor_prefix}{slug}-{n}"
            n += 1
        self.anchors.add(anchor)
        for name in (self.slugger.slug(text), anchor, anchor[len(self.anchor_prefix) :]):
            self.targets.setdefault(name, anchor)
        return tree.Heading(level, runs, anchor)

    def list_block(self, tok: Token) -> tree.ListBlock:
        ordered = tok.type == "ordered_list_open"
        close = "ordered_list_close" if ordered else "bullet_list_close"
        start = int(tok.attrGet("start") or 1) if ordered else 1
        self.pos += 1
        items: list[tree.ListItem] = []
        while self.pos < len(self.tokens):
            item = self.tokens[self.pos]
            self.pos += 1
            if item.type == close:
                break
            if item.type == "list_item_open":
                items.append(tree.ListItem(tuple(self.blocks("list_item_close"))))
        return tree.ListBlock(ordered, tuple(items), start)

    def table(self) -> tree.Table:
        header: list[tree.Cell] = []
        rows: list[tuple[tree.Cell, ...]] = []
        row: list[tree.Cell] = []
        self.pos += 1
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok.type == "table_close":
                break
            if tok.type in ("th_open", "td_open"):
                inline = self.tokens[self.pos]
                self.pos += 2
                row.append(tree.Cell(self.runs(inline), align=_align(tok)))
            elif tok.type == "tr_close":
                if not header and not rows:
                    header = row
                else:
                    rows.append(tuple(row))
                row = []
        return tree.Table(tuple(header), tuple(rows))


def _align(tok: Token) -> str | None:
    style = str(tok.attrGet("style") or "")
    for align in ("left", "center", "right"):
        if style == f"text-align:{align}":
            return align
    return None


def _retarget_runs(runs: tuple[Inline, ...], targets: dict[str, str]) -> tuple[Inline, ...]:
    return tuple(
        replace(r, anchor=targets[r.anchor])
        if isinstance(r, Run) and r.anchor is not None and r.anchor in targets
        else r
        for r in runs
    )


def _retarget(block: Block, targets: dict[str, str]) -> Block:
    """Point `#fragment` links at the anchors of the headings they name."""
    if isinstance(block, tree.Paragraph | tree.Heading):
        return replace(block, runs=_retarget_runs(block.runs, targets))
    if isinstance(block, tree.Quote):
        return tree.Quote(tuple(_retarget(b, targets) for b in block.blocks))
    if isinstance(block, tree.ListBlock):
        items = tuple(
            tree.ListItem(tuple(_retarget(b, targets) for b in i.blocks)) for i in block.items
        )
        return replace(block, items=items)
    if isinstance(block, tree.Table):
        header = tuple(replace(c, runs=_retarget_runs(c.runs, targets)) for c in block.header)
        rows = tuple(
            tuple(replace(c, runs=_retarget_runs(c.runs, targets)) for c in row)
            for row in block.rows
        )
        return replace(block, header=header, rows=rows)
    return block


def parse_markdown(
    text: str,
    *,
    base_level: int,
    cite: Cite | None = None,
    anchor_prefix: str = "",
    image: ImageLoader | None = None,
) -> list[Block]:
    """Parse a Markdown text into document blocks.

    Args:
        text: The Markdown, without front matter.
        base_level: The level of the section that holds the text; `#` in the text becomes a
            heading at `base_level + 1` (capped at 6).
        cite: Gives the runs that replace a citation such as `[@a; @b]`, called with the keys
            (`("a", "b")`). A citation with locators (`[@a, s. 12]`) is replaced key by key:
            `cite(("a",))` followed by the text `, s. 12`, items joined by `; `. Without
            `cite`, citations stay as they were written.
        anchor_prefix: Put before every heading anchor (the anchors are ASCII slugs of the
            heading text, unique within this call).
        image: Gives the picture block for an image `![alt](src "title")` that stands in
            a paragraph (the title becomes its caption); the paragraph is split around it.
            Without it, or when it gives None, the alt text stands in, in italics.

    Returns:
        The blocks. Links to `#fragment` become internal links (`Run.anchor`); a fragment
        that names a heading of this text (by its GitHub id or its slug) gets that
        heading's anchor. A link without a scheme (`[SKR](skr.se)`) is text followed by its
        address in brackets. Footnotes (`text[^1]` and `[^1]: Note.`) become `tree.Note`s
        where they are referenced. A paragraph whose lines from some line on all start
        with `• ` (a list pasted from Word) becomes that paragraph and a bullet list.
    """
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    parser = _BlockParser(tokens, base_level, cite, anchor_prefix, image)
    parser.take_notes()
    blocks = parser.blocks()
    lost = lost_text(source_lines(text), tokens)
    if lost:  # nested deeper than the parser goes: kept as plain text at the end
        blocks.append(tree.Paragraph((Run(lost),)))
    if parser.has_fragment_links:
        blocks = [_retarget(b, parser.targets) for b in blocks]
    return blocks


def find_citations(text: str) -> list[tuple[str, int, int]]:
    """Every citation key of a text as `(key, line, column)`: `markdown_find.find_citations`."""
    from omstallning.documents.markdown_find import find_citations as found

    return found(text)


def find_images(text: str) -> list[tuple[str, int, int]]:
    """Every image of a text as `(src, line, column)`: `markdown_find.find_images`."""
    from omstallning.documents.markdown_find import find_images as found

    return found(text)

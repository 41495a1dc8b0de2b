"""Markdown blocks and YAML front matter for the document tree. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from omstallning.documents import tree
from omstallning.documents.tree import Block, Inline, Run
from omstallning.text import GithubSlugger, yaml_quoted
from omstallning.writers.markdown.atoms import _link_destination
from omstallning.writers.markdown.inline import InlineWriter

TIMELINE_MARK = "■"
"""Stands for an empty cell with a background fill (a bar of the timeline)."""

_BULLETS = ("-", "*", "+")
_ORDERED_DELIMITERS = (".", ")")  # one list right after another needs the other
_MAX_ORDERED_START = 999_999_999  # CommonMark allows at most nine digits
_YAML_BOOL_NULL = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
_NOTE_MARK = "\U0010fffd"  # stands for a footnote while its line is written and checked
TABLE_LABEL = "Tabell"
FIGURE_LABEL = "Figur"


def _yaml_key(key: str) -> str:
    plain = (
        key
        and (key[0].isascii() and (key[0].isalpha() or key[0] == "_"))
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
        and key.lower() not in _YAML_BOOL_NULL
    )
    return key if plain else yaml_quoted(key)


def front_matter(values: dict[str, str]) -> list[str]:
    """The `---` block of YAML front matter, or nothing when there are no values."""
    if not values:
        return []
    lines = ["---"]
    lines.extend(f"{_yaml_key(str(k))}: {yaml_quoted(str(v))}" for k, v in values.items())
    lines.append("---")
    return lines


class MarkdownRenderer:
    """Renders the blocks of one document, its inline text with `inline` (and its cache)."""

    def __init__(self, doc: tree.Document, inline: InlineWriter) -> None:
        self.inline = inline
        self.notes: list[tuple[Block, ...]] = []
        self.tables = 0
        self.figures = 0
        # Without raw HTML there is no way to give a heading an id of our own. GitHub, Pandoc
        # (gfm) and most viewers derive ids from the heading text, so a link to a heading's
        # anchor is written with that derived id; a link to any other anchor keeps `#anchor`.
        self.targets: dict[str, str] = {}
        slugger = GithubSlugger()
        self.title_slug = slugger.slug(doc.meta.title) if doc.meta.title else None
        for heading in _all_headings(doc.blocks):
            slug = slugger.slug(heading.text)
            if heading.anchor is not None:
                self.targets.setdefault(heading.anchor, slug)

    def blocks(self, blocks: Sequence[Block], *, loose: bool = True) -> list[str]:
        """Render blocks, with a blank line between them when `loose`."""
        lines: list[str] = []
        previous_marker: str | None = None
        for block in blocks:
            marker: str | None = None
            if isinstance(block, tree.ListBlock):
                # Two lists in a row would read back as one: the second gets another marker.
                rendered, marker = self.list_block(block, avoid=previous_marker)
            else:
                rendered = self.block(block)
            if not rendered:
                continue
            if lines and loose:
                lines.append("")
            lines.extend(rendered)
            previous_marker = marker
        return lines

    def text(self, runs: Sequence[Inline], context: str = "paragraph") -> str:
        """Inline Markdown; each footnote becomes `[^n]`, its text kept for `footnotes`."""
        if not any(isinstance(r, tree.Note) for r in runs):
            return self.inline.text(tuple(runs), self.targets, context=context)
        marked: list[Inline] = []
        numbers: list[int] = []
        for r in runs:
            if isinstance(r, tree.Note):
                self.notes.append(r.blocks)
                numbers.append(len(self.notes))
                before = next((x for x in reversed(marked) if isinstance(x, Run)), None)
                marked.append(
                    Run(
                        _NOTE_MARK,
                        bold=bool(before and before.bold),
                        italic=bool(before and before.italic),
                        strike=bool(before and before.strike),
                    )
                )
            else:
                marked.append(r)
        text = self.inline.text(tuple(marked), self.targets, context=context)
        for n in numbers:
            text = text.replace(_NOTE_MARK, f"[^{n}]", 1)
        return text

    def footnotes(self) -> list[str]:
        """The definitions of the footnotes written so far (and of notes inside them)."""
        lines: list[str] = []
        done = 0
        while done < len(self.notes):
            done += 1
            body = self.blocks(self.notes[done - 1]) or [""]
            if lines:
                lines.append("")
            lines.append(f"[^{done}]: {body[0]}")
            lines.extend("    " + line if line else "" for line in body[1:])
        return lines

    def anchor(self, name: str) -> str:
        """An HTML anchor for a `#name` link, the only raw HTML written.

        `id` for GitHub (which renames it `user-content-name` and whose script follows
        `#name` there), `name` for GitLab (whose sanitiser keeps `name` on links).
        """
        safe = "".join(c for c in name if c.isalnum() or c in "-_.:")
        return f'<a id="{safe}" name="{safe}"></a>'

    def block(self, block: Block) -> list[str]:
        """The lines of one block (no blank line around it)."""
        if isinstance(block, tree.Heading):
            return [self.heading(block)]
        if isinstance(block, tree.Paragraph):
            runs = block.runs
            if block.role == "caption":
                runs = tuple(replace(r, italic=True) if isinstance(r, Run) else r for r in runs)
            text = self.text(runs)
            if text and block.anchor and block.anchor not in self.targets:
                text = self.anchor(block.anchor) + text
            return text.split("\n") if text else []
        if isinstance(block, tree.ListBlock):
            return self.list_block(block, avoid=None)[0]
        if isinstance(block, tree.Quote):
            inner = self.blocks(block.blocks)
            return [f"> {line}" if line else ">" for line in inner] or [">"]
        if isinstance(block, tree.CodeBlock):
            return _code_block(block.text)
        if isinstance(block, tree.Table):
            return self.table(block)
        if isinstance(block, tree.CoverPage):
            return self.cover(block)
        return self.other_block(block)

    def other_block(self, block: Block) -> list[str]:
        """Pictures, the table of contents and page breaks."""
        if isinstance(block, tree.Image):
            return self.image(block)
        if isinstance(block, tree.TableOfContents):
            return self.contents(block)
        if isinstance(block, tree.PageBreak):
            return []  # pages do not exist
        raise TypeError(f"unknown block {type(block).__name__}")

    def image(self, image: tree.Image) -> list[str]:
        """The picture, from its copy beside the document (`document_images`).

        Its caption is numbered as in Word.
        """
        alt = self.inline.text((Run(image.alt),), self.targets, context="cell")
        lines = [f"![{alt}]({_link_destination(image.name)})"]
        if image.caption:
            self.figures += 1
            caption = f"{FIGURE_LABEL} {self.figures}: {image.caption}"
            lines += ["", self.inline.text((Run(caption, italic=True),), self.targets)]
        return lines

    def contents(self, toc: tree.TableOfContents) -> list[str]:
        """The table of contents: a link to each chapter (the H2s)."""
        lines = [self.inline.text((Run(toc.title, bold=True),), self.targets), ""]
        for heading in self.chapters:
            label = self.inline.text(
                (Run(heading.text, anchor=heading.anchor),), self.targets, context="cell"
            )
            lines.append(f"- {label}")
        return lines if self.chapters else []

    chapters: Sequence[tree.Heading] = ()
    shift = 0  # 1 when the document's title is written as the H1

    def heading(self, heading: tree.Heading) -> str:
        """An ATX heading one level below the document's title (H1), at most six."""
        level = min(max(heading.level + self.shift, 1), 6)
        text = self.text(heading.runs, context="heading")
        # A run of `#` at the end would be read as the optional closing sequence.
        stripped = text.rstrip("#")
        if stripped != text and (not stripped or stripped[-1] in " \t"):
            text = f"{stripped}\\{text[len(stripped) :]}"
        return "#" * level + (" " + text if text else "")

    def list_block(self, block: tree.ListBlock, *, avoid: str | None) -> tuple[list[str], str]:
        """Render a list; returns its lines and the bullet or delimiter it uses."""
        tight = _is_tight(block)
        bodies = [self.blocks(item.blocks, loose=not tight) for item in block.items]
        number = min(max(block.start, 0), _MAX_ORDERED_START)
        choices = [c for c in (_ORDERED_DELIMITERS if block.ordered else _BULLETS) if c != avoid]
        lines: list[str] = []
        for choice in choices:
            lines = []
            for n, body in enumerate(bodies):
                marker = choice
                if block.ordered:
                    marker = f"{min(number + n, _MAX_ORDERED_START)}{choice}"
                if lines and not tight:
                    lines.append("")
                indent = " " * (len(marker) + 1)
                lines.append(f"{marker} {body[0]}" if body else marker)
                lines.extend(indent + line if line else "" for line in body[1:])
            # `- - -` (empty nested lists) would be a thematic break: try the next bullet.
            if not any(_is_thematic_break(line) for line in lines):
                break
        return lines, choice

    def table(self, table: tree.Table) -> list[str]:
        """A GFM table, its caption above it in italics."""
        lines: list[str] = []
        if table.caption:
            caption = table.caption
            if table.numbered:
                self.tables += 1
                caption = f"{TABLE_LABEL} {self.tables}: {caption}"
            lines.extend([self.inline.text((Run(caption, italic=True),), self.targets), ""])
        columns = max([len(table.header), *(len(row) for row in table.rows)])
        if columns == 0:
            return lines[:-1]
        header = list(table.header) + [tree.Cell(())] * (columns - len(table.header))
        aligns = []
        for col, cell in enumerate(header):
            align = cell.align
            for row in table.rows:
                if align is None and col < len(row):
                    align = row[col].align
            aligns.append(align)
        lines.append(self.row(header))
        lines.append("| " + " | ".join(_DELIMITER_ROW[a] for a in aligns) + " |")
        for row in table.rows:
            lines.append(self.row(list(row) + [tree.Cell(())] * (columns - len(row))))
        return lines

    def row(self, cells: Sequence[tree.Cell]) -> str:
        """One table row; an empty filled cell is a bar of the timeline."""
        texts: list[str] = []
        for cell in cells:
            if cell.fill and not "".join(_texts(cell.runs)).strip():
                text = TIMELINE_MARK
            else:
                text = self.text(cell.runs, context="cell")
            # The table splits on `|` before inline parsing, even inside code spans.
            texts.append(text.replace("|", "\\|"))
        return "| " + " | ".join(texts) + " |"

    def cover(self, cover: tree.CoverPage) -> list[str]:
        """The cover page's marking, subtitle and facts (its title is in the front matter)."""
        parts: list[list[str]] = []
        if cover.marking:
            parts.append([self.inline.text((Run(cover.marking, bold=True),), self.targets)])
        if cover.subtitle:
            parts.append([self.inline.text((Run(cover.subtitle),), self.targets)])
        if cover.facts:
            facts = [
                "- "
                + self.inline.text((Run(f"{label}:", bold=True), Run(f" {value}")), self.targets)
                for label, value in cover.facts
            ]
            parts.append(facts)
        lines: list[str] = []
        for part in parts:
            if lines:
                lines.append("")
            lines.extend(part)
        return lines


_DELIMITER_ROW = {None: "---", "left": ":--", "center": ":-:", "right": "--:"}


def _texts(runs: Iterable[Inline]) -> list[str]:
    return [r.text for r in runs if isinstance(r, Run)]


def _all_headings(blocks: Iterable[Block]) -> list[tree.Heading]:
    found: list[tree.Heading] = []
    for block in blocks:
        if isinstance(block, tree.Heading):
            found.append(block)
        elif isinstance(block, tree.Quote):
            found.extend(_all_headings(block.blocks))
        elif isinstance(block, tree.ListBlock):
            for item in block.items:
                found.extend(_all_headings(item.blocks))
    return found


def _is_thematic_break(line: str) -> bool:
    chars = line.replace(" ", "").replace("\t", "")
    return len(chars) >= 3 and chars[0] in "-*_" and chars == chars[0] * len(chars)


def _has_text(paragraph: tree.Paragraph) -> bool:
    return any(r.strip(" \t\n\r") for r in _texts(paragraph.runs))


def _is_tight(block: tree.ListBlock) -> bool:
    """Whether the list can be written without blank lines and read back the same.

    Each item must be at most one paragraph followed by lists, and a nested list right after
    a paragraph must be one that may interrupt a paragraph (CommonMark: non-empty first
    item, and an ordered list must start at 1).
    """
    for item in block.items:
        blocks = item.blocks
        rest = blocks
        if blocks and isinstance(blocks[0], tree.Paragraph):
            if not _has_text(blocks[0]):
                return False
            rest = blocks[1:]
            if rest and isinstance(rest[0], tree.ListBlock):
                first = rest[0]
                if not first.items or not first.items[0].blocks:
                    return False
                if first.ordered and first.start != 1:
                    return False
        if not all(isinstance(b, tree.ListBlock) for b in rest):
            return False
    return True


def _code_block(text: str) -> list[str]:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    # Trailing whitespace is dropped even here: the output has none, anywhere.
    body = [line.rstrip(" \t") for line in text.split("\n")] if text else []
    return [fence, *body, fence]

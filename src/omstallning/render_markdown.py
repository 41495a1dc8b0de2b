"""Renders the document tree to clean CommonMark/GFM with YAML front matter. Pure: no file I/O.

No raw HTML is written. Every piece of inline text is escaped so that it reads back as the
same text, and each rendered line of inline Markdown is parsed again with the same
markdown-it-py parser that reads plan texts: if the formatting did not survive (some
combinations of emphasis and punctuation have no CommonMark spelling), the line is written
again with less formatting, never with different text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from omstallning.document import (
    Block,
    Cell,
    CodeBlock,
    CoverPage,
    Document,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    TableOfContents,
)
from omstallning.markdown_text import GithubSlugger, parse_inline

TIMELINE_MARK = "■"
"""Stands for an empty cell with a background fill (a bar of the timeline)."""

_STRONG, _EM, _STRIKE = "strong", "em", "strike"
_DELIMITERS = {_STRONG: "**", _EM: "*", _STRIKE: "~~"}
_MARK_ORDER = {_STRIKE: 0, _STRONG: 1, _EM: 2}
_ALWAYS_ESCAPED = frozenset("\\`*[]<~")
_LINE_START_ESCAPED = frozenset("#>-+=|:")
_BULLETS = ("-", "*", "+")
_ORDERED_DELIMITERS = (".", ")")
_MAX_ORDERED_START = 999_999_999  # CommonMark allows at most nine digits
_YAML_BOOL_NULL = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


# --- YAML front matter ----------------------------------------------------------------------


def _yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar that `yaml.safe_load` reads back as exactly `text`."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or ch in "\u2028\u2029\ufeff\ufffe\uffff"
        ):
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _yaml_key(key: str) -> str:
    plain = (
        key
        and (key[0].isascii() and (key[0].isalpha() or key[0] == "_"))
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
        and key.lower() not in _YAML_BOOL_NULL
    )
    return key if plain else _yaml_quoted(key)


def _front_matter(values: dict[str, str]) -> list[str]:
    if not values:
        return []
    lines = ["---"]
    lines.extend(f"{_yaml_key(str(k))}: {_yaml_quoted(str(v))}" for k, v in values.items())
    lines.append("---")
    return lines


# --- Inline text ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """One character of text, one code span, or a hard line break, with its formatting."""

    kind: str  # "char", "code", "br"
    text: str
    marks: frozenset[str] = frozenset()
    link: str | None = None  # the rendered link destination


def _is_space(ch: str) -> bool:
    return isWhiteSpace(ord(ch))


def _is_punct(ch: str) -> bool:
    return isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


def _is_word(atom: _Atom) -> bool:
    return atom.kind == "char" and not _is_space(atom.text) and not _is_punct(atom.text)


def _link_destination(url: str) -> str:
    if url and all(c > " " and c not in "<>()\\" for c in url):
        return url
    if "\n" not in url and "<" not in url and ">" not in url and "\\" not in url:
        return f"<{url}>"
    escaped = "".join("\\" + c if c in "<>()\\" else c for c in url if c not in "\r\n")
    return escaped or "<>"


def _atoms(runs: Iterable[Inline], targets: dict[str, str], *, line_breaks: bool) -> list[_Atom]:
    """Split runs into atoms; newlines in text become spaces, links get their destination."""
    atoms: list[_Atom] = []
    for run in runs:
        if isinstance(run, LineBreak):
            atoms.append(_Atom("br", "\n") if line_breaks else _Atom("char", " "))
            continue
        marks = frozenset(
            m for m, on in ((_STRONG, run.bold), (_EM, run.italic), (_STRIKE, run.strike)) if on
        )
        link: str | None = None
        if run.url is not None:
            link = _link_destination(run.url)
        elif run.anchor is not None:
            link = _link_destination("#" + targets.get(run.anchor, run.anchor))
        text = run.text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
        if run.code:
            if text:
                atoms.append(_Atom("code", text, marks, link))
        else:
            atoms.extend(_Atom("char", ch, marks, link) for ch in text)
    return atoms


def _trim(atoms: list[_Atom], *, entities: bool) -> list[_Atom]:
    """Whitespace the parser would strip: at the edges, and around hard line breaks.

    ASCII spaces and tabs there carry no meaning and are dropped. Other whitespace (a
    non-breaking space, say) was put there on purpose; with `entities` it is kept as a
    numeric character reference, and in headings all of it is (a heading's text must read
    back exactly).
    """
    out: list[_Atom] = []
    for i, atom in enumerate(atoms):
        at_edge = (
            i == 0
            or i == len(atoms) - 1
            or atoms[i - 1].kind == "br"
            or atoms[i + 1].kind == "br"
            or all(a.kind == "char" and _is_space(a.text) for a in atoms[:i])
            or all(a.kind == "char" and _is_space(a.text) for a in atoms[i + 1 :])
        )
        if atom.kind == "char" and _is_space(atom.text) and at_edge:
            if atom.text in " \t" and not entities:
                continue
            out.append(_Atom("entity", f"&#{ord(atom.text)};", frozenset(), atom.link))
            continue
        out.append(atom)
    # Line breaks at the very start or end mean nothing in Markdown (`\` would be literal).
    while out and out[-1].kind == "br":
        out.pop()
    while out and out[0].kind == "br":
        out.pop(0)
    return out


def _without(atom: _Atom, mark: str) -> _Atom:
    return _Atom(atom.kind, atom.text, atom.marks - {mark}, atom.link)


def _settle_emphasis(atoms: list[_Atom]) -> list[_Atom]:
    """Move whitespace and punctuation out of emphasis where CommonMark cannot open/close it.

    A delimiter run that follows whitespace or precedes it cannot open or close emphasis;
    neither can an opener between a letter and punctuation (`a**(b)**`) or a closer between
    punctuation and a letter. Such edge characters lose the mark instead, which changes how
    a space or a bracket looks, never the text.
    """
    atoms = list(atoms)
    changed = True
    while changed:
        changed = False
        for mark in (_STRIKE, _STRONG, _EM):
            i = 0
            while i < len(atoms):
                if mark not in atoms[i].marks:
                    i += 1
                    continue
                j = i
                while j < len(atoms) and mark in atoms[j].marks:
                    j += 1
                first, last = atoms[i], atoms[j - 1]
                before = atoms[i - 1] if i > 0 else None
                after = atoms[j] if j < len(atoms) else None
                if first.kind == "char" and _is_space(first.text):
                    atoms[i] = _without(first, mark)
                    changed = True
                elif last.kind == "char" and _is_space(last.text):
                    atoms[j - 1] = _without(last, mark)
                    changed = True
                elif (
                    before is not None
                    and _is_word(before)
                    and before.link == first.link
                    and not _is_word(first)
                ):
                    atoms[i] = _without(first, mark)
                    changed = True
                elif (
                    after is not None
                    and _is_word(after)
                    and after.link == last.link
                    and not _is_word(last)
                ):
                    atoms[j - 1] = _without(last, mark)
                    changed = True
                i = j
    return atoms


def _code_span(text: str) -> str:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = text[0] == "`" or text[-1] == "`" or (text[0] == text[-1] == " " and text.strip(" "))
    return f"{fence} {text} {fence}" if pad else f"{fence}{text}{fence}"


def _line_start_escapes(atoms: list[_Atom], start: int) -> set[int]:
    """Indices of characters that would start a block at the beginning of a line."""
    first = atoms[start] if start < len(atoms) else None
    if first is None or first.kind != "char":
        return set()
    if first.text in _LINE_START_ESCAPED:
        return {start}
    # `2025. Året` would start an ordered list.
    i = start
    while i < len(atoms) and i - start < 9 and atoms[i].kind == "char" and atoms[i].text.isdigit():
        if not atoms[i].text.isascii():
            return set()
        i += 1
    if i > start and i < len(atoms) and atoms[i].kind == "char" and atoms[i].text in ".)":
        if atoms[i].marks == first.marks and atoms[i].link == first.link:
            return {i}
    return set()


def _char(atoms: list[_Atom], i: int, escape: bool) -> str:
    ch = atoms[i].text
    if escape or ch in _ALWAYS_ESCAPED:
        return "\\" + ch
    if ch in "_&":
        prev = atoms[i - 1] if i > 0 else None
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        same = [a for a in (prev, nxt) if a is not None and a.kind == "char"]
        same = [a for a in same if a.marks == atoms[i].marks and a.link == atoms[i].link]
        if ch == "_" and len(same) == 2 and all(a.text.isalnum() for a in same):
            return ch  # snake_case: an underscore inside a word never makes emphasis
        if ch == "&" and not (nxt in same and (nxt.text.isalnum() or nxt.text == "#")):
            return ch  # only `&name;` and `&#nn;` are character references
        return "\\" + ch
    return ch


def _emit(atoms: list[_Atom], *, line_start: bool) -> str:
    """Write atoms as inline Markdown, opening and closing marks like a stack."""

    def key(mark: str, at: int) -> tuple[int, int, int]:
        if mark.startswith("\0"):
            return (0, 0, 0)  # links outermost: their brackets shield emphasis delimiters
        length = 0
        while at + length < len(atoms) and mark in atoms[at + length].marks:
            length += 1
        return (1, -length, _MARK_ORDER[mark])

    out: list[str] = []
    stack: list[str] = []
    escapes = _line_start_escapes(atoms, 0) if line_start else set()
    for i, atom in enumerate(atoms):
        wanted = set(atom.marks)
        if atom.link is not None:
            wanted.add("\0" + atom.link)
        keep = 0
        while keep < len(stack) and stack[keep] in wanted:
            keep += 1
        for mark in reversed(stack[keep:]):
            out.append(f"]({mark[1:]})" if mark.startswith("\0") else _DELIMITERS[mark])
        del stack[keep:]
        for mark in sorted(wanted - set(stack), key=lambda m: key(m, i)):
            out.append("[" if mark.startswith("\0") else _DELIMITERS[mark])
            stack.append(mark)
        if atom.kind == "br":
            out.append("\\\n")
            if line_start:
                escapes |= _line_start_escapes(atoms, i + 1)
        elif atom.kind == "code":
            out.append(_code_span(atom.text))
        elif atom.kind == "entity":
            out.append(atom.text)
        else:
            out.append(_char(atoms, i, i in escapes))
    for mark in reversed(stack):
        out.append(f"]({mark[1:]})" if mark.startswith("\0") else _DELIMITERS[mark])
    return "".join(out)


def _signature(atoms: Sequence[_Atom]) -> list[tuple[str, ...]]:
    """What must survive a round trip: the text, and the formatting of non-blank text."""
    sig: list[tuple[str, ...]] = []
    for atom in atoms:
        if atom.kind == "br":
            sig.append(("\n",))
            continue
        text = chr(int(atom.text[2:-1])) if atom.kind == "entity" else atom.text
        for ch in text:
            if _is_space(ch):
                sig.append((ch,))
            else:
                flags = "".join(sorted(atom.marks)) + ("c" if atom.kind == "code" else "")
                sig.append((ch, flags, "l" if atom.link is not None else ""))
    return sig


def _parsed_signature(markdown: str) -> list[tuple[str, ...]]:
    atoms: list[_Atom] = []
    for run in parse_inline(markdown):
        if isinstance(run, LineBreak):
            atoms.append(_Atom("br", "\n"))
            continue
        marks = frozenset(
            m for m, on in ((_STRONG, run.bold), (_EM, run.italic), (_STRIKE, run.strike)) if on
        )
        link = run.url or run.anchor
        if run.code:
            atoms.append(_Atom("code", run.text, marks, link))
        else:
            atoms.extend(_Atom("char", ch, marks, link) for ch in run.text)
    return _signature(atoms)


def _plain(atom: _Atom, *, links: bool) -> _Atom:
    if atom.kind == "code" and not links:
        return _Atom("char", atom.text)  # several characters, escaped one by one below
    return _Atom(atom.kind, atom.text, frozenset(), atom.link if links else None)


def _inline(
    runs: Sequence[Inline],
    targets: dict[str, str],
    *,
    line_breaks: bool = True,
    line_start: bool = True,
    entities: bool = False,
) -> str:
    """Inline Markdown for runs, checked by parsing it again (see the module docstring)."""
    atoms = _trim(_atoms(runs, targets, line_breaks=line_breaks), entities=entities)
    expected = _signature(atoms)
    attempts = (
        _settle_emphasis(atoms),
        [_plain(a, links=True) for a in atoms],
        [
            _Atom("char", ch) if a.kind != "entity" and a.kind != "br" else a
            for a in atoms
            for ch in (a.text if a.kind in ("char", "code") else [a.text])
        ],
    )
    text = ""
    for attempt in attempts:
        text = _emit(attempt, line_start=line_start)
        if _parsed_signature(text) == _without_flags(expected, attempt):
            return text
    return text


def _without_flags(expected: list[tuple[str, ...]], attempt: list[_Atom]) -> list[tuple[str, ...]]:
    """The signature the attempt is meant to produce (it may carry less formatting)."""
    return _signature(attempt) if len(_signature(attempt)) == len(expected) else expected


# --- Blocks ---------------------------------------------------------------------------------


class _Renderer:
    def __init__(self, doc: Document) -> None:
        # Without raw HTML there is no way to give a heading an id of our own. GitHub, Pandoc
        # (gfm) and most viewers derive ids from the heading text, so a link to a heading's
        # anchor is written with that derived id; a link to any other anchor keeps `#anchor`.
        self.targets: dict[str, str] = {}
        slugger = GithubSlugger()
        for heading in _all_headings(doc.blocks):
            slug = slugger.slug(heading.text)
            if heading.anchor is not None:
                self.targets.setdefault(heading.anchor, slug)

    def blocks(self, blocks: Sequence[Block]) -> list[str]:
        lines: list[str] = []
        previous: Block | None = None
        marker_index = 0
        for block in blocks:
            if isinstance(block, ListBlock):
                # Two lists in a row would read back as one: vary the marker.
                same_kind = isinstance(previous, ListBlock) and previous.ordered == block.ordered
                marker_index = marker_index + 1 if same_kind else 0
                rendered = self.list_block(block, marker_index)
            else:
                rendered = self.block(block)
            if not rendered:
                continue
            if lines:
                lines.append("")
            lines.extend(rendered)
            previous = block
        return lines

    def block(self, block: Block) -> list[str]:
        if isinstance(block, Heading):
            return [self.heading(block)]
        if isinstance(block, Paragraph):
            runs = block.runs
            if block.role == "caption":
                runs = tuple(r if isinstance(r, LineBreak) else _italic(r) for r in runs)
            text = _inline(runs, self.targets)
            return text.split("\n") if text else []
        if isinstance(block, ListBlock):
            return self.list_block(block, 0)
        if isinstance(block, Quote):
            inner = self.blocks(block.blocks)
            return [f"> {line}" if line else ">" for line in inner] or [">"]
        if isinstance(block, CodeBlock):
            return _code_block(block.text)
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, CoverPage):
            return self.cover(block)
        if isinstance(block, TableOfContents | PageBreak):
            return []  # Markdown viewers build their own contents; pages do not exist
        raise TypeError(f"unknown block {type(block).__name__}")

    def heading(self, heading: Heading) -> str:
        level = min(max(heading.level, 1), 6)
        text = _inline(heading.runs, self.targets, line_breaks=False, line_start=False, entities=True)
        # A run of `#` at the end would be read as the optional closing sequence.
        stripped = text.rstrip("#")
        if stripped != text and (not stripped or stripped[-1] in " \t"):
            text = f"{stripped}\\{text[len(stripped) :]}"
        return "#" * level + (" " + text if text else "")

    def list_block(self, block: ListBlock, marker_index: int) -> list[str]:
        tight = _is_tight(block)
        lines: list[str] = []
        number = min(max(block.start, 0), _MAX_ORDERED_START)
        for n, item in enumerate(block.items):
            if block.ordered:
                marker = f"{number + n}{_ORDERED_DELIMITERS[marker_index % 2]}"
            else:
                marker = _BULLETS[marker_index % len(_BULLETS)]
            body = self.item(item, tight)
            if lines and not tight:
                lines.append("")
            if not body:
                lines.append(marker)
                continue
            indent = " " * (len(marker) + 1)
            lines.append(f"{marker} {body[0]}")
            lines.extend(indent + line if line else "" for line in body[1:])
        return lines

    def item(self, item: ListItem, tight: bool) -> list[str]:
        if not tight:
            return self.blocks(item.blocks)
        lines: list[str] = []
        for block in item.blocks:
            rendered = self.blocks((block,))
            lines.extend(rendered)
        return lines

    def table(self, table: Table) -> list[str]:
        lines: list[str] = []
        if table.caption:
            lines.extend([_inline((Run(table.caption, italic=True),), self.targets), ""])
        columns = max([len(table.header), *(len(row) for row in table.rows)])
        if columns == 0:
            return lines[:-1]
        header = list(table.header) + [Cell(())] * (columns - len(table.header))
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
            lines.append(self.row(list(row) + [Cell(())] * (columns - len(row))))
        return lines

    def row(self, cells: Sequence[Cell]) -> str:
        texts: list[str] = []
        for cell in cells:
            if cell.fill and not "".join(_texts(cell.runs)).strip():
                text = TIMELINE_MARK
            else:
                text = _inline(cell.runs, self.targets, line_breaks=False, line_start=False)
            # The table splits on `|` before inline parsing, even inside code spans.
            texts.append(text.replace("|", "\\|"))
        return "| " + " | ".join(texts) + " |"

    def cover(self, cover: CoverPage) -> list[str]:
        parts: list[list[str]] = []
        if cover.marking:
            parts.append([_inline((Run(cover.marking, bold=True),), self.targets)])
        if cover.subtitle:
            parts.append([_inline((Run(cover.subtitle),), self.targets)])
        if cover.facts:
            facts = [
                "- " + _inline((Run(f"{label}:", bold=True), Run(f" {value}")), self.targets)
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


def _italic(run: Run) -> Run:
    return Run(run.text, run.bold, True, run.code, run.strike, run.url, run.anchor)


def _all_headings(blocks: Iterable[Block]) -> list[Heading]:
    found: list[Heading] = []
    for block in blocks:
        if isinstance(block, Heading):
            found.append(block)
        elif isinstance(block, Quote):
            found.extend(_all_headings(block.blocks))
        elif isinstance(block, ListBlock):
            for item in block.items:
                found.extend(_all_headings(item.blocks))
    return found


def _has_text(paragraph: Paragraph) -> bool:
    return any(r.strip(" \t\n\r") for r in _texts(paragraph.runs))


def _is_tight(block: ListBlock) -> bool:
    """Whether the list can be written without blank lines and read back the same.

    Each item must be at most one paragraph followed by lists, and a nested list right after
    a paragraph must be one that may interrupt a paragraph (CommonMark: non-empty first
    item, and an ordered list must start at 1).
    """
    for item in block.items:
        blocks = item.blocks
        rest = blocks
        if blocks and isinstance(blocks[0], Paragraph):
            if not _has_text(blocks[0]):
                return False
            rest = blocks[1:]
            if rest and isinstance(rest[0], ListBlock):
                first = rest[0]
                if not first.items or not first.items[0].blocks:
                    return False
                if first.ordered and first.start != 1:
                    return False
        if not all(isinstance(b, ListBlock) for b in rest):
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


def render_markdown(doc: Document) -> str:
    """Render a document as CommonMark/GFM with YAML front matter.

    The front matter holds `doc.meta.front_matter` in its order, every value a quoted YAML
    string. The cover page becomes its marking, subtitle and facts (its title belongs to the
    front matter, so the first heading is the first chapter, as in the DOCX); the table of
    contents and page breaks are left out.

    Returns:
        The Markdown, ending with exactly one newline ("" for an empty document).
    """
    renderer = _Renderer(doc)
    front = _front_matter(doc.meta.front_matter)
    body = renderer.blocks(doc.blocks)
    lines = front + ([""] if front and body else []) + body
    if not lines:
        return ""
    return "\n".join(line.rstrip(" \t") for line in lines) + "\n"


def _unused() -> None:  # pragma: no cover - keeps unicodedata import honest for mypy
    unicodedata.category("a")

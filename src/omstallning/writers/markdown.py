"""Renders the document tree to clean CommonMark/GFM with YAML front matter. Pure: no file I/O.

No raw HTML is written. Every piece of inline text is escaped so that it reads back as the
same text, and each rendered line of inline Markdown is parsed again with the same
markdown-it-py parser that reads plan texts: if the formatting did not survive (some
combinations of emphasis and punctuation have no CommonMark spelling), the line is written
again with less formatting, never with different text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import NamedTuple

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from omstallning.documents.markdown_text import (
    GithubSlugger,
    is_link_allowed,
    merge_runs,
    parse_inline,
    parse_markdown,
)
from omstallning.documents.tree import (
    Block,
    Cell,
    CodeBlock,
    CoverPage,
    Document,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    TableOfContents,
)
from omstallning.text import yaml_quoted
from omstallning.writers import RenderOptions

TIMELINE_MARK = "■"
"""Stands for an empty cell with a background fill (a bar of the timeline)."""

_STRONG, _EM, _STRIKE = "strong", "em", "strike"
_DELIMITERS = {_STRONG: "**", _EM: "*", _STRIKE: "~~"}
_MARK_ORDER = {_STRIKE: 0, _STRONG: 1, _EM: 2}
_ALWAYS_ESCAPED = frozenset("\\`*[]<~")
_LINE_START_ESCAPED = frozenset("#>-+=|:")
_BULLETS = ("-", "*", "+")
_ORDERED_DELIMITERS = (".", ")")  # one list right after another needs the other
_MAX_ORDERED_START = 999_999_999  # CommonMark allows at most nine digits
# CommonMark's Unicode whitespace, as markdown-it-py decides it (`isWhiteSpace`).
_SPACES = frozenset(chr(c) for c in range(0x3001) if isWhiteSpace(c))
_NOT_SPACE = re.compile("[^" + re.escape("".join(sorted(_SPACES))) + "]")
_YAML_BOOL_NULL = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


# --- YAML front matter ----------------------------------------------------------------------


def _yaml_key(key: str) -> str:
    plain = (
        key
        and (key[0].isascii() and (key[0].isalpha() or key[0] == "_"))
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in key)
        and key.lower() not in _YAML_BOOL_NULL
    )
    return key if plain else yaml_quoted(key)


def _front_matter(values: dict[str, str]) -> list[str]:
    if not values:
        return []
    lines = ["---"]
    lines.extend(f"{_yaml_key(str(k))}: {yaml_quoted(str(v))}" for k, v in values.items())
    lines.append("---")
    return lines


# --- Inline text ----------------------------------------------------------------------------


class _Atom(NamedTuple):
    """One character of text, a code span, a character reference or a hard line break.

    A named tuple rather than a dataclass: a plan makes some 100,000 of them.
    """

    kind: str  # "char", "code", "auto" (an autolink), "entity", "br"
    text: str
    marks: frozenset[str] = frozenset()
    link: str | None = None  # the rendered link destination


def _is_space(ch: str) -> bool:
    return ch in _SPACES


@functools.cache
def _is_punct(ch: str) -> bool:
    return isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


def _is_word(atom: _Atom) -> bool:
    return atom.kind == "char" and not _is_space(atom.text) and not _is_punct(atom.text)


def _is_blank(atom: _Atom) -> bool:
    return atom.kind == "char" and _is_space(atom.text)


def _entity(ch: str) -> _Atom:
    return _Atom("entity", f"&#{ord(ch)};")


def _link_destination(url: str) -> str:
    if url and all(c > " " and c not in "<>()\\" for c in url):
        return url
    inner = "".join("\\" + c if c in "<>\\" else c for c in url if c not in "\r\n")
    return f"<{inner}>"


def _is_autolink(url: str) -> bool:
    """Whether `<url>` reads back as a link whose text is `url` itself."""
    scheme, colon, rest = url.partition(":")
    return (
        bool(colon)
        and 2 <= len(scheme) <= 32
        and scheme[0].isascii()
        and scheme[0].isalpha()
        and all(c.isascii() and (c.isalnum() or c in "+.-") for c in scheme)
        and all("!" <= c <= "~" and c not in "<>\\%" for c in rest)
        and "xn--" not in rest.lower()  # the parser would show the host decoded
    )


def _marks(run: Run) -> frozenset[str]:
    return frozenset(
        m for m, on in ((_STRONG, run.bold), (_EM, run.italic), (_STRIKE, run.strike)) if on
    )


def _atoms(runs: Iterable[Inline], targets: dict[str, str], *, context: str) -> list[_Atom]:
    """Split runs into atoms and give links their destination.

    A newline inside text is a space in a paragraph or cell; a heading keeps it as a
    character reference, as it keeps its text exactly. Headings and table cells are one
    line each: a line break there is a space.
    """
    heading = context == "heading"
    atoms: list[_Atom] = []
    for run in merge_runs(tuple(runs)):  # two code runs in a row would read back as one
        if isinstance(run, LineBreak):
            atoms.append(_Atom("br", "\n") if context == "paragraph" else _Atom("char", " "))
            continue
        link: str | None = None
        if run.url is not None and is_link_allowed(run.url):
            link = _link_destination(run.url)
        elif run.anchor is not None:
            link = _link_destination("#" + targets.get(run.anchor, run.anchor))
        text = run.text.replace("\r\n", "\n").replace("\r", "\n")
        if run.code:
            # A code span cannot hold a newline: it reads as a space. A heading keeps it,
            # outside the code span.
            for n, part in enumerate(text.split("\n") if heading else [text.replace("\n", " ")]):
                if n:
                    atoms.append(_entity("\n"))
                if part:
                    atoms.append(_Atom("code", part, _marks(run), link))
            continue
        if run.url is not None and link is not None and text == run.url and _is_autolink(text):
            atoms.append(_Atom("auto", text, _marks(run), link))
            continue
        marks = _marks(run)
        for ch in text:
            if ch == "\n":
                atoms.append(_entity(ch) if heading else _Atom("char", " ", marks, link))
            else:
                atoms.append(_Atom("char", ch, marks, link))
    return atoms


def _trim(atoms: list[_Atom], *, heading: bool) -> list[_Atom]:
    """Deal with whitespace the parser would strip: at the edges and around line breaks.

    ASCII spaces and tabs there carry no meaning in a paragraph and are dropped. Other
    whitespace (a non-breaking space, say) was put there on purpose and is kept as a
    character reference; so is all of it in a heading, whose text must read back exactly.
    """

    def droppable(atom: _Atom) -> bool:
        return not heading and atom.kind == "char" and atom.text in " \t"

    out: list[_Atom] = []
    start = 0
    while start <= len(atoms):
        end = start
        while end < len(atoms) and atoms[end].kind != "br":
            end += 1
        first, last = start, end - 1
        while first <= last and droppable(atoms[first]):
            first += 1
        while last >= first and droppable(atoms[last]):
            last -= 1
        for i in range(first, last + 1):
            atom = atoms[i]
            if (i == first or i == last) and _is_blank(atom):
                out.append(_Atom("entity", f"&#{ord(atom.text)};", frozenset(), atom.link))
            else:
                out.append(atom)
        if end < len(atoms):
            out.append(atoms[end])
        start = end + 1
    # A line break at the very start or end means nothing (`\` at the end would be literal).
    while out and out[-1].kind == "br":
        out.pop()
    while out and out[0].kind == "br":
        out.pop(0)
    return out


def _without(atom: _Atom, mark: str) -> _Atom:
    return _Atom(atom.kind, atom.text, atom.marks - {mark}, atom.link)


def _other_family(mark: str, others: frozenset[str]) -> bool:
    """Whether a mark in `others` uses another delimiter character (`~~` next to `*`)."""
    return any((m == _STRIKE) != (mark == _STRIKE) for m in others)


def _cannot_open(mark: str, before: _Atom | None, first: _Atom, strict: bool) -> bool:
    """Whether a delimiter of `mark` between `before` and `first` might fail to open."""
    if _is_blank(first):
        return True
    if before is None or before.kind == "br" or _is_blank(before) or before.link != first.link:
        return False  # after whitespace, a line start or a link bracket it always opens
    if _is_word(before):
        return not _is_word(first) or _other_family(mark, first.marks - before.marks)
    # Between two punctuation characters a delimiter can both open and close, and may
    # close an earlier one instead: `**a`b`*`c`**`.
    return strict and not _is_word(first)


def _settle_emphasis(atoms: list[_Atom], *, strict: bool = False) -> list[_Atom]:
    """Move whitespace and punctuation out of emphasis where CommonMark cannot open/close it.

    A delimiter run next to whitespace on the inside cannot open or close emphasis; neither
    can an opener between a letter and punctuation (`a**(b)**`) or a closer between
    punctuation and a letter; `~~` and `*` opening together inside a word are the same case.
    Such edge characters lose the mark instead, which changes how a space or a bracket
    looks, never the text. `strict` also avoids delimiters between two punctuation
    characters. Emphasis always closes at the edge of a link (links are written outermost).
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
                while j < len(atoms) and mark in atoms[j].marks and atoms[j].link == atoms[i].link:
                    j += 1
                before = atoms[i - 1] if i > 0 else None
                after = atoms[j] if j < len(atoms) else None
                if _cannot_open(mark, before, atoms[i], strict):
                    atoms[i] = _without(atoms[i], mark)
                    changed = True
                elif _cannot_open(mark, after, atoms[j - 1], strict):  # mirror image
                    atoms[j - 1] = _without(atoms[j - 1], mark)
                    changed = True
                i = j
    return atoms


def _code_span(text: str) -> str:
    fence = "`" * (_longest_run(text, "`") + 1)
    pad = text[0] == "`" or text[-1] == "`" or (text[0] == text[-1] == " " and text.strip(" "))
    return f"{fence} {text} {fence}" if pad else f"{fence}{text}{fence}"


def _longest_run(text: str, ch: str) -> int:
    longest = run = 0
    for c in text:
        run = run + 1 if c == ch else 0
        longest = max(longest, run)
    return longest


def _line_start_escapes(atoms: list[_Atom], start: int) -> set[int]:
    """Indices of characters that would start a block at the beginning of a line."""
    if start >= len(atoms) or atoms[start].kind != "char":
        return set()
    first = atoms[start]
    if first.text in _LINE_START_ESCAPED:
        return {start}
    # `2025. Året` would start an ordered list.
    i = start
    while i < len(atoms) and i - start < 10 and atoms[i].kind == "char" and atoms[i].text.isdigit():
        i += 1
    if i > start and i < len(atoms) and atoms[i].kind == "char" and atoms[i].text in ".)":
        return {i}
    return set()


def _char(atoms: list[_Atom], i: int, escape: bool) -> str:
    atom = atoms[i]
    ch = atom.text
    if escape or ch in _ALWAYS_ESCAPED:
        return "\\" + ch
    if ch not in "_&":
        return ch

    def same(j: int) -> _Atom | None:
        other = atoms[j] if 0 <= j < len(atoms) else None
        if other is None or other.kind != "char":
            return None
        return other if (other.marks, other.link) == (atom.marks, atom.link) else None

    prev, nxt = same(i - 1), same(i + 1)
    if ch == "_" and prev and nxt and prev.text.isalnum() and nxt.text.isalnum():
        return ch  # snake_case: an underscore inside a word never makes emphasis
    if ch == "&":
        # Only `&name;`, `&#nn;` and `&#xhh;` are character references.
        j = i + 1
        while (nxt := same(j)) is not None and (nxt.text.isalnum() or nxt.text == "#"):
            j += 1
        nxt = same(j)
        return "\\&" if j > i + 1 and nxt is not None and nxt.text == ";" else "&"
    return "\\" + ch


def _is_link(mark: str) -> bool:
    return mark.startswith("\0")


def _close(mark: str) -> str:
    return f"]({mark[1:]})" if _is_link(mark) else _DELIMITERS[mark]


def _join_code(atoms: list[_Atom]) -> list[_Atom]:
    """Join code spans that touch: written one after the other they would read as one."""
    out: list[_Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == atom.kind == "code"
            and (prev.marks, prev.link) == (atom.marks, atom.link)
        ):
            out[-1] = _Atom("code", prev.text + atom.text, atom.marks, atom.link)
        else:
            out.append(atom)
    return out


def _emit(atoms: list[_Atom], *, line_start: bool) -> str:
    """Write atoms as inline Markdown, opening and closing marks like a stack."""

    def order(mark: str, at: int) -> tuple[int, int, int]:
        if _is_link(mark):
            return (0, 0, 0)  # links outermost: their brackets shield emphasis delimiters
        length = 0
        while at + length < len(atoms) and mark in atoms[at + length].marks:
            length += 1
        return (1, -length, _MARK_ORDER[mark])  # the longest-lasting mark outside

    atoms = _join_code(atoms)
    out: list[str] = []
    stack: list[str] = []
    escapes = _line_start_escapes(atoms, 0) if line_start else set()
    current: tuple[frozenset[str], str | None] = (frozenset(), None)
    for i, atom in enumerate(atoms):
        link = None if atom.kind == "auto" else atom.link
        if (atom.marks, link) != current:
            current = (atom.marks, link)
            wanted = set(atom.marks)
            if link is not None:
                wanted.add("\0" + link)
            keep = 0
            while keep < len(stack) and stack[keep] in wanted:
                keep += 1
            out.extend(_close(mark) for mark in reversed(stack[keep:]))
            del stack[keep:]
            for mark in sorted(wanted - set(stack), key=lambda m: order(m, i)):
                if _is_link(mark) and out and out[-1] == "!":
                    out[-1] = "\\!"  # `![` would start an image
                out.append("[" if _is_link(mark) else _DELIMITERS[mark])
                stack.append(mark)
        if atom.kind == "br":
            out.append("\\\n")
            if line_start:
                escapes |= _line_start_escapes(atoms, i + 1)
        elif atom.kind == "code":
            out.append(_code_span(atom.text))
        elif atom.kind == "auto":
            out.append(f"<{atom.text}>")
        elif atom.kind == "entity":
            out.append(atom.text)
        else:
            out.append(_char(atoms, i, i in escapes))
    out.extend(_close(mark) for mark in reversed(stack))
    return "".join(out)


_Signature = tuple[str, str]


def _flags(kind: str, marks: frozenset[str], linked: bool) -> str:
    """One character that stands for a combination of formatting."""
    bits = (
        (_STRONG in marks)
        | (_EM in marks) << 1
        | (_STRIKE in marks) << 2
        | (kind == "code") << 3
        | linked << 4
    )
    return chr(0x100 + bits)  # never a backslash, which `re.sub` would interpret


def _signature(atoms: Iterable[_Atom]) -> _Signature:
    """What must survive a round trip: the text, and the formatting of non-blank text.

    Returns:
        The text and, for each of its characters, a code for its formatting (a space for
        whitespace, whose formatting is not kept).
    """
    texts: list[str] = []
    codes: list[str] = []
    group: list[str] = []  # text of neighbouring atoms with the same formatting
    current: tuple[str, frozenset[str], bool] | None = None
    for atom in [*atoms, _Atom("br", "")]:
        kind = "char" if atom.kind in ("auto", "entity") else atom.kind
        fmt = (kind, atom.marks, atom.link is not None)
        if fmt != current or kind == "br":
            if current is not None and group:
                text = "".join(group)
                texts.append(text)
                codes.append(_NOT_SPACE.sub(_flags(*current), text))
            group = []
            current = fmt
        if atom.kind == "br":
            texts.append(atom.text)
            codes.append(atom.text)
        elif atom.kind == "entity":
            group.append(chr(int(atom.text[2:-1])))
        else:
            group.append(atom.text)
    return "".join(texts), "".join(codes)


def _signature_of(runs: Iterable[Inline]) -> _Signature:
    texts: list[str] = []
    codes: list[str] = []
    for run in runs:
        if isinstance(run, LineBreak):
            texts.append("\n")
            codes.append("\n")
            continue
        linked = run.url is not None or run.anchor is not None
        texts.append(run.text)
        code = _flags("code" if run.code else "char", _marks(run), linked)
        codes.append(_NOT_SPACE.sub(code, run.text))
    return "".join(texts), "".join(codes)


def _plain(atoms: list[_Atom], *, keep_links: bool) -> list[_Atom]:
    """The same atoms with less formatting: no emphasis; without links, no code either."""
    out: list[_Atom] = []
    for a in atoms:
        if keep_links:
            out.append(_Atom(a.kind, a.text, frozenset(), a.link))
        elif a.kind in ("code", "auto"):
            out.extend(_Atom("char", ch) for ch in a.text)
        else:
            out.append(_Atom(a.kind, a.text))
    return out


# Characters that `_char` escapes wherever they are, and those it decides on from context.
_ESCAPE_ALWAYS = str.maketrans({ch: "\\" + ch for ch in _ALWAYS_ESCAPED})
_NEEDS_CARE = re.compile(r"[_&\n\r]")
_INLINE_CACHE: dict[tuple[tuple[Inline, ...], str], str] = {}
_INLINE_CACHE_SIZE = 20_000


def _simple_text(runs: Sequence[Inline], targets: dict[str, str]) -> str | None:
    """The Markdown of simple runs, or None when they need `_inline`'s general way.

    Simple: no code, no line breaks, no `_`, `&` or line ends in the text; each run plain,
    bold or italic (not both), or a plain link to an anchor (a citation) or to an allowed
    URL that is not its own text; every bold or italic run beginning and ending with a
    letter or digit, and every emphasised or linked run between two plain ones. That is
    most text, and for it the general way (character atoms, then a check by parsing)
    writes the runs with their always-escaped characters escaped, `**` and `*` around
    emphasis and `[text](destination)` for links; this writes that directly (a property
    test holds the two ways to the same text).
    """
    out: list[str] = []
    previous_plain = True
    for run in runs:
        if not isinstance(run, Run) or run.code or run.strike:
            return None
        text = run.text
        if not text or _NEEDS_CARE.search(text) is not None:
            return None
        escaped = text.translate(_ESCAPE_ALWAYS)
        link: str | None = None
        if run.url is not None:
            if not is_link_allowed(run.url) or text == run.url:
                return None  # not a link, or perhaps an autolink `<url>`
            link = _link_destination(run.url)
        elif run.anchor is not None:
            link = _link_destination("#" + targets.get(run.anchor, run.anchor))
        if link is not None:
            if run.bold or run.italic or not previous_plain or not out or out[-1][-1] == "!":
                return None  # `![` would start an image; the general way escapes the `!`
            out += ("[", escaped, "](", link, ")")
            previous_plain = False
        elif run.bold or run.italic:
            if (
                (run.bold and run.italic)
                or not previous_plain
                or not (text[0].isalnum() and text[-1].isalnum())
            ):
                return None
            delimiter = "**" if run.bold else "*"
            out += (delimiter, escaped, delimiter)
            previous_plain = False
        else:
            if previous_plain and out:
                return None  # two plain runs in a row: the general way merges them
            out.append(escaped)
            previous_plain = True
    if not out:
        return None
    first = runs[0].text  # type: ignore[union-attr]
    last = runs[-1].text  # type: ignore[union-attr]
    if first[0] in _LINE_START_ESCAPED or first[0].isdigit() or first[0] in _SPACES:
        return None
    if last[-1] in _SPACES:
        return None
    return "".join(out)


def _inline(
    runs: Sequence[Inline],
    targets: dict[str, str],
    *,
    context: str = "paragraph",
) -> str:
    """Inline Markdown for runs, checked by parsing it again (see the module docstring).

    `context` is "paragraph" (may hold line breaks; block syntax at a line start is
    escaped), "heading" or "cell". The same runs give the same text, so results are kept
    per process (the shared introduction is the same in every plan); runs that link to
    an anchor depend on the document's headings and are not kept.
    """
    simple = _simple_text(runs, targets)
    if simple is not None:
        return simple
    key = (tuple(runs), context)
    cacheable = not any(isinstance(r, Run) and r.anchor is not None for r in runs)
    if cacheable:
        cached = _INLINE_CACHE.get(key)
        if cached is not None:
            return cached
    text = _inline_checked(runs, targets, context=context)
    if cacheable:
        if len(_INLINE_CACHE) >= _INLINE_CACHE_SIZE:
            _INLINE_CACHE.clear()
        _INLINE_CACHE[key] = text
    return text


def _inline_checked(runs: Sequence[Inline], targets: dict[str, str], *, context: str) -> str:
    heading = context == "heading"
    atoms = _trim(_atoms(runs, targets, context=context), heading=heading)
    attempts: tuple[Callable[[], list[_Atom]], ...] = (
        lambda: _settle_emphasis(atoms),
        lambda: _settle_emphasis(atoms, strict=True),
        lambda: _plain(atoms, keep_links=True),
        lambda: _trim(_plain(atoms, keep_links=False), heading=heading),
    )
    text = ""
    for attempt in attempts:
        chosen = attempt()
        text = _emit(chosen, line_start=context == "paragraph")
        expected = _signature(chosen)
        if _signature_of(parse_inline(text)) == expected and not (
            context == "paragraph" and _is_definition(text, expected)
        ):
            break
    return text


def _is_definition(text: str, expected: _Signature) -> bool:
    """Whether a paragraph would start with a link reference definition (`[`]:`](x)`).

    Text is escaped so that this can only happen with `]:` inside a code span in a link at
    the very start; the block parser decides.
    """
    if not text.startswith("[") or "]:" not in text:
        return False
    blocks = parse_markdown(text, base_level=0)
    paragraph = blocks[0] if len(blocks) == 1 else None
    return not isinstance(paragraph, Paragraph) or _signature_of(paragraph.runs) != expected


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

    def blocks(self, blocks: Sequence[Block], *, loose: bool = True) -> list[str]:
        """Render blocks, with a blank line between them when `loose`."""
        lines: list[str] = []
        previous_marker: str | None = None
        for block in blocks:
            marker: str | None = None
            if isinstance(block, ListBlock):
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

    def block(self, block: Block) -> list[str]:
        if isinstance(block, Heading):
            return [self.heading(block)]
        if isinstance(block, Paragraph):
            runs = block.runs
            if block.role == "caption":
                runs = tuple(replace(r, italic=True) if isinstance(r, Run) else r for r in runs)
            text = _inline(runs, self.targets)
            return text.split("\n") if text else []
        if isinstance(block, ListBlock):
            return self.list_block(block, avoid=None)[0]
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
        text = _inline(heading.runs, self.targets, context="heading")
        # A run of `#` at the end would be read as the optional closing sequence.
        stripped = text.rstrip("#")
        if stripped != text and (not stripped or stripped[-1] in " \t"):
            text = f"{stripped}\\{text[len(stripped) :]}"
        return "#" * level + (" " + text if text else "")

    def list_block(self, block: ListBlock, *, avoid: str | None) -> tuple[list[str], str]:
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
                text = _inline(cell.runs, self.targets, context="cell")
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


def _is_thematic_break(line: str) -> bool:
    chars = line.replace(" ", "").replace("\t", "")
    return len(chars) >= 3 and chars[0] in "-*_" and chars == chars[0] * len(chars)


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


def render(doc: Document, options: RenderOptions) -> bytes:
    """The writer entry point (see `omstallning.writers`): UTF-8 Markdown."""
    return render_markdown(doc).encode("utf-8")

"""Inline Markdown for runs: written from atoms, checked by parsing it again. Pure.

`InlineWriter` owns the cache of what it wrote; the renderer makes one per document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from omstallning.documents.markdown_text import is_link_allowed, parse_inline, parse_markdown
from omstallning.documents.tree import Inline, Paragraph, Run
from omstallning.writers.markdown.atoms import (
    _ALWAYS_ESCAPED,
    _DELIMITERS,
    _LINE_START_ESCAPED,
    _MARK_ORDER,
    _SPACES,
    _Atom,
    _atoms,
    _link_destination,
    _plain,
    _settle_emphasis,
    _Signature,
    _signature,
    _signature_of,
    _trim,
)


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
    atoms = _join_code(atoms)
    out: list[str] = []
    stack: list[str] = []
    escapes = _line_start_escapes(atoms, 0) if line_start else set()
    current: tuple[frozenset[str], str | None] = (frozenset(), None)
    for i, atom in enumerate(atoms):
        link = None if atom.kind == "auto" else atom.link
        if (atom.marks, link) != current:
            current = (atom.marks, link)
            _switch_marks(atoms, i, stack, out)
        if atom.kind == "br":
            out.append("\\\n")
            if line_start:
                escapes |= _line_start_escapes(atoms, i + 1)
        else:
            out.append(_atom_text(atoms, i, i in escapes))
    out.extend(_close(mark) for mark in reversed(stack))
    return "".join(out)


def _switch_marks(atoms: list[_Atom], at: int, stack: list[str], out: list[str]) -> None:
    """Close the marks (and link) that end before atom `at`, and open those that begin."""
    atom = atoms[at]
    wanted = set(atom.marks)
    if atom.kind != "auto" and atom.link is not None:
        wanted.add("\0" + atom.link)
    keep = 0
    while keep < len(stack) and stack[keep] in wanted:
        keep += 1
    out.extend(_close(mark) for mark in reversed(stack[keep:]))
    del stack[keep:]
    for mark in sorted(wanted - set(stack), key=lambda m: _order(atoms, m, at)):
        if _is_link(mark) and out and out[-1] == "!":
            out[-1] = "\\!"  # `![` would start an image
        out.append("[" if _is_link(mark) else _DELIMITERS[mark])
        stack.append(mark)


def _order(atoms: list[_Atom], mark: str, at: int) -> tuple[int, int, int]:
    if _is_link(mark):
        return (0, 0, 0)  # links outermost: their brackets shield emphasis delimiters
    length = 0
    while at + length < len(atoms) and mark in atoms[at + length].marks:
        length += 1
    return (1, -length, _MARK_ORDER[mark])  # the longest-lasting mark outside


def _atom_text(atoms: list[_Atom], i: int, escape: bool) -> str:
    atom = atoms[i]
    if atom.kind == "code":
        return _code_span(atom.text)
    if atom.kind == "auto":
        return f"<{atom.text}>"
    if atom.kind == "entity":
        return atom.text
    return _char(atoms, i, escape)


_ESCAPE_ALWAYS = str.maketrans({ch: "\\" + ch for ch in _ALWAYS_ESCAPED})
_NEEDS_CARE = re.compile(r"[_&\n\r]")
_INLINE_CACHE_SIZE = 20_000


def simple_text(runs: Sequence[Inline], targets: dict[str, str]) -> str | None:
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
        written = _simple_run(run, targets, previous_plain, out[-1] if out else None)
        if written is None:
            return None
        pieces, previous_plain = written
        out += pieces
    if not out or not _simple_edges(runs):
        return None
    return "".join(out)


def _simple_run(
    run: Inline, targets: dict[str, str], previous_plain: bool, last: str | None
) -> tuple[tuple[str, ...], bool] | None:
    """One run for `simple_text`: its pieces and whether it is plain, or None."""
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
        if run.bold or run.italic or not previous_plain or last is None or last[-1] == "!":
            return None  # `![` would start an image; the general way escapes the `!`
        return ("[", escaped, "](", link, ")"), False
    if run.bold or run.italic:
        if (
            (run.bold and run.italic)
            or not previous_plain
            or not (text[0].isalnum() and text[-1].isalnum())
        ):
            return None
        delimiter = "**" if run.bold else "*"
        return (delimiter, escaped, delimiter), False
    if previous_plain and last is not None:
        return None  # two plain runs in a row: the general way merges them
    return (escaped,), True


def _simple_edges(runs: Sequence[Inline]) -> bool:
    """Whether the text neither starts like a block nor starts or ends with whitespace."""
    first = runs[0].text  # type: ignore[union-attr]
    last = runs[-1].text  # type: ignore[union-attr]
    if first[0] in _LINE_START_ESCAPED or first[0].isdigit() or first[0] in _SPACES:
        return False
    return last[-1] not in _SPACES


class InlineWriter:
    """Writes runs as inline Markdown, and keeps what it wrote.

    The same runs give the same text, so results are kept for the writer's lifetime: the
    Markdown writer's entry point keeps one per process, since the shared introduction is
    the same text in every plan. Runs that link to an anchor depend on the document's
    headings and are not kept.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[tuple[Inline, ...], str], str] = {}

    def text(
        self,
        runs: Sequence[Inline],
        targets: dict[str, str],
        *,
        context: str = "paragraph",
    ) -> str:
        """Inline Markdown for runs, checked by parsing it again (see the package docstring).

        `context` is "paragraph" (may hold line breaks; block syntax at a line start is
        escaped), "heading" or "cell".
        """
        simple = simple_text(runs, targets)
        if simple is not None:
            return simple
        key = (tuple(runs), context)
        cacheable = not any(isinstance(r, Run) and r.anchor is not None for r in runs)
        if cacheable:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        text = inline_checked(runs, targets, context=context)
        if cacheable:
            if len(self._cache) >= _INLINE_CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = text
        return text


def inline_checked(runs: Sequence[Inline], targets: dict[str, str], *, context: str) -> str:
    """The general way: atoms, written with less and less formatting until it reads back."""
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

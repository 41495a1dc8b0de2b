"""Inline text as atoms: characters, code spans and breaks, each with its formatting.

The Markdown writer turns runs into atoms, moves whitespace and punctuation out of emphasis
where CommonMark could not open or close it, and compares what it meant to write with what
the parser reads back (`signature`, `signature_of`). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from omstallning.documents.markdown_text import is_link_allowed, merge_runs
from omstallning.documents.tree import Inline, LineBreak, Run

_STRONG, _EM, _STRIKE = "strong", "em", "strike"
_DELIMITERS = {_STRONG: "**", _EM: "*", _STRIKE: "~~"}
_MARK_ORDER = {_STRIKE: 0, _STRONG: 1, _EM: 2}
_ALWAYS_ESCAPED = frozenset("\\`*[]<~")
_LINE_START_ESCAPED = frozenset("#>-+=|:")
# CommonMark's Unicode whitespace, as markdown-it-py decides it (`isWhiteSpace`).
_SPACES = frozenset(chr(c) for c in range(0x3001) if isWhiteSpace(c))
_NOT_SPACE = re.compile("[^" + re.escape("".join(sorted(_SPACES))) + "]")


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


def _is_punct(ch: str) -> bool:
    # Not cached: only the characters at the edges of emphasis are asked about.
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


def _run_link(run: Run, targets: dict[str, str]) -> str | None:
    """The link destination of a run, or None."""
    if run.url is not None and is_link_allowed(run.url):
        return _link_destination(run.url)
    if run.anchor is not None:
        return _link_destination("#" + targets.get(run.anchor, run.anchor))
    return None


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
        if not isinstance(run, Run):
            continue  # a footnote: the renderer writes its mark (`MarkdownRenderer.text`)
        link = _run_link(run, targets)
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
        if not isinstance(run, Run):
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

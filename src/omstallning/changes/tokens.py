"""Paragraph content as diffable tokens, and tokens back to (tracked) runs.

A paragraph's runs are split into words (each with its run's formatting); a tab, a break, a
complete field (compared by its instruction, so a renumbered caption is no change) or a
hyperlink count as one token each; bookmarks are zero-width markup kept only in the new
text. `diff_content` turns an old and a new paragraph's tokens into the new content with
`w:ins`/`w:del` around what differs.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from lxml import etree
from lxml.etree import _Element as Element

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DROPPED_IN_DELETED = frozenset({"drawing", "pict", "object", "footnoteReference"})
_WORDS = re.compile(r"\s+|\S+\s*")


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{tag}"


def local(element: Element) -> str:
    """An element's name without namespace ("" for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def plain(element: Element) -> str:
    """The visible text of an element: its w:t and w:delText."""
    return "".join(element.itertext(w("t"), w("delText")))


@dataclass
class Revisions:
    """Makes `w:ins`/`w:del` marks with unique ids, one author and one date."""

    author: str
    date: str
    next_id: int

    def mark(self, tag: Literal["ins", "del"]) -> Element:
        """A new, empty `w:ins` or `w:del` with the next id."""
        element = etree.Element(w(tag))
        element.set(w("id"), str(self.next_id))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        self.next_id += 1
        return element


# --- Paragraph content as tokens -------------------------------------------------------------


@dataclass
class Token:
    """A piece of a paragraph the diff compares as one.

    `text`: a word of a run (with its trailing space) and the run's `rpr`; `run`: whole
    runs that are not plain text (a tab, a break, a complete field); `link`: a hyperlink;
    `mark`: zero-width markup (bookmarks), kept where it is in the new text only.
    """

    key: str
    kind: Literal["text", "run", "link", "mark"]
    nodes: list[Element] = field(default_factory=list)
    text: str = ""
    rpr: Element | None = None


def _field_state(run: Element) -> str | None:
    char = run.find(w("fldChar"))
    return None if char is None else char.get(w("fldCharType"))


def _run_tokens(run: Element) -> list[Token]:
    rpr = run.find(w("rPr"))
    tokens: list[Token] = []
    for child in run:
        name = local(child)
        if name == "rPr":
            continue
        if name == "t":
            for word in _WORDS.findall(child.text or ""):
                tokens.append(Token(word, "text", text=word, rpr=rpr))
            continue
        single = etree.Element(w("r"))
        if rpr is not None:
            single.append(copy.deepcopy(rpr))
        single.append(copy.deepcopy(child))
        tokens.append(Token(f"\x02{name}{plain(child)}", "run", [single]))
    return tokens


def paragraph_tokens(paragraph: Element) -> list[Token]:
    """The tokens of a paragraph's content, in order (its properties left out)."""
    tokens: list[Token] = []
    fld: Token | None = None
    depth = 0
    for child in paragraph:
        name = local(child)
        if name == "pPr":
            continue
        if fld is not None:  # inside a complex field: collect until its end
            fld.nodes.append(child)
            fld.key += "".join(child.itertext(w("instrText")))
            state = _field_state(child) if name == "r" else None
            depth += {"begin": 1, "end": -1}.get(state or "", 0)
            if depth == 0:
                tokens.append(fld)
                fld = None
            continue
        if name == "r" and _field_state(child) == "begin":
            fld, depth = Token("\x01", "run", [child]), 1
        elif name == "r":
            tokens += _run_tokens(child)
        elif name == "hyperlink":
            tokens.append(Token(f"\x03{plain(child)}", "link", [child]))
        else:
            tokens.append(Token(f"\x04{name}{child.get(w('name'), '')}", "mark", [child]))
    if fld is not None:  # an unterminated field: keep what there is
        tokens.append(fld)
    return tokens


# --- Tokens back to runs ---------------------------------------------------------------------


def _text_run(text: str, rpr: Element | None, *, deleted: bool) -> Element:
    run = etree.Element(w("r"))
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, w("delText" if deleted else "t"))
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _as_deleted(run: Element) -> Element | None:
    """A copy of an old run as deleted text: w:t -> w:delText, no drawings; None if empty."""
    out = copy.deepcopy(run)
    for child in list(out):
        name = local(child)
        if name in _DROPPED_IN_DELETED:
            out.remove(child)
        elif name == "t":
            child.tag = w("delText")
        elif name == "instrText":
            child.tag = w("delInstrText")
    return out if any(local(c) != "rPr" for c in out) else None


def _same_rpr(a: Element | None, b: Element | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(etree.tostring(a) == etree.tostring(b))


def _runs(tokens: Sequence[Token], *, deleted: bool) -> list[Element]:
    """Runs for text and run tokens: adjacent words with the same formatting joined."""
    out: list[Element] = []
    words: list[str] = []
    rpr: Element | None = None

    def flush() -> None:
        if words:
            out.append(_text_run("".join(words), rpr, deleted=deleted))
            words.clear()

    for token in tokens:
        if token.kind == "text":
            if words and not _same_rpr(rpr, token.rpr):
                flush()
            rpr = token.rpr
            words.append(token.text)
            continue
        flush()
        nodes = [r for n in token.nodes for r in (n.iter(w("r")) if token.kind == "link" else [n])]
        for node in nodes:
            made = _as_deleted(node) if deleted else copy.deepcopy(node)
            if made is not None:
                out.append(made)
    flush()
    return out


def equal_content(tokens: Sequence[Token]) -> list[Element]:
    """The new text as it is."""
    out: list[Element] = []
    stretch: list[Token] = []
    for token in tokens:
        if token.kind in ("text", "run"):
            stretch.append(token)
            continue
        out += _runs(stretch, deleted=False)
        stretch = []
        out.append(copy.deepcopy(token.nodes[0]))
    return out + _runs(stretch, deleted=False)


def inserted_content(tokens: Sequence[Token], rev: Revisions) -> list[Element]:
    """New text in `w:ins`; a hyperlink keeps its link with the `w:ins` inside it."""
    out: list[Element] = []
    stretch: list[Token] = []

    def flush() -> None:
        runs = _runs(stretch, deleted=False)
        if runs:
            wrapper = rev.mark("ins")
            wrapper.extend(runs)
            out.append(wrapper)
        stretch.clear()

    for token in tokens:
        if token.kind in ("text", "run"):
            stretch.append(token)
            continue
        flush()
        node = copy.deepcopy(token.nodes[0])
        if token.kind == "link":
            wrapper = rev.mark("ins")
            for child in [c for c in node if local(c) == "r"]:
                wrapper.append(child)
            node.append(wrapper)
        out.append(node)
    flush()
    return out


def deleted_content(tokens: Sequence[Token], rev: Revisions) -> list[Element]:
    """Old text in one `w:del`, its words as `w:delText`; old markup is dropped."""
    runs = _runs([t for t in tokens if t.kind != "mark"], deleted=True)
    if not runs:
        return []
    wrapper = rev.mark("del")
    wrapper.extend(runs)
    return [wrapper]


class Keyed(Protocol):
    """Anything lined up by a key: a token, a block, a table row."""

    @property
    def key(self) -> str:
        """What must be equal for two items to count as the same."""
        ...


def key_opcodes(
    old: Sequence[Keyed], new: Sequence[Keyed]
) -> Sequence[tuple[str, int, int, int, int]]:
    """The opcodes of `difflib` that turn `old` into `new`, items compared by key (no autojunk)."""
    keys_a, keys_b = [t.key for t in old], [t.key for t in new]
    return difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes()


def diff_content(old: Sequence[Token], new: Sequence[Token], rev: Revisions) -> list[Element]:
    """The content of a changed paragraph: equal, deleted and inserted stretches."""
    out: list[Element] = []
    for tag, i1, i2, j1, j2 in key_opcodes(old, new):
        if tag == "equal":
            out += equal_content(new[j1:j2])
            continue
        out += deleted_content(old[i1:i2], rev)
        out += inserted_content(new[j1:j2], rev)
    return out

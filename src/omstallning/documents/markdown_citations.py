"""Pandoc-style citations in Markdown (`[@sol2025]`, `[@a; @b]`, `[@a, s. 12]`): one inline rule.

markdown-it-py finds everything else; this rule turns a citation into one `citation` token
whose `meta["items"]` are the keys with their locators. Pure.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from markdown_it.common.utils import normalizeReference, unescapeAll
from markdown_it.rules_inline import StateInline

_KEY_FIRST = frozenset(string.ascii_letters + string.digits + "_")
_KEY_CHARS = _KEY_FIRST | frozenset(":.#$%&+?<>~/-")
_CITATION_SPACE = " \t\n"


@dataclass(frozen=True)
class CitationItem:
    """One key of a citation: `@key` and what follows it up to `;` or `]`."""

    key: str
    at: int  # offset of "@" in the inline source the rule saw
    locator: str | None


def _skip_space(src: str, pos: int, end: int) -> int:
    while pos < end and src[pos] in _CITATION_SPACE:
        pos += 1
    return pos


def _scan_citation(src: str, pos: int, end: int) -> tuple[int, tuple[CitationItem, ...]] | None:
    """Read `[@key, locator; @key]` starting at the `[` at `pos`.

    Returns:
        The offset just after the closing `]` and the items, or None when the text at `pos`
        is not a citation (it then stays literal text).
    """
    items: list[CitationItem] = []
    i = pos + 1
    while True:
        if i >= end or src[i] != "@":
            return None
        at = i
        i += 1
        if i >= end or src[i] not in _KEY_FIRST:
            return None
        j = i
        while j < end and src[j] in _KEY_CHARS:
            j += 1
        # Like Pandoc, punctuation ends a key only inside it; `[@a.]` is not the key `a.`.
        key = src[i:j].rstrip(".:")
        i = _skip_space(src, i + len(key), end)
        locator: str | None = None
        if i < end and src[i] == ",":
            j = i + 1
            while j < end and src[j] not in ";]":
                if src[j] == "[":
                    return None
                j += 1
            words = unescapeAll(src[i + 1 : j]).replace("\t", " ").replace("\n", " ").split(" ")
            locator = " ".join(w for w in words if w) or None
            i = j
        items.append(CitationItem(key, at, locator))
        if i >= end:
            return None
        if src[i] == "]":
            return i + 1, tuple(items)
        if src[i] != ";":
            return None
        i = _skip_space(src, i + 1, end)


def citation_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it inline rule: a citation becomes one `citation` token."""
    pos = state.pos
    src = state.src
    if silent or not src.startswith("[@", pos):
        # Silent mode only serves markdown-it's link label scan, which takes any token longer
        # than one character that starts with `[` for a nested link and then refuses the
        # outer link. Read as plain brackets, a citation balances just the same.
        return False
    scanned = _scan_citation(src, pos, state.posMax)
    if scanned is None:
        return False
    end, items = scanned
    # `[@a](url)` and a defined reference `[@a]` are links, as in CommonMark.
    if end < state.posMax and src[end] == "(":
        return False
    references = state.env.get("references", {})
    if normalizeReference(src[pos + 1 : end - 1]) in references:
        return False
    token = state.push("citation", "", 0)
    token.content = src[pos:end]
    token.meta = {"items": items, "src": src}
    state.pos = end
    return True

"""Links and tables that the outputs cannot carry safely.

Only http, https and mailto links (and links within the document, `#avsnitt`) become
clickable; a link to `javascript:`, `file:`, `ms-msdt:` or without a scheme (`skr.se`) stays
plain text, and these rules say so (`osaker-lank`). A table wider than Word's 63 columns
cannot be opened in Word (`for-bred-tabell`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from omstallning.check.rules.citations import (
    TextPosition,
    municipality_texts,
    shared_texts,
)
from omstallning.check.rules.registry import E, W, municipality_rule, rule
from omstallning.findings import Finding
from omstallning.load.loader import SOURCES_FILE, LoadResult
from omstallning.load.ooxml_check import safe_scheme
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

MAX_TABLE_COLUMNS = 63  # Word's documented limit
_MAYBE_LINK = re.compile(r"\]\(|\]:|\]\[|<[A-Za-z][A-Za-z0-9+.-]{1,31}:")
# Destinations of inline links and autolinks, for the cheap look before a full parse.
_INLINE_DESTINATION = re.compile(r"\]\(\s*<?([^)\s>]*)")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^>\s]*)>")


def _may_hold_unsafe_link(text: str) -> bool:
    """False when every link in `text` is plainly safe, so no parse is needed.

    Reference links (`[x][y]`, `[y]: url`) and anything unusual are parsed to be sure.
    """
    if "]:" in text or "][" in text:
        return True
    found = _INLINE_DESTINATION.findall(text) + _AUTOLINK.findall(text)
    return any(link_problem(url) for url in found)


def link_problem(url: str) -> str | None:
    """Why `url` stays plain text (a Swedish phrase), or None when it becomes a link."""
    if url.startswith("#") or safe_scheme(url):
        return None
    scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme:
        return f"börjar med ”{scheme.group(1)}:”, som inte är http, https eller mailto"
    return "saknar http:// eller https:// i början"


def _link_message(url: str, problem: str) -> str:
    shown = url if len(url) <= 80 else url[:77] + "…"
    fix = (
        "Skriv hela adressen med https:// (t.ex. https://skr.se)"
        if problem.startswith("saknar")
        else "Länka till en webbadress (https://…) eller en e-postadress (mailto:…)"
    )
    return f"Länken ”{shown}” {problem}, så den blir vanlig text och inte klickbar. {fix}."


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _walk(tokens: list[Any]) -> Iterator[Any]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _walk(tok.children)


def _find(lines: list[str], first: int, needle: str) -> tuple[int, int]:
    """The 1-based line and column of `needle` at or after line `first` (0-based)."""
    for n in range(first, len(lines)):
        col = lines[n].find(needle)
        if col >= 0:
            return n + 1, col + 1
    return first + 1, 1


def text_problems(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(line, column, code, message) for every unsafe link and too wide table in `text`."""
    links = _MAYBE_LINK.search(text) is not None and _may_hold_unsafe_link(text)
    wide = text.count("|") >= MAX_TABLE_COLUMNS and any(
        line.count("|") >= MAX_TABLE_COLUMNS for line in text.split("\n")
    )
    if not (links or wide):
        return
    lines = text.split("\n")
    first = 0
    for tok in _walk(_parser().parse(text, {})):
        if tok.map:
            first = tok.map[0]
        if tok.type == "table_open" and tok.map:
            yield from _wide_table(tok, text, first)
        elif tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
            problem = link_problem(href)
            if problem:
                line, col = _find(lines, first, href.split("?")[0][:40] or "](")
                yield line, col, "osaker-lank", _link_message(href, problem)


def _wide_table(tok: Any, text: str, first: int) -> Iterator[tuple[int, int, str, str]]:
    header = text.split("\n")[first]
    cells = header.strip().strip("|").split("|")
    if len(cells) > MAX_TABLE_COLUMNS:
        yield (
            first + 1,
            1,
            "for-bred-tabell",
            f"Tabellen har {len(cells)} kolumner. Word klarar högst {MAX_TABLE_COLUMNS}: "
            "dela upp den i flera tabeller eller vänd på rader och kolumner.",
        )


def _findings(file: str, text: str, where: TextPosition) -> Iterator[Finding]:
    for line, col, code, message in text_problems(text):
        fline, fcol = where(line, col)
        yield Finding(file, fline, fcol, code, W if code == "osaker-lank" else E, message)


@rule
def shared_links(result: LoadResult) -> Iterator[Finding]:
    """Links and tables in the introduction and the glossary; urls in kallor.yaml."""
    for file, text, where in shared_texts(result):
        yield from _findings(file, text, where)
    sm = result.maps.get(SOURCES_FILE)
    for key, source in result.region.sources.items():
        problem = link_problem(source.url) if source.url else None
        if source.url and problem:
            line, col = sm.pos((key, "url")) if sm is not None else (1, 1)
            yield Finding(
                SOURCES_FILE, line, col, "osaker-lank", W, _link_message(source.url, problem)
            )


@municipality_rule
def municipality_links(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Links and tables in a municipality's texts."""
    for file, text, where in municipality_texts(entry, sm):
        yield from _findings(file, text, where)

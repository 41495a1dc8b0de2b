"""Placeholder text left in (TODO, XXX, the scaffold's own hints)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from omstallning.check.rules.citations import shared_texts
from omstallning.check.rules.registry import W, municipality_rule, rule
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import PLACEHOLDER_WORDS, MunicipalityEntry

_PLACEHOLDER_RE = re.compile(
    "|".join(
        rf"(?<![\w]){re.escape(w)}(?![\w])" if w[-1].isalnum() else re.escape(w)
        for w in PLACEHOLDER_WORDS
    )
)

_PLACEHOLDER_WORDS_UTF8 = tuple(word.encode() for word in PLACEHOLDER_WORDS)


def _may_hold_placeholder(text: str | bytes) -> bool:
    # Plain substring tests are a hundred times faster than the regex over a long text.
    if isinstance(text, bytes):
        return any(word in text for word in _PLACEHOLDER_WORDS_UTF8)
    return any(word in text for word in PLACEHOLDER_WORDS)


@rule
def placeholders(result: LoadResult) -> Iterator[Finding]:
    """Placeholder text left in the introduction or the glossary (TODO, XXX, …)."""
    for file, text, where in shared_texts(result):
        if not _may_hold_placeholder(text):
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            m = _PLACEHOLDER_RE.search(line)
            if m:
                yield _placeholder(file, *where(number, m.start() + 1), m.group())


@municipality_rule
def municipality_placeholders(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Placeholder text left in a municipality file (TODO, XXX, the scaffold's hints).

    Every field counts (titles, owners, indicator names), so the lines themselves are
    scanned rather than the texts; comment lines are the author's own notes.
    """
    if sm is None or not _may_hold_placeholder(sm.encoded):
        return
    for number, line in enumerate(sm.lines, start=1):
        m = _PLACEHOLDER_RE.search(line)
        if m and not line.lstrip().startswith("#") and "#" not in line[: m.start()]:
            yield _placeholder(entry.file, number, m.start() + 1, m.group())


def _placeholder(file: str, line: int, column: int, text: str) -> Finding:
    message = f"Platshållartext kvar (”{text}”). Ersätt den med den riktiga texten."
    return Finding(file, line, column, "platshallare", W, message)

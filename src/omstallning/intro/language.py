"""Clear Swedish (klarspråk): sentence length, LIX per section, unexplained abbreviations.

The measures read Markdown as a reader sees it: headings divide sections, tables and code
are left out, citations (`[@key]`) and link targets do not count as words, and each list
item ends a sentence. Positions are 1-based (line, column) in the text given.

Thresholds (see the README): a sentence of more than 35 words is nearly always two. LIX
above 60 is "mycket svår" on the usual scale (50–60 "svår" is ordinary official prose); the
long compound words of social-services law (socialtjänstlagen, behovsprövning) put even
carefully edited sections at 50–57, so a lower limit would warn about text that has already
been made plain. LIX is only computed for sections of at least 80 words, below which it
swings with single sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from omstallning.model import PLACEHOLDER_PREFIX, PLACEHOLDER_WORDS

MAX_SENTENCE_WORDS = 35
MAX_LIX = 60
MIN_LIX_WORDS = 80
LONG_WORD_LETTERS = 6  # LIX counts words of more than six letters as long

# Words before a full stop that do not end a sentence (lower case, without the last ".").
_NO_END = {
    "t.ex", "bl.a", "m.m", "s.k", "d.v.s", "dvs", "ca", "kap", "prop", "jfr", "resp", "st",
    "nr", "s", "f", "ff", "fr.o.m", "t.o.m", "o.s.v", "osv", "m.fl", "p.g.a", "pga", "enl",
}  # fmt: skip
# Abbreviations a Swedish reader needs no explanation for.
_WELL_KNOWN = {"EU", "FN", "IT", "ID", "AB"}
_ROMAN = re.compile(r"^[IVXLC]+$")
_NOT_ABBREVIATIONS = set(PLACEHOLDER_WORDS) | set(PLACEHOLDER_PREFIX.rstrip(":").split())

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_TABLE = re.compile(r"^\s*\|")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_CITATION = re.compile(r"\[[^\]\n]*@[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_MARKUP = re.compile(r"[*_`<>]")
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*\s+(?=[\"”»(]?[A-ZÅÄÖÉ])")
_ABBREVIATION = re.compile(
    # Not inside a variable, path or address: ${HOME}, /usr/SKR, www.SKR.se.
    r"(?<![\w$@{/.-])(?:[A-ZÅÄÖ]{2,6}|[A-ZÅÄÖ][a-zåäö]?[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,3})(?![\w}/-])"
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: its number of words and where it starts."""

    words: int
    line: int
    column: int


@dataclass(frozen=True)
class SectionStats:
    """LIX of one section (the text under one heading, or before the first)."""

    heading: str  # "" before the first heading
    line: int  # the heading's line (or the first line of text)
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        """Words per sentence plus the percentage of long words."""
        if not self.words or not self.sentences:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


@dataclass
class _Chunk:
    """Prose that ends a sentence where it ends (a paragraph or a list item)."""

    text: str
    places: list[tuple[int, int, int]]  # (offset in text, line, column) per source line


@dataclass
class _Section:
    heading: str
    line: int
    chunks: list[_Chunk]


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _link_text(match: re.Match[str]) -> str:
    return " " + match.group(1) + " " * (len(match.group(0)) - len(match.group(1)) - 1)


def _clean(text: str) -> str:
    """The same length as `text`, with what a reader does not read as words blanked."""
    text = _CITATION.sub(_blank, text)
    text = _LINK.sub(_link_text, text)
    return _MARKUP.sub(" ", text)


def _sections(text: str) -> list[_Section]:
    lines = text.split("\n")
    levels = [len(m.group(1)) for line in lines if (m := _HEADING.match(line))]
    top = min(levels) if levels else 0
    sections = [_Section("", 1, [])]
    chunk: _Chunk | None = None
    fenced = False
    for n, line in enumerate(lines, start=1):
        if _FENCE.match(line):
            fenced, chunk = not fenced, None
            continue
        heading = _HEADING.match(line)
        if fenced or not line.strip() or _TABLE.match(line) or heading:
            chunk = None
            if heading and len(heading.group(1)) == top:
                sections.append(_Section(heading.group(2), n, []))
            continue
        start = 0
        for pattern in (_QUOTE, _ITEM):
            m = pattern.match(line, start)
            if m:
                start = m.end()
                if pattern is _ITEM:
                    chunk = None
        if chunk is None:
            chunk = _Chunk("", [])
            sections[-1].chunks.append(chunk)
        elif chunk.text:
            chunk.text += " "
        chunk.places.append((len(chunk.text), n, start + 1))
        chunk.text += line[start:]
    return [s for s in sections if s.chunks or s.heading]


def _where(chunk: _Chunk, offset: int) -> tuple[int, int]:
    at, line, col = next(p for p in reversed(chunk.places) if p[0] <= offset)
    return line, col + offset - at


_WORD = re.compile(r"\S*[^\W_]\S*")  # a whitespace-separated token with a letter or digit


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _long(word: str) -> bool:
    """More than six letters (LIX's long word); digits and punctuation do not count."""
    letters = sum(map(str.isalpha, word))
    return letters > LONG_WORD_LETTERS


@lru_cache(maxsize=4)
def _read(text: str) -> list[tuple[_Section, list[tuple[_Chunk, str]]]]:
    """The sections of `text` with each chunk's cleaned text.

    Remembered for the last few texts: every measure here reads the same text in turn.
    """
    return [(s, [(c, _clean(c.text)) for c in s.chunks]) for s in _sections(text)]


def _sentences(clean: str) -> Iterator[tuple[int, str]]:
    """Each sentence of a chunk's cleaned text with its offset."""
    start = 0
    for m in _SENTENCE_END.finditer(clean):
        # The word before the full stop (the span ends with the stop, never with a space).
        before = clean[start : m.start() + 1].rsplit(None, 1)
        last = before[-1].rstrip('.!?"”’)').lower() if before else ""
        if last in _NO_END or (len(last) == 1 and last.isalpha()):
            continue
        yield start, clean[start : m.end()]
        start = m.end()
    if clean[start:].strip():
        yield start, clean[start:]


def measure(text: str) -> tuple[list[Sentence], list[SectionStats]]:
    """Every sentence of the prose in a Markdown text, and LIX figures per section.

    One pass over the text serves both checks (a region's texts are long).
    """
    found_sentences: list[Sentence] = []
    stats: list[SectionStats] = []
    for section, chunks in _read(text):
        words = sentences_n = long_words = 0
        for chunk, clean in chunks:
            for offset, sentence in _sentences(clean):
                found = _words(sentence)
                if not found:
                    continue
                lead = len(sentence) - len(sentence.lstrip())
                found_sentences.append(Sentence(len(found), *_where(chunk, offset + lead)))
                sentences_n += 1
                words += len(found)
                long_words += sum(
                    1 for w in found if len(w) > LONG_WORD_LETTERS and (w.isalpha() or _long(w))
                )
        line = section.line if section.heading else (section.chunks[0].places[0][1])
        stats.append(SectionStats(section.heading, line, words, sentences_n, long_words))
    return found_sentences, stats


def sentences(text: str) -> list[Sentence]:
    """Every sentence of the prose in a Markdown text."""
    return measure(text)[0]


def section_stats(text: str) -> list[SectionStats]:
    """LIX figures per section of a Markdown text (sections under its top headings)."""
    return measure(text)[1]


def long_sentences(
    text: str, limit: int = MAX_SENTENCE_WORDS, measured: list[Sentence] | None = None
) -> list[Sentence]:
    """The sentences of more than `limit` words (of `measured`, when the text is measured)."""
    return [s for s in (sentences(text) if measured is None else measured) if s.words > limit]


def hard_sections(
    text: str,
    limit: float = MAX_LIX,
    min_words: int = MIN_LIX_WORDS,
    measured: list[SectionStats] | None = None,
) -> list[SectionStats]:
    """The sections long enough to measure whose LIX is above `limit`."""
    stats = section_stats(text) if measured is None else measured
    return [s for s in stats if s.words >= min_words and s.lix > limit]


def explained_terms(glossary: Iterable[str]) -> set[str]:
    """The abbreviations a glossary explains: every abbreviation-like word of its terms."""
    return {m.group(0) for term in glossary for m in _ABBREVIATION.finditer(term)}


def unexplained_abbreviations(text: str, explained: set[str]) -> list[tuple[str, int, int]]:
    """Abbreviations at their first use, when neither the glossary nor the text explains them.

    The text explains one by putting it in parentheses at its first use: "… vård av unga
    (LVU)". Each abbreviation is reported once, where it is first used.
    """
    seen: set[str] = set()
    out: list[tuple[str, int, int]] = []
    for _section, chunks in _read(text):
        for chunk, clean in chunks:
            for m in _ABBREVIATION.finditer(clean):
                word = m.group(0)
                if word in seen or word in explained or word in _WELL_KNOWN:
                    continue
                seen.add(word)
                if _ROMAN.match(word) or word in _NOT_ABBREVIATIONS:
                    continue
                if clean[m.start() - 1 : m.start()] == "(" and clean[m.end() : m.end() + 1] in (
                    ")",
                    ",",
                    ";",
                ):
                    continue
                out.append((word, *_where(chunk, m.start())))
    return out

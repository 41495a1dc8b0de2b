"""Text widths with Calibri's real metrics, for tables whose columns follow their content.

`calibri_widths.json` holds the advance widths of Carlito regular and bold (SIL Open Font
License 1.1; metric-compatible with Calibri, the house font) for Latin-1 and common
typographic characters, extracted by `tools/extract_font_widths.py`. Reading it needs no
font and no font library, so a build measures the same everywhere. Pure.

Widths are whole font units added up per piece of text (a word or a run of white space) and
each piece's sum is remembered: tables of 290 plans repeat the same words, and summing
every character again was a third of rendering a plan's DOCX. Integer sums, so the widths
are exactly those of a character-by-character sum.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources

_WORD_SPLIT = re.compile(r"\s+")
_PIECES = re.compile(r"\S+|\s+")  # the words and the white space between, all of the text
TWIPS_PER_POINT = 20


@cache
def _table() -> tuple[int, dict[str, int], dict[str, int]]:
    raw = resources.files(__package__).joinpath("calibri_widths.json").read_text("utf-8")
    data = json.loads(raw)
    return int(data["units_per_em"]), dict(data["regular"]), dict(data["bold"])


@lru_cache(maxsize=65_536)
def _piece_units(piece: str, bold: bool) -> int:
    """The advance width of `piece` in font units.

    A character the table does not know counts as one em: wider than any Latin letter,
    so a column is never too narrow because of it.
    """
    units_per_em, regular, bold_widths = _table()
    widths = bold_widths if bold else regular
    return sum(widths.get(ch, units_per_em) for ch in piece)


@lru_cache(maxsize=65_536)
def line_units(text: str, bold: bool) -> tuple[int, int]:
    """The widest word of `text` and the whole line without outer white space, in font units."""
    widest = max((_piece_units(w, bold) for w in words(text)), default=0)
    return widest, sum(_piece_units(p, bold) for p in _PIECES.findall(text.strip()))


def twips(units: int, size: float) -> float:
    """Font units as twips at `size` points."""
    return units * size * TWIPS_PER_POINT / _table()[0]


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` on one line, in twips, at `size` points."""
    return twips(sum(_piece_units(p, bold) for p in _PIECES.findall(text)), size)


def words(text: str) -> list[str]:
    """The words of `text` that a line may not break inside (split at white space only)."""
    return [w for w in _WORD_SPLIT.split(text) if w]

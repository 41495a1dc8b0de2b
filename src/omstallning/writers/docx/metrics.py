"""Text widths with Calibri's real metrics, for tables whose columns follow their content.

`calibri_widths.json` holds the advance widths of Carlito regular and bold (SIL Open Font
License 1.1; metric-compatible with Calibri, the house font) for Latin-1 and common
typographic characters, extracted by `tools/extract_font_widths.py`. Reading it needs no
font and no font library, so a build measures the same everywhere. Pure.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_WORD_SPLIT = re.compile(r"\s+")
TWIPS_PER_POINT = 20


@cache
def _table() -> tuple[int, dict[str, int], dict[str, int]]:
    raw = resources.files(__package__).joinpath("calibri_widths.json").read_text("utf-8")
    data = json.loads(raw)
    return int(data["units_per_em"]), dict(data["regular"]), dict(data["bold"])


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` on one line, in twips, at `size` points.

    A character the table does not know counts as one em: wider than any Latin letter,
    so a column is never too narrow because of it.
    """
    units_per_em, regular, bold_widths = _table()
    widths = bold_widths if bold else regular
    units = sum(widths.get(ch, units_per_em) for ch in text)
    return units * size * TWIPS_PER_POINT / units_per_em


def words(text: str) -> list[str]:
    """The words of `text` that a line may not break inside (split at white space only)."""
    return [w for w in _WORD_SPLIT.split(text) if w]


def longest_word_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in twips of the widest word of `text` (0 for none)."""
    return max((text_width(w, size, bold=bold) for w in words(text)), default=0.0)

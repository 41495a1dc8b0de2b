"""Colours of filled table cells: readable text on them, and a pattern for each.

A fill colour is data (the plan's timeline bars), so the text colour on it is chosen here by
the WCAG 2.1 contrast ratio, and each fill also gets a pattern, so that a reader who cannot
tell the colours apart (or prints in greyscale) can still match a bar with the legend.
"""

from __future__ import annotations

import functools
import re

BLACK = "000000"
WHITE = "FFFFFF"
MIN_TEXT_CONTRAST = 4.5  # WCAG 2.1 AA, 1.4.3, normal text

# Patterns drawn in the cell's text colour over its fill, in order of first use. The first
# fill is plain: the patterns tell fills apart, one of them may be the plain one.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("none", "auto"),
    ("repeating-linear-gradient(45deg, currentColor 0 2px, transparent 2px 7px)", "auto"),
    ("repeating-linear-gradient(0deg, currentColor 0 2px, transparent 2px 6px)", "auto"),
    ("radial-gradient(currentColor 1.5px, transparent 2px)", "6px 6px"),
    (
        "repeating-linear-gradient(45deg, currentColor 0 1.5px, transparent 1.5px 6px),"
        " repeating-linear-gradient(-45deg, currentColor 0 1.5px, transparent 1.5px 6px)",
        "auto",
    ),
    ("repeating-linear-gradient(90deg, currentColor 0 2px, transparent 2px 6px)", "auto"),
    ("repeating-linear-gradient(-45deg, currentColor 0 2px, transparent 2px 7px)", "auto"),
)

_HEX = re.compile(r"[0-9A-Fa-f]{6}")


def normal_hex(fill: str) -> str | None:
    """`fill` as six upper-case hex digits, or None when it is no colour."""
    fill = fill.strip().removeprefix("#")
    return fill.upper() if _HEX.fullmatch(fill) else None


def luminance(hex6: str) -> float:
    """Relative luminance of an sRGB colour (WCAG 2.1 definition)."""

    def channel(part: str) -> float:
        c = int(part, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex6[i : i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@functools.lru_cache(maxsize=256)  # a page has a few fills in many cells
def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with `fill` (always at least 4.58:1)."""
    return BLACK if contrast(fill, BLACK) >= contrast(fill, WHITE) else WHITE


class Fills:
    """The fill colours of one page, each with its text colour, pattern and name.

    `names` come from the legend (a table whose only row is empty filled cells under the
    names of the colours); a fill without a name is called by `unnamed`.
    """

    def __init__(self, unnamed: str) -> None:
        self.unnamed = unnamed
        self.order: list[str] = []
        self.names: dict[str, str] = {}

    def add(self, fill: str, name: str | None = None) -> None:
        """Note a fill (once) and, the first time one is given, its name."""
        if fill not in self.order:
            self.order.append(fill)
        if name and fill not in self.names:
            self.names[fill] = name

    def name(self, fill: str) -> str:
        """What a cell of this fill means, for assistive technology and the tooltip."""
        return self.names.get(fill, self.unnamed)

    def pattern_class(self, fill: str) -> str:
        """The CSS class of the fill's pattern (`monster-0`, `monster-1` and so on)."""
        return f"monster-{self.order.index(fill) % len(PATTERNS)}"

    def style(self, fill: str) -> str:
        """The inline style of a cell with this fill."""
        return f"background-color: #{fill}; color: #{text_colour(fill)}"


def pattern_css() -> str:
    """The CSS rules of the patterns, one class each."""
    rules = []
    for i, (image, size) in enumerate(PATTERNS):
        rules.append(
            f".fylld.monster-{i} {{ background-image: {image}; background-size: {size}; }}"
        )
    return "\n".join(rules) + "\n"

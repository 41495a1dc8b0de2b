"""Extract Carlito's advance widths into src/omstallning/writers/docx/calibri_widths.json.

A development tool, run once when the character set changes; the build reads the JSON and
needs no font. Carlito (SIL Open Font License 1.1, https://github.com/googlefonts/carlito)
is metric-compatible with Calibri, the house font.

    pip install --target /tmp/ft fonttools
    PYTHONPATH=/tmp/ft python tools/extract_font_widths.py /usr/share/fonts/truetype/crosextra
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[1] / "src/omstallning/writers/docx/calibri_widths.json"
TYPOGRAPHIC = "‐‑–—‘’‚“”„•…‰‹›€™−≤≥■●✓✗"
CHARS = [chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x100))] + list(TYPOGRAPHIC)


def widths(font_path: Path) -> dict[str, int]:
    """Advance widths in font units of every character in CHARS the font has."""
    font = TTFont(str(font_path))
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    return {ch: metrics[cmap[ord(ch)]][0] for ch in CHARS if ord(ch) in cmap}


def main(folder: str) -> None:
    """Write the JSON file from the Carlito fonts in `folder`."""
    base = Path(folder)
    regular = TTFont(str(base / "Carlito-Regular.ttf"))
    data = {
        "source": "Carlito 1.x (SIL Open Font License 1.1, github.com/googlefonts/carlito), "
        "metric-compatible with Calibri; extracted by tools/extract_font_widths.py",
        "units_per_em": regular["head"].unitsPerEm,
        "regular": widths(base / "Carlito-Regular.ttf"),
        "bold": widths(base / "Carlito-Bold.ttf"),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", "utf-8")


if __name__ == "__main__":
    main(sys.argv[1])

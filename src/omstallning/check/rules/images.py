"""Images in plan texts: each `![alt](src)` names a PNG, JPEG or SVG file inside the repo.

`build` embeds what `load.images` accepts; anything else would silently become its alt
text, so it is an error here (`bild-fel`). An SVG, which Word cannot show without a PNG
copy, or a picture on the web, which is never fetched, is a warning (`bild-lank`).
"""

from __future__ import annotations

from collections.abc import Iterator

from omstallning.check.rules.citations import TextPosition, text_rule
from omstallning.check.rules.registry import E, W
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult


@text_rule
def images(result: LoadResult, texts: Iterator[tuple[str, str, TextPosition]]) -> Iterator[Finding]:
    """Each image of the texts is a PNG, JPEG or SVG file inside the repo."""
    root = result.region.root
    for file, text, where in texts:
        if "![" not in text:
            continue  # no image: no need to parse
        from omstallning.documents.markdown_text import find_images
        from omstallning.load.images import is_remote, load_image

        for src, line, col in find_images(text):
            fline, fcol = where(line, col)
            found, problem = load_image(root, src)
            if found is None:
                code, severity = ("bild-lank", W) if is_remote(src) else ("bild-fel", E)
                yield Finding(file, fline, fcol, code, severity, problem or "", ())
            elif found.kind == "svg":
                yield Finding(
                    file,
                    fline,
                    fcol,
                    "bild-lank",
                    W,
                    f"SVG-bilden ”{src}” visas i Markdown och HTML, men Word-filen får bara "
                    "bildtexten och filens namn. Spara en PNG-kopia och använd den om bilden "
                    "ska synas i Word.",
                    (),
                )

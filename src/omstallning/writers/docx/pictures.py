"""A picture of the body in its paragraph: embedded with its alt text, or named in text.

Word embeds PNG and JPEG. An SVG needs a PNG copy beside it, which the tool cannot draw,
so its alt text and file name stand in (`validate` warns: bild-lank).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.image.exceptions import UnrecognizedImageError

from omstallning.documents.tree import Image
from omstallning.errors import OmstallningError
from omstallning.load import safe_read
from omstallning.writers.docx import body_xml as bx
from omstallning.writers.docx import ooxml

WORD_PICTURES = frozenset({"image/png", "image/jpeg"})


def add_picture(paragraph: Any, image: Image, width: Any) -> None:
    """Put `image` into a python-docx paragraph at `width` (or its alt text and name).

    Raises:
        OmstallningError: the file is damaged (python-docx reads its header only, and a
            damaged one fails in several ways).
    """
    if image.media_type not in WORD_PICTURES:
        paragraph.add_run(bx.clean_text(f"[Bild: {image.alt} ({image.name})]")).italic = True
        return
    try:
        shape = paragraph.add_run().add_picture(io.BytesIO(image.png), width=width)
    except (UnrecognizedImageError, UnicodeDecodeError, ValueError, IndexError) as err:
        raise OmstallningError(f"Bilden ”{image.name}” kan inte visas i Word.") from err
    ooxml.set_picture_alt(shape, bx.clean_text(image.alt))


def logo_bytes(logo: str | None) -> bytes | None:
    """The logo file's bytes (a regular file within `LOGO_BYTES`), None without a logo.

    Raises:
        OmstallningError: it cannot be read; `validate` reports why.
    """
    if not logo or not Path(logo).exists():
        return None
    try:
        return safe_read.read_bytes(Path(logo), safe_read.LOGO_BYTES)
    except OSError as err:
        raise OmstallningError(
            f"Logotypen ”{Path(logo).name}” går inte att läsa: {err.strerror}."
        ) from err

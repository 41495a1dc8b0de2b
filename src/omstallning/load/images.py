"""Images in plan texts (`![Organisation](mall/org.png)`): found, checked and read.

`validate` (rule `bild-fel`, `bild-lank`) and `build` (the picture blocks of a plan) look at
an image here, so the two cannot disagree about which images are fine. A path is relative
to the region's repo and must stay inside it (`paths.resolve_inside`); the file must be a
PNG, JPEG or SVG by its content, of at most `MAX_IMAGE_BYTES`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from omstallning.load import safe_read
from omstallning.load.paths import resolve_inside

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Larger pictures make Word files that e-mail and the case management system refuse."""

MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
_SUFFIXES = {"png": ".png", "jpeg": ".jpg", "svg": ".svg"}
IMAGE_DIR = "bilder"
"""The folder beside a Markdown document that holds copies of its pictures."""


@dataclass(frozen=True)
class ImageFile:
    """A checked image: its bytes, its kind (`png`, `jpeg`, `svg`), and its name in output."""

    data: bytes
    kind: str
    name: str

    @property
    def media_type(self) -> str:
        """The MIME type of the file."""
        return MEDIA_TYPES[self.kind]


def is_remote(src: str) -> bool:
    """Whether an image source is an address on the web (never fetched)."""
    return "://" in src or src.startswith(("data:", "//"))


def _png_is_whole(data: bytes) -> bool:
    """Whether a PNG's chunks are whole up to IEND (a cut or damaged file is not)."""
    at = 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        if not kind.isalpha() or not kind.isascii():
            return False
        at += 12 + length
        if kind == b"IEND":
            return at <= len(data)
    return False


def image_kind(data: bytes) -> str | None:
    """`png`, `jpeg` or `svg` from the file's content; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png" if _png_is_whole(data) else None
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in head:
        return "svg"
    return None


def width_cm(data: bytes, kind: str, most: float = 16.0) -> float:
    """The picture's width on the page: its own at 96 dpi (PNG), at most `most` cm."""
    if kind == "png" and len(data) >= 24:
        pixels = int.from_bytes(data[16:20], "big")
        if pixels > 0:
            return min(most, round(pixels / 96 * 2.54, 2))
    return most


def output_name(src: str, data: bytes, kind: str) -> str:
    """`bilder/org-1a2b3c4d.png`: the stem of the source and a hash of the content.

    The same picture gets the same name in every plan; two pictures with the same file
    name in different folders do not overwrite each other.
    """
    stem = "".join(
        c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in PurePosixPath(src).stem
    ).strip("-")
    digest = hashlib.sha256(data).hexdigest()[:8]
    return f"{IMAGE_DIR}/{stem or 'bild'}-{digest}{_SUFFIXES[kind]}"


def load_image(root: Path, src: str) -> tuple[ImageFile | None, str | None]:
    """Read and check the image a plan text names.

    Returns:
        The image, or None and a Swedish explanation of what is wrong and how to fix it.
    """
    if is_remote(src):
        return None, (
            f"Bilden ”{src}” ligger på webben och bäddas inte in (verktyget hämtar inget). "
            "Spara den i repot, t.ex. i mappen mall/, och ange sökvägen relativt repot."
        )
    relative = unquote(src)
    path, problem = resolve_inside(root, relative)
    if path is None:
        return None, problem
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return None, (
                f"Bilden ”{relative}” är {size / 1024 / 1024:.1f} MB; högst "
                f"{MAX_IMAGE_BYTES // 1024 // 1024} MB går. Spara den mindre (t.ex. 1600 "
                "bildpunkter bred)."
            )
        data = safe_read.read_bytes(path, MAX_IMAGE_BYTES)
    except OSError:
        return None, f"Bilden ”{relative}” går inte att läsa. Kontrollera filen."
    kind = image_kind(data)
    if kind is None:
        return None, (
            f"”{relative}” är ingen PNG-, JPEG- eller SVG-bild. Spara bilden som PNG "
            "(eller JPEG eller SVG) och ange den filen."
        )
    return ImageFile(data, kind, output_name(relative, data, kind)), None

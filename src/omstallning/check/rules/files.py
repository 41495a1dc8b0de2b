"""omstallning.yaml's own consistency: the period, the Word template, the logo, section ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from omstallning.check.rules.registry import E, at, rule
from omstallning.findings import Finding
from omstallning.load import safe_read
from omstallning.load.loader import (
    CONFIG_FILE,
    GLOSSARY_FILE,
    SOURCES_FILE,
    LoadResult,
)
from omstallning.load.ooxml_check import template_problems
from omstallning.load.paths import resolve_inside


@rule
def config_consistency(result: LoadResult) -> Iterator[Finding]:
    """The period runs forward; the template and logo are safe, real files."""
    if not result.config_ok:
        return
    cfg = result.region.config
    sm = result.maps.get(CONFIG_FILE)
    if cfg.plan.period.end < cfg.plan.period.start:
        yield at(
            sm,
            CONFIG_FILE,
            ("plan", "period", "slut"),
            "slut-fore-start",
            E,
            f"Planperioden slutar ({cfg.plan.period.end}) före den börjar "
            f"({cfg.plan.period.start}). Byt plats på åren.",
        )
    root = result.region.root
    if cfg.export.template:
        problem = check_template(root, cfg.export.template)
        if problem:
            yield at(sm, CONFIG_FILE, ("export", "mall"), "mall-fel", E, problem)
    if cfg.export.logo:
        problem = check_logo(root, cfg.export.logo)
        if problem:
            yield at(sm, CONFIG_FILE, ("export", "logotyp"), "logotyp-fel", E, problem)
    for i, section_id in enumerate(cfg.requirements.sections):
        if not re.fullmatch(r"[a-z0-9_]+", section_id):
            yield at(
                sm,
                CONFIG_FILE,
                ("krav", "avsnitt", i),
                "ogiltigt-varde",
                E,
                f"”{section_id}” är inget giltigt avsnitts-id. Använd små bokstäver a–z, "
                "siffror och _ (t.ex. vagen_framat).",
            )


@rule
def odd_files(result: LoadResult) -> Iterator[Finding]:
    """A shared file (begrepp.yaml, kallor.yaml) that is no regular file."""
    root = result.region.root
    for name in (GLOSSARY_FILE, SOURCES_FILE):
        path = root / name
        if (path.exists() or path.is_symlink()) and not safe_read.is_regular(path):
            yield Finding(
                name,
                0,
                0,
                "oläsbar",
                E,
                f"{name} är ingen vanlig fil (utan en mapp, en pipe, en enhet eller en "
                "länk till en sådan) och läses inte. Ersätt den med en vanlig textfil eller "
                "ta bort den.",
            )
    # A `kommuner` that is no folder: check.validate.folder_problems reports it.


def check_template(root: Path, relative: str) -> str | None:
    """Why a Word template cannot be used, or None when it can (`template_problems`)."""
    path, problem = resolve_inside(root, relative)
    if path is None:
        return problem
    suffix = path.suffix.lower()
    if suffix in (".docm", ".dotm"):
        return (
            f"Mallen ”{relative}” är makroaktiverad ({suffix}). Spara den i Word som "
            "Word-dokument (.docx) eller Word-mall (.dotx) utan makron."
        )
    if suffix not in (".docx", ".dotx"):
        return f"Mallen ”{relative}” ska vara en Word-fil (.docx eller .dotx)."
    try:
        data = safe_read.read_bytes(path, safe_read.TEMPLATE_BYTES)
    except OSError as err:
        return f"Mallen ”{relative}” går inte att läsa: {err.strerror}."
    problems = template_problems(data)
    if problems:
        more = f" (och {len(problems) - 1} problem till)" if len(problems) > 1 else ""
        return (
            f"Mallen ”{relative}” {problems[0]}{more}. Öppna den i Word och spara den som "
            "Word-dokument (.docx) eller Word-mall (.dotx), eller ta bort export.mall."
        )
    return None


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
MAX_IMAGE_PIXELS = 10000


def check_logo(root: Path, relative: str) -> str | None:
    """Why a logo cannot be used, or None when it can."""
    path, problem = resolve_inside(root, relative)
    if path is None:
        return problem
    try:
        data = safe_read.read_bytes(path, safe_read.LOGO_BYTES)
    except OSError as err:
        return f"Logotypen ”{relative}” går inte att läsa: {err.strerror}."
    return image_problem(data, relative)


def image_problem(data: bytes, relative: str) -> str | None:
    """Why the image `data` cannot be a logo: no PNG/JPEG/GIF, damaged, odd dimensions."""
    if not data.startswith(_IMAGE_MAGIC):
        return (
            f"”{relative}” är ingen bild i PNG-, JPEG- eller GIF-format. Spara logotypen som PNG."
        )
    size = image_size(data)
    if size is None:
        return (
            f"Logotypen ”{relative}” är skadad eller avkortad och går inte att läsa som bild. "
            "Spara om den som PNG."
        )
    width, height = size
    if not (1 <= width <= MAX_IMAGE_PIXELS and 1 <= height <= MAX_IMAGE_PIXELS):
        return (
            f"Logotypen ”{relative}” är {width} × {height} bildpunkter; den ska vara mellan 1 "
            f"och {MAX_IMAGE_PIXELS} bildpunkter åt varje håll. Spara om den i rimlig storlek."
        )
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """The image's width and height in pixels, as the DOCX writer reads them; None if damaged.

    python-docx's own parser (the one `build` uses) walks the PNG chunks or JPEG markers;
    whatever it raises on a hostile file means the image is damaged.
    """
    from docx.image.image import Image

    try:
        image = Image.from_blob(data)
        width, height = int(image.px_width), int(image.px_height)
        image.horz_dpi, image.vert_dpi  # noqa: B018 - parsed lazily, may raise too
    except Exception:  # noqa: BLE001 - any failure of the parser on untrusted bytes
        return None
    return width, height

"""omstallning.yaml's own consistency: the period, the Word template, the logo, section ids."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from omstallning.check.rules.registry import E, at, rule
from omstallning.findings import Finding
from omstallning.load.loader import CONFIG_FILE, LoadResult
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


def check_template(root: Path, relative: str) -> str | None:
    """Why a Word template cannot be used, or None when it can."""
    path, problem = resolve_inside(root, relative)
    if path is None:
        return problem
    if path.suffix.lower() not in (".docx", ".dotx"):
        return f"Mallen ”{relative}” ska vara en Word-fil (.docx eller .dotx)."
    try:
        with zipfile.ZipFile(path) as zf:
            types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
            zf.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return (
            f"”{relative}” är ingen giltig Word-fil. Öppna den i Word och spara den som "
            "Word-dokument (.docx) eller Word-mall (.dotx)."
        )
    if "wordprocessingml" not in types:
        return f"”{relative}” är en Office-fil men inget Word-dokument."
    return None


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def check_logo(root: Path, relative: str) -> str | None:
    """Why a logo cannot be used, or None when it can."""
    path, problem = resolve_inside(root, relative)
    if path is None:
        return problem
    try:
        head = path.read_bytes()[:8]
    except OSError:
        return f"Logotypen ”{relative}” går inte att läsa."
    if not head.startswith(_IMAGE_MAGIC):
        return (
            f"”{relative}” är ingen bild i PNG-, JPEG- eller GIF-format. Spara logotypen som PNG."
        )
    return None

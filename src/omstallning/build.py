"""Build each municipality's plan as DOCX and/or Markdown, atomically.

Everything is rendered in memory first and written only when every document rendered, so a
failure halfway leaves the previous output exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble_plan
from .errors import OmstallningError
from .model import EXPORT_FORMATS, MunicipalityEntry, Region
from .rules import resolve_inside
from .writing import write_files_atomic

Progress = Callable[[str], None]


class UnknownMunicipalityError(OmstallningError):
    """`--kommun` named a municipality that has no file in the region."""


@dataclass(frozen=True)
class BuiltFile:
    """One output file and the municipality it belongs to."""

    path: Path
    slug: str
    format: str


def select_municipalities(region: Region, slugs: Sequence[str]) -> list[MunicipalityEntry]:
    """The municipalities to build: all, or those named (by slug or name).

    Raises:
        UnknownMunicipalityError: a name matches no file.
    """
    if not slugs:
        return list(region.municipalities)
    from .kommuner import slugify

    chosen: list[MunicipalityEntry] = []
    for wanted in slugs:
        entry = region.municipality(wanted) or region.municipality(slugify(wanted))
        if entry is None:
            known = ", ".join(m.slug for m in region.municipalities) or "inga"
            raise UnknownMunicipalityError(
                f"Regionen har ingen kommun ”{wanted}”. Kommuner i regionen: {known}."
            )
        if entry not in chosen:
            chosen.append(entry)
    return chosen


def render_plan(region: Region, entry: MunicipalityEntry, fmt: str) -> bytes:
    """One municipality's plan in one format, as bytes."""
    document = assemble_plan(region, entry)
    if fmt == "md":
        from .render_markdown import render_markdown

        return render_markdown(document).encode("utf-8")
    from .render_docx import render_docx

    template = None
    if region.config.export.template:
        template, _problem = resolve_inside(region.root, region.config.export.template)
    return render_docx(document, template=template)


def build_plans(
    region: Region,
    entries: Sequence[MunicipalityEntry],
    formats: Sequence[str],
    out_dir: Path,
    progress: Progress | None = None,
) -> list[BuiltFile]:
    """Render every chosen plan, then write them all; returns the files written."""
    rendered: list[tuple[BuiltFile, bytes]] = []
    for entry in entries:
        for fmt in formats:
            if fmt not in EXPORT_FORMATS:
                raise OmstallningError(f"Okänt format ”{fmt}”. Välj docx eller md.")
            data = render_plan(region, entry, fmt)
            rendered.append((BuiltFile(out_dir / f"{entry.slug}.{fmt}", entry.slug, fmt), data))
        if progress:
            progress(entry.slug)
    # All files reach the disk before any is renamed into place: a full disk halfway
    # leaves every earlier output as it was.
    write_files_atomic([(built.path, data) for built, data in rendered])
    return [b for b, _ in rendered]

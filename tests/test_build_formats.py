"""`build --format html`: the site in build/html/, in the build's one batch and manifest."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands.build import MANIFEST_FILE, build_plans, render_formats
from omstallning.commands.site import site_files
from omstallning.commands.status import region_status
from omstallning.documents import DOCUMENT_KINDS
from omstallning.errors import OmstallningError

from .conftest import EXAMPLE

DAY = dt.date(2026, 3, 2)
SLUGS = ["astorp", "klippan", "orkelljunga"]


@pytest.fixture
def region_copy(tmp_path: Path) -> Path:
    root = tmp_path / "region"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build"))
    return root


def _built(root: Path, formats: list[str], *, summary: bool, slugs: list[str] | None = None):  # type: ignore[no-untyped-def]
    result, findings = validate_region(root)
    region = result.region
    status = region_status(result, findings, DAY)
    entries = [e for e in region.municipalities if slugs is None or e.slug in slugs]
    built = build_plans(
        region,
        entries,
        formats,
        root / "build",
        status=status if summary else None,
        site_status=status,
    )
    return region, status, built


def test_html_writes_the_site_with_the_same_pages_as_site_files(region_copy: Path) -> None:
    region, status, built = _built(region_copy, ["html", "md"], summary=True)
    out = region_copy / "build"
    names = sorted(str(b.path.relative_to(out)) for b in built)
    assert names == sorted(
        [f"{s}.md" for s in SLUGS]
        + [f"html/{s}.html" for s in SLUGS]
        + ["sammanstallning.md", "html/sammanstallning.html", "html/index.html"]
    )
    plans = {e.slug: DOCUMENT_KINDS["plan"].assemble_for(region, e) for e in region.municipalities}
    summary = DOCUMENT_KINDS["sammanstallning"].assemble_region(region, status)
    for name, data in site_files(region, plans, summary, status):
        assert (out / name).read_bytes() == data, name
    manifest = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))["files"]
    assert {"html/index.html", "html/klippan.html", "html/sammanstallning.html"} <= set(manifest)


def test_html_pages_that_did_not_change_are_not_written_again(region_copy: Path) -> None:
    _built(region_copy, ["html"], summary=False)
    _, _, again = _built(region_copy, ["html"], summary=False)
    skipped = {str(b.path.name): b.skipped for b in again}
    assert skipped == {"astorp.html": True, "klippan.html": True, "orkelljunga.html": True,
                       "index.html": False}  # fmt: skip


def test_a_partial_html_build_keeps_the_other_pages_linked(region_copy: Path) -> None:
    _built(region_copy, ["html"], summary=False)
    _built(region_copy, ["html"], summary=False, slugs=["klippan"])
    site = region_copy / "build" / "html"
    assert sorted(p.name for p in site.iterdir()) == [
        "astorp.html",
        "index.html",
        "klippan.html",
        "orkelljunga.html",
    ]
    index = (site / "index.html").read_text(encoding="utf-8")
    for slug in SLUGS:
        assert f'href="{slug}.html"' in index


def test_the_site_of_a_removed_municipality_is_removed(region_copy: Path) -> None:
    _built(region_copy, ["html"], summary=False)
    (region_copy / "kommuner" / "astorp.yaml").unlink()
    _built(region_copy, ["html"], summary=False)
    assert not (region_copy / "build" / "html" / "astorp.html").exists()
    assert "astorp.html" not in (region_copy / "build" / "html" / "index.html").read_text("utf-8")


def test_pdf_is_rendered_from_docx_and_formats_are_checked() -> None:
    assert render_formats(["pdf"]) == ["docx"]
    assert render_formats(["md", "pdf"]) == ["docx", "md"]
    assert render_formats(["docx", "pdf", "html"]) == ["docx", "html"]
    with pytest.raises(OmstallningError, match="Okänt format ”odt”"):
        render_formats(["odt"])

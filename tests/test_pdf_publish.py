"""The example region's plans through the real LibreOffice: tagged, identified, with a TOC."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from omstallning.publish.libreoffice import (
    LibreOfficeMissingError,
    Result,
    convert_to_pdf,
    raise_for_failures,
    require_libreoffice,
)
from omstallning.publish.pdf_check import check_pdf, inspect_pdf

from .conftest import EXAMPLE

SLUGS = ["astorp", "klippan", "orkelljunga"]


def _missing() -> str | None:
    try:
        require_libreoffice()
    except LibreOfficeMissingError as exc:
        return str(exc)
    return None


missing = _missing()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        missing is not None,
        reason=f"LibreOffice with a Python that has uno is needed: {missing}",
    ),
]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    region = tmp_path_factory.mktemp("pdf") / "region"
    shutil.copytree(EXAMPLE, region, ignore=shutil.ignore_patterns("build"))
    subprocess.run(
        [sys.executable, "-m", "omstallning", "build", str(region), "--format", "docx"],
        check=True,
        capture_output=True,
    )
    pairs = [(region / "build" / f"{s}.docx", region / "pdf" / f"{s}.pdf") for s in SLUGS]
    results = convert_to_pdf(pairs, jobs=2, timeout=180, headings=True)
    raise_for_failures(results)
    return results


def test_every_plan_is_tagged_swedish_titled_and_claims_pdfua_and_pdfa(
    converted: list[Result],
) -> None:
    for result in converted:
        assert result.target is not None and result.pages > 10
        assert check_pdf(result.target) == [], result.target.name


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler (pdftotext) is not installed")
def test_table_of_contents_has_the_heading_pages(converted: list[Result]) -> None:
    for result in converted:
        assert result.target is not None
        text = subprocess.run(
            ["pdftotext", "-f", "2", "-l", "4", str(result.target), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        toc = {
            m.group(1).strip(): int(m.group(2))
            for m in re.finditer(r"^(.+?)\.{3,}\s*(\d+)$", text, re.MULTILINE)
        }
        top = [(text_, page) for level, text_, page in result.headings if level == 1]
        assert len(top) >= 10, result.headings
        for heading, page in top:
            assert toc.get(heading) == page, f"{result.target.name}: {heading!r}"


def test_the_bookmarks_give_the_pages_libreoffice_laid_the_headings_on(
    converted: list[Result],
) -> None:
    # The build reads the pages for the DOCX's table of contents from the bookmarks instead
    # of asking LibreOffice for each heading.
    for result in converted:
        assert result.target is not None
        problems, outline = inspect_pdf(result.target)
        assert problems == []
        normalised = [(level, " ".join(text.split()), page) for level, text, page in outline]
        assert normalised == [
            (level, " ".join(text.split()), page) for level, text, page in result.headings
        ]


def test_pdfs_are_written_in_place_without_temporary_files(converted: list[Result]) -> None:
    folder = converted[0].target.parent if converted[0].target else None
    assert folder is not None
    assert sorted(p.name for p in folder.iterdir()) == [f"{s}.pdf" for s in SLUGS]

"""The bundled example region: it validates clean, its output matches the reviewed goldens,
and LibreOffice (a real reader) opens every plan."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from omstallning.check.validate import validate_region
from omstallning.model import INTRO_PARTS

from .conftest import EXAMPLE

GOLDEN = Path(__file__).parent / "golden"
SLUGS = ["astorp", "klippan", "orkelljunga"]


def docx_outline(path: Path) -> str:
    """One line per heading and table, in document order: what a reader navigates by."""
    document = docx.Document(str(path))
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            header = [c.text.replace("\n", " ") for c in block.rows[0].cells]
            lines.append(f"Table {len(block.rows)}x{len(block.columns)} | " + " | ".join(header))
        else:
            name = block.style.name if block.style is not None else ""
            if name.startswith(("Heading", "Title", "Caption", "TOC Heading")):
                lines.append(f"{name} | {block.text}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from omstallning.commands.build import build_plans
    from omstallning.load.loader import load_region

    out = tmp_path_factory.mktemp("example")
    region = load_region(EXAMPLE).region
    build_plans(region, region.municipalities, ["docx", "md"], out)
    return out


def test_example_validates_without_findings() -> None:
    _, findings = validate_region(EXAMPLE)
    assert findings == [], "\n".join(map(str, findings))


def test_example_is_rich_enough() -> None:
    region = validate_region(EXAMPLE)[0].region
    assert [m.slug for m in region.municipalities] == SLUGS
    # One decided plan shows the decision data; the others stay examples (drafts).
    assert {m.slug: m.plan.status for m in region.municipalities}["klippan"] == "beslutad"
    for m in region.municipalities:
        assert m.plan.status == ("beslutad" if m.slug == "klippan" else "exempel")
        assert len(m.plan.goals) >= 3 and all(g.indicators for g in m.plan.goals)
        assert len(m.plan.activities) >= 8
        assert len(m.plan.interventions) >= 10 and len({i.area for i in m.plan.interventions}) >= 4
        assert m.plan.collaboration


@pytest.mark.parametrize("slug", SLUGS)
def test_markdown_matches_golden(built: Path, slug: str, update_golden: bool) -> None:
    _compare(
        GOLDEN / f"{slug}.md", (built / f"{slug}.md").read_text(encoding="utf-8"), update_golden
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_docx_outline_matches_golden(built: Path, slug: str, update_golden: bool) -> None:
    _compare(GOLDEN / f"{slug}.docx.txt", docx_outline(built / f"{slug}.docx"), update_golden)


def _compare(golden: Path, actual: str, update: bool) -> None:
    if update:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run pytest --update-golden and review it"
    assert actual == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; if the change is intended, run pytest --update-golden "
        "and review the diff"
    )


soffice = shutil.which("soffice") or shutil.which("libreoffice")
pdftotext = shutil.which("pdftotext")


@pytest.mark.slow
@pytest.mark.skipif(
    not (soffice and pdftotext),
    reason="LibreOffice (soffice) and poppler (pdftotext) are not installed; "
    ".ci/run installs them when it runs as root",
)
def test_libreoffice_opens_every_example_plan(built: Path, tmp_path: Path) -> None:
    region = validate_region(EXAMPLE)[0].region
    profile = tmp_path / "lo-profile"
    docs = [str(built / f"{slug}.docx") for slug in SLUGS]
    proc = subprocess.run(
        [
            str(soffice),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *docs,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for m in region.municipalities:
        pdf = tmp_path / f"{m.slug}.pdf"
        assert pdf.is_file(), proc.stdout + proc.stderr
        text = subprocess.run(
            [str(pdftotext), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = " ".join(text.split())
        assert m.plan.name in flat
        for part in region.ordered_intro():
            assert part.title in flat, part.title
        assert m.plan.goals[0].title.split()[0] in flat
        assert "Sida 2 av" in flat
        pages = text.count("\f")
        assert 15 <= pages <= 80, pages
    assert set(INTRO_PARTS) <= {p.id for p in region.intro_parts}

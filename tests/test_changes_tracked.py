"""The plan's DOCX with the differences to an earlier version as Word tracked changes."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from omstallning.commands.compare import prepare_comparison, tracked_plan
from omstallning.load.loader import load_region
from tests.changes_repo import make_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def tracked(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1764806400")
        repo = make_repo(tmp_path_factory.mktemp("tracked") / "region")
        region = load_region(repo).region
        comparison = prepare_comparison(region, "v1", region.municipalities)
        return tracked_plan(region, region.municipalities[0], comparison)


def body(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def texts(root: etree._Element, tag: str) -> list[str]:
    return ["".join(e.itertext(f"{W}t", f"{W}delText")) for e in root.iter(f"{W}{tag}")]


def test_insertions_and_deletions_are_tracked_changes(tracked: bytes) -> None:
    root = body(tracked)
    inserted, deleted = texts(root, "ins"), texts(root, "del")
    # Word by word inside a changed paragraph (a goal's title, the introduction) ...
    assert "barn " in inserted and "den 1 " in inserted
    # ... in a changed table cell ...
    assert "Verksamhetschef" in inserted and "Enhetschef" in deleted
    # ... whole paragraphs and table rows, and the shared introduction.
    assert any("Jämlikt stöd" in t for t in inserted)
    assert any("Ett mål som tas bort" in t for t in deleted)
    # A moved section: removed where it was, inserted where it is.
    assert "Vi har en mottagning för barn och familjer." in deleted
    assert "Vi har en ny mottagning för barn, unga och familjer." in inserted
    # Removed text is w:delText, never w:t.
    for mark in root.iter(f"{W}del"):
        assert mark.find(f".//{W}t") is None


def test_revisions_carry_author_date_and_unique_ids(tracked: bytes) -> None:
    root = body(tracked)
    marks = [*root.iter(f"{W}ins"), *root.iter(f"{W}del")]
    assert marks
    assert {m.get(f"{W}author") for m in marks} == {"omstallning"}
    assert {m.get(f"{W}date") for m in marks} == {"2025-12-04T00:00:00Z"}
    ids = [m.get(f"{W}id") for m in marks]
    bookmark_ids = {b.get(f"{W}id") for b in root.iter(f"{W}bookmarkStart")}
    assert len(ids) == len(set(ids)) and not set(ids) & bookmark_ids


def test_revisions_sit_where_word_expects_them(tracked: bytes) -> None:
    root = body(tracked)
    for mark in [*root.iter(f"{W}ins"), *root.iter(f"{W}del")]:
        parent = etree.QName(mark.getparent()).localname
        if parent in ("rPr", "trPr"):  # a paragraph mark or a table row
            assert len(mark) == 0
            continue
        assert parent in ("p", "hyperlink")
        assert [etree.QName(c).localname for c in mark] and all(
            etree.QName(c).localname == "r" for c in mark
        )


def test_python_docx_opens_it(tracked: bytes) -> None:
    document = docx.Document(io.BytesIO(tracked))
    assert any("Klippan" in p.text for p in document.paragraphs)


def test_the_same_versions_give_the_same_bytes(tracked: bytes, tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1764806400")
        repo = make_repo(tmp_path / "region")
        region = load_region(repo).region
        comparison = prepare_comparison(region, "v1", region.municipalities)
        assert tracked_plan(region, region.municipalities[0], comparison) == tracked


soffice = shutil.which("soffice") or shutil.which("libreoffice")
pdftotext = shutil.which("pdftotext")


@pytest.mark.slow
@pytest.mark.skipif(not (soffice and pdftotext), reason="LibreOffice or pdftotext is missing")
def test_libreoffice_shows_the_changes(tracked: bytes, tmp_path: Path) -> None:
    source = tmp_path / "klippan-sparade-andringar.docx"
    source.write_bytes(tracked)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [str(soffice), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    text = subprocess.run(
        [str(pdftotext), "-layout", str(tmp_path / "klippan-sparade-andringar.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    # LibreOffice shows both sides of a tracked change: the deleted and the inserted words.
    assert "Enhetschef" in text and "Verksamhetschef" in text
    assert "Ett mål som tas bort" in text and "Jämlikt stöd" in text

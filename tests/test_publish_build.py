"""`build --format pdf` without LibreOffice: how failures and check problems reach the user."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from omstallning.commands.build import build_plans
from omstallning.errors import OmstallningError
from omstallning.load.loader import load_region
from omstallning.publish import libreoffice, pdf_check
from omstallning.publish.libreoffice import PdfConversionError, Result

from .conftest import EXAMPLE


@pytest.fixture
def region_copy(tmp_path: Path) -> Path:
    root = tmp_path / "region"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build"))
    return root


def _fake_converter(fail: str | None = None):  # type: ignore[no-untyped-def]
    def convert(
        pairs: Sequence[tuple[Path, Path]],
        on_result: libreoffice.OnResult | None = None,
        **_kwargs: object,
    ) -> list[Result]:
        results = []
        for src, dst in pairs:
            if fail and fail in src.name:
                results.append(Result(src, dst, f"{src.name}: LibreOffice svarade inte"))
            else:
                dst.write_bytes(b"%PDF-1.7 fake " + src.name.encode())
                results.append(Result(src, dst, pages=3))
            if on_result is not None:
                on_result(len(results) - 1, results[-1])
        return results

    return convert


def _fake_inspect(bad: str | None = None):  # type: ignore[no-untyped-def]
    """`pdf_check.inspect_pdf`: a problem in the PDF named `bad`, one heading on page 3."""

    def inspect(path: Path) -> tuple[list[str], list[tuple[int, str, int]]]:
        problems = ["PDF:en är inte taggad."] if path.name == bad else []
        return problems, [(1, "Sammanfattning", 3)]

    return inspect


def test_a_pdf_that_fails_the_check_is_an_error_naming_the_file(
    region_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(libreoffice, "convert_to_pdf", _fake_converter())
    monkeypatch.setattr(pdf_check, "inspect_pdf", _fake_inspect("klippan.pdf"))
    region = load_region(region_copy).region
    with pytest.raises(OmstallningError) as caught:
        build_plans(region, region.municipalities, ["pdf"], region_copy / "build")
    message = str(caught.value)
    assert "klippan.pdf: PDF:en är inte taggad." in message
    assert "astorp" not in message
    # Everything is written; the bad PDF is not recorded, so the next build checks it again.
    assert (region_copy / "build" / "klippan.docx").is_file()
    manifest = (region_copy / "build" / ".omstallning-cache.json").read_text(encoding="utf-8")
    assert '"astorp.pdf"' in manifest and '"klippan.pdf"' not in manifest


def test_a_conversion_that_fails_names_the_plan(
    region_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(libreoffice, "convert_to_pdf", _fake_converter(fail="orkelljunga"))
    monkeypatch.setattr(pdf_check, "inspect_pdf", _fake_inspect())
    region = load_region(region_copy).region
    with pytest.raises(PdfConversionError, match="orkelljunga.docx: LibreOffice svarade inte"):
        build_plans(region, region.municipalities, ["pdf"], region_copy / "build")
    assert (region_copy / "build" / "klippan.pdf").is_file()
    assert not (region_copy / "build" / "orkelljunga.pdf").exists()


def test_the_docx_with_pages_are_on_disk_as_they_come_and_an_interrupt_leaves_none(
    region_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each DOCX with its pages is staged beside its target as soon as it is made (a region's
    # 290 of them are not held in memory); stopped halfway, no staged file and no new DOCX.
    out = region_copy / "build"
    staged_seen: list[list[str]] = []
    real = _fake_converter()

    def convert(pairs: Sequence[tuple[Path, Path]], on_result: libreoffice.OnResult | None = None,
                **kwargs: object) -> list[Result]:  # fmt: skip
        def seen(index: int, result: Result) -> None:
            assert on_result is not None
            on_result(index, result)
            staged_seen.append(sorted(p.name for p in out.glob(".*.docx.*")))
            if index == 1:
                raise KeyboardInterrupt

        return real(pairs, on_result=seen, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(libreoffice, "convert_to_pdf", convert)
    monkeypatch.setattr(pdf_check, "inspect_pdf", _fake_inspect())
    region = load_region(region_copy).region
    build_plans(region, region.municipalities, ["docx"], out)
    before = {p.name: p.read_bytes() for p in out.glob("*.docx")}
    with pytest.raises(KeyboardInterrupt):
        build_plans(region, region.municipalities, ["pdf"], out, force=True)
    assert [len(names) for names in staged_seen] == [1, 2]  # one more on disk per result
    assert not [p.name for p in out.iterdir() if p.name.startswith(".") and "docx" in p.name]
    assert {p.name: p.read_bytes() for p in out.glob("*.docx")} == before

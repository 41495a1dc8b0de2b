"""`omstallning build`: refuses bad input, writes atomically and deterministically, and the
DOCX and Markdown of one plan tell the same story."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from markdown_it import MarkdownIt

from omstallning.commands import build_render
from omstallning.errors import OutputError

from .conftest import KLIPPAN, documents

Run = Callable[..., Any]


def docx_headings(path: Path) -> list[tuple[int, str]]:
    document = docx.Document(str(path))
    out = []
    for p in document.paragraphs:
        name = p.style.name if p.style is not None else ""
        if name.startswith("Heading "):
            out.append((int(name.split()[1]), p.text))
    return out


def md_headings(text: str) -> list[tuple[int, str]]:
    """The headings of a plan's Markdown below its title (the one H1), at the DOCX's levels."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text.split("\n---\n", 1)[1])
    out = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            out.append((int(tok.tag[1]), tokens[i + 1].content))
    assert [level for level, _ in out].count(1) == 1 and out[0][0] == 1, out[:3]
    return [(level - 1, title) for level, title in out[1:]]


def test_build_writes_docx_and_md_per_municipality(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    root = make_region()
    result = run_cli("build", str(root))
    assert result.exit_code == 0, result.output
    assert documents(root / "build") == ["klippan.docx", "klippan.md"]
    assert "Skrev 2 filer" in result.stdout


def test_build_refuses_input_with_errors_and_writes_nothing(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    root = make_region(kommun=KLIPPAN.replace("mål: [M1]", "mål: [M9]"))
    result = run_cli("build", str(root))
    assert result.exit_code == 1
    assert "okant-mal" in result.stderr and "Inget byggdes" in result.stderr
    assert not (root / "build").exists()


def test_only_the_named_municipality_and_format(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    root = make_region(
        kommuner__bjuv_DOT_yaml=KLIPPAN.replace("Klippan", "Bjuv").replace('"1276"', '"1260"')
    )
    result = run_cli(
        "build", str(root), "--kommun", "bjuv", "--format", "md", "--out", str(root / "ut")
    )
    assert result.exit_code == 0, result.output
    assert documents(root / "ut") == ["bjuv.md"]
    unknown = run_cli("build", str(root), "--kommun", "lund")
    assert unknown.exit_code == 1 and "Regionen har ingen kommun ”lund”" in unknown.stderr


def test_builds_are_byte_identical(
    make_region: Callable[..., Path], run_cli: Run, tmp_path: Path
) -> None:
    root = make_region()
    run_cli("build", str(root), "--out", str(tmp_path / "a"))
    run_cli("build", str(root), "--out", str(tmp_path / "b"))
    for name in ("klippan.docx", "klippan.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_source_date_epoch_sets_zip_and_core_dates(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    root = make_region()
    run_cli(
        "build", str(root), "--format", "docx", env={"SOURCE_DATE_EPOCH": "1767225600"}
    )  # 2026-01-01
    path = root / "build" / "klippan.docx"
    with zipfile.ZipFile(path) as zf:
        assert {i.date_time[:3] for i in zf.infolist()} == {(2026, 1, 1)}
    props = docx.Document(str(path)).core_properties
    assert props.created is not None and props.created.year == 2026


def test_a_render_that_fails_halfway_leaves_earlier_output_untouched(
    make_region: Callable[..., Path], run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_region(
        kommuner__bjuv_DOT_yaml=KLIPPAN.replace("Klippan", "Bjuv").replace('"1276"', '"1260"')
    )
    assert run_cli("build", str(root)).exit_code == 0
    before = {p.name: p.read_bytes() for p in (root / "build").iterdir() if p.is_file()}
    (root / "kommuner" / "klippan.yaml").write_text(
        KLIPPAN.replace("Nuläget", "Nytt nuläge"), encoding="utf-8"
    )
    real = build_render.render_formats_of

    def failing(region: Any, entry: Any, kind: str, fmts: Any, options: Any = None) -> Any:
        if entry.slug == "klippan" and "docx" in fmts:
            raise OutputError("simulerat fel")
        return real(region, entry, kind, fmts, options)

    monkeypatch.setattr(build_render, "render_formats_of", failing)
    result = run_cli("build", str(root))
    assert result.exit_code == 1
    after = {p.name: p.read_bytes() for p in (root / "build").iterdir() if p.is_file()}
    assert after == before  # nothing half-written, no temporary files left


def test_write_failure_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from omstallning.writers import files as writing

    target = tmp_path / "out" / "plan.docx"
    writing.write_bytes_atomic(target, b"old")

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match="disken är full"):
        writing.write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["plan.docx"]


def test_docx_and_markdown_have_the_same_headings(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    root = make_region()
    assert run_cli("build", str(root)).exit_code == 0
    docx_seq = docx_headings(root / "build" / "klippan.docx")
    md_seq = md_headings((root / "build" / "klippan.md").read_text(encoding="utf-8"))
    assert docx_seq == md_seq
    assert [t for lvl, t in docx_seq if lvl == 1][:6] == [
        "Sammanfattning",
        "Inledning och syfte",
        "Den nya socialtjänstlagen",
        "Angränsande lagstiftning",
        "Tidiga insatser",
        "Nuläge",
    ]


def test_markdown_front_matter(make_region: Callable[..., Path], run_cli: Run) -> None:
    import yaml

    root = make_region()
    run_cli("build", str(root), "--format", "md")
    text = (root / "build" / "klippan.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["kommun"] == "Klippan" and front["lang"] == "sv" and front["version"] == "0.3"
    assert front["region"] == "Testregionen" and front["status"] == "utkast"
    assert "[@" not in text and "[1](#kalla-sol2025)" in text


def test_docx_has_no_literal_markdown(make_region: Callable[..., Path], run_cli: Run) -> None:
    text = KLIPPAN.replace(
        "Nuläget enligt [@sol2025].",
        "## Rubrik\n\n      **fet** och *kursiv* [länk](https://example.se) "
        "[@sol2025; @prop2025]\n\n"
        "      - punkt\n        1. nästlad\n",
    )
    root = make_region(kommun=text)
    assert run_cli("build", str(root), "--format", "docx").exit_code == 0, "build failed"
    body = docx.Document(str(root / "build" / "klippan.docx"))
    all_text = "\n".join(p.text for p in body.paragraphs)
    assert "**" not in all_text and "[@" not in all_text and "## " not in all_text
    assert "[1, 2]" in all_text
    bold = [r.text for p in body.paragraphs for r in p.runs if r.bold]
    assert "fet" in bold


def test_examples_build(run_cli: Run, tmp_path: Path) -> None:
    from .conftest import EXAMPLE

    result = run_cli("build", str(EXAMPLE), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert documents(tmp_path) == [
        "astorp.docx",
        "astorp.md",
        "klippan.docx",
        "klippan.md",
        "orkelljunga.docx",
        "orkelljunga.md",
    ]
    document = docx.Document(str(tmp_path / "klippan.docx"))
    assert document.core_properties.title.endswith("Klippans kommun")
    # Klippan's example plan is decided; the others are marked as examples.
    document = docx.Document(str(tmp_path / "astorp.docx"))
    assert "EXEMPEL" in [p.text for p in document.paragraphs][:10]


def test_new_region_then_validate_then_build(run_cli: Run, tmp_path: Path) -> None:
    root = tmp_path / "ny"
    assert (
        run_cli("new", "region", str(root), "--namn", "Skåne nordost", "--kommun", "Osby").exit_code
        == 0
    )
    assert run_cli("validate", str(root)).exit_code == 0
    assert run_cli("build", str(root)).exit_code == 0
    headings = [t for _, t in docx_headings(root / "build" / "osby.docx")]
    for title in ("Den nya socialtjänstlagen", "Förändringar i angränsande lagstiftning"):
        assert title in headings


def _tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_region_template_and_logo_are_used(
    make_region: Callable[..., Path], run_cli: Run, tmp_path: Path
) -> None:
    import zipfile

    from docx.shared import RGBColor

    from .conftest import CONFIG

    template = docx.Document()
    heading = template.styles["Heading 1"]
    heading.font.name = "Comic Sans MS"
    heading.font.color.rgb = RGBColor(0x00, 0xB0, 0x50)
    template_path = tmp_path / "reference.docx"
    template.save(str(template_path))
    root = make_region(
        omstallning_DOT_yaml=CONFIG + "  mall: mall/reference.docx\n  logotyp: mall/logo.png\n",
        mall__reference_DOT_docx=template_path.read_bytes(),
        mall__logo_DOT_png=_tiny_png(),
    )
    result = run_cli("build", str(root), "--format", "docx")
    assert result.exit_code == 0, result.output
    out = root / "build" / "klippan.docx"
    with zipfile.ZipFile(out) as zf:
        styles = zf.read("word/styles.xml").decode("utf-8")
        body = zf.read("word/document.xml").decode("utf-8")
    assert "Comic Sans MS" in styles and "00B050" in styles
    assert 'descr="Logotyp för Testregionen"' in body
    built = docx.Document(str(out))
    assert built.styles["Heading 1"].font.name == "Comic Sans MS"
    assert any(p.style.name == "Heading 1" for p in built.paragraphs)

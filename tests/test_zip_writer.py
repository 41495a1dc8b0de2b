"""`zip_writer` writes what `zipfile` writes, byte for byte, from its cache too."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from omstallning.writers.docx import zip_writer

STAMP = (2026, 1, 1, 12, 30, 58)


def with_zipfile(members: list[tuple[str, bytes]], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16
            archive.writestr(info, data, compresslevel=level)
    return out.getvalue()


def members(seed: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    xml = ("<w:p><w:r><w:t>Socialtjänst</w:t></w:r></w:p>" * 400).encode()
    return [
        ("[Content_Types].xml", b"<Types/>"),
        ("word/styles.xml", xml),  # large and shared: cached
        ("word/document.xml", rng.randbytes(20_000)),  # large, incompressible
        ("word/empty.xml", b""),
        ("docProps/core.xml", f"<cp:coreProperties>{seed}</cp:coreProperties>".encode()),
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_same_bytes_as_zipfile(seed: int) -> None:
    expected = with_zipfile(members(seed))
    cache = zip_writer.DeflateCache()
    assert zip_writer.zip_bytes(members(seed), STAMP) == expected
    assert zip_writer.zip_bytes(members(seed), STAMP, cache=cache) == expected
    assert len(cache) == 2  # the two members of at least CACHE_MIN_BYTES
    # Again, now with the shared member's compressed bytes from the cache.
    assert zip_writer.zip_bytes(members(seed), STAMP, cache=cache) == expected


def test_uncached_members_are_not_kept_and_level_is_honoured() -> None:
    data = [("word/document.xml", b"abc" * 10_000)]
    cache = zip_writer.DeflateCache()
    assert zip_writer.zip_bytes(
        data, STAMP, level=9, cache=cache, uncached=frozenset({"word/document.xml"})
    ) == (with_zipfile(data, level=9))
    assert len(cache) == 0


def test_archive_reads_back() -> None:
    archive = zipfile.ZipFile(io.BytesIO(zip_writer.zip_bytes(members(3), STAMP)))
    assert archive.testzip() is None
    assert [i.filename for i in archive.infolist()] == [name for name, _ in members(3)]
    assert archive.read("word/document.xml") == members(3)[2][1]
    assert archive.getinfo("word/styles.xml").date_time == (2026, 1, 1, 12, 30, 58)

"""Reads are bounded (review hostile-input-2026-12, rows 4, 20 and 21).

Only regular files are read, each within a cap checked with `stat` before a byte is read:
the shared files, the build cache, anything in inledning/, municipality files.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands.build_cache import read_manifest
from omstallning.commands.build_inputs import file_digest as _file_digest
from omstallning.load import safe_read
from tests.conftest import KLIPPAN, region_files, write_tree

Run = Callable[..., Any]


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging when a read blocks (a FIFO with no writer)."""

    def expired(*_: Any) -> None:
        raise TimeoutError("a read blocked")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def no_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every os.read made from now on (safe_read reads through it)."""
    reads: list[int] = []
    real = os.read

    def counting(fd: int, n: int) -> bytes:
        data = real(fd, n)
        reads.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting)
    return reads


def region(tmp_path: Path, **files: str | bytes | None) -> Path:
    return write_tree(tmp_path / "region", region_files(**files))


# --- safe_read ---------------------------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with deadline(5), pytest.raises(safe_read.UnsafeReadError) as caught:
        safe_read.read_bytes(tmp_path / "fifo", 100)
    assert caught.value.kind == "inte-vanlig" and "FIFO" in str(caught.value)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_link_to_a_device_is_refused(device: str, tmp_path: Path, no_reads: list[int]) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    (tmp_path / "link").symlink_to(device)
    with pytest.raises(safe_read.UnsafeReadError, match="en enhet"):
        safe_read.read_bytes(tmp_path / "link", 100)
    assert no_reads == []


def test_a_file_over_its_cap_is_refused_by_stat(tmp_path: Path, no_reads: list[int]) -> None:
    with (tmp_path / "big").open("wb") as fh:
        fh.truncate(1024 * 1024 * 1024)  # sparse
    with pytest.raises(safe_read.UnsafeReadError, match="större än 5 MB"):
        safe_read.read_bytes(tmp_path / "big", 5 * safe_read.MB)
    assert no_reads == []


def test_a_symlink_is_not_followed_when_asked(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to("real")
    assert safe_read.read_bytes(tmp_path / "link", 10) == b"x"
    with pytest.raises(safe_read.UnsafeReadError, match="symbolisk länk"):
        safe_read.read_bytes(tmp_path / "link", 10, follow_symlinks=False)


# --- Row 4: shared files, inledning/ and the build cache ----------------------------------


@pytest.mark.parametrize("name", ["begrepp.yaml", "kallor.yaml"])
def test_a_shared_file_that_is_a_fifo_is_a_finding(name: str, tmp_path: Path) -> None:
    root = region(tmp_path, **{name.replace(".", "_DOT_"): None})
    os.mkfifo(root / name)
    with deadline(20):
        found = validate_region(root)[1]
    assert [(f.file, f.code, f.line) for f in found if f.file == name] == [(name, "oläsbar", 0)]
    assert {f.code for f in found if f.file != name} <= {"okand-kalla"}  # [@sol2025]


def test_a_shared_file_linked_to_a_device_is_a_finding(tmp_path: Path) -> None:
    root = region(tmp_path)
    (root / "begrepp.yaml").symlink_to("/dev/zero")
    found = validate_region(root)[1]
    assert [(f.file, f.code) for f in found] == [("begrepp.yaml", "oläsbar")]


def test_build_hashes_odd_files_by_kind_never_by_content(
    tmp_path: Path, no_reads: list[int]
) -> None:
    root = region(tmp_path)
    os.mkfifo(root / "inledning" / "anteckning.txt")
    outside = tmp_path / "stor.bin"
    with outside.open("wb") as fh:
        fh.truncate(1024 * 1024 * 1024)
    (root / "inledning" / "bilaga.bin").symlink_to(outside)
    (root / "begrepp.yaml").symlink_to("/dev/zero")
    with deadline(5):
        for name in ("anteckning.txt", "bilaga.bin"):
            _file_digest(root, root / "inledning" / name, safe_read.SHARED_FILE_BYTES)
        _file_digest(root, root / "begrepp.yaml", safe_read.TEXT_FILE_BYTES)
    assert no_reads == []


def test_build_with_odd_files_in_inledning_and_as_cache(tmp_path: Path, run_cli: Run) -> None:
    """A FIFO and a link to a huge file in inledning/, a FIFO as the cache: build completes."""
    root = region(tmp_path)
    os.mkfifo(root / "inledning" / "anteckning.txt")
    outside = tmp_path / "stor.bin"
    with outside.open("wb") as fh:
        fh.truncate(1024 * 1024 * 1024)
    (root / "inledning" / "bilaga.bin").symlink_to(outside)
    (root / "build").mkdir()
    os.mkfifo(root / "build" / ".omstallning-cache.json")
    with deadline(60):
        result = run_cli("build", str(root), "--format", "md", "-j", "1")
    assert result.exit_code == 0, result.output
    assert (root / "build" / "klippan.md").is_file()


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_cache_that_is_no_regular_file_is_ignored(target: str, tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    if target == "fifo":
        os.mkfifo(out / ".omstallning-cache.json")
    else:
        (out / ".omstallning-cache.json").symlink_to(target)
    with deadline(5):
        assert read_manifest(out / ".omstallning-cache.json", lambda _message: None)[0] == {}


# --- Row 20: caps on size and count --------------------------------------------------------


def test_a_municipality_file_over_the_cap_is_not_read(tmp_path: Path, no_reads: list[int]) -> None:
    root = region(tmp_path)
    with (root / "kommuner" / "klippan.yaml").open("r+b") as fh:
        fh.truncate(safe_read.TEXT_FILE_BYTES + 1)
    found = validate_region(root)[1]
    assert [(f.file, f.code) for f in found if f.file.startswith("kommuner")] == [
        ("kommuner/klippan.yaml", "for-stor")
    ]
    assert all("16 MB" in f.message for f in found if f.code == "for-stor")
    assert sum(no_reads) < 1024 * 1024  # the shared files only


def test_more_municipality_files_than_the_cap_are_refused_unread(tmp_path: Path) -> None:
    root = region(tmp_path)
    for i in range(safe_read.MAX_MUNICIPALITY_FILES):
        (root / "kommuner" / f"k{i:04}.yaml").write_text("")  # would each be `tom-fil`
    result, found = validate_region(root)
    assert [(f.file, f.code) for f in found] == [("kommuner", "for-stor")]
    assert "1001 kommunfiler" in found[0].message and "290" in found[0].message
    assert result.region.municipalities == []


def test_the_cap_on_municipality_files_is_not_reached_by_sweden(tmp_path: Path) -> None:
    root = region(tmp_path)
    text = KLIPPAN
    for i in range(289):
        (root / "kommuner" / f"k{i:03}.yaml").write_text(text, encoding="utf-8")
    found = validate_region(root)[1]
    assert "for-stor" not in {f.code for f in found}


# --- Row 21: a `kommuner` that is a file ---------------------------------------------------


def test_kommuner_that_is_a_file_is_a_finding(tmp_path: Path, run_cli: Run) -> None:
    root = region(tmp_path, kommuner__klippan_DOT_yaml=None)
    if (root / "kommuner").exists():
        (root / "kommuner").rmdir()
    (root / "kommuner").write_text("klippan\n")
    found = validate_region(root)[1]
    assert [(f.file, f.code, f.line) for f in found] == [("kommuner", "oläsbar", 0)]
    assert "ingen mapp" in found[0].message
    assert run_cli("validate", str(root)).exit_code == 1

"""Faults while writing: a folder without write access, a full disk, a stop halfway.

Earlier output stays byte-identical, no temporary file is left, and the message says what
happened and what to do. `new` stopped halfway leaves nothing behind.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check.file_cache import CACHE_FOLDER
from omstallning.commands import build as build_module
from omstallning.commands.build import MANIFEST_FILE
from omstallning.errors import OutputError
from omstallning.writers import files as writing

from .conftest import KLIPPAN

Run = Callable[..., Any]

BJUV = KLIPPAN.replace("Klippan", "Bjuv").replace('"1276"', '"1260"')


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) and its bytes; not the check's cache."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and CACHE_FOLDER not in p.relative_to(folder).parts
    }


def fail_on_call(
    monkeypatch: pytest.MonkeyPatch, name: str, n: int, error: BaseException
) -> dict[str, int]:
    """Make `os.<name>` inside writing.py raise `error` on its n-th call."""
    real = getattr(os, name)
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(writing.os, name, failing)
    return calls


@pytest.fixture
def built_region(make_region: Callable[..., Path], run_cli: Run) -> tuple[Path, dict[str, bytes]]:
    """A region with two municipalities, built once; then one plan changed in its source."""
    root = make_region(kommuner__bjuv_DOT_yaml=BJUV)
    assert run_cli("build", str(root), "--format", "all").exit_code == 0
    before = snapshot(root / "build")
    assert sorted(before) == [
        ".omstallning-cache.json",
        "bjuv.docx",
        "bjuv.md",
        "klippan.docx",
        "klippan.md",
    ]
    (root / "kommuner" / "klippan.yaml").write_text(
        KLIPPAN.replace("Vi samverkar.", "Vi samverkar mer."), encoding="utf-8"
    )
    return root, before


def test_disk_full_halfway_leaves_earlier_output_byte_identical(
    built_region: tuple[Path, dict[str, bytes]], run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, before = built_region
    fail_on_call(monkeypatch, "fsync", 3, OSError(errno.ENOSPC, "No space left on device"))
    result = run_cli("build", str(root), "--format", "all")
    assert result.exit_code == 1
    assert "disken är full. Frigör utrymme och kör igen" in result.stderr
    assert "Tidigare filer är orörda" in result.stderr
    assert snapshot(root / "build") == before  # byte-identical, and no temporary files


def test_interrupted_build_leaves_earlier_output_byte_identical(
    built_region: tuple[Path, dict[str, bytes]], run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, before = built_region
    fail_on_call(monkeypatch, "fsync", 2, KeyboardInterrupt())
    result = run_cli("build", str(root), "--format", "all")
    assert result.exit_code == 130 and "Avbrutet" in result.stderr
    assert snapshot(root / "build") == before


def test_output_folder_without_write_access_simulated(
    built_region: tuple[Path, dict[str, bytes]], run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, before = built_region

    def refused(*_: Any, **__: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(writing.tempfile, "mkstemp", refused)
    result = run_cli("build", str(root), "--format", "all")
    assert result.exit_code == 1
    assert "du saknar skrivrätt där" in result.stderr and "--out" in result.stderr
    assert snapshot(root / "build") == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere; simulated above")
def test_output_folder_without_write_access(
    built_region: tuple[Path, dict[str, bytes]], run_cli: Run
) -> None:
    root, before = built_region
    (root / "build").chmod(0o555)
    try:
        result = run_cli("build", str(root), "--format", "all")
    finally:
        (root / "build").chmod(0o755)
    assert result.exit_code == 1 and "du saknar skrivrätt där" in result.stderr
    assert snapshot(root / "build") == before


def test_read_only_output_folder_elsewhere(
    make_region: Callable[..., Path], run_cli: Run, tmp_path: Path
) -> None:
    root = make_region()
    blocked = tmp_path / "fil"
    blocked.write_text("en fil, ingen mapp\n", encoding="utf-8")
    result = run_cli("build", str(root), "--out", str(blocked / "ut"))
    assert result.exit_code == 1
    assert "Kunde inte skriva" in result.stderr and "Kontrollera mappen" in result.stderr
    assert blocked.read_text(encoding="utf-8") == "en fil, ingen mapp\n"


def test_a_failed_rename_says_how_many_files_are_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = [tmp_path / f"{n}.md" for n in ("a", "b", "c")]
    for t in targets:
        t.write_bytes(b"old")
    fail_on_call(monkeypatch, "replace", 2, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(OutputError, match="1 av filerna hann bli nya") as caught:
        writing.write_files_atomic([(t, b"new") for t in targets])
    assert "orörda" not in str(caught.value)
    assert [t.read_bytes() for t in targets] == [b"new", b"old", b"old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md", "c.md"]


# --- `new` stopped halfway -----------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "interrupted"],
)
def test_new_region_stopped_halfway_leaves_nothing(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    fail_on_call(monkeypatch, "fsync", 7, error)
    root = tmp_path / "nv"
    result = run_cli("new", "region", str(root), "--namn", "NV Skåne", "--kommun", "Bjuv")
    assert result.exit_code == (130 if isinstance(error, KeyboardInterrupt) else 1)
    if isinstance(error, OSError):
        assert "disken är full" in result.stderr
    assert not root.exists()
    assert list(tmp_path.iterdir()) == []


def test_new_region_in_a_folder_with_files_keeps_only_them(
    tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "nv"
    (root / "anteckningar").mkdir(parents=True)
    (root / "anteckningar" / "mote.txt").write_text("Möte 3/9\n", encoding="utf-8")
    before = snapshot(root)
    fail_on_call(monkeypatch, "fsync", 9, OSError(errno.ENOSPC, "No space left on device"))
    result = run_cli("new", "region", str(root), "--namn", "NV Skåne")
    assert result.exit_code == 1
    assert snapshot(root) == before
    assert sorted(p.name for p in root.iterdir()) == ["anteckningar"]


def test_new_kommun_stopped_halfway_leaves_the_region_as_it_was(
    make_region: Callable[..., Path], run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_region()
    before = snapshot(root)
    fail_on_call(monkeypatch, "fsync", 1, OSError(errno.ENOSPC, "No space left on device"))
    result = run_cli("new", "kommun", "Bjuv", "--region", str(root))
    assert result.exit_code == 1 and "disken är full" in result.stderr
    assert snapshot(root) == before


# --- Plans and the regional summary: one batch ---------------------------------------------


@pytest.mark.parametrize(
    ("failing_fsync", "what"),
    [(1, "klippan.docx"), (3, "sammanstallning.docx"), (5, MANIFEST_FILE)],
)
def test_a_failure_while_writing_the_summary_leaves_plans_and_summary_as_they_were(
    make_region: Callable[..., Path],
    run_cli: Run,
    monkeypatch: pytest.MonkeyPatch,
    failing_fsync: int,
    what: str,
) -> None:
    root = make_region(kommuner__bjuv_DOT_yaml=BJUV)
    args = ("build", str(root), "--format", "all", "--sammanstallning")
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    assert run_cli(*args, env=env).exit_code == 0
    before = snapshot(root / "build")
    assert {"sammanstallning.docx", "sammanstallning.md"} < set(before)
    (root / "kommuner" / "klippan.yaml").write_text(
        KLIPPAN.replace("Vi samverkar.", "Vi samverkar mer."), encoding="utf-8"
    )
    # Staged in this order: klippan.docx, klippan.md, sammanstallning.docx, .md, manifest.
    calls = fail_on_call(
        monkeypatch, "fsync", failing_fsync, OSError(errno.ENOSPC, "No space left on device")
    )
    result = run_cli(*args, env=env)
    assert result.exit_code == 1, what
    assert calls["n"] == failing_fsync  # nothing was staged after the failing file
    assert "disken är full" in result.stderr and "Tidigare filer är orörda" in result.stderr
    assert snapshot(root / "build") == before  # neither a plan nor the summary changed


def test_plans_and_summary_are_written_in_one_batch(
    make_region: Callable[..., Path], run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_region(kommuner__bjuv_DOT_yaml=BJUV)
    real = build_module.write_files_atomic
    batches: list[list[str]] = []

    def recording(files: Iterable[tuple[Path, bytes]], **kwargs: Any) -> None:
        staged = list(files)
        batches.append([path.name for path, _ in staged])
        real(staged, **kwargs)

    monkeypatch.setattr(build_module, "write_files_atomic", recording)
    result = run_cli("build", str(root), "--format", "md", "--sammanstallning")
    assert result.exit_code == 0, result.output
    assert batches == [["bjuv.md", "klippan.md", "sammanstallning.md", MANIFEST_FILE]]
    manifest = json.loads((root / "build" / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["bjuv.md", "klippan.md", "sammanstallning.md"]
    assert "Skrev sammanställningen:" in result.stdout

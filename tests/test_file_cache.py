"""The check's cache (`check.file_cache`): a rebuild takes unchanged files from it, to the
same findings and the same documents as a clean build; anything wrong in it is a miss."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check import file_cache
from omstallning.check.file_cache import CACHE_FOLDER, FileCache
from omstallning.check.validate import validate_region

from .conftest import KLIPPAN

Run = Callable[..., Any]
EPOCH = {"SOURCE_DATE_EPOCH": "1764806400"}
OTHERS = {"bjuv": ("Bjuv", "1260"), "astorp": ("Åstorp", "1277"), "perstorp": ("Perstorp", "1275")}
# A long sentence (a plain-language warning): the cached findings are more than none.
LONG = " ".join(["ord"] * 40) + "."


def region(make_region: Callable[..., Path]) -> Path:
    files = {
        f"kommuner__{slug}_DOT_yaml": KLIPPAN.replace("Klippan", name).replace(
            '"1276"', f'"{code}"'
        )
        for slug, (name, code) in OTHERS.items()
    }
    root = make_region(**files)
    bjuv = root / "kommuner" / "bjuv.yaml"
    text = bjuv.read_text("utf-8").replace("Vi samverkar.", LONG)
    bjuv.write_text(text.replace("slut: 2026-06", "slut: 2026-06-30"), "utf-8")  # a YAML date
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The municipality files loaded from YAML (not taken from the cache), in this process."""
    seen: list[str] = []
    real = file_cache.municipality_from_text

    def counting(rel: str, *args: Any) -> Any:
        seen.append(rel)
        return real(rel, *args)

    monkeypatch.setattr(file_cache, "municipality_from_text", counting)
    return seen


def check(root: Path, *, read: bool = True) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """Validate with the cache in root/build: every finding (all fields) and every plan."""
    cache = FileCache.open(root / "build" / CACHE_FOLDER, root, root, read=read)
    result, findings = validate_region(root, None, cache)
    cache.finish(root)
    plans = [(m.file, m.slug, m.plan) for m in result.region.municipalities]
    kommun = {f: m.values for f, m in result.maps.items() if f.startswith("kommuner/")}
    rows = [dataclasses.astuple(f) for f in findings]
    return rows, [plans, {f: v.get(("kommun",)) for f, v in kommun.items()}]


def clean(root: Path, tmp_path: Path) -> tuple[list[tuple[Any, ...]], list[Any]]:
    """The same check of a copy of the region without any cache."""
    copy = tmp_path / "clean" / root.name
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    result, findings = validate_region(copy)
    plans = [(m.file, m.slug, m.plan) for m in result.region.municipalities]
    kommun = {f: m.values for f, m in result.maps.items() if f.startswith("kommuner/")}
    rows = [dataclasses.astuple(f) for f in findings]
    return rows, [plans, {f: v.get(("kommun",)) for f, v in kommun.items()}]


def test_unchanged_files_come_from_the_cache_with_the_same_findings_and_plans(
    make_region: Callable[..., Path], loads: list[str], tmp_path: Path
) -> None:
    root = region(make_region)
    first = check(root)
    assert len(loads) == 4
    assert len(list((root / "build" / CACHE_FOLDER).iterdir())) == 4
    assert any(row[3] == "lang-mening" for row in first[0])
    loads.clear()
    assert check(root) == first
    assert loads == []  # all four from the cache
    bjuv = root / "kommuner" / "bjuv.yaml"
    bjuv.write_text(bjuv.read_text("utf-8").replace("Bjuv", "Bjuv ") + "# ändrad\n", "utf-8")
    again = check(root)
    assert loads == ["kommuner/bjuv.yaml"]
    assert again == clean(root, tmp_path)
    assert len(list((root / "build" / CACHE_FOLDER).iterdir())) == 4  # the old entry pruned


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "kallor.yaml").write_text("{}\n", "utf-8"),
        lambda root: (root / "begrepp.yaml").write_text("LIX: läsbarhetsindex\n", "utf-8"),
        lambda root: (root / "reformer.yaml").write_text("{}\n", "utf-8"),
        lambda root: next((root / "inledning").iterdir()).write_text("---\n", "utf-8"),
        lambda root: (root / "omstallning.yaml").write_text(
            (root / "omstallning.yaml").read_text("utf-8") + "# ändrad\n", "utf-8"
        ),
    ],
    ids=["kallor", "begrepp", "reformer", "inledning", "omstallning"],
)
def test_a_change_to_a_shared_file_checks_every_file_again(
    make_region: Callable[..., Path],
    loads: list[str],
    tmp_path: Path,
    change: Callable[[Path], Any],
) -> None:
    root = region(make_region)
    check(root)
    change(root)
    loads.clear()
    again = check(root)
    assert len(loads) == 4
    assert again == clean(root, tmp_path)


def test_a_new_tool_version_or_another_day_checks_every_file_again(
    make_region: Callable[..., Path], loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = region(make_region)
    check(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764806400")  # another "today"
    loads.clear()
    check(root)
    assert len(loads) == 4
    monkeypatch.setattr(file_cache, "_tool", lambda: b"omstallning 99.0")
    loads.clear()
    check(root)
    assert len(loads) == 4
    loads.clear()
    check(root)
    assert loads == []


def test_force_reads_no_entry(make_region: Callable[..., Path], loads: list[str]) -> None:
    root = region(make_region)
    first = check(root)
    loads.clear()
    assert check(root, read=False) == first
    assert len(loads) == 4


def _wrong_shape(path: Path) -> None:
    doc = json.loads(path.read_bytes())
    doc["findings"] = [["x", "ett", 1, "kod", "fel", "text", []]]
    path.write_text(json.dumps(doc), "utf-8")


def _wrong_plan(path: Path) -> None:
    doc = json.loads(path.read_bytes())
    doc["data"]["kommunkod"] = {"inte": "en kod"}
    path.write_text(json.dumps(doc), "utf-8")


def _symlink(path: Path) -> None:
    target = path.with_name("elsewhere")
    path.rename(target)
    path.symlink_to(target.name)


def _huge(path: Path) -> None:
    with path.open("ab") as stream:
        stream.truncate(file_cache.MAX_ENTRY_BYTES + 1)


HOSTILE: dict[str, Callable[[Path], Any]] = {
    "bad-json": lambda p: p.write_bytes(b'{"format": 1, "file": '),
    "not-utf8": lambda p: p.write_bytes(b"\xff\xfe{}"),
    "deep": lambda p: p.write_bytes(b"[" * 100_000 + b"]" * 100_000),
    "a-list": lambda p: p.write_text("[]", "utf-8"),
    "wrong-shape": _wrong_shape,
    "wrong-plan": _wrong_plan,
    "huge": _huge,
    "symlink": _symlink,
    "folder": lambda p: (p.unlink(), p.mkdir()),
    "fifo": lambda p: (p.unlink(), os.mkfifo(p)),
}


@pytest.mark.parametrize("spoil", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_broken_or_hostile_entry_is_a_miss_with_the_same_result(
    make_region: Callable[..., Path],
    loads: list[str],
    tmp_path: Path,
    spoil: Callable[[Path], Any],
) -> None:
    root = region(make_region)
    first = check(root)
    for entry in (root / "build" / CACHE_FOLDER).iterdir():
        spoil(entry)
    loads.clear()
    again = check(root)
    assert len(loads) == 4
    assert again == first == clean(root, tmp_path)


def test_files_whose_rules_read_other_files_are_not_cached(
    make_region: Callable[..., Path], loads: list[str]
) -> None:
    root = region(make_region)
    (root / "bild.png").write_bytes(b"not a png")
    bjuv = root / "kommuner" / "bjuv.yaml"
    bjuv.write_text(bjuv.read_text("utf-8").replace(LONG, "Se ![bild](bild.png)"), "utf-8")
    first = check(root)
    assert any(row[0] == "kommuner/bjuv.yaml" and row[3] == "bild-fel" for row in first[0])
    (root / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    loads.clear()
    check(root)
    assert loads == ["kommuner/bjuv.yaml"]  # checked again: its image may have changed


def test_a_cached_rebuild_writes_the_documents_of_a_clean_build(
    make_region: Callable[..., Path], run_cli: Run, loads: list[str], tmp_path: Path
) -> None:
    root = region(make_region)
    first = run_cli("build", str(root), "--format", "all", env=EPOCH)
    assert first.exit_code == 0, first.output
    bjuv = root / "kommuner" / "bjuv.yaml"
    bjuv.write_text(bjuv.read_text("utf-8") + "# ändrad\n", "utf-8")
    loads.clear()
    again = run_cli("build", str(root), "--format", "all", env=EPOCH)
    assert again.exit_code == 0, again.output
    assert loads == ["kommuner/bjuv.yaml"]
    copy = tmp_path / "clean" / "region"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build"))
    fresh = run_cli("build", str(copy), "--format", "all", env=EPOCH)
    assert fresh.exit_code == 0, fresh.output
    built = {p.name: p.read_bytes() for p in (root / "build").iterdir() if p.is_file()}
    made = {p.name: p.read_bytes() for p in (copy / "build").iterdir() if p.is_file()}
    assert built.keys() == made.keys() and built == made
    for fmt in ("text", "json", "github"):
        cached = run_cli("validate", str(root), "--format", fmt, env=EPOCH)
        plain = run_cli("validate", str(copy), "--format", fmt, env=EPOCH)
        assert cached.exit_code == plain.exit_code
        assert cached.stdout.replace(str(root), "R") == plain.stdout.replace(str(copy), "R")


def test_validate_reads_the_build_cache_but_writes_nothing(
    make_region: Callable[..., Path], run_cli: Run, loads: list[str]
) -> None:
    root = region(make_region)
    assert run_cli("build", str(root), env=EPOCH).exit_code == 0
    bjuv = root / "kommuner" / "bjuv.yaml"
    bjuv.write_text(bjuv.read_text("utf-8") + "# ändrad\n", "utf-8")
    before = {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()}
    loads.clear()
    assert run_cli("validate", str(root), env=EPOCH).exit_code == 0
    assert loads == ["kommuner/bjuv.yaml"]  # the others came from the cache
    after = {p: p.read_bytes() for p in (root / "build").rglob("*") if p.is_file()}
    assert after == before  # a check in CI or pre-commit leaves the tree as it was

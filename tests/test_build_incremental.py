"""`build` skips what is up to date, renders in parallel, and both give the same documents."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning import __version__
from omstallning import workers as workers_module
from omstallning.check.validate import validate_region
from omstallning.commands import build_render
from omstallning.commands.build import MANIFEST_FILE, build_plans
from omstallning.errors import OmstallningError

from .conftest import KLIPPAN, documents

Run = Callable[..., Any]

OTHERS = {"bjuv": ("Bjuv", "1260"), "astorp": ("Åstorp", "1277"), "perstorp": ("Perstorp", "1275")}


def four_municipalities(make_region: Callable[..., Path]) -> Path:
    files = {
        f"kommuner__{slug}_DOT_yaml": KLIPPAN.replace("Klippan", name).replace(
            '"1276"', f'"{code}"'
        )
        for slug, (name, code) in OTHERS.items()
    }
    return make_region(**files)


def inodes(folder: Path) -> dict[str, int]:
    """Each document's inode: an atomic write replaces the file, so a new inode means rewritten."""
    return {name: (folder / name).stat().st_ino for name in documents(folder)}


def contents(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in documents(folder)}


@pytest.fixture
def built(make_region: Callable[..., Path], run_cli: Run) -> Path:
    root = four_municipalities(make_region)
    first = run_cli("build", str(root), "--format", "all")
    assert first.exit_code == 0, first.output
    assert "Skrev 8 filer" in first.stdout and "oförändrade" not in first.stdout
    return root


def test_nothing_changed_writes_nothing(built: Path, run_cli: Run) -> None:
    before = inodes(built / "build")
    again = run_cli("build", str(built), "--format", "all")
    assert again.exit_code == 0, again.output
    assert "Skrev 0 filer, 8 oförändrade (--force bygger om dem)." in again.stdout
    assert inodes(built / "build") == before


def test_one_file_is_counted_in_the_singular(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    root = make_region()
    first = run_cli("build", str(root), "--format", "docx")
    assert "Skrev 1 fil:" in first.stdout, first.output
    again = run_cli("build", str(root), "--format", "docx")
    assert "Skrev 0 filer, 1 oförändrad (--force bygger om den)." in again.stdout


def test_one_changed_municipality_rebuilds_only_its_files(built: Path, run_cli: Run) -> None:
    before = inodes(built / "build")
    klippan = built / "kommuner" / "klippan.yaml"
    klippan.write_text(klippan.read_text(encoding="utf-8") + "# en kommentar\n", encoding="utf-8")
    again = run_cli("build", str(built), "--format", "all")
    assert "Skrev 2 filer, 6 oförändrade" in again.stdout
    after = inodes(built / "build")
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == ["klippan.docx", "klippan.md"]


@pytest.mark.parametrize("shared", ["inledning/lagen.md", "kallor.yaml", "omstallning.yaml"])
def test_a_change_to_what_the_region_shares_rebuilds_every_plan(
    built: Path, run_cli: Run, shared: str
) -> None:
    path = built / shared
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = run_cli("build", str(built), "--format", "all")
    assert again.exit_code == 0, again.output
    assert "Skrev 8 filer" in again.stdout and "oförändrade" not in again.stdout


def test_an_output_file_changed_or_removed_by_hand_is_written_again(
    built: Path, run_cli: Run
) -> None:
    out = built / "build"
    expected = contents(out)
    (out / "bjuv.md").write_text("ändrad för hand\n", encoding="utf-8")
    (out / "astorp.docx").unlink()
    again = run_cli("build", str(built), "--format", "all")
    assert "Skrev 2 filer, 6 oförändrade" in again.stdout
    assert contents(out) == expected


def test_force_rebuilds_everything(built: Path, run_cli: Run) -> None:
    before = inodes(built / "build")
    again = run_cli("build", str(built), "--format", "all", "--force")
    assert "Skrev 8 filer" in again.stdout
    after = inodes(built / "build")
    assert all(after[name] != before[name] for name in before)


def test_another_source_date_rebuilds(built: Path, run_cli: Run) -> None:
    again = run_cli("build", str(built), "--format", "md", env={"SOURCE_DATE_EPOCH": "86400"})
    assert "Skrev 4 filer" in again.stdout and "oförändrade" not in again.stdout


@pytest.mark.parametrize("damage", ["{inte json", '{"version": 99, "files": {}}', '"en text"'])
def test_an_unreadable_manifest_means_a_full_build(built: Path, run_cli: Run, damage: str) -> None:
    (built / "build" / MANIFEST_FILE).write_text(damage, encoding="utf-8")
    again = run_cli("build", str(built), "--format", "all")
    assert again.exit_code == 0, again.output
    assert "Skrev 8 filer" in again.stdout
    manifest = json.loads((built / "build" / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == documents(built / "build")


def test_parallel_build_writes_the_same_bytes_as_one_process(
    make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = four_municipalities(make_region)
    region = validate_region(root)[0].region
    assert region is not None
    monkeypatch.setattr(workers_module, "MIN_TASKS_PER_WORKER", 1)  # workers even for 4 plans
    progress: list[str] = []
    parallel = build_plans(
        region, region.municipalities, ["docx", "md"], tmp_path / "p", progress.append, jobs=2
    )
    serial = build_plans(region, region.municipalities, ["docx", "md"], tmp_path / "s", jobs=1)
    assert [b.path.name for b in parallel] == [b.path.name for b in serial]
    assert contents(tmp_path / "p") == contents(tmp_path / "s")
    assert len(contents(tmp_path / "p")) == 8
    # Progress reports each municipality once, when both its files are done.
    assert sorted(progress) == sorted(e.slug for e in region.municipalities)


def test_a_plan_that_fails_in_a_worker_writes_nothing(
    make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = four_municipalities(make_region)
    region = validate_region(root)[0].region
    assert region is not None
    # A template that is not a DOCX fails in every worker: the error comes back, no files.
    broken = root / "mall.docx"
    broken.write_bytes(b"inte en docx")
    export = region.config.export.model_copy(update={"template": "mall.docx"})
    region = dataclasses.replace(region, config=region.config.model_copy(update={"export": export}))
    monkeypatch.setattr(workers_module, "MIN_TASKS_PER_WORKER", 1)
    with pytest.raises(OmstallningError) as caught:
        build_plans(region, region.municipalities, ["docx"], tmp_path / "ut", jobs=2)
    assert "mall.docx" in str(caught.value)
    assert not (tmp_path / "ut").exists()


def test_version_is_answered_without_loading_the_command_line() -> None:
    code = (
        "import sys; sys.argv = ['omstallning', '--version']\n"
        "from omstallning.__main__ import main\n"
        "main()\n"
        "print(sorted(m for m in ('typer', 'rich', 'pydantic', 'docx', 'yaml') "
        "if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout == f"omstallning {__version__}\n[]\n"


def test_help_does_not_load_the_renderers() -> None:
    code = (
        "import sys; sys.argv = ['omstallning', '--help']\n"
        "from omstallning.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('docx', 'pydantic', 'lxml', 'markdown_it') "
        "if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Användning" in proc.stdout
    assert proc.stdout.rstrip().endswith("[]")


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "--jobs ska vara 1 eller fler, inte 0."), ("två", "--jobs / -j: ange ett heltal.")],
)
def test_a_wrong_jobs_value_is_a_swedish_usage_error(
    make_region: Callable[..., Path], run_cli: Run, value: str, message: str
) -> None:
    root = make_region()
    result = run_cli("build", str(root), "--jobs", value)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (root / "build").exists()


def test_a_failure_after_some_plans_leaves_no_folder_and_no_temporary_file(
    make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = four_municipalities(make_region)
    region = validate_region(root)[0].region
    assert region is not None
    real = build_render.render_formats_of
    calls: list[str] = []

    def third_fails(region: Any, entry: Any, kind: str, fmts: Any, options: Any = None) -> Any:
        calls.append(entry.slug)
        if len(calls) == 3:
            raise OmstallningError("Planen gick inte att bygga.")
        return real(region, entry, kind, fmts, options)

    monkeypatch.setattr(build_render, "render_formats_of", third_fails)
    with pytest.raises(OmstallningError):
        build_plans(region, region.municipalities, ["md"], tmp_path / "ny" / "ut", jobs=1)
    assert len(calls) == 3  # two plans were rendered (and staged) before the failure
    assert not (tmp_path / "ny").exists()  # neither ny/ nor ny/ut/ is left behind


def test_where_no_worker_process_can_start_the_plans_render_here(
    make_region: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    no_processes: Callable[[], None],
) -> None:
    root = four_municipalities(make_region)
    region = validate_region(root)[0].region
    assert region is not None
    serial = build_plans(region, region.municipalities, ["md"], tmp_path / "s", jobs=1)

    no_processes()
    monkeypatch.setattr(workers_module, "MIN_TASKS_PER_WORKER", 1)
    progress: list[str] = []
    fallback = build_plans(
        region, region.municipalities, ["md"], tmp_path / "p", progress.append, jobs=2
    )
    assert [b.path.name for b in fallback] == [b.path.name for b in serial]
    assert contents(tmp_path / "p") == contents(tmp_path / "s")
    assert sorted(progress) == sorted(e.slug for e in region.municipalities)

"""Worker processes: a region checked in them has exactly the findings of one process."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning import workers as workers_module
from omstallning.check.validate import validate_region
from omstallning.workers import Workers

from .conftest import KLIPPAN, region_files, write_tree

CASES = Path(__file__).parent / "cases"


@pytest.fixture
def many_broken(tmp_path: Path) -> Path:
    """One region holding every broken municipality file of the case corpus, side by side.

    With two files for Klippan, and the region's own files valid: each file has its own
    defects (an unreadable encoding, bad YAML, unknown keys, missing sections, unknown
    goals and sources, placeholders, …), and one finding spans two files.
    """
    root = write_tree(tmp_path / "region", region_files())
    (root / "kommuner" / "klippan-kopia.yaml").write_text(KLIPPAN, encoding="utf-8")
    bjuv = KLIPPAN.replace("Klippan", "Bjuv").replace("1276", "1260").replace("sol2025", "sol")
    bjuv = bjuv.replace("Vi samverkar.", "Vi samverkar (TODO).")
    (root / "kommuner" / "bjuv.yaml").write_text(bjuv, encoding="utf-8")
    for case_file in sorted(p for p in CASES.glob("*/kommuner/*.y*ml") if p.is_file()):
        shutil.copyfile(case_file, root / "kommuner" / f"{case_file.parent.parent.name}.yaml")
    (root / "kommuner" / "en-mapp.yaml").mkdir()  # unreadable: a folder
    return root


def test_workers_find_what_one_process_finds(
    many_broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = len(list((many_broken / "kommuner").iterdir()))
    assert files > 40
    serial_result, serial = validate_region(many_broken)
    with Workers(2) as workers:
        parallel_result, parallel = validate_region(many_broken, workers)
        assert workers.running  # the files were checked in the worker processes
    assert parallel == serial
    codes = {f.code for f in parallel}
    assert {"yaml-syntax", "okand-nyckel", "okant-mal", "okand-kalla", "dubblett-id"} <= codes
    assert {"oläsbar", "inte-utf8", "platshallare", "fel-kommunkod"} <= codes
    # The copy is the file reported, not the rightly named one (issue 13).
    assert any(
        f.code == "dubblett-id" and f.file == "kommuner/klippan-kopia.yaml" for f in parallel
    )
    # The same plans loaded, in the same order, and every file is known to the report.
    assert [e.file for e in parallel_result.region.municipalities] == [
        e.file for e in serial_result.region.municipalities
    ]
    assert parallel_result.region.municipalities == serial_result.region.municipalities
    assert set(parallel_result.maps) == set(serial_result.maps)


def test_a_small_region_is_checked_without_starting_processes(make_region: Any) -> None:
    root = make_region()
    with Workers(2) as workers:
        _, findings = validate_region(root, workers)
        assert not workers.running
    assert findings == validate_region(root)[1]


def test_where_no_worker_process_can_start_the_files_are_checked_here(
    many_broken: Path, no_processes: Callable[[], None]
) -> None:
    serial = validate_region(many_broken)[1]
    no_processes()
    with Workers(2) as workers:
        assert validate_region(many_broken, workers)[1] == serial
        assert not workers.running


def test_the_command_line_checks_a_large_region_in_workers(
    many_broken: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    started: list[bool] = []
    real_start = Workers.start

    def start(self: Workers, *args: Any, **kwargs: Any) -> bool:
        running = real_start(self, *args, **kwargs)
        started.append(running)
        return running

    monkeypatch.setattr(Workers, "start", start)
    monkeypatch.setattr(workers_module, "default_jobs", lambda: 1)
    expected = run_cli("validate", str(many_broken), "--format", "json")
    assert started == [False]
    monkeypatch.setattr(workers_module, "default_jobs", lambda: 2)
    started.clear()
    result = run_cli("validate", str(many_broken), "--format", "json")
    assert started == [True]
    assert result.exit_code == expected.exit_code == 1
    assert result.stdout == expected.stdout


def test_without_fork_a_few_dozen_files_are_not_worth_fresh_interpreters(
    many_broken: Path,
) -> None:
    # While another thread runs, workers cannot be forked safely; started from a fresh
    # interpreter each costs as much as loading dozens of files, so these load here.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with Workers(2) as workers:
            assert validate_region(many_broken, workers)[1] == validate_region(many_broken)[1]
            assert not workers.running
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
def test_region_rule_reading_outside_region_rule_paths_fails_loudly(
    many_broken: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    # A worker sends back only REGION_RULE_PATHS of each map; a region rule that reads more
    # would get other positions in parallel runs, so it must fail in serial runs too.
    from omstallning.check.rules import registry
    from omstallning.check.rules.registry import at, municipalities
    from omstallning.findings import Severity

    def reads_code(result: Any) -> Any:
        for entry, sm in municipalities(result):
            yield at(sm, entry.file, ("kommunkod",), "x", Severity.ERROR, "x")

    monkeypatch.setattr(registry, "RULES", [*registry.RULES, reads_code])
    with Workers(2 if parallel else 1) as workers:
        with pytest.raises(LookupError, match="REGION_RULE_PATHS"):
            validate_region(many_broken, workers)
        assert workers.running is parallel

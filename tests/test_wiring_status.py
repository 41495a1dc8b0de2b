"""`status` shows a plan changed since its decision, an overdue revision and missing values."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check.validate import validate
from omstallning.commands.status import format_text, region_status
from tests.changes_repo import git, make_repo
from tests.conftest import KLIPPAN

Run = Callable[..., Any]
JAN_2026 = {"SOURCE_DATE_EPOCH": "1767225600"}


def _row(run_cli: Run, root: Path) -> dict[str, Any]:
    result = run_cli("status", str(root), "--format", "json", env=JAN_2026)
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["municipalities"]
    return row  # type: ignore[no-any-return]


def test_changed_since_the_decided_version(tmp_path: Path, run_cli: Run) -> None:
    repo = make_repo(tmp_path / "repo")
    row = _row(run_cli, repo)
    assert (row["beslutad_version"], row["andrad_sedan_beslut"]) == ("v1", True)
    text = run_cli("status", str(repo), env=JAN_2026).stdout
    assert "Ändrad" in text.splitlines()[2] and "Ja, sedan v1" in text
    assert "inte från validates regler" in text  # the legend says it is no rule's finding
    git(repo, "checkout", "-q", "v1")
    assert "Nej (v1)" in run_cli("status", str(repo), env=JAN_2026).stdout
    md = run_cli("status", str(repo), "--format", "md", env=JAN_2026).stdout
    assert "| Ändrad sedan beslut |" in md and "| Nej (v1) |" in md


def test_no_git_no_decided_version(make_region: Callable[..., Path], run_cli: Run) -> None:
    row = _row(run_cli, make_region())
    assert (row["beslutad_version"], row["andrad_sedan_beslut"]) == (None, None)


def test_an_overdue_revision_is_the_finding_shown(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    root = make_region(kommun=KLIPPAN + "revideras_senast: 2025-06-30\n")
    validated = json.loads(run_cli("validate", str(root), "--format", "json", env=JAN_2026).stdout)
    assert "revidering-passerad" in [f["code"] for f in validated["findings"]]
    assert _row(run_cli, root)["revideras_senast_passerad"] == "2025-06-30"
    text = run_cli("status", str(root), env=JAN_2026).stdout
    assert "  - Revideras senast 2025-06-30 har passerat" in text
    later = make_region(kommun=KLIPPAN + "revideras_senast: 2027-06-30\n")
    assert _row(run_cli, later)["revideras_senast_passerad"] is None


def test_indicators_without_a_value_for_the_latest_period(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    kommun = KLIPPAN.replace(
        "        år: 2027\n",
        "        år: 2027\n      - namn: Väntetid\n        målvärde: 10\n        år: 2027\n",
    )
    root = make_region(
        kommun=kommun,
        utfall__klippan_DOT_yaml='kommun: "Klippan"\nindikatorer:\n  - namn: "Väntetid"\n'
        '    utfall:\n      - period: "2025"\n        värde: 14\n',
    )
    row = _row(run_cli, root)
    assert row["saknar_varde"] == {"period": "2025", "indikatorer": ["Andel"]}
    text = run_cli("status", str(root), env=JAN_2026).stdout
    assert "  - Indikatorer som saknar värde för 2025: Andel" in text


def test_a_plan_without_outcomes_has_no_missing_line(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    assert _row(run_cli, make_region())["saknar_varde"] is None


@pytest.mark.parametrize("width", [80, 100, 200])
def test_the_table_still_fits_the_terminal(tmp_path: Path, width: int) -> None:
    repo = make_repo(tmp_path / "repo")
    result = validate(repo)
    text = format_text(region_status(result, result.findings, dt.date(2026, 1, 1)), width)
    assert all(len(line) <= width for line in text.splitlines()), text
    assert ("Ja, sedan v1" in text) is (width >= 100)  # the column goes last, when room is short


def test_status_reports_broken_shared_and_outcome_files_with_exit_0(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    root = make_region(
        omstallning_DOT_yaml="region: X\nplan: 3\n",
        utfall__klippan_DOT_yaml="kommun: [\n",
    )
    for fmt in ("text", "md", "json"):
        result = run_cli("status", str(root), "--format", fmt, env=JAN_2026)
        assert result.exit_code == 0, result.output
        assert "utfall/klippan.yaml" in result.stdout and "omstallning.yaml" in result.stdout

"""Issue 13: the quality figure weighs parts and an untouched template scores near 0 %."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omstallning.commands.scaffold import plan_region, write_planned

Run = Callable[..., Any]


def test_an_untouched_template_scores_near_zero(run_cli: Run, tmp_path: Path) -> None:
    root = tmp_path / "r"
    write_planned(root, plan_region("Fyrbodal", ["Åmål"]), force=False)
    result = run_cli("status", str(root), "--format", "json")
    row = json.loads(result.stdout)["municipalities"][0]
    assert row["quality"]["percent"] <= 10, row["quality"]

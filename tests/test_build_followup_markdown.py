"""The follow-up report in Markdown: its charts are written beside it and linked."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import EXAMPLE


def test_markdown_follow_up_report_builds_with_its_charts(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    region = tmp_path / "region"
    shutil.copytree(EXAMPLE, region, ignore=shutil.ignore_patterns("build"))
    result = run_cli("build", str(region), "--format", "md", "--uppfoljning", "2026")
    assert result.exit_code == 0, result.output
    report = (region / "build" / "klippan-uppfoljning-2026.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", report)
    assert pictures, "the report links its charts"
    for picture in pictures:
        assert (region / "build" / picture).is_file(), picture

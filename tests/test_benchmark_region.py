"""The benchmarks' generated regions are what their numbers claim: valid plans, charts to draw."""

from __future__ import annotations

import sys
from pathlib import Path

from omstallning.check.validate import validate_region
from omstallning.documents import DOCUMENT_KINDS
from omstallning.documents.tree import Image
from omstallning.followup.period import parse_period

from .conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from generate_region import generate_region  # noqa: E402


def test_a_generated_region_has_no_findings_and_ten_charts_a_report(tmp_path: Path) -> None:
    root = generate_region(tmp_path / "region", 3, activities=60)
    result, findings = validate_region(root)
    assert findings == []
    entry = result.region.municipalities[0]
    assert len(entry.plan.activities) == 60
    kind = DOCUMENT_KINDS["uppfoljning"]
    report = kind.assemble_for(result.region, entry, {"uppfoljning": parse_period("2026")})
    charts = [b for b in report.blocks if isinstance(b, Image)]
    assert len(charts) == 10

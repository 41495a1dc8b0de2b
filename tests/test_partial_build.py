"""Issue 13: one municipality's error does not stop the others' build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from omstallning.commands.scaffold import plan_region, write_planned

Run = Callable[..., Any]


def _fyrbodal(tmp_path: Path) -> Path:
    root = tmp_path / "fyrbodal"
    write_planned(root, plan_region("Fyrbodal", ["Trollhättan", "Lilla Edet", "Åmål"]), force=False)
    broken = root / "kommuner" / "lilla-edet.yaml"
    broken.write_text(broken.read_text("utf-8").replace("status: utkast", "status: klart"), "utf-8")
    return root


def test_chosen_municipality_builds_when_another_is_broken(run_cli: Run, tmp_path: Path) -> None:
    root = _fyrbodal(tmp_path)
    result = run_cli("build", str(root), "--kommun", "trollhattan", "--format", "md")
    assert result.exit_code == 0, result.output
    assert (root / "build" / "trollhattan.md").exists()
    assert "lilla-edet.yaml har fel men valdes inte" in result.output


def test_all_good_ones_and_the_summary_build_broken_one_listed(
    run_cli: Run, tmp_path: Path
) -> None:
    root = _fyrbodal(tmp_path)
    result = run_cli("build", str(root), "--format", "md", "--sammanstallning")
    assert result.exit_code == 1
    built = sorted(p.name for p in (root / "build").glob("*.md"))
    assert built == ["amal.md", "sammanstallning.md", "trollhattan.md"]
    assert "Byggdes inte: kommuner/lilla-edet.yaml" in result.output
    assert "7:9" in result.output or "status" in result.output
    summary = (root / "build" / "sammanstallning.md").read_text("utf-8")
    assert "| Lilla Edet | Fel i filen |" in summary
    assert "Internt fel" not in result.output


def test_broken_one_keeps_its_earlier_output(run_cli: Run, tmp_path: Path) -> None:
    root = _fyrbodal(tmp_path)
    broken = root / "kommuner" / "lilla-edet.yaml"
    bad = broken.read_text("utf-8")
    broken.write_text(bad.replace("status: klart", "status: utkast"), "utf-8")
    assert run_cli("build", str(root), "--format", "md").exit_code == 0
    before = (root / "build" / "lilla-edet.md").read_bytes()
    broken.write_text(bad, "utf-8")
    assert run_cli("build", str(root), "--format", "md").exit_code == 1
    assert (root / "build" / "lilla-edet.md").read_bytes() == before


def test_an_error_in_a_shared_file_still_stops_everything(run_cli: Run, tmp_path: Path) -> None:
    root = _fyrbodal(tmp_path)
    (root / "kallor.yaml").write_text("- : [\n", "utf-8")
    result = run_cli("build", str(root), "--kommun", "trollhattan", "--format", "md")
    assert result.exit_code == 1
    assert not (root / "build").exists()
    assert "Inget byggdes" in result.output

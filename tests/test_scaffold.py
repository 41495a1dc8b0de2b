"""`omstallning new`: what it writes validates, it never overwrites, it never prompts in CI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands import scaffold
from omstallning.errors import OutputError

Run = Callable[..., Any]


def test_new_region_validates_with_warnings_only(run_cli: Run, tmp_path: Path) -> None:
    root = tmp_path / "nv"
    result = run_cli(
        "new",
        "region",
        str(root),
        "--namn",
        "Nordvästra Skåne",
        "--kommun",
        "Klippan",
        "--kommun",
        "Örkelljunga",
    )
    assert result.exit_code == 0, result.output
    for rel in (
        "omstallning.yaml",
        "inledning/syfte.md",
        "inledning/lagen.md",
        "inledning/angransande-lagstiftning.md",
        "inledning/tidiga-insatser.md",
        "begrepp.yaml",
        "kallor.yaml",
        "kommuner/klippan.yaml",
        "kommuner/orkelljunga.yaml",
        "README.md",
        ".gitignore",
        ".github/workflows/omstallning.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        "schemas/kommun.schema.json",
    ):
        assert (root / rel).is_file(), rel
    _, findings = validate_region(root)
    assert findings, "the hints must be flagged"
    assert all(not f.is_error for f in findings), [str(f) for f in findings if f.is_error]
    # paket-saknas: this runs from a development install (see test_ident_install.py).
    assert {f.code for f in findings} <= {"platshallare", "malvarde-saknas", "paket-saknas"}
    assert run_cli("validate", str(root)).exit_code == 0


def test_new_files_attach_the_schemas(tmp_path: Path) -> None:
    files = {f.path: f.text for f in scaffold.plan_region("R", ["Klippan"])}
    assert files["kommuner/klippan.yaml"].startswith(
        "# yaml-language-server: $schema=../schemas/kommun.schema.json"
    )
    assert files["omstallning.yaml"].startswith(
        "# yaml-language-server: $schema=schemas/omstallning.schema.json"
    )
    assert '"kommuner/*.yaml"' in files[".vscode/settings.json"]
    assert "omstallning validate" in files[".github/workflows/omstallning.yml"]
    assert "omstallning validate" in files[".gitlab-ci.yml"]


def test_templates_ship_inside_the_package() -> None:
    from importlib import resources

    packaged = resources.files("omstallning").joinpath("templates")
    if not packaged.is_dir():
        pytest.skip("development install: templates are read from the source tree")
    assert packaged.joinpath("kommun.yaml").is_file()
    assert packaged.joinpath("region", "inledning", "lagen.md").is_file()


def test_region_name_is_data_not_yaml(tmp_path: Path) -> None:
    root = tmp_path / "r"
    scaffold.write_planned(root, scaffold.plan_region('Syd: "Väst" # {{ 7*7 }}', []), force=False)
    result, findings = validate_region(root)
    assert result.region.config.region == 'Syd: "Väst" # {{ 7*7 }}'
    assert not any(f.is_error for f in findings)


def test_new_kommun_suggests_the_right_name(run_cli: Run, tmp_path: Path) -> None:
    run_cli("new", "region", str(tmp_path / "r"), "--namn", "R")
    result = run_cli("new", "kommun", "Klipan", "--region", str(tmp_path / "r"))
    assert result.exit_code == 1
    assert "Menade du Klippan?" in result.stderr
    assert not (tmp_path / "r" / "kommuner").exists()


def test_new_kommun_slug_and_code(run_cli: Run, tmp_path: Path) -> None:
    root = tmp_path / "r"
    run_cli("new", "region", str(root), "--namn", "R")
    result = run_cli("new", "kommun", "Örkelljunga", "--region", str(root))
    assert result.exit_code == 0, result.output
    text = (root / "kommuner" / "orkelljunga.yaml").read_text(encoding="utf-8")
    assert 'kommunkod: "1257"' in text and 'kommun: "Örkelljunga"' in text
    run_cli("new", "kommun", "upplands väsby", "--region", str(root))
    assert 'kommunkod: "0114"' in (root / "kommuner" / "upplands-vasby.yaml").read_text(
        encoding="utf-8"
    )


def test_never_overwrites_without_force_and_writes_nothing(run_cli: Run, tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    (root / "README.md").write_text("min egen text", encoding="utf-8")
    result = run_cli("new", "region", str(root), "--namn", "R", "--kommun", "Bjuv")
    assert result.exit_code == 1
    assert "Skriver inte över" in result.stderr and "README.md" in result.stderr
    assert sorted(p.name for p in root.iterdir()) == ["README.md"]
    assert (root / "README.md").read_text(encoding="utf-8") == "min egen text"
    forced = run_cli("new", "region", str(root), "--namn", "R", "--force")
    assert forced.exit_code == 0
    assert (root / "README.md").read_text(encoding="utf-8") != "min egen text"


def test_dry_run_writes_nothing(run_cli: Run, tmp_path: Path) -> None:
    root = tmp_path / "r"
    result = run_cli("new", "region", str(root), "--namn", "R", "--kommun", "Bjuv", "--dry-run")
    assert result.exit_code == 0
    assert "kommuner/bjuv.yaml" in result.stdout
    assert not root.exists()


def test_no_prompt_without_a_terminal(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("new", "region", str(tmp_path / "r"))
    assert result.exit_code == 2
    assert "--namn saknas" in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_failure_halfway_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "r"
    files = scaffold.plan_region("R", ["Bjuv"])
    calls = {"n": 0}
    real = scaffold.write_text_atomic

    def failing(target: Path, text: str) -> None:
        calls["n"] += 1
        if calls["n"] == 6:
            raise OutputError("disken är full")
        real(target, text)

    monkeypatch.setattr(scaffold, "write_text_atomic", failing)
    with pytest.raises(OutputError):
        scaffold.write_planned(root, files, force=False)
    assert not root.exists()


def test_new_kommun_outside_a_region(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("new", "kommun", "Bjuv", "--region", str(tmp_path))
    assert result.exit_code == 2
    assert "inget regionrepo" in result.stderr
    assert list(tmp_path.iterdir()) == []

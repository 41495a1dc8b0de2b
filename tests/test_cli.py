"""The CLI as a user meets it: formats, exit statuses, Swedish help, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning import __version__
from omstallning.cli import main as cli

from .conftest import KLIPPAN

Run = Callable[..., Any]


def test_version(run_cli: Run) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"omstallning {__version__}"


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["validate", "-h"],
        ["build", "-h"],
        ["schema", "-h"],
        ["new", "-h"],
        ["new", "region", "-h"],
        ["new", "kommun", "-h"],
    ],
)
def test_help_is_swedish(run_cli: Run, args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert "Användning:" in result.stdout
    assert "Visa den här hjälpen och avsluta." in result.stdout
    assert "Usage:" not in result.stdout and "Show this message" not in result.stdout


def test_valid_region_exits_0(run_cli: Run, make_region: Callable[..., Path]) -> None:
    result = run_cli("validate", str(make_region()))
    assert result.exit_code == 0, result.output
    assert "Inga fel eller varningar" in result.stdout


def test_text_format_shows_the_line_and_a_marker(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    root = make_region(kommun=KLIPPAN.replace("ansvarig: Enhetschef", "ansvarg: Enhetschef"))
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "kommuner/klippan.yaml"
    assert "24:5: fel: Okänd nyckel ”ansvarg”. Menade du ”ansvarig”?" in lines[1]
    assert lines[1].endswith("[okand-nyckel]")
    assert lines[2] == "   24 |     ansvarg: Enhetschef"
    assert lines[3] == "      |     ^"
    assert lines[-1] == "1 fel och 0 varningar i 7 filer."
    assert "\x1b[" not in result.stdout


def test_warnings_exit_0_but_1_with_strict(run_cli: Run, make_region: Callable[..., Path]) -> None:
    root = make_region(kommun=KLIPPAN.replace("    ansvarig: Enhetschef\n", ""))
    assert run_cli("validate", str(root)).exit_code == 0
    strict = run_cli("validate", "--strict", str(root))
    assert strict.exit_code == 1
    assert "fel: Aktiviteten A1 saknar ansvarig" in strict.stdout


def test_json_format(run_cli: Run, make_region: Callable[..., Path]) -> None:
    root = make_region(kommun=KLIPPAN.replace("mål: [M1]", "mål: [M7]"))
    result = run_cli("validate", "--format", "json", str(root))
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["format"] == 1
    assert doc["summary"] == {"errors": 1, "warnings": 1, "files": 7}
    first = doc["findings"][0]
    assert set(first) == {"file", "line", "column", "severity", "code", "message"}
    assert {(f["code"], f["severity"], f["line"]) for f in doc["findings"]} == {
        ("okant-mal", "error", 23),
        ("mal-utan-aktivitet", "warning", 13),
    }


def test_github_format_and_step_summary(
    run_cli: Run, make_region: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_region(kommun=KLIPPAN.replace("mål: [M1]", "mål: [M7]"))
    monkeypatch.chdir(tmp_path)
    summary = tmp_path / "summary.md"
    result = run_cli(
        "validate", "--format", "github", "region", env={"GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert result.exit_code == 1
    assert "::group::kommuner/klippan.yaml" in result.stdout
    assert (
        "::error file=region/kommuner/klippan.yaml,line=23,col=11,"
        "title=omstallning [okant-mal]::Aktiviteten A1"
    ) in result.stdout
    assert "::warning file=region/kommuner/klippan.yaml,line=13,col=5," in result.stdout
    table = summary.read_text(encoding="utf-8")
    assert "| `region/kommuner/klippan.yaml` | 23 | 11 | fel | `okant-mal` |" in table


def test_github_annotations_are_capped_and_the_rest_printed(
    run_cli: Run, make_region: Callable[..., Path]
) -> None:
    many = KLIPPAN.replace("mål: [M1]", "mål: [" + ", ".join(f"X{i}" for i in range(15)) + "]")
    result = run_cli("validate", "--format", "github", str(make_region(kommun=many)))
    assert result.stdout.count("::error ") == 10
    assert result.stdout.count(": fel: Aktiviteten A1 hänvisar") == 5
    assert "::notice title=omstallning::5 fynd visas inte" in result.stdout


def test_not_a_region_exits_2_with_a_swedish_message(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "är inget regionrepo" in result.stderr
    assert "Traceback" not in result.output


def test_usage_error_exits_2_in_swedish(run_cli: Run) -> None:
    result = run_cli("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "Fel: Ogiltigt värde för --format" in result.stderr


def test_internal_error_prints_a_short_message_not_a_traceback(
    run_cli: Run, make_region: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import omstallning.check.validate

    def boom(_: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(omstallning.check.validate, "validate_region", boom)
    monkeypatch.setitem(cli._state, "debug", False)
    result = run_cli("validate", str(make_region()))
    assert result.exit_code == cli.EXIT_INTERNAL
    assert "Internt fel i omstallning" in result.stderr and "--debug" in result.stderr
    assert "Traceback" not in result.output


def test_python_dash_m_works(make_region: Callable[..., Path]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "omstallning", "validate", str(make_region())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_no_colour_when_no_color_is_set(make_region: Callable[..., Path]) -> None:
    root = make_region(kommun=KLIPPAN.replace("mål: [M1]", "mål: [M7]"))
    proc = subprocess.run(
        [sys.executable, "-m", "omstallning", "validate", str(root)],
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "FORCE_COLOR": "", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout


def test_schema_command_writes_both_schemas(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("schema", "--out", str(tmp_path / "s"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "kommun.schema.json",
        "omstallning.schema.json",
    ]


def test_readme_documents_every_command_and_rule() -> None:
    from omstallning.check.rules import RULE_CODES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in (
        "omstallning new region",
        "omstallning new kommun",
        "omstallning validate",
        "omstallning build",
        "omstallning schema",
    ):
        assert command in readme, command
    for code in RULE_CODES:
        assert f"`{code}`" in readme, code

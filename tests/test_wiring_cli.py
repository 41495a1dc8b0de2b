"""The command line as a user meets it: every command reachable, and all of it in Swedish.

Issue 13 (minor 1, 2, 14), issue 16 (`inledning jamfor`) and the formats of `build`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omstallning.intro.compare import default_intro

from .conftest import EXAMPLE, REPO

Run = Callable[..., Any]

COMMANDS = [
    [],
    ["validate"],
    ["schema"],
    ["build"],
    ["status"],
    ["forhandsgranska"],
    ["new"],
    ["new", "region"],
    ["new", "kommun"],
    ["data"],
    ["data", "importera"],
    ["data", "hamta"],
    ["inledning"],
    ["inledning", "jamfor"],
]
BAD = [
    ["valdate"],
    ["new", "region", "x", "y"],
    ["validate", "a", "b"],
    ["build", "--sammanstalning"],
    ["new", "region"],
    ["data", "importera"],
    ["build", "--jobs", "två"],
    ["status", "--format", "xml"],
    ["inledning", "jamfor", "--ta-over"],
]
# What Typer and Click print in English, and Python's names for types.
ENGLISH = re.compile(
    r"Usage|COMMAND|ARGS|Did you mean|Got unexpected|Possible options|Missing argument|"
    r"Missing option|No such|Error|Invalid value|requires an argument|is not one of|"
    r"<list\[|<str>|<path>|<int>|<bool>|\[default|\bdefault\b|\brequired\b|Show this message|"
    r"\boptions?\b|\barguments\b|\bcommands?\b|\bdirectory\b|\bpath\b"
)


def _english(text: str) -> list[str]:
    return [m.group(0) for m in ENGLISH.finditer(text)]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "omstallning")
def test_every_help_is_swedish(command: list[str], run_cli: Run) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Användning: ")
    assert _english(result.output) == [], result.output


@pytest.mark.parametrize("args", BAD, ids=" ".join)
def test_every_usage_error_is_swedish(args: list[str], run_cli: Run) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert "Fel: " in result.stderr
    assert _english(result.output) == [], result.output


def test_the_suggestions_are_swedish(run_cli: Run) -> None:
    assert "Menade du validate?" in run_cli("valdate").stderr
    assert "Menade du --sammanstallning?" in run_cli("build", "--sammanstalning").stderr
    assert "Argumentet MAPP saknas." in run_cli("new", "region").stderr
    assert "Oväntade extra argument: y." in run_cli("new", "region", "x", "y").stderr


def test_help_does_not_repeat_defaults_or_cut_command_lines(run_cli: Run) -> None:
    helped = run_cli("build", "--help").stdout
    assert "Standard: aktuell mapp." in helped and "[standard: .]" not in helped
    listed = run_cli("--help").stdout
    assert "data " in listed and "inledning " in listed
    commands = listed.split("Kommandon:")[1]
    assert not [line for line in commands.splitlines() if line.rstrip().endswith("...")]


def test_the_subcommands_are_listed_as_a_user_types_them() -> None:
    proc = _run("--help")
    for name in ("validate", "build", "status", "new", "data", "inledning"):
        assert re.search(rf"^  {name} ", proc.stdout, re.M), name


def _run(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(REPO / "src"), **env}
    environ.pop("CI", None)
    return subprocess.run(
        [sys.executable, "-m", "omstallning", *args],
        capture_output=True,
        text=True,
        check=False,
        env=environ,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def test_debug_also_after_the_command(make_region: Callable[..., Path]) -> None:
    root = make_region()
    after = _run("validate", str(root), "--debug")
    assert after.returncode == 0, after.stderr
    assert "--debug" not in after.stderr
    # After `--` it is an argument like any other.
    assert _run("validate", "--", "--debug").returncode == 2


def test_new_kommun_without_a_terminal_says_what_is_missing(
    make_region: Callable[..., Path],
) -> None:
    root = make_region()
    proc = _run("new", "kommun", cwd=root)
    assert proc.returncode == 2
    assert "Argumentet NAMN saknas (kommunens namn)." in proc.stderr
    assert "omstallning new kommun Örkelljunga" in proc.stderr
    region = _run("new", "region", str(root / "ny"))
    assert region.returncode == 2 and '--namn saknas (regionens namn). Ange --namn "…".' in (
        region.stderr
    )


def test_yaml_syntax_messages_have_no_english_tail(
    make_region: Callable[..., Path], run_cli: Run
) -> None:
    root = make_region(kommuner__klippan_DOT_yaml="kommun: Klippan\n\tnämnd: x\nstatus: [\n")
    result = run_cli("validate", str(root))
    assert result.exit_code == 1
    assert "yaml-syntax" in result.stdout
    assert "(YAML:" not in result.stdout and "while scanning" not in result.stdout


def test_schemas_are_swedish(tmp_path: Path, run_cli: Run) -> None:
    assert run_cli("schema", "--out", str(tmp_path)).exit_code == 0
    for path in tmp_path.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        words = re.findall(r'"(?:title|description)": "([^"]*)"', text)
        english = [w for w in words if re.search(r"\b(the|of|one|A|An|How|Who|What)\b", w)]
        assert english == [], (path.name, english)
        titles = re.findall(r'"title": "([^"]*)"', text)
        assert not {"Section", "Intervention", "Utan Behovsprövning"} & set(titles), titles
        assert "Utan behovsprövning" in titles or path.name != "kommun.schema.json"


# --- inledning jamfor ----------------------------------------------------------------------


@pytest.fixture
def intro_region(make_region: Callable[..., Path]) -> Path:
    root = make_region()
    for name, text in default_intro().items():
        (root / "inledning" / name).write_text(text, encoding="utf-8")
    return root


def test_inledning_jamfor_shows_and_takes_over(intro_region: Path, run_cli: Run) -> None:
    shown = run_cli("inledning", "jamfor", str(intro_region))
    assert shown.exit_code == 0, shown.output
    assert "lika med standardtexten" in shown.stdout
    part = intro_region / "inledning" / "lagen.md"
    part.write_text(default_intro()["lagen.md"] + "\nVår egen rad.\n", encoding="utf-8")
    refused = run_cli("inledning", "jamfor", str(intro_region), "--ta-over", "lagen")
    assert refused.exit_code == 2
    assert "Fel: " in refused.stderr and "redigerad av regionen" in refused.stderr
    forced = run_cli("inledning", "jamfor", str(intro_region), "--ta-over", "lagen", "--force")
    assert forced.exit_code == 0 and "skrevs över" in forced.stdout
    assert "Vår egen rad." not in part.read_text(encoding="utf-8")


def test_inledning_jamfor_as_a_subprocess(tmp_path: Path) -> None:
    proc = _run("inledning", "jamfor", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert "inledning/" in proc.stdout
    outside = _run("inledning", "jamfor", str(tmp_path))
    assert outside.returncode == 2 and "är inget regionrepo" in outside.stderr


# --- build formats -------------------------------------------------------------------------


def test_pdf_without_libreoffice_stops_before_building(
    make_region: Callable[..., Path], run_cli: Run, tmp_path: Path
) -> None:
    root = make_region()
    out = tmp_path / "ut"
    missing = {"OMSTALLNING_SOFFICE": str(tmp_path / "ingen-soffice"), "PATH": str(tmp_path)}
    result = run_cli("build", str(root), "--format", "pdf", "--out", str(out), env=missing)
    assert result.exit_code == 2, result.output
    assert "LibreOffice" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_formats_offered_by_build(run_cli: Run) -> None:
    helped = run_cli("build", "--help").stdout
    assert "[docx|md|html|pdf|all]" in helped
    from omstallning.model import EXPORT_FORMATS

    assert set(EXPORT_FORMATS) == {"docx", "md", "html", "pdf"}


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_build_into_a_new_folder_outside_the_region(
    fmt: str, make_region: Callable[..., Path], run_cli: Run, tmp_path: Path
) -> None:
    # `--format html` writes into html/ below --out; a fresh --out (outside the region, as a
    # CI job writes to its artifact folder) is created first, for every format.
    root = make_region()
    out = tmp_path / "ny" / "ut"
    result = run_cli("build", str(root), "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.rglob(f"*.{fmt}"))
    assert written and "Traceback" not in result.output

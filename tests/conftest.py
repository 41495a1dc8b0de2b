"""Shared fixtures: a small valid region to mutate, a CLI runner with pinned consoles."""

from __future__ import annotations

import concurrent.futures
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from omstallning.cli import main as cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "nordvastra-skane"

CONFIG = """\
region: Testregionen
plan:
  titel: Omställningsplan – ny socialtjänstlag
  period: {start: 2025, slut: 2028}
inledning: [syfte, lagen, angransande_lagstiftning, tidiga_insatser]
krav:
  avsnitt: [nulage, samverkan]
  mål: true
  aktiviteter: true
export:
  format: [docx, md]
"""

INTRO = {
    "syfte": "Inledning och syfte",
    "lagen": "Den nya socialtjänstlagen",
    "angransande_lagstiftning": "Angränsande lagstiftning",
    "tidiga_insatser": "Tidiga insatser",
}

SOURCES = """\
sol2025:
  titel: Socialtjänstlag (2025:400)
  typ: sfs
  url: https://www.riksdagen.se/
prop2025: Prop. 2024/25:89 En förebyggande socialtjänstlag
"""

KLIPPAN = """\
kommun: Klippan
kommunkod: "1276"
nämnd: Socialnämnden
status: utkast
version: "0.3"
avsnitt:
  - id: nulage
    text: |
      Nuläget enligt [@sol2025].
  - id: samverkan
    text: Vi samverkar.
mål:
  - id: M1
    rubrik: Fler får stöd tidigt
    indikatorer:
      - namn: Andel
        utgångsvärde: 10 %
        målvärde: 30 %
        år: 2027
aktiviteter:
  - id: A1
    rubrik: Öppna en mottagning
    mål: [M1]
    ansvarig: Enhetschef
    start: 2025-09
    slut: 2026-06
    status: pågår
insatser:
  - namn: Råd- och stödsamtal
    område: barn_och_unga
    nivå: selektiv
    utan_behovsprövning: true
samverkan:
  - part: Elevhälsan
    form: Skolsociala team
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: content} under root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def documents(folder: Path) -> list[str]:
    """The names of the documents in an output folder, sorted; not the build manifest."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def region_files(**overrides: str | bytes | None) -> dict[str, str | bytes]:
    """The files of a small valid region; keyword overrides replace (or, with None, drop) files.

    Keys use `__` for `/` and `_DOT_` for `.`: kommuner__klippan_DOT_yaml.
    """
    files: dict[str, str | bytes] = {
        "omstallning.yaml": CONFIG,
        "kallor.yaml": SOURCES,
        "kommuner/klippan.yaml": KLIPPAN,
    }
    for part_id, title in INTRO.items():
        files[f"inledning/{part_id}.md"] = (
            f"---\nid: {part_id}\nrubrik: {title}\n---\nText om {title}.\n"
        )
    for key, value in overrides.items():
        rel = key.replace("__", "/").replace("_DOT_", ".")
        if value is None:
            files.pop(rel, None)
        else:
            files[rel] = value
    return files


@pytest.fixture
def make_region(tmp_path: Path) -> Callable[..., Path]:
    """Build a region in a temporary folder: make_region(kommun=..., **overrides)."""

    def make(kommun: str | None = None, **overrides: str | bytes | None) -> Path:
        root = tmp_path / "region"
        if kommun is not None:
            overrides["kommuner__klippan_DOT_yaml"] = textwrap.dedent(kommun)
        return write_tree(root, region_files(**overrides))

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the current output.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def pinned_consoles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Plain, wide consoles so output neither wraps nor carries ANSI codes (also in CI)."""
    import typer.rich_utils

    monkeypatch.setattr(typer.rich_utils, "FORCE_TERMINAL", False, raising=False)
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", 200, raising=False)
    monkeypatch.setattr(
        cli, "out", Console(force_terminal=False, width=200, highlight=False, soft_wrap=True)
    )
    monkeypatch.setattr(
        cli,
        "err",
        Console(stderr=True, force_terminal=False, width=200, highlight=False, soft_wrap=True),
    )
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield


@pytest.fixture
def run_cli() -> Callable[..., object]:
    """Run the CLI as a user would; bugs surface as exceptions, not exit codes."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> object:
        return runner.invoke(cli.app, list(args), catch_exceptions=False, env=env)

    return run


@pytest.fixture
def no_processes(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to make starting a worker process fail, as in a sandbox that forbids them."""

    class NoProcesses:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def submit(self, *args: Any) -> Any:
            raise PermissionError(1, "Operation not permitted")

        def shutdown(self, **kwargs: Any) -> None:
            pass

    def forbid() -> None:
        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoProcesses)

    return forbid

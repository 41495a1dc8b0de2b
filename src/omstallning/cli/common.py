"""What the command modules of the CLI share: consoles, exit codes, error handling, options.

The consoles live in `cli.main` (`main.out`, `main.err`), where the tests replace them; the
commands here reach them through `out()` and `err()` at call time, so that every module prints
to the same, replaceable console.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
OPTIONS_METAVAR = "[FLAGGOR]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARGUMENT]..."
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}

state = {"debug": os.environ.get("OMSTALLNING_DEBUG", "") not in ("", "0")}

F = TypeVar("F", bound=Callable[..., Any])


def out() -> Console:
    """The console for results (stdout): `cli.main.out`."""
    from omstallning.cli import main

    return main.out


def err() -> Console:
    """The console for errors and progress (stderr): `cli.main.err`."""
    from omstallning.cli import main

    return main.err


def say(line: str) -> None:
    """Print one line of results, as it is (no markup)."""
    out().print(line, markup=False)


def warn(line: str) -> None:
    """Print one line on stderr, as it is (no markup)."""
    err().print(line, markup=False)


def sub_app(help_text: str) -> typer.Typer:
    """A group of subcommands (`new`, `data`, `inledning`) with Swedish usage words."""
    return typer.Typer(
        help=help_text,
        context_settings=HELP_OPTIONS,
        no_args_is_help=True,
        rich_markup_mode=None,
        options_metavar=OPTIONS_METAVAR,
        subcommand_metavar=SUBCOMMAND_METAVAR,
    )


def handle_errors(fn: F) -> F:
    """Turn stops into one Swedish line and bugs into a short message instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from omstallning.errors import OmstallningError, UsageError

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except UsageError as exc:
            warn(f"Fel: {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        except OmstallningError as exc:
            warn(f"Fel: {exc}")
            raise typer.Exit(EXIT_FINDINGS) from None
        except KeyboardInterrupt as exc:
            from omstallning.interrupt import exit_status

            warn("Avbrutet. Inga halvfärdiga filer lämnades kvar.")
            raise typer.Exit(exit_status(exc)) from None
        except Exception:
            if state["debug"]:
                raise
            kind = sys.exc_info()[0]
            name = kind.__name__ if kind else "fel"
            warn(
                f"Internt fel i omstallning ({name}). Det är ett fel i verktyget, inte i dina "
                "filer. Kör samma kommando igen med --debug och skicka utskriften till den som "
                "förvaltar verktyget."
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


PathArg = Annotated[
    Path,
    typer.Argument(
        metavar="MAPP",
        help="Regionens mapp (där omstallning.yaml ligger). Standard: aktuell mapp.",
        show_default=False,
    ),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Visa vad som skulle skrivas, men skriv inget.")
]

_FORMAT_HELP = {
    "validate": "Utdata: text (för människor), json eller github (anteckningar i GitHub Actions).",
    "build": "docx, md, html (webbplats i build/html/), pdf (tillgänglig PDF/A och PDF/UA via "
    "LibreOffice; Word-filen skrivs också, med sidnummer i innehållsförteckningen) eller all "
    "(docx och md). Standard: export.format i omstallning.yaml, annars docx.",
    "status": "Utdata: text (tabell), md (Markdown, t.ex. till $GITHUB_STEP_SUMMARY) eller json.",
}


def format_option(command: str) -> Any:
    """The --format/-f option of a command."""
    return typer.Option("--format", "-f", help=_FORMAT_HELP[command], show_default=False)


def line_source(root: Path) -> Callable[[str, int], str | None]:
    """The lines of the region's files, for the source line under each finding."""
    cache: dict[str, list[str]] = {}

    def line(file: str, number: int) -> str | None:
        if file not in cache:
            from omstallning.load.safe_read import text_lines

            cache[file] = text_lines(root / file)
        lines = cache[file]
        return lines[number - 1] if 0 < number <= len(lines) else None

    return line


def print_segments(lines: list[list[tuple[str, str | None]]], console: Console) -> None:
    """Print `report.format_text` lines."""
    from rich.text import Text

    for line in lines:
        console.print(Text.assemble(*[(t, s or "") for t, s in line]), markup=False)


def region_path(path: Path) -> Path:
    """The region a command works on: `path` itself, or the region it lies inside.

    Users run commands from a folder inside the repo (`kommuner/`), as well as from its root.
    """
    from omstallning.load.discover import find_target

    return find_target([path]).root


def validate_region(path: Path, workers: Any = None, cache: Any = None) -> tuple[Any, list[Any]]:
    """`check.validate.validate_region` with garbage collection held off, in `workers`.

    Without `workers`, one per core is started for this check alone. Loading a large
    region creates millions of objects that live until the process ends (290 plans: some
    3 million); each collection while they pile up walks them all again, which made
    validate more than twice as slow. They are frozen afterwards, so later collections
    (while documents are rendered) skip them too.
    """
    import gc

    from omstallning.check import validate as check
    from omstallning.workers import Workers, default_jobs

    enabled = gc.isenabled()
    gc.disable()
    try:
        if workers is not None:
            return check.validate_region(path, workers, cache)
        with Workers(default_jobs()) as own:
            return check.validate_region(path, own, cache)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()

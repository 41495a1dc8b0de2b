"""The command line: `omstallning new | validate | build | status | schema`.

The only module that prints or knows about exit codes. Each command resolves its options,
calls one function from the library and reports the result. Heavy imports (pydantic,
python-docx, the renderers) happen inside the commands, so that `--help` and `--version`
stay fast.
"""

from __future__ import annotations

import enum
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from . import __version__, typer_sv

typer_sv.install()

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="omstallning",
    help="Omställningsplaner för den nya socialtjänstlagen (SFS 2025:400): skapa ett "
    "regionrepo, validera det och bygg varje kommuns plan som Word-dokument och Markdown.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    options_metavar="[FLAGGOR]",
)
new_app = typer.Typer(
    help="Skapa ett nytt regionrepo eller lägg till en kommun.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode=None,
    options_metavar="[FLAGGOR]",
)
app.add_typer(new_app, name="new")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

_state = {"debug": os.environ.get("OMSTALLNING_DEBUG", "") not in ("", "0")}

F = TypeVar("F", bound=Callable[..., Any])


def _handle_errors(fn: F) -> F:
    """Turn stops into one Swedish line and bugs into a short message instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import NotARegionError, OmstallningError

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except NotARegionError as exc:
            err.print(f"Fel: {exc}", markup=False)
            raise typer.Exit(EXIT_USAGE) from None
        except OmstallningError as exc:
            err.print(f"Fel: {exc}", markup=False)
            raise typer.Exit(EXIT_FINDINGS) from None
        except KeyboardInterrupt:
            err.print("Avbrutet.", markup=False)
            raise typer.Exit(130) from None
        except Exception:
            if _state["debug"]:
                raise
            kind = sys.exc_info()[0]
            name = kind.__name__ if kind else "fel"
            err.print(
                f"Internt fel i omstallning ({name}). Det är ett fel i verktyget, inte i dina "
                "filer. Kör samma kommando igen med --debug och skicka utskriften till den som "
                "förvaltar verktyget.",
                markup=False,
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        out.print(f"omstallning {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Visa versionen och avsluta."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Visa hela felspåret vid interna fel (för felsökning)."),
    ] = False,
) -> None:
    """Omställningsplaner för den nya socialtjänstlagen."""
    if debug:
        _state["debug"] = True


class ValidateFormat(str, enum.Enum):
    """Output formats of `validate`."""

    text = "text"
    json = "json"
    github = "github"


def _line_source(root: Path) -> Callable[[str, int], str | None]:
    cache: dict[str, list[str]] = {}

    def line(file: str, number: int) -> str | None:
        if file not in cache:
            try:
                text = (root / file).read_bytes().decode("utf-8-sig")
                cache[file] = text.replace("\r\n", "\n").split("\n")
            except (OSError, UnicodeDecodeError):
                cache[file] = []
        lines = cache[file]
        return lines[number - 1] if 0 < number <= len(lines) else None

    return line


def _region_prefix(root: Path) -> str:
    base = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    try:
        rel = root.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        rel = root.as_posix()
    return "" if rel in ("", ".") else rel.rstrip("/") + "/"


def _print_segments(lines: list[list[tuple[str, str | None]]], console: Console) -> None:
    for line in lines:
        console.print(Text.assemble(*[(t, s or "") for t, s in line]), markup=False)


PathArg = Annotated[
    Path,
    typer.Argument(help="Regionens mapp (där omstallning.yaml ligger). Standard: aktuell mapp."),
]


@app.command(options_metavar="[FLAGGOR]")
@_handle_errors
def validate(
    path: PathArg = Path("."),
    format: Annotated[
        ValidateFormat,
        typer.Option("--format", "-f", help="Utdata: text (för människor), json eller github (anteckningar i GitHub Actions)."),
    ] = ValidateFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Behandla varningar som fel (slutstatus 1).")
    ] = False,
) -> None:
    """Kontrollera hela regionrepot och visa varje problem med fil, rad och kolumn.

    Slutstatus: 0 inga fel, 1 fel (eller varningar med --strict), 2 felaktigt anrop eller en
    mapp som inte är ett regionrepo.

    Exempel: omstallning validate examples/nordvastra-skane --format github
    """
    from . import report
    from .findings import Finding, Severity
    from .rules import validate_region

    result, findings = validate_region(path)
    if strict:
        findings = [Finding(f.file, f.line, f.column, f.code, Severity.ERROR, f.message)
                    if not f.is_error else f for f in findings]
    files = len(set(result.maps) | {f.file for f in findings} | {p.file for p in result.region.intro_parts}
                | {m.file for m in result.region.municipalities})
    if format is ValidateFormat.json:
        sys.stdout.write(report.format_json(findings, files))
    elif format is ValidateFormat.github:
        prefix = _region_prefix(path)
        sys.stdout.write(report.format_github(findings, files, prefix))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            try:
                with open(summary, "a", encoding="utf-8") as fh:
                    fh.write(report.format_markdown(findings, files, prefix))
            except OSError as exc:
                err.print(f"Varning: kunde inte skriva jobbsammanfattningen ({exc}).", markup=False)
    else:
        _print_segments(report.format_text(findings, files, _line_source(path)), out)
    if any(f.is_error for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command(options_metavar="[FLAGGOR]")
@_handle_errors
def schema(
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Mapp att skriva schemafilerna i. Standard: schemas/.")
    ] = Path("schemas"),
) -> None:
    """Skriv JSON-scheman för omstallning.yaml och kommunfilerna.

    Redigerare med YAML-stöd (t.ex. VS Code med tillägget YAML) använder dem för att
    komplettera nycklar och visa fel medan du skriver.

    Exempel: omstallning schema --out schemas
    """
    from .schema import render_schemas
    from .writing import write_text_atomic

    for name, text in render_schemas().items():
        target = out_dir / name
        write_text_atomic(target, text)
        out.print(f"Skrev {target}", markup=False)


def main() -> None:
    """Entry point of the console script and `python -m omstallning`."""
    app()

"""The command line: `omstallning new | validate | build | status | schema | data | inledning`.

The only package that prints or knows about exit codes. Each command resolves its options,
calls one function from the library and reports the result. Heavy imports (pydantic,
python-docx, the renderers) happen inside the commands, so that `--help` and `--version`
stay fast. This module holds the application, its consoles and the checking commands; the
others are in `cli.build`, `cli.new`, `cli.data`, `cli.intro` and `cli.preview`.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from omstallning import __version__
from omstallning.cli import build as _build
from omstallning.cli import preview as _preview
from omstallning.cli import typer_sv
from omstallning.cli.common import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    HELP_OPTIONS,
    OPTIONS_METAVAR,
    SUBCOMMAND_METAVAR,
    PathArg,
    format_option,
    handle_errors,
    line_source,
    print_segments,
    region_path,
    validate_region,
)
from omstallning.cli.common import state as _state
from omstallning.cli.data import data_app
from omstallning.cli.intro import intro_app
from omstallning.cli.new import new_app

typer_sv.install()

__all__ = ["EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "app", "main"]

app = typer.Typer(
    name="omstallning",
    help="Omställningsplaner för den nya socialtjänstlagen (SFS 2025:400): skapa ett "
    "regionrepo, validera det och bygg varje kommuns plan som Word-dokument och Markdown.",
    context_settings=HELP_OPTIONS,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    options_metavar=OPTIONS_METAVAR,
    subcommand_metavar=SUBCOMMAND_METAVAR,
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"omstallning {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Visa versionen och avsluta."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Visa hela felspåret vid interna fel (för felsökning). Går också att skriva "
            "efter kommandot.",
        ),
    ] = False,
) -> None:
    """Omställningsplaner för den nya socialtjänstlagen."""
    if debug:
        _state["debug"] = True


class ValidateFormat(enum.StrEnum):
    """Output formats of `validate`."""

    text = "text"
    json = "json"
    github = "github"


def _region_prefix(root: Path) -> str:
    base = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    try:
        rel = root.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        rel = root.as_posix()
    return "" if rel in ("", ".") else rel.rstrip("/") + "/"


@app.command(
    options_metavar=OPTIONS_METAVAR,
    short_help="Kontrollera regionrepot: varje problem med fil, rad och kolumn.",
)
@handle_errors
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[MAPP|FIL]...",
            help="Regionens mapp, en mapp i den, eller filer i den (som pre-commit skickar): "
            "då visas fynden för de filerna. Standard: aktuell mapp.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[ValidateFormat, format_option("validate")] = ValidateFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Behandla varningar som fel (slutstatus 1).")
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Rätta inklistrade tecken från Word först (hårda mellanslag, ” ” runt värden, "
            "•-punkter) och visa varje ändring.",
        ),
    ] = False,
) -> None:
    """Kontrollera hela regionrepot och visa varje problem med fil, rad och kolumn.

    Slutstatus: 0 inga fel, 1 fel (eller varningar med --strict), 2 felaktigt anrop eller en
    mapp som inte är ett regionrepo.

    Exempel: omstallning validate examples/nordvastra-skane --format github
    """
    from omstallning.findings import Finding, Severity
    from omstallning.load.discover import find_target

    target = find_target(paths or [])
    path = target.root
    if fix:
        _fix_pasted(path)
    from omstallning.check.file_cache import validate_cache

    # Read only: validate writes nothing (a check in CI or pre-commit leaves the tree as it was).
    cache = validate_cache(path)
    result, findings = validate_region(path, cache=cache)
    findings = [f for f in findings if target.wants(f.file)]
    if strict:
        findings = [
            Finding(f.file, f.line, f.column, f.code, Severity.ERROR, f.message)
            if not f.is_error
            else f
            for f in findings
        ]
    files = len(target.files) or len(
        set(result.maps)
        | {f.file for f in findings}
        | {p.file for p in result.region.intro_parts}
        | {m.file for m in result.region.municipalities}
    )
    _print_validation(path, format, findings, files)
    if any(f.is_error for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


def _print_validation(path: Path, format: ValidateFormat, findings: list, files: int) -> None:  # type: ignore[type-arg]
    from omstallning.check import report

    if format is ValidateFormat.json:
        sys.stdout.write(report.format_json(findings, files))
    elif format is ValidateFormat.github:
        prefix = _region_prefix(path)
        sys.stdout.write(report.format_github(findings, files, prefix))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            try:
                with Path(summary).open("a", encoding="utf-8") as fh:
                    fh.write(report.format_markdown(findings, files, prefix))
            except OSError as exc:
                err.print(f"Varning: kunde inte skriva jobbsammanfattningen ({exc}).", markup=False)
    else:
        print_segments(report.format_text(findings, files, line_source(path)), out)


def _fix_pasted(path: Path) -> None:
    """`validate --fix`: repair pasted-text slips, and say what changed (on stderr)."""
    from omstallning.load.fix import fix_region

    if not (path / "omstallning.yaml").is_file():
        return  # validation says why this is no region
    fixes = fix_region(path)
    for fixed in fixes:
        for change in fixed.changes:
            err.print(change.shown(), markup=False, highlight=False, soft_wrap=True)
        if fixed.refused:
            err.print(f"{fixed.file}: rättades inte: {fixed.refused}.", markup=False)
    changed = sum(1 for f in fixes if f.changes)
    from omstallning.check.report import plural

    err.print(f"--fix: ändrade {plural(changed, 'fil', 'filer')}.", markup=False)


@app.command(
    options_metavar=OPTIONS_METAVAR,
    short_help="Skriv JSON-scheman för redigerare med YAML-stöd.",
)
@handle_errors
def schema(
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            metavar="MAPP",
            help="Mapp att skriva schemafilerna i. Standard: schemas/.",
            show_default=False,
        ),
    ] = Path("schemas"),
) -> None:
    """Skriv JSON-scheman för omstallning.yaml och kommunfilerna.

    Redigerare med YAML-stöd (t.ex. VS Code med tillägget YAML) använder dem för att
    komplettera nycklar och visa fel medan du skriver.

    Exempel: omstallning schema --out schemas
    """
    from omstallning.commands.schema import render_schemas
    from omstallning.writers.files import write_text_atomic

    for name, text in render_schemas().items():
        target = out_dir / name
        write_text_atomic(target, text)
        out.print(f"Skrev {target}", markup=False)


_build.register(app)


class StatusFormat(enum.StrEnum):
    """Output formats of `status`."""

    text = "text"
    md = "md"
    json = "json"


@app.command(
    options_metavar=OPTIONS_METAVAR,
    short_help="Visa läget i regionen: en rad per kommun.",
)
@handle_errors
def status(
    path: PathArg = Path(),
    format: Annotated[StatusFormat, format_option("status")] = StatusFormat.text,
) -> None:
    """Visa läget i regionen: en rad per kommun och vad som saknas i varje plan.

    Status, version, om planen ändrats sedan den senast beslutade versionen, skrivna
    avsnitt, mål, aktiviteter per status, insatser, fel, varningar och en kvalitetssiffra;
    under tabellen vad som saknas, en passerad revideringsdag och indikatorer utan värde
    för den senaste perioden. En kommunfil som inte går att läsa visas med status fel.
    Slutstatus 0 även när filerna har fel (validate visar dem), 2 för en mapp som inte är
    ett regionrepo. Slutdatum jämförs med dagens datum (SOURCE_DATE_EPOCH om den är satt).

    Exempel: omstallning status --format md >> "$GITHUB_STEP_SUMMARY"
    """
    path = region_path(path)
    from omstallning.commands import status as overview

    result, findings = validate_region(path)
    report = overview.region_status(result, findings, overview.reference_date())
    if format is StatusFormat.json:
        sys.stdout.write(overview.format_json(report))
    elif format is StatusFormat.md:
        sys.stdout.write(overview.format_markdown(report))
    else:
        sys.stdout.write(overview.format_text(report, overview.terminal_width()))


_preview.register(app)
app.add_typer(new_app, name="new")
app.add_typer(data_app, name="data", short_help="Utfall: importera en tabell, hämta från Kolada.")
app.add_typer(intro_app, name="inledning", short_help="Jämför inledningen med standardtexten.")


def debug_anywhere(args: list[str]) -> list[str]:
    """`--debug` also after the command (`omstallning build --debug`): the arguments without it.

    Only before a `--`, after which every word is an argument.
    """
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    _state["debug"] = True
    return [a for a in args[:end] if a != "--debug"] + args[end:]


def main() -> None:
    """Entry point of the console script and `python -m omstallning`."""
    from omstallning import interrupt

    interrupt.install()  # SIGTERM like Ctrl-C; never a crash on what stdout cannot encode
    app(args=debug_anywhere(sys.argv[1:]))

"""The command line: `omstallning new | validate | build | status | schema`.

The only module that prints or knows about exit codes. Each command resolves its options,
calls one function from the library and reports the result. Heavy imports (pydantic,
python-docx, the renderers) happen inside the commands, so that `--help` and `--version`
stay fast.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from omstallning import __version__
from omstallning.cli import typer_sv

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
        from omstallning.errors import OmstallningError, UsageError

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except UsageError as exc:
            err.print(f"Fel: {exc}", markup=False)
            raise typer.Exit(EXIT_USAGE) from None
        except OmstallningError as exc:
            err.print(f"Fel: {exc}", markup=False)
            raise typer.Exit(EXIT_FINDINGS) from None
        except KeyboardInterrupt as exc:
            from omstallning.interrupt import exit_status

            err.print("Avbrutet. Inga halvfärdiga filer lämnades kvar.", markup=False)
            raise typer.Exit(exit_status(exc)) from None
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
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Visa versionen och avsluta."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Visa hela felspåret vid interna fel (för felsökning)."),
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
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Visa vad som skulle skrivas, men skriv inget.")
]


_FORMAT_HELP = {
    "validate": "Utdata: text (för människor), json eller github (anteckningar i GitHub Actions).",
    "build": "docx, md eller all. Standard: export.format i omstallning.yaml, annars docx.",
    "status": "Utdata: text (tabell), md (Markdown, t.ex. till $GITHUB_STEP_SUMMARY) eller json.",
}


def _format_option(command: str) -> Any:
    """The --format/-f option of a command."""
    return typer.Option("--format", "-f", help=_FORMAT_HELP[command])


@contextlib.contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[str], None] | None]:
    """A bar on a terminal while two plans or more build; yields what each finished plan calls.

    rich.progress is imported only then: it is 10 ms of a one-plan build.
    """
    if total < 2 or not err.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("Bygger", total=total)
        yield lambda slug: bar.update(task, advance=1, description=slug)


def _validate_region(path: Path, workers: Any = None) -> tuple[Any, list[Any]]:
    """`rules.validate_region` with garbage collection held off, in `workers`.

    Without `workers`, one per core is started for this check alone. Loading a large
    region creates millions of objects that live until the process ends (290 plans: some
    3 million); each collection while they pile up walks them all again, which made
    validate more than twice as slow. They are frozen afterwards, so later collections
    (while documents are rendered) skip them too.
    """
    import gc

    from omstallning.check.validate import validate_region
    from omstallning.workers import Workers, default_jobs

    enabled = gc.isenabled()
    gc.disable()
    try:
        if workers is not None:
            return validate_region(path, workers)
        with Workers(default_jobs()) as own:
            return validate_region(path, own)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@app.command(options_metavar="[FLAGGOR]")
@_handle_errors
def validate(
    path: PathArg = Path(),
    format: Annotated[ValidateFormat, _format_option("validate")] = ValidateFormat.text,
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
    from omstallning.check import report
    from omstallning.findings import Finding, Severity

    if fix:
        _fix_pasted(path)
    result, findings = _validate_region(path)
    if strict:
        findings = [
            Finding(f.file, f.line, f.column, f.code, Severity.ERROR, f.message)
            if not f.is_error
            else f
            for f in findings
        ]
    files = len(
        set(result.maps)
        | {f.file for f in findings}
        | {p.file for p in result.region.intro_parts}
        | {m.file for m in result.region.municipalities}
    )
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
        _print_segments(report.format_text(findings, files, _line_source(path)), out)
    if any(f.is_error for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


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
    err.print(f"--fix: ändrade {changed} fil(er).", markup=False)


@app.command(options_metavar="[FLAGGOR]")
@_handle_errors
def schema(
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", help="Mapp att skriva schemafilerna i. Standard: schemas/."),
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


class BuildFormat(enum.StrEnum):
    """Output formats of `build`."""

    docx = "docx"
    md = "md"
    all = "all"


def _print_findings(findings: list[Any], files: int, root: Path, console: Console) -> None:
    from omstallning.check import report

    _print_segments(report.format_text(findings, files, _line_source(root)), console)


@app.command(options_metavar="[FLAGGOR]")
@_handle_errors
def build(
    path: PathArg = Path(),
    kommun: Annotated[
        list[str] | None,
        typer.Option(
            "--kommun", "-k", help="Bygg bara den här kommunen (slug eller namn). Kan upprepas."
        ),
    ] = None,
    format: Annotated[BuildFormat | None, _format_option("build")] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Mapp för dokumenten. Standard: build/ i regionens mapp."),
    ] = None,
    sammanstallning: Annotated[
        bool,
        typer.Option(
            "--sammanstallning",
            help="Skriv också regionens sammanställning (sammanstallning.docx/.md) över alla "
            "kommuner: status, insatser per område, tidsplan, mål och gemensamma insatser.",
        ),
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            metavar="ANTAL",
            help="Antal dokument som byggs samtidigt. Standard: alla processorkärnor.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Bygg om alla dokument, även de vars indata inte har ändrats sedan förra bygget.",
        ),
    ] = False,
    beslutsbilaga: Annotated[
        bool,
        typer.Option(
            "--beslutsbilaga",
            help="Bygg även beslutsbilagan (<kommun>-beslutsbilaga): insatser som erbjuds utan "
            "individuell behovsprövning.",
        ),
    ] = False,
    jamfor: Annotated[
        str | None,
        typer.Option(
            "--jamfor",
            metavar="REF",
            help="Jämför med en tidigare version: en tagg, gren eller commit, eller en mapp med "
            "en annan kopia av repot. Skriver <kommun>-andringar och en ändringsbilaga i planen.",
        ),
    ] = None,
    spara_andringar: Annotated[
        bool,
        typer.Option(
            "--spara-andringar",
            help="Skriv också planen med ändringarna som spårade ändringar i Word "
            "(<kommun>-sparade-andringar.docx). Kräver --jamfor.",
        ),
    ] = False,
    uppfoljning: Annotated[
        str | None,
        typer.Option(
            "--uppfoljning",
            metavar="PERIOD",
            help="Skriv uppföljningsrapporten för perioden (2026, 2026H1, 2026T2, 2026K3): "
            "<kommun>-uppfoljning-<period>.",
        ),
    ] = None,
) -> None:
    """Bygg varje kommuns plan som Word-dokument (DOCX) och/eller Markdown.

    Kontrollerar först hela repot. Varje kommun utan fel i sin egen fil byggs; en kommun
    med fel byggs inte (förra bygget ligger kvar), felen visas och slutstatus blir 1. Fel i
    de gemensamma filerna stoppar allt. Med --kommun räknas bara de valda kommunerna. Varje
    kommun ger build/<kommun>.docx och/eller build/<kommun>.md. Dokument vars indata inte
    har ändrats sedan förra bygget byggs inte om (se --force).

    Exempel: omstallning build examples/nordvastra-skane --kommun klippan
    """
    from omstallning.commands.build import build_plans
    from omstallning.commands.build_options import build_options
    from omstallning.commands.build_selection import without
    from omstallning.workers import Workers, default_jobs

    if jobs is not None and jobs < 1:
        err.print(f"Fel: --jobs ska vara 1 eller fler, inte {jobs}.", markup=False)
        raise typer.Exit(EXIT_USAGE)
    # One set of worker processes loads the municipalities and then renders their plans.
    with Workers(jobs or default_jobs()) as workers:
        loaded_at = time.time()  # edits saved after this are built again next time
        result, findings, chosen = _validate_for_build(path, workers, kommun or [])
        region = result.region
        formats = _formats(format, region)
        entries = chosen.entries
        if not entries and chosen.broken:
            _stop_build(chosen.broken_errors, path, chosen.left_out_note(built_any=False))
        if not entries:
            err.print(
                "Regionen har inga kommuner att bygga. Lägg till en med "
                "”omstallning new kommun NAMN”.",
                markup=False,
            )
            raise typer.Exit(EXIT_FINDINGS)
        target = out_dir if out_dir is not None else path / "build"
        options = build_options(
            region,
            entries,
            decision_appendix=beslutsbilaga,
            compare=jamfor,
            tracked=spara_andringar,
            followup=uppfoljning,
        )
        overview = None
        removed: list[Path] = []
        if sammanstallning:
            from omstallning.commands.status import reference_date, region_status

            overview = region_status(result, findings, reference_date())
        with _progress_bar(len(entries)) as advance:
            built = build_plans(
                without(region, [*chosen.broken, *chosen.others_broken]),
                entries,
                formats,
                target,
                advance,
                workers=workers,
                force=force,
                status=overview,
                options=options.values,
                extra=options.extra,
                trusted_out=out_dir is not None,
                loaded_at=loaded_at,
                warn=lambda message: err.print(f"Varning: {message}", markup=False),
                removed=removed,
            )
        _report_built(built, sum(not f.is_error for f in findings), removed)
        _changes_to_job_summary(region, options.comparison, entries)
        if chosen.broken:
            _stop_build(chosen.broken_errors, path, chosen.left_out_note(built_any=True))


def _validate_for_build(path: Path, workers: Any, wanted: list[str]) -> tuple[Any, list[Any], Any]:
    """The loaded region, its findings and what to build; exits on errors in shared files."""
    from omstallning.commands.build_selection import SHARED_STOP, select_for_build

    result, findings = _validate_region(path, workers)
    chosen = select_for_build(result.region, findings, wanted)
    if chosen.shared_errors:
        _stop_build(chosen.shared_errors, path, SHARED_STOP)
    if chosen.others_note:
        err.print(chosen.others_note, markup=False)
    result.forget_positions()  # findings are printed; rendering needs none
    return result, findings, chosen


def _stop_build(errors: list[Any], root: Path, note: str) -> None:
    """Print the errors that stop (part of) a build, their count and `note`; exit 1."""
    from omstallning.check import report
    from omstallning.commands.build_selection import error_count

    _print_segments(report.format_text(errors, 0, _line_source(root))[:-1], err)
    err.print(f"{error_count(errors)}\n{note}", markup=False)
    raise typer.Exit(EXIT_FINDINGS)


def _formats(format: BuildFormat | None, region: Any) -> list[str]:
    """The formats asked for with --format, else those of omstallning.yaml, else DOCX."""
    if format is None:
        return list(region.config.export.formats) or ["docx"]
    return ["docx", "md"] if format is BuildFormat.all else [format.value]


def _changes_to_job_summary(region: Any, comparison: Any, entries: list[Any]) -> None:
    """With --jamfor in GitHub Actions, the change lists go into the job's summary too."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if comparison is None or not summary:
        return
    from omstallning.commands.compare import job_summary

    with contextlib.suppress(OSError), Path(summary).open("a", encoding="utf-8") as stream:
        stream.write(job_summary(region, comparison, entries))


def _report_built(built: list[Any], warnings: int, removed: list[Path] | None = None) -> None:
    from omstallning.check.report import plural

    note = f" – {plural(warnings, 'varning', 'varningar')}, se omstallning validate"
    regional = [b for b in built if b.kind == "sammanstallning"]
    built = [b for b in built if b.kind != "sammanstallning"]
    written = [b for b in built if not b.skipped]
    unchanged = len(built) - len(written)
    them = "den" if unchanged == 1 else "dem"
    kept = f", {plural(unchanged, 'oförändrad', 'oförändrade')} (--force bygger om {them})"
    out.print(
        f"Skrev {plural(len(written), 'fil', 'filer')}{kept if unchanged else ''}"
        f"{note if warnings else ''}" + (":" if written else "."),
        markup=False,
    )
    for b in written:
        out.print(f"  {b.path}", markup=False)
    if regional:
        out.print("Skrev sammanställningen:", markup=False)
        for b in regional:
            out.print(f"  {b.path}", markup=False)
    if removed:
        out.print(
            f"Tog bort {plural(len(removed), 'fil', 'filer')} för kommuner som inte längre finns:",
            markup=False,
        )
        for path in removed:
            out.print(f"  {path}", markup=False)


class StatusFormat(enum.StrEnum):
    """Output formats of `status`."""

    text = "text"
    md = "md"
    json = "json"


@app.command(options_metavar="[FLAGGOR]")
@_handle_errors
def status(
    path: PathArg = Path(),
    format: Annotated[StatusFormat, _format_option("status")] = StatusFormat.text,
) -> None:
    """Visa läget i regionen: en rad per kommun och vad som saknas i varje plan.

    Status, version, skrivna avsnitt, mål, aktiviteter per status, insatser, fel, varningar
    och en kvalitetssiffra. En kommunfil som inte går att läsa visas med status fel.
    Slutstatus 0 även när filerna har fel (validate visar dem), 2 för en mapp som inte är
    ett regionrepo. Slutdatum jämförs med dagens datum (SOURCE_DATE_EPOCH om den är satt).

    Exempel: omstallning status --format md >> "$GITHUB_STEP_SUMMARY"
    """
    from omstallning.commands import status as overview

    result, findings = _validate_region(path)
    report = overview.region_status(result, findings, overview.reference_date())
    if format is StatusFormat.json:
        sys.stdout.write(overview.format_json(report))
    elif format is StatusFormat.md:
        sys.stdout.write(overview.format_markdown(report))
    else:
        sys.stdout.write(overview.format_text(report, overview.terminal_width()))


def _ask(value: str | None, option: str, question: str) -> str:
    """The option's value, or a prompt on a terminal; never a prompt in CI."""
    if value:
        return value
    if sys.stdin.isatty() and not os.environ.get("CI"):
        return str(typer.prompt(question))
    err.print(
        f'Fel: {option} saknas. Ange {option} "…" (ingen fråga ställs när '
        "kommandot inte körs i en terminal).",
        markup=False,
    )
    raise typer.Exit(EXIT_USAGE)


def _report_planned(files: list[Any], root: Path, dry_run: bool) -> None:
    verb = "Skulle skriva" if dry_run else "Skrev"
    from omstallning.check.report import plural

    where = "i den här mappen" if str(root) in ("", ".") else f"i {root}"  # not "i .:"
    out.print(f"{verb} {plural(len(files), 'fil', 'filer')} {where}:", markup=False)
    for f in files:
        out.print(f"  {f.path}", markup=False)


@new_app.command("region", options_metavar="[FLAGGOR]")
@_handle_errors
def new_region(
    directory: Annotated[Path, typer.Argument(help="Mappen som ska bli regionens repo.")],
    namn: Annotated[
        str | None, typer.Option("--namn", "-n", help='Regionens namn, t.ex. "Nordvästra Skåne".')
    ] = None,
    kommun: Annotated[
        list[str] | None,
        typer.Option("--kommun", "-k", help="En kommun att lägga till direkt. Kan upprepas."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Skriv över filer som redan finns.")
    ] = False,
    dry_run: DryRun = False,
) -> None:
    """Skapa ett komplett regionrepo med gemensam inledning, kommunfiler och CI.

    Exempel: omstallning new region nv-skane --namn "Nordvästra Skåne" --kommun Klippan
    """
    from omstallning.commands.scaffold import conflicts, plan_region, write_planned

    name = _ask(namn, "--namn", "Regionens namn")
    files = plan_region(name, kommun or [])
    if dry_run:
        taken = set(conflicts(directory, files))
        _report_planned(files, directory, dry_run=True)
        if taken and not force:
            out.print(
                f"{len(taken)} av filerna finns redan; ange --force för att skriva över dem.",
                markup=False,
            )
        return
    write_planned(directory, files, force=force)
    _report_planned(files, directory, dry_run=False)
    out.print(f"Nästa steg: omstallning validate {directory}", markup=False)


@new_app.command("kommun", options_metavar="[FLAGGOR]")
@_handle_errors
def new_kommun(
    namn: Annotated[str | None, typer.Argument(help="Kommunens namn, t.ex. Örkelljunga.")] = None,
    region: Annotated[
        Path, typer.Option("--region", "-r", help="Regionens mapp. Standard: aktuell mapp.")
    ] = Path(),
    force: Annotated[
        bool, typer.Option("--force", help="Skriv över kommunens fil om den finns.")
    ] = False,
    dry_run: DryRun = False,
) -> None:
    """Lägg till en kommun i regionen: kommuner/<kommun>.yaml med alla standardavsnitt.

    Kommunkoden hämtas från SCB:s lista. Exempel: omstallning new kommun Örkelljunga
    """
    from omstallning.commands.scaffold import (
        plan_municipality,
        read_period,
        resolve_kommun,
        write_planned,
    )
    from omstallning.errors import NotARegionError
    from omstallning.load.loader import CONFIG_FILE

    if not (region / CONFIG_FILE).is_file():
        raise NotARegionError(
            f"{region} är inget regionrepo ({CONFIG_FILE} saknas). Ange "
            "regionens mapp med --region, eller skapa ett med omstallning new region."
        )
    name = _ask(namn, "NAMN", "Kommunens namn")
    planned = [plan_municipality(resolve_kommun(name), read_period(region))]
    if dry_run:
        _report_planned(planned, region, dry_run=True)
        return
    write_planned(region, planned, force=force)
    _report_planned(planned, region, dry_run=False)


def main() -> None:
    """Entry point of the console script and `python -m omstallning`."""
    from omstallning import interrupt

    interrupt.install()  # SIGTERM like Ctrl-C; never a crash on what stdout cannot encode
    app()


# --- forhandsgranska (the live preview; self-contained: no other part of this file uses it) ---


@app.command("forhandsgranska", options_metavar="[FLAGGOR]")
@_handle_errors
def forhandsgranska(
    path: PathArg = Path(),
    port: Annotated[
        int,
        typer.Option("--port", "-p", help="Porten. Standard: en ledig port som datorn väljer."),
    ] = 0,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Adressen att lyssna på. Standard: 127.0.0.1 (bara den här datorn).",
        ),
    ] = "127.0.0.1",
) -> None:
    """Visa planerna som webbsidor i webbläsaren medan du skriver.

    Startar en liten webbserver på den här datorn och skriver ut adressen. När du sparar en
    fil i regionen byggs sidan om och laddas om i webbläsaren; ett fel visas på sidan med fil,
    rad och kolumn. Avsluta med Ctrl-C.

    Exempel: omstallning forhandsgranska examples/nordvastra-skane
    """
    from omstallning.commands.preview import run_preview

    if not 0 <= port <= 65535:
        err.print(f"Fel: --port ska vara mellan 0 och 65535, inte {port}.", markup=False)
        raise typer.Exit(EXIT_USAGE)
    run_preview(
        path,
        host,
        port,
        say=lambda line: out.print(line, markup=False),
        warn=lambda line: err.print(line, markup=False),
    )

"""`omstallning build`: the plans (and the regional summary) as documents."""

from __future__ import annotations

import contextlib
import enum
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from omstallning.cli.common import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    PathArg,
    err,
    format_option,
    handle_errors,
    line_source,
    out,
    print_segments,
    region_path,
    say,
    validate_region,
    warn,
)


class BuildFormat(enum.StrEnum):
    """Output formats of `build`."""

    docx = "docx"
    md = "md"
    html = "html"
    pdf = "pdf"
    all = "all"


# `all` is what a plan is edited and read in: Word and Markdown (not the HTML or PDF copies).
ALL_FORMATS = ["docx", "md"]


@contextlib.contextmanager
def progress_bar(total: int) -> Iterator[Callable[[str], None] | None]:
    """A bar on a terminal while two plans or more build; yields what each finished plan calls.

    rich.progress is imported only then: it is 10 ms of a one-plan build.
    """
    console = err()
    if total < 2 or not console.is_terminal:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("Bygger", total=total)
        yield lambda slug: bar.update(task, advance=1, description=slug)


Kommun = Annotated[
    list[str] | None,
    typer.Option(
        "--kommun",
        "-k",
        metavar="KOMMUN",
        help="Bygg bara den här kommunen (slug eller namn). Kan upprepas.",
    ),
]
OutDir = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        metavar="MAPP",
        help="Mapp för dokumenten. Standard: build/ i regionens mapp.",
    ),
]
Summary = Annotated[
    bool,
    typer.Option(
        "--sammanstallning",
        help="Skriv också regionens sammanställning (sammanstallning.docx/.md) över alla "
        "kommuner: status, insatser per område, tidsplan, mål och gemensamma insatser.",
    ),
]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        metavar="ANTAL",
        help="Antal dokument som byggs samtidigt. Standard: alla processorkärnor.",
    ),
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Bygg om alla dokument, även de vars indata inte har ändrats sedan förra bygget.",
    ),
]
Appendix = Annotated[
    bool,
    typer.Option(
        "--beslutsbilaga",
        help="Bygg även beslutsbilagan (<kommun>-beslutsbilaga): insatser som erbjuds utan "
        "individuell behovsprövning.",
    ),
]
Compare = Annotated[
    str | None,
    typer.Option(
        "--jamfor",
        metavar="REF",
        help="Jämför med en tidigare version: en tagg, gren eller commit, eller en mapp med "
        "en annan kopia av repot. Skriver <kommun>-andringar och en ändringsbilaga i planen.",
    ),
]
Tracked = Annotated[
    bool,
    typer.Option(
        "--spara-andringar",
        help="Skriv också planen med ändringarna som spårade ändringar i Word "
        "(<kommun>-sparade-andringar.docx). Kräver --jamfor.",
    ),
]
Followup = Annotated[
    str | None,
    typer.Option(
        "--uppfoljning",
        metavar="PERIOD",
        help="Skriv uppföljningsrapporten för perioden (2026, 2026H1, 2026T2, 2026K3): "
        "<kommun>-uppfoljning-<period>.",
    ),
]


@handle_errors
def build(
    path: PathArg = Path(),
    kommun: Kommun = None,
    format: Annotated[BuildFormat | None, format_option("build")] = None,
    out_dir: OutDir = None,
    sammanstallning: Summary = False,
    jobs: Jobs = None,
    force: Force = False,
    beslutsbilaga: Appendix = False,
    jamfor: Compare = None,
    spara_andringar: Tracked = False,
    uppfoljning: Followup = None,
) -> None:
    """Bygg varje kommuns plan som Word-dokument (DOCX) och/eller Markdown.

    Kontrollerar först hela repot. Varje kommun utan fel i sin egen fil byggs; en kommun
    med fel byggs inte (förra bygget ligger kvar), felen visas och slutstatus blir 1. Fel i
    de gemensamma filerna stoppar allt. Med --kommun räknas bara de valda kommunerna. Varje
    kommun ger build/<kommun>.docx och/eller build/<kommun>.md (med --format html och pdf
    även webbsidor och PDF). Dokument vars indata inte har ändrats sedan förra bygget byggs
    inte om (se --force).

    Exempel: omstallning build examples/nordvastra-skane --kommun klippan
    """
    path = region_path(path)
    if jobs is not None and jobs < 1:
        warn(f"Fel: --jobs ska vara 1 eller fler, inte {jobs}.")
        raise typer.Exit(EXIT_USAGE)
    if format is BuildFormat.pdf:
        _require_pdf(["pdf"])  # before the check, which can take a while
    from omstallning.workers import Workers, default_jobs

    # One set of worker processes loads the municipalities and then renders their plans.
    with Workers(jobs or default_jobs()) as workers:
        loaded_at = time.time()  # edits saved after this are built again next time
        from omstallning.check.file_cache import build_cache

        cache = build_cache(path, out_dir, force=force)
        result, findings, chosen = _validate_for_build(path, workers, kommun or [], cache)
        formats = _formats(format, result.region)
        _require_pdf(formats)
        request = {
            "path": path,
            "out_dir": out_dir,
            "force": force,
            "summary": sammanstallning,
            "options": {
                "decision_appendix": beslutsbilaga,
                "compare": jamfor,
                "tracked": spara_andringar,
                "followup": uppfoljning,
            },
            "loaded_at": loaded_at,
            "cache": cache,
        }
        _build_chosen(result, findings, chosen, formats, workers, request)


def _require_pdf(formats: list[str]) -> None:
    """PDF needs LibreOffice: stop (exit 2, with the install hint) before building anything."""
    if "pdf" in formats:
        from omstallning.publish.libreoffice import require_libreoffice

        require_libreoffice()


def _build_chosen(
    result: Any,
    findings: list[Any],
    chosen: Any,
    formats: list[str],
    workers: Any,
    request: dict[str, Any],
) -> None:
    """Build the chosen municipalities' documents and report them; exit 1 for the broken."""
    from omstallning.commands.build import build_plans
    from omstallning.commands.build_options import build_options
    from omstallning.commands.build_selection import without

    path: Path = request["path"]
    region = result.region
    entries = chosen.entries
    if not entries and chosen.broken:
        _stop_build(chosen.broken_errors, path, chosen.left_out_note(built_any=False))
    if not entries:
        warn(
            "Regionen har inga kommuner att bygga. Lägg till en med ”omstallning new kommun NAMN”."
        )
        raise typer.Exit(EXIT_FINDINGS)
    out_dir = request["out_dir"]
    options = build_options(region, entries, **request["options"])
    overview = site_status = None
    removed: list[Path] = []
    if request["summary"] or "html" in formats:  # the site's index shows the status too
        from omstallning.commands.status import reference_date, region_status

        site_status = region_status(result, findings, reference_date())
        overview = site_status if request["summary"] else None
    with progress_bar(len(entries)) as advance:
        built = build_plans(
            without(region, [*chosen.broken, *chosen.others_broken]),
            entries,
            formats,
            out_dir if out_dir is not None else path / "build",
            advance,
            workers=workers,
            force=request["force"],
            status=overview,
            site_status=site_status,
            options=options.values,
            extra=options.extra,
            trusted_out=out_dir is not None,
            loaded_at=request["loaded_at"],
            warn=lambda message: warn(f"Varning: {message}"),
            removed=removed,
        )
    request["cache"].finish(path)  # after the build: a build stopped before writes nothing
    report_built(built, sum(not f.is_error for f in findings), removed)
    _changes_to_job_summary(region, options.comparison, entries)
    if chosen.broken:
        _stop_build(chosen.broken_errors, path, chosen.left_out_note(built_any=True))


def _validate_for_build(
    path: Path, workers: Any, wanted: list[str], cache: Any = None
) -> tuple[Any, list[Any], Any]:
    """The loaded region, its findings and what to build; exits on errors in shared files."""
    from omstallning.commands.build_selection import SHARED_STOP, select_for_build

    result, findings = validate_region(path, workers, cache)
    chosen = select_for_build(result.region, findings, wanted)
    if chosen.shared_errors:
        _stop_build(chosen.shared_errors, path, SHARED_STOP)
    if chosen.others_note:
        warn(chosen.others_note)
    result.forget_positions()  # findings are printed; rendering needs none
    return result, findings, chosen


def _stop_build(errors: list[Any], root: Path, note: str) -> None:
    """Print the errors that stop (part of) a build, their count and `note`; exit 1."""
    from omstallning.check import report
    from omstallning.commands.build_selection import error_count

    print_segments(report.format_text(errors, 0, line_source(root))[:-1], err())
    warn(f"{error_count(errors)}\n{note}")
    raise typer.Exit(EXIT_FINDINGS)


def _formats(format: BuildFormat | None, region: Any) -> list[str]:
    """The formats asked for with --format, else those of omstallning.yaml, else DOCX."""
    if format is None:
        return list(region.config.export.formats) or ["docx"]
    return list(ALL_FORMATS) if format is BuildFormat.all else [format.value]


def _changes_to_job_summary(region: Any, comparison: Any, entries: list[Any]) -> None:
    """With --jamfor in GitHub Actions, the change lists go into the job's summary too."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if comparison is None or not summary:
        return
    from omstallning.commands.compare import job_summary

    with contextlib.suppress(OSError), Path(summary).open("a", encoding="utf-8") as stream:
        stream.write(job_summary(region, comparison, entries))


def report_built(built: list[Any], warnings: int, removed: list[Path] | None = None) -> None:
    """What a build wrote, left unchanged and removed."""
    from omstallning.check.report import plural

    note = f" – {plural(warnings, 'varning', 'varningar')}, se omstallning validate"
    regional = [b for b in built if b.kind == "sammanstallning"]
    built = [b for b in built if b.kind != "sammanstallning"]
    written = [b for b in built if not b.skipped]
    unchanged = len(built) - len(written)
    them = "den" if unchanged == 1 else "dem"
    kept = f", {plural(unchanged, 'oförändrad', 'oförändrade')} (--force bygger om {them})"
    say(
        f"Skrev {plural(len(written), 'fil', 'filer')}{kept if unchanged else ''}"
        f"{note if warnings else ''}" + (":" if written else ".")
    )
    for b in written:
        say(f"  {b.path}")
    if regional:
        say("Skrev sammanställningen:")
        for b in regional:
            say(f"  {b.path}")
    if removed:
        say(f"Tog bort {plural(len(removed), 'fil', 'filer')} för kommuner som inte längre finns:")
        for path in removed:
            say(f"  {path}")


def register(app: typer.Typer) -> None:
    """Add `build` to the command line."""
    app.command(
        "build",
        options_metavar="[FLAGGOR]",
        short_help="Bygg varje kommuns plan som Word, Markdown, HTML eller PDF.",
    )(build)


__all__ = ["BuildFormat", "build", "out", "register", "report_built"]

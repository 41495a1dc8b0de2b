"""`omstallning data importera | hamta`: outcomes from a table, values from Kolada.

Both write the generated data files (`utfall/<kommun>.yaml`, `kolada.yaml`) that `validate`
and `build` merge into the indicators' outcomes; neither touches `kommuner/*.yaml`.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from omstallning.cli.common import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    PathArg,
    handle_errors,
    line_source,
    out,
    print_segments,
    region_path,
    say,
    sub_app,
    validate_region,
    warn,
)

data_app = sub_app("Utfall för uppföljningen: importera en tabell eller hämta från Kolada.")

KOLADA_URL_ENV = "OMSTALLNING_KOLADA_URL"


@data_app.command(
    "importera", options_metavar="[FLAGGOR]", short_help="Importera utfall från CSV eller Excel."
)
@handle_errors
def importera(
    fil: Annotated[
        Path,
        typer.Argument(
            metavar="FIL",
            help="Tabellen: .csv, .tsv, .txt eller .xlsx med kolumnerna kommun, indikator, "
            "period och värde (och gärna kön, källa, kommentar).",
        ),
    ],
    path: PathArg = Path(),
) -> None:
    """Importera utfall från en tabell till utfall/<kommun>.yaml.

    Varje rad placeras på en kommun (namn, slug eller kommunkod) och en indikator i dess
    plan (namn eller Kolada-id). En rad som inte går att placera visas med tabellens rad
    och kolumn, och slutstatus blir 1; de andra raderna importeras ändå. Att importera
    samma tabell igen ändrar inget. Kommunfilerna ändras aldrig.

    Exempel: omstallning data importera utfall-2026.csv examples/nordvastra-skane
    """
    path = region_path(path)
    from omstallning.check.report import plural
    from omstallning.errors import UsageError
    from omstallning.followup.files import load_outcome_files
    from omstallning.followup.importer import import_rows, read_table, write_outcome_files

    if not fil.is_file():
        raise UsageError(f"Filen {fil} finns inte. Ange sökvägen till tabellen med utfall.")
    result, _findings = validate_region(path)
    current = load_outcome_files(path)
    if any(f.is_error for f in current.findings):
        _print_problems(current.findings, path)
        warn(
            "Fel: utfallsfilerna ovan går inte att läsa, så inget importerades. Rätta dem "
            "(eller ta bort dem och importera alla tabeller igen) och kör igen."
        )
        raise typer.Exit(EXIT_FINDINGS)
    rows, problems = read_table(fil, str(fil))
    changes, unplaced = import_rows(rows, result.region, current, str(fil))
    written = write_outcome_files(path, changes, current)
    problems = [_with_column(f) for f in problems + unplaced]
    if problems:
        _print_problems(problems, None)
    say(
        f"{plural(len(changes), 'värde', 'värden')}, {plural(len(written), 'fil', 'filer')} ändrade"
    )
    for written_path in written:
        say(f"  {written_path}")
    if any(f.is_error for f in problems):
        raise typer.Exit(EXIT_FINDINGS)


def _with_column(finding: Any) -> Any:
    """A table's finding with its column named as spreadsheets do (kolumn C)."""
    from omstallning.followup.importer import column_letter

    if finding.column < 1:
        return finding
    return dataclasses.replace(
        finding, message=f"{finding.message} (kolumn {column_letter(finding.column)})"
    )


def _print_problems(findings: list[Any], root: Path | None) -> None:
    """Findings as `validate` prints them; a table's rows are not shown (cells are no text)."""
    from omstallning.check import report

    source = line_source(root) if root is not None else (lambda _file, _line: None)
    print_segments(report.format_text(sorted(findings), 0, source)[:-1], out())


def kolada_client() -> Any:
    """The Kolada client; OMSTALLNING_KOLADA_URL points it elsewhere (a mirror, a test)."""
    from omstallning.followup.kolada import DEFAULT_BASE_URL, KoladaClient

    return KoladaClient(base_url=os.environ.get(KOLADA_URL_ENV) or DEFAULT_BASE_URL)


@data_app.command(
    "hamta", options_metavar="[FLAGGOR]", short_help="Hämta indikatorernas värden från Kolada."
)
@handle_errors
def hamta(path: PathArg = Path()) -> None:
    """Hämta värdena för indikatorerna med Kolada-id till kolada.yaml.

    Hämtar alla kommuners värden för planperioden (och året före) från Koladas öppna API.
    validate och build läser sedan bara kolada.yaml, aldrig nätet. Slutstatus 2 när Kolada
    inte går att nå eller svarar med fel; kolada.yaml lämnas då orörd.

    Exempel: omstallning data hamta examples/nordvastra-skane
    """
    path = region_path(path)
    from omstallning import clock
    from omstallning.followup.files import KOLADA_FILE
    from omstallning.followup.kolada import KoladaError, fetch_snapshot, region_request

    result, _findings = validate_region(path)
    kpis, codes, _years = region_request(result.region)
    if not kpis:
        say("Ingen indikator har ett Kolada-id (kolada: N31807). Inget att hämta.")
    try:
        count, written = fetch_snapshot(path, result.region, kolada_client(), clock.today())
    except KoladaError as exc:
        warn(f"Fel: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    from omstallning.check.report import plural

    target = path / KOLADA_FILE
    said = f"Skrev {target}" if written else f"{target} är oförändrad"
    say(
        f"Hämtade {plural(count, 'värde', 'värden')} för "
        f"{plural(len(codes), 'kommun', 'kommuner')}. {said}."
    )

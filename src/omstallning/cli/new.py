"""`omstallning new region | kommun`: a new regional repository, or a municipality in one."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from omstallning.cli.common import EXIT_USAGE, DryRun, handle_errors, say, sub_app, warn

new_app = sub_app("Skapa ett nytt regionrepo eller lägg till en kommun.")


def ask(value: str | None, missing: str, how: str, question: str) -> str:
    """The value given, or a prompt on a terminal; never a prompt in CI.

    `missing` names the flag or argument, `how` says how to give it on the command line.
    """
    if value:
        return value
    if sys.stdin.isatty() and not os.environ.get("CI"):
        return str(typer.prompt(question))
    warn(
        f"Fel: {missing} saknas ({question.lower()}). {how} (ingen fråga ställs när "
        "kommandot inte körs i en terminal)."
    )
    raise typer.Exit(EXIT_USAGE)


def report_planned(files: list[Any], root: Path, dry_run: bool) -> None:
    """The files `new` wrote, or would write."""
    from omstallning.check.report import plural

    verb = "Skulle skriva" if dry_run else "Skrev"
    where = "i den här mappen" if str(root) in ("", ".") else f"i {root}"  # not "i .:"
    say(f"{verb} {plural(len(files), 'fil', 'filer')} {where}:")
    for f in files:
        say(f"  {f.path}")


@new_app.command("region", options_metavar="[FLAGGOR]", short_help="Skapa ett regionrepo.")
@handle_errors
def new_region(
    directory: Annotated[
        Path, typer.Argument(metavar="MAPP", help="Mappen som ska bli regionens repo.")
    ],
    namn: Annotated[
        str | None,
        typer.Option(
            "--namn", "-n", metavar="NAMN", help='Regionens namn, t.ex. "Nordvästra Skåne".'
        ),
    ] = None,
    kommun: Annotated[
        list[str] | None,
        typer.Option(
            "--kommun",
            "-k",
            metavar="KOMMUN",
            help="En kommun att lägga till direkt. Kan upprepas.",
        ),
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

    name = ask(namn, "--namn", 'Ange --namn "…".', "Regionens namn")
    files = plan_region(name, kommun or [])
    if dry_run:
        taken = set(conflicts(directory, files))
        report_planned(files, directory, dry_run=True)
        if taken and not force:
            say(f"{len(taken)} av filerna finns redan; ange --force för att skriva över dem.")
        return
    write_planned(directory, files, force=force)
    report_planned(files, directory, dry_run=False)
    say(f"Nästa steg: omstallning validate {directory}")


@new_app.command(
    "kommun", options_metavar="[FLAGGOR]", short_help="Lägg till en kommun i regionen."
)
@handle_errors
def new_kommun(
    namn: Annotated[
        str | None,
        typer.Argument(metavar="NAMN", help="Kommunens namn, t.ex. Örkelljunga."),
    ] = None,
    region: Annotated[
        Path,
        typer.Option(
            "--region",
            "-r",
            metavar="MAPP",
            help="Regionens mapp. Standard: aktuell mapp.",
            show_default=False,
        ),
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
    name = ask(
        namn,
        "Argumentet NAMN",
        "Skriv namnet efter kommandot, t.ex. omstallning new kommun Örkelljunga.",
        "Kommunens namn",
    )
    planned = [plan_municipality(resolve_kommun(name), read_period(region))]
    if dry_run:
        report_planned(planned, region, dry_run=True)
        return
    write_planned(region, planned, force=force)
    report_planned(planned, region, dry_run=False)

"""`omstallning inledning jamfor`: the region's introduction against the tool's default."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from omstallning.cli.common import PathArg, handle_errors, region_path, sub_app

intro_app = sub_app("Den gemensamma inledningen: jämför med verktygets standardtext.")


@intro_app.command(
    "jamfor",
    options_metavar="[FLAGGOR]",
    short_help="Visa vad som ändrats i standardinledningen.",
)
@handle_errors
def jamfor(
    path: PathArg = Path(),
    ta_over: Annotated[
        str | None,
        typer.Option(
            "--ta-over",
            metavar="DEL",
            help="Ta över verktygets nya version av den här delen (t.ex. lagen eller "
            "angransande-lagstiftning) i regionens inledning/. Vägrar om regionen har "
            "ändrat delen, utom med --force.",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Med --ta-over: skriv över delen även om regionen har ändrat den."
        ),
    ] = False,
) -> None:
    """Jämför regionens inledning med verktygets standardinledning, del för del.

    Visar för varje del om den är oförändrad, om verktygets text har ändrats sedan regionen
    kopierade den och om regionen har skrivit om den. Med --ta-over DEL skrivs verktygets
    version av delen över regionens.

    Exempel: omstallning inledning jamfor --ta-over lagen
    """
    path = region_path(path)
    from omstallning.commands.intro import jamfor as compare

    sys.stdout.write(compare(path, ta_over, force=force))

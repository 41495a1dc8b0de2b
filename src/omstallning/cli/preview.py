"""`omstallning forhandsgranska`: the live preview in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from omstallning.cli.common import EXIT_USAGE, PathArg, handle_errors, region_path, say, warn


@handle_errors
def forhandsgranska(
    path: PathArg = Path(),
    port: Annotated[
        int,
        typer.Option(
            "--port",
            "-p",
            metavar="PORT",
            help="Porten. Standard: en ledig port som datorn väljer.",
            show_default=False,
        ),
    ] = 0,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADRESS",
            help="Adressen att lyssna på. Standard: 127.0.0.1 (bara den här datorn).",
            show_default=False,
        ),
    ] = "127.0.0.1",
) -> None:
    """Visa planerna som webbsidor i webbläsaren medan du skriver.

    Startar en liten webbserver på den här datorn och skriver ut adressen. När du sparar en
    fil i regionen byggs sidan om och laddas om i webbläsaren; ett fel visas på sidan med fil,
    rad och kolumn. Avsluta med Ctrl-C.

    Exempel: omstallning forhandsgranska examples/nordvastra-skane
    """
    path = region_path(path)
    from omstallning.commands.preview import run_preview

    if not 0 <= port <= 65535:
        warn(f"Fel: --port ska vara mellan 0 och 65535, inte {port}.")
        raise typer.Exit(EXIT_USAGE)
    run_preview(path, host, port, say=say, warn=warn)


def register(app: typer.Typer) -> None:
    """Add `forhandsgranska` to the command line."""
    app.command(
        "forhandsgranska",
        options_metavar="[FLAGGOR]",
        short_help="Visa planerna i webbläsaren medan du skriver.",
    )(forhandsgranska)

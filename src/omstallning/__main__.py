"""`python -m omstallning` and the `omstallning` console script.

`omstallning --version` is answered here, before the command line (typer, rich) is even
imported: a CI job that logs the version pays for starting Python and nothing else.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run the command line; `--version` alone is answered without loading it."""
    if sys.argv[1:] == ["--version"]:
        from omstallning import __version__

        sys.stdout.write(f"omstallning {__version__}\n")
        return
    # The models use no pydantic plugin, and looking for one reads the metadata of every
    # installed package when the first model is defined (10 ms or more per command).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from omstallning.cli.main import main as cli_main

    cli_main()


if __name__ == "__main__":  # not when a worker process imports the main module
    main()

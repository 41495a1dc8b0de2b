"""The command line: a thin typer layer over `omstallning.commands` (the only printing code)."""

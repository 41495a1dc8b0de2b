"""cli/typer_sv.py patches private parts of Typer (its vendored Click in `typer._click`, and
`typer.core._`). These tests fail loudly when a Typer release moves them, rather than the
CLI quietly printing English again; pyproject.toml pins Typer to the tested versions.
"""

from __future__ import annotations

import importlib.metadata
import inspect
from collections.abc import Callable
from typing import Any

import typer.core

from omstallning.cli import typer_sv

# The Typer versions tested (lowest in CI's lowest-versions step, highest in the main one);
# keep in step with the `typer` bounds in pyproject.toml.
TESTED_TYPER = ((0, 26), (0, 29))


def test_typer_is_a_tested_version() -> None:
    version = tuple(int(part) for part in importlib.metadata.version("typer").split(".")[:2])
    assert TESTED_TYPER[0] <= version <= TESTED_TYPER[1], (
        f"Typer {version} is untested: cli/typer_sv.py uses its private API. Run the tests, "
        "then widen TESTED_TYPER and the bound in pyproject.toml."
    )


def test_the_private_names_typer_sv_patches_are_where_it_expects() -> None:
    from typer._click import exceptions, formatting, utils
    from typer._click.core import Command, Context

    assert hasattr(typer.core, "_"), "typer.core no longer translates through `_`"
    assert "show" in vars(exceptions.UsageError)
    assert callable(utils.echo) and isinstance(Context, type)
    patched = {
        typer_sv._original_write_usage: ["self", "prog", "args", "prefix"],
        typer_sv._original_get_help_option: ["self", "ctx"],
    }
    for original, parameters in patched.items():
        assert list(inspect.signature(original).parameters) == parameters, original
    assert formatting.HelpFormatter.write_usage is typer_sv._write_usage
    assert Command.get_help_option is typer_sv._get_help_option


def test_help_and_usage_errors_come_out_in_swedish(run_cli: Callable[..., Any]) -> None:
    helped = run_cli("build", "--help")
    assert helped.exit_code == 0
    assert "Användning: " in helped.stdout and "Flaggor" in helped.stdout
    assert "Visa den här hjälpen och avsluta." in helped.stdout
    wrong = run_cli("build", "--inget-sådant")
    assert wrong.exit_code == 2
    assert "Fel: Det finns ingen flagga --inget-sådant." in wrong.stderr
    assert "för hjälp." in wrong.stderr

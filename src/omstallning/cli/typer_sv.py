"""Swedish for the texts Typer prints itself (help headings, usage errors).

Typer vendors Click and prints a few English strings of its own; every user of this tool
reads Swedish, so we translate them here, in one place. Imported only by `cli`.
"""

from __future__ import annotations

import re
import sys
from typing import IO, Any

import typer.core
from typer._click import exceptions as click_exceptions
from typer._click import formatting as click_formatting
from typer._click import utils as click_utils
from typer._click.core import Command, Context

_WORDS = {
    "Options": "Flaggor",
    "Arguments": "Argument",
    "Commands": "Kommandon",
    "default: {default}": "standard: {default}",
    "required": "krävs",
    "Missing command.": "Kommando saknas.",
    "No such command {name!r}.": "Det finns inget kommando {name!r}.",
    "(dynamic)": "(beräknas)",
    "Aborted!": "Avbrutet.",
    "env var: {var}": "miljövariabel: {var}",
}

_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    # Typer appends its suggestion to Click's message: "No such command 'x'. Did you mean 'y'?"
    (re.compile(r"^(.+?)\.? Did you mean (.+)\?$"), "{0}. Menade du {1}?"),
    (
        # typer 0.26 writes the suggestion as a tuple's repr: "('(Possible options: --x)',)".
        re.compile(r"^No such option: (\S+) (?:\(')?\(Possible options: ([^)]+)\).*$"),
        "Det finns ingen flagga {0}. Menade du {1}?",
    ),
    (
        re.compile(r"^No such option: (.+?)(?: Did you mean (.+)\?)?$"),
        "Det finns ingen flagga {0}.",
    ),
    (re.compile(r"^Missing argument '(.+)'\.$"), "Argumentet {0} saknas."),
    (re.compile(r"^Missing option '(.+)'\.$"), "Flaggan {0} saknas."),
    (
        re.compile(r"^Got unexpected extra arguments?(?:\(s\))? \((.+)\)$"),
        "Oväntade extra argument: {0}. Sätt citattecken runt ett värde med mellanslag.",
    ),
    (
        re.compile(r"^Invalid value for (.+?): (?:Value error, )?(.+)$"),
        "Ogiltigt värde för {0}: {1}",
    ),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), "Flaggan {0} behöver ett värde."),
    (re.compile(r"^'(.+)' is not one of (.+)\.$"), "”{0}” är inte ett av {1}."),
    # Typer 0.26 checks numbers with Click, whose message names the type.
    (re.compile(r"^'.+' is not a valid integer\.$"), "ange ett heltal."),
    (re.compile(r"^'(.+)' is not a valid (.+)\.$"), "”{0}” är inte ett giltigt värde."),
    # This Typer checks numbers with pydantic-core and prints its messages.
    (re.compile(r"^Input should be a valid integer.*$"), "ange ett heltal."),
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), "ange {0} eller mer."),
]


def _translate_word(message: str) -> str:
    return _WORDS.get(message, message)


def translate_message(message: str) -> str:
    """A Click usage message in Swedish, where we know its pattern."""
    for pattern, template in _MESSAGES:
        m = pattern.match(message)
        if m:
            parts = [translate_message(g).replace("'", "") if g else "" for g in m.groups()]
            return template.format(*parts)
    return message


def _show_usage_error(self: click_exceptions.UsageError, file: IO[Any] | None = None) -> None:
    if file is None:
        file = sys.stderr
    hint = ""
    if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
        hint = f"Skriv ”{self.ctx.command_path} {self.ctx.help_option_names[0]}” för hjälp.\n"
    if self.ctx is not None:
        click_utils.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=self.ctx.color)
    click_utils.echo(f"Fel: {translate_message(self.format_message())}", file=file)


_original_write_usage = click_formatting.HelpFormatter.write_usage
_original_get_help_option = Command.get_help_option


def _write_usage(
    self: click_formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None
) -> None:
    _original_write_usage(self, prog, args, "Användning: " if prefix is None else prefix)


def _get_help_option(self: Command, ctx: Context) -> Any:
    option = _original_get_help_option(self, ctx)
    if option is not None:
        option.help = "Visa den här hjälpen och avsluta."
    return option


# Typer 0.29 writes each parameter's Python type in the help (`<str>`, `<list[str]>`, `<path>`).
_TYPE_WORDS = {
    "str": "TEXT",
    "int": "HELTAL",
    "float": "TAL",
    "bool": "JA|NEJ",
    "path": "SÖKVÄG",
    "file": "FIL",
    "dir": "MAPP",
    "directory": "MAPP",
    "datetime": "DATUM",
}
_TYPER_PARAMETER: Any = getattr(typer.core, "_TyperParameter", None)
_original_display_type = getattr(_TYPER_PARAMETER, "display_type", None)


def swedish_type(label: str) -> str:
    """A type as Typer writes it (`<list[str]>`, `<path>`, `<docx|md>`), in Swedish words."""
    inner = label.strip("<>")
    while inner.startswith("list[") and inner.endswith("]"):
        inner = inner[5:-1]
    if "|" in inner:
        return f"[{inner}]"
    return _TYPE_WORDS.get(inner, _TYPE_WORDS.get(inner.lower(), inner.upper()))


def _display_type(self: Any, ctx: Context) -> str:
    if self.metavar is not None:
        return ""  # the metavar (MAPP, NAMN) says it; no type after it
    assert _original_display_type is not None
    return swedish_type(str(_original_display_type(self, ctx)))


def install() -> None:
    """Patch Typer's English strings with Swedish ones."""
    typer.core._ = _translate_word  # type: ignore[attr-defined]
    click_exceptions.UsageError.show = _show_usage_error  # type: ignore[method-assign]
    click_formatting.HelpFormatter.write_usage = _write_usage  # type: ignore[method-assign]
    Command.get_help_option = _get_help_option  # type: ignore[method-assign]
    if _original_display_type is not None:
        _TYPER_PARAMETER.display_type = _display_type

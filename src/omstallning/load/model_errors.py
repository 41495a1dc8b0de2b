"""Check parsed YAML against a pydantic model, and say each error in Swedish at its place.

Every pydantic error becomes one `Finding` at the line and column of the value (or key) it
is about, with a message that tells the user what to write instead: a guess for a
misspelled key or value, the allowed keys, the YAML 1.1 surprise behind a type error.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from omstallning.findings import Finding, Severity
from omstallning.load.salvage import normalise
from omstallning.load.where import describe
from omstallning.load.yaml_source import ParsedYaml, SourceMap, describe_scalar
from omstallning.text import fold

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "ett heltal",
    "int_parsing": "ett heltal",
    "float_type": "ett tal",
    "bool_type": "true eller false",
    "list_type": "en lista (rader som börjar med ”- ”)",
    "dict_type": "en mappning (rader med ”nyckel: värde”)",
    "model_type": "en mappning (rader med ”nyckel: värde”)",
    "model_attributes_type": "en mappning (rader med ”nyckel: värde”)",
}
# A union of text and number (indicator values) reports each branch, at a loc ending in
# the branch's name; the finding says both at once.
_TEXT_OR_NUMBER = frozenset({"string_type", "int_type", "float_type"})
_BRANCHES = ("str", "int", "float")


def _allowed_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """Follow a pydantic loc through the model classes to the model that holds its last key."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        by_alias = {f.alias or n: f for n, f in current.model_fields.items()}
        info = by_alias.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """list[X] -> X, X | None -> X, to find a nested model class."""
    for _ in range(4):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if get_origin(annotation) is list or (args and len(args) == 1):
            annotation = args[0]
        else:
            break
    return annotation


def suggest_key(key: str, allowed: list[str]) -> str | None:
    """The allowed key a typo most likely meant: `mal` -> `mål`, `ansvarg` -> `ansvarig`."""
    folded = {fold(a): a for a in allowed}
    if fold(key) in folded:
        return folded[fold(key)]
    match = difflib.get_close_matches(fold(key), list(folded), n=1, cutoff=0.7)
    return folded[match[0]] if match else None


def describe_input(value: Any) -> str:
    """What a value is, in words for a message: `ett tal`, `en lista`, `texten ”x”`."""
    if isinstance(value, bool):
        return "sant/falskt"
    if isinstance(value, (int, float)):
        return "ett tal"
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, dict):
        return "en mappning"
    if isinstance(value, str):
        return f"texten ”{value}”" if len(value) <= 30 else "text"
    return "ett datum" if value.__class__.__name__ in ("date", "datetime") else "fel typ"


def _yaml_path(loc: Loc, model: type[BaseModel], sm: SourceMap) -> Loc:
    """The part of a pydantic loc that names a place in the YAML.

    Union and validator branches add segments that are not YAML keys; they are cut off.
    """
    path = loc
    while path and sm.exact(path) is None and path[-1] not in ("__root__",):
        if isinstance(path[-1], str) and _model_at(model, path[:-1]) is not None:
            break  # a real key of a model: a missing field or an unknown key
        path = path[:-1]
    return path


@dataclass(frozen=True)
class _Error:
    """One pydantic error, at its place in the YAML."""

    err: ErrorDetails
    model: type[BaseModel]
    sm: SourceMap
    path: Loc
    data: Any = None

    @property
    def where(self) -> str:
        return describe(self.path, self.data) or "filen"

    def finding(self, code: str, message: str, line_col: tuple[int, int] | None = None) -> Finding:
        line, col = line_col or self.sm.pos(self.path)
        return Finding(self.sm.file, line, col, code, Severity.ERROR, message)


def _unknown_key(e: _Error) -> Finding:
    key = str(e.path[-1])
    owner = _model_at(e.model, e.path[:-1])
    allowed = _allowed_keys(owner) if owner else []
    guess = suggest_key(key, allowed)
    fix = f" Menade du ”{guess}”?" if guess else ""
    listing = ", ".join(allowed)
    return e.finding(
        "okand-nyckel",
        f"Okänd nyckel ”{key}”.{fix} Tillåtna nycklar här: {listing}.",
        e.sm.key_pos(e.path),
    )


def _missing(e: _Error) -> Finding:
    parent = e.path[:-1]
    field_name = str(e.path[-1])
    inside = f" i {describe(parent, e.data)}" if parent else ""
    return e.finding(
        "saknat-falt",
        f"Fältet ”{field_name}” saknas{inside}. Lägg till ”{field_name}: …”.",
        e.sm.pos(parent),
    )


def _not_allowed(e: _Error) -> Finding:
    expected = e.err.get("ctx", {}).get("expected", "")
    allowed = [
        a.strip().strip("'") for a in str(expected).replace(" or ", ",").split(",") if a.strip()
    ]
    value = e.err.get("input")
    guess = suggest_key(str(value), allowed) if value is not None else None
    fix = f" Menade du ”{guess}”?" if guess else ""
    return e.finding(
        "ogiltigt-varde",
        f"”{value}” är inte tillåtet i {e.where}.{fix} Tillåtna värden: {', '.join(allowed)}.",
    )


def _own_check(e: _Error) -> Finding:
    """A model validator's error: its type is the finding code, its message the text."""
    message = f"{e.where}: {e.err['msg']}"
    if e.err["type"] == "ogiltigt-datum":
        guess = suggest_date(e.err.get("input"))
        if guess:
            message += f" Menade du {guess}?"
    return e.finding(e.err["type"], message)


_QUARTER = re.compile(r"(?:Q|K|kv(?:artal)?\.?)\s*([1-4])\s*[-/ ]?\s*(\d{4})", re.IGNORECASE)
_QUARTER_AFTER = re.compile(r"(\d{4})\s*[-/ ]?\s*(?:Q|K)\s*([1-4])", re.IGNORECASE)
_LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{1,2}))?")


def suggest_date(value: Any) -> str | None:
    """The date a wrongly written one most likely means.

    `2026/05/01` -> `2026-05-01`, `2026-6` -> `2026-06`, `Q3 2026` -> `2026-07` (a quarter's
    first month).
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    quarter = _QUARTER.fullmatch(text)
    after = _QUARTER_AFTER.fullmatch(text)
    if quarter or after:
        q, year = (quarter.group(1), quarter.group(2)) if quarter else (after[2], after[1])  # type: ignore[index]
        return f"{year}-{(int(q) - 1) * 3 + 1:02d}"
    loose = _LOOSE_DATE.fullmatch(text)
    if loose is None:
        return None
    year, month, day = loose.group(1), int(loose.group(2)), loose.group(3)
    if not 1 <= month <= 12 or (day is not None and not 1 <= int(day) <= 31):
        return None
    guess = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    return guess if guess != text else None


def _wrong_form(e: _Error) -> Finding:
    return e.finding("ogiltigt-varde", f"”{e.err.get('input')}” har fel form i {e.where}.")


def _empty(e: _Error) -> Finding:
    return e.finding("tomt-varde", f"{e.where} är tomt. Skriv en text, eller ta bort raden.")


def _too_many_digits(e: _Error) -> Finding:  # more digits than Python turns into a number
    return e.finding("ogiltigt-varde", f"{e.where}: talet har för många siffror.")


def _unlikely_year(e: _Error) -> Finding:
    return e.finding("ogiltigt-varde", f"{e.where}: {e.err.get('input')} är inte ett rimligt år.")


def _wrong_type(e: _Error) -> Finding:
    kind = e.err["type"]
    node = e.sm.exact(e.path)
    surprise = describe_scalar(node)
    if kind == "string_type" and surprise:
        text, became = surprise
        return e.finding(
            "yaml-tolkning",
            f"YAML läser det ociterade ”{text}” i {e.where} som "
            f'{became}, men här ska det vara text. Skriv "{text}" inom citattecken.',
        )
    expected_kind = _TYPE_NAMES.get(kind)
    if e.path and node is not None and kind in _TEXT_OR_NUMBER and e.err["loc"][-1] in _BRANCHES:
        expected_kind = "text eller ett tal"
    if expected_kind:
        value = e.err.get("input")
        got = "ingenting" if value is None else describe_input(value)
        return e.finding("fel-typ", f"{e.where} ska vara {expected_kind}, men är {got}.")
    return e.finding("fel-typ", f"{e.where}: {e.err['msg']}")


_BY_TYPE: dict[str, Callable[[_Error], Finding]] = {
    "extra_forbidden": _unknown_key,
    "missing": _missing,
    "literal_error": _not_allowed,
    "enum": _not_allowed,
    "string_pattern_mismatch": _wrong_form,
    "string_too_short": _empty,
    "too_short": _empty,
    "int_parsing_size": _too_many_digits,
    "greater_than_equal": _unlikely_year,
    "less_than_equal": _unlikely_year,
}


def _error_finding(
    err: ErrorDetails, model: type[BaseModel], parsed: ParsedYaml
) -> tuple[Loc, Finding] | None:
    """The finding for one pydantic error, with the YAML path it is about.

    None when a value on that path was already reported (a YAML 1.1 surprise).
    """
    path = _yaml_path(tuple(err["loc"]), model, parsed.source)
    if any(tuple(path[:n]) in parsed.reported for n in range(len(path) + 1)):
        return None
    kind = err["type"]
    explain = _BY_TYPE.get(kind) or (_own_check if kind.startswith("ogiltigt-") else _wrong_type)
    return path, explain(_Error(err, model, parsed.source, path, parsed.data))


def validate_model(
    model: type[M], parsed: ParsedYaml, *, empty_message: str | None = None
) -> tuple[M | None, list[Finding]]:
    """Check parsed YAML against a model; every pydantic error becomes one positioned finding."""
    sm = parsed.source
    if parsed.data is None:
        if any(f.is_error for f in parsed.findings):
            return None, []
        message = empty_message or "Filen är tom."
        return None, [Finding(sm.file, 1 + sm.line_offset, 1, "tom-fil", Severity.ERROR, message)]
    if not isinstance(parsed.data, dict):
        found = describe_input(parsed.data)
        return None, [
            Finding(
                sm.file,
                *sm.pos(()),
                "fel-typ",
                Severity.ERROR,
                f"Filen ska vara en mappning (rader med ”nyckel: värde”), men är {found}.",
            )
        ]
    try:
        return model.model_validate(normalise(model, parsed.data)), []
    except ValidationError as exc:
        return None, _findings(exc, model, parsed)


def _findings(exc: ValidationError, model: type[BaseModel], parsed: ParsedYaml) -> list[Finding]:
    """One finding per pydantic error, each (path, code) once."""
    findings: list[Finding] = []
    seen: set[tuple[Loc, str]] = set()
    for err in exc.errors():
        result = _error_finding(err, model, parsed)
        if result is None:
            continue
        path, finding = result
        if (path, finding.code) not in seen:
            seen.add((path, finding.code))
            findings.append(finding)
    return findings

"""Import outcomes from CSV or Excel into `utfall/<slug>.yaml`.

A table has the columns kommun, indikator, period and värde, and may have kön, källa and
kommentar; headers match without regard to case or å/ä/ö. Each row is placed on a
municipality (name, slug or code) and an indicator of its plan (name or Kolada id). Rows
that cannot be placed become findings with the row and column, in the table's own numbering
(the header is row 1, column A is 1). Importing the same table twice changes nothing.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from omstallning.findings import Finding, Severity
from omstallning.followup.files import (
    OutcomeData,
    outcome_path,
    render_outcome_file,
    write_if_changed,
)
from omstallning.followup.period import parse_period
from omstallning.followup.status import parse_number
from omstallning.model import Indicator, MunicipalityEntry, Outcome, Region, Value
from omstallning.text import fold, slugify

REQUIRED = ("kommun", "indikator", "period", "varde")
OPTIONAL = ("kon", "kalla", "kommentar")
_COLUMN_NAMES = {"varde": "värde", "kon": "kön", "kalla": "källa"}
_SEXES = {
    "kvinnor": "kvinnor",
    "kvinna": "kvinnor",
    "k": "kvinnor",
    "man": "män",  # "män" and "man" both fold to "man"
    "m": "män",
    "totalt": "totalt",
    "total": "totalt",
    "t": "totalt",
    "alla": "totalt",
}


@dataclass(frozen=True)
class Cell:
    """A cell's text and its column (1-based)."""

    text: str
    column: int


@dataclass(frozen=True)
class TableRow:
    """One data row: its row number in the table and its cells by canonical column name."""

    number: int
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Change:
    """One outcome added or changed by an import."""

    slug: str
    municipality: str
    indicator: str
    outcome: Outcome
    previous: Outcome | None


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA, as spreadsheets name columns."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _problem(file: str, row: int, column: int, code: str, message: str) -> Finding:
    return Finding(file, row, column, code, Severity.ERROR, message)


def _warning(file: str, row: int, column: int, code: str, message: str) -> Finding:
    return Finding(file, row, column, code, Severity.WARNING, message)


# --- Reading tables ------------------------------------------------------------------------


def decode(data: bytes, file: str) -> tuple[str, list[Finding]]:
    """UTF-8 with or without BOM; else Windows-1252 (what Excel writes), with a warning."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    return text, [
        _warning(
            file,
            0,
            0,
            "import-teckenkodning",
            "Filen är inte UTF-8 och lästes som Windows-1252 (cp1252). Kontrollera å, ä och ö; "
            "spara helst som ”CSV UTF-8” i Excel.",
        )
    ]


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of `;`, tab and `,` that splits it most."""
    header = text.split("\n", 1)[0]
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in (";", "\t", ",")}
    return max(counts, key=lambda d: counts[d])  # ties go to ";" (Swedish Excel), then tab


def read_csv(text: str) -> list[list[str]]:
    """All rows of a CSV text, delimiter sniffed."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def read_xlsx(path: Path) -> list[list[str]]:
    """All rows of the first sheet of an Excel workbook, as text."""
    openpyxl: Any = importlib.import_module("openpyxl")  # only needed for Excel files
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def table_rows(rows: list[list[str]], file: str) -> tuple[list[TableRow], list[Finding]]:
    """Match the header and turn the data rows into `TableRow`s; blank rows are skipped."""
    if not rows:
        return [], [_problem(file, 1, 1, "import-tom", "Tabellen är tom.")]
    columns: dict[str, int] = {}
    problems: list[Finding] = []
    for index, header in enumerate(rows[0], start=1):
        key = fold(header).strip().replace(" ", "")
        if key in REQUIRED + OPTIONAL and key not in columns:
            columns[key] = index
        elif header.strip():
            problems.append(
                _warning(
                    file,
                    1,
                    index,
                    "import-okand-kolumn",
                    f"Kolumnen ”{header}” används inte. Kolumner som läses: kommun, indikator, "
                    "period, värde, kön, källa, kommentar.",
                )
            )
    missing = [_COLUMN_NAMES.get(c, c) for c in REQUIRED if c not in columns]
    if missing:
        problems.append(
            _problem(
                file,
                1,
                1,
                "import-saknad-kolumn",
                f"Rubrikraden saknar kolumnen {', '.join(missing)}. Första raden ska ha "
                "rubrikerna kommun, indikator, period och värde.",
            )
        )
        return [], problems
    out = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {
            key: Cell(row[i - 1].strip() if i - 1 < len(row) else "", i)
            for key, i in columns.items()
        }
        if any(c.text for c in cells.values()):
            out.append(TableRow(number, cells))
    return out, problems


def read_table(path: Path, file: str | None = None) -> tuple[list[TableRow], list[Finding]]:
    """Read a .csv, .tsv, .txt or .xlsx file into rows; problems become findings."""
    name = file or path.name
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            rows = read_xlsx(path)
        except ModuleNotFoundError:
            return [], [_problem(name, 0, 0, "import-excel", _NO_OPENPYXL)]
        except (OSError, ValueError, KeyError) as err:
            return [], [_problem(name, 0, 0, "import-excel", f"{_BAD_XLSX} ({err})")]
        found, problems = table_rows(rows, name)
        return found, problems
    text, findings = decode(path.read_bytes(), name)
    found, problems = table_rows(read_csv(text), name)
    return found, findings + problems


_NO_OPENPYXL = "Excel-filer kräver paketet openpyxl. Installera det, eller spara filen som CSV."
_BAD_XLSX = "Excel-filen går inte att läsa. Spara den på nytt som .xlsx, eller som CSV"


# --- Placing rows --------------------------------------------------------------------------


def find_municipality(region: Region, text: str) -> MunicipalityEntry | None:
    """A municipality by name, slug or code (`1276`, also `276` from a number cell)."""
    wanted = fold(text).strip()
    code = text.strip().zfill(4) if text.strip().isdigit() else None
    for entry in region.municipalities:
        plan = entry.plan
        if wanted in (fold(plan.name), entry.slug) or slugify(text) == entry.slug:
            return entry
        if code is not None and plan.code == code:
            return entry
    return None


def find_indicators(entry: MunicipalityEntry, text: str) -> list[Indicator]:
    """The plan's indicators named `text`, or carrying the Kolada id `text`."""
    wanted = fold(text).strip()
    found: dict[str, Indicator] = {}
    for goal in entry.plan.goals:
        for indicator in goal.indicators:
            by_id = indicator.kolada is not None and indicator.kolada.casefold() == wanted
            if fold(indicator.name) == wanted or by_id:
                found.setdefault(indicator.name, indicator)
    return list(found.values())


def _number(text: str) -> Value | None:
    number = parse_number(text)
    if number is None:
        return None
    return int(number) if number.is_integer() and not any(c in text for c in ".,") else number


@dataclass
class _Placed:
    entry: MunicipalityEntry
    indicator: str
    outcome: Outcome


def _place(row: TableRow, region: Region, file: str) -> tuple[_Placed | None, list[Finding]]:
    cells = row.cells

    def bad(key: str, code: str, message: str) -> tuple[None, list[Finding]]:
        return None, [_problem(file, row.number, cells[key].column, code, message)]

    entry = find_municipality(region, cells["kommun"].text)
    if entry is None:
        name = cells["kommun"].text or "(tom)"
        return bad("kommun", "import-okand-kommun", f"Kommunen ”{name}” finns inte i regionen.")
    indicators = find_indicators(entry, cells["indikator"].text)
    if len(indicators) != 1:
        name = cells["indikator"].text or "(tom)"
        why = "har flera indikatorer som heter" if indicators else "har ingen indikator"
        return bad(
            "indikator",
            "import-okand-indikator",
            f"{entry.plan.name} {why} ”{name}”. Skriv namnet som i kommunens fil, "
            "eller indikatorns Kolada-id.",
        )
    try:
        period = parse_period(cells["period"].text)
    except ValueError:
        return bad(
            "period",
            "import-ogiltig-period",
            f"”{cells['period'].text}” är ingen period. Skriv 2026, 2026H1, 2026T1 eller 2026K1.",
        )
    value = _number(cells["varde"].text)
    if value is None:
        return bad("varde", "import-ogiltigt-varde", f"”{cells['varde'].text}” är inget tal.")
    sex_text = fold(cells["kon"].text) if "kon" in cells else ""
    sex = _SEXES.get(sex_text) if sex_text else None
    if sex_text and sex is None:
        return bad(
            "kon", "import-ogiltigt-kon", f"”{cells['kon'].text}”: skriv kvinnor, män eller totalt."
        )
    fields: dict[str, Any] = {"period": period, "värde": value, "kön": sex}
    for key, alias in (("kalla", "källa"), ("kommentar", "kommentar")):
        if key in cells and cells[key].text:
            fields[alias] = cells[key].text
    try:
        outcome = Outcome.model_validate(fields)
    except ValidationError as err:  # not expected: every field was checked above
        return bad("varde", "import-ogiltigt-varde", str(err.errors()[0]["msg"]))
    return _Placed(entry, indicators[0].name, outcome), []


def _key(slug: str, indicator: str, outcome: Outcome) -> tuple[str, str, str, str]:
    return slug, fold(indicator), str(outcome.period), outcome.sex or "totalt"


def _current(data: OutcomeData) -> dict[tuple[str, str, str, str], Outcome]:
    out: dict[tuple[str, str, str, str], Outcome] = {}
    for slug, file in data.files.items():
        for indicator in file.indicators:
            for outcome in indicator.outcomes:
                out[_key(slug, indicator.name, outcome)] = outcome
    return out


def import_rows(
    rows: Iterable[TableRow], region: Region, current: OutcomeData, file: str
) -> tuple[list[Change], list[Finding]]:
    """Place every row; the changes against `current`, and every row that cannot be placed."""
    existing = _current(current)
    seen: dict[tuple[str, str, str, str], tuple[int, Outcome]] = {}
    changes: list[Change] = []
    problems: list[Finding] = []
    for row in rows:
        placed, found = _place(row, region, file)
        problems += found
        if placed is None:
            continue
        key = _key(placed.entry.slug, placed.indicator, placed.outcome)
        if key in seen:
            first, outcome = seen[key]
            if outcome != placed.outcome:
                problems.append(
                    _problem(
                        file,
                        row.number,
                        row.cells["varde"].column,
                        "import-dubblett",
                        f"Rad {first} har redan ett annat värde för samma kommun, indikator, "
                        "period och kön. Ta bort den ena raden.",
                    )
                )
            continue
        seen[key] = (row.number, placed.outcome)
        previous = existing.get(key)
        if previous != placed.outcome:
            changes.append(
                Change(
                    placed.entry.slug,
                    placed.entry.plan.name,
                    placed.indicator,
                    placed.outcome,
                    previous,
                )
            )
    return changes, problems


def write_outcome_files(root: Path, changes: list[Change], current: OutcomeData) -> list[Path]:
    """Apply `changes` to the municipalities' outcome files; the files actually rewritten.

    Outcomes not in the import are kept: a table with only this year's values adds to the
    earlier years, it does not replace them.
    """
    by_slug: dict[str, list[Change]] = {}
    for change in changes:
        by_slug.setdefault(change.slug, []).append(change)
    written: list[Path] = []
    for slug, slug_changes in sorted(by_slug.items()):
        file = current.files.get(slug)
        indicators: dict[str, dict[tuple[str, str], Outcome]] = {}
        names: dict[str, str] = {}
        for indicator in file.indicators if file else []:
            names[fold(indicator.name)] = indicator.name
            slot = indicators.setdefault(fold(indicator.name), {})
            for o in indicator.outcomes:
                slot[(str(o.period), o.sex or "totalt")] = o
        for change in slug_changes:
            names.setdefault(fold(change.indicator), change.indicator)
            slot = indicators.setdefault(fold(change.indicator), {})
            slot[(str(change.outcome.period), change.outcome.sex or "totalt")] = change.outcome
        text = render_outcome_file(
            slug_changes[0].municipality,
            {names[k]: list(v.values()) for k, v in indicators.items()},
        )
        path = outcome_path(root, slug)
        if write_if_changed(path, text):
            written.append(path)
    return written

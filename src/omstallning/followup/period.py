"""Follow-up periods: a year, a half-year, a tertial or a quarter, with dates and order.

No imports from the rest of the package: the model reads periods with `parse_period`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticCustomError

# A follow-up period: a year, a half-year (H), a tertial (T) or a quarter (K, or Q as in English).
_PERIOD_RE = re.compile(r"^(\d{4})(?:([HTKQ])(\d))?$")
_PERIOD_PARTS: dict[str, tuple[str, int]] = {
    "H": ("halvår", 2),
    "T": ("tertial", 3),
    "K": ("kvartal", 4),
}


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """A period that outcomes are reported for: `2026`, `2026H1`, `2026T2` or `2026K3`.

    Ordered by first month, then last month: 2026H1 < 2026 < 2026H2. `Q` is read as `K`.
    """

    year: int
    first_month: int
    last_month: int

    @property
    def kind(self) -> str:
        """år, halvår, tertial or kvartal."""
        months = self.last_month - self.first_month + 1
        return {12: "år", 6: "halvår", 4: "tertial", 3: "kvartal"}[months]

    @property
    def number(self) -> int:
        """Which half-year, tertial or quarter of the year (1 for a whole year)."""
        months = self.last_month - self.first_month + 1
        return (self.first_month - 1) // months + 1

    def start(self) -> dt.date:
        """The period's first day."""
        return dt.date(self.year, self.first_month, 1)

    def end(self) -> dt.date:
        """The period's last day."""
        last = calendar.monthrange(self.year, self.last_month)[1]
        return dt.date(self.year, self.last_month, last)

    def __str__(self) -> str:
        letter = {"år": "", "halvår": "H", "tertial": "T", "kvartal": "K"}[self.kind]
        return f"{self.year:04d}{letter}{self.number}" if letter else f"{self.year:04d}"


def parse_period(value: Any) -> ReportPeriod:
    """Read `2026`, `2026H1`, `2026T1`..`T3`, `2026K1`..`K4` or `2026Q1`..`Q4`."""
    text = str(value).strip().upper().replace(" ", "") if isinstance(value, (int, str)) else ""
    m = _PERIOD_RE.match(text)
    if m and 1990 <= int(m.group(1)) <= 2100:
        year, letter, digit = int(m.group(1)), m.group(2), m.group(3)
        if letter is None:
            return ReportPeriod(year, 1, 12)
        _name, parts = _PERIOD_PARTS["K" if letter == "Q" else letter]
        number = int(digit)
        if 1 <= number <= parts:
            months = 12 // parts
            return ReportPeriod(year, (number - 1) * months + 1, number * months)
    raise PydanticCustomError(
        "ogiltigt-period",
        "”{value}” är ingen period. Skriv ett år (2026), ett halvår (2026H1, 2026H2), "
        "ett tertial (2026T1–2026T3) eller ett kvartal (2026K1–2026K4).",
        {"value": value},
    )


def period_input(value: Any) -> ReportPeriod:
    """A period as the model reads it (already parsed, or text or a year)."""
    return value if isinstance(value, ReportPeriod) else parse_period(value)


PERIOD_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "minimum": 1990, "maximum": 2100},
        {"type": "string", "pattern": r"^\d{4}([HhTtKkQq]\d)?$"},
    ],
    "description": "År (2026), halvår (2026H1), tertial (2026T2) eller kvartal (2026K3).",
}


def trajectory_input(value: Any) -> Any:
    """`{2026: 20, 2027: 25}` and `[{år: 2026, värde: 20}, …]` mean the same trajectory."""
    if isinstance(value, dict):
        return [{"år": year, "värde": target} for year, target in value.items()]
    return value


_VALUE_SCHEMA: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "number"}]}


TRAJECTORY_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "patternProperties": {r"^\d{4}$": _VALUE_SCHEMA},
            "additionalProperties": False,
        },
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "år": {"type": "integer", "minimum": 1990, "maximum": 2100},
                    "värde": _VALUE_SCHEMA,
                },
                "required": ["år", "värde"],
                "additionalProperties": False,
            },
        },
    ],
    "description": "Målvärde per år: {2026: 20, 2027: 25} eller [{år: 2026, värde: 20}].",
}

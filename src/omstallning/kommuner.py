"""Sweden's 290 municipalities with SCB codes, and the slugs the repository uses for them.

The list ships as package data (`data/kommuner.csv`, sources in `data/kommuner.SOURCE.md`).
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
from dataclasses import dataclass
from importlib import resources

from omstallning.text import fold, slugify


@dataclass(frozen=True)
class Kommun:
    """One municipality from the official list."""

    code: str
    name: str
    county_code: str
    county: str

    @property
    def slug(self) -> str:
        """The file-name slug: `Upplands Väsby` -> `upplands-vasby`."""
        return slugify(self.name)


# The two caches below are kept on purpose: they hold nothing but the packaged CSV (read
# once, never changed while the process runs), so every caller gets the same answer
# whenever it asks; they are not state a run could leave behind for the next.
@functools.cache
def all_kommuner() -> tuple[Kommun, ...]:
    """All municipalities, sorted by code."""
    text = resources.files("omstallning").joinpath("data/kommuner.csv").read_text("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return tuple(Kommun(r["kommunkod"], r["kommun"], r["lanskod"], r["lan"]) for r in rows)


@functools.cache
def _by_folded_name() -> dict[str, Kommun]:  # read only: callers look names up
    return {fold(k.name): k for k in all_kommuner()} | {k.slug: k for k in all_kommuner()}


def by_code(code: str) -> Kommun | None:
    """The municipality with this SCB code, if any."""
    return next((k for k in all_kommuner() if k.code == code), None)


def by_name(name: str) -> Kommun | None:
    """The municipality with this name (case, accents and `-`/space do not matter)."""
    table = _by_folded_name()
    return table.get(fold(name.strip())) or table.get(slugify(name))


def suggest(name: str, n: int = 3) -> list[str]:
    """Official names close to a misspelt one: `Klipan` -> [`Klippan`]."""
    folded = {fold(k.name): k.name for k in all_kommuner()}
    return [folded[m] for m in difflib.get_close_matches(fold(name), folded, n=n, cutoff=0.75)]

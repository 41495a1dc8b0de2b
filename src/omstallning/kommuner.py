"""Sweden's 290 municipalities with SCB codes, their own names, and the slugs the repository uses.

The list ships as package data (`data/kommuner.csv`, sources in `data/kommuner.SOURCE.md`).
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
from collections import Counter
from dataclasses import dataclass
from importlib import resources

from omstallning.text import fold, slugify


@dataclass(frozen=True)
class Kommun:
    """One municipality from the official list.

    `official_name` is what the municipality calls itself (`Falu kommun`, `Göteborgs Stad`,
    `Region Gotland`); `slug` is its file name, unique among the 290.
    """

    code: str
    name: str
    county_code: str
    county: str
    official_name: str = ""
    slug: str = ""


def genitive(name: str) -> str:
    """Swedish genitive of a place name: Klippan -> Klippans, Borås -> Borås, Lomma -> Lomma."""
    return name if name[-1:].lower() in "aeiouyåäösxz" else f"{name}s"


def _slugs(rows: list[tuple[str, str]]) -> dict[str, str]:
    """Code -> slug, unique among the 290.

    Names that fold to the same slug (Håbo, Habo) keep it only when written in plain ASCII
    already (Habo: the file name existing repos have); the others get their code appended
    (`habo-0305`), so every municipality has a file name of its own.
    """
    plain = {code: slugify(name) for code, name in rows}
    taken = Counter(plain.values())
    out: dict[str, str] = {}
    for code, name in rows:
        slug = plain[code]
        ascii_already = name.isascii()
        out[code] = slug if taken[slug] == 1 or ascii_already else f"{slug}-{code}"
    return out


# The caches below are kept on purpose: they hold nothing but the packaged CSV (read once,
# never changed while the process runs), so every caller gets the same answer whenever it
# asks; they are not state a run could leave behind for the next.
@functools.cache
def all_kommuner() -> tuple[Kommun, ...]:
    """All municipalities, sorted by code."""
    text = resources.files("omstallning").joinpath("data/kommuner.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    slugs = _slugs([(r["kommunkod"], r["kommun"]) for r in rows])
    return tuple(
        Kommun(
            r["kommunkod"],
            r["kommun"],
            r["lanskod"],
            r["lan"],
            r.get("officiellt_namn") or f"{genitive(r['kommun'])} kommun",
            slugs[r["kommunkod"]],
        )
        for r in rows
    )


@functools.cache
def _exact() -> dict[str, Kommun]:  # read only: callers look names up
    return {k.name.casefold(): k for k in all_kommuner()}


@functools.cache
def _loose() -> dict[str, Kommun]:  # read only: callers look names up
    # Folded names first, then slugs: a slug (`habo-0305`) is unique, a folded name may not
    # be (`habo`), and then the municipality keeping the plain slug wins.
    table: dict[str, Kommun] = {}
    for k in sorted(all_kommuner(), key=lambda k: k.slug != slugify(k.name)):
        table.setdefault(fold(k.name), k)
    return table | {k.slug: k for k in all_kommuner()}


def by_code(code: str) -> Kommun | None:
    """The municipality with this SCB code, if any."""
    return next((k for k in all_kommuner() if k.code == code), None)


def by_name(name: str) -> Kommun | None:
    """The municipality with this name or slug.

    The name as written wins (`Håbo` is Håbo, `Habo` is Habo); only then do case, accents and
    `-`/space stop mattering (`habo` is Habo, `habo-0305` is Håbo).
    """
    wanted = name.strip()
    exact = _exact().get(wanted.casefold())
    if exact is not None:
        return exact
    table = _loose()
    return table.get(fold(wanted)) or table.get(slugify(wanted))


def by_slug(slug: str) -> Kommun | None:
    """The municipality whose file name is `<slug>.yaml`, if any."""
    return next((k for k in all_kommuner() if k.slug == slug), None)


def official_name(name: str, override: str | None = None) -> str:
    """What the municipality calls itself.

    The file's `officiellt_namn`, else the list's (`Falu kommun`, `Trollhättans Stad`),
    else `<genitive> kommun`.
    """
    if override and override.strip():
        return override.strip()
    found = by_name(name)
    return found.official_name if found else f"{genitive(name)} kommun"


def suggest(name: str, n: int = 3) -> list[str]:
    """Official names close to a misspelt one: `Klipan` -> [`Klippan`]."""
    folded = {fold(k.name): k.name for k in all_kommuner()}
    return [folded[m] for m in difflib.get_close_matches(fold(name), folded, n=n, cutoff=0.75)]

"""The pieces a plan is assembled from that are not its parts: citations, pictures, cells.

`Citations` numbers the sources as a plan cites them; `SharedParses` keeps the parsed
Markdown that every plan of a region shares; `region_pictures` loads the pictures a plan text
names; the cell helpers format an indicator's value and its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omstallning.documents.blocks import text_cell, value_text
from omstallning.documents.markdown_text import ImageLoader, parse_markdown
from omstallning.documents.tree import Block, Cell, Image, Run
from omstallning.model import Value

KOLADA_KPI_URL = "https://www.kolada.se/verktyg/fri-sokning/?kpis={}"


def picture_loader(root: Path) -> ImageLoader:
    """The pictures of a region's plan texts: a checked image becomes a picture block.

    A missing, unsafe or unreadable image gives None (the text keeps its alt text);
    `validate` reports it as `bild-fel`.
    """
    from omstallning.load.images import load_image, width_cm

    def load(src: str, alt: str) -> Image | None:
        found, _problem = load_image(root, src)
        if found is None:
            return None
        return Image(
            png=found.data,
            alt=alt,
            width_cm=width_cm(found.data, found.kind),
            name=found.name,
            media_type=found.media_type,
        )

    return load


def end_sentence(text: str) -> str:
    """`text` and a full stop, unless it already ends a sentence (`…lagen?` stays)."""
    stripped = text.rstrip()
    return stripped if stripped.endswith((".", "?", "!", "…", ":")) else stripped + "."


def with_unit(value: Value | None, unit: str | None) -> str:
    """An indicator value with its unit (`12` and `dagar`: `12 dagar`), unless it has it."""
    text = value_text(value)
    if not unit or text == "–" or text.rstrip().endswith(unit.strip()):
        return text
    return f"{text} {unit.strip()}"


def indicator_source_cell(source: str | None, kolada: str | None) -> Cell:
    """Where an indicator's figure comes from; a Kolada id links to its KPI page, once."""
    if not kolada:
        return text_cell(source or "–")
    link = Run(f"Kolada {kolada}", url=KOLADA_KPI_URL.format(kolada))
    named = (source or "").strip()
    if not named or named.casefold() in (
        "kolada",
        f"kolada {kolada}".casefold(),
        kolada.casefold(),
    ):
        return Cell((link,))
    return Cell((Run(f"{named} ("), link, Run(")")))


class Citations:
    """Numbers sources in the order they are first cited, for `[n]` references."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.known = set(keys)
        self.order: list[str] = []

    def number(self, key: str) -> int:
        """The source's number: the next one when it is cited for the first time."""
        if key not in self.order:
            self.order.append(key)
        return self.order.index(key) + 1

    def __call__(self, keys: tuple[str, ...]) -> tuple[Run, ...]:
        """The reference `[1, 3]` for `keys`, each number a link to its source."""
        runs: list[Run] = [Run("[")]
        for i, key in enumerate(keys):
            if i:
                runs.append(Run(", "))
            if key in self.known:
                runs.append(Run(str(self.number(key)), anchor=f"kalla-{key}"))
            else:  # validation refuses this; keep the key visible rather than lose it
                runs.append(Run(key))
        runs.append(Run("]"))
        return tuple(runs)


class SharedParses:
    """Parsed Markdown of the texts every plan of a region shares, kept per process.

    Parsing is a pure function of the text, the anchor prefix and the state of the citation
    numbering (the sources known, and those already numbered, in order); the numbering after
    the parse follows from the same. So a parse is kept under all three and replayed: the
    citation state is set to what the parse left, and the same blocks come out. Building
    290 plans parses the introduction once instead of 290 times.
    """

    MAX_ENTRIES = 512

    def __init__(self) -> None:
        self._parses: dict[
            tuple[str, str, frozenset[str], tuple[str, ...], int],
            tuple[tuple[Block, ...], list[str]],
        ] = {}

    def parse(
        self, text: str, prefix: str, cite: Citations, image: ImageLoader | None = None
    ) -> list[Block]:
        """The blocks of `text`, parsed once per text, prefix and citation state."""
        key = (text, prefix, frozenset(cite.known), tuple(cite.order), id(image))
        found = self._parses.get(key)
        if found is None:
            blocks = parse_markdown(
                text, base_level=0, cite=cite, anchor_prefix=prefix, image=image
            )
            if len(self._parses) >= self.MAX_ENTRIES:
                self._parses.clear()
            found = self._parses[key] = (tuple(blocks), list(cite.order))
        cite.order[:] = found[1]
        return list(found[0])


SHARED = SharedParses()
_LOADERS: dict[Path, ImageLoader] = {}


def region_pictures(root: Path) -> ImageLoader:
    """One picture loader per region root, so that shared parses can be kept by it."""
    loader = _LOADERS.get(root)
    if loader is None:
        if len(_LOADERS) > 64:
            _LOADERS.clear()
        loader = _LOADERS[root] = picture_loader(root)
    return loader

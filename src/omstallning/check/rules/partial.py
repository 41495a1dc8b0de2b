"""The municipality rules on a file with errors: on what of it could be read.

A file whose one value has the wrong type is still checked in full (`load.salvage` sets the
broken values aside). The findings that are about a value set aside, or that the setting
aside itself could cause (a goal whose id was broken is "missing"), are dropped.
"""

from __future__ import annotations

from omstallning.check.rules.registry import check_municipality
from omstallning.findings import Finding
from omstallning.load.loader import LoadedMunicipality, LoadResult
from omstallning.text import fold

Loc = tuple[str | int, ...]

# Findings that read a whole block: a path set aside as (block, item, key) with one of
# these (block, key) pairs, or the whole block or item, makes them unreliable.
_BLOCK_CODES: dict[str, frozenset[tuple[str, str]]] = {
    "avsnitt-saknas": frozenset({("avsnitt", "id")}),
    "tomt-avsnitt": frozenset({("avsnitt", "id")}),
    "okant-mal": frozenset({("mål", "id")}),
    "mal-saknas": frozenset({("mål", "id")}),
    "mal-utan-aktivitet": frozenset({("aktiviteter", "mål"), ("mål", "id")}),
    "aktiviteter-saknas": frozenset({("aktiviteter", "id")}),
    "beslut-saknas": frozenset({("beslut", "")}),
    "diarienummer-saknas": frozenset({("beslut", ""), ("diarienummer", "")}),
    "paragraf-saknas": frozenset({("beslut", "")}),
    "dubblett-id": frozenset({("avsnitt", "id"), ("mål", "id"), ("aktiviteter", "id")}),
}


def _touches_block(code: str, set_aside: tuple[Loc, ...]) -> bool:
    pairs = _BLOCK_CODES.get(code, frozenset())
    blocks = {block for block, _key in pairs}
    for path in set_aside:
        if not path or path[0] not in blocks:
            continue
        if len(path) <= 2 or any(_same_key(str(path[2]), key) for b, key in pairs if b == path[0]):
            return True
    return False


def _same_key(written: str, key: str) -> bool:
    """The key, or a misspelling of it that was set aside as unknown (`mal` for `mål`)."""
    return bool(key) and (written == key or fold(written) == fold(key))


def _about_set_aside(finding: Finding, set_aside: tuple[Loc, ...]) -> bool:
    subject = finding.subject
    for path in set_aside:
        if subject and subject[: len(path)] == path:
            return True  # about the stand-in, or inside it
        if len(subject) >= 2 and path[: len(subject)] == subject:
            return True  # about the item that holds it (an activity without its goals)
    return _touches_block(finding.code, set_aside)


def check_partial(shared: LoadResult, loaded: LoadedMunicipality) -> list[Finding]:
    """The municipality rules' findings on what of a broken file could be read."""
    if loaded.partial is None:
        return []
    found = check_municipality(shared, loaded.partial, loaded.source)
    return [f for f in found if not _about_set_aside(f, loaded.set_aside)]

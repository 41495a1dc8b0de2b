"""Name a place in a plan file the way its author knows it: `start i aktiviteten A1`.

Messages name list items by their id or name, never by a 0-based index
(`aktiviteter[0].start`); the finding's line and column say where it stands.
"""

from __future__ import annotations

from typing import Any

Loc = tuple[str | int, ...]

# list key -> (the item, definite; the item, indefinite; the keys that name it)
_ITEMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "avsnitt": ("avsnittet", "avsnitt", ("id",)),
    "mål": ("målet", "mål", ("id",)),
    "aktiviteter": ("aktiviteten", "aktivitet", ("id",)),
    "insatser": ("insatsen", "insats", ("namn",)),
    "samverkan": ("samverkansparten", "samverkanspart", ("part",)),
    "indikatorer": ("indikatorn", "indikator", ("namn",)),
    "lägesrapporter": ("lägesrapporten", "lägesrapport", ("datum",)),
    "bedömningar": ("bedömningen", "bedömning", ("period",)),
    "utfall": ("utfallet", "utfall", ("period",)),
    "målvärden": ("målvärdet", "målvärde", ("år",)),
}
_QUOTED = frozenset({"namn", "part"})


def _item_name(list_key: str, item: Any, index: int) -> str:
    known = _ITEMS.get(list_key)
    if known is None or not isinstance(item, (dict, type(None))):
        return f"{list_key} (punkt {index + 1})"
    definite, indefinite, names = known
    if isinstance(item, dict):
        for key in names:
            value = item.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                text = str(value).strip()
                if len(text) > 40:
                    text = text[:39] + "…"
                return f"{definite} ”{text}”" if key in _QUOTED else f"{definite} {text}"
    return f"{indefinite} nummer {index + 1}"


def describe(path: Loc, data: Any) -> str:
    """`("aktiviteter", 0, "start")` -> `start i aktiviteten A1`; "" for the whole file."""
    items: list[str] = []
    keys: list[str] = []
    node = data
    for part in path:
        if isinstance(part, int):
            list_key = keys.pop() if keys else ""
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            named = _item_name(list_key, item, part)
            items.append(".".join([*keys, named]) if keys else named)
            keys = []
            node = item
        else:
            keys.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    where = " under ".join(reversed(items))
    field = ".".join(keys)
    if field and where:
        return f"{field} i {where}"
    return field or where

"""The structured change list between two versions of a plan.

Items are matched by id first (goals, activities, sections, introduction parts), then by
name (`rubrik`, `namn`, `part`) among those left, so that a renamed id shows as a change of
its id rather than as one item removed and another added. Items without an id
(interventions, collaboration, indicators within a goal) are matched by name. For each
matched pair every field the plan shows is compared; texts are compared word by word.

Pure and deterministic: items come in the order of the new plan, removed items after
those, in the order of the old plan.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from omstallning.model import (
    ACTIVITY_STATUSES,
    AREAS,
    DIRECTIONS,
    FOCUS_AREAS,
    LEVELS,
    PLAN_STATUSES,
    STATES,
    Indicator,
    IntroPart,
    Municipality,
    Region,
    Value,
)
from omstallning.text import fold

ChangeKind = Literal["added", "removed", "changed"]
Op = Literal["equal", "insert", "delete"]

CATEGORIES: dict[str, str] = {
    "plan": "Uppgifter om planen",
    "goals": "Mål",
    "indicators": "Indikatorer",
    "activities": "Aktiviteter",
    "interventions": "Insatser",
    "collaboration": "Samverkan",
    "sections": "Avsnitt",
    "intro": "Gemensam inledning",
}
"""Category -> its Swedish heading, in the order a change list shows them."""

KIND_LABELS: dict[str, str] = {"added": "Tillagd", "removed": "Borttagen", "changed": "Ändrad"}

POSITION_FIELD = "Plats"


@dataclass(frozen=True)
class WordRun:
    """A run of words of a compared text: the same in both, inserted, or deleted."""

    op: Op
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One field of an item, before and after; `words` is the word diff of a text field."""

    field: str
    old: str
    new: str
    words: tuple[WordRun, ...] | None = None


@dataclass(frozen=True)
class ItemChange:
    """An added, removed or changed item of one category.

    `id` is how the item is named in the list (its id, or its name when it has none);
    `name` its title. Added and removed items carry no fields.
    """

    category: str
    kind: ChangeKind
    id: str
    name: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class PlanChanges:
    """The changes of one municipality's own part of the plan."""

    slug: str
    name: str
    old_version: str | None
    new_version: str | None
    items: tuple[ItemChange, ...]


@dataclass(frozen=True)
class RegionChanges:
    """The changes of the shared introduction (listed once) and of each municipality."""

    intro: tuple[ItemChange, ...]
    plans: tuple[PlanChanges, ...]


# --- Texts, word by word ----------------------------------------------------------------------


def word_diff(old: str, new: str) -> tuple[WordRun, ...]:
    """The word runs that turn `old` into `new`: equal, deleted and inserted words.

    Words are compared as they are, whitespace normalised to single spaces; a replaced
    stretch comes as its deleted words followed by its inserted words.
    """
    a, b = old.split(), new.split()
    runs: list[WordRun] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(WordRun("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(WordRun("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            runs.append(WordRun("insert", " ".join(b[j1:j2])))
    return tuple(runs)


# --- Fields -------------------------------------------------------------------------------------


def value_text(value: Value | None) -> str:
    """A value as the plan shows it: "–" for none, a decimal comma."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _label(labels: dict[str, str]) -> Callable[[str | None], str]:
    return lambda key: labels.get(key, key) if key else "–"


def _trajectory(indicator: Indicator) -> str:
    return "; ".join(f"{p.year}: {value_text(p.value)}" for p in indicator.targets) or "–"


def _outcomes(indicator: Indicator) -> str:
    parts = []
    for o in indicator.outcomes:
        sex = f" ({o.sex})" if o.sex and o.sex != "totalt" else ""
        parts.append(f"{o.period}{sex}: {value_text(o.value)}")
    return "; ".join(parts) or "–"


Field = tuple[str, Callable[[Any], str], bool]
"""(Swedish label, getter of the shown value, whether it is a text compared word by word)."""

_GOAL_FIELDS: tuple[Field, ...] = (
    ("Rubrik", lambda g: g.title, True),
    ("Beskrivning", lambda g: g.description or "", True),
    ("Fokusområde", lambda g: _label(FOCUS_AREAS)(g.focus_area), False),
)
_INDICATOR_FIELDS: tuple[Field, ...] = (
    ("Namn", lambda i: i.name, True),
    ("Utgångsvärde", lambda i: value_text(i.baseline), False),
    ("Målvärde", lambda i: value_text(i.target), False),
    ("År", lambda i: value_text(i.year), False),
    ("Målvärden per år", _trajectory, False),
    ("Utfall", _outcomes, False),
    ("Enhet", lambda i: value_text(i.unit), False),
    ("Riktning", lambda i: _label(DIRECTIONS)(i.direction), False),
    ("Källa", lambda i: value_text(i.source), False),
    ("Kolada", lambda i: value_text(i.kolada), False),
)
_ACTIVITY_FIELDS: tuple[Field, ...] = (
    ("Rubrik", lambda a: a.title, True),
    ("Beskrivning", lambda a: a.description or "", True),
    ("Mål", lambda a: ", ".join(a.goals) or "–", False),
    ("Ansvarig", lambda a: value_text(a.owner), False),
    ("Start", lambda a: value_text(str(a.start) if a.start else None), False),
    ("Slut", lambda a: value_text(str(a.end) if a.end else None), False),
    ("Status", lambda a: ACTIVITY_STATUSES[a.status], False),
)
_INTERVENTION_FIELDS: tuple[Field, ...] = (
    ("Namn", lambda i: i.name, True),
    ("Område", lambda i: AREAS[i.area], False),
    ("Nivå", lambda i: _label(LEVELS)(i.level), False),
    ("Utan behovsprövning", lambda i: value_text(i.without_assessment), False),
    ("Villkor", lambda i: i.conditions or "", True),
    ("Digital", lambda i: value_text(i.digital), False),
    ("Läge", lambda i: _label(STATES)(i.state), False),
    ("Beskrivning", lambda i: i.description or "", True),
)
_COLLABORATION_FIELDS: tuple[Field, ...] = (
    ("Part", lambda c: c.partner, True),
    ("Form", lambda c: c.form or "", True),
    ("Beskrivning", lambda c: c.description or "", True),
)
_SECTION_FIELDS: tuple[Field, ...] = (
    ("Rubrik", lambda s: s.heading, True),
    ("Text", lambda s: s.text, True),
)
_INTRO_FIELDS: tuple[Field, ...] = (
    ("Rubrik", lambda p: p.title, True),
    ("Text", lambda p: p.text, True),
)


def _decision(plan: Municipality) -> str:
    d = plan.decision
    if d is None:
        return "–"
    return f"{d.body} {d.date}" + (f", {d.reference}" if d.reference else "")


_PLAN_FIELDS: tuple[Field, ...] = (
    ("Status", lambda p: PLAN_STATUSES[p.status], False),
    ("Version", lambda p: value_text(p.version), False),
    ("Datum", lambda p: value_text(str(p.date) if p.date else None), False),
    ("Beslut", _decision, False),
    ("Nämnd", lambda p: value_text(p.committee), False),
)


def field_changes(old: Any, new: Any, fields: Iterable[Field]) -> list[FieldChange]:
    """The fields whose shown value differs between `old` and `new`."""
    out: list[FieldChange] = []
    for label, get, is_text in fields:
        before, after = get(old), get(new)
        if before == after or (is_text and before.split() == after.split()):
            continue
        words = word_diff(before, after) if is_text else None
        out.append(FieldChange(label, before or "–", after or "–", words))
    return out


# --- Matching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """How items of one category are named, matched and compared."""

    category: str
    key: Callable[[Any], str | None]  # the id, or None for items without one
    name: Callable[[Any], str]
    fields: tuple[Field, ...]
    ordered: bool = False  # whether a change of place is a change (sections, intro parts)


def match_items(old: Sequence[Any], new: Sequence[Any], kind: _Kind) -> list[tuple[Any, Any]]:
    """Pairs (old, new), None on the side an item is missing: new order, then removed ones.

    By id where items have one, then by folded name among the items left over.
    """
    pairs: dict[int, int] = {}  # new index -> old index
    old_by_key = {kind.key(o): i for i, o in reversed(list(enumerate(old))) if kind.key(o)}
    for j, item in enumerate(new):
        i = old_by_key.get(kind.key(item))
        if kind.key(item) and i is not None and i not in pairs.values():
            pairs[j] = i
    left: dict[str, int] = {}
    for i, o in enumerate(old):
        if i not in pairs.values():
            left.setdefault(fold(" ".join(kind.name(o).split())), i)
    for j, item in enumerate(new):
        if j not in pairs:
            i = left.pop(fold(" ".join(kind.name(item).split())), None)
            if i is not None:
                pairs[j] = i
    result: list[tuple[Any, Any]] = [
        (old[pairs[j]] if j in pairs else None, item) for j, item in enumerate(new)
    ]
    matched = set(pairs.values())
    result += [(o, None) for i, o in enumerate(old) if i not in matched]
    return result


def _moved(pairs: Sequence[tuple[Any, Any]], old: Sequence[Any]) -> set[int]:
    """`id()`s of the new items of matched pairs that changed place relative to the others."""
    matched = [(o, n) for o, n in pairs if o is not None and n is not None]
    old_order = sorted(range(len(matched)), key=lambda k: _index(old, matched[k][0]))
    new_order = list(range(len(matched)))
    matcher = difflib.SequenceMatcher(None, old_order, new_order, autojunk=False)
    staying = {
        k
        for block in matcher.get_matching_blocks()
        for k in new_order[block.b : block.b + block.size]
    }
    return {id(matched[k][1]) for k in new_order if k not in staying}


def _index(items: Sequence[Any], item: Any) -> int:
    return next(i for i, x in enumerate(items) if x is item)


def compare_items(
    old: Sequence[Any], new: Sequence[Any], kind: _Kind, prefix: str = ""
) -> list[ItemChange]:
    """The changes between two lists of items of one category."""
    pairs = match_items(old, new, kind)
    moved = _moved(pairs, old) if kind.ordered else set()
    out: list[ItemChange] = []
    for before, after in pairs:
        item = after if after is not None else before
        shown_id = prefix + (kind.key(item) or kind.name(item))
        if before is None:
            out.append(ItemChange(kind.category, "added", shown_id, kind.name(after)))
        elif after is None:
            out.append(ItemChange(kind.category, "removed", shown_id, kind.name(before)))
        else:
            fields = _id_change(before, after, kind) + field_changes(before, after, kind.fields)
            if id(after) in moved:
                place_old, place_new = _index(old, before) + 1, _index(new, after) + 1
                fields.append(
                    FieldChange(
                        POSITION_FIELD, f"{place_old} av {len(old)}", f"{place_new} av {len(new)}"
                    )
                )
            if fields:
                out.append(
                    ItemChange(kind.category, "changed", shown_id, kind.name(after), tuple(fields))
                )
    return out


def _id_change(old: Any, new: Any, kind: _Kind) -> list[FieldChange]:
    before, after = kind.key(old), kind.key(new)
    return [FieldChange("Id", before or "–", after or "–")] if before != after else []


GOALS = _Kind("goals", lambda g: g.id, lambda g: g.title, _GOAL_FIELDS, ordered=True)
INDICATORS = _Kind("indicators", lambda i: None, lambda i: i.name, _INDICATOR_FIELDS)
ACTIVITIES = _Kind("activities", lambda a: a.id, lambda a: a.title, _ACTIVITY_FIELDS, ordered=True)
INTERVENTIONS = _Kind("interventions", lambda i: None, lambda i: i.name, _INTERVENTION_FIELDS)
COLLABORATION = _Kind("collaboration", lambda c: None, lambda c: c.partner, _COLLABORATION_FIELDS)
SECTIONS = _Kind("sections", lambda s: s.id, lambda s: s.heading, _SECTION_FIELDS, ordered=True)
INTRO = _Kind("intro", lambda p: p.id, lambda p: p.title, _INTRO_FIELDS, ordered=True)


# --- Plans and regions ----------------------------------------------------------------------------


def _indicator_changes(old: Municipality, new: Municipality) -> list[ItemChange]:
    """Indicators compared within each matched goal; a removed goal's indicators go with it."""
    out: list[ItemChange] = []
    for before, after in match_items(old.goals, new.goals, GOALS):
        if before is not None and after is not None:
            out += compare_items(before.indicators, after.indicators, INDICATORS, f"{after.id}: ")
    return out


def compare_plans(slug: str, old: Municipality, new: Municipality) -> PlanChanges:
    """Everything that changed in one municipality's own part of the plan."""
    items: list[ItemChange] = []
    plan_fields = field_changes(old, new, _PLAN_FIELDS)
    if plan_fields:
        items.append(ItemChange("plan", "changed", slug, new.name, tuple(plan_fields)))
    items += compare_items(old.goals, new.goals, GOALS)
    items += _indicator_changes(old, new)
    items += compare_items(old.activities, new.activities, ACTIVITIES)
    items += compare_items(old.interventions, new.interventions, INTERVENTIONS)
    items += compare_items(old.collaboration, new.collaboration, COLLABORATION)
    items += compare_items(old.sections, new.sections, SECTIONS)
    return PlanChanges(slug, new.name, old.version, new.version, tuple(items))


def compare_intro(old: Region, new: Region) -> tuple[ItemChange, ...]:
    """The changes of the shared introduction, as the plans show it (parts in order)."""
    before: list[IntroPart] = old.ordered_intro()
    after: list[IntroPart] = new.ordered_intro()
    return tuple(compare_items(before, after, INTRO))


def by_category(items: Iterable[ItemChange]) -> list[tuple[str, list[ItemChange]]]:
    """Items grouped by category, in `CATEGORIES` order, categories without items left out."""
    groups: dict[str, list[ItemChange]] = {c: [] for c in CATEGORIES}
    for item in items:
        groups[item.category].append(item)
    return [(c, groups[c]) for c in CATEGORIES if groups[c]]

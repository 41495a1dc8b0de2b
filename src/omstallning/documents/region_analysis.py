"""What the regional summary shows, computed from the plans: the figures behind its tables.

Interventions that several municipalities offer under similar names (candidates for shared
work), interventions counted per area and municipality, and activities per timeline column.
Pure: it reads the loaded plans; `documents.summary` turns the results into a document. A
coming follow-up report can take its figures from here too.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

from omstallning.commands.status import swedish_key
from omstallning.documents.blocks import Slot, active_slots
from omstallning.model import (
    AREAS,
    PLACEHOLDER_WORDS,
    Activity,
    Intervention,
    MunicipalityEntry,
)
from omstallning.text import fold

SIMILARITY = 0.8
"""difflib ratio at or above which two normalised intervention names count as the same."""

# Words that carry no meaning of their own in intervention names.
FILLER_WORDS = frozenset(
    {
        "och",
        "samt",
        "eller",
        "i",
        "for",
        "med",
        "av",
        "till",
        "pa",
        "vid",
        "om",
        "en",
        "ett",
        "den",
        "det",
        "de",
        "som",
        "inom",
        "fran",
        "mot",
        "under",
    }
)
_PUNCTUATION = re.compile(rf"[{re.escape(string.punctuation)}–—‐‑’”“«»…·•]+")

# --- Similar intervention names --------------------------------------------------------------


def normalise_name(name: str) -> str:
    """An intervention name reduced for comparison.

    Case and accents folded (å/ä → a, ö → o), punctuation dropped and filler words
    (och, för, i, med …) removed: `Råd- och stödsamtal för unga` → `rad stodsamtal unga`.
    """
    words = _PUNCTUATION.sub(" ", fold(name)).split()
    kept = [w for w in words if w not in FILLER_WORDS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Offer:
    """One intervention of one municipality, as a member of a group of similar names."""

    municipality: str
    intervention: Intervention


@dataclass(frozen=True)
class SharedIntervention:
    """Interventions with similar names in two or more municipalities."""

    name: str
    offers: tuple[Offer, ...]

    @property
    def municipalities(self) -> tuple[str, ...]:
        """The municipalities in the group, each once, in the order of the offers."""
        return tuple(dict.fromkeys(o.municipality for o in self.offers))

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas (ids) the group's interventions belong to, in the order of AREAS."""
        found = {o.intervention.area for o in self.offers}
        return tuple(a for a in AREAS if a in found)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= SIMILARITY
        and matcher.quick_ratio() >= SIMILARITY
        and matcher.ratio() >= SIMILARITY
    )


def shared_interventions(entries: Sequence[MunicipalityEntry]) -> list[SharedIntervention]:
    """Groups of interventions that two or more municipalities offer or plan, by similar name.

    Names are compared after `normalise_name`; two are similar when the normalised forms are
    equal (in any area), or when they are in the same area and their difflib ratio is at
    least `SIMILARITY`. Similarity links groups together. Interventions that are ending
    (`läge: upphör`) are left out. Groups come with the most municipalities first, then in
    Swedish alphabetical order.
    """
    offers: list[Offer] = [
        Offer(e.plan.name, i) for e in entries for i in e.plan.interventions if i.state != "upphör"
    ]
    Key = tuple[str, str]  # (normalised name, area)

    def key(o: Offer) -> Key:
        return normalise_name(o.intervention.name), o.intervention.area

    keys = sorted({key(o) for o in offers})
    parent: dict[Key, Key] = {k: k for k in keys}

    def root(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, (form_a, area_a) in enumerate(keys):
        for form_b, area_b in keys[i + 1 :]:
            # Near names only within one area: "Öppen mottagning för unga" (barn och unga)
            # and "… för vuxna" (skadligt bruk) are 0.93 alike but not the same work.
            if form_a == form_b or (area_a == area_b and _similar(form_a, form_b)):
                ra, rb = root((form_a, area_a)), root((form_b, area_b))
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)

    grouped: dict[Key, list[Offer]] = {}
    for o in offers:
        grouped.setdefault(root(key(o)), []).append(o)
    groups: list[SharedIntervention] = []
    for members in grouped.values():
        if len({o.municipality for o in members}) < 2:
            continue
        members.sort(key=lambda o: (swedish_key(o.municipality), swedish_key(o.intervention.name)))
        names = [o.intervention.name for o in members]
        name = min(set(names), key=lambda n: (-names.count(n), swedish_key(n)))
        groups.append(SharedIntervention(name, tuple(members)))
    groups.sort(key=lambda g: (-len(g.municipalities), swedish_key(g.name)))
    return groups


# --- Interventions per area and municipality ------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """Interventions of one municipality in one area: existing, planned, without assessment.

    An intervention without `läge` counts as existing; one that is ending (`upphör`) is not
    counted.
    """

    existing: int = 0
    planned: int = 0
    without_assessment: int = 0

    def __add__(self, other: MatrixCell) -> MatrixCell:
        return MatrixCell(
            self.existing + other.existing,
            self.planned + other.planned,
            self.without_assessment + other.without_assessment,
        )

    @property
    def empty(self) -> bool:
        """No interventions at all."""
        return not (self.existing or self.planned)


def intervention_matrix(
    entries: Sequence[MunicipalityEntry],
) -> dict[tuple[str, str], MatrixCell]:
    """Counts per (area id, municipality name); every pair is present, empty ones too."""
    matrix = {(area, e.plan.name): MatrixCell() for area in AREAS for e in entries}
    for e in entries:
        for i in e.plan.interventions:
            if i.state == "upphör":
                continue
            key = (i.area, e.plan.name)
            matrix[key] = matrix[key] + MatrixCell(
                existing=int(i.state != "planeras"),
                planned=int(i.state == "planeras"),
                without_assessment=int(i.without_assessment),
            )
    return matrix


# --- Activities per timeline column ------------------------------------------------------------


def running_per_slot(activities: Sequence[Activity], slots: Sequence[Slot]) -> list[int]:
    """How many of the activities run in each slot."""
    counts = [0] * len(slots)
    for activity in activities:
        for i, on in enumerate(active_slots(activity, slots)):
            counts[i] += on
    return counts


# --- Placeholders are not content -------------------------------------------------------------

_PLACEHOLDER = re.compile(
    "|".join(
        rf"(?<![\w]){re.escape(w)}(?![\w])" if w[-1].isalnum() else re.escape(w)
        for w in PLACEHOLDER_WORDS
    )
)


def is_placeholder(text: str | None) -> bool:
    """Whether a title still holds the template's placeholder (`ATT SKRIVA: …`, TODO, XXX)."""
    return bool(text) and _PLACEHOLDER.search(text or "") is not None


@dataclass(frozen=True)
class RealContent:
    """The municipalities with their placeholder goals, activities and interventions left out.

    `not_started`: the names of those that had goals or activities, all of them placeholders
    (a municipality made from the template and not touched yet).
    """

    entries: tuple[MunicipalityEntry, ...]
    not_started: tuple[str, ...]


def real_content(entries: Sequence[MunicipalityEntry]) -> RealContent:
    """What the regional summary counts: goals, activities and interventions with real text."""
    kept: list[MunicipalityEntry] = []
    not_started: list[str] = []
    for e in entries:
        plan = e.plan
        goals = [g for g in plan.goals if not is_placeholder(g.title)]
        acts = [a for a in plan.activities if not is_placeholder(a.title)]
        offers = [i for i in plan.interventions if not is_placeholder(i.name)]
        had = bool(plan.goals or plan.activities)
        if had and not goals and not acts:
            not_started.append(plan.name)
        update = {"goals": goals, "activities": acts, "interventions": offers}
        kept.append(dataclasses.replace(e, plan=plan.model_copy(update=update)))
    return RealContent(tuple(kept), tuple(not_started))

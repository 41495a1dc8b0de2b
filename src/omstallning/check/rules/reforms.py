"""The register of reforms (reformer.yaml) and the introduction's state of knowledge.

Warnings when a reform's start date has passed while it still stands as a proposal or a
decision, and when an intro part's `kunskapslage` is more than a year old (issue 16).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from omstallning import clock
from omstallning.check.rules.registry import E, W, at, rule
from omstallning.findings import Finding
from omstallning.intro.reforms import (
    CHECK_VALID_MONTHS,
    REFORMS_FILE,
    attach_reforms,
    months_between,
    swedish_date,
)
from omstallning.load.loader import SOURCES_FILE, LoadResult
from omstallning.model import PlanDate, Reform
from omstallning.text import fold

KNOWLEDGE_VALID_MONTHS = 12


@rule
def reform_register(result: LoadResult) -> Iterator[Finding]:
    """reformer.yaml: its structure, its sources, and reforms whose start date has passed."""
    yield from attach_reforms(result)  # nothing when load_shared has read it already
    sm = result.maps.get(REFORMS_FILE)
    today = clock.today()
    known = result.region.sources
    for index, reform in (result.region.reforms or {}).items():
        for j, key in enumerate(reform.sources):
            if key not in known:
                close = [k for k in known if fold(k) == fold(key)]
                fix = f" Menade du {close[0]}?" if close else ""
                yield at(
                    sm,
                    REFORMS_FILE,
                    (index, "källor", j),
                    "okand-kalla",
                    E,
                    f"Källan ”{key}” finns inte i {SOURCES_FILE}.{fix} Lägg till den där, "
                    "eller rätta nyckeln.",
                )
        if reform.date is not None and _stale(reform, today):
            message = _stale_text(reform, reform.date, today)
            yield at(sm, REFORMS_FILE, (index, "status"), "reform-kontrollera", W, message)


def _stale(reform: Reform, today: dt.date) -> bool:
    """A proposal or decision whose start date has passed, not checked in six months."""
    if reform.status not in ("förslag", "beslutad") or reform.date is None:
        return False
    if reform.date.first_day() >= today:
        return False
    return not (reform.checked and months_between(reform.checked, today) <= CHECK_VALID_MONTHS)


def _stale_text(reform: Reform, when: PlanDate, today: dt.date) -> str:
    return (
        f"Kontrollera läget: {reform.name} skulle träda i kraft {swedish_date(when)}, "
        f"men står fortfarande som {reform.status}. Se efter på riksdagen.se om riksdagen har "
        "beslutat och när reglerna gäller, och ändra status och datum. Har du kontrollerat "
        f"utan att läget är klart: skriv kontrollerad: {today:%Y-%m}, så tystnar varningen "
        "i sex månader."
    )


@rule
def intro_knowledge(result: LoadResult) -> Iterator[Finding]:
    """An intro part's `kunskapslage` is at most twelve months old."""
    attach_reforms(result)  # also takes `kunskapslage` from the front matter
    today = clock.today()
    for part in result.region.intro_parts:
        knowledge = part.knowledge
        if knowledge is None or months_between(knowledge, today) <= KNOWLEDGE_VALID_MONTHS:
            continue
        yield at(
            result.maps.get(part.file),
            part.file,
            ("kunskapslage",),
            "kunskapslage-gammalt",
            W,
            f"Kunskapsläget i ”{part.title}” är {swedish_date(knowledge)}, mer än ett år sedan. "
            "Stäm av texten mot gällande lagar och förslag, och skriv sedan in "
            "månaden då du gjorde det: kunskapslage: ÅÅÅÅ-MM.",
        )

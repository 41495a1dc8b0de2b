"""Required content: the sections, goals and activities the region requires."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from omstallning.check.rules.registry import E, at, municipality_rule, rule
from omstallning.findings import Finding
from omstallning.load.loader import CONFIG_FILE, LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import STANDARD_SECTIONS, MunicipalityEntry


def misspelt_sections(sections: list[str]) -> dict[int, str]:
    """Required section ids that look like a misspelt standard id: index -> the standard id.

    Another id is a section of the region's own, which each municipality writes.
    """
    out: dict[int, str] = {}
    for i, section_id in enumerate(sections):
        if section_id in STANDARD_SECTIONS:
            continue
        close = difflib.get_close_matches(section_id, list(STANDARD_SECTIONS), n=1, cutoff=0.8)
        if close:
            out[i] = close[0]
    return out


@rule
def required_sections_known(result: LoadResult) -> Iterator[Finding]:
    """A misspelt id in krav.avsnitt is one error in omstallning.yaml, not one per plan."""
    sections = result.region.config.requirements.sections
    sm = result.maps.get(CONFIG_FILE)
    for i, standard in misspelt_sections(sections).items():
        yield at(
            sm,
            CONFIG_FILE,
            ("krav", "avsnitt", i),
            "okant-avsnitt",
            E,
            f"krav.avsnitt: ”{sections[i]}” är inget standardavsnitt. Menade du ”{standard}” "
            f"({STANDARD_SECTIONS[standard]})? Ett eget avsnitt med ett annat id går också bra, "
            "men då måste varje kommun skriva det.",
        )


_REQUIRED_LISTS = {
    "mål": (
        "mal-saknas",
        "Regionen kräver minst ett mål, men filen har inga. Lägg till ”mål:” med id och rubrik.",
    ),
    "aktiviteter": (
        "aktiviteter-saknas",
        "Regionen kräver minst en aktivitet, men filen har inga. Lägg till ”aktiviteter:” med "
        "id, rubrik och status.",
    ),
}
"""A list the region can require (`krav.mål`, `krav.aktiviteter`): its code and message."""


def _key_or_top(sm: SourceMap | None, key: str) -> tuple[str, ...]:
    """The path of a top-level key where the file writes it, else the file's top."""
    return (key,) if sm and sm.exact((key,)) else ()


@municipality_rule
def required_content(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """Required sections are present and not empty; required goals and activities exist."""
    req = result.region.config.requirements
    plan, f = entry.plan, entry.file
    by_id = {s.id: (i, s) for i, s in reversed(list(enumerate(plan.sections)))}
    misspelt = misspelt_sections(req.sections)  # reported once, in omstallning.yaml
    for n, section_id in enumerate(req.sections):
        if n in misspelt:
            continue
        title = STANDARD_SECTIONS.get(section_id, section_id)
        if section_id == "samverkan" and plan.collaboration:
            continue
        if section_id not in by_id:
            yield at(
                sm,
                f,
                _key_or_top(sm, "avsnitt"),
                "avsnitt-saknas",
                E,
                f"Avsnittet ”{section_id}” ({title}) krävs av regionen men saknas. "
                f"Lägg till ”- id: {section_id}” med en text under avsnitt.",
                key=True,
                subject=("avsnitt", section_id),
            )
        elif not by_id[section_id][1].text.strip():
            yield at(
                sm,
                f,
                ("avsnitt", by_id[section_id][0], "text"),
                "tomt-avsnitt",
                E,
                f"Avsnittet ”{section_id}” ({title}) krävs men har ingen text.",
                subject=("avsnitt", section_id),
            )
    for required, present, key in (
        (req.goals, plan.goals, "mål"),
        (req.activities, plan.activities, "aktiviteter"),
    ):
        if required and not present:
            code, message = _REQUIRED_LISTS[key]
            yield at(sm, f, _key_or_top(sm, key), code, E, message, key=True)

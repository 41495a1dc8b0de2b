"""reformer.yaml: the register of reforms in adjacent legislation (issue 16).

The file is optional and lies in the region's root: a list of reforms, each checked against
`model.Reform`, with every problem as a positioned finding. The cross-file checks (citation
keys, reforms whose start date has passed) are rules in `check/rules/reforms.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from omstallning.findings import Finding, Severity
from omstallning.load.loader import LoadResult, read_text, split_front_matter
from omstallning.load.model_errors import validate_model
from omstallning.load.yaml_source import ParsedYaml, SourceMap, parse_yaml
from omstallning.model import IntroFrontMatter, IntroPart, PlanDate, Reform, Region

REFORMS_FILE = "reformer.yaml"
# `kontrollerad: 2026-12` silences the "start date has passed" warning for this many months.
CHECK_VALID_MONTHS = 6

MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()


def swedish_date(value: PlanDate | dt.date) -> str:
    """`1 juli 2026`, or `december 2026` for a month."""
    day = value.day
    month = f"{MONTHS[value.month - 1]} {value.year}"
    return f"{day} {month}" if day else month


def months_between(earlier: PlanDate, later: dt.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s (2026-12 to 2027-06: 6)."""
    return (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month)


@dataclass
class LoadedReforms:
    """reformer.yaml as read: the reforms that passed their checks, findings, positions.

    `reforms` maps each reform's index in the file to it, in file order.
    """

    reforms: dict[int, Reform] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    source: SourceMap | None = None


class _ItemMap(SourceMap):
    """A view of a SourceMap below one list index (one reform)."""

    def __init__(self, parent: SourceMap, index: int) -> None:
        super().__init__(parent.file, parent.encoded, {}, parent.line_offset)
        self.values = {p[1:]: v for p, v in parent.values.items() if p[:1] == (index,)}


def load_reforms(root: Path) -> LoadedReforms:
    """Read `reformer.yaml` of a region; no file is an empty register."""
    path = root / REFORMS_FILE
    if not path.exists() and not path.is_symlink():
        return LoadedReforms()
    text, findings = read_text(path, REFORMS_FILE)
    if text is None:
        return LoadedReforms(findings=findings)
    parsed = parse_yaml(text, REFORMS_FILE)
    out = LoadedReforms(findings=findings + parsed.findings, source=parsed.source)
    sm = parsed.source
    if parsed.data is None:
        return out
    if not isinstance(parsed.data, list):
        out.findings.append(
            Finding(
                REFORMS_FILE,
                *sm.pos(()),
                "fel-typ",
                Severity.ERROR,
                f"{REFORMS_FILE} ska vara en lista av reformer (rader som börjar med ”- id: …”).",
            )
        )
        return out
    seen: dict[str, int] = {}
    for i, item in enumerate(parsed.data):
        reform = _load_item(out, parsed, i, item)
        if reform is None:
            continue
        if reform.id in seen:
            out.findings.append(
                Finding(
                    REFORMS_FILE,
                    *sm.pos((i, "id")),
                    "dubblett-id",
                    Severity.ERROR,
                    f"Reformen ”{reform.id}” finns redan på rad {sm.pos((seen[reform.id],))[0]}. "
                    "Ge den här reformen ett eget id, eller slå ihop dem.",
                )
            )
            continue
        seen[reform.id] = i
        out.reforms[i] = reform
    return out


def _load_item(out: LoadedReforms, parsed: ParsedYaml, i: int, item: object) -> Reform | None:
    sm = parsed.source
    if not isinstance(item, dict):
        out.findings.append(
            Finding(
                REFORMS_FILE,
                *sm.pos((i,)),
                "fel-typ",
                Severity.ERROR,
                "Varje reform ska vara en mappning med id, namn, betydelse, status, datum och "
                "källor.",
            )
        )
        return None
    reported = {p[1:] for p in parsed.reported if p[:1] == (i,)}
    reform, findings = validate_model(Reform, ParsedYaml(item, _ItemMap(sm, i), [], reported))
    out.findings += findings
    return reform


def attach_reforms(result: LoadResult) -> list[Finding]:
    """Read the register into `result.region.reforms` once; returns the findings it gave.

    `load_shared` calls this (then keeps the findings with its own); the rules call it too,
    and then it does nothing, so a region read without it still gets its register checked.
    It also takes each intro part's `kunskapslage` from its front matter.
    """
    region = result.region
    if region.reforms is not None:
        return []
    loaded = load_reforms(region.root)
    region.reforms = loaded.reforms
    if loaded.source is not None:
        result.maps[REFORMS_FILE] = loaded.source
    _attach_knowledge(result)
    return loaded.findings


def _attach_knowledge(result: LoadResult) -> None:
    """Give each intro part the `kunskapslage` of its front matter (read from its map)."""
    parts = result.region.intro_parts
    for i, part in enumerate(parts):
        if part.knowledge is None:
            fm = result.maps.get(part.file)
            knowledge = front_matter_knowledge(fm.text) if fm is not None else None
            if knowledge is not None:
                parts[i] = replace(part, knowledge=knowledge)


def front_matter_knowledge(front: str) -> PlanDate | None:
    """The valid `kunskapslage` of a front matter text, else None (the loader reports it)."""
    if "kunskapslage" not in front:
        return None
    parsed = parse_yaml(front, "front matter")
    meta, _ = validate_model(IntroFrontMatter, parsed)
    return meta.knowledge if meta is not None else None


def reforms_of(region: Region) -> list[Reform]:
    """The region's reforms in file order, read quietly when nothing has read them yet."""
    if region.reforms is None:
        region.reforms = load_reforms(region.root).reforms
    return list(region.reforms.values())


def part_knowledge(region: Region, part: IntroPart) -> PlanDate | None:
    """The part's `kunskapslage`, read from its file when the loader did not pass it on."""
    if part.knowledge is not None:
        return part.knowledge
    text, _ = read_text(region.root / part.file, part.file)
    front = split_front_matter(text)[0] if text is not None else None
    return front_matter_knowledge(front) if front else None

"""The regional overview (SPEC §6): one row per municipality and a plan-quality figure.

`region_status` turns a loaded region and its findings into `StatusRow`s; the `format_*`
functions write them as text, Markdown (for a CI job summary) or JSON. Pure: no file I/O
and no printing. The day that decides whether an activity is overdue is a parameter, so the
same input and day always give the same output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from omstallning import clock, kommuner
from omstallning.check.report import md_code, plural, visible
from omstallning.check.report import md_inline as _md_cell  # no Markdown or HTML from a file
from omstallning.check.rules.followup import follow_up_findings
from omstallning.check.validate import Validation
from omstallning.commands.quality import UNWRITTEN_SECTION_CODES, plan_quality
from omstallning.commands.quality import Quality as Quality  # re-exported for callers
from omstallning.commands.quality import list_and as list_and  # re-exported for callers
from omstallning.commands.status_extra import (
    CHANGED_HEAD,
    CHANGED_SHORT,
    LEGEND,
    Extra,
    changed_text,
    decided_by_slug,
    extra_json,
    extra_lines,
    extra_of,
)
from omstallning.findings import Finding
from omstallning.load.loader import MUNICIPALITY_DIR, LoadResult
from omstallning.model import (
    ACTIVITY_STATUSES,
    PLAN_STATUSES,
    STANDARD_SECTIONS,
    MunicipalityEntry,
    RegionConfig,
)

JSON_FORMAT_VERSION = 1
FAILED_STATUS = "fel"
"""What the status column says for a municipality file that could not be read."""

_SWEDISH_LAST = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"}


def reference_date(environ: Mapping[str, str] | None = None) -> dt.date:
    """The day the overview is made for: `clock.today()` (`SOURCE_DATE_EPOCH` when set)."""
    return clock.today(environ)


def swedish_key(name: str) -> tuple[str, str]:
    """Sort key in Swedish alphabetical order: å, ä and ö after z (Åstorp after Ystad).

    A hyphen counts as a space, so Upplands-Bro comes before Upplands Väsby.
    """
    folded = " ".join(name.casefold().replace("-", " ").split())  # Upplands-Bro as two words
    return "".join(_SWEDISH_LAST.get(c, c) for c in folded), name


# --- One row per municipality ----------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    """One municipality in the overview.

    A file that could not be read has `loaded` False, its file stem as `name` and
    `status` `"fel"`; its counts are zero and `quality` is None.
    """

    file: str
    slug: str
    name: str
    loaded: bool
    code: str | None = None
    status: str = FAILED_STATUS
    version: str | None = None
    sections_written: int = 0
    sections_required: int = 0
    sections_missing: tuple[str, ...] = ()
    goals: int = 0
    activities: Mapping[str, int] = field(
        default_factory=lambda: dict.fromkeys(ACTIVITY_STATUSES, 0)
    )
    interventions: int = 0
    interventions_planned: int = 0
    interventions_without_assessment: int = 0
    errors: int = 0
    warnings: int = 0
    quality: Quality | None = None
    extra: Extra | None = None

    @property
    def activities_total(self) -> int:
        """All activities, whatever their status."""
        return sum(self.activities.values())

    @property
    def status_label(self) -> str:
        """The status as the documents show it (`Utkast`), or `fel`."""
        return PLAN_STATUSES.get(self.status, self.status)


@dataclass(frozen=True)
class RegionStatus:
    """The whole overview: the region, the day it was made for, and its rows."""

    region: str
    today: dt.date
    rows: tuple[StatusRow, ...]
    shared_errors: int = 0
    shared_warnings: int = 0
    shared_files: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        """Errors in the whole region."""
        return self.shared_errors + sum(r.errors for r in self.rows)

    @property
    def warnings(self) -> int:
        """Warnings in the whole region."""
        return self.shared_warnings + sum(r.warnings for r in self.rows)


def _loaded_row(
    entry: MunicipalityEntry,
    config: RegionConfig,
    findings: list[Finding],
    today: dt.date,
    decided: tuple[str | None, bool | None] = (None, None),
) -> StatusRow:
    """The row of a loaded plan; `findings`: those of `validate` for its file."""
    plan = entry.plan
    gaps = findings + follow_up_findings(entry, config.requirements, today)
    required = list(config.requirements.sections)
    unwritten = {f.subject for f in gaps if f.code in UNWRITTEN_SECTION_CODES}
    missing = tuple(s for s in required if ("avsnitt", s) in unwritten)
    counts = dict.fromkeys(ACTIVITY_STATUSES, 0)
    for a in plan.activities:
        counts[a.status] += 1
    return StatusRow(
        file=entry.file,
        slug=entry.slug,
        name=plan.name,
        loaded=True,
        code=plan.code,
        status=plan.status,
        version=plan.version,
        sections_written=len(required) - len(missing),
        sections_required=len(required),
        sections_missing=missing,
        goals=len(plan.goals),
        activities=counts,
        interventions=len(plan.interventions),
        interventions_planned=sum(1 for i in plan.interventions if i.state == "planeras"),
        interventions_without_assessment=sum(1 for i in plan.interventions if i.without_assessment),
        errors=sum(1 for f in findings if f.is_error),
        warnings=sum(1 for f in findings if not f.is_error),
        quality=plan_quality(plan, config, gaps),
        extra=extra_of(entry, findings, decided),
    )


def _unread_row(file: str, findings: list[Finding]) -> StatusRow:
    """The row of a municipality file that could not be read."""
    stem = file[len(MUNICIPALITY_DIR) + 1 :].rsplit(".", 1)[0]
    known = kommuner.by_slug(stem)  # `lilla-edet` is shown as Lilla Edet, and sorted so
    return StatusRow(
        file=file,
        slug=stem,
        name=known.name if known else stem,
        loaded=False,
        errors=sum(1 for f in findings if f.is_error),
        warnings=sum(1 for f in findings if not f.is_error),
    )


def region_status(
    result: Validation | LoadResult,
    findings: Iterable[Finding],
    today: dt.date,
    decided: Mapping[str, tuple[str | None, bool | None]] | None = None,
) -> RegionStatus:
    """The overview of a loaded region.

    Every file in `kommuner/` gets a row, also one that could not be read (status `fel`).
    Findings in other files (omstallning.yaml, the introduction, sources) are counted as
    shared. What a plan lacks comes from the findings (with `follow_up_findings` for the
    day), never from looking at the plan again.

    Args:
        result: The checked region (`check.validate.validate`), or the loaded one with
            its source maps (`validate_region`, which the CLI still calls).
        findings: All findings of `validate` for the region.
        today: The day against which activities' end dates are compared.
        decided: Each slug's last decided version and whether it changed since; read
            from the region's git history (`changes.decided`) when not given.
    """
    region = result.region
    if decided is None:
        decided = decided_by_slug(region)
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.file, []).append(f)
    prefix = f"{MUNICIPALITY_DIR}/"
    read = result.files if isinstance(result, Validation) else result.maps
    municipality_files = {
        name for name in (*read, *by_file) if name.startswith(prefix) and name.count("/") == 1
    }
    rows = [
        _loaded_row(
            entry,
            region.config,
            by_file.get(entry.file, []),
            today,
            decided.get(entry.slug) or (None, None),
        )
        for entry in region.municipalities
    ]
    unread = municipality_files - {entry.file for entry in region.municipalities}
    rows += [_unread_row(file, by_file.get(file, [])) for file in sorted(unread)]
    rows.sort(key=lambda r: (swedish_key(r.name), r.file))
    shared = [f for name, group in by_file.items() if name not in municipality_files for f in group]
    return RegionStatus(
        region=region.config.region,
        today=today,
        rows=tuple(rows),
        shared_errors=sum(1 for f in shared if f.is_error),
        shared_warnings=sum(1 for f in shared if not f.is_error),
        shared_files=tuple(sorted({f.file for f in shared})),
    )


# --- Formats -------------------------------------------------------------------------------

# Short column heads for the activity statuses, in ACTIVITY_STATUSES order.
ACTIVITY_HEADS = {
    "planerad": "Planerad",
    "pågår": "Pågår",
    "klar": "Klar",
    "pausad": "Pausad",
    "stoppad": "Stoppad",
}


# "2 beslutade, 1 på remiss": how a count of plans in each status reads.
STATUS_COUNT_WORDS = {
    "beslutad": ("beslutad", "beslutade"),
    "remiss": ("på remiss", "på remiss"),
    "utkast": ("utkast", "utkast"),
    "exempel": ("exempel", "exempel"),
    FAILED_STATUS: ("kunde inte läsas", "kunde inte läsas"),
}


def quality_text(row: StatusRow) -> str:
    """The quality figure as the tables show it ("75 %", or "–" for a file with errors)."""
    return "–" if row.quality is None else f"{row.quality.percent} %"


def _version(row: StatusRow) -> str:
    return row.version or "–"


def _sections(row: StatusRow) -> str:
    return f"{row.sections_written}/{row.sections_required}" if row.loaded else "–"


def table_rows(status: RegionStatus) -> list[list[str]]:
    """The overview as a header plus one list of cell texts per municipality."""
    header = [
        "Kommun",
        "Status",
        "Version",
        CHANGED_HEAD,
        "Avsnitt",
        "Mål",
        "Aktiviteter",
        *ACTIVITY_HEADS.values(),
        "Insatser",
        "Utan behovsprövning",
        "Fel",
        "Varningar",
        "Kvalitet",
    ]
    rows = [header]
    for r in status.rows:
        if not r.loaded:
            rows.append(
                [r.name, FAILED_STATUS, "–", "–", "–", "–", "–"]
                + ["–"] * len(ACTIVITY_HEADS)
                + ["–", "–", str(r.errors), str(r.warnings), "–"]
            )
            continue
        rows.append(
            [
                r.name,
                r.status_label,
                _version(r),
                changed_text(r.extra),
                _sections(r),
                str(r.goals),
                str(r.activities_total),
                *(str(r.activities[s]) for s in ACTIVITY_HEADS),
                str(r.interventions),
                str(r.interventions_without_assessment),
                str(r.errors),
                str(r.warnings),
                quality_text(r),
            ]
        )
    return rows


def summary_sentence(status: RegionStatus) -> str:
    """`3 kommuner: 1 beslutad, 2 utkast. 0 fel och 4 varningar.`."""
    by_status: dict[str, int] = {}
    for r in status.rows:
        by_status[r.status] = by_status.get(r.status, 0) + 1
    parts = [
        f"{by_status[s]} {words[by_status[s] != 1]}"
        for s, words in STATUS_COUNT_WORDS.items()
        if by_status.get(s)
    ]
    head = plural(len(status.rows), "kommun", "kommuner")
    findings = (
        f"{plural(status.errors, 'fel', 'fel')} och "
        f"{plural(status.warnings, 'varning', 'varningar')}"
    )
    return f"{head}" + (f": {', '.join(parts)}" if parts else "") + f". {findings}."


def details(status: RegionStatus, *, extra: bool = True) -> list[tuple[StatusRow, list[str]]]:
    """What each municipality lacks, for the lines under the table (only those that lack).

    With `extra` False, only what the checks find: no overdue revision or missing values.
    """
    out: list[tuple[StatusRow, list[str]]] = []
    for r in status.rows:
        items: list[str] = []
        if not r.loaded:
            items.append(
                f"{r.file} har {plural(r.errors, 'fel', 'fel')} och kunde inte läsas. "
                "Kör omstallning validate för att se vad som ska rättas."
            )
        else:
            if r.sections_missing:
                names = [f"{s} ({STANDARD_SECTIONS.get(s, s)})" for s in r.sections_missing]
                items.append("Avsnitt som inte är skrivna: " + ", ".join(names))
            if r.quality is not None:
                items += r.quality.missing
            items += extra_lines(r.extra) if extra else []
            if r.errors:
                items.append(
                    f"{plural(r.errors, 'fel', 'fel')} i {r.file} – se omstallning validate"
                )
        if items:
            out.append((r, items))
    return out


def _heading(status: RegionStatus) -> str:
    return f"{status.region} – läget {status.today.isoformat()}"


# Columns left out of the text table, in this order, while it is wider than the terminal:
# the activities per status first (their total stays), then the less needed ones.
_NARROW_DROPS = (
    "Pausad",
    "Stoppad",
    "Klar",
    "Pågår",
    "Planerad",
    "Version",
    "Utan bp",
    "Varn.",
    CHANGED_SHORT,
)


def _fit(rows: list[list[str]], width: int | None) -> list[list[str]]:
    """The table with columns dropped (`_NARROW_DROPS`) until it fits in `width`."""

    def total(rs: list[list[str]]) -> int:
        return sum(max(len(r[i]) for r in rs) for i in range(len(rs[0]))) + 2 * (len(rs[0]) - 1)

    for head in _NARROW_DROPS:
        if width is None or total(rows) <= width:
            break
        if head in rows[0]:
            i = rows[0].index(head)
            rows = [r[:i] + r[i + 1 :] for r in rows]
    return rows


def terminal_width(environ: Mapping[str, str] | None = None) -> int | None:
    """The width `format_text` fits: COLUMNS, else the terminal's.

    None for a pipe or a CI log: they get the whole table.
    """
    columns = (os.environ if environ is None else environ).get("COLUMNS", "")
    if columns.isdigit():
        return int(columns)
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def format_text(status: RegionStatus, width: int | None = None) -> str:
    """A plain-text table with aligned columns, then what each municipality lacks.

    With `width` (the terminal's), columns are left out until the table fits, and the
    explanations are wrapped to it.
    """
    # Control characters from a file (an escape sequence in a name) are shown escaped.
    rows = [[visible(cell) for cell in row] for row in table_rows(status)]
    # Long column heads are shortened in text; the Markdown and JSON keep the full words.
    short = {"Utan behovsprövning": "Utan bp", "Varningar": "Varn.", CHANGED_HEAD: CHANGED_SHORT}
    rows[0] = [short.get(h, h) for h in rows[0]]
    rows = _fit(rows, width)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    left = {i for i, h in enumerate(rows[0]) if h in ("Kommun", "Status", "Version", CHANGED_SHORT)}
    lines = [_heading(status), ""]
    for row in rows:
        cells = [
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.append("")
    if "Utan bp" in rows[0]:
        lines.append("Utan bp = insatser som ges utan individuell behovsprövning.")
    if CHANGED_SHORT in rows[0]:
        lines.append(LEGEND.replace(CHANGED_HEAD, CHANGED_SHORT, 1))
    lines.append(
        "Kvalitet = andelen delar av planen utan brist. Varje avsnitt som regionen "
        "kräver, varje mål och varje aktivitet är en del: ett avsnitt ska vara "
        "skrivet, ett mål ha en indikator med målvärde, en aktivitet ha ansvarig, "
        "start, slut och mål och inte stå som planerad eller pågår efter sitt "
        "slutdatum. Varje rad med platshållartext räknas som en del som saknas, så en "
        "orörd mall får nära 0 %."
    )
    missing = details(status)
    if missing:
        lines += ["", "Det här saknas:"]
        for r, items in missing:
            lines.append(f"{r.name} – {r.file} ({quality_text(r)}):")
            lines += [f"  - {item}" for item in items]
    if status.shared_errors or status.shared_warnings:
        lines += [
            "",
            f"Gemensamma filer ({', '.join(status.shared_files)}): "
            f"{plural(status.shared_errors, 'fel', 'fel')} och "
            f"{plural(status.shared_warnings, 'varning', 'varningar')}.",
        ]
    lines += ["", summary_sentence(status)]
    if width is not None:
        head = len(rows) + 3  # the heading, a blank line, the table and a blank line
        lines = lines[:head] + [
            w for line in lines[head:] for w in (_wrap(line, width) if line else [""])
        ]
    return "\n".join(visible(line) for line in lines) + "\n"


def _wrap(line: str, width: int) -> list[str]:
    indent = " " * (len(line) - len(line.lstrip()) + (2 if line.lstrip().startswith("- ") else 0))
    return textwrap.wrap(line, max(width, 40), subsequent_indent=indent) or [line]


def format_markdown(status: RegionStatus) -> str:
    """The overview as GFM, for `$GITHUB_STEP_SUMMARY` or a wiki page."""
    rows = table_rows(status)
    numeric = [False, False, False, False] + [True] * (len(rows[0]) - 4)
    lines = [f"## Omställningsplaner: {_md_cell(_heading(status))}", ""]
    lines.append(summary_sentence(status))
    lines.append("")
    lines.append("| " + " | ".join(_md_cell(h) for h in rows[0]) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for row in rows[1:]:
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    lines.append("")
    lines.append(
        "*Kvalitet* är andelen delar av planen utan brist. Varje avsnitt som regionen "
        "kräver, varje mål och varje aktivitet är en del: ett avsnitt ska vara "
        "skrivet, ett mål ha en indikator med målvärde, en aktivitet ha ansvarig, "
        "start, slut och mål och inte stå som planerad eller pågår efter sitt "
        "slutdatum. Varje rad med platshållartext räknas som en del som saknas, så en "
        "orörd mall får nära 0 %."
    )
    lines += ["", LEGEND.replace(CHANGED_HEAD, f"*{CHANGED_HEAD}*", 1)]
    missing = details(status)
    if missing:
        lines += ["", "### Det här saknas", ""]
        for r, items in missing:
            lines.append(f"- **{_md_cell(r.name)}** ({quality_text(r)})")
            lines += [f"  - {_md_cell(item)}" for item in items]
    if status.shared_errors or status.shared_warnings:
        files = ", ".join(md_code(f) for f in status.shared_files)
        lines += [
            "",
            f"Gemensamma filer ({files}): {plural(status.shared_errors, 'fel', 'fel')} och "
            f"{plural(status.shared_warnings, 'varning', 'varningar')}.",
        ]
    return "\n".join(lines) + "\n"


def format_json(status: RegionStatus) -> str:
    """A stable JSON document for other tools; field names are English, values as in YAML."""
    doc = {
        "format": JSON_FORMAT_VERSION,
        "region": status.region,
        "date": status.today.isoformat(),
        "summary": {
            "municipalities": len(status.rows),
            "errors": status.errors,
            "warnings": status.warnings,
        },
        "shared": {
            "files": list(status.shared_files),
            "errors": status.shared_errors,
            "warnings": status.shared_warnings,
        },
        "municipalities": [_json_row(r) for r in status.rows],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _json_row(r: StatusRow) -> dict[str, object]:
    return {
        "file": r.file,
        "slug": r.slug,
        "kommun": r.name,
        "kommunkod": r.code,
        "loaded": r.loaded,
        "status": r.status,
        "version": r.version,
        "sections": {
            "written": r.sections_written,
            "required": r.sections_required,
            "missing": list(r.sections_missing),
        },
        "goals": r.goals,
        "activities": {"total": r.activities_total, **r.activities},
        "interventions": {
            "total": r.interventions,
            "planned": r.interventions_planned,
            "without_assessment": r.interventions_without_assessment,
        },
        "findings": {"errors": r.errors, "warnings": r.warnings},
        "quality": None
        if r.quality is None
        else {
            "percent": r.quality.percent,
            "passed": r.quality.passed,
            "checks": r.quality.total,
            "missing": list(r.quality.missing),
        },
        **extra_json(r.extra),
    }

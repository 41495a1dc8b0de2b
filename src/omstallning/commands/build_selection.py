"""Which municipalities a build can make when some files have errors.

One municipality's mistake must not stop the others: every municipality whose own file is
free of errors is built when the shared files (omstallning.yaml, the introduction,
begrepp.yaml, kallor.yaml) are; a broken one is left out (its earlier output stays as it
was) and listed with its errors. An error in a shared file still stops everything, since
every document is built from those.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from omstallning import kommuner
from omstallning.check.report import plural, visible
from omstallning.commands.build import UnknownMunicipalityError
from omstallning.findings import Finding
from omstallning.load.loader import MUNICIPALITY_DIR
from omstallning.model import MunicipalityEntry, Region
from omstallning.text import slugify


def is_municipality_file(file: str) -> bool:
    """`kommuner/<slug>.yaml` (a finding's file), as opposed to a shared file."""
    parts = PurePosixPath(file).parts
    return len(parts) == 2 and parts[0] == MUNICIPALITY_DIR  # noqa: PLR2004


@dataclass(frozen=True)
class BuildSelection:
    """What a build makes and what it leaves out.

    `entries`: the chosen municipalities without errors, to build. `broken`: the chosen
    municipality files with errors, with those errors (left out; the build exits 1).
    `others_broken`: files with errors that were not chosen (only mentioned; a build of
    other municipalities is still a success). `shared_errors`: errors in shared files
    (nothing is built).
    """

    entries: list[MunicipalityEntry] = field(default_factory=list)
    broken: dict[str, list[Finding]] = field(default_factory=dict)
    others_broken: list[str] = field(default_factory=list)
    shared_errors: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether the build must end with exit status 1."""
        return bool(self.shared_errors or self.broken)

    @property
    def broken_errors(self) -> list[Finding]:
        """The errors of the chosen municipalities that are left out."""
        return [f for fs in self.broken.values() for f in fs]

    @property
    def others_note(self) -> str | None:
        """The line that names broken municipalities that were not chosen."""
        if not self.others_broken:
            return None
        return (
            f"Obs: {', '.join(visible(b) for b in self.others_broken)} har fel men valdes inte "
            "och byggs inte (se omstallning validate)."
        )

    def left_out_note(self, *, built_any: bool) -> str:
        """What happened to the municipalities left out, after their errors."""
        done = "De andra kommunerna byggdes." if built_any else "Inget byggdes."
        return (
            f"Byggdes inte: {', '.join(visible(b) for b in self.broken)} (dokument från ett "
            f"tidigare bygge ligger kvar som de var). {done} Rätta felen ovan och kör igen."
        )


SHARED_STOP = (
    "Inget byggdes: felen finns i filer som alla kommuners planer byggs av. Rätta dem och kör "
    "igen (omstallning validate visar även varningar)."
)


def error_count(errors: Sequence[Finding]) -> str:
    """`1 fel i 1 fil.`: errors only, so it does not claim "0 varningar" as validate would."""
    files = plural(len({f.file for f in errors}), "fil", "filer")
    return f"{plural(len(errors), 'fel', 'fel')} i {files}."


def _errors_by_file(findings: Sequence[Finding]) -> tuple[list[Finding], dict[str, list[Finding]]]:
    shared: list[Finding] = []
    per_file: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.is_error:
            continue
        if is_municipality_file(f.file):
            per_file.setdefault(f.file, []).append(f)
        else:
            shared.append(f)
    return shared, per_file


def _wanted_files(region: Region, broken: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """The municipality files `--kommun` names (slug, name or code), in the order given."""
    files = [e.file for e in region.municipalities] + [
        f for f in broken if f not in {e.file for e in region.municipalities}
    ]
    by_stem = {PurePosixPath(f).stem: f for f in files}
    by_name = {e.plan.name.casefold(): e.file for e in region.municipalities}
    chosen: list[str] = []
    for name in wanted:
        official = kommuner.by_name(name)
        file = (
            by_stem.get(name.strip())
            or by_name.get(name.strip().casefold())
            or (by_stem.get(official.slug) if official else None)
            or by_stem.get(slugify(name))
        )
        if file is None:
            known = ", ".join(sorted(by_stem)) or "inga"
            raise UnknownMunicipalityError(
                f"Regionen har ingen kommun ”{name}”. Kommuner i regionen: {known}."
            )
        if file not in chosen:
            chosen.append(file)
    return chosen


def select_for_build(
    region: Region, findings: Sequence[Finding], wanted: Sequence[str]
) -> BuildSelection:
    """Split the region into what to build and what to leave out, for `build [--kommun …]`.

    Raises:
        UnknownMunicipalityError: a name in `wanted` matches no municipality file.
    """
    shared, per_file = _errors_by_file(findings)
    if shared:
        return BuildSelection(shared_errors=shared)
    if wanted:
        chosen = _wanted_files(region, list(per_file), wanted)
    else:
        chosen = [e.file for e in region.municipalities] + sorted(
            f for f in per_file if region_file_entry(region, f) is None
        )
    by_file = {e.file: e for e in region.municipalities}
    return BuildSelection(
        entries=[by_file[f] for f in chosen if f in by_file and f not in per_file],
        broken={f: per_file[f] for f in chosen if f in per_file},
        others_broken=sorted(f for f in per_file if f not in chosen),
    )


def region_file_entry(region: Region, file: str) -> MunicipalityEntry | None:
    """The loaded municipality of a file, if it loaded."""
    return next((e for e in region.municipalities if e.file == file), None)


def without(region: Region, files: Sequence[str]) -> Region:
    """The region without the municipalities of `files`.

    What the regional summary's content (interventions, timeline, goals) is made of when
    some files have errors; its status table still lists them, with status *fel*.
    """
    dropped = set(files)
    kept = [e for e in region.municipalities if e.file not in dropped]
    return dataclasses.replace(region, municipalities=kept)

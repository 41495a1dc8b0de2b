"""Validation as one step: load a region, run every rule, in worker processes where worth it.

`validate_region` loads what the region shares, then loads and checks the municipality files
(`load_and_check`), in workers when there are enough of them, and last runs the region rules.
The region rules see each municipality's source map only at `REGION_RULE_PATHS`, in every
run: a worker sends back no more than that, so a rule that read more would get other
positions in parallel runs than in serial ones; here it fails at once in both.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from omstallning.check.file_cache import load_check_entry
from omstallning.check.rules import check_municipality, run_region_rules
from omstallning.check.rules.partial import check_partial
from omstallning.errors import OmstallningError
from omstallning.findings import Finding, Severity, sort_findings
from omstallning.load.loader import (
    CONFIG_FILE,
    INTRO_DIR,
    MUNICIPALITY_DIR,
    LoadedMunicipality,
    LoadResult,
    add_municipality,
    load_municipality,
    load_shared,
    municipality_paths,
)
from omstallning.load.safe_read import MAX_MUNICIPALITY_FILES
from omstallning.load.yaml_source import Path_, Place, SourceMap

if TYPE_CHECKING:
    from omstallning.check.file_cache import FileCache
    from omstallning.model import Region
    from omstallning.workers import Workers

# What the region rules read of a municipality's source map, when it was checked elsewhere.
REGION_RULE_PATHS: tuple[Path_, ...] = (("kommun",),)
# Municipality files per task in a worker: small enough to share the work out evenly.
FILES_PER_TASK = 4


@dataclass
class Validation:
    """A checked region: the region, every finding sorted, and every file that was read."""

    region: Region
    findings: list[Finding]
    files: frozenset[str]


def validate(root: Path, workers: Workers | None = None) -> Validation:
    """`validate_region`, without the source maps: what the commands need of a check."""
    result, findings = validate_region(root, workers)
    files = (
        set(result.maps)
        | {p.file for p in result.region.intro_parts}
        | {m.file for m in result.region.municipalities}
    )
    return Validation(result.region, findings, frozenset(files))


def load_and_check(shared: LoadResult, path: Path) -> LoadedMunicipality:
    """Load one municipality file and run the municipality rules on it.

    Its findings are those of both, so that the file can be loaded and checked in a worker
    process; its source map is then no longer needed but for the region rules.
    """
    return check_loaded(shared, load_municipality(shared.region.root, path))


def check_loaded(shared: LoadResult, loaded: LoadedMunicipality) -> LoadedMunicipality:
    """The municipality rules on a loaded file (`load_and_check`), its findings added."""
    if loaded.entry is not None:
        loaded.findings += check_municipality(shared, loaded.entry, loaded.source)
    else:  # errors in the file: check the rest of it all the same
        loaded.findings += check_partial(shared, loaded)
    loaded.partial = None  # only for the checks: never built, never sent back by a worker
    return loaded


def validate_region(
    root: Path, workers: Workers | None = None, cache: FileCache | None = None
) -> tuple[LoadResult, list[Finding]]:
    """Load a region and check it: every finding of every file, sorted.

    With `workers`, municipality files are loaded and checked in worker processes when
    there are enough of them to gain by it; the result is the same. With `cache`, files
    checked before (`file_cache`) are taken from it, to the same result; the caller
    writes the new entries (`FileCache.finish`) once the run has gone far enough.

    Raises:
        NotARegionError: `root` is not a regional repository.
        OmstallningError: the introduction's folder cannot be read.
    """
    folder_findings, readable = folder_problems(root)
    if INTRO_DIR not in readable and (root / CONFIG_FILE).is_file():
        raise OmstallningError(
            f"Mappen {INTRO_DIR}/ går inte att läsa (åtkomst nekad). Ge läsrätt till den, "
            f"t.ex. chmod u+rx {INTRO_DIR}, och kör igen."
        )
    result = load_shared(root)
    paths = municipality_paths(root) if MUNICIPALITY_DIR in readable else []
    if len(paths) > MAX_MUNICIPALITY_FILES:  # none is read: the count alone is the error
        result.findings.append(_too_many_files(len(paths)))
        paths = []
    for loaded in _load_and_check_all(result, paths, workers, cache):
        add_municipality(result, loaded)
    region_findings = run_region_rules(_for_region_rules(result))
    outcome_findings = _merge_outcome_files(result)
    return result, sort_findings(
        result.findings + folder_findings + region_findings + outcome_findings
    )


def _merge_outcome_files(result: LoadResult) -> list[Finding]:
    """Add the outcomes of `utfall/*.yaml` and `kolada.yaml` to the loaded plans.

    After every rule: the follow-up rules check what the plans themselves say, as before
    the data files existed; the documents and `status` see the merged outcomes. Returns
    the findings in those files (their source maps join `result.maps`).
    """
    from omstallning.followup.files import load_outcome_files, merge_region

    data = load_outcome_files(result.region.root)
    merge_region(result.region, data)
    result.maps.update(data.maps)
    return data.findings


def folder_problems(root: Path) -> tuple[list[Finding], set[str]]:
    """Findings for a `kommuner` or `inledning` that is no folder or cannot be listed.

    Returns them and the names of the folders that can be listed (or are missing, which
    other rules report): only those are read.
    """
    findings: list[Finding] = []
    readable: set[str] = set()
    for name in (MUNICIPALITY_DIR, INTRO_DIR):
        folder = root / name
        try:
            info = folder.stat()
        except FileNotFoundError:
            readable.add(name)
            continue
        except OSError as exc:
            findings.append(_folder_finding(name, f"går inte att läsa ({_why(exc)})"))
            continue
        if not stat.S_ISDIR(info.st_mode):
            findings.append(_folder_finding(name, "är ingen mapp utan en fil; inget i den läses"))
            readable.add(name)  # the loader reads nothing from what is no folder
            continue
        try:
            with os.scandir(folder):
                readable.add(name)
        except OSError as exc:
            findings.append(_folder_finding(name, f"går inte att läsa ({_why(exc)})"))
    return findings, readable


def _why(exc: OSError) -> str:
    return "åtkomst nekad" if isinstance(exc, PermissionError) else f"fel {exc.errno}"


def _folder_finding(name: str, problem: str) -> Finding:
    return Finding(
        name,
        0,
        0,
        "oläsbar",
        Severity.ERROR,
        f"{name} {problem}. Gör {name} till en mapp som du har läsrätt till (chmod u+rx "
        f"{name}) med filerna i, eller ta bort den.",
    )


def _too_many_files(count: int) -> Finding:
    return Finding(
        MUNICIPALITY_DIR,
        0,
        0,
        "for-stor",
        Severity.ERROR,
        f"Mappen {MUNICIPALITY_DIR}/ har {count} kommunfiler; högst {MAX_MUNICIPALITY_FILES} "
        "läses (Sverige har 290 kommuner). Ingen av dem kontrollerades. Ta bort filer som inte "
        "är kommunernas planer.",
    )


class RegionRuleMap(SourceMap):
    """A municipality's source map as the region rules see it: only `REGION_RULE_PATHS`.

    Any other path raises, so a region rule that needs more fails in every run, not only
    with the wrong positions when the file was checked in a worker.
    """

    def _kept(self, path: Path_) -> None:
        if tuple(path) not in REGION_RULE_PATHS:
            raise LookupError(
                f"a region rule read {tuple(path)} of {self.file}; add it to REGION_RULE_PATHS"
            )

    def exact(self, path: Path_) -> Place | None:
        """As in `SourceMap`, for a path in `REGION_RULE_PATHS` only."""
        self._kept(path)
        return super().exact(path)

    def pos(self, path: Path_) -> tuple[int, int]:
        """As in `SourceMap`, for a path in `REGION_RULE_PATHS` only."""
        self._kept(path)
        return super().pos(path)

    def key_pos(self, path: Path_) -> tuple[int, int]:
        """As in `SourceMap`, for a path in `REGION_RULE_PATHS` only."""
        self._kept(path)
        return super().key_pos(path)

    def text_pos(self, path: Path_, line: int, column: int) -> tuple[int, int]:
        """As in `SourceMap`, for a path in `REGION_RULE_PATHS` only."""
        self._kept(path)
        return super().text_pos(path, line, column)

    def source_line(self, line: int) -> str | None:
        """Never: the region rules read no text of a municipality."""
        raise LookupError(f"a region rule read line {line} of {self.file}")

    @property
    def lines(self) -> list[str]:
        """Never: the region rules read no text of a municipality."""
        raise LookupError(f"a region rule read the lines of {self.file}")


def region_rule_map(sm: SourceMap) -> RegionRuleMap:
    """`sm` as the region rules may read it (`RegionRuleMap`)."""
    kept = {p: sm.values[p] for p in REGION_RULE_PATHS if p in sm.values}
    return RegionRuleMap(sm.file, b"", kept, sm.line_offset)


def _for_region_rules(result: LoadResult) -> LoadResult:
    """`result` with every municipality's map cut down to what region rules may read."""
    maps = dict(result.maps)
    for entry in result.region.municipalities:
        if entry.file in maps:
            maps[entry.file] = region_rule_map(maps[entry.file])
    return dataclasses.replace(result, maps=maps, findings=[])


def _load_and_check_all(
    shared: LoadResult, paths: list[Path], workers: Workers | None, cache: FileCache | None = None
) -> Iterator[LoadedMunicipality]:
    """Every file of `paths` loaded and checked, in order; in `workers` where worth it.

    With `cache`, a file with an entry there is taken from it; the others are checked and
    their entries kept for `FileCache.finish`.
    """
    root = shared.region.root
    cached = {i: hit for i, p in enumerate(paths) if cache and (hit := cache.lookup(root, p))}
    checked = _check_all(
        shared, [p for i, p in enumerate(paths) if i not in cached], workers, cache
    )
    for i in range(len(paths)):
        yield cached[i] if i in cached else next(checked)


def _check_all(
    shared: LoadResult, paths: list[Path], workers: Workers | None, cache: FileCache | None
) -> Iterator[LoadedMunicipality]:
    done = 0
    key = cache.shared if cache is not None else None
    if workers is not None and workers.start(
        shared.region, len(paths), config_ok=shared.config_ok, light=True
    ):
        from omstallning.workers import WorkerError

        tasks = [(paths[i : i + FILES_PER_TASK], key) for i in range(0, len(paths), FILES_PER_TASK)]
        try:
            for loaded in workers.ordered(_load_and_check_in_worker, tasks):
                for one, made in loaded:
                    if cache is not None:
                        cache.add(made)
                    yield one
                done += len(loaded)
        except WorkerError:
            pass  # the files not yet loaded are loaded here
    for path in paths[done:]:
        one, made = load_check_entry(shared, path, key)
        if cache is not None:
            cache.add(made)
        yield one


def _load_and_check_in_worker(
    task: tuple[list[Path], str | None],
) -> list[tuple[LoadedMunicipality, tuple[str, bytes] | None]]:
    """`load_check_entry` for each file, in a worker process.

    Of each source map only what the region rules read is sent back: the whole maps would
    cost more to send than to make.
    """
    import gc

    from omstallning.workers import shared

    paths, key = task
    gc.disable()  # as in the main process: loading makes many objects and no cycles
    try:
        out = [load_check_entry(shared(), path, key) for path in paths]
    finally:
        gc.enable()
    for loaded, _made in out:
        if loaded.source is not None:
            loaded.source = loaded.source.only(REGION_RULE_PATHS)
    return out

"""The region's CI files install a real omstallning, not the placeholder `new region` wrote."""

from __future__ import annotations

from collections.abc import Iterator

from omstallning.check.rules.registry import W, rule
from omstallning.commands.install_source import PLACEHOLDER
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult

CI_FILES = (".github/workflows/omstallning.yml", ".gitlab-ci.yml")
MAX_CI_FILE = 1_000_000


@rule
def install_line(result: LoadResult) -> Iterator[Finding]:
    """A CI file that still has the install placeholder: CI cannot install the tool."""
    root = result.region.root
    for name in CI_FILES:
        path = root / name
        try:
            # Only a regular file of a sensible size inside the repository: a CI file is small.
            if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_CI_FILE:
                continue
            lines = path.read_text("utf-8", errors="replace").split("\n")
        except OSError:
            continue
        for number, line in enumerate(lines, start=1):
            column = line.find(PLACEHOLDER)
            if column >= 0 and not line.lstrip().startswith("#"):
                yield Finding(
                    name,
                    number,
                    column + 1,
                    "paket-saknas",
                    W,
                    "CI vet inte var omstallning ska installeras från: repot skapades med ett "
                    "lokalt installerat verktyg. Skriv källan i OMSTALLNING_PAKET, t.ex. "
                    '"omstallning @ git+https://git.example.se/region/omstallning@v0.1.0".',
                )

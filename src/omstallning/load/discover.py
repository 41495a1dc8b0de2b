"""Which region a command works on, from what the user gave: a folder, a file, or nothing.

Users run the tool from the region's root, from a folder inside it (`kommuner/`), with
file names (the pre-commit framework passes the changed files) and in CI. Each of these
finds the region's root, the nearest folder upwards with an `omstallning.yaml`, and, for
files, which files the findings are wanted for.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from omstallning.errors import NotARegionError, UsageError
from omstallning.load.loader import CONFIG_FILE

MAX_LEVELS = 32  # how far up to look: deeper than any real checkout, bounded anyway


@dataclass(frozen=True)
class Target:
    """The region's root and, when files were named, those files relative to it."""

    root: Path
    files: tuple[str, ...] = ()

    def wants(self, file: str) -> bool:
        """Whether findings for `file` (relative to the root) are asked for."""
        return not self.files or file in self.files


def region_root(start: Path) -> Path | None:
    """The nearest folder from `start` upwards that holds an `omstallning.yaml`."""
    folder = Path(os.path.abspath(start))  # noqa: PTH100 - lexically: `..` as the user means it
    for _ in range(MAX_LEVELS):
        if (folder / CONFIG_FILE).is_file():
            return folder
        if folder.parent == folder:
            return None
        folder = folder.parent
    return None


def find_target(paths: Sequence[Path]) -> Target:
    """The region and the files asked about, from the paths given on the command line.

    No path is the current folder. A folder is the region when it holds omstallning.yaml,
    else the region it lies in. Files must all lie in one region.

    Raises:
        NotARegionError: no region holds the path.
        UsageError: a path does not exist, or files from two regions were given.
    """
    given = list(paths) or [Path()]
    folders = [p for p in given if not p.is_file()]
    for path in folders:
        if not path.exists():
            raise UsageError(f"{path} finns inte. Ange regionens mapp eller en fil i den.")
    if folders and len(given) > 1:
        raise UsageError("Ange antingen en mapp eller en eller flera filer, inte båda.")
    if folders:
        root = region_root(folders[0])
        if root is None:
            raise NotARegionError(_not_a_region(folders[0]))
        return Target(_shown(root, folders[0]))
    roots = {region_root(p.parent) for p in given}
    if None in roots:
        raise NotARegionError(_not_a_region(given[0]))
    if len(roots) > 1:
        raise UsageError("Filerna hör till olika regionrepon. Kontrollera ett repo i taget.")
    root = roots.pop()
    assert root is not None
    files = tuple(sorted(_relative(root, p) for p in given))
    return Target(_shown(root, given[0].parent), files)


def _relative(root: Path, path: Path) -> str:
    return Path(os.path.abspath(path)).relative_to(root).as_posix()  # noqa: PTH100


def _shown(root: Path, near: Path) -> Path:
    """The root as the user would write it: relative to the current folder when inside it."""
    here = Path(os.path.abspath(Path()))  # noqa: PTH100
    try:
        relative = root.relative_to(here)
    except ValueError:
        return root
    return relative if str(relative) != "." else Path()


def _not_a_region(path: Path) -> str:
    shown = "den här mappen" if str(path) in ("", ".") else str(path)
    return (
        f"{shown} är inget regionrepo: varken mappen eller någon mapp ovanför har "
        f"en {CONFIG_FILE}. Gå till regionens mapp, ange den (omstallning validate MAPP) "
        "eller skapa ett repo med omstallning new region."
    )

"""The build's cache, read defensively: a manifest in a repo under review is untrusted.

The manifest (`build.MANIFEST_FILE`) is read only when it is a regular file of sensible
size and nesting; outputs are compared only when they are regular files (never a link, a
pipe or a device someone committed in their place); and the inputs a build read are checked
for changes made while it ran (`changed_since`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from omstallning.load import safe_read
from omstallning.model import Region
from omstallning.writers.files import shown_path

Warn = Callable[[str], None]

BUILD_FORMATS = ("docx", "md", "html", "pdf")
"""The formats `build` writes; `pdf` is made from the DOCX, `html` is the site (`html/`)."""
SITE_FOLDER = "html"
MANIFEST_FILE = ".omstallning-cache.json"
MANIFEST_VERSION = 1
MANIFEST_MAX_BYTES = 16 * 1024 * 1024  # 290 municipalities take about 150 KB
MANIFEST_MAX_DEPTH = 8  # the manifest nests 3 deep; anything deeper is not ours


def our_output_name(name: str) -> bool:
    """A plain file name in the output folder with one of the output formats' suffixes.

    Or a page of the site: `html/` and a plain file name ending in `.html`.
    """
    site, slash, rest = name.partition("/")
    if slash and site == SITE_FOLDER:
        return rest.endswith(".html") and our_output_name(rest)
    stem, dot, fmt = name.rpartition(".")
    return (
        bool(stem and dot)
        and fmt in BUILD_FORMATS
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
    )


def changed_since(region: Region, moment: float) -> set[str]:
    """The region's input files (relative names) last changed after `moment`."""
    from omstallning.load.loader import CONFIG_FILE, GLOSSARY_FILE, INTRO_DIR, SOURCES_FILE

    root = region.root
    names = [CONFIG_FILE, GLOSSARY_FILE, SOURCES_FILE]
    names += [m.file for m in region.municipalities]
    with contextlib.suppress(OSError):
        names += [f"{INTRO_DIR}/{e.name}" for e in os.scandir(root / INTRO_DIR)]
    export = region.config.export
    names += [rel for rel in (export.template, export.logo) if rel]
    changed: set[str] = set()
    for name in names:
        try:
            info = (root / name).lstat()
        except OSError:
            continue
        if info.st_mtime > moment or info.st_ctime > moment:
            changed.add(name)
    return changed


def read_regular(path: Path, limit: int | None) -> bytes | None:
    """The bytes of `path` when it is a regular file (not a link) within `limit`, else None."""
    try:
        return safe_read.read_bytes(
            path, safe_read.OUTPUT_BYTES if limit is None else limit, follow_symlinks=False
        )
    except OSError:
        return None


def read_manifest(path: Path, warn: Warn) -> tuple[dict[str, Any], bool]:
    """The manifest's entries by file name, and whether a new manifest can be written there.

    A manifest that is missing, unreadable, not a regular file, too large, too deeply nested
    or not JSON is no manifest: every document is built again. One that is a folder cannot
    be replaced, so the build then writes none (and says so).
    """
    try:
        info = path.lstat()
    except OSError:
        return {}, True
    if stat.S_ISDIR(info.st_mode):
        warn(
            f"{shown_path(path)} är en mapp, inte byggets cachefil. Alla dokument byggs om och "
            "ingen cache sparas. Ta bort mappen."
        )
        return {}, False
    data = read_regular(path, MANIFEST_MAX_BYTES)
    files = _manifest_files(data)
    if files is None:
        warn(
            f"{shown_path(path)} är ingen giltig cachefil (ingen vanlig fil, för stor eller "
            "trasig). Alla dokument byggs om och filen ersätts."
        )
        return {}, True
    return files, True


def _manifest_files(data: bytes | None) -> dict[str, Any] | None:
    """The `files` of a manifest's bytes; an empty dict for another version; None if bad."""
    if data is None or len(data) > MANIFEST_MAX_BYTES:
        return None
    try:
        text = data.decode("utf-8")
        if json_depth(text) > MANIFEST_MAX_DEPTH:
            return None
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    if parsed.get("version") != MANIFEST_VERSION:
        return {}
    files = parsed.get("files")
    return dict(files) if isinstance(files, dict) else None


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON `text` (strings are skipped), in one pass."""
    depth = deepest = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def sha256(data: bytes) -> str:
    """The hex SHA-256 of `data`: how the manifest records a file's content."""
    return hashlib.sha256(data).hexdigest()


def is_fresh(recorded: Any, key: Any, path: Path) -> bool:
    """Whether `path` was built from exactly these inputs and is still as it was written.

    Only a regular file is read (never a link, a pipe or a device put there by someone).
    """
    if not isinstance(recorded, dict) or recorded.get("inputs") != key:
        return False
    data = read_regular(path, limit=None)
    return data is not None and sha256(data) == recorded.get("output")


def manifest_bytes(files: dict[str, Any]) -> bytes:
    """The manifest file's bytes for these entries (by file name), sorted, deterministic."""
    data = {
        "version": MANIFEST_VERSION,
        "comment": "omstallning build: vad varje fil byggdes av. Filen kan tas bort.",
        "files": {name: files[name] for name in sorted(files)},
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

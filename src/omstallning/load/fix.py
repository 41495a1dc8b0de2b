"""`omstallning validate --fix`: repair the mechanical slips of text pasted from Word.

Three repairs, each where `load/pasted.py` finds the slip: a hard space (U+00A0) where YAML
needs an ordinary one; typographic quotes around a whole value (`”1488”` -> `"1488"`); `•`
line bullets in a `|` text (-> `- `). A file is rewritten only when its repaired text reads
back, without errors, to exactly the data of the original with the intended repairs applied
(so a repair can never change anything else); the write is atomic, and keeps a BOM and CRLF
line endings as they were.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omstallning.load.loader import (
    CONFIG_FILE,
    GLOSSARY_FILE,
    SOURCES_FILE,
    municipality_paths,
    read_text,
)
from omstallning.load.pasted import ValueSlip, bullet_fixed, typographic_wrap
from omstallning.load.yaml_source import parse_yaml

VISIBLE_NBSP = "⍽"


@dataclass(frozen=True)
class Change:
    """One repaired line: file, 1-based line, the line before and after."""

    file: str
    line: int
    before: str
    after: str

    def shown(self) -> str:
        """`kommuner/x.yaml:12: ansvarig:⍽Strateg → ansvarig: Strateg` (hard spaces as ⍽)."""
        before = _visible(self.before.strip())
        return f"{self.file}:{self.line}: {before} → {_visible(self.after.strip())}"


def _visible(text: str) -> str:
    return text.replace("\u00a0", VISIBLE_NBSP).replace("\u202f", VISIBLE_NBSP)


@dataclass
class FileFix:
    """What `--fix` did to one file: its changes, or why it left the file alone."""

    file: str
    changes: list[Change]
    refused: str | None = None


def _expected(data: Any, fixed_texts: set[str]) -> Any:
    """The data as the repairs should leave it.

    Each repaired value without its quotes, or with its bullets as `- `.
    """
    if isinstance(data, dict):
        return {k: _expected(v, fixed_texts) for k, v in data.items()}
    if isinstance(data, list):
        return [_expected(v, fixed_texts) for v in data]
    if isinstance(data, str) and data in fixed_texts:
        return data[1:-1] if typographic_wrap(data) else bullet_fixed(data)
    return data


def _apply(lines: list[str], slips: list[ValueSlip]) -> set[int]:
    """Apply the slips that have a repair, right to left within a line; the lines changed."""
    changed: set[int] = set()
    for slip in sorted(slips, key=lambda s: (s.line, -s.column)):
        if not slip.old or slip.line >= len(lines):
            continue
        line = lines[slip.line]
        if line[slip.column : slip.column + len(slip.old)] != slip.old:
            continue
        lines[slip.line] = line[: slip.column] + slip.new + line[slip.column + len(slip.old) :]
        changed.add(slip.line)
    return changed


def fix_text(text: str, file: str) -> tuple[str, list[Change], str | None]:
    """The repaired text, its changes, and why not (then the text is returned unchanged)."""
    first = parse_yaml(text, file)
    if not first.nbsp and not any(s.old for s in first.slips):
        return text, [], None
    if first.data is None or any(f.code == "yaml-syntax" for f in first.findings):
        return text, [], "filen har YAML-fel som måste rättas för hand först"
    lines = text.split("\n")
    changed: set[int] = set()
    for fix in first.nbsp:
        line = lines[fix.line]
        lines[fix.line] = line[: fix.column] + " " + line[fix.column + 1 :]
        changed.add(fix.line)
    fixed_values: set[str] = set()
    for slip in first.slips:
        if slip.old and slip.code == "typografiska-citattecken":
            fixed_values.add(slip.old)
    slip_lines = _apply(lines, first.slips)
    changed |= slip_lines
    fixed_values |= _bullet_values(first.data)
    new_text = "\n".join(lines)
    after = parse_yaml(new_text, file)
    if after.data is None or any(f.is_error and f.code == "yaml-syntax" for f in after.findings):
        return text, [], "rättningen gick inte att läsa tillbaka"
    if after.data != _expected(first.data, fixed_values):
        return text, [], "rättningen skulle ha ändrat mer än de inklistrade tecknen"
    old_lines = text.split("\n")
    changes = [Change(file, n + 1, old_lines[n], lines[n]) for n in sorted(changed)]
    return new_text, changes, None


def _bullet_values(data: Any) -> set[str]:
    """Every text in `data` with a `•` line bullet (the `|` texts `--fix` rewrites)."""
    out: set[str] = set()
    if isinstance(data, dict):
        for v in data.values():
            out |= _bullet_values(v)
    elif isinstance(data, list):
        for v in data:
            out |= _bullet_values(v)
    elif isinstance(data, str) and bullet_fixed(data) != data and "\n" in data:
        out.add(data)
    return out


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".omstallning-fix-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
        Path(tmp).chmod(path.stat().st_mode & 0o7777)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fix_file(root: Path, path: Path) -> FileFix:
    """Repair one YAML file of the region in place (see the module)."""
    rel = path.relative_to(root).as_posix()
    text, problems = read_text(path, rel)
    if text is None:
        return FileFix(rel, [], problems[0].message if problems else "filen går inte att läsa")
    new_text, changes, refused = fix_text(text, rel)
    if refused or not changes:
        return FileFix(rel, [], refused)
    raw = path.read_bytes()
    if b"\r\n" in raw:
        new_text = new_text.replace("\n", "\r\n")
    if raw.startswith(b"\xef\xbb\xbf"):
        new_text = "\ufeff" + new_text
    _write_atomic(path, new_text)
    return FileFix(rel, changes)


def fix_region(root: Path) -> list[FileFix]:
    """`fix_file` for each YAML file of the region: the shared files, then each kommun's."""
    shared = [root / name for name in (CONFIG_FILE, GLOSSARY_FILE, SOURCES_FILE)]
    paths = [p for p in shared if p.is_file()] + municipality_paths(root)
    return [fix_file(root, p) for p in paths]

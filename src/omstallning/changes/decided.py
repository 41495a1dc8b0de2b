"""Each municipality's last decided version, and whether its plan changed since, for `status`.

The last decided version of a municipality's plan is the newest commit in the current
branch's history whose file says `status: beslutad`; when the history has none, the newest
tag (`git describe --tags`) that has the file. "Changed" compares the plan's data (the
YAML as loaded, so comments and layout do not count) in that version with the file on disk
now, uncommitted edits included.

Reads git with one `git log` and one `git cat-file --batch` for the whole region. Never
raises for a folder without git or without history: the state is then unknown (None).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from omstallning.changes.git import Repository, run_git
from omstallning.errors import OmstallningError
from omstallning.load.loader import MUNICIPALITY_DIR, decode_text
from omstallning.load.yaml_compose import libyaml_reads_alike
from omstallning.model import MunicipalityEntry, Region

MAX_COMMITS = 500
MAX_CANDIDATES = 5000


@dataclass(frozen=True)
class DecidedState:
    """Whether a plan changed since its last decided version.

    `changed` is None when no decided version was found (no git, no history, never
    decided); `label` names the version for people: a tag, else `1.0 (abc1234)`.
    """

    slug: str
    commit: str | None
    label: str | None
    changed: bool | None


def _data(text: bytes | str | None) -> Any:
    if text is None:
        return None
    if isinstance(text, bytes):
        # libyaml (some 7 times faster) where it reads the text as PyYAML's Python side does;
        # a document it refuses is read again as before.
        decoded = None
        with contextlib.suppress(UnicodeError):
            decoded = decode_text(text)
        if decoded is not None and libyaml_reads_alike(decoded):
            with contextlib.suppress(yaml.YAMLError):
                return yaml.load(decoded, Loader=yaml.CSafeLoader)  # noqa: S506 (safe, in C)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _may_be_decided(content: bytes) -> bool:
    """Whether a version's data can say `status: beslutad`: the word must be written out.

    Without it (and without an escape or UTF-16 that could spell it otherwise) the version
    is not parsed: a region's history holds every earlier version of every plan.
    """
    return b"beslutad" in content or b"\\" in content or b"\x00" in content


def _history(repo: Repository) -> list[tuple[str, list[str]]]:
    """(commit, files under kommuner/ it touched), newest first."""
    folder = f"{repo.prefix}{MUNICIPALITY_DIR}/"
    result = run_git(
        repo.root,
        "log",
        f"-n{MAX_COMMITS}",
        "--format=%x01%H",
        "--name-only",
        "--no-renames",
        "HEAD",
        "--",
        folder,
    )
    if result.returncode != 0:
        return []
    out: list[tuple[str, list[str]]] = []
    for chunk in result.stdout.decode("utf-8", "replace").split("\x01")[1:]:
        lines = [line for line in chunk.splitlines() if line]
        out.append((lines[0], lines[1:]))
    return out


def _read_many(repo: Repository, specs: Sequence[str]) -> dict[str, bytes]:
    """Contents of `commit:path` specs that exist; missing ones are left out."""
    if not specs:
        return {}
    result = run_git(repo.root, "cat-file", "--batch", stdin="\n".join(specs).encode() + b"\n")
    if result.returncode != 0:
        return {}
    out, pos, found = result.stdout, 0, {}
    for spec in specs:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        found[spec] = out[pos : pos + size]
        pos += size + 1
    return found


def _label(repo: Repository, commit: str, data: Any) -> str:
    tags = run_git(repo.root, "tag", "--points-at", commit).stdout.decode("utf-8", "replace")
    if tags.split():
        return sorted(tags.split())[-1]
    version = data.get("version") if isinstance(data, dict) else None
    return f"{version} ({commit[:7]})" if version else commit[:7]


def _decided_commit(
    path: str, history: Sequence[tuple[str, list[str]]], contents: dict[str, bytes]
) -> tuple[str, Any] | None:
    for commit, files in history:
        content = contents.get(f"{commit}:{path}") if path in files else None
        if content is not None and _may_be_decided(content):
            data = _data(content)
            if isinstance(data, dict) and data.get("status") == "beslutad":
                return commit, data
    return None


def _newest_tag(repo: Repository) -> str | None:
    result = run_git(repo.root, "describe", "--tags", "--abbrev=0", "HEAD")
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace").strip() or None


def decided_states(
    region: Region, entries: Sequence[MunicipalityEntry] | None = None
) -> list[DecidedState]:
    """The state of each municipality (all, or `entries`), in their order."""
    chosen = list(region.municipalities if entries is None else entries)
    unknown = [DecidedState(e.slug, None, None, None) for e in chosen]
    try:
        repo = Repository.open(region.root)
        history = _history(repo)
        specs = [f"{c}:{f}" for c, files in history for f in files][:MAX_CANDIDATES]
        contents = _read_many(repo, specs)
        tag = _newest_tag(repo)
        tagged = _read_many(repo, [f"{tag}:{repo.prefix}{e.file}" for e in chosen]) if tag else {}
        return [_state(repo, e, history, contents, tag, tagged) for e in chosen]
    except OmstallningError:
        return unknown


def _state(
    repo: Repository,
    entry: MunicipalityEntry,
    history: Sequence[tuple[str, list[str]]],
    contents: dict[str, bytes],
    tag: str | None,
    tagged: dict[str, bytes],
) -> DecidedState:
    path = f"{repo.prefix}{entry.file}"
    found = _decided_commit(path, history, contents)
    if found is not None:  # the file on disk is read only to compare with a decided version
        commit, data = found
        now = _data(_read_disk(region_file(repo, entry)))
        return DecidedState(entry.slug, commit, _label(repo, commit, data), data != now)
    spec = f"{tag}:{path}"
    if tag and spec in tagged:
        now = _data(_read_disk(region_file(repo, entry)))
        return DecidedState(entry.slug, tag, tag, _data(tagged[spec]) != now)
    return DecidedState(entry.slug, None, None, None)


def region_file(repo: Repository, entry: MunicipalityEntry) -> Path:
    """The municipality's file on disk."""
    return repo.root / entry.file


def _read_disk(path: Path) -> bytes | None:
    from omstallning.load.safe_read import TEXT_FILE_BYTES, read_bytes

    try:
        return read_bytes(path, TEXT_FILE_BYTES)
    except OSError:
        return None

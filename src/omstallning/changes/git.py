"""Read an earlier version of the region: from git, read only, or from another copy.

The `git` executable does the reading, not a library: it is what the region's users and CI
already have, so it sees exactly what they see (packed refs, worktrees, alternates, shallow
clones, `safe.directory`), and it adds no dependency. Only plumbing that reads is used
(`rev-parse`, `ls-tree`, `cat-file --batch`), with `GIT_OPTIONAL_LOCKS=0` so that not even
the index's stat cache is refreshed; the working tree and the index are never touched.
Every call has a timeout, and blobs are read only after `ls-tree` has told their sizes.

The files a plan is built from (omstallning.yaml, inledning/, kommuner/, begrepp.yaml,
kallor.yaml) are written to a temporary folder and loaded there by `load.loader`, so the
earlier version is read by exactly the code that reads the current one.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from omstallning.errors import OmstallningError, UsageError
from omstallning.load.loader import (
    CONFIG_FILE,
    GLOSSARY_FILE,
    INTRO_DIR,
    MUNICIPALITY_DIR,
    SOURCES_FILE,
    load_region,
)
from omstallning.model import Region

TIMEOUT_SECONDS = 60
MAX_FILE_BYTES = 8 * 1024 * 1024
"""A file of the old version larger than this is not read (plans are some kilobytes)."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_REF_LENGTH = 256

_DROPPED_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_NAMESPACE")
_FETCH_HINT = (
    "Hämta hela historiken med taggarna: ”git fetch --tags --unshallow”. "
    "I GitHub Actions: ange ”fetch-depth: 0” under ”with:” för actions/checkout."
)


class GitError(OmstallningError):
    """git ran but failed in a way that is no mistake of the user's (exit 1)."""


@dataclass(frozen=True)
class OldVersion:
    """An earlier version of the region, loaded.

    `label` names it for people (`v1`, `main`, `../kopia`); `commit` is the full commit id
    when it came from git, None for another copy on disk. The region's `root` is the
    current region's root, so that the Word template and logo resolve as they do now.
    """

    region: Region
    ref: str
    label: str
    commit: str | None


# --- Running git ------------------------------------------------------------------------------


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        GIT_OPTIONAL_LOCKS="0",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
        LANGUAGE="C",
    )
    return env


def git_executable() -> str:
    """The path of `git`.

    Raises:
        UsageError: git is not installed.
    """
    found = shutil.which("git")
    if found is None:
        raise UsageError(
            "Programmet git finns inte på datorn, och det behövs för att läsa en tidigare "
            "version ur git. Installera git (https://git-scm.com/) eller ange i stället "
            "mappen med en annan kopia av regionens repo."
        )
    return found


def run_git(
    root: Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run `git -C root ARGS` read only, with a timeout; the result whatever the exit status.

    Raises:
        UsageError: git is not installed.
        GitError: git could not be started or did not finish in time.
    """
    command = [git_executable(), "--no-pager", "-c", "core.quotepath=off", "-C", str(root), *args]
    try:
        return subprocess.run(  # noqa: S603 - fixed executable, arguments are not parsed by a shell
            command,
            input=stdin,
            capture_output=True,
            env=_environment(),
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(
            f"git svarade inte inom {TIMEOUT_SECONDS} sekunder ({' '.join(args[:2])}). "
            "Försök igen; om repot ligger på en nätverksdisk, kopiera det till datorn först."
        ) from None
    except OSError as exc:
        raise GitError(f"git kunde inte startas: {exc.strerror or exc}.") from None


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stderr.decode("utf-8", "replace").strip()


# --- The repository ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Repository:
    """The git repository a region's folder is in; `prefix` is the region's folder in it."""

    root: Path
    prefix: str  # "" or "sub/dir/"

    @classmethod
    def open(cls, root: Path) -> Repository:
        """The repository of the region at `root`.

        Raises:
            UsageError: git is missing, `root` is in no git repository, or git refuses it.
        """
        result = run_git(root, "rev-parse", "--show-prefix")
        if result.returncode != 0:
            message = _stderr(result)
            if "dubious ownership" in message or "safe.directory" in message:
                raise UsageError(
                    f"git vägrar läsa repot i {root} eftersom mappen ägs av en annan användare. "
                    f"Godkänn den med ”git config --global --add safe.directory {root}” och "
                    "försök igen."
                )
            raise UsageError(
                f"{root} är inget git-repo, så det finns ingen tidigare version att jämföra "
                "med. Ange i stället mappen med en annan kopia av regionens repo (till exempel "
                "--jamfor ../plan-2025), eller lägg repot i git och tagga den beslutade "
                "versionen (”git tag v1”)."
            )
        return cls(root, result.stdout.decode("utf-8", "replace").strip())

    def is_shallow(self) -> bool:
        """Whether this is a shallow clone (history cut off, as in CI by default)."""
        result = run_git(self.root, "rev-parse", "--is-shallow-repository")
        return result.stdout.strip() == b"true"

    def tags(self, limit: int = 5) -> list[str]:
        """The newest tags, newest first (by the date of what they point at)."""
        result = run_git(self.root, "tag", "--list", "--sort=-creatordate")
        names = result.stdout.decode("utf-8", "replace").split()
        return names[:limit]

    def resolve(self, ref: str) -> str:
        """The full id of the commit `ref` names.

        Raises:
            UsageError: no such commit here (with how to fetch it in a shallow clone).
        """
        if (
            not ref
            or ref.startswith("-")
            or len(ref) > MAX_REF_LENGTH
            or any(ch in ref for ch in "\0\n\r")
        ):
            raise UsageError(
                f"”{ref}” kan inte vara en version i git. Ange en tagg (v1), en gren (main) "
                "eller en commit."
            )
        result = run_git(self.root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if result.returncode == 0:
            return result.stdout.decode("ascii").strip()
        if self.is_shallow():
            raise UsageError(
                f"Versionen ”{ref}” finns inte i den här kopian av repot. Kopian är grund "
                f"(shallow clone) och saknar äldre versioner och taggar. {_FETCH_HINT}"
            )
        tags = self.tags()
        known = f" Taggar i repot: {', '.join(tags)}." if tags else " Repot har inga taggar."
        raise UsageError(
            f"Versionen ”{ref}” finns inte i repot: ingen tagg, gren eller commit heter så."
            f"{known} Ange en av dem med --jamfor, eller en mapp med en annan kopia av repot."
        )

    def list_files(self, commit: str) -> list[tuple[str, str, int]]:
        """(path relative to the region, blob id, size) of the region's files in `commit`."""
        result = run_git(self.root, "ls-tree", "-r", "-l", "-z", "--full-tree", commit)
        if result.returncode != 0:
            raise GitError(f"git kunde inte lista filerna i {commit[:12]}: {_stderr(result)}")
        files: list[tuple[str, str, int]] = []
        for record in result.stdout.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, blob, size = meta.split()
            path = raw_path.decode("utf-8", "surrogateescape")
            if kind != b"blob" or mode == b"120000" or not path.startswith(self.prefix):
                continue
            files.append((path[len(self.prefix) :], blob.decode("ascii"), int(size)))
        return files

    def read_blobs(self, blobs: Sequence[str]) -> list[bytes]:
        """The contents of these blobs, in order, with one `git cat-file --batch`."""
        if not blobs:
            return []
        result = run_git(self.root, "cat-file", "--batch", stdin="\n".join(blobs).encode() + b"\n")
        if result.returncode != 0:
            raise GitError(f"git kunde inte läsa filerna: {_stderr(result)}")
        out, pos, contents = result.stdout, 0, []
        for blob in blobs:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            if len(header) != 3 or header[1] != b"blob":
                raise GitError(f"git kunde inte läsa objektet {blob[:12]}.")
            size = int(header[2])
            contents.append(out[end + 1 : end + 1 + size])
            pos = end + 1 + size + 1
        return contents


# --- The files a plan is built from -------------------------------------------------------------


def is_plan_input(path: str) -> bool:
    """Whether a file (relative to the region) is one the loader reads."""
    parts = PurePosixPath(path).parts
    if len(parts) == 1:
        return path in (CONFIG_FILE, GLOSSARY_FILE, SOURCES_FILE)
    if len(parts) != 2 or parts[1].startswith("."):
        return False
    suffix = PurePosixPath(path).suffix.lower()
    if parts[0] == INTRO_DIR:
        return suffix in (".md", ".markdown")
    return parts[0] == MUNICIPALITY_DIR and suffix in (".yaml", ".yml")


def read_commit_files(repo: Repository, commit: str, label: str) -> dict[str, bytes]:
    """The plan's input files in `commit`, by path relative to the region.

    Raises:
        UsageError: the region did not exist in that version.
    """
    wanted = [(p, b, s) for p, b, s in repo.list_files(commit) if is_plan_input(p)]
    if not any(p == CONFIG_FILE for p, _, _ in wanted):
        where = f"mappen {repo.prefix.rstrip('/')}" if repo.prefix else "repots rot"
        raise UsageError(
            f"I versionen ”{label}” finns ingen {CONFIG_FILE} i {where}: regionen fanns inte "
            "där då. Ange en senare version med --jamfor."
        )
    too_big = [p for p, _, s in wanted if s > MAX_FILE_BYTES]
    if too_big or sum(s for _, _, s in wanted) > MAX_TOTAL_BYTES:
        raise UsageError(
            f"Filerna i versionen ”{label}” är för stora för att jämföras "
            f"({', '.join(too_big) or 'sammanlagt'}). En plan är normalt några kilobyte."
        )
    contents = repo.read_blobs([b for _, b, _ in wanted])
    return {p: data for (p, _, _), data in zip(wanted, contents, strict=True)}


def load_files(files: dict[str, bytes], root: Path) -> Region:
    """Load a region from its files (relative path -> bytes) with the project's loader.

    The region's `root` is set to `root`, the current region's folder.

    Raises:
        UsageError: omstallning.yaml of those files cannot be used.
    """
    with tempfile.TemporaryDirectory(prefix="omstallning-jamfor-") as tmp:
        folder = Path(tmp)
        for rel, data in sorted(files.items()):
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        result = load_region(folder)
    return _usable(result.region, result.config_ok, root)


def _usable(region: Region, config_ok: bool, root: Path) -> Region:
    if not config_ok:
        raise UsageError(
            f"{CONFIG_FILE} i den tidigare versionen har fel och kan inte läsas, så planerna "
            "kan inte jämföras. Ange en annan version med --jamfor."
        )
    return dataclasses.replace(region, root=root)


def load_version(root: Path, ref: str) -> OldVersion:
    """The region at `root` as it was in `ref`: a git tag, branch or commit, or a folder.

    A folder with an omstallning.yaml is another copy of the repository, loaded as it is;
    anything else is looked up in the git repository that `root` is in.

    Raises:
        UsageError: git is missing, `root` is no git repository, `ref` is unknown (or cut
            off by a shallow clone), or the region did not exist in `ref`.
    """
    folder = Path(ref).expanduser()
    if ref and folder.is_dir():
        if not (folder / CONFIG_FILE).is_file():
            raise UsageError(
                f"Mappen {folder} är ingen kopia av regionens repo: {CONFIG_FILE} saknas där. "
                "Ange mappen där omstallning.yaml ligger, eller en tagg, gren eller commit."
            )
        result = load_region(folder)
        region = _usable(result.region, result.config_ok, root)
        return OldVersion(region, ref, folder.as_posix(), None)
    repo = Repository.open(root)
    commit = repo.resolve(ref)
    files = read_commit_files(repo, commit, ref)
    return OldVersion(load_files(files, root), ref, ref, commit)

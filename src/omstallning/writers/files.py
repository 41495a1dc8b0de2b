"""Write files atomically: a temporary file beside the target, then a rename.

A failed write leaves the previous file as it was and no temporary file behind. Temporary
files are named `.<name>.<pid>.<random>.omstallning-tmp`, so that what a killed run left
behind is recognisable and `sweep_temporary` can remove it on the next run.

With `inside`, a write refuses to follow a symbolic link anywhere below that folder: a
repository under review must not be able to redirect the tool's output elsewhere with a
committed link (`build -> ../../victim`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from omstallning.errors import OutputError, UsageError

TEMP_SUFFIX = ".omstallning-tmp"
# This tool's temporary files, and those of versions before 0.2 (`.<name>.<8 chars>.tmp`).
_TEMP_NAME = re.compile(r"^\..+\.(?:(\d+)\.[a-z0-9_]+\.omstallning-tmp|[a-z0-9_]{8}\.tmp)$")


class UnsafeOutputError(UsageError):
    """A folder on the way to an output file is a symbolic link or no folder at all."""


def write_bytes_atomic(target: Path, data: bytes, *, inside: Path | None = None) -> None:
    """Write `data` to `target` so that readers see the old file or the new one, never half.

    Raises:
        OutputError: the folder cannot be created or written to, or the disk is full.
        UnsafeOutputError: with `inside`, the way to `target` passes a symbolic link.
    """
    write_files_atomic([(target, data)], inside=inside)


def write_files_atomic(
    files: Iterable[tuple[Path, bytes]], *, inside: Path | None = None, durable: bool = True
) -> None:
    """Write several files so that a failure while writing changes none of them.

    Each file is written in full to a temporary file beside its target first, as `files`
    yields it; only when all of them are on disk are they renamed into place. A full disk,
    a folder without write access or an exception from `files` itself therefore stops the
    run with every target as it was and no temporary file left. With `inside`, every
    folder from `inside` down to each target must be a real folder (no symbolic link), and
    no target may be a folder. Without `durable` the files are not flushed to the disk before
    the rename (for a cache, where a file lost in a power cut is just a miss).

    Raises:
        OutputError: a folder cannot be created or written to, or the disk is full.
        UnsafeOutputError: with `inside`, a target lies outside it or behind a link.
    """
    with StagedFiles(inside=inside, durable=durable) as staged:
        for target, data in files:
            staged.add(target, data)
        staged.commit()


class StagedFiles:
    """Files staged beside their targets as they come, renamed into place together.

    `write_files_atomic` in steps, for a caller whose files come from callbacks: `add` writes
    each to its temporary file at once (nothing is held in memory), `commit` renames them
    all; leaving the `with` block removes whatever was not committed.
    """

    def __init__(self, *, inside: Path | None = None, durable: bool = True) -> None:
        self.inside = inside
        self.durable = durable
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, target)

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, target: Path, data: bytes) -> None:
        """Write `data` to a temporary file beside `target` (see `write_files_atomic`)."""
        if self.inside is not None:
            ensure_real_folders(self.inside, target.parent)
        self._staged.append((_stage(target, data, durable=self.durable), target))

    def commit(self) -> None:
        """Rename every staged file into place."""
        for _tmp, target in self._staged:
            _refuse_folder_target(target)
        for done, (tmp, target) in enumerate(list(self._staged)):
            try:
                tmp.replace(target)
            except OSError as exc:
                note = f" {done} av filerna hann bli nya." if done else ""
                raise OutputError(_explain(target, exc, untouched=not done) + note) from exc
            self._staged.pop(0)

    def discard(self) -> None:
        """Remove the staged files not yet renamed."""
        for tmp, _ in self._staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._staged.clear()


def check_real_folders(inside: Path, folder: Path) -> None:
    """`ensure_real_folders` without creating anything: the folders that exist are real.

    Raises:
        UnsafeOutputError: a component is a link or a file, or `folder` is not below `inside`.
        OutputError: a component cannot be examined.
    """
    ensure_real_folders(inside, folder, create=False)


def ensure_real_folders(inside: Path, folder: Path, *, create: bool = True) -> None:
    """Create `folder` below `inside` one level at a time, refusing any symbolic link.

    `inside` itself is trusted (the user named it). Every component below it must be a
    real folder or missing (then it is created); nothing may lead out through a link.

    Raises:
        UnsafeOutputError: a component is a link, a file, or `folder` is not below `inside`.
        OutputError: a folder cannot be created.
    """
    # Lexically (`..` folded, no link followed): a link must not decide where this lies.
    base = Path(os.path.abspath(inside))  # noqa: PTH100
    wanted = Path(os.path.abspath(folder))  # noqa: PTH100
    try:
        parts = wanted.relative_to(base).parts
    except ValueError:
        raise UnsafeOutputError(
            f"Utdatamappen {shown_path(wanted)} ligger utanför {shown_path(base)}. Inget "
            "skrevs. Ange en annan mapp med --out."
        ) from None
    if create and parts:
        try:  # `inside` is trusted, but may not exist yet (an `--out` folder to be made)
            base.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(_explain(base, exc)) from exc
    current = base
    for part in parts:
        current = current / part
        try:
            info = current.lstat()
        except FileNotFoundError:
            if not create:
                return
            try:
                current.mkdir()
            except FileExistsError:
                pass  # another build made it meanwhile: checked below
            except OSError as exc:
                raise OutputError(_explain(current, exc)) from exc
            info = current.lstat()
        except OSError as exc:
            raise OutputError(_explain(current, exc)) from exc
        _refuse_unless_folder(current, info)
    if create and not os.path.realpath(wanted).startswith(os.path.realpath(base)):
        raise UnsafeOutputError(  # a link swapped in meanwhile
            f"Utdatamappen {shown_path(wanted)} leder ut ur {shown_path(base)}. Inget skrevs."
        )


def _refuse_unless_folder(path: Path, info: os.stat_result) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeOutputError(
            f"{shown_path(path)} är en symbolisk länk. Verktyget skriver inte genom länkar i "
            "repot, eftersom en länk kan peka ut ur repot och få filer där att skrivas över. "
            "Inget skrevs. Ta bort länken (den hör inte hemma i repot) eller ange en mapp med "
            "--out."
        )
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeOutputError(
            f"{shown_path(path)} är ingen mapp. Inget skrevs. Ta bort eller byt namn på "
            "filen, eller ange en annan mapp med --out."
        )


def _refuse_folder_target(target: Path) -> None:
    """A target that is a folder cannot be replaced; say so before anything is renamed."""
    with contextlib.suppress(OSError):
        if stat.S_ISDIR(target.lstat().st_mode):
            raise OutputError(
                f"Kunde inte skriva {shown_path(target)}: det finns en mapp med det namnet. "
                "Ta bort eller byt namn på mappen och kör igen. Tidigare filer är orörda."
            )


def _stage(target: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write `data` to a new temporary file beside `target`; the caller renames or removes it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=target.parent
        )
    except OSError as exc:
        raise OutputError(_explain(target, exc)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.chmod(0o644)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(_explain(target, exc)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def sweep_temporary(folder: Path, older_than: float) -> list[Path]:
    """Remove temporary files a killed run left in `folder`; returns those removed.

    Only this tool's temporary files (by name), only regular files, only those last
    changed before `older_than` (a time stamp: when the running build began) and only
    those whose process is gone, so a build running beside this one keeps its own.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or _process_alive(match.group(1)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < older_than:
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _process_alive(pid: str | None) -> bool:
    if not pid or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except PermissionError:
        return True  # another user's process
    except (OSError, OverflowError, ValueError):
        return False
    return True


def write_text_atomic(target: Path, text: str, *, inside: Path | None = None) -> None:
    """Write UTF-8 text atomically (LF line endings)."""
    write_bytes_atomic(target, text.encode("utf-8"), inside=inside)


def shown_path(path: Path | str) -> str:
    """A path for a message: control characters and undecodable bytes shown escaped."""
    from omstallning.check.report import visible

    return visible(str(path))


_STRERROR_SV = {
    errno.EEXIST: "det finns redan",
    errno.ENOENT: "finns inte",
    errno.ENOTDIR: "en del av sökvägen är ingen mapp",
    errno.EISDIR: "det är en mapp",
    errno.ELOOP: "för många symboliska länkar i sökvägen",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.EXDEV: "mappen ligger på en annan disk",
}


def _explain(target: Path, exc: OSError, *, untouched: bool = True) -> str:
    if exc.errno == errno.ENOSPC:
        why = "disken är full. Frigör utrymme och kör igen"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "du saknar skrivrätt där. Välj en annan mapp med --out eller ändra rättigheterna"
    else:
        reason = _STRERROR_SV.get(exc.errno or 0, f"fel {exc.errno}" if exc.errno else "okänt fel")
        why = f"{reason}. Kontrollera mappen och kör igen"
    kept = " Tidigare filer är orörda." if untouched else ""
    return f"Kunde inte skriva {shown_path(target)}: {why}.{kept}"

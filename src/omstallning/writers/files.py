"""Write files atomically: a temporary file beside the target, then a rename.

A failed write leaves the previous file as it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from omstallning.errors import OutputError


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` so that readers see the old file or the new one, never half.

    Raises:
        OutputError: the folder cannot be created or written to, or the disk is full.
    """
    write_files_atomic([(target, data)])


def write_files_atomic(files: Iterable[tuple[Path, bytes]]) -> None:
    """Write several files so that a failure while writing changes none of them.

    Each file is written in full to a temporary file beside its target first, as `files`
    yields it; only when all of them are on disk are they renamed into place. A full disk,
    a folder without write access or an exception from `files` itself therefore stops the
    run with every target as it was and no temporary file left.

    Raises:
        OutputError: a folder cannot be created or written to, or the disk is full.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files:
            staged.append((_stage(target, data), target))
        for done, (tmp, target) in enumerate(list(staged)):
            try:
                tmp.replace(target)
            except OSError as exc:
                note = f" {done} av filerna hann bli nya." if done else ""
                raise OutputError(_explain(target, exc, untouched=not done) + note) from exc
            staged.pop(0)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _stage(target: Path, data: bytes) -> Path:
    """Write `data` to a new temporary file beside `target`; the caller renames or removes it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(_explain(target, exc)) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
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


def write_text_atomic(target: Path, text: str) -> None:
    """Write UTF-8 text atomically (LF line endings)."""
    write_bytes_atomic(target, text.encode("utf-8"))


def _explain(target: Path, exc: OSError, *, untouched: bool = True) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        why = "disken är full. Frigör utrymme och kör igen"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "du saknar skrivrätt där. Välj en annan mapp med --out eller ändra rättigheterna"
    else:
        why = f"{exc.strerror or exc}. Kontrollera mappen och kör igen"
    kept = " Tidigare filer är orörda." if untouched else ""
    return f"Kunde inte skriva {target}: {why}.{kept}"

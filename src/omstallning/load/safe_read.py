"""Every read of a region's files: regular files only, never more than a stated cap.

A regional repository is untrusted input (a pull request may add anything), so a file is
read here only when it is a regular file, after `fstat` on the open descriptor says so and
that its size is within the cap for its kind. A FIFO, a device, a folder or a link to one of
them is refused before a byte is read (opened with O_NONBLOCK, so not even opening a FIFO
waits), and so is a file that grows past its cap while being read. Refusals are
`UnsafeReadError`s: an `OSError` whose `strerror` is a Swedish sentence, so code that
already reports `OSError` reports these too.

The caps, and why:

- `TEXT_FILE_BYTES` (16 MB): a YAML or Markdown file of the region (municipality files,
  omstallning.yaml, begrepp.yaml, kallor.yaml, intro parts). A real plan is under 100 KB.
  Measured (December 2026, one core): a 16.6 MB municipality file of running text builds in
  2.5 s (DOCX) and 4.9 s (MD) with at most 180 MB of memory, and a 10.6 MB one (the largest
  the tests require to work) in under 4 s and 125 MB. Dense YAML costs more per byte (1 MB of
  6,000 activities: 10 s, 275 MB); the YAML loader's cap on values bounds that.
- `SHARED_FILE_BYTES` (5 MB): any other file the build hashes (files in inledning/ that are
  not intro parts).
- `TEMPLATE_BYTES` (20 MB): the Word template. Its zip members are read through
  `read_zip_member` with `ZIP_MEMBER_BYTES` (50 MB uncompressed) and `ZIP_RATIO` (200:1).
- `LOGO_BYTES` (5 MB): the logo, which is embedded in every plan.
- `CACHE_BYTES` (20 MB): the build's manifest in the output folder; `OUTPUT_BYTES` (1 GB):
  a file the build wrote before, hashed to see that it is unchanged.
- `MAX_MUNICIPALITY_FILES` (1,000): Sweden has 290 municipalities.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from pathlib import Path

MB = 1024 * 1024
TEXT_FILE_BYTES = 16 * MB
SHARED_FILE_BYTES = 5 * MB
TEMPLATE_BYTES = 20 * MB
LOGO_BYTES = 5 * MB
CACHE_BYTES = 20 * MB
OUTPUT_BYTES = 1024 * MB
ZIP_MEMBER_BYTES = 50 * MB
ZIP_TOTAL_BYTES = 100 * MB
ZIP_RATIO = 200
ZIP_MEMBERS = 2000
MAX_MUNICIPALITY_FILES = 1000

_CHUNK = 1024 * 1024


class UnsafeReadError(OSError):
    """A file that is not read: not a regular file, too large, or unreadable.

    `strerror` is the reason in Swedish, without the file's name; `kind` is one of
    `"saknas"`, `"inte-vanlig"`, `"for-stor"`, `"oläsbar"`.
    """

    def __init__(self, kind: str, reason: str, path: Path | str | None = None) -> None:
        super().__init__(errno.EINVAL, reason, None if path is None else str(path))
        self.kind = kind

    def __str__(self) -> str:
        return self.strerror or ""


def size_text(limit: int) -> str:
    """A cap as Swedish text: "5 MB", "512 kB"."""
    if limit >= MB and limit % MB == 0:
        return f"{limit // MB} MB"
    return f"{max(1, limit // 1024)} kB"


def _not_regular(mode: int) -> UnsafeReadError:
    if stat.S_ISDIR(mode):
        what = "en mapp"
    elif stat.S_ISFIFO(mode):
        what = "en namngiven pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "en enhet"
    elif stat.S_ISLNK(mode):
        what = "en symbolisk länk"
    else:
        what = "ingen vanlig fil"
    return UnsafeReadError(
        "inte-vanlig",
        f"det är {what}, ingen vanlig fil, och läses inte. Ersätt den med en vanlig fil",
    )


def _too_large(limit: int) -> UnsafeReadError:
    return UnsafeReadError(
        "for-stor", f"filen är större än {size_text(limit)} och läses inte. Gör den mindre"
    )


def _open_error(err: OSError) -> UnsafeReadError:
    if err.errno == errno.ENOENT:
        return UnsafeReadError("saknas", "filen finns inte")
    if err.errno == errno.ELOOP:
        return UnsafeReadError(
            "inte-vanlig",
            "det är en symbolisk länk (kanske en länk som pekar på sig själv) och läses inte. "
            "Ersätt den med en vanlig fil",
        )
    if err.errno in (errno.EACCES, errno.EPERM):
        return UnsafeReadError("oläsbar", "du saknar läsrätt till filen")
    if err.errno == errno.EISDIR:
        return _not_regular(stat.S_IFDIR)
    return UnsafeReadError("oläsbar", "filen går inte att läsa")


def check_regular(path: Path, limit: int, *, follow_symlinks: bool = True) -> int:
    """The size of `path` when it is a regular file within `limit` bytes.

    Only `stat`, no `open`: for a listing that must not touch what it lists.

    Raises:
        UnsafeReadError: it is not, or cannot be looked at.
    """
    try:
        info = path.stat() if follow_symlinks else path.lstat()
    except OSError as err:
        raise _open_error(err) from err
    except RuntimeError as err:  # a symlink loop on older Pythons
        raise _open_error(OSError(errno.ELOOP, "loop")) from err
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(info.st_mode)
    if info.st_size > limit:
        raise _too_large(limit)
    return info.st_size


def read_bytes(path: Path, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The content of the regular file `path`, at most `limit` bytes.

    `path` is checked with `stat` first (a FIFO or a device is never opened), then opened
    with O_NONBLOCK (and O_NOFOLLOW unless `follow_symlinks`) and checked again with
    `fstat` on the descriptor, so a file swapped in between is caught too.

    Raises:
        UnsafeReadError: not a regular file, larger than `limit`, or unreadable.
    """
    check_regular(path, limit, follow_symlinks=follow_symlinks)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise _open_error(err) from err
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(info.st_mode)
        if info.st_size > limit:
            raise _too_large(limit)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise _too_large(limit)
        return b"".join(chunks)
    except UnsafeReadError:
        raise
    except OSError as err:
        raise _open_error(err) from err
    finally:
        os.close(fd)


def read_text(path: Path, limit: int) -> str:
    """`read_bytes` decoded as UTF-8 (with or without a BOM).

    Raises:
        UnsafeReadError: as `read_bytes`, or the file is not UTF-8.
    """
    try:
        return read_bytes(path, limit).decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnsafeReadError("oläsbar", "filen är inte sparad som UTF-8") from err


def is_regular(path: Path) -> bool:
    """Whether `path` is a regular file (following symbolic links), never raising."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, RuntimeError, ValueError):
        return False


class ZipBombError(Exception):
    """A zip member that would inflate beyond the caps; the message is Swedish."""


def check_zip(zf: zipfile.ZipFile) -> None:
    """Refuse a zip whose members, by their headers, inflate beyond the caps.

    Headers can lie; `read_zip_member` enforces the same caps while inflating.

    Raises:
        ZipBombError: too many members, a member too large or too compressed, or too much
            in total.
    """
    infos = zf.infolist()
    if len(infos) > ZIP_MEMBERS:
        raise ZipBombError(f"filen har fler än {ZIP_MEMBERS} delar")
    total = 0
    for info in infos:
        _check_member(info)
        total += info.file_size
    if total > ZIP_TOTAL_BYTES:
        raise ZipBombError(f"filen packas upp till mer än {size_text(ZIP_TOTAL_BYTES)}")


def _check_member(info: zipfile.ZipInfo) -> None:
    if info.file_size > ZIP_MEMBER_BYTES:
        raise ZipBombError(
            f"delen ”{info.filename}” packas upp till mer än {size_text(ZIP_MEMBER_BYTES)}"
        )
    if info.file_size > MB and info.file_size > ZIP_RATIO * max(info.compress_size, 1):
        raise ZipBombError(
            f"delen ”{info.filename}” är komprimerad mer än {ZIP_RATIO}:1 (en zip-bomb?)"
        )


def read_zip_member(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo) -> bytes:
    """A zip member's content, inflated no further than the caps allow.

    Raises:
        KeyError: there is no such member.
        ZipBombError: the member inflates beyond the caps (whatever its header says).
        zipfile.BadZipFile: the member is damaged.
    """
    info = name if isinstance(name, zipfile.ZipInfo) else zf.getinfo(name)
    _check_member(info)
    limit = min(ZIP_MEMBER_BYTES, max(MB, ZIP_RATIO * max(info.compress_size, 1)))
    chunks: list[bytes] = []
    total = 0
    with zf.open(info) as member:
        while True:
            chunk = member.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ZipBombError(
                    f"delen ”{info.filename}” packas upp till mer än dess huvud anger"
                )
    return b"".join(chunks)


def text_lines(path: Path) -> list[str]:
    """The lines of a text file for showing one under a finding; [] when it cannot be read."""
    try:
        text = read_bytes(path, TEXT_FILE_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    return text.replace("\r\n", "\n").split("\n")

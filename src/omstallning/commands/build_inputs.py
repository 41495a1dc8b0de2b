"""What a built file is made from: the hashes that decide whether it is up to date."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from pathlib import Path

from omstallning import __version__, clock
from omstallning.load import safe_read
from omstallning.load.paths import resolve_inside
from omstallning.model import MunicipalityEntry, Region


class InputHashes:
    """The hash of everything a document's file is built from.

    The municipality's own file (for a region's document: every municipality's file and
    the day of the overview); everything the region shares (omstallning.yaml, the
    introduction, begrepp.yaml, kallor.yaml, the Word template and the logo); the format
    and the document kind; SOURCE_DATE_EPOCH; and the tool itself, fingerprinted once per
    build: its version, the code of the installed
    package and the versions of the libraries that write the files. Hashes are of file
    contents, never of dates, so a checkout or a copy does not count as a change.
    """

    def __init__(self, region: Region) -> None:
        self.root = region.root
        shared = hashlib.sha256()
        for part in tool_fingerprint():
            shared.update(part)
        shared.update(str(clock.source_date()).encode())
        from omstallning.load.loader import CONFIG_FILE, GLOSSARY_FILE, INTRO_DIR, SOURCES_FILE

        text = safe_read.TEXT_FILE_BYTES
        paths = [(self.root / name, text) for name in (CONFIG_FILE, GLOSSARY_FILE, SOURCES_FILE)]
        intro = self.root / INTRO_DIR
        if intro.is_dir():
            paths += [
                (p, text if p.suffix == ".md" else safe_read.SHARED_FILE_BYTES)
                for p in sorted(intro.iterdir())
            ]
        export = region.config.export
        for relative, limit in (
            (export.template, safe_read.TEMPLATE_BYTES),
            (export.logo, safe_read.LOGO_BYTES),
        ):
            if relative:
                resolved, _problem = resolve_inside(self.root, relative)
                paths.append((resolved or self.root / relative, limit))
        for path, limit in paths:
            shared.update(file_digest(self.root, path, limit))
        self.shared = shared.digest()
        self._digests: dict[str, bytes] = {}

        self.municipality_files = [m.file for m in region.municipalities]

    def key(self, entry: MunicipalityEntry, fmt: str, kind: str = "plan", values: str = "") -> str:
        """The key of a municipality's document: shared inputs, its own file, the format."""
        digest = hashlib.sha256(self.shared)
        digest.update(f"{fmt}\0{kind}".encode())
        if values:
            digest.update(f"\0{values}".encode())
        digest.update(self._municipality_digest(entry.file))
        for relative in (entry.plan.template, entry.plan.logo):  # its own, if any
            if relative:
                resolved, _problem = resolve_inside(self.root, relative)
                path = resolved if resolved is not None else self.root / relative
                digest.update(file_digest(self.root, path, safe_read.TEMPLATE_BYTES))
        return digest.hexdigest()

    def _municipality_digest(self, file: str) -> bytes:
        """A municipality file's digest, read once per build however many keys use it."""
        found = self._digests.get(file)
        if found is None:
            found = self._digests[file] = file_digest(
                self.root, self.root / file, safe_read.TEXT_FILE_BYTES
            )
        return found

    def region_key(self, fmt: str, kind: str, today: dt.date) -> str:
        """The key of a region's document: shared inputs, every municipality, the day."""
        digest = hashlib.sha256(self.shared)
        digest.update(f"{fmt}\0{kind}\0{today.isoformat()}".encode())
        for file in self.municipality_files:
            digest.update(self._municipality_digest(file))
        return digest.hexdigest()


def file_digest(root: Path, path: Path, limit: int) -> bytes:
    """The file's name (relative to the region) and a hash of its content.

    Only a regular file of at most `limit` bytes is read (`safe_read`): a FIFO, a device or
    a link to a huge file counts by what it is ("inte-vanlig", "for-stor"), never by its
    content, so a build cannot hang on it or read without end.
    """
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = str(path)
    try:
        content = hashlib.sha256(safe_read.read_bytes(path, limit)).digest()
    except safe_read.UnsafeReadError as err:
        content = err.kind.encode()
        if err.kind == "for-stor":
            with contextlib.suppress(OSError):
                content += str(path.stat().st_size).encode()
    except OSError:
        content = b"missing"
    return hashlib.sha256(name.encode() + b"\0" + content).digest()


def tool_fingerprint() -> list[bytes]:
    """The tool's version, a hash of its own code and data, and the writers' versions."""
    from importlib import metadata

    parts = [f"omstallning {__version__}".encode()]
    package = Path(__file__).parents[1]
    code = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".csv", ".md", ".yaml", ".docx") and path.is_file():
            code.update(path.relative_to(package).as_posix().encode())
            code.update(path.read_bytes())
    parts.append(code.digest())
    for dist in ("python-docx", "markdown-it-py", "lxml"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} -".encode())
    return parts

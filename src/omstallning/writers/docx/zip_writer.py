"""Write a zip archive deterministically, compressing each distinct large member only once.

A DOCX is a zip of XML parts, and most of them (styles, theme, fonts: about 800 KB of the
1 MB a plan holds) are the same in every plan of a region. `zipfile` would deflate them
again for every document; here the compressed bytes of a member can be kept in a
`DeflateCache`, keyed by its content, so a build of 290 plans deflates them once.

The archive is byte for byte what `zipfile.ZipFile.writestr` writes for the same members
with `ZIP_DEFLATED`, the given level, a fixed date, `create_system` 0 and no extra fields
(a test holds the two side by side). Pure: bytes in, bytes out (the cache is the
caller's), no third-party imports.
"""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterable

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_VERSION = 20  # zipfile's DEFAULT_VERSION: deflate, no zip64
_DEFLATED = 8
_EXTERNAL_ATTR = 0o600 << 16  # zipfile's default for members written from bytes

# Members at least this large are worth remembering compressed; small ones are quick anyway.
CACHE_MIN_BYTES = 8 * 1024
_CACHE_ENTRIES = 16


class DeflateCache:
    """Compressed members by content and level, the last few large ones (owned by the caller).

    One instance lives as long as the process that builds a region (`cache.DocxCache`).
    """

    def __init__(self, entries: int = _CACHE_ENTRIES) -> None:
        self._entries = entries
        self._found: OrderedDict[tuple[bytes, int], tuple[int, bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._found)

    def deflate(self, data: bytes, level: int, *, keep: bool) -> tuple[int, bytes]:
        """CRC-32 and raw deflate stream of `data`, from the cache when it was seen before.

        With `keep` false the result is neither looked up nor kept.
        """
        key = (data, level)
        keep = keep and len(data) >= CACHE_MIN_BYTES
        if keep:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
                return found
        result = _deflate(data, level)
        if keep:
            self._found[key] = result
            if len(self._found) > self._entries:
                self._found.popitem(last=False)
        return result


def _deflate(data: bytes, level: int) -> tuple[int, bytes]:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def zip_bytes(
    members: Iterable[tuple[str, bytes]],
    date_time: tuple[int, int, int, int, int, int],
    *,
    level: int = 6,
    cache: DeflateCache | None = None,
    uncached: frozenset[str] = frozenset(),
) -> bytes:
    """A zip archive of `members` (name, content), in order, every entry dated `date_time`.

    With `cache`, large members are compressed once per content; members named in
    `uncached` are never kept in it (content that differs in every archive, such as a
    document's own text).
    """
    year, month, day, hour, minute, second = date_time
    dos_date = (year - 1980) << 9 | month << 5 | day
    dos_time = hour << 11 | minute << 5 | second // 2
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in members:
        encoded = name.encode("ascii")  # OPC part names are ASCII; zipfile sets no UTF-8 flag
        if cache is None:
            crc, deflated = _deflate(data, level)
        else:
            crc, deflated = cache.deflate(data, level, keep=name not in uncached)
        header = _LOCAL_HEADER.pack(
            b"PK\x03\x04", _VERSION, 0, 0, _DEFLATED, dos_time, dos_date, crc,
            len(deflated), len(data), len(encoded), 0,
        )  # fmt: skip
        central.append(
            _CENTRAL_HEADER.pack(
                b"PK\x01\x02",
                _VERSION,
                0,
                _VERSION,
                0,
                0,
                _DEFLATED,
                dos_time,
                dos_date,
                crc,
                len(deflated),
                len(data),
                len(encoded),
                0,
                0,
                0,
                0,
                _EXTERNAL_ATTR,
                offset,
            )  # fmt: skip
            + encoded
        )
        out += (header, encoded, deflated)
        offset += len(header) + len(encoded) + len(deflated)
    directory = b"".join(central)
    end = _END_RECORD.pack(
        b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0
    )
    return b"".join(out) + directory + end

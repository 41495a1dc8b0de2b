"""Output names: two inputs never write the same file in `build/`.

A municipality's documents are named by its file's stem, so `klippan.yaml` and `klippan.yml`,
`Klippan.yaml` and `klippan.yaml` (one file where case is not told apart: Windows, macOS),
or a municipality file named like the regional summary (`sammanstallning.yaml`) would
overwrite each other's documents. `build` refuses them too, before anything is written. A
file name with control characters (an escape sequence) or characters Windows forbids cannot
name a document at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from omstallning.check.report import visible
from omstallning.check.rules.registry import E, municipalities, rule
from omstallning.documents import DOCUMENT_KINDS
from omstallning.findings import Finding
from omstallning.load.loader import LoadResult

_WINDOWS_FORBIDDEN = set('<>:"|?*\\')


def _bad_name(stem: str) -> bool:
    return visible(stem) != stem or any(c in _WINDOWS_FORBIDDEN for c in stem)


def _folded(stem: str) -> str:
    return unicodedata.normalize("NFC", stem).casefold()


@rule
def output_names(result: LoadResult) -> Iterator[Finding]:
    """Every document a build writes comes from one input only."""
    kinds = [k for k in DOCUMENT_KINDS.values() if k.scope == "municipality"]
    owners = {
        _folded(k.file_stem()): f"regionens {k.name} ({k.file_stem()})"
        for k in DOCUMENT_KINDS.values()
        if k.scope == "region"
    }
    for entry, _sm in municipalities(result):
        if _bad_name(entry.slug):
            yield Finding(
                entry.file,
                1,
                1,
                "utdata-namn",
                E,
                f"Filnamnet {visible(entry.slug)} kan inte bli namnet på kommunens dokument: "
                'det har styrtecken eller tecken som Windows inte tillåter (< > : " | ? * \\). '
                "Byt namn på filen till kommunens namn i små bokstäver, t.ex. klippan.yaml.",
            )
            continue
        for kind in kinds:
            stem = kind.file_pattern(entry.slug)
            other = owners.setdefault(_folded(stem), entry.file)
            if other == entry.file:
                continue
            yield _collision(entry.file, other, stem)
            if other.startswith("kommuner/"):  # both files: neither may take the other's name
                yield _collision(other, entry.file, stem)
            break


def _collision(file: str, other: str, stem: str) -> Finding:
    return Finding(
        file,
        1,
        1,
        "utdata-namn",
        E,
        f"Filen skulle ge samma dokument som {other}: build/{stem}.docx och "
        f"build/{stem}.md skulle skriva över varandra. Byt namn på filen, t.ex. "
        "till kommunens namn i små bokstäver (klippan.yaml), så att varje kommun "
        "har ett eget namn.",
    )

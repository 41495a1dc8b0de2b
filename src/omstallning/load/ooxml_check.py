"""What makes a Word template unsafe or unusable, found without trusting a byte of it.

A template comes from the region's repository, so from anyone who can open a pull request.
`template_problems` reads the package within the caps of `safe_read` (no zip bombs), parses
every XML part without DTDs, entities or network access, and refuses what Word would fetch
or run (external relationships other than web links, remote templates, macros) and what
the DOCX writer cannot work with (malformed XML, a built-in style name with another style
type, the writer's own body marker). `validate` reports the problems as findings; `build`
refuses the same template with the first of them, so the two always agree.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lxml is loaded only when a template is checked, not by every validate
    from lxml import etree

from omstallning.load.safe_read import ZipBombError, check_zip, read_zip_member

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
SAFE_SCHEMES = ("http", "https", "mailto")
BODY_MARKER = b"<?omstallning-body"
_DOCTYPE = re.compile(rb"<!\s*DOCTYPE", re.IGNORECASE)

# The styles the DOCX writer looks up by name, with the type it needs (writers/docx/styles).
_CHAR, _PARA, _TABLE = "character", "paragraph", "table"
WRITER_STYLES: dict[str, str] = {
    "normal": _PARA,
    **{f"heading {n}": _PARA for n in range(1, 7)},
    "title": _PARA,
    "subtitle": _PARA,
    "quote": _PARA,
    "caption": _PARA,
    "toc heading": _PARA,
    **{f"toc {n}": _PARA for n in range(1, 10)},
    "hyperlink": _CHAR,
    "verbatim char": _CHAR,
    "source code": _PARA,
    "note": _PARA,
    "table grid": _TABLE,
    **{
        f"{name}{suffix}": _PARA
        for suffix in ("", " 2", " 3")
        for name in ("list bullet", "list number")
    },
}
_TYPE_SV = {_CHAR: "teckenformat", _PARA: "styckeformat", _TABLE: "tabellformat"}


def _parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def safe_scheme(url: str) -> bool:
    """Whether `url` has a scheme that may become a clickable link (http, https, mailto)."""
    match = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return bool(match) and match.group(1).lower() in SAFE_SCHEMES  # type: ignore[union-attr]


def template_problems(data: bytes) -> list[str]:
    """Every reason the Word package `data` cannot be used as a template, in Swedish.

    Each is a sentence fragment without the file's name ("innehåller makron"); an empty
    list means the template is safe to use.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_zip(zf)
            return list(_zip_problems(zf))
    except ZipBombError as err:
        return [f"kan inte packas upp säkert: {err}"]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return ["är ingen giltig Word-fil (zip-arkivet är skadat)"]


def _zip_problems(zf: zipfile.ZipFile) -> Iterator[str]:
    names = set(zf.namelist())
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        yield "är ingen giltig Word-fil (delar saknas)"
        return
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        yield "innehåller makron (vbaProject.bin). Spara den som .docx eller .dotx utan makron"
        return
    for info in zf.infolist():
        name = info.filename
        if not name.lower().endswith((".xml", ".rels")):
            continue
        raw = read_zip_member(zf, info)
        yield from _xml_problems(name, raw)


def _xml_problems(name: str, raw: bytes) -> Iterator[str]:
    if BODY_MARKER in raw:
        yield f"innehåller i {name} instruktionen <?omstallning-body?>, som verktyget använder"
    if _DOCTYPE.search(raw[:4096]):  # before parsing: no DTD is ever read, nor entities
        yield f"har en DTD (<!DOCTYPE …>) i {name}, vilket Word-filer aldrig har"
        return
    from lxml import etree

    try:
        tree = etree.parse(io.BytesIO(raw), _parser())
    except etree.XMLSyntaxError as err:
        line, col = err.position if err.position else (0, 0)
        yield f"har trasig XML i {name} (rad {line}, kolumn {col})"
        return
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        yield f"har en DTD (<!DOCTYPE …>) i {name}, vilket Word-filer aldrig har"
        return
    root = tree.getroot()
    if name == "[Content_Types].xml":
        yield from _content_type_problems(root)
    elif name.endswith(".rels"):
        yield from _relationship_problems(name, root)
    elif name == "word/styles.xml":
        yield from _style_problems(root)


def _content_type_problems(root: etree._Element) -> Iterator[str]:
    types = [str(el.get("ContentType") or "") for el in root]
    if not any("wordprocessingml" in t for t in types):
        yield "är en Office-fil men inget Word-dokument"
    if any("macroenabled" in t.lower() for t in types):
        yield "är makroaktiverad (.docm/.dotm). Spara den som .docx eller .dotx utan makron"


def _relationship_problems(name: str, root: etree._Element) -> Iterator[str]:
    for rel in root.iter(f"{_REL}Relationship"):
        if (rel.get("TargetMode") or "").lower() != "external":
            continue
        target = str(rel.get("Target") or "")
        kind = str(rel.get("Type") or "").rsplit("/", 1)[-1]
        if rel.get("Type") == _HYPERLINK_TYPE and safe_scheme(target):
            continue
        if rel.get("Type") == _HYPERLINK_TYPE:
            yield f"har i {name} en länk till ”{target[:80]}”, som inte är http, https eller mailto"
        else:
            yield (
                f"hämtar något utifrån ({kind} → ”{target[:80]}” i {name}). Word skulle "
                "hämta det när planen öppnas"
            )


def _style_problems(root: etree._Element) -> Iterator[str]:
    seen: set[tuple[str, str]] = set()
    for style in root.iter(f"{_W}style"):
        name_el = style.find(f"{_W}name")
        if name_el is None:
            continue
        name = str(name_el.get(f"{_W}val") or "").lower()
        need = WRITER_STYLES.get(name)
        kind = str(style.get(f"{_W}type") or _PARA)
        if need is None or kind == need or (name, kind) in seen:
            continue
        seen.add((name, kind))
        yield (
            f"har formatmallen ”{name_el.get(f'{_W}val')}” som {_TYPE_SV.get(kind, kind)}, men "
            f"den ska vara ett {_TYPE_SV[need]}. Byt namn på den egna formatmallen i Word"
        )

"""Saving: document properties, the package's parts, the body text spliced in, one zip.

The parts are those `document.save()` writes, in its order, zipped once by `zip_writer`
with every timestamp taken from the document's creation date, so the same input gives
the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from omstallning.writers.docx import ooxml, splice
from omstallning.writers.docx.body_xml import clean_text
from omstallning.writers.docx.zip_writer import DeflateCache, zip_bytes

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from omstallning.documents.tree import DocumentMeta

CATEGORY = "Omställningsplan"

# Parts that differ from plan to plan; not worth keeping compressed between documents.
_OWN_PARTS = frozenset({"word/document.xml", "word/numbering.xml", "docProps/core.xml"})


def naive_utc(value: datetime) -> datetime:
    """`value` in UTC without a time zone, as python-docx writes core property dates."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def set_properties(document: DocxDocument, meta: DocumentMeta) -> None:
    """The document's language and core properties (title, author, dates, ...) from `meta`."""
    ooxml.set_document_language(document, meta.language)
    props = document.core_properties
    props.title = _prop(meta.title)
    props.subject = _prop(meta.subject)
    props.author = _prop(meta.author)
    props.last_modified_by = _prop(meta.author)
    props.keywords = _prop(meta.keywords)
    props.language = _prop(meta.language)
    props.category = CATEGORY
    props.comments = _prop(meta.comments)
    props.identifier = _prop(meta.identifier)
    props.version = _prop(meta.version)
    props.content_status = _prop(meta.status)
    created = naive_utc(meta.created)
    props.created = props.modified = props.last_printed = created
    props.revision = 1


def _prop(value: str) -> str:
    # Core properties are limited to 255 characters by python-docx.
    return clean_text(value)[:255]


def docx_bytes_deterministic(
    document: DocxDocument,
    created: datetime,
    *,
    body_text: Sequence[str] = (),
    cache: DeflateCache | None = None,
) -> bytes:
    """Save `document` with every timestamp taken from `created`, so output is reproducible.

    Sets the core properties' created/modified/last printed dates and revision 1, then
    zips the parts in the order python-docx writes them, with a fixed date, compression
    and attributes for every entry (`zip_writer`, compressing shared parts once with
    `cache`). `body_text` replaces the body's placeholders (`splice.splice_body`).
    """
    when = naive_utc(created)
    props = document.core_properties
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    year = min(max(when.year, 1980), 2107)
    stamp = (year, when.month, when.day, when.hour, when.minute, when.second)
    if year != when.year:
        stamp = (year, 1, 1, 0, 0, 0)
    members = package_members(document, body_text)
    return zip_bytes(members, stamp, cache=cache, uncached=_OWN_PARTS)


def package_members(
    document: DocxDocument, body_text: Sequence[str] = ()
) -> list[tuple[str, bytes]]:
    """The package's members as `document.save()` writes them: same names, order, bytes.

    This is python-docx's `PackageWriter.write` without its zip file, so that the parts
    are zipped once, by `zip_bytes`, instead of saved and then rewritten. With
    `body_text`, the main document's placeholders are replaced by it. Uses python-docx's
    private `_ContentTypesItem` (tests/test_docx_private_api.py).
    """
    from docx.opc.pkgwriter import _ContentTypesItem

    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    members = [
        ("[Content_Types].xml", _ContentTypesItem.from_parts(parts).blob),  # type: ignore[no-untyped-call]
        ("_rels/.rels", package.rels.xml),
    ]
    for part in parts:
        blob = part.blob
        if body_text and part is document.part:
            blob = splice.splice_body(blob, body_text)
        members.append((part.partname.membername, blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return members

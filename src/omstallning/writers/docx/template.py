"""The document a plan starts from: the region's Word template, or python-docx's own.

A municipality's template (.docx, or a .dotx that python-docx refuses by its content
type, python-docx #363) gives styles, page setup, headers and footers; its body text is
dropped. Without one, python-docx's default document gets the house style. Reading the
file is the only I/O; `cache.DocxCache` keeps what this module opens.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import docx

from omstallning.errors import OmstallningError
from omstallning.load import safe_read
from omstallning.load.ooxml_check import template_problems
from omstallning.load.safe_read import ZipBombError, read_zip_member
from omstallning.writers.docx.styles import apply_house_style

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def read_template(path: Path) -> bytes:
    """The bytes of the template at `path`: a regular file within `TEMPLATE_BYTES`.

    Raises:
        OmstallningError: the file cannot be read.
    """
    try:
        return safe_read.read_bytes(path, safe_read.TEMPLATE_BYTES)
    except OSError as err:
        raise OmstallningError(
            f"Word-mallen ”{path.name}” går inte att läsa: {err.strerror}."
        ) from err


def starting_document(path: Path | None, data: bytes | None) -> DocxDocument:
    """A new document to start plans from.

    The template `data` (read from `path`) without its body text, or with no template
    python-docx's default document in the house style.

    Raises:
        OmstallningError: the template is not a Word document. `validate` reports this
            earlier; this is the last guard.
    """
    if path is None or data is None:
        start = docx.Document()
        apply_house_style(start)
        return start
    problems = template_problems(data)
    if problems:  # validate reports them all; this is the last guard
        raise _template_error(path, problems[0])
    try:
        start = _open_template(data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ZipBombError) as err:
        raise _template_error(path, "är ingen Word-fil som går att öppna") from err
    start.element.body.clear_content()
    return start


def _template_error(path: Path, reason: str) -> OmstallningError:
    return OmstallningError(
        f"Word-mallen ”{path.name}” kan inte användas: den {reason}. Öppna den i Word och "
        "spara den som Word-dokument (.docx) eller Word-mall (.dotx). Kör omstallning "
        "validate för detaljer."
    )


def _open_template(data: bytes) -> DocxDocument:
    """Open a .docx, or a .dotx with its content type rewritten in memory first."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        content_types = read_zip_member(source, "[Content_Types].xml")
        if _TEMPLATE_MAIN not in content_types:
            return docx.Document(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                blob = read_zip_member(source, info)
                if info.filename == "[Content_Types].xml":
                    blob = blob.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
                target.writestr(info, blob)
    return docx.Document(io.BytesIO(out.getvalue()))

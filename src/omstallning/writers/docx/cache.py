"""What the DOCX writer keeps between the documents of one process, as one explicit object.

Rendering is pure; this is the one place that remembers. The package's `PROCESS_CACHE`
(`omstallning.writers.docx`) is the instance a process uses: the CLI's process and each
worker process have their own, none is shared between processes. Nothing kept here can
change a document's bytes, only how long it takes (tests render with and without).
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omstallning.writers.docx import splice, template
from omstallning.writers.docx.zip_writer import DeflateCache

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_MAX_TEMPLATES = 4  # a process renders for one region; one template, or none


class DocxCache:
    """Starting documents by template content, the body parser, compressed package parts."""

    def __init__(self) -> None:
        self._starts: dict[bytes | None, DocxDocument] = {}
        self._parser: Any = None
        self.deflated = DeflateCache()

    def starting_document(self, path: Path | None) -> DocxDocument:
        """A fresh copy of the document each plan starts from (`template.starting_document`).

        Opened once per template content: a deep copy is the same document and costs less
        than opening it again (8 against 11 ms a plan, most of it parsing styles.xml). The
        file is read every time, so a template changed on disk is used as it is now.
        """
        data = None if path is None else template.read_template(path)
        key = None if data is None else hashlib.sha256(data).digest()
        start = self._starts.get(key)
        if start is None:
            start = template.starting_document(path, data)
            if len(self._starts) >= _MAX_TEMPLATES:
                self._starts.clear()
            self._starts[key] = start
        return copy.deepcopy(start)

    def body_parser(self) -> Any:
        """The lxml parser for body text (`splice.new_body_parser`), built once."""
        if self._parser is None:
            self._parser = splice.new_body_parser()
        return self._parser

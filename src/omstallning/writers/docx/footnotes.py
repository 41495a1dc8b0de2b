"""Word footnotes: the footnotes.xml part and the references to it (ANCHORS.md, Footnotes).

The body refers to a note with `w:footnoteReference w:id="n"` in a superscript run; the
note itself is a `w:footnote w:id="n"` in the footnotes part, whose first run holds
`w:footnoteRef` (Word prints the number there). Ids -1 and 0 are the separator lines
Word draws above the notes. A template that brings footnotes of its own keeps them; the
plan's notes are numbered after them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from omstallning.documents.tree import (
    CodeBlock,
    Heading,
    LineBreak,
    ListBlock,
    Note,
    Paragraph,
    Quote,
    Run,
)
from omstallning.writers.docx import body_xml as bx

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from omstallning.documents.tree import Block, Inline

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NOTE_SIZE = 18  # half-points: 9 pt, the size of Word's Footnote Text
_SUPERSCRIPT = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
    "</w:footnote>"
)
_ID = re.compile(rb'<w:footnote\b[^>]*\bw:id="(-?\d+)"')


def reference_xml(note_id: int) -> str:
    """The run in the body that marks a footnote."""
    return f'<w:r>{_SUPERSCRIPT}<w:footnoteReference w:id="{note_id}"/></w:r>'


def note_paragraph_rpr() -> str:
    """Run properties of the note's text (9 pt)."""
    return f'<w:rPr><w:sz w:val="{_NOTE_SIZE}"/></w:rPr>'


def note_paragraphs(note: Note) -> list[str]:
    """The runs of each paragraph of a footnote, as text (9 pt).

    A footnote lives in its own part, which has no relationships of its own here: a link
    in it is written as its text followed by the address.
    """
    rpr = note_paragraph_rpr()
    paragraphs: list[str] = []
    for block in _note_blocks(note.blocks):
        runs: list[str] = []
        for inline in block:
            if isinstance(inline, LineBreak):
                runs.append("<w:r><w:br/></w:r>")
            elif isinstance(inline, Run):
                text = inline.text
                if inline.url and inline.url != inline.text:
                    text = f"{text} ({inline.url})"
                runs.append(bx.run_xml(bx.clean_text(text), rpr))
        paragraphs.append("".join(runs))
    return paragraphs


def _note_blocks(blocks: tuple[Block, ...]) -> list[tuple[Inline, ...]]:
    """The paragraphs of a footnote as runs; list items and quotes become paragraphs."""
    out: list[tuple[Inline, ...]] = []
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            out.append(tuple(r for r in block.runs if not isinstance(r, Note)))
        elif isinstance(block, ListBlock):
            for item in block.items:
                out.extend((Run("– "), *runs) for runs in _note_blocks(item.blocks))
        elif isinstance(block, Quote):
            out.extend(_note_blocks(block.blocks))
        elif isinstance(block, CodeBlock):
            out.append((Run(block.text, code=True),))
    return out


class Footnotes:
    """Collects the notes of one document and writes them into its package."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.existing: Part | None = None
        for rel in document.part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                self.existing = rel.target_part
        ids = [int(m) for m in _ID.findall(self.existing.blob)] if self.existing else []
        self.next_id = max([0, *ids]) + 1
        self.notes: list[str] = []

    def add(self, paragraphs: list[str]) -> int:
        """A note of paragraphs (each the inner XML of a w:p: runs); returns its id.

        The first paragraph starts with the note's number.
        """
        note_id = self.next_id
        self.next_id += 1
        mark = (
            f'<w:r>{_SUPERSCRIPT}<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
        )
        ppr = '<w:pPr><w:spacing w:after="0"/></w:pPr>'
        body = "".join(
            f"<w:p>{ppr}{mark if n == 0 else ''}{p}</w:p>" for n, p in enumerate(paragraphs or [""])
        )
        self.notes.append(f'<w:footnote w:id="{note_id}">{body}</w:footnote>')
        return note_id

    def finish(self) -> None:
        """Write the part (or add to the template's) when there is any note."""
        if not self.notes:
            return
        notes = "".join(self.notes).encode("utf-8")
        if self.existing is not None and self._append_to_existing(notes):
            return
        xml = (
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<w:footnotes xmlns:w="{_W}" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"{_SEPARATORS}"
            ).encode()
            + notes
            + b"</w:footnotes>"
        )
        package = self.document.part.package
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml, package)
        self.document.part.relate_to(part, RT.FOOTNOTES)

    def _append_to_existing(self, notes: bytes) -> bool:
        """Add the notes to the template's footnotes part; False if it cannot be read."""
        from docx.oxml.parser import parse_xml

        part: Any = self.existing
        wrapper = f'<w:footnotes xmlns:w="{_W}">'.encode() + notes + b"</w:footnotes>"
        element = getattr(part, "_element", None)
        if element is not None:
            for child in list(parse_xml(wrapper)):
                element.append(child)
            return True
        blob: bytes = part.blob
        end = blob.rfind(b"</w:footnotes>")
        if end < 0:
            return False
        part._blob = blob[:end] + notes + blob[end:]  # noqa: SLF001 - a plain Part keeps its bytes there
        return True

"""How body text (`body_xml`) enters the document: parsed, or spliced into the saved XML.

Two ways, one result. Parsed (`append_body_xml`), the text becomes elements with
python-docx's element classes before the body's final w:sectPr, so DOM code can work on
them afterwards. Spliced, a placeholder goes into the body (`append_body_placeholder`),
python-docx serialises the document around it, and the text replaces the placeholder in
the bytes (`splice_body`): no parsing and serialising again. The text is what lxml
writes for the same elements, so the bytes are the same (tests/test_render_docx.py
compares the two ways). Splicing needs a body whose XML uses the prefixes w and r
(`can_splice_body`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.oxml.ns import qn
from lxml import etree

# python-docx's element classes are not typed; lxml elements are `Any` here.
Element = Any

PLACEHOLDER = "omstallning-body"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BODY_DECLS = f'xmlns:w="{_W_NS}" xmlns:r="{_R_NS}"'


def new_body_parser() -> Any:
    """An lxml parser that gives parsed elements python-docx's element classes.

    Built once per process and kept by `cache.DocxCache`.
    """
    from docx.oxml.parser import element_class_lookup

    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    parser.set_element_class_lookup(element_class_lookup)
    return parser


def append_body_xml(body: Element, elements: Sequence[str], parser: Any) -> int:
    """Parse body elements written as text and add them before the body's final w:sectPr.

    `elements` are whole top-level elements (w:p, w:tbl) that use the prefixes w and r;
    `parser` comes from `new_body_parser`. Returns the number of elements added.
    """
    if not elements:
        return 0
    # Each element declares its namespaces itself: lxml moves an element whose namespaces
    # are declared on an ancestor in time quadratic in its size (a 5,000-row table took
    # minutes); declared on the element, the move is linear and the now redundant
    # declaration is dropped, so the saved XML is the same.
    text = "".join(_with_namespaces(element) for element in elements)
    wrapper = etree.fromstring(f"<w:body {_BODY_DECLS}>{text}</w:body>", parser)
    children = list(wrapper)
    _insert_before_sect_pr(body, children)
    return len(children)


def _insert_before_sect_pr(body: Element, children: Sequence[Element]) -> None:
    sect_pr = body.find(qn("w:sectPr"))  # where python-docx inserts new paragraphs, too
    if sect_pr is not None:
        for child in children:
            sect_pr.addprevious(child)
    else:
        body.extend(children)


def _with_namespaces(element: str) -> str:
    end = 1
    while element[end] not in " />":
        end += 1
    return f"{element[:end]} {_BODY_DECLS}{element[end:]}"


def can_splice_body(body: Element) -> bool:
    """Whether body text with the prefixes w and r may be spliced into this body's XML.

    True when w and r are declared for their namespaces and no other prefix is, as in
    every file Word or python-docx writes; otherwise the text must be parsed, so that
    lxml writes the prefixes the file declares.
    """
    nsmap = body.nsmap
    return all(
        [prefix for prefix, known in nsmap.items() if known == uri] == [wanted]
        for wanted, uri in (("w", _W_NS), ("r", _R_NS))
    )


def append_body_placeholder(body: Element, index: int) -> None:
    """Add the placeholder of the `index`th body text before the body's final w:sectPr."""
    _insert_before_sect_pr(body, [etree.ProcessingInstruction(PLACEHOLDER, str(index))])


def splice_body(xml: bytes, texts: Sequence[str]) -> bytes:
    """The serialised document `xml` with its placeholders replaced by `texts`, in order."""
    pieces = xml.split(f"<?{PLACEHOLDER} ".encode())
    if len(pieces) != len(texts) + 1:
        raise ValueError(f"{len(pieces) - 1} placeholders for {len(texts)} body texts")
    out = [pieces[0]]
    for index, (piece, text) in enumerate(zip(pieces[1:], texts, strict=True)):
        end = f"{index}?>".encode()
        if not piece.startswith(end):
            raise ValueError(f"body text placeholder {index} is out of order")
        out += (text.encode("utf-8"), piece[len(end) :])
    return b"".join(out)

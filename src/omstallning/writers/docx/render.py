"""Renders a `Document` tree to a Word file (DOCX bytes) with python-docx.

Pure apart from reading the optional Word template and the cover logo: the result is
returned as bytes, byte-identical for the same input. Styles are looked up by their
built-in English names, so a municipality's own template (also saved by a Swedish Word,
also a .dotx) decides the look; styles it lacks are created instead of failing.
Raw OOXML lives in `ooxml`.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import unicodedata
import weakref
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from omstallning.documents.tree import (
    Block,
    Cell,
    CodeBlock,
    CoverPage,
    Document,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    TableOfContents,
)
from omstallning.errors import OmstallningError
from omstallning.writers.docx import ooxml
from omstallning.writers.docx.zip_writer import zip_bytes

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import _Footer, _Header
    from docx.styles.style import BaseStyle

BODY_FONT = "Calibri"
CODE_FONT = "Consolas"
HEADER_FILL = "D9E2F3"
MARKING_COLOR = "C00000"
TABLE_LABEL = "Tabell"
CATEGORY = "Omställningsplan"
TOC_PLACEHOLDER = "Högerklicka och välj Uppdatera fält för att visa innehållsförteckningen."
LOGO_WIDTH = Cm(4)
PAGE_MARGIN = Cm(2.5)

_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# Characters XML 1.0 forbids; lxml refuses them. Validation reports them earlier.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOOKMARK = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_MAX_HEADING = 6
_MAX_LIST_LEVEL = 8
_LEAD_IN = 3  # paragraphs between a heading and its wide table that move along with it


# ---------------------------------------------------------------------------------------
# Public API


def render_docx(doc: Document, *, template: Path | None = None) -> bytes:
    """Render `doc` to the bytes of a .docx file; the same input gives the same bytes.

    Args:
        doc: The assembled plan.
        template: A Word file (.docx or .dotx) whose styles, page setup, headers and
            footers are used; its body text is dropped.
    """
    document, writer = _write(doc, template, splice=True)
    return docx_bytes_deterministic(document, doc.meta.created, body_text=writer.body_text)


def build_docx(doc: Document, *, template: Path | None = None) -> DocxDocument:
    """Build the python-docx document for `doc` (see `render_docx`)."""
    document, _writer = _write(doc, template, splice=False)
    return document


def _write(
    doc: Document, template: Path | None, *, splice: bool
) -> tuple[DocxDocument, _DocxWriter]:
    document = _starting_document(template)
    writer = _DocxWriter(document, doc, splice=splice)
    writer.write()
    return document, writer


# The document each plan starts from (the user's template without its body text, or
# python-docx's own with the house style), opened once per process and template content:
# a deep copy of it is the same document and costs less than opening it again (8 against
# 11 ms a plan, most of it parsing styles.xml).
_STARTING_DOCUMENTS: dict[bytes | None, DocxDocument] = {}


def _starting_document(template: Path | None) -> DocxDocument:
    data = None if template is None else _read_template(template)
    key = None if data is None else hashlib.sha256(data).digest()
    start = _STARTING_DOCUMENTS.get(key)
    if start is None:
        if template is None or data is None:
            start = docx.Document()
            _apply_house_style(start)
        else:
            start = _template_document(template, data)
            start.element.body.clear_content()
        if len(_STARTING_DOCUMENTS) >= 4:  # a process renders for one region
            _STARTING_DOCUMENTS.clear()
        _STARTING_DOCUMENTS[key] = start
    return copy.deepcopy(start)


def _template_error(path: Path, err: Exception) -> OmstallningError:
    return OmstallningError(
        f"Word-mallen ”{path}” går inte att öppna ({err}). Öppna den i Word och spara "
        "den som Word-dokument (.docx) eller Word-mall (.dotx)."
    )


def _read_template(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise _template_error(path, err) from err


def _template_document(path: Path, data: bytes) -> DocxDocument:
    try:
        return _open_template(data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as err:
        raise _template_error(path, err) from err


def _open_template(data: bytes) -> DocxDocument:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        content_types = source.read("[Content_Types].xml")
        if _TEMPLATE_MAIN not in content_types:
            return docx.Document(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                blob = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    blob = blob.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
                target.writestr(info, blob)
    return docx.Document(io.BytesIO(out.getvalue()))


def docx_bytes_deterministic(
    document: DocxDocument, created: datetime, *, body_text: Sequence[str] = ()
) -> bytes:
    """Save `document` with every timestamp taken from `created`, so output is reproducible.

    Sets the core properties' created/modified/last printed dates and revision 1, then
    zips the parts in the order python-docx writes them, with a fixed date, compression
    and attributes for every entry (`zip_writer`). `body_text` replaces the body's
    placeholders (`ooxml.splice_body`).
    """
    when = _naive_utc(created)
    props = document.core_properties
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    year = min(max(when.year, 1980), 2107)
    stamp = (year, when.month, when.day, when.hour, when.minute, when.second)
    if year != when.year:
        stamp = (year, 1, 1, 0, 0, 0)
    return zip_bytes(_package_members(document, body_text), stamp, uncached=_OWN_PARTS)


# Parts that differ from plan to plan; not worth keeping compressed between documents.
_OWN_PARTS = frozenset({"word/document.xml", "word/numbering.xml", "docProps/core.xml"})


def _package_members(
    document: DocxDocument, body_text: Sequence[str] = ()
) -> list[tuple[str, bytes]]:
    """The package's members as `document.save()` writes them: same names, order, bytes.

    This is python-docx's `PackageWriter.write` without its zip file, so that the parts
    are zipped once, by `zip_bytes`, instead of saved and then rewritten. With
    `body_text`, the main document's placeholders are replaced by it.
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
            blob = ooxml.splice_body(blob, body_text)
        members.append((part.partname.membername, blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return members


def bookmark_name(anchor: str) -> str:
    """The Word bookmark name for a document anchor.

    Word accepts names of at most 40 characters: a letter, then letters, digits and
    underscores. Valid anchors are kept; others are folded to ASCII and get a short
    hash suffix so that different anchors never share a name.
    """
    if _BOOKMARK.fullmatch(anchor):
        return anchor
    folded = unicodedata.normalize("NFKD", anchor).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", folded).strip("_")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"a_{cleaned}"
    digest = hashlib.sha1(anchor.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{cleaned[:31]}_{digest}"


def clean_text(text: str) -> str:
    """Drop characters XML 1.0 cannot carry; turn CR LF and CR into LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub("", text)


# ---------------------------------------------------------------------------------------
# Styles


@dataclass(frozen=True)
class _StyleSpec:
    """How to create a style that a template lacks."""

    kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH
    base: str | None = "Normal"
    builtin: bool = True
    font: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None
    color: str | None = None
    space_before: float | None = None
    space_after: float | None = None
    left_indent: int | None = None  # twips
    keep_with_next: bool = False
    outline_level: int | None = None
    shading: str | None = None
    contextual_spacing: bool = False  # no space between paragraphs of the same style
    borders: str | None = None  # table styles: border colour


_HEADING_SIZES = (16, 13, 12, 11, 11, 11)
_STYLE_SPECS: dict[str, _StyleSpec] = {
    **{
        f"Heading {n}": _StyleSpec(
            bold=True,
            size=_HEADING_SIZES[n - 1],
            color="1F3864",
            space_before=18 if n == 1 else 12,
            space_after=6,
            keep_with_next=True,
            outline_level=n - 1,
            italic=True if n >= 4 else None,
        )
        for n in range(1, _MAX_HEADING + 1)
    },
    "Title": _StyleSpec(size=26, color="1F3864", space_after=12),
    "Subtitle": _StyleSpec(size=14, color="595959", space_after=12),
    "Quote": _StyleSpec(italic=True, color="404040", left_indent=567),
    "Caption": _StyleSpec(bold=True, size=9, color="1F3864", space_after=4, keep_with_next=True),
    "TOC Heading": _StyleSpec(base="Heading 1", outline_level=9, space_before=0, space_after=12),
    **{
        f"toc {n}": _StyleSpec(
            space_before=6 if n == 1 else 0, space_after=3, left_indent=220 * (n - 1)
        )
        for n in range(1, 10)
    },
    "Hyperlink": _StyleSpec(
        kind=WD_STYLE_TYPE.CHARACTER, base=None, color="0563C1", underline=True
    ),
    "Verbatim Char": _StyleSpec(
        kind=WD_STYLE_TYPE.CHARACTER, base=None, builtin=False, font=CODE_FONT, size=9.5
    ),
    "Source Code": _StyleSpec(
        builtin=False, font=CODE_FONT, size=9, space_before=0, space_after=6, shading="F2F2F2"
    ),
    "Note": _StyleSpec(builtin=False, italic=True, size=10, color="404040", left_indent=284),
    "Table Grid": _StyleSpec(kind=WD_STYLE_TYPE.TABLE, base=None, borders="A6A6A6"),
    **{
        name: _StyleSpec(left_indent=ooxml.list_indent(i), contextual_spacing=True)
        for i, suffix in enumerate(("", " 2", " 3"))
        for name in (f"List Bullet{suffix}", f"List Number{suffix}")
    },
}


def find_style(document: DocxDocument, name: str, kind: WD_STYLE_TYPE) -> BaseStyle | None:
    """The style called `name` (UI name, case-insensitive) of type `kind`, or None.

    Built-in styles keep their English names ("heading 1") in files saved by a localised
    Word, even when the style id is localised ("Rubrik1"), so the name is what we match.
    The same answer as `document.styles[name]` followed by a case-insensitive search over
    all styles, from an index of the styles part instead of a proxy object per style.
    """
    from docx.styles import BabelFish
    from docx.styles.style import StyleFactory

    index = _style_index(document.styles.element)
    exact = index.by_name.get(BabelFish.ui2internal(name))
    if exact is not None and _style_type(exact) == kind:
        return StyleFactory(exact)
    found = index.by_lowered_ui_name.get((str(WD_STYLE_TYPE.to_xml(kind)), name.lower()))
    return None if found is None else StyleFactory(found)


@dataclass
class _StyleIndex:
    """The w:style elements of a styles part by name, in document order (first one wins)."""

    count: int
    by_name: dict[str, Any]
    by_lowered_ui_name: dict[tuple[str, str], Any]


_STYLE_INDEXES: weakref.WeakKeyDictionary[Any, _StyleIndex] = weakref.WeakKeyDictionary()


def _style_type(element: Any) -> WD_STYLE_TYPE:
    kind = element.get(qn("w:type"))
    return WD_STYLE_TYPE.PARAGRAPH if kind is None else WD_STYLE_TYPE.from_xml(kind)


def _style_index(styles: Any) -> _StyleIndex:
    """The index of a w:styles element, rebuilt when a style was added or removed."""
    index = _STYLE_INDEXES.get(styles)
    if index is not None and index.count == len(styles):
        return index
    index = _StyleIndex(len(styles), {}, {})
    for element in styles.iterchildren(qn("w:style")):
        _index_style(index, element)
    _STYLE_INDEXES[styles] = index
    return index


def _index_style(index: _StyleIndex, element: Any) -> None:
    from docx.styles import BabelFish

    name_element = element.find(qn("w:name"))
    internal = None if name_element is None else name_element.get(qn("w:val"))
    if internal is None:
        return
    index.by_name.setdefault(internal, element)
    kind = element.get(qn("w:type")) or "paragraph"
    ui = BabelFish.internal2ui(internal).lower()
    index.by_lowered_ui_name.setdefault((kind, ui), element)


def _default_style(styles: Any, kind: WD_STYLE_TYPE) -> Any:
    """The element of `Styles.default(kind)`: the last style of that type marked default.

    python-docx reads the type of every style through an XPath for that.
    """
    wanted = str(WD_STYLE_TYPE.to_xml(kind))
    for element in reversed(list(styles.iterchildren(qn("w:style")))):
        if element.get(qn("w:type")) == wanted and element.default:
            return element
    return None


def _index_new_style(styles: Any, element: Any) -> None:
    """Keep the index of `styles` current after `element` was appended to it."""
    index = _STYLE_INDEXES.get(styles)
    if index is not None and index.count + 1 == len(styles) and styles[-1] is element:
        index.count += 1
        _index_style(index, element)


def _add_style(
    document: DocxDocument, name: str, kind: WD_STYLE_TYPE, *, builtin: bool
) -> BaseStyle:
    """python-docx's `Styles.add_style`, with the index answering whether the name is taken.

    python-docx reads the name of every style for that, once per new style.
    """
    from docx.styles import BabelFish
    from docx.styles.style import StyleFactory

    styles: Any = document.styles.element
    internal = BabelFish.ui2internal(name)
    if internal in _style_index(styles).by_name:
        raise ValueError(f"document already contains style '{name}'")
    element = styles.add_style_of_type(internal, kind, builtin)
    _index_new_style(styles, element)
    return StyleFactory(element)


def ensure_style(document: DocxDocument, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
    """The style `name`, created with sensible formatting when the document lacks it."""
    found = find_style(document, name, kind)
    if found is not None:
        return found
    spec = _STYLE_SPECS.get(name, _StyleSpec(kind=kind, builtin=False))
    style = _add_style(document, name, kind, builtin=spec.builtin)
    element: Any = style.element
    if spec.base is not None and kind != WD_STYLE_TYPE.TABLE:
        base = ensure_style(document, spec.base, WD_STYLE_TYPE.PARAGRAPH)
        cast(Any, style).base_style = base
    style.priority = 39 if name.startswith("toc") else 9 if name.startswith("Heading") else 20
    style.unhide_when_used = True
    style.quick_style = name.startswith(("Heading", "Title", "Subtitle", "Quote"))
    if kind == WD_STYLE_TYPE.TABLE:
        tbl_pr = ooxml.get_or_add(element, "w:tblPr", ooxml.STYLE_ORDER)
        ooxml.insert_in_order(tbl_pr, ooxml.make_table_borders(spec.borders), ooxml.TBLPR_ORDER)
        ppr = ooxml.get_or_add(element, "w:pPr", ooxml.STYLE_ORDER)
        spacing = OxmlElement(
            "w:spacing", {qn("w:after"): "0", qn("w:line"): "240", qn("w:lineRule"): "auto"}
        )
        ooxml.insert_in_order(ppr, spacing, ooxml.PPR_ORDER)
        return style
    font: Any = getattr(style, "font")  # noqa: B009 - not on BaseStyle's static type
    if spec.font is not None:
        ooxml.set_run_fonts(element.get_or_add_rPr(), spec.font)
    if spec.size is not None:
        font.size = Pt(spec.size)
    if spec.bold is not None:
        font.bold = spec.bold
    if spec.italic is not None:
        font.italic = spec.italic
    if spec.underline is not None:
        font.underline = spec.underline
    if spec.color is not None:
        font.color.rgb = RGBColor.from_string(spec.color)
    if kind != WD_STYLE_TYPE.PARAGRAPH:
        return style
    fmt: Any = getattr(style, "paragraph_format")  # noqa: B009
    if spec.space_before is not None:
        fmt.space_before = Pt(spec.space_before)
    if spec.space_after is not None:
        fmt.space_after = Pt(spec.space_after)
    if spec.left_indent is not None:
        fmt.left_indent = Twips(spec.left_indent)
    if spec.keep_with_next:
        fmt.keep_with_next = True
    ppr = element.get_or_add_pPr()
    if spec.outline_level is not None:
        level = OxmlElement("w:outlineLvl", {qn("w:val"): str(spec.outline_level)})
        ooxml.insert_in_order(ppr, level, ooxml.PPR_ORDER)
    if spec.contextual_spacing:
        ooxml.insert_in_order(ppr, OxmlElement("w:contextualSpacing"), ooxml.PPR_ORDER)
    if spec.shading is not None:
        shd = OxmlElement(
            "w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): spec.shading}
        )
        ooxml.insert_in_order(ppr, shd, ooxml.PPR_ORDER)
    return style


def _apply_house_style(document: DocxDocument) -> None:
    """Body font, spacing and A4 page for the built-in template (never for a user's)."""
    normal: Any = document.styles["Normal"]
    ooxml.set_run_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = Pt(11)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for n in range(1, 4):
        heading: Any = document.styles[f"Heading {n}"]
        heading.paragraph_format.space_after = Pt(6)
        heading.paragraph_format.space_before = Pt(18 if n == 1 else 12)
    heading1: Any = document.styles["Heading 1"]
    heading1.font.size = Pt(16)
    heading2: Any = document.styles["Heading 2"]
    heading2.font.size = Pt(13)
    quote: Any = document.styles["Quote"]
    quote.paragraph_format.left_indent = Cm(1)
    quote.paragraph_format.right_indent = Cm(1)
    border = OxmlElement("w:pBdr")
    border.append(
        OxmlElement(
            "w:left",
            {qn("w:val"): "single", qn("w:sz"): "18", qn("w:space"): "8", qn("w:color"): "A6A6A6"},
        )
    )
    ooxml.insert_in_order(quote.element.get_or_add_pPr(), border, ooxml.PPR_ORDER)
    grid: Any = document.styles["Table Grid"]
    tbl_pr = grid.element.find(qn("w:tblPr"))
    ooxml.insert_in_order(tbl_pr, ooxml.make_table_borders("A6A6A6"), ooxml.TBLPR_ORDER)
    section = document.sections[0]
    section.page_width, section.page_height = ooxml.A4_WIDTH, ooxml.A4_HEIGHT
    section.top_margin = section.bottom_margin = PAGE_MARGIN
    section.left_margin = section.right_margin = PAGE_MARGIN
    section.header_distance = section.footer_distance = Cm(1.25)


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


# ---------------------------------------------------------------------------------------
# The writer


@dataclass(frozen=True)
class _Context:
    """Where a nested block is written: inside a list item and/or a quote."""

    list_level: int | None = None
    quote: bool = False


_TOP = _Context()


class _Para:
    """One paragraph being written as text: its properties and content, in schema order."""

    __slots__ = (
        "style_id", "keep_next", "break_before", "num", "border", "spacing", "ind", "jc",
        "mark_size", "content", "bookmark",
    )  # fmt: skip

    def __init__(self, style_id: str | None) -> None:
        self.style_id = style_id
        self.keep_next = False
        self.break_before = False
        self.num: tuple[int, int] | None = None
        self.border = ""
        self.spacing: dict[str, str] = {}  # attribute order is the order they were set
        self.ind = ""
        self.jc: str | None = None
        self.mark_size: int | None = None
        self.content: list[str] = []
        self.bookmark: tuple[str, str] | None = None

    def xml(self) -> str:
        props = self.properties_xml()
        content = "".join(self.content)
        if self.bookmark is not None:
            content = self.bookmark[0] + content + self.bookmark[1]
        if not props:
            return f"<w:p>{content}</w:p>" if content else "<w:p/>"
        return f"<w:p><w:pPr>{props}</w:pPr>{content}</w:p>"

    def properties_xml(self) -> str:
        """The children of the paragraph's w:pPr ("" for none)."""
        ppr: list[str] = []
        if self.style_id is not None:
            ppr.append(f'<w:pStyle w:val="{ooxml.xml_attr(self.style_id)}"/>')
        if self.keep_next:
            ppr.append("<w:keepNext/>")
        if self.break_before:
            ppr.append("<w:pageBreakBefore/>")
        if self.num is not None:
            num_id, level = self.num
            ppr.append(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        ppr.append(self.border)
        if self.spacing:
            attrs = " ".join(f'w:{k}="{v}"' for k, v in self.spacing.items())
            ppr.append(f"<w:spacing {attrs}/>")
        ppr.append(self.ind)
        if self.jc is not None:
            ppr.append(f'<w:jc w:val="{self.jc}"/>')
        if self.mark_size is not None:
            size = self.mark_size
            ppr.append(f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>')
        return "".join(ppr)


def _cell_paragraph_properties(align: str | None, size: float | None) -> str:
    """The paragraph properties of a table cell (`_Para.properties_xml`)."""
    paragraph = _Para(None)
    paragraph.spacing = {"before": "0", "after": "0", "line": "240", "lineRule": "auto"}
    if align in _ALIGN:
        paragraph.jc = _JC[align]
    if size is not None:
        # Empty cells (timeline bars) would otherwise keep a full-size line.
        paragraph.mark_size = round(size * 2)
    return paragraph.properties_xml()


def _half_points(size: float | None) -> int | None:
    return None if size is None else int(Pt(size).pt * 2)


def _twips(points: float) -> str:
    return str(Pt(points).twips)


class _DocxWriter:
    """Writes the blocks of one `Document` into a python-docx document, in order.

    Paragraphs and tables are written as text and parsed in bulk (`ooxml.append_body_xml`)
    or, with `splice`, kept as text in `body_text` to replace placeholders in the saved
    XML; python-docx keeps what it does once per document: styles, sections, headers and
    footers, numbering, relationships, pictures and properties.
    """

    def __init__(self, document: DocxDocument, doc: Document, *, splice: bool) -> None:
        self.document = document
        self.doc = doc
        self._styles: dict[tuple[str, WD_STYLE_TYPE], BaseStyle] = {}
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
        self._default_styles: dict[WD_STYLE_TYPE, Any] = {}
        self._numbering: Any = None
        self._abstract_ids: dict[bool, int] = {}
        self._next_bookmark_id = 0
        self._used_bookmarks: set[str] = set()
        self._table_count = 0
        self._pending_break = False
        self._landscape = False
        self._heading_bookmarks = self._plan_heading_bookmarks()
        self._body: Any = document.element.body
        self._buffer: list[str] = []
        self._splice = splice and ooxml.can_splice_body(self._body)
        self.body_text: list[str] = []
        last = self._last_block()
        self._last_tag = None if last is None else last.tag
        self._link_rpr: str | None = None
        self._plain_rpr: dict[tuple[bool, bool, bool, float | None], str] = {}
        self._usable_width = ooxml.usable_width(document.sections[-1])

    # -- entry point ---------------------------------------------------------------------

    def write(self) -> None:
        landscape = self._plan_landscape()
        for index, block in enumerate(self.doc.blocks):
            if not isinstance(block, PageBreak):
                wanted = index in landscape
                if wanted != self._landscape:
                    self._switch_orientation(landscape=wanted)
            self._top_block(block, index)
        self._flush()
        self._finish_sections()
        self._set_properties()

    def _plan_landscape(self) -> set[int]:
        """Indices of the top-level blocks that go on landscape pages.

        Every wide table, plus its lead-in: the heading right before it and up to three
        paragraphs between that heading and the table, so the heading is not left alone
        at the foot of a portrait page.
        """
        blocks = self.doc.blocks
        chosen: set[int] = set()
        for index, block in enumerate(blocks):
            if not (isinstance(block, Table) and block.wide):
                continue
            chosen.add(index)
            start = index
            while (
                start > 0 and index - start < _LEAD_IN and isinstance(blocks[start - 1], Paragraph)
            ):
                start -= 1
            if start > 0 and isinstance(blocks[start - 1], Heading):
                chosen.update(range(start - 1, index))
        return chosen

    # -- the body as text ----------------------------------------------------------------

    def _emit(self, xml: str, tag: str) -> None:
        self._buffer.append(xml)
        self._last_tag = tag

    def _flush(self) -> None:
        """Add what was written as text to the document (before DOM work on the body).

        When splicing, all but a final paragraph stays text behind a placeholder; that
        paragraph is parsed, because a section break may have to end in it.
        """
        if not self._buffer:
            return
        if self._splice:
            last = [self._buffer.pop()] if self._last_tag == _P_TAG else []
            if self._buffer:
                ooxml.append_body_placeholder(self._body, len(self.body_text))
                self.body_text.append("".join(self._buffer))
            self._buffer[:] = last
        ooxml.append_body_xml(self._body, self._buffer)
        self._buffer.clear()

    # -- styles --------------------------------------------------------------------------

    def _style(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any:
        """The style object (paragraph, character or table style, by `kind`)."""
        key = (name, kind)
        if key not in self._styles:
            self._styles[key] = ensure_style(self.document, name, kind)
        return self._styles[key]

    def _style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """The id to write for the style `name` (None for the document's default style).

        What python-docx's `get_style_id` answers, with the default style of each type
        looked up once per document.
        """
        key = (name, kind)
        if key not in self._style_ids:
            style = self._style(name, kind)
            if style.type != kind:
                raise ValueError(f"style {name} is of type {style.type}, need type {kind}")
            self._style_ids[key] = self._id_unless_default(style, kind)
        return self._style_ids[key]

    def _id_unless_default(self, style: BaseStyle, kind: WD_STYLE_TYPE) -> str | None:
        if kind not in self._default_styles:
            self._default_styles[kind] = _default_style(self.document.styles.element, kind)
        return None if style.element is self._default_styles[kind] else style.style_id

    def _hyperlink_rpr(self) -> str:
        """Run properties of a link: the Hyperlink style if there is one by that exact name."""
        if self._link_rpr is None:
            from docx.styles.style import StyleFactory

            # What `"Hyperlink" in styles` and `get_style_id("Hyperlink", ...)` answer,
            # from the style index instead of reading the name of every style.
            kind = WD_STYLE_TYPE.CHARACTER
            found = _style_index(self.document.styles.element).by_name.get("Hyperlink")
            if found is not None and _style_type(found) == kind:
                style_id = self._id_unless_default(StyleFactory(found), kind)
                self._link_rpr = "" if style_id is None else style_id
            else:
                self._link_rpr = "\0"  # no such style: blue and underlined instead
        return self._link_rpr

    # -- paragraphs and runs -------------------------------------------------------------

    def _paragraph(self, style: str | None = None) -> _Para:
        paragraph = _Para(None if style is None else self._style_id(style))
        if self._pending_break:
            paragraph.break_before = True
            self._pending_break = False
        return paragraph

    def _end(self, paragraph: _Para) -> None:
        self._emit(paragraph.xml(), _P_TAG)

    def _inlines(
        self,
        out: list[str],
        inlines: tuple[Inline, ...],
        *,
        bold: bool = False,
        size: float | None = None,
    ) -> None:
        for inline in inlines:
            if isinstance(inline, LineBreak):
                out.append("<w:r><w:br/></w:r>")
                continue
            self._run(out, inline, bold=bold, size=size)

    def _run(self, out: list[str], item: Run, *, bold: bool, size: float | None) -> None:
        text = clean_text(item.text)
        if not text:
            return
        url = _safe_url(clean_text(item.url).strip()) if item.url else ""
        linked = bool(url or item.anchor)
        if not (linked or item.code):
            # Most runs: plain text, whose properties depend on four values only.
            key = (bold or item.bold, item.italic, item.strike, size)
            rpr = self._plain_rpr.get(key)
            if rpr is None:
                rpr = self._plain_rpr[key] = ooxml.rpr_xml(
                    bold=key[0], italic=key[1], strike=key[2], half_points=_half_points(size)
                )
            out.append(ooxml.run_xml(text, rpr))
            return
        style_id: str | None = None
        font: str | None = None
        color: str | None = None
        underline = False
        if linked:
            self._style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            link = self._hyperlink_rpr()
            if link == "\0":
                color, underline = ooxml.HYPERLINK_COLOR, True
            elif link:
                style_id = link
        if item.code:
            if linked:
                font = CODE_FONT
            else:
                style_id = self._style_id("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
        rpr = ooxml.rpr_xml(
            style_id=style_id,
            font=font,
            bold=bold or item.bold,
            italic=item.italic,
            strike=item.strike,
            color=color,
            half_points=_half_points(size),
            underline=underline,
        )
        run = ooxml.run_xml(text, rpr)
        if url:
            r_id = self.document.part.relate_to(url, RT.HYPERLINK, is_external=True)
            out.append(ooxml.hyperlink_xml(run, r_id=r_id))
        elif item.anchor:
            out.append(ooxml.hyperlink_xml(run, anchor=bookmark_name(item.anchor)))
        else:
            out.append(run)

    def _bookmark(self, paragraph: _Para, name: str) -> None:
        if name in self._used_bookmarks:
            return
        self._used_bookmarks.add(name)
        paragraph.bookmark = ooxml.bookmark_xml(name, self._next_bookmark_id)
        self._next_bookmark_id += 1

    # -- blocks --------------------------------------------------------------------------

    def _top_block(self, block: Block, index: int) -> None:
        if isinstance(block, Heading):
            self._heading(block, self._heading_bookmarks[index])
        elif isinstance(block, TableOfContents):
            self._toc(block, index)
        elif isinstance(block, CoverPage):
            self._cover(block)
        elif isinstance(block, Table):
            self._table(block)
        else:
            self._block(block, _TOP)

    def _block(self, block: Block, ctx: _Context) -> None:
        if isinstance(block, Paragraph):
            self._body_paragraph(block, ctx)
        elif isinstance(block, Heading):
            # Only top-level headings are chapters; nested ones become bold text.
            self._body_paragraph(Paragraph(block.runs), ctx, bold=True)
        elif isinstance(block, ListBlock):
            level = 0 if ctx.list_level is None else ctx.list_level + 1
            self._list(block, min(level, _MAX_LIST_LEVEL), ctx)
        elif isinstance(block, Quote):
            for child in block.blocks:
                self._block(child, _Context(ctx.list_level, quote=True))
        elif isinstance(block, CodeBlock):
            self._code(block, ctx)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, PageBreak):
            self._pending_break = True
        # A cover page or a table of contents only makes sense at the top level.

    def _heading(self, heading: Heading, bookmark: str) -> None:
        level = min(max(heading.level, 1), _MAX_HEADING)
        paragraph = self._paragraph(f"Heading {level}")
        self._inlines(paragraph.content, heading.runs)
        self._bookmark(paragraph, bookmark)
        self._end(paragraph)

    def _body_paragraph(self, block: Paragraph, ctx: _Context, *, bold: bool = False) -> None:
        if ctx.quote:
            style: str | None = "Quote"
        elif block.role == "note":
            style = "Note"
        elif block.role == "caption":
            style = "Caption"
        else:
            style = None
        paragraph = self._paragraph(style)
        if ctx.list_level is not None:
            paragraph.ind = _ind_xml(ooxml.list_indent(ctx.list_level))
        self._inlines(paragraph.content, block.runs, bold=bold)
        if block.anchor:
            self._bookmark(paragraph, bookmark_name(block.anchor))
        self._end(paragraph)

    def _code(self, block: CodeBlock, ctx: _Context) -> None:
        paragraph = self._paragraph("Source Code")
        if ctx.list_level is not None:
            paragraph.ind = _ind_xml(ooxml.list_indent(ctx.list_level))
        text = clean_text(block.text).rstrip("\n")
        if text:
            paragraph.content.append(ooxml.run_xml(text))
        self._end(paragraph)

    # -- lists ---------------------------------------------------------------------------

    def _list(self, block: ListBlock, level: int, ctx: _Context) -> None:
        if self._numbering is None:
            self._numbering = ooxml.numbering_element(self.document)
        if block.ordered not in self._abstract_ids:
            self._abstract_ids[block.ordered] = ooxml.add_abstract_numbering(
                self._numbering, ordered=block.ordered
            )
        # Every list is its own w:num; ordered ones restart at `start` (python-docx #25).
        num_id = ooxml.add_numbering_instance(
            self._numbering,
            self._abstract_ids[block.ordered],
            level=level,
            start=max(block.start, 0) if block.ordered else None,
        )
        kind = "List Number" if block.ordered else "List Bullet"
        style = kind if level == 0 else f"{kind} {min(level + 1, 3)}"
        item_ctx = _Context(level, quote=ctx.quote)
        indent = _ind_xml(ooxml.list_indent(level), ooxml.LIST_HANGING_TWIPS)
        for item in block.items:
            paragraph = self._paragraph("Quote" if ctx.quote else style)
            paragraph.num = (num_id, level)
            paragraph.ind = indent
            rest = item.blocks
            if rest and isinstance(rest[0], Paragraph | Heading):
                first = rest[0]
                self._inlines(paragraph.content, first.runs, bold=isinstance(first, Heading))
                if isinstance(first, Paragraph) and first.anchor:
                    self._bookmark(paragraph, bookmark_name(first.anchor))
                rest = rest[1:]
            self._end(paragraph)
            for child in rest:
                self._block(child, item_ctx)

    # -- tables --------------------------------------------------------------------------

    def _last_block(self) -> Any:
        """The last paragraph or table in the body (before the final sectPr), or None."""
        body: Any = self.document.element.body
        for child in reversed(body):
            if child.tag != qn("w:sectPr"):
                return child
        return None

    def _separate_from_previous_table(self) -> None:
        # Word joins two tables that touch into one; keep a small paragraph between.
        if self._last_tag == _TBL_TAG:
            self._emit(_SPACER_AFTER_TABLE, _P_TAG)

    def _table(self, block: Table) -> None:
        columns = max([len(block.header), *(len(row) for row in block.rows)])
        if columns == 0:
            return
        if block.caption:
            self._caption(block.caption)
        else:
            self._separate_from_previous_table()
            if self._pending_break:
                # Word ignores "page break before" inside tables, so break explicitly.
                self._pending_break = False
                self._emit('<w:p><w:r><w:br w:type="page"/></w:r></w:p>', _P_TAG)
        has_header = bool(block.header)
        rows: list[tuple[Cell, ...]] = [block.header] if has_header else []
        rows.extend(block.rows)
        widths = _column_widths(block.widths, columns, self._usable_width)
        style_id = self._style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        margins = (
            ooxml.cell_margins_xml(top=28, bottom=28, left=28, right=28)
            if block.compact
            else ooxml.cell_margins_xml(top=28, bottom=28, left=85, right=85)
        )
        size = 8.0 if block.compact else None
        out = ["<w:tbl><w:tblPr>"]
        if style_id is not None:
            out.append(f'<w:tblStyle w:val="{ooxml.xml_attr(style_id)}"/>')
        out.append(f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>')
        out.append(margins)
        out.append(ooxml.TBL_LOOK_XML)
        caption, description = clean_text(block.caption or ""), clean_text(block.description or "")
        out.append(_table_alt_xml(caption, description))
        out.append("</w:tblPr><w:tblGrid>")
        out.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
        out.append("</w:tblGrid>")
        tc_widths = [f'<w:tcW w:w="{w}" w:type="dxa"/>' for w in widths]
        cell_props: dict[str | None, str] = {}  # paragraph properties by alignment
        for row_index, cells in enumerate(rows):
            header = has_header and row_index == 0
            out.append(
                "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                if header
                else "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            )
            for data, tc_width in zip(_pad(cells, columns), tc_widths, strict=True):
                props = cell_props.get(data.align)
                if props is None:
                    props = cell_props[data.align] = _cell_paragraph_properties(data.align, size)
                content: list[str] = []
                self._inlines(content, data.runs, bold=header, size=size)
                fill = data.fill or (HEADER_FILL if header else None)
                tc_pr = tc_width + (ooxml.shading_xml(fill) if fill else "")
                if size is not None:
                    tc_pr += '<w:vAlign w:val="center"/>'
                out.append(
                    f"<w:tc><w:tcPr>{tc_pr}</w:tcPr>"
                    f"<w:p><w:pPr>{props}</w:pPr>{''.join(content)}</w:p></w:tc>"
                )
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self._emit("".join(out), _TBL_TAG)

    def _caption(self, caption: str) -> None:
        self._table_count += 1
        paragraph = self._paragraph("Caption")
        paragraph.keep_next = True
        paragraph.content.append(ooxml.run_xml(f"{TABLE_LABEL} "))
        paragraph.content.append(
            ooxml.field_xml(rf"SEQ {TABLE_LABEL} \* ARABIC", str(self._table_count))
        )
        paragraph.content.append(ooxml.run_xml(f": {clean_text(caption)}"))
        self._end(paragraph)

    # -- table of contents ---------------------------------------------------------------

    def _plan_heading_bookmarks(self) -> dict[int, str]:
        names: dict[int, str] = {}
        used: set[str] = set()
        for index, block in enumerate(self.doc.blocks):
            if not isinstance(block, Heading):
                continue
            name = bookmark_name(block.anchor) if block.anchor else ""
            if not name or name in used:
                # Word's own TOC bookmarks are hidden "_Toc" names; index-based = stable.
                name = f"_Toc{100000000 + index}"
            used.add(name)
            names[index] = name
        return names

    def _toc(self, block: TableOfContents, index: int) -> None:
        title = self._paragraph("TOC Heading")
        title.content.append(ooxml.run_xml(clean_text(block.title)))
        self._end(title)
        levels = min(max(block.levels, 1), 9)
        instr = rf'TOC \o "1-{levels}" \h \z \u'
        entries = [
            (heading, self._heading_bookmarks[i])
            for i, heading in enumerate(self.doc.blocks)
            if i > index and isinstance(heading, Heading) and heading.level <= levels
        ]
        if not entries:
            paragraph = self._paragraph()
            paragraph.content.append(ooxml.field_xml(instr, TOC_PLACEHOLDER, dirty=True))
            self._end(paragraph)
        # The cached result lists the headings as links. Page numbers are left to Word,
        # which recomputes the dirty field on open; LibreOffice shows this text as is.
        for position, (heading, name) in enumerate(entries):
            level = min(max(heading.level, 1), 9)
            paragraph = self._paragraph(f"toc {level}")
            if position == 0:
                paragraph.content.append(ooxml.field_begin_xml(instr, dirty=True))
            paragraph.content.append(
                ooxml.hyperlink_xml(ooxml.run_xml(clean_text(heading.text)), anchor=name)
            )
            if position == len(entries) - 1:
                paragraph.content.append(ooxml.FIELD_END_XML)
            self._end(paragraph)
        ooxml.set_update_fields_on_open(self.document)
        self._pending_break = True

    # -- cover page ----------------------------------------------------------------------

    def _cover(self, cover: CoverPage) -> None:
        has_logo = bool(cover.logo) and Path(cover.logo or "").is_file()
        if has_logo:
            self._flush()
            picture = self.document.add_paragraph()
            self._last_tag = _P_TAG
            if self._pending_break:
                picture.paragraph_format.page_break_before = True
                self._pending_break = False
            try:
                shape = picture.add_run().add_picture(str(cover.logo), width=LOGO_WIDTH)
            except UnrecognizedImageError as err:
                raise OmstallningError(
                    f"Logotypen ”{cover.logo}” är ingen bild som Word kan visa. "
                    "Använd en PNG-, JPEG- eller GIF-fil."
                ) from err
            ooxml.set_picture_alt(shape, clean_text(cover.logo_alt or ""))
        title = self._paragraph("Title")
        title.spacing["before"] = _twips(48 if has_logo else 120)
        title.content.append(ooxml.run_xml(clean_text(cover.title)))
        self._end(title)
        if cover.subtitle:
            subtitle = self._paragraph("Subtitle")
            subtitle.content.append(ooxml.run_xml(clean_text(cover.subtitle)))
            self._end(subtitle)
        if cover.marking:
            marking = self._paragraph()
            marking.jc = "center"
            marking.spacing["before"] = _twips(24)
            marking.spacing["after"] = _twips(24)
            marking.border = _box_xml(MARKING_COLOR, size_eighths=18, space_pt=6)
            rpr = ooxml.rpr_xml(bold=True, color=MARKING_COLOR, spacing=60, half_points=56)
            marking.content.append(ooxml.run_xml(clean_text(cover.marking), rpr))
            self._end(marking)
        if cover.facts:
            self._facts(cover.facts)
        self._pending_break = True

    def _facts(self, facts: tuple[tuple[str, str], ...]) -> None:
        self._separate_from_previous_table()
        total = self._usable_width
        label_width = total * 3 // 10
        widths = (label_width, total - label_width)
        out = [
            "<w:tbl><w:tblPr>",
            f'<w:tblW w:w="{total}" w:type="dxa"/>',
            ooxml.table_borders_xml(None),
            '<w:tblLayout w:type="fixed"/>',
            ooxml.cell_margins_xml(top=20, bottom=20, left=0, right=108),
            ooxml.TBL_LOOK_XML,
            _table_alt_xml("Fakta om planen", None),
            "</w:tblPr><w:tblGrid>",
            *(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        bold_rpr = ooxml.rpr_xml(bold=True)
        # python-docx writes `run.bold = False` as an explicit w:b w:val="0".
        for label, value in facts:
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for width, text, rpr in ((widths[0], label, bold_rpr), (widths[1], value, _NOT_BOLD)):
                paragraph = _Para(None)
                paragraph.spacing["after"] = _twips(2)
                paragraph.content.append(ooxml.run_xml(clean_text(text), rpr))
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                    f"{paragraph.xml()}</w:tc>"
                )
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self._emit("".join(out), _TBL_TAG)

    # -- sections, headers and footers ---------------------------------------------------

    def _switch_orientation(self, *, landscape: bool) -> None:
        self._flush()
        if self._last_block() is not None:
            self._section_break()
        section = self.document.sections[-1]
        if landscape:
            ooxml.make_landscape(section)
        else:
            ooxml.make_portrait(section)
        section.start_type = WD_SECTION.NEW_PAGE
        # The section break already starts a new page.
        self._pending_break = False
        self._landscape = landscape
        self._usable_width = ooxml.usable_width(section)

    def _section_break(self) -> None:
        """End the current section in the last paragraph (or a tiny new one after a table).

        The ended section keeps the header and footer references; the new one has none,
        so it inherits them (the landscape page keeps its page numbers).
        """
        body: Any = self.document.element.body
        sentinel = body.get_or_add_sectPr()
        last = self._last_block()
        if (
            last is not None
            and last.tag == qn("w:p")
            and last.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None
        ):
            last.set_sectPr(sentinel.clone())
        else:
            spacer = self.document.add_paragraph()
            spacer.paragraph_format.space_before = spacer.paragraph_format.space_after = Pt(0)
            ooxml.set_paragraph_mark_size(spacer, 2)
            spacer._p.set_sectPr(sentinel.clone())
            self._last_tag = _P_TAG
        for reference in sentinel.xpath("w:headerReference|w:footerReference"):
            sentinel.remove(reference)

    def _finish_sections(self) -> None:
        sections = list(self.document.sections)
        first = sections[0]
        for later in sections[1:]:
            sect_pr: Any = later._sectPr
            # Only the first section has a cover page or restarts the page count.
            later.different_first_page_header_footer = False
            page_numbers = sect_pr.find(qn("w:pgNumType"))
            if page_numbers is not None and page_numbers.get(qn("w:start")) is not None:
                del page_numbers.attrib[qn("w:start")]
        has_cover = bool(self.doc.blocks) and isinstance(self.doc.blocks[0], CoverPage)
        if has_cover:
            first.different_first_page_header_footer = True
            # Explicitly empty first-page header and footer: no page number on the cover.
            for part in (first.first_page_header, first.first_page_footer):
                if part.is_linked_to_previous:
                    part.is_linked_to_previous = False
        footers = [first.footer]
        headers = [first.header]
        if self.document.settings.odd_and_even_pages_header_footer:
            footers.append(first.even_page_footer)
            headers.append(first.even_page_header)
        for footer in footers:
            if not _has_text(footer):
                self._page_number_footer(footer)
        for header in headers:
            if not _has_text(header):
                self._title_header(header)

    def _page_number_footer(self, footer: _Footer) -> None:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        runs = [paragraph.add_run("Sida ")]
        runs += ooxml.add_field(paragraph, "PAGE", "1")
        runs.append(paragraph.add_run(" av "))
        runs += ooxml.add_field(paragraph, "NUMPAGES", "1")
        for run in runs:
            run.font.size = Pt(9)

    def _title_header(self, header: _Header) -> None:
        title = clean_text(self.doc.meta.title)
        if not title:
            return
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(title)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor.from_string("595959")

    # -- document properties -------------------------------------------------------------

    def _set_properties(self) -> None:
        meta = self.doc.meta
        ooxml.set_document_language(self.document, meta.language)
        props = self.document.core_properties
        props.title = _prop(meta.title)
        props.subject = _prop(meta.subject)
        props.author = _prop(meta.author)
        props.last_modified_by = _prop(meta.author)
        props.keywords = _prop(meta.keywords)
        props.language = _prop(meta.language)
        props.category = CATEGORY
        props.comments = ""
        created = _naive_utc(meta.created)
        props.created = props.modified = props.last_printed = created
        props.revision = 1


_P_TAG = qn("w:p")
_TBL_TAG = qn("w:tbl")
_JC = {"left": "left", "center": "center", "right": "right"}
_NOT_BOLD = '<w:rPr><w:b w:val="0"/></w:rPr>'
_SPACER_AFTER_TABLE = (
    '<w:p><w:pPr><w:spacing w:after="0"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
    "</w:pPr></w:p>"
)


def _ind_xml(left: int, hanging: int = 0) -> str:
    """The w:ind of `ooxml.set_paragraph_indent`."""
    if hanging:
        return f'<w:ind w:left="{left}" w:hanging="{hanging}"/>'
    return f'<w:ind w:left="{left}"/>'


def _box_xml(color: str, *, size_eighths: int, space_pt: int) -> str:
    """The w:pBdr of `ooxml.set_paragraph_border`."""
    attrs = f'w:val="single" w:sz="{size_eighths}" w:space="{space_pt}" w:color="{color}"'
    sides = "".join(f"<w:{side} {attrs}/>" for side in ("top", "left", "bottom", "right"))
    return f"<w:pBdr>{sides}</w:pBdr>"


def _table_alt_xml(caption: str | None, description: str | None) -> str:
    """The w:tblCaption and w:tblDescription of `ooxml.set_table_alt`."""
    description = description or caption
    out = ""
    if caption:
        out += f'<w:tblCaption w:val="{ooxml.xml_attr(caption)}"/>'
    if description:
        out += f'<w:tblDescription w:val="{ooxml.xml_attr(description)}"/>'
    return out


def _safe_url(url: str) -> str:
    """Percent-encode what a relationship target may not contain (spaces, quotes, <>).

    Word reports unreadable content for some malformed hyperlink targets; characters
    that are legal in a URL, including existing %-escapes, are left alone.
    """
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def _prop(value: str) -> str:
    # Core properties are limited to 255 characters by python-docx.
    return clean_text(value)[:255]


def _has_text(part: Any) -> bool:
    """Whether a header or footer has content of its own: text, fields or pictures."""
    if part.is_linked_to_previous:
        return False
    element = part._element
    texts = "".join(element.xpath(".//w:t/text()"))
    others = ".//w:instrText | .//w:fldSimple | .//w:drawing | .//w:pict"
    return bool(texts.strip()) or bool(element.xpath(others))


def _pad(cells: tuple[Cell, ...], columns: int) -> tuple[Cell, ...]:
    return (cells + (Cell(()),) * columns)[:columns]


def _column_widths(widths: tuple[float, ...] | None, columns: int, total: int) -> list[int]:
    """Scale relative widths to `total` twips; the parts always add up to `total`."""
    relative = [w if w > 0 else 0.0 for w in (widths or ())][:columns]
    if len(relative) < columns or sum(relative) <= 0:
        known = [w for w in relative if w > 0]
        fill = sum(known) / len(known) if known else 1.0
        relative = relative + [fill] * (columns - len(relative))
        relative = [w if w > 0 else fill for w in relative]
    scale = total / sum(relative)
    exact = [w * scale for w in relative]
    result = [int(x) for x in exact]
    shortfall = total - sum(result)
    by_fraction = sorted(range(columns), key=lambda i: (-(exact[i] - result[i]), i))
    for i in by_fraction[:shortfall]:
        result[i] += 1
    return result

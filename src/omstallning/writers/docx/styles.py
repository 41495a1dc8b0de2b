"""The styles of a document: found by their built-in English names, created when missing.

Built-in styles keep their English names ("heading 1") in files saved by a localised
Word, even when the style id is localised ("Rubrik1"), so a municipality's own template
decides the look; styles it lacks are created with the formatting in `_STYLE_SPECS`
instead of failing. The house style (`apply_house_style`) is only for python-docx's own
starting document, never for a user's template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles import BabelFish
from docx.styles.style import StyleFactory

from omstallning.writers.docx import ooxml

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import BaseStyle

BODY_FONT = "Calibri"
CODE_FONT = "Consolas"
PAGE_MARGIN = Cm(2.5)
MAX_HEADING = 6


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
        for n in range(1, MAX_HEADING + 1)
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


@dataclass
class _StyleIndex:
    """The w:style elements of a styles part by name, in document order (first one wins)."""

    count: int
    by_name: dict[str, Any]
    by_lowered_ui_name: dict[tuple[str, str], Any]


def _style_type(element: Any) -> WD_STYLE_TYPE:
    kind = element.get(qn("w:type"))
    return WD_STYLE_TYPE.PARAGRAPH if kind is None else WD_STYLE_TYPE.from_xml(kind)


def _index_style(index: _StyleIndex, element: Any) -> None:
    name_element = element.find(qn("w:name"))
    internal = None if name_element is None else name_element.get(qn("w:val"))
    if internal is None:
        return
    index.by_name.setdefault(internal, element)
    kind = element.get(qn("w:type")) or "paragraph"
    ui = BabelFish.internal2ui(internal).lower()
    index.by_lowered_ui_name.setdefault((kind, ui), element)


class StyleSheet:
    """The styles of one document, looked up through an index of the styles part.

    python-docx builds a proxy object per style and reads the name of every style for each
    look-up; the index answers the same from one pass over the part, and stays current as
    long as styles are added through `ensure` (it is rebuilt when the count changes).
    """

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self._element: Any = document.styles.element
        self._index: _StyleIndex | None = None
        self._ensured: dict[tuple[str, WD_STYLE_TYPE], BaseStyle] = {}
        self._ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}
        self._defaults: dict[WD_STYLE_TYPE, Any] = {}

    # -- look-up -------------------------------------------------------------------------

    def _current_index(self) -> _StyleIndex:
        """The index of the styles part, rebuilt when a style was added or removed."""
        index = self._index
        if index is not None and index.count == len(self._element):
            return index
        index = _StyleIndex(len(self._element), {}, {})
        for element in self._element.iterchildren(qn("w:style")):
            _index_style(index, element)
        self._index = index
        return index

    def find(self, name: str, kind: WD_STYLE_TYPE) -> BaseStyle | None:
        """The style called `name` (UI name, case-insensitive) of type `kind`, or None.

        The same answer as `document.styles[name]` followed by a case-insensitive search
        over all styles.
        """
        index = self._current_index()
        exact = index.by_name.get(BabelFish.ui2internal(name))
        if exact is not None and _style_type(exact) == kind:
            return StyleFactory(exact)
        found = index.by_lowered_ui_name.get((str(WD_STYLE_TYPE.to_xml(kind)), name.lower()))
        return None if found is None else StyleFactory(found)

    def named(self, name: str, kind: WD_STYLE_TYPE) -> BaseStyle | None:
        """The style whose name is exactly `name`, of type `kind` (`name in styles`)."""
        found = self._current_index().by_name.get(name)
        if found is not None and _style_type(found) == kind:
            return StyleFactory(found)
        return None

    def _default(self, kind: WD_STYLE_TYPE) -> Any:
        """The element of `Styles.default(kind)`: the last style of that type marked default.

        python-docx reads the type of every style through an XPath for that.
        """
        if kind not in self._defaults:
            wanted = str(WD_STYLE_TYPE.to_xml(kind))
            self._defaults[kind] = next(
                (
                    element
                    for element in reversed(list(self._element.iterchildren(qn("w:style"))))
                    if element.get(qn("w:type")) == wanted and element.default
                ),
                None,
            )
        return self._defaults[kind]

    def id_unless_default(self, style: BaseStyle, kind: WD_STYLE_TYPE) -> str | None:
        """The style's id, or None for the document's default style of `kind`."""
        return None if style.element is self._default(kind) else style.style_id

    # -- styles the writer uses ----------------------------------------------------------

    def style(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> BaseStyle:
        """The style object (paragraph, character or table style, by `kind`), ensured once."""
        key = (name, kind)
        if key not in self._ensured:
            self._ensured[key] = self.ensure(name, kind)
        return self._ensured[key]

    def style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        """The id to write for the style `name` (None for the document's default style).

        What python-docx's `get_style_id` answers, remembered per name and type.
        """
        key = (name, kind)
        if key not in self._ids:
            style = self.style(name, kind)
            if style.type != kind:
                raise ValueError(f"style {name} is of type {style.type}, need type {kind}")
            self._ids[key] = self.id_unless_default(style, kind)
        return self._ids[key]

    # -- creating ------------------------------------------------------------------------

    def _add(self, name: str, kind: WD_STYLE_TYPE, *, builtin: bool) -> BaseStyle:
        """python-docx's `Styles.add_style`, with the index answering whether the name is taken."""
        internal = BabelFish.ui2internal(name)
        index = self._current_index()
        if internal in index.by_name:
            raise ValueError(f"document already contains style '{name}'")
        element = self._element.add_style_of_type(internal, kind, builtin)
        if index.count + 1 == len(self._element) and self._element[-1] is element:
            index.count += 1
            _index_style(index, element)
        return StyleFactory(element)

    def ensure(self, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
        """The style `name`, created with sensible formatting when the document lacks it."""
        found = self.find(name, kind)
        if found is not None:
            return found
        spec = _STYLE_SPECS.get(name, _StyleSpec(kind=kind, builtin=False))
        style = self._add(name, kind, builtin=spec.builtin)
        if spec.base is not None and kind != WD_STYLE_TYPE.TABLE:
            cast(Any, style).base_style = self.ensure(spec.base, WD_STYLE_TYPE.PARAGRAPH)
        style.priority = 39 if name.startswith("toc") else 9 if name.startswith("Heading") else 20
        style.unhide_when_used = True
        style.quick_style = name.startswith(("Heading", "Title", "Subtitle", "Quote"))
        if kind == WD_STYLE_TYPE.TABLE:
            _format_table_style(style.element, spec)
            return style
        _format_font(style, spec)
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            _format_paragraph(style, spec)
        return style


def _format_table_style(element: Any, spec: _StyleSpec) -> None:
    tbl_pr = ooxml.get_or_add(element, "w:tblPr", ooxml.STYLE_ORDER)
    ooxml.insert_in_order(tbl_pr, ooxml.make_table_borders(spec.borders), ooxml.TBLPR_ORDER)
    ppr = ooxml.get_or_add(element, "w:pPr", ooxml.STYLE_ORDER)
    spacing = OxmlElement(
        "w:spacing", {qn("w:after"): "0", qn("w:line"): "240", qn("w:lineRule"): "auto"}
    )
    ooxml.insert_in_order(ppr, spacing, ooxml.PPR_ORDER)


def _format_font(style: BaseStyle, spec: _StyleSpec) -> None:
    font: Any = getattr(style, "font")  # noqa: B009 - not on BaseStyle's static type
    if spec.font is not None:
        ooxml.set_run_fonts(cast(Any, style.element).get_or_add_rPr(), spec.font)
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


def _format_paragraph(style: BaseStyle, spec: _StyleSpec) -> None:
    fmt: Any = getattr(style, "paragraph_format")  # noqa: B009
    if spec.space_before is not None:
        fmt.space_before = Pt(spec.space_before)
    if spec.space_after is not None:
        fmt.space_after = Pt(spec.space_after)
    if spec.left_indent is not None:
        fmt.left_indent = Twips(spec.left_indent)
    if spec.keep_with_next:
        fmt.keep_with_next = True
    ppr = cast(Any, style.element).get_or_add_pPr()
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


def apply_house_style(document: DocxDocument) -> None:
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

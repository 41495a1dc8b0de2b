"""Renders a `Document` tree to a Word file (DOCX bytes) with python-docx.

Pure apart from reading the optional Word template and the cover logo: the result is
returned as bytes, byte-identical for the same input. Styles are looked up by their
built-in English names, so a municipality's own template (also saved by a Swedish Word,
also a .dotx) decides the look; styles it lacks are created instead of failing.
Raw OOXML lives in `ooxml`.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from omstallning import ooxml
from omstallning.document import (
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

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import _Footer, _Header
    from docx.styles.style import BaseStyle
    from docx.text.paragraph import Paragraph as DocxParagraph
    from docx.text.run import Run as DocxRun

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
    return docx_bytes_deterministic(build_docx(doc, template=template), doc.meta.created)


def build_docx(doc: Document, *, template: Path | None = None) -> DocxDocument:
    """Build the python-docx document for `doc` (see `render_docx`)."""
    if template is None:
        document = docx.Document()
        _apply_house_style(document)
    else:
        document = load_template(template)
        document.element.body.clear_content()
    _DocxWriter(document, doc).write()
    return document


def load_template(path: Path) -> DocxDocument:
    """Open a Word document or template (.dotx) with python-docx.

    python-docx refuses a .dotx because of its content type (python-docx #363), so the
    package's `[Content_Types].xml` is rewritten in memory first.

    Raises:
        OmstallningError: the file cannot be read or is not a Word document. `validate`
            reports this earlier; this is the last guard.
    """
    try:
        return _open_template(path)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as err:
        raise OmstallningError(
            f"Word-mallen ”{path}” går inte att öppna ({err}). Öppna den i Word och spara "
            "den som Word-dokument (.docx) eller Word-mall (.dotx)."
        ) from err


def _open_template(path: Path) -> DocxDocument:
    data = path.read_bytes()
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


def docx_bytes_deterministic(document: DocxDocument, created: datetime) -> bytes:
    """Save `document` with every timestamp taken from `created`, so output is reproducible.

    Sets the core properties' created/modified/last printed dates and revision 1, then
    rewrites the zip with a fixed date, compression and attributes for every entry, in
    the order python-docx wrote them.
    """
    when = _naive_utc(created)
    props = document.core_properties
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    year = min(max(when.year, 1980), 2107)
    stamp = (year, when.month, when.day, when.hour, when.minute, when.second)
    if year != when.year:
        stamp = (year, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename), compresslevel=6)
    return out.getvalue()


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
    return _FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


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
    """
    styles = document.styles
    if name in styles:
        style = cast("BaseStyle", styles[name])
        if style.type == kind:
            return style
    lowered = name.lower()
    for candidate in styles:
        if candidate.type == kind and (candidate.name or "").lower() == lowered:
            return cast("BaseStyle", candidate)
    return None


def ensure_style(document: DocxDocument, name: str, kind: WD_STYLE_TYPE) -> BaseStyle:
    """The style `name`, created with sensible formatting when the document lacks it."""
    found = find_style(document, name, kind)
    if found is not None:
        return found
    spec = _STYLE_SPECS.get(name, _StyleSpec(kind=kind, builtin=False))
    style = cast("BaseStyle", document.styles.add_style(name, kind, builtin=spec.builtin))
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


class _DocxWriter:
    """Writes the blocks of one `Document` into a python-docx document, in order."""

    def __init__(self, document: DocxDocument, doc: Document) -> None:
        self.document = document
        self.doc = doc
        self._styles: dict[tuple[str, WD_STYLE_TYPE], BaseStyle] = {}
        self._numbering: Any = None
        self._abstract_ids: dict[bool, int] = {}
        self._next_bookmark_id = 0
        self._used_bookmarks: set[str] = set()
        self._table_count = 0
        self._pending_break = False
        self._landscape = False
        self._heading_bookmarks = self._plan_heading_bookmarks()

    # -- entry point ---------------------------------------------------------------------

    def write(self) -> None:
        landscape = self._plan_landscape()
        for index, block in enumerate(self.doc.blocks):
            if not isinstance(block, PageBreak):
                wanted = index in landscape
                if wanted != self._landscape:
                    self._switch_orientation(landscape=wanted)
            self._top_block(block, index)
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

    # -- styles --------------------------------------------------------------------------

    def _style(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> Any:
        """The style object (paragraph, character or table style, by `kind`)."""
        key = (name, kind)
        if key not in self._styles:
            self._styles[key] = ensure_style(self.document, name, kind)
        return self._styles[key]

    # -- paragraphs and runs -------------------------------------------------------------

    def _paragraph(self, style: str | None = None) -> DocxParagraph:
        paragraph = self.document.add_paragraph()
        if style is not None:
            paragraph.style = self._style(style)
        if self._pending_break:
            paragraph.paragraph_format.page_break_before = True
            self._pending_break = False
        return paragraph

    def _inlines(
        self,
        paragraph: DocxParagraph,
        inlines: tuple[Inline, ...],
        *,
        bold: bool = False,
        size: float | None = None,
    ) -> None:
        for inline in inlines:
            if isinstance(inline, LineBreak):
                paragraph.add_run().add_break()
                continue
            self._run(paragraph, inline, bold=bold, size=size)

    def _run(
        self, paragraph: DocxParagraph, item: Run, *, bold: bool, size: float | None
    ) -> DocxRun | None:
        text = clean_text(item.text)
        if not text:
            return None
        url = _safe_url(clean_text(item.url or "").strip())
        if url or item.anchor:
            self._style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        if url:
            run = ooxml.add_hyperlink(paragraph, url, text)
        elif item.anchor:
            run = ooxml.add_internal_link(paragraph, bookmark_name(item.anchor), text)
        else:
            run = paragraph.add_run(text)
        if bold or item.bold:
            run.bold = True
        if item.italic:
            run.italic = True
        if item.strike:
            run.font.strike = True
        if item.code:
            if url or item.anchor:
                ooxml.set_run_fonts(run._r.get_or_add_rPr(), CODE_FONT)
            else:
                run.style = self._style("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
        if size is not None:
            run.font.size = Pt(size)
        return run

    def _bookmark(self, paragraph: DocxParagraph, name: str) -> None:
        if name in self._used_bookmarks:
            return
        self._used_bookmarks.add(name)
        ooxml.add_bookmark(paragraph, name, self._next_bookmark_id)
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
        self._inlines(paragraph, heading.runs)
        self._bookmark(paragraph, bookmark)

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
            ooxml.set_paragraph_indent(paragraph, ooxml.list_indent(ctx.list_level))
        self._inlines(paragraph, block.runs, bold=bold)
        if block.anchor:
            self._bookmark(paragraph, bookmark_name(block.anchor))

    def _code(self, block: CodeBlock, ctx: _Context) -> None:
        paragraph = self._paragraph("Source Code")
        if ctx.list_level is not None:
            ooxml.set_paragraph_indent(paragraph, ooxml.list_indent(ctx.list_level))
        text = clean_text(block.text).rstrip("\n")
        if text:
            paragraph.add_run(text)

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
        for item in block.items:
            paragraph = self._paragraph("Quote" if ctx.quote else style)
            ooxml.set_paragraph_numbering(paragraph, num_id, level)
            ooxml.set_paragraph_indent(
                paragraph, ooxml.list_indent(level), ooxml.LIST_HANGING_TWIPS
            )
            rest = item.blocks
            if rest and isinstance(rest[0], Paragraph | Heading):
                first = rest[0]
                self._inlines(paragraph, first.runs, bold=isinstance(first, Heading))
                if isinstance(first, Paragraph) and first.anchor:
                    self._bookmark(paragraph, bookmark_name(first.anchor))
                rest = rest[1:]
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
        last = self._last_block()
        if last is not None and last.tag == qn("w:tbl"):
            spacer = self.document.add_paragraph()
            spacer.paragraph_format.space_after = Pt(0)
            ooxml.set_paragraph_mark_size(spacer, 2)

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
                self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        has_header = bool(block.header)
        rows: list[tuple[Cell, ...]] = [block.header] if has_header else []
        rows.extend(block.rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = self._style("Table Grid", WD_STYLE_TYPE.TABLE)
        section = self.document.sections[-1]
        ooxml.set_table_widths(
            table, _column_widths(block.widths, columns, ooxml.usable_width(section))
        )
        if block.compact:
            ooxml.set_table_cell_margins(table, top=28, bottom=28, left=28, right=28)
        else:
            ooxml.set_table_cell_margins(table, top=28, bottom=28, left=85, right=85)
        size = 8.0 if block.compact else None
        for row_index, (row, cells) in enumerate(zip(table.rows, rows, strict=True)):
            header = has_header and row_index == 0
            ooxml.set_cant_split(row)
            if header:
                ooxml.set_repeat_header(row)
            for cell, data in zip(row.cells, _pad(cells, columns), strict=True):
                paragraph = cell.paragraphs[0]
                fmt = paragraph.paragraph_format
                fmt.space_before = fmt.space_after = Pt(0)
                fmt.line_spacing = 1.0
                if data.align in _ALIGN:
                    paragraph.alignment = _ALIGN[data.align]
                if size is not None:
                    # Empty cells (timeline bars) would otherwise keep a full-size line.
                    ooxml.set_paragraph_mark_size(paragraph, round(size * 2))
                    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                self._inlines(paragraph, data.runs, bold=header, size=size)
                fill = data.fill or (HEADER_FILL if header else None)
                if fill:
                    ooxml.set_cell_fill(cell, fill)
        ooxml.set_table_alt(
            table, clean_text(block.caption or ""), clean_text(block.description or "")
        )

    def _caption(self, caption: str) -> None:
        self._table_count += 1
        paragraph = self._paragraph("Caption")
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run(f"{TABLE_LABEL} ")
        ooxml.add_field(paragraph, rf"SEQ {TABLE_LABEL} \* ARABIC", str(self._table_count))
        paragraph.add_run(f": {clean_text(caption)}")

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
        title.add_run(clean_text(block.title))
        levels = min(max(block.levels, 1), 9)
        instr = rf'TOC \o "1-{levels}" \h \z \u'
        entries = [
            (heading, self._heading_bookmarks[i])
            for i, heading in enumerate(self.doc.blocks)
            if i > index and isinstance(heading, Heading) and heading.level <= levels
        ]
        if not entries:
            ooxml.add_field(self._paragraph(), instr, TOC_PLACEHOLDER, dirty=True)
        # The cached result lists the headings as links. Page numbers are left to Word,
        # which recomputes the dirty field on open; LibreOffice shows this text as is.
        for position, (heading, name) in enumerate(entries):
            level = min(max(heading.level, 1), 9)
            paragraph = self._paragraph(f"toc {level}")
            if position == 0:
                ooxml.add_field_begin(paragraph, instr, dirty=True)
            ooxml.add_internal_link(paragraph, name, clean_text(heading.text), styled=False)
            if position == len(entries) - 1:
                ooxml.add_field_end(paragraph)
        ooxml.set_update_fields_on_open(self.document)
        self._pending_break = True

    # -- cover page ----------------------------------------------------------------------

    def _cover(self, cover: CoverPage) -> None:
        has_logo = bool(cover.logo) and Path(cover.logo or "").is_file()
        if has_logo:
            paragraph = self._paragraph()
            try:
                shape = paragraph.add_run().add_picture(str(cover.logo), width=LOGO_WIDTH)
            except UnrecognizedImageError as err:
                raise OmstallningError(
                    f"Logotypen ”{cover.logo}” är ingen bild som Word kan visa. "
                    "Använd en PNG-, JPEG- eller GIF-fil."
                ) from err
            ooxml.set_picture_alt(shape, clean_text(cover.logo_alt or ""))
        title = self._paragraph("Title")
        title.paragraph_format.space_before = Pt(48 if has_logo else 120)
        title.add_run(clean_text(cover.title))
        if cover.subtitle:
            self._paragraph("Subtitle").add_run(clean_text(cover.subtitle))
        if cover.marking:
            marking = self._paragraph()
            marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
            marking.paragraph_format.space_before = Pt(24)
            marking.paragraph_format.space_after = Pt(24)
            ooxml.set_paragraph_border(marking, MARKING_COLOR, size_eighths=18, space_pt=6)
            run = marking.add_run(clean_text(cover.marking))
            run.bold = True
            run.font.size = Pt(28)
            run.font.color.rgb = RGBColor.from_string(MARKING_COLOR)
            ooxml.set_character_spacing(run, 60)
        if cover.facts:
            self._facts(cover.facts)
        self._pending_break = True

    def _facts(self, facts: tuple[tuple[str, str], ...]) -> None:
        self._separate_from_previous_table()
        table = self.document.add_table(rows=len(facts), cols=2)
        ooxml.set_table_borders(table, None)
        total = ooxml.usable_width(self.document.sections[-1])
        label_width = total * 3 // 10
        ooxml.set_table_widths(table, [label_width, total - label_width])
        ooxml.set_table_cell_margins(table, top=20, bottom=20, left=0, right=108)
        for row, (label, value) in zip(table.rows, facts, strict=True):
            ooxml.set_cant_split(row)
            for cell, text, bold in ((row.cells[0], label, True), (row.cells[1], value, False)):
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(2)
                run = paragraph.add_run(clean_text(text))
                run.bold = bold
        ooxml.set_table_alt(table, "Fakta om planen", None)

    # -- sections, headers and footers ---------------------------------------------------

    def _switch_orientation(self, *, landscape: bool) -> None:
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

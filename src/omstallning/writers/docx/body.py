"""The document tree to the body of a Word document: `BodyWriter`.

Paragraphs and tables are written as text (`body_xml`, `tables`) and either parsed into
the document in bulk or, when splicing, kept as text behind placeholders that
`package.package_members` replaces in the saved XML (`splice`). python-docx's DOM does
what happens once per document: styles (`styles`), sections, headers and footers
(`sections`), numbering, relationships and the cover's picture (`ooxml`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docx.enum.style import WD_STYLE_TYPE
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, Twips

from omstallning.documents.tree import (
    CodeBlock,
    CoverPage,
    Heading,
    Image,
    LineBreak,
    ListBlock,
    Note,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    TableOfContents,
)
from omstallning.errors import OmstallningError
from omstallning.writers.docx import body_xml as bx
from omstallning.writers.docx import column_layout, links, ooxml, pictures, sections, tables
from omstallning.writers.docx import splice as splicing
from omstallning.writers.docx.footnotes import Footnotes, note_paragraphs, reference_xml
from omstallning.writers.docx.links import HyperlinkRels, clickable
from omstallning.writers.docx.pictures import add_picture
from omstallning.writers.docx.styles import CODE_FONT, MAX_HEADING, StyleSheet

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

    from omstallning.documents.tree import Block, Document, Inline

TABLE_LABEL = "Tabell"
FIGURE_LABEL = "Figur"
MARKING_COLOR = "C00000"
TOC_PLACEHOLDER = "Högerklicka och välj Uppdatera fält för att visa innehållsförteckningen."
LOGO_WIDTH = Cm(4)

_MAX_LIST_LEVEL = 8
_LEAD_IN = 3  # paragraphs between a heading and its wide table that move along with it
_P_TAG = qn("w:p")
_TBL_TAG = qn("w:tbl")
_NO_LINK_STYLE = "\0"  # no Hyperlink style: links are blue and underlined instead
_TRAIL_STOPS = (Heading, PageBreak, CoverPage, TableOfContents)
SPACE_AFTER_TABLE = 9  # points between a table and the paragraph after it
DEFAULT_BODY_SIZE = 11.0


@dataclass(frozen=True)
class _Context:
    """Where a nested block is written: inside a list item and/or a quote."""

    list_level: int | None = None
    quote: bool = False


_TOP = _Context()


def plan_landscape(
    blocks: tuple[Block, ...], too_wide: Callable[[Table], bool] = lambda _table: False
) -> set[int]:
    """Indices of the top-level blocks that go on landscape pages.

    Every wide table (and every table `too_wide` for a portrait page), plus its lead-in:
    the heading right before it and up to three paragraphs between that heading and the
    table, so the heading is not left alone at the foot of a portrait page; and its
    trail: what follows the table up to the next heading (an activity's description
    after the action plan), so it does not make a near-empty portrait page of its own.
    """
    chosen: set[int] = set()
    for index, block in enumerate(blocks):
        if not (isinstance(block, Table) and (block.wide or too_wide(block))):
            continue
        chosen.add(index)
        start = index
        while start > 0 and index - start < _LEAD_IN and isinstance(blocks[start - 1], Paragraph):
            start -= 1
        if start > 0 and isinstance(blocks[start - 1], Heading):
            chosen.update(range(start - 1, index))
        end = index + 1
        while end < len(blocks) and not isinstance(blocks[end], _TRAIL_STOPS):
            chosen.add(end)
            end += 1
    return chosen


def plan_heading_bookmarks(blocks: tuple[Block, ...]) -> dict[int, str]:
    """The bookmark name of each top-level heading, by block index; names are unique."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, Heading):
            continue
        name = bx.bookmark_name(block.anchor) if block.anchor else ""
        if not name or name in used:
            # Word's own TOC bookmarks are hidden "_Toc" names; index-based = stable.
            name = f"_Toc{100000000 + index}"
        used.add(name)
        names[index] = name
    return names


class BodyWriter:
    """Writes the blocks of one `Document` into a python-docx document, in order.

    With `splice`, the body stays text in `body_text` (for `package.package_members`)
    wherever the document allows it (`splice.can_splice_body`); otherwise, and for the
    paragraph a section break ends in, the text is parsed with `parser`.
    """

    def __init__(
        self,
        document: DocxDocument,
        doc: Document,
        *,
        splice: bool,
        parser: Any,
        toc_pages: Mapping[str, int] | None = None,
    ) -> None:
        self.document = document
        self.doc = doc
        self.toc_pages = toc_pages
        self.styles = StyleSheet(document)
        self._parser = parser
        self._numbering: Any = None
        self._abstract_ids: dict[bool, int] = {}
        self._next_bookmark_id = 0
        self._links = HyperlinkRels(document.part)
        self._used_bookmarks: set[str] = set()
        self._table_count = 0
        self._figure_count = 0
        self._pending_break = False
        self._landscape = False
        self._heading_bookmarks = plan_heading_bookmarks(doc.blocks)
        self._footnotes = Footnotes(document)
        self._body: Any = document.element.body
        self._buffer: list[str] = []
        self._splice = splice and splicing.can_splice_body(self._body)
        self.body_text: list[str] = []
        last = sections.last_block(document)
        self._last_tag = None if last is None else last.tag
        self._link_rpr: str | None = None
        self._plain_rpr: dict[tuple[bool, bool, bool, float | None], str] = {}
        self._usable_width = ooxml.usable_width(document.sections[-1])
        self._portrait_width = self._usable_width
        font: Any = getattr(self.styles.named("Normal", WD_STYLE_TYPE.PARAGRAPH), "font", None)
        size = font.size if font is not None else None
        self._body_size = float(size.pt) if size else DEFAULT_BODY_SIZE

    # -- entry point ---------------------------------------------------------------------

    def write(self) -> None:
        """Write every block, then finish the sections (headers, footers)."""
        landscape = plan_landscape(self.doc.blocks, self._too_wide)
        for index, block in enumerate(self.doc.blocks):
            if not isinstance(block, PageBreak):
                wanted = index in landscape
                if wanted != self._landscape:
                    self._switch_orientation(landscape=wanted)
            self._top_block(block, index)
        self._flush()
        self._footnotes.finish()
        blocks = self.doc.blocks
        sections.finish_sections(
            self.document,
            has_cover=bool(blocks) and isinstance(blocks[0], CoverPage),
            title=bx.clean_text(self.doc.meta.title),
            marking=self.doc.meta.marking and bx.clean_text(self.doc.meta.marking),
        )

    def _too_wide(self, block: Table) -> bool:
        """Whether the longest words of `block` cannot fit side by side on a portrait page."""
        columns = tables.column_count(block)
        return not column_layout.fits(block, columns, self._portrait_width, self._body_size)

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
                splicing.append_body_placeholder(self._body, len(self.body_text))
                self.body_text.append("".join(self._buffer))
            self._buffer[:] = last
        splicing.append_body_xml(self._body, self._buffer, self._parser)
        self._buffer.clear()

    # -- sections ------------------------------------------------------------------------

    def _switch_orientation(self, *, landscape: bool) -> None:
        self._flush()
        if sections.last_block(self.document) is not None and sections.end_section(self.document):
            self._last_tag = _P_TAG
        section = self.document.sections[-1]
        self._usable_width = sections.turn_section(section, landscape=landscape)
        # The section break already starts a new page.
        self._pending_break = False
        self._landscape = landscape

    # -- paragraphs and runs -------------------------------------------------------------

    def _paragraph(self, style: str | None = None) -> bx.ParaXml:
        paragraph = bx.ParaXml(None if style is None else self.styles.style_id(style))
        if self._pending_break:
            paragraph.break_before = True
            self._pending_break = False
        elif self._last_tag == _TBL_TAG and not (style or "").startswith("Heading"):
            # Space after every table; a heading keeps its own, larger space before.
            paragraph.spacing["before"] = bx.twips(SPACE_AFTER_TABLE)
        return paragraph

    def _end(self, paragraph: bx.ParaXml) -> None:
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
            if isinstance(inline, Note):
                out.append(reference_xml(self._footnotes.add(note_paragraphs(inline))))
                continue
            self._run(out, inline, bold=bold, size=size)

    def _cell_text(self, inlines: tuple[Inline, ...], bold: bool, size: float | None) -> str:
        out: list[str] = []
        self._inlines(out, inlines, bold=bold, size=size)
        return "".join(out)

    def _hyperlink_rpr(self) -> str:
        """The Hyperlink style's id if there is one by that exact name ("" if default)."""
        if self._link_rpr is None:
            # What `"Hyperlink" in styles` and `get_style_id("Hyperlink", ...)` answer.
            kind = WD_STYLE_TYPE.CHARACTER
            found = self.styles.named("Hyperlink", kind)
            if found is not None:
                style_id = self.styles.id_unless_default(found, kind)
                self._link_rpr = "" if style_id is None else style_id
            else:
                self._link_rpr = _NO_LINK_STYLE
        return self._link_rpr

    def _run(self, out: list[str], item: Run, *, bold: bool, size: float | None) -> None:
        text = bx.clean_text(item.text)
        if not text:
            return
        url = (
            links.safe_url(bx.clean_text(item.url).strip())
            if item.url and bx.followable(item.url)
            else ""
        )
        if url and not clickable(url):  # javascript:, file:, ms-msdt: … stay plain text
            url = ""
        linked = bool(url or item.anchor)
        if not (linked or item.code):
            # Most runs: plain text, whose properties depend on four values only.
            key = (bold or item.bold, item.italic, item.strike, size)
            rpr = self._plain_rpr.get(key)
            if rpr is None:
                rpr = self._plain_rpr[key] = bx.rpr_xml(
                    bold=key[0], italic=key[1], strike=key[2], half_points=bx.half_points(size)
                )
            out.append(bx.run_xml(text, rpr))
            return
        style_id: str | None = None
        font: str | None = None
        color: str | None = None
        underline = False
        if linked:
            self.styles.style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            link = self._hyperlink_rpr()
            if link == _NO_LINK_STYLE:
                color, underline = bx.HYPERLINK_COLOR, True
            elif link:
                style_id = link
        if item.code:
            if linked:
                font = CODE_FONT
            else:
                style_id = self.styles.style_id("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
        rpr = bx.rpr_xml(
            style_id=style_id,
            font=font,
            bold=bold or item.bold,
            italic=item.italic,
            strike=item.strike,
            color=color,
            half_points=bx.half_points(size),
            underline=underline,
        )
        run = bx.run_xml(text, rpr)
        if url:
            r_id = self._links.r_id(url)
            out.append(bx.hyperlink_xml(run, r_id=r_id))
        elif item.anchor:
            out.append(bx.hyperlink_xml(run, anchor=bx.bookmark_name(item.anchor)))
        else:
            out.append(run)

    def _bookmark(self, paragraph: bx.ParaXml, name: str) -> None:
        if name in self._used_bookmarks:
            return
        self._used_bookmarks.add(name)
        paragraph.bookmark = bx.bookmark_xml(name, self._next_bookmark_id)
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
        elif isinstance(block, Image):
            self._image(block)
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
        level = min(max(heading.level, 1), MAX_HEADING)
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
            paragraph.ind = bx.ind_xml(ooxml.list_indent(ctx.list_level))
        self._inlines(paragraph.content, block.runs, bold=bold)
        if block.anchor:
            self._bookmark(paragraph, bx.bookmark_name(block.anchor))
        self._end(paragraph)

    def _code(self, block: CodeBlock, ctx: _Context) -> None:
        paragraph = self._paragraph("Source Code")
        if ctx.list_level is not None:
            paragraph.ind = bx.ind_xml(ooxml.list_indent(ctx.list_level))
        text = bx.clean_text(block.text).rstrip("\n")
        if text:
            paragraph.content.append(bx.run_xml(text))
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
        indent = bx.ind_xml(ooxml.list_indent(level), ooxml.LIST_HANGING_TWIPS)
        for item in block.items:
            paragraph = self._paragraph("Quote" if ctx.quote else style)
            paragraph.num = (num_id, level)
            paragraph.ind = indent
            rest = item.blocks
            if rest and isinstance(rest[0], Paragraph | Heading):
                first = rest[0]
                self._inlines(paragraph.content, first.runs, bold=isinstance(first, Heading))
                if isinstance(first, Paragraph) and first.anchor:
                    self._bookmark(paragraph, bx.bookmark_name(first.anchor))
                rest = rest[1:]
            self._end(paragraph)
            for child in rest:
                self._block(child, item_ctx)

    # -- tables --------------------------------------------------------------------------

    def _separate_from_previous_table(self) -> None:
        # Word joins two tables that touch into one; keep a small paragraph between.
        if self._last_tag == _TBL_TAG:
            self._emit(bx.SPACER_AFTER_TABLE, _P_TAG)

    def _table(self, block: Table) -> None:
        columns = tables.column_count(block)
        if columns == 0:
            return
        if block.caption:
            self._caption(block.caption, numbered=block.numbered)
        else:
            self._separate_from_previous_table()
            if self._pending_break:
                # Word ignores "page break before" inside tables, so break explicitly.
                self._pending_break = False
                self._emit(bx.PAGE_BREAK, _P_TAG)
        widths = column_layout.content_widths(block, columns, self._usable_width, self._body_size)
        style_id = self.styles.style_id("Table Grid", WD_STYLE_TYPE.TABLE)
        heading_id = self.styles.style_id(tables.TABLE_HEADING) if block.header else None
        xml = tables.table_xml(block, widths, style_id, self._cell_text, heading_id)
        self._emit(xml, _TBL_TAG)

    def _caption(self, caption: str, *, numbered: bool = True) -> None:
        paragraph = self._paragraph("Caption")
        paragraph.keep_next = True
        if numbered:
            self._table_count += 1
            paragraph.content.append(bx.run_xml(f"{TABLE_LABEL} "))
            paragraph.content.append(
                bx.field_xml(rf"SEQ {TABLE_LABEL} \* ARABIC", str(self._table_count))
            )
            paragraph.content.append(bx.run_xml(f": {bx.clean_text(caption)}"))
        else:
            paragraph.content.append(bx.run_xml(bx.clean_text(caption)))
        self._end(paragraph)

    # -- pictures ------------------------------------------------------------------------

    def _image(self, image: Image) -> None:
        """A picture in a paragraph of its own, at most as wide as the page.

        It carries its alt text; a numbered caption goes under it.
        """
        self._flush()
        paragraph = self.document.add_paragraph()
        self._last_tag = _P_TAG
        paragraph.paragraph_format.keep_with_next = bool(image.caption)
        paragraph.paragraph_format.space_before = Pt(6)
        if self._pending_break:
            paragraph.paragraph_format.page_break_before = True
            self._pending_break = False
        add_picture(paragraph, image, min(Cm(image.width_cm), Twips(self._usable_width)))
        if image.caption:
            self._figure_count += 1
            caption = self._paragraph("Caption")
            caption.content.append(bx.run_xml(f"{FIGURE_LABEL} "))
            caption.content.append(
                bx.field_xml(rf"SEQ {FIGURE_LABEL} \* ARABIC", str(self._figure_count))
            )
            caption.content.append(bx.run_xml(f": {bx.clean_text(image.caption)}"))
            self._end(caption)

    # -- table of contents ---------------------------------------------------------------

    def _toc(self, block: TableOfContents, index: int) -> None:
        title = self._paragraph("TOC Heading")
        title.content.append(bx.run_xml(bx.clean_text(block.title)))
        self._end(title)
        levels = min(max(block.levels, 1), 9)
        instr = rf'TOC \o "1-{levels}" \h \z \u'
        entries = [
            (heading, self._heading_bookmarks[i])
            for i, heading in enumerate(self.doc.blocks)
            if i > index and isinstance(heading, Heading) and heading.level <= levels
        ]
        pages = self.toc_pages
        prefilled = bool(entries) and pages is not None and all(n in pages for _, n in entries)
        if not entries:
            paragraph = self._paragraph()
            paragraph.content.append(bx.field_xml(instr, TOC_PLACEHOLDER, dirty=True))
            self._end(paragraph)
        # Without pages, the cached result lists the headings as links and page numbers
        # are left to Word, which recomputes the dirty field on open. With the pages of a
        # laid-out copy (`toc_pages`), the result is what Word itself would write.
        for position, (heading, name) in enumerate(entries):
            level = min(max(heading.level, 1), 9)
            paragraph = self._paragraph(f"toc {level}")
            if position == 0:
                paragraph.content.append(bx.field_begin_xml(instr, dirty=not prefilled))
            if prefilled and pages is not None:
                paragraph.tabs = bx.right_tab_xml(self._usable_width)
                paragraph.content.append(bx.toc_entry_xml(heading.text, pages[name], name))
            else:
                paragraph.content.append(
                    bx.hyperlink_xml(bx.run_xml(bx.clean_text(heading.text)), anchor=name)
                )
            if position == len(entries) - 1:
                paragraph.content.append(bx.FIELD_END_XML)
            self._end(paragraph)
        if not prefilled:
            ooxml.set_update_fields_on_open(self.document)
        self._pending_break = True

    # -- cover page ----------------------------------------------------------------------

    def _cover(self, cover: CoverPage) -> None:
        logo = pictures.logo_bytes(cover.logo)
        has_logo = logo is not None
        if logo is not None:
            self._flush()
            picture = self.document.add_paragraph()
            self._last_tag = _P_TAG
            if self._pending_break:
                picture.paragraph_format.page_break_before = True
                self._pending_break = False
            try:
                shape = picture.add_run().add_picture(io.BytesIO(logo), width=LOGO_WIDTH)
            except (UnrecognizedImageError, ValueError, ArithmeticError, EOFError) as err:
                raise OmstallningError(
                    f"Logotypen ”{cover.logo}” är ingen bild som Word kan visa. "
                    "Använd en PNG-, JPEG- eller GIF-fil."
                ) from err
            ooxml.set_picture_alt(shape, bx.clean_text(cover.logo_alt or ""))
        title = self._paragraph("Title")
        title.spacing["before"] = bx.twips(48 if has_logo else 120)
        title.content.append(bx.run_xml(bx.clean_text(cover.title)))
        self._end(title)
        if cover.subtitle:
            subtitle = self._paragraph("Subtitle")
            subtitle.content.append(bx.run_xml(bx.clean_text(cover.subtitle)))
            self._end(subtitle)
        if cover.marking:
            marking = self._paragraph()
            marking.jc = "center"
            marking.spacing["before"] = bx.twips(24)
            marking.spacing["after"] = bx.twips(24)
            marking.border = bx.box_xml(MARKING_COLOR, size_eighths=18, space_pt=6)
            rpr = bx.rpr_xml(bold=True, color=MARKING_COLOR, spacing=60, half_points=56)
            marking.content.append(bx.run_xml(bx.clean_text(cover.marking), rpr))
            self._end(marking)
        if cover.facts:
            self._facts(cover.facts)
        self._pending_break = True

    def _facts(self, facts: tuple[tuple[str, str], ...]) -> None:
        self._emit(tables.facts_xml(facts, self._usable_width), _P_TAG)

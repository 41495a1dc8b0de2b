"""The body of a Word document as text: runs, fields, links, paragraphs and table parts.

Building a document element by element through python-docx costs a style look-up and a
schema-ordered insertion per property; a 16,000-word plan has some 10,000 of them. The
body is therefore written as text, with the elements and attribute order python-docx
writes and children in schema order (`ooxml`'s *_ORDER tuples), so that lxml would
serialise the parsed elements to the same text (`splice`). Pure: strings in, strings out.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from docx.shared import Pt

HYPERLINK_COLOR = "0563C1"

# Characters XML 1.0 forbids; lxml refuses them. Validation reports them earlier.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BOOKMARK = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


def clean_text(text: str) -> str:
    """Drop characters XML 1.0 cannot carry; turn CR LF and CR into LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FORBIDDEN.sub("", text)


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


# ---------------------------------------------------------------------------------------
# Escaping, runs and fields

_XML_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;",
     "\r": "&#13;"}
)  # fmt: skip
_RUN_SPECIALS = frozenset("\t\r\n")


def xml_text(text: str) -> str:
    """`text` escaped for element content."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def xml_attr(value: str) -> str:
    """`value` escaped for a double-quoted attribute (line breaks and tabs kept as such)."""
    return value.translate(_XML_ATTR)


def _t_xml(text: str) -> str:
    # python-docx keeps leading and trailing white space with xml:space="preserve".
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{xml_text(text)}</w:t>'
    return f"<w:t>{xml_text(text)}</w:t>"


def run_content_xml(text: str) -> str:
    """The content of a run for `text`, as python-docx's `Run.text` writes it.

    Tabs become w:tab, line ends w:br, and the text between them one w:t each.
    """
    if not text:
        return ""
    if _RUN_SPECIALS.isdisjoint(text):
        return _t_xml(text)
    out: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in _RUN_SPECIALS:
            if i > start:
                out.append(_t_xml(text[start:i]))
            out.append("<w:tab/>" if ch == "\t" else "<w:br/>")
            start = i + 1
    if start < len(text):
        out.append(_t_xml(text[start:]))
    return "".join(out)


def rpr_xml(
    *,
    style_id: str | None = None,
    font: str | None = None,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    color: str | None = None,
    spacing: int | None = None,
    half_points: int | None = None,
    underline: bool = False,
) -> str:
    """A w:rPr with the given run properties in schema order, or "" when there are none."""
    parts: list[str] = []
    if style_id is not None:
        parts.append(f'<w:rStyle w:val="{xml_attr(style_id)}"/>')
    if font is not None:
        f = xml_attr(font)
        parts.append(f'<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:cs="{f}" w:eastAsia="{f}"/>')
    if bold:
        parts.append("<w:b/>")
    if italic:
        parts.append("<w:i/>")
    if strike:
        parts.append("<w:strike/>")
    if color is not None:
        parts.append(f'<w:color w:val="{color}"/>')
    if spacing is not None:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    if half_points is not None:
        parts.append(f'<w:sz w:val="{half_points}"/>')
    if underline:
        parts.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run_xml(text: str = "", rpr: str = "") -> str:
    """A w:r with properties `rpr` (from `rpr_xml`) holding `text`."""
    return f"<w:r>{rpr}{run_content_xml(text)}</w:r>"


def field_begin_xml(instr: str, *, dirty: bool = False) -> str:
    """The begin, instruction and separate runs of a complex field (`ooxml.add_field_begin`)."""
    flag = ' w:dirty="true"' if dirty else ""
    return (
        f'<w:r><w:fldChar w:fldCharType="begin"{flag}/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{xml_text(f" {instr.strip()} ")}</w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )


FIELD_END_XML = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def field_xml(instr: str, placeholder_text: str = "", *, dirty: bool = False) -> str:
    """A whole complex field whose cached result is the placeholder (`ooxml.add_field` as text)."""
    return field_begin_xml(instr, dirty=dirty) + run_xml(placeholder_text) + FIELD_END_XML


def hyperlink_xml(run: str, *, r_id: str | None = None, anchor: str | None = None) -> str:
    """A w:hyperlink around one run, to a relationship (`r_id`) or a bookmark (`anchor`)."""
    target = f'r:id="{r_id}"' if r_id is not None else f'w:anchor="{xml_attr(anchor or "")}"'
    return f'<w:hyperlink {target} w:history="1">{run}</w:hyperlink>'


def bookmark_xml(name: str, id: int) -> tuple[str, str]:
    """The w:bookmarkStart and w:bookmarkEnd of a bookmark (`w:id` unique in the document)."""
    return (
        f'<w:bookmarkStart w:id="{id}" w:name="{xml_attr(name)}"/>',
        f'<w:bookmarkEnd w:id="{id}"/>',
    )


def table_borders_xml(color: str | None, *, size_eighths: int = 4) -> str:
    """The text of `ooxml.make_table_borders`."""
    if color is None:
        attrs = 'w:val="nil"'
    else:
        attrs = f'w:val="single" w:sz="{size_eighths}" w:space="0" w:color="{color}"'
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    return "<w:tblBorders>" + "".join(f"<w:{s} {attrs}/>" for s in sides) + "</w:tblBorders>"


def cell_margins_xml(*, top: int = 0, bottom: int = 0, left: int = 108, right: int = 108) -> str:
    """A w:tblCellMar: the default cell margins of a table in twips."""
    sides = (("top", top), ("left", left), ("bottom", bottom), ("right", right))
    inner = "".join(f'<w:{side} w:w="{value}" w:type="dxa"/>' for side, value in sides)
    return f"<w:tblCellMar>{inner}</w:tblCellMar>"


def shading_xml(hex_color: str) -> str:
    """A cell's background colour (w:shd; six hex digits, e.g. "D9E2F3")."""
    return f'<w:shd w:val="clear" w:color="auto" w:fill="{hex_color.upper()}"/>'


TBL_LOOK_XML = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
)  # what python-docx's new tables carry


# ---------------------------------------------------------------------------------------
# Paragraphs

JC = {"left": "left", "center": "center", "right": "right"}
NOT_BOLD = '<w:rPr><w:b w:val="0"/></w:rPr>'  # python-docx's `run.bold = False`
SPACER_AFTER_TABLE = (
    '<w:p><w:pPr><w:spacing w:after="0"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
    "</w:pPr></w:p>"
)
PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


class ParaXml:
    """One paragraph being written as text: its properties and content, in schema order."""

    __slots__ = (
        "style_id", "keep_next", "break_before", "num", "border", "tabs", "spacing", "ind",
        "jc", "mark_size", "content", "bookmark",
    )  # fmt: skip

    def __init__(self, style_id: str | None) -> None:
        self.style_id = style_id
        self.keep_next = False
        self.break_before = False
        self.num: tuple[int, int] | None = None
        self.border = ""
        self.tabs = ""
        self.spacing: dict[str, str] = {}  # attribute order is the order they were set
        self.ind = ""
        self.jc: str | None = None
        self.mark_size: int | None = None
        self.content: list[str] = []
        self.bookmark: tuple[str, str] | None = None

    def xml(self) -> str:
        """The whole w:p."""
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
            ppr.append(f'<w:pStyle w:val="{xml_attr(self.style_id)}"/>')
        if self.keep_next:
            ppr.append("<w:keepNext/>")
        if self.break_before:
            ppr.append("<w:pageBreakBefore/>")
        if self.num is not None:
            num_id, level = self.num
            ppr.append(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        ppr.append(self.border)
        ppr.append(self.tabs)
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


def cell_paragraph_properties(
    align: str | None, size: float | None, style_id: str | None = None
) -> str:
    """The paragraph properties of a table cell (`ParaXml.properties_xml`)."""
    paragraph = ParaXml(style_id)
    paragraph.spacing = {"before": "0", "after": "0", "line": "240", "lineRule": "auto"}
    if align in JC:
        paragraph.jc = JC[align]
    if size is not None:
        # Empty cells (timeline bars) would otherwise keep a full-size line.
        paragraph.mark_size = round(size * 2)
    return paragraph.properties_xml()


def right_tab_xml(position: int) -> str:
    """A w:tabs with one right-aligned tab stop at `position` twips, led by dots (a TOC)."""
    return f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{position}"/></w:tabs>'


def toc_entry_xml(text: str, page: int, bookmark: str) -> str:
    """A table of contents entry's content, as Word writes it when it updates the field.

    A link to the heading's bookmark holding its text, a tab and a PAGEREF field whose
    cached result is the page: a reader that does not update fields shows it as is.
    """
    page_field = field_xml(rf"PAGEREF {bookmark} \h", str(page))
    inner = run_xml(clean_text(text)) + "<w:r><w:tab/></w:r>" + page_field
    return f'<w:hyperlink w:anchor="{xml_attr(bookmark)}" w:history="1">{inner}</w:hyperlink>'


def ind_xml(left: int, hanging: int = 0) -> str:
    """A paragraph's w:ind: left (and hanging) indent in twips."""
    if hanging:
        return f'<w:ind w:left="{left}" w:hanging="{hanging}"/>'
    return f'<w:ind w:left="{left}"/>'


def box_xml(color: str, *, size_eighths: int, space_pt: int) -> str:
    """A w:pBdr drawing a box around the paragraph."""
    attrs = f'w:val="single" w:sz="{size_eighths}" w:space="{space_pt}" w:color="{color}"'
    sides = "".join(f"<w:{side} {attrs}/>" for side in ("top", "left", "bottom", "right"))
    return f"<w:pBdr>{sides}</w:pBdr>"


def table_alt_xml(caption: str | None, description: str | None) -> str:
    """A table's alt text: w:tblCaption and w:tblDescription (falls back to the caption)."""
    description = description or caption
    out = ""
    if caption:
        out += f'<w:tblCaption w:val="{xml_attr(caption)}"/>'
    if description:
        out += f'<w:tblDescription w:val="{xml_attr(description)}"/>'
    return out


def half_points(size: float | None) -> int | None:
    """A font size in points as the half points of w:sz (None stays None)."""
    return None if size is None else int(Pt(size).pt * 2)


def twips(points: float) -> str:
    """`points` in twips, as an attribute value."""
    return str(Pt(points).twips)


def followable(url: str | None) -> bool:
    """Whether a run's URL becomes a hyperlink.

    One without a scheme (`skr.se`) would be a broken link in Word, so it stays text.
    """
    from omstallning.documents.markdown_text import has_link_scheme

    return bool(url) and has_link_scheme(url or "")

"""Raw OOXML for the Word features python-docx has no API for.

One small function per feature (fields, bookmarks, hyperlinks, table row and cell
properties, alt text, language, numbering, page orientation). Every element is inserted in
the position the WordprocessingML schema requires, because Word shows a repair prompt for
elements in the wrong order. Knows nothing about the plan or the document tree.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from docx.enum.section import WD_ORIENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.numbering import CT_Num
from docx.parts.numbering import NumberingPart
from docx.shared import Cm, Length
from docx.text.run import Run

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.section import Section
    from docx.shape import InlineShape
    from docx.text.paragraph import Paragraph

# python-docx's element classes are not typed precisely enough for strict mypy; lxml
# elements are passed around as `Any` inside this module only.
Element = Any

# ---------------------------------------------------------------------------------------
# Child order of the complex types we touch (ECMA-376 Part 1, §17). Word rejects a file
# ("unreadable content") when children come in another order.

PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof",
    "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
    "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip
TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
    "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
TRPR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
    "w:ins", "w:del", "w:trPrChange",
)  # fmt: skip
TCPR_ORDER = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip
SETTINGS_ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
    "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
    "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData",
    "w:embedTrueTypeFonts", "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData",
    "w:mirrorMargins", "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign",
    "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView",
    "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet",
    "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit",
    "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength",
    "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin", "w:doNotShadeFormData", "w:noPunctuationKerning",
    "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
    "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
    "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip
STYLES_ORDER = ("w:docDefaults", "w:latentStyles", "w:style")
STYLE_ORDER = (
    "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
    "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked",
    "w:personal", "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr",
    "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr",
)  # fmt: skip
DOC_DEFAULTS_ORDER = ("w:rPrDefault", "w:pPrDefault")
NUMBERING_ORDER = ("w:numPicBullet", "w:abstractNum", "w:num", "w:numIdMacAtCleanup")
TBL_BORDERS_ORDER = ("w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end",
                     "w:insideH", "w:insideV")  # fmt: skip
CELL_MAR_ORDER = ("w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end")
PBDR_ORDER = ("w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar")

HYPERLINK_COLOR = "0563C1"
_BULLETS = ("\u2022", "\u25e6", "\u25aa")  # • ◦ ▪
LIST_INDENT_TWIPS = 720
LIST_STEP_TWIPS = 360
LIST_HANGING_TWIPS = 425  # room for "10." before the text


# ---------------------------------------------------------------------------------------
# Schema-ordered insertion


def _tags(order: Sequence[str]) -> list[str]:
    return [qn(t) for t in order]


def insert_in_order(
    parent: Element, child: Element, order: Sequence[str], *, replace: bool = True
) -> Element:
    """Insert `child` into `parent` before the first sibling that must follow it.

    `order` is the schema's child sequence of `parent`, as prefixed tags ("w:jc"). With
    `replace`, a child of the same tag that already exists is replaced; without it the
    new child goes after the existing ones (for repeating elements such as w:abstractNum).
    """
    tags = _tags(order)
    existing = parent.find(child.tag) if replace else None
    if existing is not None:
        existing.addprevious(child)
        parent.remove(existing)
        return child
    later = set(tags[tags.index(child.tag) + 1 :])
    for sibling in parent.iterchildren():
        if sibling.tag in later:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: Element, tag: str, order: Sequence[str]) -> Element:
    """Return the child `tag` of `parent`, creating it in schema position if missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    return insert_in_order(parent, OxmlElement(tag), order)


def _p(paragraph: Paragraph) -> Element:
    return paragraph._p


def _ppr(paragraph: Paragraph) -> Element:
    return _p(paragraph).get_or_add_pPr()


# ---------------------------------------------------------------------------------------
# Fields


def _new_run(paragraph: Paragraph, child: Element | None = None) -> Run:
    r = OxmlElement("w:r")
    if child is not None:
        r.append(child)
    _p(paragraph).append(r)
    return Run(r, paragraph)


def add_field_begin(paragraph: Paragraph, instr: str, *, dirty: bool = False) -> list[Run]:
    """Append the begin, instruction and separate runs of a complex field.

    Use with `add_field_end` when the field result spans several paragraphs (a TOC).
    `dirty` asks Word to recompute the field when the document is opened.
    """
    begin = OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"})
    if dirty:
        begin.set(qn("w:dirty"), "true")
    instr_text = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr_text.text = f" {instr.strip()} "
    separate = OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"})
    return [
        _new_run(paragraph, begin),
        _new_run(paragraph, instr_text),
        _new_run(paragraph, separate),
    ]


def add_field_end(paragraph: Paragraph) -> Run:
    """Append the run that closes a complex field."""
    return _new_run(paragraph, OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"}))


def add_field(
    paragraph: Paragraph, instr: str, placeholder_text: str = "", *, dirty: bool = False
) -> list[Run]:
    """Append a complex field (PAGE, NUMPAGES, SEQ, ...) whose cached result is the placeholder.

    Returns the five runs (begin, instruction, separate, result, end) so the caller can
    format them alike; the result run is `runs[3]`.
    """
    runs = add_field_begin(paragraph, instr, dirty=dirty)
    result = _new_run(paragraph)
    if placeholder_text:
        result.text = placeholder_text
    runs.append(result)
    runs.append(add_field_end(paragraph))
    return runs


# ---------------------------------------------------------------------------------------
# Paragraph and run properties


def set_paragraph_mark_size(paragraph: Paragraph, half_points: int) -> None:
    """Set the font size of the paragraph mark, e.g. to make a section-break line tiny."""
    rpr = get_or_add(_ppr(paragraph), "w:rPr", PPR_ORDER)
    insert_in_order(rpr, OxmlElement("w:sz", {qn("w:val"): str(half_points)}), RPR_ORDER)
    insert_in_order(rpr, OxmlElement("w:szCs", {qn("w:val"): str(half_points)}), RPR_ORDER)


def set_run_fonts(run_or_style_rpr: Element, font: str) -> None:
    """Set all four rFonts slots (ascii, hAnsi, cs, eastAsia) of an rPr element to `font`."""
    fonts = OxmlElement(
        "w:rFonts",
        {qn("w:ascii"): font, qn("w:hAnsi"): font, qn("w:cs"): font, qn("w:eastAsia"): font},
    )
    insert_in_order(run_or_style_rpr, fonts, RPR_ORDER)


# ---------------------------------------------------------------------------------------
# Tables


def make_table_borders(color: str | None, *, size_eighths: int = 4) -> Element:
    """A w:tblBorders element: every border single in `color`, or none when `color` is None."""
    borders = OxmlElement("w:tblBorders")
    for side in ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"):
        if color is None:
            attrs = {qn("w:val"): "nil"}
        else:
            attrs = {
                qn("w:val"): "single",
                qn("w:sz"): str(size_eighths),
                qn("w:space"): "0",
                qn("w:color"): color,
            }
        borders.append(OxmlElement(side, attrs))
    return borders


# ---------------------------------------------------------------------------------------
# Document-wide settings


def _settings(document: DocxDocument) -> Element:
    return document.settings.element


def set_document_language(document: DocxDocument, lang: str = "sv-SE") -> None:
    """Make `lang` the proofing language of the whole document.

    Writes w:lang (w:val, w:eastAsia, w:bidi) into w:docDefaults/w:rPrDefault/w:rPr, which
    is what Word's spell checker reads, and w:themeFontLang into settings.
    `core_properties.language` alone is ignored by Word for proofing.
    """
    styles = document.styles.element
    defaults = get_or_add(styles, "w:docDefaults", STYLES_ORDER)
    rpr_default = get_or_add(defaults, "w:rPrDefault", DOC_DEFAULTS_ORDER)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang_el = OxmlElement("w:lang", {qn("w:val"): lang, qn("w:eastAsia"): lang, qn("w:bidi"): lang})
    insert_in_order(rpr, lang_el, RPR_ORDER)
    theme_lang = get_or_add(_settings(document), "w:themeFontLang", SETTINGS_ORDER)
    theme_lang.set(qn("w:val"), lang)


def set_update_fields_on_open(document: DocxDocument) -> None:
    """Ask Word to update all fields (TOC, page references) when it opens the file."""
    element = get_or_add(_settings(document), "w:updateFields", SETTINGS_ORDER)
    element.set(qn("w:val"), "true")


# ---------------------------------------------------------------------------------------
# Pictures and sections


def set_picture_alt(inline_shape: InlineShape, descr: str, title: str = "") -> None:
    """Set a picture's alt text: wp:docPr/@descr (what Word shows) and @title."""
    inline = inline_shape._inline
    for element in (inline.docPr, *inline.xpath(".//pic:cNvPr")):
        element.set("descr", descr)
        if title:
            element.set("title", title)


A4_WIDTH = Cm(21)
A4_HEIGHT = Cm(29.7)


def _page_size(section: Section) -> tuple[Length, Length]:
    width = section.page_width if section.page_width is not None else A4_WIDTH
    height = section.page_height if section.page_height is not None else A4_HEIGHT
    return width, height


def make_landscape(section: Section, *, margin: Length | None = None) -> None:
    """Turn the section to landscape: orientation plus swapped page width and height.

    Setting only the orientation does nothing visible in Word (python-docx #214). The
    margins are kept unless `margin` is given, which then applies to all four sides.
    """
    width, height = _page_size(section)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = max(width, height), min(width, height)
    if margin is not None:
        section.top_margin = section.bottom_margin = margin
        section.left_margin = section.right_margin = margin


def make_portrait(section: Section) -> None:
    """Turn the section back to portrait (the inverse of `make_landscape`)."""
    width, height = _page_size(section)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = min(width, height), max(width, height)


def usable_width(section: Section) -> int:
    """The width between the section's margins, in twips."""
    width, _ = _page_size(section)
    left = section.left_margin if section.left_margin is not None else Cm(2.5)
    right = section.right_margin if section.right_margin is not None else Cm(2.5)
    gutter = section.gutter or 0
    return int(Length(width - left - right - gutter).twips)


# ---------------------------------------------------------------------------------------
# Numbering (lists)


_EMPTY_NUMBERING = f"<w:numbering {nsdecls('w')}/>"


def numbering_element(document: DocxDocument) -> Element:
    """The document's w:numbering root, adding a numbering part when the file has none.

    python-docx's `NumberingPart.new()` is not implemented, so a template without lists
    (and thus without numbering.xml) would otherwise fail.
    """
    part = document.part
    try:
        numbering_part = part.part_related_by(RT.NUMBERING)
    except KeyError:
        numbering_part = NumberingPart(
            PackURI("/word/numbering.xml"),
            CT.WML_NUMBERING,
            parse_xml(_EMPTY_NUMBERING),
            part.package,
        )
        part.relate_to(numbering_part, RT.NUMBERING)
    return cast(Any, numbering_part).element


def list_indent(level: int) -> int:
    """Left indent in twips of the text of a list item at `level` (0-based)."""
    return LIST_INDENT_TWIPS + LIST_STEP_TWIPS * level


def add_abstract_numbering(numbering: Element, *, ordered: bool) -> int:
    """Add a nine-level list definition (w:abstractNum) and return its id.

    Ordered lists count "1." at every level; bullet lists cycle • ◦ ▪.
    """
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    abstract = OxmlElement("w:abstractNum", {qn("w:abstractNumId"): str(abstract_id)})
    # A fixed nsid keeps the output deterministic.
    abstract.append(OxmlElement("w:nsid", {qn("w:val"): f"{0x4F4D5300 + abstract_id:08X}"}))
    abstract.append(OxmlElement("w:multiLevelType", {qn("w:val"): "hybridMultilevel"}))
    for level in range(9):
        lvl = OxmlElement("w:lvl", {qn("w:ilvl"): str(level)})
        lvl.append(OxmlElement("w:start", {qn("w:val"): "1"}))
        if ordered:
            lvl.append(OxmlElement("w:numFmt", {qn("w:val"): "decimal"}))
            lvl.append(OxmlElement("w:lvlText", {qn("w:val"): f"%{level + 1}."}))
        else:
            lvl.append(OxmlElement("w:numFmt", {qn("w:val"): "bullet"}))
            lvl.append(OxmlElement("w:lvlText", {qn("w:val"): _BULLETS[level % len(_BULLETS)]}))
        lvl.append(OxmlElement("w:lvlJc", {qn("w:val"): "left"}))
        ppr = OxmlElement("w:pPr")
        ppr.append(
            OxmlElement(
                "w:ind",
                {qn("w:left"): str(list_indent(level)), qn("w:hanging"): str(LIST_HANGING_TWIPS)},
            )
        )
        lvl.append(ppr)
        if not ordered:
            rpr = OxmlElement("w:rPr")
            set_run_fonts(rpr, "Arial")
            lvl.append(rpr)
        abstract.append(lvl)
    insert_in_order(numbering, abstract, NUMBERING_ORDER, replace=False)
    return abstract_id


_NUM = qn("w:num")
_NUM_ID = qn("w:numId")


def add_numbering_instance(
    numbering: Element, abstract_id: int, *, level: int = 0, start: int | None = None
) -> int:
    """Add a list instance (w:num) of `abstract_id` and return its numId.

    With `start`, the list restarts at that number on `level` (w:lvlOverride/w:startOverride);
    without it Word may continue counting from an earlier list of the same definition.
    """
    # `numbering.add_num` finds the free numId with an XPath compiled per call (0.1 ms,
    # some 40 lists a plan); the same first unused id from the children directly:
    ids = (n.get(_NUM_ID) for n in numbering.iterchildren(_NUM))
    used = {int(value) for value in ids if value is not None}
    num_id = next(candidate for candidate in itertools.count(1) if candidate not in used)
    num = numbering._insert_num(CT_Num.new(num_id, abstract_id))  # type: ignore[no-untyped-call]
    if start is not None:
        num.add_lvlOverride(ilvl=level).add_startOverride(start)
    return int(num.numId)


# ---------------------------------------------------------------------------------------
# Bulk XML: the same elements as text
#
# Building a document element by element through python-docx costs a style look-up and a
# schema-ordered insertion per property; a 16,000-word plan has some 10,000 of them. The
# body is therefore written as text, with the elements and attribute order python-docx
# writes, children in schema order, and parsed once per section (`append_body_xml`). The
# DOM functions above remain for the parts around the body (styles, sections, settings).

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
    """The begin, instruction and separate runs of a complex field (see `add_field_begin`)."""
    flag = ' w:dirty="true"' if dirty else ""
    return (
        f'<w:r><w:fldChar w:fldCharType="begin"{flag}/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{xml_text(f" {instr.strip()} ")}</w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )


FIELD_END_XML = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def field_xml(instr: str, placeholder_text: str = "", *, dirty: bool = False) -> str:
    """A whole complex field whose cached result is the placeholder (see `add_field`)."""
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
    """The text of `make_table_borders`."""
    if color is None:
        attrs = 'w:val="nil"'
    else:
        attrs = f'w:val="single" w:sz="{size_eighths}" w:space="0" w:color="{color}"'
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    return "<w:tblBorders>" + "".join(f"<w:{s} {attrs}/>" for s in sides) + "</w:tblBorders>"


def cell_margins_xml(*, top: int = 0, bottom: int = 0, left: int = 108, right: int = 108) -> str:
    """The text of `set_table_cell_margins`'s w:tblCellMar."""
    sides = (("top", top), ("left", left), ("bottom", bottom), ("right", right))
    inner = "".join(f'<w:{side} w:w="{value}" w:type="dxa"/>' for side, value in sides)
    return f"<w:tblCellMar>{inner}</w:tblCellMar>"


def shading_xml(hex_color: str) -> str:
    """The w:shd of `set_cell_fill`."""
    return f'<w:shd w:val="clear" w:color="auto" w:fill="{hex_color.upper()}"/>'


TBL_LOOK_XML = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
)  # what python-docx's new tables carry


def _body_parser() -> Any:
    from docx.oxml.parser import element_class_lookup
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    parser.set_element_class_lookup(element_class_lookup)
    return parser


_BODY_PARSER: Any = None


def append_body_xml(body: Element, elements: Sequence[str]) -> int:
    """Parse body elements written as text and add them before the body's final w:sectPr.

    `elements` are whole top-level elements (w:p, w:tbl) that use the prefixes w and r.
    The elements get python-docx's element classes, so the DOM functions work on them
    afterwards. Returns the number of elements added.
    """
    global _BODY_PARSER
    if not elements:
        return 0
    if _BODY_PARSER is None:
        _BODY_PARSER = _body_parser()
    from lxml import etree

    # Each element declares its namespaces itself: lxml moves an element whose namespaces
    # are declared on an ancestor in time quadratic in its size (a 5,000-row table took
    # minutes); declared on the element, the move is linear and the now redundant
    # declaration is dropped, so the saved XML is the same.
    text = "".join(_with_namespaces(element) for element in elements)
    wrapper = etree.fromstring(f"<w:body {_BODY_DECLS}>{text}</w:body>", _BODY_PARSER)
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


# Body text can also stay text: a placeholder goes into the body, python-docx serialises
# the document around it, and the text replaces the placeholder in the bytes. That skips
# parsing the body and serialising it again; the text is what lxml writes for the same
# elements, so the bytes are the same (tests/test_render_docx.py compares the two ways).
_PLACEHOLDER = "omstallning-body"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


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
    from lxml import etree

    _insert_before_sect_pr(body, [etree.ProcessingInstruction(_PLACEHOLDER, str(index))])


def splice_body(xml: bytes, texts: Sequence[str]) -> bytes:
    """The serialised document `xml` with its placeholders replaced by `texts`, in order."""
    pieces = xml.split(f"<?{_PLACEHOLDER} ".encode())
    if len(pieces) != len(texts) + 1:
        raise ValueError(f"{len(pieces) - 1} placeholders for {len(texts)} body texts")
    out = [pieces[0]]
    for index, (piece, text) in enumerate(zip(pieces[1:], texts, strict=True)):
        end = f"{index}?>".encode()
        if not piece.startswith(end):
            raise ValueError(f"body text placeholder {index} is out of order")
        out += (text.encode("utf-8"), piece[len(end) :])
    return b"".join(out)


_BODY_DECLS = f'xmlns:w="{_W_NS}" xmlns:r="{_R_NS}"'


def _with_namespaces(element: str) -> str:
    end = 1
    while element[end] not in " />":
        end += 1
    return f"{element[:end]} {_BODY_DECLS}{element[end:]}"

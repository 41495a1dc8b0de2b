"""Raw OOXML, through python-docx's DOM, for the Word features it has no API for.

One small function per feature used around the body (fields in footers, style and run
fonts, table style borders, language, settings, picture alt text, page orientation,
numbering); the body itself is written as text (`body_xml`). Every element is inserted
in the position the WordprocessingML schema requires, because Word shows a repair prompt
for elements in the wrong order; the *_ORDER tuples are that schema, and the text writer
follows them too. Knows nothing about the plan or the document tree.
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

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from omstallning.writers.docx import ooxml, splice

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
HYPERLINK_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def tiny_png(path: Path, width: int = 4, height: int = 2) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def local_names(element: Any) -> list[str]:
    return [etree.QName(child).localname for child in element]


def saved_part(document: Any, name: str) -> Any:
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        return etree.fromstring(package.read(name))


# -- schema order -------------------------------------------------------------------------


def test_insert_in_order_places_child_before_later_siblings_and_replaces_same_tag() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # w:jc must follow w:ind
    for left in (720, 1080):
        ind = OxmlElement("w:ind", {qn("w:left"): str(left), qn("w:hanging"): "360"})
        ooxml.insert_in_order(paragraph._p.get_or_add_pPr(), ind, ooxml.PPR_ORDER)
    ppr = paragraph._p.pPr
    assert local_names(ppr) == ["pStyle", "ind", "jc"]
    assert ppr.find(qn("w:ind")).get(qn("w:left")) == "1080"


def test_insert_in_order_without_replace_keeps_repeating_elements() -> None:
    document = docx.Document()
    numbering = ooxml.numbering_element(document)
    before = len(numbering.findall(qn("w:abstractNum")))
    first = ooxml.add_abstract_numbering(numbering, ordered=True)
    second = ooxml.add_abstract_numbering(numbering, ordered=False)
    assert second == first + 1
    assert len(numbering.findall(qn("w:abstractNum"))) == before + 2
    names = local_names(numbering)
    # every abstractNum precedes every num
    assert max(i for i, n in enumerate(names) if n == "abstractNum") < names.index("num")


# -- fields -------------------------------------------------------------------------------


def test_add_field_writes_begin_instr_separate_result_end() -> None:
    paragraph = docx.Document().add_paragraph()
    runs = ooxml.add_field(paragraph, "PAGE", "7", dirty=True)
    assert len(runs) == 5
    p = paragraph._p
    kinds = p.xpath("w:r/w:fldChar/@w:fldCharType")
    assert kinds == ["begin", "separate", "end"]
    assert p.xpath("w:r/w:fldChar[@w:fldCharType='begin']/@w:dirty") == ["true"]
    assert p.xpath("string(w:r/w:instrText)") == " PAGE "
    assert runs[3].text == "7"


def test_add_field_is_not_dirty_by_default() -> None:
    paragraph = docx.Document().add_paragraph()
    ooxml.add_field(paragraph, "NUMPAGES", "1")
    assert paragraph._p.xpath("w:r/w:fldChar/@w:dirty") == []


# -- document settings ------------------------------------------------------------------


def test_set_document_language_writes_doc_defaults_and_theme_lang() -> None:
    document = docx.Document()
    ooxml.set_document_language(document, "sv-SE")
    styles = saved_part(document, "word/styles.xml")
    lang = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang", namespaces=NS)
    assert len(lang) == 1
    assert lang[0].get(qn("w:val")) == "sv-SE"
    assert lang[0].get(qn("w:eastAsia")) == "sv-SE"
    assert lang[0].get(qn("w:bidi")) == "sv-SE"
    rpr = lang[0].getparent()
    assert local_names(rpr)[-1] == "lang"  # w:lang comes after rFonts, sz, szCs
    settings = saved_part(document, "word/settings.xml")
    assert settings.xpath("w:themeFontLang/@w:val", namespaces=NS) == ["sv-SE"]


def test_set_document_language_creates_missing_doc_defaults() -> None:
    document = docx.Document()
    styles = document.styles.element
    styles.remove(styles.find(qn("w:docDefaults")))
    ooxml.set_document_language(document, "sv-SE")
    assert local_names(styles)[0] == "docDefaults"
    assert styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val") == ["sv-SE"]


def test_set_update_fields_on_open_respects_settings_order() -> None:
    document = docx.Document()
    ooxml.set_update_fields_on_open(document)
    ooxml.set_update_fields_on_open(document)
    settings = document.settings.element
    names = local_names(settings)
    assert names.count("updateFields") == 1
    assert names.index("characterSpacingControl") < names.index("updateFields")
    assert names.index("updateFields") < names.index("compat")
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"


# -- pictures and sections ----------------------------------------------------------------


def test_set_picture_alt_sets_doc_pr_descr_and_title(tmp_path: Path) -> None:
    document = docx.Document()
    shape = document.add_picture(str(tiny_png(tmp_path / "logo.png")), width=Cm(2))
    ooxml.set_picture_alt(shape, "Kommunens logotyp", "Logotyp")
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == "Kommunens logotyp"
    assert doc_pr.get("title") == "Logotyp"


def test_make_landscape_swaps_page_size_and_back() -> None:
    section = docx.Document().sections[0]
    width, height = section.page_width, section.page_height
    ooxml.make_landscape(section, margin=Cm(2))
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (section.page_width, section.page_height) == (height, width)
    assert section.left_margin == pytest.approx(Cm(2), abs=Cm(0.01))
    ooxml.make_landscape(section)  # already landscape: unchanged
    assert (section.page_width, section.page_height) == (height, width)
    ooxml.make_portrait(section)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert (section.page_width, section.page_height) == (width, height)


def test_usable_width_is_page_minus_margins() -> None:
    section = docx.Document().sections[0]
    section.page_width = Cm(21)
    section.left_margin = section.right_margin = Cm(2.5)
    assert ooxml.usable_width(section) == pytest.approx(Cm(16).twips, abs=1)


# -- numbering ----------------------------------------------------------------------------


def test_numbering_instance_with_start_override() -> None:
    document = docx.Document()
    numbering = ooxml.numbering_element(document)
    abstract = ooxml.add_abstract_numbering(numbering, ordered=True)
    first = ooxml.add_numbering_instance(numbering, abstract, start=1)
    second = ooxml.add_numbering_instance(numbering, abstract, level=1, start=5)
    assert first != second
    num = numbering.num_having_numId(second)
    assert num.xpath("w:abstractNumId/@w:val") == [str(abstract)]
    assert num.xpath("w:lvlOverride/@w:ilvl") == ["1"]
    assert num.xpath("w:lvlOverride/w:startOverride/@w:val") == ["5"]


def test_numbering_element_creates_a_part_when_missing(tmp_path: Path) -> None:
    source = io.BytesIO()
    docx.Document().save(source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/numbering.xml":
                continue
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b'Target="numbering.xml"', b'Target="missing.xml"')
                root = etree.fromstring(data)
                for rel in list(root):
                    if rel.get("Target") == "missing.xml":
                        root.remove(rel)
                data = etree.tostring(root)
            dst.writestr(info, data)
    document = docx.Document(io.BytesIO(out.getvalue()))
    numbering = ooxml.numbering_element(document)
    abstract = ooxml.add_abstract_numbering(numbering, ordered=False)
    num_id = ooxml.add_numbering_instance(numbering, abstract)
    document.add_paragraph("punkt")
    saved = io.BytesIO()
    document.save(saved)
    reopened = docx.Document(io.BytesIO(saved.getvalue()))
    root = reopened.part.numbering_part.element
    assert root.xpath("w:num/@w:numId") == [str(num_id)]


# -- body text spliced into the saved XML --------------------------------------------------


def body_with(declarations: str) -> Any:
    return etree.fromstring(f"<w:document {declarations}><w:body/></w:document>")[0]


def test_body_text_is_spliced_only_where_w_and_r_are_the_prefixes() -> None:
    w, r = f'xmlns:w="{NS["w"]}"', f'xmlns:r="{NS["r"]}"'
    assert splice.can_splice_body(body_with(f"{w} {r}"))
    assert not splice.can_splice_body(body_with(w))  # r:id would be unbound
    assert not splice.can_splice_body(body_with(f'{w} {r} xmlns:w2="{NS["w"]}"'))
    assert not splice.can_splice_body(body_with(f'{w} {r} xmlns="{NS["w"]}"'))


def test_splice_body_replaces_placeholders_in_order() -> None:
    body = docx.Document().element.body
    splice.append_body_placeholder(body, 0)
    splice.append_body_placeholder(body, 1)
    xml = etree.tostring(body)
    assert b"<?omstallning-body 0?><?omstallning-body 1?><w:sectPr" in xml
    spliced = splice.splice_body(xml, ["<w:p/>", "<w:p><w:r><w:t>ö</w:t></w:r></w:p>"])
    assert b"<w:p/><w:p><w:r><w:t>\xc3\xb6</w:t></w:r></w:p><w:sectPr" in spliced
    with pytest.raises(ValueError, match="placeholders"):
        splice.splice_body(xml, ["<w:p/>"])

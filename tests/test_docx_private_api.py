"""The private and undocumented python-docx (and lxml) APIs the DOCX writer relies on.

The writer reaches below python-docx's documented API for speed (the package written
without a zip file, styles found through an index, the body as text) and for features
python-docx lacks (numbering, sections, alt text). A python-docx release may move or
change any of these without notice; each check below fails with the name of the API and
the place that uses it, so that the bounds in pyproject.toml can be moved knowingly.
"""

from __future__ import annotations

import importlib
import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from lxml import etree

from omstallning.writers.docx import ooxml, splice
from omstallning.writers.docx.package import package_members

# (module, attribute, where the writer uses it)
IMPORTED = [
    ("docx.opc.pkgwriter", "_ContentTypesItem", "package.package_members"),
    ("docx.styles", "BabelFish", "styles.StyleSheet"),
    ("docx.styles.style", "StyleFactory", "styles.StyleSheet"),
    ("docx.oxml.parser", "element_class_lookup", "splice.new_body_parser"),
    ("docx.oxml.numbering", "CT_Num", "ooxml.add_numbering_instance"),
    ("docx.parts.numbering", "NumberingPart", "ooxml.numbering_element"),
    ("docx.opc.packuri", "PackURI", "ooxml.numbering_element"),
    ("docx.oxml", "OxmlElement", "ooxml, styles"),
    ("docx.oxml", "parse_xml", "ooxml.numbering_element"),
    ("docx.oxml.ns", "qn", "everywhere"),
    ("docx.oxml.ns", "nsdecls", "ooxml.numbering_element"),
    ("docx.text.run", "Run", "ooxml.add_field (Run(r, paragraph))"),
    ("docx.image.exceptions", "UnrecognizedImageError", "body.BodyWriter._cover"),
]


def require(condition: object, api: str, user: str, detail: str = "") -> None:
    """Fail with a message that names the python-docx API and its user in the writer."""
    if not condition:
        message = f"python-docx private API changed: {api} (used by writers/docx/{user})"
        pytest.fail(f"{message}; installed python-docx {docx.__version__}. {detail}".strip())


def has(obj: Any, *names: str) -> bool:
    return all(hasattr(obj, name) for name in names)


@pytest.mark.parametrize(("module", "name", "user"), IMPORTED)
def test_imported_names_still_exist(module: str, name: str, user: str) -> None:
    try:
        found = hasattr(importlib.import_module(module), name)
    except ImportError:
        found = False
    require(found, f"{module}.{name}", user)


def test_package_writer_internals() -> None:
    from docx.opc.pkgwriter import _ContentTypesItem

    document = docx.Document()
    package = document.part.package
    parts = list(package.iter_parts())
    require(parts, "OpcPackage.iter_parts()", "package.package_members")
    part = parts[0]
    require(has(part, "before_marshal", "blob", "rels", "partname"), "Part internals", "package")
    require(has(part.partname, "membername", "rels_uri"), "PackURI.membername/rels_uri", "package")
    require(has(package.rels, "xml"), "_Relationships.xml", "package.package_members")
    item = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]
    require(isinstance(item.blob, bytes), "_ContentTypesItem.from_parts().blob", "package")


def test_package_members_are_what_save_writes() -> None:
    document = docx.Document()
    document.add_paragraph("x")
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        expected = [(info.filename, archive.read(info)) for info in archive.infolist()]
    require(
        package_members(document) == expected,
        "PackageWriter.write (part order, names, blobs)",
        "package.package_members",
        "The parts written without a zip file no longer match document.save().",
    )


def test_babel_fish_and_style_factory() -> None:
    from docx.styles import BabelFish
    from docx.styles.style import StyleFactory

    require(
        BabelFish.ui2internal("Heading 1") == "heading 1"
        and BabelFish.internal2ui("heading 1") == "Heading 1",
        "BabelFish.ui2internal/internal2ui",
        "styles.StyleSheet",
    )
    styles: Any = docx.Document().styles.element
    element = styles.add_style_of_type("Ny stil", WD_STYLE_TYPE.PARAGRAPH, False)
    require(styles[-1] is element, "CT_Styles.add_style_of_type (appends)", "styles._add")
    style = StyleFactory(element)
    require(style.name == "Ny stil", "StyleFactory(element)", "styles.StyleSheet")
    require(has(element, "default", "get_or_add_rPr", "get_or_add_pPr"), "CT_Style", "styles")
    defaults = [e for e in styles.iterchildren(qn("w:style")) if e.default]
    require(defaults, "CT_Style.default", "styles.StyleSheet._default")


def test_element_classes_of_parsed_body_text() -> None:
    from docx.oxml.text.paragraph import CT_P

    parser = splice.new_body_parser()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    element = etree.fromstring(f'<w:p xmlns:w="{w}"/>', parser)
    require(
        isinstance(element, CT_P),
        "docx.oxml.parser.element_class_lookup",
        "splice.new_body_parser",
        "Parsed body text no longer gets python-docx's element classes.",
    )
    require(has(element, "set_sectPr", "get_or_add_pPr"), "CT_P.set_sectPr", "sections")


def test_body_and_section_internals() -> None:
    document = docx.Document()
    body: Any = document.element.body
    require(has(body, "get_or_add_sectPr", "clear_content"), "CT_Body", "sections, template")
    require(has(body.get_or_add_sectPr(), "clone"), "CT_SectPr.clone", "sections.end_section")
    paragraph = document.add_paragraph()
    require(has(paragraph, "_p"), "Paragraph._p", "ooxml, sections")
    section = document.sections[0]
    require(has(section, "_sectPr"), "Section._sectPr", "sections.finish_sections")
    require(has(section.footer, "_element"), "_Footer._element", "sections._has_text")
    require(has(section.header, "_element"), "_Header._element", "sections._has_text")


def test_numbering_internals() -> None:
    document = docx.Document()
    numbering = ooxml.numbering_element(document)
    require(has(numbering, "_insert_num"), "CT_Numbering._insert_num", "ooxml")
    abstract = ooxml.add_abstract_numbering(numbering, ordered=True)
    num_id = ooxml.add_numbering_instance(numbering, abstract, level=1, start=3)
    overrides = numbering.xpath(f"w:num[@w:numId='{num_id}']/w:lvlOverride/w:startOverride")
    require(
        [o.get(qn("w:val")) for o in overrides] == ["3"],
        "CT_Num.new/add_lvlOverride/add_startOverride/numId",
        "ooxml.add_numbering_instance",
    )


def test_picture_internals(tmp_path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    png = tmp_path / "logo.png"
    png.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x20\x60\xa0"))
        + chunk(b"IEND", b"")
    )
    shape = docx.Document().add_picture(str(png))
    require(has(shape, "_inline"), "InlineShape._inline", "ooxml.set_picture_alt")
    require(has(shape._inline, "docPr"), "CT_Inline.docPr", "ooxml.set_picture_alt")


def test_processing_instruction_survives_serialisation() -> None:
    # splice relies on lxml writing the placeholder as `<?name index?>` in the part's blob.
    document = docx.Document()
    splice.append_body_placeholder(document.element.body, 0)
    blob = document.part.blob
    require(
        f"<?{splice.PLACEHOLDER} 0?>".encode() in blob,
        "DocumentPart.blob serialising a processing instruction",
        "splice.splice_body",
    )

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from omstallning.documents.tree import (
    Block,
    Cell,
    CodeBlock,
    CoverPage,
    Document,
    DocumentMeta,
    Heading,
    LineBreak,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    TableOfContents,
)
from omstallning.writers.docx import build_docx, render_docx
from omstallning.writers.docx.body_xml import bookmark_name, clean_text
from omstallning.writers.docx.cache import DocxCache
from omstallning.writers.docx.package import package_members

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
HYPERLINK_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CREATED = datetime(2025, 3, 1, 12, 30, 14)  # noqa: DTZ001 - naive UTC like DocumentMeta


def tiny_png(path: Path) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x20\x60\xa0" * 2)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


def meta(**changes: Any) -> DocumentMeta:
    values: dict[str, Any] = {
        "title": "Omställningsplan – Klippan",
        "subject": "Ny socialtjänstlag",
        "author": "Socialnämnden i Klippan",
        "keywords": "socialtjänst; omställning",
        "created": CREATED,
    }
    values.update(changes)
    return DocumentMeta(**values)


def make(*blocks: Block, **meta_changes: Any) -> Document:
    return Document(meta(**meta_changes), tuple(blocks))


def para(*parts: str | Run | LineBreak, **kw: Any) -> Paragraph:
    return Paragraph(tuple(Run(p) if isinstance(p, str) else p for p in parts), **kw)


def heading(level: int, text: str, anchor: str | None = None) -> Heading:
    return Heading(level, (Run(text),), anchor)


def cell(text: str, **kw: Any) -> Cell:
    return Cell((Run(text),), **kw)


def items(*texts: str) -> tuple[ListItem, ...]:
    return tuple(ListItem((para(t),)) for t in texts)


def xml(data: bytes, name: str = "word/document.xml") -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def xp(element: Any, path: str) -> Any:
    # python-docx's elements override .xpath() without a namespaces argument
    return etree.XPathElementEvaluator(element, namespaces=NS)(path)


def reopen(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def style_name(document: Any, style_id: str) -> str:
    return str(document.styles.element.get_by_id(style_id).name_val)


def body_paragraphs(data: bytes) -> list[Any]:
    return list(xp(xml(data), "/w:document/w:body//w:p"))


def paragraph_with_text(data: bytes, text: str) -> Any:
    for p in body_paragraphs(data):
        if "".join(xp(p, ".//w:t/text()")) == text:
            return p
    raise AssertionError(f"no paragraph {text!r}")


def part_for_reference(data: bytes, ref: Any) -> Any:
    rels = xml(data, "word/_rels/document.xml.rels")
    r_id = ref.get(qn("r:id"))
    (target,) = [r.get("Target") for r in rels if r.get("Id") == r_id]
    return xml(data, f"word/{target}")


# -- headings -----------------------------------------------------------------------------


def test_headings_use_builtin_heading_styles_and_get_bookmarks() -> None:
    data = render_docx(
        make(heading(1, "Mål", "mal"), heading(2, "Delmål"), heading(9, "Djup"), para("Text"))
    )
    document = reopen(data)
    styles = [p.style.name for p in document.paragraphs]
    assert styles == ["Heading 1", "Heading 2", "Heading 6", "Normal"]
    names = xp(xml(data), "//w:bookmarkStart/@w:name")
    assert names[0] == "mal"
    assert names[1].startswith("_Toc") and names[2].startswith("_Toc")
    assert len(set(xp(xml(data), "//w:bookmarkStart/@w:id"))) == 3


def test_duplicate_heading_anchor_gets_a_generated_bookmark() -> None:
    data = render_docx(make(heading(1, "A", "x"), heading(1, "B", "x")))
    names = xp(xml(data), "//w:bookmarkStart/@w:name")
    assert names[0] == "x"
    assert names[1].startswith("_Toc")


def test_bookmark_name_keeps_valid_names_and_sanitises_others() -> None:
    assert bookmark_name("tidsplan") == "tidsplan"
    assert bookmark_name("Mal_1") == "Mal_1"
    odd = bookmark_name("mål-1 och 2")
    assert odd.startswith("mal_1_och_2_")
    assert len(odd) <= 40
    long = bookmark_name("a" * 60)
    assert len(long) <= 40
    assert bookmark_name("1-start")[0].isalpha()
    assert bookmark_name("mål-1") != bookmark_name("mal-1")


# -- table of contents --------------------------------------------------------------------


def test_toc_is_a_dirty_field_prefilled_with_later_headings() -> None:
    data = render_docx(
        make(
            heading(1, "Före"),
            TableOfContents(levels=2),
            heading(1, "Inledning", "inledning"),
            heading(2, "Syfte"),
            heading(3, "Inte med"),
        )
    )
    root = xml(data)
    document = reopen(data)
    title = document.paragraphs[1]
    assert (title.style.name, title.text) == ("TOC Heading", "Innehåll")
    instr = xp(root, "string(//w:instrText[contains(., 'TOC')])")
    assert instr.strip() == r'TOC \o "1-2" \h \z \u'
    begin = xp(root, "//w:instrText[contains(., 'TOC')]/../preceding-sibling::w:r[1]/w:fldChar")
    assert begin[0].get(qn("w:fldCharType")) == "begin"
    assert begin[0].get(qn("w:dirty")) == "true"
    entries = [p for p in document.paragraphs if p.style.name.startswith("toc")]
    assert [(p.style.name, p.text) for p in entries] == [
        ("toc 1", "Inledning"),
        ("toc 2", "Syfte"),
    ]
    anchors = xp(root, "//w:p[w:pPr/w:pStyle]/w:hyperlink/@w:anchor")
    bookmarks = xp(root, "//w:bookmarkStart/@w:name")
    assert anchors[0] == "inledning"
    assert anchors[1] in bookmarks
    # the field ends in the last entry and the next page starts after the TOC
    assert xp(entries[-1]._p, "w:r/w:fldChar/@w:fldCharType")[-1] == "end"
    paragraphs = document.paragraphs
    last = next(i for i, p in enumerate(paragraphs) if p._p is entries[-1]._p)
    after = paragraphs[last + 1]
    assert after.text == "Inledning"
    assert after.paragraph_format.page_break_before is True
    settings = xml(data, "word/settings.xml")
    assert xp(settings, "w:updateFields/@w:val") == ["true"]


def test_toc_without_headings_holds_a_placeholder() -> None:
    data = render_docx(make(TableOfContents(), para("Bara text")))
    root = xml(data)
    assert "TOC" in xp(root, "string(//w:instrText)")
    assert "Uppdatera" in xp(root, "string(//w:p[.//w:instrText])")


def test_no_update_fields_without_a_toc() -> None:
    settings = xml(render_docx(make(heading(1, "A"))), "word/settings.xml")
    assert xp(settings, "w:updateFields") == []


# -- header, footer and cover -------------------------------------------------------------


def test_footer_has_sida_x_av_y_and_header_the_title() -> None:
    data = render_docx(make(heading(1, "A")))
    sect_pr = xp(xml(data), "/w:document/w:body/w:sectPr")[0]
    (footer_ref,) = xp(sect_pr, "w:footerReference[@w:type='default']")
    footer = part_for_reference(data, footer_ref)
    text = "".join(xp(footer, "//w:t/text()"))
    assert text.startswith("Sida ") and " av " in text
    instr = [t.strip() for t in xp(footer, "//w:instrText/text()")]
    assert instr == ["PAGE", "NUMPAGES"]
    assert xp(footer, "//w:p/w:pPr/w:jc/@w:val") == ["center"]
    (header_ref,) = xp(sect_pr, "w:headerReference[@w:type='default']")
    header = part_for_reference(data, header_ref)
    assert "".join(xp(header, "//w:t/text()")) == "Omställningsplan – Klippan"


def test_cover_page_is_first_page_without_footer(tmp_path: Path) -> None:
    logo = tiny_png(tmp_path / "logo.png")
    cover = CoverPage(
        title="Omställningsplan",
        subtitle="Klippans kommun",
        facts=(("Nämnd", "Socialnämnden"), ("Diarienummer", "SN 2025/12")),
        marking="EXEMPEL",
        logo=str(logo),
        logo_alt="Klippans logotyp",
    )
    data = render_docx(make(cover, heading(1, "Inledning")))
    root = xml(data)
    document = reopen(data)
    section = document.sections[0]
    assert section.different_first_page_header_footer is True
    sect_pr = xp(root, "/w:document/w:body/w:sectPr")[0]
    assert xp(sect_pr, "w:titlePg") != []
    (first_ref,) = xp(sect_pr, "w:footerReference[@w:type='first']")
    first_footer = part_for_reference(data, first_ref)
    assert xp(first_footer, "//w:t") == [] and xp(first_footer, "//w:instrText") == []
    assert xp(sect_pr, "w:footerReference[@w:type='default']") != []
    # title, subtitle, marking
    styles = {p.text: p.style.name for p in document.paragraphs if p.text}
    assert styles["Omställningsplan"] == "Title"
    assert styles["Klippans kommun"] == "Subtitle"
    marking = next(p for p in document.paragraphs if p.text == "EXEMPEL")
    run = marking.runs[0]
    assert run.bold and run.font.size == Pt(28)
    assert run.font.color.rgb == RGBColor.from_string("C00000")
    assert xp(marking._p, "w:pPr/w:pBdr/w:top/@w:color") == ["C00000"]
    assert xp(run._r, "w:rPr/w:spacing/@w:val") == ["60"]
    # facts: not a table (a PDF needs header cells in every table), one paragraph each with
    # the label in bold and the value after a tab, aligned in one column
    assert document.tables == []
    facts = [p for p in document.paragraphs if "\t" in p.text]
    assert [p.text.split("\t") for p in facts] == [
        ["Nämnd", "Socialnämnden"],
        ["Diarienummer", "SN 2025/12"],
    ]
    assert facts[0].runs[0].bold is True and not facts[0].runs[1].bold
    assert xp(facts[0]._p, "w:pPr/w:tabs/w:tab/@w:pos") == xp(facts[0]._p, "w:pPr/w:ind/@w:left")
    # logo with alt text
    assert xp(root, "//wp:docPr/@descr") == ["Klippans logotyp"]
    # the first heading starts a new page
    inledning = next(p for p in document.paragraphs if p.text == "Inledning")
    assert inledning.paragraph_format.page_break_before is True


def test_missing_logo_file_is_skipped(tmp_path: Path) -> None:
    cover = CoverPage("T", "S", (), logo=str(tmp_path / "finns-inte.png"))
    data = render_docx(make(cover))
    assert xp(xml(data), "//wp:docPr") == []


# -- lists --------------------------------------------------------------------------------


def test_each_ordered_list_restarts_at_its_start() -> None:
    data = render_docx(
        make(
            ListBlock(True, items("Ett", "Två")),
            para("Mellan"),
            ListBlock(True, items("Fem", "Sex"), start=5),
        )
    )
    root = xml(data)
    ids = [xp(paragraph_with_text(data, t), "string(w:pPr/w:numPr/w:numId/@w:val)")
           for t in ("Ett", "Två", "Fem", "Sex")]  # fmt: skip
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    numbering = xml(data, "word/numbering.xml")
    starts = [
        xp(
            numbering,
            f"string(w:num[@w:numId='{i}']/w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val)",
        )
        for i in (ids[0], ids[2])
    ]
    assert starts == ["1", "5"]
    abstract = [
        xp(numbering, f"string(w:num[@w:numId='{i}']/w:abstractNumId/@w:val)")
        for i in (ids[0], ids[2])
    ]
    assert abstract[0] == abstract[1]
    assert (
        xp(
            numbering,
            f"string(w:abstractNum[@w:abstractNumId='{abstract[0]}']/w:lvl[@w:ilvl='0']/w:numFmt/@w:val)",
        )
        == "decimal"
    )
    assert xp(root, "count(//w:numPr)") == 4


def test_nested_lists_use_levels_and_continuation_paragraphs_are_indented() -> None:
    nested = ListBlock(False, items("Under"))
    data = render_docx(
        make(
            ListBlock(
                False,
                (ListItem((para("Topp"), nested, para("Fortsättning"))), ListItem((para("Två"),))),
            )
        )
    )
    document = reopen(data)
    by_text = {p.text: p for p in document.paragraphs}
    assert by_text["Topp"].style.name == "List Bullet"
    assert by_text["Under"].style.name == "List Bullet 2"
    assert xp(by_text["Topp"]._p, "string(w:pPr/w:numPr/w:ilvl/@w:val)") == "0"
    assert xp(by_text["Under"]._p, "string(w:pPr/w:numPr/w:ilvl/@w:val)") == "1"
    numbering = xml(data, "word/numbering.xml")
    num_id = xp(by_text["Topp"]._p, "string(w:pPr/w:numPr/w:numId/@w:val)")
    abstract = xp(numbering, f"string(w:num[@w:numId='{num_id}']/w:abstractNumId/@w:val)")
    fmt = xp(
        numbering, f"string(w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[1]/w:numFmt/@w:val)"
    )
    assert fmt == "bullet"
    continuation = by_text["Fortsättning"]
    assert xp(continuation._p, "w:pPr/w:numPr") == []
    top_indent = xp(by_text["Topp"]._p, "string(w:pPr/w:ind/@w:left)")
    assert xp(continuation._p, "string(w:pPr/w:ind/@w:left)") == top_indent


# -- inline runs --------------------------------------------------------------------------


def test_runs_formatting_links_and_breaks() -> None:
    data = render_docx(
        make(
            heading(1, "Mål", "mal"),
            para(
                Run("fet", bold=True),
                Run("kursiv", italic=True),
                Run("kod", code=True),
                Run("struken", strike=True),
                Run("extern", url="https://www.riksdagen.se/"),
                LineBreak(),
                Run("intern", anchor="mal"),
            ),
        )
    )
    root = xml(data)
    document = reopen(data)
    runs = {r.text: r for r in document.paragraphs[1].runs}
    assert runs["fet"].bold and runs["kursiv"].italic and runs["struken"].font.strike
    code_style = runs["kod"].style
    assert code_style.font.name == "Consolas" or "Consolas" in xp(
        document.styles.element,
        "string(//w:style[w:name/@w:val='Verbatim Char']//w:rFonts/@w:ascii)",
    )
    (external,) = xp(root, "//w:hyperlink[@r:id]")
    rels = xml(data, "word/_rels/document.xml.rels")
    rel = next(r for r in rels if r.get("Id") == external.get(qn("r:id")))
    assert rel.get("Type") == HYPERLINK_RT
    assert rel.get("TargetMode") == "External"
    assert rel.get("Target") == "https://www.riksdagen.se/"
    assert xp(root, "//w:hyperlink[@w:anchor='mal']//w:t/text()") == ["intern"]
    assert xp(root, "count(//w:body/w:p[2]//w:br)") == 1
    link_style = xp(external, "string(w:r/w:rPr/w:rStyle/@w:val)")
    assert style_name(document, link_style) == "Hyperlink"


def test_forbidden_control_characters_are_stripped_and_tabs_kept() -> None:
    text = "a\x00b\x01c\x0bd\x0ce\x1ff\ufffeg\tslut mjuk\u00adhårt\u00a0x"
    data = render_docx(make(para(text), heading(1, "Ru\x07brik")))
    root = xml(data)
    first = xp(root, "//w:body/w:p[1]")[0]
    assert "".join(xp(first, ".//w:t/text()")) == "abcdefgslut mjuk\u00adhårt\u00a0x"
    assert xp(first, "count(.//w:tab)") == 1
    assert reopen(data).paragraphs[1].text == "Rubrik"


def test_clean_text_normalises_line_ends() -> None:
    assert clean_text("a\r\nb\rc\x08") == "a\nb\nc"


def test_control_characters_in_table_cover_and_meta_do_not_crash() -> None:
    data = render_docx(
        make(
            CoverPage("T\x01", "S\x02", (("L\x03", "V\x04"),), marking="UT\x05KAST"),
            Table((cell("H\x06"),), ((cell("c\x0e"),),), caption="Cap\x0f"),
            title="Titel\x10",
        )
    )
    document = reopen(data)
    assert document.core_properties.title == "Titel"
    assert document.tables[0].rows[1].cells[0].text == "c"
    assert "L\tV" in [p.text for p in document.paragraphs]


def test_quote_and_code_block_styles() -> None:
    data = render_docx(
        make(
            Quote((para("Citat"), Quote((para("Inre"),)))),
            CodeBlock("rad 1\n  rad 2\n"),
            para("Not", role="note"),
        )
    )
    document = reopen(data)
    by_text = {p.text: p for p in document.paragraphs}
    assert by_text["Citat"].style.name == "Quote"
    assert by_text["Inre"].style.name == "Quote"
    code = by_text["rad 1\n  rad 2"]
    assert code.style.name == "Source Code"
    assert xp(code._p, "count(.//w:br)") == 1
    assert xp(code._p, "string(.//w:t[2]/@xml:space)") == "preserve"
    fonts = xp(
        document.styles.element, "string(//w:style[w:name/@w:val='Source Code']//w:rFonts/@w:ascii)"
    )
    assert fonts == "Consolas"
    assert by_text["Not"].style.name == "Note"


def test_page_break_sets_page_break_before_on_next_paragraph() -> None:
    data = render_docx(make(para("Ett"), PageBreak(), para("Två"), PageBreak()))
    document = reopen(data)
    assert [p.paragraph_format.page_break_before for p in document.paragraphs] == [None, True]


# -- tables -------------------------------------------------------------------------------


def timeline_table(**kw: Any) -> Table:
    return Table(
        header=(cell("Aktivitet"), cell("2025", align="center"), cell("2026", align="center")),
        rows=tuple(
            (cell(f"Aktivitet {i}"), cell("", fill="4472C4"), cell(str(i), align="right"))
            for i in range(3)
        ),
        **kw,
    )


def test_table_header_repeats_body_rows_do_not_split_and_widths_fill_the_page() -> None:
    data = render_docx(
        make(timeline_table(widths=(2, 1, 1), caption="Tidsplan", description="Aktiviteter per år"))
    )
    root = xml(data)
    (tbl,) = xp(root, "//w:tbl")
    rows = xp(tbl, "w:tr")
    assert len(rows) == 4
    # Not the header row: LibreOffice drops the rows after an unsplittable first row that
    # alone fits at the foot of a page (test_pdf_build covers the PDF).
    assert [bool(xp(r, "w:trPr/w:cantSplit")) for r in rows] == [False, True, True, True]
    assert [bool(xp(r, "w:trPr/w:tblHeader")) for r in rows] == [True, False, False, False]
    # LibreOffice tags the cells of a paragraph in "Table Heading" TH even where it stops
    # repeating the header row.
    styles = [set(xp(r, "w:tc/w:p/w:pPr/w:pStyle/@w:val")) for r in rows]
    assert styles == [{"TableHeading"}, set(), set(), set()]
    assert reopen(data).styles["Table Heading"].base_style.name == "Normal"
    document = reopen(data)
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    header_cells = table.rows[0].cells
    assert all(c.paragraphs[0].runs[0].bold for c in header_cells)
    assert xp(rows[0], "w:tc/w:tcPr/w:shd/@w:fill") == ["D9E2F3"] * 3
    assert xp(rows[1], "w:tc[2]/w:tcPr/w:shd/@w:fill") == ["4472C4"]
    assert table.rows[0].cells[1].paragraphs[0].alignment == 1  # center
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # right
    usable = 9071  # A4 21 cm minus 2 x 2.5 cm, in twips
    grid = [int(w) for w in xp(tbl, "w:tblGrid/w:gridCol/@w:w")]
    assert abs(sum(grid) - usable) <= 2
    assert grid[0] == pytest.approx(2 * grid[1], abs=2)
    assert xp(tbl, "w:tblPr/w:tblLayout/@w:type") == ["fixed"]
    assert int(xp(tbl, "string(w:tblPr/w:tblW/@w:w)")) == sum(grid)
    assert [int(w) for w in xp(rows[2], "w:tc/w:tcPr/w:tcW/@w:w")] == grid
    assert xp(tbl, "w:tblPr/w:tblCaption/@w:val") == ["Tidsplan"]
    assert xp(tbl, "w:tblPr/w:tblDescription/@w:val") == ["Aktiviteter per år"]
    # caption above the table with a SEQ field
    caption = tbl.getprevious()
    assert style_name(document, xp(caption, "string(w:pPr/w:pStyle/@w:val)")) == "caption"
    assert xp(caption, "string(.//w:instrText)").strip() == r"SEQ Tabell \* ARABIC"
    assert "".join(xp(caption, ".//w:t/text()")) == "Tabell 1: Tidsplan"


def test_table_description_falls_back_to_caption_and_captions_count() -> None:
    data = render_docx(make(timeline_table(caption="A"), timeline_table(caption="B")))
    root = xml(data)
    assert xp(root, "//w:tblDescription/@w:val") == ["A", "B"]
    captions = ["".join(xp(p, ".//w:t/text()")) for p in xp(root, "//w:p[.//w:instrText]")]
    assert captions == ["Tabell 1: A", "Tabell 2: B"]


def test_compact_table_uses_small_text_and_margins() -> None:
    data = render_docx(make(timeline_table(compact=True)))
    document = reopen(data)
    sizes = {r.font.size for row in document.tables[0].rows for c in row.cells
             for r in c.paragraphs[0].runs}  # fmt: skip
    assert sizes == {Pt(8)}
    assert xp(xml(data), "//w:tblPr/w:tblCellMar/w:left/@w:w") == ["28"]


def test_adjacent_tables_are_kept_apart() -> None:
    data = render_docx(make(timeline_table(), timeline_table()))
    body = xp(xml(data), "/w:document/w:body/*")
    tags = [etree.QName(e).localname for e in body]
    assert tags == ["tbl", "p", "tbl", "sectPr"]


def test_rows_of_different_length_are_padded() -> None:
    table = Table(header=(cell("A"),), rows=((cell("1"), cell("2")), ()))
    document = reopen(render_docx(make(table)))
    assert [[c.text for c in r.cells] for r in document.tables[0].rows] == [
        ["A", ""],
        ["1", "2"],
        ["", ""],
    ]


def test_wide_table_gets_its_own_landscape_section_that_keeps_the_footer() -> None:
    data = render_docx(
        make(
            heading(1, "Före"),
            para("Text"),
            heading(2, "Tidsplan"),
            timeline_table(wide=True, caption="Tidsplan"),
            heading(1, "Efter"),
        )
    )
    root = xml(data)
    sect_prs = xp(root, "//w:sectPr")
    assert len(sect_prs) == 3
    sizes = [
        (int(xp(s, "string(w:pgSz/@w:w)")), int(xp(s, "string(w:pgSz/@w:h)"))) for s in sect_prs
    ]
    assert sizes[0][0] < sizes[0][1]
    assert sizes[1] == (sizes[0][1], sizes[0][0])
    assert xp(sect_prs[1], "string(w:pgSz/@w:orient)") == "landscape"
    assert sizes[2] == sizes[0]
    assert xp(sect_prs[0], "w:footerReference") != []
    for later in sect_prs[1:]:
        assert xp(later, "w:footerReference | w:headerReference | w:titlePg") == []
    document = reopen(data)
    assert document.sections[1].footer.is_linked_to_previous is True
    # the heading right before the wide table moves with it to the landscape page
    landscape_break = sect_prs[0].getparent().getparent()
    assert "".join(xp(landscape_break, ".//w:t/text()")) == "Text"
    wide_width = int(xp(root, "string(//w:tbl/w:tblPr/w:tblW/@w:w)"))
    assert wide_width == pytest.approx((29.7 - 5) / 2.54 * 1440, abs=3)


def test_wide_table_takes_its_heading_intro_and_trail_to_the_landscape_page() -> None:
    data = render_docx(
        make(
            para("Stannar"),
            heading(2, "Tidsplan"),
            para("Inledning till tidsplanen"),
            timeline_table(wide=True),
            para("Beskrivning efter tabellen"),
            heading(1, "Nästa kapitel"),
            *(para(text) for text in ("Ett", "Två", "Tre", "Utan rubrik")),
            timeline_table(wide=True),
        )
    )
    root = xml(data)
    breaks = xp(root, "//w:p[w:pPr/w:sectPr]")
    texts = ["".join(xp(p, ".//w:t/text()")) for p in breaks]
    # 1st section ends with "Stannar"; the landscape one with the text after the table (no
    # near-empty portrait page for it); the portrait one with the next chapter's text (too
    # long a lead-in to move); the last wide table ends the document.
    assert texts == ["Stannar", "Beskrivning efter tabellen", "Utan rubrik"]
    orients = [xp(s, "string(w:pgSz/@w:orient)") or "portrait" for s in xp(root, "//w:sectPr")]
    assert orients == ["portrait", "landscape", "portrait", "landscape"]


def test_wide_table_after_cover_does_not_get_a_cover_footer() -> None:
    cover = CoverPage("T", "S", ())
    data = render_docx(make(cover, timeline_table(wide=True), para("Slut")))
    sect_prs = xp(xml(data), "//w:sectPr")
    assert xp(sect_prs[0], "w:titlePg") != []
    assert all(xp(s, "w:titlePg") == [] for s in sect_prs[1:])


# -- document properties and determinism --------------------------------------------------


def test_language_and_core_properties() -> None:
    data = render_docx(make(heading(1, "A")))
    styles = xml(data, "word/styles.xml")
    assert xp(styles, "w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val") == ["sv-SE"]
    props = reopen(data).core_properties
    assert props.title == "Omställningsplan – Klippan"
    assert props.subject == "Ny socialtjänstlag"
    assert props.author == props.last_modified_by == "Socialnämnden i Klippan"
    assert props.keywords == "socialtjänst; omställning"
    assert props.language == "sv-SE"
    assert props.category == "Omställningsplan"
    assert props.comments == ""
    expected = CREATED.replace(tzinfo=UTC)
    # python-docx before 1.2 reads last_printed back without a time zone (the XML is the same).
    dates = [d if d.tzinfo else d.replace(tzinfo=UTC) for d in (props.created, props.modified)]
    printed = props.last_printed
    dates.append(printed if printed.tzinfo else printed.replace(tzinfo=UTC))
    assert dates == [expected] * 3
    assert props.revision == 1


def test_same_document_renders_to_identical_bytes(tmp_path: Path) -> None:
    doc = make(
        CoverPage(
            "T", "S", (("a", "b"),), marking="UTKAST", logo=str(tiny_png(tmp_path / "l.png"))
        ),
        TableOfContents(),
        heading(1, "A"),
        para(Run("x", url="https://example.org/")),
        ListBlock(True, items("1", "2")),
        timeline_table(wide=True, caption="T"),
    )
    first, second = render_docx(doc), render_docx(doc)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        stamps = {info.date_time for info in package.infolist()}
        assert stamps == {(2025, 3, 1, 12, 30, 14)}
        assert package.namelist()[0] == "[Content_Types].xml"


def test_timestamps_before_1980_are_clamped() -> None:
    data = render_docx(make(para("x"), created=datetime(1970, 1, 1)))  # noqa: DTZ001
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert {info.date_time[0] for info in package.infolist()} == {1980}


def test_build_docx_returns_a_python_docx_document() -> None:
    document = build_docx(make(heading(1, "A")))
    assert document.paragraphs[0].style.name == "Heading 1"


def test_house_style_sets_a4_margins_and_body_font() -> None:
    document = reopen(render_docx(make(para("x"))))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 2.5
    normal = document.styles["Normal"]
    assert normal.font.name == "Calibri"
    assert normal.paragraph_format.space_after == Pt(6)


# -- templates ----------------------------------------------------------------------------


def make_template(
    path: Path,
    *,
    dotx: bool = False,
    footer: str | None = "Mallens sidfot",
    style_id: str | None = None,
) -> Path:
    template = docx.Document()
    heading1 = template.styles["Heading 1"]
    heading1.font.name = "Comic Sans MS"
    heading1.font.color.rgb = RGBColor.from_string("00B050")
    template.add_paragraph("MALLTEXT")
    section = template.sections[0]
    section.left_margin = section.right_margin = docx.shared.Cm(3)
    if footer:
        section.footer.is_linked_to_previous = False
        section.footer.paragraphs[0].text = footer
    if style_id:
        old = heading1.style_id
        heading1.element.set(qn("w:styleId"), style_id)
        for ref in template.styles.element.xpath(f"//w:basedOn[@w:val='{old}']"):
            ref.set(qn("w:val"), style_id)
    buffer = io.BytesIO()
    template.save(buffer)
    data = buffer.getvalue()
    if dotx:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                blob = src.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    blob = blob.replace(DOCUMENT_MAIN, TEMPLATE_MAIN)
                dst.writestr(info, blob)
        data = out.getvalue()
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("suffix", ["docx", "dotx"])
def test_template_styles_rule_and_its_body_is_replaced(tmp_path: Path, suffix: str) -> None:
    template = make_template(tmp_path / f"mall.{suffix}", dotx=suffix == "dotx")
    data = render_docx(make(heading(1, "Vår rubrik"), para("Vår text")), template=template)
    styles = xml(data, "word/styles.xml")
    (h1,) = xp(styles, "w:style[w:name/@w:val='heading 1']")
    assert xp(h1, "string(w:rPr/w:rFonts/@w:ascii)") == "Comic Sans MS"
    assert xp(h1, "string(w:rPr/w:color/@w:val)") == "00B050"
    document = reopen(data)
    assert [p.text for p in document.paragraphs] == ["Vår rubrik", "Vår text"]
    assert document.paragraphs[0].style.style_id == h1.get(qn("w:styleId"))
    # the template's own footer and page setup are kept; no house style applied
    footer_text = "".join(p.text for p in document.sections[0].footer.paragraphs)
    assert footer_text == "Mallens sidfot"
    assert round(document.sections[0].left_margin.cm, 1) == 3.0
    assert document.styles["Normal"].font.name != "Calibri"


def test_a_document_is_the_same_whatever_the_process_rendered_before(tmp_path: Path) -> None:
    # Each plan starts from a copy of a template opened once per process (DocxCache);
    # nothing a plan adds (styles, lists, sections, links) may reach the next one, and a
    # template changed on disk is used as it is now.
    cache = DocxCache()
    plain = make(heading(1, "Rubrik"), para("Text"))
    first = render_docx(plain, cache=cache)
    template = make_template(tmp_path / "mall.docx")
    busy = make(
        CoverPage("T", "S", (("a", "b"),), logo=str(tiny_png(tmp_path / "l.png"))),
        TableOfContents(),
        heading(1, "A"),
        para(Run("x", url="https://example.org/"), Run("kod", code=True)),
        ListBlock(True, items("1", "2")),
        Quote((para("citat"),)),
        CodeBlock("print()"),
        timeline_table(wide=True, caption="T"),
    )
    with_template = render_docx(plain, template=template, cache=cache)
    render_docx(busy, cache=cache)
    render_docx(busy, template=template, cache=cache)
    assert render_docx(plain, cache=cache) == first
    assert render_docx(plain, cache=DocxCache()) == first
    assert render_docx(plain, template=template, cache=cache) == with_template
    make_template(template, footer="Ny sidfot")
    changed = reopen(render_docx(plain, template=template, cache=cache))
    assert "".join(p.text for p in changed.sections[0].footer.paragraphs) == "Ny sidfot"


def test_template_without_footer_gets_page_numbers(tmp_path: Path) -> None:
    template = make_template(tmp_path / "mall.docx", footer=None)
    document = reopen(render_docx(make(para("x")), template=template))
    assert document.sections[0].footer.paragraphs[0].text.startswith("Sida ")


def test_template_with_localised_style_ids(tmp_path: Path) -> None:
    template = make_template(tmp_path / "mall.docx", style_id="Rubrik1")
    data = render_docx(make(heading(1, "Rubrik")), template=template)
    assert xp(xml(data), "string(//w:body/w:p[1]/w:pPr/w:pStyle/@w:val)") == "Rubrik1"


def test_template_missing_styles_are_created_not_keyerror(tmp_path: Path) -> None:
    template = docx.Document()
    styles = template.styles.element
    for name in (
        "List Bullet",
        "List Number",
        "Quote",
        "Table Grid",
        "caption",
        "TOC Heading",
        "Title",
    ):
        styles.remove(styles.get_by_name(name))
    path = tmp_path / "mager.docx"
    template.save(str(path))
    doc = make(
        CoverPage("Titel", "Under", ()),
        TableOfContents(),
        heading(1, "A"),
        ListBlock(False, items("a")),
        ListBlock(True, items("b")),
        Quote((para("c"),)),
        para(Run("länk", url="https://example.org/")),
        timeline_table(caption="T"),
    )
    document = reopen(render_docx(doc, template=path))
    names = {s.name for s in document.styles}
    for name in ("List Bullet", "List Number", "Quote", "Table Grid", "Caption", "TOC Heading",
                 "Title", "toc 1", "Hyperlink"):  # fmt: skip
        assert name in names, name
    assert document.styles["Table Grid"].type == WD_STYLE_TYPE.TABLE


# -- schema order (Word shows a repair prompt otherwise) -----------------------------------


def _assert_children_in_order(root: Any, tag: str, order: tuple[str, ...]) -> int:
    rank = {qn(t): i for i, t in enumerate(order)}
    checked = 0
    for element in root.iter(qn(tag)):
        ranks = [rank[c.tag] for c in element if c.tag in rank]
        assert ranks == sorted(ranks), (tag, [etree.QName(c).localname for c in element])
        checked += 1
    return checked


def test_every_property_element_follows_the_schema_order(tmp_path: Path) -> None:
    from omstallning.writers.docx import ooxml

    doc = make(
        CoverPage(
            "T", "S", (("a", "b"),), marking="UTKAST", logo=str(tiny_png(tmp_path / "l.png"))
        ),
        TableOfContents(),
        heading(1, "A", "a"),
        para(Run("x", bold=True, italic=True, strike=True, code=True, url="https://e.org/")),
        ListBlock(True, (ListItem((para("1"), ListBlock(False, items("i")), para("c"))),)),
        Quote((para("q"),)),
        CodeBlock("kod"),
        timeline_table(wide=True, compact=True, caption="T"),
        timeline_table(caption="U"),
        para("slut"),
    )
    data = render_docx(doc)
    checks = {
        "word/document.xml": [
            ("w:pPr", ooxml.PPR_ORDER),
            ("w:rPr", ooxml.RPR_ORDER),
            ("w:tblPr", ooxml.TBLPR_ORDER),
            ("w:trPr", ooxml.TRPR_ORDER),
            ("w:tcPr", ooxml.TCPR_ORDER),
            ("w:tblBorders", ooxml.TBL_BORDERS_ORDER),
            ("w:tblCellMar", ooxml.CELL_MAR_ORDER),
            ("w:pBdr", ooxml.PBDR_ORDER),
        ],
        "word/styles.xml": [
            ("w:styles", ooxml.STYLES_ORDER),
            ("w:style", ooxml.STYLE_ORDER),
            ("w:pPr", ooxml.PPR_ORDER),
            ("w:rPr", ooxml.RPR_ORDER),
            ("w:tblPr", ooxml.TBLPR_ORDER),
            ("w:tblBorders", ooxml.TBL_BORDERS_ORDER),
        ],
        "word/settings.xml": [("w:settings", ooxml.SETTINGS_ORDER)],
        "word/numbering.xml": [("w:numbering", ooxml.NUMBERING_ORDER)],
    }
    for part, rules in checks.items():
        root = xml(data, part)
        assert sum(_assert_children_in_order(root, tag, order) for tag, order in rules) > 0


def test_unsafe_characters_in_urls_are_percent_encoded() -> None:
    data = render_docx(make(para(Run("länk", url="https://example.org/a b/Socialtjänst?q=1%20"))))
    rels = xml(data, "word/_rels/document.xml.rels")
    targets = [r.get("Target") for r in rels if r.get("Type") == HYPERLINK_RT]
    assert targets == ["https://example.org/a%20b/Socialtj%C3%A4nst?q=1%20"]


def test_template_with_even_and_odd_footers_numbers_both(tmp_path: Path) -> None:
    template = docx.Document()
    template.settings.odd_and_even_pages_header_footer = True
    path = tmp_path / "jamn.docx"
    template.save(str(path))
    document = reopen(render_docx(make(para("x")), template=path))
    section = document.sections[0]
    assert section.footer.paragraphs[0].text.startswith("Sida ")
    assert section.even_page_footer.paragraphs[0].text.startswith("Sida ")


def test_broken_template_and_logo_stop_with_a_swedish_message(tmp_path: Path) -> None:
    from omstallning.errors import OmstallningError

    broken = tmp_path / "trasig.docx"
    broken.write_bytes(b"inte en zip")
    with pytest.raises(OmstallningError, match="Word-mallen"):
        render_docx(make(para("x")), template=broken)
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"inte en bild")
    with pytest.raises(OmstallningError, match="Logotypen"):
        render_docx(make(CoverPage("T", "S", (), logo=str(logo))))


def test_package_members_are_what_python_docx_saves(tmp_path: Path) -> None:
    # `package_members` repeats python-docx's package writer (with a private class) so that
    # the parts are zipped once; a python-docx release that writes otherwise must fail here.
    cover = CoverPage("T", "S", (), logo=str(tiny_png(tmp_path / "logo.png")), logo_alt="Logo")
    link = Run("källa", url="https://www.riksdagen.se/")
    document = build_docx(make(cover, heading(1, "Inledning"), para("Se ", link, ".")))
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        expected = [(info.filename, archive.read(info)) for info in archive.infolist()]
    assert package_members(document) == expected


def members_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def saved_members(document: Any) -> list[tuple[str, bytes]]:
    saved = io.BytesIO()
    document.save(saved)
    return members_of(saved.getvalue())


AWKWARD = " a & b < c > d \"e\" 'f' \t g\nh – ö 🙂 "


def awkward_plan(logo: Path, text: str = AWKWARD) -> Document:
    return make(
        CoverPage("T " + text, text, (("Fakta", text),), marking=text, logo=str(logo)),
        TableOfContents(),
        heading(1, text, "kapitel"),
        para(text, Run(text, bold=True, url=f"https://example.org/{text}"), LineBreak()),
        para(Run(text, code=True, anchor="kapitel"), Run(text, italic=True, strike=True)),
        ListBlock(True, (ListItem((para(text), ListBlock(False, items(text)), para(text))),)),
        Quote((para(text),)),
        CodeBlock(text),
        PageBreak(),
        timeline_table(wide=True, compact=True, caption=text, description=text),
        timeline_table(caption=text),
        timeline_table(),
        para(text, anchor="slut"),
    )


def test_spliced_body_is_what_python_docx_saves(tmp_path: Path) -> None:
    # `render_docx` splices the body into document.xml as text; `build_docx` parses the
    # same text into the DOM and python-docx saves it. Both must give the same parts.
    doc = awkward_plan(tiny_png(tmp_path / "logo.png"))
    assert members_of(render_docx(doc)) == saved_members(build_docx(doc))
    template = make_template(tmp_path / "mall.dotx", dotx=True)
    assert members_of(render_docx(doc, template=template)) == saved_members(
        build_docx(doc, template=template)
    )


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(text=st.text(st.characters(codec="utf-8"), max_size=40))
def test_spliced_body_escapes_any_text_as_lxml_does(text: str) -> None:
    doc = make(
        heading(1, text),
        para(text, Run(text, url=f"https://example.org/{text}")),
        Table(header=(cell(text),), rows=((cell(text),),), caption=text, description=text),
        title=text,
    )
    assert members_of(render_docx(doc)) == saved_members(build_docx(doc))

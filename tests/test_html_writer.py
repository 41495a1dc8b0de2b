"""The HTML writer: structure, links, tables, colours and escaping of the one-page output."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from omstallning import writers
from omstallning.check.rules import validate_region
from omstallning.documents.blocks import STATUS_FILL
from omstallning.documents.plan import assemble_plan
from omstallning.documents.tree import (
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
from omstallning.model import ACTIVITY_STATUSES
from omstallning.writers.html import render_html
from omstallning.writers.html.colours import contrast, text_colour

from .conftest import EXAMPLE

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def iter(self, tag: str | None = None) -> list[Node]:
        found = [self] if tag is None or self.tag == tag else []
        for child in self.children:
            found += child.iter(tag)
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [k for k, _ in attrs]
        if len(names) != len(set(names)):
            self.problems.append(f"duplicate attribute in <{tag}>")
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if self.stack[-1].tag != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for node in self.stack:  # text counts for every open ancestor
            node.text_parts.append(data)


def parse(page: bytes) -> Node:
    """The page as a tree; it must be well nested (every element closed in order)."""
    builder = _TreeBuilder()
    builder.feed(page.decode("utf-8"))
    builder.close()
    assert builder.problems == []
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def meta(title: str = "Testplan") -> DocumentMeta:
    return DocumentMeta(title=title, subject="Ämne", author="Nämnden", keywords="a; b")


def page_of(*blocks: object, title: str = "Testplan") -> Node:
    doc = Document(meta(title), tuple(blocks))  # type: ignore[arg-type]
    return parse(writers.render(doc, "html"))


def headings(root: Node) -> list[Node]:
    return [n for n in root.iter() if re.fullmatch(r"h[1-6]", n.tag)]


def assert_outline(root: Node) -> None:
    levels = [int(h.tag[1]) for h in headings(root)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def assert_links_resolve(root: Node) -> None:
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for a in root.iter("a"):
        href = a.attrs["href"]
        if href.startswith("#"):
            assert href[1:] in ids, href
        else:
            assert re.match(r"(https?://|mailto:)", href), href
        assert a.text.strip(), "a link without text"


def assert_no_requests(root: Node, page: bytes) -> None:
    assert not root.iter("script")
    assert not root.iter("link")
    assert not root.iter("iframe")
    for node in root.iter():
        assert not any(k.startswith("on") for k in node.attrs), node
        if "src" in node.attrs:
            assert node.attrs["src"].startswith("data:image/")
    style = "".join(s.text for s in root.iter("style"))
    assert "url(" not in style and "@import" not in style
    assert b"javascript:" not in page.lower()


# --- the example region's plans ---------------------------------------------------------


@pytest.fixture(scope="module")
def example_pages() -> dict[str, tuple[Document, bytes]]:
    loaded, _findings = validate_region(EXAMPLE)
    region = loaded.region
    assert region is not None
    pages = {}
    for entry in region.municipalities:
        doc = assemble_plan(region, entry)
        pages[entry.slug] = (doc, writers.render(doc, "html"))
    return pages


def test_example_pages_language_title_and_landmarks(example_pages) -> None:
    assert len(example_pages) == 3
    for doc, page in example_pages.values():
        root = parse(page)
        (html,) = root.iter("html")
        assert html.attrs["lang"] == "sv"
        (title,) = root.iter("title")
        assert title.text == doc.meta.title
        assert len(root.iter("header")) == len(root.iter("nav")) == len(root.iter("main")) == 1
        body = root.iter("body")[0]
        skip = body.children[0]
        assert skip.tag == "a" and skip.attrs["href"] == "#" + root.iter("main")[0].attrs["id"]
        assert skip.text == "Hoppa till innehållet"
        (h1,) = root.iter("h1")
        assert h1.text == "Omställningsplan – ny socialtjänstlag"
        assert h1.parent is not None and h1.parent.tag == "header"


def test_example_pages_outline_links_and_no_requests(example_pages) -> None:
    for _doc, page in example_pages.values():
        root = parse(page)
        assert_outline(root)
        assert_links_resolve(root)
        assert_no_requests(root, page)
        citations = [a for a in root.iter("a") if a.attrs["href"].startswith("#kalla-")]
        assert citations, "citations link to the source list"


def test_example_pages_contents_lists_every_chapter(example_pages) -> None:
    for doc, page in example_pages.values():
        root = parse(page)
        nav = root.iter("nav")[0]
        top = nav.iter("ul")[0]
        listed = [li.children[0].text for li in top.children]
        chapters = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 1]
        assert listed == chapters
        for a in nav.iter("a"):  # each entry points at a heading with its text
            target = next(h for h in headings(root) if h.attrs.get("id") == a.attrs["href"][1:])
            assert target.text.strip() == a.text


def test_example_pages_tables_have_captions_and_scoped_headers(example_pages) -> None:
    for doc, page in example_pages.values():
        root = parse(page)
        tables = root.iter("table")
        assert len(tables) == sum(isinstance(b, Table) for b in doc.blocks)
        captioned = [t for t in tables if t.iter("caption")]
        assert len(captioned) == sum(isinstance(b, Table) and bool(b.caption) for b in doc.blocks)
        for table in tables:
            ths = table.iter("th")
            assert ths and all(th.attrs.get("scope") == "col" for th in ths)
            assert not table.iter("tbody")[0].iter("th")
            region = table.parent
            assert region is not None and region.attrs["role"] == "region"
            assert region.attrs["tabindex"] == "0"


def test_example_timeline_readable_without_colour(example_pages) -> None:
    names = {ACTIVITY_STATUSES[s] for s in STATUS_FILL}
    for _doc, page in example_pages.values():
        root = parse(page)
        filled = [td for td in root.iter("td") if "style" in td.attrs]
        assert filled
        for td in filled:
            # The words, for screen readers, the tooltip and forced colours …
            assert td.attrs["title"] in names
            assert td.text == td.attrs["title"]
            (label,) = td.iter("span")
            assert label.attrs["class"] == "visuellt-dold"
            # … a pattern for sighted readers who cannot tell the colours apart …
            assert re.search(r"\bmonster-\d\b", td.attrs["class"])
            # … and text on the fill that meets WCAG AA.
            style = dict(p.split(": ") for p in td.attrs["style"].split("; "))
            fill, colour = style["background-color"][1:], style["color"][1:]
            assert contrast(fill, colour) >= 4.5
        # A colour has one pattern, the same in the timeline and in its legend.
        pattern = {td.attrs["title"]: td.attrs["class"] for td in filled}
        for td in filled:
            assert td.attrs["class"] == pattern[td.attrs["title"]]
        assert len(set(pattern.values())) == len(pattern)


def test_example_pages_are_deterministic(example_pages) -> None:
    for doc, page in example_pages.values():
        assert writers.render(doc, "html") == page


def test_registry_knows_html() -> None:
    assert writers.suffix("html") == ".html"


# --- small documents --------------------------------------------------------------------


def test_unsafe_urls_stay_text() -> None:
    root = page_of(
        Paragraph(
            (
                Run("klick", url="javascript:alert(1)"),
                Run(" data", url="data:text/html,<b>x</b>"),
                Run(" fil", url="file:///etc/passwd"),
                Run(" webb", url="https://example.org/a?b=1&c=2"),
                Run(" post", url="mailto:a@example.org"),
                Run(" gammal", url="HTTP://EXAMPLE.ORG"),
            )
        )
    )
    hrefs = [a.attrs["href"] for a in root.iter("a")][1:]  # after the skip link
    assert hrefs == ["https://example.org/a?b=1&c=2", "mailto:a@example.org", "HTTP://EXAMPLE.ORG"]
    p = root.iter("main")[0].iter("p")[0]
    assert p.text == "klick data fil webb post gammal"


def test_javascript_url_is_text_not_a_link() -> None:
    page = writers.render(
        Document(meta(), (Paragraph((Run("x", url=" javascript:alert(1)"),)),)), "html"
    )
    assert b"javascript" not in page
    assert b">x</p>" in page


def test_internal_links_only_to_existing_targets() -> None:
    root = page_of(
        Heading(1, (Run("Kapitel"),), "kap"),
        Paragraph(
            (Run("till kapitlet", anchor="kap"), Run(" och "), Run("ingenstans", anchor="x"))
        ),
        Paragraph(
            (Run("se "), Run("1", anchor="kalla-a b/ä")),
        ),
        Paragraph((Run("Källa"),), anchor="kalla-a b/ä"),
    )
    assert_links_resolve(root)
    links = {a.text: a.attrs["href"] for a in root.iter("main")[0].iter("a")}
    assert links["till kapitlet"] == "#kap"
    assert "ingenstans" not in links
    assert links["1"].startswith("#ankare-")


def test_duplicate_anchors_get_unique_ids() -> None:
    root = page_of(
        Heading(1, (Run("A"),), "samma"),
        Heading(1, (Run("B"),), "samma"),
        Heading(1, (Run("C"),), "huvudinnehall"),  # the page's own id is not taken over
        Heading(1, (Run("D"),)),
    )
    assert_links_resolve(root)
    ids = [h.attrs["id"] for h in headings(root)[1:]]
    assert ids[0] == "samma" and len(set(ids)) == 4
    assert root.iter("main")[0].attrs["id"] == "huvudinnehall"


def test_heading_levels_close_gaps_under_the_cover_title() -> None:
    root = page_of(
        CoverPage("Titel", "Undertitel", (("Kommun", "Klippan"),)),
        TableOfContents(levels=3),
        Heading(1, (Run("Ett"),)),
        Heading(3, (Run("Tre"),)),
        Heading(5, (Run("Fem"),)),
        Heading(3, (Run("Tre igen"),)),
        Heading(2, (Run("Två"),)),
        Heading(1, (Run("Nästa"),)),
        Heading(9, (Run("Djup"),)),
    )
    assert_outline(root)
    levels = [(h.tag, h.text) for h in headings(root)]
    assert levels == [
        ("h1", "Titel"),
        ("h2", "Innehåll"),
        ("h2", "Ett"),
        ("h3", "Tre"),
        ("h4", "Fem"),
        ("h3", "Tre igen"),
        ("h3", "Två"),
        ("h2", "Nästa"),
        ("h3", "Djup"),
    ]
    nav = root.iter("nav")[0]
    assert [a.text for a in nav.iter("a")] == ["Ett", "Tre", "Tre igen", "Två", "Nästa"]
    assert_links_resolve(root)


def test_without_cover_the_title_is_the_h1_and_no_contents_without_marker() -> None:
    root = page_of(Heading(1, (Run("Kapitel"),)), title="Bara en titel")
    assert [h.text for h in root.iter("h1")] == ["Bara en titel"]
    assert not root.iter("nav")
    assert_outline(root)


def test_everything_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "citat" \x00\x1b'
    page = writers.render(
        Document(
            meta(evil),
            (
                CoverPage(evil, evil, ((evil, evil),), marking=evil),
                Heading(1, (Run(evil),), anchor='"><script>'),
                Paragraph((Run(evil, bold=True, url="https://e.org/\"onmouseover='x'"),)),
                CodeBlock(evil),
                Table(header=(Cell((Run(evil),)),), rows=(), caption=evil, description=evil),
            ),
        ),
        "html",
    )
    root = parse(page)
    assert not root.iter("script")
    assert b"<script" not in page and b"\x00" not in page and b"\x1b" not in page
    assert "\ufffd" in page.decode()
    assert_links_resolve(root)
    assert_no_requests(root, page)


def test_blocks_and_inline_formatting() -> None:
    root = page_of(
        Paragraph(
            (
                Run("fet", bold=True),
                Run("kursiv", italic=True),
                Run("kod", code=True),
                Run("struken", strike=True),
                LineBreak(),
                Run("rad två"),
            ),
            role="note",
        ),
        ListBlock(True, (ListItem((Paragraph((Run("tre"),)),)),), start=3),
        ListBlock(False, (ListItem((Quote((Paragraph((Run("citat"),)),)),)),)),
        CodeBlock("rad 1\n  <rad 2>\n"),
        PageBreak(),
    )
    main = root.iter("main")[0]
    p = main.iter("p")[0]
    assert p.attrs["class"] == "notis"
    assert [n.tag for n in p.children] == ["strong", "em", "code", "del", "br"]
    assert main.iter("ol")[0].attrs["start"] == "3"
    assert main.iter("blockquote")[0].text.strip() == "citat"
    assert main.iter("pre")[0].text == "rad 1\n  <rad 2>\n"


def test_links_merge_runs_with_the_same_target() -> None:
    root = page_of(
        Paragraph((Run("en ", url="https://e.org"), Run("länk", url="https://e.org", bold=True)))
    )
    links = root.iter("main")[0].iter("a")
    assert len(links) == 1 and links[0].text == "en länk"


def test_fill_text_colour_and_unnamed_fills() -> None:
    root = page_of(
        Table(
            header=(Cell((Run("Ljus"),)), Cell((Run("Mörk"),)), Cell((Run("Text"),))),
            rows=(
                (
                    Cell((Run(""),), fill="FFFFFF"),
                    Cell((Run(""),), fill="#1f3864"),
                    Cell((Run("Ja"),), fill="2E75B6", align="center"),
                ),
                (Cell((Run(""),), fill="not a colour"), Cell(()), Cell(())),
            ),
            widths=(1, 1, 2),
            caption="Fyllningar",
        )
    )
    cells = root.iter("tbody")[0].iter("td")
    assert "color: #000000" in cells[0].attrs["style"]
    assert "color: #FFFFFF" in cells[1].attrs["style"]
    assert cells[0].attrs["title"] == "Markerad" and cells[0].text == "Markerad"
    assert cells[2].text == "Ja" and "title" not in cells[2].attrs  # the text says it already
    assert cells[2].attrs["class"] == "justera-center"
    assert "style" not in cells[3].attrs
    cols = root.iter("col")
    assert [c.attrs["style"] for c in cols] == ["width: 25.00%", "width: 25.00%", "width: 50.00%"]


@pytest.mark.parametrize("fill", ["000000", "FFFFFF", "777777", "767676", "2E75B6", "FFC000"])
def test_chosen_text_colour_meets_aa(fill: str) -> None:
    assert contrast(fill, text_colour(fill)) >= 4.5


def test_contrast_known_values() -> None:
    assert contrast("000000", "FFFFFF") == pytest.approx(21)
    assert contrast("767676", "FFFFFF") == pytest.approx(4.54, abs=0.01)


def test_tables_without_caption_get_distinct_region_names() -> None:
    table = Table(header=(Cell((Run("A"),)),), rows=((Cell((Run("1"),)),),))
    root = page_of(table, table)
    labels = [d.attrs["aria-label"] for d in root.iter("div") if d.attrs.get("role") == "region"]
    assert labels == ["Tabell 1", "Tabell 2"]
    assert not root.iter("caption")


def test_logo_is_embedded_and_a_missing_one_left_out(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    root = page_of(CoverPage("T", "U", (), logo=str(logo), logo_alt="Logotyp för X"))
    (img,) = root.iter("img")
    assert img.attrs["src"] == "data:image/png;base64,iVBORw0KGgo="
    assert img.attrs["alt"] == "Logotyp för X"
    assert not page_of(CoverPage("T", "U", (), logo=str(tmp_path / "nej.png"))).iter("img")


def test_language_and_style() -> None:
    doc = Document(DocumentMeta("T", "", "", "", language="en-GB"), ())
    page = render_html(doc)
    assert '<html lang="en">' in page
    assert "@media print" in page and "Content-Security-Policy" in page
    assert 'name="author"' not in page  # empty properties are left out

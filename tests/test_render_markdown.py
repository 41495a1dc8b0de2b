from __future__ import annotations

import textwrap

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omstallning.documents.markdown_text import parse_inline, parse_markdown
from omstallning.documents.tree import (
    Block,
    Cell,
    CodeBlock,
    CoverPage,
    Document,
    DocumentMeta,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    TableOfContents,
    iter_headings,
)
from omstallning.writers.markdown import inline as markdown_inline
from omstallning.writers.markdown import render_markdown


def doc(*blocks: Block, front_matter: dict[str, str] | None = None) -> Document:
    meta = DocumentMeta("Titel", "Ämne", "Författare", "ord", front_matter=front_matter or {})
    return Document(meta, tuple(blocks))


def render(*blocks: Block) -> str:
    return render_markdown(doc(*blocks))


def para(*runs: Inline) -> Paragraph:
    return Paragraph(tuple(runs))


def read_back(markdown: str) -> list[Block]:
    return parse_markdown(markdown, base_level=0)


RICH_SAMPLE = """\
# Inledning

Den nya lagen [@sol2025] börjar gälla **1 juli 2025**. Den betonar *förebyggande* arbete,
***tidiga*** insatser och ~~gamla~~ nya arbetssätt. Se `kod`, [riksdagen](https://www.riksdagen.se/)
och <https://example.se/a_b>.\\
Ny rad med&nbsp;hårt mellanslag, mjuk\u00adbindestreck och ”citattecken”.

## Mål och syfte

Läs [målen](#mål-och-syfte) och bilden ![karta *här*](karta.png).

1. Första
2. Andra
   - punkt **fet**
     1. djupt
     2. djupare

        ```
        kod i lista
        ```
3. Tredje

7) sju
8) åtta

- a
- b

* c

> Citat med *kursiv*
>
> > Inre citat
>
> - lista i citat

| Åtgärd | Ansvar | År |
|:-------|:------:|---:|
| Kartlägga `a\\|b` | Socialnämnden | 2025 |
| Utbilda **alla** | HR | 2026 |

````text
``` inte ett staket
````

Text med tecken: \\*inte fet\\* \\_inte kursiv\\_ \\[@inte\\] \\# 1\\. a\\|b \\<b> &amp;copy; \\\\.
"""


# --- Front matter ---------------------------------------------------------------------------


TRICKY_VALUES = [
    "1.10",
    "no",
    "yes",
    "on",
    "null",
    "~",
    "2025-11-20",
    "12:30:00",
    "0o17",
    "Nordvästra Skåne: test",
    '"quoted"',
    "'single'",
    "back\\slash",
    "# inte en kommentar",
    "- inte en lista",
    "[a, b]",
    "{a: b}",
    "*alias",
    "&anchor",
    "!tag",
    "@at",
    "%percent",
    "|",
    ">",
    "  inledande och avslutande  ",
    "",
    "rad ett\nrad två\n",
    "tab\there",
    "kontroll\x07\x1b\x7f\x85",
    "radseparator\u2028och\u2029bom\ufeff",
    "emoji 🎉 och å ä ö",
    "---",
    "...",
]


@pytest.mark.parametrize("value", TRICKY_VALUES)
def test_front_matter_values_read_back_as_the_same_strings(value: str) -> None:
    out = render_markdown(doc(para(Run("x")), front_matter={"värde": value, "title": value}))
    assert out.startswith("---\n")
    front = out.split("---\n")[1]
    assert yaml.safe_load(front) == {"värde": value, "title": value}


def test_front_matter_keeps_key_order_and_adds_nothing() -> None:
    front_matter = {"title": "Plan", "kommun": "Klippan", "lang": "sv", "version": "1.0"}
    out = render_markdown(doc(front_matter=front_matter))
    assert out == ('---\ntitle: "Plan"\nkommun: "Klippan"\nlang: "sv"\nversion: "1.0"\n---\n')
    assert "lang" not in render_markdown(doc(front_matter={"title": "Plan"}))


def test_tricky_front_matter_keys_are_quoted() -> None:
    keys = {"no": "a", "1.5": "b", "a b": "c", "ja": "d", "": "e", "#": "f"}
    out = render_markdown(doc(front_matter=keys))
    assert yaml.safe_load(out.split("---\n")[1]) == keys


def test_no_front_matter_when_empty() -> None:
    assert render(para(Run("Hej"))) == "Hej\n"
    assert render() == ""


# --- Round trips ----------------------------------------------------------------------------


def test_rich_sample_round_trips_markdown_tree_markdown_tree() -> None:
    tree = read_back(RICH_SAMPLE)
    markdown = render(*tree)
    assert read_back(markdown) == tree
    assert render(*read_back(markdown)) == markdown


def test_rich_sample_renders_clean_markdown() -> None:
    markdown = render(*read_back(RICH_SAMPLE))
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")
    assert all(line == line.rstrip() for line in markdown.split("\n"))
    assert "\n\n\n" not in markdown
    assert "<" not in markdown.replace("\\<", "").replace("<https://example.se/a_b>", "")
    assert "1. Första\n2. Andra\n   - punkt **fet**\n" in markdown
    assert "| :-- | :-: | --: |" in markdown


def test_heading_sequence_matches_the_tree() -> None:
    blocks: list[Block] = [
        Heading(1, (Run("Kapitel #"),), "a"),
        Heading(2, (Run("  Mål "), Run("**1**", bold=True)), "b"),
        Heading(3, (Run("Lagen [@sol2025]"),)),
        Heading(4, (Run("x"), LineBreak(), Run("y\nz", code=True))),
        Heading(6, (Run("###"),)),
        Heading(2, ()),
        Heading(5, (Run("\u00a0nbsp\u00a0"),)),
        Paragraph((Run("# inte en rubrik"),)),
    ]
    back = read_back(render(*blocks))
    expected = [(h.level, h.text) for h in iter_headings(tuple(blocks))]
    assert [(h.level, h.text) for h in iter_headings(tuple(back))] == expected


runs_strategy = st.lists(
    st.one_of(
        st.builds(
            Run,
            st.text(alphabet="ab1 *_[]`#|\\<>&;!~-+=.:()@\"'\u00a0\t\né", min_size=1, max_size=6),
            st.booleans(),
            st.booleans(),
            st.booleans(),
            st.booleans(),
            st.sampled_from([None, None, "https://x.se/a"]),
        ),
        st.just(LineBreak()),
    ),
    max_size=5,
).map(tuple)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(1, 6), runs_strategy, runs_strategy)
def test_any_heading_reads_back_and_any_paragraph_keeps_its_text(
    level: int, heading: tuple[Inline, ...], body: tuple[Inline, ...]
) -> None:
    markdown = render(Heading(level, heading), Paragraph(body))
    back = read_back(markdown)
    assert isinstance(back[0], Heading)
    assert (back[0].level, back[0].text) == (level, Heading(level, heading).text)
    expected = "".join(r.text.replace("\n", " ") if isinstance(r, Run) else "\n" for r in body)
    got = "".join(r.text if isinstance(r, Run) else "\n" for b in back[1:] for r in runs_of(b))

    def lines(text: str) -> list[str]:
        return [line.strip(" \t") for line in text.strip(" \t\n").split("\n") if line.strip(" \t")]

    assert lines(got) == lines(expected)


# Runs as authors write them: plain text with now and then a word in bold or italics or a
# link to a page or an anchor between, and text with Markdown's own characters in it.
_words = st.one_of(
    st.text(alphabet="abcåé1 ", min_size=1, max_size=8),
    st.text(alphabet="ab *[]#!.:,()-+<>\u00a0", min_size=1, max_size=6),
)
_marked = st.one_of(
    st.builds(lambda text: Run(text, bold=True), _words),
    st.builds(lambda text: Run(text, italic=True), _words),
    st.builds(
        lambda text, url: Run(text, url=url),
        _words,
        st.sampled_from(["https://x.se/a", "https://x.se/(a) b", "javascript:x", "a", "<x>"]),
    ),
    st.builds(lambda text, key: Run(text, anchor=key), _words, st.sampled_from(["sol", "mål 1"])),
    st.builds(lambda url: Run(url, url=url), st.sampled_from(["https://x.se/a", "a"])),
)
simple_runs_strategy = st.builds(
    lambda first, rest: (Run(first), *(run for pair in rest for run in pair)),
    _words,
    st.lists(st.tuples(_marked, st.builds(Run, _words)), max_size=4),
)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(simple_runs_strategy)
def test_the_fast_way_writes_what_the_checked_way_writes(runs: tuple[Inline, ...]) -> None:
    # `_simple_text` writes most paragraphs directly; where it answers, the general way
    # (character atoms, escaping, a check by parsing) must give the very same text.
    targets = {"sol": "kalla-sol", "mål 1": "mal-1"}
    fast = markdown_inline.simple_text(runs, targets)
    if fast is not None:
        checked = markdown_inline.inline_checked(runs, targets, context="paragraph")
        assert fast == checked


def runs_of(block: Block) -> tuple[Inline, ...]:
    assert isinstance(block, Paragraph), block
    return block.runs


# --- Escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "**inte fet** och *inte kursiv* och __inte__ _heller_",
        "[@sol2025] och [@a; @b] och [länk](https://x.se)",
        "# inte en rubrik",
        "## inte heller #",
        "- inte en lista",
        "+ inte en lista",
        "* inte en lista",
        "1. inte en lista",
        "2025) inte en lista",
        "> inte ett citat",
        "---",
        "===",
        "| a | b |",
        ": kolon",
        "```kod```",
        "~~inte struken~~ ~x~",
        "<b>inte html</b> <https://inte.en.länk>",
        "&amp; &#64; &copy; AT&T & co",
        "snake_case_namn och _kant_",
        "backslash \\ och \\* och \\\\",
        "![inte en bild](x.png)",
        "a  \tb",
        "C:\\Users\\x",
    ],
)
def test_literal_markup_characters_come_back_as_the_same_text(text: str) -> None:
    markdown = render(para(Run(text)))
    assert read_back(markdown) == [para(Run(text))]


def test_line_starts_after_a_line_break_are_escaped_too() -> None:
    runs = (Run("a"), LineBreak(), Run("# b"), LineBreak(), Run("- c"), LineBreak(), Run("==="))
    markdown = render(Paragraph(runs))
    assert markdown == "a\\\n\\# b\\\n\\- c\\\n\\===\n"
    assert read_back(markdown) == [Paragraph(runs)]


def test_pipes_in_table_cells_are_escaped_also_in_code() -> None:
    table = Table(
        header=(Cell((Run("a|b"),)), Cell((Run("c|d", code=True),))),
        rows=((Cell((Run("x"), LineBreak(), Run("y"))), Cell((Run("|"),))),),
    )
    markdown = render(table)
    assert markdown == "| a\\|b | `c\\|d` |\n| --- | --- |\n| x y | \\| |\n"
    [back] = read_back(markdown)
    assert isinstance(back, Table)
    assert back.header == (Cell((Run("a|b"),)), Cell((Run("c|d", code=True),)))
    assert back.rows == ((Cell((Run("x y"),)), Cell((Run("|"),))),)


# --- Inline formatting ----------------------------------------------------------------------


def test_formatting_is_written_as_markdown() -> None:
    markdown = render(
        para(
            Run("fet", bold=True),
            Run(" "),
            Run("kursiv", italic=True),
            Run(" "),
            Run("båda", bold=True, italic=True),
            Run(" "),
            Run("kod", code=True),
            Run(" "),
            Run("struken", strike=True),
            Run(" "),
            Run("länk", url="https://x.se/"),
        )
    )
    assert markdown == "**fet** *kursiv* ***båda*** `kod` ~~struken~~ [länk](https://x.se/)\n"


def test_whitespace_at_the_edge_of_emphasis_moves_outside() -> None:
    markdown = render(para(Run("Det "), Run("viktiga ", bold=True), Run("är")))
    assert markdown == "Det **viktiga** är\n"


def test_punctuation_that_cannot_take_emphasis_loses_it_but_keeps_the_text() -> None:
    runs = (Run("ord"), Run("(fet)", bold=True), Run("ord"))
    [back] = read_back(render(Paragraph(runs)))
    assert isinstance(back, Paragraph)
    assert "".join(r.text for r in back.runs if isinstance(r, Run)) == "ord(fet)ord"
    assert Run("fet", bold=True) in back.runs


def test_code_with_backticks_gets_a_longer_fence() -> None:
    markdown = render(para(Run("a ``b`` c", code=True), Run(" "), Run("`", code=True)))
    assert markdown == "```a ``b`` c``` `` ` ``\n"
    assert read_back(markdown) == [para(Run("a ``b`` c", code=True), Run(" "), Run("`", code=True))]


def test_url_that_is_its_own_text_becomes_an_autolink() -> None:
    url = "https://www.riksdagen.se/sv/dokument/a_b"
    assert render(para(Run(url, url=url))) == f"<{url}>\n"
    spaced = "https://x.se/a b(c)"
    markdown = render(para(Run("x", url=spaced)))
    assert markdown == "[x](<https://x.se/a b(c)>)\n"


def test_unsafe_urls_are_not_links() -> None:
    markdown = render(para(Run("klicka", url="javascript:alert(1)")))
    assert markdown == "klicka\n"


def test_anchor_links_use_the_id_viewers_derive_from_the_heading() -> None:
    markdown = render(
        Heading(1, (Run("Mål och syfte"),), "klippan-mal"),
        Heading(1, (Run("Mål och syfte"),), "klippan-mal-2"),
        para(
            Run("se ", anchor=None),
            Run("målen", anchor="klippan-mal"),
            Run(" och "),
            Run("igen", anchor="klippan-mal-2"),
            Run(" och "),
            Run("källan", anchor="kalla-sol"),
        ),
    )
    assert markdown.endswith(
        "se [målen](#mål-och-syfte) och [igen](#mål-och-syfte-1) och [källan](#kalla-sol)\n"
    )


# --- Blocks ---------------------------------------------------------------------------------


def test_nested_lists_indent_to_the_content_column() -> None:
    lst = ListBlock(
        ordered=True,
        start=9,
        items=(
            ListItem((para(Run("nio")),)),
            ListItem(
                (
                    para(Run("tio")),
                    ListBlock(
                        ordered=False,
                        items=(
                            ListItem(
                                (
                                    para(Run("punkt")),
                                    ListBlock(ordered=True, items=(ListItem((para(Run("ett")),)),)),
                                )
                            ),
                        ),
                    ),
                )
            ),
        ),
    )
    markdown = render(lst)
    assert markdown == "9. nio\n10. tio\n    - punkt\n      1. ett\n"
    assert read_back(markdown) == [lst]


def test_list_items_with_several_blocks_are_loose() -> None:
    lst = ListBlock(
        ordered=False,
        items=(
            ListItem((para(Run("ett")), para(Run("mer")))),
            ListItem((CodeBlock("kod"),)),
            ListItem(()),
        ),
    )
    markdown = render(lst)
    assert markdown == "- ett\n\n  mer\n\n- ```\n  kod\n  ```\n\n-\n"
    assert read_back(markdown) == [lst]


def test_nested_ordered_list_not_starting_at_one_makes_the_list_loose() -> None:
    inner = ListBlock(ordered=True, start=5, items=(ListItem((para(Run("fem")),)),))
    lst = ListBlock(ordered=False, items=(ListItem((para(Run("a")), inner)),))
    markdown = render(lst)
    assert markdown == "- a\n\n  5. fem\n"
    assert read_back(markdown) == [lst]


def test_lists_in_a_row_get_different_markers_and_stay_apart() -> None:
    def bullets(text: str) -> ListBlock:
        return ListBlock(ordered=False, items=(ListItem((para(Run(text)),)),))

    def numbers(text: str) -> ListBlock:
        return ListBlock(ordered=True, items=(ListItem((para(Run(text)),)),))

    blocks = [bullets("a"), bullets("b"), bullets("c"), numbers("d"), numbers("e")]
    markdown = render(*blocks)
    assert markdown == "- a\n\n* b\n\n- c\n\n1. d\n\n1) e\n"
    assert read_back(markdown) == blocks


def test_quote_prefixes_every_line() -> None:
    quote = Quote((para(Run("ett")), Quote((para(Run("två")),)), CodeBlock("a\n\nb")))
    markdown = render(quote)
    assert markdown == "> ett\n>\n> > två\n>\n> ```\n> a\n>\n> b\n> ```\n"
    assert read_back(markdown) == [quote]


def test_code_block_fence_is_longer_than_any_backtick_run_inside() -> None:
    block = CodeBlock("```\n````x\n```")
    markdown = render(block)
    assert markdown.startswith("`````\n")
    assert read_back(markdown) == [block]


def test_code_block_loses_trailing_whitespace_only() -> None:
    markdown = render(CodeBlock("  indrag  \n\ttab\t"))
    assert markdown == "```\n  indrag\n\ttab\n```\n"


def test_table_is_a_gfm_pipe_table_with_caption_alignment_and_timeline_bars() -> None:
    table = Table(
        header=(Cell((Run("Åtgärd"),)), Cell((Run("Q1"),), align="center")),
        rows=(
            (Cell((Run("Kartlägga"),), align="left"), Cell((), fill="1F4E79")),
            (Cell((Run("Utbilda", bold=True),)),),
        ),
        caption="Tidslinje",
        widths=(3.0, 1.0),
    )
    markdown = render(table)
    assert markdown == (
        "*Tabell 1: Tidslinje*\n"
        "\n"
        "| Åtgärd | Q1 |\n"
        "| :-- | :-: |\n"
        "| Kartlägga | ■ |\n"
        "| **Utbilda** |  |\n"
    )


def test_table_without_header_cells_still_gets_a_header_row() -> None:
    table = Table(header=(), rows=((Cell((Run("a"),)), Cell((Run("b"),))),))
    markdown = render(table)
    assert markdown == "|  |  |\n| --- | --- |\n| a | b |\n"
    [back] = read_back(markdown)
    assert isinstance(back, Table) and back.rows == ((Cell((Run("a"),)), Cell((Run("b"),))),)


def test_cover_page_becomes_the_title_h1_marking_subtitle_and_facts() -> None:
    # GitLab folds the front matter away: the title is the one H1, chapters are H2s.
    cover = CoverPage(
        title="Omställningsplan",
        subtitle="Klippans kommun",
        facts=(("Version", "1.0"), ("Beslutad", "")),
        marking="EXEMPEL",
        logo="logo.png",
        logo_alt="Logotyp",
    )
    markdown = render(cover, TableOfContents(), PageBreak(), Heading(1, (Run("Inledning"),)))
    assert markdown == (
        "# Titel\n\n**EXEMPEL**\n\nKlippans kommun\n\n- **Version:** 1.0\n- **Beslutad:**\n\n"
        "## Inledning\n"
    )
    headings = iter_headings(tuple(read_back(markdown)))
    assert [h.text for h in headings] == ["Titel", "Inledning"]


def test_table_of_contents_and_page_breaks_give_nothing() -> None:
    assert render(TableOfContents(), PageBreak()) == ""
    assert render(para(Run("a")), PageBreak(), para(Run("b"))) == "a\n\nb\n"


def test_empty_paragraphs_are_left_out() -> None:
    assert render(para(), para(Run("  ")), para(LineBreak()), para(Run("x"))) == "x\n"


def test_caption_paragraph_is_italic() -> None:
    assert render(Paragraph((Run("Figur 1"),), role="caption")) == "*Figur 1*\n"


def test_output_is_deterministic() -> None:
    tree = read_back(RICH_SAMPLE)
    front = {"title": "Plan", "lang": "sv"}
    assert render_markdown(doc(*tree, front_matter=front)) == render_markdown(
        doc(*tree, front_matter=front)
    )


def test_front_matter_is_followed_by_a_blank_line_and_the_body() -> None:
    out = render_markdown(doc(Heading(1, (Run("Inledning"),)), front_matter={"title": "Plan"}))
    assert out == '---\ntitle: "Plan"\n---\n\n# Inledning\n'


def test_paragraph_text_survives_parse_inline() -> None:
    runs = (Run("a "), Run("b", italic=True), Run(" [@x] *"))
    markdown = render(Paragraph(runs)).rstrip("\n")
    assert parse_inline(markdown) == runs


def test_rich_sample_headings_round_trip() -> None:
    tree = read_back(textwrap.dedent(RICH_SAMPLE))
    back = read_back(render(*tree))
    assert [(h.level, h.text) for h in iter_headings(tuple(back))] == [
        (1, "Inledning"),
        (2, "Mål och syfte"),
    ]

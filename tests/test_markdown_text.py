from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omstallning.check.rules import possible_citation_keys
from omstallning.documents.markdown_text import (
    find_citations,
    parse_inline,
    parse_markdown,
)
from omstallning.documents.tree import (
    Block,
    Cell,
    CodeBlock,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Run,
    Table,
)
from omstallning.text import github_slug, slugify


def md(text: str, **kwargs: object) -> list[Block]:
    kwargs.setdefault("base_level", 1)
    return parse_markdown(textwrap.dedent(text), **kwargs)  # type: ignore[arg-type]


def runs_of(block: Block) -> tuple[Inline, ...]:
    assert isinstance(block, Paragraph | Heading), block
    return block.runs


def cite_numbers(keys: tuple[str, ...]) -> tuple[Run, ...]:
    return (Run("[" + ",".join(keys) + "]", anchor="kallor"),)


# --- Headings -------------------------------------------------------------------------------


def test_headings_are_nested_below_the_base_level_and_capped_at_six() -> None:
    blocks = md(
        """\
        # Ett
        ## Två
        ### Tre
        ###### Sex
        """,
        base_level=2,
    )
    assert [(b.level, b.text) for b in blocks if isinstance(b, Heading)] == [
        (3, "Ett"),
        (4, "Två"),
        (5, "Tre"),
        (6, "Sex"),
    ]


def test_setext_headings_count_like_atx_headings() -> None:
    blocks = md("Rubrik\n======\n\nUnder\n------\n", base_level=0)
    assert [(b.level, b.text) for b in blocks if isinstance(b, Heading)] == [
        (1, "Rubrik"),
        (2, "Under"),
    ]


def test_heading_anchors_are_prefixed_ascii_slugs_unique_within_a_call() -> None:
    blocks = md(
        """\
        # Mål och syfte
        # Mål och syfte
        # Åtgärder: 2025–2028!
        # ***
        """,
        anchor_prefix="klippan-",
    )
    anchors = [b.anchor for b in blocks if isinstance(b, Heading)]
    assert anchors == [
        "klippan-mal-och-syfte",
        "klippan-mal-och-syfte-2",
        "klippan-atgarder-2025-2028",
        "klippan-rubrik",
    ]
    assert all(a is not None and a.isascii() for a in anchors)


def test_slugs() -> None:
    assert slugify("Förebyggande  arbete – översikt") == "forebyggande-arbete-oversikt"
    assert github_slug("Mål 1: Förebyggande arbete") == "mål-1-förebyggande-arbete"
    assert github_slug("a_b  c-d (e)") == "a_b--c-d-e"


# --- Inline ---------------------------------------------------------------------------------


def test_bold_italic_code_and_strike_become_run_flags() -> None:
    [para] = md("**fet** *kursiv* `kod` ~~struken~~ ***båda*** **yttre *inre* yttre**")
    assert runs_of(para) == (
        Run("fet", bold=True),
        Run(" "),
        Run("kursiv", italic=True),
        Run(" "),
        Run("kod", code=True),
        Run(" "),
        Run("struken", strike=True),
        Run(" "),
        Run("båda", bold=True, italic=True),
        Run(" "),
        Run("yttre ", bold=True),
        Run("inre", bold=True, italic=True),
        Run(" yttre", bold=True),
    )


def test_links_put_their_url_on_every_run_inside() -> None:
    [para] = md("Se [lagen *här*](https://www.riksdagen.se/) och <https://example.se>.")
    assert runs_of(para) == (
        Run("Se "),
        Run("lagen ", url="https://www.riksdagen.se/"),
        Run("här", italic=True, url="https://www.riksdagen.se/"),
        Run(" och "),
        Run("https://example.se", url="https://example.se"),
        Run("."),
    )


def test_fragment_links_become_internal_links_to_the_heading_anchor() -> None:
    blocks = md(
        """\
        Läs [målen](#mål-och-syfte) och [annat](#saknas).

        # Mål och syfte
        """,
        anchor_prefix="p-",
    )
    para = blocks[0]
    assert runs_of(para)[1] == Run("målen", anchor="p-mal-och-syfte")
    assert runs_of(para)[3] == Run("annat", anchor="saknas")


def test_hard_break_is_a_line_break_and_soft_break_a_space() -> None:
    [para] = md("ett  \ntvå\\\ntre\nfyra")
    assert runs_of(para) == (Run("ett"), LineBreak(), Run("två"), LineBreak(), Run("tre fyra"))


def test_image_becomes_its_alt_text_in_italics() -> None:
    [para] = md("Före ![Karta över *regionen*](karta.png) efter")
    assert runs_of(para) == (Run("Före "), Run("Karta över regionen", italic=True), Run(" efter"))


def test_raw_html_stays_literal_text() -> None:
    blocks = md("<div>\nText <b>fet?</b> <!-- kommentar -->\n</div>\n")
    text = "".join(r.text for b in blocks for r in runs_of(b) if isinstance(r, Run))
    assert "<div>" in text
    assert "<b>fet?</b>" in text
    assert "<!-- kommentar -->" in text


def test_special_characters_are_kept_as_they_are() -> None:
    source = "a\u00a0b soft\u00adhyphen ”citat” ’apostrof’ tab\there &amp; &#64;"
    [para] = md(source)
    assert runs_of(para) == (Run("a\u00a0b soft\u00adhyphen ”citat” ’apostrof’ tab\there & @"),)


def test_parse_inline_ignores_block_syntax() -> None:
    assert parse_inline("# a *b*") == (Run("# a "), Run("b", italic=True))
    assert parse_inline("") == ()


# --- Blocks ---------------------------------------------------------------------------------


def test_nested_lists_three_deep_keep_the_start_of_ordered_lists() -> None:
    blocks = md(
        """\
        3. tre
        4. fyra
           - punkt

             7. sju
             8. åtta
        """
    )
    p = Paragraph
    assert blocks == [
        ListBlock(
            ordered=True,
            start=3,
            items=(
                ListItem((p((Run("tre"),)),)),
                ListItem(
                    (
                        p((Run("fyra"),)),
                        ListBlock(
                            ordered=False,
                            items=(
                                ListItem(
                                    (
                                        p((Run("punkt"),)),
                                        ListBlock(
                                            ordered=True,
                                            start=7,
                                            items=(
                                                ListItem((p((Run("sju"),)),)),
                                                ListItem((p((Run("åtta"),)),)),
                                            ),
                                        ),
                                    )
                                ),
                            ),
                        ),
                    )
                ),
            ),
        )
    ]


def test_tight_and_loose_lists_give_the_same_tree() -> None:
    tight = md("- a\n  - b\n- c\n")
    loose = md("- a\n\n  - b\n\n- c\n")
    assert tight == loose
    [lst] = tight
    assert isinstance(lst, ListBlock)
    assert isinstance(lst.items[0].blocks[0], Paragraph)
    assert isinstance(lst.items[0].blocks[1], ListBlock)


def test_block_quote_holds_blocks() -> None:
    assert md("> Citat *här*\n>\n> - punkt\n") == [
        Quote(
            (
                Paragraph((Run("Citat "), Run("här", italic=True))),
                ListBlock(ordered=False, items=(ListItem((Paragraph((Run("punkt"),)),)),)),
            )
        )
    ]


def test_fenced_and_indented_code_become_code_blocks() -> None:
    blocks = md("```python\nx = 1\n  y = [@a]\n```\n\n    indraget\n")
    assert blocks == [CodeBlock("x = 1\n  y = [@a]"), CodeBlock("indraget")]


def test_gfm_table_keeps_column_alignment_on_every_cell() -> None:
    [table] = md(
        """\
        | Vänster | Mitten | Höger | Ingen |
        |:--------|:------:|------:|-------|
        | a | **b** | `c\\|d` | e |
        """
    )
    assert table == Table(
        header=(
            Cell((Run("Vänster"),), align="left"),
            Cell((Run("Mitten"),), align="center"),
            Cell((Run("Höger"),), align="right"),
            Cell((Run("Ingen"),), align=None),
        ),
        rows=(
            (
                Cell((Run("a"),), align="left"),
                Cell((Run("b", bold=True),), align="center"),
                Cell((Run("c|d", code=True),), align="right"),
                Cell((Run("e"),), align=None),
            ),
        ),
    )


def test_thematic_break_gives_nothing() -> None:
    assert md("a\n\n---\n\nb\n") == [Paragraph((Run("a"),)), Paragraph((Run("b"),))]


def test_empty_text_gives_no_blocks() -> None:
    assert md("") == []
    assert md("\n\n   \n") == []


# --- Citations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Enligt [@sol2025].", (Run("Enligt "), Run("[sol2025]", anchor="kallor"), Run("."))),
        (
            "Se [@sol2025; @prop2025]",
            (Run("Se "), Run("[sol2025,prop2025]", anchor="kallor")),
        ),
        (
            "Se [@sol2025, s. 12]",
            (Run("Se "), Run("[sol2025]", anchor="kallor"), Run(", s. 12")),
        ),
        (
            "[@a, kap. 2; @b]",
            (
                Run("[a]", anchor="kallor"),
                Run(", kap. 2; "),
                Run("[b]", anchor="kallor"),
            ),
        ),
        ("[@doi:10.1000/x.y-z]", (Run("[doi:10.1000/x.y-z]", anchor="kallor"),)),
        ("[ @a]", (Run("[ @a]"),)),
        ("[@ foo]", (Run("[@ foo]"),)),
        ("[@]", (Run("[@]"),)),
        ("[@a.]", (Run("[@a.]"),)),
        ("[@a", (Run("[@a"),)),
        ("\\[@a]", (Run("[@a]"),)),
        ("`[@a]`", (Run("[@a]", code=True),)),
    ],
)
def test_citations_are_replaced_by_what_cite_returns(
    source: str, expected: tuple[Inline, ...]
) -> None:
    [para] = md(source, cite=cite_numbers)
    assert runs_of(para) == expected


def test_without_cite_citations_stay_as_written() -> None:
    [para] = md("Se [@sol2025; @prop2025, s. 3] här.")
    assert runs_of(para) == (Run("Se [@sol2025; @prop2025, s. 3] här."),)


def test_citation_inside_emphasis_and_links_takes_their_formatting() -> None:
    [para] = md("*se [@a]* [text [@b]](https://x.se)", cite=lambda keys: (Run("1"),))
    assert runs_of(para) == (
        Run("se 1", italic=True),
        Run(" "),
        Run("text 1", url="https://x.se"),
    )


def test_a_citation_followed_by_a_destination_is_a_link() -> None:
    [para] = md("[@a](https://x.se)", cite=cite_numbers)
    assert runs_of(para) == (Run("@a", url="https://x.se"),)


def test_citation_may_span_a_soft_line_break() -> None:
    [para] = md("Se [@a;\n@b] nu", cite=cite_numbers)
    assert runs_of(para) == (Run("Se "), Run("[a,b]", anchor="kallor"), Run(" nu"))


def test_citations_in_headings_and_table_cells_are_replaced() -> None:
    blocks = md("# Lagen [@sol]\n\n| a |\n|---|\n| [@t] |\n", cite=cite_numbers)
    heading, table = blocks
    assert isinstance(heading, Heading) and heading.text == "Lagen [sol]"
    assert isinstance(table, Table) and table.rows[0][0].runs == (Run("[t]", anchor="kallor"),)


# --- find_citations -------------------------------------------------------------------------


def test_find_citations_gives_lines_and_columns_of_each_key() -> None:
    text = textwrap.dedent(
        """\
        # Rubrik [@h]

        Text [@a] och [@b; @c, s. 4].

        - punkt
          - djupare [@d]

        > citat [@e]

        | x | y |
        |---|---|
        | [@f] | [@f] |
        """
    )
    assert find_citations(text) == [
        ("h", 1, 11),
        ("a", 3, 7),
        ("b", 3, 16),
        ("c", 3, 20),
        ("d", 6, 14),
        ("e", 8, 10),
        ("f", 12, 4),
        ("f", 12, 11),
    ]


def test_find_citations_skips_code_and_escapes() -> None:
    text = "`[@kod]` \\[@esc] [@ja]\n\n```\n[@block]\n```\n\n    [@indrag]\n"
    assert find_citations(text) == [("ja", 1, 19)]


def test_find_citations_counts_columns_in_characters_after_tabs_and_unicode() -> None:
    text = "Åäö\t[@x] [@y]\r\nrad två [@z]\n"
    assert find_citations(text) == [("x", 1, 6), ("y", 1, 11), ("z", 2, 10)]


def test_find_citations_agrees_with_parse_markdown() -> None:
    text = "[@a.] [@b.c] [@d:] [@e:f] [@ g] [@h, s. 1; @i] *[@j]* [x [@k]](u)"
    seen: list[str] = []

    def cite(keys: tuple[str, ...]) -> tuple[Run, ...]:
        seen.extend(keys)
        return ()

    parse_markdown(text, base_level=0, cite=cite)
    found = find_citations(text)
    assert [k for k, _, _ in found] == seen == ["b.c", "e:f", "h", "i", "j", "k"]
    for key, line, col in found:
        assert text.split("\n")[line - 1][col - 1 :].startswith("@" + key)


# Citation-like text: keys, brackets, code, escapes and punctuation around them.
_CITATION_TEXT = st.lists(
    st.sampled_from(
        [*"[]@;,.:-_/ `\\*\n", "sol2025", "a.b", "x:", "p. 5", "[@", "@k", "å", "[@sol2025]"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
@given(text=_CITATION_TEXT)
def test_possible_keys_hold_every_key_the_parser_finds(text: str) -> None:
    # The citations rule skips the parse when every possible key is known; a key the
    # parser finds but the superset misses would be an unknown citation never reported.
    found = {key for key, _line, _col in find_citations(text)}
    assert found <= possible_citation_keys(text)

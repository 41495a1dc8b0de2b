"""Clear Swedish: sentence length, LIX per section, abbreviations; the default passes."""

from __future__ import annotations

from pathlib import Path

import yaml

from omstallning.intro.language import (
    MAX_LIX,
    MAX_SENTENCE_WORDS,
    explained_terms,
    hard_sections,
    long_sentences,
    section_stats,
    sentences,
    unexplained_abbreviations,
)
from omstallning.load.loader import split_front_matter

from .conftest import REPO

DEFAULT = REPO / "templates" / "region"


def test_sentences_end_at_full_stops_but_not_after_abbreviations() -> None:
    text = "Det gäller t.ex. SKR och prop. 2024/25:89. Nästa mening börjar här! En till?"
    assert [s.words for s in sentences(text)] == [7, 4, 2]


def test_citations_links_and_tables_are_not_words() -> None:
    text = "Lagen gäller [@sol2025; @prop2025]. Se [sidan](https://x.se/a.b).\n\n| a | b |\n"
    assert [s.words for s in sentences(text)] == [2, 2]


def test_each_list_item_ends_a_sentence_and_positions_are_in_the_text() -> None:
    text = "Inledning.\n\n- Första punkten utan punkt\n- Andra punkten"
    found = sentences(text)
    assert [(s.words, s.line, s.column) for s in found] == [(1, 1, 1), (4, 3, 3), (2, 4, 3)]


def test_a_long_sentence_is_found_where_it_starts() -> None:
    long = " ".join(["ord"] * (MAX_SENTENCE_WORDS + 1)) + "."
    (found,) = long_sentences(f"Kort mening.\n\nEn {long}")
    assert (found.line, found.column, found.words) == (3, 1, MAX_SENTENCE_WORDS + 2)
    assert long_sentences(" ".join(["ord"] * MAX_SENTENCE_WORDS) + ".") == []


def test_lix_is_words_per_sentence_plus_percent_long_words() -> None:
    (stats,) = section_stats("Kort ord här. Socialtjänsten arbetar förebyggande.")
    # Long: more than six letters (socialtjänsten, arbetar, förebyggande).
    assert (stats.words, stats.sentences, stats.long_words) == (6, 2, 3)
    assert stats.lix == 3 + 100 * 3 / 6


def test_short_sections_are_not_measured() -> None:
    assert hard_sections("Socialtjänstlagstiftningens myndighetsutövningsregler.") == []


def test_abbreviations_explained_by_the_glossary_or_in_parentheses_pass() -> None:
    text = "Lagen om vård av unga (LVU) gäller. LVU ändras. IVO granskar. SoL och TSI."
    found = unexplained_abbreviations(text, explained_terms(["SoL", "TSI (tidiga insatser)"]))
    assert [w for w, _, _ in found] == ["IVO"]


def test_placeholders_variables_and_roman_numerals_are_not_abbreviations() -> None:
    text = "TODO skriv. ATT SKRIVA: text. Se ${HOME} och www.SKR.se. Del II. EU gäller."
    assert unexplained_abbreviations(text, set()) == []


def test_the_default_introduction_passes_the_clear_language_check() -> None:
    glossary = yaml.safe_load((DEFAULT / "begrepp.yaml").read_text(encoding="utf-8"))
    explained = explained_terms(glossary)
    for path in sorted((DEFAULT / "inledning").glob("*.md")):
        body = split_front_matter(path.read_text(encoding="utf-8"))[1]
        assert long_sentences(body) == [], path.name
        assert hard_sections(body) == [], path.name
        assert unexplained_abbreviations(body, explained) == [], path.name
        assert all(s.lix <= MAX_LIX for s in section_stats(body) if s.words >= 80)


def test_the_region_can_turn_the_check_off(tmp_path: Path) -> None:
    from omstallning.check.validate import validate_region

    from .conftest import CONFIG, region_files, write_tree

    part = "---\nid: lagen\nrubrik: Lagen\n---\nEnligt LVU gäller det.\n"
    on = write_tree(tmp_path / "on", region_files(inledning__lagen_DOT_md=part))
    config = CONFIG.replace("krav:\n", "krav:\n  klarspråk: false\n")
    off = write_tree(
        tmp_path / "off",
        region_files(inledning__lagen_DOT_md=part, omstallning_DOT_yaml=config),
    )
    assert [f.code for f in validate_region(on)[1]] == ["oforklarad-forkortning"]
    assert validate_region(off)[1] == []

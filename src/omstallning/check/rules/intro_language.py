"""Clear Swedish (klarspråk) in the introduction and the municipalities' sections.

Warnings only, and a region turns them off with `krav: {klarspråk: false}`. The measures and
their thresholds are in `omstallning.intro.language`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from omstallning.check.rules.registry import W, municipality_rule, rule
from omstallning.findings import Finding
from omstallning.intro.language import (
    MAX_LIX,
    MAX_SENTENCE_WORDS,
    explained_terms,
    hard_sections,
    long_sentences,
    measure,
    unexplained_abbreviations,
)
from omstallning.load.loader import GLOSSARY_FILE, LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry

Where = Callable[[int, int], tuple[int, int]]
_OFF = "Stäng av kontrollen med klarspråk: false under krav i omstallning.yaml."


def _enabled(result: LoadResult) -> bool:
    return not result.config_ok or result.region.config.requirements.plain_language


@rule
def intro_language(result: LoadResult) -> Iterator[Finding]:
    """The intro parts: long sentences, hard sections, unexplained abbreviations."""
    if not _enabled(result):
        return
    explained = explained_terms(result.region.glossary)
    for part in result.region.intro_parts:
        yield from language_findings(part.file, part.text, _in_body(part.body_line), explained)


@municipality_rule
def section_language(
    result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[Finding]:
    """A municipality's section texts, as `intro_language`."""
    if sm is None or not _enabled(result):
        return
    explained = explained_terms(result.region.glossary)
    for i, section in enumerate(entry.plan.sections):
        where = _in_scalar(sm, ("avsnitt", i, "text"))
        yield from language_findings(entry.file, section.text, where, explained)


def _in_body(body_line: int) -> Where:
    return lambda line, col: (body_line + line - 1, col)


def _in_scalar(sm: SourceMap, path: tuple[str | int, ...]) -> Where:
    return lambda line, col: sm.text_pos(path, line, col)


def language_findings(file: str, text: str, where: Where, explained: set[str]) -> Iterator[Finding]:
    """The clear-language warnings for one Markdown text."""
    measured_sentences, measured_sections = measure(text)
    for sentence in long_sentences(text, measured=measured_sentences):
        yield Finding(
            file,
            *where(sentence.line, sentence.column),
            "lang-mening",
            W,
            f"Meningen har {sentence.words} ord (mer än {MAX_SENTENCE_WORDS}). Dela upp den i "
            f"två eller flera meningar. {_OFF}",
        )
    for section in hard_sections(text, measured=measured_sections):
        name = f"Avsnittet ”{section.heading}”" if section.heading else "Texten"
        yield Finding(
            file,
            *where(section.line, 1),
            "svar-text",
            W,
            f"{name} har läsbarhetsindex LIX {section.lix:.0f} (över {MAX_LIX}: mycket svår "
            "text). Skriv kortare meningar och byt långa sammansatta ord mot enklare där det "
            f"går. {_OFF}",
        )
    for word, line, col in unexplained_abbreviations(text, explained):
        yield Finding(
            file,
            *where(line, col),
            "oforklarad-forkortning",
            W,
            f"Förkortningen {word} förklaras inte. Skriv ut den första gången med förkortningen "
            f"inom parentes, t.ex. ”lagen om … ({word})”, eller lägg till den i "
            f"{GLOSSARY_FILE}. {_OFF}",
        )

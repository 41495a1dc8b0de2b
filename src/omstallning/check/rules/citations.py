"""Citations: every [@key] in a text names a source in kallor.yaml."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from omstallning.check.rules.registry import E, municipality_rule, rule
from omstallning.findings import Finding
from omstallning.load.loader import GLOSSARY_FILE, SOURCES_FILE, LoadResult
from omstallning.load.yaml_source import SourceMap
from omstallning.model import MunicipalityEntry
from omstallning.text import fold

# "@" and a key as `markdown_text._scan_citation` reads it (its _KEY_FIRST, _KEY_CHARS),
# wherever it stands.
_KEY_ANYWHERE = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*)")


def possible_citation_keys(text: str) -> set[str]:
    """Every key `find_citations` could find in `text`, and perhaps more.

    A key is read from the source text as it stands, so each one appears there as `@key`;
    this finds them all without parsing (in code spans too). When all of these are known,
    no citation in the text can be unknown and the parse is skipped; a region whose
    citations are all known never imports the Markdown parser (`validate` starts sooner).
    A property test holds this against `find_citations`.
    """
    return {m.group(1).rstrip(".:") for m in _KEY_ANYWHERE.finditer(text)}


def _yaml_texts(entry: MunicipalityEntry) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every Markdown-bearing text of a municipality, with its YAML path."""
    plan = entry.plan
    for i, s in enumerate(plan.sections):
        yield ("avsnitt", i, "text"), s.text
    for i, g in enumerate(plan.goals):
        if g.description:
            yield ("mål", i, "beskrivning"), g.description
    for i, a in enumerate(plan.activities):
        if a.description:
            yield ("aktiviteter", i, "beskrivning"), a.description
    for i, v in enumerate(plan.interventions):
        for key, value in (("villkor", v.conditions), ("beskrivning", v.description)):
            if value:
                yield ("insatser", i, key), value
    for i, c in enumerate(plan.collaboration):
        for key, value in (("form", c.form), ("beskrivning", c.description)):
            if value:
                yield ("samverkan", i, key), value


TextPosition = Callable[[int, int], tuple[int, int]]


def _empty_file(path: Path) -> bool:
    """True for a file with nothing but blanks, comments and perhaps `{}`."""
    try:
        text = path.read_text("utf-8-sig", errors="replace")
    except OSError:
        return False
    lines = [ln.strip() for ln in text.splitlines()]
    return all(not ln or ln.startswith("#") or ln == "{}" for ln in lines)


def _guess_source(key: str, known: list[str]) -> str:
    """` Menade du @nuso?` for `nuso2025`, `Nuso` or `nusso`; "" without a good guess."""
    folded = {fold(k): k for k in known}
    close = folded.get(fold(key))
    if close is None:  # a year or a suffix added to the key: nuso2025 -> nuso
        stems = [k for f, k in folded.items() if len(f) >= 3 and fold(key).startswith(f)]
        close = max(stems, key=len) if stems else None
    if close is None:
        match = difflib.get_close_matches(fold(key), list(folded), n=1, cutoff=0.75)
        close = folded[match[0]] if match else None
    return f" Menade du @{close}?" if close else ""


def _in_body(body_line: int) -> TextPosition:
    return lambda line, col: (body_line + line - 1, col)


def _in_scalar(sm: SourceMap, path: tuple[str | int, ...]) -> TextPosition:
    return lambda line, col: sm.text_pos(path, line, col)


def shared_texts(result: LoadResult) -> Iterator[tuple[str, str, TextPosition]]:
    """The introduction's and the glossary's Markdown texts, which every plan shares.

    Each as (file, text, map from a position in the text to one in the file).
    """
    region = result.region
    for part in region.intro_parts:
        yield part.file, part.text, _in_body(part.body_line)
    gsm = result.maps.get(GLOSSARY_FILE)
    if gsm is not None:
        for term, definition in region.glossary.items():
            yield GLOSSARY_FILE, definition, _in_scalar(gsm, (term,))


def municipality_texts(
    entry: MunicipalityEntry, sm: SourceMap | None
) -> Iterator[tuple[str, str, TextPosition]]:
    """The Markdown texts of one municipality file, as `shared_texts` gives them."""
    if sm is not None:
        for path, text in _yaml_texts(entry):
            yield entry.file, text, _in_scalar(sm, path)


TextCheck = Callable[[LoadResult, Iterator[tuple[str, str, TextPosition]]], Iterator[Finding]]
"""A check of Markdown texts as `shared_texts` and `municipality_texts` give them."""


def text_rule(check: TextCheck) -> TextCheck:
    """Register `check` as a region rule and a municipality rule.

    The region rule runs it over the texts every plan shares (`shared_texts`), the
    municipality rule over each municipality's own (`municipality_texts`).
    """

    @rule
    def shared(result: LoadResult) -> Iterator[Finding]:
        return check(result, shared_texts(result))

    @municipality_rule
    def own(
        result: LoadResult, entry: MunicipalityEntry, sm: SourceMap | None
    ) -> Iterator[Finding]:
        return check(result, municipality_texts(entry, sm))

    return check


@text_rule
def unknown_citations(
    result: LoadResult, texts: Iterator[tuple[str, str, TextPosition]]
) -> Iterator[Finding]:
    """Every [@key] in the texts names a source in kallor.yaml."""
    known = result.region.sources
    sources_exist = (result.region.root / SOURCES_FILE).is_file()
    if sources_exist and not known and _empty_file(result.region.root / SOURCES_FILE):
        return  # an empty kallor.yaml is reported once there, not at every citation
    for file, text, where in texts:
        if "[@" not in text or possible_citation_keys(text) <= known.keys():
            continue  # no citation, or none that could be unknown: no need to parse
        from omstallning.documents.markdown_text import find_citations

        for key, line, col in find_citations(text):
            if key in known:
                continue
            fline, fcol = where(line, col)
            hint = (
                f"Lägg till ”{key}” i {SOURCES_FILE}"
                if sources_exist
                else f"Skapa {SOURCES_FILE} med källan ”{key}”"
            )
            fix = _guess_source(key, list(known))
            yield Finding(
                file,
                fline,
                fcol,
                "okand-kalla",
                E,
                f"Källan ”@{key}” finns inte i {SOURCES_FILE}.{fix} {hint}, eller rätta nyckeln.",
            )

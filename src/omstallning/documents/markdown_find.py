"""Where citations and images stand in a Markdown text, for validation (line and column).

They are recognised exactly as `markdown_text.parse_markdown` recognises them. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote

from markdown_it.token import Token

from omstallning.documents.markdown_citations import CitationItem
from omstallning.documents.markdown_lines import source_lines
from omstallning.documents.markdown_text import MARKDOWN as _MD


def _line_origins(token: Token, lines: list[str], cursors: dict[int, int]) -> list[int | None]:
    """For each line of an inline token's content, the source column of its first character.

    markdown-it keeps only line numbers (`token.map`), and each content line is its source
    line minus container markers and indentation; so the content is found in the source
    line, left to right (several table cells share one line).
    """
    origins: list[int | None] = []
    first = token.map[0] if token.map else None
    for k, content_line in enumerate(token.content.split("\n")):
        body = content_line.strip(" \t")
        n = None if first is None else first + k
        if n is None or n >= len(lines) or not body:
            origins.append(None)
            continue
        idx = lines[n].find(body, cursors.get(n, 0))
        if idx < 0:
            origins.append(None)
            continue
        cursors[n] = idx + len(body)
        origins.append(idx - (len(content_line) - len(content_line.lstrip(" \t"))))
    return origins


def _walk(tokens: Sequence[Token], kind: str) -> list[Token]:
    """Every token of type `kind` in `tokens` and their children (an image's alt text), in order."""
    found: list[Token] = []
    for tok in tokens:
        if tok.type == kind:
            found.append(tok)
        if tok.children:
            found.extend(_walk(tok.children, kind))
    return found


def find_citations(text: str) -> list[tuple[str, int, int]]:
    r"""Every citation key in a Markdown text, with its position, for validation.

    Citations are recognised exactly as `parse_markdown` does, so code spans, code blocks
    and escaped brackets (`\[@x]`) are skipped.

    Args:
        text: The Markdown, without front matter (add the body's first line number
            yourself).

    Returns:
        `(key, line, column)` for each key, 1-based, the column being that of the `@`;
        in source order.
    """
    lines = source_lines(text)
    cursors: dict[int, int] = {}
    found: list[tuple[str, int, int]] = []
    for token in _MD.parse(text, {}):
        if token.type != "inline" or token.map is None:
            continue
        origins = _line_origins(token, lines, cursors)
        for citation in _walk(token.children or [], "citation"):
            src: str = citation.meta["src"]
            # Image alt text is parsed on its own, with offsets relative to the alt text.
            base = 0 if src == token.content else token.content.find(src)
            for item in citation.meta["items"]:
                found.append((item.key, *_position(token, origins, lines, base, item)))
    return sorted(found, key=lambda f: (f[1], f[2]))


def _position(
    token: Token,
    origins: list[int | None],
    lines: list[str],
    base: int,
    item: CitationItem,
) -> tuple[int, int]:
    first = token.map[0] if token.map else 0
    content = token.content
    if base >= 0:
        offset = base + item.at
        k = content.count("\n", 0, offset)
        origin = origins[k] if k < len(origins) else None
        if origin is not None:
            return first + k + 1, origin + offset - (content.rfind("\n", 0, offset) + 1) + 1
    else:
        k = 0
    # Could not map the content back to its source line (tabs expanded, `\|` in a table
    # cell): fall back to the first `@key` on the line.
    n = min(first + k, len(lines) - 1)
    col = lines[n].find("@" + item.key)
    return n + 1, col + 1 if col >= 0 else 1


def find_images(text: str) -> list[tuple[str, int, int]]:
    """Every image `![alt](src)` of a Markdown text as `(src, line, column)`, for validation.

    Images are recognised exactly as `parse_markdown` does (not in code); the position is
    that of the `![`, 1-based, as `find_citations` gives it (add the body's first line).
    """
    lines = source_lines(text)
    found: list[tuple[str, int, int]] = []
    for token in _MD.parse(text, {}):
        if token.type != "inline" or token.map is None:
            continue
        line, col = token.map[0], 0
        for image in _walk(token.children or [], "image"):
            src = unquote(str(image.attrGet("src") or ""))
            while line < min(token.map[1], len(lines)):
                at = lines[line].find("![", col)
                if at >= 0:
                    col = at + 2
                    break
                line, col = line + 1, 0
            n = min(line, len(lines) - 1)
            found.append((src, n + 1, max(col - 1, 1)))
    return found

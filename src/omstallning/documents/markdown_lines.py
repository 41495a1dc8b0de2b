"""Paragraph lines as markdown-it gives them: Word's `• ` bullets, space around pictures. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from markdown_it.token import Token

from omstallning.documents.tree import Inline, Run

BULLETS = ("• ", "•\t")
"""A paragraph's lines that start so (a list pasted from Word) are read as a bullet list."""


def merge(runs: Sequence[Inline]) -> tuple[Inline, ...]:
    """`markdown_text.merge_runs` (imported late: that module imports this one)."""
    from omstallning.documents.markdown_text import merge_runs

    return merge_runs(runs)


def strip_runs(runs: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Runs without the space left where a picture was cut out of the paragraph."""
    out = list(runs)
    if out and isinstance(out[0], Run):
        out[0] = replace(out[0], text=out[0].text.lstrip())
    if out and isinstance(out[-1], Run):
        out[-1] = replace(out[-1], text=out[-1].text.rstrip())
    return merge(out)


def split_lines(children: Sequence[Token]) -> list[list[Token]]:
    """A paragraph's inline tokens, line by line (split at soft breaks)."""
    lines: list[list[Token]] = [[]]
    for tok in children:
        if tok.type == "softbreak":
            lines.append([])
        else:
            lines[-1].append(tok)
    return lines


def bullet_start(line: Sequence[Token]) -> int | None:
    """The length of the `• ` a line of inline tokens starts with, or None."""
    if line and line[0].type == "text":
        for bullet in BULLETS:
            if line[0].content.startswith(bullet):
                return len(bullet)
    return None


def without_bullet(line: list[Token], n: int) -> list[Token]:
    """A line's tokens without its first `n` characters (the bullet) and the space after."""
    first = Token("text", "", 0, content=line[0].content[n:].lstrip(" \t"))
    return [first, *line[1:]]


def source_lines(text: str) -> list[str]:
    """The lines of a text split at the breaks markdown-it's normaliser knows."""
    # The same line breaks, so that markdown-it's line numbers match ours.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

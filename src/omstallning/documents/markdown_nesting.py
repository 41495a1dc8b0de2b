"""Text nested deeper than the Markdown parser goes is kept, never dropped silently.

markdown-it skips a block nested deeper than `maxNesting` (lists in lists, `> > >`); its
default of 20 lost a list item ten lists deep and text in 20 block quotes, from every output
and without a finding. The parser now goes to `MAX_NESTING`; what still lies deeper is found
here (source lines that are in no block) and kept as a plain paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

MAX_NESTING = 100

_LEAF_TOKENS = frozenset(
    ("paragraph_open", "heading_open", "fence", "code_block", "hr", "html_block", "table_open")
)
_CONTAINER_MARKS = re.compile(r"^(?:\s*(?:>|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$)))*\s*")
_REFERENCE_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:")


def lost_text(lines: Sequence[str], tokens: Sequence[Token]) -> str:
    """The text of lines markdown-it put in no block (nested deeper than MAX_NESTING)."""
    if not any(t.level >= MAX_NESTING - 2 for t in tokens):
        return ""
    covered: set[int] = set()
    for token in tokens:
        if token.type in _LEAF_TOKENS and token.map:
            covered.update(range(token.map[0], token.map[1]))
    lost = []
    for number, line in enumerate(lines):
        core = _CONTAINER_MARKS.sub("", line, count=1).strip()
        if number not in covered and core and not _REFERENCE_DEFINITION.match(core):
            lost.append(core)
    return " ".join(lost)

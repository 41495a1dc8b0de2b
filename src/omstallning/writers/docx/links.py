"""Hyperlink relationships of a document part, added in constant time each.

python-docx's `part.relate_to(url, RT.HYPERLINK, is_external=True)` looks through every
relationship of the part for a match, and again for the next free id, so a text with n
distinct links cost n² steps (20,000 links: minutes per plan). `HyperlinkRels` keeps the
index itself and gives the same ids python-docx would: an existing relationship to the same
target is reused, a new one gets the lowest free `rIdN`.

Only http, https and mailto targets become links (`clickable`): anything else in a
municipality's text or kallor.yaml (`javascript:`, `file:`, `ms-msdt:`) stays plain text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from omstallning.load.ooxml_check import safe_scheme


def clickable(url: str) -> bool:
    """Whether `url` may become a clickable link (http, https, mailto)."""
    return safe_scheme(url)


class HyperlinkRels:
    """The external hyperlink relationships of one part, by target."""

    def __init__(self, part: Any) -> None:
        self._rels = part.rels
        self._by_target: dict[str, str] = {}
        for r_id, rel in self._rels.items():
            if rel.is_external and rel.reltype == RT.HYPERLINK:
                self._by_target.setdefault(rel.target_ref, r_id)
        self._next = 1
        self.lookups = 0  # relationship look-ups: one per link (tests count them)

    def r_id(self, url: str) -> str:
        """The id of the relationship to `url`, added when there is none yet."""
        self.lookups += 1
        found = self._by_target.get(url)
        if found is not None:
            return found
        while f"rId{self._next}" in self._rels:
            self._next += 1
        r_id = f"rId{self._next}"
        self._rels.add_relationship(RT.HYPERLINK, url, r_id, is_external=True)
        self._by_target[url] = r_id
        return r_id


def safe_url(url: str) -> str:
    """Percent-encode what a relationship target may not contain (spaces, quotes, <>).

    Word reports unreadable content for some malformed hyperlink targets; characters
    that are legal in a URL, including existing %-escapes, are left alone.
    """
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")

"""Small text helpers shared by every stage: ASCII folding, slugs and YAML quoting."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII folding: å/ä -> a, ö -> o, other accents dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(name: str) -> str:
    """Turn a name into a file-name slug: lower case ASCII, spaces and odd characters -> `-`."""
    out: list[str] = []
    for ch in fold(name.strip()):
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar that `yaml.safe_load` reads back as exactly `text`."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or ch in "\u2028\u2029\ufeff\ufffe\uffff"
        ):
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def github_slug(text: str) -> str:
    """The id GitHub (and Pandoc's `gfm`) derive from a heading's text, before deduplication.

    Lower case; letters, digits, marks, `-` and `_` are kept, each space becomes `-`, all
    other characters are dropped: `Mål 1: Förebyggande` -> `mål-1-förebyggande`.
    """
    out: list[str] = []
    for ch in text.lower():
        if ch == " ":
            out.append("-")
        elif ch in "-_" or ch.isalnum() or unicodedata.category(ch).startswith("M"):
            out.append(ch)
    return "".join(out)


class GithubSlugger:
    """Deduplicating GitHub ids in document order: `x`, `x-1`, `x-2` (like github-slugger)."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        """The id of the next heading with this text."""
        base = github_slug(text)
        slug = base
        while slug in self._seen:
            self._seen[base] += 1
            slug = f"{base}-{self._seen[base]}"
        self._seen[slug] = 0
        return slug

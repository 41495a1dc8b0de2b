"""Slips that come with text pasted from Word, found where they stand.

A non-breaking space (U+00A0) where YAML needs a space (after `key:`, after a list `-`, in
the indentation) makes PyYAML report a wrong error on the wrong line; `syntax_nbsp` finds
each one and gives the text with an ordinary space there, so the rest of the file is read
as its author meant. Typographic quotes around a whole value (`”1488”`), `•` bullets at the
start of a text line and a ` #` that cuts a text value short are valid YAML that does not
mean what the author thinks; `value_findings` warns about them from the parsed tree.
`omstallning validate --fix` repairs the first three (load/fix.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import ScalarNode

from omstallning.findings import Finding, Severity

NBSP_CHARS = "\u00a0\u2007\u202f"
_NBSP_SET = frozenset(NBSP_CHARS)
OPENING_QUOTES = "”“„‘’»«"
CLOSING_QUOTES = "”“’‘«»"
BULLETS = "•◦▪●"
# A plain key, then a colon with a hard space after it: `ansvarig:⍽Strateg`.
_KEY_NBSP = re.compile(
    r"^([ \u00a0\u2007\u202f]*(?:-[ \u00a0\u2007\u202f]+)*"  # indentation and list dashes
    r"[^\s#'\"\[\]{},:&*!|>%@`-][^#:]*?)"  # a plain key
    r":([\u00a0\u2007\u202f])"
)
_DASH_NBSP = re.compile(r"^([ \u00a0\u2007\u202f]*)-([\u00a0\u2007\u202f])")
_BLOCK_START = re.compile(r"(?:^|[:\-]\s)[|>][-+0-9]*\s*(?:#.*)?$")
_BULLET_LINE = re.compile(rf"^(\s*)[{BULLETS}][ \t\u00a0]*")
FREE_TEXT_KEYS = frozenset(
    {
        "rubrik", "beskrivning", "villkor", "text", "namn", "titel", "undertitel", "form",
        "part", "ansvarig", "kommentar", "motivering", "åtgärder", "nämnd", "organ", "roll",
        "källa", "utgivare",
    }
)  # fmt: skip


def char_name(ch: str) -> str:
    """`U+00A0`."""
    return f"U+{ord(ch):04X}"


@dataclass(frozen=True)
class NbspFix:
    """One hard space where YAML needs an ordinary one (0-based line and column)."""

    line: int
    column: int
    char: str
    where: str  # "efter kolon", "i indraget", "efter bindestrecket"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" " + NBSP_CHARS))


def block_lines(lines: list[str]) -> dict[int, int]:
    """The lines inside block scalars (`|`, `>`), each with its block's content indentation."""
    out: dict[int, int] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if not _BLOCK_START.search(line.rstrip()):
            i += 1
            continue
        parent = _indent(line)
        j = i + 1
        content_indent = -1
        while j < len(lines):
            text = lines[j]
            if text.strip(" " + NBSP_CHARS) == "":
                j += 1
                continue
            if _indent(text) <= parent:
                break
            if content_indent < 0:
                content_indent = _indent(text)
            out[j] = content_indent
            j += 1
        i = j
    return out


def syntax_nbsp(text: str) -> tuple[str, list[NbspFix]]:
    """`text` with an ordinary space for each hard space that YAML reads as syntax."""
    if not any(ch in text for ch in NBSP_CHARS):
        return text, []
    lines = text.split("\n")
    blocks = block_lines(lines)
    fixes: list[NbspFix] = []
    for n, line in enumerate(lines):
        if not any(ch in line for ch in NBSP_CHARS):
            continue
        lead = blocks.get(n, _indent(line))
        chars = list(line)
        for col in range(min(lead, _indent(line))):
            if chars[col] in _NBSP_SET:
                fixes.append(NbspFix(n, col, chars[col], "i indraget"))
                chars[col] = " "
        if n not in blocks:
            current = "".join(chars)
            for pattern, where in ((_DASH_NBSP, "efter bindestrecket"), (_KEY_NBSP, "efter kolon")):
                m = pattern.match(current)
                if m:
                    col = m.start(2)
                    fixes.append(NbspFix(n, col, chars[col], where))
                    chars[col] = " "
                    current = "".join(chars)
        lines[n] = "".join(chars)
    return "\n".join(lines), fixes


def nbsp_findings(fixes: list[NbspFix], file: str, line_offset: int = 0) -> list[Finding]:
    """One error per line and kind of place where YAML reads a hard space as syntax."""
    seen: set[tuple[int, str]] = set()
    firsts = []
    for fix in fixes:
        if (fix.line, fix.where) not in seen:
            seen.add((fix.line, fix.where))
            firsts.append(fix)
    return [
        Finding(
            file,
            fix.line + 1 + line_offset,
            fix.column + 1,
            "hart-mellanslag",
            Severity.ERROR,
            f"Här står ett hårt mellanslag ({char_name(fix.char)}, vanligt i text från Word) "
            f"{fix.where}, där YAML kräver ett vanligt mellanslag. Byt det mot ett vanligt "
            "mellanslag, eller kör ”omstallning validate --fix”.",
        )
        for fix in firsts
    ]


def typographic_wrap(value: str) -> bool:
    """True when a whole value stands inside typographic quotes: `”1488”`, `“0.9”`."""
    return len(value) >= 2 and value[0] in OPENING_QUOTES and value[-1] in CLOSING_QUOTES


def bullet_fixed(value: str) -> str:
    """A text with each `•` line bullet written as a Markdown `- `."""
    return "\n".join(_BULLET_LINE.sub(r"\1- ", line) for line in value.split("\n"))


def _straight(value: str) -> str:
    inner = value[1:-1]
    return '"' + inner.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class ValueSlip:
    """A scalar written in a way that does not mean what its author thinks."""

    code: str
    line: int  # 0-based
    column: int
    message: str
    old: str = ""  # for a repair: the text at (line, column) and what replaces it
    new: str = ""


def scalar_slips(
    node: ScalarNode, key: str | None, lines: list[str], value: object
) -> list[ValueSlip]:
    """Typographic quotes, `•` bullets and a cut-off ` #` comment in one scalar."""
    if not isinstance(value, str):
        return []
    mark, end = node.start_mark, node.end_mark
    if node.style in ("|", ">"):
        return _bullets(node, lines, value)
    if node.style:
        return []
    out: list[ValueSlip] = []
    if typographic_wrap(value) and end.line == mark.line:
        q = value[0]
        out.append(
            ValueSlip(
                "typografiska-citattecken",
                mark.line,
                mark.column,
                f"Värdet står inom typografiska citattecken ({q}…{value[-1]}), som YAML inte "
                f"räknar som citattecken: tecknen blir en del av texten ({value}). Skriv raka "
                f"citattecken: {_straight(value)}, eller kör ”omstallning validate --fix”.",
                value,
                _straight(value),
            )
        )
    rest = lines[end.line][end.column :] if end.line < len(lines) else ""
    m = re.match(r"[ \t]+#(.*)$", rest)
    if m and (key in FREE_TEXT_KEYS or (m.group(1)[:1] not in ("", " ", "#"))):
        whole = value + rest[: m.start()] + " #" + m.group(1)
        out.append(
            ValueSlip(
                "kommentar-i-text",
                end.line,
                end.column + m.start() + rest[m.start() :].index("#"),
                f"Allt efter ” #” läses som en kommentar och kommer inte med i planen: texten "
                f"blir bara ”{value}”. Menar du att ”#{m.group(1)}” hör till texten, sätt hela "
                f'texten inom citattecken: "{whole.strip()}".',
            )
        )
    return out


def _bullets(node: ScalarNode, lines: list[str], value: str) -> list[ValueSlip]:
    out: list[ValueSlip] = []
    if not any(b in value for b in BULLETS):
        return out
    first = node.start_mark.line + 1
    for n in range(first, min(first + value.count("\n") + 1, len(lines))):
        m = _BULLET_LINE.match(lines[n])
        if m:
            out.append(
                ValueSlip(
                    "punkttecken",
                    n,
                    len(m.group(1)),
                    f"Raden börjar med ”{lines[n][len(m.group(1))]}” (en punkt från Word). "
                    "Markdown gör ingen lista av den, och raderna flyter ihop till ett stycke. "
                    "Skriv ”- ” i stället, eller kör ”omstallning validate --fix”.",
                    m.group(0)[len(m.group(1)) :] if node.style == "|" else "",
                    "- " if node.style == "|" else "",
                )
            )
    return out


def slip_findings(slips: list[ValueSlip], file: str, line_offset: int = 0) -> list[Finding]:
    """The slips as warnings."""
    return [
        Finding(file, s.line + 1 + line_offset, s.column + 1, s.code, Severity.WARNING, s.message)
        for s in slips
    ]

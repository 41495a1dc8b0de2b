"""Format findings for people and machines: text, JSON, GitHub workflow commands, Markdown.

Pure string building; the CLI does the printing. Text lines come as lists of
(text, style) segments so that the CLI can colour the severity word on a terminal and print
plain text everywhere else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import groupby

from omstallning.findings import Finding, Severity, count

Segment = tuple[str, str | None]
LineSource = Callable[[str, int], str | None]

SEVERITY_WORD = {Severity.ERROR: "fel", Severity.WARNING: "varning"}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow"}
JSON_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning"}
JSON_FORMAT_VERSION = 1

# GitHub shows at most 10 error and 10 warning annotations per step; more are dropped.
GITHUB_ANNOTATION_CAP = 10


# C0 and C1 control characters, DEL, lone surrogates (undecodable bytes in a file name) and
# the bidirectional overrides that can make a line read differently than it is.
_INVISIBLE = re.compile(
    "[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\ud800-\\udfff"
    "\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]"
)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    r"""`text` with control characters shown as escapes (`\x1b`), safe on any terminal.

    Tabs are kept; an undecodable byte of a file name is shown as `\xe4`. The result
    encodes as UTF-8 without error.
    """
    return _INVISIBLE.sub(_escape_char, text)


# Inline syntax (emphasis, code, links, tables, strikethrough, GitHub's math); with `[` and
# `]` escaped, `(` and `!` cannot start a link or an image.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_MD_BLOCK_START = re.compile(r"^(\s*)([-+=#]|\d+[.)])(?=\s|$)")


def md_inline(text: str) -> str:
    """`text` as literal Markdown inline text in a table cell or a list item (GFM).

    Markdown punctuation is backslash-escaped, `<`, `>` and `&` become entities (no HTML),
    line breaks become spaces and control characters are shown escaped.
    """
    text = visible(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_code(text: str) -> str:
    """`text` as a code span (a file name, a rule code), or as escaped text if it cannot be."""
    if "`" in text or visible(text) != text:
        return md_inline(text)
    return "`" + text.replace("|", "\\|") + "`"


def plural(n: int, one: str, many: str) -> str:
    """`1 fel`, `2 varningar`."""
    return f"{n} {one if n == 1 else many}"


def summary_line(findings: list[Finding], files: int) -> str:
    """Return `2 fel och 1 varning i 14 filer.` or `Inga fel eller varningar i 14 filer.`."""
    errors, warnings = count(findings)
    in_files = f"i {plural(files, 'fil', 'filer')}"
    if not findings:
        return f"Inga fel eller varningar {in_files}."
    return (
        f"{plural(errors, 'fel', 'fel')} och {plural(warnings, 'varning', 'varningar')} {in_files}."
    )


def format_text(
    findings: list[Finding], files: int, line_source: LineSource
) -> list[list[Segment]]:
    """Findings grouped by file, each with the offending line and a marker under the column."""
    out: list[list[Segment]] = []
    for file, group in groupby(findings, key=lambda f: f.file):
        out.append([(visible(file), "bold")])
        for f in group:
            where = f"{f.line}:{f.column}" if f.line else "-"
            out.append(
                [
                    (f"  {where}: ", None),
                    (SEVERITY_WORD[f.severity], SEVERITY_STYLE[f.severity]),
                    (f": {visible(f.message)} ", None),
                    (f"[{f.code}]", "dim"),
                ]
            )
            source = line_source(f.file, f.line) if f.line else None
            if source is not None:
                out += _source_lines(source, f)
        out.append([])
    out.append([(summary_line(findings, files), "bold")])
    return out


def _source_lines(source: str, f: Finding) -> list[list[Segment]]:
    """The offending line, escaped, and a caret under the column (counted in what is shown)."""
    source = source.rstrip("\r\n")
    column = max(f.column - 1, 0)
    shown = visible(source.replace("\t", " ")).rstrip()
    caret = len(visible(source[:column].replace("\t", " ")))
    number = f"{f.line:>5} | "
    return [
        [(number, "dim"), (shown, None)],
        [
            (" " * (len(number) - 2) + "| ", "dim"),
            (" " * caret + "^", SEVERITY_STYLE[f.severity]),
        ],
    ]


def plain(lines: list[list[Segment]]) -> str:
    """The text of segment lines, without styles."""
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)


def format_json(findings: list[Finding], files: int) -> str:
    """A stable JSON document; its shape is documented in README.md."""
    errors, warnings = count(findings)
    doc = {
        "format": JSON_FORMAT_VERSION,
        "summary": {"errors": errors, "warnings": warnings, "files": files},
        "findings": [
            {
                "file": visible(f.file),
                "line": f.line,
                "column": f.column,
                "severity": JSON_SEVERITY[f.severity],
                "code": f.code,
                "message": _no_surrogates(f.message),
            }
            for f in findings
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _no_surrogates(text: str) -> str:
    """Undecodable bytes shown escaped, so the JSON is valid UTF-8."""
    return re.sub("[\\ud800-\\udfff]", _escape_char, text)


def _escape_data(text: str) -> str:
    """A workflow command's message (GitHub's escapeData): no line can break out of it.

    Every other control character is shown escaped too, so nothing reaches the runner's
    log raw.
    """
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(text)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: list[Finding], files: int, prefix: str = "") -> str:
    """GitHub Actions workflow commands: annotations on the right lines, grouped by file.

    `prefix` is the region's path from the repository root, so that annotations land on the
    file in the pull request when the region is not at the root. Past GitHub's cap the
    findings are printed as plain lines, and the step summary has all of them.
    """
    lines: list[str] = []
    shown = {Severity.ERROR: 0, Severity.WARNING: 0}
    for file, group in groupby(findings, key=lambda f: f.file):
        lines.append(f"::group::{_escape_data(file)}")
        for f in group:
            path = f"{prefix}{f.file}"
            if shown[f.severity] < GITHUB_ANNOTATION_CAP:
                shown[f.severity] += 1
                props = [f"file={_escape_property(path)}"]
                if f.line:
                    props += [f"line={f.line}", f"col={f.column}"]
                props.append(f"title={_escape_property(f'omstallning [{f.code}]')}")
                command = "error" if f.is_error else "warning"
                lines.append(f"::{command} {','.join(props)}::{_escape_data(f.message)}")
            else:  # indented, and escaped like a command: no line can start a command
                lines.append(
                    f"  {_escape_data(path)}:{f.line}:{f.column}: {SEVERITY_WORD[f.severity]}: "
                    f"{_escape_data(f.message)} [{_escape_data(f.code)}]"
                )
        lines.append("::endgroup::")
    hidden = len(findings) - sum(shown.values())
    if hidden:
        lines.append(
            f"::notice title=omstallning::{hidden} fynd visas inte som anteckningar "
            "(GitHub visar högst 10 fel och 10 varningar per steg). Hela listan finns "
            "i loggen ovan och i jobbets sammanfattning."
        )
    lines.append(summary_line(findings, files))
    return "\n".join(lines) + "\n"


def format_markdown(findings: list[Finding], files: int, prefix: str = "") -> str:
    """All findings as a Markdown table, for `$GITHUB_STEP_SUMMARY`."""
    out = ["## omstallning validate", "", summary_line(findings, files), ""]
    if findings:
        out += ["| Fil | Rad | Kol | Nivå | Kod | Meddelande |", "|---|---:|---:|---|---|---|"]
        for f in findings:
            out.append(
                f"| {md_code(prefix + f.file)} | {f.line} | {f.column} | "
                f"{SEVERITY_WORD[f.severity]} | {md_code(f.code)} | {md_inline(f.message)} |"
            )
        out.append("")
    return "\n".join(out) + "\n"

"""Format findings for people and machines: text, JSON, GitHub workflow commands, Markdown.

Pure string building; the CLI does the printing. Text lines come as lists of
(text, style) segments so that the CLI can colour the severity word on a terminal and print
plain text everywhere else.
"""

from __future__ import annotations

import json
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
        out.append([(file, "bold")])
        for f in group:
            where = f"{f.line}:{f.column}" if f.line else "-"
            out.append(
                [
                    (f"  {where}: ", None),
                    (SEVERITY_WORD[f.severity], SEVERITY_STYLE[f.severity]),
                    (f": {f.message} ", None),
                    (f"[{f.code}]", "dim"),
                ]
            )
            source = line_source(f.file, f.line) if f.line else None
            if source is not None:
                shown = source.replace("\t", " ").rstrip()
                number = f"{f.line:>5} | "
                out.append([(number, "dim"), (shown, None)])
                out.append(
                    [
                        (" " * (len(number) - 2) + "| ", "dim"),
                        (" " * max(f.column - 1, 0) + "^", SEVERITY_STYLE[f.severity]),
                    ]
                )
        out.append([])
    out.append([(summary_line(findings, files), "bold")])
    return out


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
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "severity": JSON_SEVERITY[f.severity],
                "code": f.code,
                "message": f.message,
            }
            for f in findings
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
            else:
                lines.append(
                    f"{path}:{f.line}:{f.column}: {SEVERITY_WORD[f.severity]}: "
                    f"{f.message} [{f.code}]"
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
            message = f.message.replace("|", "\\|").replace("\n", " ")
            out.append(
                f"| `{prefix}{f.file}` | {f.line} | {f.column} | "
                f"{SEVERITY_WORD[f.severity]} | `{f.code}` | {message} |"
            )
        out.append("")
    return "\n".join(out) + "\n"

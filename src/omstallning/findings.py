"""Findings: what is wrong in a user's files, as data.

Findings are collected and returned, never raised or printed where they are found. Each one
points at a file, a line and a column (1-based) and carries a stable rule code and a Swedish
message that says how to fix the problem.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How serious a finding is."""

    ERROR = "fel"
    WARNING = "varning"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place of a user's files.

    `file` is the path relative to the regional repository, with forward slashes.
    `line` and `column` are 1-based; 0 means "the whole file". `subject` says what the
    finding is about, as a YAML path (`("aktiviteter", 2)`) or, for a required section,
    `("avsnitt", id)`: what `status` counts findings by. It is not part of the finding's
    identity.
    """

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    subject: tuple[str | int, ...] = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        """True for findings at error level."""
        return self.severity is Severity.ERROR


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sort by file, position, then code, and drop exact duplicates."""
    return sorted(set(findings), key=lambda f: (f.file, f.line, f.column, f.code, f.message))


def count(findings: list[Finding]) -> tuple[int, int]:
    """Return (errors, warnings)."""
    errors = sum(1 for f in findings if f.is_error)
    return errors, len(findings) - errors

"""Interruptions and output streams for the command line.

SIGTERM (how CI cancels a job) is handled like Ctrl-C: it raises `Terminated`, a
`KeyboardInterrupt`, so every `finally` runs: temporary files are removed, worker processes
stopped and folders this run created are removed again. The exit status is then 143
(128 + SIGTERM), as a shell reports a process ended by SIGTERM; Ctrl-C gives 130.

The standard streams are set to show what they cannot encode as escapes (a file name with
bytes that are not UTF-8, an ASCII-only locale) instead of crashing the command.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from types import FrameType

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated


def install() -> None:
    """Handle SIGTERM like Ctrl-C, and make stdout and stderr print anything."""
    with contextlib.suppress(ValueError, OSError, AttributeError):  # not the main thread
        signal.signal(signal.SIGTERM, _on_sigterm)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def exit_status(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM."""
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED

"""Path safety: a path from omstallning.yaml is used only when it stays inside the repository.

Both `validate` (the template and logo rules) and `build` (which reads those files) resolve
paths here, so the two cannot disagree about what is inside.
"""

from __future__ import annotations

import errno
import re
import stat
from pathlib import Path


def _loop(candidate: Path) -> bool:
    try:
        candidate.stat()
    except OSError as err:
        return err.errno == errno.ELOOP
    return False


def resolve_inside(root: Path, relative: str) -> tuple[Path | None, str | None]:
    """Resolve a path from omstallning.yaml; refuse anything that leaves the repository.

    Only a regular file is returned: a folder, a FIFO, a device or a symbolic link loop
    gets its own message, as does a path that does not exist.
    """
    if Path(relative).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", relative):
        return None, (
            f"Sökvägen ”{relative}” är absolut. Ange den relativt regionens repo, "
            "t.ex. mall/reference.docx."
        )
    candidate = root / relative
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError, ValueError):
        real = None
    if real is None or _loop(candidate):
        return None, (
            f"Sökvägen ”{relative}” är en symbolisk länk som pekar på sig själv (en slinga). "
            "Ersätt länken med själva filen."
        )
    try:
        real.relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None, (
            f"Sökvägen ”{relative}” pekar ut ur regionens repo. Lägg filen i repot, "
            "t.ex. i mappen mall/, och ange den relativt repot."
        )
    problem = _not_a_file(real, relative)
    return (None, problem) if problem else (real, None)


def _not_a_file(real: Path, relative: str) -> str | None:
    try:
        mode = real.stat().st_mode
    except OSError:  # missing, or a name too long for the file system, and the like
        return f"Filen ”{relative}” finns inte i regionens repo. Lägg dit den eller rätta sökvägen."
    if stat.S_ISREG(mode):
        return None
    what = (
        "en mapp"
        if stat.S_ISDIR(mode)
        else "en namngiven pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "en enhet"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "ingen vanlig fil"
    )
    return f"”{relative}” är {what}, ingen vanlig fil. Ange sökvägen till själva filen."

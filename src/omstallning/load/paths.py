"""Path safety: a path from omstallning.yaml is used only when it stays inside the repository.

Both `validate` (the template and logo rules) and `build` (which reads those files) resolve
paths here, so the two cannot disagree about what is inside.
"""

from __future__ import annotations

import re
from pathlib import Path


def resolve_inside(root: Path, relative: str) -> tuple[Path | None, str | None]:
    """Resolve a path from omstallning.yaml; refuse anything that leaves the repository."""
    if Path(relative).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", relative):
        return None, (
            f"Sökvägen ”{relative}” är absolut. Ange den relativt regionens repo, "
            "t.ex. mall/reference.docx."
        )
    candidate = root / relative
    try:
        real = candidate.resolve()
        real.relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None, (
            f"Sökvägen ”{relative}” pekar ut ur regionens repo. Lägg filen i repot, "
            "t.ex. i mappen mall/, och ange den relativt repot."
        )
    try:
        is_file = real.is_file()
    except OSError:  # a name too long for the file system, and the like
        is_file = False
    if not is_file:
        return (
            None,
            f"Filen ”{relative}” finns inte i regionens repo. Lägg dit den eller rätta sökvägen.",
        )
    return real, None

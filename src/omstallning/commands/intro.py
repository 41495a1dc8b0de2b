"""`omstallning inledning jamfor`: the region's introduction against the tool's default.

Returns text for cli/main.py to print; stops are `UsageError`s with a Swedish message.
"""

from __future__ import annotations

from pathlib import Path

from omstallning.errors import NotARegionError
from omstallning.intro.compare import compare_intro, format_comparison, take_over
from omstallning.load.loader import CONFIG_FILE


def jamfor(root: Path, ta_over: str | None = None, *, force: bool = False) -> str:
    """Show the differences per part, or with `ta_over` take that part over.

    Raises:
        NotARegionError: `root` is not a regional repository.
        UsageError: the part does not exist, or the region edited it (without `force`).
    """
    if not (root / CONFIG_FILE).is_file():
        raise NotARegionError(
            f"{root} är inget regionrepo: filen {CONFIG_FILE} saknas. Ange sökvägen till "
            "regionens repo."
        )
    if ta_over:
        return take_over(root, ta_over, force=force) + "\n"
    return format_comparison(compare_intro(root))

"""The one place that knows what day it is.

`SOURCE_DATE_EPOCH` (reproducible-builds.org) fixes "today" and the build date, so that the
same input gives the same output in CI and in tests. Everything that needs a date asks here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from omstallning.errors import UsageError

ENV_VAR = "SOURCE_DATE_EPOCH"


def source_date(environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """`SOURCE_DATE_EPOCH` as a naive UTC datetime, or None when it is not set.

    Raises:
        UsageError: the variable is set but is not a time this tool can show.
    """
    env = os.environ if environ is None else environ
    raw = env.get(ENV_VAR, "").strip()
    if not raw:
        return None
    try:
        seconds = int(raw)
        moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        moment = None
    if moment is None or seconds < 0 or moment.year > 9999 - 1:
        raise UsageError(
            f"{ENV_VAR}={raw!r} är ingen giltig tidpunkt. Ange antalet sekunder sedan "
            f"1970-01-01 UTC (till exempel {ENV_VAR}=1764806400) eller ta bort variabeln."
        )
    return moment.replace(tzinfo=None)


def today(environ: Mapping[str, str] | None = None) -> dt.date:
    """Today, or `SOURCE_DATE_EPOCH`'s day (UTC) when it is set."""
    fixed = source_date(environ)
    return fixed.date() if fixed is not None else dt.date.today()

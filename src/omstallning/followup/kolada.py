"""Fetch indicator values from Kolada's open API (v3) into the region's `kolada.yaml`.

Kolada (RKA) publishes key figures per municipality and year, keyless and as JSON. A data
request names KPI ids, municipality codes and years in its path,
`/data/kpi/N31807,N00945/municipality/1276,1277/year/2024,2025`, and answers

    {"count": 2, "values": [{"kpi": "N31807", "municipality": "1276", "period": 2024,
      "values": [{"gender": "T", "value": 3.1, "count": 1, "status": ""}, …]}, …],
     "next_url": "https://api.kolada.se/v3/…&page=2"}

with `gender` T (totalt), K (kvinnor) or M (män) and `value` null when missing. Long
answers are paged; the next page's full address is in `next_url` (v2 and some clients call
it `next_page`; both are followed). At most 25 ids of a kind go in one request. The snapshot
is the only thing `validate` and `build` read, so builds never touch the network.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from omstallning.errors import OmstallningError
from omstallning.followup.files import KOLADA_FILE, KoladaValue, render_kolada_snapshot
from omstallning.followup.files import write_if_changed as _write_if_changed
from omstallning.model import Region

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
MAX_IDS = 25  # Kolada refuses longer id lists in one request
MAX_PAGES = 1000  # a server that pages forever must not keep us here
GENDERS = {"T": "totalt", "K": "kvinnor", "M": "män"}
T = TypeVar("T")
_USER_AGENT = "omstallning (https://pypi.org/project/omstallning/)"


class KoladaError(OmstallningError):
    """Kolada could not be reached or gave an answer we cannot use."""


@dataclass
class KoladaClient:
    """A small client for Kolada's data endpoint: timeouts, bounded retries with backoff.

    `base_url` is overridden by tests (a local server) and `sleep` so that backoff costs
    no time there.
    """

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 1.0
    max_backoff: float = 10.0
    per_page: int = 5000
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def get_json(self, url: str) -> dict[str, Any]:
        """GET `url` as JSON, retrying timeouts, lost connections, 429 and 5xx."""
        last = ""
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(min(self.backoff * 2 ** (attempt - 1), self.max_backoff))
            try:
                return self._get_once(url)
            except urllib.error.HTTPError as err:
                if err.code != 429 and err.code < 500:
                    raise KoladaError(
                        f"Kolada svarade med fel {err.code} ({err.reason}) på {url}. "
                        "Kontrollera indikatorernas Kolada-id (t.ex. N31807) och kommunkoderna."
                    ) from None
                last = f"Kolada svarade med fel {err.code} ({err.reason})"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
                reason = getattr(err, "reason", err)
                last = f"Kolada svarar inte ({reason})"
        raise KoladaError(
            f"{last}, även efter {self.attempts} försök. Kontrollera nätverksanslutningen och "
            f"försök igen senare. validate och build använder den senast hämtade {KOLADA_FILE}."
        )

    def _get_once(self, url: str) -> dict[str, Any]:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": _USER_AGENT}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body = response.read()
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise KoladaError(
                f"Kolada svarade på {url} med något som inte är JSON. Försök igen senare."
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("values", []), list):
            raise KoladaError(f"Kolada svarade på {url} i en form som inte känns igen.")
        return data

    def data_url(self, kpis: Sequence[str], codes: Sequence[str], years: Sequence[int]) -> str:
        """The first page's address for these KPI ids, municipality codes and years."""
        year_list = ",".join(str(y) for y in years)
        path = f"/data/kpi/{','.join(kpis)}/municipality/{','.join(codes)}/year/{year_list}"
        return f"{self.base_url.rstrip('/')}{path}?per_page={self.per_page}"

    def pages(self, url: str) -> Iterator[dict[str, Any]]:
        """Every page of an answer, following `next_url` (or `next_page`)."""
        seen: set[str] = set()
        next_url: str | None = url
        while next_url and next_url not in seen and len(seen) < MAX_PAGES:
            seen.add(next_url)
            page = self.get_json(next_url)
            yield page
            following = page.get("next_url") or page.get("next_page")
            next_url = following if isinstance(following, str) and _is_http(following) else None

    def fetch(
        self, kpis: Iterable[str], codes: Iterable[str], years: Iterable[int]
    ) -> list[KoladaValue]:
        """All values for every combination, in as few requests as Kolada allows."""
        kpi_list, code_list = sorted(set(kpis)), sorted(set(codes))
        year_list = sorted(set(years))
        values: dict[tuple[str, str, int, str], KoladaValue] = {}
        for k in _chunks(kpi_list):
            for c in _chunks(code_list):
                for y in _chunks(year_list):
                    for page in self.pages(self.data_url(k, c, y)):
                        for value in parse_values(page):
                            values[(value.code, value.kpi, value.period, value.sex)] = value
        return list(values.values())


def _is_http(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme in ("http", "https")


def _chunks(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), MAX_IDS):
        yield items[start : start + MAX_IDS]


def parse_values(page: dict[str, Any]) -> list[KoladaValue]:
    """The values of one data page; missing values and unknown genders are left out."""
    out: list[KoladaValue] = []
    for row in page.get("values", []):
        if not isinstance(row, dict):
            continue
        for item in row.get("values") or []:
            sex = GENDERS.get(str(item.get("gender", "T")))
            value = item.get("value")
            if sex is None or not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            out.append(
                KoladaValue.model_validate(
                    {
                        "kommunkod": str(row.get("municipality", "")),
                        "kpi": str(row.get("kpi", "")),
                        "period": int(str(row.get("period", "0"))[:4]),
                        "kön": sex,
                        "värde": float(value),
                    }
                )
            )
    return out


def region_request(region: Region) -> tuple[list[str], list[str], list[int]]:
    """The KPI ids, municipality codes and years a region's snapshot needs.

    The years run from the one before the plan period (the baseline) to its last.
    """
    kpis = sorted(
        {
            i.kolada
            for m in region.municipalities
            for g in m.plan.goals
            for i in g.indicators
            if i.kolada
        }
    )
    codes = sorted({m.plan.code for m in region.municipalities})
    period = region.config.plan.period
    return kpis, codes, list(range(period.start - 1, period.end + 1))


def fetch_snapshot(
    root: Path, region: Region, client: KoladaClient, today: dt.date
) -> tuple[int, bool]:
    """Fetch the region's Kolada values into `kolada.yaml`: (how many values, written?)."""
    kpis, codes, years = region_request(region)
    values = client.fetch(kpis, codes, years) if kpis and codes else []
    written = _write_if_changed(root / KOLADA_FILE, render_kolada_snapshot(today, values))
    return len(values), written

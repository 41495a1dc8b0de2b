"""The static HTML site: index with the status table, a page per plan, the summary."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands.site import site_files
from omstallning.commands.status import region_status
from omstallning.documents import DOCUMENT_KINDS
from omstallning.documents.tree import Document

from .conftest import EXAMPLE

DAY = dt.date(2026, 3, 2)


class Links(HTMLParser):
    """The hrefs, the th scopes and whether any script is on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.scopes: list[str | None] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(str(a["href"]))
        if tag == "th":
            self.scopes.append(a.get("scope"))
        self.scripts += tag == "script"


def parse(data: bytes) -> Links:
    links = Links()
    links.feed(data.decode("utf-8"))
    return links


@pytest.fixture(scope="module")
def site() -> tuple[dict[str, bytes], list[tuple[str, bytes]]]:
    result, findings = validate_region(EXAMPLE)
    region = result.region
    status = region_status(result, findings, DAY)
    plans: dict[str, Document] = {
        e.slug: DOCUMENT_KINDS["plan"].assemble_for(region, e) for e in region.municipalities
    }
    summary = DOCUMENT_KINDS["sammanstallning"].assemble_region(region, status)
    files = site_files(region, plans, summary, status)
    without = site_files(region, plans, None, status)
    return dict(files), without


def test_site_has_an_index_a_page_per_plan_and_the_summary(
    site: tuple[dict[str, bytes], list[tuple[str, bytes]]],
) -> None:
    files, _ = site
    assert list(files) == [
        "html/index.html",
        "html/astorp.html",
        "html/klippan.html",
        "html/orkelljunga.html",
        "html/sammanstallning.html",
    ]


def test_index_names_the_region_and_links_every_plan_and_the_summary(
    site: tuple[dict[str, bytes], list[tuple[str, bytes]]],
) -> None:
    files, _ = site
    index = files["html/index.html"].decode()
    assert '<html lang="sv">' in index
    assert '<h1 class="titel">Nordvästra Skåne</h1>' in index
    assert "Omställningsplan – ny socialtjänstlag" in index
    assert "2025–2028" in index
    assert "2026-03-02" in index
    links = parse(files["html/index.html"])
    assert set(links.hrefs) >= {
        "#huvudinnehall",
        "klippan.html",
        "astorp.html",
        "orkelljunga.html",
        "sammanstallning.html",
    }
    # Every link of the index leads to a page of the site.
    for href in links.hrefs:
        assert href.startswith("#") or f"html/{href}" in files
    # Status table: caption, column and row headers with scope.
    assert "<caption" in index
    assert links.scopes.count("col") == 6
    assert links.scopes.count("row") == 3
    row = re.search(r'<tr><th scope="row"><a href="klippan.html">Klippan</a></th>(.*?)</tr>', index)
    assert row is not None
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1)) == [
        "Beslutad",
        "1.0",
        "4",
        "12",
        "14",
    ]


def test_every_page_links_back_to_the_index_and_has_no_script(
    site: tuple[dict[str, bytes], list[tuple[str, bytes]]],
) -> None:
    files, _ = site
    for name, data in files.items():
        links = parse(data)
        assert links.scripts == 0, name
        assert "script-src" not in data.decode(), name
        if name != "html/index.html":
            assert "index.html" in links.hrefs, name
            assert data.decode().count('<a class="hoppa"') == 1


def test_without_the_summary_there_is_no_summary_page_and_no_link(
    site: tuple[dict[str, bytes], list[tuple[str, bytes]]],
) -> None:
    _, without = site
    names = [n for n, _ in without]
    assert "html/sammanstallning.html" not in names
    assert "sammanstallning.html" not in parse(dict(without)["html/index.html"]).hrefs


def test_the_site_is_the_same_bytes_every_time(
    site: tuple[dict[str, bytes], list[tuple[str, bytes]]],
) -> None:
    files, _ = site
    result, findings = validate_region(EXAMPLE)
    region = result.region
    status = region_status(result, findings, DAY)
    plans = {e.slug: DOCUMENT_KINDS["plan"].assemble_for(region, e) for e in region.municipalities}
    summary = DOCUMENT_KINDS["sammanstallning"].assemble_region(region, status)
    assert dict(site_files(region, plans, summary, status)) == files

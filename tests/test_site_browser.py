"""The site's index and the live preview in a real browser (headless Chromium, axe-core).

The index meets the plan pages' bar (no WCAG 2.1 A/AA violation, no request); the preview's
page, whose policy allows its one script by nonce, reloads itself when a file is saved.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands.preview import PreviewServer
from omstallning.commands.site import site_files
from omstallning.commands.status import region_status
from omstallning.documents import DOCUMENT_KINDS

from .browser.cdp import Chromium
from .conftest import EXAMPLE
from .test_html_browser import CHROMIUM, needs_axe, open_page, png_size, violations

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (Debian: apt-get install chromium; or set $CHROMIUM); "
        ".ci/run installs it when it runs as root",
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example region's site on disk, as `build --format html` writes it."""
    out = tmp_path_factory.mktemp("build")
    result, findings = validate_region(EXAMPLE)
    region = result.region
    status = region_status(result, findings, dt.date(2026, 3, 2))
    plans = {e.slug: DOCUMENT_KINDS["plan"].assemble_for(region, e) for e in region.municipalities}
    summary = DOCUMENT_KINDS["sammanstallning"].assemble_region(region, status)
    for name, data in site_files(region, plans, summary, status):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out / "html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


@needs_axe
def test_axe_finds_no_wcag21_aa_violation_on_the_index_and_the_summary(
    browser: Chromium, site: Path
) -> None:
    for name in ("index.html", "sammanstallning.html", "klippan.html"):
        page = site / name
        open_page(browser, page)
        found = violations(browser)
        assert found == [], f"{name}: " + json.dumps(found, ensure_ascii=False, indent=2)
        assert browser.requested_urls() == [page.as_uri()]


def test_screenshot_of_the_index(
    browser: Chromium, site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    open_page(browser, site / "index.html")
    shot = Path(os.environ.get("SCREENSHOTS") or tmp_path_factory.mktemp("shots")) / "index.png"
    browser.screenshot(shot)
    assert png_size(shot) == (1280, 900)
    # The title, the table and the summary link are on the first screen.
    bottom = "document.querySelector(`{}`).getBoundingClientRect().bottom"
    assert browser.evaluate(bottom.format("h1")) < 300
    assert browser.evaluate(bottom.format("table")) < 900
    assert browser.evaluate(bottom.format("a[href='sammanstallning.html']")) < 900
    assert browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Following a plan's link opens its page, which links back.
    browser.evaluate("document.querySelector(\"a[href='klippan.html']\").click(); true")
    deadline = time.monotonic() + 10
    while not browser.evaluate("location.pathname.endsWith('klippan.html')"):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_the_preview_page_reloads_itself_when_a_file_is_saved(
    browser: Chromium, tmp_path: Path
) -> None:
    root = tmp_path / "region"
    shutil.copytree(EXAMPLE, root)
    with PreviewServer(root) as server:
        browser.events.clear()
        browser.open(server.url)
        row = (
            "document.querySelector(\"a[href='klippan.html']\").closest('tr').cells[1].textContent"
        )
        _wait_for(browser, row, "Beslutad")  # the first load may still be under way
        file = root / "kommuner" / "klippan.yaml"
        file.write_text(
            file.read_text(encoding="utf-8").replace("status: beslutad", "status: utkast", 1),
            encoding="utf-8",
        )
        _wait_for(browser, row, "Utkast")


def _wait_for(browser: Chromium, expression: str, expected: str) -> None:
    """Poll `expression` in the page until it gives `expected` (at most 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        try:
            if browser.evaluate(expression) == expected:
                return
        except Exception:  # noqa: BLE001 - the page is between two loads
            pass
        assert time.monotonic() < deadline, f"the page never showed {expected!r}"
        time.sleep(0.05)

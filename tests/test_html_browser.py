"""The example's HTML pages in a real browser: axe-core finds no WCAG 2.1 A/AA violation.

Headless Chromium is driven over the DevTools protocol on a pipe (`tests/browser/cdp.py`),
so the test needs no Python package beyond the standard library. axe-core is a file:
`$AXE_CORE_JS`, or `.ci/node_modules/axe-core/axe.min.js` where `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from omstallning import writers
from omstallning.check.validate import validate_region
from omstallning.documents.plan import assemble_plan

from .browser.cdp import Chromium, find_chromium
from .conftest import EXAMPLE, REPO

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_DEFAULT = REPO / ".ci" / "node_modules" / "axe-core" / "axe.min.js"


def axe_path() -> Path | None:
    named = os.environ.get("AXE_CORE_JS")
    path = Path(named) if named else AXE_DEFAULT
    return path if path.is_file() else None


CHROMIUM = find_chromium()
AXE = axe_path()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (Debian: apt-get install chromium; or set $CHROMIUM); "
        ".ci/run installs it when it runs as root",
    ),
]
needs_axe = pytest.mark.skipif(
    AXE is None,
    reason=f"axe-core not found: set $AXE_CORE_JS to axe.min.js or run "
    f"`npm install --prefix .ci axe-core` (looked for {AXE_DEFAULT})",
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example region's plans as HTML files."""
    out = tmp_path_factory.mktemp("html")
    region = validate_region(EXAMPLE)[0].region
    assert region is not None
    found = {}
    for entry in region.municipalities:
        path = out / f"{entry.slug}{writers.suffix('html')}"
        path.write_bytes(writers.render(assemble_plan(region, entry), "html"))
        found[entry.slug] = path
    return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def open_page(browser: Chromium, path: Path) -> None:
    browser.events.clear()
    browser.open(path.as_uri())


def violations(browser: Chromium) -> list[dict[str, object]]:
    """axe-core's WCAG 2.1 A/AA violations on the open page, each with the nodes it names."""
    assert AXE is not None
    browser.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found: list[dict[str, object]] = browser.evaluate(
        f"axe.run(document, {options}).then(r => r.violations.map(v => ({{"
        "id: v.id, help: v.help, "
        "nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))",
        timeout=120,
    )
    return found


@needs_axe
def test_axe_finds_no_wcag21_aa_violation_on_any_example_page(
    browser: Chromium, pages: dict[str, Path]
) -> None:
    assert len(pages) == 3
    for slug, path in pages.items():
        open_page(browser, path)
        found = violations(browser)
        assert found == [], f"{slug}: " + json.dumps(found, ensure_ascii=False, indent=2)
        # Self-contained: the page itself is the only thing the browser fetched.
        assert browser.requested_urls() == [path.as_uri()]
        assert browser.evaluate("performance.getEntriesByType('resource').length") == 0


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot_of_a_plan_page(
    browser: Chromium, pages: dict[str, Path], tmp_path: Path
) -> None:
    open_page(browser, pages["klippan"])
    top = tmp_path / "klippan-omslag.png"
    browser.screenshot(top)
    assert png_size(top) == (1280, 900)
    # The cover and the contents are on the first screen.
    assert browser.evaluate("document.querySelector('h1').getBoundingClientRect().bottom") < 400
    assert browser.evaluate("document.querySelector('nav').getBoundingClientRect().top") < 900
    clip = browser.evaluate(
        "(() => { const r = document.getElementById('tidsplan').getBoundingClientRect();"
        " return {x: 0, y: r.top + window.scrollY, width: 1280, height: 900}; })()"
    )
    timeline = tmp_path / "klippan-tidsplan.png"
    browser.screenshot(timeline, clip)
    assert png_size(timeline) == (1280, 900)
    assert timeline.stat().st_size > 20_000  # bars and patterns, not an empty page
    # No table sticks out of the page sideways.
    assert browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_skip_link_shows_on_focus_and_print_hides_it(
    browser: Chromium, pages: dict[str, Path]
) -> None:
    open_page(browser, pages["klippan"])
    skip = "document.querySelector('a.hoppa')"
    assert browser.evaluate(f"{skip}.getBoundingClientRect().bottom") < 0
    browser.evaluate(f"{skip}.focus(); true")
    assert browser.evaluate(f"{skip}.getBoundingClientRect().top") >= 0
    browser.call("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert browser.evaluate(f"getComputedStyle({skip}).display") == "none"
        style = "getComputedStyle(document.querySelector('{}'))"
        assert browser.evaluate(style.format("header") + ".breakAfter") == "page"
        assert browser.evaluate(style.format(".tabell") + ".overflowX") == "visible"
        assert browser.evaluate(style.format("td.fylld") + ".printColorAdjust") == "exact"
    finally:
        browser.call("Emulation.setEmulatedMedia", {"media": ""})

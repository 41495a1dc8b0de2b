"""The live preview: served on loopback, rebuilt when a file is saved, errors on the page."""

from __future__ import annotations

import http.client
import re
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from omstallning.check.validate import validate_region
from omstallning.commands.preview import Preview, PreviewServer, is_loopback

from .conftest import EXAMPLE

WAIT = 10.0  # seconds a change may take to show, far above what it takes


@pytest.fixture
def region(tmp_path: Path) -> Path:
    root = tmp_path / "region"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def server(region: Path) -> Iterator[PreviewServer]:
    with PreviewServer(region) as running:
        yield running


def get(server: PreviewServer, path: str, headers: dict[str, str] | None = None) -> str:
    request = urllib.request.Request(server.url.rstrip("/") + path, headers=headers or {})
    with urllib.request.urlopen(request, timeout=WAIT) as response:
        assert response.headers["Cache-Control"] == "no-store"
        return str(response.read().decode("utf-8"))


def status_of(server: PreviewServer, path: str, method: str = "GET") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    try:
        connection.request(method, path)
        return connection.getresponse().status
    finally:
        connection.close()


def eventually(server: PreviewServer, path: str, ok: Callable[[str], bool]) -> str:
    """The page once `ok` holds for it; fails after `WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while True:
        page = get(server, path)
        if ok(page) or time.monotonic() > deadline:
            assert ok(page), page[:2000]
            return page
        time.sleep(0.05)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_binds_loopback_only_by_default(server: PreviewServer) -> None:
    assert server.server.server_address[0] == "127.0.0.1"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", server.url)
    assert server.port > 0
    assert is_loopback("localhost") and is_loopback("::1") and not is_loopback("0.0.0.0")


def test_it_serves_the_index_and_a_plan_with_the_reload_script(server: PreviewServer) -> None:
    index = get(server, "/")
    assert '<h1 class="titel">Nordvästra Skåne</h1>' in index
    assert 'href="klippan.html"' in index
    assert strip_nonces(get(server, "/index.html")) == strip_nonces(index)
    plan = get(server, "/klippan.html")
    assert "Klippan" in plan
    # The script runs only by the nonce its page's policy names.
    nonce = re.search(r'<script nonce="([^"]+)">', plan)
    assert nonce is not None
    assert f"script-src 'nonce-{nonce.group(1)}'; connect-src 'self'" in plan
    assert 'new EventSource("/__events")' in plan


def strip_nonces(page: str) -> str:
    """A served page without its nonce, which is new in every response."""
    return re.sub(r"nonce-[\w-]+|nonce=\"[\w-]+\"", "nonce", page)


def test_only_the_sites_pages_are_served(server: PreviewServer, region: Path) -> None:
    for path in (
        "/omstallning.yaml",
        "/kommuner/klippan.yaml",
        "/../omstallning.yaml",
        "/%2e%2e/omstallning.yaml",
        "/html/../../omstallning.yaml",
        "/klippan",
        "/okand.html",
        "//etc/passwd",
    ):
        assert status_of(server, path) == 404, path
    assert status_of(server, "/", "POST") == 501
    assert status_of(server, "/", "PUT") == 501
    # Another Host name (DNS rebinding) gets nothing.
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(server, "/", {"Host": f"angripare.example:{server.port}"})
    assert refused.value.code == 421
    refused.value.close()


def test_a_saved_change_is_served(server: PreviewServer, region: Path) -> None:
    before = get(server, "/klippan.html")
    assert "Ändrad vision för förhandsgranskningen" not in before
    edit(region / "kommuner" / "klippan.yaml", "status: beslutad", "status: utkast")
    eventually(server, "/", lambda page: re.search(r"Klippan</a></th><td>Utkast", page) is not None)
    # A page of a municipality that did not change is still served.
    assert "Åstorp" in get(server, "/astorp.html")


def test_an_invalid_edit_shows_the_error_with_file_and_line(
    server: PreviewServer, region: Path
) -> None:
    file = region / "kommuner" / "klippan.yaml"
    good = file.read_text(encoding="utf-8")
    lines = good.split("\n")
    lines.insert(3, "  : [")
    file.write_text("\n".join(lines), encoding="utf-8")
    page = eventually(server, "/klippan.html", lambda p: "kommuner/klippan.yaml:" in p)
    assert re.search(r"kommuner/klippan\.yaml:4:\d+</span>: ", page), page
    assert "Regionen har ett fel" in page
    assert 'lang="sv"' in page
    # Every page shows it, the index too; and the plan comes back once the file is fixed.
    assert "kommuner/klippan.yaml:4:" in get(server, "/")
    file.write_text(good, encoding="utf-8")
    eventually(server, "/klippan.html", lambda p: "Regionen har" not in p and "Klippan" in p)


def read_event(stream: http.client.HTTPResponse) -> str:
    """The data of the next event of an event stream (comments skipped)."""
    while True:
        line = stream.readline().decode("utf-8")
        assert line, "the stream ended"
        if line.startswith("data: "):
            assert stream.readline() == b"\n"
            return line[len("data: ") :].strip()


def test_the_event_stream_signals_a_change(server: PreviewServer, region: Path) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    try:
        connection.request("GET", "/__events")
        stream = connection.getresponse()
        assert stream.status == 200
        assert stream.headers["Content-Type"] == "text/event-stream"
        first = read_event(stream)
        edit(region / "kommuner" / "astorp.yaml", "status: ", "status:  ")
        assert int(read_event(stream)) > int(first)
    finally:
        connection.close()


def test_loading_only_the_changed_file_finds_what_validate_finds(region: Path) -> None:
    preview = Preview(region)
    preview.refresh()
    file = region / "kommuner" / "orkelljunga.yaml"
    edit(file, "status: ", "status: okand-status #")
    assert preview.refresh() == ["kommuner/orkelljunga.yaml"]
    assert preview.refresh() is None  # nothing changed since
    state = preview._state
    assert state is not None
    assert state.findings == validate_region(region)[1]
    assert state.errors


def test_close_stops_serving_and_joins_its_threads(region: Path) -> None:
    server = PreviewServer(region)
    server.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    connection.request("GET", "/__events")
    stream = connection.getresponse()
    read_event(stream)  # an open event stream does not hold the server up
    server.close()
    assert not any(t.is_alive() for t in server._threads)
    connection.close()
    with pytest.raises(OSError):
        status_of(server, "/")

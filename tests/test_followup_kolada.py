"""The Kolada client against a local server that answers as Kolada's v3 API does."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from omstallning.followup.files import load_outcome_files
from omstallning.followup.kolada import KoladaClient, KoladaError, fetch_snapshot, parse_values
from omstallning.load.loader import load_region

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nordvastra-skane"

Handler = Callable[[BaseHTTPRequestHandler], tuple[int, object] | None]


class Server:
    """A local HTTP server whose answers a test scripts; it records every path asked for."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.answer: Handler = lambda _req: (404, {})
        owner = self

        class Handle(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                owner.paths.append(self.path)
                result = owner.answer(self)
                if result is None:
                    return
                status, body = result
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v3"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def client(self, **overrides: object) -> KoladaClient:
        delays: list[float] = []
        settings: dict[str, object] = {"base_url": self.url, "timeout": 2.0}
        settings.update(overrides)
        client = KoladaClient(**settings, sleep=delays.append)  # type: ignore[arg-type]
        client.delays = delays  # type: ignore[attr-defined]
        return client


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    s.thread.start()
    try:
        yield s
    finally:
        s.httpd.shutdown()
        s.httpd.server_close()
        s.thread.join(timeout=5)


def row(kpi: str, code: str, year: int, *values: tuple[str, float | None]) -> dict[str, object]:
    return {
        "kpi": kpi,
        "municipality": code,
        "period": year,
        "values": [{"gender": g, "value": v, "count": 1, "status": ""} for g, v in values],
    }


def test_values_are_fetched_across_pages(server: Server) -> None:
    page2 = f"{server.url}/data/kpi/N31807/municipality/1276,1277/year/2024,2025?page=2"

    def answer(req: BaseHTTPRequestHandler) -> tuple[int, object]:
        if "page=2" in req.path:
            return 200, {"count": 1, "values": [row("N31807", "1277", 2025, ("T", 2.9))]}
        return 200, {
            "count": 2,
            "values": [
                row("N31807", "1276", 2024, ("T", 3.1), ("K", 3.4), ("M", 2.8)),
                row("N31807", "1276", 2025, ("T", None)),  # not yet published
            ],
            "next_url": page2,
        }

    server.answer = answer
    client = server.client()
    values = client.fetch(["N31807"], ["1277", "1276"], [2025, 2024])
    assert server.paths == [
        "/v3/data/kpi/N31807/municipality/1276,1277/year/2024,2025?per_page=5000",
        "/v3/data/kpi/N31807/municipality/1276,1277/year/2024,2025?page=2",
    ]
    got = sorted((v.code, v.period, v.sex, v.value) for v in values)
    assert got == [
        ("1276", 2024, "kvinnor", 3.4),
        ("1276", 2024, "män", 2.8),
        ("1276", 2024, "totalt", 3.1),
        ("1277", 2025, "totalt", 2.9),
    ]


def test_next_page_as_in_v2_is_followed_too(server: Server) -> None:
    def answer(req: BaseHTTPRequestHandler) -> tuple[int, object]:
        if req.path.endswith("page=2"):
            return 200, {"values": [row("N1", "1276", 2024, ("T", 2))]}
        return 200, {"values": [], "next_page": f"{server.url}/x?page=2"}

    server.answer = answer
    assert [v.value for v in server.client().fetch(["N1"], ["1276"], [2024])] == [2.0]


def test_a_server_error_is_retried_with_bounded_backoff(server: Server) -> None:
    calls = iter([(500, {"error": "tillfälligt"}), (503, b"busy"), (200, {"values": []})])
    server.answer = lambda _req: next(calls)
    client = server.client(attempts=4, backoff=1.0, max_backoff=1.5)
    assert client.fetch(["N1"], ["1276"], [2024]) == []
    assert len(server.paths) == 3
    assert client.delays == [1.0, 1.5]  # type: ignore[attr-defined]


def test_persistent_server_errors_end_in_a_swedish_message(server: Server) -> None:
    server.answer = lambda _req: (502, {})
    client = server.client(attempts=3)
    with pytest.raises(KoladaError, match="fel 502.*även efter 3 försök"):
        client.fetch(["N1"], ["1276"], [2024])
    assert len(server.paths) == 3


def test_a_client_error_is_not_retried(server: Server) -> None:
    server.answer = lambda _req: (404, {"message": "Not found"})
    with pytest.raises(KoladaError, match="fel 404.*Kolada-id"):
        server.client().fetch(["N99999"], ["1276"], [2024])
    assert len(server.paths) == 1


def test_a_timeout_is_retried_then_reported(server: Server) -> None:
    release = threading.Event()

    def slow(_req: BaseHTTPRequestHandler) -> None:
        release.wait(2)  # longer than the client waits; released at the end of the test

    server.answer = slow
    client = server.client(timeout=0.2, attempts=2)
    started = time.monotonic()
    try:
        with pytest.raises(KoladaError, match="svarar inte.*2 försök.*nätverksanslutningen"):
            client.fetch(["N1"], ["1276"], [2024])
    finally:
        release.set()
    assert time.monotonic() - started < 3


def test_offline_is_a_swedish_message() -> None:
    client = KoladaClient(
        base_url="http://127.0.0.1:9/v3", timeout=0.5, attempts=2, sleep=lambda _s: None
    )
    with pytest.raises(KoladaError, match="Kolada svarar inte"):
        client.fetch(["N1"], ["1276"], [2024])


def test_not_json_is_reported(server: Server) -> None:
    server.answer = lambda _req: (200, b"<html>underhall</html>")
    with pytest.raises(KoladaError, match="inte är JSON"):
        server.client().fetch(["N1"], ["1276"], [2024])


def test_long_lists_are_split_into_requests_of_at_most_25_ids(server: Server) -> None:
    server.answer = lambda _req: (200, {"values": []})
    codes = [f"{1200 + n}" for n in range(30)]
    server.client().fetch(["N1"], codes, [2024])
    assert len(server.paths) == 2
    assert server.paths[0].count(",") == 24


def test_parse_values_skips_what_it_cannot_use() -> None:
    page = {
        "values": [
            row("N1", "1276", 2024, ("T", 1), ("X", 2), ("K", None)),
            "trasig",
            {"kpi": "N1", "municipality": "1276", "period": 2025, "values": None},
        ]
    }
    assert [(v.sex, v.value) for v in parse_values(page)] == [("totalt", 1.0)]


def test_fetch_snapshot_writes_kolada_yaml_for_the_region(server: Server, tmp_path: Path) -> None:
    root = tmp_path / "region"
    shutil.copytree(EXAMPLE, root)
    klippan = root / "kommuner" / "klippan.yaml"
    name = "      - namn: Genomsnittlig väntetid till första samtal, dagar\n"
    text = klippan.read_text(encoding="utf-8")
    klippan.write_text(text.replace(name, name + "        kolada: N00001\n"), encoding="utf-8")
    region = load_region(root).region
    server.answer = lambda _req: (200, {"values": [row("N00001", "1276", 2025, ("T", 11))]})
    client = server.client()
    count, written = fetch_snapshot(root, region, client, dt.date(2026, 3, 1))
    assert (count, written) == (1, True)
    # N31807: the example's own Kolada-backed indicators (Åstorp, Klippan).
    assert server.paths[0].startswith("/v3/data/kpi/N00001,N31807/municipality/1257,1276,1277/")
    assert server.paths[0].endswith("/year/2024,2025,2026,2027,2028?per_page=5000")
    snapshot = load_outcome_files(root).kolada
    assert snapshot is not None and snapshot.source == "Källa: Kolada"
    assert str(snapshot.fetched) == "2026-03-01"
    # The same answer on the same day writes nothing.
    assert fetch_snapshot(root, region, client, dt.date(2026, 3, 1)) == (1, False)

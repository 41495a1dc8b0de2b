"""The live preview: the HTML site served on loopback, rebuilt and reloaded when a file is saved.

`Preview` holds the loaded region and the pages. A watcher thread polls the size and
modification time of the region's input files every `POLL_SECONDS`; a changed municipality
file is loaded and checked again alone (`check.validate.load_and_check`), a changed shared
file (omstallning.yaml, the introduction, begrepp.yaml, kallor.yaml, the logo) reloads the
region; the region rules then run on the whole as in `validate`. Pages are rendered when
asked for and kept until what they are built from changes: a plan's page depends on the
shared files and its own file only, the index and the summary on every file.

`PreviewServer` serves the pages with `http.server.ThreadingHTTPServer`: GET only, and only the
site's page names (nothing else is read from disk, so no path can reach another file). Each
served page gets a small script, allowed by a nonce in its Content-Security-Policy, that
listens to `/__events` (Server-Sent Events) and reloads the page when the region changed;
the built site (`commands.site`) has no script. While the region has errors, every page shows
them (file:line:column and message) instead of the plan.
"""

from __future__ import annotations

import dataclasses
import errno
import http.server
import ipaddress
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from omstallning.check.rules import run_region_rules
from omstallning.check.validate import _for_region_rules, load_and_check
from omstallning.commands.site import SUMMARY_FILE, document_page, index_page, page_name
from omstallning.commands.status import RegionStatus, reference_date, region_status
from omstallning.documents import DOCUMENT_KINDS
from omstallning.errors import OmstallningError, UsageError
from omstallning.findings import Finding, sort_findings
from omstallning.load.loader import (
    CONFIG_FILE,
    GLOSSARY_FILE,
    INTRO_DIR,
    SOURCES_FILE,
    LoadedMunicipality,
    LoadResult,
    add_municipality,
    load_shared,
    municipality_paths,
)
from omstallning.load.paths import resolve_inside
from omstallning.writers.html import CSP
from omstallning.writers.html.site import INDEX_FILE, ErrorItem, error_html

POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0
EVENTS_PATH = "/__events"
LOOPBACK_NAMES = ("localhost",)

Signature = tuple[int, int]  # (mtime_ns, size)
Report = Callable[[str], None]

# Reloads the page when the server says the region changed since the page was made.
RELOAD_SCRIPT = """(() => {{
  const shown = "{version}";
  const events = new EventSource("{events}");
  events.onmessage = (event) => {{
    if (event.data !== shown) {{ events.close(); location.reload(); }}
  }};
}})();"""


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this computer only."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def with_reload_script(page: bytes, version: int) -> bytes:
    """A site page as the preview serves it: its CSP allows one script, by a fresh nonce."""
    nonce = secrets.token_urlsafe(16)
    text = page.decode("utf-8")
    policy = f"{CSP}; script-src 'nonce-{nonce}'; connect-src 'self'"
    text = text.replace(f'content="{CSP}"', f'content="{policy}"', 1)
    script = RELOAD_SCRIPT.format(version=version, events=EVENTS_PATH)
    at = text.rindex("</body>")
    text = f'{text[:at]}<script nonce="{nonce}">\n{script}\n</script>\n{text[at:]}'
    return text.encode("utf-8")


@dataclass
class _State:
    """One loaded version of the region: its findings, errors and the overview."""

    result: LoadResult
    findings: list[Finding]
    errors: list[Finding]
    status: RegionStatus | None = None


class Preview:
    """The region as pages, reloaded from what changed on disk (`refresh`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.version = 0
        self.changed = threading.Condition(threading.RLock())
        self.stopped = False
        self._shared_signatures: dict[Path, Signature] = {}
        self._own_signatures: dict[Path, Signature] = {}
        self._shared: LoadResult | None = None
        self._loaded: dict[Path, LoadedMunicipality] = {}
        self._state: _State | None = None
        self._problem: str | None = None  # the region cannot be loaded at all: why
        self._plans: dict[str, bytes] = {}  # slug -> page, while its inputs are unchanged
        self._regional: dict[str, bytes] = {}  # index and summary, until anything changes

    # --- What is on disk ---------------------------------------------------------------

    def _shared_paths(self) -> list[Path]:
        root = self.root
        paths = [root / CONFIG_FILE, root / GLOSSARY_FILE, root / SOURCES_FILE]
        intro = root / INTRO_DIR
        if intro.is_dir():
            paths += sorted(p for p in intro.iterdir() if p.is_file())
        logo = self._shared.region.config.export.logo if self._shared else None
        if logo:
            resolved, _problem = resolve_inside(root, logo)
            if resolved is not None:
                paths.append(resolved)
        return paths

    def _scan(self, paths: list[Path]) -> dict[Path, Signature]:
        found: dict[Path, Signature] = {}
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue
            found[path] = (st.st_mtime_ns, st.st_size)
        return found

    # --- Loading -----------------------------------------------------------------------

    def refresh(self) -> list[str] | None:
        """Load what changed since the last call; the changed files, or None if nothing did.

        The first call loads everything. A region that cannot be loaded at all (its
        omstallning.yaml is gone) is shown as an error page until it can.
        """
        shared_now = self._scan(self._shared_paths())
        own_now = self._scan(municipality_paths(self.root))
        shared_changed = self.version == 0 or shared_now != self._shared_signatures
        changed = [p for p, s in own_now.items() if self._own_signatures.get(p) != s]
        removed = [p for p in self._own_signatures if p not in own_now]
        if not (shared_changed or changed or removed):
            return None
        with self.changed:
            self._shared_signatures, self._own_signatures = shared_now, own_now
            names = self._reload(shared_changed, changed, removed)
            self.version += 1
            self.changed.notify_all()
        return names

    def _reload(self, shared_changed: bool, changed: list[Path], removed: list[Path]) -> list[str]:
        """Reload the changed files and the region's state; drop the pages they touch."""
        try:
            if shared_changed or self._shared is None or self._problem:
                self._shared = load_shared(self.root)
                self._loaded = {}
                self._plans = {}
                changed = municipality_paths(self.root)
            for path in removed:
                self._loaded.pop(path, None)
            for path in changed:
                self._loaded[path] = load_and_check(self._shared, path)
                self._plans.pop(path.stem, None)
            self._state = self._combine(self._shared)
            self._problem = None
        except OmstallningError as exc:
            self._problem = str(exc)
            self._state = None
        self._regional = {}
        return [self._relative(p) for p in [*changed, *removed]] or ["gemensamma filer"]

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _combine(self, shared: LoadResult) -> _State:
        """The region of the shared part and every loaded municipality, checked as a whole."""
        region = dataclasses.replace(shared.region, municipalities=[])
        result = LoadResult(region, list(shared.findings), dict(shared.maps), shared.config_ok)
        for path in sorted(self._loaded):
            add_municipality(result, self._loaded[path])
        findings = sort_findings(result.findings + run_region_rules(_for_region_rules(result)))
        return _State(result, findings, [f for f in findings if f.is_error])

    # --- Pages -------------------------------------------------------------------------

    def page_names(self) -> list[str]:
        """The names of the pages the preview serves: index, one per municipality file, summary."""
        with self.changed:
            stems = [p.stem for p in sorted(self._loaded)]
        return [INDEX_FILE, *(page_name(s) for s in stems), SUMMARY_FILE]

    def page(self, name: str) -> tuple[bytes, int] | None:
        """The page called `name` and the version it shows, or None when there is none."""
        if name not in self.page_names():
            return None
        with self.changed:
            state = self._state
            if state is None or state.errors:
                return self._error_page(state), self.version
            if name == INDEX_FILE or name == SUMMARY_FILE:
                if name not in self._regional:
                    self._render_regional(state)
                return self._regional[name], self.version
            slug = name.removesuffix(".html")
            if slug not in self._plans:
                entry = state.result.region.municipality(slug)
                if entry is None:
                    return None
                document = DOCUMENT_KINDS["plan"].assemble_for(state.result.region, entry)
                self._plans[slug] = document_page(state.result.region, document)
            return self._plans[slug], self.version

    def _render_regional(self, state: _State) -> None:
        region = state.result.region
        if state.status is None:
            state.status = region_status(state.result, state.findings, reference_date())
        summary = DOCUMENT_KINDS["sammanstallning"].assemble_region(region, state.status)
        slugs = [m.slug for m in region.municipalities]
        self._regional[INDEX_FILE] = index_page(region, state.status, slugs, summary)
        self._regional[SUMMARY_FILE] = document_page(region, summary)

    def _error_page(self, state: _State | None) -> bytes:
        if state is None:
            region = self.root.resolve().name
            items = [ErrorItem(CONFIG_FILE, self._problem or "Regionen kan inte läsas.", "fel")]
        else:
            region = state.result.region.config.region
            items = [self._error_item(f) for f in state.errors]
        return error_html(region, items).encode("utf-8")

    def _error_item(self, finding: Finding) -> ErrorItem:
        where = finding.file
        source = None
        if finding.line:
            where += f":{finding.line}:{finding.column}"
            source = _source_line(self.root / finding.file, finding.line)
        return ErrorItem(where, finding.message, finding.code, source)

    def error_count(self) -> int:
        """How many errors the region has now (1 when it cannot be loaded at all)."""
        with self.changed:
            return 1 if self._state is None else len(self._state.errors)

    def wait(self, seen: int | None, timeout: float) -> int | None:
        """The version, once it differs from `seen` or after `timeout`; None once stopped."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.stopped, timeout)
            return None if self.stopped else self.version

    def stop(self) -> None:
        """Wake everyone waiting for a change, for the server to stop."""
        with self.changed:
            self.stopped = True
            self.changed.notify_all()


def _source_line(path: Path, number: int) -> str | None:
    """Line `number` of a file, for an error's context; None when it cannot be read."""
    from omstallning.load.safe_read import text_lines

    lines = text_lines(path)
    return lines[number - 1].rstrip() if 0 < number <= len(lines) else None


def watch(preview: Preview, stop: threading.Event, report: Report | None = None) -> None:
    """Refresh `preview` every `POLL_SECONDS` until `stop` is set; report what changed."""
    while not stop.wait(POLL_SECONDS):
        started = time.perf_counter()
        try:
            names = preview.refresh()
        except Exception as exc:  # keep watching: the next save may fix it
            names = [f"internt fel ({type(exc).__name__})"]
        if names and report is not None:
            ms = (time.perf_counter() - started) * 1000
            errors = preview.error_count()
            state = f", {errors} fel" if errors else ""
            report(f"Ändrat: {', '.join(names)} (inläst på {ms:.0f} ms{state}).")


# --- The server ----------------------------------------------------------------------------


class _Server(http.server.ThreadingHTTPServer):
    """The HTTP server with the preview it serves and the Host names it answers to."""

    daemon_threads = True
    preview: Preview
    hosts: frozenset[str] | None  # None: any Host header (bound beyond loopback)


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET of a page of the site or of the change events; nothing else."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "omstallning-forhandsgranskning"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows what changed, not every request."""

    def do_GET(self) -> None:
        """A page, `/__events`, or 404; 421 for a Host this server does not serve."""
        hosts = self.server.hosts
        if hosts is not None and (self.headers.get("Host") or "").lower() not in hosts:
            self._send(421, "Fel värdnamn.\n".encode(), "text/plain; charset=utf-8")
            return
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._events()
            return
        name = INDEX_FILE if path == "/" else path.removeprefix("/")
        found = self.server.preview.page(name) if "/" not in name else None
        if found is None:
            self._send(404, b"Sidan finns inte.\n", "text/plain; charset=utf-8")
            return
        page, version = found
        self._send(200, with_reload_script(page, version), "text/html; charset=utf-8")

    def _send(self, code: int, body: bytes, kind: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the version now, then each new one, until the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        preview = self.server.preview
        seen: int | None = None
        try:
            while (version := preview.wait(seen, KEEPALIVE_SECONDS)) is not None:
                message = f"data: {version}\n\n" if version != seen else ": ping\n\n"
                seen = version
                self.wfile.write(message.encode("ascii"))
                self.wfile.flush()
        except OSError:
            pass  # the page was closed or reloaded


def _why(exc: BaseException) -> str:
    """Why an address cannot be listened on, in Swedish."""
    if isinstance(exc, socket.gaierror):
        return "datorn känner inte till den adressen"
    reasons = {
        errno.EADDRINUSE: "porten används redan (välj en annan med --port, eller utelämna --port)",
        errno.EACCES: "behörighet saknas (portar under 1024 kräver administratör)",
        errno.EADDRNOTAVAIL: "adressen finns inte på den här datorn",
    }
    code = exc.errno if isinstance(exc, OSError) else None
    return reasons.get(code or 0, "ogiltig adress eller port")


def _server_class(host: str) -> type[_Server]:
    if ":" in host.strip("[]"):

        class _Server6(_Server):
            address_family = socket.AF_INET6

        return _Server6
    return _Server


class PreviewServer:
    """The preview on `host:port` (0: a free port), its server and watcher threads.

    Use as a context manager: `start` on enter, `close` on exit (also on Ctrl-C).

    Raises:
        UsageError: the address cannot be used (the port is taken, the host is unknown).
        NotARegionError: `root` is not a regional repository.
    """

    def __init__(
        self, root: Path, host: str = "127.0.0.1", port: int = 0, report: Report | None = None
    ) -> None:
        load_shared(root)  # a folder that is no region stops here, before anything listens
        self.preview = Preview(root)
        self.preview.refresh()
        address = host.strip("[]")
        try:
            self.server = _server_class(host)((address, port), _Handler)
        except (OSError, OverflowError) as exc:
            raise UsageError(f"Kan inte lyssna på {host} port {port}: {_why(exc)}.") from None
        self.server.preview = self.preview
        bound = self.server.server_address[1]
        self.port = int(bound)
        self.host = host
        self.server.hosts = (
            frozenset(f"{h}:{self.port}" for h in ("127.0.0.1", "localhost", "[::1]", host))
            if is_loopback(address)
            else None
        )
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(
                target=self.server.serve_forever,
                args=(POLL_SECONDS,),
                name="forhandsgranska-server",
            ),
            threading.Thread(
                target=watch,
                args=(self.preview, self._stop, report),
                name="forhandsgranska-bevakning",
            ),
        ]

    @property
    def url(self) -> str:
        """The address to open in a browser."""
        host = self.host.strip("[]")
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"  # every address: this computer's is one of them
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    def start(self) -> None:
        """Serve and watch, each in its own thread."""
        for thread in self._threads:
            thread.start()

    def wait(self) -> None:
        """Block until `close` (or Ctrl-C, which reaches this thread)."""
        while not self._stop.wait(0.5):
            pass

    def close(self) -> None:
        """Stop watching and serving: wake the event streams, shut down, join the threads."""
        self._stop.set()
        self.preview.stop()
        if self._threads[0].is_alive():
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            if thread.is_alive():
                thread.join()

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_preview(root: Path, host: str, port: int, say: Report, warn: Report) -> None:
    """`omstallning forhandsgranska`: serve until Ctrl-C (KeyboardInterrupt, after closing)."""
    server = PreviewServer(root, host, port, report=say)
    if not is_loopback(host.strip("[]")):
        warn(
            f"Varning: förhandsgranskningen lyssnar på {host} och kan nås från andra datorer. "
            "Den har inget lösenord; använd bara --host i ett nät du litar på."
        )
    with server:
        say(f"Förhandsgranskar {root} på {server.url}")
        say("Sidan laddas om när du sparar en fil. Avsluta med Ctrl-C.")
        server.wait()

"""Find LibreOffice and turn DOCX files into accessible PDFs through a few long-lived processes.

A cold `soffice --convert-to pdf` costs over a second per file, and it exports an untagged
PDF. Here each of `jobs` threads starts one headless LibreOffice with a profile of its own
and one `uno_bridge.py` beside it (run by a Python that has `uno`, which the tool's own
Python usually lacks), and feeds it plan after plan. A LibreOffice that crashes is started
again and the plan tried once more; one that does not answer within the timeout is killed
with its process group and the plan reported. Every process and profile is removed at the
end, also after an error or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omstallning.errors import OmstallningError, UsageError

SOFFICE_ENV = "OMSTALLNING_SOFFICE"
UNO_PYTHON_ENV = "OMSTALLNING_UNO_PYTHON"
BRIDGE = Path(__file__).with_name("uno_bridge.py")
DEFAULT_TIMEOUT = 120.0
# How long a LibreOffice asked to quit may take before it is killed.
QUIT_WAIT = 10.0
# A DOCX whose text (word/document.xml) is larger than this gets proportionally more than
# the timeout: LibreOffice lays out a plan with 5,000 activities (26 MB) for minutes, and a
# plan of the usual size (under 1 MB) in a second or two.
TIMEOUT_BYTES = 2_000_000

INSTALL_HINT = (
    "Installera LibreOffice: på Debian/Ubuntu `sudo apt install libreoffice-writer-nogui "
    "python3-uno`, på Windows och macOS från https://www.libreoffice.org/download/. "
    f"Ligger programmen någon annanstans, ange dem med {SOFFICE_ENV} (soffice) och "
    f"{UNO_PYTHON_ENV} (en Python som kan `import uno`)."
)

# Where the installers put soffice when it is not on PATH.
_SOFFICE_PLACES = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    Path("/usr/lib/libreoffice/program/soffice"),
    Path("/opt/libreoffice/program/soffice"),
)


class LibreOfficeMissingError(UsageError):
    """LibreOffice, or a Python that can drive it, is not installed (exit status 2)."""


class PdfConversionError(OmstallningError):
    """One or more plans could not be turned into PDF; the message names them."""


@dataclass(frozen=True)
class LibreOffice:
    """Where LibreOffice is and which Python can drive it over UNO."""

    soffice: Path
    python: Path


@dataclass
class Result:
    """What came of one DOCX: `error` is None when it worked."""

    source: Path
    target: Path | None
    error: str | None = None
    pages: int = 0
    headings: list[tuple[int, str, int]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the job worked."""
        return self.error is None


def find_soffice() -> Path | None:
    """`$OMSTALLNING_SOFFICE`, else soffice or libreoffice on PATH, else a usual place."""
    if os.environ.get(SOFFICE_ENV):
        given = Path(os.environ[SOFFICE_ENV])
        return given if given.is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((place for place in _SOFFICE_PLACES if place.is_file()), None)


def _can_import_uno(python: Path) -> bool:
    try:
        done = subprocess.run(
            [str(python), "-c", "import uno"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _python_candidates(soffice: Path) -> Iterator[Path]:
    program = soffice.resolve().parent
    # LibreOffice's own Python on Windows (program/python.exe) and macOS (Resources/python).
    yield from (program / "python.exe", program / "python", program.parent / "Resources/python")
    for name in ("python3", "python"):
        found = shutil.which(name)
        if found:
            yield Path(found)
    yield Path("/usr/bin/python3")


def find_uno_python(soffice: Path) -> Path | None:
    """`$OMSTALLNING_UNO_PYTHON`, else LibreOffice's own Python, else a python3 with `uno`."""
    if os.environ.get(UNO_PYTHON_ENV):
        given = Path(os.environ[UNO_PYTHON_ENV])
        return given if _can_import_uno(given) else None
    seen: set[Path] = set()
    for candidate in _python_candidates(soffice):
        if candidate in seen or not candidate.is_file():
            continue
        seen.add(candidate)
        if _can_import_uno(candidate):
            return candidate
    return None


def require_libreoffice() -> LibreOffice:
    """LibreOffice and a Python that drives it; call it before writing anything.

    Raises:
        LibreOfficeMissingError: either is missing, with the install hint in Swedish.
    """
    soffice = find_soffice()
    if soffice is None:
        where = (
            f" ({SOFFICE_ENV}={os.environ[SOFFICE_ENV]} finns inte)"
            if (os.environ.get(SOFFICE_ENV))
            else ""
        )
        raise LibreOfficeMissingError(
            f"PDF byggs med LibreOffice, men LibreOffice (soffice) hittades inte{where}. "
            + INSTALL_HINT
        )
    python = find_uno_python(soffice)
    if python is None:
        raise LibreOfficeMissingError(
            f"LibreOffice finns ({soffice}), men ingen Python som kan styra det (modulen "
            "`uno`, Debian-paketet python3-uno) hittades. " + INSTALL_HINT
        )
    return LibreOffice(soffice, python)


class _Hung(Exception):
    """LibreOffice did not answer in time."""


class _Crashed(Exception):
    """LibreOffice or the bridge went away."""


class Session:
    """One headless LibreOffice with its own profile, and the bridge that drives it."""

    def __init__(self, office: LibreOffice, timeout: float) -> None:
        self.office = office
        self.timeout = timeout
        self._profile = Path(tempfile.mkdtemp(prefix="omstallning-lo-"))
        pipe = f"omstallning-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._procs: list[subprocess.Popen[bytes]] = []
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        try:
            self._soffice = self._start(
                [
                    str(office.soffice),
                    "--headless",
                    "--invisible",
                    "--norestore",
                    "--nologo",
                    "--nodefault",
                    "--nolockcheck",
                    f"--accept=pipe,name={pipe};urp;",
                    f"-env:UserInstallation={self._profile.as_uri()}",
                ],
                talks=False,
            )
            connection = f"pipe,name={pipe};urp;StarOffice.ComponentContext"
            self._bridge = self._start(
                [str(office.python), str(BRIDGE), connection, str(timeout)], talks=True
            )
            threading.Thread(target=self._read, daemon=True).start()
            ready = self._answer(self.timeout)
            if not ready.get("ready"):
                raise _Crashed(str(ready.get("error", "bryggan startade inte")))
        except BaseException as exc:
            self.close(kill=True)
            if isinstance(exc, OSError):
                raise _Crashed(str(exc)) from exc
            raise

    def _start(self, args: list[str], *, talks: bool) -> subprocess.Popen[bytes]:
        proc = _spawn(args, talks=talks)
        self._procs.append(proc)
        return proc

    def _read(self) -> None:
        assert self._bridge.stdout is not None
        for line in self._bridge.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _answer(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise _Hung from None
        if line is None:
            raise _Crashed(f"LibreOffice avslutades oväntat (status {self._soffice.poll()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, job: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one job and wait `timeout` seconds for its answer."""
        assert self._bridge.stdin is not None
        try:
            self._bridge.stdin.write(json.dumps(job, ensure_ascii=False).encode() + b"\n")
            self._bridge.stdin.flush()
        except OSError as exc:
            raise _Crashed(str(exc)) from exc
        answer = self._answer(timeout)
        if not answer.get("ok") and answer.get("fatal"):
            raise _Crashed(str(answer.get("error")))
        return answer

    def close(self, *, kill: bool = False) -> None:
        """Stop LibreOffice (politely unless `kill`), the bridge, and remove the profile."""
        if not kill and self._procs and self._bridge.poll() is None and self._bridge.stdin:
            with contextlib.suppress(OSError):
                self._bridge.stdin.write(b'{"op": "quit"}\n')
                self._bridge.stdin.flush()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._soffice.wait(QUIT_WAIT)
        for proc in self._procs:
            _kill_group(proc)
        shutil.rmtree(self._profile, ignore_errors=True)


def _spawn(args: list[str], *, talks: bool) -> subprocess.Popen[bytes]:
    """Start `args` in a process group of its own, so that it can be killed with its children.

    Only the bridge `talks` (over stdin and stdout); LibreOffice's own output is dropped, so
    that it never blocks on a full pipe.
    """
    pipe = subprocess.PIPE if talks else subprocess.DEVNULL
    if sys.platform == "win32":
        return subprocess.Popen(
            args,
            stdin=pipe,
            stdout=pipe,
            stderr=subprocess.DEVNULL,
            creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
        )
    return subprocess.Popen(
        args, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL, start_new_session=True
    )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    if sys.platform == "win32":
        if proc.poll() is None:
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False
            )
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


@dataclass(frozen=True)
class _Task:
    source: Path
    target: Path | None  # None: only the heading pages
    headings: bool
    timeout: float  # how long the file may take (`file_timeout`)


def file_timeout(source: Path, timeout: float) -> float:
    """`timeout`, or more for a DOCX whose text is larger than `TIMEOUT_BYTES`."""
    try:
        with zipfile.ZipFile(source) as package:
            size = package.getinfo("word/document.xml").file_size
    except (OSError, KeyError, zipfile.BadZipFile):
        return timeout  # LibreOffice says what is wrong with it
    return timeout * max(1.0, size / TIMEOUT_BYTES)


class _Worker:
    """One thread's LibreOffice: it takes tasks from the shared queue until none are left."""

    def __init__(self, office: LibreOffice, timeout: float, stop: threading.Event) -> None:
        self.office = office
        self.timeout = timeout
        self.stop = stop
        self.session: Session | None = None
        self.broken: str | None = None  # why LibreOffice would not start; no more tasks then
        self._lock = threading.Lock()

    def serve(
        self,
        tasks: queue.Queue[tuple[int, _Task]],
        results: dict[int, Result],
        finished: queue.Queue[int],
    ) -> None:
        try:
            while not self.stop.is_set() and self.broken is None:
                try:
                    index, task = tasks.get_nowait()
                except queue.Empty:
                    return
                results[index] = self._do(task)
                finished.put(index)
        finally:
            self.abort(kill=False)

    def abort(self, *, kill: bool = True) -> None:
        with self._lock:
            session, self.session = self.session, None
        if session is not None:
            session.close(kill=kill)

    def _session(self) -> Session:
        if self.session is None:
            session = Session(self.office, self.timeout)
            with self._lock:
                self.session = session
            if self.stop.is_set():  # stopped while this one started: nobody else kills it
                self.abort()
                raise _Crashed("avbrutet")
        return self.session

    def _do(self, task: _Task) -> Result:
        started = time.monotonic()
        result = Result(task.source, task.target)
        tmp = None
        if task.target is not None:
            task.target.parent.mkdir(parents=True, exist_ok=True)
            tmp = task.target.with_name(f".{task.target.name}.{uuid.uuid4().hex[:8]}.tmp")
        job: dict[str, Any] = {"op": "convert" if tmp else "headings", "src": str(task.source)}
        job.update(dst=str(tmp), headings=task.headings)
        try:
            answer = self._attempt(task, job)
            if answer.get("ok"):
                if tmp is not None and task.target is not None:
                    tmp.replace(task.target)
                result.pages = int(answer.get("pages", 0))
                result.headings = [
                    (int(a), str(b), int(c)) for a, b, c in answer.get("headings", [])
                ]
            else:
                result.error = f"{task.source.name}: LibreOffice: {answer.get('error')}"
        except (_Hung, _Crashed, OSError) as exc:
            result.error = f"{task.source.name}: {exc}"
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        result.seconds = time.monotonic() - started
        return result

    def _attempt(self, task: _Task, job: dict[str, Any]) -> dict[str, Any]:
        """Run `job`, once more in a new LibreOffice if the first one crashed."""
        for attempt in (1, 2):
            try:
                session = self._session()
            except (_Hung, _Crashed) as exc:
                self.abort()
                self.broken = _not_started(exc, self.timeout)
                raise _Crashed(self.broken) from exc
            try:
                return session.run(job, task.timeout)
            except _Hung:
                self.abort()
                raise _Hung(
                    f"LibreOffice svarade inte inom {round(task.timeout, 1):g} s och avslutades."
                ) from None
            except _Crashed as exc:
                self.abort()
                if attempt == 2:
                    raise _Crashed(
                        f"LibreOffice kraschade två gånger med den här filen ({exc})."
                    ) from exc
        raise AssertionError("unreachable")


def _not_started(exc: Exception, timeout: float) -> str:
    if isinstance(exc, _Hung):
        return f"LibreOffice startade men svarade inte inom {timeout:g} s och avslutades."
    return f"LibreOffice kunde inte startas ({exc})."


# Called with a task's index and result as soon as it is done, in the calling thread.
OnResult = Callable[[int, Result], None]


def _hand_over(
    finished: queue.Queue[int], results: dict[int, Result], on_result: OnResult | None
) -> None:
    """Give `on_result` every result done since the last call."""
    while True:
        try:
            index = finished.get_nowait()
        except queue.Empty:
            return
        if on_result is not None:
            on_result(index, results[index])


def _run(
    tasks: Sequence[_Task],
    jobs: int,
    timeout: float,
    office: LibreOffice | None,
    on_result: OnResult | None = None,
) -> list[Result]:
    office = office or require_libreoffice()
    todo: queue.Queue[tuple[int, _Task]] = queue.Queue()
    for item in enumerate(tasks):
        todo.put(item)
    results: dict[int, Result] = {}
    finished: queue.Queue[int] = queue.Queue()
    stop = threading.Event()
    workers = [_Worker(office, timeout, stop) for _ in range(max(1, min(jobs, len(tasks))))]
    threads = [
        threading.Thread(target=w.serve, args=(todo, results, finished), daemon=True)
        for w in workers
    ]
    try:
        for thread in threads:
            thread.start()
        while True:
            _hand_over(finished, results, on_result)
            alive = next((thread for thread in threads if thread.is_alive()), None)
            if alive is None:
                break
            alive.join(0.2)  # a short wait, so that Ctrl-C gets through
        _hand_over(finished, results, on_result)
    finally:
        stop.set()
        for worker in workers:
            worker.abort()
        for thread in threads:
            thread.join(15)
    broken = next((w.broken for w in workers if w.broken), "LibreOffice kunde inte startas.")
    return [
        results.get(i) or Result(task.source, task.target, f"{task.source.name}: {broken}")
        for i, task in enumerate(tasks)
    ]


def convert_to_pdf(
    pairs: Sequence[tuple[Path, Path]],
    jobs: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    office: LibreOffice | None = None,
    headings: bool = False,
    on_result: OnResult | None = None,
) -> list[Result]:
    """Turn each (DOCX, PDF) pair into a tagged PDF/A-2b and PDF/UA-1, in `jobs` LibreOffices.

    The table of contents is updated with page numbers first. Each PDF is written to a
    temporary file beside it and renamed into place, so a failed plan leaves its old PDF.
    `timeout` is how long one file (or one LibreOffice's start) may take, more for a large
    file (`file_timeout`); `headings` also fills `Result.headings` (LibreOffice is asked
    for each heading's page: over a second per plan; the build reads the same from the
    PDF's bookmarks with `pdf_check.inspect_pdf`).
    `on_result` is called in this thread with each (index, result) as it is done, while
    LibreOffice goes on with the next ones; what it raises stops the conversions. Returns
    one result per pair, in order.

    Raises:
        LibreOfficeMissingError: LibreOffice or a Python with `uno` is missing (checked first).
    """
    tasks = [_Task(src, dst, headings, file_timeout(src, timeout)) for src, dst in pairs]
    return _run(tasks, jobs, timeout, office, on_result)


def heading_pages(
    docx: Path, timeout: float = DEFAULT_TIMEOUT, *, office: LibreOffice | None = None
) -> list[tuple[int, str, int]]:
    """(level, text, page) for each heading of `docx`, as LibreOffice lays it out.

    Raises:
        LibreOfficeMissingError: LibreOffice or a Python with `uno` is missing.
        PdfConversionError: LibreOffice could not open the file or did not answer.
    """
    (result,) = _run([_Task(docx, None, True, file_timeout(docx, timeout))], 1, timeout, office)
    raise_for_failures([result])
    return result.headings


def raise_for_failures(results: Sequence[Result]) -> None:
    """Raise if any result failed, naming each plan and why.

    Raises:
        PdfConversionError: one line per failed file.
    """
    failed = [r.error for r in results if r.error]
    if failed:
        raise PdfConversionError(
            f"{len(failed)} av {len(results)} filer kunde inte göras till PDF:\n"
            + "\n".join(f"  {line}" for line in failed)
        )


__all__ = [
    "DEFAULT_TIMEOUT",
    "INSTALL_HINT",
    "LibreOffice",
    "LibreOfficeMissingError",
    "PdfConversionError",
    "Result",
    "convert_to_pdf",
    "heading_pages",
    "raise_for_failures",
    "require_libreoffice",
]

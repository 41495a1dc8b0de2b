"""The measurements of the later outputs: PDF, HTML, follow-up reports, long plans, preview.

Used by `bench.py` (see its description); every number is a whole process or, for the
preview, the time from a file's write to the server's new answer, as a user sees it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generate_region import EXAMPLE, generate_region

Run = Callable[..., object]
FOLLOWUP_PERIOD = "2026"


@dataclass
class Outputs:
    """The numbers of one region for the later outputs (None: not measured)."""

    size: int
    html: object = None
    followup: object = None  # plans and reports, cold
    reports_only: object = None  # the reports, the plans already built
    pdf: object = None  # build -f pdf, cold (the DOCX build included)
    cold_soffice: object = None  # the same DOCX, one cold soffice per file, `jobs` at a time


def soffice_path() -> str | None:
    """LibreOffice, the way the tool finds it (OMSTALLNING_SOFFICE, then PATH)."""
    return os.environ.get("OMSTALLNING_SOFFICE") or shutil.which("soffice")


def cold_soffice_commands(docx: Sequence[Path], out: Path, soffice: str) -> list[list[str]]:
    """One cold `soffice --convert-to pdf` per file, each with a profile of its own.

    A fresh profile per process is what two conversions at a time need (LibreOffice allows one
    process per profile) and what a cold start is.
    """
    commands = []
    for i, path in enumerate(docx):
        profile = out / f"profil-{i}"
        commands.append([
            soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--convert-to", "pdf", "--outdir", str(out), str(path),
        ])  # fmt: skip
    return commands


def measure_pdf(
    region: Path, work: Path, tool: list[str], jobs: int, repeats: int, run: Run, run_parallel: Run
) -> tuple[object, object]:
    """`build -f pdf` cold against cold soffice processes converting the same DOCX."""
    soffice = soffice_path()
    assert soffice is not None
    docx_out = work / "pdf-docx"
    if docx_out.exists():
        shutil.rmtree(docx_out)
    run([*tool, "build", str(region), "-f", "docx", "-o", str(docx_out), "--jobs", str(jobs)])
    docx = sorted(docx_out.glob("*.docx"))
    cold_out = work / "pdf-cold"

    def cold() -> object:
        if cold_out.exists():
            shutil.rmtree(cold_out)
        cold_out.mkdir()
        return run_parallel(cold_soffice_commands(docx, cold_out, soffice), jobs)

    def ours() -> object:
        out = work / "pdf-ours"
        if out.exists():
            shutil.rmtree(out)
        return run([*tool, "build", str(region), "-f", "pdf", "-o", str(out), "--jobs", str(jobs)])

    return _median([ours() for _ in range(repeats)]), _median([cold() for _ in range(repeats)])


def measure_followup(
    region: Path, work: Path, tool: list[str], jobs: int, repeats: int, run: Run
) -> tuple[object, object]:
    """Plans and follow-up reports cold; then the reports alone (the plans up to date)."""
    out = work / "followup"
    base = [*tool, "build", str(region), "-f", "docx", "--jobs", str(jobs), "-o", str(out)]
    both, alone = [], []
    for _ in range(repeats):
        if out.exists():
            shutil.rmtree(out)
        both.append(run([*base, "--uppfoljning", FOLLOWUP_PERIOD]))
        shutil.rmtree(out)
        run(base)
        alone.append(run([*base, "--uppfoljning", FOLLOWUP_PERIOD]))
    return _median(both), _median(alone)


def measure_html(region: Path, work: Path, tool: list[str], jobs: int, repeats: int, run: Run):  # type: ignore[no-untyped-def]
    out = work / "html"
    samples = []
    for _ in range(repeats):
        if out.exists():
            shutil.rmtree(out)
        samples.append(
            run([*tool, "build", str(region), "-f", "html", "-o", str(out), "--jobs", str(jobs)])
        )
    return _median(samples)


LONG_ACTIVITIES = 5_000


def measure_long_plan(work: Path, tool: list[str], run: Run, *, pdf: bool) -> dict[str, object]:
    """One municipality with 5,000 activities, each output with `--jobs 1`: time and memory."""
    region = generate_region(work / "region-long", 1, activities=LONG_ACTIVITIES)
    kinds = {
        "docx": ["-f", "docx"],
        "md": ["-f", "md"],
        "html": ["-f", "html"],
        "uppföljning (docx)": ["-f", "docx", "--uppfoljning", FOLLOWUP_PERIOD],
    }
    if pdf:
        kinds["pdf"] = ["-f", "pdf"]
    results = {}
    for name, args in kinds.items():
        out = work / "long-out"
        if out.exists():
            shutil.rmtree(out)
        command = [*tool, "build", str(region), *args, "-o", str(out), "--jobs", "1"]
        results[name] = run(command, check=name != "pdf")
    return results


_SHOWN = re.compile(rb'const shown = "(\d+)"')


def _shown_version(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            found = _SHOWN.search(response.read())
    except OSError:
        return None
    return int(found.group(1)) if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure_preview(work: Path, tool: list[str], env: dict[str, str], changes: int) -> list[float]:
    """Seconds from saving a municipality file to the preview serving its new page.

    The example region is served; each round changes a number in Klippan's plan, and the
    page is asked for every 5 ms until it shows the new version (the version the reload
    script on the page compares with). The server's own polling of the files is included.
    """
    region = work / "region-preview"
    if region.exists():
        shutil.rmtree(region)
    shutil.copytree(EXAMPLE, region, ignore=shutil.ignore_patterns("build"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}/klippan.html"
    server = subprocess.Popen(
        [*tool, "forhandsgranska", str(region), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while (version := _shown_version(url)) is None:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the preview did not start")
            time.sleep(0.05)
        target = region / "kommuner" / "klippan.yaml"
        original = target.read_text(encoding="utf-8")
        times = []
        for n in range(changes):
            time.sleep(0.3)  # let the watcher settle between rounds
            changed = original.replace("17 000 invånare", f"{17_000 + n + 1} invånare", 1)
            started = time.perf_counter()
            target.write_text(changed, encoding="utf-8")
            while (now := _shown_version(url)) is None or now == version:
                time.sleep(0.005)
            times.append(time.perf_counter() - started)
            version = now
        return times
    finally:
        server.terminate()
        server.wait(timeout=30)


def _median(samples: Sequence[object]) -> object:
    first = samples[0]
    return type(first).median(samples)  # type: ignore[attr-defined]


def seconds(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.3f} s (median of {len(values)})"

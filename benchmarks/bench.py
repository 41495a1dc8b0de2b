"""Measure omstallning against Pandoc and against itself, from one plan to all of Sweden.

Every number is a whole process, the way a CI job or a coordinator runs it: started with
subprocess, waited for with `os.wait4`, wall-clock time from start to exit and the peak
resident memory (`ru_maxrss`) of the process and its worker processes. Each measurement is
repeated and the median reported; all ratios compare numbers taken in the same run on the
same machine.

Per size (1, 11, 26, 290 municipalities, see `generate_region.py`):

- `validate` of the whole region;
- `build --format docx` and `build --format md` into an empty folder (a cold build);
- Pandoc converting the tool's own Markdown output to DOCX with `--toc`, one process per
  plan, as many at a time as `--jobs` (pypandoc-binary, the optional `bench` extra);
- the ratio build docx / Pandoc, validate / build docx, and the peak memory of the build.

Then: start-up (`python -c pass`, `omstallning --version`, `--help`) and an incremental
rebuild of the largest region after one municipality changed.

The later outputs (`bench_outputs.py`): on the largest region, `build -f html` and the
follow-up reports (`--uppfoljning 2026`, ten charts each: plans and reports cold, and the
reports alone with the plans up to date); on the 26-municipality region (`--pdf-size`),
`build -f pdf` cold against the same DOCX converted by cold `soffice --convert-to pdf`
processes, `--jobs` at a time (`--pdf-all`: also the largest region to PDF, with the
peak memory of the tool and of LibreOffice); a plan of 5,000 activities in every format
with `--jobs 1` (time and peak memory); and the live preview, from saving a file to the
new page being served.

    python benchmarks/bench.py                       # 1, 11, 26, 290; a few minutes
    python benchmarks/bench.py --sizes 1,11 --repeats 5
    python benchmarks/bench.py --sizes 290 --large-repeats 3 --jobs 2
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_outputs as outputs  # noqa: E402
from generate_region import generate_region  # noqa: E402

LARGE = 100  # regions from this size on use --large-repeats


@dataclass(frozen=True)
class Sample:
    """One whole-process run."""

    wall: float  # seconds
    cpu: float  # user + system seconds, the process and its waited-for children
    peak_mb: float  # the largest resident set of the tool's process or any of its workers
    office_mb: float = 0.0  # the largest LibreOffice process it started (0: none)
    failed: bool = False  # the command failed (measured without `check`)

    @staticmethod
    def median(samples: Sequence[Sample]) -> Sample:
        return Sample(
            statistics.median(s.wall for s in samples),
            statistics.median(s.cpu for s in samples),
            max(s.peak_mb for s in samples),
            max(s.office_mb for s in samples),
            any(s.failed for s in samples),
        )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Measure like an installed package: pip compiles bytecode at install time, so let
    # Python cache it here too (some sandboxes set PYTHONDONTWRITEBYTECODE).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("SOURCE_DATE_EPOCH", None)
    env["NO_COLOR"] = "1"
    return env


ENV = _env()


class TreePeak:
    """The largest peak resident set (VmHWM) of any process in a process tree, polled.

    `ru_maxrss` from `wait4` covers the process and the children it waited for, which on
    Linux includes the worker processes; where workers start from a fork server they are
    not its children, so the tree is also read from /proc while it runs (Linux; elsewhere
    this stays 0). VmHWM is a high-water mark, so a slow poll misses nothing of a process
    that lives past it, and takes no CPU worth measuring from the command itself.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self.office_kb = 0  # the largest LibreOffice process (soffice.bin), when one ran
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, i = [self.pid], 0
        while i < len(pids):
            for task in Path(f"/proc/{pids[i]}/task").glob("*/children"):
                with contextlib.suppress(OSError):
                    pids += [int(c) for c in task.read_text().split()]
            i += 1
        return pids

    def _poll(self) -> None:
        while not self._done.wait(0.25):
            for pid in self._tree():
                with contextlib.suppress(OSError, ValueError):
                    office = "soffice" in Path(f"/proc/{pid}/comm").read_text()
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            kb = int(line.split()[1])
                            if office:
                                self.office_kb = max(self.office_kb, kb)
                            else:
                                self.peak_kb = max(self.peak_kb, kb)

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak_kb


def run(cmd: Sequence[str], *, check: bool = True) -> Sample:
    """Run one command to completion; its time, CPU and peak memory (largest process).

    CPU is the process and the children it waited for (the worker processes, on Linux).
    Without `check`, a failure is reported on stderr and the sample marked `failed`.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    tree = TreePeak(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    tree.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        message = f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}"
        if check:
            raise SystemExit(message)
        print(message, file=sys.stderr)
    # ru_maxrss covers waited-for children, LibreOffice too: take it only without LibreOffice.
    own_kb = tree.peak_kb if tree.office_kb else max(usage.ru_maxrss, tree.peak_kb)
    return Sample(
        wall, usage.ru_utime + usage.ru_stime, own_kb / 1024, tree.office_kb / 1024,
        failed=proc.returncode != 0,
    )  # fmt: skip


def run_parallel(cmds: Sequence[Sequence[str]], jobs: int) -> Sample:
    """Run independent commands, `jobs` at a time; the wall time of the whole batch."""
    start = time.perf_counter()
    pending = list(cmds)
    running: dict[int, subprocess.Popen[bytes]] = {}
    cpu = 0.0
    peak = 0.0
    while pending or running:
        while pending and len(running) < jobs:
            proc = subprocess.Popen(
                list(pending.pop(0)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
            )
            running[proc.pid] = proc
        pid, status, usage = os.wait4(-1, 0)
        proc = running.pop(pid)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(map(str, proc.args))} failed ({proc.returncode})")
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
    return Sample(time.perf_counter() - start, cpu, peak)


def repeat(times: int, make_cmd: object, *, fresh: Path | None = None) -> Sample:
    """The median of `times` runs; `fresh` is emptied before each run (a cold build)."""
    samples = []
    for _ in range(times):
        if fresh is not None and fresh.exists():
            shutil.rmtree(fresh)
        samples.append(make_cmd())  # type: ignore[operator]
    return Sample.median(samples)


def tool_command() -> list[str]:
    """The installed console script beside this Python, else `python -m omstallning`."""
    script = Path(sys.executable).with_name("omstallning")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "omstallning"]


def supports_jobs(tool: list[str]) -> bool:
    """Whether this version of the tool has `build --jobs` (to measure older versions too)."""
    proc = subprocess.run([*tool, "build", "--help"], capture_output=True, text=True, env=ENV)
    return "--jobs" in proc.stdout


def pandoc_path() -> str | None:
    try:
        import pypandoc  # type: ignore[import-not-found]
    except ImportError:
        return shutil.which("pandoc")
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError:
        return shutil.which("pandoc")


@dataclass
class Row:
    """The numbers of one region size."""

    size: int
    validate: Sample
    docx: Sample
    md: Sample
    pandoc: Sample | None
    jobs: int


def measure_size(
    size: int, work: Path, repeats: int, jobs: int, pandoc: str | None, tool: list[str]
) -> Row:
    region = generate_region(work / f"region-{size}", size)
    out_docx, out_md = work / f"out-{size}-docx", work / f"out-{size}-md"
    jobs_args = ["--jobs", str(jobs)] if supports_jobs(tool) else []
    print(f"  {size} kommuner: validate", end="", flush=True)
    validate = repeat(repeats, lambda: run([*tool, "validate", str(region)]))
    print(", build docx", end="", flush=True)
    docx = repeat(
        repeats,
        lambda: run([*tool, "build", str(region), "-f", "docx", "-o", str(out_docx), *jobs_args]),
        fresh=out_docx,
    )
    print(", build md", end="", flush=True)
    md = repeat(
        repeats,
        lambda: run([*tool, "build", str(region), "-f", "md", "-o", str(out_md), *jobs_args]),
        fresh=out_md,
    )
    pandoc_sample = None
    if pandoc:
        print(", Pandoc", end="", flush=True)
        pandoc_out = work / f"pandoc-{size}"
        pandoc_out.mkdir(exist_ok=True)
        cmds = [
            [pandoc, str(md_file), "--toc", "-o", str(pandoc_out / f"{md_file.stem}.docx")]
            for md_file in sorted(out_md.glob("*.md"))
        ]
        pandoc_sample = repeat(repeats, lambda: run_parallel(cmds, jobs))
    print()
    return Row(size, validate, docx, md, pandoc_sample, jobs)


def measure_incremental(size: int, work: Path, tool: list[str], jobs: int) -> tuple[Sample, Sample]:
    """Rebuild of a built region: nothing changed, then one municipality changed."""
    region = work / f"region-{size}"
    out = work / f"out-{size}-incremental"
    if out.exists():
        shutil.rmtree(out)
    jobs_args = ["--jobs", str(jobs)] if supports_jobs(tool) else []
    build = [*tool, "build", str(region), "-f", "docx", "-o", str(out), *jobs_args]
    run(build)
    unchanged = run(build)
    victim = sorted((region / "kommuner").glob("*.yaml"))[size // 2]
    original = victim.read_bytes()
    try:
        victim.write_bytes(original + "# Ändrad för mätningen.\n".encode())
        one_changed = run(build)
    finally:
        victim.write_bytes(original)
    return unchanged, one_changed


def fmt_s(sample: Sample | None) -> str:
    return "–" if sample is None else f"{sample.wall:.2f} s"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| Kommuner | validate | build docx | build md | Pandoc (md → docx) | docx / Pandoc "
        "| validate / docx | Högsta minne (docx) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = f"{r.docx.wall / r.pandoc.wall:.2f}" if r.pandoc else "–"
        lines.append(
            f"| {r.size} | {fmt_s(r.validate)} | {fmt_s(r.docx)} | {fmt_s(r.md)} "
            f"| {fmt_s(r.pandoc)} | {ratio} | {r.validate.wall / r.docx.wall:.0%} "
            f"| {r.docx.peak_mb:.0f} MB |"
        )
    return "\n".join(lines)


@dataclass
class Later:
    """The later outputs' numbers."""

    largest: outputs.Outputs
    pdf: outputs.Outputs | None
    long_plan: dict[str, object]
    preview: list[float]


def measure_outputs(
    args: argparse.Namespace, work: Path, tool: list[str], largest: int, rows: Sequence[Row]
) -> Later:
    """HTML and follow-up on the largest region, PDF, the long plan, the preview."""
    times = args.large_repeats if largest >= LARGE else args.repeats
    region = work / f"region-{largest}"
    big = outputs.Outputs(largest)
    print(f"  {largest} kommuner: html", end="", flush=True)
    big.html = outputs.measure_html(region, work, tool, args.jobs, times, run)
    print(", uppföljning", end="", flush=True)
    big.followup, big.reports_only = outputs.measure_followup(
        region, work, tool, args.jobs, times, run
    )
    print()
    pdf = None
    office = outputs.soffice_path()
    if office:
        pdf = outputs.Outputs(args.pdf_size)
        pdf_region = work / f"region-{args.pdf_size}"
        if not pdf_region.exists():
            generate_region(pdf_region, args.pdf_size)
        print(f"  {args.pdf_size} kommuner: pdf", flush=True)
        pdf_times = args.large_repeats if args.pdf_size >= LARGE else args.repeats
        pdf.pdf, pdf.cold_soffice = outputs.measure_pdf(
            pdf_region, work, tool, args.jobs, pdf_times, run, run_parallel
        )
        if args.pdf_all:
            print(f"  {largest} kommuner: pdf", flush=True)
            big.pdf = run([*tool, "build", str(region), "-f", "pdf", "-o", str(work / "pdf-all"),
                           "--jobs", str(args.jobs)])  # fmt: skip
    print(f"  lång plan ({outputs.LONG_ACTIVITIES} aktiviteter)", flush=True)
    long_plan = outputs.measure_long_plan(work, tool, run, pdf=bool(office and args.long_pdf))
    print("  förhandsgranskning", flush=True)
    preview = outputs.measure_preview(work, tool, ENV, args.preview_changes)
    return Later(big, pdf, long_plan, preview)


def print_outputs(later: Later, rows: Sequence[Row], one_changed: Sample) -> None:
    """The tables of the later outputs, with the issue's ratios."""
    big = later.largest
    docx = next(r for r in rows if r.size == big.size).docx
    html, both, alone = big.html, big.followup, big.reports_only
    assert isinstance(html, Sample) and isinstance(both, Sample) and isinstance(alone, Sample)
    print()
    print(f"| {big.size} kommuner | tid | jämfört med docx | högsta minne |")
    print("|---|---:|---:|---:|")
    print(f"| build docx | {fmt_s(docx)} | 1.00 × | {docx.peak_mb:.0f} MB |")
    print(f"| build html | {fmt_s(html)} | {html.wall / docx.wall:.2f} × | {html.peak_mb:.0f} MB |")
    print(f"| planer + uppföljningsrapporter | {fmt_s(both)} | {both.wall / docx.wall:.2f} × "
          f"| {both.peak_mb:.0f} MB |")  # fmt: skip
    print(f"| bara uppföljningsrapporterna | {fmt_s(alone)} | {alone.wall / docx.wall:.2f} × "
          f"| {alone.peak_mb:.0f} MB |")  # fmt: skip
    print(f"| ombyggnad, en kommun ändrad | {fmt_s(one_changed)} "
          f"| {one_changed.wall / docx.wall:.2f} × | {one_changed.peak_mb:.0f} MB |")  # fmt: skip
    if isinstance(big.pdf, Sample):
        print(f"| build pdf | {fmt_s(big.pdf)} | {big.pdf.wall / docx.wall:.2f} × "
              f"| {big.pdf.peak_mb:.0f} MB (LibreOffice {big.pdf.office_mb:.0f} MB) |")  # fmt: skip
    if later.pdf is not None:
        ours, cold = later.pdf.pdf, later.pdf.cold_soffice
        assert isinstance(ours, Sample) and isinstance(cold, Sample)
        print()
        print(f"| PDF, {later.pdf.size} kommuner | tid | högsta minne |")
        print("|---|---:|---:|")
        print(f"| build pdf (docx-bygget med) | {fmt_s(ours)} | {ours.peak_mb:.0f} MB "
              f"(LibreOffice {ours.office_mb:.0f} MB) |")  # fmt: skip
        print(f"| kall soffice --convert-to pdf | {fmt_s(cold)} | {cold.peak_mb:.0f} MB |")
        print(f"| kvot | {ours.wall / cold.wall:.2f} × | |")
    print()
    print(f"| Lång plan, {outputs.LONG_ACTIVITIES} aktiviteter (--jobs 1) | tid | högsta minne |")
    print("|---|---:|---:|")
    for name, sample in later.long_plan.items():
        assert isinstance(sample, Sample)
        office = f" (LibreOffice {sample.office_mb:.0f} MB)" if sample.office_mb else ""
        failed = " (misslyckades)" if sample.failed else ""
        print(f"| {name} | {fmt_s(sample)}{failed} | {sample.peak_mb:.0f} MB{office} |")
    print()
    print(f"Förhandsgranskning, från sparad fil till ny sida: {outputs.seconds(later.preview)}")
    print()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,11,26,290", help="comma-separated region sizes")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement")
    parser.add_argument(
        "--large-repeats", type=int, default=1, help=f"runs for regions of {LARGE}+"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parallel jobs (build and Pandoc)"
    )
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--no-pandoc", action="store_true", help="skip the Pandoc comparison")
    parser.add_argument("--pdf-size", type=int, default=26, help="region size for the PDF ratio")
    parser.add_argument("--pdf-all", action="store_true", help="also the largest region to PDF")
    parser.add_argument("--no-outputs", action="store_true", help="skip PDF, HTML, follow-up …")
    parser.add_argument(
        "--long-pdf", action="store_true", help="also the 5,000-activity plan to PDF (minutes)"
    )
    parser.add_argument("--preview-changes", type=int, default=9, help="saves timed in preview")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tool = tool_command()
    pandoc = None if args.no_pandoc else pandoc_path()
    if not args.no_pandoc and pandoc is None:
        print("Pandoc not found: pip install 'omstallning[bench]' (pypandoc-binary).")
    work = args.work or Path(tempfile.mkdtemp(prefix="omstallning-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    print(f"omstallning: {' '.join(tool)}; Pandoc: {pandoc or '–'}; jobs: {args.jobs}")
    print(f"CPU cores: {os.cpu_count()}; work folder: {work}")
    run([*tool, "--version"])  # warm the bytecode cache
    started = time.perf_counter()
    rows = []
    for size in sizes:
        times = args.large_repeats if size >= LARGE else args.repeats
        rows.append(measure_size(size, work, times, args.jobs, pandoc, tool))
    startup_repeats = max(args.repeats, 5)
    bare = repeat(startup_repeats, lambda: run([py, "-c", "pass"]))
    version = repeat(startup_repeats, lambda: run([*tool, "--version"]))
    helptext = repeat(startup_repeats, lambda: run([*tool, "--help"]))
    largest = max(sizes)
    unchanged, one_changed = measure_incremental(largest, work, tool, args.jobs)
    later = None
    if not args.no_outputs:
        later = measure_outputs(args, work, tool, largest, rows)

    print()
    print(table(rows))
    print()
    print("| Start | tid | jämfört med `python -c pass` |")
    print("|---|---:|---:|")
    print(f"| `python -c pass` | {bare.wall * 1000:.0f} ms | 1.0 × |")
    print(f"| `omstallning --version` | {version.wall * 1000:.0f} ms "
          f"| {version.wall / bare.wall:.1f} × |")  # fmt: skip
    print(f"| `omstallning --help` | {helptext.wall * 1000:.0f} ms "
          f"| {helptext.wall / bare.wall:.1f} × |")  # fmt: skip
    print()
    print(f"| Ombyggnad, {largest} kommuner | tid | högsta minne |")
    print("|---|---:|---:|")
    print(f"| inget ändrat | {fmt_s(unchanged)} | {unchanged.peak_mb:.0f} MB |")
    print(f"| en kommun ändrad | {fmt_s(one_changed)} | {one_changed.peak_mb:.0f} MB |")
    print()
    for r in rows:
        if r.pandoc:
            print(
                f"{r.size} kommuner: docx {r.docx.wall / r.pandoc.wall:.2f} × Pandoc "
                f"({r.jobs} jobb), validate {r.validate.wall / r.docx.wall:.0%} av docx-bygget"
            )
    if later is not None:
        print_outputs(later, rows, one_changed)
    print(f"Total benchmark time: {time.perf_counter() - started:.0f} s")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

from generate_region import generate_region  # noqa: E402

LARGE = 100  # regions from this size on use --large-repeats


@dataclass(frozen=True)
class Sample:
    """One whole-process run."""

    wall: float  # seconds
    cpu: float  # user + system seconds, the process and its waited-for children
    peak_mb: float  # the largest resident set of the process or any of its children

    @staticmethod
    def median(samples: Sequence[Sample]) -> Sample:
        return Sample(
            statistics.median(s.wall for s in samples),
            statistics.median(s.cpu for s in samples),
            max(s.peak_mb for s in samples),
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
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    def stop(self) -> int:
        self._done.set()
        self._thread.join()
        return self.peak_kb


def run(cmd: Sequence[str], *, check: bool = True) -> Sample:
    """Run one command to completion; its time, CPU and peak memory (largest process).

    CPU is the process and the children it waited for (the worker processes, on Linux).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    tree = TreePeak(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    tree_kb = tree.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, max(usage.ru_maxrss, tree_kb) / 1024)


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


def main(argv: list[str] | None = None) -> int:
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
    print(f"Total benchmark time: {time.perf_counter() - started:.0f} s")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

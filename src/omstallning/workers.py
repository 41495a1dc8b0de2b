"""Worker processes that load and render municipalities beside the main process.

One pool serves a whole command: `validate` loads and checks the municipality files in it,
and `build` then renders the plans in the same processes. On Linux the workers are forked
from this process once it has read what the region shares, so they start without importing
anything again; elsewhere, or while another thread runs here (forking then is unsafe), they
start from a fresh interpreter. A pool starts only when each worker gets enough to do.
Where processes cannot start or one dies, `WorkerError` tells the caller to do the rest
itself, to the same result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from omstallning.load.loader import LoadResult
    from omstallning.model import Region

T = TypeVar("T")
R = TypeVar("R")

# A worker forked from this process costs about as much to start as loading a few files;
# one started from a fresh interpreter, as much as rendering a few plans (it imports the
# libraries again). So a pool starts only when each worker gets at least this many tasks,
# or, for light tasks (a file to load) in a fresh interpreter, ten times as many.
MIN_TASKS_PER_WORKER = 6
LIGHT_TASKS_FACTOR = 10


class WorkerError(Exception):
    """The worker processes could not start or one of them died; nothing is lost."""


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Workers:
    """A pool of `jobs` worker processes, started by the first task that is worth it."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._executor: ProcessPoolExecutor | None = None
        self._size = 0
        self._broken = False

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.terminate()  # Ctrl-C or SIGTERM: do not finish the tasks under way
        self.close()

    def terminate(self) -> None:
        """Stop the worker processes now, in the middle of their tasks."""
        processes = getattr(self._executor, "_processes", None) or {}
        for process in list(processes.values()):
            with contextlib.suppress(OSError, AttributeError):
                process.terminate()

    @property
    def running(self) -> bool:
        """Whether the processes have started (and none has failed)."""
        return self._executor is not None and not self._broken

    def start(
        self, region: Region, tasks: int, *, config_ok: bool = True, light: bool = False
    ) -> bool:
        """Start the workers for `tasks` tasks, if that many are worth sharing out.

        Each worker receives what every task needs of `region` once (its municipalities
        are left out); `config_ok` as in `LoadResult`. `light` tasks take a few
        milliseconds each. Returns whether the workers run.
        """
        if self._executor is not None or self._broken:
            return self.running
        if min(self.jobs, tasks // MIN_TASKS_PER_WORKER) < 2:
            return False  # decided without importing multiprocessing
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        forks = sys.platform == "linux" and "fork" in methods and threading.active_count() == 1
        per_worker = MIN_TASKS_PER_WORKER * (LIGHT_TASKS_FACTOR if light and not forks else 1)
        size = min(self.jobs, tasks // per_worker)
        if size < 2:
            return False
        if forks:
            method = "fork"
            # A forked worker flushes what it inherited unwritten; print it once, here.
            sys.stdout.flush()
            sys.stderr.flush()
        else:
            method = "forkserver" if "forkserver" in methods else "spawn"
        self._executor = ProcessPoolExecutor(
            max_workers=size,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(dataclasses.replace(region, municipalities=[]), config_ok, os.getpid()),
        )
        self._size = size
        return True

    def ordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """`fn(item)` for every item in the workers, in the order of `items`.

        Raises:
            WorkerError: the workers failed; the results yielded so far are sound.
        """
        for _item, result in self._run(fn, items, ordered=True):
            yield result

    def unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        """(item, `fn(item)`) for every item in the workers, as each finishes.

        Raises:
            WorkerError: the workers failed; the results yielded so far are sound.
        """
        return self._run(fn, items, ordered=False)

    def _run(
        self, fn: Callable[[T], R], items: Iterable[T], *, ordered: bool
    ) -> Iterator[tuple[T, R]]:
        from concurrent.futures.process import BrokenProcessPool

        if self._executor is None or self._broken:
            raise WorkerError("the workers are not running")
        queue = list(items)
        running: dict[Future[R], int] = {}
        done: dict[int, R] = {}
        next_out = submitted = 0
        try:
            # A few tasks ahead per worker: the results are not all held at once.
            while next_out < len(queue):
                while submitted < len(queue) and len(running) < self._size * 2:
                    running[self._executor.submit(fn, queue[submitted])] = submitted
                    submitted += 1
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = running.pop(future)
                    if ordered:
                        done[index] = future.result()
                    else:
                        yield queue[index], future.result()
                        next_out += 1
                while ordered and next_out in done:
                    yield queue[next_out], done.pop(next_out)
                    next_out += 1
        except (OSError, BrokenProcessPool) as exc:
            self._broken = True
            raise WorkerError(str(exc)) from exc
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        """Stop the workers (after their current task)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


_SHARED: LoadResult | None = None


def _init_worker(region: Region, config_ok: bool, parent: int | None = None) -> None:
    global _SHARED
    from omstallning.load.loader import LoadResult

    end_with_parent(parent)
    _SHARED = LoadResult(region, [], {}, config_ok)
    gc.enable()  # a forked worker inherits a collector held off while the region loaded


WATCHDOG_SECONDS = 1.0


def end_with_parent(parent: int | None) -> None:
    """Make this worker end when the process that started it dies (even by SIGKILL).

    On Linux the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG); everywhere,
    a daemon thread checks once a second whether this process was handed to another parent.
    A worker also takes SIGTERM's default action: the main process handles it to clean up,
    and a forked worker would otherwise inherit that.
    """
    import signal

    with contextlib.suppress(ValueError, OSError):  # not in the main thread
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    started_by = os.getppid()
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if not _alive(parent):
        os._exit(1)  # the main process died before the signal was armed
    threading.Thread(
        target=_watch_parent, args=(started_by, parent), name="omstallning-watchdog", daemon=True
    ).start()


def _alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, another user's
    return True


def _watch_parent(started_by: int, main: int | None) -> None:
    """End this worker once its parent changed (it died) or the main process is gone."""
    import time

    while os.getppid() == started_by and _alive(main):
        time.sleep(WATCHDOG_SECONDS)
    os._exit(1)


def shared() -> LoadResult:
    """In a worker: what the region shares (`Workers.start`), without municipalities."""
    if _SHARED is None:
        raise RuntimeError("not in a worker process")
    return _SHARED


__all__ = ["MIN_TASKS_PER_WORKER", "WorkerError", "Workers", "default_jobs", "shared"]

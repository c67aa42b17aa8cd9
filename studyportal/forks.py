"""Work on every core: forked copies of the process each take the next task, and send back its result.

The build renders pages this way (render/prebuilt.py) and loads materials this way when its memo does not
have them (catalog.py). A fork starts with the whole state of the process as it is, so a worker does a
task exactly as the process itself would; nothing is rebuilt or re-read. Workers take tasks in order
from a shared counter, so they stay balanced on a busy machine and results arrive about in order.

Whatever goes wrong in a worker — an exception, a crash, a worker killed — costs speed only: the caller
does the tasks it did not receive itself. A worker ends as soon as its parent is gone (its pipe breaks).
Forking needs POSIX; elsewhere :func:`can_fork` is false and everything is done in the one process.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import time
import traceback
import warnings
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

WORKERS_ENV = "STUDYPORTAL_JOBS"  # how many worker processes (1: render in the build's own process)
TRIM_SECONDS = 0.25  # freed memory goes back to the system at most this often (and after any task that took longer)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc only
    except (OSError, AttributeError, TypeError):  # another C library; Windows (no CDLL of the process itself)
        return None


_TRIM = _malloc_trim()


def trim_memory() -> None:
    """Give the memory the process has freed back to the system (glibc keeps it otherwise).

    Before forking this matters twice: the freed pages would count in every worker, and workers
    filling them would copy them one by one."""
    if _TRIM is not None:
        _TRIM(0)


def can_fork() -> bool:
    """Whether this platform can fork the build (POSIX)."""
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


def worker_count() -> int:
    """Workers to start: ``STUDYPORTAL_JOBS`` if set, else one per core (at most 8), none on a single core."""
    try:
        wanted = int(os.environ.get(WORKERS_ENV, "0"))
    except ValueError:
        wanted = 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    n = wanted if wanted > 0 else min(cores, 8)
    return 0 if n <= 1 else n


class Failed:
    """What a worker sends instead of a result when rendering raised (the build renders that page itself)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail


PIPE_BYTES = 1 << 20  # results a worker can send while the build is busy rendering a page itself (Linux's default is 64 KB)


def _widen(conn: Any) -> None:
    """Let a worker's pipe hold a few dozen pages, so that it does not wait while the build renders one of its own."""
    try:
        import fcntl

        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # not Linux, or a system limit below it: the default size
        pass


def _attempt(work: Callable[[int], Any], i: int) -> Any:
    try:
        return work(i)
    except Exception:
        return Failed(traceback.format_exc())


class ForkPool:
    """``work(i)`` for ``i`` in ``range(count)``, done by forked workers; :meth:`take` waits for one result."""

    def __init__(self, count: int, work: Callable[[int], Any], processes: int, helping: bool = False) -> None:
        """``helping``: the process itself does tasks too while it waits for one (then one core needs no worker of its own)."""
        ctx = multiprocessing.get_context("fork")
        self.count = count
        self._work = work
        self.helping = helping
        self._next = ctx.Value("i", 0)
        self._conns: list[Any] = []
        self._pids: list[int] = []
        self._ready: dict[int, Any] = {}
        self.failures: list[str] = []
        self._trimmed = time.monotonic()
        self._parent = os.getpid()
        trim_memory()
        gc.freeze()  # the build's objects stay out of the workers' garbage collection: its pages of memory stay shared
        for _ in range(processes):
            here, there = ctx.Pipe(duplex=False)
            _widen(here)
            with warnings.catch_warnings():  # Python 3.12 warns about forking with threads (the build's stdin watcher)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # the worker
                here.close()
                self._serve(there, work)  # never returns
            there.close()
            self._conns.append(here)
            self._pids.append(pid)
        gc.unfreeze()

    def _serve(self, conn: Any, work: Callable[[int], Any]) -> None:
        status = 0
        try:
            for other in self._conns:  # the pipes of workers started before this one belong to the build
                other.close()
            while True:
                if os.getppid() != self._parent:  # the build is gone: nobody wants the rest
                    break
                i = self._claim()
                if i is None:
                    break
                result = _attempt(work, i)
                conn.send((i, result))
                del result
                self._trim_now_and_then()
        except BaseException:  # the build went away (broken pipe) or anything else: just stop
            status = 1
        finally:
            os._exit(status)  # never run the build's own clean-up or atexit handlers in a copy of it

    def take(self, i: int) -> Any:
        """The result of ``work(i)``, waiting for it; a :class:`Failed`, or None when no worker will send it."""
        while i not in self._ready:
            if self.helping and not any(conn.poll() for conn in self._conns):
                j = self._claim()
                if j is not None:  # nothing has come in: a task of its own meanwhile
                    self._keep(j, _attempt(self._work, j))
                    continue
            if not self._conns:
                return None
            for conn in wait(self._conns):
                try:
                    j, result = conn.recv()
                except (EOFError, OSError):
                    self._conns.remove(conn)
                    conn.close()
                    continue
                self._keep(j, result)
        return self._ready.pop(i)

    def _claim(self) -> int | None:
        """The next task nobody has taken, taken; None when none is left."""
        with self._next.get_lock():
            i = self._next.value
            self._next.value = i + 1
        return i if i < self.count else None

    def _keep(self, j: int, result: Any) -> None:
        if isinstance(result, Failed):
            self.failures.append(result.detail)
        self._ready[j] = result
        self._trim_now_and_then()

    def _trim_now_and_then(self) -> None:
        """:func:`trim_memory`, at most every :data:`TRIM_SECONDS` (in the build and in each worker, whose copy this is)."""
        if time.monotonic() - self._trimmed >= TRIM_SECONDS:
            trim_memory()
            self._trimmed = time.monotonic()

    def close(self) -> None:
        """Stop the workers (those still rendering are killed) and reap them."""
        for conn in self._conns:
            conn.close()
        self._conns = []
        deadline = time.monotonic() + 2.0  # a worker with nothing left to take is exiting already
        for pid in self._pids:
            try:
                while os.waitpid(pid, os.WNOHANG)[0] == 0:
                    if time.monotonic() > deadline:
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                        break
                    time.sleep(0.005)
            except (ChildProcessError, ProcessLookupError, OSError):
                pass
        self._pids = []

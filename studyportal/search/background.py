"""Building the index beside MkDocs: a helper process tokenises each page while MkDocs renders the next.

Tokenising is most of the indexing work and needs no other page, so it runs in parallel with
rendering; only the final step (lunr weights, postings, files) waits for the last page. The
helper is started with ``spawn`` (no fork of a threaded ``mkdocs serve``) and is a plain
:class:`~studyportal.search.index.IndexBuilder` on the other end of a pipe; it exits when the process
that started it is gone, even mid-work, so it never outlives a killed build. If it cannot start or
fails, the same builder runs in the build's own process: the files are identical either way.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from studyportal.search.index import BuiltIndex, IndexBuilder, SearchDoc

WAIT = 900  # seconds to wait for the helper to finish writing before building here instead


def _exit_with_parent() -> None:
    """End this helper as soon as the process that started it is gone, even mid-work.

    The pipe alone is not enough: a helper busy writing the index would go on writing into a folder
    that a killed build left behind. ``parent_process()`` waits on a handle that the parent holds
    open (a pipe on POSIX, the process handle on Windows), so its end is seen however the parent died.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="studyportal-search-exit-with-parent", daemon=True).start()


def _serve(conn: Any) -> None:
    """The helper process: add and tokenise pages as they come, then write the index when asked."""
    _exit_with_parent()
    builder = IndexBuilder()
    try:
        while True:
            msg = conn.recv()
            if isinstance(msg, SearchDoc):
                builder.add(msg)
                builder.count()
                continue
            try:
                built = builder.write(Path(msg))
                conn.send(BuiltIndex({}, built.documents, built.terms, built.postings, built.shards, built.bytes))
            except Exception:  # reported to the build, which then builds the index itself
                conn.send(traceback.format_exc())
            return
    except (EOFError, OSError):  # the build went away
        return


class BackgroundIndexBuilder:
    """Same interface as :class:`IndexBuilder` (``add``, ``write``, ``seconds``), work done in a helper process."""

    def __init__(self, parallel: bool = True) -> None:
        self.local = IndexBuilder()  # the fallback keeps every page too
        self.seconds = 0.0
        self.fallback_reason = ""
        self._conn: Any = None
        self._proc: Any = None
        if not parallel:
            return
        try:
            ctx = multiprocessing.get_context("spawn")
            self._conn, child = ctx.Pipe()
            self._proc = ctx.Process(target=_serve, args=(child,), name="studyportal-search", daemon=True)
            self._proc.start()
            child.close()
        except Exception as exc:  # no processes here (sandbox, frozen app): build in this process
            self._stop(f"helper process did not start: {exc}")

    def add(self, doc: SearchDoc) -> None:
        self.local.add(doc)
        if self._conn is not None:
            try:
                self._conn.send(doc)
            except (OSError, ValueError) as exc:
                self._stop(f"helper process stopped: {exc}")

    def write(self, site_dir: Path) -> BuiltIndex:
        """Have the helper write the index (or write it here), and return its figures."""
        started = time.perf_counter()
        built: Any = None
        if self._conn is not None:
            try:
                self._conn.send(str(site_dir))
                built = self._conn.recv() if self._conn.poll(WAIT) else "helper process timed out"
            except (OSError, EOFError, ValueError) as exc:
                built = f"helper process stopped: {exc}"
        if not isinstance(built, BuiltIndex):
            self._stop(built or self.fallback_reason)
            built = self.local.write(Path(site_dir))
        self._stop()
        self.seconds += time.perf_counter() - started
        return built

    def _stop(self, reason: str = "") -> None:
        if reason and not self.fallback_reason:
            self.fallback_reason = reason
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.terminate()
            self._proc = None

    def __del__(self) -> None:
        try:
            self._stop()
        except Exception:
            pass

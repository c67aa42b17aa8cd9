"""Building the site so that a failed, killed or concurrent build never damages the previously published one.

One build at a time per output folder: a lock file beside it (``.studyportal-site.lock`` for ``site/``)
held with an OS-level lock through ``filelock``, which the system releases when the process dies.
While holding it, a build removes what killed builds left (``.site.new-*``, ``.site.old*``), runs a
strict build of the site generator (:mod:`studyportal.render.generator`) into a staging ``.site.new-*``
folder, and swaps it in only on success. The generator runs as a child in its own process group and
dies with the build, however the build ends.

The site the swap replaces is kept as ``.site.reuse`` and becomes the next build's staging folder: the
generator writes only the files whose bytes change and removes the rest (render/output.py), which on this
kind of disk costs far less than creating every file again. Nobody serves that folder, so nothing a reader
sees is ever written in place; deleting it (or ``build --clean``) only makes the next build write every file.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from filelock import FileLock, Timeout

from studyportal.errors import StudyportalError
from studyportal.render import generator

DEFAULT_WAIT = 600.0  # seconds a build waits for another one on the same folder
BUSY_EXIT = 3  # exit status of `studyportal build` when another build kept the folder
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class PublishError(StudyportalError):
    """The build failed; the published site was left as it was."""


class BuildBusy(PublishError):
    """Another build still holds the output folder; nothing was touched."""

    exit_code = BUSY_EXIT


class BuildInterrupted(PublishError):
    """The build was stopped by a signal (Ctrl+C, SIGTERM, closed terminal); the generator was stopped too."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message, exit_code=128 + signum)


class _Interrupted(BaseException):
    """Raised by the signal handler inside the build; turned into :class:`BuildInterrupted`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def configured_site_dir(config_file: Path) -> Path:
    """``site_dir`` from ``mkdocs.yml`` (relative to it, ``!ENV`` and ``INHERIT`` as in MkDocs), default ``site``."""
    try:
        return generator.site_dir(config_file)
    except StudyportalError as exc:
        raise PublishError(str(exc)) from None


def lock_file(target: Path) -> Path:
    """The lock file of an output folder: beside it, never inside the published site."""
    return target.with_name(f".studyportal-{target.name}.lock")


def safe_build(
    config_file: Path,
    site_dir: Path | None = None,
    *,
    wait: float = DEFAULT_WAIT,
    notify: Callable[[str], None] | None = None,
    fresh: bool = False,
) -> tuple[Path, float]:
    """Build the site into a fresh folder beside the target, then swap it in; returns (target, seconds).

    Waits up to ``wait`` seconds for another build of the same folder (``notify`` hears that it waits).
    On any failure the published site is untouched. ``fresh``: write every file (the kept earlier site is deleted first).
    """
    if not config_file.is_file():
        raise PublishError(f"找不到配置文件 {config_file}：请在项目根目录运行，或用 -f 指定 mkdocs.yml")
    target = (site_dir or configured_site_dir(config_file)).resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"无法创建输出目录 {target.parent}：{exc.strerror or exc}") from None
    with _Signals() as signals:
        try:
            with _holding_lock(target, wait, notify or (lambda message: None), signals):
                started = time.perf_counter()
                _clean_leftovers(target)
                if fresh:
                    _remove(reuse_dir(target))
                staging = _build(config_file, target, signals, notify or (lambda message: None))
                with signals.held():
                    _swap(staging, target)
                if signals.pending:
                    raise BuildInterrupted(f"收到停止信号时新网站已经替换完成：{target} 是这次构建的结果。", signals.pending)
        except _Interrupted as stop:
            raise BuildInterrupted(f"构建被中断：已停止 mkdocs，没有留下临时目录；已发布的网站 {target} 保持原样。", stop.signum) from None
    return target, time.perf_counter() - started


# --- one build per output folder -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _holding_lock(target: Path, wait: float, notify: Callable[[str], None], signals: _Signals) -> Iterator[None]:
    path = lock_file(target)
    lock = FileLock(str(path))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if wait <= 0:
                raise BuildBusy(
                    f"另一个构建正在使用 {target}（锁文件 {path.name}），本次没有等待（--wait 0），网站没有改动。"
                    "请等它结束后再运行 studyportal build。"
                ) from None
            notify(f"另一个构建正在使用 {target}，等它结束后再开始（最多等 {wait:g} 秒）……")
            try:
                lock.acquire(timeout=wait, poll_interval=0.2)
            except Timeout:
                raise BuildBusy(
                    f"等了 {wait:g} 秒，另一个构建仍在使用 {target}（锁文件 {path.name}），本次没有构建，网站没有改动。"
                    "请等它结束后再运行 studyportal build，或用 --wait 指定更长的等待时间。"
                ) from None
            notify("上一个构建已结束，开始构建。")
    except OSError as exc:
        raise PublishError(f"无法创建锁文件 {path}：{exc.strerror or exc}。请检查输出目录所在文件夹能否写入。") from None
    try:
        yield
    finally:
        with signals.held():
            lock.release()


# --- what killed builds left -----------------------------------------------------------------------------------------


def _leftovers(target: Path) -> tuple[list[Path], list[Path]]:
    """Our own staging folders (``.site.new-XXXXXXXX``) and old sites (``.site.old``, ``.site.old-XXXXXXXX``) beside the target."""
    name = re.escape(target.name)
    new, old = re.compile(rf"\.{name}\.new-[a-z0-9_]{{8}}"), re.compile(rf"\.{name}\.old(-[0-9a-f]{{8}})?")
    staging, previous = [], []
    try:
        entries = list(target.parent.iterdir())
    except OSError as exc:
        raise PublishError(f"读不了输出目录所在的文件夹 {target.parent}：{exc.strerror or exc}") from None
    for entry in entries:
        if new.fullmatch(entry.name):
            staging.append(entry)
        elif old.fullmatch(entry.name):
            previous.append(entry)
    return staging, previous


def _clean_leftovers(target: Path) -> None:
    """Remove what killed builds left; a site lost between the two renames of a swap is put back first."""
    staging, previous = _leftovers(target)
    if not os.path.lexists(target):
        complete = [p for p in previous if _real_dir(p) and (p / "index.html").is_file()]
        for candidate in sorted(complete, key=lambda p: p.stat().st_mtime, reverse=True):
            try:
                os.rename(candidate, target)
                previous.remove(candidate)
                break
            except OSError:
                continue
    for path in staging + previous:
        _remove(path)


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _remove(path: Path) -> bool:
    """Delete a folder of ours (a link or file of that name is unlinked, never followed); True if it is gone."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            if sys.version_info >= (3, 12):
                shutil.rmtree(path, onexc=_make_writable_and_retry)
            else:
                shutil.rmtree(path, onerror=_make_writable_and_retry)
    except OSError:
        pass
    return not os.path.lexists(path)


def _make_writable_and_retry(func: Callable[..., Any], path: str, _exc: object) -> None:
    """Read-only files (Windows) cannot be deleted until made writable; anything else stays for the next build."""
    try:
        os.chmod(path, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
        func(path)
    except OSError:
        pass


# --- the generator ---------------------------------------------------------------------------------------------------


def _build(config_file: Path, target: Path, signals: _Signals, notify: Callable[[str], None]) -> Path:
    """A strict build into a new staging folder beside the target; the folder, or PublishError.

    ``check``'s warnings, which never stop a build, are passed to ``notify`` so a trainer sees them.
    """
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    except OSError as exc:
        raise PublishError(f"无法在 {target.parent} 中创建临时目录：{exc.strerror or exc}") from None
    reuse, reused = reuse_dir(target), False
    if _real_dir(reuse):
        with signals.held(), contextlib.suppress(OSError):
            os.rename(reuse, staging)  # replaces the empty folder just made (the name stays ours, for _clean_leftovers)
            reused = True
    try:
        code, output = _run_generator(config_file, staging, signals)
    except BaseException:
        with signals.held():
            _remove(staging)
        raise
    if code != 0:
        if reused:
            _set_aside(staging, target)  # still the next build's starting point
        else:
            _remove(staging)
        raise PublishError(f"{generator.failure_text(output)}\n构建失败，已发布的网站 {target} 保持原样。")
    for line in generator.check_warnings(output):
        notify(line)
    with contextlib.suppress(OSError):  # mkdtemp made it private (0700); the site must be readable like any folder
        os.chmod(staging, 0o777 & ~_umask())
    return staging


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _run_generator(config_file: Path, staging: Path, signals: _Signals) -> tuple[int, str]:
    """Run the generator as a child that cannot outlive this process; its exit status and output."""
    cmd = generator.build_command(config_file, staging, strict=True, exit_with_stdin=True)
    env = generator.build_env()
    options: dict[str, Any] = {}
    if os.name == "posix":
        options["start_new_session"] = True  # its own process group: Ctrl+C in the terminal reaches only us
        hook = _die_with_parent_hook()
        if hook is not None:
            options["preexec_fn"] = hook
    else:
        options["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    with tempfile.TemporaryFile() as log:
        proc = None
        try:
            with signals.held():  # a signal now must not leave a started child unknown
                try:
                    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, env=env, **options)
                except OSError as exc:
                    raise PublishError(f"无法启动 mkdocs：{exc.strerror or exc}") from None
            signals.check()
            code = _wait(proc)
        except BaseException:
            if proc is not None:
                with signals.held():
                    _stop(proc)
            raise
        finally:
            if proc is not None and proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
        return code, _read(log)


def _die_with_parent_hook() -> Callable[[], None] | None:
    """On Linux, a ``preexec_fn`` making the child receive SIGKILL when this process dies (``PR_SET_PDEATHSIG``)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the hook runs between fork and exec
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the build died before the call: nobody would send the signal
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


def _wait(proc: subprocess.Popen) -> int:
    """Wait for the generator; then end whatever it left in its group (the search helper) before the folder is used."""
    if os.name == "posix" and hasattr(os, "waitid") and hasattr(os, "WNOWAIT"):
        # Exited but not yet reaped: its pid, and so its process group id, cannot be reused yet.
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        _kill_group(proc)
    return proc.wait()


def _kill_group(proc: subprocess.Popen) -> None:
    if proc.returncode is not None:
        return  # reaped: its pid may belong to someone else by now
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        with contextlib.suppress(OSError):
            proc.kill()


def _stop(proc: subprocess.Popen) -> None:
    """Kill the generator and everything in its process group, and reap it."""
    _kill_group(proc)
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        proc.wait(timeout=30)


def _read(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode("utf-8", errors="replace")


# --- swapping the new site in ----------------------------------------------------------------------------------------


def _swap(staging: Path, target: Path) -> None:
    """Put the new site in place of the old one; on failure the old one stays (or is put back) and PublishError says why."""
    old: Path | None = None
    if os.path.lexists(target):
        old = _free_old_name(target)
        try:
            os.rename(target, old)
        except OSError as exc:
            _remove(staging)
            raise PublishError(
                f"无法移开已发布的网站 {target}（{exc.strerror or exc}）：可能有程序正在使用其中的文件，"
                "例如打开着的网页预览或资源管理器窗口。关掉后重新构建；已发布的网站保持原样。"
            ) from None
    try:
        os.rename(staging, target)
    except OSError as exc:
        restored = old is None
        if old is not None:
            try:
                os.rename(old, target)
                restored = True
            except OSError:
                pass
        _remove(staging)
        if not restored:
            raise PublishError(
                f"新网站没能放到 {target}（{exc.strerror or exc}）；上一版网站保存在 {old}，请把它改名为 {target.name}。"
            ) from None
        raise PublishError(f"新网站没能放到 {target}（{exc.strerror or exc}）；已发布的网站保持原样。") from None
    if old is not None:
        _set_aside(old, target)


def reuse_dir(target: Path) -> Path:
    """Where the site before the published one waits to be the next build's staging folder."""
    return target.with_name(f".{target.name}.reuse")


def _set_aside(folder: Path, target: Path) -> None:
    """Keep a folder of ours as the next build's staging folder (only files that change are written into it)."""
    reuse = reuse_dir(target)
    if os.path.lexists(reuse):
        _remove(reuse)
    try:
        os.rename(folder, reuse)
    except OSError:
        _remove(folder)  # if it cannot be removed now, the next build removes it


def _free_old_name(target: Path) -> Path:
    """A name for the old site that nothing uses, so the rename can never meet a leftover."""
    while True:
        candidate = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
        if not os.path.lexists(candidate):
            return candidate


# --- signals ---------------------------------------------------------------------------------------------------------


class _Signals:
    """While a build runs, SIGINT, SIGTERM and SIGHUP raise :class:`_Interrupted`, except inside ``held()``,
    where they are remembered and raised by the next ``check()`` (so a swap or a cleanup is never cut in half)."""

    def __init__(self) -> None:
        self.pending = 0
        self._hold = 0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"):
                signum = getattr(signal, name, None)
                if signum is not None:
                    with contextlib.suppress(OSError, ValueError):
                        self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(signum, handler)

    def _handle(self, signum: int, _frame: object) -> None:
        if not self.pending:
            self.pending = signum
        if not self._hold:
            raise _Interrupted(signum)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1

    def check(self) -> None:
        if self.pending and not self._hold:
            raise _Interrupted(self.pending)

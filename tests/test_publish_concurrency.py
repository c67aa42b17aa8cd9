"""Builds at the same time, killed and interrupted builds, and the lock on the output folder.

Every test runs real ``studyportal build`` processes on a small portal (four materials, one
curriculum) so that a build takes about two seconds. The tests about processes read ``/proc``
(Linux). ``scripts/stress_builds.py`` is the long version of the first test (4 builds × 20 rounds).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import CURRICULUM, ROOT, copy_project, write

pytestmark = pytest.mark.slow  # runs real builds, several at once

SMALL = ("xin-dangzhang", "dangyuan-yiwu-quanli", "dangfei-jiaona", "dangyuan-jiaoyu-guanli-tiaoli")
LEFTOVER = re.compile(r"\.site\.(new-.*|old.*)")
LINUX = Path("/proc/self/stat").exists()
needs_proc = pytest.mark.skipif(not LINUX or os.name != "posix", reason="reads /proc and sends POSIX signals")


def small_portal(tmp: Path) -> Path:
    """A copy of the sample project with four materials and one curriculum."""
    materials = tmp / "materials-small"
    for slug in SMALL:
        write(materials, f"dangzhang/{slug}.md", (ROOT / "materials" / "dangzhang" / f"{slug}.md").read_bytes())
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs=", ".join(SMALL)))
    return copy_project(tmp / "portal", materials)


def use_hooks(project: Path, **hooks: str) -> None:
    """Make the project's builds run these MkDocs hooks (file stem -> code); none removes them."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").split("\nhooks:")[0]
    if hooks:
        text += "\nhooks:\n" + "".join(f"  - {name}.py\n" for name in hooks)
        for name, code in hooks.items():
            write(project, f"{name}.py", code)
    config.write_text(text, encoding="utf-8")


def slow_down(project: Path, seconds_per_page: float) -> None:
    """Make the builds write their pages slowly, so that one can be caught mid-way.

    Without it a small portal builds in about a second, and a generator left running by a killed
    build would finish by itself before anyone noticed it was still writing.
    """
    hook = f"import time\n\n\ndef on_post_page(output, **kwargs):\n    time.sleep({seconds_per_page})\n    return output\n"
    use_hooks(project, slow=hook)


# Builds that run mkdocs at the same time wait for each other at the end, so that they reach the swap
# together: without the lock, swaps then collide in most runs instead of now and then. Builds that
# take turns (one mkdocs at a time) never wait.
FINISH_TOGETHER = """\
import os, time
from pathlib import Path

GATE = Path(__file__).parent / ".gate"


def on_config(config, **kwargs):
    GATE.mkdir(exist_ok=True)
    (GATE / f"running-{os.getpid()}").touch()


def on_post_build(config, **kwargs):
    (GATE / f"done-{os.getpid()}").touch()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if len(list(GATE.glob("done-*"))) >= len(list(GATE.glob("running-*"))):
            break
        time.sleep(0.005)
    time.sleep(0.05)  # the others see the gate open too before anything is removed
    (GATE / f"running-{os.getpid()}").unlink()
    (GATE / f"done-{os.getpid()}").unlink()
"""


def start_build(project: Path, *args: str) -> subprocess.Popen:
    """``studyportal build`` as its own process, the way a trainer runs it."""
    cmd = [sys.executable, "-m", "studyportal.cli", "build", *args]
    return subprocess.Popen(cmd, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_build(project: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "studyportal.cli", "build", *args]
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=timeout)


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if LEFTOVER.fullmatch(p.name))


def snapshot(site: Path) -> dict[str, tuple[int, int]]:
    """Every file of a site with its size and modification time: any write shows."""
    return {p.relative_to(site).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


def assert_valid_site(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "search" / "data" / "meta.js").is_file()
    for slug in SMALL:
        assert (site / "materials" / slug / "index.html").is_file(), slug


# --- processes, read from /proc -------------------------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, start time) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def descendants(pid: int) -> dict[int, int]:
    """Every living process below ``pid``, with its start time (so a reused pid is not mistaken for it)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for p in _pids():
        st = _stat(p)
        if st is not None and st[0] != "Z":
            children.setdefault(st[1], []).append((p, st[2]))
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child, start in children.get(todo.pop(), []):
            found[child] = start
            todo.append(child)
    return found


def still_running(procs: dict[int, int]) -> list[int]:
    """Those of ``procs`` that still run (a zombie waiting for its parent counts as gone)."""
    out = []
    for pid, start in procs.items():
        st = _stat(pid)
        if st is not None and st[2] == start and st[0] != "Z":
            out.append(pid)
    return out


def mentioning(text: str) -> list[int]:
    """Running processes whose command line contains ``text``."""
    out = []
    for pid in _pids():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        st = _stat(pid)
        if text in cmdline and st is not None and st[0] != "Z":
            out.append(pid)
    return out


def wait_until(condition, timeout: float = 20.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def build_in_full_swing(project: Path, proc: subprocess.Popen) -> Path | None:
    """Wait until the build's mkdocs writes pages into its staging folder; the staging folder."""

    def writing() -> Path | None:
        for staging in project.glob(".site.new-*"):
            if (staging / "assets").is_dir() and len(descendants(proc.pid)) >= 1:  # mkdocs (and any page workers)
                return staging
        return None

    wait_until(lambda: writing() is not None or proc.poll() is not None, timeout=60, step=0.005)
    return writing() if proc.poll() is None else None


# --- tests ------------------------------------------------------------------------------------------------------------


def test_parallel_builds_never_crash_and_leave_exactly_one_site(tmp_path):
    project = small_portal(tmp_path)
    use_hooks(project, finish_together=FINISH_TOGETHER)
    for n in range(1000):  # a real portal writes thousands of files: setting an old site aside takes a while
        write(project, f"docs/files/{n // 100}/{n}.txt", "学习资料附件\n")
    for _ in range(3):
        procs = [start_build(project) for _ in range(4)]
        results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
        for code, _out, err in results:
            assert "Traceback" not in err, err
            assert code == 0, err
        assert leftovers(project) == []
        assert_valid_site(project / "site")


@needs_proc
def test_killed_build_leaves_no_orphan_and_the_next_build_cleans_up(tmp_path):
    project = small_portal(tmp_path)
    slow_down(project, 0.4)  # about nine seconds of writing pages left when it is killed
    proc = start_build(project)
    staging = build_in_full_swing(project, proc)
    assert staging is not None, proc.communicate()
    family = descendants(proc.pid)  # mkdocs (and any page workers)
    try:
        assert len(family) >= 1 and mentioning(staging.name)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert wait_until(lambda: not still_running(family) and not mentioning(staging.name), timeout=4), still_running(family)
        before = snapshot(staging)  # nobody writes into what it left any more
        time.sleep(1)
        assert snapshot(staging) == before
        assert not (project / "site").exists()  # it never got as far as the swap
    finally:
        for pid in still_running(family):
            os.kill(pid, signal.SIGKILL)

    # The lock file stays behind, but the dead build's lock went with it: no waiting at all.
    use_hooks(project)
    result = run_build(project, "--wait", "0")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "另一个构建" not in result.stderr
    assert not staging.exists() and leftovers(project) == []
    assert_valid_site(project / "site")


@needs_proc
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopped_build_stops_mkdocs_removes_its_folder_and_keeps_the_site(tmp_path, signum):
    project = small_portal(tmp_path)
    assert run_build(project).returncode == 0
    before = snapshot(project / "site")
    slow_down(project, 0.4)
    proc = start_build(project)
    staging = build_in_full_swing(project, proc)
    assert staging is not None, proc.communicate()
    family = descendants(proc.pid)
    try:
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 128 + signum, err
        assert "构建被中断" in err and "保持原样" in err and "Traceback" not in err
        assert not still_running(family) and not mentioning(staging.name)
        assert leftovers(project) == [] and snapshot(project / "site") == before
    finally:
        for pid in still_running(family):
            os.kill(pid, signal.SIGKILL)


def test_wait_zero_while_another_build_holds_the_folder_exits_without_touching_the_site(tmp_path):
    from filelock import FileLock

    from studyportal.publish import BUSY_EXIT, lock_file

    project = small_portal(tmp_path)
    assert run_build(project).returncode == 0
    before = snapshot(project / "site")
    lock = lock_file(project / "site")
    assert lock.parent == project and not lock.is_relative_to(project / "site")
    with FileLock(str(lock)):  # another build, as far as the lock can tell
        result = run_build(project, "--wait", "0")
        assert result.returncode == BUSY_EXIT != 0
        assert "另一个构建正在使用" in result.stderr and "网站没有改动" in result.stderr
        assert "Traceback" not in result.stderr and "构建完成" not in result.stdout

        started = time.monotonic()
        result = run_build(project, "--wait", "1")
        assert result.returncode == BUSY_EXIT and time.monotonic() - started >= 1
        assert "最多等 1 秒" in result.stderr and "仍在使用" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(project / "site") == before and leftovers(project) == []


def test_a_waiting_build_goes_ahead_once_the_other_one_ends(tmp_path):
    from filelock import FileLock

    from studyportal.publish import lock_file

    project = small_portal(tmp_path)
    lock = FileLock(str(lock_file(project / "site")))
    lock.acquire()
    try:
        proc = start_build(project, "--wait", "60")
        time.sleep(1.5)
        assert proc.poll() is None and not list(project.glob(".site.new-*"))  # waiting, not building
    finally:
        lock.release()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "另一个构建正在使用" in err and "构建完成" in out
    assert_valid_site(project / "site")


def test_leftovers_of_killed_builds_are_removed_but_nothing_else(tmp_path):
    project = small_portal(tmp_path)
    assert run_build(project).returncode == 0
    outside = tmp_path / "not-ours"
    write(outside, "keep.txt", "别删我")
    write(project, ".site.new-ab12cd34/index.html", "半成品")
    write(project, ".site.old-0123abcd/index.html", "旧的")
    (project / ".site.old").symlink_to(outside, target_is_directory=True)  # never followed
    write(project, ".site.new-notes/keep.txt", "不是我们起的名字")
    write(project, "site-backup/index.html", "别人的备份")
    result = run_build(project)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "别删我"
    assert leftovers(project) == [".site.new-notes"]
    assert (project / "site-backup" / "index.html").is_file()
    assert_valid_site(project / "site")


def test_swap_never_crashes_whatever_the_old_folder_is(tmp_path, monkeypatch):
    """The crash seen in parallel builds: an old folder that cannot be removed. Now it is simply set aside."""
    import studyportal.publish as publish

    project = small_portal(tmp_path)
    assert run_build(project).returncode == 0
    write(project, ".site.old/index.html", "不能删除的旧网站")
    real_rmtree = shutil.rmtree

    def stubborn_rmtree(path, *args, **kwargs):
        if Path(path).name.startswith(".site.old"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(publish.shutil, "rmtree", stubborn_rmtree)
    target, _seconds = publish.safe_build(project / "mkdocs.yml")
    assert target == (project / "site").resolve()
    assert_valid_site(project / "site")
    assert (project / ".site.old" / "index.html").read_text(encoding="utf-8") == "不能删除的旧网站"
    monkeypatch.undo()
    assert run_build(project).returncode == 0 and leftovers(project) == []  # removed once it can be


def test_a_failed_swap_keeps_the_previous_site(tmp_path, monkeypatch):
    import studyportal.publish as publish

    project = small_portal(tmp_path)
    assert run_build(project).returncode == 0
    before = snapshot(project / "site")
    real_rename = os.rename

    def failing_rename(src, dst, *args, **kwargs):
        if Path(src).name.startswith(".site.new-"):
            raise OSError(16, "Device or resource busy", str(src))
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(publish.os, "rename", failing_rename)
    with pytest.raises(publish.PublishError, match="已发布的网站保持原样"):
        publish.safe_build(project / "mkdocs.yml")
    monkeypatch.undo()
    assert snapshot(project / "site") == before and leftovers(project) == []


def test_a_site_lost_between_the_two_renames_is_put_back_even_if_the_next_build_fails(tmp_path):
    project = small_portal(tmp_path)
    assert run_build(project).returncode == 0
    before = snapshot(project / "site")
    (project / "site").rename(project / ".site.old-89abcdef")  # killed right after setting the old site aside
    write(project, ".site.new-zz99zz99/index.html", "半成品")
    write(project / "materials", "broken.md", "没有元数据\n")
    result = run_build(project)
    assert result.returncode == 1 and "保持原样" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(project / "site") == before and leftovers(project) == []


@needs_proc
def test_page_workers_die_with_their_build_even_mid_page(tmp_path):
    """If mkdocs is killed while its page workers render, none of them goes on working (they never write files)."""
    script = (
        "import os, sys, time\n"
        "from studyportal.forks import ForkPool\n"
        "pool = ForkPool(1000, lambda i: time.sleep(0.5) or i, 2)\n"
        "print(*pool._pids, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    workers = [int(x) for x in parent.stdout.readline().split()]
    family = descendants(parent.pid)
    try:
        assert len(workers) == 2 and all(w in family for w in workers)
        time.sleep(1)  # the workers are busy with their pages
        parent.kill()
        parent.wait()
        assert wait_until(lambda: not still_running({w: family[w] for w in workers}), timeout=10)
    finally:
        for pid in still_running(family):
            os.kill(pid, signal.SIGKILL)
        parent.stdout.close()

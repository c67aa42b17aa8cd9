"""When each material last changed, from Git: one ``git log`` pass over the whole materials folder.

A material's "updated" date is the date of the last commit that touched its file, on the branch's
first-parent line (a merge counts as the day the change reached the branch, not the day it was written
on a side branch). A file that differs from the last commit, or is not committed yet, is dated now:
a trainer previewing with ``mkdocs serve`` sees the date the change will carry once it is committed.

Commits listed in the repository's ``.git-blame-ignore-revs`` (the file ``git blame`` and the Git hosts
read for the same purpose) are passed over: an import of existing material or a mass reformatting does not
make every material "updated".

Outside Git, without a ``git`` program, or in a shallow clone (whose oldest commit seems to add every
file at once), nothing is dated here and the front matter's ``updated:``/``published:`` stand; the
result says why, in Chinese, for the build's log.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_TIMEOUT = 120  # seconds; git log over a county's whole history takes well under one
_CHUNK = 1 << 16
_ENV = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
# No colour, no signatures checked, paths from the top of the repository whatever the user's settings say.
_CONFIG = ["-c", "log.showSignature=false", "-c", "diff.relative=false", "-c", "color.ui=never", "-c", "core.quotePath=false"]
FRONT_MATTER_NOTE = "更新日期取自材料里写的 updated/published"
IGNORE_REVS = ".git-blame-ignore-revs"


@dataclass
class GitDates:
    """The last-change time of each file asked about that Git knows, and how the dates were found."""

    changed: dict[Path, dt.datetime] = field(default_factory=dict)  # keyed by the paths passed in; aware datetimes
    uncommitted: set[Path] = field(default_factory=set)  # dated now: they differ from the last commit
    note: str = ""  # why Git gave no dates (Chinese, for the log); empty when it did
    commits_read: int = 0
    ignored: int = 0  # commits passed over (listed in .git-blame-ignore-revs)

    @property
    def from_git(self) -> bool:
        return not self.note


def last_commits(root: Path, files: Iterable[Path], *, now: dt.datetime | None = None, git: str = "git") -> GitDates:
    """The time of the last commit touching each of ``files`` (paths under ``root``), in one ``git log`` pass.

    Files changed but not committed (or not committed at all) get ``now``. The log is read newest first
    and stops as soon as every file has its date, so a long history costs only as far back as needed.
    """
    root_abs = Path(os.path.abspath(root))
    wanted: dict[str, Path] = {}
    probe = _run([git, *_CONFIG, "rev-parse", "--is-shallow-repository", "--show-toplevel", "--show-prefix"], root_abs)
    if isinstance(probe, str):
        return GitDates(note=probe)
    lines = probe.decode("utf-8", "surrogateescape").split("\n")
    if lines[0] not in ("true", "false"):
        return GitDates(note=f"git 版本太旧（需要 2.15 以上），{FRONT_MATTER_NOTE}")
    if lines[0] == "true":
        return GitDates(
            note=f"这是浅克隆（shallow clone），看不到完整的提交历史，{FRONT_MATTER_NOTE}。"
            "自动构建时请取完整历史：GitHub/Gitea 的 actions/checkout 写 fetch-depth: 0，GitLab 设 GIT_DEPTH: 0"
        )
    top, prefix = (lines[1], lines[2]) if len(lines) > 2 else ("", "")
    for path in files:
        rel = Path(os.path.abspath(path)).relative_to(root_abs).as_posix()
        wanted[prefix + rel] = path
    out = GitDates()
    status = _run([git, *_CONFIG, "status", "--porcelain", "-z", "--untracked-files=all", "--", "."], root_abs)
    if isinstance(status, str):
        return GitDates(note=status)
    now = now or dt.datetime.now().astimezone()
    for name in _dirty(status):
        path = wanted.pop(name, None)
        if path is not None:
            out.changed[path] = now
            out.uncommitted.add(path)
    if wanted:
        note = _read_log(git, root_abs, wanted, out, _ignored_revs(Path(top) / IGNORE_REVS) if top else set())
        if note:
            return GitDates(note=note)
    return out


def _read_log(git: str, root: Path, wanted: dict[str, Path], out: GitDates, ignored: set[str]) -> str:
    """Fill ``out.changed`` from ``git log`` until every wanted file is dated; returns a note on failure."""
    cmd = [git, *_CONFIG, "log", "--first-parent", "-m", "--no-renames", "--format=%x1e%H %cI", "--name-only", "-z", "--", "."]
    try:
        proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env={**os.environ, **_ENV})
    except OSError:
        return f"找不到 git 程序，{FRONT_MATTER_NOTE}"
    assert proc.stdout is not None
    when: dt.datetime | None = None
    rest = b""
    try:
        while wanted:
            chunk = proc.stdout.read(_CHUNK)
            if not chunk:
                break
            tokens = (rest + chunk).split(b"\0")
            rest = tokens.pop()
            for token in tokens:
                if token.startswith(b"\x1e"):
                    commit, _, stamp = token[1:].decode("ascii", "replace").partition(" ")
                    when = None if commit in ignored else _parse_time(stamp)
                    out.commits_read += 1
                    out.ignored += commit in ignored
                    continue
                name = os.fsdecode(token.lstrip(b"\n"))
                if when is not None and (path := wanted.pop(name, None)) is not None:
                    out.changed[path] = when
                    if not wanted:
                        break
    finally:
        if wanted:
            code = proc.wait(timeout=_TIMEOUT)
        else:  # every file dated: the rest of the history is not needed
            proc.kill()
            proc.wait()
            code = 0
        proc.stdout.close()
    if code != 0 and out.commits_read == 0:
        return f"还没有任何提交（或 git log 出错），{FRONT_MATTER_NOTE}"
    return ""


def _parse_time(raw: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None


def _ignored_revs(path: Path) -> set[str]:
    """Full commit ids listed in ``.git-blame-ignore-revs`` (``#`` starts a comment)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {word for line in text.splitlines() if len(word := line.split("#", 1)[0].strip().lower()) == 40}


def _dirty(status: bytes) -> list[str]:
    """Paths (from the top of the repository) that ``git status --porcelain -z`` lists: changed, new or renamed."""
    names = []
    entries = status.split(b"\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        code, name = entry[:2], os.fsdecode(entry[3:])
        names.append(name)
        if b"R" in code or b"C" in code:
            i += 1  # the old name follows a rename or copy
    return names


def _run(cmd: list[str], cwd: Path) -> bytes | str:
    """The command's output, or a note saying why Git gives no dates."""
    try:
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=_TIMEOUT, env={**os.environ, **_ENV})
    except OSError:
        return f"找不到 git 程序，{FRONT_MATTER_NOTE}"
    except subprocess.TimeoutExpired:
        return f"git 运行超时，{FRONT_MATTER_NOTE}"
    if result.returncode != 0:
        err = result.stderr.decode("utf-8", "replace")
        if "dubious ownership" in err or "safe.directory" in err:
            return (
                f"git 拒绝读取这个仓库（文件夹的所有者不是当前用户），{FRONT_MATTER_NOTE}。"
                "可运行 git config --global --add safe.directory 仓库路径"
            )
        if "not a git repository" in err:
            return f"材料文件夹不在 Git 仓库里，{FRONT_MATTER_NOTE}"
        return f"git 出错（{err.strip().splitlines()[-1] if err.strip() else result.returncode}），{FRONT_MATTER_NOTE}"
    return result.stdout


def updated_date(published: dt.date | None, written: dt.date | None, committed: dt.datetime | None) -> dt.date | None:
    """A material's "updated" date: its last commit's, when that is after ``published``; outside Git, ``updated:`` as written.

    A last commit on or before the day of publication is the publication itself (or its preparation),
    not an update: then there is no "updated" date and the page shows only ``published``.
    """
    if committed is None:
        return written
    day = committed.date()
    return day if published is None or day > published else None

"""File names that survive FAT32 USB sticks, Windows and old unzip tools."""

from __future__ import annotations

from studyportal.names import component_problem
from studyportal.problems import Problem

MAX_PATH = 150  # inside the bundle; leaves ~100 characters for "D:\\某个文件夹\\" under Windows' 260


def name_problems(paths: list[str], allow_non_ascii: frozenset[str] = frozenset()) -> list[Problem]:
    """Every reason why one of these ``/``-separated relative paths is unsafe on FAT32 or Windows, on that path."""
    problems: set[Problem] = set()
    seen: dict[str, str] = {}
    for path in sorted(paths):
        parts = path.split("/")
        if len(path) > MAX_PATH:
            problems.add(Problem(path, 0, f"路径太长（{len(path)} 个字符，最多 {MAX_PATH}），Windows 可能打不开", "缩短网址名（slug）"))
        if not path.isascii() and path not in allow_non_ascii:
            problems.add(Problem(path, 0, "文件名含中文或其他非英文字符，旧版 Windows 解压后会变成乱码", "改用英文或拼音文件名"))
        for part in parts:
            reason = component_problem(part)
            if reason:
                problems.add(Problem(path, 0, reason, "改名"))
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            key = prefix.casefold()
            other = seen.setdefault(key, prefix)
            if other != prefix:
                problems.add(Problem(prefix, 0, f"和 {other} 只有大小写不同，在 Windows 和 U 盘上会互相覆盖", "把其中一个改名"))
    return sorted(problems, key=lambda p: (p.path, p.message))

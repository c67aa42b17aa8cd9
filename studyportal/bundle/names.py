"""File names that survive FAT32 USB sticks, Windows and old unzip tools."""

from __future__ import annotations

import re

MAX_COMPONENT = 120  # FAT32 allows 255 UTF-16 units per name; keep well below
MAX_PATH = 150  # inside the bundle; leaves ~100 characters for "D:\\某个文件夹\\" under Windows' 260
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_BAD = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def name_problems(paths: list[str], allow_non_ascii: frozenset[str] = frozenset()) -> list[str]:
    """Every reason, in Chinese, why one of these ``/``-separated relative paths is unsafe on FAT32 or Windows."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in sorted(paths):
        parts = path.split("/")
        if len(path) > MAX_PATH:
            problems.append(f"{path}：路径太长（{len(path)} 个字符，最多 {MAX_PATH}），Windows 可能打不开；请缩短网址名（slug）")
        if not path.isascii() and path not in allow_non_ascii:
            problems.append(f"{path}：文件名含中文或其他非英文字符，旧版 Windows 解压后会变成乱码；请改用英文或拼音文件名")
        for part in parts:
            if not part or part in {".", ".."}:
                problems.append(f"{path}：路径里有空的或 . / .. 部分")
            elif _BAD.search(part):
                problems.append(f'{path}：“{part}”含 Windows 不允许的字符（< > : " \\ | ? * 或控制字符）；请改名')
            elif part.endswith((" ", ".")):
                problems.append(f"{path}：“{part}”以空格或句点结尾，Windows 会把它改名；请改名")
            elif part.split(".")[0].upper() in _RESERVED:
                problems.append(f"{path}：“{part}”是 Windows 的保留设备名；请改名")
            elif len(part) > MAX_COMPONENT:
                problems.append(f"{path}：“{part[:30]}…”太长（最多 {MAX_COMPONENT} 个字符）；请缩短")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            key = prefix.casefold()
            other = seen.setdefault(key, prefix)
            if other != prefix:
                problems.append(f"{prefix} 和 {other} 只有大小写不同，在 Windows 和 U 盘上会互相覆盖；请把其中一个改名")
    return sorted(set(problems))

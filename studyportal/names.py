"""Names that become files and URLs: what Windows, FAT32 USB sticks and browsers cannot take.

One rule for every name a trainer writes that ends up as a file — material file names, slugs,
module keys, topic URL names — checked by ``check`` where it is written, and by ``bundle`` again
on the finished copy.
"""

from __future__ import annotations

import re
import unicodedata

# Windows refuses these as a file name, with or without an extension (CON.md, aux.html, com1).
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})
WINDOWS_BAD = re.compile(r'[<>:"\\|?*\x00-\x1f]')
MAX_COMPONENT = 120  # FAT32 allows 255 UTF-16 units per name; keep well below


def is_reserved(name: str) -> bool:
    """``con``, ``AUX.md``, ``com1.txt``: a Windows device name."""
    return name.split(".")[0].upper() in RESERVED


def invisible_characters(text: str) -> list[str]:
    """Control and format characters (zero-width spaces, direction marks…) in ``text``, each once."""
    return list(dict.fromkeys(c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t"))


def is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def code_points(chars: list[str]) -> str:
    """``['\u200b']`` → ``U+200B``, for messages."""
    return "、".join(f"U+{ord(c):04X}" for c in chars[:3])


def has_visible(text: str) -> bool:
    """Whether ``text`` shows anything: a letter, digit, mark or symbol, not only spaces and invisible characters."""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


def component_problem(part: str) -> str | None:
    """Why one path component (a file or folder name) is unsafe on Windows or FAT32, in Chinese; None when it is fine."""
    if not part or part in {".", ".."}:
        return "名字是空的或是 . / .."
    if WINDOWS_BAD.search(part):
        return f'“{part}”含 Windows 不允许的字符（< > : " \\ | ? * 或控制字符）'
    if invisible_characters(part):
        return f"“{part}”含看不见的字符（{code_points(invisible_characters(part))}）"
    if part.endswith((" ", ".")):
        return f"“{part}”以空格或句点结尾，Windows 会把它改名"
    if is_reserved(part):
        return f"“{part}”是 Windows 的保留设备名（CON、AUX、NUL、COM1、LPT1 等）"
    if len(part) > MAX_COMPONENT:
        return f"“{part[:30]}…”太长（{len(part)} 个字符，最多 {MAX_COMPONENT} 个）"
    return None

"""Reading a trainer's file as text: UTF-8 (with or without BOM), CRLF, or a legacy Chinese encoding."""

from __future__ import annotations

from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from studyportal.problems import Problem

GB_ENCODINGS = {"gb2312", "gbk", "gb18030", "hz", "cp936"}

CONVERT_HINT = (
    "请把文件另存为 UTF-8 编码：记事本选“另存为”→编码选“UTF-8”；"
    "VS Code 点右下角编码→“通过编码保存”→UTF-8；"
    "或在命令行运行 iconv -f GB18030 -t UTF-8 原文件 > 新文件"
)


@dataclass
class SourceText:
    """A file's text with line ends normalised to ``\\n``, and what was noticed reading it."""

    text: str | None
    problems: list[Problem] = field(default_factory=list)


def decode_source(data: bytes, shown_path: str) -> SourceText:
    """Decode a file's bytes.

    UTF-8 with a BOM and CRLF line ends are accepted silently. A file saved as GBK/GB18030
    (common with Windows Notepad on Chinese systems) is read with a warning that says how to
    convert it. Anything else is an error naming the encoding we think it has.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
        return SourceText(_normalise_newlines(text))
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
    guess = from_bytes(data).best()
    guessed = (guess.encoding if guess else "") or ""
    gb_text = _try_decode(data, "gb18030")
    if gb_text is not None and (guessed.lower() in GB_ENCODINGS or _mostly_cjk(gb_text)):
        warning = Problem(
            path=shown_path,
            line=bad_line,
            message="文件不是 UTF-8 编码，看起来是 GBK/GB18030（Windows 记事本的“ANSI”），已按 GB18030 读取",
            fix=CONVERT_HINT,
            field="",
            severity="warning",
        )
        return SourceText(_normalise_newlines(gb_text), [warning])
    named = f"（看起来是 {guessed}）" if guessed else ""
    error = Problem(
        path=shown_path,
        line=bad_line,
        message=f"文件不是 UTF-8 编码{named}，第 {bad_line} 行有无法识别的字节",
        fix=CONVERT_HINT,
    )
    return SourceText(None, [error])


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _mostly_cjk(text: str) -> bool:
    letters = [c for c in text if not c.isascii() and not c.isspace()]
    if not letters:
        return False
    cjk = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjk / len(letters) > 0.8


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")

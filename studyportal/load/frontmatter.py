"""Splitting a Markdown file into its YAML front matter and body, with line numbers kept.

MkDocs silently drops a front matter it cannot parse; here every such case is a problem
with the file, line and fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from studyportal.load.bounds import MAX_BYTES, YamlRefused, compose_bounded, oversize, plainly_within_limits
from studyportal.problems import Problem
from studyportal.vocabulary import FIELD_ALIASES

Path_ = tuple[Any, ...]

_TAG = "tag:yaml.org,2002:"


class _ValueTrouble(Exception):
    """A YAML constructor could not make a value of a node (a date that does not exist, a 5000-digit number)."""

    def __init__(self, node: yaml.Node, error: Exception):
        super().__init__(str(error))
        self.node = node
        self.error = error


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's parser when present: iterative, and several times faster).

    Its scalar constructors raise :class:`_ValueTrouble`, which keeps the node, so a bad value is
    reported at its own line and field rather than at the top of the file.
    """


def _keeping_node(constructor: Callable[[Any, yaml.Node], Any]) -> Callable[[Any, yaml.Node], Any]:
    """``constructor``, raising :class:`_ValueTrouble` (with the node) instead of a bare ValueError."""

    def construct(loader: Any, node: yaml.Node) -> Any:
        try:
            return constructor(loader, node)
        except (ValueError, OverflowError) as exc:
            raise _ValueTrouble(node, exc) from exc

    return construct


for _name in ("timestamp", "int", "float"):
    _Loader.add_constructor(_TAG + _name, _keeping_node(SafeConstructor.yaml_constructors[_TAG + _name]))

FENCE = "---"
FULLWIDTH_KEY = re.compile(r"^()([A-Za-z_][A-Za-z0-9_-]*|" + "|".join(map(re.escape, FIELD_ALIASES)) + r")\s*：")


@dataclass
class Located:
    """YAML data plus the (line, column) of every mapping key and list item, 1-based."""

    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, default_line: int = 1) -> tuple[int, int]:
        """Position of ``path``, or of its closest located parent."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (default_line, 1))


@dataclass
class SplitDocument:
    """A Markdown file cut into front matter (parsed) and body."""

    meta: Located | None
    body: str
    body_line: int
    problems: list[Problem] = field(default_factory=list)


def split_front_matter(text: str, shown_path: str) -> SplitDocument:
    """Cut ``text`` at its ``---`` fences and parse the YAML between them."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != FENCE:
        problem = Problem(
            shown_path,
            (first or 0) + 1,
            "文件开头没有元数据块（front matter）",
            "在文件第一行写 ---，接着写 title、kind、audiences、track、summary 等字段，再用一行 --- 结束",
        )
        return SplitDocument(None, text, 1, [problem])
    end = next((i for i in range(first + 1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        problem = Problem(
            shown_path,
            first + 1,
            "元数据块只有开头的 --- ，没有结束的 ---",
            "在最后一个字段之后、正文之前单独写一行 ---",
        )
        return SplitDocument(None, "", len(lines), [problem])
    yaml_text = "\n".join(lines[first + 1 : end])
    offset = first + 1  # YAML line 0 is file line offset+1
    body = "\n".join(lines[end + 1 :])
    located, problems = parse_yaml(yaml_text, shown_path, offset)
    if located is not None and not isinstance(located.data, dict):
        if located.data is None:
            problems.append(Problem(shown_path, first + 1, "元数据块是空的", "在两行 --- 之间写上 title、kind 等字段"))
        else:
            problems.append(Problem(shown_path, offset + 1, "元数据块应当是“字段: 值”的列表", "每行写一个字段，如 title: 学习新党章"))
        located = None
    return SplitDocument(located, body, end + 2, problems)


def parse_yaml(yaml_text: str, shown_path: str, line_offset: int = 0, what: str = "元数据") -> tuple[Located | None, list[Problem]]:
    """Parse YAML safely, returning data with positions, or problems that say what went wrong.

    ``line_offset`` is the number of file lines before the YAML text starts; ``what`` names the text in
    messages (元数据 for front matter, 课程文件 for a curriculum). Whatever the text holds, the result is
    problems, never an exception: the limits in :mod:`studyportal.load.bounds` are checked before the
    data is built or walked.
    """
    problems = _fullwidth_problems(yaml_text, shown_path, line_offset)
    if any("\t" in line[: len(line) - len(line.lstrip())] for line in yaml_text.split("\n")):
        bad = next(i for i, line in enumerate(yaml_text.split("\n")) if line[: len(line) - len(line.lstrip())].count("\t"))
        problems.append(Problem(shown_path, line_offset + bad + 1, "行首用了 Tab 缩进，YAML 只能用空格缩进", "把行首的 Tab 换成空格"))
        return None, problems
    size = oversize(yaml_text)
    if size:
        problems.append(too_big(shown_path, max(line_offset, 1), what, size))
        return None, problems
    loader = _Loader(yaml_text)
    node = None
    try:
        node = loader.get_single_node() if plainly_within_limits(yaml_text) else compose_bounded(loader)
        data = loader.construct_document(node) if node is not None else None
        located = Located(data)
        if node is not None:
            _record_positions(node, (), located.positions, line_offset, problems, shown_path)
    except YamlRefused as exc:
        where = Problem(shown_path, line_offset + exc.mark.line + 1, exc.message, exc.fix, field=exc.field, column=exc.mark.column + 1)
        return None, problems + [where]
    except _ValueTrouble as exc:
        return None, problems + [_value_problem(exc, node, shown_path, line_offset)]
    except yaml.MarkedYAMLError as exc:
        if problems:  # the full-width colon explanation is the real cause
            return None, problems
        mark = exc.problem_mark or exc.context_mark
        line = line_offset + (mark.line + 1 if mark else 1)
        col = mark.column + 1 if mark else 1
        problems.append(Problem(shown_path, line, _explain_yaml_error(exc), _yaml_fix(exc), column=col))
        return None, problems
    except yaml.reader.ReaderError as exc:  # a control character: libyaml names it, not its line
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        at = yaml_text.find(char) if char else -1
        line = line_offset + (yaml_text.count("\n", 0, at) + 1 if at >= 0 else 1)
        problems.append(
            Problem(
                shown_path,
                line,
                f"有 YAML 不允许的控制字符（U+{ord(char[:1] or chr(0)):04X}），看不见，多半是从网页、Word 或微信复制时带进来的",
                "删掉这个字符：把这一行重新手打一遍",
            )
        )
        return None, problems
    except Exception as exc:  # noqa: BLE001 — whatever a file holds, check reports it instead of a traceback
        problems.append(
            Problem(
                shown_path,
                max(line_offset, 1),
                f"{what}读不出来（{type(exc).__name__}）",
                "检查 YAML 写法：每行写成“字段: 值”（冒号后有一个空格）；改不好时把它重新手打一遍",
            )
        )
        return None, problems
    finally:
        loader.dispose()
    return located, problems


def too_big(shown_path: str, line: int, what: str, size: int) -> Problem:
    """A YAML text or file over the size limit: refused unread, so a mistake cannot stall check or build."""
    fix = (
        "课程文件只列阶段、模块和材料的网址名，正常只有几 KB；把长的介绍精简，或检查是否误存成了别的文件"
        if what == "课程文件"
        else "元数据只写标题、摘要等字段，正常只有一两 KB；详细内容写进正文（结束的 --- 之后）"
    )
    return Problem(shown_path, line, f"{what}太大：{-(-size // 1024)} KB，上限 {MAX_BYTES // 1024} KB", fix)


def _value_problem(exc: _ValueTrouble, root: yaml.Node | None, shown_path: str, line_offset: int) -> Problem:
    """A value a constructor refused, at its own line, naming its field."""
    node = exc.node
    text = str(node.value)
    if node.tag == _TAG + "timestamp":
        message = f"日期 {text} 不存在"
        fix = "检查年、月、日（如 4 月没有 31 日，平年的 2 月没有 29 日）" + ("和时、分、秒、时区" if len(text) > 10 else "")
        fix += "；日期写成 2026-06-01 这样的格式"
    elif node.tag == _TAG + "int":
        digits = sum(c.isdigit() for c in text)
        message = f"数字 {text[:12]}…太长（{digits} 位），读不出来" if digits > 12 else f"数字 {text} 读不出来"
        fix = "写一个正常大小的数字；如果它本来是文字，给整个值加上引号"
    else:
        message = f"值“{text[:30]}”读不出来"
        fix = "检查写法；如果它本来是文字，给整个值加上引号"
    path = _path_to(root, node) if root is not None else ()
    return Problem(
        shown_path,
        line_offset + node.start_mark.line + 1,
        message,
        fix,
        field=".".join(str(p) for p in path),
        column=node.start_mark.column + 1,
    )


def _path_to(root: yaml.Node, target: yaml.Node) -> Path_:
    """The key/index path from ``root`` to ``target`` in a composed (and already bounded) node graph."""
    stack: list[tuple[yaml.Node, Path_]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, path + (i,)) for i, item in enumerate(node.value))
    return ()


def _record_positions(
    node: yaml.Node,
    path: Path_,
    positions: dict[Path_, tuple[int, int]],
    offset: int,
    problems: list[Problem],
    shown_path: str,
) -> None:
    positions[path] = (node.start_mark.line + 1 + offset, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            key_path = path + (key,)
            if key in seen:
                problems.append(
                    Problem(
                        shown_path,
                        key_node.start_mark.line + 1 + offset,
                        f"字段 {key} 写了两次，后写的会覆盖先写的",
                        "删除其中一个",
                        field=".".join(str(p) for p in key_path),
                        column=key_node.start_mark.column + 1,
                    )
                )
            seen.add(key)
            _record_positions(value_node, key_path, positions, offset, problems, shown_path)
            positions[key_path] = (key_node.start_mark.line + 1 + offset, key_node.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_positions(item, path + (i,), positions, offset, problems, shown_path)


def _fullwidth_problems(yaml_text: str, shown_path: str, offset: int) -> list[Problem]:
    """Explain ``标题：xxx`` / ``title：xxx``: a full-width colon is not a YAML key separator."""
    problems = []
    for i, line in enumerate(yaml_text.split("\n")):
        match = FULLWIDTH_KEY.match(line)
        if not match or ":" in line[: match.end()]:
            continue
        key = match.group(2).strip()
        real = FIELD_ALIASES.get(key, key)
        fix = f"改成半角冒号加空格：{real}: …"
        if real != key:
            fix += f"（字段名要用英文 {real}，不能写“{key}”）"
        problems.append(
            Problem(
                shown_path,
                offset + i + 1,
                f"“{key}：”用的是中文全角冒号“：”，YAML 不认",
                fix,
                field=real,
                column=len(match.group(1)) + 1,
            )
        )
    return problems


def _explain_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return "这一行的冒号位置不对：值里有冒号时要给整个值加引号；如果这是新的字段，检查它是否和上一个字段左对齐"
    if "could not find expected ':'" in problem:
        return "这一行缺少“字段: 值”中的冒号，或者上一行的引号没有闭合"
    if "found character '\\t'" in problem:
        return "用了 Tab 缩进，YAML 只能用空格缩进"
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return "缩进不一致：同一层的字段要对齐，列表项前的 - 要对齐"
    if "found undefined alias" in problem:
        return "用了别名 *…，但前面没有写对应的 &…（YAML 的 * 表示引用别处的内容）"
    if "second occurrence" in problem and "duplicate anchor" in (exc.context or ""):
        return "同一个锚点 &… 写了两次"
    if "could not determine a constructor for the tag" in problem:
        tag = problem.rsplit("'", 2)[-2] if problem.count("'") >= 2 else ""
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return f"不允许的 YAML 标签 {tag}：元数据里只能写文字、数字、日期、是/否和列表，不能写程序对象"
    if "found unhashable key" in problem:
        return f"YAML 写法有误：{problem}"
    if "while scanning a quoted scalar" in (exc.context or ""):
        return "引号没有闭合"
    return f"元数据的 YAML 写法有误：{exc.context or ''} {problem}".strip()


def _yaml_fix(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    if "mapping values are not allowed" in problem:
        return '给值加上引号，例如 title: "党课：不忘初心"'
    if "while scanning a quoted scalar" in (exc.context or ""):
        return "补上结尾的引号"
    if "could not determine a constructor" in problem:
        return "删掉以 ! 开头的标签，直接写值；值本身以 ! 开头时给整个值加上引号，例如 title: \"!重要\""
    if "alias" in problem or "anchor" in (exc.context or ""):
        return '值以 * 或 & 开头时给整个值加上引号，例如 title: "*星号"；元数据里一般用不到别名'
    return "每行写成“字段: 值”（冒号后有一个空格），列表写成 [a, b] 或每行一个“- 值”"

"""Splitting a Markdown file into its YAML front matter and body, with line numbers kept.

MkDocs silently drops a front matter it cannot parse; here every such case is a problem
with the file, line and fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from studyportal.problems import Problem
from studyportal.vocabulary import FIELD_ALIASES

Path_ = tuple[Any, ...]

# libyaml's C loader when present: the same safe constructors, several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


def parse_yaml(yaml_text: str, shown_path: str, line_offset: int = 0) -> tuple[Located | None, list[Problem]]:
    """Parse YAML safely, returning data with positions, or problems that say what went wrong.

    ``line_offset`` is the number of file lines before the YAML text starts.
    """
    problems = _fullwidth_problems(yaml_text, shown_path, line_offset)
    if any("\t" in line[: len(line) - len(line.lstrip())] for line in yaml_text.split("\n")):
        bad = next(i for i, line in enumerate(yaml_text.split("\n")) if line[: len(line) - len(line.lstrip())].count("\t"))
        problems.append(Problem(shown_path, line_offset + bad + 1, "行首用了 Tab 缩进，YAML 只能用空格缩进", "把行首的 Tab 换成空格"))
        return None, problems
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        if problems:  # the full-width colon explanation is the real cause
            return None, problems
        mark = exc.problem_mark or exc.context_mark
        line = line_offset + (mark.line + 1 if mark else 1)
        col = mark.column + 1 if mark else 1
        problems.append(Problem(shown_path, line, _explain_yaml_error(exc), _yaml_fix(exc), column=col))
        return None, problems
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        problems.append(Problem(shown_path, line_offset + 1, f"元数据无法解析：{exc}", "检查 YAML 写法"))
        return None, problems
    finally:
        loader.dispose()
    located = Located(data)
    if node is not None:
        _record_positions(node, (), located.positions, line_offset, problems, shown_path)
    return located, problems


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
    if "found undefined alias" in problem or "found unhashable key" in problem:
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
    return "每行写成“字段: 值”（冒号后有一个空格），列表写成 [a, b] 或每行一个“- 值”"

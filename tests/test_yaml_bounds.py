"""Hostile YAML through the real ``studyportal check``: alias bombs, recursive aliases, deep nesting, bad dates, huge files.

Each case runs the command in a child process with hard limits (so a regression fails the test instead of
eating the machine), and asserts exit code 1, the problem's ``path:line`` and Chinese message, in the text
output and in ``--format json`` alike. For the bombs, the child's wall time and peak memory are measured.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from studyportal.load.bounds import compose_bounded
from studyportal.problems import field_label
from tests.helpers import CURRICULUM, GOOD_META, material_text, write

# Each case runs `check` in a child process under resource limits (about 40 s of CPU for the module): not fast-tier work.
pytestmark = pytest.mark.slow

# Budgets for one whole ``check`` run on a bomb (Python start-up included, ~0.5 s). Time is the child's
# CPU time (user + system): it is what a blow-up costs, and unlike wall time it does not grow when other
# jobs share the machine. Wall time gets a loose bound that still catches a stall.
CPU_SECONDS = 2.0
WALL_SECONDS = 10.0
PEAK_MB = 200
# A child that misbehaves is stopped by these limits rather than by the machine running out of memory.
CHILD_ADDRESS_SPACE = 2 * 1024**3
CHILD_CPU_SECONDS = 30

ROOT = Path(__file__).resolve().parent.parent
LINE_RE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): error\(错误\): (?P<rest>.*)$")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    peak_mb: float


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))


# The child reports its own peak memory (VmHWM of its process image). wait4's ru_maxrss would not do:
# Linux carries the high-water mark across fork and exec, so it would include the test process itself.
_CHECK_REPORTING_PEAK = """
import atexit, os, sys
def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(os.environ["SP_PEAK_FILE"], "w") as out:
                    out.write(line.split()[1])
atexit.register(_peak)
from studyportal.cli import main
main(prog_name="studyportal")
"""


def run_check(cwd: Path, *args: str) -> Run:
    """``studyportal check ARGS`` in ``cwd``; wall time, CPU time (wait4) and peak memory of that child alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as peak:
        started = time.perf_counter()
        command = [sys.executable, "-c", _CHECK_REPORTING_PEAK, "check", *args]
        env = {**os.environ, "SP_PEAK_FILE": peak.name}
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, preexec_fn=_limits, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        peak_kb = Path(peak.name).read_text() or "0"
        return Run(proc.returncode, stdout, stderr, seconds, usage.ru_utime + usage.ru_stime, int(peak_kb) / 1024)


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A materials/ tree with one good material and curriculum, plus ``files`` (relative to materials/)."""
    root = tmp_path / "materials"
    write(root, "good.md", material_text())
    write(root, "curricula/member.yml", CURRICULUM.format(slugs="good"))
    for rel, text in files.items():
        write(root, rel, text)
    return root


def text_problems(run: Run) -> list[tuple[str, int, str]]:
    found = []
    for line in run.stdout.splitlines():
        m = LINE_RE.match(line)
        if m:
            found.append((m["path"], int(m["line"]), m["rest"]))
    return found


def assert_reported(
    tmp_path: Path, path: str, lines: set[int], words: tuple[str, ...], field: str | None = None, measure: bool = False
) -> None:
    """Text and JSON output both carry an error at ``path`` on one of ``lines`` whose message has ``words``."""
    text = run_check(tmp_path, "materials")
    assert "Traceback" not in text.stderr + text.stdout, text.stderr[-2000:]
    assert text.returncode == 1, (text.returncode, text.stdout[-2000:], text.stderr[-2000:])
    hits = [(line, rest) for p, line, rest in text_problems(text) if p == path and all(w in rest for w in words)]
    assert hits, f"no error with {words} at {path} in:\n{text.stdout[-3000:]}"
    assert any(line in lines for line, _ in hits), (hits, sorted(lines))
    if field is not None:
        assert any(f"字段 {field_label(field)}：" in rest for _, rest in hits), hits  # the text names the field in words

    js = run_check(tmp_path, "materials", "--format", "json")
    assert "Traceback" not in js.stderr, js.stderr[-2000:]
    assert js.returncode == 1
    payload = json.loads(js.stdout)
    found = [p for p in payload["problems"] if p["path"] == path and p["severity"] == "error" and all(w in p["message"] for w in words)]
    assert found and any(p["line"] in lines for p in found), payload["problems"]
    if field is not None:
        assert any(p["field"] == field for p in found), found
    assert all(p["fix"] for p in found)
    if measure:
        for run in (text, js):
            assert run.cpu_seconds < CPU_SECONDS, f"used {run.cpu_seconds:.2f} s of CPU"
            assert run.seconds < WALL_SECONDS, f"took {run.seconds:.2f} s"
            assert run.peak_mb < PEAK_MB, f"peak {run.peak_mb:.0f} MB"


def alias_bomb(first_key: str = "a") -> list[str]:
    """~300 bytes of YAML that expand to 9**9 (387 million) values when aliases are followed."""
    keys = [first_key] + list("bcdefghi")
    lines = [f"{keys[0]}: &{keys[0]} [x, x, x, x, x, x, x, x, x]"]
    for prev, key in zip(keys, keys[1:], strict=False):
        lines.append(f"{key}: &{key} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return lines


def lines_with(text: str, needle: str, offset: int = 0) -> set[int]:
    return {i + 1 + offset for i, line in enumerate(text.split("\n")) if needle in line}


def test_alias_bomb_in_front_matter(tmp_path):
    meta = GOOD_META + "\n" + "\n".join(alias_bomb())
    tree(tmp_path, {"bomb.md": material_text(meta)})
    assert_reported(tmp_path, "materials/bomb.md", lines_with(meta, "*", offset=1), ("别名",), measure=True)


def test_alias_bomb_in_curriculum(tmp_path):
    text = CURRICULUM.format(slugs="good") + "\n".join(alias_bomb()) + "\n"
    tree(tmp_path, {"curricula/member.yml": text})
    assert_reported(tmp_path, "materials/curricula/member.yml", lines_with(text, "*"), ("别名",), measure=True)


def test_alias_bomb_inside_a_known_field_names_it(tmp_path):
    meta = GOOD_META.replace("topics: [党章党规]", "topics:\n  - " + "\n  - ".join(alias_bomb("x")))
    tree(tmp_path, {"bomb.md": material_text(meta)})
    assert_reported(tmp_path, "materials/bomb.md", lines_with(meta, "*", offset=1), ("别名",), field="topics", measure=True)


def test_recursive_alias(tmp_path):
    meta = GOOD_META.replace("topics: [党章党规]", "topics: &t [党章党规, *t]")
    tree(tmp_path, {"loop.md": material_text(meta)})
    assert_reported(tmp_path, "materials/loop.md", lines_with(meta, "*t", offset=1), ("别名", "循环"), field="topics", measure=True)


def test_recursive_merge_key_in_curriculum(tmp_path):
    text = CURRICULUM.format(slugs="good").replace("  - key: dangzhang", "  - &m\n    <<: *m\n    key: dangzhang")
    tree(tmp_path, {"curricula/member.yml": text})
    assert_reported(tmp_path, "materials/curricula/member.yml", lines_with(text, "*m"), ("别名", "循环"), measure=True)


def test_deep_flow_nesting(tmp_path):
    meta = GOOD_META.replace("topics: [党章党规]", "topics: " + "[" * 5000 + "党章党规" + "]" * 5000)
    tree(tmp_path, {"deep.md": material_text(meta)})
    assert_reported(tmp_path, "materials/deep.md", lines_with(meta, "topics", offset=1), ("嵌套", "50"), field="topics", measure=True)


def test_nesting_deep_enough_to_crash_libyaml(tmp_path):
    """100,000 "[" (200 KB, under the size limit) overflow the C stack of libyaml's recursive composer."""
    meta = GOOD_META.replace("topics: [党章党规]", "topics: " + "[" * 100_000 + "党章党规" + "]" * 100_000)
    tree(tmp_path, {"deep.md": material_text(meta)})
    assert_reported(tmp_path, "materials/deep.md", lines_with(meta, "topics", offset=1), ("嵌套", "50"), field="topics", measure=True)


def test_deep_block_nesting(tmp_path):
    meta = GOOD_META.replace("topics: [党章党规]", "topics:\n  " + "- " * 5000 + "党章党规")
    tree(tmp_path, {"deep.md": material_text(meta)})
    assert_reported(tmp_path, "materials/deep.md", lines_with(meta, "- - -", offset=1), ("嵌套", "50"), field="topics", measure=True)


def test_deep_indented_mappings_in_curriculum(tmp_path):
    depth = 600  # one more space per level: 600 levels are ~180 KB, under the size limit
    text = CURRICULUM.format(slugs="good") + "".join(" " * i + "k:\n" for i in range(depth)) + " " * depth + "k: v\n"
    tree(tmp_path, {"curricula/member.yml": text})
    first_line = text.split("\n").index("k:") + 1
    lines = set(range(first_line, first_line + depth + 1))
    assert_reported(tmp_path, "materials/curricula/member.yml", lines, ("嵌套", "50"), field="k", measure=True)


def test_aliases_deeper_than_the_limit_when_expanded(tmp_path):
    """Each anchor nests 40 levels; chaining them by aliases would nest 400 levels deep."""
    lines = ["a0: &a0 " + "[" * 40 + "x" + "]" * 40]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40)
    meta = GOOD_META + "\n" + "\n".join(lines)
    tree(tmp_path, {"chain.md": material_text(meta)})
    assert_reported(tmp_path, "materials/chain.md", lines_with(meta, "*", offset=1), ("别名", "嵌套"), measure=True)


def test_control_character_is_reported_at_its_line(tmp_path):
    meta = GOOD_META.replace("summary: 学习党章的基本内容。", "summary: 学习党章\x07的基本内容。")
    tree(tmp_path, {"bell.md": material_text(meta)})
    assert_reported(tmp_path, "materials/bell.md", lines_with(meta, "summary:", offset=1), ("控制字符", "U+0007"))


@pytest.mark.parametrize("bad", ["2026-02-30", "2025-02-29", "2026-13-01", "0000-01-01"])
def test_date_that_does_not_exist_is_reported_at_its_line(tmp_path, bad):
    meta = GOOD_META.replace("published: 2026-06-01", f"published: {bad}")
    tree(tmp_path, {"date.md": material_text(meta)})
    assert_reported(tmp_path, "materials/date.md", lines_with(meta, "published:", offset=1), (f"日期 {bad} 不存在",), field="published")


def test_date_in_curriculum_phase(tmp_path):
    text = CURRICULUM.format(slugs="good").replace("end: 2026-10-31", "end: 2026-04-31")
    tree(tmp_path, {"curricula/member.yml": text})
    assert_reported(tmp_path, "materials/curricula/member.yml", lines_with(text, "end:"), ("日期 2026-04-31 不存在",), field="phases.0.end")


@pytest.mark.parametrize("bad", ["2026-06-01 23:59:60", "2026-06-01 10:00:00 +99:00", "2026-06-01 25:00:00"])
def test_timestamp_out_of_range(tmp_path, bad):
    meta = GOOD_META.replace("published: 2026-06-01", f"published: {bad}")
    tree(tmp_path, {"date.md": material_text(meta)})
    assert_reported(tmp_path, "materials/date.md", lines_with(meta, "published:", offset=1), (f"日期 {bad} 不存在",), field="published")


def test_integer_too_long_to_read(tmp_path):
    meta = GOOD_META.replace("hours: 1", "hours: " + "9" * 5000)
    tree(tmp_path, {"big.md": material_text(meta)})
    assert_reported(tmp_path, "materials/big.md", lines_with(meta, "hours:", offset=1), ("数字",), field="hours")


def test_oversized_curriculum_file(tmp_path):
    text = CURRICULUM.format(slugs="good") + "introduction: " + "很长的介绍" * 60_000 + "\n"
    tree(tmp_path, {"curricula/member.yml": text})
    assert_reported(tmp_path, "materials/curricula/member.yml", {1}, ("太大", "KB"), measure=True)


def test_oversized_front_matter(tmp_path):
    meta = GOOD_META + "\n" + "".join(f"note{i}: 很长的说明文字很长的说明文字\n" for i in range(10_000))
    tree(tmp_path, {"big.md": material_text(meta.rstrip("\n"))})
    assert_reported(tmp_path, "materials/big.md", {1, 2}, ("太大", "KB"), measure=True)


def test_a_long_body_is_still_fine(tmp_path):
    """The 256 KB limit is on front matter and curricula, not on the Markdown body (a 500 KB body is fine)."""
    tree(tmp_path, {"long.md": material_text(body="## 正文\n\n" + "党章是全党的根本大法。\n\n" * 15_000)})
    run = run_check(tmp_path, "materials")
    assert run.returncode == 0, run.stdout + run.stderr


def test_anchors_and_aliases_in_normal_use_still_work(tmp_path):
    meta = GOOD_META.replace("topics: [党章党规]", "topics: &t [党章党规]\nauthor: &who 县委组织部")
    curriculum = CURRICULUM.format(slugs="good").replace("introduction: 每课短小好学。", "introduction: &intro 每课短小好学。")
    curriculum += "  - key: again\n    title: *intro\n    materials: [good]\n"
    tree(tmp_path, {"good.md": material_text(meta), "curricula/member.yml": curriculum})
    run = run_check(tmp_path, "materials")
    assert run.returncode == 0, run.stdout + run.stderr


def _count(node: yaml.Node) -> tuple[int, int]:
    """(collections, values) in a composed tree without aliases."""
    collections, values, stack = 0, 0, [node]
    while stack:
        n = stack.pop()
        values += 1
        if isinstance(n, yaml.MappingNode):
            collections += 1
            stack.extend(part for pair in n.value for part in pair)
        elif isinstance(n, yaml.SequenceNode):
            collections += 1
            stack.extend(n.value)
    return collections, values


yaml_texts = st.one_of(
    st.lists(
        st.sampled_from(["[", "]", "{", "}", "-", " ", "\n", "  ", ":", "?", ",", "a", "b", "'", '"', "#", "!!map", "!!seq", "|", ">"]),
        max_size=40,
    ).map("".join),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)),
        max_leaves=15,
    ).flatmap(
        lambda data: st.sampled_from([None, True, False]).map(
            lambda flow: yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
        )
    ),
)


@settings(max_examples=500, deadline=None)
@given(yaml_texts)
def test_structure_characters_bound_what_the_fast_path_lets_through(text):
    """The premise of ``plainly_within_limits``: N structure characters hold at most N collections and 3·N + 1 values."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return
    if node is None:
        return
    n = sum(text.count(c) for c in "[{-?:,")
    collections, values = _count(node)
    assert collections <= n and values <= 3 * n + 1


@pytest.mark.parametrize(
    "path", sorted((ROOT / "materials").rglob("*.md")) + sorted((ROOT / "materials" / "curricula").glob("*.yml")), ids=str
)
def test_bounded_composer_builds_what_libyaml_builds(path):
    """On every sample file the bounded composer gives the same nodes (tags, values, marks) as libyaml's own."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        lines = text.split("\n")
        text = "\n".join(lines[1 : lines.index("---", 1)])

    def shape(node: yaml.Node):
        if isinstance(node, yaml.ScalarNode):
            return (node.tag, node.value, node.style, str(node.start_mark), str(node.end_mark))
        items = [(shape(k), shape(v)) for k, v in node.value] if isinstance(node, yaml.MappingNode) else [shape(i) for i in node.value]
        return (node.tag, node.flow_style, str(node.start_mark), str(node.end_mark), items)

    loader = yaml.CSafeLoader(text)
    bounded = compose_bounded(loader)
    loader.dispose()
    assert shape(bounded) == shape(yaml.compose(text, Loader=yaml.CSafeLoader))

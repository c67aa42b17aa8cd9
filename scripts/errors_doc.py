"""Write studyportal/help/errors.md, the trainers' page of common mistakes, from the gallery in tests/bad_inputs.

The page ships with the tool (every portal publishes it at errors/), so it follows the tool's messages.

Run ``python scripts/errors_doc.py`` after adding a case; a test fails while the page is out of date.
Each entry shows what the trainer did, the exact message ``studyportal check`` prints, and the fix.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studyportal.catalog import load_catalog  # noqa: E402
from tests.helpers import GALLERY, gallery_cases, gallery_tree  # noqa: E402

DOC = ROOT / "studyportal" / "help" / "errors.md"
HEAD = """# 检查提示速查

`studyportal check` 发现问题时，会按“文件:行:列: 错误或警告: 字段：说明 修改方法：…”的格式告诉你。
**错误**会让网站无法发布，必须改；**警告**不影响发布，但说明页面上会少东西或有隐患，最好也改。

下面每一条都是真实检查过的例子（测试用的文件在 studyportal 工具源码的 `tests/bad_inputs/` 文件夹里），
按提示里的关键词就能在这里找到同类问题。
"""


def render() -> str:
    expected = yaml.safe_load((GALLERY / "expected.yml").read_text(encoding="utf-8"))
    parts = [HEAD]
    for kind, title in (("error", "## 错误（必须改）"), ("warning", "## 警告（建议改）")):
        parts.append(title)
        for case in gallery_cases():
            want = expected[case.name]
            if want["severity"] != kind:
                continue
            problem = _problem(case, want)
            parts.append(f"### {want['about']}\n\n```text\n{problem}\n```")
    return "\n\n".join(parts) + "\n"


def _problem(case: Path, want: dict) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        shown = gallery_tree(case, Path(tmp) / "materials")
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            problems = load_catalog(Path("materials")).problems.items
        finally:
            os.chdir(cwd)
    for p in problems:
        if p.path == shown and p.line == want["line"] and want["says"] in p.message + p.fix:
            return p.one_line()
    raise SystemExit(f"{case.name}: check no longer says {want['says']!r}; update tests/bad_inputs/expected.yml")


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")

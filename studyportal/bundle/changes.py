"""What changed between two editions: file lists for update packages and a list people can read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from studyportal.bundle.formats import NOTES_ASCII, NOTES_GBK
from studyportal.bundle.manifest import FileEntry
from studyportal.render.shipped import STAMP_SCRIPT

# Files that change with every build (the notes, and the stamp with the build date): not counted as changes in words.
NOTE_FILES = (NOTES_GBK, NOTES_ASCII, STAMP_SCRIPT[0])
SHOWN_PER_GROUP = 40


@dataclass
class Changes:
    """Paths added, changed and removed, and the same in words."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare(old: list[FileEntry], new: list[FileEntry]) -> Changes:
    """Compare two file lists by path and SHA-256."""
    before = {f.path: f for f in old}
    after = {f.path: f for f in new}
    changes = Changes(
        added=sorted(p for p in after if p not in before),
        changed=sorted(p for p in after if p in before and before[p].sha256 != after[p].sha256),
        removed=sorted(p for p in before if p not in after),
    )
    changes.text = describe(changes, before, after)
    return changes


def describe(changes: Changes, before: dict[str, FileEntry], after: dict[str, FileEntry]) -> list[str]:
    """Lines such as ``新增材料页面 1 个：`` followed by ``《标题》 materials/x/index.html``."""
    lines: list[str] = []
    groups = (("新增", changes.added, after), ("修改", changes.changed, after), ("删除", changes.removed, before))
    for verb, paths, entries in groups:
        pages = [p for p in paths if p.endswith(".html")]
        for label, chosen in (
            ("材料页面", [p for p in pages if p.startswith("materials/")]),
            ("课程、专题和其他页面", [p for p in pages if not p.startswith("materials/")]),
        ):
            if not chosen:
                continue
            lines.append(f"{verb}{label} {len(chosen)} 个：")
            for p in chosen[:SHOWN_PER_GROUP]:
                title = entries[p].title
                lines.append(f"  《{title}》 {p}" if title else f"  {p}")
            if len(chosen) > SHOWN_PER_GROUP:
                lines.append(f"  ……另有 {len(chosen) - SHOWN_PER_GROUP} 个，见 manifest.json")
    others = [(verb, [p for p in paths if not p.endswith(".html") and p not in NOTE_FILES]) for verb, paths, _ in groups]
    counts = "，".join(f"{verb} {len(paths)} 个" for verb, paths in others if paths)
    if counts:
        lines.append(f"其他文件（样式、脚本、搜索索引等）：{counts}。")
    return lines or ["与上一版相比，网页内容没有变化。"]

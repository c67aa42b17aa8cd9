"""``studyportal verify``: check every file of a bundle (or update package) against its manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyportal.bundle.archive import UPDATE_INFO, Source, Unreadable, open_source
from studyportal.bundle.errors import BundleError
from studyportal.bundle.manifest import MANIFEST, FileEntry, Manifest, parse_manifest

# Files Windows and macOS drop into folders on their own; harmless, so only mentioned.
IGNORED = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass
class VerifyReport:
    """Missing, extra and corrupt files of one bundle, in plain words."""

    label: str
    kind: str = "离线版"
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.corrupt)

    def lines(self, limit: int = 50) -> list[str]:
        out = [f"校验{self.kind} {self.label}：", *self.notes]
        for title, items, fix in (
            ("缺少的文件", self.missing, "从完整的离线版重新拷贝"),
            ("损坏或被改动的文件", self.corrupt, "从完整的离线版重新拷贝"),
            ("多出来的文件（不在清单里）", self.extra, "确认不需要后删除"),
        ):
            if items:
                out.append(f"{title} {len(items)} 个（{fix}）：")
                out += [f"  {i}" for i in items[:limit]]
                if len(items) > limit:
                    out.append(f"  ……另有 {len(items) - limit} 个")
        if self.ignored:
            out.append(f"已忽略系统自动生成的文件 {len(self.ignored)} 个：{'、'.join(self.ignored[:5])}")
        if self.ok:
            out.append(f"校验通过：{self.checked} 个文件全部完整、正确。")
        else:
            out.append(
                f"校验未通过：缺少 {len(self.missing)} 个文件，损坏 {len(self.corrupt)} 个，多出 {len(self.extra)} 个。"
                "最简单的办法是重新拷贝整个离线版。"
            )
        return out


def check_files(src: Source, expected: list[FileEntry], skip: set[str], report: VerifyReport) -> None:
    """Compare the files of ``src`` with ``expected`` (paths relative to ``src``)."""
    present = [n for n in src.names() if n not in skip]
    wanted = {e.path: e for e in expected}
    for name in present:
        if name not in wanted:
            (report.ignored if name.rsplit("/", 1)[-1].lower() in IGNORED else report.extra).append(name)
    have = set(present)
    for path, entry in sorted(wanted.items()):
        if path not in have:
            report.missing.append(path)
            continue
        report.checked += 1
        try:
            size, digest = src.measure(path)
        except Unreadable:
            report.corrupt.append(f"{path}（读不出来，数据已损坏）")
            continue
        if size != entry.size:
            report.corrupt.append(f"{path}（大小不对：应为 {entry.size} 字节，实际 {size} 字节）")
        elif digest != entry.sha256:
            report.corrupt.append(f"{path}（内容被改动或损坏：SHA-256 校验值不符）")


def read_manifest(src: Source) -> Manifest:
    """The manifest of a bundle source."""
    if src.is_update:
        raise BundleError(f"{src.label} 是更新包，不是完整的离线版：请指定离线版文件夹或压缩包")
    try:
        data = src.read(MANIFEST)
    except Unreadable as exc:
        raise BundleError(f"{src.label} 里的 manifest.json 读不出来（已损坏）：请重新拷贝完整的离线版") from exc
    return parse_manifest(data, f"{src.label} 里的 manifest.json")


def verify_source(src: Source) -> VerifyReport:
    """Verify an open bundle or update package."""
    if src.is_update:
        return verify_update(src)
    manifest = read_manifest(src)
    report = VerifyReport(src.label)
    report.notes.append(f"{manifest.edition_name}，生成于 {manifest.built.replace('T', ' ')[:16]}，来源版本 {manifest.commit}")
    check_files(src, manifest.files, {MANIFEST}, report)
    return report


def verify_path(path: Path) -> VerifyReport:
    """Verify a bundle or update package given as a zip or folder."""
    with open_source(path) as src:
        return verify_source(src)


@dataclass
class UpdateInfo:
    """What ``update.json`` of an update package holds."""

    edition: str
    edition_name: str
    folder: str
    base: dict[str, str]
    target: dict[str, str]
    files: list[FileEntry]
    delete: list[str]
    changes: list[str]
    manifest: dict[str, Any]  # the new manifest without the entries of unchanged files (see Manifest.patch)


def read_update_info(src: Source) -> UpdateInfo:
    broken = f"{src.label} 里的 update.json 已损坏：请重新拷贝这个更新包"
    try:
        raw = json.loads(src.read(UPDATE_INFO).decode("utf-8"))
        if raw.get("format") != "studyportal-update/1":
            raise BundleError(f"{src.label} 不是本工具能识别的更新包（格式 {raw.get('format')!r}）：请用新版 studyportal")
        files = [FileEntry(**f) for f in raw["files"]]
        patch = raw["manifest"]
        for entry in patch["files"]:
            FileEntry(**entry)  # raises TypeError on a malformed entry
        return UpdateInfo(
            raw["edition"],
            raw["edition_name"],
            raw["folder"],
            raw["base"],
            raw["target"],
            files,
            list(raw["delete"]),
            list(raw["changes"]),
            patch,
        )
    except BundleError:
        raise
    except (Unreadable, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise BundleError(broken) from exc


def verify_update(src: Source) -> VerifyReport:
    """Every file of an update package as ``update.json`` lists it, and the new manifest it carries."""
    info = read_update_info(src)
    report = VerifyReport(src.label, kind="更新包")
    report.notes.append(
        f"{info.edition_name}更新包：从 {info.base.get('built', '')[:16].replace('T', ' ')} 的版本"
        f"更新到 {info.target.get('built', '')[:16].replace('T', ' ')} 的版本"
    )
    check_files(src, info.files, {UPDATE_INFO}, report)
    prefix = info.folder + "/"
    carried = {e.path.removeprefix(prefix): e.sha256 for e in info.files if e.path.startswith(prefix)}
    listed = {f["path"]: f["sha256"] for f in info.manifest["files"]}
    if carried != listed or info.manifest.get("id") != info.target.get("id"):
        report.corrupt.append(f"{UPDATE_INFO}（新版清单与更新包里的文件对不上）")
    return report

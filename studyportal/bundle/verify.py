"""``studyportal verify``: check every file of a bundle (or update package) against its manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyportal.bundle.archive import Source, Unreadable, open_source
from studyportal.bundle.checkpage import has_check_page, manifest_version
from studyportal.bundle.checksums import UNLISTED, checksum_problems, leftovers
from studyportal.bundle.errors import BundleError
from studyportal.bundle.formats import MANIFEST, UPDATE_FORMAT, UPDATE_INFO, shown_time
from studyportal.bundle.manifest import FileEntry, Manifest, parse_manifest
from studyportal.bundle.signing import (
    PINNED_KEY,
    SIGNATURES,
    UPDATE_SIGNATURES,
    PublicKey,
    check,
    load_public_key,
    parse_signatures,
    pinned_key,
    read_optional,
    short_fingerprint,
)
from studyportal.problems import Problem, problem_lines

# Files Windows and macOS drop into folders on their own; harmless, so only mentioned.
IGNORED = {"thumbs.db", "desktop.ini", ".ds_store"}
RECOPY = "从完整的离线版重新拷贝"


@dataclass
class VerifyReport:
    """Missing, extra and corrupt files of one bundle and its signature problems (paths relative to the bundle), and notes."""

    label: str
    kind: str = "离线版"
    checked: int = 0
    missing: list[Problem] = field(default_factory=list)
    extra: list[Problem] = field(default_factory=list)
    corrupt: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    removable: list[str] = field(default_factory=list)  # left by an update unzipped over the copy; the edition no longer has them
    notes: list[str] = field(default_factory=list)
    untrusted: list[Problem] = field(default_factory=list)  # signatures: not from the trusted publisher, or changed since
    origin: list[str] = field(default_factory=list)  # what the signatures showed, in words

    @property
    def intact(self) -> bool:
        return not (self.missing or self.extra or self.corrupt)

    @property
    def ok(self) -> bool:
        return self.intact and not self.untrusted

    @property
    def problems(self) -> list[Problem]:
        """Every problem found: files first, then signatures."""
        return [*self.missing, *self.corrupt, *self.extra, *self.untrusted]

    def lines(self, limit: int = 50) -> list[str]:
        out = [f"校验{self.kind} {self.label}：", *self.notes]
        for title, items in (
            ("缺少的文件", self.missing),
            ("损坏或被改动的文件", self.corrupt),
            ("多出来的文件（不在清单里）", self.extra),
        ):
            if items:
                out.append(f"{title} {len(items)} 个：")
                out += [f"  {line}" for line in problem_lines(items, limit)]
        if self.ignored:
            out.append(f"已忽略系统自动生成的文件 {len(self.ignored)} 个：{'、'.join(self.ignored[:5])}")
        if self.removable:
            out.append(f"新版不再需要的旧文件 {len(self.removable)} 个（解压更新包时留下的，可以删除）：")
            out += [f"  {name}" for name in self.removable[:limit]]
        out += self.origin
        if self.untrusted:
            out.append("签名核对未通过：")
            out += [f"  {line}" for line in problem_lines(self.untrusted, limit)]
        if self.intact:
            out.append(f"{'完整性' if self.untrusted else ''}校验通过：{self.checked} 个文件全部完整、正确。")
        else:
            out.append(
                f"校验未通过：缺少 {len(self.missing)} 个文件，损坏 {len(self.corrupt)} 个，多出 {len(self.extra)} 个。"
                "最简单的办法是重新拷贝整个离线版。"
            )
        if self.untrusted:
            out.append(
                f"来源核对未通过：不能确认这个{self.kind}是县委组织部发布的原样文件，不要使用它。"
                "请向县委组织部索取用正确密钥签名的文件，或重新拷贝组织部发的完整离线版。"
            )
        return out


@dataclass(frozen=True)
class Trust:
    """A public key to check signatures against, and where it came from ("公钥文件 x.pub")."""

    key: PublicKey
    by: str


def trusted_keys(pubkey: Path | None = None, against: Path | None = None) -> tuple[list[Trust], list[str]]:
    """The keys given by ``--pubkey FILE`` and pinned in ``--against FOLDER``, and notes about them."""
    trusted, notes = [], []
    if pubkey is not None:
        trusted.append(Trust(load_public_key(pubkey), f"公钥文件 {pubkey}"))
    if against is not None:
        with open_source(against) as src:
            manifest = read_manifest(src)
            key = pinned_key(src, manifest)
            if key is None:
                notes.append(
                    f"{src.label} 没有绑定公钥（它是没有签名的离线版），不能用它核对来源：请用 --pubkey 指定县委组织部的公钥文件。"
                )
            else:
                trusted.append(Trust(key, f"离线版 {src.label} 绑定的公钥"))
    return trusted, notes


def check_files(
    src: Source, expected: list[FileEntry], skip: set[str], report: VerifyReport, removable: frozenset[str] = frozenset()
) -> None:
    """Compare the files of ``src`` with ``expected`` (paths relative to ``src``); ``removable`` extra files are only listed."""
    present = [n for n in src.names() if n not in skip]
    wanted = {e.path: e for e in expected}
    for name in present:
        if name in wanted:
            continue
        if name.rsplit("/", 1)[-1].lower() in IGNORED:
            report.ignored.append(name)
        elif name in removable:
            report.removable.append(name)
        else:
            report.extra.append(Problem(name, 0, "不在校验清单里（多出来的文件）", "确认不需要后删除"))
    have = set(present)
    for path, entry in sorted(wanted.items()):
        if path not in have:
            report.missing.append(Problem(path, 0, "缺少这个文件", RECOPY))
            continue
        report.checked += 1
        try:
            size, digest = src.measure(path)
        except Unreadable:
            report.corrupt.append(Problem(path, 0, "读不出来，数据已损坏", RECOPY))
            continue
        if size != entry.size:
            report.corrupt.append(Problem(path, 0, f"大小不对：应为 {entry.size} 字节，实际 {size} 字节", RECOPY))
        elif digest != entry.sha256:
            report.corrupt.append(Problem(path, 0, "内容被改动或损坏：SHA-256 校验值不符", RECOPY))


def read_manifest(src: Source) -> Manifest:
    """The manifest of a bundle source."""
    if src.is_update:
        raise BundleError(f"{src.label} 是更新包，不是完整的离线版：请指定离线版文件夹或压缩包")
    try:
        data = src.read(MANIFEST)
    except Unreadable as exc:
        raise BundleError(f"{src.label} 里的 manifest.json 读不出来（已损坏）：请重新拷贝完整的离线版") from exc
    return parse_manifest(data, f"{src.label} 里的 manifest.json")


def verify_source(src: Source, trusted: list[Trust] | None = None) -> VerifyReport:
    """Verify an open bundle or update package: every file, and its signatures against ``trusted`` keys.

    A full edition is also checked against the key it pins itself.
    """
    if src.is_update:
        return verify_update(src, trusted)
    manifest = read_manifest(src)
    report = VerifyReport(src.label)
    version = manifest_version(manifest)
    shown = f"，版本号 {version}" if version else ""
    report.notes.append(f"{manifest.edition_name}，生成于 {shown_time(manifest.built)}{shown}，来源版本 {manifest.commit}")
    check_files(src, manifest.files, set(UNLISTED), report, leftovers(manifest))
    if has_check_page(manifest):
        missing, corrupt = checksum_problems(src, manifest)
        report.missing += missing
        report.corrupt += corrupt
    check_edition_origin(src, manifest, trusted or [], report)
    return report


def check_edition_origin(src: Source, manifest: Manifest, trusted: list[Trust], report: VerifyReport) -> None:
    """The signatures of ``manifest.json``: against the key the edition pins, and every key in ``trusted``."""
    signatures = read_optional(src, SIGNATURES)
    try:
        own = pinned_key(src, manifest)
    except BundleError as exc:
        report.untrusted.append(Problem(PINNED_KEY, 0, exc.message))
        own = None
    if own is None and signatures is None and not trusted:
        if not report.untrusted:
            report.origin.append(
                "本版没有签名（打包时没有用 --key）：无法确认它来自县委组织部；用更新包更新它时要加 --pubkey 或 --allow-unsigned。"
            )
        return
    if own is None and signatures is not None and not report.untrusted:
        report.untrusted.append(
            Problem(
                PINNED_KEY,
                0,
                f"{src.label} 带着签名 {SIGNATURES}，却没有它信任的公钥 {PINNED_KEY}（可能被人删掉了）",
                "重新拷贝县委组织部发的完整离线版",
            )
        )
    data = src.read(MANIFEST)
    label = f"{src.label} 的校验清单 manifest.json"
    keys = ([Trust(own, "本版自带的公钥 signing-key.pub")] if own else []) + trusted
    for trust in keys:
        verdict = check(data, MANIFEST, signatures, trust.key, label, trust.by)
        if verdict.problem is None:
            report.origin.append(f"签名核对通过：校验清单的签名和{trust.by}（指纹 {trust.key.short}）对得上。")
        else:
            report.untrusted.append(verdict.problem)
    if own and not trusted and not report.untrusted:
        report.origin.append(
            "  要确认这把公钥确实是县委组织部的，请把指纹和组织部通知的指纹核对，或用 --pubkey 指定组织部给的公钥文件再校验。"
        )


def verify_path(path: Path, pubkey: Path | None = None, against: Path | None = None) -> VerifyReport:
    """Verify a bundle or update package given as a zip or folder (and its signatures, see :func:`trusted_keys`)."""
    trusted, notes = trusted_keys(pubkey, against)
    with open_source(path) as src:
        report = verify_source(src, trusted)
    report.origin[:0] = notes
    return report


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
    broken = f"{src.label} 里的 {UPDATE_INFO} 已损坏：请重新拷贝这个更新包"
    try:
        raw = json.loads(src.read(UPDATE_INFO).decode("utf-8"))
        if raw.get("format") != UPDATE_FORMAT:
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
    except Unreadable as exc:
        raise BundleError(broken) from exc
    except BundleError:
        raise
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise BundleError(broken) from exc


def verify_update(src: Source, trusted: list[Trust] | None = None) -> VerifyReport:
    """Every file of an update package as ``update.json`` lists it, the new manifest it carries, and its signatures.

    Signatures are looked at only when ``trusted`` is given (an empty list: say that no key was given).
    """
    info = read_update_info(src)
    report = VerifyReport(src.label, kind="更新包")
    report.notes.append(
        f"{info.edition_name}更新包：从 {shown_time(info.base.get('built', ''))} 的版本"
        f"更新到 {shown_time(info.target.get('built', ''))} 的版本"
    )
    check_files(src, info.files, {UPDATE_INFO, UPDATE_SIGNATURES}, report)
    prefix = info.folder + "/"
    # the new edition's manifest.json, its signatures, SHA256SUMS and manifest.js travel with the files (covered by update.json),
    # but no manifest lists them
    inside = {e.path.removeprefix(prefix): e.sha256 for e in info.files if e.path.startswith(prefix)}
    carried = {path: digest for path, digest in inside.items() if path not in UNLISTED}
    listed = {f["path"]: f["sha256"] for f in info.manifest["files"]}
    if carried != listed or info.manifest.get("id") != info.target.get("id"):
        report.corrupt.append(Problem(UPDATE_INFO, 0, "新版清单与更新包里的文件对不上", "重新拷贝这个更新包"))
    if trusted is not None:
        check_update_origin(src, trusted, report)
    return report


def check_update_origin(src: Source, trusted: list[Trust], report: VerifyReport) -> list[Trust]:
    """The signatures of ``update.json`` against every key in ``trusted``; returns the keys that verified."""
    signatures = read_optional(src, UPDATE_SIGNATURES)
    if not trusted:
        if signatures is None:
            report.origin.append("更新包没有签名：已经绑定了公钥的离线版会拒绝它。")
        else:
            try:
                found = parse_signatures(signatures, UPDATE_INFO, f"{src.label} 里的 {UPDATE_SIGNATURES}")
            except BundleError as exc:
                report.untrusted.append(Problem(UPDATE_SIGNATURES, 0, exc.message))
                return []
            signers = "、".join(dict.fromkeys(short_fingerprint(s.key) for s in found))
            report.origin.append(f"更新包带有签名（签名公钥指纹 {signers}），但这次没有核对签名。")
        report.origin.append("  只核对了完整性。要核对来源，加 --against 已装的离线版文件夹，或 --pubkey 县委组织部的公钥文件。")
        return []
    data = src.read(UPDATE_INFO)
    passed = []
    for trust in trusted:
        verdict = check(data, UPDATE_INFO, signatures, trust.key, f"更新包 {src.label}", trust.by)
        if verdict.problem is None:
            report.origin.append(f"签名核对通过：更新包的签名和{trust.by}（指纹 {trust.key.short}）对得上。")
            passed.append(trust)
        else:
            report.untrusted.append(verdict.problem)
    return passed

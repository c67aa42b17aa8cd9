"""``studyportal bundle``: build an edition, make it work from file://, add manifest and notes, zip it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from studyportal.bundle.archive import open_source, write_zip
from studyportal.bundle.build import build_edition, project_site_name
from studyportal.bundle.changes import Changes, compare
from studyportal.bundle.checkpage import CHECK_PAGE, stamp_for, write_check_page, write_stamp
from studyportal.bundle.checksums import write_checksums
from studyportal.bundle.errors import BundleError
from studyportal.bundle.formats import sha256
from studyportal.bundle.links import link_problems
from studyportal.bundle.manifest import MANIFEST, FileEntry, Manifest, scan_folder
from studyportal.bundle.names import name_problems
from studyportal.bundle.notes import NOTES_ASCII, NOTES_GBK, bundle_notes, note_files
from studyportal.bundle.offline import OfflineReport, make_offline
from studyportal.bundle.signing import (
    PINNED_KEY,
    SIGNATURES,
    PublicKey,
    SigningKey,
    load_signing_keys,
    loose_permissions,
    pinned_key,
    sign,
)
from studyportal.bundle.update import make_update
from studyportal.bundle.verify import read_manifest
from studyportal.plan.edition import EDITIONS, edition_name

FAT32_MAX = (1 << 32) - 1
# Paths of a built site that mean it searches offline: the index under search/data/ and the scripts that read it.
SEARCH_MARKERS = ("search/", "assets/search/", "assets/javascripts/search/")


@dataclass
class BundleResult:
    """The zip written, its manifest, and the update package when a previous edition was given."""

    zip_path: Path
    zip_size: int
    manifest: Manifest
    offline: OfflineReport
    site_files: int
    site_bytes: int
    update_path: Path | None = None
    update_size: int = 0
    changes: Changes | None = None
    warnings: list[str] = field(default_factory=list)
    signers: list[PublicKey] = field(default_factory=list)  # the first is the key the edition pins
    alerts: list[str] = field(default_factory=list)  # about signing: shown as warnings, never cut short
    version: str = ""  # the short version code the copy shows (checkpage.version_code)


def folder_name(edition: str) -> str:
    """The folder inside every zip of an edition; constant across versions so updates line up."""
    return f"studyportal-{edition}"


def build_time() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (for reproducible bundles)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).astimezone().replace(microsecond=0)
    return dt.datetime.now().astimezone().replace(microsecond=0)


def source_commit(root: Path) -> str:
    """``git rev-parse HEAD`` of the project (``-modified`` if the working tree differs), else ``unknown``."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=20)
        if head.returncode != 0:
            return "unknown"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() + ("-modified" if dirty.stdout.strip() else "")


def previous_manifest(path: Path) -> Manifest:
    """The manifest of an earlier bundle (zip or folder), for change lists and update packages."""
    return previous_edition(path)[0]


def previous_edition(path: Path) -> tuple[Manifest, PublicKey | None]:
    """The manifest of an earlier bundle and the key it pins (None when it was not signed)."""
    with open_source(path) as src:
        manifest = read_manifest(src)
        return manifest, pinned_key(src, manifest)


def make_bundle(config_file: Path, edition: str, out: Path, since: Path | None = None, keys: Sequence[Path] = ()) -> BundleResult:
    """Build ``edition`` and write its zip (and an update package against ``since``) to ``out``.

    ``out`` is a ``.zip`` file name or a folder, where dated names are chosen. The manifest (and the
    update package) is signed with every private key in ``keys``; the edition pins the first one.
    """
    if edition not in EDITIONS:
        raise BundleError(f"没有“{edition}”这个版本：可选 {'、'.join(EDITIONS)}")
    signers = load_signing_keys(keys)  # before the build, so a wrong --key fails at once
    previous, previous_key = previous_edition(since) if since else (None, None)
    if previous and previous.edition != edition:
        raise BundleError(f"{since} 是{previous.edition_name}，不能和{edition_name(edition)}比较：请指定同一版本的上一版")
    alerts = signing_alerts(signers, since, previous_key)
    config_file = config_file.resolve()
    site_name = project_site_name(config_file)
    when = build_time()
    with tempfile.TemporaryDirectory(prefix="studyportal-bundle-") as tmp:
        folder = Path(tmp) / folder_name(edition)
        warnings = build_edition(config_file, folder, edition)
        offline = make_offline(folder)
        write_check_page(folder, site_name)
        _check_folder(folder)
        site_entries = scan_folder(folder, site_name)
        manifest = Manifest(
            edition=edition,
            edition_name=edition_name(edition),
            folder=folder.name,
            built=when.isoformat(),
            commit=source_commit(config_file.parent),
            generator=f"studyportal {_version()}",
            previous=previous.summary() if previous else None,
        )
        edition_stamp = stamp_for(manifest, site_entries)
        write_stamp(folder, edition_stamp)
        changes = _describe(folder, manifest, previous, site_entries, site_name, signers, edition_stamp.version)
        write_checksums(folder, manifest)  # SHA256SUMS and manifest.js, for sha256sum and 校验.html
        stamp = when.strftime("%Y%m%d-%H%M")
        zip_path = out if out.suffix.lower() == ".zip" else out / f"{folder.name}-{stamp}.zip"
        stamp_time = when.timetuple()[:6]
        entries = [(f"{folder.name}/{p.relative_to(folder).as_posix()}", p) for p in sorted(folder.rglob("*")) if p.is_file()]
        zip_size = write_zip(zip_path, entries, stamp_time)
        if zip_size > FAT32_MAX:
            zip_path.unlink()
            raise BundleError(f"离线版超过 4 GB，放不进 FAT32 格式的 U 盘，没有写出 {zip_path}：请按学员分别打包（--audience）")
        site_bytes = sum(e.size for e in site_entries)
        result = BundleResult(zip_path, zip_size, manifest, offline, len(site_entries), site_bytes, warnings=warnings)
        result.signers, result.alerts, result.version = [k.public for k in signers], alerts, edition_stamp.version
        if previous and changes is not None:
            old_stamp = dt.datetime.fromisoformat(previous.built).strftime("%Y%m%d-%H%M")
            update_path = zip_path.with_name(f"{folder.name}-update-{old_stamp}-to-{stamp}.zip")
            result.update_path = update_path
            result.update_size = make_update(folder, manifest, previous, changes, update_path, stamp_time, signers)
            result.changes = changes
    return result


def signing_alerts(signers: list[SigningKey], since: Path | None, previous_key: PublicKey | None) -> list[str]:
    """Warnings about signing: an unsigned edition, an update the installed copies will refuse, a readable key."""
    alerts = []
    if not signers:
        alerts.append(
            "这一版没有签名（没有用 --key 指定私钥，也没有设置环境变量 STUDYPORTAL_SIGNING_KEY）：终端无法确认它来自县委组织部，"
            "以后用更新包更新它时要加 --allow-unsigned。正式发布前请用组织部的私钥签名（还没有密钥时运行 studyportal keygen）。"
        )
    if since and previous_key is not None and previous_key not in [k.public for k in signers]:
        alerts.append(
            f"上一版 {since} 绑定的公钥（指纹 {previous_key.short}）不在这次签名用的密钥里：装着上一版的终端会拒绝这次的更新包。"
            + ("请用同一个私钥签名（--key）。" if not signers else "换密钥时，这一次要同时用新旧两个私钥签名：--key 新私钥 --key 旧私钥。")
        )
    elif since and previous_key is None and signers:
        alerts.append(
            f"上一版 {since} 没有签名，装着它的终端还没有绑定公钥：它们用这次的更新包时，要加 --pubkey 公钥文件 才能核对来源"
            "（请把公钥文件和更新包一起发下去），或者直接拷贝这次的完整版。"
        )
    for key in signers:
        if loose_permissions(key.path):
            alerts.append(f"私钥文件 {key.path} 别人也能读：运行 chmod 600 {key.path}，只让自己能读。")
    return alerts


def _describe(
    folder: Path,
    manifest: Manifest,
    previous: Manifest | None,
    site: list[FileEntry],
    site_name: str,
    signers: list[SigningKey],
    version: str = "",
) -> Changes | None:
    """Write the notes, the pinned key, ``manifest.json`` and its signatures into ``folder``; returns the changes against ``previous``."""
    text = _change_text(previous, site, signers) if previous else []
    manifest.changes = {"text": text} if previous else None
    has_search = any(e.path.startswith(SEARCH_MARKERS) for e in site)
    fingerprint = signers[0].public.short if signers else ""
    notes = bundle_notes(manifest, len(site), sum(e.size for e in site), has_search, fingerprint, version)
    if signers:
        (folder / PINNED_KEY).write_bytes(signers[0].public.pem())
    for name, data in note_files(notes, NOTES_GBK, NOTES_ASCII).items():
        (folder / name).write_bytes(data)
    manifest.files = scan_folder(folder, site_name)
    changes = None
    if previous:
        changes = compare(previous.files, manifest.files)
        changes.text = text  # in words: the site's pages, not the notes that change with every build
        manifest.changes = changes.to_dict()
    manifest.id = manifest.content_id()
    data = manifest.to_json()
    (folder / MANIFEST).write_bytes(data)
    if signers:
        (folder / SIGNATURES).write_bytes(sign(data, MANIFEST, signers))
    return changes


def _change_text(previous: Manifest, site: list[FileEntry], signers: list[SigningKey]) -> list[str]:
    """The changes in words: the site's pages and files, and a change of the pinned key in a line of its own."""
    before = previous.by_path().get(PINNED_KEY)
    text = compare([f for f in previous.files if f.path != PINNED_KEY], site).text
    after = signers[0].public if signers else None
    if after is not None and (before is None or before.sha256 != sha256(after.pem())):
        text.append(f"绑定的签名公钥：{'换成' if before else '开始绑定'}指纹为 {after.short} 的公钥。")
    elif after is None and before is not None:
        text.append("本版没有签名，不再绑定签名公钥。")
    return text


def _check_folder(folder: Path) -> None:
    paths = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    problems = name_problems(paths, allow_non_ascii=frozenset({NOTES_GBK, CHECK_PAGE}))
    if problems:
        raise BundleError("上面这些文件名放到 U 盘（FAT32）或 Windows 上会出问题，没有打包。", problems=problems)
    broken = link_problems(folder)
    if broken:
        raise BundleError("上面这些链接在离线版里打不开，没有打包（这是 studyportal 的错误，请报告）。", problems=broken)


def _version() -> str:
    try:
        return version("studyportal")
    except PackageNotFoundError:
        return "unknown"

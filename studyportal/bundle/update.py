"""Update packages: only the files that changed, were added, or must be deleted; and applying one safely.

Applying never touches the installed edition until a complete, verified new edition sits beside it;
then two renames swap them. If the process dies between the renames, the old edition is intact
under ``<folder>.update-old`` and the next ``apply`` puts it back first.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from studyportal.bundle.archive import FolderSource, Source, open_source, write_zip
from studyportal.bundle.changes import Changes
from studyportal.bundle.checkpage import CHECK_PAGE, has_check_page
from studyportal.bundle.checksums import DERIVED, UNLISTED, leftovers, write_checksums
from studyportal.bundle.errors import BundleError
from studyportal.bundle.formats import (
    BACKUP_SUFFIX,
    MANIFEST,
    NOTES_GBK,
    STAGING_SUFFIX,
    UPDATE_FORMAT,
    UPDATE_INFO,
    UPDATE_NOTES_ASCII,
    UPDATE_NOTES_GBK,
    edition_inside,
    sha256,
    shown_time,
)
from studyportal.bundle.manifest import FileEntry, Manifest, apply_patch
from studyportal.bundle.names import name_problems
from studyportal.bundle.notes import note_files, update_notes
from studyportal.bundle.signing import (
    ASK_COUNTY,
    PUBLIC_KEY_NAME,
    SIGNATURES,
    UPDATE_SIGNATURES,
    SigningKey,
    load_public_key,
    pinned_key,
    sign,
)
from studyportal.bundle.verify import (
    Trust,
    UpdateInfo,
    VerifyReport,
    check_files,
    check_update_origin,
    read_manifest,
    read_update_info,
    verify_source,
    verify_update,
)


def make_update(
    folder: Path,
    new: Manifest,
    old: Manifest,
    changes: Changes,
    out: Path,
    date_time: tuple[int, int, int, int, int, int],
    signers: Sequence[SigningKey] = (),
) -> int:
    """Write the update package from ``old`` to the bundle in ``folder`` (described by ``new``); returns its size.

    With ``signers``, ``update.json`` is signed by each (``update.sig``); it lists the new edition's
    ``manifest.sig`` among the files, so the updated copy carries the same signatures as the full edition.
    It also carries the new ``manifest.json``, ``SHA256SUMS`` and ``manifest.js``: unzipped over the old
    copy (no Python needed), the package leaves a copy that ``校验.html`` and ``sha256sum -c`` check as the new edition.
    """
    payload = sorted({*changes.added, *changes.changed})
    notes = note_files(
        update_notes(
            new.edition_name, new.folder, old.summary(), new.summary(), changes.text, changes.removed, [k.public.short for k in signers]
        ),
        UPDATE_NOTES_GBK,
        UPDATE_NOTES_ASCII,
    )
    entries: list[tuple[str, Path | bytes]] = [(f"{new.folder}/{p}", folder / p) for p in payload]
    for name in sorted(UNLISTED):  # the new edition's manifest in all its forms, and its signatures
        if (folder / name).is_file():
            entries.append((f"{new.folder}/{name}", folder / name))
    entries += list(notes.items())
    files = [_entry(name, content) for name, content in entries]
    info = {
        "format": UPDATE_FORMAT,
        "edition": new.edition,
        "edition_name": new.edition_name,
        "folder": new.folder,
        "base": old.summary(),
        "target": new.summary(),
        "files": [f.__dict__ for f in files],
        "delete": changes.removed,
        "changes": changes.text,
        "manifest": new.patch(payload),
    }
    data = (json.dumps(info, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    entries.append((UPDATE_INFO, data))
    if signers:
        entries.append((UPDATE_SIGNATURES, sign(data, UPDATE_INFO, signers)))
    return write_zip(out, entries, date_time)


def _entry(name: str, content: Path | bytes) -> FileEntry:
    data = content.read_bytes() if isinstance(content, Path) else content
    return FileEntry(name, len(data), sha256(data))


@dataclass
class ApplyResult:
    """What ``apply`` did."""

    folder: Path
    written: int
    deleted: int
    recovered: str = ""
    already: bool = False
    report: VerifyReport | None = None
    origin: list[str] = field(default_factory=list)  # what was checked about who published the update, in words


def _rename(src: Path, dst: Path) -> None:
    """One step of the swap (a separate function so tests can interrupt it)."""
    os.rename(src, dst)


def recover(folder: Path) -> str:
    """Finish or undo an apply that was interrupted; returns what was done, in words ('' if nothing)."""
    backup = folder.with_name(folder.name + BACKUP_SUFFIX)
    staging = folder.with_name(folder.name + STAGING_SUFFIX)
    done = ""
    if backup.is_dir() and not folder.exists():
        _rename(backup, folder)
        done = f"上次更新在替换时被中断，已把旧版从 {backup.name} 恢复为 {folder.name}。"
    elif backup.is_dir():
        shutil.rmtree(backup, ignore_errors=True)
        done = f"已删除上次更新留下的旧版备份 {backup.name}。"
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
    return done


def apply_update(update: Path, folder: Path, *, pubkey: Path | None = None, allow_unsigned: bool = False) -> ApplyResult:
    """Apply an update package to an unzipped edition: verify both, build the new edition beside it, verify, swap.

    The update must be signed with the key the installed edition pins (and with ``pubkey`` when given).
    A copy that pins no key takes ``pubkey`` instead; with neither, only ``allow_unsigned`` lets it through.
    """
    trusted_file = load_public_key(pubkey) if pubkey is not None else None
    folder = folder.resolve() if folder.exists() else folder.absolute()
    if folder.is_dir() and not (folder / MANIFEST).is_file():  # the folder the edition was unzipped into
        folder = edition_inside(folder) or folder
    recovered = recover(folder)
    with open_source(update) as src:
        if not src.is_update:
            raise BundleError(f"{update} 不是更新包（里面没有 update.json）：完整的离线版直接解压使用即可")
        report = verify_update(src)
        if not report.ok:
            raise BundleError(f"更新包不完整：{update} 有上面列出的问题，没有做任何改动。请重新拷贝更新包。", problems=report.problems)
        info = read_update_info(src)
        _check_paths(info, update)
        base = _open_base(folder)
        manifest = read_manifest(base)
        if manifest.id == info.target.get("id"):
            return ApplyResult(folder, 0, 0, recovered, already=True, report=_verify_folder(folder))
        if manifest.edition != info.edition or manifest.id != info.base.get("id"):
            raise BundleError(
                f"这个更新包是给生成于 {shown_time(info.base.get('built', ''))} 的{info.edition_name}用的，"
                f"而 {folder} 是生成于 {shown_time(manifest.built)} 的{manifest.edition_name}：没有做任何改动。"
                "请找对应的更新包，或直接拷贝完整的新版。"
            )
        base_report = VerifyReport(str(folder))
        check_files(base, manifest.files, set(UNLISTED), base_report, leftovers(manifest))
        if not base_report.ok:
            raise BundleError(
                f"旧版本身不完整：{folder} 有上面列出的问题，没有做任何改动。请先重新拷贝完整的离线版。", problems=base_report.problems
            )
        pinned = pinned_key(base, manifest)
        trusted = [Trust(pinned, f"离线版 {folder} 绑定的公钥")] if pinned else []
        if trusted_file is not None:
            trusted.append(Trust(trusted_file, f"公钥文件 {pubkey}"))
        origin = _check_origin(src, update, folder, trusted, allow_unsigned, pinned is not None)
        new_manifest = apply_patch(manifest, info.manifest, info.delete)
        if new_manifest.content_id() != info.target.get("id"):
            raise BundleError(f"更新包 {update} 和 {folder} 对不上（更新后的清单不对）：没有做任何改动。请直接拷贝完整的新版。")
        result = _stage_and_swap(src, info, folder, new_manifest, base_report.removable)
        result.recovered = recovered
        try:
            after = pinned_key(FolderSource(folder, str(folder)), new_manifest)
        except BundleError:
            after = None  # already reported by the final verification
        if pinned is not None and after is not None and after != pinned:
            origin.append(f"本离线版今后信任县委组织部的新公钥（指纹 {after.short}）：只用旧密钥签名的更新包将不再被接受。")
        elif pinned is None and after is not None:
            origin.append(f"本离线版从此绑定了公钥（指纹 {after.short}）：以后只接受用这把密钥签名的更新包。")
        elif pinned is not None and after is None:
            origin.append("注意：新版没有签名，本离线版不再绑定公钥，以后的更新包无法自动核对来源。请向县委组织部确认。")
        result.origin = origin
        return result


def _check_origin(src: Source, update: Path, folder: Path, trusted: list[Trust], allow_unsigned: bool, pinned: bool) -> list[str]:
    """Refuse the update unless it is signed by every trusted key; returns what was checked, in words."""
    if not trusted:
        if not allow_unsigned:
            raise BundleError(
                f"{folder} 还没有绑定公钥（它是没有签名的离线版），无法确认更新包 {update} 来自县委组织部：没有做任何改动。\n"
                f"请向县委组织部要公钥文件（{PUBLIC_KEY_NAME}），加上 --pubkey 公钥文件 再运行一次；"
                "或者直接拷贝组织部发的带签名的完整新版。\n"
                "只有在确信这个更新包可靠（例如是亲手从组织部拿到的）时，才加 --allow-unsigned 跳过来源核对。"
            )
        return ["没有核对更新包的来源（用了 --allow-unsigned）。"]
    report = VerifyReport(str(update), kind="更新包")
    check_update_origin(src, trusted, report)
    if report.untrusted:
        hint = "\n（--allow-unsigned 只对还没有绑定公钥的离线版有效，这里不起作用。）" if allow_unsigned and pinned else ""
        message = f"来源核对未通过：更新包 {update} 有上面列出的问题，没有做任何改动。{ASK_COUNTY}。{hint}"
        raise BundleError(message, problems=report.untrusted)
    return report.origin


def _open_base(folder: Path) -> Source:
    if not folder.is_dir():
        raise BundleError(f"找不到离线版文件夹 {folder}：请指定解压后的文件夹（里面有 index.html 和 manifest.json）")
    if not (folder / MANIFEST).is_file():
        raise BundleError(f"{folder} 里没有 manifest.json：请指定离线版文件夹本身（里面有 index.html 和 manifest.json）")
    return FolderSource(folder, str(folder))


def _check_paths(info: UpdateInfo, update: Path) -> None:
    inner = [f.path[len(info.folder) + 1 :] for f in info.files if f.path.startswith(info.folder + "/")]
    for p in inner + info.delete:
        pure = PurePosixPath(p)
        if pure.is_absolute() or ".." in pure.parts or "\\" in p:
            raise BundleError(f"更新包 {update} 里有不安全的路径 {p}：拒绝使用这个更新包")
    problems = name_problems(inner, allow_non_ascii=frozenset({NOTES_GBK, CHECK_PAGE}))
    if problems:
        raise BundleError(f"更新包 {update} 里有不适合 Windows 的文件名（上面列出的），拒绝使用这个更新包", problems=problems)


def _stage_and_swap(src: Source, info: UpdateInfo, folder: Path, manifest: Manifest, removable: Sequence[str] = ()) -> ApplyResult:
    staging = folder.with_name(folder.name + STAGING_SUFFIX)
    backup = folder.with_name(folder.name + BACKUP_SUFFIX)
    try:
        shutil.copytree(folder, staging)
        (staging / SIGNATURES).unlink(missing_ok=True)  # the old edition's; a signed update brings the new one
        for p in [*DERIVED, *removable]:  # the old manifest's other forms; files an earlier update unzipped over it left
            (staging / p).unlink(missing_ok=True)
        for p in info.delete:
            (staging / p).unlink(missing_ok=True)
        written = 0
        for entry in info.files:
            if not entry.path.startswith(info.folder + "/"):
                continue
            target = staging / entry.path[len(info.folder) + 1 :]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(src.read(entry.path))
            written += 1
        (staging / MANIFEST).write_bytes(manifest.to_json())
        if has_check_page(manifest):
            write_checksums(staging, manifest)  # the same bytes as the package's (and the full edition's)
        _remove_empty_dirs(staging)
        new_report = _verify_folder(staging)
        if not new_report.ok:
            raise BundleError("更新后的新版校验未通过（上面列出的问题），没有替换旧版。", problems=new_report.problems)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BundleError(f"准备新版时出错（{exc.strerror or exc}）：旧版 {folder} 没有改动。检查磁盘空间后再试。") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        _rename(folder, backup)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BundleError(f"无法替换 {folder}（{exc.strerror or exc}）：可能有窗口或浏览器正在使用它。关闭后再试；旧版没有改动。") from exc
    try:
        _rename(staging, folder)
    except OSError as exc:
        _rename(backup, folder)
        shutil.rmtree(staging, ignore_errors=True)
        raise BundleError(f"无法把新版放到 {folder}（{exc.strerror or exc}）：已恢复旧版。关闭使用它的窗口后再试。") from exc
    shutil.rmtree(backup, ignore_errors=True)
    final = _verify_folder(folder)
    return ApplyResult(folder, written, len(info.delete), report=final)


def _verify_folder(folder: Path) -> VerifyReport:
    """Every file of an edition, and its signature against the key it pins."""
    return verify_source(FolderSource(folder, str(folder)))


def _remove_empty_dirs(root: Path) -> None:
    for d in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()

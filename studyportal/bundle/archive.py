"""Reading a bundle or update package from a zip or a folder, and writing reproducible zips.

Every way a zip can be broken (truncated, corrupted, not a zip) becomes a :class:`BundleError`
or a per-file "corrupt" verdict, never a traceback.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from studyportal.bundle.errors import BundleError
from studyportal.bundle.formats import BACKUP_SUFFIX, MANIFEST, UPDATE_INFO, edition_inside, measure

_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error, NotImplementedError, RuntimeError)


class Unreadable(BundleError):
    """One file of a bundle could not be read (damaged compressed data, I/O error)."""

    def __init__(self, label: str, name: str, cause: BaseException) -> None:
        super().__init__(f"{label} 里的 {name} 读不出来（{cause}）：数据已损坏，请重新拷贝")


class Source:
    """The files of one bundle or update package, by ``/``-separated path relative to its root."""

    label: str
    is_update: bool = False

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, name: str) -> bytes:
        raise NotImplementedError

    def measure(self, name: str) -> tuple[int, str]:
        """Size and SHA-256 of one file; raises :class:`Unreadable`."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FolderSource(Source):
    def __init__(self, root: Path, label: str, is_update: bool = False) -> None:
        self.root, self.label, self.is_update = root, label, is_update

    def names(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())

    def read(self, name: str) -> bytes:
        try:
            return (self.root / name).read_bytes()
        except OSError as exc:
            raise Unreadable(self.label, name, exc) from exc

    def measure(self, name: str) -> tuple[int, str]:
        try:
            with (self.root / name).open("rb") as fh:
                return measure(fh)
        except OSError as exc:
            raise Unreadable(self.label, name, exc) from exc


class ZipSource(Source):
    def __init__(self, zf: zipfile.ZipFile, prefix: str, label: str, is_update: bool = False) -> None:
        self.zf, self.prefix, self.label, self.is_update = zf, prefix, label, is_update

    def names(self) -> list[str]:
        n = len(self.prefix)
        return sorted(i.filename[n:] for i in self.zf.infolist() if not i.is_dir() and i.filename.startswith(self.prefix))

    def read(self, name: str) -> bytes:
        try:
            return self.zf.read(self.prefix + name)
        except _ZIP_ERRORS as exc:
            raise Unreadable(self.label, name, exc) from exc

    def measure(self, name: str) -> tuple[int, str]:
        try:
            with self.zf.open(self.prefix + name) as fh:
                return measure(fh)
        except _ZIP_ERRORS as exc:
            raise Unreadable(self.label, name, exc) from exc

    def close(self) -> None:
        self.zf.close()


def open_source(path: Path) -> Source:
    """A bundle or update package, given as a zip, its unzipped folder, or the folder it was unzipped into."""
    if not path.exists():
        backup = path.with_name(path.name + BACKUP_SUFFIX)
        if backup.is_dir():
            raise BundleError(
                f"找不到 {path}：上次更新在替换文件夹时被中断，旧版完好地保存在 {backup}。"
                f"再运行一次 studyportal apply 会自动恢复；也可以把 {backup.name} 改名为 {path.name}。"
            )
        raise BundleError(f"找不到 {path}：检查路径是否写对")
    if path.is_dir():
        return _open_folder(path)
    return _open_zip(path)


def _open_folder(path: Path) -> Source:
    if (path / UPDATE_INFO).is_file():
        return FolderSource(path, str(path), is_update=True)
    if (path / MANIFEST).is_file():
        return FolderSource(path, str(path))
    inner = edition_inside(path)
    if inner is not None:
        return FolderSource(inner, str(inner))
    raise BundleError(
        f"{path} 里找不到 manifest.json（校验清单）：请选离线版文件夹本身（里面有 index.html 和 manifest.json），或重新拷贝完整的离线版"
    )


def _open_zip(path: Path) -> Source:
    broken = f"无法读取压缩包 {path}：文件不完整或已损坏（可能拷贝时中断或 U 盘出错）。请重新拷贝这个压缩包，再校验一次。"
    try:
        zf = zipfile.ZipFile(path, metadata_encoding="gbk")  # names without the UTF-8 flag are GBK (see _LocalNameInfo)
        infos = zf.infolist()
    except _ZIP_ERRORS as exc:
        if path.stat().st_size == 0:
            raise BundleError(f"{path} 是空文件（0 字节），拷贝没有完成：请重新拷贝这个压缩包") from exc
        if _zip_signature(path):
            raise BundleError(broken) from exc
        raise BundleError(
            f"{path} 不是 zip 压缩包：请选离线版的 .zip 文件或解压后的文件夹；如果它本来就是离线版压缩包，说明已经损坏，请重新拷贝"
        ) from exc
    names = [i.filename for i in infos if not i.is_dir()]
    if UPDATE_INFO in names:
        return ZipSource(zf, "", str(path), is_update=True)
    roots = sorted((n[: -len(MANIFEST)] for n in names if n == MANIFEST or (n.endswith("/" + MANIFEST) and n.count("/") == 1)), key=len)
    if not roots:
        zf.close()
        raise BundleError(
            f"压缩包 {path} 里找不到 manifest.json（校验清单）：它不是 studyportal 离线版，或者不完整。请重新拷贝完整的离线版压缩包"
        )
    return ZipSource(zf, roots[0], str(path))


def _zip_signature(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


class _LocalNameInfo(zipfile.ZipInfo):
    """An entry whose Chinese name is stored in GBK, as Chinese Windows' own "Extract All" expects.

    Windows 7's unzip ignores the UTF-8 flag and would garble the name; the Info-ZIP Unicode Path
    extra field (0x7075) carries the UTF-8 name for unzip tools on other systems.
    """

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's own name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _zip_info(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info: zipfile.ZipInfo = zipfile.ZipInfo(name, date_time=date_time)
    if not name.isascii():
        try:
            local = name.encode("gbk")
        except UnicodeEncodeError:
            pass
        else:
            info = _LocalNameInfo(name, date_time=date_time)
            unicode_path = b"\x01" + struct.pack("<L", zlib.crc32(local)) + name.encode("utf-8")
            info.extra = struct.pack("<HH", 0x7075, len(unicode_path)) + unicode_path
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    return info


def write_zip(out: Path, entries: Iterable[tuple[str, Path | bytes]], date_time: tuple[int, int, int, int, int, int]) -> int:
    """Write a zip whose bytes depend only on the entries and the date; returns its size.

    Written beside ``out`` first and renamed, so a failure never leaves a half-written zip.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, content in sorted(entries, key=lambda e: e[0]):
                info = _zip_info(name, max(date_time, (1980, 1, 1, 0, 0, 0)))
                zf.writestr(info, content.read_bytes() if isinstance(content, Path) else content)
        os.replace(part, out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise BundleError(f"写不了 {out}（{exc.strerror or exc}）：检查磁盘空间和写入权限") from exc
    return out.stat().st_size


def extract_zip(path: Path, dest: Path) -> Path:
    """Unzip a bundle into ``dest`` the way Windows would (Chinese names read as GBK); returns ``dest``."""
    try:
        with zipfile.ZipFile(path, metadata_encoding="gbk") as zf:
            for info in zf.infolist():
                parts = Path(info.filename).parts
                if info.filename.startswith(("/", "\\")) or ".." in parts:
                    raise BundleError(f"压缩包 {path} 里有不安全的路径 {info.filename}：拒绝解压")
            zf.extractall(dest)
    except _ZIP_ERRORS as exc:
        raise BundleError(f"无法解压 {path}：文件不完整或已损坏，请重新拷贝") from exc
    return dest

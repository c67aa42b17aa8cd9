"""The built site's folder, kept from one build to the next: a file is written only when its bytes change.

Creating a file costs this machine's disk far more than reading or overwriting one (ext4 here: about
190 µs to create a 30 KB page and 90 µs to create a folder, against 13 µs to overwrite the page and
12 µs to read it), and a site of 2,000 materials has some 10,000 files in 2,000 folders. So a build does
not empty its output folder first: every file it makes goes through :class:`SiteOutput`, which leaves a
file alone when the same bytes are already there, and at the end removes what this build did not make
(:meth:`SiteOutput.sweep`). The folder then holds exactly what a build into an empty folder writes; tests
compare the two byte for byte. Plain Python.

Reading a file back costs more than hashing the bytes it should hold, so each build leaves a record of the
files it wrote — their size, times, inode and SHA-256 — signed in the build cache (:func:`load_record`,
:meth:`SiteOutput.save_record`). A file whose size, modification and change times and inode still match the
record is known to hold what was recorded; only a file that does not match is read back.

Nothing the folder held is trusted: every file is compared by its bytes (or by the record above, which the
system's change time guards: nothing can write a file without changing it); a file with other hard links (a
backup made with ``cp -al``) is replaced, never written through; a symbolic link, or anything that is not a
plain file or folder, is removed, never followed. Entries whose names start with a dot at the top of the
folder are left alone, as MkDocs leaves them when it empties the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path

from studyportal.local_secret import keep_signed, read_signed

_CHUNK = 1 << 20
RECORDS_KEPT = 4  # records of output folders (a site and the folder kept for the next build, and spares)


class SiteOutput:
    """One build's writes into ``root``, which may hold an earlier build (or nothing)."""

    def __init__(self, root: Path | str, record: dict[str, list] | None = None) -> None:
        self.root = os.path.abspath(root)
        self.existing: dict[str, os.stat_result] = {}  # absolute path → its stat when the build began
        self.made: set[str] = set()  # every file this build produced (written or found already right)
        self.written: set[str] = set()  # those whose bytes this build wrote (or may have: see prepare)
        self.known = record or {}  # path in the folder → [size, mtime_ns, ctime_ns, inode, sha256] from the last build
        self.record: dict[str, list] = {}  # the same for this build's files
        self.folders: list[str] = []  # the folders it held
        self._scan()

    def _scan(self) -> None:
        folders = [self.root]
        while folders:
            folder = folders.pop()
            try:
                entries = list(os.scandir(folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if folder == self.root and entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    self.folders.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    self.existing[entry.path] = entry.stat(follow_symlinks=False)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def path(self, path: Path | str) -> str:
        """The key of a path in the folder (absolute, normalised)."""
        return os.path.normpath(os.path.join(self.root, path))

    def write(self, path: Path | str, data: bytes) -> bool:
        """Make ``path`` hold ``data``; False when it already did (nothing written)."""
        key = self.path(path)
        self.made.add(key)
        old = self.existing.get(key)
        sha = hashlib.sha256(data).hexdigest()
        if old is not None and old.st_size == len(data) and old.st_nlink == 1 and key not in self.written:
            stamp = [old.st_size, old.st_mtime_ns, old.st_ctime_ns, old.st_ino]
            known = self.known.get(key[len(self.root) + 1 :])
            # The file is as the last build recorded it (nothing wrote it since): its digest says; else read it back.
            same = known[4] == sha if known is not None and known[:4] == stamp else _holds(key, data)
            if same:
                self.record[key] = [*stamp, sha]
                return False
        self._open_fresh(key, old)
        with open(key, "wb") as f:
            f.write(data)
            f.flush()
            now = os.fstat(f.fileno())
        self.written.add(key)
        self.record[key] = [now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino, sha]
        return True

    def save_record(self, folder: Path) -> None:
        """Keep this build's record of the files it wrote, for the next build into this folder (see :func:`load_record`)."""
        name = _record_name(self.root)
        if name is None:
            return
        record = {key[len(self.root) + 1 :]: v for key, v in self.record.items()}
        keep_signed(folder / f"{name}.bin", f"output {name}", json.dumps(record, separators=(",", ":")).encode("utf-8"))
        with contextlib.suppress(OSError):
            records = sorted(folder.glob("*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in records[RECORDS_KEPT:]:
                old.unlink()

    def copy(self, source: Path | str, path: Path | str) -> bool:
        """Make ``path`` a copy of the file ``source``; False when it already was one."""
        key = self.path(path)
        self.made.add(key)
        old = self.existing.get(key)
        if old is not None and old.st_nlink == 1 and key not in self.written and _same_files(source, key, old.st_size):
            return False
        self._open_fresh(key, old)
        shutil.copyfile(source, key)
        self.written.add(key)
        return True

    def prepare(self, path: Path | str) -> str:
        """A file someone else is about to write in full (MkDocs' own templates): counted as made and rewritten."""
        key = self.path(path)
        self.made.add(key)
        self._open_fresh(key, self.existing.get(key))
        self.written.add(key)
        return key

    def keep(self, path: Path | str) -> None:
        """Count a file the build found already right as made (it stays)."""
        self.made.add(self.path(path))

    def unchanged(self, path: Path | str) -> os.stat_result | None:
        """The stat of a file that was there before this build and that this build has not rewritten, else None."""
        key = self.path(path)
        return None if key in self.written else self.existing.get(key)

    def _open_fresh(self, key: str, old: os.stat_result | None) -> None:
        """Ready ``key`` for writing: a file shared with other names is unlinked first; a new file gets its folders,
        and an earlier build's file or folder in their place (a page that became a folder, or the other way) goes."""
        if old is not None:
            if old.st_nlink > 1:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(key)
            return
        parent = os.path.dirname(key)
        try:
            os.makedirs(parent, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            at = self.root
            for part in os.path.relpath(parent, self.root).split(os.sep):
                at = os.path.join(at, part)
                if os.path.lexists(at) and not os.path.isdir(at):
                    os.unlink(at)
                    break
            os.makedirs(parent, exist_ok=True)
        if self.existing and os.path.isdir(key):
            shutil.rmtree(key)

    def sweep(self) -> int:
        """Remove what the folder held and this build did not make, and folders left empty; how many files went."""
        gone = [key for key in self.existing if key not in self.made]
        for key in gone:
            with contextlib.suppress(OSError):
                os.unlink(key)
        for folder in sorted(self.folders, key=len, reverse=True):  # the deepest first; a folder with files stays
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        return len(gone)


def _holds(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False


def _same_files(source: Path | str, path: str, size: int) -> bool:
    try:
        if os.stat(source).st_size != size:
            return False
        with open(source, "rb") as a, open(path, "rb") as b:
            while True:
                x, y = a.read(_CHUNK), b.read(_CHUNK)
                if x != y:
                    return False
                if not x:
                    return True
    except OSError:
        return False


def _record_name(root: str) -> str | None:
    """The record of an output folder is named by its device and inode: it follows the folder when it is renamed."""
    try:
        st = os.stat(root)
    except OSError:
        return None
    return f"{st.st_dev}-{st.st_ino}"


def load_record(folder: Path, root: Path | str) -> dict[str, list]:
    """The record the last build into ``root`` left in ``folder`` (the build cache's), if any and signed by this user."""
    name = _record_name(os.path.abspath(root))
    body = read_signed(folder / f"{name}.bin", f"output {name}") if name is not None else None
    if body is None:
        return {}
    try:
        record = json.loads(body)
        return {str(k): [int(x) for x in v[:4]] + [str(v[4])] for k, v in record.items()} if isinstance(record, dict) else {}
    except (ValueError, TypeError, IndexError, AttributeError):
        return {}

"""The built site's folder, kept from one build to the next: a file is written only when its bytes change.

Creating a file costs this machine's disk far more than reading or overwriting one (ext4 here: about
190 µs to create a 30 KB page and 90 µs to create a folder, against 13 µs to overwrite the page and
12 µs to read it), and a site of 2,000 materials has some 10,000 files in 2,000 folders. So a build does
not empty its output folder first: every file it makes goes through :class:`SiteOutput`, which leaves a
file alone when the same bytes are already there, and at the end removes what this build did not make
(:meth:`SiteOutput.sweep`). The folder then holds exactly what a build into an empty folder writes; tests
compare the two byte for byte. Plain Python.

Nothing the folder held is trusted: every file is compared by its bytes; a file with other hard links (a
backup made with ``cp -al``) is replaced, never written through; a symbolic link, or anything that is not a
plain file or folder, is removed, never followed. Entries whose names start with a dot at the top of the
folder are left alone, as MkDocs leaves them when it empties the folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

_CHUNK = 1 << 20


class SiteOutput:
    """One build's writes into ``root``, which may hold an earlier build (or nothing)."""

    def __init__(self, root: Path | str) -> None:
        self.root = os.path.abspath(root)
        self.existing: dict[str, os.stat_result] = {}  # absolute path → its stat when the build began
        self.made: set[str] = set()  # every file this build produced (written or found already right)
        self.written: set[str] = set()  # those whose bytes this build wrote (or may have: see prepare)
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
        if old is not None and old.st_size == len(data) and old.st_nlink == 1 and key not in self.written and _holds(key, data):
            return False
        self._open_fresh(key, old)
        with open(key, "wb") as f:
            f.write(data)
        self.written.add(key)
        return True

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
        folders: set[str] = set()
        for key in gone:
            with contextlib.suppress(OSError):
                os.unlink(key)
            folders.add(os.path.dirname(key))
        for folder in sorted(folders, key=len, reverse=True):
            while folder != self.root and folder.startswith(self.root + os.sep):
                try:
                    os.rmdir(folder)
                except OSError:
                    break
                folder = os.path.dirname(folder)
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

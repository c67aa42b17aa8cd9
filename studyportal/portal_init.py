"""``studyportal init``: a new county portal, copied from the starter files that ship with the tool.

The starter (``studyportal/starter/``) is package data, not code: ``mkdocs.yml``, one example
material of each kind, the three curricula, ``docs/about.md``, ``requirements.txt`` (pinned to the
running version), ``.gitignore``, a README for the county's IT person, the CI files for Gitea, GitLab and
GitHub (``.gitea/``, ``.gitlab-ci.yml``, ``.github/``) and a ``.pre-commit-config.yaml``.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import studyportal
from studyportal.errors import StudyportalError

STARTER = Path(__file__).resolve().parent / "starter"
VERSION_MARK = b"@STUDYPORTAL_VERSION@"
# A ``.gitignore`` inside this repository would apply to the starter's own files, so it is stored under a plain
# name. The other dot files keep their names (pyproject.toml lists them for the wheel: globs skip dot files).
_RENAMED = {"gitignore": ".gitignore"}
# What may already be in the folder: an empty clone of the county's new Git repository.
_ALLOWED = {".git"}
_SKIPPED = {"__pycache__", ".DS_Store"}


class InitError(StudyportalError):
    """The folder cannot take a new portal; the message says why, in Chinese."""


def tool_version() -> str:
    """The installed studyportal version (what a new portal's ``requirements.txt`` pins)."""
    try:
        return importlib.metadata.version("studyportal")
    except importlib.metadata.PackageNotFoundError:
        return studyportal.__version__


def starter_files() -> list[tuple[str, Path]]:
    """``(path in the new portal, file in the package)`` of every starter file, sorted."""
    out = []
    for path in sorted(STARTER.rglob("*")):
        rel = path.relative_to(STARTER)
        if path.is_file() and not _SKIPPED & set(rel.parts) and path.suffix != ".pyc":
            out.append(("/".join([*rel.parts[:-1], _RENAMED.get(rel.name, rel.name)]), path))
    return out


def init_portal(dest: Path) -> list[str]:
    """Write a new portal into ``dest`` (created if missing, refused unless empty); returns the paths written."""
    try:
        return _write_portal(dest)
    except OSError as exc:
        raise InitError(f"无法在 {dest} 里写入文件（{exc.strerror or exc}）。请检查文件夹的权限后再试。") from exc


def _write_portal(dest: Path) -> list[str]:
    if dest.exists() and not dest.is_dir():
        raise InitError(f"{dest} 是一个文件，不是文件夹。请换一个新文件夹的名字再试。")
    if dest.is_dir():
        present = sorted(p.name for p in dest.iterdir() if p.name not in _ALLOWED)
        if present:
            shown = "、".join(present[:5]) + (" 等" if len(present) > 5 else "")
            raise InitError(
                f"文件夹 {dest} 不是空的（里面已有 {shown}），为了不覆盖已有的文件，没有写入任何东西。"
                "请换一个新文件夹的名字，或者先把里面的文件移走再试。"
            )
    version = tool_version().encode()
    written = []
    for rel, source in starter_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes().replace(VERSION_MARK, version))
        written.append(rel)
    return written

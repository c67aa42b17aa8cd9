"""Finding and reading the question banks of a materials tree: ``materials/banks/*.yml``, through the bounded YAML loader."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from studyportal.banks.model import Bank
from studyportal.banks.validate import validate_bank
from studyportal.load.bounds import MAX_BYTES
from studyportal.load.frontmatter import parse_yaml
from studyportal.load.source import decode_source
from studyportal.model import Material
from studyportal.problems import Problem, display_path
from studyportal.slugs import slugify
from studyportal.validate.fields import SLUG_RE

BANKS_DIR = "banks"
CURRICULA_DIR = "curricula"
YAML_SUFFIXES = {".yml", ".yaml"}


@dataclass
class LoadedBanks:
    """The banks of a tree by URL name, and the files read (for ``check FILE``)."""

    banks: dict[str, Bank] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)


def bank_slug(path: Path) -> str:
    """A bank's URL name: its file name, in pinyin when Chinese (``党章题库.yml`` → ``dang-zhang-ti-ku``)."""
    stem = PurePath(path).stem
    return stem if SLUG_RE.match(stem) else slugify(stem)


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def bank_files(root: Path, problems: list[Problem]) -> list[Path]:
    """The bank files of a tree; a symbolic link is an error (it could publish a file from outside the repository)."""
    folder = root / BANKS_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in YAML_SUFFIXES or _hidden(path.name):
            continue
        if path.is_symlink():
            problems.append(
                Problem(
                    display_path(path, root),
                    1,
                    "这是一个符号链接（快捷方式），不会被读取",
                    "把真正的题库文件复制到 materials/banks/ 里，删掉这个链接",
                    field="文件名",
                )
            )
            continue
        found.append(path)
    return found


def stray_yaml(root: Path) -> list[Problem]:
    """A warning for each YAML file that is neither a curriculum nor a bank: nothing reads it, and its author should know."""
    out = []
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        rel = base.relative_to(root)
        dirs[:] = sorted(d for d in dirs if not _hidden(d) and not (rel == Path(".") and d in (BANKS_DIR, CURRICULA_DIR)))
        for name in sorted(files):
            if Path(name).suffix.lower() in YAML_SUFFIXES and not _hidden(name):
                out.append(_stray(base / name, root))
    return out


def _stray(path: Path, root: Path) -> Problem:
    return Problem(
        display_path(path, root),
        1,
        "这个 YAML 文件不会被读取：它既不在 materials/banks/（题库），也不在 materials/curricula/（课程）",
        "题库放进 materials/banks/，课程文件放进 materials/curricula/；不用的文件请删掉",
        field="文件名",
        severity="warning",
    )


def read_bank(
    path: Path,
    shown: str,
    problems: list[Problem],
    published: dict[str, Material] | None = None,
    drafts: dict[str, Material] | None = None,
) -> Bank | None:
    """One bank file, read within the size limit, parsed by the bounded loader and validated (see :func:`validate_bank`)."""
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        problems.append(Problem(shown, 1, f"无法读取文件：{exc.strerror}", "检查文件权限"))
        return None
    if len(data) > MAX_BYTES:
        kb = -(-max(size, len(data)) // 1024)
        problems.append(
            Problem(shown, 1, f"题库文件太大：{kb} KB，上限 {MAX_BYTES // 1024} KB", "按专题拆成几个题库文件；检查是否误存成了别的文件")
        )
        return None
    source = decode_source(data, shown)
    problems.extend(source.problems)
    if source.text is None:
        return None
    located, yaml_problems = parse_yaml(source.text, shown, what="题库文件")
    problems.extend(yaml_problems)
    if located is None:
        return None
    return validate_bank(located, shown, bank_slug(path), problems, published, drafts)


def load_banks(root: Path, published: dict[str, Material], drafts: dict[str, Material], problems: list[Problem]) -> LoadedBanks:
    """Every bank of the tree at ``root``, its questions' material links checked against ``published`` and ``drafts``."""
    out = LoadedBanks()
    problems.extend(stray_yaml(root))
    for path in bank_files(root, problems):
        out.sources.append(path)
        shown = display_path(path, root)
        bank = read_bank(path, shown, problems, published, drafts)
        if bank is None:
            continue
        other = out.banks.get(bank.slug)
        if other is not None:
            problems.append(
                Problem(shown, 1, f"题库名 {bank.slug} 和 {other.source} 重复（题库名取自文件名）", "给其中一个文件改名", field="文件名")
            )
            continue
        out.banks[bank.slug] = bank
    return out

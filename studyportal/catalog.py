"""Load and validate a whole ``materials/`` tree into a :class:`Catalog` in one pass."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from studyportal.banks.load import BANKS_DIR, load_banks
from studyportal.forks import ForkPool, can_fork, worker_count
from studyportal.load.bounds import MAX_BYTES
from studyportal.load.frontmatter import Located, parse_yaml, split_front_matter, too_big
from studyportal.load.git_dates import GitDates, last_commits, updated_date
from studyportal.load.memo import LoadMemo, probe
from studyportal.load.source import decode_source
from studyportal.model import Catalog, Curriculum, Material
from studyportal.names import component_problem
from studyportal.problems import Problem, Problems, display_path
from studyportal.validate.crossref import check_reachable, check_reading_links, check_unique_slugs, resolve_curriculum
from studyportal.validate.curriculum import validate_curriculum
from studyportal.validate.links import check_references, heading_ids
from studyportal.validate.material import validate_material

CURRICULA_DIR = "curricula"
MATERIAL_SUFFIXES = {".md", ".markdown"}
CURRICULUM_SUFFIXES = {".yml", ".yaml"}


@dataclass
class LoadResult:
    """The catalog plus everything found wrong, and how many files were read."""

    catalog: Catalog
    problems: Problems = field(default_factory=Problems)
    checked_files: int = 0
    sources: list[Path] = field(default_factory=list)
    git: GitDates | None = None  # how the "updated" dates were found, when asked for (load_catalog(dates_from_git=True))

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def material_files(root: Path, problems: list[Problem] | None = None) -> list[Path]:
    """Markdown files under ``root`` that are materials (hidden files and ``_`` files skipped).

    Symbolic links are never followed: a link could publish a file from outside the repository
    (a key, a private note). Each one found is an error in ``problems``. File and folder names
    that Windows or a FAT32 USB stick cannot hold are errors too: a county checks out on Windows.
    """
    found = []
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        for name in sorted(dirs + files):
            path = base / name
            rel = path.relative_to(root)
            if _ignored(rel):
                continue
            if path.is_symlink():
                if problems is not None:
                    problems.append(_symlink_problem(path, root))
                continue
            if problems is not None and (reason := component_problem(name)):
                problems.append(Problem(display_path(path, root), 1, f"文件名不能用：{reason}", "给文件或文件夹改名", field="文件名"))
                continue
            if name in files and path.suffix.lower() in MATERIAL_SUFFIXES:
                found.append(path)
        dirs[:] = [d for d in dirs if not _ignored(base.relative_to(root) / d) and not (base / d).is_symlink() and not component_problem(d)]
    return sorted(found)


def _symlink_problem(path: Path, root: Path) -> Problem:
    return Problem(
        display_path(path, root),
        1,
        "这是一个符号链接（快捷方式），不会被发布：它可能指向仓库以外的文件",
        "把真正的文件复制到 materials/ 里，删掉这个链接",
        field="文件名",
    )


def curriculum_files(root: Path) -> list[Path]:
    folder = root / CURRICULA_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in CURRICULUM_SUFFIXES and not _ignored(Path(p.name)) and not p.is_symlink()
    )


def _ignored(rel: Path) -> bool:
    return any(part.startswith((".", "_")) for part in rel.parts) or rel.name.lower() == "readme.md"


def load_catalog(root: Path, *, dates_from_git: bool = False, memo: LoadMemo | None = None) -> LoadResult:
    """Read every material and curriculum under ``root``, validate them, and cross-check them.

    ``dates_from_git``: a material's "updated" date is its last commit's (one ``git log`` pass; load/git_dates.py).
    ``memo``: materials checked by the last build, taken as they were when their files are unchanged (load/memo.py);
    the cross-file checks always run on the whole tree.
    """
    result = LoadResult(Catalog())
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(str(root), 1, "找不到材料文件夹", "检查路径，或在项目根目录运行（那里有 materials/ 文件夹）"))
        result.problems.extend(problems)
        return result
    published: list[Material] = []
    drafts: dict[str, Material] = {}
    by_path: dict[Path, Material] = {}
    paths = list(material_files(root, problems))
    for path, (material, found) in zip(paths, _load_materials(paths, root, memo), strict=True):
        result.checked_files += 1
        result.sources.append(path)
        problems.extend(found)
        if material is None:
            continue
        by_path[Path(os.path.normpath(os.path.abspath(path)))] = material
        if material.draft:
            drafts[material.slug] = material
        else:
            published.append(material)
    if result.checked_files == 0:
        problems.append(Problem(str(root), 1, "这个文件夹里没有任何 .md 材料", "检查路径是否指向 materials/ 文件夹", severity="warning"))
    by_slug = check_unique_slugs(published, problems)
    result.catalog.materials = by_slug
    result.catalog.drafts = len(drafts)
    for path in curriculum_files(root):
        result.checked_files += 1
        result.sources.append(path)
        shown = display_path(path, root)
        loaded = _load_curriculum(path, shown, problems, root)
        if loaded is None:
            continue
        curriculum, located = loaded
        previous = result.catalog.curricula.get(curriculum.audience)
        if previous is not None:
            problems.append(
                Problem(
                    shown,
                    1,
                    f"{curriculum.audience} 已有课程文件 {previous.source}",
                    "每类学员只写一个课程文件；把两个合并",
                    field="audience",
                )
            )
            continue
        resolve_curriculum(curriculum, located, by_slug, drafts, problems)
        result.catalog.curricula[curriculum.audience] = curriculum
    check_reading_links(by_slug, drafts, problems)
    banks = load_banks(root, by_slug, drafts, problems)  # question banks: materials/banks/*.yml
    result.catalog.banks = banks.banks
    result.checked_files += len(banks.sources)
    result.sources += banks.sources
    anchors = _Anchors()
    for m in by_path.values():
        check_references(m.source, m.references, by_slug, drafts, by_path, problems, anchors.of, self_material=m, draft=m.draft)
    for c in result.catalog.curricula.values():
        check_references(c.source, c.references, by_slug, drafts, by_path, problems, anchors.of)
    if not any(p.severity == "error" for p in problems):
        check_reachable(result.catalog, problems)
    if dates_from_git:
        result.git = _dates_from_git(root, by_path)
    if memo is not None:
        result.catalog.topic_slugs()  # the planner names topic pages by them: made now, they are kept in the memo
        memo.save()
    result.problems.extend(problems)
    return result


def _dates_from_git(root: Path, by_path: dict[Path, Material]) -> GitDates:
    dates = last_commits(root, [path for path, m in by_path.items() if not m.draft])
    for path, m in by_path.items():
        m.committed = dates.changed.get(path)
        m.updated = updated_date(m.published, m.updated, m.committed)
    return dates


def _read_bytes(path: Path, shown: str, problems: list[Problem], limit: int | None = None) -> bytes | None:
    """The file's bytes, or None after a problem. Beyond ``limit`` bytes the file is refused unread."""
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = f.read() if limit is None else f.read(limit + 1)
    except OSError as exc:
        problems.append(Problem(shown, 1, f"无法读取文件：{exc.strerror}", "检查文件权限"))
        return None
    if limit is not None and len(data) > limit:
        problems.append(too_big(shown, 1, "课程文件", max(size, len(data))))
        return None
    return data


def _read(path: Path, shown: str, problems: list[Problem], limit: int | None = None) -> str | None:
    """The file's text, or None after a problem. Beyond ``limit`` bytes the file is refused unread."""
    data = _read_bytes(path, shown, problems, limit)
    if data is None:
        return None
    source = decode_source(data, shown)
    problems.extend(source.problems)
    return source.text


class _Anchors:
    """The ``#anchors`` of materials that links point into, worked out once each."""

    def __init__(self) -> None:
        self.known: dict[int, set[str]] = {}

    def of(self, m: Material) -> set[str]:
        if id(m) not in self.known:
            self.known[id(m)] = heading_ids(m)
        return self.known[id(m)]


Loaded = tuple[Material | None, list[Problem]]
MIN_PARALLEL_LOAD = 200  # materials to check before forking pays off (about a millisecond each)


def _load_materials(paths: list[Path], root: Path, memo: LoadMemo | None) -> list[Loaded]:
    """Each file's material (None after an error) and problems, in order: from the memo, else checked — on every core
    when there are many (a first build, a new tool version), the results the same as one process's."""
    out: list[Loaded] = []
    todo: list[tuple[int, Path, str, bytes, str]] = []  # (position, path, as shown, bytes, memo key)
    for path in paths:
        shown = display_path(path, root)
        found: list[Problem] = []
        data = _read_bytes(path, shown, found)
        key = memo.key(data, path, shown, root) if memo is not None and data is not None else ""
        known = memo.get(key) if memo is not None and data is not None else None
        if known is not None:
            out.append((known[0], list(known[1])))
            continue
        out.append((None, found))
        if data is not None:
            todo.append((len(out) - 1, path, shown, data, key))
    processes = worker_count() if len(todo) >= MIN_PARALLEL_LOAD and can_fork() else 0
    pool = ForkPool(len(todo), lambda i: _check_material(todo[i][1], todo[i][2], todo[i][3], root), processes) if processes else None
    try:
        for i, (at, path, shown, data, key) in enumerate(todo):
            got = pool.take(i) if pool is not None else None
            material, found = got if isinstance(got, tuple) else _check_material(path, shown, data, root)
            out[at] = (material, found)
            if memo is not None:
                files = [ref.path for ref in (material.references if material else []) if ref.kind == "file" and ref.path is not None]
                if not any(p.severity == "error" for p in found):  # a missing picture is an error: looked for again next time
                    memo.put(key, material, found, [probe(Path(f), root) for f in files])
    finally:
        if pool is not None:
            pool.close()
    return out


def _check_material(path: Path, shown: str, data: bytes, root: Path) -> Loaded:
    found: list[Problem] = []
    source = decode_source(data, shown)
    found.extend(source.problems)
    material = None
    if source.text is not None:
        doc = split_front_matter(source.text, shown)
        found.extend(doc.problems)
        material = validate_material(doc, shown, found, source=path, root=root)
    return material, found


def _load_curriculum(path: Path, shown: str, problems: list[Problem], root: Path) -> tuple[Curriculum, Located] | None:
    text = _read(path, shown, problems, limit=MAX_BYTES)
    if text is None:
        return None
    located, yaml_problems = parse_yaml(text, shown, what="课程文件")
    problems.extend(yaml_problems)
    if located is None:
        return None
    curriculum = validate_curriculum(located, shown, problems, source=path, root=root)
    return (curriculum, located) if curriculum else None


@dataclass
class FileCheck:
    """``check FILE…``: the problems of the files asked about, found with the whole tree they belong to."""

    problems: Problems = field(default_factory=Problems)
    checked: list[str] = field(default_factory=list)  # as shown, materials and curricula
    skipped: list[str] = field(default_factory=list)  # neither a material nor a curriculum
    roots: list[str] = field(default_factory=list)  # the materials folders cross-checked
    tree_files: int = 0  # files read for the cross-file checks
    elsewhere: int = 0  # errors in other files of those trees, not listed

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def materials_root(path: Path) -> Path:
    """The materials folder a file belongs to: the nearest folder above it named ``materials``, else one holding ``curricula/``."""
    parents = list(path.absolute().parents)
    for folder in parents:
        if folder.name == "materials":
            return folder
    for folder in parents:
        if (folder / CURRICULA_DIR).is_dir():
            return folder
    return path.absolute().parent.parent if path.absolute().parent.name in (CURRICULA_DIR, BANKS_DIR) else path.absolute().parent


def check_files(paths: list[Path], root: Path | None = None) -> FileCheck:
    """Check just these materials and curricula, with the cross-file checks they take part in.

    Each file's tree (``root``, or :func:`materials_root`) is loaded whole, so a curriculum still resolves
    its slugs against every material and a material still meets duplicate slugs and link checks; only the
    problems of the files asked about are kept. Other files (pictures, notes) are skipped.
    """
    out = FileCheck()
    by_root: dict[Path, list[Path]] = {}
    for path in paths:
        shown = display_path(path, None)
        if not path.is_file():
            out.problems.add(Problem(shown, 1, "找不到这个文件", "检查文件名和路径；不带文件名时 check 检查整个 materials/ 文件夹"))
            continue
        tree = (root or materials_root(path)).absolute()
        by_root.setdefault(tree, []).append(path)
    for tree, files in by_root.items():
        result = load_catalog(tree)
        known = {display_path(p, tree) for p in result.sources}
        wanted: set[str] = set()
        named = {p.path for p in result.problems.items}
        for path in files:
            shown = display_path(path, tree)
            if shown in known or shown in named:  # a material or curriculum, or a file check refuses (a symbolic link)
                wanted.add(shown)
                out.checked.append(shown)
            else:
                out.skipped.append(shown)
        out.problems.extend(p for p in result.problems.items if p.path in wanted)
        out.elsewhere += sum(1 for p in result.problems.errors if p.path not in wanted)
        out.tree_files += result.checked_files
        out.roots.append(display_path(tree, None))
    return out

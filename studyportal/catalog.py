"""Load and validate a whole ``materials/`` tree into a :class:`Catalog` in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studyportal.load.frontmatter import Located, parse_yaml, split_front_matter
from studyportal.load.source import decode_source
from studyportal.model import Catalog, Curriculum, Material
from studyportal.problems import Problem, Problems, display_path
from studyportal.validate.crossref import check_reachable, check_reading_links, check_unique_slugs, resolve_curriculum
from studyportal.validate.curriculum import validate_curriculum
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

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def material_files(root: Path) -> list[Path]:
    """Markdown files under ``root`` that are materials (hidden files and ``_`` files skipped)."""
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in MATERIAL_SUFFIXES and p.is_file() and not _ignored(p.relative_to(root)))


def curriculum_files(root: Path) -> list[Path]:
    folder = root / CURRICULA_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in CURRICULUM_SUFFIXES and not _ignored(Path(p.name)))


def _ignored(rel: Path) -> bool:
    return any(part.startswith((".", "_")) for part in rel.parts) or rel.name.lower() == "readme.md"


def load_catalog(root: Path) -> LoadResult:
    """Read every material and curriculum under ``root``, validate them, and cross-check them."""
    result = LoadResult(Catalog())
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(str(root), 1, "找不到材料文件夹", "检查路径，或在项目根目录运行（那里有 materials/ 文件夹）"))
        result.problems.extend(problems)
        return result
    published: list[Material] = []
    drafts: dict[str, Material] = {}
    for path in material_files(root):
        result.checked_files += 1
        result.sources.append(path)
        shown = display_path(path, root)
        material = _load_material(path, shown, problems)
        if material is None:
            continue
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
        loaded = _load_curriculum(path, shown, problems)
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
    if not any(p.severity == "error" for p in problems):
        check_reachable(result.catalog, problems)
    result.problems.extend(problems)
    return result


def _read(path: Path, shown: str, problems: list[Problem]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, 1, f"无法读取文件：{exc.strerror}", "检查文件权限"))
        return None
    source = decode_source(data, shown)
    problems.extend(source.problems)
    return source.text


def _load_material(path: Path, shown: str, problems: list[Problem]) -> Material | None:
    text = _read(path, shown, problems)
    if text is None:
        return None
    doc = split_front_matter(text, shown)
    problems.extend(doc.problems)
    return validate_material(doc, shown, problems)


def _load_curriculum(path: Path, shown: str, problems: list[Problem]) -> tuple[Curriculum, Located] | None:
    text = _read(path, shown, problems)
    if text is None:
        return None
    located, yaml_problems = parse_yaml(text, shown)
    problems.extend(yaml_problems)
    if located is None:
        return None
    curriculum = validate_curriculum(located, shown, problems)
    return (curriculum, located) if curriculum else None

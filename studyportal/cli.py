"""The ``studyportal`` command: the steps users run by hand."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from studyportal.bundle.commands import apply, bundle, keygen, verify
from studyportal.catalog import check_files, load_catalog
from studyportal.portal_init import InitError, init_portal, tool_version
from studyportal.problems import Problem, Problems, format_json, format_text
from studyportal.publish import BUSY_EXIT, DEFAULT_WAIT, PublishError, safe_build
from studyportal.scaffold import scaffold
from studyportal.search.command import search_command
from studyportal.slugs import slugify
from studyportal.vocabulary import AUDIENCES, KINDS, TRACKS


@click.group(help="学习资料门户：检查、新建、构建、打包学习材料。")
@click.version_option(package_name="studyportal")
def main() -> None:
    pass


@main.command(
    help="新建一个县级学习资料门户：网站配置、每种类型一篇示例材料、三类学员的课程和说明文件。文件夹必须是新的或空的（只有 .git 也可以）。"
)
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    try:
        written = init_portal(folder)
    except InitError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"无法在 {folder} 里写入文件（{exc.strerror or exc}）。请检查文件夹的权限后再试。", err=True)
        sys.exit(1)
    materials = sum(1 for p in written if p.startswith("materials/") and p.endswith(".md"))
    curricula = sum(1 for p in written if p.startswith("materials/curricula/"))
    version = tool_version()
    here = folder.resolve() == Path.cwd().resolve()
    click.echo(
        f"已在 {folder} 新建学习资料门户（studyportal {version}）：\n"
        "  mkdocs.yml         网站配置：先把 site_name 里的 ×× 改成本县的名称\n"
        f"  materials/         {materials} 篇示例材料和 {curricula} 个课程，可以照着改\n"
        "  docs/about.md      “关于本站”页：改成本县的介绍\n"
        f"  requirements.txt   使用的工具版本：studyportal=={version}\n"
        "  README.md          安装、检查、构建、发布和升级的说明\n"
        "  .gitignore         不放进 Git 的文件（构建结果、签名私钥）\n"
        "下一步：\n" + ("" if here else f"  cd {folder}\n") + "  studyportal check\n  studyportal build"
    )


@main.command(
    help="检查材料和课程文件，列出所有问题。不写路径时检查整个 materials/ 文件夹；写一个文件夹就检查那个文件夹；"
    "写一个或几个文件（如 pre-commit 交给它的文件）时只列出这些文件的问题，网址名、链接和课程引用仍对照整个材料文件夹检查。"
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="检查几个文件时，它们所属的材料文件夹（默认向上找名为 materials 的文件夹）",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
def check(paths: tuple[Path, ...], root: Path | None, fmt: str) -> None:
    started = time.perf_counter()
    paths = paths or (Path("materials"),)
    try:
        if len(paths) == 1 and (paths[0].is_dir() or (not paths[0].exists() and paths[0].suffix.lower() not in _CHECKED_SUFFIXES)):
            result = load_catalog(paths[0])
        else:
            _check_files(paths, root, fmt, started)
            return
    except Exception as exc:  # a bug of ours: still one problem in the format asked for, never a traceback
        problems = Problems([Problem(str(paths[0]), 1, f"检查时出现意外错误：{type(exc).__name__}: {exc}", "请把这段话发给维护人员")])
        click.echo(format_json(problems, 0) if fmt == "json" else format_text(problems))
        sys.exit(1)
    elapsed = time.perf_counter() - started
    if fmt == "json":
        click.echo(format_json(result.problems, result.checked_files))
    else:
        if result.problems:
            click.echo(format_text(result.problems))
        catalog = result.catalog
        click.echo(
            f"检查了 {result.checked_files} 个文件：{len(catalog.materials)} 个材料、{len(catalog.curricula)} 个课程、"
            f"{catalog.drafts} 个草稿；用时 {elapsed:.2f} 秒。" + ("" if result.ok else " 有错误，请按上面的提示修改。"),
            err=bool(result.problems.errors),
        )
    sys.exit(0 if result.ok else 1)


_CHECKED_SUFFIXES = {".md", ".markdown", ".yml", ".yaml"}


def _check_files(paths: tuple[Path, ...], root: Path | None, fmt: str, started: float) -> None:
    """``check FILE…``: only these files' problems; folders among them stand for the Markdown and YAML files inside."""
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.rglob("*") if p.suffix.lower() in _CHECKED_SUFFIXES) if path.is_dir() else [path]
    result = check_files(files, root)
    elapsed = time.perf_counter() - started
    if fmt == "json":
        click.echo(format_json(result.problems, len(result.checked)))
        sys.exit(0 if result.ok else 1)
    if result.problems:
        click.echo(format_text(result.problems))
    trees = "、".join(f"{r}/" for r in result.roots)
    against = f"（对照 {trees} 里的 {result.tree_files} 个文件做了交叉检查）" if trees else ""
    verdict = "" if result.ok else " 有错误，请按上面的提示修改。"
    lines = [f"检查了 {len(result.checked)} 个文件{against}；用时 {elapsed:.2f} 秒。{verdict}"]
    if result.skipped:
        more = "……" if len(result.skipped) > 5 else ""
        lines.append(f"跳过了 {len(result.skipped)} 个不是材料或课程的文件：{'、'.join(result.skipped[:5])}{more}")
    if result.elsewhere:
        lines.append(f"另外，其他文件里还有 {result.elsewhere} 个错误，这里没有列出：运行 studyportal check 查看全部。")
    click.echo("\n".join(lines), err=bool(result.problems.errors))
    sys.exit(0 if result.ok else 1)


@main.command(help="新建一个学习材料（草稿），带好该类型需要的全部字段。")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="标题")
@click.option("--kind", type=click.Choice(list(KINDS)), default="material", show_default=True, help="类型")
@click.option("--audience", "audiences", type=click.Choice(list(AUDIENCES)), multiple=True, help="学习对象，可写多次")
@click.option("--track", type=click.Choice(list(TRACKS)), default="constitution", show_default=True, help="板块")
def new(path: Path, title: str, kind: str, audiences: tuple[str, ...], track: str) -> None:
    if path.suffix != ".md":
        path = path.with_suffix(".md")
    if path.exists():
        click.echo(f"{path} 已经存在，没有覆盖它。换一个文件名再试。", err=True)
        sys.exit(1)
    slug = path.stem if path.stem.isascii() and path.stem.replace("-", "").isalnum() else slugify(path.stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold(title, kind, list(audiences) or ["member"], track, slug.lower()), encoding="utf-8")
    click.echo(f"已新建 {path}（草稿）。写完正文后删去 draft: true，再运行 studyportal check。")


@main.command(
    help="构建网站：先在临时目录构建，成功后才替换已发布的网站。同一输出目录同时只运行一个构建，"
    f"其余的等它结束。退出码：0 成功，1 构建失败，{BUSY_EXIT} 另一个构建仍在运行，130/143 被中断。"
)
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(path_type=Path), show_default=True)
@click.option("-d", "--site-dir", default=None, type=click.Path(path_type=Path), help="输出目录（默认取 mkdocs.yml 的 site_dir）")
@click.option(
    "--wait",
    "wait",
    default=DEFAULT_WAIT,
    type=click.FloatRange(min=0),
    show_default=True,
    metavar="SECONDS",
    help="另一个构建正在运行时最多等多少秒；0 表示不等，直接退出",
)
def build(config_file: Path, site_dir: Path | None, wait: float) -> None:
    try:
        target, seconds = safe_build(config_file, site_dir, wait=wait, notify=lambda message: click.echo(message, err=True))
    except PublishError as exc:
        click.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:  # before or after the build's own signal handling
        click.echo("构建被中断。", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: still no traceback for the trainer
        click.echo(f"构建时出现意外错误：{type(exc).__name__}: {exc}\n已发布的网站没有被替换。请把这段话发给维护人员。", err=True)
        sys.exit(1)
    click.echo(f"构建完成：{target}（{seconds:.1f} 秒）")


main.add_command(bundle)
main.add_command(verify)
main.add_command(apply)
main.add_command(keygen)
main.add_command(search_command)

if __name__ == "__main__":
    main()

"""The ``studyportal`` command: the steps users run by hand."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import click

from studyportal.catalog import check_files, load_catalog
from studyportal.errors import StudyportalError
from studyportal.kinds import kind_names
from studyportal.kinds.choice import KindChoice
from studyportal.portal_init import init_portal, tool_version
from studyportal.problems import Problem, Problems
from studyportal.publish import BUSY_EXIT, DEFAULT_WAIT, safe_build
from studyportal.render.cache import CACHE_DIR, clear_cache
from studyportal.report_formats import DOCUMENT_FORMATS, FORMATS, format_document, format_listing
from studyportal.scaffold import scaffold
from studyportal.slugs import slugify
from studyportal.vocabulary import AUDIENCES, TRACKS

# A command whose exit status 1 means "looked, and found problems" exits 2 when it could not look at all.
_COULD_NOT_LOOK = {"verify": 2, "search": 2}
# Commands imported only when run: `check` (pre-commit, on every commit) does not load signing, numpy or the banks.
_LAZY = {
    "bundle": "studyportal.bundle.commands:bundle",
    "verify": "studyportal.bundle.commands:verify",
    "apply": "studyportal.bundle.commands:apply",
    "keygen": "studyportal.bundle.commands:keygen",
    "search": "studyportal.search.command:search_command",
    "paper": "studyportal.banks.command:paper_command",
    "ledger": "studyportal.ledger.command:ledger_command",
}


class _Commands(click.Group):
    """The ``studyportal`` group: the one place where a failure becomes a message on stderr and an exit status."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY and name not in self.commands:
            module, attr = _LAZY[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except StudyportalError as exc:
            click.echo(str(exc), err=True)
            ctx.exit(_COULD_NOT_LOOK.get(ctx.invoked_subcommand or "", exc.exit_code))
        except KeyboardInterrupt:
            click.echo(f"studyportal {ctx.invoked_subcommand} 被中断。", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug of ours: no traceback for the trainer, but where it happened for the maintainer
            click.echo(unexpected(exc, f"studyportal {ctx.invoked_subcommand}"), err=True)
            ctx.exit(1)


def unexpected(exc: Exception, what: str) -> str:
    """A bug of ours in one paragraph: what ran, the exception, the file and line it came from, whom to tell."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"（{Path(frames[-1].filename).name} 第 {frames[-1].lineno} 行）" if frames else ""
    return f"{what} 出现意外错误，这是 studyportal 的问题：{type(exc).__name__}: {exc}{where}\n请把这段话发给维护人员。"


@click.group(cls=_Commands, help="学习资料门户：检查、新建、构建、打包学习材料。")
@click.version_option(package_name="studyportal")
def main() -> None:
    pass


@main.command(
    help="新建一个县级学习资料门户：网站配置、每种类型一篇示例材料、三类学员的课程和说明文件。文件夹必须是新的或空的（只有 .git 也可以）。"
)
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    written = init_portal(folder)
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
        "  .gitea/ .gitlab-ci.yml .github/  自动检查和发布：Gitea、GitLab、GitHub 各一份，用哪个平台就留哪个\n"
        "  .pre-commit-config.yaml  提交前自动检查改动的材料（pre-commit）\n"
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    help="输出格式：text 给人看；json 给程序读；github 是 GitHub/Gitea Actions 的标注命令；gitlab-codequality 是 GitLab 的代码质量报告",
)
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
        click.echo(format_document(fmt, problems, 0) if fmt in DOCUMENT_FORMATS else format_listing(fmt, problems))
        sys.exit(1)
    elapsed = time.perf_counter() - started
    if fmt in DOCUMENT_FORMATS:
        click.echo(format_document(fmt, result.problems, result.checked_files))
    else:
        if result.problems:
            click.echo(format_listing(fmt, result.problems))
        catalog = result.catalog
        click.echo(
            f"检查了 {result.checked_files} 个文件：{len(catalog.materials)} 个材料、{len(catalog.curricula)} 个课程、"
            f"{catalog.drafts} 个草稿{f'、{len(catalog.banks)} 个题库' if catalog.banks else ''}；用时 {elapsed:.2f} 秒。"
            + ("" if result.ok else " 有错误，请按上面的提示修改。"),
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
    if fmt in DOCUMENT_FORMATS:
        click.echo(format_document(fmt, result.problems, len(result.checked)))
        sys.exit(0 if result.ok else 1)
    if result.problems:
        click.echo(format_listing(fmt, result.problems))
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
@click.option("--kind", type=KindChoice(kind_names), default="material", show_default=True, help="类型")
@click.option("--audience", "audiences", type=click.Choice(list(AUDIENCES)), multiple=True, help="学习对象，可写多次")
@click.option("--track", type=click.Choice(list(TRACKS)), default="constitution", show_default=True, help="板块")
def new(path: Path, title: str, kind: str, audiences: tuple[str, ...], track: str) -> None:
    if path.suffix != ".md":
        path = path.with_suffix(".md")
    if path.exists():
        raise StudyportalError(f"{path} 已经存在，没有覆盖它。换一个文件名再试。")
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
@click.option(
    "--clean", is_flag=True, help=f"先删掉构建缓存（mkdocs.yml 旁的 {CACHE_DIR}/）和上次留下的旧网站（.site.reuse），所有页面和文件重新生成"
)
def build(config_file: Path, site_dir: Path | None, wait: float, clean: bool) -> None:
    if clean:
        clear_cache(config_file)
    target, seconds = safe_build(config_file, site_dir, wait=wait, notify=lambda message: click.echo(message, err=True), fresh=clean)
    click.echo(f"构建完成：{target}（{seconds:.1f} 秒）")


@main.command(
    help="为 QQ/微信群或短信生成学习提醒：每个新发布或更新的材料一条，含标题、摘要和链接，按日期从早到晚。"
    "短信每条不超过 70 字，正好一条短信（短信平台加的【签名】也算字数：签名 6 个字就写 --max 64）；"
    "--group 是群消息，每条不超过 500 字。太长的标题和摘要在字与字之间截断，加“…”，不会截断网址、数字和《书名》。"
    "默认从 materials/ 生成（日期取自 Git，网址取 mkdocs.yml 的 site_url 或 --base-url），也可以用 --site 从已构建的网站生成。"
)
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default=None, help="只列这类学员的材料（默认全部）")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD", help="从这一天起（含这天）；默认最近 7 天"
)
@click.option(
    "--max",
    "limit",
    type=click.IntRange(min=20, max=5000),
    default=None,
    help="每条最多多少字，按短信的算法（汉字、字母都算 1 个，表情算 2 个）；默认短信 70，--group 时 500",
)
@click.option("--group", is_flag=True, help="群消息：类型和标题、摘要、链接各占一行")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式：json 给程序读")
@click.option("--materials", "materials_dir", type=click.Path(path_type=Path, file_okay=False), help="从这个材料文件夹生成")
@click.option("--site", "site_dir", type=click.Path(path_type=Path, file_okay=False), help="从已构建的网站（订阅源 feeds/）生成")
@click.option("--base-url", default=None, help="网站网址，如 https://dangjian.example.cn/（默认取 mkdocs.yml 的 site_url）")
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(path_type=Path), show_default=True)
def digest(
    audience: str | None,
    since: dt.datetime | None,
    limit: int | None,
    group: bool,
    fmt: str,
    materials_dir: Path | None,
    site_dir: Path | None,
    base_url: str | None,
    config_file: Path,
) -> None:
    from studyportal import digest as digests
    from studyportal.render import generator

    if materials_dir is not None and site_dir is not None:
        raise click.UsageError("--materials 和 --site 只能写一个")
    explicit = click.get_current_context().get_parameter_source("config_file") != click.core.ParameterSource.DEFAULT
    config = generator.read_config(config_file) if explicit or config_file.is_file() else {}
    settings = digests.site_settings(config, config_file.parent)
    day = since.date() if since else dt.date.today() - dt.timedelta(days=7)
    entries, cut_short = digests.gather(settings, materials=materials_dir, site=site_dir, base_url=base_url, audience=audience or "")
    result = digests.make_digest(entries, day, audience=audience or "", limit=limit, group=group)
    if warning := digests.covers(entries, day, cut_short):
        result.notes.append(warning)
    click.echo(result.as_json() if fmt == "json" else result.as_text())
    click.echo("\n".join([result.summary_line(), *result.notes]), err=True)
    sys.exit(1 if result.too_long else 0)


if __name__ == "__main__":
    main()

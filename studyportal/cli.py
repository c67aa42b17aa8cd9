"""The ``studyportal`` command: the steps users run by hand."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from studyportal.catalog import load_catalog
from studyportal.problems import format_json, format_text


@click.group(help="学习资料门户：检查、新建、构建、打包学习材料。")
@click.version_option(package_name="studyportal")
def main() -> None:
    pass


@main.command(help="检查 materials/ 中的全部材料和课程文件，列出所有问题。")
@click.argument("path", default="materials", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
def check(path: Path, fmt: str) -> None:
    started = time.perf_counter()
    result = load_catalog(path)
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


if __name__ == "__main__":
    main()

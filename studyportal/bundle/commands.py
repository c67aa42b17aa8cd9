"""The ``bundle``, ``verify`` and ``apply`` commands (registered on the main ``studyportal`` group)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from studyportal.bundle.errors import BundleError
from studyportal.bundle.make import make_bundle
from studyportal.bundle.notes import human_size
from studyportal.bundle.update import apply_update
from studyportal.bundle.verify import verify_path
from studyportal.plan.edition import EDITIONS


@click.command(help="打包离线版：双击 index.html 就能用，不需要联网；附带校验清单和说明。")
@click.option(
    "--audience", "edition", type=click.Choice(EDITIONS), default="all", show_default=True, help="all 为完整版，其他为该类学员的版本"
)
@click.option("-f", "--config-file", default="mkdocs.yml", type=click.Path(path_type=Path), show_default=True)
@click.option("-o", "--out", default="dist", type=click.Path(path_type=Path), show_default=True, help="输出文件夹，或 .zip 文件名")
@click.option(
    "--since", type=click.Path(path_type=Path), default=None, help="上一版（压缩包或文件夹）：列出变化，并另写一个只含变化的更新包"
)
def bundle(edition: str, config_file: Path, out: Path, since: Path | None) -> None:
    try:
        result = make_bundle(config_file, edition, out, since)
    except BundleError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    m = result.manifest
    click.echo(f"已打包{m.edition_name}：{result.zip_path}（{human_size(result.zip_size)}，{len(m.files)} 个文件）")
    if result.offline.missing_links:
        click.echo(f"  本版未收录的页面：{result.offline.missing_links} 处链接已去掉并标出。")
    for line in result.warnings[:20]:
        click.echo(f"  提示：{line}")
    if result.update_path is not None and result.changes is not None:
        share = 100 * result.update_size / max(1, result.zip_size)
        click.echo(f"更新包：{result.update_path}（{human_size(result.update_size)}，是完整版的 {share:.1f}%）")
        click.echo("与上一版相比：")
        for line in result.changes.text:
            click.echo(f"  {line}")


@click.command(help="校验离线版或更新包（压缩包或文件夹）：列出缺少、多出和损坏的文件。")
@click.argument("path", type=click.Path(path_type=Path))
def verify(path: Path) -> None:
    try:
        report = verify_path(path)
    except BundleError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo("\n".join(report.lines()))
    sys.exit(0 if report.ok else 1)


@click.command(help="把更新包用到解压后的离线版文件夹上：先校验，准备好新版后再替换，出错时旧版不受影响。")
@click.argument("update", type=click.Path(path_type=Path))
@click.argument("folder", type=click.Path(path_type=Path))
def apply(update: Path, folder: Path) -> None:
    try:
        result = apply_update(update, folder)
    except BundleError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if result.recovered:
        click.echo(result.recovered)
    if result.already:
        click.echo(f"{result.folder} 已经是这个更新包的新版，不需要更新。")
    else:
        click.echo(f"已更新 {result.folder}：写入 {result.written} 个文件，删除 {result.deleted} 个文件。")
    if result.report is not None:
        click.echo("\n".join(result.report.lines()))
        sys.exit(0 if result.report.ok else 1)

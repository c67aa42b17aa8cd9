"""The ``bundle``, ``verify``, ``apply`` and ``keygen`` commands (registered on the main ``studyportal`` group)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from studyportal.bundle.make import make_bundle
from studyportal.bundle.notes import human_size
from studyportal.bundle.signing import KEY_ENV, PRIVATE_KEY_NAME, generate_keys, in_unignored_git_tree
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
@click.option(
    "--key",
    "keys",
    multiple=True,
    envvar=KEY_ENV,
    type=click.Path(path_type=Path),
    help=f"县委组织部的私钥（studyportal keygen 生成），用它给离线版和更新包签名；也可设环境变量 {KEY_ENV}。"
    "换密钥时写两次：--key 新私钥 --key 旧私钥（离线版绑定第一个）",
)
def bundle(edition: str, config_file: Path, out: Path, since: Path | None, keys: tuple[Path, ...]) -> None:
    result = make_bundle(config_file, edition, out, since, keys)
    m = result.manifest
    size = human_size(result.zip_size)
    click.echo(f"已打包{m.edition_name}：{result.zip_path}（{size}，{len(m.files)} 个文件，版本号 {result.version}）")
    if len(result.signers) == 1:
        click.echo(f"  已签名（公钥指纹 {result.signers[0].short}），离线版绑定这把公钥。")
    elif result.signers:
        shown = "；".join(k.short for k in result.signers)
        click.echo(f"  已用 {len(result.signers)} 把私钥签名（公钥指纹 {shown}），离线版绑定第一把：{result.signers[0].short}。")
    for line in result.alerts:
        click.echo(f"警告：{line}", err=True)
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


@click.command(
    help="校验离线版或更新包（压缩包或文件夹）：列出缺少、多出和损坏的文件，并核对签名。"
    "退出码：0 校验通过，1 发现问题，2 无法校验（找不到、不是离线版或已损坏）。"
)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--pubkey", type=click.Path(path_type=Path), default=None, help="县委组织部的公钥文件：核对签名是否出自这把密钥")
@click.option(
    "--against",
    type=click.Path(path_type=Path),
    default=None,
    help="已装的离线版文件夹：用它绑定的公钥核对签名（校验更新包时用，和 apply 的核对相同）",
)
def verify(path: Path, pubkey: Path | None, against: Path | None) -> None:
    report = verify_path(path, pubkey, against)
    click.echo("\n".join(report.lines()))
    sys.exit(0 if report.ok else 1)


@click.command(help="把更新包用到解压后的离线版文件夹上：先校验，准备好新版后再替换，出错时旧版不受影响。")
@click.argument("update", type=click.Path(path_type=Path))
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--pubkey",
    type=click.Path(path_type=Path),
    default=None,
    help="县委组织部的公钥文件：离线版还没有绑定公钥时用它核对更新包的签名（已绑定时两者都要对上）",
)
@click.option(
    "--allow-unsigned",
    is_flag=True,
    help="离线版没有绑定公钥、也没有 --pubkey 时，不核对来源就更新（只在确信更新包可靠时用；对已绑定公钥的离线版不起作用）",
)
def apply(update: Path, folder: Path, pubkey: Path | None, allow_unsigned: bool) -> None:
    result = apply_update(update, folder, pubkey=pubkey, allow_unsigned=allow_unsigned)
    if result.recovered:
        click.echo(result.recovered)
    for line in result.origin:
        click.echo(line)
    if result.already:
        click.echo(f"{result.folder} 已经是这个更新包的新版，不需要更新。")
    else:
        click.echo(f"已更新 {result.folder}：写入 {result.written} 个文件，删除 {result.deleted} 个文件。")
    if result.report is not None:
        click.echo("\n".join(result.report.lines()))
        sys.exit(0 if result.report.ok else 1)


@click.command(help="生成给离线版签名用的密钥（Ed25519）：一个私钥、一个公钥。")
@click.option("-o", "--out", default=".", type=click.Path(path_type=Path), show_default=True, help="写到哪个文件夹（已有密钥时不会覆盖）")
def keygen(out: Path) -> None:
    private, public, key = generate_keys(out)
    private, public = private.absolute(), public.absolute()
    click.echo(
        "\n".join(
            [
                "已生成签名密钥（Ed25519）：",
                f"  私钥：{private}（只有你自己能读）",
                f"  公钥：{public}",
                f"  公钥指纹：{key.short}",
                "",
                f"打包时用私钥签名：studyportal bundle --key {private}（或设置环境变量 {KEY_ENV}={private}）。",
                "每个签了名的离线版都带着这把公钥；装好的终端以后只接受用这把私钥签名的更新包。",
                "",
                "私钥必须保密：",
                f"  - 绝不能提交到代码仓库（.gitignore 已经忽略 {PRIVATE_KEY_NAME}），不要发邮件、不要放进共享文件夹；",
                "  - 绝不能拷到终端电脑上，也不能放进发给村里的 U 盘或离线版：谁拿到私钥，谁就能做出终端会接受的更新包。",
                "备份（丢了私钥，已装的终端就只能重新拷贝完整的新版）：",
                "  把私钥文件复制到两个只做备份用的 U 盘，贴上标签，分别锁在组织部的保密柜里；",
                "  也可以把私钥文件打印出来（只有几行字）一起封存。公钥丢了没关系：任何一个签了名的离线版里的 signing-key.pub 就是它。",
                "",
                f"公钥可以公开：把公钥文件 {public.name} 和上面的指纹发给各终端管理员，让他们核对。",
            ]
        )
    )
    if in_unignored_git_tree(private):
        click.echo(
            f"警告：{private} 在代码仓库里，而且没有被 .gitignore 忽略，可能被误提交：把它移到仓库外面，或把文件名加进 .gitignore。",
            err=True,
        )

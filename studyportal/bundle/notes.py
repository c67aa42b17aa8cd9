"""The instructions for the terminal administrator, readable in Notepad on an old Chinese Windows PC.

``校验说明.txt`` is GBK (the "ANSI" code page of Chinese Windows); ``README.txt`` holds the same text
as UTF-8 with a byte-order mark, for other systems and for unzip tools that garble Chinese names.
Both use CRLF line ends and only characters GBK can encode.
"""

from __future__ import annotations

from studyportal.bundle.formats import NOTES_ASCII, NOTES_GBK, shown_time
from studyportal.bundle.manifest import Manifest


def gbk_safe(text: str) -> str:
    """Replace any character GBK cannot encode (rare characters, emoji) with ``?``."""
    return text.encode("gbk", errors="replace").decode("gbk")


def note_files(text: str, gbk_name: str, ascii_name: str) -> dict[str, bytes]:
    """The same text twice: GBK under the Chinese name, UTF-8 with BOM under the ASCII name; CRLF line ends."""
    crlf = gbk_safe(text).replace("\r\n", "\n").replace("\n", "\r\n")
    return {gbk_name: crlf.encode("gbk"), ascii_name: b"\xef\xbb\xbf" + crlf.encode("utf-8")}


def human_size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def bundle_notes(m: Manifest, site_files: int, site_bytes: int, has_search: bool, fingerprint: str = "", version: str = "") -> str:
    """The text of 校验说明.txt for a bundle (its own two files are not yet in ``m.files``).

    ``fingerprint`` is the short fingerprint of the key the edition pins ('' when it is not signed);
    ``version`` the version code the copy's pages show (checkpage.version_code).
    """
    folder = m.folder
    if fingerprint:
        others = f"manifest.json、manifest.sig、signing-key.pub、manifest.js、SHA256SUMS、校验.html、{NOTES_GBK}、{NOTES_ASCII}"
        origin = [
            "确认来源：本版由县委组织部用私钥签了名（manifest.sig），并带着组织部的公钥 signing-key.pub，",
            f"  公钥指纹：{fingerprint}",
            "  请把这个指纹和组织部通知的指纹逐位核对。校验.html（在较新的 Chrome、Edge 里）和 studyportal verify 都会核对签名；",
            "  以后只有用同一把密钥签名的更新包，studyportal apply 才会接受。",
        ]
    else:
        others = f"manifest.json、manifest.js、SHA256SUMS、校验.html、{NOTES_GBK}、{NOTES_ASCII}"
        origin = [
            "注意：本版没有签名，无法确认它来自县委组织部。用更新包更新它时，",
            "  要加 --pubkey 组织部的公钥文件（或者在确认更新包可靠时加 --allow-unsigned）。",
        ]
    search = (
        "4. 搜索：在页面顶部的搜索框输入要找的字词（不用空格，可以只输入词的一部分），按回车。"
        if has_search
        else "4. 本版没有搜索功能，请从首页的课程和分类进入。"
    )
    lines = [
        f"党员学习资料门户 离线版（{m.edition_name}）",
        "==============================================",
        f"生成时间：{shown_time(m.built)}",
        *([f"版本号：{version}（每个网页的最下面和 校验.html 也显示它）"] if version else []),
        f"来源版本：{m.commit}",
        f"网页和资源文件：{site_files} 个，共 {human_size(site_bytes)}（另有 {others}）",
        "",
        "一、怎样打开",
        f"1. 把整个文件夹 {folder} 复制到电脑硬盘上（例如 D:\\党员学习\\{folder}）。不要只复制其中的几个文件。",
        "2. 打开这个文件夹，双击 index.html，会用浏览器打开首页。不需要联网。",
        "3. 如果双击后没有用浏览器打开：右键 index.html，选“打开方式”，选一个浏览器"
        "（建议用较新的 Chrome、Firefox、Edge，或 360 浏览器、QQ 浏览器的“极速模式”）。",
        search,
        "5. 标有“（需联网）”的链接指向外部网站，断网时打不开，这是正常的。",
        "",
        "二、怎样检查文件是否完整（不需要联网，也不需要安装软件）",
        f"方法一（推荐）：双击文件夹里的 校验.html，点“选择离线版文件夹”，选中 {folder} 这个文件夹。",
        "  浏览器问要不要“上传”时点“上传”：文件只在这台电脑上核对，不会发到任何地方。",
        "  显示“完整”就是全部正确；否则页面会列出缺少、已损坏和多出的文件。",
        "方法二（Linux 终端）：在这个文件夹里打开终端，运行",
        "    sha256sum -c SHA256SUMS",
        "  每一行都显示“成功”（或 OK）、最后没有“警告”（WARNING）就是全部正确。",
        "方法三（有 studyportal 工具的电脑）：",
        f"    studyportal verify {folder}",
        f"  会逐个核对文件并核对签名；也可以直接校验压缩包：studyportal verify {folder}.zip",
        "只查一个文件（Windows 命令提示符）：certutil -hashfile 文件名 SHA256，把结果和 SHA256SUMS 里那一行对照。",
        *origin,
        "发现问题时，重新从 U 盘拷贝整个文件夹或压缩包。",
        "",
        "三、怎样更新",
        f"收到名字里带 update 的更新包（{folder}-update-…zip）后，两种办法任选一种：",
        f"方法一（不需要任何工具）：把更新包解压到 {folder} 所在的那个文件夹（例如 D:\\党员学习），",
        "  问“替换或跳过文件”时选“替换目标中的文件”。然后用 校验.html 校验一次：显示“完整”即可；",
        "  列在“可以删除”下面的是新版不再需要的旧文件，可以删掉。",
        "方法二（有 studyportal 工具的电脑）：",
        f"    studyportal apply 更新包.zip {folder}",
        "  会先核对更新包（包括签名）和旧版，在旁边准备好新版并校验通过后才替换；中途断电或出错时旧版仍然可用。",
        "  更新包只能用在它所对应的那一版上（见更新包里的 更新说明.txt）。装的是更早的版本时，请直接拷贝完整的新版压缩包。",
        "",
        "四、本版与上一版相比",
    ]
    if m.previous:
        lines.append(f"上一版：生成于 {shown_time(m.previous.get('built', ''))}，来源版本 {m.previous.get('commit', '')}")
        lines += (m.changes or {}).get("text") or []
    else:
        lines.append("（打包时没有指定上一版，无法列出变化。）")
    return "\n".join(lines) + "\n"


def update_notes(
    edition_name: str,
    folder: str,
    base: dict[str, str],
    target: dict[str, str],
    changes: list[str],
    delete: list[str],
    fingerprints: list[str] | None = None,
) -> str:
    """The text of 更新说明.txt for an update package; ``fingerprints`` are those of the keys that sign it."""
    if fingerprints:
        origin = [
            f"  本更新包由县委组织部签名（update.sig），签名公钥指纹：{'；'.join(fingerprints)}。",
            "  apply 会用本机离线版绑定的公钥核对签名，对不上时拒绝更新、不做任何改动。",
            "  解压覆盖时，校验.html 会核对新版的签名，签名公钥和这台电脑上次校验时不同会提醒你。",
        ]
    else:
        origin = ["  本更新包没有签名：已经绑定了组织部公钥的离线版会拒绝它。"]
    lines = [
        f"党员学习资料门户 离线版（{edition_name}）更新包",
        "==============================================",
        f"适用于：生成于 {shown_time(base.get('built', ''))} 的旧版（来源版本 {base.get('commit', '')}）",
        f"更新后：生成于 {shown_time(target.get('built', ''))} 的新版（来源版本 {target.get('commit', '')}）",
        "",
        "一、怎样更新（两种办法任选一种）",
        f"方法一（不需要任何工具）：把本更新包解压到旧版文件夹 {folder} 所在的那个文件夹（例如 D:\\党员学习），",
        f"  不要解压到 {folder} 里面。问“替换或跳过文件”时选“替换目标中的文件”。",
        f"  然后双击 {folder}\\校验.html，选中 {folder} 文件夹校验：显示“完整”就更新好了；",
        "  列在“可以删除”下面的是新版不再需要的旧文件（也就是下面第二部分列出的），可以删掉。",
        "方法二（有 studyportal 工具的电脑）：",
        f"    studyportal apply 本更新包.zip {folder}",
        "  不用解压本更新包。它会先核对更新包和旧版，在旁边准备好新版并校验通过后才替换旧版，并删除旧文件；",
        "  中途断电或出错时旧版仍然可用，再运行一次即可。",
        "本更新包只能用在上面“适用于”的那一版上；装的是更早的版本时，请直接拷贝完整的新版压缩包。",
        *origin,
        "",
        "二、新版不再需要的旧文件（apply 会删除它们；解压覆盖时请手工删除）",
    ]
    lines += [f"  {folder}\\{p.replace('/', chr(92))}" for p in delete] or ["  （没有）"]
    lines += ["", "三、变化", *changes]
    return "\n".join(lines) + "\n"

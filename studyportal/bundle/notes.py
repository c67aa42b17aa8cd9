"""The instructions for the terminal administrator, readable in Notepad on an old Chinese Windows PC.

``校验说明.txt`` is GBK (the "ANSI" code page of Chinese Windows); ``README.txt`` holds the same text
as UTF-8 with a byte-order mark, for other systems and for unzip tools that garble Chinese names.
Both use CRLF line ends and only characters GBK can encode.
"""

from __future__ import annotations

from studyportal.bundle.manifest import Manifest

NOTES_GBK = "校验说明.txt"
NOTES_ASCII = "README.txt"
UPDATE_NOTES_GBK = "更新说明.txt"
UPDATE_NOTES_ASCII = "UPDATE.txt"


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


def bundle_notes(m: Manifest, site_files: int, site_bytes: int, has_search: bool, fingerprint: str = "") -> str:
    """The text of 校验说明.txt for a bundle (its own two files are not yet in ``m.files``).

    ``fingerprint`` is the short fingerprint of the key the edition pins ('' when it is not signed).
    """
    folder = m.folder
    if fingerprint:
        others = f"manifest.json、manifest.sig、signing-key.pub、{NOTES_GBK}、{NOTES_ASCII}"
        origin = [
            "方法三（确认来源）：本版由县委组织部用私钥签了名（manifest.sig），并带着组织部的公钥 signing-key.pub，",
            f"  公钥指纹：{fingerprint}",
            "  请把这个指纹和组织部通知的指纹逐位核对。studyportal verify 会核对签名；",
            "  以后只有用同一把密钥签名的更新包，studyportal apply 才会接受。",
        ]
    else:
        others = f"manifest.json、{NOTES_GBK}、{NOTES_ASCII}"
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
        f"生成时间：{m.built.replace('T', ' ')[:16]}",
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
        "二、怎样检查文件是否完整",
        "方法一（有 studyportal 工具的电脑）：",
        f"    studyportal verify {folder}",
        "  会逐个核对文件，列出缺少、多出和损坏的文件；全部正确时显示“校验通过”。也可以直接校验压缩包：",
        f"    studyportal verify {folder}.zip",
        "方法二（手工）：manifest.json 里列出了每个文件的大小和 SHA-256 校验值。在 Windows 7 及以上的“命令提示符”里运行",
        "    certutil -hashfile 文件名 SHA256",
        "  把结果和 manifest.json 里的 sha256 对照。至少核对一下文件夹的文件总数（右键文件夹，选“属性”）。",
        *origin,
        "发现问题时，重新从 U 盘拷贝整个文件夹或压缩包。",
        "",
        "三、怎样更新",
        "收到名字里带 update 的更新包后：",
        f"    studyportal apply 更新包.zip {folder}",
        "  会先核对更新包和旧版，在旁边准备好新版并校验通过后才替换；中途断电或出错时旧版仍然可用。",
        "  更新包只能用在它所对应的那一版上。没有 studyportal 工具时，请直接拷贝完整的新版压缩包。",
        "",
        "四、本版与上一版相比",
    ]
    if m.previous:
        lines.append(f"上一版：生成于 {m.previous.get('built', '').replace('T', ' ')[:16]}，来源版本 {m.previous.get('commit', '')}")
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
        ]
    else:
        origin = ["  本更新包没有签名：已经绑定了组织部公钥的离线版会拒绝它。"]
    lines = [
        f"党员学习资料门户 离线版（{edition_name}）更新包",
        "==============================================",
        f"适用于：生成于 {base.get('built', '').replace('T', ' ')[:16]} 的旧版（来源版本 {base.get('commit', '')}）",
        f"更新后：生成于 {target.get('built', '').replace('T', ' ')[:16]} 的新版（来源版本 {target.get('commit', '')}）",
        "",
        "一、怎样更新",
        f"    studyportal apply 本更新包.zip {folder}",
        "  不用解压本更新包。它会先核对更新包和旧版，在旁边准备好新版并校验通过后才替换旧版；",
        "  中途断电或出错时旧版仍然可用，再运行一次即可。",
        "  没有 studyportal 工具时，请直接拷贝完整的新版压缩包。",
        *origin,
        "",
        "二、本更新包会删除的旧文件",
    ]
    lines += [f"  {folder}\\{p.replace('/', chr(92))}" for p in delete] or ["  （没有）"]
    lines += ["", "三、变化", *changes]
    return "\n".join(lines) + "\n"

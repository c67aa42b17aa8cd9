"""Links and pictures in trainer Markdown that point inside the portal: found, checked and given their place.

MkDocs (``build --strict``) fails on a relative link whose target has a file extension and is not a page or
file of the site: ``other.md``, ``图片.png``, ``讲义.pdf``, even ``foo@bar.com``. Materials are published at
``materials/<slug>/``, not where their source file sits, so every such link a trainer writes is either
resolved here — another material (``material:slug`` or its ``.md`` path), or a picture or attachment beside
the material, copied next to its page under an ASCII name — or reported as an error with the line, so that
``check`` and ``build`` agree. Links MkDocs only notes (absolute ``/…`` links, folders, missing ``#anchors``)
are warnings. Cross-file resolution (slugs, ``.md`` paths, anchors) is in :func:`check_references`.
"""

from __future__ import annotations

import difflib
import html
import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit

from studyportal.kinds import kind_spec
from studyportal.model import Material, Reference
from studyportal.names import is_reserved
from studyportal.problems import Problem
from studyportal.sanitize.lint import blank_code
from studyportal.slugs import slugify
from studyportal.vocabulary import MATERIAL_LINK

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp")
# SVG is refused: an SVG file can carry script, which runs when a reader opens the file itself (a link to it).
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt")
PAGE_EXTENSIONS = (".md", ".markdown")
# Phones on slow networks (2G/EDGE about 6–10 KB/s, weak 3G about 50–100 KB/s): a 300 KB picture is half a
# minute on 2G and a few seconds on 3G, and a phone photo resized to 1000–1200 pixels wide fits well under it
# (a photo straight from the camera is 2–5 MB). An attachment is opened on purpose, so it may be bigger:
# 2 MB is a handout PDF of some twenty pages. Above 20 MB a file is refused: every offline copy carries it.
IMAGE_WARN_BYTES = 300_000
ATTACHMENT_WARN_BYTES = 2_000_000
FILE_MAX_BYTES = 20_000_000

FIX_MATERIAL = "链接本站的另一篇材料，请写 [文字](material:网址名)，网址名就是那篇材料的 slug；这样移动文件后链接也不会失效"
_ESCAPABLE = "\\`*_{}[]()>#+-.!"
_LINK_CLOSE = re.compile(r"\]\(")
_LINK_TEXT_MAX = 2000  # how far back the opening [ of a link text is looked for
_REF_DEF = re.compile(r"^ {0,3}\[([^\]\n]+)\]:[ \t]*\n?[ \t]*(\S+)", re.M)
_IMAGE_BY_REF = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\[([^\]\n]*)\]")
_HTML_REF = re.compile(r"<(img|a)\b[^>]*?\s(src|href)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I | re.S)
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:cn|com|net|org|gov|edu|info|top|xyz)(?:[/:?#]|$)", re.I)


class AssetNames:
    """ASCII names for the files one page (or one curriculum's pages) copies beside itself, unique among them.

    Offline copies are unzipped on old Windows and FAT32 sticks, where Chinese file names come out garbled,
    so ``学习图片.png`` is published as ``xue-xi-tu-pian.png`` (the reference is rewritten to match).
    """

    def __init__(self) -> None:
        self.by_path: dict[Path, str] = {}
        self.used: set[str] = {"index.md", "index.html"}

    def name(self, path: Path) -> str:
        if path in self.by_path:
            return self.by_path[path]
        stem, ext = os.path.splitext(path.name)
        stem = stem.lower() if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", stem) else slugify(stem, max_words=12)
        stem = stem[:60].rstrip("-_") or "file"
        if is_reserved(stem):
            stem += "-file"
        name, n = f"{stem}{ext.lower()}", 2
        while name in self.used:
            name, n = f"{stem}-{n}{ext.lower()}", n + 1
        self.used.add(name)
        self.by_path[path] = name
        return name


def scan_references(
    text: str,
    *,
    shown: str,
    first_line: int,
    source: Path | None,
    root: Path | None,
    names: AssetNames,
    problems: list[Problem],
    draft: bool = False,
    field: str = "正文",
) -> list[Reference]:
    """Every link and picture of ``text`` (Markdown) that points inside the portal, checked as far as one file can be.

    ``source`` is the file the text is in (relative paths start beside it) and ``root`` the materials folder;
    ``first_line`` is the file line of the text's first line. In a draft, what would stop a publish is only a
    warning: drafts are never published.
    """
    if "](" not in text and "]:" not in text and "<" not in text:
        return []  # most bodies: no link at all
    scanner = _Scanner(text, shown, first_line, source, root, names, problems, "warning" if draft else "error", field)
    return scanner.run()


class _Scanner:
    def __init__(
        self,
        text: str,
        shown: str,
        first_line: int,
        source: Path | None,
        root: Path | None,
        names: AssetNames,
        problems: list[Problem],
        severity: str,
        field: str,
    ) -> None:
        self.text = blank_code(text)  # code is shown as typed, never a link
        self.shown, self.first_line, self.names, self.problems = shown, first_line, names, problems
        self.severity, self.field = severity, field
        self.root = Path(os.path.abspath(root)) if root is not None else None
        self.folder = Path(os.path.abspath(source)).parent if source is not None else None
        self.found: list[Reference] = []

    def run(self) -> list[Reference]:
        text = self.text
        image_labels = {m.group(2).strip().lower() or m.group(1).strip().lower() for m in _IMAGE_BY_REF.finditer(text)}
        for match in _LINK_CLOSE.finditer(text):
            opening = _link_text_start(text, match.start())
            dest = _destination(text, match.end()) if opening is not None else None
            if opening is not None and dest is not None:
                self.markdown_target(_unescape(dest[0]), dest[1], opening > 0 and text[opening - 1] == "!")
        for match in _REF_DEF.finditer(text):
            value = match.group(2)
            if value.startswith("<") and value.endswith(">"):
                value = value[1:-1]
            self.markdown_target(_unescape(value), match.start(2), match.group(1).strip().lower() in image_labels)
        for match in _HTML_REF.finditer(text):
            value = html.unescape(match.group(3).strip("\"'"))
            self.html_target(value, match.start(3), match.group(1).lower() == "img")
        return self.found

    # -- reporting --------------------------------------------------------------------------------------------------
    def where(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset)
        return self.first_line + line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def problem(self, offset: int, message: str, fix: str, severity: str = "") -> None:
        line, column = self.where(offset)
        self.problems.append(Problem(self.shown, line, message, fix, field=self.field, column=column, severity=severity or self.severity))

    def reference(self, offset: int, href: str, kind: str, **kw: object) -> Reference:
        line, column = self.where(offset)
        ref = Reference(href, line, column, kind, field=self.field, **kw)  # type: ignore[arg-type]
        self.found.append(ref)
        return ref

    # -- Markdown links and pictures ---------------------------------------------------------------------------------
    def markdown_target(self, href: str, offset: int, image: bool) -> None:
        what = "图片" if image else "链接"
        if not href:
            return
        if href.startswith("#"):
            if len(href) > 1:
                self.reference(offset, href, "anchor", anchor=href[1:])
            return
        if href.lower().startswith(MATERIAL_LINK):
            slug, _, anchor = href[len(MATERIAL_LINK) :].partition("#")
            slug = slug.strip()
            if image:  # a picture that shows nothing (the renderer leaves its text): no failed build, a warning
                fix = "material: 只用于链接：[文字](material:网址名)；图片写成 ![说明](图片.png)"
                self.problem(offset, f"图片不能写成 {href}，读者只会看到说明文字", fix, severity="warning")
            elif not slug:
                fix = "在 material: 后面写上那篇材料的网址名（slug），例如 material:xin-dangzhang"
                self.problem(offset, f"链接“{href}”没有写网址名，读者只会看到链接文字", fix, severity="warning")
            else:
                self.reference(offset, href, "material", slug=slug, anchor=anchor)
            return
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return  # outside the site: the sanitiser and its warnings (sanitize/lint.py) decide
        if href.startswith(("/", "\\")):
            self.problem(
                offset,
                f"{what}“{href[:60]}”以 / 开头：离线版从 U 盘打开时找不到它",
                FIX_MATERIAL if not image else "把图片放在材料旁边，写相对路径，例如 ![说明](图片.png)",
                severity="warning",
            )
            return
        path = unquote(parts.path).replace("\\", "/")
        ext = posixpath.splitext(path)[1].lower()
        if not ext:
            if path.strip("./"):
                self.problem(
                    offset, f"站内{what}“{href[:60]}”指向一个文件夹，移动文件或离线使用时会打不开", FIX_MATERIAL, severity="warning"
                )
            return
        if "@" in path and "/" not in path:
            self.problem(offset, f"{what}“{href[:60]}”像是电子邮箱地址，网站会把它当成一个找不到的文件", f"写成 mailto:{path}")
            return
        if _DOMAIN.match(path):
            self.problem(
                offset, f"{what}“{href[:60]}”像是外网网址，但没有写 https://，网站会把它当成一个找不到的文件", f"写完整网址：https://{href}"
            )
            return
        self.local_target(href, path, ext, parts.fragment, offset, image)

    def local_target(self, href: str, path: str, ext: str, fragment: str, offset: int, image: bool) -> None:
        """A relative target with a file extension: another material's file, a picture or attachment, or an error."""
        what = "图片" if image else "链接"
        if ext in PAGE_EXTENSIONS:
            if image:
                self.problem(
                    offset, f"图片不能是 Markdown 文件 {href[:60]}", "图片写成 ![说明](图片.png)；链接写成 [文字](material:网址名)"
                )
                return
            target = self.resolve(path, offset, what)
            if target is not None:
                self.reference(offset, href, "page", path=target, anchor=fragment)
            return
        if ext == ".svg":
            self.problem(
                offset,
                f"不能用 SVG 文件 {href[:60]}：SVG 里可以藏脚本，打开它就会运行",
                "把它另存为 PNG 图片（画图或浏览器截图都可以），再引用 PNG 文件",
            )
            return
        if ext in (".html", ".htm"):
            self.problem(offset, f"{what}“{href[:60]}”指向网页文件：材料发布后的位置和源文件不同，这个链接会打不开", FIX_MATERIAL)
            return
        allowed = IMAGE_EXTENSIONS if image else IMAGE_EXTENSIONS + ATTACHMENT_EXTENSIONS
        if ext not in allowed:
            listed = "、".join(e[1:] for e in allowed)
            if image:
                self.problem(
                    offset, f"图片只能是 {listed} 格式，这里是 {ext[1:]}", "把它另存为 PNG 或 JPG；文档请写成链接 [文字](文件.pdf)"
                )
            else:
                self.problem(
                    offset,
                    f"不能发布 {ext[1:]} 文件 {href[:60]}：网站只收图片和常用文档（{listed}）",
                    "换成 PDF 等可以发布的格式；视频和网页请写外网链接 [文字](https://…)",
                )
            return
        target = self.resolve(path, offset, what)
        if target is None:
            return
        size = self.file_size(target, path, offset)
        if size is None:
            return
        self.size_checks(size, ext, href, offset)
        self.reference(offset, href, "file", image=image, path=target, name=self.names.name(target))

    def resolve(self, path: str, offset: int, what: str) -> Path | None:
        """The file a relative path names, beside the source file; None after an error (outside materials/, hidden)."""
        if self.folder is None or self.root is None:
            return None
        target = Path(os.path.normpath(self.folder / path))
        if target != self.root and self.root not in target.parents:
            page = path.lower().endswith(PAGE_EXTENSIONS)
            fix = FIX_MATERIAL if page else "只能引用 materials/ 里的文件：把文件复制到材料旁边，再写相对路径"
            self.problem(offset, f"{what}“{path[:60]}”指向 materials/ 文件夹以外", fix)
            return None
        if any(part.startswith(".") for part in target.relative_to(self.root).parts):
            self.problem(offset, f"{what}“{path[:60]}”指向隐藏的文件或文件夹（名字以 . 开头），不会发布", "把文件放到不以 . 开头的文件夹里")
            return None
        return target

    def file_size(self, target: Path, written: str, offset: int) -> int | None:
        """The size of the file a picture or attachment names; None after an error (missing, a link, a name in other case)."""
        assert self.root is not None
        folder = self.root
        for part in target.relative_to(self.root).parts:
            try:
                names = os.listdir(folder)
            except OSError:
                names = []
            if part not in names:  # also when Windows or macOS would find it in another case, and Linux would not
                self.problem(offset, f"找不到文件 {written[:60]}（{_shown(target, self.root)}）", _missing_fix(target, written))
                return None
            folder = folder / part
            if folder.is_symlink():
                message = f"“{written[:60]}”是符号链接（快捷方式）或在符号链接的文件夹里，不会发布"
                self.problem(offset, message, "把真正的文件复制到材料旁边")
                return None
        try:
            if target.is_file():
                return target.stat().st_size
        except OSError:
            pass
        self.problem(offset, f"“{written[:60]}”不是一个文件", "引用文件本身，不要引用文件夹")
        return None

    def size_checks(self, size: int, ext: str, href: str, offset: int) -> None:
        if size > FILE_MAX_BYTES:
            self.problem(
                offset,
                f"文件太大：{size / 1e6:.1f} MB，最多 {FILE_MAX_BYTES // 1_000_000} MB（每个离线版都要带上它）",
                "压缩或拆成几个文件；视频请放在外网，写成链接 [文字](https://…)",
            )
        elif ext in IMAGE_EXTENSIONS and size > IMAGE_WARN_BYTES:
            self.problem(
                offset,
                f"图片 {href[:40]} 有 {size // 1000} KB，用手机在 2G/3G 网络下要等很久（建议不超过 {IMAGE_WARN_BYTES // 1000} KB）",
                "把图片缩小到宽 1000 像素左右再保存（JPG 质量 80%，一般只有 100–200 KB）：手机相册的“编辑—调整大小”或电脑的“画图”都可以",
                severity="warning",
            )
        elif ext in ATTACHMENT_EXTENSIONS and size > ATTACHMENT_WARN_BYTES:
            self.problem(
                offset,
                f"附件 {href[:40]} 有 {size / 1e6:.1f} MB，用手机流量下载很慢（建议不超过 {ATTACHMENT_WARN_BYTES // 1_000_000} MB）",
                "PDF 可以用“另存为—缩小文件大小”压缩，图片多的文档先把图片缩小；或拆成几个文件",
                severity="warning",
            )

    # -- raw HTML ----------------------------------------------------------------------------------------------------
    def html_target(self, value: str, offset: int, image: bool) -> None:
        """``<img src>`` and ``<a href>`` written as HTML are neither copied nor rewritten: say so when they point inside."""
        parts = urlsplit(value)
        if not value or value.startswith(("#", "/", "\\")) or parts.scheme or parts.netloc:
            return  # outside links, anchors and the like: the sanitiser's warnings cover them
        if image:
            self.problem(
                offset,
                f'用 HTML 写的图片 <img src="{value[:40]}"> 不会被复制到网站上，读者看不到',
                "写成 Markdown 图片：![说明](图片.png)",
                "warning",
            )
        else:
            self.problem(
                offset,
                f'用 HTML 写的站内链接 <a href="{value[:40]}"> 不会被改写，发布后多半打不开',
                "写成 Markdown 链接：[文字](material:网址名) 或 [文字](讲义.pdf)",
                "warning",
            )


def _link_text_start(text: str, close: int) -> int | None:
    """The ``[`` that the ``]`` at ``close`` closes (brackets may nest, as Python-Markdown allows), within one paragraph."""
    depth = 0
    for i in range(close - 1, max(-1, close - _LINK_TEXT_MAX), -1):
        c = text[i]
        if c == "]":
            depth += 1
        elif c == "[":
            if depth == 0:
                return i
            depth -= 1
        elif c == "\n" and i > 0 and text[i - 1] == "\n":
            return None
    return None


def _destination(text: str, i: int) -> tuple[str, int] | None:
    """The link destination that starts at ``text[i]`` (just after ``](``), and where it starts; Python-Markdown's rules."""
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] == "\n":
        i += 1
        while i < n and text[i] in " \t":
            i += 1
    if i < n and text[i] == "<":
        end = text.find(">", i + 1)
        newline = text.find("\n", i + 1)
        if end < 0 or 0 <= newline < end:
            return None
        return text[i + 1 : end], i + 1
    start, depth = i, 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            i += 2
            continue
        if c in " \t\n":
            break
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return text[start:i], start


def _unescape(value: str) -> str:
    """A destination as Python-Markdown hands it on: backslash escapes and character references undone."""
    value = re.sub(r"\\(.)", lambda m: m.group(1) if m.group(1) in _ESCAPABLE else m.group(0), value)
    return html.unescape(value)


def _shown(path: Path, root: Path | None) -> str:
    if root is None:
        return path.name
    try:
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return path.name


def _missing_fix(target: Path, written: str) -> str:
    """Did you mean: a file of the same folder whose name differs only in case or a little."""
    try:
        siblings = [p.name for p in target.parent.iterdir() if p.is_file()]
    except OSError:
        siblings = []
    same_case = [s for s in siblings if s.lower() == target.name.lower()]
    if same_case:
        return f"文件名的大小写要和文件完全一致：写成 {posixpath.join(posixpath.dirname(written), same_case[0])}"
    close = difflib.get_close_matches(target.name, siblings, n=1, cutoff=0.6)
    if close:
        return f"你是不是想写 {posixpath.join(posixpath.dirname(written), close[0])}？"
    return "把文件放在材料旁边（同一个文件夹），文件名和这里写的完全一致；路径从材料文件所在的文件夹算起"


# -- across files ----------------------------------------------------------------------------------------------------


def check_references(
    owner_source: str,
    refs: list[Reference],
    published: dict[str, Material],
    drafts: dict[str, Material],
    by_path: dict[Path, Material],
    problems: list[Problem],
    anchors_of: Callable[[Material], set[str]],
    self_material: Material | None = None,
    draft: bool = False,
) -> None:
    """Resolve ``material:`` and ``.md`` links against the whole tree, and look up their ``#anchors``.

    A link to a material that does not exist or is a draft would be a dead link on the site: an error (a
    warning inside a draft). A missing ``#anchor`` only lands the reader at the top of the page: a warning.
    """
    severity = "warning" if draft else "error"

    def problem(ref: Reference, message: str, fix: str, level: str = "") -> None:
        problems.append(Problem(owner_source, ref.line, message, fix, field=ref.field, column=ref.column, severity=level or severity))

    for ref in refs:
        target: Material | None = None
        if ref.kind == "anchor":
            target = self_material
        elif ref.kind == "material":
            target = published.get(ref.slug)
            if target is None and ref.slug in drafts:
                problem(
                    ref,
                    f"链接的材料 {ref.slug} 还是草稿，发布后这个链接会打不开",
                    f"等 {drafts[ref.slug].source} 发布（删去 draft: true）后再加这个链接，或先删掉链接",
                )
            elif target is None:
                guess = suggest_slug(ref.slug, published)
                fix = (
                    f"你是不是想写 material:{guess}？"
                    if guess
                    else "检查网址名：它是那篇材料的 slug 字段，没写 slug 时是文件名（中文文件名取拼音）"
                )
                problem(ref, f"找不到网址名为 {ref.slug} 的材料", fix)
        elif ref.kind == "page" and ref.path is not None:
            target = by_path.get(ref.path)
            if target is not None and target.draft:
                problem(
                    ref,
                    f"链接的材料 {target.source} 还是草稿，发布后这个链接会打不开",
                    "等它发布（删去 draft: true）后再加这个链接，或先删掉链接",
                )
                target = None
            elif target is None:
                guess = suggest_slug(ref.path.stem, published)
                where = f"你是不是想链接 {published[guess].source}？写成 [文字](material:{guess})" if guess else FIX_MATERIAL
                written = unquote(urlsplit(ref.href).path)
                if ref.path.is_file():  # README.md, a _file, or a material with errors of its own
                    problem(ref, f"链接的文件 {written} 不是一篇发布的材料（它自己有错误，或是 README、以 _ 开头的文件）", FIX_MATERIAL)
                else:
                    problem(ref, f"找不到链接的材料文件 {written}", where)
            else:
                ref.slug = target.slug
        if target is None or not ref.anchor:
            continue
        ids = anchors_of(target)
        if unquote(ref.anchor) not in ids:
            listed = "、".join(sorted(ids)[:8])
            fix = (
                f"#后面写小标题的锚点，可以在网站上点小标题旁的 ¶ 复制；这篇材料的锚点有：{listed}"
                if ids
                else "这篇材料没有小标题，删掉 # 及后面的部分"
            )
            where = "这篇材料" if target is self_material else f"材料 {target.slug} "
            problem(ref, f"{where}里没有锚点 #{ref.anchor}，读者会停在页面开头", fix, "warning")


def suggest_slug(name: str, published: dict[str, Material], prefer: Callable[[Material], bool] | None = None) -> str | None:
    """The URL name a trainer most likely meant by ``name``: the material whose file (or title) it names, else a close slug.

    Trainers write a file name (``xin-dangzhang``, ``学习新党章``, ``dangzhang/xin-dangzhang.md``) where a slug is
    asked for; that file's own slug comes first. Then slugs close in spelling, those ``prefer`` accepts first.
    """
    written = name.strip().rstrip("/")
    base = posixpath.basename(written)
    stem = posixpath.splitext(base)[0] if base.lower().endswith(PAGE_EXTENSIONS) else base
    if not stem:
        return None
    derived = _derived(stem)
    rows = _hint_rows(published)
    for test in (
        lambda row: row[1] == stem,
        lambda row: row[1].lower() == stem.lower(),
        lambda row: row[0].title.strip() == written,
        lambda row: row[0].slug == derived,
        lambda row: row[2] == derived,
    ):
        hits = [row[0] for row in rows if test(row)]
        if hits:
            hits.sort(key=lambda m: not (prefer and prefer(m)))
            return hits[0].slug
    for pool in ([m.slug for m, _, _ in rows if prefer(m)] if prefer else [], list(published)):
        close = difflib.get_close_matches(derived, pool, n=1, cutoff=0.6)
        if close:
            return close[0]
    return None


_hints: tuple[dict[str, Material], list[tuple[Material, str, str]]] | None = None


def _hint_rows(published: dict[str, Material]) -> list[tuple[Material, str, str]]:
    """(material, file stem, URL name its file name gives) for each material; worked out once per catalog."""
    global _hints
    if _hints is None or _hints[0] is not published or len(_hints[1]) != len(published):
        rows = []
        for m in published.values():
            stem = PurePath(m.source).stem
            rows.append((m, stem, _derived(stem)))
        _hints = (published, rows)
    return _hints[1]


def _derived(stem: str) -> str:
    """The URL name a file name gives (as for a material without ``slug:``): itself in lower case, or its pinyin."""
    return stem.lower() if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", stem.lower()) else slugify(stem)


def heading_ids(m: Material) -> set[str]:
    """The ``#anchors`` of a material's page: its headings and the sections the planner adds, as the site's toc names them.

    Rendered with the site's heading settings (``toc`` with ``pymdownx.slugs``, lower case, as in mkdocs.yml, and
    ``attr_list`` for ``{ #id }``); only done for materials that links point into.
    """
    import markdown
    from pymdownx.slugs import slugify as toc_slugify

    spec = kind_spec(m.kind)
    before = spec.before_body(m) if spec and spec.before_body else ""
    after = spec.after_body(m, lambda slug: "") if spec and spec.after_body else ""
    text = "\n\n".join([before, m.body, after])
    md = markdown.Markdown(
        extensions=["toc", "attr_list", "admonition", "tables", "fenced_code"],
        extension_configs={"toc": {"slugify": toc_slugify(case="lower")}},
    )
    return {html.unescape(i) for i in re.findall(r'\sid="([^"]*)"', md.convert(text))}

"""Offline bundles: contents, manifest, notes, safe names, file links, editions, and `studyportal verify`."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from studyportal.bundle.archive import extract_zip
from studyportal.bundle.build import project_site_name
from studyportal.bundle.errors import BundleError
from studyportal.bundle.make import BundleResult, make_bundle
from studyportal.bundle.manifest import page_title
from studyportal.bundle.names import name_problems
from studyportal.bundle.verify import verify_path
from studyportal.errors import StudyportalError
from studyportal.kinds import material_refs
from studyportal.plan.edition import edition_catalog
from studyportal.render.generator import offline_config
from tests.helpers import ROOT, copy_project, load_sample, material_text, use_overrides, write

pytestmark = pytest.mark.slow  # every edition here is built with the real generator

CATALOG = load_sample().catalog
NOTES = ("校验说明.txt", "README.txt")


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studyportal.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def unpack(result: BundleResult, dest: Path) -> Path:
    """Unzip like an administrator would; returns the edition folder."""
    extract_zip(result.zip_path, dest)
    return dest / result.manifest.folder


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory, sample_bundle: BundleResult) -> tuple[BundleResult, Path]:
    return sample_bundle, unpack(sample_bundle, tmp_path_factory.mktemp("bundle-all") / "unzipped")


@pytest.fixture(scope="module")
def mobile(tmp_path_factory: pytest.TempPathFactory) -> tuple[BundleResult, Path]:
    tmp = tmp_path_factory.mktemp("bundle-mobile")
    result = make_bundle(ROOT / "mkdocs.yml", "mobile", tmp / "dist")
    return result, unpack(result, tmp / "unzipped")


def site_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v is not None]


def hrefs(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.hrefs


# --- what is inside -----------------------------------------------------------------------------


def test_zip_holds_one_folder_with_site_manifest_and_notes(full):
    result, folder = full
    with zipfile.ZipFile(result.zip_path, metadata_encoding="gbk") as zf:
        tops = {name.split("/")[0] for name in zf.namelist()}
    assert tops == {"studyportal-all"}
    for name in ("index.html", "manifest.json", *NOTES):
        assert (folder / name).is_file(), name
    for slug in CATALOG.materials:
        assert (folder / "materials" / slug / "index.html").is_file(), slug
    for audience in CATALOG.curricula:
        assert (folder / "curricula" / audience / "index.html").is_file()


def test_manifest_lists_every_file_with_size_and_sha256(full):
    result, folder = full
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edition"] == "all" and manifest["edition_name"] == "完整版"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", manifest["built"])
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    assert manifest["commit"] == "unknown" or manifest["commit"].split("-")[0] == head
    listed = {f["path"]: f for f in manifest["files"]}
    # manifest.json, and the two files written from it for sha256sum and 校验.html, are not listed in it
    assert sorted(listed) == [p for p in site_files(folder) if p not in ("manifest.json", "manifest.js", "SHA256SUMS")]
    for path, entry in listed.items():
        data = (folder / path).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest(), path
    home = listed["index.html"]
    assert home["title"]  # pages carry their titles for the readable change list


def test_every_internal_link_ends_in_a_file_of_the_bundle(full, mobile):
    for _, folder in (full, mobile):
        files = set(site_files(folder))
        checked = 0
        for page in folder.rglob("*.html"):
            rel = page.relative_to(folder).as_posix()
            for href in hrefs(page):
                if href.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.I):
                    continue
                path = unquote(urlsplit(href).path)
                assert path and not path.endswith("/"), f"{rel}: {href} names a folder"
                target = (page.parent / path).resolve()
                assert target.is_relative_to(folder.resolve()), f"{rel}: {href} leaves the bundle"
                assert target.relative_to(folder.resolve()).as_posix() in files, f"{rel}: {href} is missing"
                checked += 1
        assert checked > 100


def test_nothing_from_outside_and_no_web_only_files(full):
    _, folder = full
    files = site_files(folder)
    assert not [f for f in files if f.endswith((".map", "sitemap.xml", "sitemap.xml.gz")) or f == "404.html"]
    assert not [f for f in files if "/workers/" in f or "/lunr/" in f], "Material's search worker is not used offline"
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|img|iframe|link)\b[^>]*(src|href)=\"(https?:)?//", text.replace('rel="canonical"', "")), page
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
        if page.name == "校验.html":
            continue  # the checking page is the bundle's own, not a page of the site (tests/test_check_page.py)
        config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', text, re.S).group(1))
        assert not [f for f in config["features"] if f.startswith("navigation.instant")]
        assert config["version"] is None
    for css in folder.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8"))
    home = (folder / "index.html").read_text(encoding="utf-8")
    # the ResizeObserver stand-in loads before Material's bundle, so old browsers never ask unpkg.com
    assert home.index("assets/javascripts/sp-offline.js") < home.index("assets/javascripts/bundle.")


def test_outside_links_are_marked(full):
    _, folder = full
    text = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.html"))
    for tag in re.findall(r'<a\b[^>]*href="https?://[^"]*"[^>]*>', text):
        assert "sp-external" in tag, tag
    assert 'class="sp-external" title="需要联网才能打开"' in text


def test_file_names_are_safe_for_fat32_and_windows(full):
    _, folder = full
    assert name_problems(site_files(folder), allow_non_ascii=frozenset({"校验说明.txt", "校验.html"})) == []


def test_name_checks_catch_what_breaks_on_usb_sticks():
    problems = "\n".join(
        p.one_line()
        for p in name_problems(
            [
                "a/" + "x" * 200 + ".html",
                "a/what?.html",
                "con/index.html",
                "Materials/a.html",
                "materials/b.html",
                "docs/关于.html",
                "trail./x.html",
            ]
        )
    )
    for expected in ("太长", "不允许的字符", "保留设备名", "大小写", "非英文", "句点结尾"):
        assert expected in problems


def test_notes_are_gbk_with_crlf_and_a_readme_copy(full):
    _, folder = full
    raw = (folder / "校验说明.txt").read_bytes()
    text = raw.decode("gbk")
    assert "\n" not in text.replace("\r\n", "")
    assert "index.html" in text and "studyportal verify" in text and "certutil" in text
    readme = (folder / "README.txt").read_bytes()
    assert readme.startswith(b"\xef\xbb\xbf") and readme[3:].decode("utf-8") == text


def test_chinese_note_name_opens_on_chinese_windows(full):
    """Windows 7's "Extract All" reads names without the UTF-8 flag in GBK; Info-ZIP reads field 0x7075."""
    result, _ = full
    with zipfile.ZipFile(result.zip_path) as zf:
        chinese = [i for i in zf.infolist() if not i.filename.isascii()]
    assert sorted(i.orig_filename.encode("cp437").decode("gbk").rsplit("/", 1)[1] for i in chinese) == ["校验.html", "校验说明.txt"]
    for info in chinese:
        name = info.orig_filename.encode("cp437").decode("gbk").rsplit("/", 1)[1]
        assert not info.flag_bits & 0x800
        assert b"\x75\x70" in info.extra and name.encode() in info.extra


def test_drafts_never_reach_a_bundle(full):
    _, folder = full
    drafts = [p for p in (ROOT / "materials").rglob("*.md") if "draft: true" in p.read_text(encoding="utf-8")]
    everything = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in folder.rglob("*") if p.suffix in {".html", ".js", ".json"})
    for path in drafts:
        title = re.search(r"^title:\s*(.+)$", path.read_text(encoding="utf-8"), re.M).group(1).strip()
        assert title not in everything


# --- editions -----------------------------------------------------------------------------------


def test_edition_follows_reading_lists_to_the_materials_they_name():
    for audience, curriculum in CATALOG.curricula.items():
        edition = edition_catalog(CATALOG, audience)
        kept = set(edition.materials)
        assert {m.slug for m in curriculum.materials()} <= kept
        assert list(edition.curricula) == [audience]
        for m in edition.materials.values():
            assert {r.slug for r in material_refs(m)} <= kept, m.slug
    secretary = edition_catalog(CATALOG, "secretary")
    extra = set(secretary.materials) - {m.slug for m in CATALOG.curricula["secretary"].materials()}
    assert extra, "the sample's secretary reading lists name materials outside the secretary curriculum"


def test_audience_edition_holds_its_curriculum_and_nothing_else(mobile, full):
    result, folder = mobile
    edition = edition_catalog(CATALOG, "mobile")
    pages = {p.parent.name for p in (folder / "materials").glob("*/index.html")}
    assert pages == set(edition.materials)
    assert sorted(p.name for p in (folder / "curricula").iterdir()) == ["mobile"]
    text = "".join(p.read_text(encoding="utf-8") for p in folder.rglob("*.html"))
    hrefs = re.findall(r'href="([^"]*)"', text)
    assert not [h for h in hrefs if "curricula/secretary" in h or "curricula/member" in h]
    home = (folder / "index.html").read_text(encoding="utf-8")
    assert "流动党员版" in home and "完整版" in home
    assert result.manifest.edition == "mobile" and result.zip_size < full[0].zip_size


def test_links_to_pages_outside_the_edition_are_marked_and_mermaid_is_inert(tmp_path):
    project = copy_project(tmp_path / "project")
    # a hand-written page linking to the secretary curriculum, which the mobile edition leaves out
    write(
        project / "docs",
        "links.md",
        '# 链接\n\n[书记课程](curricula/secretary/index.md)\n\n<pre class="mermaid diagram"><code>graph TD; A--&gt;B</code></pre>\n',
    )
    result = make_bundle(project / "mkdocs.yml", "mobile", tmp_path / "dist")
    folder = unpack(result, tmp_path / "unzipped")
    page = (folder / "links.html").read_text(encoding="utf-8")
    tag = re.search(r"<a\b[^>]*>书记课程", page).group(0)
    assert "href" not in tag and "sp-offline-missing" in tag and "没有收录" in tag
    assert result.offline.missing_links >= 1
    # Material would fetch mermaid.js from unpkg.com for this block; offline it stays a plain code block
    # (the sanitiser already drops the unknown classes; the bundle's own guard stays for pages it did not see)
    assert "graph TD" in page and "mermaid" not in page


def test_bundle_stops_with_a_clear_message_on_bad_materials(tmp_path):
    project = copy_project(tmp_path / "project")
    write(project / "materials", "broken.md", material_text(meta="title: 坏的\nkind: nonsense"))
    result = run_cli("bundle", "-o", str(tmp_path / "dist"), cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "broken.md" in result.stderr and "构建离线版失败" in result.stderr
    assert not list(tmp_path.rglob("*.zip"))


def test_bundle_refuses_outside_resources(tmp_path):
    """Page content is sanitised at build time; a county's own template is not, and the bundle still refuses it."""
    project = copy_project(tmp_path / "project")
    write(project / "docs", "pic.md", '# 图\n\n<img src="https://example.com/a.png">\n')
    write(use_overrides(project) / "partials", "copyright.html", '<img src="/\\evil.example/logo.png" alt="">\n')
    with pytest.raises(BundleError, match=r"index\.html.*evil\.example") as refused:
        make_bundle(project / "mkdocs.yml", "all", tmp_path / "dist")
    assert "example.com" not in str(refused.value)  # the trainer's outside image never reached the page


def test_bundle_without_config_is_a_clear_error(tmp_path):
    result = run_cli("bundle", "-f", str(tmp_path / "nope.yml"), "-o", str(tmp_path / "dist"))
    assert result.returncode == 1 and "找不到配置文件" in result.stderr and "Traceback" not in result.stderr


# --- verify -------------------------------------------------------------------------------------


def copy_of(folder: Path, dest: Path) -> Path:
    return Path(shutil.copytree(folder, dest / folder.name))


def test_verify_passes_on_zip_folder_and_parent_folder(full):
    result, folder = full
    for target in (result.zip_path, folder, folder.parent):
        out = run_cli("verify", str(target))
        assert out.returncode == 0, out.stdout + out.stderr
        assert "校验通过" in out.stdout


def test_verify_reports_a_flipped_byte_a_deleted_file_and_an_added_file(full, tmp_path):
    _, folder = full
    copy = copy_of(folder, tmp_path)
    page = copy / "materials" / next(iter(CATALOG.materials)) / "index.html"
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 0x01
    page.write_bytes(bytes(data))
    (copy / "about.html").unlink()
    (copy / "extra.html").write_text("x", encoding="utf-8")
    (copy / "Thumbs.db").write_bytes(b"\0")
    report = verify_path(copy)
    assert not report.ok
    assert [p.path for p in report.corrupt] == [page.relative_to(copy).as_posix()]
    assert [p.path for p in report.missing] == ["about.html"] and [p.path for p in report.extra] == ["extra.html"]
    assert report.ignored == ["Thumbs.db"]
    out = run_cli("verify", str(copy))
    assert out.returncode == 1
    for words in ("缺少的文件 1 个", "损坏或被改动的文件 1 个", "多出来的文件", "about.html", "extra.html", "校验未通过"):
        assert words in out.stdout


def test_verify_catches_a_same_size_change(full, tmp_path):
    _, folder = full
    copy = copy_of(folder, tmp_path)
    css = copy / "assets" / "stylesheets" / "sp-offline.css"
    css.write_bytes(css.read_bytes().replace(b"dotted", b"dashed"))
    report = verify_path(copy)
    assert report.corrupt and "SHA-256" in report.corrupt[0].message


def test_verify_truncated_zip_is_a_clear_error(full, tmp_path):
    result, _ = full
    data = result.zip_path.read_bytes()
    for name, cut in (("half.zip", data[: len(data) // 2]), ("tail.zip", data[:-30]), ("empty.zip", b"")):
        bad = tmp_path / name
        bad.write_bytes(cut)
        out = run_cli("verify", str(bad))
        assert out.returncode == 2, name
        assert "Traceback" not in out.stderr and str(bad) in out.stderr and "重新拷贝" in out.stderr


def test_verify_corrupted_zip_member_is_reported_as_that_file(full, tmp_path):
    result, _ = full
    with zipfile.ZipFile(result.zip_path) as zf:
        info = zf.getinfo("studyportal-all/index.html")
    data = bytearray(result.zip_path.read_bytes())
    start = info.header_offset + 30 + len(info.orig_filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    bad = tmp_path / "corrupt.zip"
    bad.write_bytes(bytes(data))
    out = run_cli("verify", str(bad))
    assert out.returncode == 1 and "Traceback" not in out.stderr + out.stdout
    assert "index.html" in out.stdout and "损坏" in out.stdout


def test_verify_missing_or_broken_manifest_and_non_zip(full, tmp_path):
    _, folder = full
    copy = copy_of(folder, tmp_path / "a")
    (copy / "manifest.json").unlink()
    out = run_cli("verify", str(copy))
    assert out.returncode == 2 and "manifest.json" in out.stderr and "Traceback" not in out.stderr
    copy = copy_of(folder, tmp_path / "b")
    (copy / "manifest.json").write_text("{ not json", encoding="utf-8")
    out = run_cli("verify", str(copy))
    assert out.returncode == 2 and "已损坏" in out.stderr and "Traceback" not in out.stderr
    copy = copy_of(folder, tmp_path / "c")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][0]["sha256"] = "0" * 64  # someone "fixed" the list by hand
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = run_cli("verify", str(copy))
    assert out.returncode == 2 and "改动过" in out.stderr
    text = tmp_path / "notes.zip"
    text.write_text("hello", encoding="utf-8")
    out = run_cli("verify", str(text))
    assert out.returncode == 2 and "不是 zip" in out.stderr
    out = run_cli("verify", str(tmp_path / "nowhere"))
    assert out.returncode == 2 and "找不到" in out.stderr


def test_offline_config_turns_off_everything_that_needs_the_network(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: x\nrepo_url: https://github.com/a/b\ntheme:\n  name: material\n  custom_dir: overrides\n"
        "  features: [navigation.instant, navigation.instant.prefetch, navigation.top]\n"
        "plugins:\n  - search\n  - studyportal:\n      materials_dir: content\n  - material/offline\n"
        "hooks: [hooks/x.py]\nextra:\n  version:\n    provider: mike\n"
        "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
        encoding="utf-8",
    )
    out = offline_config(config, tmp_path / "site", "mobile")
    assert out["INHERIT"] == str(config) and out["use_directory_urls"] is False
    assert out["theme"]["features"] == ["navigation.top"]
    assert out["theme"]["custom_dir"] == str(tmp_path / "overrides")
    ((name, plugin),) = (entry.popitem() for entry in out["plugins"])
    assert name == "studyportal" and plugin["materials_dir"] == str(tmp_path / "content") and plugin["edition"] == "mobile"
    assert out["repo_url"] is None and out["extra"]["version"] is None and out["extra"]["analytics"] is None
    assert out["theme"]["font"] is False
    assert out["hooks"] == [str(tmp_path / "hooks" / "x.py")]
    assert out["docs_dir"] == str(tmp_path / "docs")
    config.write_text("site_name: x\nplugins: [search]\n", encoding="utf-8")
    with pytest.raises(StudyportalError, match="studyportal"):
        offline_config(config, tmp_path / "site", "all")


def test_offline_config_reads_env_and_inherit_as_mkdocs_does(tmp_path, monkeypatch):
    """``!ENV`` values and an ``INHERIT``ed base reach the offline edition instead of silently becoming nothing."""
    base = "site_name: 基础\nplugins:\n  - studyportal:\n      materials_dir: !ENV SP_TEST_MATERIALS\n"
    (tmp_path / "base.yml").write_text(base, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\nsite_name: !ENV [SP_TEST_SITE_NAME, 默认名称]\n", encoding="utf-8")
    monkeypatch.setenv("SP_TEST_MATERIALS", "county-materials")
    monkeypatch.setenv("SP_TEST_SITE_NAME", "某县党员学习资料门户")
    out = offline_config(config, tmp_path / "site", "member")
    assert out["plugins"][0]["studyportal"]["materials_dir"] == str(tmp_path / "county-materials")
    assert project_site_name(config) == "某县党员学习资料门户"
    monkeypatch.delenv("SP_TEST_SITE_NAME")
    assert project_site_name(config) == "默认名称"
    assert page_title("<title>学习新党章 - 默认名称</title>".encode(), project_site_name(config)) == "学习新党章"


def test_every_outside_address_in_materials_javascript_is_accounted_for(full):
    """Each address Material's bundle could fetch is switched off in the offline edition; a Material upgrade
    that adds another one fails here, so someone checks it before village terminals see it."""
    _, folder = full
    script = next((folder / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    handled = {
        "https://api.github.com/repos/": "repo_url is removed",
        "https://api.github.com/users/": "repo_url is removed",
        "https://unpkg.com/mermaid": "pre.mermaid is stripped",
        "https://unpkg.com/resize-observer-polyfill": "sp-offline.js provides ResizeObserver",
        "https://clipboardjs.com/": "a licence comment, never fetched",
    }
    found = set(re.findall(r"https?://[a-zA-Z0-9./_-]+", script))
    assert found <= set(handled), found - set(handled)
    assert "sitemap.xml" in script and 'location.protocol==="file:"' in script  # instant navigation: off, and inert on file://

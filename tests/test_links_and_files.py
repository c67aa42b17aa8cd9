"""Links between materials, and pictures and attachments beside them, from the trainer's Markdown to the built site.

A small portal is built for real (a strict build, then an offline bundle of it): ``material:`` links
and old-style ``.md`` paths land on the right pages, files with Chinese names are published beside the page
under ASCII names, unreferenced files stay out, and what ``check`` cannot see never stops the build.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from studyportal.bundle.names import name_problems
from studyportal.catalog import load_catalog
from studyportal.model import Catalog, Material, Reference
from studyportal.plan.links import page_links
from studyportal.sanitize import sanitize_html
from tests.helpers import CURRICULUM, GOOD_META, ROOT, build_site, copy_project, material_text, write

PNG = b"\x89PNG\r\n\x1a\n" + b"picture of a branch meeting"
PDF = b"%PDF-1.4\n" + b"handout"
XLSX = b"PK\x03\x04" + b"sign-in sheet"

LESSON = """## 一、导入

先读[新党章](material:xin-dangzhang)，再看[党员的义务](material:xin-dangzhang#二党员的义务)；
按文件路径写的[老链接](../dangzhang/xin-dangzhang.md)也能用。

![支部活动](图片/支部活动.png)

下载[讲义](讲义.pdf)和[签到表](../fujian/签到表.xlsx)。
"""

MODULE_WITH_PICTURE = """  - key: lianxi
    title: 练一练
    description: |
      先读[这一课](material:kecheng)，流程见下图：

      ![学习流程](流程图.png)
    materials: [kecheng]
"""


def portal(tmp_path: Path) -> Path:
    materials = tmp_path / "materials"
    body = "## 一、总纲\n\n总纲。\n\n## 二、党员的义务\n\n八项义务。\n"
    write(materials, "dangzhang/xin-dangzhang.md", material_text(GOOD_META + "\nslug: xin-dangzhang", body))
    write(materials, "jiaocai/kecheng.md", material_text(GOOD_META.replace("学习新党章", "一堂课") + "\nslug: kecheng", LESSON))
    write(materials, "jiaocai/图片/支部活动.png", PNG)
    write(materials, "jiaocai/讲义.pdf", PDF)
    write(materials, "jiaocai/没有用到.png", b"\x89PNG unused")
    write(materials, "fujian/签到表.xlsx", XLSX)
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="xin-dangzhang") + MODULE_WITH_PICTURE)
    write(materials, "curricula/流程图.png", PNG + b" flow")
    return copy_project(tmp_path / "project", materials=materials)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("links")
    project = portal(tmp)
    result = build_site(project, tmp / "site")
    assert result.returncode == 0, result.stderr
    return project, tmp / "site"


@pytest.mark.slow
def test_check_accepts_every_link_and_file(built):
    project, _ = built
    problems = load_catalog(project / "materials").problems
    assert not problems.items, [p.one_line() for p in problems.items]


@pytest.mark.slow
def test_material_links_land_on_the_material_page(built):
    _, site = built
    page = (site / "materials" / "kecheng" / "index.html").read_text(encoding="utf-8")
    assert page.count('href="../xin-dangzhang/"') >= 2  # material: and the old .md path
    assert 'href="../xin-dangzhang/#二党员的义务"' in page
    assert 'id="二党员的义务"' in (site / "materials" / "xin-dangzhang" / "index.html").read_text(encoding="utf-8")
    assert "material:" not in page and ".md" not in page.split('class="sp-body"', 1)[1]


@pytest.mark.slow
def test_pictures_and_attachments_are_published_beside_the_page_under_ascii_names(built):
    _, site = built
    folder = site / "materials" / "kecheng"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<img alt="支部活动" src="zhi-bu-huo-dong.png"' in page
    assert 'href="jiang-yi.pdf"' in page and 'href="qian-dao-biao.xlsx"' in page
    assert (folder / "zhi-bu-huo-dong.png").read_bytes() == PNG
    assert (folder / "jiang-yi.pdf").read_bytes() == PDF
    assert (folder / "qian-dao-biao.xlsx").read_bytes() == XLSX
    published = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert not [p for p in published if "unused" in p or "mei-you" in p], "a file no material names is not published"
    assert all(p.isascii() for p in published), [p for p in published if not p.isascii()]
    assert not name_problems(published), name_problems(published)


@pytest.mark.slow
def test_a_curriculum_text_links_and_shows_pictures_on_both_of_its_pages(built):
    _, site = built
    overview = (site / "curricula" / "member" / "index.html").read_text(encoding="utf-8")
    module = (site / "curricula" / "member" / "lianxi" / "index.html").read_text(encoding="utf-8")
    assert 'src="liu-cheng-tu.png"' in overview and 'href="../../materials/kecheng/"' in overview
    assert 'src="../liu-cheng-tu.png"' in module and 'href="../../../materials/kecheng/"' in module
    assert (site / "curricula" / "member" / "liu-cheng-tu.png").is_file()


def test_the_sanitiser_keeps_relative_pictures_and_attachments():
    html = '<p><img alt="图" src="zhi-bu-huo-dong.png"> <a href="jiang-yi.pdf">讲义</a> <a href="../xin-dangzhang/#二">链接</a></p>'
    assert sanitize_html(html, "materials/kecheng/") == html


@pytest.mark.slow
def test_the_offline_copy_of_a_portal_with_attachments_bundles(built, tmp_path):
    project, _ = built
    out = tmp_path / "bundle.zip"
    result = subprocess.run(
        [sys.executable, "-m", "studyportal.cli", "bundle", "-o", str(out)], cwd=project, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    names = zipfile.ZipFile(out).namelist()
    assert any(n.endswith("materials/kecheng/jiang-yi.pdf") for n in names), names


@pytest.mark.slow
def test_a_link_check_cannot_read_never_stops_the_build(tmp_path):
    """Python-Markdown reads a link whose text is very long; check's reader does not. The build still passes, without the link."""
    materials = tmp_path / "materials"
    odd = "[" + "很长的链接文字" * 400 + "](bu-cun-zai.pdf)\n"
    write(materials, "a.md", material_text(body="## 正文\n\n" + odd))
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="a"))
    assert not load_catalog(materials).problems.errors
    project = copy_project(tmp_path / "project", materials=materials)
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "bu-cun-zai.pdf" in result.stderr and "已显示为普通文字" in result.stderr
    page = (tmp_path / "site" / "materials" / "a" / "index.html").read_text(encoding="utf-8")
    assert "很长的链接文字" in page and 'href="bu-cun-zai.pdf"' not in page


def test_a_link_to_a_material_left_out_of_an_edition_is_a_folder_link_the_offline_copy_marks():
    ref = Reference("material:b#x", 1, 1, "material", slug="b", anchor="x")
    kept = Catalog(materials={"b": Material("b.md", "b", "B", "material", ["member"], "policy", "s", "", 1)})
    assert page_links([ref], "materials/a/index.md", kept, "materials/a") == {"material:b#x": "../b/index.md#x"}
    assert page_links([ref], "materials/a/index.md", Catalog(), "materials/a") == {"material:b#x": "../b/#x"}


def test_a_draft_may_name_missing_files_and_links_it_only_warns(tmp_path):
    meta = GOOD_META + "\ndraft: true"
    write(tmp_path, "d.md", material_text(meta, "## 正文\n\n![图](tu.png) [x](material:bu-cun-zai)\n"))
    problems = load_catalog(tmp_path).problems
    assert not problems.errors and len(problems.warnings) == 2, [p.one_line() for p in problems.items]


def test_the_sample_portal_still_checks_clean():
    assert not load_catalog(ROOT / "materials").problems.items

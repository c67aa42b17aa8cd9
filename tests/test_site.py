"""The built sample site: pages, links both ways, Chinese anchors, safety, drafts, light pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import GOOD_META, ROOT, build_site, copy_project, load_sample, material_text, write

pytestmark = pytest.mark.slow  # every test reads a built site (the planner alone: tests/test_plan.py)

CATALOG = load_sample().catalog


def html(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_published_material_has_a_page_and_no_draft_does(sample_site):
    for slug in CATALOG.materials:
        assert (sample_site / "materials" / slug / "index.html").is_file(), slug
    drafts = [p for p in (ROOT / "materials").rglob("*.md") if "draft: true" in p.read_text(encoding="utf-8")]
    assert drafts, "the sample should carry drafts to prove they stay out"
    outputs = [p for p in sample_site.rglob("*") if p.is_file() and p.suffix in {".html", ".xml", ".json", ".js"}]
    everything = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in outputs)
    for path in drafts:
        title = re.search(r"^title:\s*(.+)$", path.read_text(encoding="utf-8"), re.M).group(1).strip()
        assert title not in everything, f"draft {path.name} leaked into the site"


def test_curriculum_pages_show_phases_modules_hours_and_marks(sample_site):
    for audience, c in CATALOG.curricula.items():
        page = html(sample_site, f"curricula/{audience}/index.html")
        assert c.title in page
        for phase in c.phases:
            assert phase.title in page and f"{phase.start.year}年{phase.start.month}月{phase.start.day}日" in page
        for module in c.modules:
            assert module.title in page
            assert (sample_site / "curricula" / audience / module.key / "index.html").is_file()
        assert "总学时" in page and "必学" in page and "选学" in page
        # modules appear in the order the curriculum file gives
        positions = [page.index(m.title) for m in c.modules]
        assert positions == sorted(positions)


def test_material_page_header_and_links_back_to_its_curricula(sample_site):
    c = CATALOG.curricula["member"]
    ordered = c.materials()
    m = ordered[1]
    page = html(sample_site, f"materials/{m.slug}/index.html")
    header = page[page.index('class="sp-header"') :]
    assert "普通党员" in header and m.title in header
    assert f'href="../{ordered[0].slug}/"' in page and f'href="../{ordered[2].slug}/"' in page
    assert 'rel="prev"' in page and 'rel="next"' in page
    assert 'href="../../curricula/member/"' in page
    for topic in m.topics:
        assert topic in header


def test_kind_topic_and_new_pages_list_materials(sample_site):
    outlines = [m for m in CATALOG.materials.values() if m.kind == "class-outline"]
    page = html(sample_site, "kinds/class-outline/index.html")
    assert all(m.title in page for m in outlines)
    assert (sample_site / "topics" / "index.html").is_file()
    topic_dirs = [p for p in (sample_site / "topics").iterdir() if p.is_dir()]
    assert len(topic_dirs) == len(CATALOG.topics())
    newest = max(CATALOG.materials.values(), key=lambda m: m.last_changed)
    assert newest.title in html(sample_site, "new/index.html")


def test_chinese_headings_get_readable_anchors(sample_site):
    m = CATALOG.materials["xin-dangzhang"]
    page = html(sample_site, f"materials/{m.slug}/index.html")
    ids = re.findall(r'<h2 id="([^"]+)"', page)
    assert ids and all(re.search(r"[\u4e00-\u9fff]", i) for i in ids), ids
    assert not any(re.fullmatch(r"_\d+", i) for i in ids)


def test_nav_does_not_list_materials(sample_site):
    page = html(sample_site, "materials/xin-dangzhang/index.html")
    nav = page[page.index("md-nav--primary") : page.index("md-sidebar--secondary")]
    others = [m for m in CATALOG.materials.values() if m.slug != "xin-dangzhang"]
    assert not any(f"/materials/{m.slug}/" in nav for m in others)
    assert "普通党员" in nav


def test_no_reference_to_anything_outside_the_site(sample_site):
    pattern = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")
    for path in sample_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        external = [m for m in pattern.finditer(text)]
        # links a reader clicks (reading lists, policy documents) are allowed; loads are not
        for match in external:
            tag_start = text.rfind("<", 0, match.start())
            tag = text[tag_start : match.start()]
            assert tag.startswith("<a "), f"{path}: external resource {text[tag_start : match.end() + 40]}"
    assert "fonts.googleapis" not in html(sample_site, "index.html")


def test_trainer_html_cannot_run_script(tmp_path):
    project = copy_project(tmp_path / "p")
    body = (
        "## 正文\n\n<script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n"
        '<a href="javascript:alert(2)">点我</a>\n\n<iframe src="https://example.com"></iframe>\n\n正常内容。\n'
    )
    write(project / "materials", "evil.md", material_text(GOOD_META.replace("学习新党章", "安全测试") + "\nslug: evil", body))
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "materials" / "evil" / "index.html").read_text(encoding="utf-8")
    article = page[page.index('class="sp-body"') :]
    assert "正常内容" in article
    assert "alert" not in article and "<iframe" not in article and "onerror" not in article


def test_title_markup_is_escaped_everywhere(tmp_path):
    project = copy_project(tmp_path / "p")
    meta = GOOD_META.replace("title: 学习新党章", 'title: "<b onmouseover=alert(1)>粗体</b>"') + "\nslug: markup"
    write(project / "materials", "markup.md", material_text(meta))
    assert build_site(project, tmp_path / "site").returncode == 0
    page = (tmp_path / "site" / "materials" / "markup" / "index.html").read_text(encoding="utf-8")
    assert "<b onmouseover" not in page and "&lt;b onmouseover" in page


def test_broken_material_fails_strict_build_with_file_and_line(tmp_path):
    project = copy_project(tmp_path / "p")
    write(project / "materials", "broken.md", material_text(GOOD_META.replace("track: constitution", "track: constituion")))
    result = build_site(project, tmp_path / "site")
    assert result.returncode != 0
    assert "materials/broken.md:5:1" in result.stderr.replace("\\", "/") and "constitution" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_build_leaves_published_site_alone(tmp_path):
    import subprocess
    import sys

    project = copy_project(tmp_path / "p")
    ok = subprocess.run([sys.executable, "-m", "studyportal.cli", "build"], cwd=project, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    before = sorted(p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("*"))
    home = (project / "site" / "index.html").read_bytes()
    write(project / "materials", "broken.md", "没有元数据\n")
    bad = subprocess.run([sys.executable, "-m", "studyportal.cli", "build"], cwd=project, capture_output=True, text=True)
    assert bad.returncode == 1 and "broken.md:1" in bad.stderr and "保持原样" in bad.stderr
    after = sorted(p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("*"))
    assert before == after and (project / "site" / "index.html").read_bytes() == home
    assert not [p for p in project.iterdir() if p.name.startswith(".site")]

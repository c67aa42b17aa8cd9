"""Atom feeds: the whole portal's and one per audience, parsed with feedparser from real builds."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from studyportal.catalog import load_catalog
from studyportal.plan.feeds import FEED_SIZE, plan_feeds
from studyportal.render import generator
from tests.git_helpers import commit_all, git, init_repo
from tests.helpers import CURRICULUM, ROOT, build_site, copy_project, material_text, write

SITE_URL = "https://dj.example.cn/"
HOSTILE_TITLE = "<b>粗体</b> & “党章” ]]>"
HOSTILE_SUMMARY = "<script>alert(1)</script> 学习 & 讨论 <img src=x onerror=alert(2)>"
# slug → (title, audiences, published)
LESSONS = {
    "shuji-ke": ("支部书记怎样讲党课", "secretary", "2026-05-01"),
    "dangyuan-ke": ("普通党员学党章", "member", "2026-06-01"),
    "liudong-ke": ("流动党员按时交党费", "mobile", "2026-07-01"),
    "gongtong-ke": ("党员的义务和权利", "member, mobile", "2026-08-01"),
    "hostile": (HOSTILE_TITLE, "member", "2026-04-01"),
}


def _lesson(title: str, audiences: str, published: str, slug: str, extra: str = "") -> str:
    summary = HOSTILE_SUMMARY if slug == "hostile" else f"{title}：三句话讲清楚。"
    meta = (
        f"title: '{title}'\nkind: material\naudiences: [{audiences}]\ntrack: constitution\ntopics: [党章党规]\n"
        f"summary: '{summary}'\nhours: 1\npublished: {published}\nslug: {slug}{extra}"
    )
    return material_text(meta)


def _curriculum(audience: str, slugs: list[str]) -> str:
    return CURRICULUM.format(slugs=", ".join(slugs)).replace("audience: member", f"audience: {audience}")


def _portal(repo: Path, site_url: str | None = SITE_URL) -> Path:
    """A small portal in a Git repository: five lessons committed on 2026-01-01, one changed on 2026-09-15, and a draft."""
    init_repo(repo)
    materials = repo / "materials"
    for slug, (title, audiences, published) in LESSONS.items():
        write(materials, f"{slug}.md", _lesson(title, audiences, published, slug))
    write(materials, "draft.md", _lesson("还没写完的草稿", "mobile", "2026-08-20", "draft", "\ndraft: true"))
    for audience in ("secretary", "member", "mobile"):
        slugs = [s for s, (_, a, _) in LESSONS.items() if audience in a]
        write(materials, f"curricula/{audience}.yml", _curriculum(audience, slugs))
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if site_url:
        config = config.replace("site_description:", f"site_url: {site_url}\nsite_description:", 1)
    write(repo, "mkdocs.yml", config)
    write(repo, "docs/about.md", "# 关于本站\n\n测试门户。\n")
    commit_all(repo, "五课", "2026-01-01T09:00:00+08:00")
    path = materials / "gongtong-ke.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
    commit_all(repo, "补充", "2026-09-15T10:00:00+08:00")
    return repo


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repo = _portal(tmp_path_factory.mktemp("feeds") / "portal")
    site = repo.parent / "site"
    result = build_site(repo, site)
    assert result.returncode == 0, result.stderr
    return site, result.stderr


def _feed(site: Path, name: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((site / "feeds" / f"{name}.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.mark.slow
def test_each_feed_lists_its_audiences_materials_newest_first_and_no_draft(built):
    site, _ = built
    expected = {
        "all": ["gongtong-ke", "liudong-ke", "dangyuan-ke", "shuji-ke", "hostile"],
        "secretary": ["shuji-ke"],
        "member": ["gongtong-ke", "dangyuan-ke", "hostile"],
        "mobile": ["gongtong-ke", "liudong-ke"],
    }
    for name, slugs in expected.items():
        feed = _feed(site, name)
        assert [e.link for e in feed.entries] == [f"{SITE_URL}materials/{s}/" for s in slugs], name
        assert all("草稿" not in e.title and "draft" not in e.link for e in feed.entries)
        assert feed.feed.links[0].href.startswith(SITE_URL)
        for entry in feed.entries:
            assert (site / entry.link.removeprefix(SITE_URL) / "index.html").is_file(), entry.link
    first = _feed(site, "mobile").entries[0]
    assert first.title == "党员的义务和权利"
    assert first.summary == "党员的义务和权利：三句话讲清楚。"
    assert first.updated.startswith("2026-09-15T10:00:00") and first.published.startswith("2026-08-01")
    kinds = {t.term: t.label for t in first.tags if t.scheme.endswith("/kinds/")}
    audiences = {t.term for t in first.tags if t.scheme.endswith("/curricula/")}
    assert kinds == {"material": "学习材料"} and audiences == {"member", "mobile"}
    assert _feed(site, "secretary").feed.title.endswith("支部书记学习材料更新")


@pytest.mark.slow
def test_trainer_text_in_a_feed_is_text_never_markup(built):
    site, _ = built
    raw = (site / "feeds" / "member.xml").read_text(encoding="utf-8")
    assert "<script" not in raw and "<img" not in raw and "<b>" not in raw
    entry = next(e for e in _feed(site, "member").entries if e.link.endswith("/hostile/"))
    assert entry.title_detail.type == "text/plain" and entry.summary_detail.type == "text/plain"
    assert "<content" not in raw, "no body HTML goes into a feed"
    # feedparser hands text/plain back HTML-escaped for display; unescaped, it is exactly what the trainer typed
    assert "粗体" in entry.title and "alert(1)" in entry.summary


@pytest.mark.slow
def test_pages_advertise_the_feeds_and_the_curriculum_links_its_own(built):
    site, _ = built
    home = (site / "index.html").read_text(encoding="utf-8")
    alternates = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">', home)
    assert alternates == [("党员学习资料门户：最近更新", "feeds/all.xml")]
    mobile = (site / "curricula" / "mobile" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', mobile)
    assert hrefs == ["../../feeds/mobile.xml", "../../feeds/all.xml"]
    assert re.search(r'<p class="sp-feed"><a href="../../feeds/mobile.xml" type="application/atom\+xml">订阅本课程的更新', mobile)
    material = (site / "materials" / "liudong-ke" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../feeds/all.xml"' in material


@pytest.mark.slow
def test_without_site_url_the_build_says_why_there_are_no_feeds(tmp_path):
    repo = _portal(tmp_path / "portal", site_url=None)
    site = tmp_path / "site"
    result = build_site(repo, site)  # strict: the explanation is INFO, never a warning that would fail it
    assert result.returncode == 0, result.stderr
    assert "INFO" in result.stderr and "没有设置网站地址 site_url，不生成订阅源" in result.stderr
    assert not (site / "feeds").exists()
    assert "application/atom+xml" not in (site / "index.html").read_text(encoding="utf-8")
    assert "sp-feed" not in (site / "curricula" / "mobile" / "index.html").read_text(encoding="utf-8")


def test_offline_editions_get_no_feeds(tmp_path):
    """An offline copy opens from file:// and has no URL: its build turns feeds off."""
    project = copy_project(tmp_path / "portal")
    config = generator.offline_config(project / "mkdocs.yml", tmp_path / "offline", "mobile")
    options = next(p["studyportal"] for p in config["plugins"] if isinstance(p, dict) and "studyportal" in p)
    assert options["feeds"] is False


def test_feed_links_follow_use_directory_urls_and_skip_undated_materials(tmp_path):
    materials = tmp_path / "materials"
    write(materials, "a.md", _lesson("有日期", "member", "2026-06-01", "a"))
    write(materials, "b.md", _lesson("没有日期", "member", "2026-06-01", "b").replace("published: 2026-06-01\n", ""))
    write(materials, "curricula/member.yml", _curriculum("member", ["a", "b"]))
    result = load_catalog(materials)
    assert result.ok, result.problems.errors
    feeds, why_not = plan_feeds(result.catalog, "https://x.example.cn/portal", "门户", directory_urls=False)
    assert not why_not and [f.path for f in feeds] == ["feeds/all.xml", "feeds/secretary.xml", "feeds/member.xml", "feeds/mobile.xml"]
    parsed = feedparser.parse(feeds[0].content)
    assert [e.link for e in parsed.entries] == ["https://x.example.cn/portal/materials/a/index.html"]
    assert parsed.feed.links[0].href == "https://x.example.cn/portal/index.html"
    assert feeds[0].url == "https://x.example.cn/portal/feeds/all.xml"
    assert plan_feeds(result.catalog, None, "门户")[0] == []
    assert FEED_SIZE >= 30


# --- from a fresh clone to members ----------------------------------------------------------------------------------

LESSON_TITLE = "在外地也能过好组织生活"
LESSON_SLUG = "waidi-zuzhi"


def _studyportal(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "studyportal", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_fresh_clone_new_lesson_reaches_curriculum_whats_new_feed_and_digest(tmp_path):
    """Done-when: fresh clone → ``studyportal new`` → commit → build: the lesson is everywhere a mobile member looks."""
    origin = copy_project(tmp_path / "origin")
    config = origin / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("site_description:", f"site_url: {SITE_URL}\nsite_description:", 1), encoding="utf-8")
    write(origin, ".gitignore", "site/\n")
    init_repo(origin)
    commit_all(origin, "本县门户", "2025-01-01T09:00:00+08:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(clone))
    git(clone, "config", "user.name", "培训员")
    git(clone, "config", "user.email", "trainer@example.cn")

    lesson = Path("materials") / "liudong" / f"{LESSON_SLUG}.md"
    made = _studyportal(clone, "new", str(lesson), "--title", LESSON_TITLE, "--audience", "mobile")
    assert made.returncode == 0, made.stderr
    text = (clone / lesson).read_text(encoding="utf-8")
    assert re.search(r"^draft: true", text, re.M)
    text = re.sub(r"^draft:.*\n", "", text, flags=re.M)  # done: no longer a draft
    text = re.sub(r"^summary:.*$", "summary: 到流入地党组织报到、参加线上学习、按月交党费，人在外地也不掉队。", text, flags=re.M)
    head, _, _ = text.partition("\n---\n")
    (clone / lesson).write_text(head + "\n---\n\n## 一、先报到\n\n到了务工地，先找流入地党组织报到。\n", encoding="utf-8")
    curriculum = clone / "materials" / "curricula" / "mobile.yml"
    plan = curriculum.read_text(encoding="utf-8")
    assert "      - liudong-lianxi\n" in plan
    curriculum.write_text(plan.replace("      - liudong-lianxi\n", f"      - liudong-lianxi\n      - {LESSON_SLUG}\n", 1), encoding="utf-8")
    checked = _studyportal(clone, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "新课：在外地也能过好组织生活")  # committed now, as a trainer does

    built = _studyportal(clone, "build")
    assert built.returncode == 0, built.stderr
    site = clone / "site"
    link = f"materials/{LESSON_SLUG}/"
    on_curriculum = (site / "curricula" / "mobile" / "index.html").read_text(encoding="utf-8")
    assert LESSON_TITLE in on_curriculum and f'href="../../{link}"' in on_curriculum
    new = (site / "new" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'href="\.\./materials/([^/"]+)/"', new)
    assert listed and listed[0] == LESSON_SLUG, "the new lesson heads what's new"
    mobile = _feed(site, "mobile")
    assert mobile.entries[0].link == SITE_URL + link and mobile.entries[0].title == LESSON_TITLE
    assert all(e.link != SITE_URL + link for e in _feed(site, "secretary").entries)
    assert any(e.link == SITE_URL + link for e in _feed(site, "all").entries)

    today = dt.date.today().isoformat()
    for source in ([], ["--site", "site"]):
        digest = _studyportal(clone, "digest", "--audience", "mobile", "--since", today, *source)
        assert digest.returncode == 0, digest.stderr
        assert digest.stdout.strip().splitlines() == [f"{LESSON_TITLE}：到流入地党组织报到、参加… {SITE_URL}{link}"], source

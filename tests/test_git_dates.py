"""A material's "updated" date is its last commit's: one ``git log`` pass, real temporary repositories."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest

from studyportal.catalog import load_catalog
from studyportal.load.git_dates import last_commits, updated_date
from tests.git_helpers import commit_all, git, init_repo
from tests.helpers import CURRICULUM, ROOT, build_site, material_text, write

CN = dt.timezone(dt.timedelta(hours=8))


def _lesson(title: str, slug: str, published: str = "2026-06-01", extra: str = "") -> str:
    meta = (
        f"title: {title}\nkind: material\naudiences: [member]\ntrack: constitution\ntopics: [党章党规]\n"
        f"summary: {title}的摘要。\nhours: 1\npublished: {published}\nslug: {slug}{extra}"
    )
    return material_text(meta)


def _tree(materials: Path, slugs: tuple[str, ...] = ("alpha", "beta")) -> None:
    for slug in slugs:
        write(materials, f"{slug}.md", _lesson(f"课程{slug}", slug))
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs=", ".join(slugs)))


def test_second_commit_of_a_material_is_its_updated_date(tmp_path):
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    _tree(materials)
    commit_all(repo, "两课", "2026-06-01T09:00:00+08:00")
    (materials / "alpha.md").write_text(_lesson("课程alpha", "alpha") + "\n补一段。\n", encoding="utf-8")
    commit_all(repo, "改 alpha", "2026-10-05T20:30:00+08:00")

    result = load_catalog(materials, dates_from_git=True)
    assert result.ok and result.git is not None and result.git.from_git
    alpha, beta = result.catalog.materials["alpha"], result.catalog.materials["beta"]
    assert alpha.updated == dt.date(2026, 10, 5)
    assert alpha.committed == dt.datetime(2026, 10, 5, 20, 30, tzinfo=CN)
    # committed on the day it was published: that is the publication, not an update
    assert beta.updated is None and beta.last_changed == dt.date(2026, 6, 1)
    # without asking for Git, the front matter alone
    assert load_catalog(materials).catalog.materials["alpha"].updated is None


def test_git_date_wins_over_a_written_updated_but_not_outside_git(tmp_path):
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    write(materials, "alpha.md", _lesson("课程alpha", "alpha", "2026-03-01", "\nupdated: 2026-04-01"))
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="alpha"))
    commit_all(repo, "一课", "2026-05-10T10:00:00+08:00")
    assert load_catalog(materials, dates_from_git=True).catalog.materials["alpha"].updated == dt.date(2026, 5, 10)

    plain = tmp_path / "plain" / "materials"
    write(plain, "alpha.md", _lesson("课程alpha", "alpha", "2026-03-01", "\nupdated: 2026-04-01"))
    write(plain, "curricula/member.yml", CURRICULUM.format(slugs="alpha"))
    result = load_catalog(plain, dates_from_git=True)
    assert result.catalog.materials["alpha"].updated == dt.date(2026, 4, 1)
    assert result.git is not None and "不在 Git 仓库" in result.git.note


def test_uncommitted_and_new_files_are_dated_today(tmp_path):
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    _tree(materials, ("alpha", "beta", "gamma"))
    commit_all(repo, "三课", "2026-06-01T09:00:00+08:00")
    (materials / "alpha.md").write_text(_lesson("课程alpha", "alpha") + "\n还没提交的修改。\n", encoding="utf-8")
    git(repo, "add", "materials/alpha.md")  # staged counts as well as changed in the working tree
    (materials / "beta.md").write_text(_lesson("课程beta", "beta") + "\n没暂存的修改。\n", encoding="utf-8")
    write(materials, "delta.md", _lesson("课程delta", "delta"))  # never committed
    now = dt.datetime(2026, 11, 21, 15, 0, tzinfo=CN)
    files = [materials / f"{s}.md" for s in ("alpha", "beta", "gamma", "delta")]
    dates = last_commits(materials, files, now=now)
    assert dates.from_git
    assert dates.changed == {files[0]: now, files[1]: now, files[2]: dt.datetime(2026, 6, 1, 9, tzinfo=CN), files[3]: now}
    assert dates.uncommitted == {files[0], files[1], files[3]}


def test_one_log_pass_stops_once_every_file_is_dated(tmp_path):
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    _tree(materials, ("alpha", "beta"))
    for day in range(1, 21):
        write(repo, "notes.txt", f"第 {day} 次")  # outside materials/: not in the log at all
        (materials / "beta.md").write_text(_lesson("课程beta", "beta") + f"\n第 {day} 次修改。\n", encoding="utf-8")
        commit_all(repo, f"第 {day} 次", f"2026-07-{day:02d}T08:00:00+08:00")
    dates = last_commits(materials, [materials / "beta.md"])
    assert dates.changed[materials / "beta.md"].date() == dt.date(2026, 7, 20)
    assert dates.commits_read == 1


def test_a_merge_dates_the_change_by_the_day_it_reached_the_branch(tmp_path):
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    _tree(materials)
    commit_all(repo, "两课", "2026-06-01T09:00:00+08:00")
    git(repo, "checkout", "-q", "-b", "lesson")
    (materials / "alpha.md").write_text(_lesson("课程alpha", "alpha") + "\n在分支上写的。\n", encoding="utf-8")
    commit_all(repo, "分支上改", "2026-08-01T09:00:00+08:00")
    git(repo, "checkout", "-q", "main")
    write(repo, "README.md", "说明")
    commit_all(repo, "主分支", "2026-08-05T09:00:00+08:00")
    git(repo, "merge", "-q", "--no-ff", "lesson", "-m", "合并", when="2026-09-09T09:00:00+08:00")
    dates = last_commits(materials, [materials / "alpha.md", materials / "beta.md"])
    assert dates.changed[materials / "alpha.md"].date() == dt.date(2026, 9, 9)
    assert dates.changed[materials / "beta.md"].date() == dt.date(2026, 6, 1)


def test_commits_in_git_blame_ignore_revs_are_passed_over(tmp_path):
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    _tree(materials)
    commit_all(repo, "写课", "2026-06-10T09:00:00+08:00")
    (materials / "alpha.md").write_text(_lesson("课程alpha", "alpha") + "\n有实质修改。\n", encoding="utf-8")
    commit_all(repo, "改 alpha", "2026-07-01T09:00:00+08:00")
    for slug in ("alpha", "beta"):  # a mass reformatting
        path = materials / f"{slug}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("## 正文", "## 正文 "), encoding="utf-8")
    reformat = commit_all(repo, "统一格式", "2026-08-01T09:00:00+08:00")
    write(repo, ".git-blame-ignore-revs", f"# 统一格式\n{reformat}\n")
    commit_all(repo, "忽略格式提交", "2026-08-02T09:00:00+08:00")
    result = load_catalog(materials, dates_from_git=True)
    assert result.catalog.materials["alpha"].updated == dt.date(2026, 7, 1)
    assert result.catalog.materials["beta"].updated == dt.date(2026, 6, 10)
    assert result.git is not None and result.git.ignored == 1


def test_shallow_clone_falls_back_to_the_front_matter(tmp_path):
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    write(materials, "alpha.md", _lesson("课程alpha", "alpha", "2026-03-01", "\nupdated: 2026-04-01"))
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="alpha"))
    commit_all(repo, "一课", "2026-05-10T10:00:00+08:00")
    write(repo, "README.md", "说明")
    commit_all(repo, "说明", "2026-05-11T10:00:00+08:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = load_catalog(clone / "materials", dates_from_git=True)
    assert result.catalog.materials["alpha"].updated == dt.date(2026, 4, 1)
    assert result.git is not None and "浅克隆" in result.git.note and "fetch-depth: 0" in result.git.note


def test_materials_in_a_subfolder_of_the_repository(tmp_path):
    repo = init_repo(tmp_path / "county")
    materials = repo / "portal" / "materials"
    _tree(materials)
    commit_all(repo, "两课", "2026-06-01T09:00:00+08:00")
    (materials / "beta.md").write_text(_lesson("课程beta", "beta") + "\n改。\n", encoding="utf-8")
    commit_all(repo, "改 beta", "2026-06-20T09:00:00+08:00")
    result = load_catalog(materials, dates_from_git=True)
    assert result.catalog.materials["beta"].updated == dt.date(2026, 6, 20)


def test_updated_date_rule():
    day = dt.date(2026, 6, 1)
    at = dt.datetime(2026, 6, 2, 1, tzinfo=CN)
    assert updated_date(day, None, at) == dt.date(2026, 6, 2)
    assert updated_date(day, dt.date(2026, 7, 1), dt.datetime(2026, 6, 1, 23, tzinfo=CN)) is None
    assert updated_date(None, None, at) == dt.date(2026, 6, 2)
    assert updated_date(day, dt.date(2026, 7, 1), None) == dt.date(2026, 7, 1)


@pytest.mark.slow
def test_built_page_and_feed_carry_the_second_commits_date(tmp_path):
    """Done-when: two commits of one material give it the second commit's date on its page and in the feed."""
    repo = init_repo(tmp_path / "portal")
    materials = repo / "materials"
    _tree(materials)
    _portal_files(repo)
    commit_all(repo, "两课", "2026-06-01T09:00:00+08:00")
    (materials / "alpha.md").write_text(_lesson("课程alpha", "alpha") + "\n补一段。\n", encoding="utf-8")
    commit_all(repo, "改 alpha", "2026-10-05T20:30:00+08:00")

    site = tmp_path / "site"
    result = build_site(repo, site)
    assert result.returncode == 0, result.stderr
    page = (site / "materials" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<dt>更新</dt><dd><time datetime=\"2026-10-05\">", page), "the page shows the second commit's date"
    beta = (site / "materials" / "beta" / "index.html").read_text(encoding="utf-8")
    assert "<dt>更新</dt>" not in beta and 'datetime="2026-06-01"' in beta

    feed = feedparser.parse((site / "feeds" / "all.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    first = feed.entries[0]
    assert first.title == "课程alpha"
    assert first.updated.startswith("2026-10-05T20:30:00")
    new_page = (site / "new" / "index.html").read_text(encoding="utf-8")
    assert new_page.index("课程alpha") < new_page.index("课程beta"), "what's new lists the updated material first"


def _portal_files(repo: Path) -> None:
    """mkdocs.yml (with a site_url) and docs/ of the sample portal, beside the test's own materials."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    write(repo, "mkdocs.yml", config.replace("site_description:", "site_url: https://dj.example.cn/\nsite_description:", 1))
    write(repo, "docs/about.md", "# 关于本站\n\n测试门户。\n")

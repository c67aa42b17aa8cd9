"""`studyportal search` on the built sample portal: the shared expectations, and what the terminal shows."""

from __future__ import annotations

import pytest

from tests.helpers import cli_results, run_search
from tests.search_cases import CASES, check


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_terminal_search_meets_the_shared_expectations(sample_site, case):
    results = cli_results(sample_site, case.query, audience=case.audience, kind=case.kind, reader=case.reader)
    check(case, [r["url"] for r in results], [r["title"] for r in results], [r["audiences"] for r in results], [r["kind"] for r in results])


def test_terminal_output_shows_title_kind_audiences_link_and_highlighted_snippet(sample_site):
    result = run_search(sample_site, "党员教育培训", "--limit", "3")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "找到" in out and "显示前 3 个" in out
    first = out.split("\n 1. ", 1)[1].split("\n 2. ", 1)[0]
    assert first.startswith("解读《中国共产党【党员教育】管理工作条例》")
    assert "政策解读 · 支部书记、普通党员 · 必学" in first
    assert "materials/dangyuan-jiaoyu-guanli-tiaoli/" in first
    assert "【党员教育培训】的要求" in first


def test_terminal_search_reads_only_the_index_files_it_needs(sample_site):
    from studyportal.search.query import SiteIndex, search

    site = SiteIndex(sample_site)
    search(site, "乡村振兴2026")
    shards = [f for f in site.files_read if f.startswith("p/")]
    assert 0 < len(shards) <= 4  # the shards of 乡村 村振 振兴 2026, no more
    assert len(site.files_read) < len(list((sample_site / "search" / "data").rglob("*.js"))) / 2


def test_nothing_found_and_no_index_are_explained(sample_site, tmp_path):
    result = run_search(sample_site, "宇宙飞船")
    assert result.returncode == 1 and "没有找到与“宇宙飞船”相关的内容" in result.stdout
    result = run_search(tmp_path, "党员")
    assert result.returncode == 2 and "没有找到搜索索引" in result.stderr and "studyportal build" in result.stderr

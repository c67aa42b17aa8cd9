"""Digests for SMS and QQ/WeChat groups: limits on long Chinese text (property tests) and the command itself."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from studyportal.catalog import load_catalog
from studyportal.cli import main
from studyportal.digest import ELLIPSIS, GROUP_LIMIT, SMS_LIMIT, covers, group_text, make_digest, shorten, sms_length, sms_text
from studyportal.plan.feeds import CHINA, FeedEntry, plan_feeds
from tests.git_helpers import commit_all, init_repo
from tests.helpers import CURRICULUM, material_text, write

# --- what long Chinese text is made of ------------------------------------------------------------------------------

hanzi = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
punctuation = st.sampled_from(list("，。、：；！？“”（）— "))
emoji = st.sampled_from(["👍", "👍🏽", "🇨🇳", "👨\u200d👩\u200d👧", "❤\ufe0f", "𠀀", "é", "e\u0301"])
numbers = st.one_of(
    st.integers(0, 10**12).map(str),
    st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.dates().map(lambda d: d.isoformat()),
    st.integers(1, 100).map(lambda n: f"{n}%"),
    st.integers(0, 10**6).map(lambda n: f"{n:,}"),
)
urls = st.builds(
    lambda host, path: f"https://{host}.example.cn/{path}",
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_/?=&.%", max_size=60),
)
book_text = st.text(st.one_of(hanzi, st.sampled_from(list("〈〉·0123456789"))), min_size=1, max_size=30)
books = book_text.map(lambda inner: f"《{inner}》")
segments = st.one_of(
    st.text(hanzi, min_size=1, max_size=30), punctuation, emoji, numbers, books, urls.map(lambda u: u + "。"), st.just("WeChat")
)
chinese_text = st.lists(segments, max_size=16).map("".join)

# Independent of the code under test: where a URL, a number, or a 《书名》 begins and ends in the original.
_PROTECTED = re.compile(r"https?://[!-~]+|\d+(?:[.,:\-]\d+)*%?|《[^《》]*》")


def _cut_at(text: str, out: str) -> int | None:
    """Where ``out`` cut ``text`` (None when it kept it whole)."""
    if out == text:
        return None
    assert out == "" or out.endswith(ELLIPSIS), out
    head = out.removesuffix(ELLIPSIS)
    assert text.startswith(head), (text, out)
    return len(head)


def _assert_clean_cut(text: str, cut: int) -> None:
    for m in _PROTECTED.finditer(text):
        assert not m.start() < cut < m.end(), f"cut {m.group()!r} in half: {text[:cut]!r}"
    if cut < len(text):
        nxt = text[cut]
        assert unicodedata.category(nxt) not in ("Mn", "Mc", "Me") and nxt != "\u200d" and not "\U0001f3fb" <= nxt <= "\U0001f3ff"
        assert not (cut and text[cut - 1] == "\u200d")
        assert not ("\U0001f1e6" <= nxt <= "\U0001f1ff" and cut and "\U0001f1e6" <= text[cut - 1] <= "\U0001f1ff")


@settings(max_examples=200, deadline=None)
@given(chinese_text, st.integers(1, 200))
@example("学习《中国共产党章程》第20条，详见https://dj.example.cn/a/b 共1.5学时", 15)
@example("2026-11-01起施行", 8)
@example("👍🏽" * 40, 9)
def test_shorten_keeps_to_the_limit_and_never_cuts_a_url_number_or_book_title(text, limit):
    out = shorten(text, limit)
    assert sms_length(out) <= limit
    cut = _cut_at(text, out)
    if cut is None:
        assert sms_length(text) <= limit
        return
    assert sms_length(text) > limit
    _assert_clean_cut(text, cut)


def test_sms_length_counts_as_a_phone_does():
    assert sms_length("学习党章") == 4
    assert sms_length("学" * 70) == SMS_LIMIT
    assert sms_length("👍") == 2 and sms_length("𠀀") == 2  # outside the BMP: two UCS-2 units
    assert shorten("学" * 71, 70) == "学" * 69 + "…"


def _entry(title: str, summary: str, url: str, *, published: str = "2026-11-02", updated: str = "2026-11-05T10:00:00") -> FeedEntry:
    stamp = dt.datetime.fromisoformat(updated).replace(tzinfo=CHINA)
    day = dt.date.fromisoformat(published)
    published_at = dt.datetime(day.year, day.month, day.day, tzinfo=CHINA)
    return FeedEntry("x", title, summary, "class-outline", "党课提纲", ("mobile",), url, stamp, published_at)


titles = st.lists(st.one_of(st.text(hanzi, min_size=1, max_size=10), numbers, books, emoji), min_size=1, max_size=8).map(
    lambda parts: "".join(parts)[:60] or "标题"
)
summaries = st.one_of(st.just(""), chinese_text.map(lambda s: s[:120]))
slugs = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=60)
bases = st.sampled_from(["https://dj.example.cn/", "http://10.1.2.3:8080/dangjian/", "https://www.xx-xian-dangjian.gov.cn/portal/"])


@settings(max_examples=150, deadline=None)
@given(titles, summaries, slugs, bases, st.integers(20, 160))
@example("学" * 60, "党" * 120, "x" * 60, "https://www.xx-xian-dangjian.gov.cn/portal/", 70)
def test_sms_message_fits_keeps_the_link_whole_and_starts_with_the_title(title, summary, slug, base, limit):
    url = f"{base}materials/{slug}/"
    text = sms_text(_entry(title, summary, url), limit)
    if not text:  # not even one character of the title and "…" fit beside the link
        assert shorten(title, limit - sms_length(url) - 1) == ""
        return
    assert sms_length(text) <= limit
    head, _, link = text.rpartition(" ")
    assert link == url and text.count(url) == 1
    if head.startswith(title):
        rest = head[len(title) :]
        assert rest == "" or rest.startswith("：")
        if rest:
            _assert_clean_cut(summary, _cut_at(summary, rest[1:]) or len(summary))
    else:
        cut = _cut_at(title, head)
        assert cut, head
        _assert_clean_cut(title, cut)


@settings(max_examples=100, deadline=None)
@given(titles, summaries, slugs, bases, st.booleans(), st.sampled_from([GROUP_LIMIT, 120, 80]))
def test_group_message_fits_and_ends_with_the_link(title, summary, slug, base, new, limit):
    url = f"{base}materials/{slug}/"
    text = group_text(_entry(title, summary, url), limit, new)
    if not text:
        return
    assert sms_length(text) <= limit
    lines = text.split("\n")
    assert lines[-1] == url and lines[0].startswith("【党课提纲" + ("】" if new else "·更新】"))
    if limit == GROUP_LIMIT:  # titles ≤ 60 and summaries ≤ 120 always fit whole
        assert lines[0].endswith(title) and (summary == "" or lines[1] == summary)


def test_make_digest_picks_the_audience_and_the_days_oldest_first():
    base = "https://dj.example.cn/materials/"
    entries = [
        _entry("旧课", "旧。", base + "old/", published="2026-09-01", updated="2026-09-01T00:00:00"),
        _entry("新课", "新。", base + "new/", published="2026-11-03", updated="2026-11-03T09:00:00"),
        _entry("改过的课", "改。", base + "changed/", published="2026-08-01", updated="2026-11-02T09:00:00"),
    ]
    other = FeedEntry("s", "书记课", "书。", "material", "学习材料", ("secretary",), base + "s/", entries[1].updated, entries[1].published)
    digest = make_digest([*entries, other], dt.date(2026, 11, 1), audience="mobile", group=True)
    assert [m.entry.title for m in digest.messages] == ["改过的课", "新课"]
    assert [m.new for m in digest.messages] == [False, True]
    assert digest.messages[0].text.startswith("【党课提纲·更新】改过的课\n")
    assert "流动党员" in digest.summary_line() and "2 条" in digest.summary_line()
    assert make_digest([*entries, other], dt.date(2026, 11, 1)).limit == SMS_LIMIT


def test_a_link_too_long_for_an_sms_is_reported_not_cut():
    url = "https://dj.example.cn/" + "a" * 80 + "/"
    digest = make_digest([_entry("新课", "摘要。", url)], dt.date(2026, 11, 1))
    assert digest.messages == [] and digest.too_long and "--base-url" in digest.notes[0]


def test_a_feed_cut_to_its_newest_entries_warns_when_it_may_miss_changes():
    base = "https://dj.example.cn/materials/"
    entries = [_entry("课", "。", base + "a/", updated="2026-11-10T00:00:00")]
    assert "可能还有更早的更新" in covers(entries, dt.date(2026, 11, 1), "订阅源只收录最近的 50 个材料")
    assert covers(entries, dt.date(2026, 11, 20), "订阅源只收录最近的 50 个材料") == ""
    assert covers(entries, dt.date(2026, 11, 1), "") == ""


# --- the command ----------------------------------------------------------------------------------------------------

LONG_TITLE = "学习贯彻《中国共产党农村基层组织工作条例》第二十条：村党组织书记的12项职责"
LONG_SUMMARY = "在外务工的党员怎样参加组织生活：报到、交党费、参加线上学习，2026年11月1日起按新办法执行。"


def _portal(root: Path, site_url: str | None = "https://dj.example.cn/") -> Path:
    """materials/ in a Git repo: a lesson for mobile members changed in November, one for members, one older; and mkdocs.yml."""
    init_repo(root)
    materials = root / "materials"
    lessons = {
        "liudong-ke": (LONG_TITLE, "mobile, member", "2026-10-01", LONG_SUMMARY),
        "dangyuan-ke": ("普通党员学党章", "member", "2026-11-03", "党章的总纲和条文。"),
        "jiu-ke": ("旧课", "mobile", "2026-05-01", "早就发布的课。"),
    }
    for slug, (title, audiences, published, summary) in lessons.items():
        meta = (
            f"title: {title}\nkind: material\naudiences: [{audiences}]\ntrack: constitution\n"
            f"summary: {summary}\nhours: 1\npublished: {published}\nslug: {slug}"
        )
        write(materials, f"{slug}.md", material_text(meta))
    write(materials, "curricula/member.yml", CURRICULUM.format(slugs="liudong-ke, dangyuan-ke"))
    write(materials, "curricula/mobile.yml", CURRICULUM.format(slugs="liudong-ke, jiu-ke").replace("audience: member", "audience: mobile"))
    write(root, "mkdocs.yml", f"site_name: 测试门户\n{'site_url: ' + site_url if site_url else ''}\nplugins:\n  - studyportal\n")
    commit_all(root, "三课", "2026-10-01T09:00:00+08:00")
    path = materials / "liudong-ke.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    commit_all(root, "补充", "2026-11-12T09:00:00+08:00")
    return root


def _run(root: Path, *args: str):
    """``studyportal digest ARGS`` run in ``root``, as a trainer runs it in the portal's folder."""
    with contextlib.chdir(root):
        return CliRunner().invoke(main, ["digest", *args], catch_exceptions=False)


def test_sms_digest_from_materials_with_git_dates(tmp_path):
    root = _portal(tmp_path / "portal")
    result = _run(root, "--audience", "mobile", "--since", "2026-11-01")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().split("\n")
    url = "https://dj.example.cn/materials/liudong-ke/"
    assert len(lines) == 1 and lines[0].endswith(" " + url) and sms_length(lines[0]) <= 70
    assert lines[0].startswith("学习贯彻《中国共产党农村基层组织工作条例》")  # the book title whole, then shortened
    assert "1 条" in result.stderr and "流动党员" in result.stderr


def test_group_digest_json_and_from_the_built_feed_agree(tmp_path):
    root = _portal(tmp_path / "portal")
    from_materials = _run(root, "--since", "2026-11-01", "--group", "--format", "json")
    assert from_materials.exit_code == 0, from_materials.stderr
    data = json.loads(from_materials.stdout)
    assert data["mode"] == "group" and data["limit"] == GROUP_LIMIT
    assert [(m["slug"], m["change"], m["date"]) for m in data["messages"]] == [
        ("dangyuan-ke", "new", "2026-11-03"),
        ("liudong-ke", "updated", "2026-11-12"),
    ]
    message = data["messages"][1]["text"]
    assert message.split("\n") == [
        f"【学习材料·更新】{LONG_TITLE}",
        LONG_SUMMARY,
        "https://dj.example.cn/materials/liudong-ke/",
    ]
    # the same from a built site's feeds (written here by the planner itself, as the plugin writes them)
    catalog = load_catalog(root / "materials", dates_from_git=True).catalog
    feeds, _ = plan_feeds(catalog, "https://dj.example.cn/", "测试门户")
    for feed in feeds:
        write(root / "site", feed.path, feed.content)
    from_site = _run(root, "--since", "2026-11-01", "--group", "--format", "json", "--site", "site")
    assert from_site.exit_code == 0, from_site.stderr
    assert json.loads(from_site.stdout)["messages"] == data["messages"]
    mobile = _run(root, "--since", "2026-11-01", "--audience", "mobile", "--site", "site")
    assert mobile.stdout.strip().endswith("https://dj.example.cn/materials/liudong-ke/") and "dangyuan-ke" not in mobile.stdout


def test_digest_says_in_chinese_what_is_missing(tmp_path):
    root = _portal(tmp_path / "portal", site_url=None)
    no_url = _run(root, "--since", "2026-11-01")
    assert no_url.exit_code == 1 and "site_url" in no_url.stderr and "--base-url" in no_url.stderr
    assert "Traceback" not in no_url.stderr
    with_url = _run(root, "--since", "2026-11-01", "--base-url", "https://xian.example.cn")
    assert with_url.exit_code == 0 and "https://xian.example.cn/materials/dangyuan-ke/" in with_url.stdout
    bad_url = _run(root, "--base-url", "xian.example.cn")
    assert bad_url.exit_code == 1 and "https://" in bad_url.stderr
    no_site = _run(root, "--site", "site")
    assert no_site.exit_code == 1 and "找不到" in no_site.stderr and "--materials" in no_site.stderr
    both = _run(root, "--site", "site", "--materials", "materials")
    assert both.exit_code == 2 and "只能写一个" in both.stderr
    too_long = _run(root, "--since", "2026-11-01", "--base-url", "https://" + "x" * 70 + ".cn/")
    assert too_long.exit_code == 1 and "链接太长" in too_long.stderr

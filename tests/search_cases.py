"""Search expectations on the sample portal, shared by the terminal tests and the browser tests.

Each case is a query as a reader types it, with filters, and what the reader must see: the pages
that must come first (in order), pages that must be found near the top, and what every result
must have in common. Both engines (``studyportal search`` and the browser's ``engine.js``, in Node
and in the search box) must satisfy every case, and must return the same ranking. ``MORE`` are
queries with no expectation of their own whose ranking both must agree on too, and ``SENTENCES``
and ``TYPED`` are texts both must tokenise alike (``tests/search_fixture.py`` hands all of them to
the Node tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    why: str
    query: str
    audience: str | None = None
    kind: str | None = None
    reader: str | None = None
    first: tuple[str, ...] = ()  # these URLs, in this order, are the first results
    near_top: dict[str, int] = field(default_factory=dict)  # URL → must be within the first n
    titles_have: tuple[int, str] | None = None  # the first n titles all contain this text
    never: tuple[str, ...] = ()  # no result URL contains any of these

    @property
    def id(self) -> str:
        extra = "".join(x for x in (self.audience, self.kind, self.reader) if x)
        return self.query + (f"[{extra}]" if extra else "")


CASES = [
    Case(
        "a phrase typed without spaces: stock search drops its last word and ranks the page with the exact phrase low",
        "党员教育培训",
        first=("materials/dangyuan-jiaoyu-guanli-tiaoli/",),
    ),
    Case(
        "part of a word: stock search does not find 党组织 for 组织",
        "组织",
        near_top={"materials/ruanruo-huansan-zhengdun/": 8, "materials/shuji-bidu/": 8},
        titles_have=(6, "组织"),
    ),
    Case(
        "a whole word: pages with it in the title first",
        "党组织",
        near_top={"materials/ruanruo-huansan-zhengdun/": 3, "materials/shuji-bidu/": 3},
        titles_have=(3, "党组织"),
    ),
    Case("Chinese and digits together", "乡村振兴2026", first=("materials/xiangcun-zhenxing-2026/",)),
    Case("Latin with a hyphen and a Chinese word", "e-commerce 电商", first=("materials/nongcun-dianshang-rumen/",)),
    Case("full-width Latin as typed by a Chinese input method", "Ｅ－ＣＯＭＭＥＲＣＥ", first=("materials/nongcun-dianshang-rumen/",)),
    Case("digits typed next to Chinese match text with a space between", "32学时", first=("materials/dangyuan-jiaoyu-guanli-tiaoli/",)),
    Case("a term of art", "三会一课", first=("materials/sanhui-yike/",)),
    Case("single word in a title", "党费", first=("materials/dangfei-jiaona/",)),
    Case("narrowed to one audience", "党组织", audience="mobile", near_top={"materials/liudong-dangyuan-zhinan/": 3}),
    Case("narrowed to one kind", "党员", kind="class-outline", near_top={"materials/xin-dangzhang/": 5}),
    Case(
        "the reader's own audience first among equals",
        "党组织",
        reader="mobile",
        # three pages have 党组织 in their title and come first; then mobile pages lead the rest
        near_top={"materials/ruanruo-huansan-zhengdun/": 3, "materials/liudong-dangyuan-zhinan/": 5},
    ),
    Case("drafts are never found", "党性分析怎么写", never=("dangxing-fenxi",)),
]


# Queries with odd syntax and edge cases: both engines must rank them alike (no expectation of their own).
MORE = [
    Case("required and prohibited parts", "+党员 -培训"),
    Case("lunr syntax that means nothing to readers", "党员^2 党章~1 党*"),
    Case("only a prohibited part", "-党员"),
    Case("a lone plus: lunr cannot parse it", "+"),
    Case("quotes around a phrase", "“三会一课”"),
    Case("a single character", "党"),
    Case("a word that is a property of every JavaScript object", "constructor"),
    Case("nothing found", "宇宙飞船"),
    Case("a common word, every tier", "学习"),
    Case("a common word, narrowed and with a reader", "党员", audience="secretary", reader="member"),
    Case("a phrase that is in few texts but whose bigrams are everywhere", "党员学习教育"),
    Case("full-width and ideographic space", "Ｅ－ｃｏｍ　党"),
    Case("a field that does not exist", "乡村振兴：2026"),
]

# Texts both tokenisers must cut alike: real sentences, and queries as readers type them.
SENTENCES = [
    "条例对党员教育培训提出了明确的学时要求：党员每年集中学习培训时间一般不少于 32 学时。",
    "整顿软弱涣散基层党组织是一项经常性工作，不搞“一阵风”。",
    "对照中央和省、县部署，把乡村振兴2026年重点任务梳理成六个方面。",
    "农村电商（e-commerce）就是通过互联网把农产品卖出去、把生产生活资料买进来。",
    "用 ＡＩ 工具写总结？先学会５Ｇ手机的基本操作。",
]
TYPED = ["党员教育培训", "e-commerce 电商", "+党员 -培训", "Ｅ－ｃｏｍ　党", "乡村振兴：2026", "党员^2 党章~1 党*", "+", "2019 年 5 月",
         "constructor", "a" * 45 + " 党", "  ＋党员　－培训  ", "——", "党员" * 60]  # fmt: skip


def check(case: Case, urls: list[str], titles: list[str], audiences: list[list[str]], kinds: list[str]) -> None:
    """Assert what a reader must see for ``case``, given the ranked results (URLs relative to the site root)."""
    assert urls, f"{case.query}: no results"
    assert tuple(urls[: len(case.first)]) == case.first, f"{case.query}: first results {urls[:5]}"
    for url, n in case.near_top.items():
        assert url in urls[:n], f"{case.query}: {url} not in the first {n}: {urls[:n]}"
    if case.titles_have:
        n, text = case.titles_have
        assert all(text in t for t in titles[:n]), f"{case.query}: titles {titles[:n]}"
    for bad in case.never:
        assert not any(bad in u for u in urls), f"{case.query}: {bad} found"
    if case.audience:
        assert all(case.audience in a for a in audiences), f"{case.query}: audiences {audiences}"
    if case.kind:
        assert all(k == case.kind for k in kinds), f"{case.query}: kinds {kinds}"

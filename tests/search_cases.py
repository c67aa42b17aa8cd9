"""Search expectations on the sample portal, shared by the terminal tests and the browser tests.

Each case is a query as a reader types it, with filters, and what the reader must see: the pages
that must come first (in order), pages that must be found near the top, and what every result
must have in common. Both engines (``studyportal search`` and the search box) must satisfy every
case, and must return the same ranking.
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

"""The index built at build time: what goes in, lunr's weights, the compact format, and the built files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lunr.builder import Builder
from lunr.pipeline import Pipeline

from studyportal.catalog import load_catalog
from studyportal.plan.types import PlannedPage
from studyportal.search import codec
from studyportal.search.extract import page_text
from studyportal.search.index import FIELDS, IndexBuilder, SearchDoc, lunr_weights
from studyportal.search.pages import page_document
from studyportal.search.query import SiteIndex, search
from studyportal.search.tokens import doc_terms, term_counts

ROOT = Path(__file__).resolve().parent.parent


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 63)), max_size=50))
def test_posting_strings_round_trip(pairs):
    """The build's encoder, fed the table weight of each level, writes what the decoder reads back."""
    postings = sorted({d: lv for d, lv in pairs}.items())
    table = codec.weight_table()
    encoder = codec.PostingsEncoder()
    for doc, lvl in postings:
        encoder.add(doc, {"t": table[lvl], "u": 1.0})
    assert codec.decode_postings(encoder.strings().get("t", "")) == postings
    assert encoder.postings == 2 * len(postings)


def test_weight_levels_are_monotonic_and_close():
    table = codec.weight_table()
    assert table == sorted(table) and len(table) == codec.LEVELS and table[0] == 0
    for w in (0.001, 0.02, 0.7, 3.3, 45.0, 400.0):
        assert abs(table[codec.level(w)] - w) / w < 0.12
    assert [codec.level(w) for w in table] == list(range(codec.LEVELS))  # each level's own weight is that level


def test_shard_hash_is_fnv1a():
    assert codec.fnv1a("") == 0x811C9DC5
    assert codec.fnv1a("a") == 0xE40C292C  # the published FNV-1a test vector


def test_weights_are_lunr_bm25_with_field_boosts():
    """The summed field vectors of lunr.py's Builder, for the same documents, fields and boosts."""
    catalog = load_catalog(ROOT / "materials").catalog
    materials = list(catalog.materials.values())[:12]
    fields = {m.slug: {"title": m.title, "summary": m.summary, "headings": " ".join(m.topics), "body": m.body} for m in materials}
    builder = Builder()
    builder.pipeline = Pipeline()
    builder.ref("id")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for slug, f in fields.items():
        builder.add({"id": slug, **{k: doc_terms(v) for k, v in f.items()}})
    idx = builder.build()
    terms_by_index = {p["_index"]: t for t, p in idx.inverted_index.items()}
    ours = list(lunr_weights([{k: term_counts(v) for k, v in f.items()} for f in fields.values()], dict(FIELDS)))
    for slug, mine in zip(fields, ours, strict=True):
        theirs: dict[str, float] = {}
        for name, _ in FIELDS:
            el = idx.field_vectors[f"{name}/{slug}"].elements
            for i in range(0, len(el), 2):
                theirs[terms_by_index[el[i]]] = theirs.get(terms_by_index[el[i]], 0) + el[i + 1]
        assert mine.keys() == theirs.keys()
        for term, w in mine.items():
            assert w == pytest.approx(theirs[term], abs=0.0021), term  # lunr rounds each field to 3 decimals


def test_page_text_reads_like_the_page():
    html = (
        '<h2 id="a">一、党员<strong>学</strong>什么<a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>'
        "<p>条例把党员\n教育的任务<br>概括为几个方面</p><table><tr><td>党员</td><td>教育</td></tr></table>"
        "<script>alert(1)</script><p>A &amp; B</p>"
    )
    text, headings = page_text(html)
    assert headings == ["一、党员学什么"]
    assert text == "一、党员学什么 条例把党员教育的任务 概括为几个方面 党员 教育 A & B"


def test_listing_pages_are_left_out_and_materials_keep_their_facts():
    listing = PlannedPage("topics/index.md", "专题", "…", meta={})
    assert page_document("topics/", "专题", "<p>党员</p>", listing) is None
    home = PlannedPage("index.md", "门户", "…", "sp-home.html", {"sp": {"type": "home"}})
    assert page_document("", "门户", "<p>党员</p>", home) is None
    material = PlannedPage(
        "materials/a/index.md",
        "学党章",
        "…",
        "sp-material.html",
        {
            "sp": {
                "type": "material",
                "kind": "class-outline",
                "audiences": [{"code": "member", "name": "普通党员"}],
                "required": True,
                "summary": "摘要",
                "topics": [{"name": "党章党规", "src": "topics/x/index.md"}],
            }
        },  # fmt: skip
    )
    page = page_document("about/", "关于本站", '<h1 id="x">关于本站</h1><h2>学习节奏</h2><p>每天学习一小时</p>', None)
    assert (page.kind, page.title, page.headings, page.body) == ("page", "关于本站", ["学习节奏"], "学习节奏 每天学习一小时")
    doc = page_document("materials/a/", "学党章", "<h2>一、导入</h2><p>正文</p>", material)
    assert (doc.kind, doc.audiences, doc.required, doc.summary, doc.topics) == ("class-outline", ["member"], True, "摘要", ["党章党规"])
    assert doc.headings == ["一、导入"] and doc.body == "一、导入 正文"


def _toy_site(tmp_path: Path, docs: list[SearchDoc]) -> SiteIndex:
    builder = IndexBuilder()
    for d in docs:
        builder.add(d)
    builder.write(tmp_path)
    return SiteIndex(tmp_path)


def test_ranking_tiers_title_phrase_then_text_phrase_then_all_words_then_some(tmp_path):
    filler = "。".join(["基层支部按计划开展学习"] * 5)
    site = _toy_site(
        tmp_path,
        [
            SearchDoc("a/", "农村党员教育培训工作要点", "material", body=filler),
            SearchDoc("b/", "支部工作", "material", body=filler + "，抓好党员教育培训。"),
            SearchDoc("c/", "支部工作二", "material", body=filler + "，党员参加教育，再去培训。育培、员教。"),
            SearchDoc("d/", "支部工作三", "material", body=filler + "，党员教育很重要。"),
            SearchDoc("e/", "支部工作四", "material", body=filler + "，教育培训。", required=True),
            SearchDoc("f/", "无关", "material", body=filler),
        ],
    )
    hits = search(site, "党员教育培训").hits
    assert [h.url for h in hits] == ["a/", "b/", "c/", "e/", "d/"]
    assert [h.tier for h in hits] == [0, 1, 2, 3, 3]  # e covers 3 terms (教育 育培 培训), d 3 (党员 员教 教育): e is required
    assert ("党员教育培训", True) in hits[1].snippet


def test_required_and_the_readers_audience_come_first_among_equals(tmp_path):
    body = "党员要按时交纳党费。"
    site = _toy_site(
        tmp_path,
        [
            SearchDoc("a-plain/", "甲", "material", ["secretary"], body=body),
            SearchDoc("b-mine/", "乙", "material", ["mobile"], body=body),
            SearchDoc("c-required/", "丙", "material", ["secretary"], True, body=body),
            SearchDoc("d-both/", "丁", "material", ["mobile"], True, body=body),
        ],
    )
    # Same tier and same score: required first, then page order.
    assert [h.url for h in search(site, "党费").hits] == ["c-required/", "d-both/", "a-plain/", "b-mine/"]
    # A mobile member: required-and-mobile first, then required or mobile, then neither.
    assert [h.url for h in search(site, "党费", reader="mobile").hits] == ["d-both/", "b-mine/", "c-required/", "a-plain/"]
    assert [h.url for h in search(site, "党费", audience="mobile").hits] == ["d-both/", "b-mine/"]
    assert [h.url for h in search(site, "党费", kind="class-outline").hits] == []
    assert [h.url for h in search(site, "+党费 -交纳").hits] == []


def test_built_sample_index_is_compact_complete_and_has_no_drafts(sample_site):
    index = sample_site / "search" / "data"
    files = sorted(p for p in index.rglob("*") if p.is_file())
    text = "".join(p.read_text(encoding="utf-8") for p in files)
    assert not re.search(r"\\u[0-9a-fA-F]{4}", text), "Chinese must be stored as UTF-8, not \\uXXXX"
    assert "党性分析怎么写" not in text and "dangxing-fenxi" not in text  # the draft
    site = SiteIndex(sample_site)
    urls = {d[0] for d in site.docs}
    catalog = load_catalog(ROOT / "materials").catalog
    assert {f"materials/{slug}/" for slug in catalog.materials} <= urls
    assert {"curricula/secretary/", "curricula/member/", "curricula/mobile/", "about/"} <= urls
    assert not any(u.startswith(("topics/", "kinds/", "new/")) or u == "" for u in urls)  # listings only repeat titles
    for url, title, *_ in site.docs:
        assert (sample_site / url / "index.html").is_file(), url
        assert title and "&" not in title


def test_the_helper_process_writes_exactly_what_the_build_process_would(tmp_path):
    from studyportal.search.background import BackgroundIndexBuilder

    catalog = load_catalog(ROOT / "materials").catalog
    docs = [
        SearchDoc(f"materials/{m.slug}/", m.title, m.kind, m.audiences, m.required, m.summary, [], m.topics, m.body)
        for m in catalog.materials.values()
    ]
    here, helper = IndexBuilder(), BackgroundIndexBuilder()
    for d in docs:
        here.add(d)
        helper.add(d)
    a, b = here.write(tmp_path / "a"), helper.write(tmp_path / "b")
    assert helper.fallback_reason == ""  # it really ran in the helper
    assert (a.documents, a.terms, a.postings, a.shards, a.bytes) == (b.documents, b.terms, b.postings, b.shards, b.bytes)
    files_a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    files_b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert files_a == files_b and len(files_a) > 3


def test_when_the_helper_fails_the_build_writes_the_index_itself(tmp_path):
    from studyportal.search.background import BackgroundIndexBuilder

    helper = BackgroundIndexBuilder()
    helper.add(SearchDoc("a/", "党员教育", "material", body="党员教育培训"))
    helper._proc.terminate()  # the helper dies mid-build
    helper._proc.join()
    built = helper.write(tmp_path)
    assert "stopped" in helper.fallback_reason
    assert built.documents == 1 and (tmp_path / "search" / "data" / "meta.js").is_file()

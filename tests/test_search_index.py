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
from studyportal.search.index import FIELDS, IndexBuilder, SearchDoc
from studyportal.search.pages import page_document
from studyportal.search.query import SiteIndex, search
from studyportal.search.tokens import doc_terms, term_counts
from tests.search_reference import lunr_weights

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
    files = sorted(p for p in index.rglob("*") if p.is_file() and p.suffix not in (".gz", ".br"))  # not the precompressed copies
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


def _sample_docs() -> list[SearchDoc]:
    """The sample's materials as search documents, and pages that stress the token rule."""
    catalog = load_catalog(ROOT / "materials").catalog
    docs = [
        SearchDoc(f"materials/{m.slug}/", m.title, m.kind, m.audiences, m.required, m.summary, [], m.topics, m.body)
        for m in catalog.materials.values()
    ]
    return docs + [
        SearchDoc("about/", "关于本站", "page", headings=["ＡＰＰ使用", "Wi-Fi 与 5G"], body="用ＡＰＰ扫二维码；GDP增长5%。\u2028换行"),
        SearchDoc("empty/", "", "page"),
        SearchDoc("latin/", "Hello WORLD 2026", "page", body="aaaa " * 3 + "x" * 41 + " 党员 党员党员 " + "ｚｚ" * 3),
        SearchDoc("curricula/member/", "普通党员课程", "curriculum", ["member"], summary="导语：\"引号\"与\\反斜杠"),
    ]


def test_the_index_is_byte_for_byte_the_straightforward_one(tmp_path):
    """The numpy builder writes exactly the files of the plain definition (Counter, lunr's loop, json.dumps)."""
    from tests.search_reference import write_reference

    docs = _sample_docs()
    fast = IndexBuilder()
    for d in reversed(docs):  # pages arrive in any order
        fast.add(d)
    built = fast.write(tmp_path / "fast")
    write_reference(docs, tmp_path / "reference")
    files_fast = {p.relative_to(tmp_path / "fast"): p.read_bytes() for p in (tmp_path / "fast").rglob("*") if p.is_file()}
    files_ref = {p.relative_to(tmp_path / "reference"): p.read_bytes() for p in (tmp_path / "reference").rglob("*") if p.is_file()}
    assert files_fast == files_ref and len(files_fast) > 3
    assert built.documents == len(docs) and built.bytes == sum(len(b) for b in files_fast.values())
    assert [h.url for h in search(SiteIndex(tmp_path / "fast"), "world").hits] == ["latin/"]  # folded: WORLD


def test_an_index_of_many_chunks_is_the_straightforward_one(tmp_path):
    """More pages than the builder weighs at once (two threads, chunks of 128), with terms in every field of every page —
    the most a chunk can count of one term — and terms in a single page: still exactly the plain definition's files."""
    from studyportal.search.index import CHUNK
    from tests.search_reference import write_reference

    words = "组织生活会议支部委员选举纪律规矩初心使命理论学习调查研究"
    docs = [
        SearchDoc(
            f"materials/m{i:04d}/",
            f"党员学习第{i}课 {words[i % len(words)]}{words[(i * 7) % len(words)]}",
            "lesson" if i % 3 else "reading",
            ["member"],
            i % 5 == 0,
            f"党员要点：{words[(i * 3) % len(words)]}",
            ["党员", words[(i * 11) % len(words)]],
            ["党员"],
            "党员" * (1 + i % 4) + "".join(words[(i * k) % len(words)] for k in range(60)) + f" page{i} v{i % 7}",
        )
        for i in range(2 * CHUNK + 45)
    ]
    fast = IndexBuilder()
    for d in reversed(docs):
        fast.add(d)
    fast.write(tmp_path / "fast")
    write_reference(docs, tmp_path / "reference")
    files_fast = {p.relative_to(tmp_path / "fast"): p.read_bytes() for p in (tmp_path / "fast").rglob("*") if p.is_file()}
    files_ref = {p.relative_to(tmp_path / "reference"): p.read_bytes() for p in (tmp_path / "reference").rglob("*") if p.is_file()}
    assert files_fast == files_ref
    last = len(docs) - 1  # a word of the last page alone: found, and only there
    assert [h.url for h in search(SiteIndex(tmp_path / "fast"), f"page{last}").hits] == [f"materials/m{last:04d}/"]
    assert len(search(SiteIndex(tmp_path / "fast"), "党员").hits) >= 10


@given(st.text(alphabet=st.sampled_from("党员组织生活ＡａＺｚ０９Aa9z -—，。\u3000\u3400\u9fff\uf900\U00020000x"), max_size=80))
def test_numpy_term_counts_are_the_token_rule(text):
    """Every Han character, every bigram of a Han run, every Latin word ≤ 40 letters, after folding: as ``term_counts``."""
    from studyportal.search.terms import count_field, key_text

    field = count_field(text)
    mine = {key_text(int(k)): int(c) for k, c in zip(field.keys, field.counts, strict=True)}
    assert not set(mine) & set(field.words)
    mine.update(field.words)
    assert mine == dict(term_counts(text))


def test_page_terms_survive_the_cache_format_and_refuse_garbage():
    from studyportal.search.index import page_terms
    from studyportal.search.terms import PageTerms

    terms = page_terms(_sample_docs()[-2])
    head, blob = terms.to_blobs()
    back = PageTerms.from_blobs(head, blob)
    assert back.entry == terms.entry and back.text == terms.text
    pairs = zip(back.fields, terms.fields, strict=True)
    assert all((a.keys == b.keys).all() and (a.counts == b.counts).all() and a.words == b.words for a, b in pairs)
    with pytest.raises(ValueError):
        PageTerms.from_blobs(head, blob[:-1])

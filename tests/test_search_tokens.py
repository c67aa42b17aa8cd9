"""The token scheme on real Chinese sentences: queries typed as people type them match the text."""

from __future__ import annotations

from collections import Counter

import jieba
import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyportal.search.tokens import doc_terms, fold, parse_query, query_terms, squeeze, term_counts

SENTENCES = [
    "条例对党员教育培训提出了明确的学时要求：党员每年集中学习培训时间一般不少于 32 学时。",
    "整顿软弱涣散基层党组织是一项经常性工作，不搞“一阵风”。",
    "对照中央和省、县部署，把乡村振兴2026年重点任务梳理成六个方面。",
    "农村电商（e-commerce）就是通过互联网把农产品卖出去、把生产生活资料买进来。",
    "用 ＡＩ 工具写总结？先学会５Ｇ手机的基本操作。",
]


def matches(query: str, text: str) -> bool:
    """Every term of the query is a term of the text (what the index can answer)."""
    terms = set(doc_terms(text))
    return all(t in terms for p in parse_query(query) for t in p.terms)


@pytest.mark.parametrize(
    "query, text",
    [
        ("党员教育培训", SENTENCES[0]),  # a phrase typed without spaces
        ("教育培训", SENTENCES[0]),
        ("组织", SENTENCES[1]),  # a part of the word 党组织
        ("党组织", SENTENCES[1]),
        ("基层党组织", SENTENCES[1]),
        ("乡村振兴2026", SENTENCES[2]),  # Chinese and digits run together
        ("2026年", SENTENCES[2]),
        ("e-commerce 电商", SENTENCES[3]),  # Latin, hyphen, Chinese
        ("ecommerce", "ECommerce"),
        ("ai", SENTENCES[4]),  # full-width Latin as an input method types it
        ("5g手机", SENTENCES[4]),
        ("党", SENTENCES[1]),  # a single character
    ],
)
def test_queries_typed_as_people_type_them_match_the_text(query, text):
    assert matches(query, text)


def test_a_part_of_a_jieba_word_is_no_jieba_token_but_matches_here():
    """Stock search indexes jieba words, so 组织 (inside 党组织) finds nothing there."""
    words = jieba.lcut(SENTENCES[1])
    assert "党组织" in words and "组织" not in words
    assert matches("组织", SENTENCES[1])


def test_a_phrase_keeps_every_character_of_the_query():
    """Stock search cut 党员教育培训 into 党员, 教育 and dropped 培训; the bigram chain covers every character."""
    terms = query_terms("党员教育培训")
    assert terms == ["党员", "员教", "教育", "育培", "培训"]
    assert "".join(t[0] for t in terms) + terms[-1][1] == "党员教育培训"
    assert not matches("党员教育培训", "党员要接受教育，积极参加技术讲座。")  # 培训 is not there


def test_non_matches_stay_non_matches():
    assert not matches("党组织", "组织生活会每年召开一次。")
    assert not matches("乡村振兴2027", SENTENCES[2])


def test_document_terms_are_bigrams_characters_and_words():
    assert doc_terms("党组织 e-Commerce，2026年") == ["党", "组", "织", "党组", "组织", "e", "commerce", "2026", "年"]


def test_query_terms_are_bigrams_unless_a_run_has_one_character():
    assert query_terms("2026年 党") == ["2026", "年", "党"]
    assert query_terms("学习学习") == ["学习", "习学"]  # deduplicated
    assert query_terms("，。！") == []


def test_fold_is_fixed_and_keeps_length():
    text = "ＡＢＣ－１２３（党）：Ｘ　y"
    assert fold(text) == "abc-123(党):x y"
    assert len(fold(text)) == len(text)


def test_squeeze_drops_spaces_next_to_chinese_only():
    assert squeeze("2019 年 5 月 党员 教育 e commerce") == "2019年5月党员教育e commerce"


@pytest.mark.parametrize(
    "query, parts",
    [
        ("党员教育培训", [("党员教育培训", "optional")]),
        ("e-commerce 电商", [("e", "optional"), ("commerce", "optional"), ("电商", "optional")]),
        ("+党员 -培训", [("党员", "required"), ("培训", "prohibited")]),
        ("＋党员　－培训", [("党员", "required"), ("培训", "prohibited")]),
        ("“三会一课”", [("三会一课", "optional")]),
        ("乡村振兴：2026", [("乡村振兴:2026", "optional")]),  # lunr's field syntax means nothing here
        ("党员^2 党章~1 党*", [("党员^2", "optional"), ("党章~1", "optional"), ("党", "optional")]),
        ("+", []),
    ],
)
def test_query_parsing_keeps_lunr_presence_and_ignores_its_other_syntax(query, parts):
    assert [(p.text, p.presence) for p in parse_query(query)] == parts


@given(st.text(alphabet=st.sampled_from(list("党员组织教育培训乡村振兴ＡａZz09０９ -，。\n　（）")), max_size=60))
def test_fast_counting_equals_the_reference_tokeniser(text):
    assert term_counts(text) == Counter(doc_terms(text))

"""The token scheme on real Chinese sentences: queries typed as people type them match the text."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import jieba
import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyportal.search.tokens import (
    HAN_RANGES,
    MAX_WORD,
    doc_terms,
    fold,
    highlight,
    is_han,
    parse_query,
    query_terms,
    rules,
    snippet,
    squeeze,
    term_counts,
)
from tests.search_cases import SENTENCES


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
    text = "党组织 e-Commerce，2026年，组织"
    assert sorted(doc_terms(text)) == sorted(["党", "组", "织", "党组", "组织", "e", "commerce", "2026", "年", "组", "织", "组织"])
    assert term_counts(text) == Counter(doc_terms(text))
    assert term_counts("x" * MAX_WORD + " " + "y" * (MAX_WORD + 1)) == Counter({"x" * MAX_WORD: 1})  # longer words are not indexed


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


def plain_document_terms(text: str) -> list[str]:
    """The document rule written the plain way, run by run: every Han character and bigram; a Latin word up to MAX_WORD."""
    out: list[str] = []
    for run in re.findall(f"[{HAN_RANGES}]+|[0-9a-z]+", fold(text)):
        if is_han(run[0]):
            out += list(run) + [run[i : i + 2] for i in range(len(run) - 1)]
        elif len(run) <= MAX_WORD:
            out.append(run)
    return out


@given(st.text(alphabet=st.sampled_from(list("党员组织教育培训乡村振兴ＡａZz09０９ -，。\n　（）")), max_size=90))
def test_the_fast_document_tokeniser_follows_the_plain_rule(text):
    assert term_counts(text) == Counter(plain_document_terms(text))


@given(st.text(alphabet=st.sampled_from(list("党员组织教育培训乡村振兴ＡａZz09０９ -，。\n　（）")), max_size=90))
def test_query_terms_are_document_terms_of_the_same_text(text):
    """A query finds the text it was copied from: its terms (but words cut at MAX_WORD) are terms of that text."""
    terms = term_counts(text)
    assert all(t in terms for t in query_terms(text) if len(t) < MAX_WORD)


def test_one_highlighter_for_titles_and_snippets():
    parts = parse_query("党员教育培训 E-commerce")
    terms = {t for p in parts for t in p.terms}
    assert highlight("农村党员教育", 0, 6, terms) == [("农村", False), ("党员教育", True)]
    marked = [("Ｅ", True), ("－", False), ("ＣＯＭＭＥＲＣＥ", True), (" 电商", False)]
    assert highlight("Ｅ－ＣＯＭＭＥＲＣＥ 电商", 0, 13, terms) == marked
    assert highlight("ecommerce", 0, 9, terms) == [("ecommerce", False)]  # a whole word, not the word commerce
    pieces = snippet("前言" * 40 + "抓好党员教育培训工作" + "后记" * 60, parts)
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False) and ("党员教育培训", True) in pieces
    text = "".join(t for t, _ in pieces[1:-1])
    assert len(text) == rules()["snippet"] and text.index("党员教育培训") == rules()["lead"]


def test_the_rules_the_browser_reads_describe_exactly_what_python_does():
    """``meta.js`` carries ``rules()``: its Han blocks are Python's, and its fold table folds ASCII case and width, nothing else."""
    r = rules()
    assert "".join(f"{chr(a)}-{chr(b)}" for a, b in r["han"]) == HAN_RANGES
    table = {c: to + c - a for a, b, to in r["fold"] for c in range(a, b + 1)}
    for c in range(0x10000):
        ch = chr(c)
        folds = "A" <= ch <= "Z" or 0xFF01 <= c <= 0xFF5E or c == 0x3000
        assert fold(ch) == chr(table.get(c, c)) == (unicodedata.normalize("NFKC", ch).lower() if folds else ch), hex(c)

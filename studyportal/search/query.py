"""Querying the built index from Python — the same tokeniser, lunr scoring and ranking rules as the browser.

``assets/search/engine.js`` is the browser's copy of :func:`search` (tokens and highlighting come from
``tokens.py``'s rule, which the index carries to it); keep the two in step: ``tests/js/engine.test.js``
runs the cases of ``tests/search_cases.py`` through both and asserts the same rankings.

Ranking, most important first:

1. tier — 0: every word/phrase of the query is in the title; 1: every phrase is in the page text
   (checked on the text, not guessed); 2: every term (bigram, word) is on the page, but not as
   the phrase typed; 3: some terms only. Phrases are compared folded and without the spaces next
   to Chinese characters, so ``32学时`` is the phrase of ``32 学时``;
2. in tier 3, how many of the query's terms the page has;
3. among equals, required materials and materials for the reader's own audience first;
4. lunr's score (BM25 weights, dot product with the query vector);
5. document order, for a stable result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.query import QueryPresence
from lunr.token_set import TokenSet
from lunr.vector import Vector

from studyportal.errors import StudyportalError
from studyportal.search import codec
from studyportal.search.index import FORMAT_VERSION, INDEX_DIR, PAGE
from studyportal.search.tokens import QueryPart, fold, highlight, parse_query, snippet, squeeze

FIELD = "b"  # the single lunr field of the query-time index: weights are already summed over fields
_PRESENCE = {"optional": QueryPresence.OPTIONAL, "required": QueryPresence.REQUIRED, "prohibited": QueryPresence.PROHIBITED}


class IndexUnusable(StudyportalError):
    """The site's search index cannot be used: missing, damaged, or written in another format."""


class IndexMissing(IndexUnusable):
    """The site has no search index (not built, or built without the studyportal plugin)."""


class SiteIndex:
    """The index files of a built site, read on demand like the browser does."""

    def __init__(self, site_dir: Path) -> None:
        self.root = Path(site_dir) / INDEX_DIR
        meta_path = self.root / "meta.js"
        if not meta_path.is_file():
            raise IndexMissing(f"没有找到搜索索引 {meta_path}：先运行 studyportal build（或 mkdocs build），或用 --site 指定网站目录。")
        try:
            _, _, self.meta = codec.from_script(meta_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise IndexUnusable(f"搜索索引 {meta_path} 读不出来（{exc}）：重新运行 studyportal build。") from exc
        if not isinstance(self.meta, dict) or self.meta.get("v") != FORMAT_VERSION:
            found = self.meta.get("v") if isinstance(self.meta, dict) else None
            raise IndexUnusable(
                f"搜索索引 {meta_path} 的格式是 {found}，这个版本的 studyportal 只认格式 {FORMAT_VERSION}："
                "用这个版本重新运行 studyportal build，再查找。"
            )
        self.weights: list[float] = self.meta["w"]
        # [url, title, kind, audiences bit mask, required], the trailing zeros written out.
        self.docs: list[list[Any]] = [(d + [0, 0])[:5] for d in self.meta["docs"]]
        self._shards: dict[int, dict[str, str]] = {}
        self._texts: dict[int, list[list[str]]] = {}
        self.files_read: list[str] = []

    def _load(self, rel: str) -> Any:
        self.files_read.append(rel)
        return codec.from_script((self.root / rel).read_text(encoding="utf-8"))[2]

    def postings(self, term: str) -> list[tuple[int, float]]:
        """``[(doc id, weight), …]`` of a term."""
        k = codec.shard_of(term, self.meta["shards"])
        if k not in self._shards:
            self._shards[k] = self._load(f"p/{k}.js")
        data = self._shards[k].get(term)
        return [(d, self.weights[lv]) for d, lv in codec.decode_postings(data)] if data else []

    def text(self, doc_id: int) -> list[str]:
        """``[summary, body, topics]`` of a document."""
        k = doc_id // self.meta["chunk"]
        if k not in self._texts:
            self._texts[k] = self._load(f"t/{k}.js")
        return self._texts[k][doc_id % self.meta["chunk"]]


@dataclass
class Hit:
    """One ranked result."""

    doc: int
    url: str
    title: str
    kind: str
    kind_name: str
    audiences: list[str]
    audience_names: list[str]
    required: bool
    tier: int
    cover: int
    score: float
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (text, highlighted)
    title_marks: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class SearchResult:
    """Ranked hits (one page of them) and how many pages matched in all."""

    hits: list[Hit]
    total: int
    parts: list[QueryPart]


def _mini_index(site: SiteIndex, terms: list[str]) -> Index:
    """A lunr index holding just the query's terms: identical scores to the whole index."""
    ordered = sorted(set(terms))
    inverted: dict[str, dict[str, Any]] = {}
    elements: dict[int, list[float]] = {}
    for i, t in enumerate(ordered):
        plist = site.postings(t)
        inverted[t] = {"_index": i, FIELD: {str(d): {} for d, _ in plist}}
        for d, w in plist:
            elements.setdefault(d, []).extend((i, w))
    vectors = {f"{FIELD}/{d}": Vector(el) for d, el in elements.items()}
    return Index(inverted, vectors, TokenSet.from_list(ordered), [FIELD], Pipeline())


def _order(c: Hit, pref: int) -> tuple:
    return (c.tier, -c.cover if c.tier == 3 else 0, -pref, -c.score, c.doc)


def search(
    site: SiteIndex,
    query: str,
    *,
    audience: str | None = None,
    kind: str | None = None,
    reader: str | None = None,
    limit: int = PAGE,
) -> SearchResult:
    """Ranked results for ``query``, narrowed to one audience and/or kind; ``reader`` is the reader's own audience."""
    parts = parse_query(query)
    positive = [p for p in parts if p.presence != "prohibited"]
    if not positive:
        return SearchResult([], 0, parts)
    pos_terms = list(dict.fromkeys(t for p in positive for t in p.terms))
    idx = _mini_index(site, [t for p in parts for t in p.terms])
    q = idx.create_query()
    for p in parts:
        for t in p.terms:
            q.clause(term=t, use_pipeline=False, presence=_PRESENCE[p.presence])
    meta = site.meta
    audiences: list[str] = meta["audiences"]
    aud_bit = 1 << audiences.index(audience) if audience in audiences else 0
    reader_bit = 1 << audiences.index(reader) if reader in audiences else 0
    kinds: list[str] = meta["kinds"]
    kind_index = kinds.index(kind) if kind in kinds else -1
    if (audience and not aud_bit) or (kind and kind_index < 0):
        return SearchResult([], 0, parts)
    cands: list[Hit] = []
    prefs: dict[int, int] = {}
    for r in idx.query(q):
        doc_id = int(r["ref"])
        url, title, k, mask, req = site.docs[doc_id]
        if (aud_bit and not mask & aud_bit) or (kind_index >= 0 and k != kind_index):
            continue
        matched = set(r["match_data"].metadata)
        cover = sum(1 for t in pos_terms if t in matched)
        complete = cover == len(pos_terms)
        folded_title = squeeze(fold(title))
        tier = 0 if complete and all(p.text in folded_title for p in positive) else 1 if complete else 3
        codes = [a for i, a in enumerate(audiences) if mask & (1 << i)]
        hit = Hit(doc_id, url, title, kinds[k], meta["kindNames"][k], codes, [meta["audienceNames"][audiences.index(a)] for a in codes],
                  bool(req), tier, cover, r["score"])  # fmt: skip
        prefs[doc_id] = (1 if req else 0) + (1 if mask & reader_bit else 0)
        cands.append(hit)
    cands.sort(key=lambda c: _order(c, prefs[c.doc]))
    verified: set[int] = set()
    while True:  # "phrase in the text" is a guess until the text is read; read it for what is shown
        unchecked = [c for c in cands[:limit] if c.tier == 1 and c.doc not in verified]
        if not unchecked:
            break
        for c in unchecked:
            verified.add(c.doc)
            summary, body, topics = site.text(c.doc)
            text = squeeze(fold(f"{c.title} {summary} {body} {topics}"))
            if not all(p.text in text for p in positive):
                c.tier = 2
        cands.sort(key=lambda c: _order(c, prefs[c.doc]))
    hits = cands[:limit]
    for h in hits:
        summary, body, _ = site.text(h.doc)
        h.snippet = snippet(f"{summary} · {body}" if summary and body else summary or body, positive)
        h.title_marks = highlight(h.title, 0, len(h.title), {t for p in positive for t in p.terms})
    return SearchResult(hits, len(cands), parts)

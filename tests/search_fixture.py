"""What the Node tests of the browser's engine (``tests/js/``) compare it with, written as JSON.

    python -m tests.search_fixture OUT.json --site SITE     # a built site
    python -m tests.search_fixture OUT.json --build SITE    # build the sample portal into SITE first

The JSON names the site's index folder, which the Node tests load file by file as the browser
does, and holds Python's answers: the settings ``meta.js`` must carry, the terms, parts and
highlights of the texts of ``tests/search_cases.py``, a few decoded posting lists, and for every
case the ranked results ``studyportal search`` gives (one page, and all of them).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from studyportal.search import codec  # noqa: E402
from studyportal.search.index import INDEX_DIR, PAGE, settings  # noqa: E402
from studyportal.search.query import Hit, SiteIndex, search  # noqa: E402
from studyportal.search.tokens import fold, highlight, parse_query, query_terms, squeeze  # noqa: E402
from tests.search_cases import CASES, MORE, SENTENCES, TYPED, Case  # noqa: E402

ALL = 1000  # "all results": more than the sample portal has pages


def _hit(h: Hit) -> dict[str, Any]:
    return {
        "doc": h.doc,
        "url": h.url,
        "title": h.title,
        "kind": h.kind,
        "kindName": h.kind_name,
        "audiences": h.audiences,
        "required": h.required,
        "tier": h.tier,
        "cover": h.cover,
        "score": h.score,
        "titleMarks": [list(p) for p in h.title_marks],
        "snippet": [list(p) for p in h.snippet],
    }


def _text(text: str) -> dict[str, Any]:
    parts = parse_query(text)
    terms = {t for p in parts for t in p.terms}
    return {
        "text": text,
        "fold": fold(text),
        "squeeze": squeeze(fold(text)),
        "queryTerms": query_terms(text),
        "parts": [{"text": p.text, "terms": list(p.terms), "presence": p.presence} for p in parts],
        "highlight": [list(p) for p in highlight(text, 0, len(text), terms)],
    }


def _runs(site: SiteIndex, case: Case, checked: bool) -> list[dict[str, Any]]:
    out = []
    for limit in (PAGE, ALL):
        result = search(site, case.query, audience=case.audience, kind=case.kind, reader=case.reader, limit=limit)
        out.append({
            "id": case.id,
            "query": case.query,
            "audience": case.audience,
            "kind": case.kind,
            "reader": case.reader,
            "limit": limit,
            "check": checked and limit == PAGE,
            "first": list(case.first),
            "nearTop": case.near_top,
            "titlesHave": list(case.titles_have) if case.titles_have else None,
            "never": list(case.never),
            "total": result.total,
            "hits": [_hit(h) for h in result.hits],
        })  # fmt: skip
    return out


def fixture(site_dir: Path) -> dict[str, Any]:
    """Python's answers on the index of ``site_dir``, for the Node tests."""
    site = SiteIndex(site_dir)
    texts = SENTENCES + TYPED + [c.query for c in CASES + MORE]
    terms = sorted({t for text in texts for t in query_terms(text)})
    return {
        "index": str((site_dir / INDEX_DIR).resolve()),
        "page": PAGE,
        "settings": settings(),
        "texts": [_text(t) for t in dict.fromkeys(texts)],
        "postings": [{"term": t, "hash": codec.fnv1a(t), "postings": [list(p) for p in site.postings(t)]} for t in terms],
        "runs": [run for c in CASES for run in _runs(site, c, True)] + [run for c in MORE for run in _runs(site, c, False)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--site", type=Path, help="a built site")
    where.add_argument("--build", type=Path, help="build the sample portal into this folder first")
    args = parser.parse_args()
    if args.build:
        from tests.helpers import build_site

        result = build_site(ROOT, args.build)
        if result.returncode != 0:
            sys.exit(f"building the sample portal failed:\n{result.stderr}")
    args.out.write_text(json.dumps(fixture(args.site or args.build), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

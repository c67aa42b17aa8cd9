"""``studyportal search``: query the built index from a terminal, ranked exactly as the search box does."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from studyportal.kinds.choice import KindChoice
from studyportal.search.index import PAGE, search_kinds
from studyportal.search.query import Hit, SiteIndex, search
from studyportal.vocabulary import AUDIENCES


def _marked(pieces: list[tuple[str, bool]], color: bool) -> str:
    if color:
        return "".join(click.style(t, fg="red", bold=True) if m else t for t, m in pieces)
    return "".join(f"【{t}】" if m else t for t, m in pieces)


def _as_json(rank: int, h: Hit) -> dict:
    return {
        "rank": rank,
        "url": h.url,
        "title": h.title,
        "kind": h.kind,
        "kind_name": h.kind_name,
        "audiences": h.audiences,
        "required": h.required,
        "tier": h.tier,
        "score": h.score,
        "snippet": "".join(t for t, _ in h.snippet),
        "highlights": [t for t, m in h.snippet if m],
    }


@click.command(name="search", help="在已构建网站的搜索索引里查找，排序与网页搜索框相同。")
@click.argument("query")
@click.option("--site", "site_dir", default="site", show_default=True, type=click.Path(path_type=Path), help="已构建的网站目录")
@click.option("--audience", type=click.Choice(list(AUDIENCES)), help="只看某类学习对象的材料")
@click.option("--kind", type=KindChoice(search_kinds), help="只看某种类型")
@click.option("--reader", type=click.Choice(list(AUDIENCES)), help="我是谁：同等相关时优先这类学习对象的材料")
@click.option("--limit", default=PAGE, show_default=True, type=click.IntRange(1, 1000), help="最多显示几条")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
def search_command(query: str, site_dir: Path, audience: str | None, kind: str | None, reader: str | None, limit: int, fmt: str) -> None:
    site = SiteIndex(site_dir)
    result = search(site, query, audience=audience, kind=kind, reader=reader, limit=limit)
    if fmt == "json":
        data = {"query": query, "total": result.total, "results": [_as_json(i, h) for i, h in enumerate(result.hits, 1)]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    if not result.parts:
        click.echo("请输入要查找的字词。", err=True)
        sys.exit(1)
    if not result.hits:
        click.echo(f"没有找到与“{query}”相关的内容。")
        sys.exit(1)
    color = sys.stdout.isatty()
    click.echo(f"“{query}”：找到 {result.total} 个结果" + (f"，显示前 {len(result.hits)} 个" if result.total > len(result.hits) else ""))
    for i, h in enumerate(result.hits, 1):
        facts = [h.kind_name] + (["、".join(h.audience_names)] if h.audience_names else []) + (["必学"] if h.required else [])
        click.echo(f"\n{i:>2}. {_marked(h.title_marks, color)}\n    {' · '.join(facts)}\n    {h.url or './'}")
        click.echo(f"    {_marked(h.snippet, color)}")

"""A deterministic synthetic corpus of Chinese study materials, for benchmarks.

``python scripts/corpus.py 2000 /tmp/corpus`` writes ``/tmp/corpus/materials`` (the portal's
input, with three curricula) and ``/tmp/corpus/plain-docs`` (the same Markdown for a plain
MkDocs + Material build). Planted phrases let search quality be measured: each is written into
exactly one material, whose slug is recorded in ``planted.json``.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

WORDS = (
    "党员 干部 群众 支部 党组织 基层 乡村 振兴 产业 发展 学习 教育 培训 党章 党史 纪律 作风 服务 治理 "
    "合作社 集体经济 农田 水利 种植 养殖 大棚 蔬菜 果树 电商 直播 物流 销售 品牌 技术 手机 电脑 网络 "
    "安全 防范 诈骗 医疗 养老 教育 就业 务工 返乡 创业 资金 项目 规划 建设 环境 整治 垃圾 污水 厕所 "
    "道路 村庄 民主 监督 公开 议事 评议 考核 制度 规范 责任 落实 推进 加强 完善 提高 组织 生活 会议 "
    "主题 党日 政策 理论 形势 精神 思想 信念 宗旨 初心 使命 担当 作为 廉洁 自律 奉献 模范 先锋 典型"
).split()
CONNECT = "，要 ，把 ，坚持 ，通过 ，围绕 ，推动 ，不断 ，切实".split()
PLANTED = [
    "数字乡村治理积分制",
    "高标准农田建设补助",
    "流动党员联络站",
    "党员教育培训示范点",
    "集体经济薄弱村",
    "直播带货合规经营",
    "防止返贫动态监测",
    "村务监督委员会",
    "智慧党建云平台",
    "秸秆综合利用技术",
]
AUDIENCES = ["secretary", "member", "mobile"]
TRACKS = ["constitution", "policy", "skills"]
KINDS = ["material", "material", "class-outline", "policy-explainer", "reading-list"]
TOPICS = ["党章党规", "党史", "党性教育", "乡村振兴", "基层治理", "组织生活", "农业技术", "农村电商", "数字技能", "纪律作风"]


def sentence(rng: random.Random) -> str:
    parts = [rng.choice(WORDS) + rng.choice(WORDS)]
    for _ in range(rng.randint(2, 5)):
        parts.append(rng.choice(CONNECT).strip() + rng.choice(WORDS) + rng.choice(WORDS) + rng.choice(WORDS))
    return "".join(parts) + "。"


def paragraph(rng: random.Random, n: int) -> str:
    return "".join(sentence(rng) for _ in range(n))


def kind_fields(kind: str, rng: random.Random, i: int) -> str:
    if kind == "class-outline":
        return (
            f"objectives: [{sentence(rng)[:20]}, {sentence(rng)[:20]}]\nduration: {rng.choice([45, 60, 90])}\n"
            f"discussion: [{sentence(rng)[:24]}？]\n"
        )
    if kind == "policy-explainer":
        title = f"《关于{rng.choice(WORDS)}{rng.choice(WORDS)}工作的意见》"
        return f"document:\n  title: {title}\n  issuer: 县委办公室\n  date: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n"
    if kind == "reading-list":
        book = f"《{rng.choice(WORDS)}{rng.choice(WORDS)}读本》"
        return f"items:\n  - title: {book}\n    author: 县委组织部\n    required: true\n    quarter: 2026Q{rng.randint(1, 4)}\n"
    return ""


def generate(n: int, out: Path, seed: int = 20261121) -> dict[str, str]:
    """Write the corpus; returns planted phrase → slug."""
    rng = random.Random(seed)
    materials = out / "materials"
    plain = out / "plain-docs"
    (materials / "curricula").mkdir(parents=True, exist_ok=True)
    plain.mkdir(parents=True, exist_ok=True)
    planted_at = {phrase: (i * 7919) % n for i, phrase in enumerate(PLANTED)}
    where = {v: k for k, v in planted_at.items()}
    slugs_by_audience: dict[str, list[str]] = {a: [] for a in AUDIENCES}
    planted: dict[str, str] = {}
    for i in range(n):
        slug = f"m{i:05d}"
        kind = KINDS[i % len(KINDS)]
        audiences = sorted({AUDIENCES[i % 3], AUDIENCES[(i // 3) % 3]})
        title = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(WORDS)}专题学习第{i + 1}课"
        sections = []
        for s in range(rng.randint(3, 5)):
            heading = f"## {s + 1}、{rng.choice(WORDS)}{rng.choice(WORDS)}"
            sections.append(heading + "\n\n" + "\n\n".join(paragraph(rng, rng.randint(2, 4)) for _ in range(2)))
        if i in where:
            phrase = where[i]
            sections[1] += f"\n\n本村开展{phrase}工作，取得明显成效。"
            planted[phrase] = slug
        body = "\n\n".join(sections)
        meta = (
            f"title: {title}\nkind: {kind}\naudiences: [{', '.join(audiences)}]\ntrack: {TRACKS[i % 3]}\n"
            f"topics: [{TOPICS[i % len(TOPICS)]}]\nsummary: {sentence(rng)[:60]}\nhours: {rng.choice([0.5, 1, 1.5, 2])}\n"
            f"required: {'true' if i % 4 == 0 else 'false'}\npublished: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}\nslug: {slug}\n"
            + kind_fields(kind, rng, i)
        )
        text = f"---\n{meta}---\n\n{body}\n"
        folder = f"t{i // 200:03d}"
        (materials / folder).mkdir(exist_ok=True)
        (materials / folder / f"{slug}.md").write_text(text, encoding="utf-8")
        (plain / folder).mkdir(exist_ok=True)
        (plain / folder / f"{slug}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
        for a in audiences:
            slugs_by_audience[a].append(slug)
    for audience, slugs in slugs_by_audience.items():
        modules = []
        per = max(1, len(slugs) // 12)
        for k in range(0, len(slugs), per):
            chunk = slugs[k : k + per]
            modules.append(f"  - key: mod{k // per + 1}\n    title: 第{k // per + 1}单元学习\n    materials: [{', '.join(chunk)}]\n")
        curriculum = (
            f"audience: {audience}\ntitle: {audience} 学习课程\nintroduction: 合成的课程。\n"
            "phases:\n  - title: 组织实施\n    start: 2026-01-01\n    end: 2026-12-31\n"
            "modules:\n" + "".join(modules)
        )
        (materials / "curricula" / f"{audience}.yml").write_text(curriculum, encoding="utf-8")
    (out / "planted.json").write_text(json.dumps(planted, ensure_ascii=False, indent=1), encoding="utf-8")
    return planted


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("bench-out") / f"corpus-{count}"
    print(json.dumps(generate(count, target), ensure_ascii=False))

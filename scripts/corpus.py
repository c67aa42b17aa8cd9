"""A deterministic synthetic corpus of Chinese study materials of real length, for benchmarks.

``python scripts/corpus.py 2000 /tmp/corpus`` writes ``/tmp/corpus/materials`` (the portal's
input, with three curricula) and ``/tmp/corpus/plain-docs`` (the same Markdown for a plain
MkDocs + Material build). Planted phrases let search quality be measured: each is written into
exactly one material, whose slug is recorded in ``planted.json``.

Pages look like real materials, not like a word list:

- **length**: Chinese characters per body follow a log-normal distribution with a median of
  about 1,700 and a tail to about 6,000 (σ = 0.54 puts the 99th percentile there); policy
  explainers run longer, lessons for mobile members shorter, as the contribution guide asks;
- **vocabulary**: several thousand words — the 6,000 most frequent words of jieba's dictionary,
  drawn by their frequency (so the long tail of rare words is there too), mixed with the study
  portal's own domain words, numbers, dates, percentages and the odd Latin acronym;
- **structure**: ``##``/``###`` headings, paragraphs, bullet and numbered lists, tables, bold
  phrases and block quotes, in the proportions of the sample materials.
- **curricula**: one per audience, of :data:`CURRICULUM_SIZE` materials in twelve modules (a year's plan
  stays a year's plan in a portal of any size); every other material is reached through its topic and kind pages.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import random
import sys
from functools import lru_cache
from pathlib import Path

DOMAIN = (
    "党员 干部 群众 支部 党组织 基层 乡村 振兴 产业 发展 学习 教育 培训 党章 党史 纪律 作风 服务 治理 "
    "合作社 集体经济 农田 水利 种植 养殖 大棚 蔬菜 果树 电商 直播 物流 销售 品牌 技术 手机 电脑 网络 "
    "安全 防范 诈骗 医疗 养老 就业 务工 返乡 创业 资金 项目 规划 建设 环境 整治 垃圾 污水 厕所 "
    "道路 村庄 民主 监督 公开 议事 评议 考核 制度 规范 责任 落实 推进 加强 完善 提高 组织 生活 会议 "
    "主题党日 政策 理论 形势 精神 思想 信念 宗旨 初心 使命 担当 作为 廉洁 自律 奉献 模范 先锋 典型 "
    "三会一课 组织生活会 民主评议 发展党员 党费 入党积极分子 预备党员 流动党员 村务公开 网格 "
    "新型农业经营主体 高标准农田 土地流转 耕地保护 防汛 抗旱 病虫害 测土配方 有机肥 冷链 农产品 "
    "快递 驿站 平台 账号 密码 隐私 反诈 医保 社保 低保 帮扶 脱贫 返贫 监测 产业园 龙头企业"
).split()
CONNECTIVES = ["，", "，", "，", "，要", "，把", "，坚持", "，通过", "，围绕", "，推动", "，不断", "，切实", "、", "；"]
ACRONYMS = ["APP", "5G", "GDP", "CPI", "Wi-Fi", "PPT", "U盘", "QQ群", "二维码"]
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
HEADING_NUMBERS = "一二三四五六七八九十"
MEDIAN_CHARS, SIGMA, MIN_CHARS, MAX_CHARS = 1700, 0.54, 300, 6500
KIND_LENGTH = {"policy-explainer": 1.4, "class-outline": 1.1, "reading-list": 0.7, "material": 1.0}


@lru_cache(maxsize=1)
def vocabulary(size: int = 6000) -> tuple[list[str], list[float]]:
    """The ``size`` most frequent Chinese words of jieba's dictionary and their cumulative weights."""
    import jieba

    words: list[tuple[int, str]] = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as dictionary:
        for line in dictionary:
            word, freq, *_ = line.split()
            if 2 <= len(word) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in word):
                words.append((int(freq), word))
    words.sort(reverse=True)
    chosen = words[:size]
    return [w for _, w in chosen], list(itertools.accumulate(f for f, _ in chosen))


class Writer:
    """Draws words, sentences and Markdown blocks from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, self.cumulative = vocabulary()

    def word(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.rng.choice(DOMAIN)
        if r < 0.37:
            return self.rng.choice(ACRONYMS)
        if r < 0.40:
            return self.number()
        return self.words[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def number(self) -> str:
        kind = self.rng.random()
        if kind < 0.4:
            return f"{self.rng.randint(2, 300)}户"
        if kind < 0.7:
            return f"{self.rng.randint(1, 99)}%"
        return f"{self.rng.randint(2015, 2026)}年"

    def sentence(self) -> str:
        parts = [self.word() + self.word()]
        for _ in range(self.rng.randint(2, 5)):
            parts.append(self.rng.choice(CONNECTIVES) + "".join(self.word() for _ in range(self.rng.randint(2, 4))))
        text = "".join(parts)
        if self.rng.random() < 0.12:
            cut = self.rng.randint(0, max(0, len(text) - 8))
            text = text[:cut] + "**" + text[cut : cut + 6] + "**" + text[cut + 6 :]
        return text + self.rng.choice("。。。。！？")

    def paragraph(self) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def bullet_list(self, numbered: bool) -> str:
        items = [self.sentence() for _ in range(self.rng.randint(3, 6))]
        return "\n".join(f"{i}. {t}" if numbered else f"- {t}" for i, t in enumerate(items, 1))

    def table(self) -> str:
        columns = self.rng.randint(3, 5)
        head = [self.word() for _ in range(columns)]
        rows = [[self.word() + (self.number() if c else "") for c in range(columns)] for _ in range(self.rng.randint(3, 8))]
        lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * columns]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)

    def block(self) -> str:
        r = self.rng.random()
        if r < 0.62:
            return self.paragraph()
        if r < 0.77:
            return self.bullet_list(numbered=False)
        if r < 0.87:
            return self.bullet_list(numbered=True)
        if r < 0.95:
            return self.table()
        return "> " + self.sentence()

    def body(self, target_chars: int) -> list[str]:
        """Sections of blocks until the body holds about ``target_chars`` Chinese characters."""
        sections: list[str] = []
        chars = 0
        while chars < target_chars:
            n = len(sections)
            title = f"## {HEADING_NUMBERS[n % 10]}、{self.word()}{self.word()}"
            blocks = [self.block() for _ in range(self.rng.randint(2, 5))]
            if self.rng.random() < 0.3:
                blocks.insert(1, f"### {self.word()}{self.word()}\n\n{self.paragraph()}")
            section = title + "\n\n" + "\n\n".join(blocks)
            sections.append(section)
            chars += sum(1 for c in section if "\u4e00" <= c <= "\u9fff")
        return sections


def body_length(rng: random.Random, kind: str, audiences: list[str]) -> int:
    factor = KIND_LENGTH[kind] * (0.6 if audiences == ["mobile"] else 1.0)
    chars = MEDIAN_CHARS * factor * math.exp(rng.gauss(0, SIGMA))
    return int(min(MAX_CHARS, max(MIN_CHARS, chars)))


def kind_fields(kind: str, w: Writer) -> str:
    def plain(text: str) -> str:  # YAML list items: no Markdown bold (a leading * would be a YAML alias)
        return text.replace("*", "")

    if kind == "class-outline":
        return (
            f"objectives: [{plain(w.sentence())[:20]}, {plain(w.sentence())[:20]}]\nduration: {w.rng.choice([45, 60, 90])}\n"
            f"discussion: [{plain(w.sentence())[:24]}？]\n"
        )
    if kind == "policy-explainer":
        title = f"《关于{w.word()}{w.word()}工作的意见》"
        return f"document:\n  title: {title}\n  issuer: 县委办公室\n  date: 2026-0{w.rng.randint(1, 9)}-1{w.rng.randint(0, 9)}\n"
    if kind == "reading-list":
        book = f"《{w.word()}{w.word()}读本》"
        return f"items:\n  - title: {book}\n    author: 县委组织部\n    required: true\n    quarter: 2026Q{w.rng.randint(1, 4)}\n"
    return ""


CURRICULUM_SIZE = 120  # materials in each audience's curriculum: a generous year (the sample's are 12–20)


def generate(n: int, out: Path, seed: int = 20261121) -> dict[str, str]:
    """Write the corpus; returns planted phrase → slug."""
    rng = random.Random(seed)
    w = Writer(rng)
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
        title = f"{w.word()}{w.word()}{w.word()}专题学习第{i + 1}课"
        sections = w.body(body_length(rng, kind, audiences))
        if i in where:
            phrase = where[i]
            sections[len(sections) // 2] += f"\n\n本村开展{phrase}工作，取得明显成效。"
            planted[phrase] = slug
        body = "\n\n".join(sections)
        meta = (
            f"title: {title}\nkind: {kind}\naudiences: [{', '.join(audiences)}]\ntrack: {TRACKS[i % 3]}\n"
            f"topics: [{TOPICS[i % len(TOPICS)]}]\nsummary: {w.sentence()[:60].replace('*', '')}\nhours: {rng.choice([0.5, 1, 1.5, 2])}\n"
            f"required: {'true' if i % 4 == 0 else 'false'}\npublished: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}\nslug: {slug}\n"
            + kind_fields(kind, w)
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
        # A curriculum is a year's plan (32 or 56 学时 of lessons of an hour or two), however large the portal:
        # CURRICULUM_SIZE materials spread over the audience's, the rest reached through topic and kind pages.
        step = max(1, len(slugs) // CURRICULUM_SIZE)
        slugs = slugs[::step][:CURRICULUM_SIZE]
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


def describe(materials: Path) -> str:
    """Median, 90th and 99th percentile of Chinese characters per body, and the number of distinct words."""
    counts = []
    for path in materials.rglob("*.md"):
        body = path.read_text(encoding="utf-8").split("---", 2)[2]
        counts.append(sum(1 for c in body if "\u4e00" <= c <= "\u9fff"))
    counts.sort()

    def pick(q: float) -> int:
        return counts[min(len(counts) - 1, int(q * len(counts)))]

    return f"{len(counts)} pages; Chinese characters per body: median {pick(0.5)}, p90 {pick(0.9)}, p99 {pick(0.99)}, max {counts[-1]}"


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("bench-out") / f"corpus-{count}"
    print(json.dumps(generate(count, target), ensure_ascii=False))
    print(describe(target / "materials"))

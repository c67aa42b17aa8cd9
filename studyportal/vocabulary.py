"""Closed vocabularies and their Chinese display names, kept in one place."""

from __future__ import annotations

AUDIENCES: dict[str, str] = {
    "secretary": "支部书记",
    "member": "普通党员",
    "mobile": "流动党员",
}

TRACKS: dict[str, str] = {
    "constitution": "学党章 强党性",
    "policy": "学政策 强素质",
    "skills": "学技术 强本领",
}

KINDS: dict[str, str] = {
    "material": "学习材料",
    "reading-list": "阅读书目",
    "class-outline": "党课提纲",
    "policy-explainer": "政策解读",
}

# Plural headings for the per-kind listing pages.
KIND_LISTING_TITLES: dict[str, str] = {
    "material": "全部学习材料",
    "reading-list": "阅读书目",
    "class-outline": "党课提纲",
    "policy-explainer": "政策解读",
}

# Chinese field names trainers sometimes type, mapped to the real field name.
FIELD_ALIASES: dict[str, str] = {
    "标题": "title",
    "题目": "title",
    "类型": "kind",
    "类别": "kind",
    "对象": "audiences",
    "受众": "audiences",
    "学习对象": "audiences",
    "板块": "track",
    "专题": "topics",
    "主题": "topics",
    "摘要": "summary",
    "简介": "summary",
    "学时": "hours",
    "必学": "required",
    "必读": "required",
    "发布日期": "published",
    "发布时间": "published",
    "更新日期": "updated",
    "草稿": "draft",
    "作者": "author",
}


def audience_name(code: str) -> str:
    """Chinese name of an audience code (the code itself if unknown)."""
    return AUDIENCES.get(code, code)


def track_name(code: str) -> str:
    """Chinese name of a track code (the code itself if unknown)."""
    return TRACKS.get(code, code)


def kind_name(code: str) -> str:
    """Chinese name of a kind code (the code itself if unknown)."""
    return KINDS.get(code, code)

"""Closed vocabularies (audiences, tracks) and their Chinese display names; material kinds live in ``studyportal/kinds``."""

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

# A link to another material in trainer Markdown: [文字](material:xin-dangzhang#一导入), by URL name, so it
# survives moving files; the planner turns it into the right relative link for each page.
MATERIAL_LINK = "material:"

# Annual study hours (学时) each audience should reach: members at least 32 a year, branch secretaries 56
# (the training regulations' figures); mobile members as members. A curriculum may set its own (target_hours:).
DEFAULT_TARGET_HOURS: dict[str, float] = {"secretary": 56, "member": 32, "mobile": 32}

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
    # question banks (materials/banks/)
    "题号": "id",
    "题型": "type",
    "题干": "stem",
    "选项": "options",
    "答案": "answer",
    "解析": "explanation",
    "试题": "questions",
}


def audience_name(code: str) -> str:
    """Chinese name of an audience code (the code itself if unknown)."""
    return AUDIENCES.get(code, code)


def track_name(code: str) -> str:
    """Chinese name of a track code (the code itself if unknown)."""
    return TRACKS.get(code, code)

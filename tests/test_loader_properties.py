"""Property-based: whatever a trainer types into front matter, the loader reports problems, never crashes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyportal.catalog import load_catalog
from studyportal.kinds import kind_fields
from studyportal.load.frontmatter import split_front_matter
from studyportal.validate.material import COMMON_FIELDS

FIELDS = COMMON_FIELDS + sorted(kind_fields()) + ["标题", "sumary", "document.title"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(),
    st.sampled_from(
        [
            "member",
            "secretary",
            "mobile",
            "policy",
            "skills",
            "constitution",
            "material",
            "class-outline",
            "reading-list",
            "policy-explainer",
            "2026Q3",
            "xin-dangzhang",
            "一、",
            "：",
            "，",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
    max_leaves=12,
)
front_matter = st.dictionaries(st.sampled_from(FIELDS), values, max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front_matter, st.text(max_size=200))
def test_random_front_matter_never_crashes(meta, body):
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "a.md").write_text(text, encoding="utf-8")
        result = load_catalog(Path(tmp))
    for problem in result.problems.items:
        assert problem.line >= 1 and problem.message and problem.path.endswith("a.md")
    if result.catalog.materials:
        assert not result.problems.errors


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("-: \n\t\"'[]{}#&*!|>%@`：，标题title") + ["---\n", "\r\n", "- ", "  "]), max_size=60).map("".join))
def test_random_bytes_in_front_matter_never_crash(raw):
    doc = split_front_matter("---\n" + raw + "\n---\n正文", "x.md")
    assert doc.meta is None or isinstance(doc.meta.data, dict)
    for problem in doc.problems:
        assert problem.line >= 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_file_bytes_never_crash(data):
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "b.md").write_bytes(b"---\ntitle: x\n---\n" + data)
        result = load_catalog(Path(tmp))
    assert all(p.line >= 1 for p in result.problems.items)

"""The one sanitising path: URL filter by parsing, the allow-list, Markdown escaping, and ``check``'s warnings."""

from __future__ import annotations

import markdown
import pytest

from studyportal.plan.format import esc
from studyportal.sanitize import sanitize_html
from studyportal.sanitize.lint import markup_problems
from studyportal.sanitize.urls import check_link, check_resource

PAGE = "materials/lesson/"

OUTSIDE_RESOURCES = [
    "https://evil.example/x.png",
    "HTTP://evil.example/x.png",
    "//evil.example/x.png",
    " //evil.example/x.png",
    "/\\evil.example/x.png",
    "\\\\evil.example\\x.png",
    "\t//evil.example/x.png",
    "https:evil.example/x.png",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "/assets/x.png",  # root-relative: leaves the copy when opened from file://
    "../../../../etc/x.png",  # above the site root
    "file:///C:/x.png",
]


@pytest.mark.parametrize("url", OUTSIDE_RESOURCES)
def test_resources_from_outside_the_site_are_refused(url: str) -> None:
    assert check_resource(url, PAGE).value is None
    assert "src" not in sanitize_html(f'<img src="{url}" alt="x">', PAGE)


@pytest.mark.parametrize("url", ["pic.png", "./pic.png", "../other/pic.png", "../../assets/a.png", "图片/照片.png"])
def test_relative_resources_inside_the_site_stay(url: str) -> None:
    assert check_resource(url, PAGE).value == url
    assert f'src="{url}"' in sanitize_html(f'<img src="{url}" alt="x">', PAGE)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("//evil.example/a", "https://evil.example/a"),
        ("/\\evil.example/a", "https://evil.example/a"),
        ("HTTP://Example.org/a", "http://example.org/a"),
        ("https://www.gov.cn/zhengce/", "https://www.gov.cn/zhengce/"),
    ],
)
def test_outside_links_stay_but_in_their_parsed_form(href: str, expected: str) -> None:
    verdict = check_link(href, PAGE)
    assert verdict.outside and verdict.value == expected
    assert f'href="{expected}"' in sanitize_html(f'<a href="{href}">x</a>', PAGE)


@pytest.mark.parametrize("href", ["javascript:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)", "vbscript:x", "data:text/html,x"])
def test_script_links_are_removed(href: str) -> None:
    assert check_link(href, PAGE).value is None
    assert "href" not in sanitize_html(f'<a href="{href}">x</a>', PAGE)


def test_internal_links_mailto_and_fragments_stay() -> None:
    for href in ("#top", "../other/", "mailto:a@b.cn", "tel:12345"):
        assert check_link(href, PAGE).value == href


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        '<h2 style="position:fixed;inset:0" onclick="alert(1)">x</h2>',
        "<details open ontoggle=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        "<object data=https://evil.example/x></object>",
        '<form action="https://evil.example"><button formaction=javascript:alert(1)>x</button></form>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<base href="https://evil.example/">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<img srcset="https://evil.example/x.png 1x">',
    ],
)
def test_hostile_markup_is_inert_after_sanitising(payload: str) -> None:
    out = sanitize_html(payload, PAGE).lower()
    for bad in ("<script", "onerror", "onload", "onclick", "ontoggle", "<iframe", "<style", "style=", "evil.example", "<meta", "<base"):
        assert bad not in out, (payload, out)
    assert "<link" not in out


def test_theme_classes_and_ids_cannot_be_borrowed() -> None:
    out = sanitize_html('<h2 class="md-overlay sp-req md-search" id="__search">t</h2><p id="ok">x</p>', PAGE)
    assert out == '<h2 class="sp-req">t</h2><p id="ok">x</p>'


def test_escaped_trainer_text_never_becomes_markup_in_markdown() -> None:
    title = '模块 <img src=x onerror=alert(1)> { onclick="alert(1)" style="position:fixed" } ![i](x.png) *a*'
    out = markdown.markdown("## " + esc(title), extensions=["attr_list", "toc", "tables"])
    assert out.startswith('<h2 id="') and out.count("<") == 2  # one heading with an id, nothing else became markup
    assert "&lt;img src=x onerror=alert(1)&gt;" in out  # shown as typed


def test_check_warns_at_the_line_of_each_removed_part() -> None:
    body = "\n".join(
        [
            "## 标题 { onclick=\"x\" }",
            "",
            "正文 `<script>代码里的不算</script>`",
            "",
            '<img src="/\\evil.example/x.png">',
            "",
            "```html",
            "<iframe>代码块里的不算</iframe>",
            "```",
            "",
            "[点我](javascript:alert(1)) ![图](pic.png)",
        ]
    )
    problems = markup_problems(body, "materials/a.md", 10, PAGE)
    assert [(p.line, p.severity) for p in problems] == [(10, "warning"), (14, "warning"), (20, "warning")]
    assert "onclick" in problems[0].message
    assert "evil.example" in problems[1].message and "图片" in problems[1].fix
    assert "javascript" in problems[2].message

"""Hostile materials and curricula, built for real and opened in Chromium, online and from an offline bundle.

Every payload either calls ``alert`` (a dialog), logs the marker ``SP-PWNED`` (console) or asks
``evil.example`` for something (a request outside the site). None of that may happen, and the
pages' Content-Security-Policy must see no violation: the site itself needs no inline script.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from studyportal.bundle.archive import extract_zip
from tests.helpers import ROOT, open_page, serve, wait_until, write

pytestmark = pytest.mark.browser

BODY_PAYLOADS = [
    "<script>alert('script')</script>",
    "<script src=https://evil.example/x.js></script>",
    "<img src=x onerror=\"alert('img')\">",
    "<svg onload=\"alert('svg')\"></svg>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<iframe srcdoc=\"<script>parent.alert('srcdoc')</script>\"></iframe>",
    "<style>body{display:none}</style>",
    "<p style=\"position:fixed;inset:0;z-index:9999;background:red\">cover</p>",
    "<details open ontoggle=\"alert('details')\">x</details>",
    "<a href=\"javascript:alert('link')\">link</a>",
    "<a href=\"java&#9;script:alert('tab')\">tab</a>",
    "[md link](javascript:alert('mdlink'))",
    "![md img](https://evil.example/md.png)",
    "<img src=\"/\\evil.example/backslash.png\">",
    "<img src=\" //evil.example/space.png\">",
    "<img src=\"HTTP://evil.example/upper.png\">",
    "<img srcset=\"https://evil.example/srcset.png 1x\">",
    "<video poster=\"https://evil.example/poster.png\"></video>",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<embed src=\"https://evil.example/x.swf\">",
    "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "<base href=\"https://evil.example/\">",
    "<form action=\"https://evil.example/\"><button formaction=\"javascript:alert('form')\">go</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"alert('math')\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\"></noscript>",
    "<div style=\"background:url(https://evil.example/bg.png)\">bg</div>",
    "## heading { onclick=\"alert('attr')\" style=\"position:fixed;inset:0\" .md-overlay #__search }",
    "## &lt;img src=x onerror=alert('toc')&gt; escaped heading",
    "<input autofocus onfocus=\"alert('focus')\">",
    "<body onload=\"console.log('SP-PWNED body')\">",
]
TEXT_PAYLOAD = "<img src=x onerror=\"console.log('SP-PWNED text')\"> { onclick=\"alert('t')\" } ![x](https://evil.example/t.png)"


def q(text: str) -> str:
    """A YAML-safe double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _yaml_doc(slug: str, title: str, body: str, extra: str, kind: str) -> str:
    meta = {
        "title": title,
        "kind": kind,
        "audiences": ["secretary", "member", "mobile"],
        "track": "constitution",
        "topics": ["党章党规", "专题<b>粗</b>"],
        "summary": ("摘要 " + TEXT_PAYLOAD)[:110],
        "author": TEXT_PAYLOAD[:50],
        "hours": 1,
        "published": dt.date(2026, 6, 1),
        "slug": slug,
    }
    text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + extra
    return f"---\n{text}---\n\n{body}\n"


EXTRAS = {
    "class-outline": (
        "objectives:\n  - " + q(TEXT_PAYLOAD) + "\n"
        "duration: 60\n"
        "preparation:\n  - " + q(TEXT_PAYLOAD) + "\n"
        "discussion:\n  - " + q(TEXT_PAYLOAD) + "\n"
    ),
    "reading-list": (
        "items:\n"
        "  - title: " + q(TEXT_PAYLOAD) + "\n"
        "    author: " + q(TEXT_PAYLOAD[:40]) + "\n"
        "    link: https://evil.example/book\n"
        "    note: " + q(TEXT_PAYLOAD) + "\n"
        "  - title: 站内书目\n"
        "    material: hostile-body-1\n"
    ),
    "policy-explainer": (
        "document:\n"
        "  title: " + q(TEXT_PAYLOAD) + "\n"
        "  issuer: " + q(TEXT_PAYLOAD[:40]) + "\n"
        "  number: " + q(TEXT_PAYLOAD[:30]) + "\n"
        "  date: 2026-01-01\n"
        "  link: javascript:alert('doc')\n"
    ),
}

CURRICULUM = """audience: {audience}
title: {title}
introduction: |
  课程介绍 <script>alert('intro')</script>
  <img src=x onerror="alert('intro img')"> <style>body{{display:none}}</style>
  <svg onload="alert('intro svg')"></svg>
  ![外图](https://evil.example/intro.png)
rhythm: [{rhythm}]
phases:
  - title: {phase}
    start: 2026-03-01
    end: 2026-10-31
    description: {phase}
activities:
  - month: 2026-07
    title: {activity}
    description: {activity_about}
modules:
  - key: m1
    title: '模块 <img src=x onerror=alert(1)> {{ onclick="alert(2)" style="position:fixed;inset:0;z-index:99" }}'
    description: |
      说明 <script>alert('desc')</script><h2 style="position:fixed;inset:0;z-index:9999">遮住整页</h2>
      <a href="javascript:alert('desc link')">点</a> <img src="/\\evil.example/desc.png">
    materials: [{slugs}]
"""

# A month's themed activity (plain text on the curriculum page; thismonth.js copies its title into the "本月" boxes):
# script, handlers, javascript: links and text near the 500-character limit, with no space to break the line at.
ACTIVITY_TITLE = "主题党日 <script>alert('activity')</script><img src=x onerror=\"alert('activity img')\"> <b>粗</b>"
ACTIVITY_ABOUT = (
    "<a href=\"javascript:alert('activity link')\">点这里</a> [链接](javascript:alert('activity md')) "
    "<svg onload=\"alert('activity svg')\"></svg> https://evil.example/" + "长" * 150 + "x" * 180
)

# A question bank whose every text is an attack: the self-test prints it as text, and its script only moves that text.
FORM_PAYLOADS = [
    "<input type=\"radio\" autofocus onfocus=\"alert('option')\">",
    "<button formaction=\"javascript:alert('button')\">交卷</button>",
    "<label for=\"x\" onclick=\"alert('label')\">选我</label>",
    "\" onmouseover=\"alert('attribute')\" x=\"",
]
BANK = f"""title: {q("题库 " + TEXT_PAYLOAD[:40])}
audiences: [member]
questions:
  - id: hostile-choice
    type: single
    stem: {q("题干 " + TEXT_PAYLOAD)}
    options: [{", ".join(q(p) for p in FORM_PAYLOADS)}]
    answer: A
    explanation: {q("解析 " + " ".join(BODY_PAYLOADS)[:990])}
    materials: [hostile-outline, hostile-reading]
  - id: hostile-judge
    type: judge
    stem: {q('<form action="https://evil.example/"><fieldset><legend>表</legend><input name="x"></fieldset></form>')}
    answer: 对
    explanation: {q(TEXT_PAYLOAD)}
    materials: [hostile-outline]
"""

HOSTILE_SLUGS = [
    "hostile-body-1",
    "hostile-body-2",
    "hostile-body-3",
    "hostile-outline",
    "hostile-reading",
    "hostile-policy",
    "hostile-meta-lines",
    "hostile-meta-block",
]
# A body whose first lines look like MkDocs page meta: they must stay text, never reach <head>.
META_LINES = 'author: "><meta http-equiv="refresh" content="0;url=https://evil.example/meta">\ntemplate: 404.html\n\n正文照常显示。'
META_BLOCK = '---\nauthor: "><meta http-equiv=refresh content=0;url=https://evil.example/b>"\nhide: [toc]\n---\n\n正文照常显示。'


def _hostile_tree(materials: Path) -> None:
    chunks = [BODY_PAYLOADS[i::3] for i in range(3)]
    for i, chunk in enumerate(chunks, 1):
        body = "\n\n".join(f"段落 {n}：\n\n{p}" for n, p in enumerate(chunk))
        write(materials, f"hostile/body-{i}.md", _yaml_doc(f"hostile-body-{i}", f"正文攻击 {i} {TEXT_PAYLOAD[:30]}", body, "", "material"))
    write(materials, "hostile/meta-lines.md", _yaml_doc("hostile-meta-lines", "正文像页面元数据", META_LINES, "", "material"))
    write(materials, "hostile/meta-block.md", _yaml_doc("hostile-meta-block", "正文以 --- 开头", META_BLOCK, "", "material"))
    for kind, slug in (("class-outline", "hostile-outline"), ("reading-list", "hostile-reading"), ("policy-explainer", "hostile-policy")):
        write(materials, f"hostile/{slug}.md", _yaml_doc(slug, f"{kind} {TEXT_PAYLOAD[:30]}", "正文。", EXTRAS[kind], kind))
    write(materials, "banks/hostile.yml", BANK)
    for audience in ("secretary", "member", "mobile"):
        text = CURRICULUM.format(
            audience=audience,
            title=q(f"课程 {TEXT_PAYLOAD[:40]}"),
            rhythm=q(TEXT_PAYLOAD),
            phase=q(TEXT_PAYLOAD),
            activity=q(ACTIVITY_TITLE),
            activity_about=q(ACTIVITY_ABOUT),
            slugs=", ".join(HOSTILE_SLUGS),
        )
        write(materials, f"curricula/{audience}.yml", text)


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", root / "docs")
    _hostile_tree(root / "materials")
    return root


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studyportal.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = _project(tmp_path_factory.mktemp("hostile") / "portal")
    check = _run("check", "materials", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    build = _run("build", cwd=project)
    assert build.returncode == 0, build.stdout + build.stderr
    bundle = _run("bundle", "-o", "dist", cwd=project)
    assert bundle.returncode == 0, bundle.stdout + bundle.stderr
    zips = sorted((project / "dist").glob("*.zip"))
    unzipped = project / "unzipped"
    extract_zip(zips[0], unzipped)
    (folder,) = [p for p in unzipped.iterdir() if p.is_dir()]
    return {"project": project, "site": project / "site", "offline": folder, "check": check.stdout}


def _pages(site: Path, index: str) -> list[str]:
    """Every page a hostile string reaches: materials, curricula, modules, topics, kinds, home, what's new."""
    pages = [index, f"curricula/member/{index}", f"curricula/member/m1/{index}", f"new/{index}", f"topics/{index}"]
    pages += [f"materials/{slug}/{index}" for slug in HOSTILE_SLUGS]
    pages += [f"kinds/{k}/{index}" for k in ("material", "class-outline", "reading-list", "policy-explainer")]
    pages += [p.relative_to(site).as_posix() for p in sorted((site / "topics").glob(f"*/{index}"))]
    return pages


def _visit_all(browser, base: str, pages: list[str], inside: str) -> dict[str, list[str]]:
    context, page, log = open_page(browser, width=1024, height=768)
    found: dict[str, list[str]] = {"dialogs": [], "console": [], "violations": [], "covered": []}
    page.on("dialog", lambda d: (found["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: found["console"].append(m.text) if "SP-PWNED" in m.text or "Content Security Policy" in m.text else None)
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    try:
        for path in pages:
            page.goto(base + path)
            page.wait_for_timeout(150)
            found["violations"] += [f"{path}: {v}" for v in page.evaluate("window.__violations")]
            # Nothing of the content may sit over the page: the centre of the screen belongs to the page's own layout.
            covered = page.evaluate(
                "(() => { const e = document.elementFromPoint(512, 400);"
                " return e && getComputedStyle(e).position === 'fixed' && e.closest('.md-content') ? e.outerHTML.slice(0, 80) : ''; })()"
            )
            if covered:
                found["covered"].append(f"{path}: {covered}")
        page.goto(base + pages[0])
        page.keyboard.press("/")
        page.keyboard.type("正文攻击")
        page.wait_for_selector("[data-sp-result]", timeout=10000)
        page.wait_for_timeout(300)
        found["violations"] += [f"search: {v}" for v in page.evaluate("window.__violations")]
    finally:
        context.close()
    found["outside"] = log.outside(inside)
    return found


def _assert_clean(found: dict[str, list[str]]) -> None:
    for kind, items in found.items():
        assert not items, f"{kind}: {items[:10]}"


def test_check_warns_about_what_will_be_removed(hostile):
    report = hostile["check"]
    assert "materials/hostile/body-1.md:" in report and "<script> 及其中的内容" in report
    assert "materials/curricula/member.yml:4:" in report  # the introduction's <script>, at its line
    assert "modules 的第 1 个模块 的 description" in report  # the field in words


def test_hostile_pages_online(browser, hostile):
    server, url = serve(hostile["site"])
    try:
        found = _visit_all(browser, url, _pages(hostile["site"], ""), url)
    finally:
        server.shutdown()
    _assert_clean(found)


def test_hostile_pages_offline_from_file(browser, hostile):
    folder = hostile["offline"]
    found = _visit_all(browser, folder.as_uri() + "/", _pages(folder, "index.html"), folder.as_uri() + "/")
    _assert_clean(found)


def test_a_body_that_looks_like_page_meta_stays_text(hostile):
    for slug in ("hostile-meta-lines", "hostile-meta-block"):
        page = (hostile["site"] / "materials" / slug / "index.html").read_text(encoding="utf-8")
        head = page.split("</head>", 1)[0]
        assert "evil.example/meta" not in head and "evil.example/b" not in head and 'name="author"' not in head, slug
        assert "正文照常显示" in page and 'class="sp-header"' in page  # the page kept its own template and its text
    assert "template: 404.html" in (hostile["site"] / "materials" / "hostile-meta-lines" / "index.html").read_text(encoding="utf-8")


def _start_tags(text: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of a page, as the browser's tokenizer sees it (text that looks like a tag is not one)."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Tags().feed(text)
    return found


def test_the_site_needs_no_inline_script(hostile):
    """The CSP forbids inline script; the pages must not carry any (JSON data blocks are not script)."""
    for page in sorted(hostile["site"].rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert 'http-equiv="Content-Security-Policy"' in text or page.name == "404.html", page
        tags = _start_tags(text)
        for name, attrs in tags:
            assert not [a for a in attrs if a.startswith("on")], (page, name, attrs)
            if name == "script":
                assert "src" in attrs or attrs.get("type") == "application/json", (page, attrs)
        assert sum(1 for name, attrs in tags if name == "meta" and "http-equiv" in attrs) == 1, page


def test_bank_text_stays_text_in_the_self_test(browser, hostile):
    """Stems, options and explanations that try to add forms, inputs or handlers show as typed, and answering runs nothing."""
    for path in ("materials/hostile-outline/index.html", "curricula/member/m1/index.html"):
        text = (hostile["site"] / path).read_text(encoding="utf-8")
        start = text.index('<div class="sp-quiz">')
        quiz = text[start : text.index("</ol>\n</div>", start)]
        assert {name for name, _ in _start_tags(quiz)} <= {"div", "p", "ol", "li", "span", "details", "summary", "br"}, path
        assert "&lt;form action=" in quiz and "&lt;input type=" in quiz and "onmouseover=" in quiz, path
    server, url = serve(hostile["site"])
    context, page, log = open_page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(url + "materials/hostile-outline/")
        page.wait_for_selector(".sp-quiz--ready")
        page.check("[id='sp-q-hostile--hostile-choice-B']")
        page.hover("[id='sp-q-hostile--hostile-choice'] .sp-quiz-option >> nth=3")
        page.click("[id='sp-q-hostile--hostile-choice'] .sp-quiz-submit")
        assert "正确答案：A．<input" in page.inner_text("[id='sp-q-hostile--hostile-choice'] .sp-quiz-feedback")
        assert page.locator(".sp-quiz input").count() == 2 + 4 and page.locator(".sp-quiz form, .sp-quiz button[formaction]").count() == 0
        assert dialogs == [] and log.outside(url) == []
    finally:
        context.close()
        server.shutdown()


@pytest.mark.parametrize("where", ["http", "file"])
def test_a_months_activity_shows_as_typed_and_runs_nothing(browser, hostile, where):
    """The activity's title and description on the curriculum page, and its title in the "本月" boxes of that page and of
    the home page (July 2026, the device's date fixed): the text as written, no element made of it, nothing run or fetched."""
    text = (hostile["site"] / "curricula" / "member" / "index.html").read_text(encoding="utf-8")
    start = text.index('<section class="sp-months"')
    months = text[start : text.index("</section>", start)]
    assert {name for name, _ in _start_tags(months)} <= {"section", "h2", "ul", "li", "strong", "br", "span"}
    assert "&lt;script&gt;" in months and "&lt;img src=x onerror=" in months and "javascript:alert(" in months
    server, url = serve(hostile["site"])
    base = url if where == "http" else hostile["offline"].as_uri() + "/"
    index = "" if where == "http" else "index.html"
    context = browser.new_context(timezone_id="Asia/Shanghai", viewport={"width": 360, "height": 740})
    dialogs: list[str] = []
    requests: list[str] = []
    try:
        for path in (f"curricula/member/{index}", index):
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.clock.set_fixed_time("2026-07-10T09:30:00+08:00")
            page.goto(base + path)
            wait_until(page, "document.querySelectorAll('[data-sp-now]:not([hidden])').length > 0")
            boxes = page.locator("[data-sp-now]:not([hidden])")
            said = [boxes.nth(i).inner_text() for i in range(boxes.count())]
            assert any(f"本月活动：{ACTIVITY_TITLE}" in box for box in said), (path, said)
            assert page.locator("[data-sp-now] :is(script, img, b, a, svg)").count() == 0, path
            if path.startswith("curricula"):
                item = page.locator(".sp-months li.sp-now-current")
                assert item.inner_text().split("\n") == ["2026年7月　" + ACTIVITY_TITLE, ACTIVITY_ABOUT], path
                assert page.locator(".sp-months :is(script, img, b, a, svg)").count() == 0
                # The long description wraps: nothing on a 360 px phone is scrolled sideways.
                assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
            page.close()
    finally:
        context.close()
        server.shutdown()
    assert dialogs == []
    assert [u for u in requests if not u.startswith((base, "data:", "blob:", "about:"))] == []

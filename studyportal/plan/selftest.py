"""The self-test under a material's page and a module's page: the questions of the banks that test them, as plain HTML.

Without JavaScript the questions read as a numbered list with their options, the answer and explanation
folded under 查看答案. ``assets/site/selftest.js`` turns each into radio buttons or check boxes with a
submit button, checks the answer in the browser and keeps the score on the device. Everything the script
needs is in markup the sanitiser keeps (``sp-`` classes and ids on allowed tags), so trainer text gets no
new tags: it is HTML-escaped here, and the page is sanitised as every page is.
"""

from __future__ import annotations

import html

from studyportal.banks.model import Question
from studyportal.model import Catalog, Material
from studyportal.plan.types import PlannedPage, SitePlan, material_src, module_src

# The heading's id, readable like every anchor of the site; search leaves a material's page out from here on (search/pages.py).
SELFTEST_ID = "本页自测"
HEADING = f"## 自测题 {{ #{SELFTEST_ID} }}"
_PAGER = "{: .sp-pager }"


def _text(value: str) -> str:
    """Trainer text inside raw HTML: escaped, paragraphs kept as line breaks, never a blank line (it would end the block)."""
    lines = [html.escape(line.strip()) for line in value.strip().splitlines()]
    return "<br>".join(line for line in lines if line)


def question_html(q: Question, sources: list[Material] | None = None) -> str:
    """One question as an ``<li>``: stem, options A, B, C…, and the answer folded under 查看答案."""
    classes = f"sp-quiz-q sp-quiz-{q.type} sp-quiz-ans-{q.letters().lower()}"
    options = "\n".join(f"<li>{_text(option)}</li>" for option in q.options)
    answer = _text(q.answer_text())
    if q.type == "single":
        answer += f"．{_text(q.options[q.answer[0]])}"
    details = [f'<p class="sp-quiz-answer">答案：{answer}</p>']
    if q.explanation:
        details.append(f'<p class="sp-quiz-expl">解析：{_text(q.explanation)}</p>')
    if sources:
        details.append(f'<p class="sp-quiz-from">出自：{"".join(f"《{_text(m.title)}》" for m in sources)}</p>')
    return "\n".join(
        [
            f'<li class="{classes}" id="sp-q-{q.key}">',
            f'<p class="sp-quiz-stem" id="sp-q-{q.key}-stem"><span class="sp-quiz-kind">{q.type_name}</span> {_text(q.stem)}</p>',
            f'<ol class="sp-quiz-opts" type="A">\n{options}\n</ol>',
            '<details class="sp-quiz-reveal">\n<summary>查看答案</summary>',
            *details,
            "</details>",
            "</li>",
        ]
    )


def selftest_markdown(questions: list[Question], sources: dict[str, Material] | None = None) -> str:
    """The self-test section: a heading, then one raw HTML block. ``sources``: say which material each question comes from."""
    items = []
    for q in questions:
        named = [sources[s] for s in q.materials if s in sources] if sources else None
        items.append(question_html(q, named))
    kinds = "、".join(dict.fromkeys(q.type_name for q in questions))
    intro = f"共 {len(questions)} 道{kinds}，检验一下学得怎么样。想好答案，再打开“查看答案”对照。"
    return "\n".join(
        [
            HEADING,
            "",
            '<div class="sp-quiz">',
            f'<p class="sp-quiz-intro">{intro}</p>',
            '<ol class="sp-quiz-list">',
            *items,
            "</ol>",
            "</div>",
        ]
    )


def _append(page: PlannedPage, section: str) -> None:
    """Put ``section`` at the end of the page, before a closing pager (上一模块 / 下一模块) if there is one."""
    body = page.markdown.rstrip("\n")
    head, _, last = body.rpartition("\n\n")
    if last.endswith(_PAGER) and head:
        page.markdown = f"{head}\n\n{section}\n\n{last}\n"
    else:
        page.markdown = f"{body}\n\n{section}\n"


def add_selftests(plan: SitePlan, catalog: Catalog) -> None:
    """A self-test on each material page with questions about it, and on each module page (questions for its audience)."""
    if not catalog.banks:
        return
    for m in catalog.materials.values():
        page = plan.pages.get(material_src(m.slug))
        questions = catalog.questions_for([m.slug])
        if page is not None and questions:
            _append(page, selftest_markdown(questions))
    for c in catalog.curricula.values():
        for module in c.modules:
            page = plan.pages.get(module_src(c.audience, module.key))
            questions = catalog.questions_for([m.slug for m in module.materials], c.audience)
            if page is not None and questions:
                _append(page, selftest_markdown(questions, {m.slug: m for m in module.materials}))

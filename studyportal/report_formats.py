"""``check``'s problems in the forms Git hosts read: GitHub/Gitea Actions workflow commands and GitLab Code Quality.

``text`` and ``github`` are listings a person reads in a log (``github`` lines also become annotations on the
lines of a pull request); ``json`` and ``gitlab-codequality`` are documents for programs, printed alone.
"""

from __future__ import annotations

import hashlib
import json

from studyportal.problems import Problem, Problems, format_json, format_text

FORMATS = ("text", "json", "github", "gitlab-codequality")
DOCUMENT_FORMATS = ("json", "gitlab-codequality")
# GitLab's severities, from least to most; an error stops the merge, a warning does not.
_CODEQUALITY_SEVERITY = {"error": "major", "warning": "minor"}


def format_document(fmt: str, problems: Problems, checked: int) -> str:
    """The whole output of a document format (``json`` or ``gitlab-codequality``)."""
    return format_codequality(problems) if fmt == "gitlab-codequality" else format_json(problems, checked)


def format_listing(fmt: str, problems: Problems) -> str:
    """The problems of a listing format (``text`` or ``github``), printed before check's summary line."""
    return format_github(problems) if fmt == "github" else format_text(problems)


def format_github(problems: Problems) -> str:
    """One ``::error file=…,line=…,col=…,title=…::message`` workflow command per problem (``::warning`` for warnings).

    The message repeats ``path:line:col``, so the log reads the same where annotations are not shown. A problem
    with the file as a whole (``line`` 0) names only the file.
    """
    lines = []
    for p in problems.sorted():
        where = {"line": str(p.line), "col": str(p.column)} if p.line else {}
        props = {"file": p.path, **where, "title": "学习材料检查"}
        shown = ",".join(f"{k}={_escape_property(v)}" for k, v in props.items())
        lines.append(f"::{p.severity} {shown}::{_escape_data(p.one_line())}")
    lines.append(f"共 {len(problems.errors)} 个错误，{len(problems.warnings)} 个警告。")
    return "\n".join(lines)


def format_codequality(problems: Problems) -> str:
    """A GitLab Code Quality report (``artifacts:reports:codequality``): a JSON list, one issue per problem."""
    issues = []
    seen: set[str] = set()
    for p in problems.sorted():
        fingerprint = _fingerprint(p, seen)
        issues.append(
            {
                "description": _description(p),
                "check_name": "studyportal check",
                "fingerprint": fingerprint,
                "severity": _CODEQUALITY_SEVERITY[p.severity],
                "location": {"path": p.path, "lines": {"begin": max(p.line, 1)}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2)


def _description(p: Problem) -> str:
    where = f"字段 {p.field_label}：" if p.field else ""
    fix = f" 修改方法：{p.fix}" if p.fix else ""
    return f"{where}{p.message}{fix}"


def _fingerprint(p: Problem, seen: set[str]) -> str:
    """Stable across runs for the same problem, unique within one report (GitLab drops duplicates)."""
    base = "\0".join([p.path, str(p.line), str(p.column), p.field, p.message])
    n = 0
    while (digest := hashlib.sha256(f"{base}\0{n}".encode()).hexdigest()) in seen:
        n += 1
    seen.add(digest)
    return digest


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")

"""Material's stylesheet cut down to the rules this site can use: a smaller first view on slow networks.

Material ships one ``main.css`` (about 138 KB) for every feature it has, plus ``palette.css`` (12 KB)
for its colour schemes. A portal uses a few: the rest only delays the first paint. This module keeps a
rule unless it cannot match: a rule is dropped when its selector needs a class, an ``#__…`` id or an
attribute that no template, script or stylesheet of the site can produce, or an attribute value the
site's config rules out (``[dir=rtl]`` on a left-to-right site, another palette's colours). Element
selectors, pseudo-classes, ``@media`` (print included), ``@keyframes`` and everything the portal's own
files name stay. Custom properties nothing reads any more are dropped last.

Where a class may come from (all conservative: a word anywhere is enough to keep a rule):

- the templates the site renders: in our and the portal's own template folders every word, in
  Material's the quoted strings of the templates its config can reach (a shadowed template does not count);
- the site's own scripts and stylesheets, and the classes trainer content may carry (``sanitize/policy.py``);
- :data:`RUNTIME_CLASSES`, what Material's JavaScript adds to a page with the features a portal can turn on.

Plain Python (tinycss2 parses the stylesheet); ``render/mkdocs_plugin.py`` hands it the config's facts.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tinycss2
from tinycss2.ast import Node

from studyportal.local_secret import keep_signed, read_signed
from studyportal.render.cache import digest
from studyportal.sanitize.policy import class_allowed

# What Material's bundle adds to pages at run time (not in any template): wrappers around data tables,
# the header title swapping on scroll, the table of contents' passed links, the copy dialog, repository facts.
RUNTIME_CLASSES = frozenset(
    "md-typeset__scrollwrap md-typeset__table md-header__title--active md-nav__link--passed md-dialog--active "
    "md-source__fact md-source__facts md-source__repository--active focus-visible js no-js".split()
)
# Classes only Markdown extensions or a trainer's own HTML put in content: kept only when the site's Markdown can
# produce them (:func:`content_classes`). Admonitions cost 2 KB gzip of the first view, used or not.
CONTENT_CLASSES = frozenset(
    "admonition admonition-title note abstract info tip success question warning failure danger bug example quote "
    "footnote footnote-ref footnote-backref".split()
)
_ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?)\+?[ \t]+([\w-]+)", re.M)
_CLASS_ATTRIBUTE = re.compile(r"""class\s*=\s*["']([^"']*)["']""", re.I)
_ATTR_LIST = re.compile(r"\{:?([^{}\n]*)\}")
# Attributes whose value the config decides: a selector naming another value cannot match.
_DECIDED = ("dir", "data-md-color-scheme", "data-md-color-primary", "data-md-color-accent")
_WORD = re.compile(r"-?[A-Za-z_][\w-]*")
_QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_OUT = "assets/stylesheets/material"
# Hidden until a script shows them (the search panel, the back-to-top button, the copy dialog), so their
# rules need not delay the first paint: the search script loads them.
LATE = re.compile(r"\.md-(search|top|dialog|header__title--active|nav__link--passed)")


@dataclass(frozen=True)
class SiteFacts:
    """What the config says about a site that decides which of Material's rules can apply."""

    features: frozenset[str]
    plugins: frozenset[str]
    extra: frozenset[str]  # keys of ``extra`` that are set (consent, alternate, analytics…)
    palette_list: bool  # a list of palettes: Material's palette toggle is rendered
    repository: bool  # repo_url is set: Material shows the repository and edit links
    attribute_values: tuple[tuple[str, frozenset[str]], ...]  # (attribute, the values it can take)


def facts(
    features: Iterable[str], plugins: Iterable[str], extra: dict, palette: object, direction: str | None, repository: bool
) -> SiteFacts:
    """The :class:`SiteFacts` of a config's theme features, plugin names, ``extra``, palette, direction and ``repo_url``."""
    palettes = palette if isinstance(palette, list) else [palette] if isinstance(palette, dict) else []
    schemes, primaries, accents = {"default"}, set(), set()
    for entry in palettes:
        if isinstance(entry, dict):
            schemes.add(str(entry.get("scheme") or "default"))
            primaries.add(str(entry.get("primary") or "indigo").replace(" ", "-").lower())
            accents.add(str(entry.get("accent") or "indigo").replace(" ", "-").lower())
    values = (
        ("dir", frozenset({direction or "ltr"})),
        ("data-md-color-scheme", frozenset(schemes)),
        ("data-md-color-primary", frozenset(primaries)),
        ("data-md-color-accent", frozenset(accents)),
    )
    return SiteFacts(
        frozenset(features), frozenset(plugins), frozenset(k for k, v in extra.items() if v), isinstance(palette, list), repository, values
    )


def _unused_prefixes(site: SiteFacts) -> tuple[str, ...]:
    """Classes Material's base template names that only a config option or another plugin brings to life."""
    blog_or_tags = bool(site.plugins & {"material/blog", "blog", "material/tags", "tags"})
    off = {
        "md-consent": "consent" not in site.extra,
        "md-feedback": "analytics" not in site.extra,
        "md-social": "social" not in site.extra,
        "md-status": "status" not in site.extra,
        "md-source": not site.repository and site.plugins <= {"studyportal"},  # md-source-file: git date plugins
        "md-header__source": not site.repository,
        "md-nav__source": not site.repository,
        "md-footer__link": "navigation.footer" not in site.features,
        "md-footer__direction": "navigation.footer" not in site.features,
        "md-footer__title": "navigation.footer" not in site.features,
        "md-footer__button": "navigation.footer" not in site.features,
        "md-author": not blog_or_tags,
        "md-tag": not blog_or_tags,
    }
    return tuple(prefix for prefix, unused in off.items() if unused)


def _reached(name: str, site: SiteFacts) -> bool:
    """Whether a Material template can be rendered on this site (unknown templates: yes)."""
    rules = {
        "blog": "material/blog" in site.plugins or "blog" in site.plugins,
        "fragments/": "material/blog" in site.plugins or "blog" in site.plugins or "material/tags" in site.plugins,
        "partials/post.html": "material/blog" in site.plugins or "blog" in site.plugins,
        "partials/pagination.html": "material/blog" in site.plugins or "blog" in site.plugins,
        "partials/tags.html": "material/tags" in site.plugins or "tags" in site.plugins,
        "partials/tabs": "navigation.tabs" in site.features,
        "partials/search.html": "material/search" in site.plugins or "search" in site.plugins,
        "partials/progress.html": "navigation.instant.progress" in site.features,
        "partials/path": "navigation.path" in site.features,
        "partials/consent.html": "consent" in site.extra,
        "partials/alternate.html": "alternate" in site.extra,
        "partials/feedback.html": "analytics" in site.extra,
        "partials/palette.html": site.palette_list,
        "partials/languages/": False,
        "redirect.html": False,
    }
    return all(ok for prefix, ok in rules.items() if name.startswith(prefix))


def site_words(material_dir: Path, own_dirs: Iterable[Path], own_files: Iterable[Path], site: SiteFacts) -> frozenset[str]:
    """Every class, id and attribute name the site's templates and scripts (``own_files``) can put in a page."""
    words: set[str] = set(RUNTIME_CLASSES)
    if "content.tooltips" in site.features:
        words.update({"md-tooltip", "md-tooltip--active", "md-tooltip__inner"})
    seen: set[str] = set()
    for folder in [*own_dirs, material_dir]:
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if name in seen or (folder == material_dir and not _reached(name, site)):
                continue  # a template of the same name in a folder before this one is the one rendered
            seen.add(name)
            words.update(_quoted_words(path.read_text(encoding="utf-8", errors="replace")))
    unused = _unused_prefixes(site)
    words = {w for w in words if not w.startswith(unused)}
    for path in own_files:  # scripts: what they put in a page is in their strings
        words.update(_quoted_words(path.read_text(encoding="utf-8", errors="replace")))
    for bundle in sorted((material_dir / "assets" / "javascripts").glob("bundle.*.min.js")):
        words.update(re.findall(r"\b(data-md-[\w-]+|aria-[\w-]+)", bundle.read_text(encoding="utf-8")))
    return frozenset(words)


def content_classes(sources: Iterable[str]) -> frozenset[str]:
    """Which of :data:`CONTENT_CLASSES` the Markdown ``sources`` can produce: an admonition (``!!! note``), a
    ``class="…"`` of raw HTML or an attribute list (``{.note}``). A false alarm only keeps a rule."""
    found: set[str] = set()
    for text in sources:
        for kind in _ADMONITION.findall(text):
            found.update({"admonition", "admonition-title", kind.lower()})
        for value in _CLASS_ATTRIBUTE.findall(text):  # raw HTML
            found.update(value.split())
        for block in _ATTR_LIST.findall(text):  # attr_list: {.note #id}
            found.update(re.findall(r"\.([\w-]+)", block))
    return frozenset(found & CONTENT_CLASSES)


def _quoted_words(text: str) -> set[str]:
    """The words inside quotes (class lists, attribute values, strings) and the attribute names of a template or script."""
    words = {w for a, b in _QUOTED.findall(text) for w in _WORD.findall(a or b)}
    return words | set(re.findall(r"[\s(\[]([a-z][\w-]*)=", text))


def trim_css(
    css: str, words: frozenset[str], site: SiteFacts, readers: str = "", part: str = "all", only: frozenset[str] | None = None
) -> str:
    """``css`` without the rules no page of the site can match, and without custom properties nothing reads.

    ``readers``: other text (the site's own stylesheets and scripts) whose ``var(--…)`` keep a property.
    ``part``: ``"all"``; ``"first"`` without the script-shown parts' rules (:data:`LATE`); ``"late"`` those alone.
    ``only``: keep nothing but the declarations of these custom properties.
    """
    return _trim(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), words, site, readers, part, only)


def _trim(rules: list[Node], words: frozenset[str], site: SiteFacts, readers: str, part: str, only: frozenset[str] | None = None) -> str:
    kept = list(_Keep(words, dict(site.attribute_values), part).rules(rules))
    return _drop_unread_properties(kept, readers, only)


def material_stylesheets(
    css_files: tuple[Path, ...], words: frozenset[str], site: SiteFacts, readers: str, memo: Path | None = None
) -> dict[str, str]:
    """``{path in the site: text}`` of Material's trimmed stylesheet for the first paint and of the search panel's
    part (the search script loads it), each named by a hash of its text. ``memo``: a folder of the build cache where
    the last answer is kept (signed), so a rebuild with the same inputs does not trim again."""
    files = tuple((p, p.stat().st_mtime_ns) for p in css_files)
    name = digest([(str(p), m, p.stat().st_size) for p, m in files], sorted(words), site, readers) if memo is not None else ""
    kept = read_signed(memo / "styles.bin", name) if memo is not None else None
    if kept is not None:
        first, late = json.loads(kept)
    else:
        first, late = _trimmed(files, words, site, readers)
        if memo is not None:
            keep_signed(memo / "styles.bin", name, json.dumps([first, late]).encode("utf-8"))
    return {f"{_OUT}.{_digest(first)}.min.css": first, f"{_OUT}-search.{_digest(late)}.min.css": late}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@lru_cache(maxsize=4)
def _trimmed(files: tuple[tuple[Path, int], ...], words: frozenset[str], site: SiteFacts, readers: str) -> tuple[str, str]:
    text = "".join(path.read_text(encoding="utf-8") for path, _ in files)
    css = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    late = _trim(css, words, site, readers, "late")
    first = _trim(css, words, site, readers, "first")
    # Custom properties only the late rules read (the search result icon…) travel with them, on their own selectors.
    declared = set(re.findall(r"(--[\w-]+):", first))
    moved: frozenset[str] = frozenset()
    while True:
        props = _trim(css, words, site, "", "all", moved)
        wanted = frozenset(set(_VAR.findall(late + props)) - declared)
        if wanted == moved:
            return first, props + late
        moved = wanted


class _Keep:
    """Decides selector by selector whether a page of the site can match it."""

    def __init__(self, words: frozenset[str], values: dict[str, frozenset[str]], part: str = "all") -> None:
        self.words = words
        self.values = values
        self.part = part

    def rules(self, rules: list[Node]) -> Iterator[list]:
        for rule in rules:
            if rule.type == "qualified-rule":
                parts = [p for p in _split_commas(rule.prelude) if self._may_match(p) and self._in_part(p)]
                if parts:
                    yield [",".join(tinycss2.serialize(p).strip() for p in parts), rule.content]
            elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in _GROUPS:
                inner = list(self.rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)))
                if inner:
                    yield ["@" + rule.at_keyword + tinycss2.serialize(rule.prelude), inner]
            elif rule.type == "at-rule" and self.part != "late":
                yield [tinycss2.serialize([rule]), None]  # @keyframes, @font-face…

    def _in_part(self, tokens: list[Node]) -> bool:
        if self.part == "all":
            return True
        late = bool(LATE.search(tinycss2.serialize(tokens)))
        return late == (self.part == "late")

    def _may_match(self, tokens: list[Node]) -> bool:
        for i, token in enumerate(tokens):
            if token.type == "literal" and token.value == "." and i + 1 < len(tokens) and tokens[i + 1].type == "ident":
                name = tokens[i + 1].value
                if name not in self.words and (name in CONTENT_CLASSES or not class_allowed(name)):
                    return False
            elif token.type == "hash" and token.value.startswith("__") and token.value not in self.words:
                return False  # Material's own element ids; a trainer's ids are anything else
            elif token.type == "[] block" and not self._attribute(token):
                return False
            elif token.type == "function" and token.lower_name in ("is", "where", "matches", "-webkit-any", "-moz-any", "has"):
                if not any(self._may_match(p) for p in _split_commas(token.arguments)):
                    return False
        return True  # :not(…) and everything else may match

    def _attribute(self, block: Node) -> bool:
        inner = [t for t in block.content if t.type != "whitespace"]
        if not inner or inner[0].type != "ident":
            return True
        name = inner[0].value
        if name not in self.words and not name.startswith("aria-") and name not in _HTML_ATTRIBUTES:
            return False
        value = next((t.value for t in reversed(inner[1:]) if t.type in ("ident", "string")), None)
        if name in self.values and value is not None and len(inner) >= 3 and inner[-2].type == "literal" and inner[-2].value == "=":
            return value in self.values[name]
        if name == "id" and value is not None and value.startswith("__"):
            return value in self.words
        if name == "role" and value is not None:
            return value in self.words  # trainer content has no role attribute: only templates and scripts set one
        return True


_GROUPS = ("media", "supports", "layer", "container")
# Attributes any page (trainer content included) can have, whatever the templates say.
_HTML_ATTRIBUTES = frozenset("align class dir for hidden href id lang open role src title type".split())


def _split_commas(tokens: list[Node]) -> list[list[Node]]:
    out: list[list[Node]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            out.append([])
        else:
            out[-1].append(token)
    return [p for p in out if any(t.type != "whitespace" for t in p)]


def _drop_unread_properties(rules: list[list], readers: str, only: frozenset[str] | None = None) -> str:
    """Serialise the kept rules, leaving out ``--x: …`` declarations no ``var(--x)`` reads (to a fixpoint)."""
    blocks = list(_declaration_blocks(rules))
    parsed = [tinycss2.parse_declaration_list(rule[1], skip_comments=True, skip_whitespace=True) for rule in blocks]
    if only is not None:
        for rule, declarations in zip(blocks, parsed, strict=True):
            rule[1] = [d for d in declarations if d.type == "declaration" and d.name in only]
        return "".join(_serialise([r for r in rules if r[1] is not None]))
    read = set(_VAR.findall(readers))
    while True:
        reads = set(read)
        for declarations in parsed:
            for d in declarations:
                if d.type == "declaration":
                    reads.update(_VAR.findall(tinycss2.serialize(d.value)))
        before = sum(len(d) for d in parsed)
        parsed = [[d for d in ds if not (d.type == "declaration" and d.name.startswith("--") and d.name not in reads)] for ds in parsed]
        if sum(len(d) for d in parsed) == before:
            break
    for rule, declarations in zip(blocks, parsed, strict=True):
        rule[1] = declarations
    return "".join(_serialise(rules))


def _declaration_blocks(rules: list[list]) -> Iterator[list]:
    for rule in rules:
        if isinstance(rule[1], list) and rule[1] and isinstance(rule[1][0], list):
            yield from _declaration_blocks(rule[1])
        elif rule[1] is not None and not rule[0].startswith("@"):
            yield rule


def _serialise(rules: list[list]) -> Iterator[str]:
    for head, body in rules:
        if body is None:
            yield head
        elif body and isinstance(body[0], list):
            inner = "".join(_serialise(body))
            if inner:
                yield head + "{" + inner + "}"
        else:
            text = ";".join(_declaration(d) for d in body if d.type == "declaration")
            if text:
                yield head + "{" + text + "}"


def _declaration(d: Node) -> str:
    value = tinycss2.serialize(d.value).strip()
    return f"{d.name}:{value}" + ("!important" if d.important else "")

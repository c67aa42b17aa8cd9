"""Planned pages rendered outside MkDocs' page loop: taken from the build cache, or rendered on every core.

MkDocs renders every page's Markdown first and its template afterwards, one page at a time, and holds
every page in memory in between. For the pages the plugin plans (all but ``docs/`` and the help pages)
the plugin does it itself, page by page, when MkDocs is about to write the page:

1. while MkDocs reads pages, a planned page gets its meta and Markdown as always but is not rendered;
2. once every page is read (the navigation's titles known), each planned page gets a key — a digest of
   its Markdown, meta and URL, the navigation, the configuration, the templates and the versions of the
   tool, MkDocs and the theme (:func:`site_key`, :func:`page_key`). A page whose key is in the build
   cache (``cache.py``), with the same answers to the site paths it looked up, is taken from there;
   the others are rendered by forked workers (``studyportal/forks.py``), or here when forking is not possible;
3. when MkDocs writes the page, it writes the finished file through a template that prints it as it is
   (``theme/sp-prebuilt.html``), with the page's log messages replayed, so ``--strict`` still counts them.

A page rendered here goes through exactly the steps of MkDocs' ``_populate_page`` and ``_build_page``
(Markdown, ``on_page_content``, context, template, ``on_post_page``), so the bytes are the same whichever
way a page was made; tests build the same site cold, warm, in workers and alone, and compare every file.
This is used only when the studyportal plugin is the portal's only plugin: another plugin's hooks could
depend on things a key does not cover.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from mkdocs.commands.build import get_context
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from studyportal.forks import ForkPool, can_fork, trim_memory, worker_count
from studyportal.render.cache import PageCache, PageResult, data_digest, digest, tool_digest, tree_digest
from studyportal.search.terms import PageTerms

PREBUILT_TEMPLATE = "sp-prebuilt.html"  # prints page.content as it is: the finished file
KEY_FORMAT = 1  # bump when what goes into a key, or into an entry, changes meaning
MIN_PARALLEL = 24  # fewer pages to render than this: forking costs more than it saves
LARGE_PAGE = 64_000  # characters of Markdown: rendered first (a handbook), while the workers are still small
_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "nh3", "numpy")
# Settings that never change a page: where the site goes, the preview server, the watch list, strictness
# (messages are replayed, so --strict still fails on them).
_IGNORED = {"site_dir", "config_file_path", "dev_addr", "watch", "strict", "plugins", "theme", "markdown_extensions"}


class _Capture(logging.Handler):
    """Keeps log records of one page's rendering, to be replayed when the page is used (now or in a later build)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _stub_render(page: Page, config: Any, files: Any) -> None:
    page.content = ""  # rendered later, or never (taken from the cache)


def _versions() -> dict[str, str]:
    out = {"python": sys.version}
    for name in _PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = ""
    return out


def _extension(ext: Any) -> Any:
    """A Markdown extension as configured: its name, or an instance's class and settings (not its per-page state)."""
    if isinstance(ext, str):
        return ext
    getter = getattr(ext, "getConfigs", None)
    settings = getter() if callable(getter) else {}
    return [f"{type(ext).__module__}.{type(ext).__qualname__}", settings]


def config_fingerprint(config: Any) -> list[Any]:
    """Every setting that can change a page, in a form :func:`~studyportal.render.cache.digest` reads the same every run."""
    plain = {k: v for k, v in config.items() if k not in _IGNORED}
    theme = config.theme
    plugins = {name: dict(plugin.config) for name, plugin in config.plugins.items()}
    extensions = [_extension(e) for e in config.markdown_extensions]
    return [plain, theme.name, list(theme.dirs), sorted(theme.static_templates), dict(theme), plugins, extensions]


def _nav_item(item: Any) -> Any:
    if isinstance(item, Section):
        return ["s", item.title, [_nav_item(c) for c in item.children]]
    if isinstance(item, Link):
        return ["l", item.title, item.url]
    meta = {k: v for k, v in (getattr(item, "meta", None) or {}).items() if k != "sp"}  # "sp": the page's own data
    return ["p", item.title, item.url, item.file.src_uri, meta, item.is_index]


def site_key(config: Any, nav: Navigation, extra: Any, tool: str = "") -> str:
    """What every page's key shares: versions, the tool's files (``tool``: cache.tool_digest, if known), the portal's templates,
    the settings, the navigation."""
    own = Path(__file__).resolve().parent.parent
    packaged = [Path(sys.modules[m].__file__ or "").resolve().parent for m in ("mkdocs", "material") if m in sys.modules]
    templates = [Path(d) for d in config.theme.dirs if not any(Path(d).resolve().is_relative_to(p) for p in [own, *packaged])]
    return digest(KEY_FORMAT, _versions(), tool or tool_digest(), tree_digest(templates), config_fingerprint(config),
                  [_nav_item(i) for i in nav.items], extra)  # fmt: skip


def page_key(site: str, page: Page, template: str, links: dict[str, str]) -> str:
    """One planned page's key: the site's, and the page's own source, meta, place and template."""
    return data_digest(site, page.file.src_uri, page.file.dest_uri, page.url, template, page.markdown, page.meta, links)


class PrebuiltPages:
    """The planned pages of one build: stubbed while MkDocs reads them, made and handed out while it writes them."""

    def __init__(self, cache: PageCache | None, parallel: bool, pop_terms: Callable[[], PageTerms | None]) -> None:
        self.cache = cache
        self.parallel = parallel
        self.pop_terms = pop_terms  # the search terms the plugin's on_page_content counted for the page just rendered
        # Called just before a held page is rendered: what the plugin set up for it in on_page_markdown (its link table)
        # was overwritten by the pages after it.
        self.before_render: Callable[[Page], None] = lambda page: None
        self.pages: dict[str, Page] = {}  # src_uri → page, in MkDocs' order
        self.templates: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.ready: set[str] = set()  # pages whose cache entry is right: read again when the page is written
        self.todo: dict[str, int] = {}  # src_uri → its number among the pages to render
        self.rendering = False  # True while a page is being rendered here or in a worker: the plugin's hooks act as usual
        self.pool: ForkPool | None = None
        self.rendered = 0
        self.workers = 0
        self._state: tuple[Any, Any, Any, Any, Any] | None = None

    def hold(self, page: Page) -> None:
        """Keep MkDocs from rendering a planned page now (its meta and Markdown are set as usual)."""
        page.render = functools.partial(_stub_render, page)  # type: ignore[method-assign]
        self.pages[page.file.src_uri] = page

    def held(self, page: Page) -> bool:
        return page.file.src_uri in self.pages

    def start(
        self, config: Any, files: Any, nav: Navigation, env: Any, links: dict[str, dict[str, str]], extra: Any, tool: str = ""
    ) -> None:
        """Every page read: key the held pages, take what the cache has, start workers on the rest."""
        doc_files = files.documentation_pages()
        self._state = (config, files, nav, env, doc_files)
        site = site_key(config, nav, extra, tool)
        todo: list[str] = []
        for src, page in self.pages.items():
            self.templates[src] = page.meta.get("template", "main.html")
            key = self.keys[src] = page_key(site, page, self.templates[src], links.get(src, {}))
            looked = self.cache.lookups(key) if self.cache is not None else None
            if looked is not None and all(_lookup(files, path) == url for path, url in looked):
                self.ready.add(src)
            else:
                todo.append(src)
        todo.sort(key=lambda src: min(0, LARGE_PAGE - len(self.pages[src].markdown or "")))  # the rest keep MkDocs' order
        self.todo = {src: i for i, src in enumerate(todo)}
        large = sum(len(self.pages[src].markdown or "") for src in todo) >= LARGE_PAGE  # a handbook: worth a worker alone
        processes = min(worker_count(), len(todo)) if self.parallel and can_fork() and (len(todo) >= MIN_PARALLEL or large) else 0
        if processes > 1:  # the build renders too, between the pages it writes: one worker fewer to hold in memory
            self.workers = processes
            _load_templates(env, set(self.templates.values()))  # before forking: loaded once, shared by the workers
            self.pool = ForkPool(len(todo), lambda i: self._render_and_keep(self.pages[todo[i]]), processes - 1, helping=True)
        for page in self.pages.values():  # after forking: workers render with the real templates
            page.meta["template"] = PREBUILT_TEMPLATE

    def take(self, page: Page) -> PageResult:
        """The finished page (cache, worker or rendered now); its messages replayed, its anchors known to MkDocs."""
        src = page.file.src_uri
        result = None
        if src in self.ready:  # else a worker renders it (an entry gone or damaged since the build began: made here)
            self.ready.discard(src)
            result = self.cache.get(self.keys[src]) if self.cache is not None else None
        if result is None:
            at = self.todo.get(src)
            got = self.pool.take(at) if self.pool is not None and at is not None else None
            result = got if isinstance(got, PageResult) else self._render_and_keep(page)
            self.rendered += 1
            if self.cache is not None:
                self.cache.used.add(self.keys[src])  # kept by a worker: this build uses it
        for name, level, message in result.logs:
            logging.getLogger(name).log(level, message)
        page.present_anchor_ids = set(result.anchors)
        files = self._state[1] if self._state else None
        if result.links_to_anchors and files is not None:
            found = {files.src_uris.get(s) or files.get_file_from_path(s): a for s, a in result.links_to_anchors.items()}
            page.links_to_anchors = {f: a for f, a in found.items() if f is not None}
        return result

    def _render_and_keep(self, page: Page) -> PageResult:
        """Render a held page and put it in the cache (a worker does both: the build only writes the file)."""
        result = self._render(page)
        if self.cache is not None:
            self.cache.put(self.keys[page.file.src_uri], result)
        return result

    def _render(self, page: Page) -> PageResult:
        """Render one held page exactly as MkDocs' ``_populate_page`` and ``_build_page`` would."""
        assert self._state is not None
        config, files, nav, env, doc_files = self._state
        src = page.file.src_uri
        lookups: list[tuple[str, str | None]] = []
        original = files.get_file_from_path

        def recording(path: str) -> Any:
            found = original(path)
            lookups.append((str(path), found.url if found is not None else None))
            return found

        capture = _Capture()
        logger = logging.getLogger("mkdocs")
        handlers, logger.handlers = logger.handlers, [capture]
        files.get_file_from_path = recording
        was_active, current = page.active, config._current_page
        # The page MkDocs is writing while the build renders this one (ForkPool's helping): not active in this one's navigation.
        other = current if current is not None and current is not page and current.active else None
        meta_template = page.meta.get("template")
        self.rendering = True
        try:
            if other is not None:
                other.active = False
            page.meta["template"] = self.templates[src]
            config._current_page = page
            self.before_render(page)
            Page.render(page, config, files)
            page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
            terms = self.pop_terms()
            page.active = True
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(self.templates[src])
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
        finally:
            self.rendering = False
            page.active, config._current_page = was_active, current
            if other is not None:
                other.active = True
            if meta_template is not None:
                page.meta["template"] = meta_template
            del files.get_file_from_path
            logger.handlers = handlers
        links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
        html = output.encode("utf-8", errors="xmlcharrefreplace") if output.strip() else b""
        page.content, page.toc = None, []  # the finished file is what counts now; the build keeps no page whole
        return PageResult(html, terms, sorted(page.present_anchor_ids or ()), links, capture.records, lookups)

    def finish(self) -> None:
        """Stop the workers; let the cache drop entries no build has used for a while."""
        if self.pool is not None:
            for detail in self.pool.failures:
                logging.getLogger("mkdocs.plugins.studyportal").debug(f"a page worker failed, the page was rendered in the build: {detail}")
            self.pool.close()
            self.pool = None
            trim_memory()  # what the page loop freed, before the search index is built
        if self.cache is not None:
            self.cache.prune()

    def close(self) -> None:
        """A failed build: stop the workers without waiting."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def _load_templates(env: Any, names: set[str]) -> None:
    for name in sorted(names):
        try:
            env.get_template(name)
        except Exception:  # noqa: BLE001 - a template that cannot load fails again where the page is rendered, and is reported there
            continue


def _lookup(files: Any, path: str) -> str | None:
    found = files.src_uris.get(path) or files.get_file_from_path(path)  # the first finds nearly all, without pathlib
    return found.url if found is not None else None

"""The MkDocs adapter: a thin plugin that feeds the planned pages to MkDocs as generated files.

With ``generator.py`` (which runs MkDocs for publish, bundle, tests and benchmarks) and ``prebuilt.py``
(planned pages made from the build cache or by page workers) it is the only module that imports MkDocs.
It loads and validates ``materials/``, plans the site, and hands over pages, navigation and template
data; everything else lives in the core.
"""

from __future__ import annotations

import functools
import gc
import html
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs import utils as mkdocs_utils
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc

from studyportal.catalog import load_catalog
from studyportal.kinds import kinds
from studyportal.load.memo import LoadMemo
from studyportal.plan.edition import EDITIONS, EditionError, edition_catalog, mark_edition
from studyportal.plan.feeds import Feed, plan_feeds
from studyportal.plan.site import plan_site
from studyportal.plan.types import NavItem, SitePlan
from studyportal.problems import Problem
from studyportal.render.cache import CACHE_DIR, PageCache, digest, tool_digest
from studyportal.render.compress import Precompression, precompress_site
from studyportal.render.firstview import Styles, minified, minifies, minify_assets, plan_styles
from studyportal.render.links import PageLinks
from studyportal.render.output import SiteOutput, load_record
from studyportal.render.prebuilt import PrebuiltPages
from studyportal.render.shipped import SELFTEST_JS, SITE_CSS, STAMP_SCRIPT, help_files, help_pages, page_scripts, reach_files, theme_dirs
from studyportal.render.template_cache import TEMPLATES_DIR, SignedTemplateCache
from studyportal.sanitize import sanitize_html
from studyportal.search.index import IndexBuilder, page_terms
from studyportal.search.pages import asset_files, page_document
from studyportal.search.terms import PageTerms

log = logging.getLogger("mkdocs.plugins.studyportal")
# Material's start-up helpers as a file (theme/partials/javascripts/base.html loads it): no inline script.
# Benchmarks only (scripts/bench.py): build without the search index, to measure what the index costs.
NO_SEARCH_ENV = "STUDYPORTAL_BENCH_NO_SEARCH"
# "off": no build cache (every page rendered, nothing kept; the cache is .studyportal-cache/ beside mkdocs.yml);
# "mkdocs": neither cache nor workers, every page through MkDocs' own loop (what tests compare the others with).
CACHE_ENV = "STUDYPORTAL_CACHE"
GC_THRESHOLD = 50_000
OUTPUT_RECORDS = "output"  # in the build cache: what each build wrote into its output folder (render/output.py)
_MKDOCS_CLEAN = mkdocs_utils.clean_directory
BOOT_SCRIPT = ("assets/studyportal/boot.js", Path(__file__).resolve().parent.parent / "assets" / "site" / "boot.js")


class _MaterialsDir(opt.Dir):
    """A folder relative to ``mkdocs.yml``, as MkDocs resolves ``docs_dir``; it must exist while the plugin is enabled."""

    def post_validation(self, config: Config, key_name: str) -> None:
        path = config[key_name]
        if config.get("enabled", True) and not os.path.isdir(path):
            fix = "在项目根目录（有 materials/ 文件夹的地方）运行；或改 mkdocs.yml 里 studyportal 的 materials_dir（相对于 mkdocs.yml）"
            raise ValidationError(Problem(path, 1, "找不到材料文件夹", fix).one_line())


class StudyPortalConfig(Config):
    # false: the plugin does nothing, and the site is docs/ alone with the plain theme.
    enabled = opt.Type(bool, default=True)
    materials_dir = _MaterialsDir(default="materials")
    # all | secretary | member | mobile. Set for each offline edition by render/generator.py (offline_config).
    edition = opt.Choice(EDITIONS, default="all")
    # Atom feeds (they need site_url); offline editions turn them off: an offline copy has no URL.
    feeds = opt.Type(bool, default=True)
    # .gz and .br beside the site's text files, for servers that send them (help/hosting.md); offline editions: false.
    precompress = opt.Type(bool, default=True)
    # .br copies too (nginx needs the ngx_brotli module for them): about 11 % smaller than .gz, but compressing and writing
    # them costs a build at N = 2000 about 3 s more, so a portal turns them on when its server sends them.
    brotli = opt.Type(bool, default=False)


class StudyPortalPlugin(BasePlugin[StudyPortalConfig]):
    """``plugins: [studyportal]`` in ``mkdocs.yml``."""

    def __init__(self) -> None:
        self.plan: SitePlan | None = None
        self.previewing = False
        self.materials_path: Path | None = None
        self.search = IndexBuilder()
        self.indexing = True
        # Planned pages are made outside MkDocs' page loop: from the build cache or on every core (render/prebuilt.py).
        self.prebuilt: PrebuiltPages | None = None
        self.nav: Any = None
        self._terms: PageTerms | None = None  # the search terms of the page just rendered for self.prebuilt
        self.files: Files | None = None
        self.feeds: list[Feed] = []
        self.styles = Styles()
        self.tool = ""  # the tool's own code (cache.tool_digest), once per build
        self.cache_dir: Path | None = None  # the build cache (.studyportal-cache/ beside mkdocs.yml), unless turned off
        self.dirty = False
        # The output folder kept from the last build, written only where bytes change (render/output.py); None: MkDocs
        # empties the folder and writes every file, as it does for a portal with other plugins or `--dirty`.
        self.keeping = False
        self.output: SiteOutput | None = None
        self.links = PageLinks(lambda uri: self.files is not None and self.files.get_file_from_path(uri) is not None, log.info)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` injects an inline live-reload script into every page it serves.
        self.previewing = command == "serve"
        self.dirty = dirty
        # A build allocates millions of small objects that live until it ends (pages, plan, catalog); Python's default
        # collects its youngest generation every 700 allocations and keeps walking them. Less often costs a little memory.
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])

    def on_shutdown(self) -> None:
        self._stop_search()
        _let_mkdocs_clean()

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_search()
        _let_mkdocs_clean()
        self.output = None

    def _stop_search(self) -> None:
        if self.prebuilt is not None:
            self.prebuilt.close()

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        self.materials_path = Path(self.config.materials_dir).resolve()
        mode = os.environ.get(CACHE_ENV, "").lower()
        caching = mode not in ("off", "0", "no", "mkdocs") and bool(config.config_file_path)
        self.tool = tool_digest() if caching else ""
        cache_dir = self.cache_dir = Path(config.config_file_path).resolve().parent / CACHE_DIR if caching else None
        memo = LoadMemo(cache_dir, digest(self.tool, kinds())) if cache_dir is not None else None
        result = load_catalog(self.materials_path, dates_from_git=True, memo=memo)
        # Shown, but never at MkDocs' WARNING level: `build --strict` would fail on it, and what `check`
        # calls a warning must never stop a publish.
        for problem in result.problems.warnings:
            log.info(problem.one_line())
        if result.problems.errors:
            for problem in result.problems.errors:
                log.error(problem.one_line())
            raise PluginError(f"材料检查发现 {len(result.problems.errors)} 个错误，构建已停止，已发布的网站不受影响。")
        # The tool's templates: after the portal's own overrides/, before Material's (as MkDocs' search plugin adds its own).
        config.theme.dirs[:] = theme_dirs(config.theme.dirs, config.theme.custom_dir)
        docs = Path(config.docs_dir)
        own = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")} if docs.is_dir() else set()
        hand_written = sorted(own | {name for name, _ in help_pages()})  # the tool's help pages, unless docs/ has its own
        extra = [NavItem("关于本站", children=[NavItem("", src) for src in hand_written if src != "index.md"])]
        edition = self.config.edition  # the one way an edition is chosen (see render/generator.py)
        try:
            catalog = edition_catalog(result.catalog, edition)
        except EditionError as exc:
            raise PluginError(str(exc)) from exc
        self.plan = plan_site(catalog, extra if hand_written else [])
        mark_edition(self.plan, catalog, edition)
        if result.git is not None and result.git.note:
            log.info(result.git.note)
        feeds = plan_feeds(catalog, config.site_url, config.site_name, config.use_directory_urls) if self.config.feeds else ([], "")
        self.feeds, why_not = feeds
        if why_not:
            log.info(why_not)
        # Advertised in every page's <head>, linked from the audience's curriculum page (theme/main.html, sp-curriculum.html).
        config.extra["studyportal_feeds"] = [{"audience": f.audience, "title": f.title, "path": f.path} for f in self.feeds]
        if not config.nav:
            config.nav = [_nav_entry(item) for item in self.plan.nav]
        self._stop_search()  # a preview's rebuild starts afresh
        self.search = IndexBuilder()
        self.indexing = not os.environ.get(NO_SEARCH_ENV)
        self.prebuilt = None
        own_loop = mode == "mkdocs"  # tests: MkDocs' own page loop, the reference
        if set(config.plugins) == {"studyportal"} and not own_loop:  # another plugin's hooks could depend on what a key does not cover
            cache = PageCache(cache_dir) if cache_dir is not None else None
            self.prebuilt = PrebuiltPages(cache if cache is not None and cache.enabled else None, not self.previewing, self._pop_terms)
            self.prebuilt.before_render = self._start_links
        self.keeping = self.prebuilt is not None and not self.dirty
        _SKIPPED.pages = set()
        # The preview's live reload is an inline script: only there does the page policy allow one (theme/main.html).
        config.extra["studyportal_preview"] = self.previewing
        # Material's stylesheet trimmed to this site; the search panel's styles come with the search script (render/firstview.py).
        theme = config.theme
        scripts = [Path(config.docs_dir) / str(js) for js in config.extra_javascript]
        markdown = [p.markdown for p in self.plan.pages.values()] + [path.read_text(encoding="utf-8", errors="replace")
                                                                     for path in [*docs.rglob("*.md"), *(p for _, p in help_pages())]]
        self.styles = plan_styles(theme.dirs, theme.get("features") or [], list(config.plugins), dict(config.extra), theme.get("palette"),
                                  theme.get("direction"), bool(config.repo_url), [p for p in scripts if p.is_file()], markdown,
                                  self.cache_dir)
        config.extra["studyportal_css"] = self.styles.template_data()
        if SITE_CSS[0] not in config.extra_css:
            config.extra_css.insert(0, SITE_CSS[0])  # first: a portal's own stylesheets come after it and win
        if SELFTEST_JS[0] not in config.extra_javascript:
            config.extra_javascript.append(SELFTEST_JS[0])
        return config

    def on_pre_build(self, *, config: Any) -> None:
        if self.keeping:  # MkDocs empties the output folder right after this hook; on_files puts the rule back
            site = os.path.abspath(config.site_dir)
            mkdocs_utils.clean_directory = lambda folder: None if os.path.abspath(folder) == site else _MKDOCS_CLEAN(folder)

    def on_serve(self, server: Any, /, *, config: Any, builder: Any) -> Any:
        if self.config.enabled and self.materials_path is not None:
            server.watch(str(self.materials_path))
        return server

    def on_files(self, files: Files, /, *, config: Any) -> Files:
        _let_mkdocs_clean()
        if not self.config.enabled:
            return files
        assert self.plan is not None
        # Materials, topics and listings are reached through curriculum and listing pages, not the nav, by design.
        in_nav = set(_nav_sources(config.nav))
        for page in self.plan.pages.values():
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                raise PluginError(f"docs/{page.src_uri} 与自动生成的页面重名：请改名或删除它")
            files.append(File.generated(config, page.src_uri, content=page.markdown, inclusion=_inclusion(page.src_uri, in_nav)))
        # The search box's script, styles and lunr.js; start-up helpers; the site's styles; the 适老化 bar (reach);
        # the help pages. A portal's own file wins.
        shipped = [*asset_files(), BOOT_SCRIPT, STAMP_SCRIPT, SITE_CSS, SELFTEST_JS, *reach_files(), *page_scripts()]
        shipped += [*help_pages(), *help_files()]
        for dest, source in shipped:
            if files.get_file_from_path(dest) is None:
                files.append(File.generated(config, dest, abs_src_path=str(source), inclusion=_inclusion(dest, in_nav)))
        for path, text in self.styles.files.items():
            files.append(File.generated(config, path, content=text))
        for feed in self.feeds:
            if files.get_file_from_path(feed.path) is None:
                files.append(File.generated(config, feed.path, content=feed.content))
        for path, content in self.plan.files.items():  # curricula's calendars (plan/calendar.py)
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=content))
        # Pictures and attachments beside the pages of the materials (and curricula) that use them; drafts are not planned.
        for page in self.plan.pages.values():
            for dest, source in page.assets.items():
                if files.get_file_from_path(dest) is None:
                    files.append(File.generated(config, dest, abs_src_path=source))
        if self.keeping:
            records = self.cache_dir / OUTPUT_RECORDS if self.cache_dir is not None else None
            self.output = SiteOutput(config.site_dir, load_record(records, config.site_dir) if records is not None else None)
            for file in files:
                if not file.is_documentation_page():
                    file.copy_file = functools.partial(_copy_through, self.output, file)  # type: ignore[method-assign]
        # Trainer links (material:…, .md paths, files beside a material) rewritten per page before MkDocs checks them.
        self.files = files
        if self.links not in config.markdown_extensions:
            config.markdown_extensions.append(self.links)
        return files

    def on_nav(self, nav: Any, /, *, config: Any, files: Files) -> Any:
        self.nav = nav
        return nav

    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Files) -> str:
        if not self.config.enabled:
            return markdown
        planned = self.plan.pages.get(page.file.src_uri) if self.plan else None
        self.links.start_page(page.file.src_uri, planned.links if planned else {}, trainer=planned is not None)
        if planned is None:
            return markdown
        # MkDocs reads a leading `---` block or `key: value` lines of a page as its meta; a planned page
        # starts with trainer text, which must neither set meta (`author:` is printed unescaped in <head>)
        # nor vanish. So the page's meta is the planner's alone, and its Markdown is the planned text whole.
        page.meta.clear()
        page.meta.update(_resolve_links(planned.meta, page.file, files))
        if planned.template:
            page.meta["template"] = planned.template
        # Material prints titles and descriptions unescaped; trainer text must never become markup.
        if planned.description:
            page.meta["description"] = html.escape(planned.description)
        page.meta["title"] = html.escape(planned.title)
        if self.prebuilt is not None:
            self.prebuilt.hold(page)  # rendered when MkDocs writes it, or taken from the cache
        return planned.markdown

    def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Files) -> str:
        if not self.config.enabled:
            return html
        held = self.prebuilt is not None and self.prebuilt.held(page)
        if held and not self.prebuilt.rendering:
            return html  # not rendered yet (see on_page_context)
        planned = self.plan.pages.get(page.file.src_uri) if self.plan else None
        # Every page, planned or hand-written, takes the same path: whatever a trainer wrote is untrusted.
        out = sanitize_html(html, page.url)
        if planned is not None and (planned.meta.get("sp") or {}).get("type") == "handbook":
            page.toc = get_toc([])  # the handbook lists its contents itself; Material's would repeat every heading of every material
        started = time.perf_counter()
        doc = page_document(page.url, page.title or "", out, planned) if self.indexing else None
        if held:
            self._terms = page_terms(doc) if doc is not None else None  # counted wherever the page is rendered
        elif doc is not None:
            self.search.add(doc)
        self.search.seconds += time.perf_counter() - started
        return out

    def _start_links(self, page: Any) -> None:
        planned = self.plan.pages.get(page.file.src_uri) if self.plan else None
        self.links.start_page(page.file.src_uri, planned.links if planned else {}, trainer=planned is not None)

    def _pop_terms(self) -> PageTerms | None:
        terms, self._terms = self._terms, None
        return terms

    def on_env(self, env: Any, /, *, config: Any, files: Files) -> Any:
        if self.cache_dir is not None and env.bytecode_cache is None:
            env.bytecode_cache = SignedTemplateCache(self.cache_dir / TEMPLATES_DIR)
        if self.prebuilt is not None and self.plan is not None:
            links = {src: page.links for src, page in self.plan.pages.items()}
            self.prebuilt.start(config, files, self.nav, env, links, {"search": self.indexing}, self.tool)
        return env

    def on_page_context(self, context: Any, /, *, page: Any, config: Any, nav: Any) -> Any:
        if self.prebuilt is not None and self.prebuilt.held(page) and not self.prebuilt.rendering:
            result = self.prebuilt.take(page)
            page.content = result.html.decode("utf-8")  # written as it is by theme/sp-prebuilt.html
            if result.terms is not None:
                self.search.add_terms(result.terms)
        return context

    def on_post_page(self, output: str, /, *, page: Any, config: Any) -> str:
        if self.prebuilt is not None and self.prebuilt.held(page) and not self.prebuilt.rendering:
            # Written: MkDocs would otherwise hold every page, and its Markdown three times over, until the build ends.
            page.content = page.markdown = None
            page.file.content_string = ""
            planned = self.plan.pages.get(page.file.src_uri) if self.plan else None
            if planned is not None:
                planned.markdown = ""
        if self.output is not None and not (self.prebuilt is not None and self.prebuilt.rendering) and output.strip():
            self.output.write(page.file.abs_dest_path, output.encode("utf-8", errors="xmlcharrefreplace"))
            _SKIPPED.pages.add(page.file.src_uri)
            return ""  # written here: MkDocs writes nothing for an empty page (and says so, which _SKIPPED hides)
        return output

    def on_post_template(self, output_content: str, /, *, template_name: str, config: Any) -> str:
        if self.output is not None and output_content.strip():  # MkDocs writes it (sitemap.xml with its .gz)
            path = Path(config.site_dir) / template_name
            self.output.prepare(path)
            if template_name == "sitemap.xml":
                self.output.prepare(path.with_name("sitemap.xml.gz"))
        return output_content

    def on_post_build(self, *, config: Any) -> None:
        if not self.config.enabled:
            return
        if self.prebuilt is not None:
            made = self.prebuilt
            cache = made.cache
            reused = f"，{cache.hits} 个取自构建缓存 {CACHE_DIR}/" if cache is not None else ""
            workers = f"，{made.workers} 个进程并行" if made.workers else ""
            log.info(f"生成页面：{len(made.pages)} 个，其中 {made.rendered} 个重新生成{reused}{workers}")
            made.finish()
        output = self.output
        site = Path(config.site_dir)
        compressing = self.config.precompress and not self.previewing  # `mkdocs serve` compresses nothing
        copies = Precompression(self.cache_dir, self.config.brotli, output) if compressing and output is not None else None
        before = set(output.made) if output is not None else set()
        if copies is not None:  # the pages are final: compressed on other threads while this one builds the index
            copies.add(Path(k) for k in before)

        def write(path: Path, data: bytes) -> None:  # an index file: compressed while the next ones are made
            assert output is not None
            output.write(path, data)
            if copies is not None:
                copies.add([path])

        try:
            if self.indexing:
                built = self.search.write(site, write if output is not None else None)
                size = f"{built.bytes / 1e6:.1f} MB"
                log.info(f"搜索索引：{built.documents} 个页面，{built.terms} 个词，{size}，用时 {self.search.seconds:.2f} 秒")
        except BaseException:
            if copies is not None:
                copies.cancel()
            raise
        if output is None:
            minify_assets(site)  # else minified as they were copied (_copy_through)
        if compressing:
            if copies is not None:
                copies.add(Path(k) for k in output.made - before)  # MkDocs' own (sitemap.xml); the index's are in already
                done = copies.finish()
            else:
                done = precompress_site(site, cache=self.cache_dir, brotli_too=self.config.brotli)
            reused = f"，{done.reused} 个取自构建缓存或上次的输出" if done.reused else ""
            kinds = ".gz 和 .br" if self.config.brotli else ".gz"
            log.info(f"预压缩：{done.written} 个文件写了 {kinds}{reused}（{done.kept} 个太小或压不小），最后等了 {done.seconds:.2f} 秒")
        if output is not None:
            removed = output.sweep()
            if self.cache_dir is not None:
                output.save_record(self.cache_dir / OUTPUT_RECORDS)
            kept = len(output.made) - len(output.written)
            log.info(f"输出目录：{len(output.written)} 个文件写入，{kept} 个与上次相同未重写，删除 {removed} 个过时文件")
            self.output = None


def _let_mkdocs_clean() -> None:
    mkdocs_utils.clean_directory = _MKDOCS_CLEAN


def _copy_through(output: SiteOutput, file: File, dirty: bool = False) -> None:
    """``File.copy_file`` for a kept output folder: the bytes MkDocs would write (and minify_assets would leave),
    written only when they change."""
    content = file._content  # what a plugin gave the file: MkDocs writes it rather than the source
    if content is None and not minifies(file.dest_uri):
        output.copy(file.abs_src_path, file.abs_dest_path)
        return
    data = file.content_bytes if content is None else content.encode("utf-8") if isinstance(content, str) else content
    output.write(file.abs_dest_path, minified(file.dest_uri, data) or data)


class _SkippedPages(logging.Filter):
    """Hides MkDocs' "Page skipped … empty output" for the pages the plugin wrote itself (on_post_page)."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        return not (message.startswith("Page skipped: '") and message[len("Page skipped: '") :].split("'", 1)[0] in self.pages)


_SKIPPED = _SkippedPages()
logging.getLogger("mkdocs.commands.build").addFilter(_SKIPPED)


def _nav_entry(item: NavItem) -> Any:
    if item.children:
        return {html.escape(item.title): [_nav_entry(child) for child in item.children]}
    return item.src_uri if not item.title else {html.escape(item.title): item.src_uri}


def _inclusion(src_uri: str, in_nav: set[str]) -> InclusionLevel:
    """A generated page the nav does not name is published without MkDocs' "not in the nav" notice."""
    return InclusionLevel.NOT_IN_NAV if src_uri.endswith(".md") and src_uri not in in_nav else InclusionLevel.UNDEFINED


def _nav_sources(nav: Any) -> Iterator[str]:
    """Every page (``src_uri``) a ``nav`` setting names, at any depth."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_sources(value)
    elif isinstance(nav, list):
        for value in nav:
            yield from _nav_sources(value)


def _resolve_links(value: Any, page_file: File, files: Files, hrefs: dict[str, str] | None = None) -> Any:
    """Copy template data, adding ``href`` (relative to this page) beside every ``src``."""
    hrefs = {} if hrefs is None else hrefs  # src → href, for this page: listings name the same pages again and again
    if isinstance(value, dict):
        out = {k: _resolve_links(v, page_file, files, hrefs) for k, v in value.items()}
        src = value.get("src")
        if isinstance(src, str):
            if src not in hrefs:
                target = files.src_uris.get(src) or files.get_file_from_path(src)
                hrefs[src] = target.url_relative_to(page_file) if target else ""
            out["href"] = hrefs[src]
        return out
    if isinstance(value, list):
        return [_resolve_links(v, page_file, files, hrefs) for v in value]
    return value

"""The MkDocs adapter: a thin plugin that feeds the planned pages to MkDocs as generated files.

This is the only module that imports MkDocs. It loads and validates ``materials/``, plans the
site, and hands over pages, navigation and template data; everything else lives in the core.
"""

from __future__ import annotations

import html
import logging
import os
import time
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from studyportal.catalog import load_catalog
from studyportal.plan.edition import EDITIONS, EditionError, edition_catalog, mark_edition
from studyportal.plan.site import plan_site
from studyportal.plan.types import NavItem, SitePlan
from studyportal.render.links import PageLinks
from studyportal.render.shipped import SITE_CSS, help_pages, theme_dirs
from studyportal.sanitize import sanitize_html
from studyportal.search.background import BackgroundIndexBuilder
from studyportal.search.index import IndexBuilder
from studyportal.search.pages import STYLESHEET, asset_files, page_document

log = logging.getLogger("mkdocs.plugins.studyportal")
# Material's start-up helpers as a file (theme/partials/javascripts/base.html loads it): no inline script.
BOOT_SCRIPT = ("assets/studyportal/boot.js", Path(__file__).resolve().parent.parent / "assets" / "site" / "boot.js")


class StudyPortalConfig(Config):
    materials_dir = opt.Type(str, default="materials")
    # all | secretary | member | mobile; the environment variable STUDYPORTAL_EDITION overrides it.
    edition = opt.Choice(EDITIONS, default="all")


class StudyPortalPlugin(BasePlugin[StudyPortalConfig]):
    """``plugins: [studyportal]`` in ``mkdocs.yml``."""

    def __init__(self) -> None:
        self.plan: SitePlan | None = None
        self.previewing = False
        self.materials_path: Path | None = None
        self.search: IndexBuilder | BackgroundIndexBuilder = IndexBuilder()
        self.files: Files | None = None
        self.links = PageLinks(lambda uri: self.files is not None and self.files.get_file_from_path(uri) is not None, log.info)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` injects an inline live-reload script into every page it serves.
        self.previewing = command == "serve"

    def on_config(self, config: Any) -> Any:
        root = Path(config.config_file_path or ".").resolve().parent
        self.materials_path = (root / self.config.materials_dir).resolve()
        result = load_catalog(self.materials_path)
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
        edition = os.environ.get("STUDYPORTAL_EDITION") or self.config.edition
        try:
            catalog = edition_catalog(result.catalog, edition)
        except EditionError as exc:
            raise PluginError(str(exc)) from exc
        self.plan = plan_site(catalog, extra if hand_written else [])
        mark_edition(self.plan, catalog, edition)
        if not config.nav:
            config.nav = [_nav_entry(item) for item in self.plan.nav]
        # Materials are reached through curriculum and listing pages, never the nav, by design.
        config.validation.nav.omitted_files = logging.DEBUG
        self.search = BackgroundIndexBuilder()  # tokenises pages in a helper process while MkDocs renders
        # The preview's live reload is an inline script: only there does the page policy allow one (theme/main.html).
        config.extra["studyportal_preview"] = self.previewing
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if SITE_CSS[0] not in config.extra_css:
            config.extra_css.insert(0, SITE_CSS[0])  # first: a portal's own stylesheets come after it and win
        return config

    def on_serve(self, server: Any, /, *, config: Any, builder: Any) -> Any:
        if self.materials_path is not None:
            server.watch(str(self.materials_path))
        return server

    def on_files(self, files: Files, /, *, config: Any) -> Files:
        assert self.plan is not None
        for page in self.plan.pages.values():
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                raise PluginError(f"docs/{page.src_uri} 与自动生成的页面重名：请改名或删除它")
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        # The search box's script, styles and lunr.js; start-up helpers; the site's styles; the help pages. A portal's own file wins.
        for dest, source in [*asset_files(), BOOT_SCRIPT, SITE_CSS, *help_pages()]:
            if files.get_file_from_path(dest) is None:
                files.append(File.generated(config, dest, abs_src_path=str(source)))
        # Pictures and attachments beside the pages of the materials (and curricula) that use them; drafts are not planned.
        for page in self.plan.pages.values():
            for dest, source in page.assets.items():
                if files.get_file_from_path(dest) is None:
                    files.append(File.generated(config, dest, abs_src_path=source))
        # Trainer links (material:…, .md paths, files beside a material) rewritten per page before MkDocs checks them.
        self.files = files
        if self.links not in config.markdown_extensions:
            config.markdown_extensions.append(self.links)
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Files) -> str:
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
        return planned.markdown

    def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Files) -> str:
        planned = self.plan.pages.get(page.file.src_uri) if self.plan else None
        # Every page, planned or hand-written, takes the same path: whatever a trainer wrote is untrusted.
        out = sanitize_html(html, page.url)
        started = time.perf_counter()
        doc = page_document(page.url, page.title or "", out, planned)
        if doc is not None:
            self.search.add(doc)
        self.search.seconds += time.perf_counter() - started
        return out

    def on_post_build(self, *, config: Any) -> None:
        built = self.search.write(Path(config.site_dir))
        log.info(f"搜索索引：{built.documents} 个页面，{built.terms} 个词，{built.bytes / 1e6:.1f} MB，用时 {self.search.seconds:.2f} 秒")


def _nav_entry(item: NavItem) -> Any:
    if item.children:
        return {html.escape(item.title): [_nav_entry(child) for child in item.children]}
    return item.src_uri if not item.title else {html.escape(item.title): item.src_uri}


def _resolve_links(value: Any, page_file: File, files: Files) -> Any:
    """Copy template data, adding ``href`` (relative to this page) beside every ``src``."""
    if isinstance(value, dict):
        out = {k: _resolve_links(v, page_file, files) for k, v in value.items()}
        src = value.get("src")
        if isinstance(src, str):
            target = files.get_file_from_path(src)
            out["href"] = target.url_relative_to(page_file) if target else ""
        return out
    if isinstance(value, list):
        return [_resolve_links(v, page_file, files) for v in value]
    return value

"""The site generator behind one seam: MkDocs 1.6 with the Material for MkDocs 9.x theme.

Everything outside ``render/`` that needs the generator comes here: reading ``mkdocs.yml`` the way
MkDocs reads it, the command line that runs a build (publish, bundle, tests and benchmarks), where
the site goes, what an offline edition turns off, what the build log means, and the names in the
theme's markup and files that the bundle tools depend on. With ``mkdocs_plugin.py`` (the adapter
MkDocs calls) and the template overrides in ``studyportal/theme/``, it is what a change of generator
or theme rewrites.

The portal's edition (all, secretary, member, mobile) reaches the plugin one way only: its
``edition`` option, which :func:`offline_config` sets for each offline edition.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from studyportal.errors import StudyportalError

PLUGIN = "studyportal"  # the plugin's name in mkdocs.yml (pyproject's entry point)
_PACKAGE = Path(__file__).resolve().parent.parent

# --- mkdocs.yml ------------------------------------------------------------------------------------------------------


def read_config(config_file: Path) -> dict[str, Any]:
    """``mkdocs.yml`` as MkDocs reads it, before validation: ``!ENV`` from the environment, ``INHERIT`` merged.

    Raises :class:`StudyportalError` (in Chinese) when the file is missing or is not a configuration.
    """
    # Imported here: verify and apply on a village terminal use this module's theme names, not MkDocs.
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    try:
        with config_file.open("rb") as fd:
            data = yaml_load(fd, get_yaml_loader(config=_PlaceholderConfig(str(config_file))))  # type: ignore[arg-type]
    except FileNotFoundError:
        raise StudyportalError(f"找不到配置文件 {config_file}：请在项目根目录运行，或用 -f 指定 mkdocs.yml") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ConfigurationError) as exc:
        raise StudyportalError(
            f"读不了配置文件 {config_file}（{_why(exc)}）：检查它是 UTF-8 编码的有效 YAML，INHERIT 指向的文件存在"
        ) from None
    if not isinstance(data, dict):
        raise StudyportalError(f"配置文件 {config_file} 不是有效的 mkdocs 配置")
    return data


class _PlaceholderConfig:
    """What MkDocs' ``!relative`` values hold until a page uses them (never, here): MkDocs' full config class
    would cost ``studyportal build`` half a second of imports to read one path."""

    def __init__(self, config_file_path: str) -> None:
        self.config_file_path = config_file_path
        self.docs_dir = ""
        self._current_page = None


def _why(exc: BaseException) -> str:
    """What is wrong with a config file, with the line and column of a YAML mistake."""
    marked = exc if isinstance(exc, yaml.MarkedYAMLError) else exc.__context__
    if isinstance(marked, yaml.MarkedYAMLError) and marked.problem_mark is not None:
        mark = marked.problem_mark
        return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：{marked.problem or marked.context}"
    return getattr(exc, "strerror", None) or str(exc).split("\n", 1)[0] or exc.__class__.__name__


def site_dir(config_file: Path, config: dict[str, Any] | None = None) -> Path:
    """Where a build of ``config_file`` puts the site: its ``site_dir`` relative to it, MkDocs' default ``site``."""
    data = read_config(config_file) if config is None else config
    return (config_file.parent / str(data.get("site_dir") or "site")).resolve()


def site_name(config: dict[str, Any]) -> str:
    """The ``site_name`` of a config read by :func:`read_config` (the theme adds it to every page's title)."""
    return str(config.get("site_name") or "")


# --- running a build -------------------------------------------------------------------------------------------------

# A build that must not outlive its caller (publish) reads its stdin, a pipe the caller never writes
# to: end of file means the caller is gone (killed, crashed, or on Windows closed with the console),
# and the build exits at once instead of writing on. It reads the raw descriptor: a daemon thread
# inside sys.stdin's buffer would block the interpreter's shutdown.
_EXIT_WITH_STDIN = """\
import os, threading
def _exit_with_parent():
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        return
    os._exit(70)
threading.Thread(target=_exit_with_parent, name="exit-with-build", daemon=True).start()
from mkdocs.__main__ import cli
cli(prog_name="mkdocs")
"""


def build_command(
    config_file: Path,
    site: Path | None = None,
    *,
    strict: bool = False,
    clean: bool = False,
    quiet: bool = False,
    exit_with_stdin: bool = False,
) -> list[str]:
    """The command line of one build of ``config_file`` into ``site`` (default: its ``site_dir``).

    ``exit_with_stdin``: the build ends as soon as its stdin reaches end of file (see ``_EXIT_WITH_STDIN``).
    """
    entry = ["-c", _EXIT_WITH_STDIN] if exit_with_stdin else ["-m", "mkdocs"]
    cmd = [sys.executable, *entry, "build", "-f", str(config_file)]
    if site is not None:
        cmd += ["-d", str(site)]
    cmd += [flag for flag, on in (("--strict", strict), ("--clean", clean), ("-q", quiet)) if on]
    return cmd


def serve_command(config_file: Path, address: str) -> list[str]:
    """The command line of the live preview (``host:port``) that rebuilds when a file changes."""
    return [sys.executable, "-m", "mkdocs", "serve", "-f", str(config_file), "-a", address]


def build_env() -> dict[str, str]:
    """The environment of a build: ours, without MkDocs' notice about its next major version, UTF-8 output."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}


def build(
    config_file: Path,
    site: Path | None = None,
    *,
    strict: bool = False,
    clean: bool = False,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one build in a child process and wait for it; its exit status, and its log in ``stderr``."""
    return subprocess.run(
        build_command(config_file, site, strict=strict, clean=clean),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=build_env(),
        cwd=cwd or config_file.resolve().parent,
        timeout=timeout,
    )


def build_here(config_file: Path, site: Path, *, strict: bool = False) -> None:
    """Run one build inside this process, with the plugin's startup and shutdown hooks as ``mkdocs build`` calls them.

    For callers that must share this process's state with the build (a kind registered at run time);
    raises MkDocs' own exceptions, so it is not for trainers' builds: use :func:`build` for those.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()


# --- an offline edition ----------------------------------------------------------------------------------------------

# Plugins that cannot work from file:// (Material's search needs a web worker; its offline plugin a CDN).
_DROPPED_PLUGINS = {"search", "material/search", "offline", "material/offline", "privacy", "material/privacy"}
_NETWORK_FEATURES = ("navigation.instant",)
# Added to an offline edition: a style for links it leaves out, and a stand-in for the ResizeObserver
# polyfill Material would fetch from unpkg.com in old browsers (Firefox 52 on Windows XP, Chrome before 64).
OFFLINE_CSS = "assets/stylesheets/sp-offline.css"
OFFLINE_JS = "assets/javascripts/sp-offline.js"
_OFFLINE_ASSETS = _PACKAGE / "assets" / "offline"


def offline_config(config_file: Path, site: Path, edition: str) -> dict[str, Any]:
    """The config of one offline edition: it inherits ``config_file`` and overrides what needs a web server or the network.

    Every relative path of the project is made absolute (the config is written elsewhere). Raises
    :class:`StudyportalError` when the project does not use the studyportal plugin.
    """
    project = read_config(config_file)
    root = config_file.resolve().parent
    out: dict[str, Any] = {
        "INHERIT": str(config_file.resolve()),
        "site_dir": str(site),
        "docs_dir": str(root / str(project.get("docs_dir") or "docs")),
        "use_directory_urls": False,
        "plugins": _offline_plugins(project.get("plugins"), root, edition, config_file),
        "extra_css": [*(project.get("extra_css") or []), OFFLINE_CSS],
        # Analytics and the version selector would call out to the network.
        "extra": {
            "polyfills": [*((project.get("extra") or {}).get("polyfills") or []), OFFLINE_JS],
            "version": None,
            "analytics": None,
            "consent": None,
        },
    }
    theme = project.get("theme")
    theme_out: dict[str, Any] = {"name": theme} if isinstance(theme, str) else {}
    theme_out["font"] = False  # Google Fonts come from a CDN: system fonts only
    if isinstance(theme, dict):
        if theme.get("custom_dir"):
            theme_out["custom_dir"] = str(root / str(theme["custom_dir"]))
        theme_out["features"] = [f for f in theme.get("features") or [] if not str(f).startswith(_NETWORK_FEATURES)]
    out["theme"] = theme_out
    if project.get("repo_url"):
        out["repo_url"] = None  # Material would ask api.github.com for stars and forks
    if project.get("hooks"):
        out["hooks"] = [str(root / str(h)) for h in project["hooks"]]
    return out


def _offline_plugins(plugins: Any, root: Path, edition: str, config_file: Path) -> list[Any]:
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else [next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in (plugins or [])]
    )
    out: list[Any] = []
    found = False
    for name, options in entries:
        if name in _DROPPED_PLUGINS:
            continue
        if name == PLUGIN:
            found = True
            options = dict(options or {})
            options["materials_dir"] = str(root / str(options.get("materials_dir") or "materials"))
            options["edition"] = edition
            options["feeds"] = False  # an offline copy has no URL, so no Atom feeds (plan/feeds.py)
            options["precompress"] = False  # files opened from disk: .gz/.br copies would only make the bundle bigger
        out.append({name: options} if options is not None else name)
    if not found:
        raise StudyportalError(f"{config_file} 的 plugins 里没有 {PLUGIN}：离线版需要它生成页面")
    return out


def build_offline(config_file: Path, site: Path, edition: str) -> subprocess.CompletedProcess[str]:
    """Build one offline edition into ``site`` (see :func:`offline_config`); the finished build's status and log."""
    config = offline_config(config_file, site, edition)
    with tempfile.TemporaryDirectory(prefix="studyportal-bundle-") as tmp:
        cfg = Path(tmp) / "mkdocs-offline.yml"
        try:
            text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        except yaml.representer.RepresenterError as exc:
            raise StudyportalError(
                f"{config_file} 的 plugins、theme 或 extra 里有离线版无法照抄的值（{exc.args[-1]!r}）：改成普通的文字或列表"
            ) from None
        cfg.write_text(text, encoding="utf-8")
        return build(cfg, clean=True, cwd=config_file.resolve().parent)


def offline_assets() -> list[tuple[str, Path]]:
    """``(path in the site, file in the package)`` of the files every offline edition gets."""
    return [(OFFLINE_CSS, _OFFLINE_ASSETS / "sp-offline.css"), (OFFLINE_JS, _OFFLINE_ASSETS / "sp-offline.js")]


# --- reading the build's log -----------------------------------------------------------------------------------------

_LEVEL = re.compile(r"^[A-Z]+ +-  ")
# How MkDocs reports a bad plugin option: the message after it is ours (materials_dir).
_OPTION = re.compile(r"^Config value '[^']*': (?:Plugin '[^']*' option '[^']*': )?")


def _message(line: str) -> str:
    """A log line without MkDocs' ``ERROR    -  `` level and its ``Config value …:`` prefix."""
    return _OPTION.sub("", _LEVEL.sub("", line.strip()))


def check_warnings(output: str) -> list[str]:
    """``check``'s warnings in the log (they never stop a build), one line each."""
    return [_message(line) for line in output.splitlines() if ": warning(警告): " in line]


def log_warnings(output: str) -> list[str]:
    """The generator's own warnings in the log, as it wrote them."""
    return [line for line in output.splitlines() if line.startswith("WARNING")]


def failure_text(output: str) -> str:
    """Why a build failed, for a trainer: ``check``'s own lines (file:line:col, message, fix) when it stopped the build.

    Anything else is MkDocs' own English, shown as such with what to do: ``check`` is meant to catch every
    cause of a failed build first, so a build that fails while ``check`` passes is a bug to report.
    """
    lines = output.splitlines()
    ours = [_message(line) for line in lines if ": error(错误): " in line]
    if ours:
        return "\n".join([*ours[-50:], *(_message(line) for line in lines if "材料检查发现" in line)])
    messages = [line for line in lines if "ERROR" in line or "WARNING" in line or "Error" in line]
    detail = "\n".join(messages[-50:]) or output[-4000:]
    return (
        f"网站生成器（MkDocs）报告了下面的问题（英文原文）：\n{detail}\n"
        "请先运行 studyportal check：它没有报错而构建失败，是 studyportal 的问题，请把这段话发给维护人员。"
    )


# --- the theme's markup and files ------------------------------------------------------------------------------------

# Web-server files of a built site: sitemaps carry the build date; 404.html uses absolute paths.
WEB_ONLY_FILES = ("sitemap.xml", "sitemap.xml.gz", "404.html")
# The theme's scripts; its own search (a web worker and lunr language files) cannot run from file:// and is not used.
THEME_SCRIPTS = "assets/javascripts/"
THEME_SEARCH_FILES = ("assets/javascripts/workers/", "assets/javascripts/lunr/")
_TITLE_SEPARATOR = " - "  # Material's <title>: "page - site name"
_MERMAID = re.compile(r"(<pre\b[^>]*\bclass=\")([^\"]*)\"", re.I)


def page_title(title: str, site: str) -> str:
    """A page's ``<title>`` text without the site name the theme adds after it."""
    title = html.unescape(title).strip()
    suffix = f"{_TITLE_SEPARATOR}{site}"
    return title[: -len(suffix)] if site and title.endswith(suffix) else title


def strip_remote_diagrams(text: str) -> str:
    """Material loads mermaid.js from unpkg.com for ``<pre class="mermaid">``: keep such blocks plain text."""

    def fix(match: re.Match[str]) -> str:
        classes = [c for c in match.group(2).split() if c != "mermaid"]
        return f'{match.group(1)}{" ".join(classes)}"'

    return _MERMAID.sub(fix, text) if "mermaid" in text else text

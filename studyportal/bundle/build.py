"""Building one edition for ``file://``: a temporary config that inherits the project's ``mkdocs.yml``.

The config turns off directory URLs (every link ends in ``…/index.html``), instant loading and
anything that reaches the network, and points the studyportal plugin at the edition.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from studyportal.bundle.errors import BundleError
from studyportal.bundle.offline import OFFLINE_CSS, OFFLINE_JS

PLUGIN = "studyportal"
# Plugins that cannot work from file:// (Material's search needs a web worker; its offline plugin a CDN).
_DROPPED_PLUGINS = {"search", "material/search", "offline", "material/offline", "privacy", "material/privacy"}
_NETWORK_FEATURES = ("navigation.instant",)


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for its plain values; ``!!python`` and ``!ENV`` tags become ``None``."""


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_project_config(config_file: Path) -> dict[str, Any]:
    """The plain values of ``mkdocs.yml`` (enough to find paths, plugins and theme features)."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except FileNotFoundError as exc:
        raise BundleError(f"找不到配置文件 {config_file}：请在项目根目录运行，或用 -f 指定 mkdocs.yml") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BundleError(f"读不了配置文件 {config_file}（{exc.__class__.__name__}）：检查它是 UTF-8 编码的有效 YAML") from exc
    if not isinstance(data, dict):
        raise BundleError(f"配置文件 {config_file} 不是有效的 mkdocs 配置")
    return data


def offline_config(config_file: Path, site_dir: Path, edition: str) -> dict[str, Any]:
    """The overriding config for one offline edition (relative paths of the project made absolute)."""
    project = read_project_config(config_file)
    root = config_file.resolve().parent
    out: dict[str, Any] = {
        "INHERIT": str(config_file.resolve()),
        "site_dir": str(site_dir),
        "docs_dir": str(root / str(project.get("docs_dir") or "docs")),
        "use_directory_urls": False,
        "plugins": _plugins(project.get("plugins"), root, edition, config_file),
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
        features = [f for f in theme.get("features") or [] if not str(f).startswith(_NETWORK_FEATURES)]
        theme_out["features"] = features
    out["theme"] = theme_out
    if project.get("repo_url"):
        out["repo_url"] = None  # Material would ask api.github.com for stars and forks
    if project.get("hooks"):
        out["hooks"] = [str(root / str(h)) for h in project["hooks"]]
    return out


def _plugins(plugins: Any, root: Path, edition: str, config_file: Path) -> list[Any]:
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
        out.append({name: options} if options is not None else name)
    if not found:
        raise BundleError(f"{config_file} 的 plugins 里没有 {PLUGIN}：离线版需要它生成页面")
    return out


def build_edition(config_file: Path, site_dir: Path, edition: str) -> list[str]:
    """Build the edition into ``site_dir``; returns MkDocs' warnings. Raises :class:`BundleError` on failure."""
    config = offline_config(config_file, site_dir, edition)
    with tempfile.TemporaryDirectory(prefix="studyportal-bundle-") as tmp:
        cfg = Path(tmp) / "mkdocs-offline.yml"
        cfg.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        env = {**os.environ, "STUDYPORTAL_EDITION": edition, "NO_MKDOCS_2_WARNING": "1", "PYTHONIOENCODING": "utf-8"}
        cmd = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(cfg)]
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, cwd=config_file.resolve().parent)
        except OSError as exc:
            raise BundleError(f"无法运行 mkdocs（{exc}）：请先安装 studyportal 及其依赖") from exc
    lines = result.stderr.splitlines()
    if result.returncode != 0 or not (site_dir / "index.html").is_file():
        detail = "\n".join(line for line in lines if "ERROR" in line or "Error" in line or "WARNING" in line) or result.stderr[-3000:]
        raise BundleError(f"{detail}\n构建离线版失败：请先按上面的提示修改，再运行 studyportal check 确认。")
    return [line for line in lines if line.startswith("WARNING")]

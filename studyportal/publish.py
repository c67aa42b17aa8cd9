"""Building the site so that a failed build never damages the previously published one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


class PublishError(Exception):
    """The build failed; the published site was left as it was."""


def configured_site_dir(config_file: Path) -> Path:
    """``site_dir`` from ``mkdocs.yml`` (relative to it), default ``site``."""
    try:
        # mkdocs.yml may hold !!python tags; only the plain site_dir value is needed here.
        text = config_file.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_TolerantLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PublishError(f"读不了配置文件 {config_file}：{exc}") from exc
    return (config_file.parent / str(data.get("site_dir") or "site")).resolve()


class _TolerantLoader(yaml.SafeLoader):
    pass


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def safe_build(config_file: Path, site_dir: Path | None = None) -> tuple[Path, float]:
    """Run ``mkdocs build`` into a fresh folder beside the target, then swap it in.

    On failure the new folder is removed and the published site is untouched.
    """
    if not config_file.is_file():
        raise PublishError(f"找不到配置文件 {config_file}：请在项目根目录运行，或用 -f 指定 mkdocs.yml")
    target = (site_dir or configured_site_dir(config_file)).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "-d", str(staging)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        messages = [line for line in result.stderr.splitlines() if "ERROR" in line or "WARNING" in line or "Error" in line]
        detail = "\n".join(messages[-50:]) or result.stderr[-4000:]
        raise PublishError(f"{detail}\n构建失败，已发布的网站 {target} 保持原样。")
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target, time.perf_counter() - started

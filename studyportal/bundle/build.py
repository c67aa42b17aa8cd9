"""Building one edition for ``file://`` with the site generator (see :func:`studyportal.render.generator.offline_config`)."""

from __future__ import annotations

from pathlib import Path

from studyportal.bundle.errors import BundleError
from studyportal.errors import StudyportalError
from studyportal.render import generator


def build_edition(config_file: Path, site_dir: Path, edition: str) -> list[str]:
    """Build the edition into ``site_dir``; returns the generator's warnings. Raises :class:`BundleError` on failure."""
    try:
        result = generator.build_offline(config_file, site_dir, edition)
    except StudyportalError as exc:
        raise BundleError(str(exc)) from None
    except OSError as exc:
        raise BundleError(f"无法运行网站生成器（{exc}）：请先安装 studyportal 及其依赖") from exc
    if result.returncode != 0 or not (site_dir / "index.html").is_file():
        raise BundleError(f"{generator.failure_text(result.stderr)}\n构建离线版失败：请先按上面的提示修改，再运行 studyportal check 确认。")
    return generator.log_warnings(result.stderr)


def project_site_name(config_file: Path) -> str:
    """The project's ``site_name``, read as MkDocs reads it (``!ENV``, ``INHERIT``). Raises :class:`BundleError`."""
    try:
        return generator.site_name(generator.read_config(config_file))
    except StudyportalError as exc:
        raise BundleError(str(exc)) from None

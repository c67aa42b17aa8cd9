"""What a page loads before its first paint: Material's stylesheet trimmed to this site, the search panel's styles later.

The plugin (``render/mkdocs_plugin.py``) calls :func:`plan_styles` with the config's facts and hands the
stylesheets to MkDocs; ``theme/main.html`` links the first-paint sheet instead of Material's ``main.css``
and ``palette.css``, and ``theme/partials/studyportal-search.html`` tells the search script which sheets
to load before it shows the search box. Plain Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rcssmin
import rjsmin

from studyportal.render import material_css
from studyportal.render.shipped import PACKAGE

# The search box's own styles (search/pages.py STYLESHEET): loaded by search.js, never before the first paint.
SEARCH_CSS = "assets/studyportal/search/search.css"


@dataclass
class Styles:
    """``first``: the stylesheet linked in every page's head instead of Material's (None: Material's own, untrimmed);
    ``theme_late``: Material's rules the search script loads (right after ``first``); ``late``: the search box's own
    styles, which it loads last; ``files``: ``{path in the site: text}`` to write."""

    first: str | None = None
    theme_late: str | None = None
    late: str = SEARCH_CSS
    files: dict[str, str] = field(default_factory=dict)

    def template_data(self) -> dict[str, str | None]:
        """What ``theme/main.html`` and ``partials/studyportal-search.html`` read as ``config.extra.studyportal_css``."""
        return {"first": self.first, "theme_late": self.theme_late, "late": self.late}


def plan_styles(theme_dirs: list[str], features: list[str], plugins: list[str], extra: dict, palette: object,
                direction: str | None, repository: bool, own_scripts: list[Path], markdown: Iterable[str],
                memo: Path | None = None) -> Styles:
    """The site's first-paint and search stylesheets; Material's untrimmed when the theme is not Material's
    or another plugin could write markup this module does not know. ``markdown``: every page's source
    (admonitions and footnotes keep their rules only when some page can have them). ``memo``: the build cache's folder."""
    material = next((Path(d) for d in theme_dirs if Path(d).parts[-2:] == ("material", "templates")), None)
    if material is None or set(plugins) != {"studyportal"}:
        return Styles()
    sheets = sorted((material / "assets" / "stylesheets").glob("main.*.min.css"))
    if palette:
        sheets += sorted((material / "assets" / "stylesheets").glob("palette.*.min.css"))
    if not sheets:
        return Styles()
    site = material_css.facts(features, plugins, extra, palette, direction, repository)
    own_dirs = [Path(d) for d in theme_dirs if Path(d) != material]
    scripts = [*sorted((PACKAGE / "assets").glob("*/*.js")), *own_scripts]
    words = material_css.site_words(material, own_dirs, scripts, site) | material_css.content_classes(markdown)
    readers = "".join(p.read_text(encoding="utf-8", errors="replace") for p in [*scripts, *sorted((PACKAGE / "assets").glob("*/*.css"))])
    files = material_css.material_stylesheets(tuple(sheets), words, site, readers, memo)
    first, late = list(files)
    return Styles(first, late, SEARCH_CSS, files)


# The site's own styles and scripts, minified in the built site (the package keeps them readable).
MINIFIED = ("assets/stylesheets/studyportal.css", "assets/studyportal")


def minify_assets(site: Path) -> int:
    """Minify the site's own ``.css`` and ``.js`` files in place (rcssmin, rjsmin); how many got smaller."""
    done = 0
    for top in MINIFIED:
        root = site / top
        files = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in files:
            if not path.is_file():
                continue
            small = minified(path.relative_to(site).as_posix(), path.read_bytes())
            if small is not None:
                path.write_bytes(small)
                done += 1
    return done


def minifies(dest_uri: str) -> bool:
    """Whether a file at this path in the site is one of its own stylesheets or scripts, minified when written."""
    if not dest_uri.endswith((".css", ".js")) or dest_uri.endswith((".min.js", ".min.css")):
        return False
    return any(dest_uri == top or dest_uri.startswith(top + "/") for top in MINIFIED)


def minified(dest_uri: str, data: bytes) -> bytes | None:
    """The minified text of one of the site's own stylesheets or scripts (``dest_uri``: its path in the site),
    or None when it is not one of them or minifying does not make it smaller."""
    if not minifies(dest_uri):
        return None
    text = data.decode("utf-8")
    small = rcssmin.cssmin(text) if dest_uri.endswith(".css") else rjsmin.jsmin(text)
    return small.encode("utf-8") if len(small) < len(text) else None

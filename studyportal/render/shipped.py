"""What the tool itself gives every portal: its templates, its stylesheet and its help pages.

A portal is content (``mkdocs.yml``, ``materials/``, ``docs/``, optionally ``overrides/``); these
files follow the installed ``studyportal`` version instead. A portal's own file of the same name
always wins: its ``overrides/`` over our templates, its ``docs/`` pages over our help pages.
Plain Python: the plugin hands these to MkDocs.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
# Material template overrides: page policy, material header, curriculum and home layouts, search box.
THEME_DIR = PACKAGE / "theme"
HELP_DIR = PACKAGE / "help"
# The site's stylesheet: where it goes in the site, and the file in the package.
SITE_CSS = ("assets/stylesheets/studyportal.css", PACKAGE / "assets" / "site" / "studyportal.css")
# The self-test under material and module pages (plan/selftest.py): checks answers and keeps the score on the device.
SELFTEST_JS = ("assets/studyportal/selftest.js", PACKAGE / "assets" / "site" / "selftest.js")
# Edition, build date and version code in every page's footer: no data on the web site; a bundle fills it in (bundle/checkpage.py).
STAMP_SCRIPT = ("assets/studyportal/stamp.js", PACKAGE / "assets" / "site" / "stamp.js")
# Pictures of the help pages (the screenshots in offline.md are taken by tests/test_check_page.py).
HELP_IMAGES = "images"
# The 适老化 bar's script (theme/partials/studyportal-reach.html) and the large pointers studyportal.css names.
REACH_DIR = "assets/studyportal"


# The 打印 button (theme/partials/sp-print.html) and the "本月" box of curriculum and home pages (theme/partials/sp-this-month.html).
# The study record: "学完了" under materials, progress, export and print on curricula (sp-record.html, sp-progress.html).
PAGE_SCRIPTS = ("print.js", "thismonth.js", "record.js")


def page_scripts() -> list[tuple[str, Path]]:
    """``(path in the site, file in the package)`` of the print button's and the "本月" box's scripts."""
    return [(f"{REACH_DIR}/{name}", PACKAGE / "assets" / "site" / name) for name in PAGE_SCRIPTS]


def reach_files() -> list[tuple[str, Path]]:
    """``(path in the site, file in the package)`` of the 适老化 bar's script and pointer images."""
    site = PACKAGE / "assets" / "site"
    cursors = sorted((site / "cursors").glob("*.svg"))
    return [(f"{REACH_DIR}/reach.js", site / "reach.js")] + [(f"{REACH_DIR}/cursors/{p.name}", p) for p in cursors]


def theme_dirs(dirs: list[str], custom_dir: str | None) -> list[str]:
    """MkDocs' template folders with ours right after the portal's ``custom_dir`` (first when there is none)."""
    ours = str(THEME_DIR)
    out = [d for d in dirs if d != ours]
    at = out.index(custom_dir) + 1 if custom_dir in out else 0
    return [*out[:at], ours, *out[at:]]


def help_pages() -> list[tuple[str, Path]]:
    """``(page in the site, file in the package)`` of the help pages every portal publishes."""
    return [(p.name, p) for p in sorted(HELP_DIR.glob("*.md"))]


def help_files() -> list[tuple[str, Path]]:
    """``(file in the site, file in the package)`` of the help pages' pictures."""
    return [(f"{HELP_IMAGES}/{p.name}", p) for p in sorted((HELP_DIR / HELP_IMAGES).glob("*.png"))]

"""Printing the paper's HTML files to PDF: WeasyPrint, or else the Chromium-family browser already on the machine.

WeasyPrint (a pip package; it needs the Pango library, which every Linux desktop and Debian's chromium
bring) lays out with the system's fonts (Debian: fonts-noto-cjk, which ``scripts/test.sh`` installs) and
writes each glyph's own character into the PDF, so its text can be searched and copied. Where Pango is
missing (Windows without GTK), the browser prints instead: Edge is on every Windows 10/11 PC, Playwright
only drives it, nothing is downloaded. Page size, margins and page numbers come from the HTML's ``@page``
rules either way. ``--browser`` (or ``$STUDYPORTAL_BROWSER``) chooses the browser.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from studyportal.errors import StudyportalError

BROWSER_ENV = "STUDYPORTAL_BROWSER"
_ON_PATH = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge", "chrome")
_WINDOWS = (
    r"%ProgramFiles(x86)%\Microsoft\Edge\Application\msedge.exe",
    r"%ProgramFiles%\Microsoft\Edge\Application\msedge.exe",
    r"%ProgramFiles%\Google\Chrome\Application\chrome.exe",
    r"%ProgramFiles(x86)%\Google\Chrome\Application\chrome.exe",
    r"%LocalAppData%\Google\Chrome\Application\chrome.exe",
)
_MAC = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)
_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


class PdfError(StudyportalError):
    """No PDF: neither WeasyPrint nor a browser could print."""


def print_pdfs(pages: list[tuple[Path, Path]], browser: Path | None = None) -> str:
    """Print each ``(html file, pdf file)``; returns the name of what printed them."""
    why = ""
    if browser is None and not os.environ.get(BROWSER_ENV):
        try:
            from weasyprint import HTML
        except (ImportError, OSError) as exc:  # OSError: the Pango library is not there
            why = f"WeasyPrint 用不了（{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}）"
        else:
            for source, target in pages:
                HTML(filename=str(source)).write_pdf(str(target))  # the file names nothing to fetch: trainer text is escaped
            return "WeasyPrint"
    executable = find_browser(browser, why)
    _print_with_browser(pages, executable)
    return f"浏览器 {executable.name}"


def find_browser(chosen: Path | None = None, why: str = "") -> Path:
    """The browser to print with: ``chosen``, else ``$STUDYPORTAL_BROWSER``, else Chromium, Chrome or Edge where they usually are."""
    named = chosen or (Path(os.environ[BROWSER_ENV]) if os.environ.get(BROWSER_ENV) else None)
    if named is not None:
        if named.is_file():
            return named
        raise PdfError(f"找不到浏览器程序 {named}：--browser 要写 Chromium、Chrome 或 Edge 的程序文件的完整路径")
    for name in _ON_PATH:
        found = shutil.which(name)
        if found:
            return Path(found)
    places = _WINDOWS if sys.platform == "win32" else _MAC if sys.platform == "darwin" else ()
    for place in places:
        path = Path(os.path.expandvars(place))
        if path.is_file():
            return path
    raise PdfError(
        f"{why + '，' if why else ''}也没有找到能打印 PDF 的浏览器（Chromium、Chrome 或 Edge）。"
        "Linux 上运行 sudo apt-get install libpango-1.0-0 fonts-noto-cjk；Windows 上用 --browser 写出 msedge.exe 的路径"
    )


def _print_with_browser(pages: list[tuple[Path, Path]], executable: Path) -> None:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("要用浏览器打印 PDF，先运行 pip install playwright（不用下载浏览器，用本机的 Edge 或 Chromium）") from None
    args = [*_ARGS, "--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else _ARGS  # root (a container) needs it
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(executable), headless=True, args=args)
            try:
                for source, target in pages:
                    page = chromium.new_page()
                    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
                    page.goto(source.resolve().as_uri(), wait_until="load")
                    page.pdf(path=str(target), print_background=True, prefer_css_page_size=True)
                    page.close()
            finally:
                chromium.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"用 {executable} 打印 PDF 没有成功（{first}）：换一个浏览器（--browser），或用浏览器打开 HTML 文件打印") from None

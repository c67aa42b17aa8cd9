"""First-view benchmark: bytes before the first paint and first contentful paint on slow networks, in one table.

    python scripts/bench_firstview.py            # 5 cold-cache runs per page, setting and build
    python scripts/bench_firstview.py --runs 7

Builds the sample portal once, then makes a baseline copy of it as the portal was before issue 15's
trimming: Material's stock ``main.css`` and ``palette.css``, the search styles in the head and the site's
own stylesheet unminified. Both are served on 127.0.0.1 by a server that sends the precompressed ``.gz``
copies (gzip on the fly for the baseline's files that have none), and opened in Debian Chromium with
DevTools throttling: Lighthouse's mobile preset (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, 4× CPU
slowdown) and Slow 3G (2 s RTT, 400 kbit/s). Every run is a new browser context (cold cache), runs of
both builds are interleaved. Bytes: gzip (level 9) of the HTML and every stylesheet linked without
``media=print``. Budgets (issue 15): ≤ 20 KB, FCP ≤ 3 s (mobile) and ≤ 5 s (Slow 3G), for the material page.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import re
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from studyportal.render import generator  # noqa: E402
from studyportal.render.shipped import SITE_CSS  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PAGES = {"home": "index.html", "curriculum": "curricula/member/index.html", "material": "materials/changzheng-jingshen/index.html"}
PROFILES = {
    "mobile": {"latency": 150, "down": 1.6e6, "up": 750e3, "cpu": 4, "budget": 3.0},
    "slow-3g": {"latency": 2000, "down": 400e3, "up": 400e3, "cpu": 1, "budget": 5.0},
}
BYTES_BUDGET = 20_000
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)"(?![^>]*media="print")[^>]*>')


def first_view_bytes(site: Path, page: str) -> int:
    """gzip bytes (level 9) of a page and of every stylesheet it links without ``media=print``."""
    path = site / page
    text = path.read_text(encoding="utf-8")
    total = len(gzip.compress(path.read_bytes(), 9))
    for href in _LINK.findall(text):
        total += len(gzip.compress((path.parent / href).resolve().read_bytes(), 9))
    return total


def baseline_copy(site: Path, dest: Path) -> Path:
    """``site`` as it was before trimming: Material's stock stylesheets, search styles in the head, our CSS unminified."""
    shutil.copytree(site, dest, ignore=shutil.ignore_patterns("*.gz", "*.br"))
    sheets = dest / "assets" / "stylesheets"
    main = next(sheets.glob("main.*.min.css")).name
    palette = next(sheets.glob("palette.*.min.css")).name
    shutil.copy(SITE_CSS[1], dest / SITE_CSS[0])
    for page in dest.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        up = "../" * (len(page.relative_to(dest).parts) - 1)
        stock = (f'<link rel="stylesheet" href="{up}assets/stylesheets/{main}">\n'
                 f'<link rel="stylesheet" href="{up}assets/stylesheets/{palette}">')
        text = re.sub(r'<link rel="stylesheet" href="[^"]*assets/stylesheets/material\.[0-9a-f]+\.min\.css"[^>]*>', stock, text)
        text = re.sub(r' data-sp-styles-theme="[^"]*"', "", text)
        search = f'<link rel="stylesheet" href="{up}assets/studyportal/search/search.css">'
        text = text.replace(f'href="{up}{SITE_CSS[0]}">', f'href="{up}{SITE_CSS[0]}">\n{search}')
        page.write_text(text, encoding="utf-8")
    return dest


class _Precompressed(http.server.SimpleHTTPRequestHandler):
    """Sends ``x.gz`` for ``x`` (gzip on the fly when there is none) to a browser that accepts gzip."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        gz = path.with_name(path.name + ".gz")
        body = gz.read_bytes() if gz.is_file() else gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a browser context closed mid-transfer


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = _Server(("127.0.0.1", 0), functools.partial(_Precompressed, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def fcp(browser, url: str, profile: dict) -> float:
    """First contentful paint in seconds of one cold load of ``url`` under ``profile``'s throttling."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": profile["latency"],
            "downloadThroughput": profile["down"] / 8, "uploadThroughput": profile["up"] / 8,
        })
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
        page.goto(url, wait_until="load", timeout=120_000)
        for _ in range(100):
            value = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0")
            if value:
                return value / 1000
            page.wait_for_timeout(100)
        return float("nan")
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads per page, setting and build (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sp-firstview-") as tmp:
        site = Path(tmp) / "site"
        done = generator.build(ROOT / "mkdocs.yml", site, strict=False, cwd=ROOT, timeout=900)
        if done.returncode != 0:
            sys.exit(done.stdout + done.stderr)
        builds = {"trimmed": site, "baseline": baseline_copy(site, Path(tmp) / "baseline")}
        servers = {name: serve(path) for name, path in builds.items()}
        times: dict[tuple[str, str, str], list[float]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                for page_name, page in PAGES.items():
                    for profile_name, profile in PROFILES.items():
                        for build, (_, url) in servers.items():
                            times.setdefault((page_name, profile_name, build), []).append(fcp(browser, url + page, profile))
            browser.close()
        for server, _ in servers.values():
            server.shutdown()
        print(f"First view, sample portal, medians of {args.runs} cold loads (Debian Chromium, DevTools throttling)\n")
        print(f"{'page':<11} {'build':<9} {'gzip KB':>8} {'FCP mobile s':>13} {'FCP slow-3G s':>14}  budget (≤20 KB, ≤3 s, ≤5 s)")
        for page_name, page in PAGES.items():
            for build, path in builds.items():
                size = first_view_bytes(path, page)
                fcps = {n: statistics.median(times[(page_name, n, build)]) for n in PROFILES}
                ok = size <= BYTES_BUDGET and all(fcps[n] <= PROFILES[n]["budget"] for n in PROFILES)
                verdict = ("PASS" if ok else "FAIL") if build == "trimmed" else ""
                print(f"{page_name:<11} {build:<9} {size / 1000:>8.1f} {fcps['mobile']:>13.2f} {fcps['slow-3g']:>14.2f}  {verdict}")
            ratio = {n: statistics.median(times[(page_name, n, "trimmed")]) / statistics.median(times[(page_name, n, "baseline")])
                     for n in PROFILES}
            size_ratio = first_view_bytes(site, page) / first_view_bytes(builds["baseline"], page)
            print(f"{'':<11} {'ratio':<9} {size_ratio:>8.2f} {ratio['mobile']:>13.2f} {ratio['slow-3g']:>14.2f}")


if __name__ == "__main__":
    main()

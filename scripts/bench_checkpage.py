"""How fast 校验.html checks a copy in Chromium, and how long it ever keeps the page from answering.

    python scripts/bench_checkpage.py [FILES ...]      (default: 1000 3000; 3 runs each, medians)

For each size, a copy of FILES pages of about 18 KB (the 2000-material corpus averages 17.8 KB per
file, design/offline.md) is written with the real checking page, manifest and checksums
(tests/check_fixture.py). It is checked three ways, interleaved in the same run:

- ``python``: ``studyportal verify`` on the folder (Python's hashlib; the baseline);
- ``webcrypto``: 校验.html in Debian's Chromium over file://, hashing with crypto.subtle;
- ``js``: the same page with crypto.subtle removed, hashing with the bundled sha256.js.

The table gives the median time, the ratio to the baseline, and the longest gap between ticks of a
10 ms timer in the page from the moment it gets the picked files until the verdict (how long the
page can be unresponsive: below 100 ms a click or a redraw is not noticeably delayed). The time the
browser spends listing the folder before the page hears of it is Chromium's, not the page's, and is
left out of both figures. The last column is the control: the longest gap in the same page left idle
for 2 s just before, which is what the machine's other work alone does to the timer.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from studyportal.bundle.verify import verify_path  # noqa: E402
from tests.check_fixture import open_check_page, pick, synthetic_copy  # noqa: E402
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, wait_until  # noqa: E402

RUNS = 3
FILE_SIZE = 18_000
# Gaps between timer ticks, as [start, end]; and when the page got the picked files (the change event). Chromium
# itself is busy while it lists a picked folder, before the page hears of it: that part is not the page's doing.
TICKS = """
window.__gaps = []; window.__picked = null;
document.addEventListener("change", function () { window.__picked = performance.now(); }, true);
(function () {
  var last = performance.now();
  setInterval(function () { var now = performance.now(); window.__gaps.push([last, now]); last = now; }, 10);
})();
"""
LONGEST = "Math.max.apply(null, window.__gaps.map(function (g) { return g[1] - Math.max(g[0], window.__picked); }).concat([0]))"


def in_page(browser, folder: Path, webcrypto: bool) -> tuple[float, float, float]:
    """Seconds the page reports for the check, the longest timer gap (ms) while it ran, and the longest in 2 s idle before."""
    context = browser.new_context()
    try:
        context.add_init_script(TICKS + ("" if webcrypto else "delete Crypto.prototype.subtle;"))
        page = open_check_page(context, folder)
        wait_until(page, "document.documentElement.getAttribute('data-ck-ready') === 'true'")
        page.evaluate("window.__gaps = []; window.__picked = performance.now()")
        page.wait_for_timeout(2000)  # the control: what the machine alone does to the timer (other processes, the collector)
        idle = page.evaluate(LONGEST)
        page.evaluate("window.__gaps = []")
        state = pick(page, folder, wait_until)
        assert state == "intact", state
        method = page.get_attribute("[data-sp-method]", "data-sp-method")
        assert method == ("webcrypto" if webcrypto else "js"), method
        seconds = int(page.get_attribute("#ck-result", "data-ms") or 0) / 1000
        return seconds, page.evaluate(LONGEST), idle
    finally:
        context.close()


def in_python(folder: Path) -> float:
    started = time.perf_counter()
    assert verify_path(folder).intact
    return time.perf_counter() - started


def main(sizes: list[int]) -> None:
    rows = []
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for n in sizes:
            folder = synthetic_copy(Path(tmp) / str(n), n, FILE_SIZE)
            mb = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6
            times: dict[str, list[float]] = {"python": [], "webcrypto": [], "js": []}
            gaps: dict[str, list[float]] = {"webcrypto": [], "js": []}
            idle: dict[str, list[float]] = {"webcrypto": [], "js": []}
            for _ in range(RUNS):  # interleaved, so a busy moment of the machine hits every way alike
                times["python"].append(in_python(folder))
                for way in ("webcrypto", "js"):
                    seconds, gap, quiet = in_page(browser, folder, way == "webcrypto")
                    times[way].append(seconds)
                    gaps[way].append(gap)
                    idle[way].append(quiet)
            base = statistics.median(times["python"])
            for way in ("python", "webcrypto", "js"):
                median = statistics.median(times[way])
                gap = f"{statistics.median(gaps[way]):.0f} ms" if way in gaps else "–"
                quiet = f"{statistics.median(idle[way]):.0f} ms" if way in idle else "–"
                rows.append((n, f"{mb:.1f} MB", way, f"{median:.2f} s", f"{median / base:.1f}×", gap, quiet))
        browser.close()
    print(f"| files | size | check | median of {RUNS} | vs python | longest pause while checking | longest pause, idle page |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 3000])

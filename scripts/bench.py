"""Build benchmark: the portal against plain MkDocs + Material on the same realistic corpus, in one run, one table.

    python scripts/bench.py                 # N = 2000 and 5000, 3 rounds
    python scripts/bench.py 500 --repeat 2

For each N it generates a deterministic corpus (scripts/corpus.py: pages of real length) and, round
after round, interleaved so that a change in machine load hits every configuration alike, builds:

- ``material-prune``: plain Material with ``navigation.prune`` and its stock search with jieba, the
  best stock configuration (``material-default``, default navigation, is quadratic: one build, N ≤ 2000);
- ``portal``: this project, cold (its build cache and its output folder emptied first);
- ``portal, no search``: the same without the search index (``STUDYPORTAL_BENCH_NO_SEARCH``), for the
  index's share of the build;
- ``portal, warm``: a rebuild after one material's body was edited, with the cache of the build before and
  into its output folder, as ``mkdocs serve`` and ``studyportal build`` rebuild (render/output.py).

Peak memory is that of every process of a build together (the build and its workers), sampled from
``/proc`` every 50 ms as proportional set size (PSS: memory shared by forked workers is counted once; reading it costs
about a tenth of a core at 20 ms, which a build on both cores pays and a one-core stock build does not);
the sum of resident set sizes is shown beside it. Figures are medians; ratios compare medians of the same run.

What a build replaces (an output folder, the portal's build cache) is moved aside, and deleted only when the
run ends. On ext4 without a journal (this kind of virtual machine's disk) the kernel skips, for every file it
creates, each inode deleted in the last 30 seconds that is not yet written back (``recently_deleted`` in
``fs/ext4/ialloc.c``): a build started just after deleting the last one's 8,000 files paid several seconds of
system time creating its own, by an amount that depended on the kernel's writeback timing, not on the build.
A fresh clone in CI, or any disk with a journal, never pays it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from studyportal.render import generator  # noqa: E402

PLAIN_CONFIG = """site_name: 党员学习资料门户
docs_dir: docs
theme:
  name: material
  language: zh
{features}
plugins:
  - search
"""
CACHE = ".studyportal-cache"
TRASH = ".trash"  # in the work folder: what builds replaced, deleted at the end of the run
SAMPLE_SECONDS = 0.05  # memory peaks of a build last seconds (the end of the page loop, the search index)


def _children(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in bytes of one process; zeros once it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, rss


class TreeMemory(threading.Thread):
    """Samples the summed PSS and RSS of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_pss = self.peak_rss = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            sums = [_memory(p) for p in _children(self.pid)]
            self.peak_pss = max(self.peak_pss, sum(s[0] for s in sums))
            self.peak_rss = max(self.peak_rss, sum(s[1] for s in sums))
            self.done.wait(SAMPLE_SECONDS)


def run_build(project: Path, site: Path, env: dict[str, str] | None = None, keep: bool = False) -> dict:
    """Build once (into an empty folder, unless ``keep``); wall seconds, CPU seconds and peak memory of all the build's processes."""
    if not keep:
        set_aside(site)
    cmd = generator.build_command(project / "mkdocs.yml", site, quiet=True)
    full_env = {**generator.build_env(), "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT), **(env or {})}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = TreeMemory(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {project} failed:\n{stderr[-3000:]}")
    peak_rss = max(sampler.peak_rss, usage.ru_maxrss * 1024)
    return {"s": elapsed, "cpu": usage.ru_utime + usage.ru_stime, "pss": sampler.peak_pss or peak_rss, "rss": peak_rss}


def set_aside(path: Path) -> None:
    """Move ``path`` out of the way, into the run's trash (see the module's docstring: never deleted while builds run)."""
    if path.exists():
        trash = path.parent / TRASH
        trash.mkdir(exist_ok=True)
        path.rename(Path(tempfile.mkdtemp(dir=trash)) / path.name)


def portal_project(corpus: Path, dest: Path) -> Path:
    """A portal over the corpus' materials (copied: the warm runs edit one)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "docs").mkdir(exist_ok=True)
    if not (dest / "materials").exists():
        shutil.copytree(corpus / "materials", dest / "materials")
    return dest


def plain_project(corpus: Path, dest: Path, prune: bool) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    features = "  features:\n    - navigation.prune\n" if prune else ""
    (dest / "mkdocs.yml").write_text(PLAIN_CONFIG.format(features=features), encoding="utf-8")
    if not (dest / "docs").exists():
        (dest / "docs").symlink_to(corpus / "plain-docs")
    (corpus / "plain-docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    return dest


def edit_one_body(project: Path, round_: int) -> None:
    """Change one paragraph of one material, as a trainer's commit would."""
    path = sorted((project / "materials").glob("t000/*.md"))[7]
    text = path.read_text(encoding="utf-8")
    marker = "\n\n本段为基准测试修改"
    text = text.split(marker)[0].rstrip("\n") + f"{marker}第{round_ + 1}次。\n"
    path.write_text(text, encoding="utf-8")


def measure(n: int, corpus: Path, work: Path, repeat: int, default_max: int) -> dict:
    """Every configuration at one N, interleaved round by round; medians and peaks."""
    portal = portal_project(corpus, work / f"portal-{n}")
    prune = plain_project(corpus, work / f"prune-{n}", prune=True)
    runs: dict[str, list[dict]] = {k: [] for k in ("prune", "default", "cold", "nosearch", "warm")}
    for round_ in range(repeat):
        runs["prune"].append(run_build(prune, work / "site-prune"))
        set_aside(portal / CACHE)
        runs["cold"].append(run_build(portal, work / "site-portal"))
        edit_one_body(portal, round_)
        runs["warm"].append(run_build(portal, work / "site-portal", keep=True))
        set_aside(portal / CACHE)
        runs["nosearch"].append(run_build(portal, work / "site-nosearch", {"STUDYPORTAL_BENCH_NO_SEARCH": "1"}))
        if round_ == 0 and n <= default_max:
            runs["default"].append(run_build(plain_project(corpus, work / f"default-{n}", prune=False), work / "site-default"))
        print(f"  N = {n}, round {round_ + 1}/{repeat}: " + ", ".join(f"{k} {v[-1]['s']:.1f} s" for k, v in runs.items() if v), flush=True)

    def med(key: str, field: str = "s") -> float:
        return statistics.median(r[field] for r in runs[key]) if runs[key] else float("nan")

    def peak(key: str, field: str) -> float:
        return max(r[field] for r in runs[key]) / 2**20

    stock = min(med("prune"), med("default")) if runs["default"] else med("prune")
    pages = [p.stat().st_size / 1024 for p in (work / "site-portal").glob("materials/*/index.html")]
    return {
        "page_kb": (statistics.median(pages), max(pages)) if pages else (0.0, 0.0),
        "n": n,
        "runs": repeat,
        "cold": med("cold"),
        "stock": stock,
        "prune": med("prune"),
        "default": med("default"),
        "nosearch": med("nosearch"),
        "warm": med("warm"),
        "cold_cpu": med("cold", "cpu"),
        "stock_cpu": med("prune", "cpu"),
        "pss": peak("cold", "pss"),
        "rss": peak("cold", "rss"),
        "stock_pss": peak("prune", "pss"),
        "warm_pss": peak("warm", "pss"),
    }


def print_table(rows: list[dict]) -> None:
    print(
        "\n| N | portal cold s | best stock s | cold / stock | no search s | search overhead | "
        "peak MB portal (PSS; RSS sum) | peak MB stock | warm s (1 body edited) | warm / cold |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['n']} | {r['cold']:.1f} | {r['stock']:.1f} | **{r['cold'] / r['stock']:.2f}** | {r['nosearch']:.1f} | "
            f"**{(r['cold'] / r['nosearch'] - 1) * 100:+.0f} %** | **{r['pss']:.0f}** ({r['rss']:.0f}) | {r['stock_pss']:.0f} | "
            f"{r['warm']:.1f} | **{r['warm'] / r['cold']:.2f}** |"
        )
    details = "; ".join(
        f"N = {r['n']}: prune {r['prune']:.1f} s"
        + (f", default {r['default']:.1f} s" if r["default"] == r["default"] else "")
        + f", CPU portal {r['cold_cpu']:.0f} s vs stock {r['stock_cpu']:.0f} s"
        + f", material page median {r['page_kb'][0]:.1f} KB, max {r['page_kb'][1]:.1f} KB"
        for r in rows
    )
    print(f"\nMedians of {rows[0]['runs']} interleaved rounds. Stock: {details}.")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 5000])
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (medians reported)")
    parser.add_argument("--default-max", type=int, default=2000, help="largest N for the quadratic default-nav build")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora and sites in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="sp-bench-"))
    rows = []
    for n in args.sizes:
        corpus = work / f"corpus-{n}"
        if not corpus.exists():
            generate(n, corpus)
        rows.append(measure(n, corpus, work, args.repeat, args.default_max))
        print_table(rows)
    print(f"\nMachine: {os.cpu_count()} cores; load average before the last round: {os.getloadavg()[0]:.1f}")
    for trash in [work / TRASH, *work.glob(f"*/{TRASH}")]:
        shutil.rmtree(trash, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

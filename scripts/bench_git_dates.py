"""Benchmark of "updated" dates from Git and of the Atom feeds: what they add to a build.

    python scripts/bench_git_dates.py                  # N = 2000
    python scripts/bench_git_dates.py 2000 5000 --repeat 7 --builds 3

For each N it writes the synthetic corpus (scripts/corpus.py) into temporary Git repositories with
fixed commit dates, in three histories: the import plus 50 commits of 10 files each; the import plus
500 such commits; and the same 500 with the import listed in ``.git-blame-ignore-revs``, so that the
files no later commit touched send the log back through the whole history (the worst case).

The repositories are packed (``git gc``), as a clone is. In the same run and interleaved it measures,
medians of ``--repeat`` rounds: the Git pass the build adds to loading the catalog (``rev-parse``,
``git status``, one ``git log``: load/git_dates.py), planning the four feeds, and for scale loading the
catalog as ``check`` does. What the build adds is the Git pass plus the feeds (applying the dates is a
loop over the materials); the budget is under 1 s at N = 2000. The load average is printed: on a busy
2-core machine every figure grows with it.

``--builds K`` also runs K real builds of each of two projects, interleaved: the corpus outside Git
and without site_url (no Git dates, no feeds) and the same in Git with site_url (both). Single builds
vary by ±15 % on the 2-core machine, more than the budget itself, so the component figures above are
the ones the budget is judged by.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402

from studyportal.catalog import load_catalog, material_files  # noqa: E402
from studyportal.load.git_dates import last_commits  # noqa: E402
from studyportal.plan.feeds import plan_feeds  # noqa: E402
from studyportal.render import generator  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 1.0
SITE_URL = "https://dj.example.cn/"


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def make_repo(corpus: Path, dest: Path, commits: int, ignore_import: bool, site_url: str | None = SITE_URL) -> Path:
    """A portal in a Git repository: the corpus imported, then ``commits`` commits of 10 changed files each."""
    shutil.copytree(corpus / "materials", dest / "materials")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if site_url:
        config = config.replace("site_description:", f"site_url: {site_url}\nsite_description:", 1)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    (dest / "docs").mkdir()
    (dest / "docs" / "about.md").write_text("# 关于本站\n", encoding="utf-8")
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.name", "bench")
    git(dest, "config", "user.email", "bench@example.cn")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "导入", when="2025-01-01T09:00:00+08:00")
    files = material_files(dest / "materials")
    rng = random.Random(commits)
    for i in range(commits):
        for path in rng.sample(files, 10):
            with path.open("a", encoding="utf-8") as f:
                f.write(f"\n第 {i} 次修改。\n")
        git(dest, "commit", "-q", "-am", f"修改 {i}", when=f"2025-{1 + i * 11 // commits:02d}-{1 + i % 28:02d}T10:00:00+08:00")
    if ignore_import:
        head = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=dest, capture_output=True, text=True, check=True)
        (dest / ".git-blame-ignore-revs").write_text(head.stdout, encoding="utf-8")
        git(dest, "add", ".git-blame-ignore-revs")
        git(dest, "commit", "-q", "-m", "忽略导入", when="2026-01-01T10:00:00+08:00")
    git(dest, "gc", "-q")
    return dest


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def measure(repo: Path, repeat: int) -> dict:
    materials = repo / "materials"
    files = material_files(materials)
    result = load_catalog(materials, dates_from_git=True)
    assert result.git is not None and result.git.from_git, result.git
    catalog = result.catalog
    plain, passes, feeds = [], [], []
    read = 0
    for _ in range(repeat):
        plain.append(timed(lambda: load_catalog(materials))[0])
        t_pass, dates = timed(lambda: last_commits(materials, files))
        passes.append(t_pass)
        feeds.append(timed(lambda: plan_feeds(catalog, SITE_URL, "党员学习资料门户"))[0])
        read = dates.commits_read
    return {
        "files": len(files),
        "dated": sum(1 for m in catalog.materials.values() if m.committed),
        "commits_read": read,
        "load": statistics.median(plain),
        "git_pass": statistics.median(passes),
        "feeds": statistics.median(feeds),
    }


def run_build(project: Path, site: Path) -> float:
    shutil.rmtree(site, ignore_errors=True)
    cmd = generator.build_command(project / "mkdocs.yml", site, quiet=True)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=project, env=generator.build_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"build of {project} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[2000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--builds", type=int, default=0, help="real builds of each project (0: none)")
    args = parser.parse_args()
    rows, build_rows = [], []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-git-dates-") as tmp:
            work = Path(tmp)
            generate(n, work / "corpus")
            scenarios = [
                ("import + 50 commits", 50, False),
                ("import + 500 commits", 500, False),
                ("500 commits, import ignored", 500, True),
            ]
            for name, commits, ignored in scenarios:
                repo = make_repo(work / "corpus", work / name.replace(" ", "-").replace(",", ""), commits, ignored)
                rows.append({"n": n, "history": name, "commits": commits + 1 + ignored, **measure(repo, args.repeat)})
            if args.builds:
                plain = work / "plain"
                shutil.copytree(work / "corpus" / "materials", plain / "materials")
                shutil.copy(ROOT / "mkdocs.yml", plain / "mkdocs.yml")
                (plain / "docs").mkdir()
                (plain / "docs" / "about.md").write_text("# 关于本站\n", encoding="utf-8")
                in_git = work / "import-+-50-commits"
                times: dict[str, list[float]] = {"outside Git, no site_url": [], "in Git, site_url (dates + feeds)": []}
                for _ in range(args.builds):
                    times["outside Git, no site_url"].append(run_build(plain, work / "site-plain"))
                    times["in Git, site_url (dates + feeds)"].append(run_build(in_git, work / "site-git"))
                base = statistics.median(times["outside Git, no site_url"])
                for label, values in times.items():
                    median = statistics.median(values)
                    build_rows.append({"n": n, "project": label, "build": median, "delta": median - base})
    print_tables(rows, build_rows, args.repeat)


def print_tables(rows: list[dict], build_rows: list[dict], repeat: int) -> None:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Git dates and feeds, medians of {repeat} rounds (seconds); load average now {load} on {os.cpu_count()} cores\n")
    print("| N | history | commits | read | dated | git pass | 4 feeds | **added to build** | ≤ 1 s | load catalog (check) |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|:---:|---:|")
    for r in rows:
        added = r["git_pass"] + r["feeds"]
        print(
            f"| {r['n']} | {r['history']} | {r['commits']} | {r['commits_read']} | {r['dated']} | {r['git_pass']:.3f} | {r['feeds']:.3f} "
            f"| **{added:.3f}** | {'yes' if added < BUDGET else 'NO'} | {r['load']:.3f} |"
        )
    if build_rows:
        print("\nReal builds, interleaved (seconds; single builds vary by ±15 %)\n")
        print("| N | project | median build | vs outside Git |")
        print("|---:|---|---:|---:|")
        for r in build_rows:
            print(f"| {r['n']} | {r['project']} | {r['build']:.1f} | {r['delta']:+.1f} |")


if __name__ == "__main__":
    main()

"""Build benchmark: the portal against plain MkDocs + Material on the same synthetic corpus, in one run.

    python scripts/bench.py                 # N = 500, 2000, 5000
    python scripts/bench.py 2000 --repeat 3

For each N it generates a deterministic corpus (scripts/corpus.py) and builds it three ways:
``portal`` (this project), ``material-prune`` (plain Material, ``navigation.prune``, stock search
with jieba: the best stock configuration) and ``material-default`` (plain Material, default
navigation, stock search). It prints median wall time, peak memory, site size and the median and
maximum HTML size of a material page, with ratios against the stock builds measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PLAIN_CONFIG = """site_name: 党员学习资料门户
docs_dir: docs
theme:
  name: material
  language: zh
{features}
plugins:
  - search
"""


def run_build(project: Path, site: Path) -> tuple[float, int]:
    """Build once; returns (wall seconds, peak RSS in bytes) of the mkdocs process."""
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {project} failed:\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss * 1024


def portal_project(corpus: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "docs").mkdir(exist_ok=True)
    if not (dest / "materials").exists():
        (dest / "materials").symlink_to(corpus / "materials")
    return dest


def plain_project(corpus: Path, dest: Path, prune: bool) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    features = "  features:\n    - navigation.prune\n" if prune else ""
    (dest / "mkdocs.yml").write_text(PLAIN_CONFIG.format(features=features), encoding="utf-8")
    if not (dest / "docs").exists():
        (dest / "docs").symlink_to(corpus / "plain-docs")
    (corpus / "plain-docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    return dest


def check_seconds(materials: Path, repeat: int) -> float:
    """Median wall time of ``studyportal check`` (the trainers' pre-commit step) on the corpus."""
    cmd = [sys.executable, "-m", "studyportal.cli", "check", str(materials)]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def site_size(site: Path) -> int:
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def material_pages(site: Path, portal: bool) -> list[int]:
    pattern = "materials/m*/index.html" if portal else "t*/m*/index.html"
    return [p.stat().st_size for p in site.glob(pattern)]


def measure_interleaved(configs: list[tuple[str, Path, Path, int, bool]]) -> list[dict]:
    """Build each configuration ``repeat`` times, alternating between them so drift in machine load
    hits all of them alike; returns one row per configuration with medians."""
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name, *_ in configs}
    for round_ in range(max(c[3] for c in configs)):
        for name, project, site, repeat, _ in configs:
            if round_ < repeat:
                runs[name].append(run_build(project, site))
    rows = []
    for name, _, site, repeat, portal in configs:
        pages = material_pages(site, portal)
        rows.append(
            {
                "config": name,
                "seconds": statistics.median(r[0] for r in runs[name]),
                "runs": repeat,
                "peak_mb": max(r[1] for r in runs[name]) / 2**20,
                "site_mb": site_size(site) / 2**20,
                "page_median_kb": statistics.median(pages) / 1024 if pages else 0,
                "page_max_kb": max(pages) / 1024 if pages else 0,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 2000, 5000])
    parser.add_argument("--repeat", type=int, default=3, help="builds per configuration (median reported)")
    parser.add_argument("--stock-repeat", type=int, default=3, help="builds of the navigation.prune stock configuration")
    parser.add_argument("--default-repeat", type=int, default=1, help="builds of the slow default-nav configuration")
    parser.add_argument("--default-max", type=int, default=2000, help="largest N for the quadratic default-nav build")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora and sites in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="sp-bench-"))
    rows = []
    checks: list[tuple[int, float]] = []
    for n in args.sizes:
        corpus = work / f"corpus-{n}"
        if not corpus.exists():
            generate(n, corpus)
        configs = [
            ("portal", portal_project(corpus, work / f"portal-{n}"), work / f"site-portal-{n}", args.repeat, True),
            ("material-prune", plain_project(corpus, work / f"prune-{n}", prune=True), work / f"site-prune-{n}", args.stock_repeat, False),
        ]
        if n <= args.default_max:
            default_project = plain_project(corpus, work / f"default-{n}", prune=False)
            configs.append(("material-default", default_project, work / f"site-default-{n}", args.default_repeat, False))
        results = measure_interleaved(configs)
        prune = results[1]
        for r in results:
            r["n"] = n
            r["vs_prune"] = r["seconds"] / prune["seconds"]
            r["vs_default"] = r["seconds"] / results[2]["seconds"] if len(results) > 2 else None
        rows.extend(results)
        checks.append((n, check_seconds(corpus / "materials", args.repeat)))
        print_table(rows)
        print("\n" + "\n".join(f"studyportal check, N = {k}: {v:.2f} s (median, whole command)" for k, v in checks))
    by_n = {(r["n"], r["config"]): r for r in rows}
    if (2000, "portal") in by_n and (5000, "portal") in by_n:
        growth = by_n[(5000, "portal")]["seconds"] / by_n[(2000, "portal")]["seconds"]
        print(f"\nportal growth 2000 → 5000: {growth:.2f}× (budget ≤ 2.7×)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def print_table(rows: list[dict]) -> None:
    header = "| N | config | build s (median) | runs | vs prune | vs default | peak MB | site MB | page median KB | page max KB |"
    print("\n" + header)
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        vs_default = f"{r['vs_default']:.2f}" if r["vs_default"] is not None else "—"
        print(
            f"| {r['n']} | {r['config']} | {r['seconds']:.1f} | {r['runs']} | {r['vs_prune']:.2f} | {vs_default} | "
            f"{r['peak_mb']:.0f} | {r['site_mb']:.1f} | {r['page_median_kb']:.1f} | {r['page_max_kb']:.1f} |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()

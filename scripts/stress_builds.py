"""Run many `studyportal build` processes on the same folder at once and count what goes wrong.

    python scripts/stress_builds.py                 # 4 builds at once, 20 rounds, small portal
    python scripts/stress_builds.py --parallel 8 --rounds 5 --portal full

Each round starts the builds together and waits for all of them; then it checks that every build
exited 0 without a traceback, that `site/` is a complete site, and that no `.site.new-*` or
`.site.old*` folder is left beside it. Prints one row per round and a total; exits 1 if any round
went wrong. Not part of the test suite (tests/test_publish_concurrency.py runs a short version).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import CURRICULUM  # noqa: E402  (the same small curriculum the tests use)

SMALL = ("xin-dangzhang", "dangyuan-yiwu-quanli", "dangfei-jiaona", "dangyuan-jiaoyu-guanli-tiaoli")
LEFTOVER = re.compile(r"\.site\.(new-.*|old.*)")


def make_portal(dest: Path, full: bool) -> Path:
    """A copy of the sample project: all materials, or four materials and one curriculum."""
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    if full:
        shutil.copytree(ROOT / "materials", dest / "materials")
        return dest
    (dest / "materials" / "dangzhang").mkdir(parents=True)
    (dest / "materials" / "curricula").mkdir()
    for slug in SMALL:
        shutil.copy(ROOT / "materials" / "dangzhang" / f"{slug}.md", dest / "materials" / "dangzhang")
    (dest / "materials" / "curricula" / "member.yml").write_text(CURRICULUM.format(slugs=", ".join(SMALL)), encoding="utf-8")
    return dest


def one_round(project: Path, parallel: int) -> dict[str, object]:
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "studyportal.cli", "build"]
    procs = [subprocess.Popen(cmd, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(parallel)]
    results = [(p.wait(), p.communicate()[1]) for p in procs]
    wall = time.perf_counter() - started
    crashes = sum(1 for code, err in results if code != 0 or "Traceback" in err)
    left = [p for p in project.iterdir() if LEFTOVER.fullmatch(p.name)]
    left_mb = sum(f.stat().st_size for d in left for f in d.rglob("*") if f.is_file()) / 1e6
    first_error = next((err.strip().splitlines()[-1] for code, err in results if code != 0 and err.strip()), "")
    return {
        "codes": " ".join(str(code) for code, _ in results),
        "crashes": crashes,
        "tracebacks": sum(1 for _, err in results if "Traceback" in err),
        "leftovers": len(left),
        "leftover_mb": left_mb,
        "site_ok": (project / "site" / "index.html").is_file(),
        "wall": wall,
        "error": first_error,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", type=int, default=4, help="builds started at once (default 4)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds (default 20)")
    parser.add_argument("--portal", choices=["small", "full"], default="small", help="four materials, or the whole sample")
    parser.add_argument("--keep", action="store_true", help="keep the project folder for inspection")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="stress-builds-"))
    project = make_portal(work / "portal", args.portal == "full")
    print(f"{args.parallel} builds at once × {args.rounds} rounds, {args.portal} portal, in {project}\n")
    print("| round | exit codes | crashed | tracebacks | leftover folders | leftover MB | site ok | wall s |")
    print("|---:|---|---:|---:|---:|---:|---|---:|")
    rows = []
    total_started = time.perf_counter()
    try:
        for n in range(1, args.rounds + 1):
            row = one_round(project, args.parallel)
            rows.append(row)
            print(
                f"| {n} | {row['codes']} | {row['crashes']} | {row['tracebacks']} | {row['leftovers']} | "
                f"{row['leftover_mb']:.1f} | {'yes' if row['site_ok'] else 'NO'} | {row['wall']:.1f} |",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - total_started
    crashes = sum(int(r["crashes"]) for r in rows)
    tracebacks = sum(int(r["tracebacks"]) for r in rows)
    bad_sites = sum(1 for r in rows if not r["site_ok"])
    last_leftovers = int(rows[-1]["leftovers"]) if rows else 0
    walls = sorted(float(r["wall"]) for r in rows)
    print(
        f"\ntotal: {len(rows) * args.parallel} builds, {crashes} crashed ({tracebacks} with a traceback), "
        f"{bad_sites} rounds without a site, {last_leftovers} leftover folders after the last round; "
        f"wall {total:.1f} s (round median {walls[len(walls) // 2]:.1f} s)"
    )
    errors = sorted({str(r["error"]) for r in rows if r["error"]})
    for error in errors[:5]:
        print(f"  error seen: {error}")
    return 1 if crashes or bad_sites or any(r["leftovers"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

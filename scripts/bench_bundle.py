"""Offline bundle benchmark: bundle size per edition, and update-package size after changing one material.

``python scripts/bench_bundle.py [COUNT] [OUT]`` generates the synthetic corpus (default 2000 materials),
builds every edition with ``studyportal bundle``'s code path, then changes one material (its body, then
its title) and builds update packages against the previous bundle. Prints a Markdown table.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from corpus import generate  # noqa: E402

from studyportal.bundle.make import BundleResult, make_bundle  # noqa: E402
from studyportal.bundle.notes import human_size  # noqa: E402
from studyportal.plan.edition import EDITIONS, edition_name  # noqa: E402

GOAL = 0.02  # an update after one changed material: under 2% of the full bundle


def project(out: Path, count: int) -> Path:
    """A portal project on the synthetic corpus, with the repository's config and docs."""
    shutil.rmtree(out, ignore_errors=True)
    generate(count, out / "corpus")
    proj = out / "project"
    proj.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", proj / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", proj / "docs")
    shutil.copytree(out / "corpus" / "materials", proj / "materials")
    return proj


def timed(config: Path, edition: str, dest: Path, since: Path | None = None) -> tuple[BundleResult, float]:
    started = time.perf_counter()
    result = make_bundle(config, edition, dest, since)
    return result, time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "bench-out" / f"bundle-{count}"
    proj = project(out, count)
    config = proj / "mkdocs.yml"
    print(f"## Offline bundles, {count}-material synthetic corpus\n")
    print("| edition | materials | files | unpacked | zip | build + bundle |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    full: BundleResult | None = None
    for edition in EDITIONS:
        result, seconds = timed(config, edition, out / "dist" / f"{edition}.zip")
        pages = sum(1 for f in result.manifest.files if f.path.startswith("materials/"))
        print(
            f"| {edition} ({edition_name(edition)}) | {pages} | {len(result.manifest.files) + 1} | "
            f"{human_size(result.site_bytes)} | {human_size(result.zip_size)} | {seconds:.1f} s |"
        )
        if edition == "all":
            full = result
    assert full is not None
    source = sorted((proj / "materials").rglob("m01000.md"))[0]
    print("\n| update after … (full edition) | files in package | deleted | update zip | share of full zip | goal < 2% |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    previous = full.zip_path
    edits = (
        ("one material's body changed", lambda text: text + "\n\n补充一段：本村开展学习交流活动，取得明显成效。\n"),
        ("one material's title changed", lambda text: text.replace("title: ", "title: 修订版", 1)),
    )
    for i, (label, edit) in enumerate(edits):
        source.write_text(edit(source.read_text(encoding="utf-8")), encoding="utf-8")
        result, _ = timed(config, "all", out / "dist" / f"all-v{i + 2}.zip", previous)
        assert result.changes is not None
        share = result.update_size / result.zip_size
        payload = len(result.changes.added) + len(result.changes.changed)  # the manifest travels as a patch in update.json
        print(
            f"| {label} | {payload} | {len(result.changes.removed)} | {human_size(result.update_size)} | "
            f"{100 * share:.2f}% | {'yes' if share < GOAL else 'NO'} |"
        )
        previous = result.zip_path


if __name__ == "__main__":
    main()

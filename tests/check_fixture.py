"""Driving 校验.html in Chromium, copies of any size without MkDocs, and the help pages' screenshots.

Used by tests/test_check_page.py and scripts/bench_checkpage.py.
"""

from __future__ import annotations

import io
import os
import random
import string
from pathlib import Path

from studyportal.bundle.checkpage import CHECK_PAGE, stamp_for, write_check_page, write_stamp
from studyportal.bundle.checksums import write_checksums
from studyportal.bundle.formats import MANIFEST
from studyportal.bundle.manifest import Manifest, scan_folder

ROOT = Path(__file__).resolve().parent.parent
# The help pages' pictures: written by the tests from the real pages, published by every portal (render/shipped.py).
HELP_IMAGES = ROOT / "studyportal" / "help" / "images"
SHOT_COLOURS = 64
RESULT = "document.getElementById('ck-result')"


def synthetic_copy(root: Path, files: int, size: int = 2000) -> Path:
    """A complete copy of ``files`` pages of about ``size`` bytes with the real checking page, manifest and checksums."""
    folder = root / "studyportal-all"
    rng = random.Random(files)
    letters = (string.ascii_letters + " \n").encode()
    for i in range(files):
        path = folder / "materials" / f"m{i // 100:03d}" / f"p{i:05d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        n = max(1, int(size * rng.uniform(0.5, 1.5)))
        path.write_bytes(f"<title>材料 {i}</title>\n".encode() + bytes(rng.choice(letters) for _ in range(n)))
    (folder / "index.html").write_text("<!doctype html><title>首页</title><p>测试门户</p>\n", encoding="utf-8")
    write_check_page(folder, "测试门户")
    manifest = Manifest(
        edition="all",
        edition_name="完整版",
        folder=folder.name,
        built="2026-06-01T09:30:00+08:00",
        commit="unknown",
        generator="tests/check_fixture.py",
    )
    write_stamp(folder, stamp_for(manifest, scan_folder(folder)))
    manifest.files = scan_folder(folder)
    manifest.id = manifest.content_id()
    (folder / MANIFEST).write_bytes(manifest.to_json())
    write_checksums(folder, manifest)
    return folder


def open_check_page(context, folder: Path):
    """校验.html of ``folder`` in a new page of ``context``."""
    page = context.new_page()
    page.goto((folder / CHECK_PAGE).as_uri())
    return page


def pick(page, folder: Path, wait) -> str:
    """Pick ``folder`` in the page's folder picker, wait for the verdict and return it (intact, broken, untrusted, wrong)."""
    page.set_input_files("#ck-folder", str(folder))
    wait(page, f"!{RESULT}.hidden && {RESULT}.hasAttribute('data-state') && !document.getElementById('ck-pick').hasAttribute('aria-busy')")
    return page.get_attribute("#ck-result", "data-state")


def listed(page, kind: str) -> list[str]:
    """The paths the page lists as ``missing``, ``damaged``, ``extra`` or ``removable``."""
    return page.eval_on_selector_all(f"[data-sp-list={kind}] li[data-path]", "els => els.map(e => e.getAttribute('data-path'))")


SAME_SHOT = 0.002  # share of pixels that may differ (by more than the 64-colour rounding) in a picture that did not change


def _looks_the_same(kept, fresh) -> bool:
    """Whether the kept help picture shows what the fresh screenshot shows."""
    from PIL import ImageChops

    if kept.size != fresh.size:
        return False
    diff = ImageChops.difference(kept, fresh).convert("L").point(lambda v: 255 if v > 24 else 0)
    return diff.histogram()[255] <= SAME_SHOT * fresh.size[0] * fresh.size[1]


def shoot(page, name: str, selector: str | None = None) -> Path:
    """Save a screenshot for the help pages: a 64-colour PNG (a few tens of KB), rewritten only when it changed."""
    from PIL import Image

    page.evaluate("document.querySelectorAll('.ck-time').forEach(function (e) { e.hidden = true; })")  # differs from run to run
    # Transitions stopped: a card caught half-way through its hover or focus fade shows as a grey bar in the help.
    png = page.locator(selector).screenshot(animations="disabled") if selector else page.screenshot(animations="disabled")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    target = HELP_IMAGES / name
    if target.is_file() and _looks_the_same(Image.open(target).convert("RGB"), image):
        return target  # font rendering differs by a few pixels from run to run: the committed picture stays
    image = image.quantize(colors=SHOT_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    if not target.is_file() or target.read_bytes() != out.getvalue():
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{name}.{os.getpid()}.part")
        part.write_bytes(out.getvalue())
        os.replace(part, target)  # a wheel built meanwhile never sees half a picture
    return target

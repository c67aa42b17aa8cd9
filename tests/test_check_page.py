"""Checking and updating an offline copy without Python: 校验.html over file:// in Chromium, SHA256SUMS, unzip-over updates.

Two signed editions of the sample portal (v2 changes one material, adds one, deletes one) are built
at fixed dates, so the screenshots these tests save for studyportal/help/offline.md come out the
same on every run.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from studyportal.bundle.archive import extract_zip
from studyportal.bundle.checkpage import CHECK_PAGE, manifest_version
from studyportal.bundle.checksums import MANIFEST_JS, SUMS, write_checksums
from studyportal.bundle.formats import MANIFEST, sha256
from studyportal.bundle.make import BundleResult, make_bundle
from studyportal.bundle.manifest import FileEntry, parse_manifest
from studyportal.bundle.signing import PINNED_KEY, SIGNATURES, generate_keys, load_signing_keys, sign
from studyportal.bundle.update import apply_update
from studyportal.bundle.verify import verify_path
from tests.check_fixture import HELP_IMAGES, listed, open_check_page, pick, shoot, synthetic_copy
from tests.helpers import ROOT, copy_project, material_text, wait_until, write

pytestmark = pytest.mark.browser

V1_TIME = 1780279200  # 2026-06-01 02:00 UTC; v2 a week later
V2_TIME = V1_TIME + 7 * 86400
DELETED = ("linshi-tongzhi", "临时通知学习")
ADDED = ("xinzeng-cailiao", "新增的学习材料")
# The screenshots these tests take; studyportal/help/offline.md shows each of them.
SHOTS = (
    "offline-home.png",
    "offline-footer.png",
    "offline-check-start.png",
    "offline-check-complete.png",
    "offline-check-problems.png",
    "offline-check-update.png",
)

# A 1×1 white PNG.
PLACEHOLDER_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8ffff3f0005fe02fe0def46b8"
    "0000000049454e44ae426082"
)


def meta(slug: str, title: str) -> str:
    return (
        f"title: {title}\nkind: material\naudiences: [member]\ntrack: constitution\ntopics: [党章党规]\n"
        f"summary: 测试用的材料。\nhours: 1\npublished: 2020-01-01\nslug: {slug}"
    )


def fixed_key(path: Path, seed: bytes) -> Path:
    """A private key file made from ``seed``: the same key on every run."""
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed).digest())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return path


class Editions:
    """v1, v2 and v3 of the full edition, signed with one key, with their update packages."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.key = fixed_key(tmp / "county.key", b"county")  # fixed: the fingerprint in the screenshots stays the same
        self.other_key = generate_keys(tmp / "other-keys")[0]
        project = copy_project(tmp / "project")
        write(project / "materials", "tmp/linshi.md", material_text(meta(*DELETED)))
        # The portal's own pictures of those names win over the help pages' (render/shipped.py): the editions, and so the
        # version code in the screenshots, do not change with the screenshots the previous run took.
        for name in SHOTS:
            write(project / "docs", f"images/{name}", PLACEHOLDER_PNG)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", str(V1_TIME))
            self.v1 = make_bundle(project / "mkdocs.yml", "all", tmp / "dist-v1", keys=[self.key])
            (project / "materials" / "tmp" / "linshi.md").unlink()
            write(project / "materials", "tmp/xinzeng.md", material_text(meta(*ADDED)))
            mp.setenv("SOURCE_DATE_EPOCH", str(V2_TIME))
            self.v2 = make_bundle(project / "mkdocs.yml", "all", tmp / "dist-v2", since=self.v1.zip_path, keys=[self.key])
            write(project / "materials", "tmp/xinzeng.md", material_text(meta(*ADDED), body="## 正文\n\n第三版改了这一段。\n"))
            mp.setenv("SOURCE_DATE_EPOCH", str(V2_TIME + 7 * 86400))
            self.v3 = make_bundle(project / "mkdocs.yml", "all", tmp / "dist-v3", since=self.v2.zip_path, keys=[self.key])

    def unpacked(self, result: BundleResult, name: str) -> Path:
        """The zip unzipped into a fresh folder (as on a terminal's disk); returns the copy's folder inside it."""
        dest = self.tmp / name
        extract_zip(result.zip_path, dest)
        return dest / result.manifest.folder


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return Editions(tmp_path_factory.mktemp("check-page"))


@pytest.fixture
def terminal(browser):
    """A browser context as on a terminal without network: every request outside file:// is refused and recorded."""
    context = browser.new_context(viewport={"width": 820, "height": 620})
    outside: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert outside == [], "the copy asked for something outside itself"
    assert errors == []


def sums_check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["sha256sum", "-c", SUMS], cwd=folder, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})


def test_a_fresh_copy_checks_complete_with_its_signature(editions, terminal):
    folder = editions.unpacked(editions.v1, "fresh")
    page = open_check_page(terminal, folder)
    wait_until(page, "document.documentElement.getAttribute('data-ck-ready') === 'true'")
    version = manifest_version(editions.v1.manifest)
    assert page.inner_text("#ck-edition") == f"本离线版：完整版 · 生成于 2026-06-01 02:00 · 版本号 {version}"
    assert version == editions.v1.version and re.fullmatch(r"[0-9a-f]{4}-[0-9a-f]{4}", version)
    shoot(page, "offline-check-start.png")
    assert pick(page, folder, wait_until) == "intact"
    assert page.inner_text("#ck-result h2") == "完整"
    assert listed(page, "missing") == listed(page, "damaged") == listed(page, "extra") == []
    assert page.get_attribute("#ck-origin", "data-state") == "ok"
    assert editions.v1.signers[0].short in page.inner_text("#ck-origin")
    assert page.get_attribute("[data-sp-method]", "data-sp-method") == "webcrypto"
    total = len(editions.v1.manifest.files) + 3  # manifest.json, manifest.sig, SHA256SUMS (manifest.js is not hashed)
    assert page.get_attribute("#ck-progress", "data-done") == str(total)
    shoot(page, "offline-check-complete.png", "#ck-result")


def test_one_changed_byte_one_deleted_page_and_one_added_file_are_exactly_what_it_lists(editions, terminal):
    folder = editions.unpacked(editions.v1, "tampered")
    pages = sorted(f.path for f in editions.v1.manifest.files if f.path.startswith("materials/") and f.path.endswith("index.html"))
    changed, deleted = pages[0], pages[1]
    data = bytearray((folder / changed).read_bytes())
    data[len(data) // 2] ^= 0x01  # one byte, same size: only the hash can tell
    (folder / changed).write_bytes(bytes(data))
    (folder / deleted).unlink()
    write(folder, "materials/我的笔记.txt", "自己放进来的文件\n")
    page = open_check_page(terminal, folder)
    assert pick(page, folder, wait_until) == "broken"
    assert page.inner_text("#ck-result h2") == "不完整"
    assert listed(page, "damaged") == [changed]
    assert listed(page, "missing") == [deleted]
    assert listed(page, "extra") == ["materials/我的笔记.txt"]
    assert listed(page, "removable") == []
    titles = {f.path: f.title for f in editions.v1.manifest.files}
    assert f"《{titles[deleted]}》" in page.inner_text("[data-sp-list=missing]")
    assert "缺少 1 个文件，已损坏 1 个，多出 1 个" in page.inner_text("#ck-result")
    shoot(page, "offline-check-problems.png", "#ck-result")
    report = verify_path(folder)  # the Python tool finds the same three
    assert [p.path for p in report.missing] == [deleted] and [p.path for p in report.corrupt] == [changed]
    assert [p.path for p in report.extra] == ["materials/我的笔记.txt"]


def test_an_update_unzipped_over_the_old_copy_checks_clean_apart_from_the_removable_files(editions, terminal):
    folder = editions.unpacked(editions.v1, "unzip-over")
    page = open_check_page(terminal, folder)
    assert pick(page, folder, wait_until) == "intact"  # this computer now remembers the county's key
    assert editions.v2.update_path is not None
    extract_zip(editions.v2.update_path, folder.parent)  # what "extract here, replace the files" does in a file manager
    page = open_check_page(terminal, folder)
    version = editions.v2.version
    assert version != editions.v1.version and version in page.inner_text("#ck-edition")
    # the parent folder picked by mistake: the page finds the copy inside it and ignores the update's own files beside it
    assert pick(page, folder.parent, wait_until) == "intact"
    assert page.inner_text("#ck-result h2") == "完整"
    assert "上一级文件夹" in page.inner_text("#ck-result")
    removed = [f"materials/{DELETED[0]}/index.html"]
    assert editions.v2.changes is not None and editions.v2.changes.removed == removed
    assert listed(page, "removable") == removed
    assert listed(page, "missing") == listed(page, "damaged") == listed(page, "extra") == []
    assert page.get_attribute("#ck-origin", "data-state") == "ok" and "相同" in page.inner_text("#ck-origin")
    shoot(page, "offline-check-update.png", "#ck-result")
    assert sums_check(folder).returncode == 0  # a Linux terminal's check agrees
    report = verify_path(folder)  # and so does the Python tool, which lists the same file as removable
    assert report.ok and report.removable == removed
    (folder / removed[0]).unlink()
    (folder / removed[0]).parent.rmdir()
    reference = editions.unpacked(editions.v2, "v2-reference")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(
        p.relative_to(reference).as_posix() for p in reference.rglob("*") if p.is_file()
    ), "after deleting the removable file, the copy is the new edition, file for file"


def test_apply_takes_a_copy_updated_by_unzipping_and_removes_what_that_left(editions):
    folder = editions.unpacked(editions.v1, "unzip-then-apply")
    extract_zip(editions.v2.update_path, folder.parent)
    leftover = folder / "materials" / DELETED[0] / "index.html"
    assert leftover.is_file()
    result = apply_update(editions.v3.update_path, folder)
    assert result.report is not None and result.report.ok
    assert not leftover.exists()
    reference = editions.unpacked(editions.v3, "v3-reference")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == sorted(
        p.relative_to(reference).as_posix() for p in reference.rglob("*")
    )
    assert all((folder / p).read_bytes() == (reference / p).read_bytes() for p in (MANIFEST, MANIFEST_JS, SUMS, SIGNATURES))


def test_the_update_package_carries_the_new_editions_manifest_in_all_its_forms(editions, tmp_path):
    extract_zip(editions.v2.update_path, tmp_path)
    new = editions.unpacked(editions.v2, "v2-for-package")
    inside = tmp_path / editions.v2.manifest.folder
    for name in (MANIFEST, MANIFEST_JS, SUMS, SIGNATURES):
        assert (inside / name).read_bytes() == (new / name).read_bytes(), name
    assert not (inside / CHECK_PAGE).exists()  # unchanged since v1, so not carried


def test_sha256sum_passes_on_a_fresh_copy_and_fails_on_a_tampered_one(editions):
    folder = editions.unpacked(editions.v2, "sums")
    fresh = sums_check(folder)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    lines = fresh.stdout.splitlines()
    assert len(lines) == len(editions.v2.manifest.files) + 2 and all(line.endswith(": OK") for line in lines)
    assert f"{CHECK_PAGE}: OK" in lines and f"{MANIFEST}: OK" in lines and f"{SIGNATURES}: OK" in lines
    page = folder / "about.html"
    data = bytearray(page.read_bytes())
    data[100] ^= 0x20
    page.write_bytes(bytes(data))
    (folder / "offline.html").unlink()
    tampered = sums_check(folder)
    assert tampered.returncode == 1
    assert "about.html: FAILED" in tampered.stdout and "offline.html: FAILED open or read" in tampered.stdout
    assert "WARNING: 1 computed checksum did NOT match" in tampered.stderr


def test_the_offline_home_and_every_footer_show_edition_date_and_version(editions, terminal):
    folder = editions.unpacked(editions.v2, "home")
    page = terminal.new_page()
    page.goto((folder / "index.html").as_uri())
    box = page.inner_text(".sp-edition")
    version = editions.v2.version
    assert "本离线版：完整版" in box and "生成于 2026-06-08 02:00" in box and f"版本号 {version}" in box
    stamp = f"离线版 · 完整版 · 生成于 2026-06-08 02:00 · 版本号 {version} · 检查是否完整"
    assert page.inner_text(".sp-stamp") == stamp
    shoot(page, "offline-home.png")
    page.click("text=检查这份离线版是否完整（校验.html）")
    page.wait_for_load_state()
    assert page.url.endswith("/%E6%A0%A1%E9%AA%8C.html") and page.inner_text("h1").startswith("校验离线版")
    material = next(f.path for f in editions.v2.manifest.files if f.path.startswith("materials/") and f.path.endswith("index.html"))
    page.goto((folder / material).as_uri())
    assert page.inner_text(".sp-stamp") == stamp
    shoot(page, "offline-footer.png", ".md-footer-meta")
    page.click(".sp-stamp a")
    page.wait_for_load_state()
    assert page.url == (folder / CHECK_PAGE).as_uri()


def test_the_web_site_shows_no_offline_stamp(sample_site, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((sample_site / "index.html").as_uri())
        assert page.locator(".sp-edition").is_hidden() and page.locator(".sp-stamp").is_hidden()
        assert not (sample_site / CHECK_PAGE).exists()
    finally:
        context.close()


def test_without_web_crypto_the_bundled_sha256_gives_the_same_verdicts(editions, terminal):
    terminal.add_init_script("delete Crypto.prototype.subtle")
    folder = editions.unpacked(editions.v2, "no-webcrypto")
    page = open_check_page(terminal, folder)
    assert page.evaluate("typeof crypto.subtle") == "undefined"
    assert pick(page, folder, wait_until) == "intact"
    assert page.get_attribute("[data-sp-method]", "data-sp-method") == "js"
    assert page.get_attribute("#ck-origin", "data-state") == "unavailable"
    assert "不能核对签名" in page.inner_text("#ck-origin")
    (folder / "about.html").write_bytes((folder / "about.html").read_bytes().replace(b"<", b">", 1))
    page = open_check_page(terminal, folder)
    assert pick(page, folder, wait_until) == "broken" and listed(page, "damaged") == ["about.html"]


def rewrite_manifest(folder: Path, changed: str, sign_with: Path | None) -> None:
    """A copy rewritten consistently: a page changed and every checksum made to match, signed again only with ``sign_with``."""
    path = folder / MANIFEST
    manifest = parse_manifest(path.read_bytes(), "test")
    keys = load_signing_keys([sign_with]) if sign_with else []
    if keys:
        (folder / PINNED_KEY).write_bytes(keys[0].public.pem())
    entries = []
    for f in manifest.files:
        if f.path in (changed, PINNED_KEY):
            data = (folder / f.path).read_bytes()
            f = FileEntry(f.path, len(data), sha256(data), f.title)
        entries.append(f)
    manifest.files = entries
    manifest.id = manifest.content_id()
    path.write_bytes(manifest.to_json())
    if keys:
        (folder / SIGNATURES).write_bytes(sign(manifest.to_json(), MANIFEST, keys))
    write_checksums(folder, manifest)


def test_a_copy_rewritten_to_match_itself_fails_on_its_signature(editions, terminal):
    folder = editions.unpacked(editions.v1, "consistent-forgery")
    (folder / "about.html").write_text("<p>伪造的页面</p>\n", encoding="utf-8")
    rewrite_manifest(folder, "about.html", sign_with=None)
    assert sums_check(folder).returncode == 0  # checksums alone cannot tell
    page = open_check_page(terminal, folder)
    assert pick(page, folder, wait_until) == "untrusted"
    assert page.inner_text("#ck-result h2") == "来源核对未通过"
    assert page.get_attribute("#ck-origin", "data-state") == "bad" and "签名之后被改动过" in page.inner_text("#ck-origin")
    assert listed(page, "damaged") == []
    assert not verify_path(folder).ok


def test_a_copy_signed_with_another_key_is_flagged_on_a_computer_that_knew_the_old_one(editions, terminal):
    genuine = editions.unpacked(editions.v1, "genuine")
    page = open_check_page(terminal, genuine)
    assert pick(page, genuine, wait_until) == "intact"  # remembered: the county's key
    forged = editions.unpacked(editions.v1, "forged-key")
    (forged / "about.html").write_text("<p>伪造的页面</p>\n", encoding="utf-8")
    rewrite_manifest(forged, "about.html", sign_with=editions.other_key)
    page = open_check_page(terminal, forged)
    assert pick(page, forged, wait_until) == "untrusted"
    origin = page.inner_text("#ck-origin")
    assert page.get_attribute("#ck-origin", "data-state") == "changed" and "和这台电脑上次校验时记住的" in origin
    page.click("#ck-accept")  # the administrator has asked the county: it really is their new key
    page = open_check_page(terminal, forged)
    assert pick(page, forged, wait_until) == "intact"


def test_picking_an_unrelated_folder_says_so(editions, terminal, tmp_path):
    folder = editions.unpacked(editions.v1, "right-page")
    write(tmp_path / "照片", "2026/1.jpg", b"\xff\xd8\xff")
    page = open_check_page(terminal, folder)
    assert pick(page, tmp_path / "照片", wait_until) == "wrong"
    assert "选错了文件夹" in page.inner_text("#ck-result")


def test_a_copy_of_thousands_of_files_shows_its_progress(terminal, tmp_path):
    """The page hashes in turns and keeps answering: progress is seen moving while it works."""
    folder = synthetic_copy(tmp_path, 3000, size=3000)
    page = open_check_page(terminal, folder)
    page.set_input_files("#ck-folder", str(folder))
    seen = set()
    while page.evaluate("document.getElementById('ck-result').hidden"):
        seen.add(page.evaluate("Number(document.getElementById('ck-progress').getAttribute('data-done') || 0)"))
    assert page.get_attribute("#ck-result", "data-state") == "intact"
    moving = {n for n in seen if 0 < n < 3003}
    assert len(moving) >= 3, f"progress seen while hashing: {sorted(seen)}"
    assert "正在核对" in page.inner_text("#ck-progress") or "核对完毕" in page.inner_text("#ck-progress")


def test_the_help_page_shows_the_screenshots_the_tests_take():
    text = (ROOT / "studyportal" / "help" / "offline.md").read_text(encoding="utf-8")
    shown = re.findall(r"\]\(images/([^)]+\.png)\)", text)
    assert sorted(set(shown)) == sorted(SHOTS), "offline.md shows exactly the screenshots this module takes"
    assert sorted(p.name for p in HELP_IMAGES.glob("*.png")) == sorted(SHOTS), "no stale pictures in the wheel"
    for name in SHOTS:
        data = (HELP_IMAGES / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) < 80_000, (name, len(data))


def test_checking_page_files_are_in_every_copy_and_named_for_usb_sticks(editions):
    folder = editions.unpacked(editions.v2, "names")
    listed_paths = {f.path for f in editions.v2.manifest.files}
    for name in (CHECK_PAGE, "assets/studyportal/check.js", "assets/studyportal/sha256.js", "assets/studyportal/stamp.js"):
        assert name in listed_paths and (folder / name).is_file()
    for name in (MANIFEST_JS, SUMS):  # written from the manifest, so not listed in it
        assert name not in listed_paths and (folder / name).is_file()

"""Signed offline editions: `studyportal keygen`, `bundle --key`, and `verify` / `apply` checking who published an update."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from studyportal.bundle.archive import extract_zip
from studyportal.bundle.checksums import write_checksums
from studyportal.bundle.manifest import FileEntry, apply_patch, parse_manifest
from studyportal.bundle.signing import (
    PINNED_KEY,
    SIGNATURES,
    UPDATE_SIGNATURES,
    check,
    load_public_key,
    load_signing_key,
    sign,
)
from tests.helpers import ROOT, copy_project, load_sample

pytestmark = pytest.mark.slow  # the signed editions are built with the real generator

CATALOG = load_sample().catalog
CHANGED = CATALOG.curricula["member"].materials()[2]
FOLDER = "studyportal-all"
FAKE = "伪造的通知：请扫码缴纳党费。"


def run_cli(*args: str, env_key: Path | None = None) -> subprocess.CompletedProcess:
    """The real command, without any signing key from the environment unless ``env_key`` is given."""
    env = {k: v for k, v in os.environ.items() if k != "STUDYPORTAL_SIGNING_KEY"}
    if env_key is not None:
        env["STUDYPORTAL_SIGNING_KEY"] = str(env_key)
    return subprocess.run([sys.executable, "-m", "studyportal.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)


def keygen(out: Path) -> tuple[Path, Path]:
    result = run_cli("keygen", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "studyportal-signing.key", out / "studyportal-signing.pub"


class Built:
    """One edition built with ``studyportal bundle``: its zip, its update package (with --since), and what it printed."""

    def __init__(self, zip_path: Path, out: subprocess.CompletedProcess) -> None:
        self.zip = zip_path
        updates = list(zip_path.parent.glob("*-update-*.zip"))
        self.update = updates[0] if updates else None
        self.stdout, self.stderr = out.stdout, out.stderr


class World:
    """Two keys (A, B) and editions of a small portal signed in different ways.

    v1 (A), v1u (unsigned); after one material changes: v2a (A), v2u (unsigned), v2b (B), v2rot (B then A),
    all since v1, and v2uu (unsigned) and v2ua (A), since v1u; after another change: v3a (A only) and v3b (B), since v2rot.
    """

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.a_key, self.a_pub = keygen(tmp / "keys-a")
        self.b_key, self.b_pub = keygen(tmp / "keys-b")
        self.project = copy_project(tmp / "project")
        self.v1 = self.bundle("v1", env_key=self.a_key)  # the key from STUDYPORTAL_SIGNING_KEY
        self.v1u = self.bundle("v1u")
        self.change("新增一段学习要求：每月交流一次。")
        self.v2a = self.bundle("v2a", self.v1, self.a_key)
        self.v2u = self.bundle("v2u", self.v1)
        self.v2b = self.bundle("v2b", self.v1, self.b_key)
        self.v2rot = self.bundle("v2rot", self.v1, self.b_key, self.a_key)
        self.v2uu = self.bundle("v2uu", self.v1u)
        self.v2ua = self.bundle("v2ua", self.v1u, self.a_key)
        self.change("再补充一条：每季度讲一次党课。")
        self.v3a = self.bundle("v3a", self.v2rot, self.a_key)
        self.v3b = self.bundle("v3b", self.v2rot, self.b_key)

    def change(self, text: str) -> None:
        source = next(
            p
            for p in (self.project / "materials").rglob("*.md")
            if p.stem == CHANGED.slug or f"slug: {CHANGED.slug}\n" in p.read_text(encoding="utf-8")
        )
        source.write_text(source.read_text(encoding="utf-8") + f"\n\n{text}\n", encoding="utf-8")

    def bundle(self, name: str, since: Built | None = None, *keys: Path, env_key: Path | None = None) -> Built:
        zip_path = self.tmp / name / f"{name}.zip"
        args = ["bundle", "-f", str(self.project / "mkdocs.yml"), "-o", str(zip_path)]
        args += ["--since", str(since.zip)] if since else []
        for key in keys:
            args += ["--key", str(key)]
        out = run_cli(*args, env_key=env_key)
        assert out.returncode == 0, out.stderr
        return Built(zip_path, out)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(tmp_path_factory.mktemp("signing"))


def unpacked(built: Built, dest: Path) -> Path:
    extract_zip(built.zip, dest)
    return dest / FOLDER


def read(zip_path: Path, name: str) -> bytes:
    with zipfile.ZipFile(zip_path, metadata_encoding="gbk") as zf:
        return zf.read(name)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def tampered(update: Path, base_zip: Path, out: Path, resign_with: Path | None = None, drop_signature: bool = False) -> Path:
    """What an attacker can do without the county's key: rewrite a page and every hash that mentions it, consistently."""
    with zipfile.ZipFile(update, metadata_encoding="gbk") as zf:
        items = {i.filename: zf.read(i) for i in zf.infolist()}
    info = json.loads(items["update.json"])
    page = next(n for n in sorted(items) if n.startswith(f"{FOLDER}/materials/") and n.endswith(".html"))
    assert b"</h1>" in items[page]
    items[page] = items[page].replace(b"</h1>", f"</h1><p>{FAKE}</p>".encode(), 1)
    size, digest = len(items[page]), hashlib.sha256(items[page]).hexdigest()
    for entry in info["files"]:
        if entry["path"] == page:
            entry.update(size=size, sha256=digest)
    for entry in info["manifest"]["files"]:
        if entry["path"] == page.removeprefix(f"{FOLDER}/"):
            entry.update(size=size, sha256=digest)
    old = parse_manifest(read(base_zip, f"{FOLDER}/manifest.json"), "old manifest")
    info["manifest"]["id"] = info["target"]["id"] = apply_patch(old, info["manifest"], info["delete"]).content_id()
    items["update.json"] = (json.dumps(info, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if drop_signature:
        items.pop(UPDATE_SIGNATURES, None)
    if resign_with is not None:
        items[UPDATE_SIGNATURES] = sign(items["update.json"], "update.json", [load_signing_key(resign_with)])
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)
    return out


# --- keys ---------------------------------------------------------------------------------------


def test_keygen_writes_a_working_key_pair_and_never_overwrites_it(tmp_path):
    out = run_cli("keygen", "--out", str(tmp_path / "keys"))
    assert out.returncode == 0, out.stderr
    private, public = tmp_path / "keys" / "studyportal-signing.key", tmp_path / "keys" / "studyportal-signing.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    signer, key = load_signing_key(private), load_public_key(public)
    assert signer.public == key
    signature = sign(b"manifest bytes", "manifest.json", [signer])
    assert check(b"manifest bytes", "manifest.json", signature, key, "x", "y").ok
    assert not check(b"manifest bytes!", "manifest.json", signature, key, "x", "y").ok
    # a manifest's signature never passes for an update's, even over the same bytes
    assert not check(b"manifest bytes", "update.json", signature, key, "x", "y").ok
    for words in (str(private), str(public), key.short, "不能提交到代码仓库", "不能拷到终端", "备份", "--key"):
        assert words in out.stdout, words
    before = private.read_bytes(), public.read_bytes()
    again = run_cli("keygen", "--out", str(tmp_path / "keys"))
    assert again.returncode == 1 and "已经存在" in again.stderr and "没有覆盖" in again.stderr and "Traceback" not in again.stderr
    assert (private.read_bytes(), public.read_bytes()) == before


def test_default_private_key_name_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "studyportal-signing.key"], cwd=ROOT, capture_output=True)
    assert ignored.returncode == 0


def test_wrong_key_files_are_clear_errors_before_any_build(world, tmp_path):
    out = run_cli("bundle", "-o", str(tmp_path / "dist"), "--key", str(tmp_path / "missing.key"))
    assert out.returncode == 1 and "找不到私钥文件" in out.stderr and "studyportal keygen" in out.stderr
    out = run_cli("bundle", "-o", str(tmp_path / "dist"), "--key", str(world.a_pub))
    assert out.returncode == 1 and "是公钥，不是私钥" in out.stderr
    out = run_cli("verify", str(world.v1.zip), "--pubkey", str(world.a_key))
    assert out.returncode == 2 and "是私钥" in out.stderr and "不能放到终端" in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "dist").exists()


# --- full editions ------------------------------------------------------------------------------


def test_signed_edition_pins_its_key_and_verifies(world):
    assert "已签名" in world.v1.stdout and not world.v1.stderr
    manifest = json.loads(read(world.v1.zip, f"{FOLDER}/manifest.json"))
    assert PINNED_KEY in {f["path"] for f in manifest["files"]}
    assert read(world.v1.zip, f"{FOLDER}/{PINNED_KEY}") == world.a_pub.read_bytes()
    assert read(world.v1.zip, f"{FOLDER}/{SIGNATURES}")
    out = run_cli("verify", str(world.v1.zip))
    assert out.returncode == 0 and "签名核对通过" in out.stdout and load_public_key(world.a_pub).short in out.stdout
    assert run_cli("verify", str(world.v1.zip), "--pubkey", str(world.a_pub)).returncode == 0
    out = run_cli("verify", str(world.v1.zip), "--pubkey", str(world.b_pub))
    assert out.returncode == 1 and "签名核对未通过" in out.stdout and "不是公钥文件" in out.stdout


def test_unsigned_edition_warns_when_built_and_says_so_when_verified(world):
    assert "警告" in world.v1u.stderr and "没有签名" in world.v1u.stderr and "--allow-unsigned" in world.v1u.stderr
    out = run_cli("verify", str(world.v1u.zip))
    assert out.returncode == 0 and "本版没有签名" in out.stdout
    out = run_cli("verify", str(world.v1u.zip), "--pubkey", str(world.a_pub))
    assert out.returncode == 1 and "没有签名" in out.stdout


def test_a_rewritten_full_edition_is_caught(world, tmp_path):
    folder = unpacked(world.v1, tmp_path / "copy")
    page = folder / "materials" / CHANGED.slug / "index.html"
    page.write_bytes(page.read_bytes().replace(b"</h1>", f"</h1><p>{FAKE}</p>".encode(), 1))
    manifest = parse_manifest((folder / "manifest.json").read_bytes(), "manifest")
    rel = page.relative_to(folder).as_posix()
    data = page.read_bytes()
    entry = FileEntry(rel, len(data), hashlib.sha256(data).hexdigest(), manifest.by_path()[rel].title)
    manifest.files = [entry if f.path == rel else f for f in manifest.files]
    manifest.id = manifest.content_id()
    (folder / "manifest.json").write_bytes(manifest.to_json())
    out = run_cli("verify", str(folder))
    assert out.returncode == 1 and "被改动过" in out.stdout and "县委组织部" in out.stdout
    # swapping in one's own key makes the copy consistent again: only the county's public key tells
    (folder / PINNED_KEY).write_bytes(world.b_pub.read_bytes())
    data = (folder / PINNED_KEY).read_bytes()
    manifest.files = [FileEntry(f.path, len(data), hashlib.sha256(data).hexdigest()) if f.path == PINNED_KEY else f for f in manifest.files]
    manifest.id = manifest.content_id()
    (folder / "manifest.json").write_bytes(manifest.to_json())
    (folder / SIGNATURES).write_bytes(sign(manifest.to_json(), "manifest.json", [load_signing_key(world.b_key)]))
    write_checksums(folder, manifest)  # SHA256SUMS and manifest.js rewritten to match too
    assert run_cli("verify", str(folder)).returncode == 0
    out = run_cli("verify", str(folder), "--pubkey", str(world.a_pub))
    assert out.returncode == 1 and "不是公钥文件" in out.stdout


# --- updates ------------------------------------------------------------------------------------


def test_signed_update_applies_to_a_copy_pinned_to_the_same_key(world, tmp_path):
    assert "删除" not in world.v2a.stdout and "签名公钥" not in world.v2a.stdout  # the change list: one page, same key
    folder = unpacked(world.v1, tmp_path / "copy")
    out = run_cli("verify", str(world.v2a.update), "--against", str(folder))
    assert out.returncode == 0 and "签名核对通过" in out.stdout
    out = run_cli("apply", str(world.v2a.update), str(folder))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "签名核对通过" in out.stdout and "校验通过" in out.stdout
    reference = unpacked(world.v2a, tmp_path / "reference")
    assert snapshot(folder) == snapshot(reference)  # manifest.sig included: the copy is signed like the full edition
    assert run_cli("verify", str(folder), "--pubkey", str(world.a_pub)).returncode == 0


def test_verify_of_an_update_without_a_trusted_key_checks_integrity_only(world):
    out = run_cli("verify", str(world.v2a.update))
    assert out.returncode == 0 and "只核对了完整性" in out.stdout and "--against" in out.stdout


def test_unsigned_update_is_refused_by_a_pinned_copy(world, tmp_path):
    folder = unpacked(world.v1, tmp_path / "copy")
    before = snapshot(folder)
    for extra in ([], ["--allow-unsigned"]):
        out = run_cli("apply", str(world.v2u.update), str(folder), *extra)
        assert out.returncode == 1 and "Traceback" not in out.stderr
        assert "没有签名" in out.stderr and "没有做任何改动" in out.stderr and "县委组织部" in out.stderr
        assert snapshot(folder) == before
    assert "不起作用" in out.stderr  # --allow-unsigned does not weaken a pinned copy
    out = run_cli("verify", str(world.v2u.update), "--against", str(folder))
    assert out.returncode == 1 and "没有签名" in out.stdout


def test_a_copy_without_a_pinned_key_takes_unsigned_updates_only_when_told(world, tmp_path):
    folder = unpacked(world.v1u, tmp_path / "copy")
    before = snapshot(folder)
    out = run_cli("apply", str(world.v2uu.update), str(folder))
    assert out.returncode == 1 and "还没有绑定公钥" in out.stderr and "--pubkey" in out.stderr and "--allow-unsigned" in out.stderr
    assert snapshot(folder) == before
    out = run_cli("verify", str(world.v2uu.update), "--against", str(folder))
    assert out.returncode == 0 and "没有绑定公钥" in out.stdout and "--pubkey" in out.stdout
    out = run_cli("apply", str(world.v2uu.update), str(folder), "--allow-unsigned")
    assert out.returncode == 0, out.stderr
    assert "没有核对更新包的来源" in out.stdout and "已更新" in out.stdout
    assert snapshot(folder) == snapshot(unpacked(world.v2uu, tmp_path / "reference"))


def test_update_signed_by_another_key_is_refused(world, tmp_path):
    folder = unpacked(world.v1, tmp_path / "copy")
    before = snapshot(folder)
    out = run_cli("apply", str(world.v2b.update), str(folder))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    a, b = load_public_key(world.a_pub).short, load_public_key(world.b_pub).short
    assert "签名不是" in out.stderr and a in out.stderr and b in out.stderr and "县委组织部" in out.stderr
    assert snapshot(folder) == before
    assert run_cli("verify", str(world.v2b.update), "--against", str(folder)).returncode == 1
    assert run_cli("verify", str(world.v2b.update), "--pubkey", str(world.b_pub)).returncode == 0  # well signed, by someone else


@pytest.mark.parametrize("attack", ["keep-signature", "drop-signature", "own-key"])
def test_tampered_but_consistent_update_is_refused(world, tmp_path, attack):
    bad = tampered(
        world.v2a.update,
        world.v1.zip,
        tmp_path / "update.zip",
        resign_with=world.b_key if attack == "own-key" else None,
        drop_signature=attack == "drop-signature",
    )
    assert run_cli("verify", str(bad)).returncode == 0  # every hash agrees: integrity alone cannot see it
    folder = unpacked(world.v1, tmp_path / "copy")
    before = snapshot(folder)
    expected = {"keep-signature": "被改动过", "drop-signature": "没有签名", "own-key": "签名不是"}[attack]
    out = run_cli("verify", str(bad), "--against", str(folder))
    assert out.returncode == 1 and expected in out.stdout and "签名核对未通过" in out.stdout
    out = run_cli("apply", str(bad), str(folder))
    assert out.returncode == 1, out.stdout + out.stderr
    assert expected in out.stderr and "没有做任何改动" in out.stderr and "县委组织部" in out.stderr and "Traceback" not in out.stderr
    assert snapshot(folder) == before
    assert FAKE.encode() not in b"".join(before.values())


def test_rotation_old_copies_accept_the_bridge_release_then_trust_only_the_new_key(world, tmp_path):
    assert len(json.loads(read(world.v2rot.zip, f"{FOLDER}/{SIGNATURES}"))["signatures"]) == 2
    assert read(world.v2rot.zip, f"{FOLDER}/{PINNED_KEY}") == world.b_pub.read_bytes()  # the first --key is pinned
    assert f"绑定的签名公钥：换成指纹为 {load_public_key(world.b_pub).short}" in world.v2rot.stdout
    folder = unpacked(world.v1, tmp_path / "copy")  # pinned to the old key A
    out = run_cli("apply", str(world.v2rot.update), str(folder))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "新公钥" in out.stdout and load_public_key(world.b_pub).short in out.stdout
    assert (folder / PINNED_KEY).read_bytes() == world.b_pub.read_bytes()
    for key in (world.a_pub, world.b_pub):  # the bridge edition is signed by both
        assert run_cli("verify", str(folder), "--pubkey", str(key)).returncode == 0
    # after the bridge release, the old key is retired: a package signed only with it is refused
    assert "不在这次签名用的密钥里" in world.v3a.stderr  # and bundle said so when it was made
    before = snapshot(folder)
    out = run_cli("apply", str(world.v3a.update), str(folder))
    assert out.returncode == 1 and "签名不是" in out.stderr and "没有做任何改动" in out.stderr
    assert snapshot(folder) == before
    out = run_cli("apply", str(world.v3b.update), str(folder))
    assert out.returncode == 0, out.stdout + out.stderr
    assert snapshot(folder) == snapshot(unpacked(world.v3b, tmp_path / "reference"))


def test_a_copy_without_a_pinned_key_checks_a_signed_update_against_pubkey_and_then_pins_it(world, tmp_path):
    assert "--pubkey" in world.v2ua.stderr  # bundle warned: the copies of the unsigned v1u pin no key yet
    folder = unpacked(world.v1u, tmp_path / "copy")
    before = snapshot(folder)
    out = run_cli("apply", str(world.v2ua.update), str(folder))
    assert out.returncode == 1 and "还没有绑定公钥" in out.stderr
    out = run_cli("apply", str(world.v2ua.update), str(folder), "--pubkey", str(world.b_pub))
    assert out.returncode == 1 and "签名不是公钥文件" in out.stderr and "没有做任何改动" in out.stderr
    assert snapshot(folder) == before
    out = run_cli("apply", str(world.v2ua.update), str(folder), "--pubkey", str(world.a_pub))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "签名核对通过" in out.stdout and "从此绑定了公钥" in out.stdout
    assert (folder / PINNED_KEY).read_bytes() == world.a_pub.read_bytes()
    assert snapshot(folder) == snapshot(unpacked(world.v2ua, tmp_path / "reference"))

"""The manifest for tools without Python: ``SHA256SUMS`` for ``sha256sum -c``, ``manifest.js`` for ``校验.html``.

Both are written from ``manifest.json`` (and ``manifest.sig``) after them, and both are functions of
those bytes, so ``apply`` and ``verify`` can rebuild them and compare byte for byte:

- ``SHA256SUMS`` lists every file of the copy except itself and ``manifest.js``, in GNU coreutils'
  format (``<hex>  <path>``, sorted), so ``cd 文件夹 && sha256sum -c SHA256SUMS`` checks the copy.
- ``manifest.js`` sets ``window.studyportalManifest`` (a browser cannot read a JSON file over
  ``file://``, but it can run a script): the exact text of ``manifest.json``, which its signature
  covers, and the size and SHA-256 of the files the manifest cannot list (itself, its signature,
  ``SHA256SUMS``).

An update package carries the new edition's three (``update.py``), so unzipping it over the old copy
leaves a copy whose checking page knows the new edition, including which old files it no longer has.
"""

from __future__ import annotations

import json
from pathlib import Path

from studyportal.bundle.archive import Source, Unreadable
from studyportal.bundle.formats import MANIFEST, sha256
from studyportal.bundle.manifest import Manifest
from studyportal.bundle.signing import PINNED_KEY, SIGNATURES, read_optional
from studyportal.problems import Problem

SUMS = "SHA256SUMS"
MANIFEST_JS = "manifest.js"
CHECK_FORMAT = "studyportal-check/1"  # checkcore.js FORMAT
# Beside manifest.json and not listed in it; an update package carries the new edition's (with manifest.sig).
DERIVED = (SUMS, MANIFEST_JS)
UNLISTED = frozenset({MANIFEST, SIGNATURES, *DERIVED})
_RECOPY = "从完整的离线版重新拷贝"


def sums_text(manifest: Manifest, manifest_bytes: bytes, signatures: bytes | None) -> bytes:
    """``SHA256SUMS``: every file of the manifest, ``manifest.json`` and ``manifest.sig``, sorted by path."""
    digests = {f.path: f.sha256 for f in manifest.files}
    digests[MANIFEST] = sha256(manifest_bytes)
    if signatures is not None:
        digests[SIGNATURES] = sha256(signatures)
    # Our paths never hold a backslash or a line break, the two characters the format would have to escape.
    return "".join(f"{digests[p]}  {p}\n" for p in sorted(digests)).encode("utf-8")


def manifest_script(manifest_bytes: bytes, signatures: bytes | None, sums: bytes) -> bytes:
    """``manifest.js``: the manifest's exact text and the files it cannot list, for ``校验.html``."""
    unlisted = [{"path": MANIFEST, "size": len(manifest_bytes), "sha256": sha256(manifest_bytes)}]
    if signatures is not None:
        unlisted.append({"path": SIGNATURES, "size": len(signatures), "sha256": sha256(signatures)})
    unlisted.append({"path": SUMS, "size": len(sums), "sha256": sha256(sums)})
    data = {"format": CHECK_FORMAT, "manifest": manifest_bytes.decode("utf-8"), "unlisted": unlisted}
    # U+2028 and U+2029 end a string literal in browsers older than ES2019.
    text = json.dumps(data, ensure_ascii=False, indent=None).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    head = "/* 校验.html 用的校验清单（manifest.json 的原样内容），由 studyportal 生成，请勿修改。 */\n"
    return (head + "window.studyportalManifest = " + text + ";\n").encode("utf-8")


def derived_files(manifest: Manifest, manifest_bytes: bytes, signatures: bytes | None) -> dict[str, bytes]:
    """``SHA256SUMS`` and ``manifest.js`` as they must be for this manifest and signature file."""
    sums = sums_text(manifest, manifest_bytes, signatures)
    return {SUMS: sums, MANIFEST_JS: manifest_script(manifest_bytes, signatures, sums)}


def write_checksums(folder: Path, manifest: Manifest) -> None:
    """Write ``SHA256SUMS`` and ``manifest.js`` beside the ``manifest.json`` (and ``manifest.sig``) of ``folder``."""
    signatures = folder / SIGNATURES
    files = derived_files(manifest, (folder / MANIFEST).read_bytes(), signatures.read_bytes() if signatures.is_file() else None)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def checksum_problems(src: Source, manifest: Manifest) -> tuple[list[Problem], list[Problem]]:
    """Missing and damaged ``SHA256SUMS`` and ``manifest.js`` of an edition that has them (one with ``校验.html``)."""
    missing: list[Problem] = []
    corrupt: list[Problem] = []
    try:
        expected = derived_files(manifest, src.read(MANIFEST), read_optional(src, SIGNATURES))
    except Unreadable:
        return missing, corrupt  # manifest.json itself: reported by whoever read it
    names = set(src.names())
    for name, data in expected.items():
        if name not in names:
            missing.append(Problem(name, 0, "缺少这个文件", _RECOPY))
            continue
        try:
            same = src.read(name) == data
        except Unreadable:
            same = False
        if not same:
            corrupt.append(Problem(name, 0, "内容和 manifest.json 对不上（已损坏或被改动）", _RECOPY))
    return missing, corrupt


def leftovers(manifest: Manifest) -> frozenset[str]:
    """Files of the previous edition this one no longer has: an update unzipped over the old copy leaves them behind."""
    removed = set((manifest.changes or {}).get("removed") or [])
    if not any(f.path == PINNED_KEY for f in manifest.files):
        removed.add(SIGNATURES)  # an unsigned edition over a signed one
    return frozenset(removed)

"""Who published an offline edition: Ed25519 signatures over the exact bytes a copy trusts.

A full edition carries ``manifest.sig`` (signatures over ``manifest.json``) and pins the public key
it was signed with in ``signing-key.pub`` (listed in the manifest). An update package carries
``update.sig`` (signatures over ``update.json``, which lists the hash of every file it brings,
the new manifest and the files to delete). ``apply`` accepts an update only when one of its
signatures verifies against the key pinned in the installed copy, so a package rewritten by
someone else is refused even when all its hashes agree with each other.

Key rotation: one signature per key; the new edition pins the first key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from studyportal.bundle.archive import Source, Unreadable
from studyportal.bundle.errors import BundleError
from studyportal.bundle.formats import sha256
from studyportal.bundle.manifest import Manifest
from studyportal.problems import Problem

PRIVATE_KEY_NAME = "studyportal-signing.key"
PUBLIC_KEY_NAME = "studyportal-signing.pub"
KEY_ENV = "STUDYPORTAL_SIGNING_KEY"
PINNED_KEY = "signing-key.pub"  # at the top of every signed edition, listed in its manifest
SIGNATURES = "manifest.sig"  # beside manifest.json; not listed in it (it signs it)
UPDATE_SIGNATURES = "update.sig"  # beside update.json at the top of an update package
SIG_FORMAT = "studyportal-signature/1"
ASK_COUNTY = "请向县委组织部索取用正确密钥签名的更新包（或直接拷贝组织部发的完整新版），不要使用这个更新包"


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key; ``fingerprint`` is the SHA-256 of its 32 raw bytes."""

    raw: bytes

    @property
    def fingerprint(self) -> str:
        return sha256(self.raw)

    @property
    def short(self) -> str:
        """The first 128 bits of the fingerprint in groups of four, to read out over the phone."""
        return " ".join(self.fingerprint[i : i + 4] for i in range(0, 32, 4))

    def pem(self) -> bytes:
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """A private key loaded from ``path``."""

    path: Path
    private: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


# --- key files ----------------------------------------------------------------------------------


def generate_keys(out: Path) -> tuple[Path, Path, PublicKey]:
    """Write a new key pair into ``out`` (private key mode 0600); never overwrites an existing key."""
    private_path, public_path = out / PRIVATE_KEY_NAME, out / PUBLIC_KEY_NAME
    for path in (private_path, public_path):
        if path.exists():
            raise BundleError(
                f"{path} 已经存在，没有覆盖它：覆盖私钥后，已装的终端将不再接受新的更新包。"
                "确实要换新密钥时，用 --out 指定另一个文件夹，再按网站上“离线版”一页（offline/）里“换密钥”的办法做。"
            )
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    signer = SigningKey(private_path, key)
    try:
        out.mkdir(parents=True, exist_ok=True)
        _write_new(private_path, private_pem, 0o600)
        try:
            _write_new(public_path, signer.public.pem(), 0o644)
        except OSError:
            private_path.unlink(missing_ok=True)
            raise
    except FileExistsError as exc:
        raise BundleError(f"{exc.filename} 已经存在，没有覆盖它：用 --out 指定另一个文件夹") from exc
    except OSError as exc:
        raise BundleError(f"写不了密钥文件到 {out}（{exc.strerror or exc}）：检查文件夹的写入权限") from exc
    return private_path, public_path, signer.public


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``mode``; fails if it exists (no window in which another user could open it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        os.write(fd, data)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)  # whatever the umask
    finally:
        os.close(fd)


def load_signing_key(path: Path) -> SigningKey:
    """A private key file written by ``studyportal keygen`` (PEM, Ed25519, not encrypted)."""
    where = f"私钥文件 {path}"
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BundleError(
            f"找不到{where}：检查 --key 或环境变量 {KEY_ENV} 写的路径；还没有密钥时，先运行 studyportal keygen 生成一对"
        ) from exc
    except OSError as exc:
        raise BundleError(f"读不了{where}（{exc.strerror or exc}）：检查文件权限") from exc
    if b"PUBLIC KEY" in data and b"PRIVATE KEY" not in data:
        raise BundleError(f"{path} 是公钥，不是私钥：--key 要指定私钥文件（{PRIVATE_KEY_NAME}）")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as exc:
        raise BundleError(f"{where} 设了密码，studyportal 只能用不加密的私钥：请用 studyportal keygen 生成的私钥") from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise BundleError(
            f"{where} 不是有效的私钥（PEM 格式）：文件可能拷错或损坏了，请换成 studyportal keygen 生成的私钥或它的备份"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError(f"{where} 不是 Ed25519 私钥：请用 studyportal keygen 生成的私钥")
    return SigningKey(path, key)


def load_signing_keys(paths: Iterable[Path]) -> list[SigningKey]:
    """The keys of every ``--key``, in order, each key once."""
    keys: list[SigningKey] = []
    for path in paths:
        key = load_signing_key(path)
        if key.public not in [k.public for k in keys]:
            keys.append(key)
    return keys


def loose_permissions(path: Path) -> bool:
    """True when others than the owner may read the private key (POSIX only)."""
    try:
        return os.name == "posix" and bool(path.stat().st_mode & 0o077)
    except OSError:
        return False


def parse_public_key(data: bytes, where: str) -> PublicKey:
    """A PEM public key (as ``keygen`` writes and every signed edition pins)."""
    if b"PRIVATE KEY" in data:
        raise BundleError(
            f"{where} 是私钥，不是公钥：私钥绝不能放到终端上。请立即删除这份拷贝并告诉县委组织部；核对时请用公钥文件（{PUBLIC_KEY_NAME}）"
        )
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise BundleError(f"{where} 不是有效的公钥文件：请向县委组织部重新要一份公钥文件（{PUBLIC_KEY_NAME}）") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise BundleError(f"{where} 不是 Ed25519 公钥：请用 studyportal keygen 生成的公钥")
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def load_public_key(path: Path) -> PublicKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BundleError(f"找不到公钥文件 {path}：检查 --pubkey 写的路径") from exc
    except OSError as exc:
        raise BundleError(f"读不了公钥文件 {path}（{exc.strerror or exc}）：检查文件权限") from exc
    return parse_public_key(data, f"公钥文件 {path}")


def pinned_key(src: Source, manifest: Manifest) -> PublicKey | None:
    """The key an edition pins, when its manifest lists one; a file that differs from the list is an error."""
    entry = manifest.by_path().get(PINNED_KEY)
    if entry is None:
        return None
    where = f"{src.label} 里的 {PINNED_KEY}"
    try:
        data = src.read(PINNED_KEY)
    except Unreadable as exc:
        raise BundleError(f"{where}（本版信任的公钥）缺少或读不出来：请重新拷贝完整的离线版") from exc
    if sha256(data) != entry.sha256:
        raise BundleError(f"{where}（本版信任的公钥）和校验清单对不上，被改动过：请重新拷贝县委组织部发的完整离线版")
    return parse_public_key(data, where)


def in_unignored_git_tree(path: Path) -> bool:
    """True when ``path`` lies in a git working tree and git would not ignore it (so it could be committed)."""
    try:
        out = subprocess.run(["git", "check-ignore", "-q", path.name], cwd=path.parent, capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 1  # 0: ignored; 1: not ignored; 128: not a repository


# --- signatures ---------------------------------------------------------------------------------


def _message(signs: str, data: bytes) -> bytes:
    """What is signed: the format, the file name (so a manifest's signature never passes for an update's), the exact bytes."""
    return f"{SIG_FORMAT}\0{signs}\0".encode() + data


def sign(data: bytes, signs: str, keys: Sequence[SigningKey]) -> bytes:
    """The signature file for ``data`` (the bytes of the file named ``signs``): one signature per key."""
    entries = [
        {"key": k.public.fingerprint, "signature": base64.b64encode(k.private.sign(_message(signs, data))).decode("ascii")} for k in keys
    ]
    return (json.dumps({"format": SIG_FORMAT, "signs": signs, "signatures": entries}, indent=1) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Signature:
    key: str  # the fingerprint of the key that made it
    value: bytes


def parse_signatures(data: bytes, signs: str, where: str) -> list[Signature]:
    """The signatures of a ``.sig`` file; a damaged file is a :class:`BundleError`."""
    try:
        raw = json.loads(data.decode("utf-8"))
        if raw.get("format") != SIG_FORMAT or raw.get("signs") != signs:
            raise ValueError("format")
        found = [Signature(str(e["key"]), base64.b64decode(e["signature"], validate=True)) for e in raw["signatures"]]
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError, binascii.Error) as exc:
        raise BundleError(f"{where} 已损坏，读不出签名：请重新拷贝") from exc
    return found


@dataclass
class Verdict:
    """Whether ``trusted`` signed the data: ``problem`` (on the signed file) says what is wrong when it did not."""

    problem: Problem | None = None
    signers: tuple[str, ...] = ()  # fingerprints the signature file names

    @property
    def ok(self) -> bool:
        return self.problem is None


def check(data: bytes, signs: str, signatures: bytes | None, trusted: PublicKey, label: str, trusted_by: str) -> Verdict:
    """Does a signature in ``signatures`` (the ``.sig`` file, None when absent) verify ``data`` (the file ``signs``) with ``trusted``?

    ``label`` names what is checked ("更新包 x.zip"), ``trusted_by`` the trusted key ("离线版 D:\\… 绑定的公钥").
    """
    if signatures is None:
        return Verdict(
            Problem(signs, 0, f"{label} 没有签名，无法确认它来自县委组织部（应当有{trusted_by}对应的私钥签的名，公钥指纹 {trusted.short}）")
        )
    try:
        found = parse_signatures(signatures, signs, f"{label} 的签名文件")
    except BundleError as exc:
        return Verdict(Problem(signs, 0, exc.message))
    signers = tuple(dict.fromkeys(s.key for s in found))
    if any(trusted.verifies(s.value, _message(signs, data)) for s in found):
        return Verdict(signers=signers)
    if trusted.fingerprint in signers:
        message = f"{label} 在签名之后被改动过（{trusted_by}对应的签名和内容对不上）：里面的文件或清单被人改过，或者文件已经损坏"
        return Verdict(Problem(signs, 0, message), signers)
    shown = "、".join(short_fingerprint(s) for s in signers) or "（无）"
    message = (
        f"{label} 的签名不是{trusted_by}对应的私钥签的：签名用的公钥指纹是 {shown}，而{trusted_by}的指纹是 {trusted.short}。"
        "它可能是别人伪造的；如果组织部换了密钥，换密钥的那一版应当同时用新旧两把私钥签名"
    )
    return Verdict(Problem(signs, 0, message), signers)


def short_fingerprint(fingerprint: str) -> str:
    """``PublicKey.short`` for a fingerprint read from a signature file."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, min(32, len(fingerprint)), 4))


def read_optional(src: Source, name: str) -> bytes | None:
    """A file of ``src`` that may be absent (a signature file); unreadable counts as absent-but-present garbage."""
    if name not in src.names():
        return None
    try:
        return src.read(name)
    except Unreadable:
        return b""

"""This user's key for signing what builds keep on disk between runs (the build cache), kept outside every project.

A cache folder copied from elsewhere (committed to Git, unpacked from an archive) was signed with another
user's key, so nothing in it is trusted: its page results are not used and its pickled catalog entries
are never unpickled. :func:`keep_file` is how each of them writes an entry; :func:`keep_signed` and
:func:`read_signed` keep one signed answer in a file of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path


def _secret_path() -> Path:
    base = os.environ.get("LOCALAPPDATA") if os.name == "nt" else os.environ.get("XDG_CACHE_HOME")
    return Path(base or Path.home() / ".cache") / "studyportal" / "cache.key"


def local_secret() -> bytes | None:
    """This user's signing key for cache entries, made on first use; None when it cannot be kept."""
    path = _secret_path()
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path) if not path.exists() else os.unlink(tmp)
        data = path.read_bytes()
        return data if len(data) == 32 else None
    except OSError:
        return None


def keep_file(path: Path, *chunks: bytes) -> bool:
    """Write a cache file atomically (a killed build leaves no half entry); False where it cannot be kept (read-only, full disk)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


_SIGNED = b"SPS1"


def keep_signed(path: Path, name: str, body: bytes, *, kind: bytes = _SIGNED, secret: bytes | None = None) -> bool:
    """Keep ``body`` in a cache file signed with this user's key for ``name`` (what it is the answer to).

    ``kind``: four bytes that start the file (what sort of entry it is); ``secret``: the key, when the caller holds it.
    """
    secret = secret or local_secret()
    if secret is None:
        return False
    return keep_file(path, kind, _signature(secret, name, body), body)


def read_signed(path: Path, name: str, *, kind: bytes = _SIGNED, secret: bytes | None = None) -> bytes | None:
    """What :func:`keep_signed` kept for ``name``, if it is there, whole and signed by this user; else None."""
    secret = secret or local_secret()
    if secret is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(kind) + 32
    body = data[head:]
    if data[: len(kind)] != kind or not hmac.compare_digest(data[len(kind) : head], _signature(secret, name, body)):
        return None
    return body


def _signature(secret: bytes, name: str, body: bytes) -> bytes:
    return hmac.new(secret, name.encode("utf-8") + b"\0" + body, hashlib.sha256).digest()

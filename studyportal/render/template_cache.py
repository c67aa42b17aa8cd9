"""Compiled page templates kept between builds, signed: a warm build does not compile the theme's templates again.

Jinja compiles every template a build uses (Material's and the tool's, a few dozen) into Python code each
time. Kept in the build cache (``.studyportal-cache/templates/``), a compiled template is used again when
Jinja's own check finds the template's source unchanged. What Jinja keeps is Python code it would run, so
every entry is signed with this user's key (``local_secret.py``); an entry from elsewhere, or one that
fails its signature, is ignored and the template compiled afresh.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from studyportal.local_secret import keep_file, local_secret

TEMPLATES_DIR = "templates"
_FORMAT = b"SPT1"


class SignedTemplateCache(BytecodeCache):
    """Jinja's bytecode cache, one signed file per template."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.secret = local_secret()

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.bin"

    def _sign(self, key: str, body: bytes) -> bytes:
        assert self.secret is not None
        return hmac.new(self.secret, key.encode("ascii") + b"\0" + body, hashlib.sha256).digest()

    def load_bytecode(self, bucket: Bucket) -> None:
        if self.secret is None:
            return
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        head = len(_FORMAT) + 32
        body = data[head:]
        if data[: len(_FORMAT)] == _FORMAT and hmac.compare_digest(data[len(_FORMAT) : head], self._sign(bucket.key, body)):
            bucket.bytecode_from_string(body)  # Jinja checks its own version and the template's source checksum

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.secret is None:
            return
        body = bucket.bytecode_to_string()
        keep_file(self._path(bucket), _FORMAT, self._sign(bucket.key, body), body)

"""Compiled page templates kept between builds, signed: a warm build does not compile the theme's templates again.

Jinja compiles every template a build uses (Material's and the tool's, a few dozen) into Python code each
time. Kept in the build cache (``.studyportal-cache/templates/``), a compiled template is used again when
Jinja's own check finds the template's source unchanged. What Jinja keeps is Python code it would run, so
every entry is signed with this user's key (``local_secret.py``); an entry from elsewhere, or one that
fails its signature, is ignored and the template compiled afresh.
"""

from __future__ import annotations

from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from studyportal.local_secret import keep_signed, local_secret, read_signed

TEMPLATES_DIR = "templates"
_FORMAT = b"SPT1"


class SignedTemplateCache(BytecodeCache):
    """Jinja's bytecode cache, one signed file per template."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.secret = local_secret()

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.bin"

    def load_bytecode(self, bucket: Bucket) -> None:
        if self.secret is None:
            return
        body = read_signed(self._path(bucket), bucket.key, kind=_FORMAT, secret=self.secret)
        if body is not None:
            bucket.bytecode_from_string(body)  # Jinja checks its own version and the template's source checksum

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.secret is not None:
            keep_signed(self._path(bucket), bucket.key, bucket.bytecode_to_string(), kind=_FORMAT, secret=self.secret)

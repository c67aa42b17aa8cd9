"""The one error type of the bundle tools: a plain Chinese message naming the file and the fix."""

from __future__ import annotations


class BundleError(Exception):
    """Something a user can cause or fix (a bad zip, a missing manifest, a failed build)."""

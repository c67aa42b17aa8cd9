"""The error of the bundle tools: a plain Chinese message naming the file and the fix."""

from __future__ import annotations

from studyportal.errors import StudyportalError


class BundleError(StudyportalError):
    """Something a user can cause or fix (a bad zip, a missing manifest, a failed build)."""

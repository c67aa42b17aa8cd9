"""The one path every trainer-written string takes to the page: an allow-list, a URL filter and ``check``'s warnings."""

from studyportal.sanitize.html import sanitize_html

__all__ = ["sanitize_html"]

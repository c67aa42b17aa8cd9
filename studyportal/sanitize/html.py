"""Making rendered trainer HTML safe: no script, no event handlers, no frames, nothing loaded from outside."""

from __future__ import annotations

from functools import partial

import nh3

from studyportal.sanitize.policy import ATTRIBUTES, DROPPED_WITH_CONTENT, TAGS, allowed_classes, id_allowed
from studyportal.sanitize.urls import check_link, check_resource


def _filter(page_url: str, tag: str, attr: str, value: str) -> str | None:
    if attr == "src":
        return check_resource(value, page_url).value
    if attr == "href":
        return check_link(value, page_url).value
    if attr == "class":
        kept, _ = allowed_classes(value)
        return " ".join(kept) or None
    if attr == "id" and not id_allowed(value):
        return None
    return value


def sanitize_html(html: str, page_url: str = "") -> str:
    """Remove anything from rendered content that could run script, cover the page or load from outside.

    ``page_url`` is the page's site-relative URL (``materials/x/``), so that relative image paths can
    be checked to stay inside the site.
    """
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        attribute_filter=partial(_filter, page_url),
        strip_comments=True,
    )

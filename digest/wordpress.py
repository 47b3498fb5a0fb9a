"""Fields of a WordPress REST post that more than one stage reads.

Ingest turns them into hints and clean into metadata; both must agree on who
wrote a post, so the reading lives here once.
"""

from __future__ import annotations

from typing import Any


def post_author(post: dict[str, Any]) -> str | None:
    """The author's name, if the post carries one (the REST API usually gives only a numeric id)."""
    embedded = post.get("_embedded")
    if isinstance(embedded, dict):
        authors = embedded.get("author")
        if isinstance(authors, list) and authors and isinstance(authors[0], dict):
            name = authors[0].get("name")
            if isinstance(name, str) and name.strip():
                return name.strip()
    for key in ("author_name", "author"):
        value = post.get(key)
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            return value.strip()
    yoast = post.get("yoast_head_json")
    if not isinstance(yoast, dict):
        return None
    if isinstance(yoast.get("author"), str) and yoast["author"].strip():
        return yoast["author"].strip()
    misc = yoast.get("twitter_misc")
    if isinstance(misc, dict):
        for key, value in misc.items():
            if key.lower().startswith(("written by", "geschrieben von", "verfasst von")) and isinstance(value, str):
                return value.strip()
    return None

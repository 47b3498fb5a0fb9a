"""Delivery: how the daily digests reach people besides the day's files.

`site` builds the archive page (OUTDIR/index.html) and the Atom feed
(OUTDIR/feed.xml) from the days' JSON files; `mail` sends a day's digest by
e-mail. `digest.daily` calls them after the day's files are written; none of
them changes those files.
"""

from __future__ import annotations

from .mail import DeliveryError, Mail, send_digest
from .site import Day, day_linker, load_days, page_link, render_archive, render_feed

__all__ = [
    "Day",
    "DeliveryError",
    "Mail",
    "day_linker",
    "load_days",
    "page_link",
    "render_archive",
    "render_feed",
    "send_digest",
]

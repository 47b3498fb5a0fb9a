"""The archive page and the Atom feed of the daily digests, built from the days' JSON files.

Both are rebuilt whole on every run from what the folder holds, so they are
always true to it, and a re-run of a day gives the same bytes: nothing here
reads the clock. Every field from input goes through jinja2's autoescaping
(the feed's entry content is the day's HTML, escaped once more as Atom
requires for `type="html"`).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from ..render import html_env, html_from_json, html_summary, text_only

log = logging.getLogger(__name__)

FEED_ENTRIES = 30  # the feed carries the last 30 digests
TOP_HEADLINES = 5  # the archive shows this many headlines per day
_NOT_XML = re.compile("[\ufffe\uffff]")  # not characters in XML 1.0 (controls are gone already)


@dataclass(frozen=True)
class Day:
    """One day's digest as the folder holds it: its date, its JSON, and which of its files exist."""

    date: str  # YYYY-MM-DD
    data: dict[str, Any]
    has_html: bool
    has_md: bool


def load_days(out_dir: Path, dates: Sequence[str]) -> list[Day]:
    """The digests of `dates` (newest first, as the state lists them) whose JSON can be read; one line per bad one."""
    days = []
    for d in dates:
        path = out_dir / f"{d}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("stories"), list):
                raise ValueError("not a digest")
        except FileNotFoundError:
            continue  # the index lists only what the folder holds
        except (OSError, ValueError) as exc:
            log.warning("%s: left out of the archive and feed: %s", path, exc)
            continue
        days.append(Day(d, data, (out_dir / f"{d}.html").is_file(), (out_dir / f"{d}.md").is_file()))
    return days


def day_linker(days: Sequence[Day], *, extra: Sequence[str] = ()) -> Callable[[str], str | None]:
    """The relative link to a day's page: its HTML when written, else its Markdown, else none.

    `extra` names days whose HTML is being written in this run (not on disk yet).
    """
    pages = {d.date: f"{d.date}.html" if d.has_html else f"{d.date}.md" for d in days if d.has_html or d.has_md}
    pages |= {d: f"{d}.html" for d in extra}
    return lambda iso: pages.get((iso or "")[:10])


def page_link(out_dir: Path) -> Callable[[str], str | None]:
    """The relative link to an earlier day's page in `out_dir`: its HTML, else its Markdown, else none."""

    def link(iso: str) -> str | None:
        day = (iso or "")[:10]
        for name in (f"{day}.html", f"{day}.md"):
            if re.fullmatch(r"\d{4}-\d\d-\d\d\.(html|md)", name) and (out_dir / name).is_file():
                return name
        return None

    return link


def _headlines(day: Day, link: Callable[[str], str | None]) -> list[dict[str, Any]]:
    out = []
    for i, story in enumerate(day.data.get("stories") or [], 1):
        first_seen = story.get("first_seen")
        updated = story.get("status") == "updated" and first_seen and first_seen != day.date
        out.append(
            {
                "headline": story.get("headline") or "(no headline)",
                "href": f"{day.date}.html#story-{i}" if day.has_html else link(day.date),
                "updated": bool(updated),
                "first_seen": first_seen if updated else None,
                "first_href": link(first_seen) if updated else None,
            }
        )
    return out


def render_archive(days: Sequence[Day]) -> str:
    """OUTDIR/index.html: every day, newest first, with its top headlines.

    An updated story says, and links to, the day it was first reported.
    """
    link = day_linker(days)
    rows = []
    for day in days:
        try:
            heads = _headlines(day, link)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            log.warning("%s.json: left out of the archive: not a digest (%s)", day.date, exc)
            continue
        rows.append(
            {
                "date": day.date,
                "href": link(day.date),
                "summary": html_summary(day.data),
                "headlines": heads[:TOP_HEADLINES],
                "more": max(0, len(heads) - TOP_HEADLINES),
            }
        )
    return html_env().get_template("index.html.j2").render(days=text_only(rows))


def _entry_id(feed_id: str, day: str) -> str:
    """A day's entry id: derived from the feed's id and the date, so a re-run keeps it."""
    try:
        ns = uuid.UUID(feed_id.removeprefix("urn:uuid:"))
    except ValueError:
        ns = uuid.uuid5(uuid.NAMESPACE_URL, feed_id)
    return f"urn:uuid:{uuid.uuid5(ns, day)}"


def _atom_time(iso: str | None, day: str) -> str:
    when = datetime.fromisoformat(iso) if iso else datetime.fromisoformat(f"{day}T00:00:00+00:00")
    return when.isoformat().replace("+00:00", "Z")


def render_feed(days: Sequence[Day], *, feed_id: str, base_url: str | None = None) -> str:
    """OUTDIR/feed.xml: an Atom feed of the last FEED_ENTRIES digests, each whole in its entry.

    Links are relative to the folder (resolved against `base_url` through
    xml:base when it is given). Dates are the digests' own `generated_at`, so
    the feed reads no clock and a re-run gives the same bytes.
    """
    link = day_linker(days)
    entries = []
    for day in list(days)[:FEED_ENTRIES]:
        title = f"Daily digest, {day.date}"
        try:
            when = _atom_time(day.data.get("generated_at"), day.date)
            body = html_from_json(day.data, title=title, standalone=False, day_href=link)
        except (AttributeError, KeyError, TypeError, ValueError, TemplateError) as exc:
            log.warning("%s.json: left out of the feed: not a digest (%s)", day.date, exc)
            continue
        entries.append(
            {
                "id": _entry_id(feed_id, day.date),
                "title": title,
                "updated": when,
                "href": link(day.date) or f"{day.date}.json",
                "summary": html_summary(day.data),
                "content": _NOT_XML.sub("", body),
            }
        )
    updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00Z")
    return (
        html_env()
        .get_template("feed.xml.j2")
        .render(feed_id=feed_id, base_url=base_url, updated=updated, entries=entries)
    )

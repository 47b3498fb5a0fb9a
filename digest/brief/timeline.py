"""A timeline of dated events, with relative dates resolved against each article's date.

News writes "on Monday", "last Friday", "yesterday". A reader of a briefing
days later needs the calendar date, and only the article that wrote the
sentence knows which Monday it meant, so each sentence is resolved against its
own article's publication date. Sentences from an article without a date keep
only their explicit calendar dates (with a year, or a month and day when the
year can be taken from the story).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Sequence

from digest.models.base import Embedder
from digest.types import Article, TimelineEvent

from .evidence import EvidenceSet
from .facts import MONTHS, WEEKDAYS, word_count
from .verify import trim_attribution

MERGE_SIMILARITY = 0.6
MAX_EVENT_WORDS = 45

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_I = re.IGNORECASE
_FULL_MDY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", _I)
_FULL_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", _I)
_MD = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{{4}})", _I)
_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b\.?(?!,?\s*\d{{4}})", _I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY = re.compile(
    r"\b(?:(last|this|next|this past|this coming|past)\s+(?:same\s+)?)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_RELATIVE = re.compile(r"\b(yesterday|today|tonight|tomorrow|last week|last month|next week)\b", re.IGNORECASE)


def _month(word: str) -> int | None:
    """A month only when written as one: capitalised ("May", "Nov."), not the verb "may"."""
    if not word[:1].isupper():
        return None
    return MONTHS.get(word.lower().rstrip("."))


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def resolve(text: str, published: date | datetime | None) -> list[date]:
    """Calendar dates that `text` refers to, earliest mention first.

    Explicit dates win; "Monday" means the latest Monday on or before
    `published`, "last Friday" the one before that day, "last week" seven days
    earlier, "yesterday" the day before.
    """
    if isinstance(published, datetime):
        published = published.date()
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, d: date | None) -> None:
        if d is not None and not any(s <= pos < e for s, e in taken):
            found.append((pos, d))
            taken.append((pos, end))

    for m in _ISO.finditer(text):
        add(m.start(), m.end(), _safe(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _FULL_MDY.finditer(text):
        mo = _month(m.group(1))
        add(m.start(), m.end(), mo and _safe(int(m.group(3)), mo, int(m.group(2))))
    for m in _FULL_DMY.finditer(text):
        mo = _month(m.group(2))
        add(m.start(), m.end(), mo and _safe(int(m.group(3)), mo, int(m.group(1))))
    if published is not None:
        for pattern, mi, di in ((_MD, 1, 2), (_DM, 2, 1)):
            for m in pattern.finditer(text):
                mo = _month(m.group(mi))
                if not mo:
                    continue
                d = _safe(published.year, mo, int(m.group(di)))
                if d and d > published + timedelta(days=31):
                    d = _safe(published.year - 1, mo, int(m.group(di)))
                add(m.start(), m.end(), d)
        for m in _WEEKDAY.finditer(text):
            target = WEEKDAYS[m.group(2).lower()]
            back = (published.weekday() - target) % 7
            which = (m.group(1) or "").lower()
            if which in ("last", "past", "this past") and back == 0:
                back = 7
            if which in ("next", "this coming"):
                add(m.start(), m.end(), published + timedelta(days=(target - published.weekday()) % 7 or 7))
            else:
                add(m.start(), m.end(), published - timedelta(days=back))
        for m in _RELATIVE.finditer(text):
            shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1, "last week": -7, "next week": 7}.get(m.group(1).lower())
            if shift is not None:
                add(m.start(), m.end(), published + timedelta(days=shift))
    return [d for _, d in sorted(found)]


def build(ev: EvidenceSet, articles: Sequence[Article], embedder: Embedder, *, limit: int = 8) -> list[TimelineEvent]:
    """Dated events of the story, merged across sources, in calendar order."""
    events: list[tuple[date, int, str]] = []  # (date, evidence index, text)
    for e in ev.sentences:
        if not e.selectable or word_count(e.text) > MAX_EVENT_WORDS:
            continue
        published = articles[e.source - 1].published
        days = resolve(e.text, published)
        if days:
            events.append((days[0], e.index, trim_attribution(e.text)))
    if not events:
        return []
    vecs = ev.vectors
    merged: list[dict] = []
    for day, idx, text in sorted(events, key=lambda t: (t[0], t[1])):
        for m in merged:
            if m["date"] == day and float(vecs[idx] @ vecs[m["index"]]) >= MERGE_SIMILARITY:
                m["citations"].add(ev.sentences[idx].source)
                break
        else:
            merged.append({"date": day, "index": idx, "text": text, "citations": {ev.sentences[idx].source}})
    # Keep the most central and widely carried events when there are too many.
    def weight(m: dict) -> float:
        return len(m["citations"]) + float(vecs[m["index"]] @ ev.centroid)

    kept = sorted(merged, key=weight, reverse=True)[:limit]
    kept.sort(key=lambda m: (m["date"], m["index"]))
    return [TimelineEvent(m["date"].isoformat(), m["text"], tuple(sorted(m["citations"]))) for m in kept]


__all__ = ["resolve", "build"]

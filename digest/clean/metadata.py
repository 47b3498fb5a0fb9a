"""Metadata found in the text itself: dates, bylines, outlets.

Scraped pages and pasted text carry their title, author and date as ordinary
lines ("by Simone De La Feld", "4 November 2024", "date 2024-11-04 ...").
The text cleaner moves those lines out of the report and into metadata, so
these helpers only recognise and parse; they never decide what to drop.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlparse

from dateutil import parser as dateparser

# Month names in the languages the dev pages use (English, German, Italian, French, Spanish).
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar jänner gennaio janvier enero",
        "february feb februar febbraio février fevrier febrero",
        "march mar märz maerz marzo mars",
        "april apr aprile avril abril",
        "may mai maggio mayo",
        "june jun juni giugno juin junio",
        "july jul juli luglio juillet julio",
        "august aug agosto août aout",
        "september sep sept settembre septembre septiembre",
        "october oct oktober okt ottobre octobre octubre",
        "november nov novembre noviembre",
        "december dec dezember dez dicembre décembre decembre diciembre",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|"
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|"
    "lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica"
)
_TIME = r"(?:,?\s*(?:um\s+|at\s+|-\s*)?(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.))?)?"

# Each pattern names its groups y, m (number or month name as mon), d, and optionally hh/mm.
_DATE_PATTERNS = [
    re.compile(
        r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<hh>\d{2}):(?P<mm>\d{2})(?::\d{2})?(?:\.\d+)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?\b",
        re.I,
    ),
    re.compile(r"\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})\b" + _TIME, re.I),
    re.compile(
        r"\b(?P<d>\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?P<mon>" + _MONTH_RE + r")\.?,?\s+(?P<y>\d{4})\b" + _TIME,
        re.I,
    ),
    re.compile(r"\b(?P<mon>" + _MONTH_RE + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b" + _TIME, re.I),
]

# Words that may sit around a date on a dateline without making it a sentence.
_DATELINE_FILLER = re.compile(
    r"\b(?:" + _WEEKDAYS + r"|published|posted|updated|last|modified|on|at|am|um|uhr|pm|date|datum|"
    r"veröffentlicht|aktualisiert|zuletzt|stand|erstellt|geändert|publié|pubblicato|aggiornato|"
    r"cet|cest|utc|gmt|mez|mesz|est|edt|pst|bst|h|min|minutes?|minuten|read|lesezeit|lettura|"
    r"reading|time|le|il|de|del|el|den|der|vom|from)\b",
    re.I,
)

_NAME_PARTICLE = r"(?:de|da|di|del|della|dos|das|du|la|le|van|von|der|den|ter|ten|bin|ibn|al|el|y|zu|af|af)"
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*"
NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_PARTICLE}\s+)*{_NAME_WORD}){{0,4}}"

_BYLINE_START = re.compile(
    rf"^(?i:by|von|from|author|autor|autorin|autoren|text|written\s+by|reporting\s+by|"
    rf"ein\s+(?:bericht|beitrag|kommentar)\s+von|a\s+cura\s+di|par)\s*:?\s+(?P<name>{NAME})"
)
_BYLINE_ANYWHERE = re.compile(rf"\b(?:[Bb]y|[Vv]on)\s+(?P<name>{NAME})")
_HANDLE = re.compile(r"@\w{2,30}")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")


def find_date(text: str) -> tuple[datetime, re.Match[str]] | None:
    """The first plausible calendar date in `text`, timezone-aware (UTC when no zone is given)."""
    best: tuple[datetime, re.Match[str]] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            when = _from_match(match)
            if when is not None and (best is None or match.start() < best[1].start()):
                best = (when, match)
                break
    return best


def _from_match(match: re.Match[str]) -> datetime | None:
    groups = match.groupdict()
    try:
        year = int(groups["y"])
        if groups.get("mon"):
            month = _MONTHS[groups["mon"].lower().rstrip(".")]
        else:
            month = int(groups["m"])
        day = int(groups["d"])
        hour = int(groups["hh"]) if groups.get("hh") else 0
        minute = int(groups["mm"]) if groups.get("mm") else 0
        if not 1990 <= year <= 2100:
            return None
        when = datetime(year, month, day, hour, minute, tzinfo=UTC)
    except (KeyError, ValueError, TypeError):
        return None
    tz = groups.get("tz")
    if tz:
        try:
            when = dateparser.isoparse(match.group(0))
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
        except (ValueError, OverflowError):
            pass
    return when


def is_dateline(text: str) -> bool:
    """True when a line is a date and little else ("4 November 2024", "Stand: 04.11.2024, 12:30 Uhr")."""
    found = find_date(text)
    if found is None or len(text) > 90:
        return False
    rest = text[: found[1].start()] + " " + text[found[1].end() :]
    rest = _DATELINE_FILLER.sub(" ", rest)
    rest = re.sub(r"\d{1,2}[:.]\d{2}|[\W\d_]+", " ", rest)
    return len(rest.split()) <= 1


_DATELINE_PREFIX = re.compile(
    r"^\s*(?:date|datum|published|posted|updated|veröffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|stand)\s*:?\s*",
    re.I,
)


def split_dateline_prefix(text: str) -> tuple[datetime, str, str] | None:
    """A paragraph that opens with its date ("date 2024-11-04 EU High Representative ...").

    Returns (date, the prefix that was cut, the rest of the paragraph) or None.
    """
    head = _DATELINE_PREFIX.match(text)
    if head is None:
        return None
    found = find_date(text[head.end() :])
    if found is None or found[1].start() > 3:
        return None
    cut = head.end() + found[1].end()
    rest = text[cut:].lstrip(" \t|,–—-:")
    if len(rest.split()) < 4:
        return None
    return found[0], text[:cut].strip(), rest


def parse_byline(text: str) -> str | None:
    """The author's name when `text` is a byline line ("By Jane Doe", "Von Anna Müller | dpa").

    Handles scraped debris such as "Simone De La Feld @x by Simone De La Feld @x".
    Long lines and sentences are never bylines.
    """
    line = _EMAIL.sub(" ", _HANDLE.sub(" ", text))
    line = re.sub(r"\s+", " ", line).strip(" |·•-–—,")
    words = line.split()
    if not words or len(words) > 16:
        return None
    if len(words) > 8 and line.endswith((".", "!", "?")) and not line.endswith(" Jr."):
        return None  # a sentence that mentions "by", not a byline
    match = _BYLINE_START.match(line)
    if match is None:
        match = _BYLINE_ANYWHERE.search(line) if len(words) <= 14 else None
    if match is None:
        return None
    name = _trim_name(match.group("name"))
    if name is None:
        return None
    # What follows the name must be short credit debris (agency, role, date), not a clause.
    tail = line[match.end() :].strip(" ,|·•-–—")
    if len(tail.split()) > 8:
        return None
    return name


def _trim_name(name: str) -> str | None:
    parts = name.split()
    # A trailing all-caps token is usually an agency ("Jane Doe AFP").
    while parts and (parts[-1].isupper() and len(parts[-1]) > 1 and len(parts) > 2):
        parts.pop()
    if len(parts) < 2 or len(parts) > 6:
        return None
    return " ".join(parts).rstrip(".,")


def outlet_from_url(url: str | None) -> str | None:
    """The site's host without "www." ("https://www.eunews.it/en/..." -> "eunews.it")."""
    if not url:
        return None
    host = urlparse(url).hostname or ""
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host or None


def parse_any_date(value: str | None) -> datetime | None:
    """Parse a metadata date string (ISO 8601 or a human date); naive results become UTC."""
    if not value:
        return None
    value = value.strip()
    try:
        when = dateparser.isoparse(value)
    except (ValueError, OverflowError):
        found = find_date(value)
        if found is not None:
            return found[0]
        try:
            when = dateparser.parse(value)
        except (ValueError, OverflowError, TypeError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when

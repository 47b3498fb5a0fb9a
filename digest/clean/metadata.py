"""Metadata found in the text itself: dates, bylines, outlets.

Scraped pages and pasted text carry their title, author and date as ordinary
lines ("by Simone De La Feld", "4 November 2024", "date 2024-11-04 ...").
The text cleaner moves those lines out of the report and into metadata, so
these helpers only recognise and parse; they never decide what to drop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
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
# A time after a date: "9:30 p.m. EST", "1.30pm", "14:05 Uhr", "at 3 pm". The zone, when
# named, places the moment; without one it is read as UTC (and said so by the caller).
_ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "cet": 1, "mez": 1, "bst": 1, "cest": 2, "mesz": 2, "eet": 2, "eest": 3,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "jst": 9, "kst": 9, "aest": 10, "aedt": 11,
}  # fmt: skip
_ZONE_RE = "|".join(sorted(_ZONES, key=len, reverse=True))
_TIME = (
    r"(?:,?\s*(?:um\s+|at\s+|-\s*)?"
    r"(?:(?P<hh>\d{1,2})[:.](?P<mm>\d{2})\s*(?P<ap>uhr|h\b|am\b|pm\b|a\.m\.|p\.m\.)?"
    r"|(?P<hh12>\d{1,2})\s*(?P<ap12>am\b|pm\b|a\.m\.|p\.m\.))"
    r"(?:\s*\(?(?P<zone>" + _ZONE_RE + r")\b\)?)?)?"
)

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
_CO_AUTHOR = re.compile(rf"(?P<sep>,\s*(?:and\s+|und\s+|&\s+)?|\s+(?:and|und|et|y|e|&)\s+)(?P<name>{NAME})")
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
        hour, minute = _clock(groups)
        if not 1990 <= year <= 2100:
            return None
        when = datetime(year, month, day, hour, minute, tzinfo=UTC)
    except (KeyError, ValueError, TypeError):
        return None
    zone = (groups.get("zone") or "").lower()
    if zone in _ZONES:
        # Kept in the report's own zone: its "on Monday" is a day of that calendar.
        when = when.replace(tzinfo=timezone(timedelta(hours=_ZONES[zone])))
    tz = groups.get("tz")
    if tz:
        try:
            when = dateparser.isoparse(match.group(0))
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
        except (ValueError, OverflowError):
            pass
    return when


def _clock(groups: dict[str, str | None]) -> tuple[int, int]:
    """Hour and minute of a matched time, with a.m./p.m. read ("9:30 p.m." is 21:30, "12 a.m." 0:00)."""
    hh, ap = groups.get("hh"), groups.get("ap")
    if groups.get("hh12"):
        hh, ap = groups["hh12"], groups.get("ap12")
    if not hh:
        return 0, 0
    hour, minute = int(hh), int(groups.get("mm") or 0)
    half = (ap or "").lower().replace(".", "")
    if half in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise ValueError(f"{hour} {half}")
        hour = hour % 12 + (12 if half == "pm" else 0)
    return hour, minute


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
    end = match.end()
    # Co-authors: "By Jane Doe and Tom Reyes", "Von Anna Müller, Max Roth und Eva Klein".
    while (more := _CO_AUTHOR.match(line, end)) is not None:
        other = _trim_name(more.group("name"))
        if other is None:
            break
        name = f"{name}{more.group('sep')}{other}" if more.group("sep").strip() else f"{name} {other}"
        end = more.end()
    # What follows the name must be short credit debris (agency, role, date), not a clause.
    tail = line[end:].strip(" ,|·•-–—")
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


# ---------------------------------------------------------------------------
# Metadata of an HTML page: what its head, its JSON-LD and its markup declare.

_META_CONTENT = {
    "title": (
        "og:title",
        "twitter:title",
        "dc.title",
        "dcterms.title",
        "sailthru.title",
        "parsely-title",
        "headline",
    ),
    "author": (
        "author",
        "article:author",
        "dc.creator",
        "dcterms.creator",
        "byl",
        "sailthru.author",
        "parsely-author",
        "twitter:creator",
    ),
    "outlet": ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site"),
    "published": (
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "parsely-pub-date",
        "sailthru.date",
        "article.published",
        "original-publish-date",
        "citation_publication_date",
    ),
    "url": ("og:url",),
}
_META_KEY = {name: key for key, names in _META_CONTENT.items() for name in names}
_JSONLD_TYPES = re.compile(
    r"(?:News|Blog|Report|Scholarly|Tech)?Article|BlogPosting|LiveBlogPosting|WebPage|Posting", re.I
)
_TITLE_SUFFIX = re.compile(r"\s+[|–—·:»-]\s+[^|–—·:»]{2,60}$")


def page_metadata(tree: Any, url: str | None = None, blocks: Any = None) -> dict[str, str]:
    """Title, author, outlet, url and published (ISO 8601) of a parsed page, where it says them.

    In order of trust: JSON-LD of the article, meta tags (Open Graph, Dublin Core,
    the usual names), then the markup (<h1>, <title>, an element marked as byline,
    <time>), a date in the URL, then htmldate for a date found nowhere else.
    `blocks` (the page's Blocks, when already cut) spare a second search for a byline.
    """
    found: dict[str, str] = {}
    _from_jsonld(tree, found)
    for element in tree.iterfind(".//meta"):
        name = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        key = _META_KEY.get(name)
        content = _clean_value(element.get("content"))
        if key and content and key not in found:
            if key == "author" and (content.startswith(("http://", "https://", "@")) or " " not in content):
                continue  # a profile link or a user name, not an author
            found[key] = content
    if "url" not in found:
        for link in tree.iterfind(".//link[@rel]"):
            if link.get("rel", "").lower() == "canonical" and link.get("href", "").startswith(("http://", "https://")):
                found["url"] = link.get("href").strip()
                break
    if "title" not in found:
        title = _page_title(tree)
        if title:
            found["title"] = title
    if "author" not in found:
        author = _byline_element(tree, blocks)
        if author:
            found["author"] = author
    if "published" not in found:
        for element in tree.iterfind(".//time[@datetime]"):
            if element.get("pubdate") is not None or element.get("itemprop") == "datePublished":
                found["published"] = element.get("datetime", "").strip()
                break
    when = parse_any_date(found.get("published")) if found.get("published") else None
    if when is None:
        when = _url_date(found.get("url") or url) or _htmldate(tree, found.get("url") or url)
    if when is not None:
        found["published"] = when.isoformat()
    else:
        found.pop("published", None)
    if found.get("outlet", "").startswith("@"):
        found["outlet"] = found["outlet"].lstrip("@")
    return found


def _clean_value(value: str | None) -> str:
    if not value:
        return ""
    return " ".join(value.split())


def _from_jsonld(tree: Any, found: dict[str, str]) -> None:
    import json

    for script in tree.iterfind(".//script[@type]"):
        if script.get("type", "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        for item in _jsonld_items(data):
            kind = item.get("@type")
            kind = " ".join(kind) if isinstance(kind, list) else str(kind or "")
            if not _JSONLD_TYPES.fullmatch(kind.strip()) and "Article" not in kind:
                if kind in ("Organization", "NewsMediaOrganization") and isinstance(item.get("name"), str):
                    found.setdefault("outlet", _clean_value(item["name"]))
                continue
            for key, names in (
                ("title", ("headline", "name")),
                ("published", ("datePublished", "dateCreated")),
                ("url", ("url", "mainEntityOfPage")),
            ):
                for name in names:
                    value = item.get(name)
                    if isinstance(value, dict):
                        value = value.get("@id") or value.get("url")
                    if isinstance(value, str) and value.strip() and key not in found:
                        if key == "url" and not value.startswith(("http://", "https://")):
                            continue
                        if key == "title" and kind.strip().lower() == "webpage":
                            continue
                        found[key] = _clean_value(value)
            author = _jsonld_name(item.get("author"))
            if author and "author" not in found:
                found["author"] = author
            publisher = _jsonld_name(item.get("publisher"))
            if publisher and "outlet" not in found:
                found["outlet"] = publisher


def _jsonld_items(data: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_items(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _jsonld_items(graph, depth + 1)


def _jsonld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [_jsonld_name(v) for v in value[:4]]
        joined = ", ".join(n for n in names if n)
        return joined or None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip() and not value.startswith(("http://", "https://")):
        return _clean_value(value)
    return None


def _page_title(tree: Any) -> str | None:
    """The <h1> when there is exactly one, else <title> without the site name after a separator."""
    headings = [_clean_value("".join(h.itertext())) for h in tree.iterfind(".//h1")]
    headings = [h for h in headings if 2 <= len(h.split()) <= 40]
    title_element = tree.find(".//title")
    title = _clean_value("".join(title_element.itertext())) if title_element is not None else ""
    if len(headings) == 1:
        return headings[0]
    for heading in headings:
        if title and heading.casefold() in title.casefold():
            return heading
    if title:
        trimmed = _TITLE_SUFFIX.sub("", title)
        return trimmed if len(trimmed.split()) >= 2 else title
    return None


_BYLINE_ATTRIBUTES = ".//*[@rel='author' or @itemprop='author']"
_BYLINE_XPATH = (
    ".//*[@rel='author' or @itemprop='author' or contains(@class, 'byline') or contains(@class, 'author')"
    " or contains(@id, 'byline') or contains(@class, 'contributor')]"
)


def _byline_element(tree: Any, blocks: Any = None) -> str | None:
    """The first element marked as a byline or author whose text reads as a name.

    With the page's blocks at hand, their class words say where a byline is; else one
    XPath search over the page does.
    """
    body = tree.find(".//body")
    if body is None:
        return None
    texts = [
        _clean_value(" ".join(e.itertext()))
        for e in body.xpath(_BYLINE_ATTRIBUTES)[:12]
        if "comment" not in (e.get("class") or "").lower()
    ]
    if blocks is not None:
        texts += [b.text for b in blocks if b.has_class("byline") or b.has_class("author")][:12]
    else:
        texts += [
            _clean_value(" ".join(e.itertext()))
            for e in body.xpath(_BYLINE_XPATH)[:12]
            if "comment" not in (e.get("class") or "").lower()
        ]
    for text in texts:
        if not 3 <= len(text) <= 120:
            continue
        name = parse_byline(text) if re.match(r"(?i)(by|von|par|from|author)\b", text) else None
        if name is None:
            words = text.split()
            if 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words if len(w) > 3):
                name = text
        if name:
            return name
    return None


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/_-](\d{1,2})[/_-](\d{1,2})(?:[/_.-]|$)")


def _url_date(url: str | None) -> datetime | None:
    """A date in the URL's path ("/2024/11/05/..."): sites that put it there put the publication day."""
    if not url:
        return None
    match = _URL_DATE.search(urlparse(url).path)
    if match is None:
        return None
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)), tzinfo=UTC)
    except ValueError:
        return None


def _htmldate(tree: Any, url: str | None) -> datetime | None:
    """htmldate's publication date (markup and URL patterns, no guessing from loose text)."""
    try:
        from htmldate import find_date

        value = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z", url=url)
    except Exception:  # htmldate is a helper: a failure there is no date, not a crash
        return None
    return parse_any_date(value) if value else None


# ---------------------------------------------------------------------------
# Metadata lines of plain text: outlet lines, outlet-and-date lines, wire datelines.

# The last word of a publication's name, in the languages we read.
_OUTLET_NOUNS = (
    "herald|times|post|news|daily|journal|tribune|gazette|chronicle|observer|guardian|telegraph|independent|"
    "express|mirror|star|sun|record|courier|examiner|dispatch|bulletin|monitor|review|press|standard|mail|globe|"
    "register|reporter|wire|today|weekly|magazine|insider|digest|report|voice|leader|advertiser|enquirer|inquirer|"
    "sentinel|argus|echo|mercury|clarion|beacon|banner|ledger|citizen|messenger|pioneer|statesman|spectator|"
    "nachrichten|zeitung|rundschau|kurier|anzeiger|allgemeine|tagblatt|presse|blatt|spiegel|welt|"
    "journal|matin|monde|figaro|libération|tribune|courrier|gazzetta|corriere|stampa|repubblica|giornale|país|"
    "mundo|vanguardia|diario|correio|folha|agency|agentur|agence|agencia"
)
_OUTLET_LINE = re.compile(
    rf"^(?P<name>(?:the\s+)?(?:[A-Z][\w&'’.-]*\s+){{0,3}}(?i:{_OUTLET_NOUNS}))$"
    r"|^(?P<camel>[A-Z][a-z]+(?:[A-Z][a-z0-9]+)+)$"  # TechDaily, BuzzFeed
    r"|^(?P<domain>[A-Za-z][\w-]{1,40}\.(?:com|net|org|news|co\.uk|de|fr|it|es|eu|info|io))$",
)
_WIRE_DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,40}?(?:/[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30})?)"
    r"(?:,\s*(?P<date>[^()\n]{3,30}?))?\s*\((?P<agency>[A-Za-z][\w.&' -]{1,30})\)\s*[-–—:]+\s+(?=\S)"
    r"|^(?P<place2>[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{2,40}),\s*(?P<date2>[^()\n]{3,30}?)\s+[-–—]+\s+(?=\S)"
)
_MONTH_DAY = re.compile(
    rf"^(?:(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|(?P<d2>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?P<mon2>{_MONTH_RE})\.?)$",
    re.I,
)


def outlet_line(text: str) -> str | None:
    """The publication's name when a line is one ("Dunmore Herald", "TechDaily", "example.com"), else None."""
    line = text.strip().strip("|·•—–-").strip()
    if not 2 <= len(line) <= 60 or line.endswith((".", "!", "?", ":", ",")):
        return None
    match = _OUTLET_LINE.match(line)
    if match is None:
        return None
    if match.group("name") and not all(w[:1].isupper() for w in line.split() if w.lower() != "the"):
        return None
    return line


_TRAILING_WEEKDAY = re.compile(r"[\s,|·•—–-]*\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b[\s,]*$", re.I)


def outlet_and_date(text: str) -> tuple[str, datetime] | None:
    """("The Business Post", date) for a line "The Business Post, 6 November 2024" (or with | or - between)."""
    found = find_date(text)
    if found is None or len(text) > 100:
        return None
    head = text[: found[1].start()].strip().rstrip(",|·•—–-").strip()
    head = _TRAILING_WEEKDAY.sub("", head)  # "Evening Ledger - Tuesday, August 12, 2025"
    tail = text[found[1].end() :].strip(" .")
    if not head or tail and not is_dateline(tail + " 1 January 2000"):
        return None
    head = re.sub(r"^(?:published\s+(?:by|in)\s+)", "", head, flags=re.I)
    if not _DATELINE_FILLER.sub(" ", head).strip(" ,.:|-"):
        return None  # "Updated", "Tuesday,": a date line, not an outlet
    words = head.split()
    if not 1 <= len(words) <= 5 or not all(w[:1].isupper() or w.lower() in ("the", "of", "and", "&") for w in words):
        return None
    if parse_byline(head) is not None or head.lower().startswith(("by ", "von ")):
        return None
    return head, found[0]


def wire_dateline(
    paragraph: str, reference: datetime | None = None
) -> tuple[str, str, str | None, datetime | None] | None:
    """A wire dateline opening a paragraph: (the prefix, the rest, agency, date).

    "HARLOW CREEK, Nov 5 (Newswire) - The council ..." gives the prefix up to the dash,
    the paragraph without it, "Newswire" and 5 November of the year `reference` falls in
    (the year before when that would be after `reference`). A place must be in capitals.
    """
    match = _WIRE_DATELINE.match(paragraph)
    if match is None:
        return None
    place = match.group("place") or match.group("place2") or ""
    if len(place.strip()) < 2 or not any(c.isalpha() for c in place):
        return None
    date_text = match.group("date") or match.group("date2")
    when = None
    if date_text:
        # "PINE HOLLOW, Calif., Aug 11 (Newswire) -": a state or country may sit between place and date.
        date_text = re.sub(r"^(?:[A-Z][A-Za-z.]{1,14}\s?){1,3},\s*(?=\S)", "", date_text) or date_text
        found = find_date(date_text)
        if found is not None:
            when = found[0]
        else:
            when = _month_day(date_text.strip(" ."), reference, _weekday_named(paragraph[match.end() :]))
            if when is None:
                return None  # "PLACE, something -" that is not a date
    elif match.group("agency") is None:
        return None
    rest = paragraph[match.end() :]
    if len(rest.split()) < 3:
        return None
    return match.group(0).strip(), rest, match.group("agency"), when


_WEEKDAY_NUMBER = {
    d: n for n, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_WEEKDAY_NAME = re.compile(r"\b(" + "|".join(_WEEKDAY_NUMBER) + r")\b", re.I)


def _weekday_named(text: str) -> int | None:
    """The one weekday a lead names ("... on Thursday evening"), or None (none, or several)."""
    named = {_WEEKDAY_NUMBER[w.lower()] for w in _WEEKDAY_NAME.findall(text[:400])}
    return named.pop() if len(named) == 1 else None


def _month_day(text: str, reference: datetime | None, weekday: int | None = None) -> datetime | None:
    """A date without a year ("Nov 13"): the latest such day not after `reference`.

    When the lead names the weekday the event fell on ("on Thursday"), the year is
    the latest in which that day was that weekday (wires name the dateline's own
    day), else the day after it (a report of Monday's news dated Tuesday), looking
    back at most to the year before last: a saved report read a year later keeps
    its own year, and a weekday that names some other day cannot move it further.
    """
    match = _MONTH_DAY.match(text)
    if match is None:
        return None
    month = _MONTHS.get((match.group("mon") or match.group("mon2") or "").lower().rstrip("."))
    day = int(match.group("d") or match.group("d2"))
    if month is None:
        return None
    reference = reference or datetime.now(UTC)
    years = [reference.year, reference.year - 1, reference.year - 2]
    candidates = []
    for year in years:
        try:
            when = datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            continue
        if when.date() <= reference.date():
            candidates.append(when)
    if not candidates:
        return None
    if weekday is not None:
        for lag in (0, 1):  # the dateline's own day, else the day before ("WASHINGTON, Feb 4 - ... on Monday")
            for when in candidates:
                if (when.weekday() - lag) % 7 == weekday:
                    return when
    return candidates[0]

"""Read news from the web: RSS/Atom feeds, WordPress sites and OPML lists of feeds.

A feed entry that carries its full text becomes one "html" document straight
away; an entry with only a blurb makes us fetch the article page (politely:
robots.txt, a per-host delay, a few requests at a time). Every failure of one
source (dead host, timeout, 404/500, not a feed, an XML entity bomb) becomes a
single Problem naming the URL, and the caller goes on with the next source.

Nothing here ever hands a URL to feedparser: we download the bytes ourselves,
with timeouts and a size cap, and parse only after an XML safety check.
"""

from __future__ import annotations

import codecs
import html
import json
import logging
import re
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from ..types import Problem, RawDocument
from .fetch import (
    MAX_PAGE_BYTES,
    USER_AGENT,
    Fetched,
    Fetcher,
    FetchError,
    Refused,
    default_timeout,
    make_client,
)

__all__ = [
    "USER_AGENT",
    "Fetcher",
    "FetchError",
    "Fetched",
    "Refused",
    "make_client",
    "default_timeout",
    "ingest_url",
    "ingest_opml",
    "parse_feed",
    "fetch_article",
    "wordpress_posts",
    "read_opml",
    "OPMLError",
    "xml_refusal",
]

log = logging.getLogger(__name__)

MAX_FEED_BYTES = 10 * 1024 * 1024  # a feed larger than this is not a news feed
FULL_TEXT_CHARS = 400  # entry content shorter than this (as text) is a blurb: fetch the page
# Article pages fetched for one feed, at most: a news feed lists 10 to 50 entries, and a
# feed listing thousands of links must not turn one source into thousands of requests.
MAX_PAGES_PER_FEED = 100

# ---------------------------------------------------------------- XML safety


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The first four bytes of "<?xm" or "<" in encodings that are not ASCII-compatible
# (XML 1.0, appendix F.1).
_SNIFF = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),  # EBCDIC
)
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_ENTITY_DECL = re.compile(r"<!\s*ENTITY", re.I)


class XMLRefused(ValueError):
    """XML that must not be parsed; the message is the one-line reason."""


def safe_xml(body: bytes) -> bytes:
    """The XML as UTF-8 bytes with an encoding declaration that says so, once it passed the check.

    The check reads the text the parser will read: the bytes are decoded first
    (byte-order mark, XML's own encoding sniffing, the declared encoding), so
    an entity declaration in UTF-16, UTF-32 or EBCDIC is seen like any other,
    and the parser is then handed exactly the text that was checked. Refused:
    entity declarations (billion laughs, external entities), whatever the
    defused parser refuses, and XML that cannot be decoded.
    """
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    text = _xml_text(body)
    if _ENTITY_DECL.search(text):
        raise XMLRefused("refused: the XML declares entities (possible entity bomb)")
    utf8 = _DECLARED_ANY.sub(_declare_utf8, text, count=1).encode("utf-8", "replace")
    try:
        DET.fromstring(utf8)
    except DefusedXmlException as exc:
        raise XMLRefused(f"refused: unsafe XML ({type(exc).__name__})") from None
    except Exception:
        pass  # malformed XML is feedparser's business, not a safety issue
    return utf8


_DECLARED_ANY = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([^"']*)(["'])""")


def _declare_utf8(m: re.Match[str]) -> str:
    return m.group(1) + "utf-8" + m.group(3)


def _xml_text(body: bytes) -> str:
    """The XML's text, decoded as an XML parser would; raises XMLRefused when it cannot be."""
    encoding, start, strict = None, 0, True
    for bom, name in _BOMS:
        if body.startswith(bom):
            encoding, start = name, len(bom)
            break
    else:
        for magic, name in _SNIFF:
            if body.startswith(magic):
                encoding = name
                break
    if encoding == "cp037":  # EBCDIC: the declaration names the code page
        head = body[:200].decode("cp037", "replace")
        declared = _DECLARED.match(head)
        encoding = _codec(declared.group(1)) if declared else "cp037"
    elif encoding is None:
        # ASCII-compatible: the declaration may name the encoding; UTF-8 otherwise.
        declared = _DECLARED.match(body[:200].decode("latin-1"))
        encoding = _codec(declared.group(1)) if declared else "utf-8"
        strict = False
        if encoding is not None and "<".encode(encoding, "ignore") != b"<":
            encoding = None  # declares UTF-16 or the like without its bytes: we cannot know
    if encoding is None:
        raise XMLRefused("refused: the XML declares an encoding that cannot be checked")
    try:
        return body[start:].decode(encoding, "strict" if strict else "replace").lstrip("\ufeff")
    except UnicodeDecodeError:
        raise XMLRefused(f"refused: the XML is not valid {encoding}") from None


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def xml_refusal(body: bytes) -> str | None:
    """Why this XML must not be parsed, or None (see `safe_xml`)."""
    try:
        safe_xml(body)
    except XMLRefused as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------- feeds


def ingest_url(
    url: str,
    *,
    client: httpx.Client | None = None,
    state=None,
    fetcher: Fetcher | None = None,
    not_before: datetime | None = None,
    named: bool = True,
) -> Iterator[RawDocument | Problem]:
    """Documents from one feed URL (RSS, Atom, or a WordPress REST posts URL).

    With `state` (a digest.state.State), the feed's ETag/Last-Modified are
    sent and remembered, and article pages whose URL is already known are not
    fetched again. Entries dated before `not_before` are skipped (a feed's
    backlog is not worth fetching page by page). `named`: the user gave this
    URL (so its origin may be a private address); False for a feed found in
    an OPML file, which is fetched under the policy like any found link.
    """
    own = fetcher is None
    fetcher = fetcher or Fetcher(client)
    if named:
        fetcher.name(url)
    try:
        if "/wp-json/" in urlsplit(url).path:
            yield from _wordpress_endpoint(url, url, fetcher, state)
            return
        got = yield from _conditional_get(url, fetcher, state, MAX_FEED_BYTES)
        if got is not None:
            yield from parse_feed(url, got[0], fetcher=fetcher, state=state, content_type=got[1], not_before=not_before)
    finally:
        if own:
            fetcher.close()


def _conditional_get(
    url: str, fetcher: Fetcher, state, max_bytes: int
) -> Generator[Problem, None, tuple[bytes, str | None] | None]:
    """(body, content type) of `url`, from the network or (on 304 Not Modified) the state cache.

    A generator so that its single Problem can be yielded; returns None after a Problem.
    """
    cached = state.feed_cache(url) if state is not None else None
    headers = {}
    if cached is not None and cached.body is not None:
        if cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
    try:
        got = fetcher.get(url, max_bytes=max_bytes, headers=headers)
    except FetchError as exc:
        yield Problem(url, str(exc))
        return None
    if got.status == 304 and cached is not None and cached.body is not None:
        log.info("%s: not modified since the last run", url)
        return cached.body, None
    if got.status != 200:
        yield Problem(url, f"HTTP {got.status}")
        return None
    if state is not None:
        etag, modified = got.headers.get("etag"), got.headers.get("last-modified")
        if etag or modified:
            state.save_feed_cache(
                url, etag=etag, last_modified=modified, body=got.content, fetched_at=datetime.now(UTC)
            )
    return got.content, got.headers.get("content-type")


def parse_feed(
    url: str,
    body: bytes,
    *,
    fetcher: Fetcher | None = None,
    state=None,
    content_type: str | None = None,
    not_before: datetime | None = None,
) -> Iterator[RawDocument | Problem]:
    """Documents from the bytes of an RSS/Atom feed fetched from `url` (or read from a file)."""
    try:
        body = safe_xml(body)
    except XMLRefused as exc:
        yield Problem(url, str(exc))
        return
    # The bytes are UTF-8 now, whatever the server's charset said.
    media = (content_type or "application/xml").split(";")[0].strip() or "application/xml"
    headers = {"content-location": url, "content-type": f"{media}; charset=utf-8"}
    parsed = feedparser.parse(body, response_headers=headers)
    usable = [e for e in parsed.entries if e.get("link") or _full_content(e) or e.get("summary")]
    if parsed.get("bozo") and not usable:
        # feedparser's loose parser finds "entries" in almost any junk; without a
        # link or any text they are not news, and the source is simply broken.
        parsed["entries"] = []
        parsed["version"] = ""
    if not parsed.entries:
        if parsed.get("version"):
            log.warning("%s: feed has no entries", url)
            return
        why = parsed.get("bozo_exception")
        yield Problem(url, "not an RSS/Atom feed" + (f" ({_one_line(why)})" if why else ""))
        return
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), _BENIGN):
        log.warning(
            "%s: malformed feed (%s); read %d entries anyway",
            url,
            _one_line(parsed.get("bozo_exception")),
            len(parsed.entries),
        )

    fetched_at = datetime.now(UTC)
    outlet = _plain(parsed.feed.get("title", "")) or urlsplit(url).hostname or url
    # Each slot is a document, a Problem, or a page still to fetch (link, hints).
    slots: list[RawDocument | Problem | tuple[str, dict[str, str]]] = []
    empty: list[int] = []  # entries with neither text nor a link
    for n, entry in enumerate(parsed.entries, 1):
        link = entry.get("link")
        link = urljoin(url, link) if link else None
        hints = _entry_hints(entry, link, outlet)
        if not_before is not None and "published" in hints and datetime.fromisoformat(hints["published"]) < not_before:
            continue
        content = _full_content(entry)
        if content is not None and (len(_plain(content)) >= FULL_TEXT_CHARS or not link):
            slots.append(
                RawDocument(link or f"{url}#{n}", _as_page(content, hints), "html", fetched_at, "utf-8", hints)
            )
        elif link:
            if state is not None and state.knows_url(link):
                log.debug("%s: already read on an earlier run", link)
                continue
            slots.append((link, hints))
        else:
            empty.append(n)
    if empty:  # one line for all of them: a feed of a thousand empty entries is one bad source
        first = f"{url}#{empty[0]}"
        yield Problem(first if len(empty) == 1 else url, _plural_entries(empty) + " neither text nor a link")

    pages = [s for s in slots if isinstance(s, tuple)]
    if len(pages) > MAX_PAGES_PER_FEED:
        dropped = {id(p) for p in pages[MAX_PAGES_PER_FEED:]}
        slots = [s for s in slots if id(s) not in dropped]
        log.warning("%s: %d entries link to pages; only the first %d are fetched", url, len(pages), MAX_PAGES_PER_FEED)
        pages = pages[:MAX_PAGES_PER_FEED]
    if pages:
        own = fetcher is None
        fetcher = fetcher or Fetcher()
        try:
            with ThreadPoolExecutor(max_workers=max(1, fetcher.max_workers)) as pool:
                results = iter(list(pool.map(lambda job: fetch_article(job[0], job[1], fetcher, url), pages)))
        finally:
            if own:
                fetcher.close()
        slots = [next(results) if isinstance(s, tuple) else s for s in slots]
    yield from slots  # type: ignore[misc]


def _plural_entries(numbers: list[int]) -> str:
    return "feed entry has" if len(numbers) == 1 else f"{len(numbers)} feed entries have"


# Bozo reasons that say nothing about the feed's content (a text/html content type,
# an encoding declared differently from the HTTP header).
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def fetch_article(link: str, hints: dict[str, str], fetcher: Fetcher, feed: str | None = None) -> RawDocument | Problem:
    """The article page behind a feed entry, as an "html" document carrying the entry's hints.

    The link was found in fetched content: the fetch policy decides (an origin
    the user named, or a public address), before robots.txt is even asked. A
    refusal names the `feed` the link came from too.
    """
    try:
        if not fetcher.allowed(link):
            return Problem(link, "article page disallowed by robots.txt; skipped")
        got = fetcher.get(link, max_bytes=MAX_PAGE_BYTES, headers={"Accept": "text/html,application/xhtml+xml"})
    except Refused as exc:
        return Problem(link, f"article page {exc}" + (f" (linked from {feed})" if feed else ""))
    except FetchError as exc:
        return Problem(link, f"article page: {exc}")
    if got.status != 200:
        return Problem(link, f"article page: HTTP {got.status}")
    if got.content_type and "html" not in got.content_type and "xml" not in got.content_type:
        return Problem(link, f"article page is not HTML ({got.content_type})")
    encoding = _encoding(got)
    return RawDocument(link, got.content, "html", datetime.now(UTC), encoding, dict(hints))


def _encoding(got: Fetched) -> str:
    if got.charset:
        try:
            got.content.decode(got.charset)
            return got.charset.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        from .read import decode

        return decode(got.content)[1]
    except Exception:
        return "utf-8"


def _full_content(entry) -> str | None:
    """The entry's full text (content:encoded, Atom content), longest part first; None if only a summary."""
    parts = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    return max(parts, key=len) if parts else None


def _entry_hints(entry, link: str | None, outlet: str) -> dict[str, str]:
    hints: dict[str, str] = {"outlet": outlet}
    title = _plain(entry.get("title", ""))
    if title:
        hints["title"] = title
    if link:
        hints["url"] = link
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if when:
        try:
            y, mo, d, h, mi, sec = tuple(when)[:6]
            hints["published"] = datetime(y, mo, d, h, mi, sec, tzinfo=UTC).isoformat()
        except (TypeError, ValueError, OverflowError):
            pass  # a date no calendar has (year 0, month 13): the entry is simply undated
    author = _plain(entry.get("author", ""))
    if author:
        hints["author"] = author
    summary = _plain(entry.get("summary", ""))
    if summary:
        hints["excerpt"] = summary
    return hints


def _as_page(fragment: str, hints: dict[str, str]) -> bytes:
    """Wrap a feed's HTML fragment into a small page carrying the entry's metadata.

    Clean reads a page's own metadata first, so the feed's title, outlet, date,
    author and link go into the page head, where a real article page has them.
    """
    esc = lambda v: html.escape(v, quote=True)
    head = ['<meta charset="utf-8">']
    if hints.get("title"):
        head.append(f"<title>{esc(hints['title'])}</title>")
        head.append(f'<meta property="og:title" content="{esc(hints["title"])}">')
    if hints.get("outlet"):
        head.append(f'<meta property="og:site_name" content="{esc(hints["outlet"])}">')
    if hints.get("published"):
        head.append(f'<meta property="article:published_time" content="{esc(hints["published"])}">')
    if hints.get("author"):
        head.append(f'<meta name="author" content="{esc(hints["author"])}">')
    if hints.get("url"):
        head.append(f'<link rel="canonical" href="{esc(hints["url"])}">')
    return (
        f"<!DOCTYPE html>\n<html><head>{''.join(head)}</head><body><article>\n{fragment}\n</article></body></html>\n"
    ).encode()


_TAG = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment or "")).split())


def _one_line(exc) -> str:
    text = str(exc) if exc is not None else ""
    return text.splitlines()[0][:200] if text else type(exc).__name__


# ---------------------------------------------------------------- WordPress


def wordpress_posts(
    site_url: str,
    *,
    client: httpx.Client | None = None,
    state=None,
    fetcher: Fetcher | None = None,
    per_page: int = 20,
    max_pages: int = 5,
    named: bool = True,
) -> Iterator[RawDocument | Problem]:
    """The latest posts of a WordPress site from its REST API, one "wordpress" document per post.

    Newest first, page after page while pages come back full, up to `max_pages`
    (100 posts by default): a busy site publishes more than one page between two
    daily runs. The first page is fetched conditionally (ETag / Last-Modified);
    when it has not changed, nothing newer exists and no further page is asked for.
    """
    endpoint = site_url.rstrip("/") + f"/wp-json/wp/v2/posts?per_page={per_page}"
    own = fetcher is None
    fetcher = fetcher or Fetcher(client)
    if named:
        fetcher.name(site_url)
    try:
        got = yield from _conditional_get(endpoint, fetcher, state, MAX_FEED_BYTES)
        if got is None:
            return
        count = yield from _wordpress_documents(got[0], endpoint, site_url)
        unchanged = got[1] is None  # served from the state cache after a 304
        page = 2
        while count == per_page and page <= max_pages and not unchanged:
            url = f"{endpoint}&page={page}"
            try:
                more = fetcher.get(url, max_bytes=MAX_FEED_BYTES)
            except FetchError as exc:
                yield Problem(url, str(exc))
                return
            if more.status == 400:  # WordPress: "rest_post_invalid_page_number", past the last page
                return
            if more.status != 200:
                yield Problem(url, f"HTTP {more.status}")
                return
            count = yield from _wordpress_documents(more.content, url, site_url)
            page += 1
    finally:
        if own:
            fetcher.close()


def _wordpress_endpoint(endpoint: str, site_url: str, fetcher: Fetcher, state) -> Iterator[RawDocument | Problem]:
    """One REST URL given by the user (".../wp-json/wp/v2/posts?..."): exactly that page."""
    got = yield from _conditional_get(endpoint, fetcher, state, MAX_FEED_BYTES)
    if got is not None:
        yield from _wordpress_documents(got[0], endpoint, site_url)


def _wordpress_documents(body: bytes, endpoint: str, site_url: str) -> Generator[RawDocument | Problem, None, int]:
    """The posts of one REST answer as documents; returns how many posts the answer held."""
    from .records import loads

    try:
        posts = loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        yield Problem(site_url, f"not WordPress REST JSON ({_one_line(exc)})")
        return 0
    if isinstance(posts, dict) and "code" in posts:
        yield Problem(site_url, f"WordPress error: {posts.get('code')}: {posts.get('message', '')}")
        return 0
    if isinstance(posts, dict):
        posts = [posts]
    if not isinstance(posts, list):
        yield Problem(site_url, "not WordPress REST JSON (expected a list of posts)")
        return 0
    from .records import is_wordpress_post, wordpress_hints

    fetched_at = datetime.now(UTC)
    host = urlsplit(site_url).hostname or site_url
    for n, post in enumerate(posts, 1):
        if not is_wordpress_post(post):
            yield Problem(f"{endpoint}#{n}", "not a WordPress post (no content.rendered)")
            continue
        hints = wordpress_hints(post)
        hints.setdefault("outlet", host)
        origin = hints.get("url") or f"{endpoint}#{post.get('id', n)}"
        content = json.dumps(post, ensure_ascii=False).encode("utf-8")
        yield RawDocument(origin, content, "wordpress", fetched_at, "utf-8", hints)
    return len(posts)


# ---------------------------------------------------------------- OPML


class OPMLError(ValueError):
    """An OPML file cannot be read; the message names the file."""


MAX_OPML_BYTES = 10 * 1024 * 1024


def read_opml(path: str | Path) -> list[str]:
    """The feed URLs (xmlUrl) listed in an OPML file, in order, without repeats."""
    import defusedxml.ElementTree as DET

    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_OPML_BYTES + 1)
    except FileNotFoundError:
        raise OPMLError(f"{path}: no such OPML file") from None
    except OSError as exc:
        raise OPMLError(f"{path}: cannot read the OPML file: {exc.strerror or exc}") from None
    if len(raw) > MAX_OPML_BYTES:
        raise OPMLError(f"{path}: OPML file larger than {MAX_OPML_BYTES // (1024 * 1024)} MB")
    try:
        checked = safe_xml(raw)
    except XMLRefused as exc:
        raise OPMLError(f"{path}: {exc}") from None
    try:
        root = DET.fromstring(checked)
    except Exception as exc:
        raise OPMLError(f"{path}: not a readable OPML file: {_one_line(exc)}") from None
    urls: list[str] = []
    for node in root.iter():
        if not isinstance(node.tag, str) or node.tag.rsplit("}", 1)[-1].lower() != "outline":
            continue
        attrs = {k.lower(): v for k, v in node.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        if url and url not in urls:
            urls.append(url)
    return urls


def ingest_opml(
    path: str | Path,
    *,
    fetcher: Fetcher | None = None,
    state=None,
    not_before: datetime | None = None,
) -> Iterator[RawDocument | Problem]:
    """The documents of every feed an OPML file lists, one Problem per feed that fails.

    The listed feeds are links the user did not type: only http(s) is read (a
    `file:` entry would read local files into the digest), and the fetch
    policy applies to them as to any link found in content.
    """
    origin = str(path)
    try:
        urls = read_opml(path)
    except OPMLError as exc:
        yield Problem(origin, str(exc).removeprefix(f"{origin}: "))
        return
    if not urls:
        yield Problem(origin, "OPML file lists no feeds (no outline with xmlUrl)")
        return
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        for url in urls:
            scheme = urlsplit(url).scheme.lower()
            if scheme not in ("http", "https"):
                yield Problem(url, f"refused: listed in {origin}, but only http(s) feeds are read from an OPML file")
                continue
            for item in ingest_url(url, fetcher=fetcher, state=state, not_before=not_before, named=False):
                if isinstance(item, Problem) and item.origin == url and item.message.startswith("refused"):
                    item = Problem(url, f"{item.message} (listed in {origin})")
                yield item
    finally:
        if own:
            fetcher.close()

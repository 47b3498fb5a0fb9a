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

import html
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import httpx

from .. import __version__
from ..types import Problem, RawDocument

log = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/digest-news/digest"
USER_AGENT = f"digest/{__version__} (+{PROJECT_URL})"

MAX_FEED_BYTES = 10 * 1024 * 1024  # a feed larger than this is not a news feed
MAX_PAGE_BYTES = 5 * 1024 * 1024
FULL_TEXT_CHARS = 400  # entry content shorter than this (as text) is a blurb: fetch the page
MAX_WORKERS = 4  # article pages fetched at once (across hosts)
MAX_CRAWL_DELAY = 30.0


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def default_timeout() -> httpx.Timeout:
    """Connect/read timeouts; DIGEST_HTTP_TIMEOUT (seconds) overrides the read timeout."""
    read = _env_float("DIGEST_HTTP_TIMEOUT", 20.0)
    return httpx.Timeout(connect=min(10.0, read), read=read, write=read, pool=read)


def make_client(timeout: httpx.Timeout | float | None = None) -> httpx.Client:
    """The HTTP client digest uses: honest User-Agent, redirects followed, timeouts set."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=timeout if timeout is not None else default_timeout(),
        follow_redirects=True,
        max_redirects=5,
    )


class FetchError(Exception):
    """One URL could not be fetched; the message is one line and names no URL (the caller does)."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        m = re.search(r"charset=([\w.:-]+)", self.headers.get("content-type", ""), re.I)
        return m.group(1).strip("\"'") if m else None


@dataclass
class Fetcher:
    """HTTP with manners: a size cap, a per-host delay and robots.txt, shared by one run.

    `delay` is the pause between two requests to the same host (a robots.txt
    Crawl-delay makes it longer); DIGEST_FETCH_DELAY overrides the default.
    """

    client: httpx.Client | None = None
    delay: float | None = None
    max_workers: int = MAX_WORKERS
    _own_client: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _host_locks: dict[str, threading.Lock] = field(default_factory=dict, init=False)
    _next_at: dict[str, float] = field(default_factory=dict, init=False)
    _robots: dict[str, RobotFileParser | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.client is None:
            self.client = make_client()
            self._own_client = True
        if self.delay is None:
            self.delay = _env_float("DIGEST_FETCH_DELAY", 1.0)

    def close(self) -> None:
        if self._own_client and self.client is not None:
            self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- politeness ---------------------------------------------------------

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _wait_turn(self, host: str) -> None:
        """Sleep until this host may be asked again, then book the next slot."""
        with self._host_lock(host):
            now = time.monotonic()
            wait = self._next_at.get(host, 0.0) - now
            if wait > 0:
                time.sleep(wait)
            delay = self.delay or 0.0
            rp = self._robots.get(host)
            if rp is not None:
                crawl = rp.crawl_delay(USER_AGENT)
                if crawl:
                    delay = max(delay, min(float(crawl), MAX_CRAWL_DELAY))
            self._next_at[host] = time.monotonic() + delay

    def allowed(self, url: str) -> bool:
        """What the site's robots.txt says about our User-Agent fetching `url`.

        As urllib.robotparser does: 401/403 forbid everything, other 4xx allow
        everything. A robots.txt that cannot be read (5xx, timeout) forbids,
        since we cannot know what the site wants.
        """
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        with self._host_lock("robots " + host):
            if host not in self._robots:
                self._robots[host] = self._read_robots(host)
        rp = self._robots[host]
        return rp is not None and rp.can_fetch(USER_AGENT, url)

    def _read_robots(self, host: str) -> RobotFileParser | None:
        rp = RobotFileParser(host + "/robots.txt")
        try:
            got = self.get(host + "/robots.txt", max_bytes=512 * 1024)
        except FetchError as exc:
            log.warning("%s/robots.txt: %s; not fetching article pages from this host", host, exc)
            return None
        if got.status in (401, 403):
            rp.disallow_all = True
        elif 400 <= got.status < 500:
            rp.allow_all = True
        elif got.status >= 300:
            log.warning("%s/robots.txt: HTTP %d; not fetching article pages from this host", host, got.status)
            return None
        else:
            rp.parse(got.content.decode("utf-8", "replace").splitlines())
        rp.modified()
        return rp

    # -- fetching -----------------------------------------------------------

    def get(self, url: str, *, max_bytes: int = MAX_PAGE_BYTES, headers: dict[str, str] | None = None) -> Fetched:
        """GET with the size cap; raises FetchError with a one-line reason."""
        assert self.client is not None
        self._wait_turn(urlsplit(url).netloc)
        try:
            with self.client.stream("GET", url, headers=headers) as resp:
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"larger than the {max_bytes // (1024 * 1024)} MB cap ({int(declared)} bytes)")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"larger than the {max_bytes // (1024 * 1024)} MB cap")
                    chunks.append(chunk)
                return Fetched(
                    str(resp.url), resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, b"".join(chunks)
                )
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})") from None
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects") from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL: {exc}") from None
        except httpx.HTTPError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise FetchError(f"cannot connect: {reason}") from None


# ---------------------------------------------------------------- XML safety


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


def xml_refusal(body: bytes) -> str | None:
    """Why this XML must not be parsed (entity declarations: billion laughs, external entities), or None.

    A plain DOCTYPE is fine; malformed XML is fine too (feedparser copes with
    it), only entity tricks are refused.
    """
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if _ENTITY_DECL.search(body):
        return "refused: the XML declares entities (possible entity bomb)"
    try:
        DET.fromstring(body)
    except DefusedXmlException as exc:
        return f"refused: unsafe XML ({type(exc).__name__})"
    except Exception:
        pass
    return None


# ---------------------------------------------------------------- feeds


def ingest_url(
    url: str,
    *,
    client: httpx.Client | None = None,
    state=None,
    fetcher: Fetcher | None = None,
    not_before: datetime | None = None,
) -> Iterator[RawDocument | Problem]:
    """Documents from one feed URL (RSS, Atom, or a WordPress REST posts URL).

    With `state` (a digest.state.State), the feed's ETag/Last-Modified are
    sent and remembered, and article pages whose URL is already known are not
    fetched again. Entries dated before `not_before` are skipped (a feed's
    backlog is not worth fetching page by page).
    """
    own = fetcher is None
    fetcher = fetcher or Fetcher(client)
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


def _conditional_get(url: str, fetcher: Fetcher, state, max_bytes: int) -> Iterator[Problem]:
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
    refusal = xml_refusal(body)
    if refusal:
        yield Problem(url, refusal)
        return
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers)
    usable = [e for e in parsed.entries if e.get("link") or _full_content(e) or e.get("summary")]
    if parsed.get("bozo") and not usable:
        # feedparser's loose parser finds "entries" in almost any junk; without a
        # link or any text they are not news, and the source is simply broken.
        parsed["entries"] = []
        parsed["version"] = ""
    if not parsed.entries:
        if parsed.get("version"):
            log.info("%s: feed has no entries", url)
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
            slots.append(Problem(f"{url}#{n}", "feed entry has neither text nor a link"))

    pages = [s for s in slots if isinstance(s, tuple)]
    if pages:
        own = fetcher is None
        fetcher = fetcher or Fetcher()
        try:
            with ThreadPoolExecutor(max_workers=max(1, fetcher.max_workers)) as pool:
                results = iter(list(pool.map(lambda job: fetch_article(job[0], job[1], fetcher), pages)))
        finally:
            if own:
                fetcher.close()
        slots = [next(results) if isinstance(s, tuple) else s for s in slots]
    yield from slots  # type: ignore[misc]


# Bozo reasons that say nothing about the feed's content (a text/html content type,
# an encoding declared differently from the HTTP header).
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def fetch_article(link: str, hints: dict[str, str], fetcher: Fetcher) -> RawDocument | Problem:
    """The article page behind a feed entry, as an "html" document carrying the entry's hints."""
    if not fetcher.allowed(link):
        return Problem(link, "article page disallowed by robots.txt; skipped")
    try:
        got = fetcher.get(link, max_bytes=MAX_PAGE_BYTES, headers={"Accept": "text/html,application/xhtml+xml"})
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
        hints["published"] = datetime(*when[:6], tzinfo=UTC).isoformat()
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


def _wordpress_documents(body: bytes, endpoint: str, site_url: str) -> Iterator[RawDocument | Problem]:
    """The posts of one REST answer as documents; returns how many posts the answer held."""
    try:
        posts = json.loads(body.decode("utf-8-sig"))
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


def read_opml(path: str | Path) -> list[str]:
    """The feed URLs (xmlUrl) listed in an OPML file, in order, without repeats."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        tree = DET.parse(str(path))
    except FileNotFoundError:
        raise OPMLError(f"{path}: no such OPML file") from None
    except DefusedXmlException as exc:
        raise OPMLError(f"{path}: refused unsafe XML ({type(exc).__name__})") from None
    except Exception as exc:
        raise OPMLError(f"{path}: not a readable OPML file: {_one_line(exc)}") from None
    urls: list[str] = []
    for node in tree.iter():
        if not isinstance(node.tag, str) or node.tag.rsplit("}", 1)[-1].lower() != "outline":
            continue
        attrs = {k.lower(): v for k, v in node.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        if url and url not in urls:
            urls.append(url)
    return urls

"""Ingest: turn paths, URLs and stdin into RawDocuments, and bad inputs into Problems.

    ingest(["news/", "extra.json.gz", "https://example.org/feed", "https://example.org/a.html", "-"]) ->
        RawDocument(origin, content, shape, fetched_at, encoding, hints) | Problem

Files are read as bytes (never more than `max_bytes`), gunzipped when the
content is gzip, decoded only to decide their shape, and passed on raw with
the encoding found. A JSON file may hold many documents; each gets `path#N`.
A file that lists URLs (one a line, `#` comments) stands for those URLs; so
does a `UrlList` source (the CLI's `--urls FILE`). "-" reads stdin. A URL is
fetched once and its content decides what it is: a feed or a WordPress REST
answer (read by `digest.ingest.feeds`), or an article (HTML or JSON). All URLs
of one run share one `fetch.Fetcher`, so its size cap, timeouts and per-host
delay hold for every fetch. Every URL the user gave (on the command line, in a
URL list, on stdin) is named to the Fetcher, so it may be on a private or
loopback host; links found in content (feed entries, OPML lists, redirects)
are held to the fetch policy (docs/security.md). One bad input gives one
Problem and the run goes on. See docs/ingest.md.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from ..types import Problem, RawDocument

if TYPE_CHECKING:
    from .fetch import Fetcher
from .detect import detect_text_shape, looks_like_json, looks_like_jsonl, xml_root
from .inputs import FetchOptions, Input, read_inputs
from .read import GZIP_MAGIC, ReadError, decode, gunzip, read_bytes, walk
from .records import JSONProblem, json_documents, jsonl_documents, parse_json

__all__ = [
    "DEFAULT_MAX_BYTES",
    "STDIN",
    "FetchOptions",
    "Input",
    "UrlList",
    "documents_from_bytes",
    "fetch_url",
    "ingest",
    "ingest_path",
    "read_inputs",
    "read_url_list",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20_000_000

_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
STDIN = "-"  # the source that means standard input
_STDIN_ORIGIN = "<stdin>"
# A URL list is a short text file: anything bigger is an article, whatever it holds.
_MAX_URL_LIST_BYTES = 1_000_000
_URL_LINE = re.compile(r"^(?P<url>https?://\S+?)(?:\s+#.*)?$", re.I)


class UrlList(str):
    """A source that names a file listing URLs (one a line, `#` comments), read as those URLs.

    A plain path works too when the file's content is a URL list; this marks the
    intent (`--urls FILE`), so that a line that is not a URL is reported, not read as prose.
    """


def ingest(
    sources: Iterable[str | os.PathLike], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawDocument | Problem]:
    """Every document in the sources, in order; a Problem for each bad one.

    Sources are files, folders (walked recursively in sorted order, hidden
    entries skipped), gzip files, OPML files, files listing URLs, http(s) URLs
    (feeds, WordPress REST, article pages in HTML or JSON) and "-" for stdin.
    """
    run = _Run(max_bytes)
    sources = list(sources)
    # Every URL the user typed is named before any is read: a feed's links may point at
    # another of them, and whether they may be fetched must not depend on the order.
    for source in sources:
        name = os.fsdecode(os.fspath(source))
        if not isinstance(source, UrlList) and _URL.match(name):
            run.name(name)
    try:
        for source in sources:
            name = os.fsdecode(os.fspath(source))
            try:
                if isinstance(source, UrlList):
                    yield from run.url_list(Path(name), strict=True)
                elif name == STDIN:
                    yield from run.stdin()
                elif _URL.match(name):
                    yield from run.url(name)
                else:
                    yield from run.path(name)
            except Exception as exc:  # a bug must not sink the whole run
                log.exception("%s: unexpected error while ingesting", name)
                yield Problem(name, f"unexpected error: {type(exc).__name__}: {exc}")
    finally:
        run.close()


def read_url_list(text: str, origin: str = "") -> tuple[list[str], list[Problem]]:
    """The URLs a list names (one a line; blank lines and `# comments` skipped), and a Problem per bad line."""
    urls: list[str] = []
    problems: list[Problem] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        match = _URL_LINE.match(line)
        if match is None:
            problems.append(Problem(f"{origin}:{lineno}", f"not an http(s) URL: {line[:80]!r}"))
        elif match.group("url") not in urls:
            urls.append(match.group("url"))
    return urls, problems


class _Run:
    """What one ingest run shares: the size limit and, once a URL turns up, one Fetcher.

    Sharing the Fetcher is what makes its per-host delay hold across all the URLs of a
    run (a list of twenty articles on one site is fetched one at a time, spaced out).
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._fetcher: Fetcher | None = None
        self._lists: set[str] = set()  # URL lists read, so that a list naming itself ends

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()

    # -- files and folders ----------------------------------------------------

    def path(self, name: str | os.PathLike) -> Iterator[RawDocument | Problem]:
        """The documents in one file, or in every visible file under one folder."""
        path = Path(name)
        if path.is_dir():
            files = list(walk(path))
            if not files:
                yield Problem(str(path), "folder holds no files (hidden files are skipped)")
            for file in files:
                try:
                    yield from self.file(file)
                except Exception as exc:
                    log.exception("%s: unexpected error while ingesting", file)
                    yield Problem(str(file), f"unexpected error: {type(exc).__name__}: {exc}")
        else:
            yield from self.file(path)

    def file(self, path: Path) -> Iterator[RawDocument | Problem]:
        origin = str(path)
        fetched_at = datetime.now(UTC)
        try:
            data = read_bytes(path, self.max_bytes)
        except ReadError as exc:
            yield Problem(origin, str(exc))
            return
        if _suffix(path.name) == ".opml" or (data and _opml_content(data)):
            yield from self.opml(path)
            return
        text = _url_list_text(data)
        if text is not None:
            yield from self.url_list(path, text=text)
            return
        yield from documents_from_bytes(origin, data, fetched_at=fetched_at, name=path.name)

    def opml(self, path: Path) -> Iterator[RawDocument | Problem]:
        origin = str(path)
        feeds = _feeds(origin)
        if isinstance(feeds, Problem):
            yield feeds
            return
        # The feeds an OPML file lists are links, not names: fetched under the policy (feeds.ingest_opml).
        yield from feeds.ingest_opml(path, fetcher=self.fetcher())

    def url_list(self, path: Path, *, strict: bool = False, text: str | None = None) -> Iterator[RawDocument | Problem]:
        """The URLs a file lists, each read as a URL source; a Problem per line that is no URL."""
        origin = str(path)
        if text is None:
            try:
                data = read_bytes(path, min(self.max_bytes, _MAX_URL_LIST_BYTES))
                text = decode(data)[0]
            except ReadError as exc:
                yield Problem(origin, f"URL list: {exc}")
                return
        key = os.path.realpath(path)
        if key in self._lists:
            return
        self._lists.add(key)
        urls, problems = read_url_list(text, origin)
        yield from problems
        if not urls:
            yield Problem(origin, "the URL list names no http(s) URL" if strict else "no URLs")
        for url in urls:
            yield from self.url(url)

    # -- standard input ------------------------------------------------------------

    def stdin(self) -> Iterator[RawDocument | Problem]:
        """Standard input, read as a file would be: text, HTML, JSON, JSON Lines, or a URL list."""
        import sys

        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            yield Problem(_STDIN_ORIGIN, "standard input cannot be read")
            return
        data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            yield Problem(_STDIN_ORIGIN, f"too large: more than {self.max_bytes:,} bytes (max_bytes)")
            return
        if data.startswith(GZIP_MAGIC):
            try:
                data = gunzip(data, self.max_bytes)
            except ReadError as exc:
                yield Problem(_STDIN_ORIGIN, str(exc))
                return
        text = _url_list_text(data)
        if text is not None:
            for url in read_url_list(text, _STDIN_ORIGIN)[0]:
                yield from self.url(url)
            return
        yield from documents_from_bytes(_STDIN_ORIGIN, data)

    # -- URLs ----------------------------------------------------------------------

    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            from .fetch import Fetcher

            self._fetcher = Fetcher()
        return self._fetcher

    def name(self, url: str) -> None:
        """The user gave this URL: its origin may be on a private or loopback host (docs/security.md)."""
        if urlparse(url).scheme.lower() in ("http", "https"):
            self.fetcher().name(url)

    def url(self, url: str) -> Iterator[RawDocument | Problem]:
        """One URL the user gave (typed, listed, or on stdin): fetched once; what comes back decides
        whether it is a feed or an article."""
        scheme = urlparse(url).scheme.lower()
        if scheme == "file":
            yield from self.path(unquote(urlparse(url).path))
            return
        if scheme not in ("http", "https"):
            yield Problem(url, f"unsupported URL scheme {scheme!r}: give a path or an http(s) URL")
            return
        feeds = _feeds(url)
        if isinstance(feeds, Problem):
            yield feeds
            return
        self.name(url)
        try:
            yield from fetch_url(url, self.fetcher(), feeds)
        except Exception as exc:
            log.exception("%s: reading the URL failed", url)
            yield Problem(url, f"cannot read: {type(exc).__name__}: {exc}")


def ingest_path(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | Problem]:
    """The documents in one file, or in every visible file under one folder."""
    run = _Run(max_bytes)
    try:
        yield from run.path(path)
    finally:
        run.close()


def fetch_url(url: str, fetcher: Fetcher, feeds: Any) -> Iterator[RawDocument | Problem]:
    """The documents behind one http(s) URL (named to `fetcher` by the caller when the user gave it).

    A WordPress REST URL goes to the feeds module as before. Anything else is fetched
    once (the Fetcher's size cap, timeouts and per-host delay), and its content
    decides: an RSS/Atom feed is parsed as one (its entries' pages fetched by the same
    Fetcher); any other answer is a document of its own, an article page in HTML or
    JSON, read exactly as a file with that content would be, with the URL as its
    origin and as the `url` hint.
    """
    if "/wp-json/" in urlparse(url).path:
        yield from feeds.ingest_url(url, fetcher=fetcher)
        return
    try:
        got = fetcher.get(
            url,
            max_bytes=feeds.MAX_FEED_BYTES,
            headers={
                "Accept": "application/rss+xml, application/atom+xml, text/html, application/json;q=0.9, */*;q=0.8"
            },
        )
    except feeds.FetchError as exc:
        yield Problem(url, str(exc))
        return
    if got.status != 200:
        yield Problem(url, f"HTTP {got.status}")
        return
    body = got.content
    if _is_feed(body, got.content_type):
        yield from feeds.parse_feed(url, body, fetcher=fetcher, content_type=got.headers.get("content-type"))
        return
    if len(body) > feeds.MAX_PAGE_BYTES:
        yield Problem(url, f"larger than the {feeds.MAX_PAGE_BYTES // (1024 * 1024)} MB cap of an article page")
        return
    if body.startswith(GZIP_MAGIC):  # a .gz file served as it is
        try:
            body = gunzip(body, feeds.MAX_PAGE_BYTES)
        except ReadError as exc:
            yield Problem(url, str(exc))
            return
    name = urlparse(got.url).path.rsplit("/", 1)[-1]
    if not _suffix(name) and "json" in got.content_type:
        name += ".json"
    for item in documents_from_bytes(url, body, name=name):
        if isinstance(item, RawDocument) and "url" not in item.hints:
            item = replace(item, hints={**item.hints, "url": got.url})
        yield item


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def _is_feed(body: bytes, content_type: str) -> bool:
    if content_type in _FEED_TYPES:
        return True
    head = body[:4096]
    if head.startswith(GZIP_MAGIC):
        return False
    try:
        text = decode(head)[0]
    except ReadError:
        return False
    return xml_root(text) in ("rss", "feed", "rdf:rdf")


def _url_list_text(data: bytes) -> str | None:
    """The text of a URL list (every line not blank or a comment is one http(s) URL), else None."""
    if not data or len(data) > _MAX_URL_LIST_BYTES or data.lstrip()[:1] in (b"{", b"[", b"<"):
        return None
    try:
        text = decode(data)[0]
    except ReadError:
        return None
    urls, problems = read_url_list(text)
    return text if urls and not problems else None


def documents_from_bytes(
    origin: str, data: bytes, *, fetched_at: datetime | None = None, name: str = ""
) -> Iterator[RawDocument | Problem]:
    """The documents in bytes already in hand (a file's content, a fetched page).

    `name` (a file name or URL path) only breaks ties the content leaves open:
    a `.jsonl` name makes even a one-line file JSON Lines, and a `.json` file
    holding a bare value ("42") is refused. Gzip must already be undone.
    """
    fetched_at = fetched_at or datetime.now(UTC)
    if not data:
        yield Problem(origin, "empty file")
        return
    try:
        text, encoding = decode(data)
    except ReadError as exc:
        yield Problem(origin, str(exc))
        return
    if not text.strip():
        yield Problem(origin, "empty file (only whitespace)")
        return
    suffix = _suffix(name)
    root = xml_root(text)
    if root in ("rss", "feed", "rdf:rdf"):
        yield from _from_saved_feed(origin, data)
        return
    if _is_json(text):
        try:
            if suffix in _JSONL_SUFFIXES:
                yield from jsonl_documents(origin, text, fetched_at)
                return
            try:
                data_json = parse_json(text)
            except JSONProblem:
                if looks_like_jsonl(text) and len(text.strip().splitlines()) > 1:
                    yield from jsonl_documents(origin, text, fetched_at)
                    return
                raise
            yield from json_documents(origin, data, encoding, data_json, fetched_at)
        except JSONProblem as exc:
            yield Problem(origin, str(exc))
        return
    if suffix == ".json" and _parses_as_scalar(text):
        yield Problem(origin, "JSON holds a single value, not an object or a list of objects")
        return
    shape = detect_text_shape(text)
    log.debug("%s: %s, %s", origin, shape, encoding)
    yield RawDocument(origin, data, shape, fetched_at, encoding)


# ---------------------------------------------------------------- saved feeds


def _from_saved_feed(origin: str, data: bytes) -> Iterator[RawDocument | Problem]:
    """An RSS/Atom file on disk: its entries, as if fetched from a feed URL."""
    feeds = _feeds(origin)
    if isinstance(feeds, Problem):
        yield feeds
        return
    try:
        yield from feeds.parse_feed(origin, data)
    except Exception as exc:
        log.exception("%s: feed reader failed", origin)
        yield Problem(origin, f"cannot read feed: {type(exc).__name__}: {exc}")


def _feeds(origin: str):
    """The feeds module, imported late: ingest of files works without it."""
    try:
        return importlib.import_module(f"{__name__}.feeds")
    except ImportError as exc:
        if exc.name == f"{__name__}.feeds":
            return Problem(origin, "feeds not supported (digest.ingest.feeds is not installed)")
        return Problem(origin, f"feeds not supported: {exc}")


# ---------------------------------------------------------------- small checks


def _suffix(name: str) -> str:
    """The telling suffix of a name: "x.json.gz" -> ".json"."""
    name = name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return os.path.splitext(name)[1]


def _is_json(text: str) -> bool:
    """Whether to read the text as JSON (and report a Problem if it does not parse).

    Prose never opens with "{"; it may open with "[" ("[Reuters] ..."), so
    then the next character decides, whatever the file's name.
    """
    head = text.lstrip("\ufeff \t\r\n")[:1]
    return head == "{" or (head == "[" and looks_like_json(text))


def _parses_as_scalar(text: str) -> bool:
    try:
        parse_json(text)
    except JSONProblem:
        return False
    return True


def _opml_content(data: bytes) -> bool:
    head = data[:4096].lower()
    return b"<opml" in head and xml_root(head.decode("latin-1")) == "opml"

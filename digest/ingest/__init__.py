"""Ingest: turn paths and URLs into RawDocuments, and bad inputs into Problems.

    ingest(["news/", "extra.json.gz", "https://example.org/feed"]) ->
        RawDocument(origin, content, shape, fetched_at, encoding, hints) | Problem

Files are read as bytes (never more than `max_bytes`), gunzipped when the
content is gzip, decoded only to decide their shape, and passed on raw with
the encoding found. A JSON file may hold many documents; each gets `path#N`.
URLs and OPML files go to `digest.ingest.feeds`. One bad input gives one
Problem and the run goes on. See docs/ingest.md.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..types import Problem, RawDocument
from .detect import detect_text_shape, looks_like_json, looks_like_jsonl, xml_root
from .inputs import FetchOptions, Input, read_inputs
from .read import ReadError, decode, read_bytes, walk
from .records import JSONProblem, json_documents, jsonl_documents, parse_json

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FetchOptions",
    "Input",
    "documents_from_bytes",
    "ingest",
    "ingest_path",
    "read_inputs",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20_000_000

_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def ingest(
    sources: Iterable[str | os.PathLike], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawDocument | Problem]:
    """Every document in the sources, in order; a Problem for each bad one.

    Sources are files, folders (walked recursively in sorted order, hidden
    entries skipped), gzip files, OPML files and http(s) URLs.
    """
    for source in sources:
        name = os.fsdecode(os.fspath(source))
        try:
            if _URL.match(name):
                yield from _from_url(name, max_bytes)
            else:
                yield from ingest_path(name, max_bytes=max_bytes)
        except Exception as exc:  # a bug must not sink the whole run
            log.exception("%s: unexpected error while ingesting", name)
            yield Problem(name, f"unexpected error: {type(exc).__name__}: {exc}")


def ingest_path(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | Problem]:
    """The documents in one file, or in every visible file under one folder."""
    path = Path(path)
    if path.is_dir():
        files = list(walk(path))
        if not files:
            yield Problem(str(path), "folder holds no files (hidden files are skipped)")
        for file in files:
            try:
                yield from _from_file(file, max_bytes)
            except Exception as exc:
                log.exception("%s: unexpected error while ingesting", file)
                yield Problem(str(file), f"unexpected error: {type(exc).__name__}: {exc}")
    else:
        yield from _from_file(path, max_bytes)


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


# ---------------------------------------------------------------- sources


def _from_file(path: Path, max_bytes: int) -> Iterator[RawDocument | Problem]:
    origin = str(path)
    fetched_at = datetime.now(UTC)
    try:
        data = read_bytes(path, max_bytes)
    except ReadError as exc:
        yield Problem(origin, str(exc))
        return
    if _suffix(path.name) == ".opml" or (data and _opml_content(data)):
        yield from _from_opml(path)
        return
    yield from documents_from_bytes(origin, data, fetched_at=fetched_at, name=path.name)


def _from_url(url: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | Problem]:
    scheme = urlparse(url).scheme.lower()
    if scheme == "file":
        yield from ingest_path(unquote(urlparse(url).path), max_bytes=max_bytes)
        return
    if scheme not in ("http", "https"):
        yield Problem(url, f"unsupported URL scheme {scheme!r}: give a path or an http(s) URL")
        return
    feeds = _feeds(url)
    if isinstance(feeds, Problem):
        yield feeds
        return
    try:
        yield from feeds.ingest_url(url)
    except Exception as exc:
        log.exception("%s: feed reader failed", url)
        yield Problem(url, f"cannot read feed: {type(exc).__name__}: {exc}")


def _from_opml(path: Path) -> Iterator[RawDocument | Problem]:
    origin = str(path)
    feeds = _feeds(origin)
    if isinstance(feeds, Problem):
        yield feeds
        return
    # The listed feeds are fetched under the policy, never read as files (feeds.ingest_opml).
    yield from feeds.ingest_opml(path)


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

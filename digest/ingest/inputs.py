"""Typed inputs: what a config file lists (a path, a feed, a WordPress site, an OPML list).

`digest brief` takes free-form arguments and guesses what each is; `digest
daily` knows from its config what each source is, and wants more from the
fetch: conditional GET against remembered ETags, no re-fetch of pages it has
seen, no backlog older than its window. `read_inputs` is the one front for
that, so that daily never reaches into the feed reader's internals.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from ..types import Problem, RawDocument

log = logging.getLogger(__name__)

InputKind = Literal["path", "feed", "wordpress", "opml"]


@dataclass(frozen=True)
class Input:
    """One source to read, of a known kind."""

    kind: InputKind
    value: str  # a path, or an http(s) URL

    def __str__(self) -> str:
        return f"{self.kind} = {self.value}"


@dataclass(frozen=True)
class FetchOptions:
    """How feeds are fetched for a run that remembers what it saw.

    `cache` remembers ETag/Last-Modified and known article URLs across runs
    (digest.state.State implements it); `fetcher` is shared by all inputs so
    that politeness (one request at a time per host) holds across them;
    `not_before` skips feed entries older than the run's window.
    """

    fetcher: Any = None  # digest.ingest.feeds.Fetcher
    cache: Any = None  # has feed_cache(url), save_feed_cache(...), knows_url(url)
    not_before: datetime | None = None


def read_inputs(inputs: Iterable[Input], options: FetchOptions) -> Iterator[tuple[Input, RawDocument | Problem]]:
    """Every document of every input, paired with the input it came from; a Problem for each failure.

    One broken input never stops the others. Without `options.fetcher`, one
    is made for these inputs and closed at the end.
    """
    from .feeds import Fetcher

    own = options.fetcher is None
    if own:
        options = replace(options, fetcher=Fetcher())
    inputs = list(inputs)
    for item in inputs:  # every source the user named, before any is read: an OPML feed may share its origin
        if item.kind in ("feed", "wordpress"):
            options.fetcher.name(item.value)
    try:
        for item in inputs:
            try:
                for doc in _documents(item, options):
                    yield item, doc
            except Exception as exc:  # a bug in one reader must not sink the run
                log.exception("%s: failed", item.value)
                yield item, Problem(item.value, f"failed: {type(exc).__name__}: {exc}")
    finally:
        if own:
            options.fetcher.close()


def _documents(item: Input, options: FetchOptions) -> Iterator[RawDocument | Problem]:
    from . import feeds, ingest_path

    if item.kind == "path":
        yield from ingest_path(item.value)
    elif item.kind == "feed":
        yield from feeds.ingest_url(
            item.value, state=options.cache, fetcher=options.fetcher, not_before=options.not_before
        )
    elif item.kind == "wordpress":
        yield from feeds.wordpress_posts(item.value, state=options.cache, fetcher=options.fetcher)
    else:
        # The feeds an OPML file lists are links, not names: only http(s), under the fetch policy.
        yield from feeds.ingest_opml(
            item.value, state=options.cache, fetcher=options.fetcher, not_before=options.not_before
        )

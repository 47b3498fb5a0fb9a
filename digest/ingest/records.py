"""Split JSON and JSON Lines into documents: WordPress posts and text records.

A JSON file may hold one document or many: a WordPress post or a list of
them (what `wp-json/wp/v2/posts` returns), a record with a text field (news
crawlers such as news-please write `maintext`, NewsAPI writes `content`), a
list of such records, or an object wrapping that list (`{"articles": [...]}`).
Each becomes one RawDocument; the fields around the text become hints.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..types import Problem, RawDocument, Shape
from ..wordpress import post_author
from .detect import looks_like_html

# Where the article text may be. When several are present the longest wins:
# NewsAPI's `content` is a 200-character stub beside a full `text` elsewhere.
TEXT_FIELDS = ("maintext", "article", "text", "content", "body", "full_text", "fulltext", "article_text", "story")

# Hint name -> the field names that carry it, most specific first.
HINT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "url": ("url", "link", "canonical_url", "permalink"),
    "published": (
        "published",
        "date_publish",
        "publishedAt",
        "published_at",
        "datePublished",
        "date_published",
        "pubDate",
        "date",
        "created_at",
    ),
    "outlet": ("outlet", "source", "source_name", "publisher", "site_name", "source_domain", "domain"),
    "author": ("author", "authors", "byline", "creator"),
    "excerpt": ("description", "summary", "excerpt", "abstract", "lead"),
    "language": ("language", "lang"),
}

# Lists of records inside a wrapping object.
_WRAPPERS = ("articles", "items", "posts", "data", "results", "documents", "docs", "entries", "records", "news")


# Other fields are carried as hints only when short: a raw-HTML copy of the
# page is not a hint.
_LONGEST_EXTRA_HINT = 1000


class JSONProblem(Exception):
    """The JSON holds nothing usable; the message says why."""


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def loads(text: str) -> Any:
    """json.loads, with lone surrogates ("\\udc00", legal JSON, not encodable text) made U+FFFD.

    Every string, key or value, comes out encodable as UTF-8, so nothing
    downstream (hashing, writing, re-encoding a post) can trip over one.
    """
    data = json.loads(text)
    if _SURROGATE_ESCAPE.search(text):
        data = _no_surrogates(data)
    return data


def _no_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_no_surrogates(k): _no_surrogates(v) for k, v in value.items()}
    return value


def parse_json(text: str) -> Any:
    """json.loads, with the error turned into "invalid JSON: line X col Y: ..."."""
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        raise JSONProblem(f"invalid JSON: line {exc.lineno} col {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise JSONProblem("invalid JSON: nested too deeply") from None


def json_documents(
    origin: str, raw: bytes, encoding: str, data: Any, fetched_at: datetime
) -> Iterator[RawDocument | Problem]:
    """The documents in one parsed JSON file (a post, a record, or a list of them)."""
    if isinstance(data, dict):
        if is_wordpress_post(data):
            # The file is the post: keep its own bytes.
            yield RawDocument(origin, raw, "wordpress", fetched_at, encoding, wordpress_hints(data))
            return
        if text_of(data) is not None:
            yield record_document(origin, data, fetched_at)
            return
        for key in _WRAPPERS:
            items = data.get(key)
            if isinstance(items, list) and any(isinstance(i, dict) for i in items):
                yield from list_documents(origin, items, fetched_at)
                return
        raise JSONProblem(
            f"no text field in the JSON object (looked for {', '.join(TEXT_FIELDS)}; found {_keys(data)})"
        )
    if isinstance(data, list):
        yield from list_documents(origin, data, fetched_at)
        return
    raise JSONProblem(f"JSON holds a {type(data).__name__}, not an object or a list of objects")


def list_documents(origin: str, items: list, fetched_at: datetime) -> Iterator[RawDocument | Problem]:
    """One document per item, origin `path#N`; one Problem if no item has text at all."""
    docs: list[RawDocument | Problem] = []
    found = 0
    for n, item in enumerate(items, 1):
        doc = item_document(f"{origin}#{n}", item, fetched_at)
        found += isinstance(doc, RawDocument)
        docs.append(doc)
    if not found:
        first = next((i for i in items if isinstance(i, dict)), None)
        seen = f"; found {_keys(first)}" if first else ""
        raise JSONProblem(f"no record with a text field among {len(items)} (looked for {', '.join(TEXT_FIELDS)}{seen})")
    yield from docs


def item_document(origin: str, item: Any, fetched_at: datetime) -> RawDocument | Problem:
    """One list item or JSON line as a document, or a Problem naming `path#N`."""
    if not isinstance(item, dict):
        return Problem(origin, f"a {type(item).__name__}, not a JSON object")
    if is_wordpress_post(item):
        content = json.dumps(item, ensure_ascii=False).encode("utf-8")
        return RawDocument(origin, content, "wordpress", fetched_at, "utf-8", wordpress_hints(item))
    if text_of(item) is None:
        return Problem(origin, f"no text field (looked for {', '.join(TEXT_FIELDS)}; found {_keys(item)})")
    return record_document(origin, item, fetched_at)


def jsonl_documents(origin: str, text: str, fetched_at: datetime) -> Iterator[RawDocument | Problem]:
    """One document per non-blank line of a JSON Lines file, origin `path#N`."""
    items: list[Any] = []
    bad: dict[int, str] = {}
    lineno_of: dict[int, int] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        n = len(items) + 1
        lineno_of[n] = lineno
        try:
            items.append(loads(line))
        except (json.JSONDecodeError, RecursionError) as exc:
            items.append(None)
            col = getattr(exc, "colno", 0)
            bad[n] = f"invalid JSON on line {lineno} col {col}: {getattr(exc, 'msg', 'nested too deeply')}"
    if bad and len(bad) == len(items):
        raise JSONProblem(f"invalid JSON Lines: {bad[1]}")
    docs = []
    for n, item in enumerate(items, 1):
        docs.append(Problem(f"{origin}#{n}", bad[n]) if n in bad else item_document(f"{origin}#{n}", item, fetched_at))
    if not any(isinstance(d, RawDocument) for d in docs):
        first = next((i for i in items if isinstance(i, dict)), None)
        seen = f"; found {_keys(first)}" if first else ""
        raise JSONProblem(
            f"no record with a text field among {len(items)} lines (looked for {', '.join(TEXT_FIELDS)}{seen})"
        )
    yield from docs


# ---------------------------------------------------------------- WordPress


def is_wordpress_post(obj: Any) -> bool:
    """A WordPress REST post: `content.rendered` plus `title.rendered`, `guid` or `type`."""
    if not isinstance(obj, dict):
        return False
    content = obj.get("content")
    if not (isinstance(content, dict) and isinstance(content.get("rendered"), str)):
        return False
    title = obj.get("title")
    return (
        (isinstance(title, dict) and "rendered" in title)
        or isinstance(obj.get("guid"), dict)
        or obj.get("type") in ("post", "page")
    )


def wordpress_hints(post: dict) -> dict[str, str]:
    """Title, link, dates, author and excerpt as the post gives them."""
    hints: dict[str, str] = {}
    title = _rendered(post.get("title"))
    if title:
        hints["title"] = _plain(title)
    if isinstance(post.get("link"), str):
        hints["url"] = post["link"]
    for name, gmt, local in (("published", "date_gmt", "date"), ("modified", "modified_gmt", "modified")):
        if isinstance(post.get(gmt), str) and post[gmt]:
            hints[name] = post[gmt] + "+00:00"  # WordPress gives UTC without a zone
        elif isinstance(post.get(local), str) and post[local]:
            hints[name] = post[local]
    author = post_author(post)
    if author:
        hints["author"] = author
    excerpt = _rendered(post.get("excerpt"))
    if excerpt and _plain(excerpt):
        hints["excerpt"] = _plain(excerpt)
    guid = _rendered(post.get("guid"))
    if guid:
        hints["guid"] = guid
    if post.get("id") is not None:
        hints["id"] = str(post["id"])
    yoast = post.get("yoast_head_json")
    if isinstance(yoast, dict) and isinstance(yoast.get("og_site_name"), str):
        hints["outlet"] = yoast["og_site_name"]
    return hints


# ---------------------------------------------------------------- plain records


def record_document(origin: str, record: dict, fetched_at: datetime) -> RawDocument:
    """A record's main text as content; its other fields as hints.

    The shape is "json"; if the text field holds HTML markup, the shape is
    "html" so that clean extracts the text from it (the hints still hold the
    record's title, URL and date).
    """
    text = text_of(record) or ""
    shape: Shape = "html" if looks_like_html(text) or _OPENS_WITH_BLOCK_TAG.match(text) else "json"
    return RawDocument(origin, text.encode("utf-8"), shape, fetched_at, "utf-8", record_hints(record))


def text_of(record: dict) -> str | None:
    """The longest non-blank text field of a record, if any."""
    best = None
    for name in TEXT_FIELDS:
        value = _rendered(record.get(name))
        if value and value.strip() and (best is None or len(value) > len(best)):
            best = value
    return best


def record_hints(record: dict) -> dict[str, str]:
    """Canonical hints (title, url, published, outlet, author, excerpt, language), then the other scalar fields."""
    hints: dict[str, str] = {}
    used = set(TEXT_FIELDS)
    for hint, names in HINT_FIELDS.items():
        for name in names:
            value = _scalar(record.get(name))
            if value:
                hints[hint] = value
                used.add(name)
                break
    for key, value in record.items():
        if key in used or key in hints:
            continue
        value = _scalar(value)
        if value and len(value) <= _LONGEST_EXTRA_HINT:
            hints[str(key)] = value
    return hints


def _rendered(value: Any) -> str | None:
    """A string, or the `rendered` string inside WordPress-style {"rendered": ...}."""
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else None


def _scalar(value: Any) -> str | None:
    """A hint value as a string: names from {"name": ...} and lists of names joined."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("rendered") or value.get("title")
    if isinstance(value, list):
        names = [_scalar(v) for v in value]
        value = ", ".join(n for n in names if n) or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


_TAG = re.compile(r"<[^<>]*>")
_OPENS_WITH_BLOCK_TAG = re.compile(r"\s*<(?:p|div|article|section|h[1-6]|figure|blockquote)[\s>]", re.I)


def _plain(fragment: str) -> str:
    """HTML fragment to one line of text: tags dropped, entities resolved."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def _keys(obj: dict, limit: int = 8) -> str:
    keys = list(obj)
    more = f", ... ({len(keys)} keys)" if len(keys) > limit else ""
    return ", ".join(map(str, keys[:limit])) + more if keys else "no keys"

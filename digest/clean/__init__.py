"""clean: one raw document in, one Article out (report text, metadata, what was dropped).

    clean(raw: RawDocument) -> Article

Dispatch on what ingest decided the document is:

* "wordpress": the post's own HTML and metadata (wordpress.py);
* "json": the text of a record, its other fields as hints;
* "html": main text and metadata via trafilatura (html.py);
* "scraped" / "text": the line-by-line text cleaner (text.py).

Every path ends in the same place: paragraphs, metadata (what the document says
first, the container's hints to fill gaps), language, sentences and a stable id.
A document with no usable text raises CleanError with a one-line message.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from digest.clean import metadata
from digest.clean.language import detect_language
from digest.clean.rules import REASONS, word_count
from digest.clean.sentences import split_sentences
from digest.clean.text import TextResult, clean_text
from digest.types import Article, Dropped, RawDocument

__all__ = ["clean", "CleanError", "clean_text", "TextResult", "REASONS", "article_id"]

logger = logging.getLogger(__name__)

_MIN_WORDS = 5  # fewer words than this is not a report


class CleanError(ValueError):
    """A document that yields no usable text; the message is one line."""


def clean(raw: RawDocument) -> Article:
    """Clean one document into an Article, or raise CleanError."""
    text = raw.content.decode(raw.encoding or "utf-8", errors="replace")
    hints = dict(raw.hints)
    if raw.shape == "wordpress":
        result, own = _from_wordpress(text)
    elif raw.shape == "html":
        result, own = _from_html(text, hints)
    elif raw.shape == "json":
        result, own = _from_record(text, hints, raw.fetched_at)
    else:  # "scraped", "text", or anything new: the text cleaner copes with plain text
        result = clean_text(text, title=hints.get("title"), reference=raw.fetched_at)
        own = dict(result.meta)
    pairs = [
        (p, h) for p, h in zip(result.paragraphs, result.headings or [False] * len(result.paragraphs)) if p.strip()
    ]
    paragraphs = tuple(p for p, _ in pairs)
    headings = {p for p, h in pairs if h}
    if sum(word_count(p) for p in paragraphs) < _MIN_WORDS:
        raise CleanError(f"no report text found ({raw.shape}; {len(result.dropped)} blocks dropped)")
    return _article(raw, paragraphs, headings, result.dropped, own, hints)


def article_id(origin: str, paragraphs: tuple[str, ...]) -> str:
    """Stable id: blake2b of the origin and the normalised text, 16 hex characters."""
    normalised = " ".join("\n".join(paragraphs).split()).casefold()
    return hashlib.blake2b(f"{origin}\n{normalised}".encode(), digest_size=8).hexdigest()


# ---------------------------------------------------------------------------


def _from_wordpress(text: str) -> tuple[TextResult, dict[str, str]]:
    from digest.clean.wordpress import PostError, parse_post

    try:
        post = parse_post(text)
    except PostError as error:
        raise CleanError(str(error)) from None
    result = clean_text(post.text, title=post.meta.get("title"), trusted=True)
    merged = TextResult(result.paragraphs, post.dropped + result.dropped, result.meta, result.headings)
    return merged, {**result.meta, **post.meta}  # the post's own fields beat lines found in the text


def _from_html(text: str, hints: dict[str, str]) -> tuple[TextResult, dict[str, str]]:
    from digest.clean.html import extract_html
    from digest.clean.wordpress import html_fragment_to_text

    try:
        page = extract_html(text, url=hints.get("url"))
    except ValueError as error:
        raise CleanError(str(error).splitlines()[0] if str(error) else "HTML could not be read") from None
    title = page.title or hints.get("title")
    if page.paragraphs:
        result = clean_text("\n\n".join(page.paragraphs), title=title, trusted=True)
        dropped = tuple(page.dropped) + result.dropped
    else:
        # A fragment (a record's HTML body) has no page around it for trafilatura to find.
        fragment, fragment_dropped = html_fragment_to_text(text)
        result = clean_text(fragment, title=title, trusted=True)
        dropped = tuple(fragment_dropped) + result.dropped
    own = dict(result.meta)
    for key, value in (
        ("title", page.title),
        ("author", page.author),
        ("outlet", page.outlet),
        ("url", page.url),
        ("published", page.published.isoformat() if page.published else None),
    ):
        if value:
            own[key] = value
    return TextResult(result.paragraphs, dropped, result.meta, result.headings), own


def _from_record(text: str, hints: dict[str, str], fetched_at: datetime) -> tuple[TextResult, dict[str, str]]:
    """A JSON record's text: usually clean prose, sometimes a scraped page pasted in."""
    result = clean_text(text, title=hints.get("title"), trusted=_looks_like_prose(text), reference=fetched_at)
    return result, dict(result.meta)


def _looks_like_prose(text: str) -> bool:
    """Text without page chrome: most non-blank lines are long sentences."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return True
    long_lines = sum(1 for line in lines if len(line.split()) >= 12)
    return long_lines >= 0.6 * len(lines)


def _article(
    raw: RawDocument,
    paragraphs: tuple[str, ...],
    headings: set[str],
    dropped: tuple[Dropped, ...],
    own: dict[str, str],
    hints: dict[str, str],
) -> Article:
    def pick(key: str) -> str | None:
        # For records and feeds the container's fields are the publisher's own metadata;
        # for pages and pasted text, what the document itself says comes first.
        if raw.shape == "json":
            return hints.get(key) or own.get(key)
        return own.get(key) or hints.get(key)

    url = pick("url") or (raw.origin if raw.origin.startswith(("http://", "https://")) else None)
    published: datetime | None = metadata.parse_any_date(pick("published"))
    outlet = pick("outlet") or own.get("agency") or metadata.outlet_from_url(url)
    text = "\n\n".join(paragraphs)
    language = hints.get("language") if raw.shape == "json" and hints.get("language") else detect_language(text)
    if language:
        language = language.strip().lower()[:2] or None
    sentences: list[str] = []
    for paragraph in paragraphs:
        if paragraph in headings:
            continue  # a subheading is part of the text, but it is not a sentence to quote
        sentences.extend(split_sentences(paragraph, language))
    return Article(
        id=article_id(raw.origin, paragraphs),
        origin=raw.origin,
        url=url,
        outlet=outlet,
        title=pick("title"),
        author=pick("author"),
        published=published,
        language=language,
        paragraphs=paragraphs,
        sentences=tuple(sentences),
        dropped=tuple(dropped),
        fetched_at=raw.fetched_at,
    )

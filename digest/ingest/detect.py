"""Decide what a decoded text is: JSON, HTML, scraped page text or plain text.

The extension of a file says little (seed 000 is WordPress JSON saved as
`.txt`), so the shape is read from the content. JSON is recognised by its
first characters and a real parse (see `records.py`); this module holds the
cheap checks and the scoring heuristic that tells a page's text, still full of
menus and breadcrumbs, from a plain article.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

TextShape = Literal["html", "scraped", "text"]

# Only this much of a long document is scored: enough to see the page chrome,
# cheap for a 20 MB file.
_SAMPLE_CHARS = 200_000


def looks_like_json(text: str) -> bool:
    """True when the text opens like a JSON object or array.

    "[Reuters] Washington ..." opens with a bracket too, so the character after
    the bracket must be one a JSON value can start with.
    """
    head = text.lstrip("\ufeff \t\r\n")[:64]
    if head.startswith("{"):
        return head[1:].lstrip()[:1] in ('"', "}", "")
    if head.startswith("["):
        return head[1:].lstrip()[:1] in ("{", "[", '"', "]", "") or bool(re.match(r"\[\s*(-?\d|true|false|null)", head))
    return False


def looks_like_jsonl(text: str) -> bool:
    """True when every non-blank line opens a JSON object and the first is one whole (JSON Lines).

    A broken line further down is then that record's problem, not the file's.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines or not all(ln.startswith("{") for ln in lines):
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except (ValueError, RecursionError):
        return False


# Declaration, comments and a DOCTYPE (with or without an internal subset) may come before the root.
_XML_ROOT = re.compile(
    r"^(?:\ufeff)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"(?:<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>\s*)?(?:<!--.*?-->\s*)*<(opml|rss|feed|rdf:RDF)\b",
    re.S | re.I,
)


def xml_root(text: str) -> str | None:
    """The root element of an OPML/RSS/Atom document ("opml", "rss", "feed", "rdf:rdf"), else None."""
    m = _XML_ROOT.match(text[:4096])
    return m.group(1).lower() if m else None


# ---------------------------------------------------------------- HTML

_HTML_START = re.compile(
    r"^(?:\ufeff)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>])", re.S | re.I
)
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|p|div|span|a|br|hr|li|ul|ol|table|tbody|thead|tr|td|th|h[1-6]|strong|em|b|i|u|img|"
    r"section|article|header|footer|nav|aside|main|figure|figcaption|blockquote|script|style|meta|link|"
    r"iframe|form|input|button|label|select|option|noscript|svg|path|time|small|sup|sub|pre|code)\b[^<>]{0,2000}>",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """True when HTML markup dominates the text.

    A doctype or <html> at the top settles it. Otherwise markup must make up a
    fair part of the characters, so that a few tags left over in scraped text
    (`</a>` in seed 001) do not turn it into HTML.
    """
    if _HTML_START.match(text[:4096]):
        return True
    sample = text[:_SAMPLE_CHARS]
    tags = _HTML_TAG.findall(sample)
    if len(tags) < 3:
        return False
    markup = sum(len(t) for t in tags)
    body = len(sample.strip()) or 1
    share = markup / body
    tags_per_line = len(tags) / max(1, sample.count("\n") + 1)
    return share >= 0.08 or (tags_per_line >= 0.5 and share >= 0.03)


# ---------------------------------------------------------------- scraped text vs plain text

_BULLET = re.compile(r"^[•·▪►◦‣○●■□➤→*\-–»]\s+(?=\S)")
_SENTENCE_END = re.compile(r"[.!?:;…\"“”’«»')\]]$")
_LEFTOVER_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]{0,300})?/?>")
# Whole lines that are page furniture, not reporting.
_CHROME = re.compile(
    r"^(?:no results?(?: found)?|view all results?|home\s*[»>›/|].*|.*\s[»›]\s.*[»›]\s.*|skip to (?:main )?content|"
    r"(?:main )?menu|search(?: for)?|close|share(?: this(?: article| story)?)?(?: on \w+)?|tweet|"
    r"subscribe(?: now)?|sign ?in|sign ?up|log ?in|log ?out|register|newsletters?|"
    r"cookie (?:policy|settings)|privacy(?: policy)?|terms (?:of (?:use|service)|and conditions)|"
    r".*all rights reserved\.?|copyright\b.*|©.*|read more|read also|see also|more news|"
    r"related(?: posts| articles| stories| news)?|advertisement|sponsored|follow us(?: on .*)?|"
    r"contact(?: us)?|about(?: us)?|tags?:.*|categor(?:y|ies):.*|posted in .*|leave a (?:comment|reply)|"
    r"(?:previous|next)(?: post| article| story)?|back to top|print|e-?mail|facebook|twitter|linkedin|"
    r"whatsapp|telegram|instagram|youtube|rss|trending(?: now)?|most (?:read|popular)|latest(?: news)?)$",
    re.I,
)


@dataclass(frozen=True)
class PageSigns:
    """What the scraped-text score is made of; kept so a decision can be explained."""

    lines: int  # non-blank lines
    short: int  # short items: at most four words, no closing punctuation ("  • Politics", "Eunews")
    menu: int  # short items in runs of three or more: menus, link lists, footers
    repeats: int  # short lines seen before (the menu printed twice)
    chrome: int  # lines that are page furniture ("No Result", "Home » ...")
    tags: int  # HTML tags left in the text ("</a>")
    score: float


def page_signs(text: str) -> PageSigns:
    """Count the marks a web page leaves in its text (see PageSigns).

    An article has the odd short line too (a subheading, a dateline), so a
    short line counts as menu only among other short lines.
    """
    sample = text[:_SAMPLE_CHARS]
    lines = [ln.strip() for ln in sample.splitlines()]
    lines = [ln for ln in lines if ln]
    short = menu = repeats = chrome = run = 0
    seen: Counter[str] = Counter()
    for ln in lines:
        item = _BULLET.sub("", ln)
        if len(item.split()) <= 4 and not _SENTENCE_END.search(item):
            short += 1
            run += 1
            menu += 3 if run == 3 else (run > 3)  # the run's first two count once it reaches three
        else:
            run = 0
        if len(ln.split()) <= 6:
            repeats += seen[ln] > 0
            seen[ln] += 1
        chrome += bool(_CHROME.match(ln))
    tags = len(_LEFTOVER_TAG.findall(sample))
    n = max(len(lines), 1)
    # Shares of lines, capped so that one sign alone cannot decide, plus
    # absolute counts for the signs that are rare in any article.
    score = 1.5 * min(menu / n, 0.5) + 1.5 * min(repeats / n, 0.3) + 0.12 * min(chrome, 5) + 0.08 * min(tags, 5)
    return PageSigns(len(lines), short, menu, repeats, chrome, tags, round(score, 3))


# A plain article scores near 0 (a subheading or two); seed 001 scores above 1.
SCRAPED_THRESHOLD = 0.35


def detect_text_shape(text: str) -> TextShape:
    """Tell HTML, a page's scraped text and a plain article apart."""
    if looks_like_html(text):
        return "html"
    signs = page_signs(text)
    # Needs a few lines of evidence: a two-line file (headline, body) with a
    # short headline is not a web page.
    if signs.lines >= 4 and signs.score >= SCRAPED_THRESHOLD:
        return "scraped"
    return "text"

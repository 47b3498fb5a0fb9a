"""Main text and metadata from HTML pages (a post's body fragment: clean/wordpress.py).

How a page is read:

1. Parse once (trafilatura.load_html; a page nested too deeply for libxml2 is
   flattened first, so its article is not lost).
2. Cut the page into text blocks, each with the signs of its place (blocks.py).
3. Ask trafilatura (public API, fast mode) for its candidate main text.
4. A small learned model (model.py, weights shipped in extraction_model.json)
   decides block by block, from the block's text, its place, its neighbours,
   how much of it trafilatura kept, and the rule table's verdict (rules.py).
   Without weights, trafilatura's candidate decides.
5. Metadata comes from clean/metadata.py (JSON-LD, meta tags, markup, htmldate).

The kept blocks go on to the text cleaner in trusted mode (clean/__init__.py),
where the same rule table names what is still to drop and moves bylines and
datelines into metadata.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate

import lxml.etree
import lxml.html
import numpy as np
import trafilatura

from digest.clean import metadata
from digest.clean.blocks import _BIT, _LANDMARK_BIT, Block, page_blocks
from digest.clean.model import Candidate, page_features, report_probability
from digest.clean.rules import block_key, reason_for
from digest.types import Dropped

log = logging.getLogger(__name__)

__all__ = ["HtmlResult", "PageAnalysis", "analyse_page", "describe", "extract_html", "parse_html", "read_page"]


@dataclass(frozen=True)
class HtmlResult:
    """What an HTML page says: its main text as paragraphs, and its metadata."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware (UTC when the page gave no zone)
    outlet: str | None = None
    url: str | None = None
    dropped: tuple[Dropped, ...] = ()
    headings: tuple[bool, ...] = ()  # per paragraph: is it a heading (<h1>-<h6>)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class PageAnalysis:
    """A page cut into blocks, with everything the model reads about them."""

    blocks: list[Block]
    candidate: str  # trafilatura's main text
    meta: dict[str, str]
    features: np.ndarray


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# libxml2 gives up below this many levels; deeper wrappers are dropped before parsing.
_MAX_DEPTH = 200
_WRAPPER_TAG = re.compile(
    r"<(/?)(div|span|section|font|center|table|tbody|tr|td|article|main|ul|li|blockquote)\b[^>]*>", re.I
)
# The same tags, capturing only whether the tag closes ("/") or opens ("").
_WRAPPER_CLOSING = re.compile(
    r"<(/?)(?:div|span|section|font|center|table|tbody|tr|td|article|main|ul|li|blockquote)\b[^>]*>", re.I
)
_DEPTH_STEP = {"": 1, "/": -1}


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree, or None when it holds no HTML. Raises ValueError when it cannot be parsed."""
    try:
        tree = trafilatura.load_html(html)
    except (lxml.etree.LxmlError, ValueError, RecursionError) as err:
        raise ValueError(f"not parseable as HTML: {err}") from err
    if tree is not None and _lost_to_nesting(tree, html):
        flat = _flatten(html)
        try:
            flat_tree = trafilatura.load_html(flat)
        except (lxml.etree.LxmlError, ValueError, RecursionError):
            flat_tree = None
        if flat_tree is not None:
            tree = flat_tree
    return tree


def _lost_to_nesting(tree: lxml.html.HtmlElement, html: str) -> bool:
    """libxml2 drops everything below its nesting limit: the page is much deeper than that."""
    if html.count("<div") + html.count("<DIV") < _MAX_DEPTH:
        return False
    # The depth after each wrapper tag is the running sum of +1 (opening) and -1 (closing).
    steps = map(_DEPTH_STEP.__getitem__, _WRAPPER_CLOSING.findall(html))
    return max(accumulate(steps), default=0) > _MAX_DEPTH


def _flatten(html: str) -> str:
    """Drop wrapper tags nested deeper than libxml2 reads; their text stays."""
    out: list[str] = []
    depth = 0
    last = 0
    for match in _WRAPPER_TAG.finditer(html):
        closing = bool(match.group(1))
        level = depth if closing else depth + 1
        depth = depth - 1 if closing else depth + 1
        if level > _MAX_DEPTH // 2:
            out.append(html[last : match.start()])
            last = match.end()
    out.append(html[last:])
    return "".join(out)


def read_page(html: str, *, url: str | None = None) -> PageAnalysis | None:
    """Parse a page into blocks, metadata and trafilatura's candidate (the slow part, cached in training)."""
    html = _CONTROL_CHARS.sub("", html)
    if not html.strip():
        return None
    tree = parse_html(html)
    if tree is None:
        return None
    try:
        blocks = page_blocks(tree)
        candidate = _candidate(tree, url)
    except RecursionError as err:
        raise ValueError("HTML nested too deeply to extract text") from err
    except lxml.etree.LxmlError as err:
        raise ValueError(f"HTML could not be processed: {err}") from err
    try:
        meta = metadata.page_metadata(tree, url, blocks)
    except (RecursionError, ValueError, TypeError, AttributeError, lxml.etree.LxmlError) as err:
        log.warning("metadata extraction failed: %s", err)
        meta = {}
    return PageAnalysis(blocks, candidate, meta, np.zeros((0, 0)))


def describe(page: PageAnalysis) -> PageAnalysis:
    """Fill in what the model reads about each block (also used by the training script)."""
    page.features = page_features(page.blocks, Candidate(page.candidate), page.meta.get("title"))
    return page


def analyse_page(html: str, *, url: str | None = None) -> PageAnalysis | None:
    """read_page, then describe: a page ready for the model."""
    page = read_page(html, url=url)
    return describe(page) if page is not None else None


def _candidate(tree: lxml.html.HtmlElement, url: str | None) -> str:
    """trafilatura's main text: fast mode, comments off, tables in."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    return (getattr(document, "text", None) or "") if document is not None else ""


def extract_html(html: str, *, url: str | None = None) -> HtmlResult:
    """The main text (as paragraphs) and metadata of one HTML page.

    Raises ValueError with a one-line message when the input cannot be parsed
    as HTML at all; an HTML page without main text gives an empty result.
    """
    if not isinstance(html, str):
        raise TypeError(f"extract_html wants str, got {type(html).__name__}")
    page = analyse_page(html, url=url)
    if page is None:
        return HtmlResult(paragraphs=(), url=url)
    keep = decide(page)
    paragraphs: list[str] = []
    headings: list[bool] = []
    dropped: list[Dropped] = []
    title_key = block_key(page.meta["title"]) if page.meta.get("title") else None
    for block, kept in zip(page.blocks, keep):
        if kept and block.heading and not paragraphs and title_key and block_key(block.text) == title_key:
            dropped.append(Dropped("title", block.text[:300]))  # the headline is metadata, not the report
        elif kept:
            paragraphs.append(block.text)
            headings.append(block.heading > 0)
        else:
            dropped.append(Dropped(_box_reason(block), block.text[:300]))
    meta = page.meta
    return HtmlResult(
        paragraphs=tuple(paragraphs),
        title=meta.get("title"),
        author=meta.get("author"),
        published=metadata.parse_any_date(meta.get("published")),
        outlet=meta.get("outlet"),
        url=meta.get("url") or url,
        dropped=tuple(dropped),
        headings=tuple(headings),
    )


def decide(page: PageAnalysis) -> list[bool]:
    """Keep or drop each block: the model's verdict, else trafilatura's candidate."""
    if not page.blocks:
        return []
    chars = np.asarray([len(b.text) for b in page.blocks], dtype=np.float64)
    verdict = report_probability("page", page.features, chars, page.blocks)
    if verdict is None:
        cand = page.features[:, model_index("cand")]
        return [bool(v >= 0.5) for v in cand]
    probability, threshold = verdict
    return [bool(p >= threshold) for p in probability]


def model_index(name: str) -> int:
    from digest.clean.model import PAGE_FEATURES

    return PAGE_FEATURES.index(name)


# Class/id words and landmarks that name why a box is not the report, most telling first.
_CLASS_REASONS = (
    ("comment", "comments"),
    ("reply", "comments"),
    ("share", "share"),
    ("social", "share"),
    ("related", "related"),
    ("recommend", "related"),
    ("popular", "related"),
    ("teaser", "related"),
    ("caption", "caption"),
    ("photo", "caption"),
    ("subscribe", "subscribe"),
    ("newsletter", "subscribe"),
    ("cookie", "consent"),
    ("ad", "advert"),
    ("sponsor", "advert"),
    ("tag", "tags"),
    ("categor", "tags"),
    ("copyright", "footer"),
    ("footer", "footer"),
    ("breadcrumb", "navigation"),
    ("nav", "navigation"),
    ("menu", "navigation"),
    ("sidebar", "related"),
)
_LANDMARK_REASONS = (("nav", "navigation"), ("footer", "footer"), ("aside", "related"), ("header", "navigation"))


# The same as bit masks over a block's class words (blocks.CLASS_WORDS), in the same order.
_CLASS_REASON_BITS = tuple((_BIT[word], reason) for word, reason in _CLASS_REASONS)
_ANY_CLASS_REASON = sum({bit for bit, _ in _CLASS_REASON_BITS})
_LANDMARK_REASON_BITS = tuple((_LANDMARK_BIT[name], reason) for name, reason in _LANDMARK_REASONS)


def _box_reason(block: Block) -> str:
    """Why a block the model left out was left out, in the words of its place in the page."""
    near = block.near_classes & _ANY_CLASS_REASON
    if near:
        for bit, reason in _CLASS_REASON_BITS:
            if near & bit:
                return reason
    landmarks = block.landmarks
    if landmarks:
        for bit, reason in _LANDMARK_REASON_BITS:
            if landmarks & bit:
                return reason
    far = block.far_classes & _ANY_CLASS_REASON
    if far:
        for bit, reason in _CLASS_REASON_BITS:
            if far & bit:
                return reason
    if block.link_chars >= 0.6 * len(block.text):
        return "navigation"
    if len(block.text) <= 80:  # short: the rule table is cheap there and names it better
        return reason_for(block.text) or "boilerplate"
    return "boilerplate"

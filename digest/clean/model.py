"""The learned part of the cleaner: features of blocks and lines, and the model that reads them.

Two small models decide which blocks are the report: one for blocks of an HTML
page (`page` features: text, place in the page, trafilatura's candidate), one
for lines of text (`text` features: the text and its neighbours only). Both
are gradient-boosted trees trained by `scripts/train_extraction.py` on blocks
labelled by matching them against gold article text, and shipped as a JSON
dump of the trees (`extraction_model.json`), read here with numpy. No pickle,
no scikit-learn at run time.

The features are the ones boilerplate research found to carry across sites:
length, link density and the share of function words (Kohlschütter et al.
2010), punctuation and capitals, position in the page, the tag and landmark
holding the block, telling class/id words, and the same signs of the blocks
around it (Peters and Lecocq 2013, Weninger et al. 2016).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from digest.clean.blocks import _BIT, LANDMARKS, Block
from digest.clean.vocabulary import STOPWORDS, unspaced_chars

__all__ = [
    "TreeModel",
    "load_model",
    "report_probability",
    "context_features",
    "CONTEXT_FEATURES",
    "use_weights",
    "text_stats",
    "page_features",
    "line_features",
    "PAGE_FEATURES",
    "LINE_FEATURES",
    "tokens",
]

WEIGHTS = Path(__file__).with_name("extraction_model.json")

_TOKEN = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?…。！？؟]['\"”’»)\]]*$")
_SENTENCE_END = re.compile(r"[.!?。！？؟]['\"”’»)\]]*(?:\s|$)")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_SEPARATORS = re.compile(r"\s[|»›•·/]\s|\s[|»›•·]|[|»›•·]\s")
_SEPARATOR_CHARS = re.compile(r"[|»›•·/]")  # every _SEPARATORS match holds one: most blocks skip it
_LINKISH = re.compile(r"https?://|www\.|@\w|\.(?:com|org|net)\b")
_BULLET = re.compile(r"^\s*(?:[•·▪▸►‣◦∙*+]|-(?=\s)|–(?=\s)|\d{1,2}[.)](?=\s))")
_CLASS_WORDS = list(_BIT)
_FIRST = itemgetter(0)
_PAGE_TAGS = ("p", "h1", "h2", "h3", "li", "td", "div", "blockquote", "pre", "dd", "figcaption", "span")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


# ---------------------------------------------------------------- text statistics

TEXT_STATS = (
    "log_words",
    "log_chars",
    "stop_ratio",
    "terminal",
    "ends_colon",
    "sentences_per_word",
    "commas_per_word",
    "caps_ratio",
    "digit_ratio",
    "token_length",
    "separators",
    "linkish",
    "bullet",
    "year",
    "unspaced",
    "quote",
)


def text_stats(text: str, toks: list[str] | None = None, lowered: list[str] | None = None) -> list[float]:
    """What the text alone says: length, function words, punctuation, capitals, digits.

    `toks` and `lowered` (the tokens, and the same lower-cased) save the caller's
    second tokenisation when it has them.
    """
    toks = _TOKEN.findall(text) if toks is None else toks
    unspaced = unspaced_chars(text)
    n_tok = len(toks)
    words = n_tok + unspaced / 2
    chars = len(text)
    per_word = 1.0 / max(words, 1.0)
    if n_tok:
        lowered = list(map(str.lower, toks)) if lowered is None else lowered
        stop = sum(map(STOPWORDS.__contains__, lowered)) / n_tok
        caps = sum(map(str.isupper, map(_FIRST, toks))) / n_tok
        token_length = sum(map(len, toks)) / n_tok
    else:
        stop = caps = token_length = 0.0
    if not chars:
        digits = 0.0
    elif text.isascii():  # only 0-9 are digits there: ten scans in C instead of a call per character
        digits = sum(map(text.count, "0123456789")) / chars
    else:
        digits = sum(map(str.isdigit, text)) / chars
    stripped = text.rstrip()
    return [
        math.log1p(words),
        math.log1p(chars),
        stop,
        1.0 if _TERMINAL.search(stripped) else 0.0,
        1.0 if stripped.endswith(":") else 0.0,
        len(_SENTENCE_END.findall(text)) * per_word,
        text.count(",") * per_word + text.count("，") * per_word,
        caps,
        digits,
        token_length,
        float(len(_SEPARATORS.findall(text))) if _SEPARATOR_CHARS.search(text) else 0.0,
        1.0 if _LINKISH.search(text) else 0.0,
        1.0 if _BULLET.match(text) else 0.0,
        1.0 if ("19" in text or "20" in text) and _YEAR.search(text) else 0.0,  # (a cheap test first)
        unspaced / chars if chars else 0.0,
        1.0 if text[:1] in "\"“„«'‘" else 0.0,
    ]


# ---------------------------------------------------------------- candidate overlap


class Candidate:
    """Another extractor's text (trafilatura's), to ask how much of a block it kept."""

    def __init__(self, text: str) -> None:
        toks = list(map(str.lower, _TOKEN.findall(text)))
        self.trigrams = set(zip(toks, toks[1:], toks[2:]))
        self.joined = " " + " ".join(toks) + " "
        self.empty = not toks

    def share(self, toks: list[str]) -> float:
        """Share of the block's word trigrams found in the candidate (containment for short blocks)."""
        return self.share_lowered(list(map(str.lower, toks)))

    def share_lowered(self, low: list[str]) -> float:
        """`share` of tokens already lower-cased."""
        if self.empty or not low:
            return 0.0
        if len(low) < 3:
            return 1.0 if (" " + " ".join(low) + " ") in self.joined else 0.0
        return sum(map(self.trigrams.__contains__, zip(low, low[1:], low[2:]))) / (len(low) - 2)


# ---------------------------------------------------------------- page features

_NEIGHBOUR_STATS = ("cand", "log_words", "link_density", "stop_ratio", "terminal", "heading")
PAGE_FEATURES: tuple[str, ...] = (
    *TEXT_STATS,
    *(f"tag_{t}" for t in _PAGE_TAGS),
    "heading_level",
    "link_density",
    "links_per_word",
    "lines",
    "bold",
    "rel_depth",
    *(f"in_{name}" for name in LANDMARKS),
    *(f"near_{w}" for w in _CLASS_WORDS),
    *(f"far_{w}" for w in _CLASS_WORDS),
    "position",
    "char_position",
    "cand",
    "cand_window3",
    "cand_window10",
    "cand_parent_share",
    "cand_grand_share",
    "grand_kept_ratio",
    "in_main",
    "main_depth_gap",
    "cand_empty",
    "cand_coverage",
    "grand_link_density",
    "duplicate",
    "title_overlap",
    "after_title",
    "from_title",
    "log_blocks",
    *(f"{side}{k}_{s}" for side in ("prev", "next") for k in (1, 2) for s in _NEIGHBOUR_STATS),
)

# Reasons from the rule table, grouped by how surely they mean "not the report".
_STRONG_REASONS = {"share", "subscribe", "consent", "comments", "footer", "tags", "navigation", "embed", "advert"}


def page_features(blocks: Sequence[Block], candidate: Candidate, title: str | None) -> np.ndarray:
    """One row of PAGE_FEATURES per block (built column by column with numpy)."""
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(PAGE_FEATURES)))
    texts = [b.text for b in blocks]
    toks = list(map(_TOKEN.findall, texts))
    lows = [list(map(str.lower, t)) for t in toks]
    stats = np.asarray(list(map(text_stats, texts, toks, lows)), dtype=np.float64)
    cand = np.asarray(list(map(candidate.share_lowered, lows)))
    chars = np.asarray(list(map(len, texts)), dtype=np.float64)
    link_chars = np.asarray([b.link_chars for b in blocks], dtype=np.float64)
    link_density = link_chars / np.maximum(chars, 1.0)
    words = np.expm1(stats[:, 0])
    kept = chars * cand
    kept_total = float(kept.sum()) or 1.0

    # Where the candidate's text lives: chars kept under each element (its whole subtree).
    kept_under, chars_under, links_under, depth_of = _subtree_sums(blocks, kept, chars)
    # The main container: the deepest element holding most of the candidate's text.
    main, main_depth = 0, 0
    for ident, k in kept_under.items():
        if k >= 0.8 * kept_total and depth_of.get(ident, 0) >= main_depth:
            main, main_depth = ident, depth_of.get(ident, 0)
    depths = np.asarray([b.depth for b in blocks], dtype=np.float64)
    kept_depths = np.sort(depths[cand >= 0.5])
    typical_depth = kept_depths[len(kept_depths) // 2] if len(kept_depths) else 0.0

    folded = [b.text.casefold() for b in blocks]
    counts = Counter(folded)
    title_tokens = {t.lower() for t in tokens(title)} if title else set()
    title_overlap = np.asarray([_overlap(t, title_tokens) for t in lows])
    # Where the headline stands: the report follows it.
    title_at = next((i for i, b in enumerate(blocks) if b.heading and title_overlap[i] >= 0.6), -1)
    if title_at < 0 and len(title_overlap) and title_overlap.max() >= 0.6:
        title_at = int(title_overlap.argmax())
    index = np.arange(n)
    after_title = np.full(n, 0.5) if title_at < 0 else (index > title_at).astype(np.float64)
    from_title = np.zeros(n) if title_at < 0 else (index - title_at) / n
    tag_index = np.asarray([_TAG_COLUMN.get(b.tag, -1) for b in blocks])
    tag_columns = (tag_index[:, None] == np.arange(len(_PAGE_TAGS))[None, :]).astype(np.float64)
    bit_range = np.arange(64, dtype=np.uint64)
    ints = np.asarray(
        [(b.landmarks, b.near_classes, b.far_classes, b.links, b.lines, b.heading, b.bold) for b in blocks],
        dtype=np.uint64,
    )
    landmarks = (ints[:, 0:1] >> bit_range) & np.uint64(1)
    near = (ints[:, 1:2] >> bit_range) & np.uint64(1)
    far = (ints[:, 2:3] >> bit_range) & np.uint64(1)
    position = np.arange(n) / n
    char_position = (np.cumsum(chars) - chars) / (float(chars.sum()) or 1.0)
    parent_share = np.asarray([kept_under.get(b.parent, 0.0) for b in blocks]) / kept_total
    grand_kept = np.asarray([kept_under.get(b.grandparent, 0.0) for b in blocks], dtype=np.float64)
    grand_chars = np.asarray([chars_under.get(b.grandparent, 0.0) for b in blocks], dtype=np.float64)
    grand_links = np.asarray([links_under.get(b.grandparent, 0.0) for b in blocks], dtype=np.float64)
    holds_main = {id(b.chain): 1.0 if main and main in b.chain else 0.0 for b in blocks}  # one test per chain
    in_main = np.asarray([holds_main[id(b.chain)] for b in blocks])
    main_gap = depths - main_depth if main else np.full(n, -1.0)
    heading_level = ints[:, 5].astype(np.float64)
    heading = (heading_level > 0).astype(np.float64)

    # 2-D blocks of columns go in whole: column_stack costs a conversion per array it is given.
    columns = [
        stats,
        tag_columns,
        heading_level,
        link_density,
        ints[:, 3].astype(np.float64) / np.maximum(words, 1.0),
        ints[:, 4].astype(np.float64),
        ints[:, 6].astype(np.float64),
        depths - typical_depth,
        landmarks[:, : len(LANDMARKS)].astype(np.float64),
        near[:, : len(_CLASS_WORDS)].astype(np.float64),
        far[:, : len(_CLASS_WORDS)].astype(np.float64),
        position,
        char_position,
        cand,
        _window(cand, chars, 3),
        _window(cand, chars, 10),
        parent_share,
        grand_kept / kept_total,
        np.divide(grand_kept, grand_chars, out=np.zeros(n), where=grand_chars > 0),
        in_main,
        main_gap,
        np.full(n, 1.0 if candidate.empty else 0.0),
        np.full(n, kept_total / (float(chars.sum()) or 1.0)),
        grand_links / np.maximum(grand_chars, 1.0),
        np.asarray([1.0 if counts[f] > 1 else 0.0 for f in folded]),
        title_overlap,
        after_title,
        from_title,
        np.full(n, math.log1p(n)),
    ]
    neighbour = [cand, stats[:, 0], link_density, stats[:, 2], stats[:, 3], heading]
    for step in (-1, 1):
        for k in (1, 2):
            for values in neighbour:
                columns.append(_shift(values, step * k))
    return np.column_stack(columns)


_TAG_COLUMN = {t: i for i, t in enumerate(_PAGE_TAGS)} | {"h4": 3, "h5": 3, "h6": 3, "th": 5}


def _subtree_sums(
    blocks: Sequence[Block], kept: np.ndarray, chars: np.ndarray
) -> tuple[dict[int, float], dict[int, float], dict[int, float], dict[int, int]]:
    """Kept chars, chars and link chars under each element (its whole subtree), and its depth.

    Each block adds to its holding element; sums then flow up to parents, children first
    (an element's id is always larger than its ancestors').
    """
    parent_of: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    kept_under: dict[int, float] = {}
    chars_under: dict[int, float] = {}
    links_under: dict[int, float] = {}
    for b, k, c in zip(blocks, kept.tolist(), chars.tolist()):
        chain = b.chain
        base = b.depth + 1 - len(chain)
        for j in range(len(chain) - 1, -1, -1):
            ident = chain[j]
            if ident in depth_of:
                break
            depth_of[ident] = base + j
            if j:
                parent_of[ident] = chain[j - 1]
        kept_under[b.parent] = kept_under.get(b.parent, 0.0) + k
        chars_under[b.parent] = chars_under.get(b.parent, 0.0) + c
        links_under[b.parent] = links_under.get(b.parent, 0.0) + b.link_chars
    for ident in sorted(parent_of, reverse=True):
        up = parent_of[ident]
        kept_under[up] = kept_under.get(up, 0.0) + kept_under.get(ident, 0.0)
        chars_under[up] = chars_under.get(up, 0.0) + chars_under.get(ident, 0.0)
        links_under[up] = links_under.get(up, 0.0) + links_under.get(ident, 0.0)
    return kept_under, chars_under, links_under, depth_of


def _shift(values: np.ndarray, offset: int) -> np.ndarray:
    """values[i + offset] for each i, -1 where that falls off the page."""
    out = np.full(len(values), -1.0)
    if abs(offset) >= len(values):  # a page shorter than the step: every neighbour is off it
        return out
    if offset < 0:
        out[-offset:] = values[:offset]
    else:
        out[: len(values) - offset] = values[offset:]
    return out


def _window(values: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted mean of `values` over the k blocks either side (the block itself excluded)."""
    num = np.concatenate([[0.0], np.cumsum(values * weights)])
    den = np.concatenate([[0.0], np.cumsum(weights)])
    n = len(values)
    lo = np.maximum(np.arange(n) - k, 0)
    hi = np.minimum(np.arange(n) + k + 1, n)
    top = num[hi] - num[lo] - values * weights
    bottom = den[hi] - den[lo] - weights
    return np.divide(top, bottom, out=np.zeros(n), where=bottom > 0)


def _overlap(lowered: list[str], title_tokens: set[str]) -> float:
    """Shared words of a block (its lower-cased tokens) and the title, over the longer of the two."""
    if not lowered or not title_tokens:
        return 0.0
    low = set(lowered)
    return len(low & title_tokens) / max(len(low), len(title_tokens))


# ---------------------------------------------------------------- context of a first verdict

CONTEXT_FEATURES: tuple[str, ...] = (
    "p",
    *(f"p_{side}{k}" for side in ("prev", "next") for k in (1, 2, 3)),
    "p_window3",
    "p_window10",
    "p_max5",
    "p_before",
    "p_after",
    "p_parent_share",
    "p_grand_share",
    "p_in_main",
)


def context_features(p: np.ndarray, chars: np.ndarray, blocks: Sequence[Block] | None = None) -> np.ndarray:
    """What a first pass of the model says around each block (the second pass reads it).

    A block is likelier report when the blocks around it are, when it sits between the
    first and the last block the first pass kept, and (on a page) when it shares their
    container. For lines of text (`blocks` None) the container columns are 0.
    """
    n = len(p)
    if n == 0:
        return np.zeros((0, len(CONTEXT_FEATURES)))
    kept = p * chars
    total = float(kept.sum()) or 1.0
    before = (np.cumsum(kept) - kept) / total
    after = 1.0 - before - kept / total
    padded = np.concatenate([np.zeros(5), p, np.zeros(5)])
    max5 = np.max(np.stack([padded[5 + d : 5 + d + n] for d in range(-5, 6) if d != 0]), axis=0)
    columns = [p, *(_shift(p, step * k) for step in (-1, 1) for k in (1, 2, 3))]
    columns += [_window(p, chars, 3), _window(p, chars, 10), max5, before, after]
    if blocks is None:
        columns += [np.zeros(n), np.zeros(n), np.zeros(n)]
    else:
        chains = [b.chain for b in blocks]
        under: dict[int, float] = {}
        get = under.get
        for chain, k in zip(chains, kept.tolist()):
            for ident in chain:
                under[ident] = get(ident, 0) + k
        # The deepest element holding most of what the first pass kept. Blocks of one
        # element share its chain (the same tuple): each chain is looked at once.
        unique = list({id(chain): chain for chain in chains}.values())
        least = 0.8 * total
        main = 0
        for chain in unique:
            for ident in reversed(chain):
                if get(ident, 0) >= least:
                    main = max(main, ident)
                    break
        holds_main = {id(chain): 1.0 if main and main in chain else 0.0 for chain in unique}
        columns += [
            np.asarray([get(b.parent, 0) / total for b in blocks]),
            np.asarray([get(b.grandparent, 0) / total for b in blocks]),
            np.asarray([holds_main[id(chain)] for chain in chains]),
        ]
    return np.column_stack(columns)


# ---------------------------------------------------------------- line features (text path)

LINE_FEATURES: tuple[str, ...] = (
    *TEXT_STATS,
    "bullet_line",
    "gap_before",
    "position",
    "char_position",
    "duplicate",
    "reason",
    "reason_strong",
    "run_short",
    "window3_words",
    "window3_stop",
    "window10_words",
    "window10_stop",
    *(f"{side}{k}_{s}" for side in ("prev", "next") for k in (1, 2) for s in ("log_words", "stop_ratio", "terminal")),
)


def line_features(
    texts: Sequence[str], gaps: Sequence[int], reasons: Sequence[str | None], bullets: Sequence[bool]
) -> np.ndarray:
    """One row of LINE_FEATURES per line of text (a bullet, when the line had one, is already cut off)."""
    n = len(texts)
    stats = [text_stats(t) for t in texts]
    chars = [len(t) for t in texts]
    total = sum(chars) or 1
    counts = Counter(t.casefold() for t in texts)
    words = [s[0] for s in stats]
    stops = [s[2] for s in stats]
    short = [1.0 if s[0] < math.log1p(5) else 0.0 for s in stats]
    rows = []
    cum = 0
    w3, s3 = _mean_window(words, 3), _mean_window(stops, 3)
    w10, s10 = _mean_window(words, 10), _mean_window(stops, 10)
    run3 = _mean_window(short, 3)
    for i in range(n):
        s = stats[i]
        row = [
            *s,
            1.0 if bullets[i] else 0.0,
            float(min(gaps[i], 3)),
            i / n,
            cum / total,
            float(counts[texts[i].casefold()] > 1),
            1.0 if reasons[i] else 0.0,
            1.0 if reasons[i] in _STRONG_REASONS else 0.0,
            run3[i],
            w3[i],
            s3[i],
            w10[i],
            s10[i],
        ]
        for step in (-1, 1):
            for k in (1, 2):
                j = i + step * k
                row += [stats[j][0], stats[j][2], stats[j][3]] if 0 <= j < n else [-1.0, -1.0, -1.0]
        rows.append(row)
        cum += chars[i]
    return np.asarray(rows, dtype=np.float64).reshape(n, len(LINE_FEATURES))


def _mean_window(values: list[float], k: int) -> list[float]:
    n = len(values)
    prefix = [0.0]
    for v in values:
        prefix.append(prefix[-1] + v)
    out = []
    for i in range(n):
        lo, hi = max(0, i - k), min(n, i + k + 1)
        count = hi - lo - 1
        out.append((prefix[hi] - prefix[lo] - values[i]) / count if count else 0.0)
    return out


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class TreeModel:
    """Gradient-boosted trees as flat arrays: evaluated for all rows at once with numpy."""

    features: tuple[str, ...]
    feature: np.ndarray  # per node: feature index, -1 at a leaf
    threshold: np.ndarray
    left: np.ndarray  # per node: index of the left child (global), -1 at a leaf
    right: np.ndarray
    value: np.ndarray  # per node: leaf value
    roots: np.ndarray  # index of each tree's root node
    depth: int
    bias: float
    learning_rate: float
    threshold_keep: float  # probability from which a block is kept

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeModel:
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        depth = 0
        for tree in data["trees"]:
            offset = len(feature)
            roots.append(offset)
            feature += tree["feature"]
            threshold += tree["threshold"]
            left += [c + offset if c >= 0 else -1 for c in tree["left"]]
            right += [c + offset if c >= 0 else -1 for c in tree["right"]]
            value += tree["value"]
            depth = max(depth, tree["depth"])
        return cls(
            features=tuple(data["features"]),
            feature=np.asarray(feature, dtype=np.int64),
            threshold=np.asarray(threshold, dtype=np.float64),
            left=np.asarray(left, dtype=np.int64),
            right=np.asarray(right, dtype=np.int64),
            value=np.asarray(value, dtype=np.float64),
            roots=np.asarray(roots, dtype=np.int64),
            depth=depth,
            bias=float(data["bias"]),
            learning_rate=float(data["learning_rate"]),
            threshold_keep=float(data["threshold"]),
        )

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(report) for each row of x.

        All trees walk all rows at once, one level per step; a leaf points at itself.
        The features are read from x transposed and flattened (one 1-D gather a level).
        """
        n = len(x)
        if n == 0:
            return np.zeros(0)
        flat = np.ascontiguousarray(x.T).ravel()
        offset = self._walk[0] * n  # per node: where its feature's column starts in `flat`
        rows = np.arange(n)[None, :]
        node = np.repeat(self.roots[:, None], n, axis=1)
        for _ in range(self.depth):
            go_left = flat[offset[node] + rows] <= self.threshold[node]
            node = np.where(go_left, self._walk[1][node], self._walk[2][node])
        score = self.bias + self.learning_rate * self.value[node].sum(axis=0)
        return 1.0 / (1.0 + np.exp(-score))

    @property
    def _walk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per node: its feature (0 at a leaf), and its left and right child (itself at a leaf)."""
        cached = self.__dict__.get("_walk_cache")
        if cached is None:
            itself = np.arange(len(self.feature))
            cached = (
                np.maximum(self.feature, 0),
                np.where(self.left >= 0, self.left, itself),
                np.where(self.right >= 0, self.right, itself),
            )
            object.__setattr__(self, "_walk_cache", cached)
        return cached


_override: dict[str, Path] = {}


@contextmanager
def use_weights(path: Path) -> Iterator[None]:
    """Read the models from another weights file while inside the block (cross-validation)."""
    _override["path"] = Path(path)
    try:
        yield
    finally:
        _override.pop("path", None)


def load_model(kind: str) -> TreeModel | None:
    """A shipped model ("page", "page_context", "text", "text_context"), or None when its weights are not there."""
    return _load(str(_override.get("path", WEIGHTS)), kind)


def report_probability(
    kind: str, x: np.ndarray, chars: np.ndarray, blocks: Sequence[Block] | None = None
) -> tuple[np.ndarray, float] | None:
    """P(report) per block and the threshold to keep it: the first pass, then the context pass.

    None when no weights are shipped for `kind` ("page" or "text").
    """
    first = load_model(kind)
    if first is None:
        return None
    p = first.probability(x)
    second = load_model(kind + "_context")
    if second is None:
        return p, first.threshold_keep
    return second.probability(np.hstack([x, context_features(p, chars, blocks)])), second.threshold_keep


_EXPECTED = {
    "page": PAGE_FEATURES,
    "page_context": PAGE_FEATURES + CONTEXT_FEATURES,
    "text": LINE_FEATURES,
    "text_context": LINE_FEATURES + CONTEXT_FEATURES,
}


def _load(path: str, kind: str) -> TreeModel | None:
    tree_model = _weights(path).get(kind)
    if tree_model is not None and tree_model.features != _EXPECTED[kind]:
        raise ValueError(f"{path}: the {kind} model was trained on other features; retrain it")
    return tree_model


@lru_cache(maxsize=16)
def _weights(path: str) -> dict[str, TreeModel]:
    """Every model of one weights file, read once.

    Cached per file, not per (file, kind): cross-validation switches between five
    fold files with four models each, and a cache of (file, kind) pairs smaller than
    that read and parsed a whole file again for most pages.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {kind: TreeModel.from_dict(data[kind]) for kind in _EXPECTED if data.get(kind) is not None}

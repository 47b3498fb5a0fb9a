"""Fold copies of the same report into one canonical article.

Two kinds of copy:

* exact: the body text is the same once normalised (case, punctuation,
  spacing, Unicode forms); the headline may differ.
* near: wire copies and light re-edits, found with MinHash LSH (datasketch)
  over word shingles, then checked exactly on the shingle sets. A copy that
  only adds a trailing line ("Sign up for our newsletter ...") or drops a
  paragraph still counts, because we accept either a high Jaccard similarity
  or a shorter text that sits almost entirely inside the longer one.

Each group keeps one canonical article: the earliest published, else the most
complete (longest) one, else the smallest id. Everything is sorted by article
id first, so the result does not depend on the order of the input.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

from .types import Article, Deduped, Duplicate

log = logging.getLogger(__name__)

# Defaults, chosen on the dev pile and synthetic copies (see docs/cluster.md).
SHINGLE_WORDS = 3  # word n-grams; short enough to survive single-word edits
NUM_PERM = 128
LSH_THRESHOLD = 0.4  # candidate search only; every candidate is verified exactly
NEAR_JACCARD = 0.7  # two texts are copies when their shingle sets overlap this much...
NEAR_CONTAINMENT = 0.9  # ...or the shorter lies this much inside the longer
MIN_LENGTH_RATIO = 0.5  # ...and is at least half as long (an excerpt is not a copy)
MIN_SHINGLES = 8  # texts shorter than this are only ever exact duplicates

_WORD = re.compile(r"\w+", re.UNICODE)
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def normalise(text: str) -> str:
    """Lower-case words only, so spacing, quotes and punctuation don't hide a copy."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def shingles(words: Sequence[str], n: int = SHINGLE_WORDS) -> set[str]:
    if len(words) < n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def dedupe(articles: Sequence[Article]) -> Deduped:
    """Return the canonical articles (sorted by id) and the copies folded into them."""
    items = sorted(articles, key=lambda a: a.id)
    if not items:
        return Deduped(articles=(), duplicates=())
    # Same id means the same origin and text: keep one, silently.
    unique: dict[str, Article] = {}
    for a in items:
        unique.setdefault(a.id, a)
    items = list(unique.values())

    texts = [_body(a) for a in items]
    sets = [shingles(t.split()) if t else set() for t in texts]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    # 1. exact copies: same normalised body
    by_hash: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(texts):
        if t:
            by_hash[hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest()].append(i)
    for group in by_hash.values():
        for j in group[1:]:
            union(group[0], j)

    # 2. near copies: LSH candidates, verified on the exact shingle sets
    for i, j in _candidate_pairs(sets):
        if find(i) != find(j) and is_near_copy(sets[i], sets[j]):
            union(i, j)

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[find(i)].append(i)

    canonical: list[Article] = []
    duplicates: list[Duplicate] = []
    for members in groups.values():
        keep = min(members, key=lambda i: _canonical_key(items[i], texts[i]))
        canonical.append(items[keep])
        for i in members:
            if i == keep:
                continue
            exact = texts[i] == texts[keep]
            sim = 1.0 if exact else jaccard(sets[i], sets[keep])
            duplicates.append(
                Duplicate(
                    article=items[i], of=items[keep].id, kind="exact" if exact else "near", similarity=round(sim, 4)
                )
            )
    canonical.sort(key=lambda a: a.id)
    duplicates.sort(key=lambda d: (d.of, d.article.id))
    if duplicates:
        log.info("dedupe: %d articles -> %d canonical, %d copies", len(items), len(canonical), len(duplicates))
    return Deduped(articles=tuple(canonical), duplicates=tuple(duplicates))


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_near_copy(a: set[str], b: set[str]) -> bool:
    """Same report: nearly the same shingles, or the shorter almost wholly inside the longer."""
    if len(a) < MIN_SHINGLES or len(b) < MIN_SHINGLES:
        return False
    inter = len(a & b)
    small, large = sorted((len(a), len(b)))
    if inter / (len(a) + len(b) - inter) >= NEAR_JACCARD:
        return True
    return small >= MIN_LENGTH_RATIO * large and inter / small >= NEAR_CONTAINMENT


def _body(a: Article) -> str:
    """The text compared for copies: the body, or the title when there is no body."""
    return normalise(a.text) or normalise(a.title or "")


def _canonical_key(a: Article, text: str) -> tuple:
    published = a.published or _FAR_FUTURE
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return (published, -len(text), -len(a.title or ""), a.id)


def _candidate_pairs(sets: list[set[str]]) -> list[tuple[int, int]]:
    """Pairs (i < j) whose estimated Jaccard may pass LSH_THRESHOLD, in a fixed order."""
    from datasketch import MinHash, MinHashLSH

    idx = [i for i, s in enumerate(sets) if len(s) >= MIN_SHINGLES]
    if len(idx) < 2:
        return []
    hashes = MinHash.bulk([[s.encode("utf-8") for s in sorted(sets[i])] for i in idx], num_perm=NUM_PERM, seed=1)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for i, m in zip(idx, hashes):
        lsh.insert(i, m)
    pairs: set[tuple[int, int]] = set()
    for i, m in zip(idx, hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)

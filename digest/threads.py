"""Threads: which story continues which.

A story continues an earlier one in two ways that a reader sees as the same
thing: a development of one thread inside a pile (last week's vote that set up
today's bill, a search that goes on for weeks, a league's next match), and the
next day's telling of a story a daily digest already reported. One rule
decides both, here, for `digest brief`, `digest cluster` and `digest daily`:

- each story is profiled by the centre of its articles' title-and-lead
  embeddings, and by when it was told (when its articles carry dates);
- two stories may be one thread when their centres are at least
  `Calibration.thread` alike (a threshold that belongs to the embedder, chosen
  on hand-labelled dev threads: benchmarks/threads.py). Dates refine, they are
  not needed: two dated stories more than `max_days` apart are never linked
  directly, and of two dated stories the one begun first is the earlier;
  undated stories are linked by content alone (their order is their ids');
- inside one pile, threads are grown by average linkage over the stories'
  centres: two groups of stories join while the mean cosine over all their
  cross pairs stays at the threshold, and, when dated, at least one cross
  pair is within `max_days`. A long saga whose first and last steps have
  drifted apart holds together through its middle steps, while a topic's
  unrelated stories (one week's jobless figures and another's mask rules)
  do not chain into one thread as they would under single linkage.
  Each story of a thread then links to its most similar earlier story in it;
- across a daily digest's days (`earlier` and `later` are different stories),
  each new story continues at most one stored story and each stored story is
  continued by at most one new story, the most similar pairs first.

`fold` turns each thread into one story, so a briefing tells the thread.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .models.base import Embedder
from .types import Story, ThreadLink, content_key, story_id, title_and_lead

CANDIDATES = 20  # most similar stories of each that may seed a thread (a bound on memory, not on quality)
_BLOCK = 1024  # stories per block when finding them
WHY_ITEMS = 8  # names kept to explain a folded thread, as many as a story's own `why`


@dataclass(frozen=True)
class StoryProfile:
    """What threads know about a story: its centre, when it was told, and names to explain a link."""

    id: str
    vector: np.ndarray  # unit centre of its articles' title-and-lead embeddings
    start: datetime | None
    end: datetime | None
    names: tuple[str, ...] = ()  # what the story is about (Story.why), to say why two are linked


def centre(stories_articles: Sequence[Sequence[str]], embedder: Embedder) -> list[np.ndarray]:
    """The unit centre of each group of texts' embeddings (one embed call for all)."""
    flat = [t for texts in stories_articles for t in texts]
    vectors = np.asarray(embedder.embed(flat), dtype=np.float32) if flat else np.zeros((0, 1), np.float32)
    out, at = [], 0
    for texts in stories_articles:
        v = vectors[at : at + len(texts)].sum(axis=0) if texts else np.zeros(vectors.shape[1], np.float32)
        at += len(texts)
        out.append((v / (np.linalg.norm(v) or 1.0)).astype(np.float32))
    return out


def profiles(stories: Sequence[Story], embedder: Embedder) -> list[StoryProfile]:
    """Profiles of stories from their articles, with their publication span as the time told."""
    vectors = centre([[title_and_lead(a) for a in s.articles] for s in stories], embedder)
    return [StoryProfile(s.id, v, s.start, s.end, s.why) for s, v in zip(stories, vectors)]


def links(
    earlier: Sequence[StoryProfile],
    later: Sequence[StoryProfile],
    *,
    threshold: float,
    max_days: float,
) -> list[ThreadLink]:
    """Which of `later` continues which of `earlier` (see the module docstring). Sorted by ids.

    Called with the same stories on both sides, it finds the threads inside one pile; with
    different ones (a daily digest's stored stories and today's), it matches today's to earlier days'.
    """
    if {p.id for p in earlier} == {p.id for p in later}:
        return _pile_links(list({p.id: p for p in later}.values()), threshold, max_days)
    return _matched_links(earlier, later, threshold, max_days)


def _order(p: StoryProfile) -> tuple:
    """Dated stories by when they began, undated after them; ties and undated by id."""
    span = _span(p)
    return (span is None, span[0] if span else 0.0, p.id)


def _days(when: datetime) -> float:
    return when.timestamp() / 86400.0


def _span(p: StoryProfile) -> tuple[float, float] | None:
    """When a story was told, in days: (start, end); one known end stands for both; None when undated."""
    start, end = p.start or p.end, p.end or p.start
    return (_days(start), _days(end)) if start is not None and end is not None else None


def _time_apart(a: StoryProfile, b: StoryProfile) -> float | None:
    """Days between two dated stories' spans (0 when they overlap); None when either is undated."""
    x, y = _span(a), _span(b)
    if x is None or y is None:
        return None
    return max(0.0, y[0] - x[1], x[0] - y[1])


def _pile_links(stories: list[StoryProfile], threshold: float, max_days: float) -> list[ThreadLink]:
    """Average linkage over the stories' centres (see the module docstring), then each story's link to
    its most similar earlier story of its thread.

    The mean cosine over all cross pairs of two groups is the dot product of their vector sums over
    the product of their sizes, so it is exact and costs one dot product. Groups are compared only
    when some cross pair is among either story's CANDIDATES most similar and at the threshold (a mean
    at the threshold needs one such pair), so memory stays linear in the number of stories.
    """
    stories.sort(key=_order)
    n = len(stories)
    if n < 2:
        return []
    vectors = np.stack([p.vector for p in stories]).astype(np.float64)
    adjacent: list[set[int]] = [set() for _ in range(n)]
    for s in range(0, n, _BLOCK):
        sims = vectors[s : s + _BLOCK] @ vectors.T
        for r, row in enumerate(sims, s):
            row[r] = -np.inf
            close = np.flatnonzero(row >= threshold)
            if len(close) > CANDIDATES:  # rare: only then is a full sort needed to pick the nearest
                top = np.argsort(-row, kind="stable")[:CANDIDATES]
                close = top[row[top] >= threshold]
            # else every story at the threshold is among the CANDIDATES nearest: no sort (n log n per row)
            for c in close.tolist():
                adjacent[r].add(c)
                adjacent[c].add(r)
    sums = [v.copy() for v in vectors]
    sizes = [1] * n
    spans = [_span(p) for p in stories]
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n

    def joinable(a: int, b: int) -> float | None:
        x, y = spans[a], spans[b]
        if x is not None and y is not None and max(0.0, y[0] - x[1], x[0] - y[1]) > max_days:
            return None
        mean = round(float(sums[a] @ sums[b]) / (sizes[a] * sizes[b]), 9)
        return mean if mean >= threshold else None

    heap: list[tuple[float, int, int]] = []
    for a in range(n):
        for b in adjacent[a]:
            if a < b and (mean := joinable(a, b)) is not None:
                heap.append((-mean, a, b))
    heapq.heapify(heap)
    while heap:
        _, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        alive[a] = alive[b] = False
        new = len(members)
        members.append(sorted(members[a] + members[b]))
        sums.append(sums[a] + sums[b])
        sizes.append(sizes[a] + sizes[b])
        x, y = spans[a], spans[b]
        spans.append((min(x[0], y[0]), max(x[1], y[1])) if x is not None and y is not None else (x or y))
        alive.append(True)
        others = sorted(o for o in (adjacent[a] | adjacent[b]) - {a, b} if alive[o])
        adjacent.append(set(others))
        for o in others:
            adjacent[o] -= {a, b}
            adjacent[o].add(new)
            if (mean := joinable(o, new)) is not None:
                heapq.heappush(heap, (-mean, o, new))
    out = []
    for group in (m for m, live in zip(members, alive) if live and len(m) > 1):
        for pos, j in enumerate(group[1:], 1):  # in story order: each links to its closest earlier story
            i = max(group[:pos], key=lambda i: (round(float(vectors[i] @ vectors[j]), 9), -i))
            out.append(_link(stories[i], stories[j], float(vectors[i] @ vectors[j])))
    return sorted(out, key=lambda t: (t.earlier, t.later))


def _matched_links(
    earlier: Sequence[StoryProfile], later: Sequence[StoryProfile], threshold: float, max_days: float
) -> list[ThreadLink]:
    pairs: list[tuple[float, str, str, StoryProfile, StoryProfile]] = []
    for b in later:
        for a in earlier:
            if a.id == b.id:
                continue
            gap = _time_apart(a, b)
            if gap is not None and (gap > max_days or _order(a) > _order(b)):
                continue
            similarity = float(a.vector @ b.vector)
            if similarity >= threshold:
                pairs.append((-round(similarity, 6), a.id, b.id, a, b))
    pairs.sort(key=lambda p: p[:3])
    continued: set[str] = set()
    continuing: set[str] = set()
    out = []
    for neg, _, _, a, b in pairs:
        if a.id in continued or b.id in continuing:
            continue
        continued.add(a.id)
        continuing.add(b.id)
        out.append(_link(a, b, -neg))
    return sorted(out, key=lambda t: (t.earlier, t.later))


def _link(a: StoryProfile, b: StoryProfile, similarity: float) -> ThreadLink:
    shared = set(a.names)
    return ThreadLink(
        earlier=a.id, later=b.id, similarity=round(similarity, 6), why=tuple(n for n in b.names if n in shared)
    )


def fold(stories: Sequence[Story], thread_links: Sequence[ThreadLink]) -> list[Story]:
    """Each thread (stories joined by links) as one story: the latest one's label, all the articles.

    A reader following a story wants last week's vote that set up today's bill
    told as background in the same briefing, not as a separate item. The folded
    story gets an id derived from all its articles; a story in no thread is kept
    as it is.
    """
    by_id = {s.id: s for s in stories}
    parent = {sid: sid for sid in by_id}

    def root(sid: str) -> str:
        while parent[sid] != sid:
            parent[sid] = parent[parent[sid]]
            sid = parent[sid]
        return sid

    for t in thread_links:
        if t.earlier in by_id and t.later in by_id:
            a, b = root(t.earlier), root(t.later)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, list[Story]] = defaultdict(list)
    for s in stories:
        members[root(s.id)].append(s)
    out = []
    for group in members.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        latest = max(group, key=_latest_first)
        articles = sorted(
            (a for s in group for a in s.articles),
            key=lambda a: (a.published is None, a.published, content_key(a), a.id),
        )
        why: list[str] = []
        for s in [latest, *(s for s in group if s is not latest)]:
            why += [w for w in s.why if w not in why]
        starts = [s.start for s in group if s.start is not None]
        ends = [s.end for s in group if s.end is not None]
        out.append(
            Story(
                id=story_id(a.id for a in articles),
                label=latest.label,
                articles=tuple(articles),
                duplicates=tuple(d for s in group for d in s.duplicates),
                why=tuple(why[:WHY_ITEMS]),
                start=min(starts) if starts else None,
                end=max(ends) if ends else None,
            )
        )
    return out


def _latest_first(s: Story) -> tuple:
    """The story whose label a thread takes: the latest told; undated, the biggest (then by id)."""
    return (s.end is not None, s.end.timestamp() if s.end else 0.0, len(s.articles), s.id)

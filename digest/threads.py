"""Threads: which story continues which.

A story continues an earlier one in two ways that a reader sees as the same
thing: a development of one thread inside a pile (last week's call that set up
today's visit), and the next day's telling of a story a daily digest already
reported. One rule decides both, here, for `digest brief`, `digest cluster`
and `digest daily` alike:

- each story is profiled by the centre of its articles' title-and-lead
  embeddings, and by when it was told;
- a later story continues an earlier one when the earlier ended before the
  later began, at most `max_days` before, and their centres are at least
  `Calibration.thread` alike (a threshold that belongs to the embedder);
- each story continues at most one earlier story and is continued by at most
  one later story, the most similar pairs first, so a thread is a chain.

`fold` turns each chain into one story, so a briefing tells the thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from .models.base import Embedder
from .types import Story, ThreadLink, story_id, title_and_lead

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
    """Which of `later` continues which of `earlier` (see the module docstring). Sorted by ids."""
    pairs: list[tuple[float, str, str, StoryProfile, StoryProfile]] = []
    for b in later:
        for a in earlier:
            if a.id == b.id or a.end is None or b.start is None or not a.end < b.start:
                continue
            if (b.start - a.end).total_seconds() / 86400.0 > max_days:
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
        why = tuple(n for n in b.names if n in set(a.names))
        out.append(ThreadLink(earlier=a.id, later=b.id, similarity=-neg, why=why))
    return sorted(out, key=lambda t: (t.earlier, t.later))


def fold(stories: Sequence[Story], thread_links: Sequence[ThreadLink]) -> list[Story]:
    """Each chain of linked stories as one story: the latest one's label, all the articles.

    A reader following a story wants last week's call that set up today's visit
    told as background in the same briefing, not as a separate item. The folded
    story gets an id derived from all its articles.
    """
    by_id = {s.id: s for s in stories}
    next_of = {t.earlier: t.later for t in thread_links if t.earlier in by_id and t.later in by_id}

    def head(sid: str) -> str:
        seen = set()
        while sid in next_of and sid not in seen:
            seen.add(sid)
            sid = next_of[sid]
        return sid

    members: dict[str, list[Story]] = defaultdict(list)
    for s in stories:
        members[head(s.id)].append(s)
    out = []
    for head_id, group in members.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        latest = by_id[head_id]
        articles = sorted(
            (a for s in group for a in s.articles), key=lambda a: (a.published is None, a.published, a.id)
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

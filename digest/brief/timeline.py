"""A timeline of dated events, from the typed facts of the story's sentences (measures.py).

News writes "on Monday", "last Friday", "yesterday", "last week". A reader of a briefing
days later needs the calendar date, and only the article that wrote the sentence knows
which Monday it meant, so each sentence's dates are resolved against its own article's
publication day (measures.extract does this); an undated article's against the story's
day (the commonest publication day of its sources), which places it on the timeline
but never decides a disagreement. "Last week" names a week, not a day: such an event
is dated by the week's Monday with precision "week" ("week of ...").

An event is the date of what a sentence tells, not of when someone said it ("the
council said on Monday"), and entries from different sources are one event when they
fall on the same day and tell the same thing: the same event of the same thing
(measures' frames), or, when the caller gives sentence vectors and the embedder's
`Calibration`, sentences at least `calibration.same_event` apart.

API: `build(facts, vectors=None, calibration=None, centroid=None, present=str)`;
`resolve`, `reference_days` and `stated_days` serve the lead sentence and the verifier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from digest.models.base import Calibration
from digest.types import Article, TimelineEvent, commonest_day

from .facts import date_spans, word_count
from .measures import SPEECH_VERBS, Moment, SentenceFacts

MAX_EVENT_WORDS = 45  # a longer sentence tells several things; its date is not one event's


def resolve(text: str, published: date | datetime | None) -> list[date]:
    """Calendar dates that `text` refers to, earliest mention first (see facts.date_spans)."""
    return [d for _, _, d in date_spans(text, published)]


def reference_days(articles: Sequence[Article]) -> list[date | None]:
    """The day each article's relative dates count from: its publication day, else the story's.

    An undated report in a story was written about the story's day, so its
    "on Monday" is the Monday on or before that day; a story with no dated
    report at all resolves only explicit calendar dates.
    """
    story = commonest_day(a.published for a in articles)
    return [a.published.date() if a.published is not None else story for a in articles]


def stated_days(articles: Sequence[Article]) -> list[set[date]]:
    """For each article, every calendar day its sentences state, relative days resolved.

    The verifier accepts "4 November 2024" from a source that wrote "on Monday"
    in a report of that Monday; these are the days it may accept.
    """
    return [{d for s in a.sentences for d in resolve(s, ref)} for a, ref in zip(articles, reference_days(articles))]


@dataclass
class _Entry:
    day: date  # the day, or the week's Monday
    precision: str  # "day" | "week"
    facts: SentenceFacts
    moment: Moment
    citations: set[int] = field(default_factory=set)
    members: list[int] = field(default_factory=list)  # positions of the statements merged here


def _dated(f: SentenceFacts) -> tuple[date, str, Moment] | None:
    """The date of what the sentence tells: its first date that is not when something was said,
    else when it was said (a statement can be the event: "Cho said on November 1 that ...")."""
    ordered = sorted(f.moments, key=lambda m: m.frame.event in SPEECH_VERBS)
    for m in ordered:
        day = m.day or m.guessed_day
        if day is not None:
            return day, "day", m
        if m.week is not None:
            return m.week, "week", m
    return None


def _same_event(a: _Entry, b: _Entry, vectors: np.ndarray | None, calibration: Calibration | None) -> bool:
    if (a.day, a.precision) != (b.day, b.precision):
        return False
    fa, fb = a.moment.frame, b.moment.frame
    if fa.thing and fa.thing == fb.thing and (not fa.event or not fb.event or fa.event == fb.event):
        return True
    if fa.event and fa.event == fb.event and (not fa.thing or not fb.thing):
        return True
    if vectors is not None and calibration is not None:
        i, j = a.facts.position, b.facts.position
        return float(vectors[i] @ vectors[j]) >= calibration.same_event
    return False


def build(
    facts: Sequence[SentenceFacts],
    vectors: np.ndarray | None = None,
    calibration: Calibration | None = None,
    centroid: np.ndarray | None = None,
    *,
    present: Callable[[str], str] = str,
    limit: int = 8,
) -> list[TimelineEvent]:
    """Dated events of the story, merged across sources, in calendar order.

    `vectors` (one row per statement, L2-normalised) with `calibration` let two
    wordings of one event merge; with `centroid` they also rank the events when
    there are more than `limit` (the most widely carried and central are kept).
    `present` turns a source sentence into the text shown (the briefing trims "he said").
    """
    entries: list[_Entry] = []
    candidates = []
    for f in facts:
        if not f.analysed or not f.statement.standalone or word_count(f.statement.text) > MAX_EVENT_WORDS:
            continue
        dated = _dated(f)
        if dated is not None:
            candidates.append((dated[0], dated[1] == "day", f.position, dated, f))
    for _, _, _, (day, precision, moment), f in sorted(candidates, key=lambda c: c[:3]):
        entry = _Entry(day, precision, f, moment, {f.statement.source}, [f.position])
        for other in entries:
            if _same_event(other, entry, vectors, calibration):
                other.citations.add(f.statement.source)
                other.members.append(f.position)
                break
        else:
            entries.append(entry)

    def weight(e: _Entry) -> float:
        central = float(vectors[e.facts.position] @ centroid) if vectors is not None and centroid is not None else 0.0
        return len(e.citations) + central

    kept = sorted(entries, key=weight, reverse=True)[:limit]
    kept.sort(key=lambda e: (e.day, e.precision == "day", e.facts.position))  # a week before its days
    return [
        TimelineEvent(
            e.day.isoformat(),
            present(e.facts.statement.text),
            tuple(sorted(e.citations)),
            "week" if e.precision == "week" else "day",
        )
        for e in kept
    ]


__all__ = ["resolve", "reference_days", "stated_days", "build"]

"""A timeline of dated events, with relative dates resolved against each article's date.

News writes "on Monday", "last Friday", "yesterday", "last week". A reader of a briefing
days later needs the calendar date, and only the article that wrote the
sentence knows which Monday it meant, so each sentence is resolved against its
own article's publication date; an undated article's against the story's day
(the commonest publication day of its sources). Without any dated source only
explicit calendar dates are kept. "Last week" names a week, not a day: such an
event is dated by the week's Monday with precision "week" ("week of ...").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from digest.models.base import Embedder
from digest.types import Article, TimelineEvent, commonest_day

from .evidence import EvidenceSet
from .facts import date_spans, week_spans, word_count
from .verify import trim_attribution

MAX_EVENT_WORDS = 45


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


def build(ev: EvidenceSet, articles: Sequence[Article], embedder: Embedder, *, limit: int = 8) -> list[TimelineEvent]:
    """Dated events of the story, merged across sources, in calendar order."""
    events: list[tuple[date, str, int, str]] = []  # (date or week's Monday, "day"|"week", evidence index, text)
    refs = reference_days(articles)
    for e in ev.sentences:
        if not e.selectable or word_count(e.text) > MAX_EVENT_WORDS:
            continue
        # "last week's missile test" dates a thing the sentence mentions, not what the sentence tells.
        days = [sp for sp in date_spans(e.text, refs[e.source - 1]) if e.text[sp[1] : sp[1] + 2] not in ("'s", "’s")]
        weeks = [sp for sp in week_spans(e.text, refs[e.source - 1]) if e.text[sp[1] : sp[1] + 2] not in ("'s", "’s")]
        if days:
            events.append((days[0][2], "day", e.index, trim_attribution(e.text)))
        elif weeks:
            events.append((weeks[0][2], "week", e.index, trim_attribution(e.text)))
    if not events:
        return []
    vecs = ev.vectors
    merged: list[dict] = []
    for day, precision, idx, text in sorted(events, key=lambda t: (t[0], t[1] == "day", t[2])):
        for m in merged:
            if (m["date"], m["precision"]) == (day, precision) and float(
                vecs[idx] @ vecs[m["index"]]
            ) >= embedder.calibration.same_event:
                m["citations"].add(ev.sentences[idx].source)
                break
        else:
            merged.append(
                {
                    "date": day,
                    "precision": precision,
                    "index": idx,
                    "text": text,
                    "citations": {ev.sentences[idx].source},
                }
            )

    # Keep the most central and widely carried events when there are too many.
    def weight(m: dict) -> float:
        return len(m["citations"]) + float(vecs[m["index"]] @ ev.centroid)

    kept = sorted(merged, key=weight, reverse=True)[:limit]
    kept.sort(key=lambda m: (m["date"], m["precision"] == "day", m["index"]))  # a week before its days
    return [
        TimelineEvent(m["date"].isoformat(), m["text"], tuple(sorted(m["citations"])), m["precision"]) for m in kept
    ]


__all__ = ["resolve", "reference_days", "stated_days", "build"]

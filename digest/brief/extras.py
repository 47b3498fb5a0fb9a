"""extras: what a briefing shows beside its sentences, all from one fact layer.

The story's sentences are read once into typed facts (measures.extract); from
those facts come the disagreements between sources ("Sources differ", with
updates over time), the timeline of dated events, and the facts only one
source reports that the briefing does not already say. The numbered source
list is here too: every [n] of the briefing points into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from digest.models.base import Calibration
from digest.types import Article, BriefSentence, Disagreement, OnlyIn, Source, Story, TimelineEvent

from . import disagree, measures, only_in, timeline, verify
from .evidence import EvidenceSet


@dataclass(frozen=True)
class Extras:
    disagreements: tuple[Disagreement, ...]
    timeline: tuple[TimelineEvent, ...]
    only_in: tuple[OnlyIn, ...]


def build(
    articles: Sequence[Article],
    ev: EvidenceSet,
    sentences: Sequence[BriefSentence],
    headline: str,
    calibration: Calibration,
) -> Extras:
    """Disagreements, timeline and "only in one source" for a story whose briefing says `sentences`."""
    story_facts = measures.extract(statements(articles, ev))
    return Extras(
        disagreements=tuple(disagree.find(story_facts, ev.vectors)),
        timeline=tuple(
            timeline.build(story_facts, ev.vectors, calibration, ev.centroid, present=verify.trim_attribution)
        ),
        only_in=tuple(
            only_in.build(
                story_facts,
                [s.text for s in sentences] + [headline],
                ev.vectors,
                ev.centroid,
                present=verify.trim_attribution,
            )
        ),
    )


def statements(articles: Sequence[Article], ev: EvidenceSet) -> list[measures.Statement]:
    """The evidence sentences as the fact layer reads them, in evidence order (so a fact's
    statement position indexes `ev.vectors`), each with its report's publication time."""
    return [
        measures.Statement(
            e.source, e.index, e.text, articles[e.source - 1].published, e.selectable and not e.dependent
        )
        for e in ev.sentences
    ]


def sources_of(story: Story) -> tuple[Source, ...]:
    """The numbered sources: one per canonical article, with the copies folded into it."""
    out = []
    for n, a in enumerate(story.articles, start=1):
        dups = tuple(d.article.origin for d in story.duplicates if d.of == a.id)
        out.append(Source(n, a.id, a.origin, a.url, a.outlet, a.title, a.published, dups, _opening(a.text)))
    return tuple(out)


def _opening(text: str, words: int = 12) -> str:
    """The first words of an article, cut at a word boundary ("South Korea and the EU held…")."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")

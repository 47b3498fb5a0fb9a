"""brief: one consolidated, cited, checked briefing per story.

This module only wires the stages, each a module with one front function:

    evidence.gather   articles -> EvidenceSet (sentences, embeddings, claims; an outlet's
                      opinion told as fact is marked and never shown: opinion.py)
    select.plan       EvidenceSet -> claims worth telling, by learned salience (salience.py)
    write.compose     claims -> Draft: sentences written by the local model (prompts.py),
                      checked and cited by verify.py, in reading order, with a headline
    lead.place_and_day  the lead sentence with where and when the event happened
    extras.build      typed facts (measures.py) -> disagreements, timeline, only-in-one-source

Without a generator the briefing is extractive: the best source sentence of
each claim, with every supporting source cited.
"""

from __future__ import annotations

from digest.types import Briefing, Story

from . import evidence, extras, lead, select, timeline, write
from .context import BriefContext, BriefStats, ModelBudget
from .evidence import READ_SENTENCES as MAX_SENTENCES
from .evidence import READ_WORDS as MAX_WORDS
from .evidence import bounded
from .extras import sources_of

__all__ = [
    "brief",
    "bounded",
    "BriefContext",
    "BriefStats",
    "ModelBudget",
    "MAX_SENTENCES",
    "MAX_WORDS",
    "sources_of",
    "stated_days",
]

stated_days = timeline.stated_days


def brief(story: Story, ctx: BriefContext, *, stats: BriefStats | None = None) -> Briefing:
    """Brief one story in about `ctx.words` words.

    `ctx.calls_per_story` bounds the generator calls for this story and
    `ctx.budget` (shared by a run's stories) those of the whole run; once either
    is spent, the remaining claims use source sentences (checked and cited the
    same way) and the headline is the most central title.
    """
    stats = stats if stats is not None else BriefStats()
    articles = tuple(bounded(a) for a in story.articles)
    ev = evidence.gather(articles, ctx.embedder, opinions=ctx.opinions)
    plan = select.plan(ev, ctx.salience, restates=ctx.calibration.restates)
    draft = write.compose(story, articles, ev, plan, ctx, stats)
    sentences = list(draft.sentences)
    if sentences:
        sentences[0] = lead.place_and_day(sentences[0], draft.claims[0], ev, articles)
    more = extras.build(articles, ev, sentences, draft.headline, ctx.calibration)
    return Briefing(
        story_id=story.id,
        headline=draft.headline,
        headline_by=draft.headline_by,
        sentences=tuple(sentences),
        sources=sources_of(story),
        disagreements=more.disagreements,
        timeline=more.timeline,
        only_in=more.only_in,
        duplicates=story.duplicates,
        model_calls=stats.model_calls,
        model_limited=stats.limited,
    )

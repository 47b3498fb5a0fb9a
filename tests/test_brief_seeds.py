"""End to end on the five seed articles: ingest + clean, one story, brief.

The seeds report the first EU-South Korea strategic dialogue (Seoul, 4 November
2024). The five are put in one story here directly, so this test checks the
brief stage alone (grouping them is the cluster stage's job, tested there).
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from digest.brief import BriefStats, ModelBudget, brief, stated_days
from digest.brief.evidence import garbled
from digest.brief.verify import unsupported
from digest.pipeline import brief_context
from digest.settings import DEFAULTS
from digest.types import Story

CHROME_OR_INTERVIEW = (
    "View All Result",
    "Copyright",
    "Newsletter",
    "Sarah Thompson",
    "Emily Kim",
    "Time.news",
    "Related Posts",
)


@pytest.fixture(scope="module")
def seed_story(seeds_dir):
    from digest.pipeline import read_sources

    articles, problems = read_sources([str(seeds_dir)])
    assert not problems and len(articles) == 5
    articles = tuple(sorted(articles, key=lambda a: a.origin))
    return Story("seeds", articles[1].title or "seeds", articles, (), ())


def _check_briefing(b, story, embedder, *, dialogue: bool = True):
    text = " ".join(s.text for s in b.sentences)
    assert 80 <= len(text.split()) <= 190
    assert "Borrell" in text and "Cho Tae" in text
    if dialogue:
        assert re.search(r"(?i)first (?:EU-South Korea |strategic dialogue between the EU and South Korea)", text)
    # The selector is learned (salience.py), not written for these seeds: what it must hold is that the
    # lead is a fact most sources state. (The defence partnership, stated by two of five, is not required: see issue 12's note.)
    # The lead says where and when: "on Monday" (seed 002, undated, in a story of Monday 4 November)
    # and "a meeting in Seoul" / "In Seoul, Borrell also met" (three sources) are written into it.
    lead = b.sentences[0]
    assert lead.text.startswith("In Seoul on 4 November 2024, ") and "Borrell" in lead.text, lead
    assert 4 in lead.citations  # the undated source that gave the day
    assert len(lead.citations) >= 3
    # Seed 002 is raw machine translation: it backs claims but is never quoted.
    assert not any(garbled(s.text) for s in b.sentences)
    assert "Borrelland" not in text and "immediatelyas" not in text
    # No sentence restates another.
    vecs = embedder.embed([s.text for s in b.sentences])
    sims = vecs @ vecs.T
    assert float((sims - 2 * np.eye(len(vecs))).max()) < 0.8
    assert re.search(r"(?i)north korea", text) and re.search(r"(?i)condemn", text)
    for junk in CHROME_OR_INTERVIEW:
        assert junk not in text and junk not in b.headline
    # Every source is cited, and every cited source states the sentence's facts.
    assert {n for s in b.sentences for n in s.citations} == {1, 2, 3, 4, 5}
    days = stated_days(story.articles)
    for s in b.sentences:
        cited = [x for n in s.citations for x in story.articles[n - 1].sentences]
        # A day written out counts when a cited source states it, also as "on Monday" in a report of that Monday.
        assert not unsupported(s.text, cited, dates=set().union(*(days[n - 1] for n in s.citations))), s
    assert len(b.headline.split()) <= 14

    # The troop figures count different things (7,000 transferred so far, 8,000 near the border,
    # 10,000 to 12,000 sent in all, a quota of 10,000 by December): never one contradiction,
    # and a figure shown is shown in the sentence that says what it counts.
    assert not [d for d in b.disagreements if d.kind == "number"], b.disagreements
    shown = [o.text for o in b.only_in] + [e.text for e in b.timeline] + [s.text for s in b.sentences]
    assert any("8,000 North Korean soldiers are near" in t for t in shown)
    names = {(d.severity, frozenset(s.value for s in d.sides)) for d in b.disagreements if d.kind == "name"}
    assert ("disagreement", frozenset({"Kim Yong Hyun", "Kim Eun-hyun"})) in names
    minor = [vals for sev, vals in names if sev == "minor"]
    assert any("Yoon Sul Yeol" in vals and any(v.startswith("Yoon Suk") for v in vals) for vals in minor)
    assert not any("Kim Jong" in v for _, vals in names for v in vals)


def test_extractive_briefing_on_the_seeds(seed_story, embedder):
    b = brief(seed_story, brief_context(DEFAULTS, embedder, None))
    assert all(s.written_by == "source" for s in b.sentences)
    assert b.headline_by == "source"
    # Verbatim, the talks and the opening of the dialogue are one sentence or the other, not both.
    _check_briefing(b, seed_story, embedder, dialogue=False)
    assert [s.n for s in b.sources] == [1, 2, 3, 4, 5]
    # Relative dates resolved against each article's own date.
    days = {e.date for e in b.timeline}
    assert "2024-11-04" in days
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in days)
    assert b.only_in and all(1 <= o.citation <= 5 for o in b.only_in)


@pytest.mark.slow
def test_briefing_with_the_default_model_on_the_seeds(seed_story, embedder):
    from digest.models import load_generator

    generator = load_generator()
    stats = BriefStats()
    b = brief(seed_story, brief_context(DEFAULTS, embedder, generator), stats=stats)
    _check_briefing(b, seed_story, embedder)
    assert 1 <= stats.model_calls <= DEFAULTS.limits.calls_per_story
    assert b.model_calls == stats.model_calls
    assert any(s.written_by == "model" for s in b.sentences) or b.headline_by == "model"
    # Every model sentence passed the checks and cites only sources that state its facts (_check_briefing).

    # A spent run-level budget means no model call at all, and the same checked facts.
    spent = BriefStats()
    ctx = replace(brief_context(DEFAULTS, embedder, generator), budget=ModelBudget(calls=0))
    b = brief(seed_story, ctx, stats=spent)
    assert spent.model_calls == 0 and b.headline_by == "source" and b.model_limited
    assert all(s.written_by == "source" for s in b.sentences)

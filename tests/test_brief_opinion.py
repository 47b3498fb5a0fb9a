"""An outlet's opinion told as fact is found (the shipped opinion model) and never shown as fact;
attributed judgements and plain reporting stay showable."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from digest.brief import BriefContext, ModelBudget, brief, evidence, opinion
from digest.types import Article, Story


def _article(n: int, sentences: tuple[str, ...], title: str, outlet: str) -> Article:
    return Article(
        f"id{n}",
        f"s{n}.txt",
        f"https://example.com/{n}",
        outlet,
        title,
        None,
        datetime(2025, 3, 11, 7 + n, tzinfo=UTC),
        "en",
        (" ".join(sentences),),
        sentences,
    )


ASIDE = (
    "It is the latest failure of a water company that has treated its crumbling pipes as somebody "
    "else's problem for two decades."
)
ATTRIBUTED = "Residents said the company had treated its crumbling pipes as somebody else's problem for years."

MAIN_BURST = [
    _article(
        1,
        (
            "ASHFORD VALE, March 11 (Newswire) - A water main burst under the High Street in Ashford Vale "
            "early on Tuesday, flooding at least 14 shops and cutting supply to about 3,000 homes, "
            "Vale Water said.",
            "Engineers expected to restore supply by Wednesday morning, the company said.",
            "Bottled water was being handed out at the town's leisure centre.",
        ),
        "Burst main floods Ashford Vale high street",
        "Newswire",
    ),
    _article(
        2,
        (
            "A burst water main flooded 14 shops on Ashford Vale's High Street on Tuesday and left around "
            "3,000 homes without water.",
            ASIDE,
            "The 90-year-old cast-iron main had been due for replacement in 2023, according to council papers.",
        ),
        "Ashford Vale homes left without water",
        "The Vale Courier",
    ),
    _article(
        3,
        (
            "Around 3,000 homes in Ashford Vale were without water on Tuesday after a main burst beneath "
            "the High Street, flooding shops.",
            ATTRIBUTED,
            "Vale Water apologised and said supply would return by Wednesday.",
        ),
        "Water main bursts in Ashford Vale",
        "Ashford Evening Post",
    ),
]


@pytest.mark.slow
def test_an_outlets_aside_is_found_and_plain_or_attributed_sentences_are_not(embedder):
    ev = evidence.gather(MAIN_BURST, embedder, opinions=opinion.default_model())
    flagged = {e.text for e in ev.sentences if e.aside}
    assert ASIDE in flagged
    assert ATTRIBUTED not in flagged  # who judges is told: not asked at all
    plain = [e for e in ev.sentences if e.text not in (ASIDE, ATTRIBUTED)]
    assert plain and not any(e.aside for e in plain)
    aside = next(e for e in ev.sentences if e.text == ASIDE)
    assert not aside.selectable


@pytest.mark.slow
def test_the_briefing_never_states_the_aside(embedder):
    # Only one outlet judges here: nothing else states what the aside says.
    third = MAIN_BURST[2]
    plain_third = replace(third, sentences=tuple(t for t in third.sentences if t != ATTRIBUTED))
    story = Story("s1", "burst main", (MAIN_BURST[0], MAIN_BURST[1], plain_third), (), ())
    ctx = BriefContext(embedder, None, words=120, calls_per_story=0, max_new_tokens=0, budget=ModelBudget(0))
    text = " ".join(s.text for s in brief(story, ctx).sentences)
    assert "somebody else's problem for two decades" not in text
    assert "3,000" in text  # the news is still told
    # Without the opinion model the same story can show it: the model, not the story, keeps it out.
    bare = BriefContext(
        embedder, None, words=400, calls_per_story=0, max_new_tokens=0, budget=ModelBudget(0), opinions=None
    )
    assert any(ASIDE in s.text for s in brief(story, bare).sentences)


def test_the_model_reads_only_its_own_embedders_vectors():
    model = opinion.OpinionModel("minilm-l6", np.array([4.0, 0.0]), -2.0)
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert opinion.asides(model, "minilm-l6", vectors, [0, 1]) == {0}  # p = 0.88 and 0.12
    assert opinion.asides(model, "mpnet", vectors, [0, 1]) == set()
    assert opinion.asides(model, "minilm-l6", np.zeros((2, 3)), [0, 1]) == set()
    assert opinion.asides(None, "minilm-l6", vectors, [0, 1]) == set()
    assert opinion.OpinionModel.from_json(json.loads(json.dumps(model.to_json()))).reads("minilm-l6", 2)


def test_the_shipped_weights_say_what_they_read_and_how_they_were_trained():
    model = opinion.default_model()
    assert model.embedder == "minilm-l6" and len(model.coef) == 384
    assert model.threshold == opinion.THRESHOLD
    assert "scripts/train_opinion.py" in model.about

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


PIGGY_BANK = (
    "Graham Lowther, a man who treated a children's charity as his personal piggy bank, was jailed "
    "for six years at Leeds Crown Court on Friday."
)


def test_a_part_between_commas_is_found_and_the_sentence_reads_without_it():
    spans = opinion.folded_parts(PIGGY_BANK)
    assert len(spans) == 1
    assert opinion.without(PIGGY_BANK, spans) == (
        "Graham Lowther was jailed for six years at Leeds Crown Court on Friday."
    )
    clause = (
        "The federation, which has spent decades treating women's chess as an afterthought, announced a new prize fund."
    )
    assert opinion.without(clause, opinion.folded_parts(clause)) == "The federation announced a new prize fund."


@pytest.mark.parametrize(
    "text",
    [
        # a title is too short to be an aside
        "Maria Costa, a former engineer, said the crack had been reported.",
        # items of a list are not asides
        "Police closed the bridge, the road that runs to the station, the ring road and the market square.",
        "The towns of Ashford, the largest of the three villages nearby, and Kent were flooded.",
        # a part that holds a figure, a quote or a bracket is a fact or a source's words
        "The mayor, who was elected in 2019 with 54% of the vote, resigned on Monday.",
        "The minister, who called it “a national disgrace” on radio, left early.",
        "The company, the largest employer in the town (Vale Water), said supply would return.",
        # no closing comma: the part does not end inside the sentence
        "He spoke to the crowd, a gathering of farmers from across the region.",
    ],
)
def test_lists_titles_figures_quotes_and_open_ends_are_never_parts(text):
    assert opinion.folded_parts(text) == []


def test_only_the_parts_the_model_finds_asides_are_taken_out():
    # A stand-in embedder maps a part to its own vector: [1, 0] for the loaded one, [0, 1] otherwise.
    model = opinion.OpinionModel("minilm-l6", np.array([4.0, -4.0]), 0.0)

    def embed(texts: list[str]) -> np.ndarray:
        return np.array([[1.0, 0.0] if "piggy bank" in t else [0.0, 1.0] for t in texts])

    plain = "The council, which owns the building on the corner, approved the sale on Monday."
    cut = opinion.folded_asides(model, {0: PIGGY_BANK, 1: plain, 2: "No parts here at all."}, embed)
    assert cut == {0: "Graham Lowther was jailed for six years at Leeds Crown Court on Friday."}


@pytest.mark.parametrize(
    "text",
    [
        # the sentence carries on after the part: cutting it would break the sentence
        "It grew out of the purchase of AMS, which had a long history of troubled projects, including a "
        "school payroll system.",
        "Smith dictated the revelation, a lengthy and complex text full of promises and warnings, some "
        "directed at Emma.",
    ],
)
def test_a_part_that_the_sentence_carries_on_from_is_not_cut(text):
    assert opinion.folded_parts(text) == []


REGULATOR = (
    "Ofwat, a regulator that has spent a decade looking the other way, opened an investigation into "
    "Vale Water on Wednesday."
)
SUPPLIER = "Vale Water, the company that supplies the town and nearby villages, apologised on Tuesday."
FOLLOW_UP = _article(
    4,
    (
        "Supply was restored to most of the 3,000 homes in Ashford Vale on Wednesday, a day after a water "
        "main burst under the High Street.",
        REGULATOR,
        SUPPLIER,
    ),
    "Regulator to investigate Ashford Vale burst",
    "Vale Gazette",
)


@pytest.mark.slow
def test_an_aside_folded_into_a_plain_sentence_is_taken_out_and_the_news_kept(embedder):
    ev = evidence.gather((*MAIN_BURST, FOLLOW_UP), embedder, opinions=opinion.default_model())
    by_source = [e for e in ev.sentences if e.source == 4]
    texts = {e.text for e in by_source}
    assert "Ofwat opened an investigation into Vale Water on Wednesday." in texts
    assert SUPPLIER in texts  # a plain apposition stays
    cut = next(e for e in by_source if e.text.startswith("Ofwat"))
    assert cut.aside_cut and cut.selectable and not cut.aside


@pytest.mark.slow
def test_the_briefing_never_shows_a_folded_aside(embedder):
    story = Story("s1", "burst main", (MAIN_BURST[0], FOLLOW_UP), (), ())
    ctx = BriefContext(embedder, None, words=400, calls_per_story=0, max_new_tokens=0, budget=ModelBudget(0))
    text = " ".join(s.text for s in brief(story, ctx).sentences)
    assert "Ofwat" in text and "looking the other way" not in text
    bare = BriefContext(
        embedder, None, words=400, calls_per_story=0, max_new_tokens=0, budget=ModelBudget(0), opinions=None
    )
    assert any("looking the other way" in s.text for s in brief(story, bare).sentences)

"""The lead's place and day: written in only when the claim's own evidence states them."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from digest.brief.evidence import Claim, Evidence, EvidenceSet
from digest.brief.lead import anchor
from digest.brief.verify import unsupported
from digest.nlp import parse
from digest.types import BriefSentence

MONDAY = date(2024, 11, 4)


@pytest.fixture(scope="module")
def nlp():
    return parse


def _anchor(lead: str, evidence: list[tuple[int, str]], nlp, *, days=(MONDAY, MONDAY, None), story_day=MONDAY):
    """Brief `lead` (cited to source 1) whose claim has `evidence` as (source, sentence) pairs."""
    sentences = [Evidence(i, n, i, text, True, False, False, False) for i, (n, text) in enumerate(evidence)]
    ev = EvidenceSet(sentences, np.zeros((len(sentences), 4), np.float32), [], np.zeros(4, np.float32), 3)
    claim = Claim(tuple(range(len(sentences))), tuple(sorted({n for n, _ in evidence})), 0.5, 1.0, False, 0)
    texts = [[t for n, t in evidence if n == k] or ["(nothing)"] for k in (1, 2, 3)]
    from digest.brief.facts import date_spans

    stated = [{d for t in texts[k] for _, _, d in date_spans(t, days[k] or story_day)} for k in range(3)]
    return anchor(BriefSentence(lead, (1,), "model"), claim, ev, list(days), story_day, texts, stated, nlp)


LEAD = "The EU's foreign policy chief Josep Borrell met South Korean Foreign Minister Cho Tae-yul."


def test_place_from_two_sources_and_day_resolved_from_an_undated_report(nlp):
    out = _anchor(
        LEAD,
        [
            (1, "The EU's foreign policy chief Josep Borrell met South Korean Foreign Minister Cho Tae-yul on Monday."),
            (2, "Borrell and Cho held a meeting in Seoul on Monday to discuss North Korea."),
            (3, "In Seoul, Borrell also met Defence Minister Kim Yong Hyun on Monday."),
        ],
        nlp,
        days=(MONDAY, MONDAY, None),
    )
    assert out.text == (
        "In Seoul on 4 November 2024, the EU's foreign policy chief Josep Borrell met South Korean "
        "Foreign Minister Cho Tae-yul."
    )
    assert out.citations == (1, 2, 3) and out.written_by == "model"


def test_a_source_that_does_not_state_the_day_is_not_cited_for_the_dated_lead(nlp):
    # Source 1 names everyone but says nothing of when; the day comes from sources 2 and 3, which
    # name no one in full. A dated lead would cite a source for a day it does not state, so only
    # the place goes in front (a place is no figure), cited as before.
    out = _anchor(
        LEAD,
        [
            (1, LEAD),
            (2, "Borrell and Cho held a meeting in Seoul on Monday to discuss North Korea."),
            (3, "In Seoul, Borrell also met Defence Minister Kim Yong Hyun on Monday."),
        ],
        nlp,
        days=(MONDAY, MONDAY, None),
    )
    assert out.text == (
        "In Seoul, the EU's foreign policy chief Josep Borrell met South Korean Foreign Minister Cho Tae-yul."
    )
    assert out.citations == (1, 2, 3)


def test_a_day_source_that_gives_another_figure_is_not_cited(nlp):
    # "harassed 11 women" / a report that says "Tuesday" but not how many: the dated lead cites
    # only the sources that state both.
    lead = "New York Governor Andrew Cuomo resigned after a report found he harassed 11 women."
    out = _anchor(
        lead,
        [
            (1, "New York Governor Andrew Cuomo resigned on Monday after a report found he harassed 11 women."),
            (
                2,
                "Andrew Cuomo, the governor of New York, said on Monday he would resign; a report found he harassed 11 women.",
            ),
            (3, "Governor Andrew Cuomo of New York resigned on Monday after a sexual harassment scandal."),
        ],
        nlp,
        days=(MONDAY, MONDAY, MONDAY),
    )
    assert out.text.startswith("On 4 November 2024, New York Governor Andrew Cuomo resigned")
    assert out.citations == (1, 2), out


def test_one_source_is_not_enough_for_a_place_nor_for_a_day_alone(nlp):
    out = _anchor(LEAD, [(1, LEAD), (2, "The two held a meeting in Seoul on Monday.")], nlp)
    assert out.text == LEAD


def test_a_day_two_sources_give(nlp):
    out = _anchor(
        LEAD,
        [
            (1, LEAD),
            (2, f"{LEAD[:-1]} on Monday."),
            (3, "Talks between Josep Borrell and Cho Tae-yul began on Monday morning."),
        ],
        nlp,
        days=(MONDAY, MONDAY, date(2024, 11, 5)),
    )
    # source 1 does not say when: it is not cited for the dated lead, which 2 and 3 state whole
    assert out.text.startswith("On 4 November 2024, the EU's") and out.citations == (2, 3)


def test_no_day_for_a_state_or_a_process(nlp):
    evidence = [(2, "The two ministers met on Monday."), (3, "Talks began on Monday morning.")]
    for lead in (
        "Caitlyn Jenner has announced she is running for governor of California.",
        "South Dakota is sending National Guard troops to assist Texas at the border.",
    ):
        assert _anchor(lead, [(1, lead), *evidence], nlp).text == lead


def test_where_things_are_is_not_where_the_news_happened(nlp):
    # "troops in Russia", "soldiers in Ukraine": places of things, with no event word before them.
    out = _anchor(
        "North Korea has sent about 10,000 soldiers to fight for Moscow.",
        [
            (1, "North Korea has sent about 10,000 soldiers to fight for Moscow."),
            (2, "Thousands of North Korean troops in Russia are training for combat."),
            (3, "North Korean soldiers in Russia may soon face Ukrainian forces."),
        ],
        nlp,
    )
    assert out.text == "North Korea has sent about 10,000 soldiers to fight for Moscow."


def test_a_day_long_before_the_story_is_not_its_day(nlp):
    out = _anchor(LEAD, [(1, LEAD), (2, "The two ministers first met on 12 May 2023 at a summit.")], nlp)
    assert out.text == LEAD


def test_a_lead_that_already_says_where_or_when_is_left_alone(nlp):
    evidence = [(1, LEAD), (2, "They held a meeting in Seoul on Monday."), (3, "A meeting in Seoul followed.")]
    framed = "On Monday, Borrell met South Korean Foreign Minister Cho Tae-yul."
    assert _anchor(framed, evidence, nlp).text == framed
    placed = "Borrell met South Korean Foreign Minister Cho Tae-yul in Seoul on Monday."
    assert _anchor(placed, evidence, nlp).text == placed
    quote = "“We are strategic partners,” Borrell said after meeting Cho Tae-yul."
    assert _anchor(quote, evidence, nlp).text == quote


def test_a_name_at_the_start_keeps_its_capital(nlp):
    lead = "Josep Borrell met South Korean Foreign Minister Cho Tae-yul."
    out = _anchor(lead, [(1, lead), (2, "The talks were held in Seoul."), (3, "In Seoul, the two signed a pact.")], nlp)
    assert out.text == "In Seoul, Josep Borrell met South Korean Foreign Minister Cho Tae-yul."


def test_the_verifier_accepts_a_day_only_when_a_source_states_it():
    sources = ["Borrell and Cho held a meeting in Seoul on Monday."]
    text = "In Seoul on 4 November 2024, Borrell met Cho."
    assert unsupported(text, sources)  # literally, no source says 4 November 2024
    assert not unsupported(text, sources, dates={MONDAY})  # "Monday" in a report of Monday 4 November
    assert unsupported(text, sources, dates={date(2024, 11, 5)})  # a different day stays unsupported


def test_no_day_for_a_lead_that_already_has_a_time(nlp):
    evidence = [(2, "The shootings happened on Monday."), (3, "Police counted them on Monday.")]
    for lead in (
        "A bloody Fourth of July weekend ended with at least 150 people killed in shootings.",
        "The Internal Revenue Service sent the first monthly payments to families this week.",
    ):
        assert _anchor(lead, [(1, lead), *evidence], nlp).text == lead

"""The learned same-measure model (digest/brief/alignment.py) on stories the hand rules get wrong.

Outlets tell one figure with other verbs and nouns; the rules ask for the same lemmas,
the model weighs the frames, the words around each figure, the sentences' embeddings
and the values' sizes. These tests use the real packaged embedder and shipped weights.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from digest.brief import alignment, disagree, weights
from digest.brief.measures import Statement, extract

DAWN = datetime(2026, 3, 12, 5, 10, tzinfo=UTC)


def _story(embedder, *reports: tuple[datetime, str]):
    statements = []
    for n, (published, text) in enumerate(reports, start=1):
        for sentence in text.split("\n"):
            if sentence.strip():
                statements.append(Statement(n, len(statements), sentence.strip(), published))
    facts = extract(statements)
    vectors = np.asarray(embedder.embed([s.text for s in statements]))
    return facts, vectors


def test_shipped_weights_match_the_features():
    models = alignment.default_models()
    assert models is not None and models.quantity is not None
    data = weights.packaged("alignment.json")
    assert tuple(data["features"]) == alignment.FEATURES
    assert len(data["quantity"]["coef"]) == len(alignment.FEATURES)


@pytest.mark.slow
def test_a_toll_told_with_other_verbs_is_one_update(embedder):
    facts, vectors = _story(
        embedder,
        (
            DAWN,
            "A bus carrying pilgrims plunged into a ravine near Tarvo before dawn on Thursday, and at least 9 people were killed, police said.",
        ),
        (
            DAWN + timedelta(hours=5),
            "At least 13 people are now known to have died after the bus left the mountain road near Tarvo, officials said.",
        ),
        (
            DAWN + timedelta(hours=10),
            "The number of people killed in the Tarvo bus crash rose to 16 on Thursday evening, the regional governor said.",
        ),
    )
    rules_only = [d for d in disagree.find(facts, vectors, learned=False) if d.kind == "number"]
    learned = [d for d in disagree.find(facts, vectors) if d.kind == "number"]
    assert len(learned) == 1, learned
    assert learned[0].severity == "update"
    assert [s.citations for s in learned[0].sides] == [(1,), (2,), (3,)]
    assert rules_only != learned  # the rules alone split the toll at "known to have died"


@pytest.mark.slow
def test_passengers_and_crew_sharing_a_number_are_not_paired(embedder):
    facts, vectors = _story(
        embedder,
        (DAWN, "The ferry was carrying 212 passengers and 14 crew when it struck the rocks, the operator said."),
        (
            DAWN + timedelta(hours=2),
            "All 14 crew members were rescued, and 198 passengers had been accounted for by noon.",
        ),
        (DAWN + timedelta(hours=3), "The coast guard said 212 passengers were on board the ferry."),
    )
    found = [d for d in disagree.find(facts, vectors) if d.kind == "number"]
    values = {s.value for d in found for s in d.sides}
    assert not ({"14", "212"} <= values or {"14", "198"} <= values), found


@pytest.mark.slow
def test_agreeing_values_do_not_chain_different_counts_into_one_toll(embedder):
    # "at least 240 flights" may be true beside "1,900 pilots" (a floor is below it): agreeing
    # values are no sign of one measure, so the flights' update does not swallow the pilots.
    facts, vectors = _story(
        embedder,
        (DAWN, "Nordavia said it had cancelled at least 240 flights on Tuesday as pilots walked out."),
        (DAWN + timedelta(hours=5), "The union represents 1,900 pilots at the airline."),
        (DAWN + timedelta(hours=11), "By evening the airline had cancelled more than 410 flights, it said."),
        (DAWN + timedelta(hours=14), "About 1,900 passengers were stranded at Kettering airport overnight."),
    )
    found = [d for d in disagree.find(facts, vectors) if d.kind == "number"]
    assert len(found) == 1 and found[0].severity == "update", found
    assert [s.citations for s in found[0].sides] == [(1,), (3,)]


@pytest.mark.slow
def test_a_report_giving_both_values_disagrees_with_nobody(embedder):
    # "5.9%, up from 5.8% in May": the second report states the first report's value too, so
    # the two values are this month's and last month's rate, not a contradiction.
    facts, vectors = _story(
        embedder,
        (DAWN, "The unemployment rate slightly increased to 5.9%, the Bureau of Labor Statistics reported Friday."),
        (
            DAWN,
            "The unemployment rate stood at 5.9%, up from 5.8% in May, the Bureau of Labor Statistics reported Friday.",
        ),
    )
    assert not [d for d in disagree.find(facts, vectors) if d.kind == "number"]


def test_without_sentence_vectors_the_hand_rules_decide():
    statements = [
        Statement(1, 0, "At least 9 people were killed, police said.", DAWN),
        Statement(2, 1, "At least 13 people are now known to have died, officials said.", DAWN + timedelta(hours=5)),
    ]
    facts = extract(statements)
    assert disagree.find(facts) == disagree.find(facts, None, learned=False)


@pytest.mark.slow
def test_people_counted_by_different_fates_are_never_one_count(embedder):
    """Three rescued at dawn, four by noon; the bodies of three crew the next day: two counts."""
    facts, vectors = _story(
        embedder,
        (DAWN, "GALWAY, March 12 (ANA) - Three crew members of the trawler were rescued from the sea."),
        (DAWN + timedelta(hours=6), "Four crew members have now been rescued, the Irish Coast Guard said."),
        (
            DAWN + timedelta(hours=26),
            "The bodies of three crew members of the trawler have now been recovered after a third man was found "
            "by a lifeboat crew at first light on Friday, the coast guard said.",
        ),
    )
    found = [d for d in disagree.find(facts, vectors) if d.kind == "number"]
    assert len(found) == 1 and found[0].severity == "update", found
    assert [(s.value.lower(), s.citations) for s in found[0].sides] == [("three", (1,)), ("four", (2,))]


@pytest.mark.slow
def test_a_toll_one_report_also_tells_with_another_verb_still_grows_into_an_update(embedder):
    facts, vectors = _story(
        embedder,
        (DAWN, "FELIXPORT, March 12 (Coast Wire) - A crane collapsed onto a quay on Thursday, injuring three workers."),
        (DAWN + timedelta(hours=5), "Four workers were injured when a giant crane collapsed at the port on Thursday."),
        (
            DAWN + timedelta(hours=18),
            "Five workers are now known to have been injured in Thursday's crane collapse at the port, after "
            "further dock workers came forward for treatment overnight, the port said.",
        ),
        (DAWN + timedelta(hours=27), "Five workers were injured when the crane fell across a berth during the storm."),
    )
    found = [d for d in disagree.find(facts, vectors) if d.kind == "number"]
    assert len(found) == 1 and found[0].severity == "update", found
    assert [s.value.lower() for s in found[0].sides] == ["three", "four", "five"]


@pytest.mark.slow
def test_times_of_different_events_of_one_story_are_not_paired(embedder):
    # The slide before dawn, the rescuers' arrival, a news conference in the afternoon: three
    # events, each timed in a lead. A model that took any two clashing lead times for one event
    # (one was tried: benchmarks/README.md) pairs them; the hand rule asks for one thing or verb.
    facts, vectors = _story(
        embedder,
        (
            DAWN,
            "CORVARA, Italy - A landslide buried part of the mountain village of Corvara at about 5 a.m. on Tuesday, "
            "killing at least 12 people, officials said.\n"
            "Days of heavy rain had soaked the slope above the village.",
        ),
        (
            DAWN + timedelta(hours=4),
            "Rescue teams reached Corvara at 8:30 a.m. on Tuesday, three hours after a landslide buried part of the village.\n"
            "The only road into the valley had to be cleared first, the mayor said.",
        ),
        (
            DAWN + timedelta(hours=9),
            "Speaking at a news conference at 2 p.m., the regional governor said 14 people had died.\n"
            "The search would go on through the night, he said.",
        ),
    )
    times = [d for d in disagree.find(facts, vectors) if d.kind == "date"]
    assert not times, times


@pytest.mark.slow
def test_an_ask_and_an_offer_are_never_one_measure_whatever_the_model_says(embedder):
    # The learned alignment paired "wants an 11% rise" with "an offer of a 9 per cent rise"
    # (two properties of one "rise"); an ask and an offer are two sides' figures.
    facts, vectors = _story(
        embedder,
        (
            DAWN,
            "HALDEN, March 12 (Newswire) - The cabin crew union is asking for a 15% rise over two years; Skyway has offered 8%.",
        ),
        (DAWN, "The Cabin Crew Association wants a 12% rise, while the airline says its offer is generous."),
        (DAWN, "The union says Skyway's offer of an 8 per cent rise does not make up for years of frozen pay."),
    )
    numbers = [d for d in disagree.find(facts, vectors) if d.kind == "number"]
    assert not any({"8%", "12%"} <= {s.value for s in d.sides} for d in numbers), numbers

"""Selection: independent sources rank first, MMR avoids saying one thing twice, the budget holds."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from digest.brief import evidence, select, sources_of
from digest.brief.evidence import Claim, Evidence, EvidenceSet
from digest.types import Article, Duplicate, Story

RESTATES = 0.78  # "restates" threshold for these hand-made vectors (MiniLM's calibration value)


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _set(specs) -> EvidenceSet:
    """specs: (text, source, position, vector, reaction) per claim, one sentence each."""
    sentences, vectors, claims = [], [], []
    for i, (text, source, position, vec, reaction) in enumerate(specs):
        sentences.append(Evidence(i, source, position, text, True, False, reaction, False))
        vectors.append(vec)
        claims.append(
            Claim((i,), (source,), centrality=0.7, lead=1 / (1 + 0.35 * position), reaction=reaction, representative=i)
        )
    return EvidenceSet(sentences, np.stack(vectors), claims, _unit(1, 1, 1), n_sources=3)


def test_more_sources_rank_higher():
    ev = _set(
        [
            ("A fact only one outlet reports in this story.", 1, 0, _unit(1, 0, 0), False),
            ("A fact three outlets report in this story today.", 1, 0, _unit(0, 1, 0), False),
        ]
    )
    ev.claims[1] = Claim((1,), (1, 2, 3), 0.7, 1.0, False, 1)
    assert select.rank(ev)[0].sources == (1, 2, 3)


def test_mmr_prefers_a_new_fact_over_a_restatement_and_keeps_the_budget():
    ev = _set(
        [
            ("The central bank raised interest rates by half a point on Thursday.", 1, 0, _unit(1, 0.05, 0), False),
            ("On Thursday the central bank lifted its rates by half a point.", 2, 0, _unit(1, 0.0, 0.05), False),
            ("Mortgage costs for millions of households will rise as a result.", 3, 1, _unit(0.3, 1, 0), False),
        ]
    )
    chosen = select.choose(ev, words=25, duplicate=RESTATES)
    texts = [ev.sentences[c.representative].text for c in chosen]
    assert len(chosen) == 2
    assert "Mortgage" in texts[1]
    assert sum(len(t.split()) for t in texts) <= 25


def test_reactions_come_after_facts():
    ev = _set(
        [
            ('"This is a dark day," the mayor said of the floods in the city.', 1, 0, _unit(0, 0, 1), True),
            ("Floods killed twelve people in the city on Sunday, officials said.", 2, 0, _unit(1, 0, 0), False),
            ("The river rose four metres in six hours after record rainfall.", 3, 1, _unit(0, 1, 0), False),
        ]
    )
    chosen = select.choose(ev, words=200, duplicate=RESTATES)
    assert [c.reaction for c in chosen] == [False, False, True]


def _article(n: int, text: str) -> Article:
    return Article(
        f"id{n}",
        f"s{n}.txt",
        f"https://example.com/{n}",
        f"Outlet {n}",
        f"Title {n}",
        None,
        datetime(2024, 1, n, tzinfo=UTC),
        "en",
        (text,),
        (text,),
    )


def test_duplicates_are_folded_into_their_source_not_counted():
    a, b = (
        _article(1, "The dam broke after days of heavy rain in the valley."),
        _article(2, "The dam broke after days of heavy rain."),
    )
    copy = _article(3, "The dam broke after days of heavy rain in the valley.")
    story = Story("s", "Dam", (a, b), (Duplicate(copy, of=a.id, kind="exact", similarity=1.0),), ())
    sources = sources_of(story)
    assert [s.n for s in sources] == [1, 2]
    assert sources[0].duplicates == ("s3.txt",)


def test_quotes_without_a_named_speaker_never_stand_alone(embedder):
    art = Article(
        "q",
        "q.txt",
        None,
        None,
        None,
        None,
        None,
        "en",
        ("x",),
        (
            "The minister visited the flooded town on Tuesday and met rescue workers.",
            "“We will rebuild every house,” he said.",
            "“Nobody will be left behind.",
            "We owe them that,” the minister told reporters.",
        ),
    )
    ev = evidence.gather([art], embedder)
    selectable = [e.text for e in ev.sentences if e.selectable]
    assert selectable == ["The minister visited the flooded town on Tuesday and met rescue workers."]

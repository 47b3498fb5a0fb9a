"""Rendering: the Markdown says nothing the JSON does not, and dates read as a person expects."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from digest.render import story_date, to_json, to_markdown
from digest.types import Briefing, BriefSentence, Digest, DigestStory, Disagreement, Side, Source


def _source(n: int, day: int | None) -> Source:
    published = datetime(2024, 11, day, 9, tzinfo=UTC) if day else None
    return Source(n, f"a{n}", f"in/{n}.txt", None, None, f"Title {n}", published)


def _briefing(days) -> Briefing:
    return Briefing(
        story_id="s-1",
        headline="A headline",
        headline_by="model",
        sentences=(BriefSentence("First fact.", (1, 2), "model"), BriefSentence("Second fact.", (3,), "source")),
        sources=tuple(_source(i, d) for i, d in enumerate(days, 1)),
        disagreements=(Disagreement("troops", "number", "disagreement", (Side("7,000", (1,)), Side("8,000", (2,)))),),
    )


def _digest(*briefings: Briefing, when: datetime) -> Digest:
    return Digest("T", when, "m", tuple(DigestStory(b) for b in briefings))


def test_story_date_is_the_commonest_day_latest_on_a_tie():
    assert story_date(_briefing([4, 4, 1])) == "2024-11-04"
    assert story_date(_briefing([1, 4, None])) == "2024-11-04"
    assert story_date(_briefing([None, None, None])) is None


def test_markdown_and_json_carry_the_same_story():
    b = _briefing([4, 4, 1])
    when = datetime(2024, 11, 5, 7, tzinfo=UTC)
    data = json.loads(to_json(_digest(b, when=when)))
    story = data["stories"][0]
    assert story["date"] == "2024-11-04"
    assert [s["citations"] for s in story["sentences"]] == [[1, 2], [3]]
    md = to_markdown(_digest(b, when=when))
    assert "_4 November 2024 · 3 sources_" in md
    assert "First fact. [1] [2] Second fact. [3]" in md
    assert "- troops: 7,000 [1]; 8,000 [2]" in md
    assert "\n\n\n" not in md


def test_a_source_without_a_title_is_shown_by_its_opening_words():
    b = _briefing([4, 4])
    untitled = Source(3, "a3", "in/3.txt", None, None, None, None, (), "South Korea and the EU started a dialogue…")
    b = Briefing(b.story_id, b.headline, b.headline_by, b.sentences, (*b.sources, untitled))
    md = to_markdown(_digest(b, when=datetime(2024, 11, 5, tzinfo=UTC)))
    assert "3. (untitled) “South Korea and the EU started a dialogue…” · `in/3.txt`" in md
    assert "1. Title 1 · 2024-11-04 · `in/1.txt`" in md  # a titled source shows only its title
    data = json.loads(to_json(_digest(b, when=datetime(2024, 11, 5, tzinfo=UTC))))
    assert data["stories"][0]["sources"][2]["opening"] == "South Korea and the EU started a dialogue…"

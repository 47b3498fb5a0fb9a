"""'Only in one source': facts one outlet states that no other source and not the briefing states."""

from __future__ import annotations

from datetime import UTC, datetime

from digest.brief import only_in
from digest.brief.measures import Statement, extract

MONDAY = datetime(2024, 11, 4, 9, tzinfo=UTC)


def _facts(*reports):
    statements = []
    for n, sentences in enumerate(reports, start=1):
        for text in sentences:
            statements.append(Statement(n, len(statements), text, MONDAY))
    return extract(statements)


def test_a_figure_one_source_gives_is_shown_and_one_the_briefing_gives_is_not():
    facts = _facts(
        (
            "Borrell met Foreign Minister Cho Tae-yul in Seoul on Monday.",
            "The U.S. said approximately 8,000 North Korean soldiers are near Ukraine's border in Russia.",
        ),
        (
            "Borrell met Foreign Minister Cho Tae-yul in Seoul on Monday.",
            "Ukrainian intelligence said Russia has already transferred more than 7,000 North Korean soldiers.",
        ),
    )
    briefing = ["Borrell met Foreign Minister Cho Tae-yul in Seoul on Monday."]
    shown = only_in.build(facts, briefing)
    assert [(o.citation, o.text.split(" said")[0]) for o in shown] == [(1, "The U.S."), (2, "Ukrainian intelligence")]
    # Once the briefing states the 8,000, it is no longer "only in" anything.
    shown = only_in.build(facts, [*briefing, "About 8,000 North Korean soldiers are near the border, the U.S. said."])
    assert [o.citation for o in shown] == [2]


def test_sentences_that_cannot_stand_alone_or_state_nothing_checkable_are_left_out():
    statements = [
        Statement(1, 0, "He said 300 people had been moved to shelters.", MONDAY, standalone=False),
        Statement(1, 1, "Critics called the decision reckless and short-sighted.", MONDAY),
        Statement(2, 2, "Officials said the river peaked at 5.2 metres overnight.", MONDAY),
    ]
    shown = only_in.build(extract(statements), [])
    assert [o.citation for o in shown] == [2]

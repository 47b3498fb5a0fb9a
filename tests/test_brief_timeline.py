"""Relative dates resolve against the date of the article that wrote them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from digest.brief.timeline import resolve

MONDAY = datetime(2024, 11, 4, 9, 0, tzinfo=UTC)  # a Monday


def test_weekdays_resolve_to_the_latest_such_day():
    assert resolve("Borrell met Cho in Seoul on Monday.", MONDAY) == [date(2024, 11, 4)]
    assert resolve("Zelenskiy spoke on Friday evening.", MONDAY) == [date(2024, 11, 1)]
    assert resolve("Last Friday, Borrell called for a united response.", MONDAY) == [date(2024, 11, 1)]
    assert resolve("The vote is due next Wednesday.", MONDAY) == [date(2024, 11, 6)]


def test_relative_words():
    assert resolve("The talks ended yesterday.", MONDAY) == [date(2024, 11, 3)]
    assert resolve("The missile test last week was the most powerful yet.", MONDAY) == []  # a week, not a day
    from digest.brief.facts import week_spans

    assert [d for _, _, d in week_spans("The missile test last week was the strongest.", MONDAY)] == [
        date(2024, 10, 28)
    ]
    assert [d for _, _, d in week_spans("Talks resume next week.", date(2024, 11, 6))] == [date(2024, 11, 11)]
    assert resolve("Ukraine reported clashes today.", MONDAY) == [date(2024, 11, 4)]


def test_explicit_dates_win_and_take_the_year_from_the_article():
    assert resolve("Just today (Nov. 4), Kyiv reported the first firefights.", MONDAY)[0] == date(2024, 11, 4)
    assert resolve("Cho said on November 1 that all scenarios are open.", MONDAY) == [date(2024, 11, 1)]
    assert resolve("The war began on 24 February 2022.", None) == [date(2022, 2, 24)]
    # A December date mentioned in early January belongs to the year before.
    assert resolve("The deal was struck on Dec. 30.", date(2025, 1, 3)) == [date(2024, 12, 30)]


def test_undated_articles_keep_only_explicit_dates():
    assert resolve("Borrell met Cho on Monday.", None) == []
    assert resolve("The soldiers may be deployed soon.", MONDAY) == []  # "may" is not May


def _statements(*reports):
    from digest.brief.measures import Statement

    out = []
    for n, (published, sentences) in enumerate(reports, start=1):
        for text in sentences:
            out.append(Statement(n, len(out), text, published))
    return out


def test_the_timeline_dates_what_a_sentence_tells_and_undated_reports_count_from_the_storys_day():
    from digest.brief import timeline
    from digest.brief.measures import extract

    dated = (
        MONDAY,
        (
            "Borrell met Cho Tae-yul in Seoul on Monday to open the strategic dialogue.",
            "The alliance only fuels aggression, as last week's missile test showed once again.",
            "Already last week, the Polish president visited Seoul to discuss arms for Kyiv.",
        ),
    )
    undated = (None, ("On Thursday, the U.S. said some 8,000 North Korean soldiers were near the border.",))
    events = {e.date: e for e in timeline.build(extract(_statements(dated, undated)))}
    assert set(events) == {"2024-10-28", "2024-11-04", "2024-10-31"}  # the missile test is not an event
    assert events["2024-10-31"].citations == (2,)  # "Thursday" before the story's Monday
    assert events["2024-10-28"].precision == "week" and "Polish president" in events["2024-10-28"].text
    assert events["2024-11-04"].precision == "day"


def test_one_event_told_by_two_sources_is_one_entry_and_what_was_said_when_is_not_the_event():
    from digest.brief import timeline
    from digest.brief.measures import extract

    events = timeline.build(
        extract(
            _statements(
                (MONDAY, ("The hearing will be held on 12 December, the court said on Monday.",)),
                (MONDAY, ("A confiscation hearing will take place on 12 December.",)),
                (MONDAY, ("Cho said on November 1 that all scenarios were open.",)),
            )
        ),
        present=lambda s: s.upper(),
    )
    by_date = {e.date: e for e in events}
    assert by_date["2024-12-12"].citations == (1, 2)  # the hearing's day, not the day the court spoke
    assert by_date["2024-11-01"].citations == (3,)  # a statement with no other date is the event
    assert by_date["2024-12-12"].text.isupper()

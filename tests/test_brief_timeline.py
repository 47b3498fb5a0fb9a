"""Relative dates resolve against the date of the article that wrote them."""

from __future__ import annotations

from datetime import date, datetime, timezone

from digest.brief.timeline import resolve

MONDAY = datetime(2024, 11, 4, 9, 0, tzinfo=timezone.utc)  # a Monday


def test_weekdays_resolve_to_the_latest_such_day():
    assert resolve("Borrell met Cho in Seoul on Monday.", MONDAY) == [date(2024, 11, 4)]
    assert resolve("Zelenskiy spoke on Friday evening.", MONDAY) == [date(2024, 11, 1)]
    assert resolve("Last Friday, Borrell called for a united response.", MONDAY) == [date(2024, 11, 1)]
    assert resolve("The vote is due next Wednesday.", MONDAY) == [date(2024, 11, 6)]


def test_relative_words():
    assert resolve("The talks ended yesterday.", MONDAY) == [date(2024, 11, 3)]
    assert resolve("Last week's missile test was the most powerful yet.", MONDAY) == [date(2024, 10, 28)]
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

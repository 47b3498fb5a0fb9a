"""Plain-text layouts people save articles in: metadata lines become metadata and leave the text.

The texts are invented, written the way outlets write (README "Your own articles").
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from digest.clean import clean
from digest.ingest import documents_from_bytes
from digest.types import Article, RawDocument

FETCHED = datetime(2024, 11, 6, 7, 0, tzinfo=UTC)
BODY = [
    "The Harlow Creek council voted on Tuesday to close the Ostrander Bridge to lorries from December, "
    "after engineers found corrosion in two of its steel girders.",
    'Council leader Maria Okafor said the decision had not been taken lightly. "We cannot gamble with the '
    'safety of the roughly 12,000 drivers who cross it every day," she told reporters.',
    "Hauliers warned that the detour through Dunmore would add at least 40 minutes to each journey and asked "
    "for the closure to be reviewed in the spring.",
]


def read(text: str) -> Article:
    (doc,) = documents_from_bytes("story.txt", text.encode("utf-8"), fetched_at=FETCHED, name="story.txt")
    assert isinstance(doc, RawDocument)
    return clean(doc)


def body_is_whole(article: Article, body: list[str] = BODY) -> None:
    assert list(article.paragraphs) == body


def test_outlet_line_title_byline_and_date_line():
    article = read(
        "Dunmore Herald\n\nBridge to close to lorries\n\nBy Jane Doe\n\n5 November 2024\n\n" + "\n\n".join(BODY)
    )
    body_is_whole(article)
    assert (article.outlet, article.title, article.author) == (
        "Dunmore Herald",
        "Bridge to close to lorries",
        "Jane Doe",
    )
    assert article.published == datetime(2024, 11, 5, tzinfo=UTC)


def test_one_word_camel_case_outlet():
    article = read("TechDaily\n\nChipmaker opens plant near Harlow Creek\n\n" + "\n\n".join(BODY))
    body_is_whole(article)
    assert article.outlet == "TechDaily"
    assert article.title == "Chipmaker opens plant near Harlow Creek"


@pytest.mark.parametrize(
    ("line", "outlet", "day"),
    [
        ("The Business Post, 6 November 2024", "The Business Post", date(2024, 11, 6)),
        ("Dunmore Herald | November 4, 2024", "Dunmore Herald", date(2024, 11, 4)),
        ("TechDaily - 2024-11-03", "TechDaily", date(2024, 11, 3)),
        ("Evening Ledger - Tuesday, November 5, 2024 7:00 a.m.", "Evening Ledger", date(2024, 11, 5)),
    ],
)
def test_outlet_and_date_on_one_line(line, outlet, day):
    article = read(line + "\n\n" + "\n\n".join(BODY))
    body_is_whole(article)
    assert article.outlet == outlet and article.published is not None and article.published.date() == day
    assert ("dateline", line) in [(d.reason, d.text) for d in article.dropped]


@pytest.mark.parametrize(
    ("prefix", "day", "agency"),
    [
        ("HARLOW CREEK, Nov 5 (Newswire) - ", date(2024, 11, 5), "Newswire"),
        ("HARLOW CREEK, 5 November 2024 (Newswire) — ", date(2024, 11, 5), "Newswire"),
        ("DUNMORE (Newswire) – ", None, "Newswire"),
        ("PORT ELLIS, Nov. 4 – ", date(2024, 11, 4), None),
        ("PINE HOLLOW, Calif., Nov 5 (Newswire) - ", date(2024, 11, 5), "Newswire"),
        ("SEOUL, South Korea, Nov 5 (Newswire) - ", date(2024, 11, 5), "Newswire"),
    ],
)
def test_wire_dateline_leaves_the_text(prefix, day, agency):
    article = read(prefix + "\n\n".join(BODY))
    body_is_whole(article)
    assert (article.published.date() if article.published else None) == day
    if agency:
        assert article.outlet == agency
    assert ("dateline", prefix.strip()) in [(d.reason, d.text) for d in article.dropped]


def test_wire_date_without_year_takes_the_year_it_was_fetched_in_and_never_the_future():
    article = read("HARLOW CREEK, Dec 30 (Newswire) - " + "\n\n".join(BODY))
    assert article.published == datetime(2023, 12, 30, tzinfo=UTC)  # fetched on 6 Nov 2024: last December


def test_everything_together_in_the_order_outlets_print_it():
    text = (
        "The Business Post, 6 November 2024\n\nBridge to close to lorries\n\nBy Jane Doe and Tom Reyes\n\n"
        "HARLOW CREEK, Nov 5 (Newswire) - " + "\n\n".join(BODY)
    )
    article = read(text)
    body_is_whole(article)
    assert article.outlet == "The Business Post"
    assert article.published == datetime(2024, 11, 6, tzinfo=UTC)  # the outlet's own date line wins
    assert article.author == "Jane Doe and Tom Reyes"
    assert article.title == "Bridge to close to lorries"


def test_sentences_that_look_like_metadata_stay():
    body = [
        "Dunmore Herald reporters counted 40 lorries an hour on the bridge on Monday.",
        "WASHINGTON has not commented on the closure, which takes effect on 1 December 2024.",
        *BODY,
    ]
    article = read("\n\n".join(body))
    body_is_whole(article, body)
    assert article.outlet is None


def test_headings_lists_and_quotes_inside_the_report_are_kept():
    body = [
        BODY[0],
        "What happens next",
        BODY[1],
        "- lorries over 7.5 tonnes are banned from 1 December;",
        "- buses and emergency vehicles may still cross;",
        "- the council will review the ban in March.",
        "\u201cIt is a blow for us,\u201d said one driver.",
        BODY[2],
    ]
    article = read("Dunmore Herald\n\nBridge to close\n\n" + "\n".join(body[:1]) + "\n\n" + "\n\n".join(body[1:]))
    assert "What happens next" in article.paragraphs
    assert "lorries over 7.5 tonnes are banned from 1 December;" in article.paragraphs
    assert article.paragraphs[-1] == BODY[2]
    assert "What happens next" not in article.sentences  # a heading is text, not a sentence to quote


def test_the_readme_example():
    article = read(
        "The Business Post, 6 November 2024\n"
        "HARLOW CREEK, Nov 5 (Newswire) - The council voted on Tuesday to close the Ostrander Bridge "
        "to lorries from December, after engineers found corrosion in two of its steel girders.\n"
    )
    assert article.outlet == "The Business Post"
    assert article.published == datetime(2024, 11, 6, tzinfo=UTC)
    assert article.paragraphs[0].startswith("The council voted")


@pytest.mark.parametrize(
    "line, local",
    [
        ("Updated: November 5, 2024 9:30 p.m. EST", datetime(2024, 11, 5, 21, 30)),
        ("Sunday 26 January 2025, 1.30pm", datetime(2025, 1, 26, 13, 30)),
        ("Published 5 November 2024 at 3 pm GMT", datetime(2024, 11, 5, 15, 0)),
        ("November 5, 2024, 12:15 a.m. PST", datetime(2024, 11, 5, 0, 15)),
        ("Stand: 05.11.2024, 14:05 Uhr MEZ", datetime(2024, 11, 5, 14, 5)),
    ],
)
def test_date_lines_with_times_read_the_clock_and_the_zone(line, local):
    article = read("Dunmore Herald\n\nBridge to close to lorries\n\n" + line + "\n\n" + "\n\n".join(BODY))
    body_is_whole(article)
    assert article.published is not None
    # the report's own clock, and (when the line names a zone) the same moment in UTC
    assert article.published.replace(tzinfo=None) == local
    zone = line.split()[-1]
    if zone in ("EST", "PST", "GMT", "MEZ"):
        offset = {"EST": -5, "PST": -8, "GMT": 0, "MEZ": 1}[zone]
        assert article.published.utcoffset().total_seconds() == offset * 3600


@pytest.mark.parametrize(
    "dateline, day",
    [
        # Thursday 13 November 2025: the dateline's own day
        ("NEW YORK, Nov 13 (Arts Wire) - The painting sold for $48.2 million on Thursday evening.", date(2025, 11, 13)),
        # Tuesday 4 February 2025, reporting Monday's approval
        (
            "WASHINGTON, Feb 4 (Health Wire) - Regulators approved the drug on Monday, the company said.",
            date(2025, 2, 4),
        ),
        # no weekday named: the latest such day not after the fetch
        ("HARLOW CREEK, Nov 5 (Newswire) - The council voted to close the bridge to lorries.", date(2026, 11, 5)),
    ],
)
def test_a_wire_date_without_a_year_takes_the_year_its_weekday_fits(dateline, day):
    from digest.clean.metadata import wire_dateline

    found = wire_dateline(dateline, datetime(2026, 11, 30, tzinfo=UTC))
    assert found is not None and found[3] is not None
    assert found[3].date() == day

"""Dedupe: exact copies, wire copies with a different headline or an extra line, and real differences."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime

from digest.dedupe import dedupe
from digest.types import Article

# A real report's text (seed 003, plain text), used as the body every copy starts from.
BODY = [
    "In a joint statement on Monday, the European Union (EU) and South Korea condemned North Korea's supply "
    "of weapons to Moscow and called for the withdrawal of North Korean troops currently assisting Russia in "
    "its ongoing war against Ukraine.",
    "Josep Borrell, the High Representative of the EU for Foreign Affairs and Security Policy, is visiting the "
    "Republic of Korea to participate in the Strategic Dialogue meeting in Seoul.",
    "The EU's foreign policy chief met with South Korean Foreign Minister Cho Tae-yul and Defence Minister "
    "Kim Yong Hyun. They agreed to collaborate to counter the growing military cooperation between Moscow "
    "and Pyongyang.",
    "During the meeting, South Korea and the EU formalised a security and defence partnership covering "
    "maritime security, cyber threats, counterterrorism and non-proliferation.",
]
OTHER = [
    "Josep Borrell travelled to the demilitarised zone on Tuesday, a day after the strategic dialogue, and "
    "called on Seoul to step up its support for Ukraine.",
    "He compared Russia's war against Ukraine with the threat North Korea poses to the South, and said the "
    "Republic of Korea was best placed to understand it.",
    "South Korea has so far sent only humanitarian aid to Kyiv, but President Yoon Suk Yeol said last week "
    "that arms deliveries were not ruled out.",
]


def art(
    origin: str, paragraphs: list[str], title: str = "EU and South Korea condemn arms transfers", day: int | None = 4
):
    text = "\n\n".join(paragraphs)
    return Article(
        id=hashlib.blake2b(f"{origin}\n{text}".encode(), digest_size=8).hexdigest(),
        origin=origin,
        url=None,
        outlet=None,
        title=title,
        author=None,
        published=datetime(2024, 11, day, 9, tzinfo=UTC) if day else None,
        language="en",
        paragraphs=tuple(paragraphs),
        sentences=tuple(paragraphs),
    )


def test_empty_input():
    out = dedupe([])
    assert out.articles == () and out.duplicates == ()


def test_single_article_is_kept():
    a = art("a.txt", BODY)
    out = dedupe([a])
    assert out.articles == (a,) and out.duplicates == ()


def test_exact_copy_with_other_headline_and_spacing_folds_into_the_earliest():
    first = art("wire.txt", BODY, day=4)
    copy = art("copy.txt", [p.upper().replace(" ", "  ") for p in BODY], title="A different headline", day=5)
    out = dedupe([copy, first])
    assert [a.origin for a in out.articles] == ["wire.txt"]
    (d,) = out.duplicates
    assert d.article.origin == "copy.txt" and d.of == first.id and d.kind == "exact" and d.similarity == 1.0


def test_copy_with_trailing_newsletter_line_is_a_near_duplicate():
    original = art("orig.txt", BODY, day=4)
    copy = art(
        "syndicated.txt",
        BODY + ["Sign up for our daily newsletter to get the latest news from Brussels and Seoul in your inbox."],
        title="Brussels and Seoul team up against Pyongyang",
        day=4,
    )
    out = dedupe([original, copy])
    assert len(out.articles) == 1
    (d,) = out.duplicates
    assert d.kind == "near" and 0.5 < d.similarity < 1.0
    # same day, no earlier one: the most complete copy is canonical
    assert out.articles[0].origin == "syndicated.txt"


def test_lightly_edited_wire_copy_is_a_near_duplicate():
    edited = [p.replace("Monday", "Nov. 4").replace("collaborate", "work together") for p in BODY]
    edited[-1] = edited[-1] + " Officials said talks would continue next year."
    out = dedupe([art("a.txt", BODY), art("b.txt", edited, title="EU, Seoul sign security pact")])
    assert len(out.articles) == 1 and len(out.duplicates) == 1


def test_different_reports_of_one_story_are_not_duplicates():
    a = art("a.txt", BODY)
    b = art("b.txt", BODY[:1] + OTHER)  # shares a lead sentence, otherwise a different report
    out = dedupe([a, b])
    assert len(out.articles) == 2 and out.duplicates == ()


def test_short_excerpt_of_a_long_report_is_not_a_copy():
    out = dedupe([art("full.txt", BODY + OTHER), art("excerpt.txt", BODY[:1])])
    assert len(out.articles) == 2


def test_articles_without_text_are_never_merged():
    a = art("a.txt", [], title=None)
    b = art("b.txt", [], title=None)
    out = dedupe([a, b])
    assert len(out.articles) == 2


def test_result_does_not_depend_on_input_order():
    pile = [
        art("a.txt", BODY, day=5),
        art("b.txt", BODY, day=4),
        art("c.txt", BODY + ["Read more at our website."], day=None),
        art("d.txt", OTHER, day=5),
        art("e.txt", [p.lower() for p in OTHER], title="x", day=6),
    ]
    ref = dedupe(pile)
    assert {a.origin for a in ref.articles} == {"b.txt", "d.txt"}  # earliest of each group
    assert len(ref.duplicates) == 3
    for seed in range(5):
        shuffled = pile[:]
        random.Random(seed).shuffle(shuffled)
        assert dedupe(shuffled) == ref

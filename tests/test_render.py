"""Rendering: the Markdown says nothing the JSON does not, and dates read as a person expects."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from digest.render import digest_json, story_date, to_json, to_markdown
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


def test_an_update_is_shown_oldest_first_with_when_each_figure_was_reported():
    from datetime import timedelta, timezone

    from lxml import html as lxml_html

    from digest.render import to_html

    b = _briefing([4, 4, 5])
    cet = timezone(timedelta(hours=1))
    toll = Disagreement(
        "people killed",
        "number",
        "update",
        (
            Side("at least nine", (1,), datetime(2024, 11, 4, 2, 30, tzinfo=cet)),
            Side("11", (2, 3), datetime(2024, 11, 4, 10, 0, tzinfo=cet)),
        ),
    )
    b = Briefing(b.story_id, b.headline, b.headline_by, b.sentences, b.sources, (toll, *b.disagreements))
    digest = _digest(b, when=datetime(2024, 11, 5, tzinfo=UTC))
    md = to_markdown(digest)
    # one clock for every side (UTC), so the order reads at a glance
    assert (
        "- _Update:_ people killed: at least nine [1] (4 Nov 2024, 01:30 UTC) → 11 [2] [3] (4 Nov 2024, 09:00 UTC)"
        in md
    )
    assert "- troops: 7,000 [1]; 8,000 [2]" in md  # a disagreement is not an update
    rows = lxml_html.fromstring(to_html(digest)).xpath("//section[@class='differ']//tbody/tr")
    assert "updated over time" in rows[0].xpath("string(.)")
    assert [r.xpath("string(td[1])") for r in rows[:2]] == [
        "at least nine reported 4 Nov 2024, 01:30 UTC",
        "11 reported 4 Nov 2024, 09:00 UTC",
    ]
    assert json.loads(to_json(digest))["stories"][0]["disagreements"][0]["sides"][0]["reported_at"] == (
        "2024-11-04T02:30:00+01:00"
    )


def test_a_source_without_a_title_is_shown_by_its_opening_words():
    b = _briefing([4, 4])
    untitled = Source(3, "a3", "in/3.txt", None, None, None, None, (), "South Korea and the EU started a dialogue…")
    b = Briefing(b.story_id, b.headline, b.headline_by, b.sentences, (*b.sources, untitled))
    md = to_markdown(_digest(b, when=datetime(2024, 11, 5, tzinfo=UTC)))
    assert "3. (untitled) “South Korea and the EU started a dialogue…” · `in/3.txt`" in md
    assert "1. Title 1 · 2024-11-04 · `in/1.txt`" in md  # a titled source shows only its title
    data = json.loads(to_json(_digest(b, when=datetime(2024, 11, 5, tzinfo=UTC))))
    assert data["stories"][0]["sources"][2]["opening"] == "South Korea and the EU started a dialogue…"


def test_html_links_citations_to_the_source_list_and_shows_disagreements_as_a_table():
    from lxml import html as lxml_html

    from digest.render import to_html

    b = _briefing([4, 4, 1])
    evil = Source(3, "a3", "in/3.txt", "javascript:alert(1)", "<b>x</b>", "T <script>alert(2)</script>", None)
    b = Briefing(b.story_id, b.headline, b.headline_by, b.sentences, (*b.sources[:2], evil), b.disagreements)
    page = to_html(_digest(b, when=datetime(2024, 11, 5, tzinfo=UTC)))
    doc = lxml_html.fromstring(page)
    assert [a.get("href") for a in doc.xpath("//p[@class='briefing']/a")] == ["#s1-src1", "#s1-src2", "#s1-src3"]
    assert [li.get("id") for li in doc.xpath("//section[@class='sources']/ol/li")] == ["s1-src1", "s1-src2", "s1-src3"]
    rows = doc.xpath("//section[@class='differ']//tbody/tr")
    assert [r.xpath("string(.)") for r in rows] == ["troops7,000[1]", "8,000[2]"]
    assert not doc.xpath("//script | //b") and "javascript:" not in " ".join(doc.xpath("//@href"))
    assert "T &lt;script&gt;alert(2)&lt;/script&gt; · &lt;b&gt;x&lt;/b&gt;" in page
    # the page is self-contained: no script, no external anything
    assert "<script" not in page and "<link" not in page and "src=" not in page


def test_the_feed_is_the_same_bytes_for_the_same_days_and_ids_follow_the_feed_id():
    import feedparser

    from digest.deliver import Day, render_feed
    from digest.render import digest_json

    when = datetime(2024, 11, 5, tzinfo=UTC)
    data = digest_json(Digest("T", when, "m", (DigestStory(_briefing([4]), "new", when.date()),), day=when.date()))
    days = [Day("2024-11-05", json.loads(json.dumps(data)), True, True)]
    fid = "urn:uuid:12345678-1234-5678-1234-567812345678"
    one, two = render_feed(days, feed_id=fid), render_feed(days, feed_id=fid)
    assert one == two
    parsed = feedparser.parse(one)
    assert not parsed.bozo and parsed.feed.id == fid and parsed.entries[0].link == "2024-11-05.html"
    other = feedparser.parse(render_feed(days, feed_id="urn:uuid:87654321-1234-5678-1234-567812345678"))
    assert parsed.entries[0].id != other.entries[0].id  # two feeds never share an entry id


def test_the_feed_keeps_the_last_30_digests_and_leaves_out_a_broken_one(caplog):
    import feedparser

    from digest.deliver import Day, render_archive, render_feed

    days = []
    for i in range(31, 0, -1):  # newest first, as the state lists them
        day = datetime(2024, 10, 1, tzinfo=UTC).replace(day=i)
        d = digest_json(Digest("T", day, "m", (DigestStory(_briefing([4]), "new", day.date()),), day=day.date()))
        days.append(Day(day.date().isoformat(), json.loads(json.dumps(d)), True, True))
    feed = feedparser.parse(render_feed(days, feed_id="urn:uuid:12345678-1234-5678-1234-567812345678"))
    assert len(feed.entries) == 30 and feed.entries[0].title == "Daily digest, 2024-10-31"
    broken = [Day("2024-11-01", {"stories": [{"headline": "x"}]}, True, True), *days[:2]]
    with caplog.at_level("WARNING"):
        feed = feedparser.parse(render_feed(broken, feed_id="urn:uuid:12345678-1234-5678-1234-567812345678"))
    assert [e.title for e in feed.entries] == ["Daily digest, 2024-10-31", "Daily digest, 2024-10-30"]
    assert "2024-11-01.json: left out of the feed" in caplog.text
    assert "2024-10-30.html#story-1" in render_archive(days)

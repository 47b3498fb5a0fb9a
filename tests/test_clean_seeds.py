"""digest.clean.clean on the five seed reports: chrome out, every report paragraph in, metadata right.

Each seed is read into a RawDocument built here (not by ingest) with the shape
ingest would give it: 000 is a WordPress post, 001 a scraped page, 002-004 text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from digest.clean import CleanError, clean
from digest.types import Article, RawDocument

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHAPES = {"000": "wordpress", "001": "scraped", "002": "text", "003": "text", "004": "text"}
FETCHED = datetime(2024, 11, 5, 12, 0, tzinfo=UTC)


def _seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    out = {}
    for prefix, shape in SHAPES.items():
        path = _seed(prefix)
        out[prefix] = clean(RawDocument(str(path), path.read_bytes(), shape, FETCHED))
    return out


# Text that is page chrome or not part of the report, and must not be kept anywhere.
NEVER_KEPT = [
    "No Result",
    "View All Result",
    "Other sections",
    "Green Economy",
    "Mobility & Logistics",
    "Related Posts",
    "Political violence erupts in Germany",
    "Demographic crisis",
    "17th sanctions package",
    "Copyright",
    "All rights reserved",
    "VAT number",
    "registered newspaper",
    "Press Register",
    "share capital",
    "English version by the Translation Service",
    "Tags:",
    "pic.twitter.com",
    "(@JosepBorrellF)",
    "Sarah Thompson",
    "Emily Kim",
    "Interview between",
    "Thank you for having me",
    "Photo by",
    "(3rd R)",
    "4/11/24",
    "SimoneDeLaFeld1",
    "<a ",
    "</a>",
]


@pytest.mark.parametrize("prefix", sorted(SHAPES))
def test_no_chrome_is_kept(articles, prefix):
    text = articles[prefix].text
    for chrome in NEVER_KEPT:
        assert chrome not in text, f"seed {prefix} kept {chrome!r}"


@pytest.mark.parametrize("prefix", sorted(SHAPES))
def test_no_share_debris(articles, prefix):
    for paragraph in articles[prefix].paragraphs:
        assert not paragraph.rstrip().endswith(("Share", "Tweet")), paragraph
        assert paragraph.strip() not in {"Share", "Tweet", "Facebook", "Twitter", "WhatsApp"}


# A few sentences from every report paragraph of each seed (start and end of the paragraph).
REPORT = {
    "000": [
        "Brussels – If North Korea aligns with Russia, the European Union will hold on to South Korea.",
        "The straw that is breaking the camel’s back is the now-confirmed presence of North Korean soldiers",
        "The chairwoman of the EU executive, Ursula von der Leyen, heard South Korean head of State Yoon Sul Yeol",
        "Metaphor aside, it means that Brussels and Seoul want to join efforts",
        "First by supplying war materials (especially ballistic) and, recently, by sending soldiers.",
        "The first reports that military personnel from the Democratic People’s Republic of Korea (DPRK)",
        "Then Washington and Brussels also confirmed.",
        "the quota of 10 thousand combat-ready troops will have been reached by December.",
        "The EU chief executive assured the South Korean president",
        "were literally blown up by the North Korean military.",
    ],
    "001": [
        "Brussels and Seoul condemn",
        "Following North Korea’s coming out of the closet on support to Moscow",
        "Together with South Korea’s Foreign Minister Cho Tae-yul, Borrell announced",
        "The timing chosen to seal the partnership is no mere coincidence.",
        "Just today (Nov. 4), Ukraine’s National Security and Defense Council has reported the first firefights",
        "an appropriate military action that fully fulfils the purpose of informing rivals of our ability to counterattack.",
        "In a bilateral meeting with South Korea’s Defense Minister Kim Yong Hyun",
        "including potentially providing arms to Kyiv.",
        "we will support Ukraine in steps and review and implement the necessary measures",
        "only indirectly contributed military assistance through supplying weapons to several EU and NATO member countries.",
    ],
    "002": [
        "South Korea and the European Union (EU) They started this Monday at strategic dialogue of security",
        "“This strategic dialogue took place at a critical time",
        "South Korea and the EU have agreed to establish such a dialogue in May 2023",
        "The visit of Borrell Seoul is marked by the deployment of North Korean troops to Russia",
        "Russia has already transferred more than 7,000 North Korean soldiers",
        "Ukraine has detected all the points where Russia is concentrating North Korean soldiers",
        "Last Friday, Borrell highlighted the need to give to “strong and united response”",
        "This same Monday, South Korean President Yoon Suk-yeol called for “comprehensive” measures",
        "the South Korean leader said during a parliamentary speech discussing budget issues.",
    ],
    "003": [
        "In a joint statement on Monday, the European Union (EU) and South Korea condemned",
        "“This constitutes a serious breach of international law",
        "The EU’s foreign policy chief, Josep Borrell, met with South Korean Foreign Minister Cho Tae-yul",
        "formalised a security and defence partnership that covers 15 key areas",
        "“We are strategic partners.",
        "“The Indo-Pacific is at the heart of many of the global shifts",
        "“The developments in this peninsula and in Ukraine",
        "Foreign Minister Cho, when asked about the possibility of South Korea supplying weapons",
        "As tensions rise, South Korea expects that North Korea may receive compensation",
        "During his meeting with South Korean Defense Minister Kim Yong Hyun, Borrell expressed severe concerns",
        "I encouraged them to step it up,” Borrell posted on X.",
        "approximately 8,000 North Korean soldiers are near Ukraine’s border in Russia",
        "North Korea has sent around 10,000 to 12,000 troops to Russia.",
        "which is also pushing to end reconciliation efforts with South Korea.",
    ],
    "004": [
        "EU High Representative for Foreign Affairs and Security Policy Josep Borrell held talks",
        "Russia's aggression against Ukraine is an existential threat. The Republic of Korea understands this best.",
        "— wrote Josep Borrell.",
        "It is noted that Borrell arrived in South Korea after a visit to Japan",
        "The visit to the DMZ is a reminder of the need to strengthen investments in global security, Borrell said.",
        "This is the first meeting of this level within the Strategic Dialogue between the EU and South Korea.",
        "In Seoul, Borrell also met with South Korean Defense Minister Kim Eun-hyun",
        "As analysts note, South Korea hinted at the possibility of increasing support for Ukraine",
        'who said on November 1 that the country is considering "all possible scenarios"',
        "Cho also noted that South Korea will closely monitor North Korea's military activity",
    ],
}


@pytest.mark.parametrize("prefix", sorted(SHAPES))
def test_every_report_paragraph_is_kept(articles, prefix):
    text = articles[prefix].text
    for sentence in REPORT[prefix]:
        assert sentence in text, f"seed {prefix} lost {sentence!r}"


# The subheadings inside the reports (lines of their own in the seed texts). They are
# part of the report, so they stay in the text, and they are not sentences (docs/clean.md).
SUBHEADINGS = {
    "002": ["North Korean soldiers at the border", "“United Response”"],
    "004": [
        "Borrell called for increased investment in global security",
        'South Korea is considering "all possible scenarios" in response to North Korea\'s actions in Russia',
    ],
}


def test_paragraph_counts(articles):
    # Exactly the report's paragraphs and subheadings: no chrome paragraph slipped in, none was lost.
    body = {"000": 6, "001": 7, "002": 8, "003": 13, "004": 9}  # 001: the standfirst and six body paragraphs
    for prefix, count in body.items():
        article = articles[prefix]
        headings = SUBHEADINGS.get(prefix, [])
        assert [p for p in article.paragraphs if p in headings] == headings, prefix
        assert len(article.paragraphs) == count + len(headings), prefix
        assert not [s for s in article.sentences if s in headings], prefix


def test_seed_000_wordpress_metadata(articles):
    a = articles["000"]
    assert a.title == "Brussels and Seoul tighten anti-Pyongyang relations"
    assert a.published is not None and a.published.tzinfo is not None
    assert a.published.date() == date(2024, 10, 28)
    assert a.url == "https://www.eunews.it/en/2024/10/28/brussels-and-seoul-tighten-anti-pyongyang-relations/"
    assert a.outlet and "eunews" in a.outlet.lower()
    assert "&#8217;" not in a.text and "&nbsp;" not in a.text and "<strong>" not in a.text


def test_seed_001_scraped_metadata(articles):
    a = articles["001"]
    assert a.title == "EU, South Korea sign defence agreement. Borrell asks Seoul to step up support for Ukraine"
    assert a.published is not None and a.published.date() == date(2024, 11, 4)  # not the page's "21 May 2025"
    assert a.author == "Simone De La Feld"
    assert a.outlet == "Eunews"


def test_seed_004_dateline(articles):
    a = articles["004"]
    assert a.published is not None and a.published.date() == date(2024, 11, 4)
    assert not a.text.startswith("date")
    assert a.paragraphs[0].startswith("EU High Representative")


def test_seed_002_interview_is_dropped_as_appended(articles):
    reasons = {
        d.reason for d in articles["002"].dropped if "Sarah Thompson" in d.text or d.text.startswith(("ST:", "EK:"))
    }
    assert reasons == {"appended"}


def test_seed_002_headings_stay_in_the_text_but_not_in_sentences(articles):
    article = articles["002"]
    assert "North Korean soldiers at the border" in article.paragraphs
    assert "North Korean soldiers at the border" not in article.sentences


def test_drops_carry_reasons(articles):
    a = articles["001"]
    reasons = {d.reason for d in a.dropped}
    assert {
        "navigation",
        "related",
        "footer",
        "translator",
        "caption",
        "tags",
        "title",
        "byline",
        "dateline",
    } <= reasons
    assert {d.reason for d in articles["004"].dropped} >= {"embed", "share", "dateline"}
    by_text = {d.text: d.reason for d in a.dropped}
    assert by_text["Related Posts"] == "related"
    assert by_text["Political violence erupts in Germany"] == "related"
    assert by_text["English version by the Translation Service of Withub"] == "translator"


def test_language_sentences_and_ids(articles):
    for prefix, a in articles.items():
        assert a.language == "en", prefix
        assert a.sentences and all(s in a.text for s in a.sentences)
        assert len(a.id) == 16 and int(a.id, 16) >= 0
        assert a.fetched_at == FETCHED
    assert len({a.id for a in articles.values()}) == len(articles)
    # Stable: cleaning again gives the same id.
    path = _seed("003")
    again = clean(RawDocument(str(path), path.read_bytes(), "text", FETCHED))
    assert again.id == articles["003"].id


def test_json_record_uses_hints():
    text = (
        "Berlin – Die Bundesregierung hat am Montag ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen. "
        "Der Bundestag soll noch in diesem Monat darüber beraten.\n\n"
        "Kritiker bemängeln, dass die Maßnahmen nicht weit genug gehen und der Ausbau zu langsam vorankomme."
    )
    raw = RawDocument(
        "records.jsonl#2",
        text.encode("utf-8"),
        "json",
        FETCHED,
        hints={
            "title": "Neues Energiegesetz",
            "url": "https://example.org/a",
            "published": "2024-11-04T10:00:00+01:00",
        },
    )
    a = clean(raw)
    assert a.title == "Neues Energiegesetz"
    assert a.url == "https://example.org/a" and a.outlet == "example.org"
    assert a.published == datetime(2024, 11, 4, 9, 0, tzinfo=UTC)
    assert a.language == "de"
    assert len(a.paragraphs) == 2
    assert a.sentences[0].endswith("beschlossen.")


@pytest.mark.parametrize(
    ("content", "shape"),
    [
        (b"", "text"),
        (b"Home\nMenu\nNo Result\nView All Result\n", "scraped"),
        (b"{not json", "wordpress"),
        (b'{"title": {"rendered": "x"}}', "wordpress"),
    ],
)
def test_unusable_documents_raise_clean_error(content, shape):
    with pytest.raises(CleanError) as info:
        clean(RawDocument("bad.txt", content, shape, FETCHED))
    assert "\n" not in str(info.value)

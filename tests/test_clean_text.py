"""The text cleaner's rules on crafted English and German page text, plus its helpers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from digest.clean.language import detect_language
from digest.clean.metadata import find_date, is_dateline, parse_byline, split_dateline_prefix
from digest.clean.rules import reason_for
from digest.clean.segments import find_appended
from digest.clean.sentences import split_sentences
from digest.clean.text import REASONS, clean_text
from digest.clean.wordpress import html_fragment_to_text

EN_BODY = [
    "The city council voted on Tuesday to expand the tram network by twelve kilometres, the mayor said after the session.",
    "The project will cost about 400 million euros and is expected to be finished by 2029, according to the plan.",
    "Opposition members criticised the timetable and said that the costs had been underestimated for years.",
]
DE_BODY = [
    "Der Stadtrat hat am Dienstag beschlossen, das Straßenbahnnetz um zwölf Kilometer zu erweitern, wie die Bürgermeisterin mitteilte.",
    "Das Projekt soll rund 400 Millionen Euro kosten und bis 2029 fertig sein, heißt es in der Vorlage der Verwaltung.",
    "Die Opposition kritisierte den Zeitplan und sagte, die Kosten seien seit Jahren zu niedrig angesetzt worden.",
]


def _page(header: list[str], body: list[str], trailer: list[str]) -> str:
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n\n" + "\n".join(trailer)


def _reasons(result) -> dict[str, str]:
    return {d.text: d.reason for d in result.dropped}


def test_english_page_chrome():
    text = _page(
        [
            "Skip to content",
            "• Politics",
            "• World",
            "• Business",
            "Home » World » Council backs tram expansion",
            "Council backs tram expansion",
            "By Jane Doe",
            "November 4, 2024",
            "Share on Facebook",
        ],
        EN_BODY,
        [
            "Tags: transport, city council",
            "Subscribe to our newsletter",
            "Related Posts",
            "Mayor opens new bridge",
            "Storm damages harbour walls",
            "© 2024 Example Media Ltd. All rights reserved.",
            "Privacy Policy",
        ],
    )
    result = clean_text(text)
    assert list(result.paragraphs) == EN_BODY
    reasons = _reasons(result)
    assert reasons["Skip to content"] == "navigation"
    assert reasons["Politics"] == "navigation"
    assert reasons["Home » World » Council backs tram expansion"] == "navigation"
    assert reasons["Council backs tram expansion"] == "title"
    assert reasons["By Jane Doe"] == "byline"
    assert reasons["November 4, 2024"] == "dateline"
    assert reasons["Share on Facebook"] == "share"
    assert reasons["Tags: transport, city council"] == "tags"
    assert reasons["Subscribe to our newsletter"] == "subscribe"
    assert reasons["Related Posts"] == "related"
    assert reasons["Mayor opens new bridge"] == "related"
    assert reasons["© 2024 Example Media Ltd. All rights reserved."] == "footer"
    assert result.meta["title"] == "Council backs tram expansion"
    assert result.meta["author"] == "Jane Doe"
    assert result.meta["published"].startswith("2024-11-04")


def test_german_page_chrome():
    text = _page(
        [
            "Zum Inhalt springen",
            "Startseite › Politik › Stadt",
            "Stadtrat beschließt Ausbau der Straßenbahn",
            "Von Anna Müller",
            "04.11.2024, 12:30 Uhr",
            "Artikel teilen",
        ],
        DE_BODY[:2]
        + ["Foto: dpa/Max Mustermann", "Lesen Sie auch: Neue Brücke für die Innenstadt eröffnet"]
        + DE_BODY[2:],
        [
            "Schlagworte: Verkehr, Stadtrat",
            "Newsletter abonnieren",
            "Mehr zum Thema",
            "Neue Radwege in der Altstadt",
            "Impressum",
            "Datenschutzerklärung",
            "Alle Rechte vorbehalten",
            "Musterverlag GmbH, Hauptstraße 5, 10115 Berlin, USt-IdNr. DE123456789",
        ],
    )
    result = clean_text(text)
    assert list(result.paragraphs) == DE_BODY
    reasons = _reasons(result)
    assert reasons["Zum Inhalt springen"] == "navigation"
    assert reasons["Startseite › Politik › Stadt"] == "navigation"
    assert reasons["Stadtrat beschließt Ausbau der Straßenbahn"] == "title"
    assert reasons["Von Anna Müller"] == "byline"
    assert reasons["04.11.2024, 12:30 Uhr"] == "dateline"
    assert reasons["Artikel teilen"] == "share"
    assert reasons["Foto: dpa/Max Mustermann"] == "caption"
    assert reasons["Lesen Sie auch: Neue Brücke für die Innenstadt eröffnet"] == "related"
    assert reasons["Schlagworte: Verkehr, Stadtrat"] == "tags"
    assert reasons["Newsletter abonnieren"] == "subscribe"
    assert reasons["Neue Radwege in der Altstadt"] == "related"
    assert reasons["Alle Rechte vorbehalten"] == "footer"
    assert reasons["Musterverlag GmbH, Hauptstraße 5, 10115 Berlin, USt-IdNr. DE123456789"] == "footer"
    assert result.meta["author"] == "Anna Müller"
    assert result.meta["published"] == "2024-11-04T12:30:00+00:00"


def test_known_title_is_removed():
    result = clean_text("Council backs tram expansion\n\n" + "\n\n".join(EN_BODY), title="Council backs tram expansion")
    assert list(result.paragraphs) == EN_BODY
    assert _reasons(result)["Council backs tram expansion"] == "title"


def test_trailing_share_is_cut_and_recorded():
    body = list(EN_BODY)
    body[1] = body[1] + " Share"
    result = clean_text("\n\n".join(body))
    assert list(result.paragraphs) == EN_BODY
    assert any(d.reason == "share" and d.text == "Share" for d in result.dropped)


def test_tweet_embed_and_its_duplicated_text():
    text = "\n\n".join(
        [
            EN_BODY[0],
            "Our city is moving forward with clean transport for everyone, the mayor wrote.",
            "Our city is moving forward with clean transport for everyone.\n\n\n\nProud of the council today. "
            "pic.twitter.com/AbC123xyz — Jane Mayor (@janemayor) November 4, 2024",
            EN_BODY[1],
            EN_BODY[2],
        ]
    )
    result = clean_text(text)
    assert "pic.twitter.com" not in "\n".join(result.paragraphs)
    assert "Proud of the council" not in "\n".join(result.paragraphs)
    assert sum(1 for d in result.dropped if d.reason == "embed") == 2
    assert len(result.paragraphs) == 4


def test_markup_is_removed_and_recorded():
    text = (
        EN_BODY[0]
        + "\n\n"
        + 'Jane Doe</a> <a class="social twitter" href="https://x.com/jd">@jd</a> by Jane Doe @jd\n\n'
        + "\n\n".join(EN_BODY[1:])
    )
    result = clean_text(text)
    assert all("<" not in p for p in result.paragraphs)
    assert result.meta["author"] == "Jane Doe"


def test_headings_inside_the_report_are_kept_and_marked():
    text = "\n".join([EN_BODY[0], EN_BODY[1], "Costs and timetable", EN_BODY[2]])
    result = clean_text(text)
    assert list(result.paragraphs) == [EN_BODY[0], EN_BODY[1], "Costs and timetable", EN_BODY[2]]
    assert list(result.headings) == [False, False, True, False]


def test_translator_and_caption_lines():
    text = "\n\n".join(
        [
            EN_BODY[0],
            "The mayor (L) and the transport minister (R) at the depot, 4/11/24",
            EN_BODY[1],
            EN_BODY[2],
            "English version by the Translation Service of Example",
        ]
    )
    reasons = _reasons(clean_text(text))
    assert reasons["English version by the Translation Service of Example"] == "translator"
    assert reasons["The mayor (L) and the transport minister (R) at the depot, 4/11/24"] == "caption"


def test_body_sentences_that_mention_chrome_words_are_kept():
    # Words such as "newsletter", "share", "copyright" inside real sentences are not chrome.
    body = [
        "The company said its share price fell by eight percent after the newsletter reported the losses on Monday.",
        "A copyright dispute between the two publishers has been running for three years, the court heard.",
        "Subscriptions to the service rose sharply in October, the firm said in a statement to investors.",
        "Regulators said websites must ask before storing cookies to track users, and ad blocker use keeps growing.",
        "The bill, sponsored by two senators, was passed in partnership with the states after the privacy policy review.",
        "Ohne Einwilligung der Betroffenen dürfen die Daten nicht weitergegeben werden, entschied das Amtsgericht am Montag.",
    ]
    result = clean_text("\n\n".join(body))
    assert list(result.paragraphs) == body


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = (
        "The city council voted on Tuesday to expand the tram network by twelve\n"
        "kilometres, the mayor said after the session. The project will cost about\n"
        "400 million euros and is expected to be finished by 2029, the plan says.\n"
    )
    result = clean_text(wrapped + "\n" + EN_BODY[2])
    assert result.paragraphs[0].startswith("The city council voted") and "twelve kilometres" in result.paragraphs[0]
    assert len(result.paragraphs) == 2


def test_repeated_block_is_a_duplicate():
    result = clean_text("\n\n".join(EN_BODY + [EN_BODY[1]]))
    assert list(result.paragraphs) == EN_BODY
    assert result.dropped[-1].reason == "duplicate"


def test_reasons_are_documented():
    assert {
        "navigation",
        "related",
        "footer",
        "share",
        "tags",
        "subscribe",
        "caption",
        "embed",
        "translator",
        "byline",
        "dateline",
        "title",
        "markup",
        "appended",
        "duplicate",
        "bio",
        "boilerplate",
    } <= set(REASONS)


def test_every_reason_is_in_the_docs_table():
    from pathlib import Path

    docs = (Path(__file__).resolve().parent.parent / "docs" / "clean.md").read_text(encoding="utf-8")
    table_codes = set(re.findall(r"^\| `([a-z_]+)` \|", docs, re.M))
    assert set(REASONS) <= table_codes


# --- report zone: short lines between paragraphs, teasers inside the article -------------

MENU = ["Skip to content", "• Home", "• Politics", "• World", "• Business", "• Science", "• Sport"]
CODE_REPORT = [
    "Python lets you give a function argument a default value, and many developers rely on this feature every day.",
    "But the default value is evaluated only once, when the function is defined, which surprises a lot of people.",
    "Consider the following example:",
    ">>> def foo(bar=[]):",
    '...     bar.append("baz")',
    "...     return bar",
    ">>> foo()",
    '["baz"]',
    ">>> foo()",
    '["baz", "baz"]',
    "Surprise!",
    "The fix is simple:",
    "def foo(bar=None):",
    "The list is now created anew on every call, so each call starts with an empty list as the reader expects.",
    "This pattern is common in the standard library, and linters warn about mutable default arguments today.",
    "Knowing how defaults are evaluated saves hours of debugging when a program shares state by accident.",
]


def test_code_and_short_lines_between_paragraphs_stay_in_the_report():
    text = "\n".join(MENU) + "\n\n" + "\n\n".join(CODE_REPORT) + "\n\n" + "\n".join(["About us", "• Privacy Policy"])
    result = clean_text(text)
    assert list(result.paragraphs) == CODE_REPORT
    reasons = _reasons(result)
    assert reasons["Politics"] == "navigation" and reasons["Privacy Policy"] == "footer"


LONG_BODY = [
    "The regional government presented its new climate plan on Monday, promising to cut emissions from buildings "
    "and transport by half before the end of the decade.",
    "Under the plan, owners of older houses will receive grants to replace oil heating, and the bus network will be "
    "extended to every village with more than five hundred inhabitants.",
    "Environmental groups welcomed the targets but said that the money set aside for the grants would not be enough "
    "to reach the households that need help most.",
]


def test_teaser_inside_the_article_drops_only_itself():
    text = "\n\n".join(
        [
            LONG_BODY[0],
            LONG_BODY[1],
            "Read also",
            "Storm damages harbour walls",
            LONG_BODY[2],
            "Related stories",
            "• Mayor opens new bridge",
            "The mayor opened the new bridge on Sunday after three years of work, and thousands of people came to see it.",
            "Read more",
            "• Council backs tram expansion",
            "Read more",
        ]
    )
    result = clean_text(text)
    assert list(result.paragraphs) == LONG_BODY
    reasons = _reasons(result)
    assert reasons["Storm damages harbour walls"] == "related"
    assert reasons["Mayor opens new bridge"] == "related"


def test_prompts_notices_and_author_note_around_the_report():
    text = "\n\n".join(
        LONG_BODY
        + [
            "Jane Doe is a senior writer for Example News, covering energy and climate policy.",
            "Receive our monthly newsletter",
            "No spam, we promise.",
            "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
            "Comments are moderated and may be republished in the newspaper.",
            "For the latest stories download the Example News apps for iOS and Android.",
        ]
    )
    result = clean_text(text)
    assert list(result.paragraphs) == LONG_BODY
    reasons = _reasons(result)
    assert reasons["Jane Doe is a senior writer for Example News, covering energy and climate policy."] == "bio"
    assert reasons["Receive our monthly newsletter"] == "subscribe"
    assert reasons["No spam, we promise."] == "subscribe"
    assert (
        reasons["This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply."]
        == "consent"
    )
    assert reasons["Comments are moderated and may be republished in the newspaper."] == "comments"


def test_last_sentence_about_a_person_is_not_an_author_note():
    last = "John Smith is expected to appear in court next week, and his lawyer is a former prosecutor."
    result = clean_text("\n\n".join(LONG_BODY + [last]))
    assert list(result.paragraphs) == LONG_BODY + [last]


# --- appended segments -----------------------------------------------------------------


def test_appended_interview_with_strangers_is_found():
    paragraphs = EN_BODY + [
        "Interview between Tom Baker, Host of City Talk, and Prof. Lena Ortiz, Urban Planner",
        "Tom Baker (TB): Welcome, Professor Ortiz. What does the vote mean for the city?",
        "Prof. Lena Ortiz (LO): It is a major step for public transport in the region.",
        "TB: Will the costs rise further?",
        "LO: That depends on the construction market, but some increase is likely.",
    ]
    headings = [False] * 3 + [True] + [False] * 4
    assert find_appended(paragraphs, headings) == 3


def test_interview_with_someone_the_report_names_is_kept():
    body = EN_BODY + ["Mayor Jane Smith defended the plan in an interview with local radio."]
    paragraphs = body + [
        "Q: Why now?",
        "A: Because the network is full at rush hour.",
        "Jane Smith: We have waited long enough.",
        "Q: And the costs?",
        "A: They are covered by the state.",
    ]
    assert find_appended(paragraphs, [False] * len(paragraphs)) is None


def test_whole_interview_article_is_not_cut():
    paragraphs = [
        "Tom Baker (TB): Welcome. What does the vote mean?",
        "Lena Ortiz (LO): It is a big step.",
        "TB: Will costs rise?",
        "LO: Probably.",
        "TB: Thank you.",
    ]
    assert find_appended(paragraphs, [False] * 5) is None


def test_appended_unrelated_article_after_a_heading():
    other = [
        "Bayern Munich beat Dortmund three to one on Saturday evening in front of a sold-out Allianz Arena crowd.",
        "Harry Kane scored twice before Jamal Musiala added a third goal late in the second half of the match.",
    ]
    paragraphs = EN_BODY + ["Football results"] + other
    headings = [False] * 3 + [True] + [False] * 2
    assert find_appended(paragraphs, headings) == 3


# --- metadata, sentences, language, WordPress HTML ---------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 November 2024", datetime(2024, 11, 4, tzinfo=UTC)),
        ("November 4, 2024", datetime(2024, 11, 4, tzinfo=UTC)),
        ("04.11.2024, 12:30 Uhr", datetime(2024, 11, 4, 12, 30, tzinfo=UTC)),
        ("4. November 2024", datetime(2024, 11, 4, tzinfo=UTC)),
        ("Veröffentlicht am 3. März 2023", datetime(2023, 3, 3, tzinfo=UTC)),
        ("date 2024-11-04", datetime(2024, 11, 4, tzinfo=UTC)),
    ],
)
def test_datelines(text, expected):
    assert is_dateline(text)
    assert find_date(text)[0] == expected


def test_sentences_are_not_datelines():
    assert not is_dateline("The talks on 4 November 2024 ended without an agreement between the parties.")


def test_dateline_prefix():
    when, prefix, rest = split_dateline_prefix(" date 2024-11-04 EU High Representative Josep Borrell held talks.")
    assert when.date().isoformat() == "2024-11-04" and prefix == "date 2024-11-04"
    assert rest.startswith("EU High Representative")


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("Von Anna Müller", "Anna Müller"),
        ("by Simone De La Feld @SimoneDeLaFeld1", "Simone De La Feld"),
        ("Text: Peter Schmidt | dpa", "Peter Schmidt"),
    ],
)
def test_bylines(line, name):
    assert parse_byline(line) == name


def test_not_bylines():
    assert parse_byline("Von Berlin nach München") is None
    assert parse_byline("The bill was passed by Parliament on Monday after a long debate about the budget.") is None


def test_split_sentences_english_and_german():
    assert split_sentences('Dr. Smith met the U.S. envoy on Monday. "We agree," he said. Then he left.') == [
        "Dr. Smith met the U.S. envoy on Monday.",
        '"We agree," he said.',
        "Then he left.",
    ]
    assert split_sentences("Die Gespräche am 3. Oktober, z.B. in Berlin, dauerten an. Danach reiste er ab.", "de") == [
        "Die Gespräche am 3. Oktober, z.B. in Berlin, dauerten an.",
        "Danach reiste er ab.",
    ]
    assert split_sentences("First paragraph ends here\n\nSecond one.") == ["First paragraph ends here", "Second one."]


def test_detect_language():
    assert detect_language(" ".join(EN_BODY)) == "en"
    assert detect_language(" ".join(DE_BODY)) == "de"
    assert detect_language("ok") is None


def test_wordpress_fragment_keeps_paragraphs_and_drops_captions_and_embeds():
    fragment = (
        "<p>Brussels &#8211; The <strong>EU</strong>&nbsp;acted.</p><h2>Next steps</h2><ul><li>One item here</li></ul>"
        '<figure><img src="a.jpg"><figcaption>Photo: Jane / AFP</figcaption></figure>'
        '<blockquote class="twitter-tweet"><p>We did it!</p>&mdash; Jane (@jane) November 4, 2024</blockquote>'
        "<p>Second<br>line.</p><script>var x = 1;</script>"
    )
    text, dropped = html_fragment_to_text(fragment)
    assert text.split("\n\n") == ["Brussels – The EU acted.", "Next steps", "One item here", "Second\nline."]
    assert {d.reason for d in dropped} == {"caption", "embed"}


def test_translator_follow_prompt_and_outlet_from_copyright():
    text = "\n\n".join(
        DE_BODY
        + [
            "Aus dem Englischen übersetzt von Max Muster",
            "Follow The Gleaner on Twitter and Instagram @gleaner",
            "© 2024 Der Spiegel",
            "Kontakt",
        ]
    )
    result = clean_text(text)
    assert list(result.paragraphs) == DE_BODY
    reasons = _reasons(result)
    assert reasons["Aus dem Englischen übersetzt von Max Muster"] == "translator"
    assert reasons["Follow The Gleaner on Twitter and Instagram @gleaner"] == "subscribe"
    assert reasons["© 2024 Der Spiegel"] == "footer"
    assert result.meta["outlet"] == "Der Spiegel"


def test_comment_thread_after_the_report_is_dropped():
    comments = [
        "Schreibe einen Kommentar",
        "Max: Ich finde den Ausbau richtig und hoffe, dass die Bahn bald fährt, denn der Bus ist immer voll.",
        "Erika: Die Kosten sind viel zu hoch, das Geld fehlt dann an anderer Stelle in der Stadt, leider.",
    ]
    result = clean_text("\n\n".join(DE_BODY + comments))
    assert list(result.paragraphs) == DE_BODY
    assert {d.reason for d in result.dropped} == {"comments"}


def test_page_date_above_the_title_is_not_the_published_date():
    text = (
        "\n".join(
            [
                "Wednesday, 21 May 2025",
                "Home » Council backs tram expansion",
                "Council backs tram expansion",
                "4 November 2024",
            ]
        )
        + "\n\n"
        + "\n\n".join(EN_BODY)
    )
    result = clean_text(text)
    assert result.meta["published"].startswith("2024-11-04")
    assert result.meta["title"] == "Council backs tram expansion"


def test_trusted_text_keeps_short_paragraphs_but_drops_named_chrome():
    # Above and below the prose, short sentences are page chrome in a page, but not in an article body.
    text = "\n\n".join(["Council meets.", EN_BODY[0], "Share", EN_BODY[1], "He left."])
    assert clean_text(text).paragraphs == (EN_BODY[0], EN_BODY[1])
    trusted = clean_text(text, trusted=True)
    assert trusted.paragraphs == ("Council meets.", EN_BODY[0], EN_BODY[1], "He left.")
    assert _reasons(trusted)["Share"] == "share"


def test_paywall_cookie_table_and_trailing_photo_credit():
    text = "\n\n".join(
        [
            "Einen Studienplatz, aber keine Wohnung? So geht es momentan einigen Erstis. Foto: Ingo Schneider",
            *DE_BODY,
            "Jetzt diesen Artikel lesen!",
            "Gleich können Sie weiterlesen!",
            "_ga   2 years  The _ga cookie, installed by Google Analytics, calculates visitor data. This cookie is used to track visits.",
        ]
    )
    result = clean_text(text)
    assert list(result.paragraphs) == DE_BODY
    reasons = _reasons(result)
    assert reasons["Jetzt diesen Artikel lesen!"] == "subscribe"
    assert (
        reasons["Einen Studienplatz, aber keine Wohnung? So geht es momentan einigen Erstis. Foto: Ingo Schneider"]
        == "caption"
    )


def test_dev_pages_snippet_scores(devdata):
    """On real scraped page text (inscriptis renders of dev pages), most chrome goes and most text stays."""
    import gzip
    import json
    import re

    inscriptis = pytest.importorskip("inscriptis")
    folder = devdata / "extraction-snippets"
    gold = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    norm = lambda s: re.sub(r"\s+", " ", s).strip()
    kept_good = lost_good = kept_bad = dropped_bad = 0
    entries = sorted(
        (e for e in gold.values() if (folder / "html" / (e["file"] + ".gz")).exists()), key=lambda e: e["file"]
    )
    for entry in entries[:80]:
        with gzip.open(folder / "html" / (entry["file"] + ".gz"), "rt", errors="replace") as fh:
            html = fh.read()
        rendered = inscriptis.get_text(html)
        page = norm(rendered)
        kept = norm(" ".join(clean_text(rendered).paragraphs))
        for snippet in map(norm, entry["with"]):
            if snippet in page:
                kept_good += snippet in kept
                lost_good += snippet not in kept
        for snippet in map(norm, entry["without"]):
            if snippet in page:
                kept_bad += snippet in kept
                dropped_bad += snippet not in kept
    precision = kept_good / (kept_good + kept_bad)
    recall = kept_good / (kept_good + lost_good)
    print(f"precision {precision:.3f} recall {recall:.3f} chrome dropped {dropped_bad / (dropped_bad + kept_bad):.3f}")
    assert precision >= 0.87, (precision, recall)
    assert recall >= 0.75, (precision, recall)
    assert dropped_bad / (dropped_bad + kept_bad) >= 0.87


def test_report_sentences_about_apps_ad_blockers_and_comments_are_kept():
    """The new prompt and notice rules fire on site chrome, not on news sentences using the same words."""
    body = [
        "Users were told to download the NHS Covid app to check in at venues.",
        "About 30 percent of users are running an ad blocker, the study found.",
        "Public comments will be reviewed by the agency before a final rule.",
        "Customers can get the discount by signing up for the programme.",
    ]
    result = clean_text("\n\n".join(body), trusted=True)
    assert list(result.paragraphs) == body


def test_chrome_in_other_languages_and_widgets_is_dropped_report_sentences_are_kept():
    """Teasers, feedback widgets, post footers, licence and data notices, in the languages we read."""
    chrome = {
        "Lea también: El Gobierno aprueba el nuevo presupuesto": "related",
        "Le puede interesar: Tres detenidos tras el robo en el puerto": "related",
        "Czytaj też: Czy Rosja zakręci kurek z gazem?": "related",
        "À lire aussi » Grève : quels trains circulent jeudi ?": "related",
        "Was this article helpful?": "share",
        "Hat Ihnen dieser Artikel gefallen? Dann teilen Sie ihn doch mit anderen": "share",
        "Previous post Council approves the new harbour budget": "navigation",
        "Vorheriger Beitrag Stadtrat beschließt neuen Haushalt": "navigation",
        "This entry was posted in Local news. Bookmark the permalink.": "tags",
        "All content is licensed under a Creative Commons Attribution 4.0 International License.": "footer",
        "Copyright Dunmore Herald Media Ltd": "footer",
        "This site uses Akismet to reduce spam. Learn how your comment data is processed.": "comments",
        "Hinterlassen Sie eine Antwort": "comments",
        "Herald is supported by its audience. When you buy through links on our site, we may earn an affiliate "
        "commission.": "advert",
        "Informujemy, że korzystamy z cookies.": "consent",
        "Get a daily roundup of the stories that matter, straight from our newsroom.": "subscribe",
        "Über den Autor": "bio",
        "Fot. Anna Kowalska / Agencja Gazeta": "caption",
    }
    assert {line: reason_for(line) for line in chrome} == chrome
    report = [
        "Copyright lawyers said the ruling would change how newspapers license photographs.",
        "The photo was published under a Creative Commons licence, the agency said.",
        "The previous post of ambassador went unfilled for two years, officials said.",
        "Lea Müller, who runs the bakery, said prices for flour had doubled since May.",
        "Users who agreed to the processing of their data were not told of the breach, the regulator said.",
    ]
    assert [reason_for(line) for line in report] == [None] * len(report)


# --- readers' comments and side-by-side columns in a rendered page -------------------------

HARBOUR_REPORT = [
    "The harbour board in Dunmore voted on Tuesday to close the old ferry pier after engineers found cracks in two of its piles.",
    "The closure takes effect next week, and the morning crossing to Kell Island will leave from the fish quay until repairs are done.",
    "Board chair Alma Reyes said the repairs would cost at least 1.2 million euros and take most of the winter, weather permitting.",
]


def test_a_comment_thread_after_the_report_is_dropped_as_comments():
    thread = [
        "Comments (3)",
        "5 Nov, 2024 / Pat Kinsella says:",
        "I have taken that ferry every morning for twenty years and the pier has been falling apart for at least ten of them.",
        "Reply",
        "5 Nov, 2024 / Dee Moran says:",
        "About time the board did something, though I would like to know why the inspection was not done sooner than this.",
        "Reply",
    ]
    text = "\n\n".join(["Dunmore Herald", *HARBOUR_REPORT, *thread])
    result = clean_text(text)
    assert list(result.paragraphs) == HARBOUR_REPORT
    reasons = _reasons(result)
    assert (
        reasons[
            "I have taken that ferry every morning for twenty years and the pier has been falling apart for at least ten of them."
        ]
        == "comments"
    )


def test_a_report_quoting_what_people_wrote_keeps_the_quotes():
    quoted = [
        HARBOUR_REPORT[0],
        "One ferry user wrote:",
        "The pier has been falling apart for years, and nobody on the board seemed to care until a pile cracked in two.",
        "Another wrote:",
        "I will miss the old pier, but not its rotten planks, and the fish quay is nearer to the bus stop anyway.",
        HARBOUR_REPORT[2],
    ]
    result = clean_text("\n\n".join(quoted))
    assert list(result.paragraphs) == quoted


def test_a_sidebar_laid_out_beside_the_report_is_read_apart_from_it():
    side = ["Most read", "Storm warning for the west coast", "Council tax to rise in April", "School bus routes change"]
    rows = []
    for k, paragraph in enumerate(HARBOUR_REPORT):
        rows.append(f"{paragraph:<140}     {side[k] if k < len(side) else ''}".rstrip())
        rows.append("")
    rows.append(" " * 145 + side[3])
    result = clean_text("\n".join(rows))
    assert list(result.paragraphs) == HARBOUR_REPORT
    assert all(_reasons(result)[s] == "navigation" for s in side[1:])


def test_code_aligned_with_wide_gaps_is_not_read_as_columns():
    lines = ["x = compute(1)        # the first value", "...     return bar"]
    result = clean_text("\n\n".join([*HARBOUR_REPORT[:2], *lines, HARBOUR_REPORT[2]]))
    assert [p for p in result.paragraphs if p.startswith(("x =", "..."))] == lines


def test_comments_signed_with_a_name_date_and_time_are_a_thread():
    thread = [
        "{ 3 comments… read them below or add one }",
        "1",
        "Pat Kinsella 11.05.24 at 9:06 am",
        "I have taken that ferry every morning for twenty years and the pier has been falling apart for at least ten of them.",
        "2",
        "Dee Moran 11.05.24 at 9:40 am",
        "About time the board did something, though I would like to know why the inspection was not done sooner than this.",
        "3",
        "Tom Hale 11.05.24 at 10:02 am",
        "The fish quay is nearer to the bus stop anyway, so most of us will hardly notice the change of pier this winter.",
    ]
    result = clean_text("\n\n".join([*HARBOUR_REPORT, *thread]))
    assert list(result.paragraphs) == HARBOUR_REPORT
    assert _reasons(result)["Dee Moran 11.05.24 at 9:40 am"] == "comments"


def test_a_sidebar_of_timestamped_headlines_is_no_comment_thread():
    sidebar = ["2024-11-05 17:00", "Storm warning for the west coast", "2024-11-05 18:25", "Council tax to rise"]
    sidebar += ["2024-11-05 19:10", "School bus routes change"]
    result = clean_text("\n\n".join([*HARBOUR_REPORT[:2], *sidebar, HARBOUR_REPORT[2]]))
    assert HARBOUR_REPORT[2] in result.paragraphs

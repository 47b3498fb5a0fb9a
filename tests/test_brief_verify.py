"""The verifier catches what a small model gets wrong, and lets faithful paraphrases through."""

from __future__ import annotations

from digest.brief.facts import date_words, facts, numbers
from digest.brief.verify import check, supporters, trim_attribution, unsupported

SOURCES = [
    "The EU's foreign policy chief, Josep Borrell, met South Korean Foreign Minister Cho Tae-yul in Seoul on Nov. 4.",
    "Borrell also met Defence Minister Kim Yong Hyun to discuss the deployment of 7,000 North Korean soldiers to Russia.",
]


def test_numbers_and_dates_are_normalised():
    assert numbers("more than 7,000 soldiers") == numbers("more than 7000 soldiers") == {"7000"}
    assert numbers("Pyongyang's ten thousand soldiers") == numbers("10 thousand troops") == {"10000"}
    assert numbers("$2.5 billion") == {"2500000000"}
    assert date_words("on Nov. 4") == date_words("on 4 November") == {"month11"}
    assert not unsupported("Borrell met Cho Tae-yul in Seoul on 4 November.", SOURCES)
    assert not unsupported("Kim Yong Hyun discussed the 7000 North Korean soldiers.", SOURCES)


def test_wrong_number_is_caught(embedder):
    fused = (
        "Borrell met Defence Minister Kim Yong Hyun to discuss the deployment of 8,000 North Korean soldiers to Russia."
    )
    verdict = check(fused, SOURCES, embedder)
    assert not verdict.ok
    assert any("number 8000" in r for r in verdict.reasons)


def test_swapped_name_is_caught(embedder):
    # Every word is in the sources, but Cho is the foreign minister, not the defence minister.
    fused = (
        "Borrell met Defence Minister Cho Tae-yul to discuss the deployment of 7,000 North Korean soldiers to Russia."
    )
    verdict = check(fused, SOURCES, embedder)
    assert not verdict.ok
    assert any("Defence Minister Cho Tae-yul" in r for r in verdict.reasons)


def test_added_date_is_caught(embedder):
    fused = (
        "On Friday, Borrell met Defence Minister Kim Yong Hyun about the 7,000 North Korean soldiers sent to Russia."
    )
    verdict = check(fused, SOURCES, embedder)
    assert not verdict.ok
    assert any("date" in r for r in verdict.reasons)


def test_invented_name_and_quote_are_caught(embedder):
    assert not check("Borrell met Kim Jong Un about the 7,000 North Korean soldiers in Russia.", SOURCES, embedder).ok
    assert not check('Borrell said "we will stop them" about the North Korean soldiers.', SOURCES, embedder).ok


def test_faithful_paraphrase_passes(embedder):
    fused = "Borrell met Defence Minister Kim Yong Hyun about the deployment of 7000 North Korean soldiers to Russia."
    verdict = check(fused, SOURCES, embedder)
    assert verdict.ok, verdict.reasons


def test_repetition_and_length_are_caught(embedder):
    looping = "Borrell met Kim Yong Hyun and Borrell met Kim Yong Hyun and Borrell met Kim Yong Hyun."
    assert any("repeats" in r for r in check(looping, SOURCES, embedder).reasons)
    long = SOURCES[1][:-1] + ", and " + SOURCES[0][0].lower() + SOURCES[0][1:]
    assert any("longer" in r for r in check(long, SOURCES, embedder).reasons)
    assert any("earlier sentence" in r for r in check(SOURCES[0], SOURCES, embedder, previous=[SOURCES[0]]).reasons)


def test_citations_cover_every_fact_and_skip_contradicting_sources(embedder):
    members = [
        (1, "North Korea has sent 7,000 soldiers to Russia, Ukrainian intelligence says."),
        (2, "North Korea has sent 8,000 soldiers to Russia, according to the U.S."),
        (3, "North Korea has sent about 7,000 troops to Russia."),
    ]
    cites = supporters("North Korea has sent 7,000 soldiers to Russia.", members, embedder)
    assert cites == (1, 3)
    assert supporters("North Korea has sent 9,000 soldiers to Russia.", members, embedder) is None


def test_a_source_is_not_cited_for_a_figure_it_does_not_state(embedder):
    members = [
        (1, "At least 12 people were killed when floods hit northern Portugal on Sunday, officials said."),
        (2, "Deadly floods hit northern Portugal on Sunday, killing several people."),
        (3, "Twelve people died in the floods in northern Portugal on Sunday, the civil protection agency said."),
    ]
    cites = supporters("Floods killed at least 12 people in northern Portugal on Sunday.", members, embedder)
    assert cites == (1, 3)  # "several" does not state twelve; "Twelve" does


def test_an_ordinal_or_a_time_of_day_is_a_figure_a_cited_source_must_state(embedder):
    members = [
        (1, "Rovers won the Cup 2-1 at the National Stadium after Okafor's 88th-minute header, the club said."),
        (2, "Okafor's 89th-minute header gave Rovers a 2-1 win in the Cup final at the National Stadium."),
        (3, "The truce will take effect at 6 a.m. on Monday, officials said."),
        (4, "Six officials said the truce would take effect on Monday."),
    ]
    final = "Okafor's 89th-minute header gave Rovers a 2-1 win in the Cup final at the National Stadium."
    assert supporters(final, members[:2], embedder, must=(2,)) == (2,)
    assert supporters("The truce will take effect at 6 a.m. on Monday.", members[2:], embedder) == (3,)


def test_a_time_of_day_is_not_a_count():
    assert numbers("The gang struck at 4:15 a.m. and again at 6pm, six minutes apart.") == {"6"}
    assert facts("at noon").dates == {"time12:00"}


def test_a_magnitude_without_a_number_is_a_figure_that_a_count_does_not_state():
    assert numbers("She bought it for a few thousand dollars in 1962.") == {"~1000", "1962"}
    assert numbers("Thousands fled; a million more were warned.") == {"~1000", "1000000"}
    assert "~1000" not in numbers("About 5,000 people, ten thousand by some counts, fled.")
    assert facts("at 18:05 and at 3:40 a.m. on Sunday").dates == {"time18:05", "time3:40", "weekday6"}


def test_trim_attribution_keeps_quotes_with_their_speaker():
    assert trim_attribution("The shooter was an employee of the transit authority, police said.") == (
        "The shooter was an employee of the transit authority."
    )
    assert (
        trim_attribution("According to the sheriff's office, the gunman was 57 years old.")
        == "The gunman was 57 years old."
    )
    quote = "“We are strategic partners,” Borrell said."
    assert trim_attribution(quote) == quote
    # impersonal framing of machine translations
    assert (
        trim_attribution("It is noted that Borrell arrived in South Korea after a visit to Japan.")
        == "Borrell arrived in South Korea after a visit to Japan."
    )
    assert trim_attribution("It was reported that he came.") == "It was reported that he came."  # too short left


def test_a_rewrite_keeps_the_figures_the_first_and_the_negation():
    from digest.brief.verify import dropped

    original = "Josep Borrell inaugurated the first EU-South Korea strategic dialogue in Seoul on 4 November."
    assert dropped("Josep Borrell opened the first EU-South Korea dialogue in Seoul on 4 November.", original) == []
    assert "ordinal ord1" in dropped("Josep Borrell inaugurated EU-South Korea dialogue on 4 November.", original)
    # The weekday is relative to the report's date, which the lead states; the calendar day is a fact.
    assert dropped("Police said 12 people died.", "Police said at least 12 people died on Sunday.") == []
    assert "date month3" in dropped("Police said 12 people died.", "Police said 12 people died on 3 March.")
    assert dropped("Police said people died.", "Police said 12 people died on Sunday.") == ["number 12"]
    assert dropped("The minister resigned.", "The minister did not resign.") == ["negation"]


def test_a_title_may_drop_the_given_name_but_not_change_the_person():
    from digest.brief.verify import unsupported

    sources = [
        "WASHINGTON (AP) — Senate Majority Leader Chuck Schumer and Senate Minority Leader Mitch McConnell "
        "met on Tuesday, a day after President Joe Biden and Vice President Kamala Harris spoke.",
        "In a 6-3 ruling written by Justice Samuel Alito, the court agreed.",
    ]
    assert unsupported("Majority Leader Schumer met Senate Minority Leader McConnell.", sources) == []
    assert unsupported("Justice Alito wrote the 6-3 ruling.", sources) == []
    assert unsupported("President Biden spoke.", sources) == []
    # a title moved to another person is a new claim
    assert unsupported("President Harris spoke.", sources) != []
    assert unsupported("Justice Schumer wrote the ruling.", sources) != []
    assert unsupported("President Harris met Chuck Schumer.", ["Vice President Harris met Chuck Schumer."]) != []


def test_a_source_sentence_with_a_lowercase_rank_before_a_title_is_supported():
    from digest.brief.verify import unsupported

    sentence = "Thomas Barrack, who led the inaugural fund for former President Donald Trump, was arrested Tuesday."
    assert unsupported(sentence, [sentence]) == []
    acting = "The acting Attorney General Jeffrey Rosen declined."
    assert unsupported(acting, [acting]) == []


def test_a_rank_before_a_plain_name_does_not_hide_the_name():
    from digest.brief.verify import unsupported

    # Multi-News: the source's own sentence, with "Deputy Darren Goforth" elsewhere in the report.
    sentence = (
        "Miles, 30, was arrested Saturday on charges of capital murder, accused of shooting Harris County "
        "sheriff's deputy Darren Goforth outside a northwest Harris County gas station."
    )
    report = [sentence, "A judge found probable cause to hold Miles in the killing of Deputy Darren Goforth."]
    assert unsupported(sentence, report) == []
    assert (
        unsupported("Darren Goforth was killed at a gas station.", [*report, "He was killed at a gas station."]) == []
    )
    # a title after a rank still keeps it
    assert unsupported("Governor Hale signed it.", ["Deputy Governor Hale signed it."]) != []


def test_a_rewrite_may_cut_a_side_figure_but_not_a_key_one():
    from digest.brief.verify import dropped, key_figures

    first = [
        "WASHINGTON (AP) — The Supreme Court on Thursday upheld two Arizona voting restrictions in a 6-3 ruling.",
        "The 886-page bill would expand mail-in voting, which about 46% of voters used last year.",
    ]
    second = ["In a 6-3 decision written by Justice Samuel Alito, the court said the rules impose modest burdens."]
    key = key_figures([first, second], ["Supreme Court upholds Arizona voting rules, 6-3"])
    assert {"6", "3"} <= key[1] and "886" not in key[1]
    # the side figure may go; the vote's result may not
    assert dropped("The bill would expand mail-in voting.", first[1], key[1]) == []
    assert dropped("The court upheld the rules.", second[0], key[2]) == ["number 3", "number 6"]
    # a figure only this source states is still key when it is up front (the first sentence or a title)
    only = key_figures([["Fire kills at least 12 people in a Lagos market, officials say."]])
    assert dropped("A fire killed people in a Lagos market.", "A fire killed at least 12 people.", only[1]) == [
        "number 12"
    ]
    # without a key every figure is kept, and a negation is never dropped
    assert dropped("The bill would expand mail-in voting.", first[1]) == ["number 46", "number 886"]
    assert dropped("The court acted.", "The court did not act.", set()) == ["negation"]


def test_the_writer_is_told_the_key_figures_as_the_sentence_writes_them():
    from digest.brief.verify import key_figures, must_keep

    first = [
        "LAGOS, March 4 (Newswire) - A fire killed at least 12 people and injured 40 at a Lagos market on Sunday.",
        "The market, opened in 1987, held about 2,000 stalls.",
    ]
    second = ["Twelve people died and 40 were hurt, officials said, in the city's second market fire since January."]
    key = key_figures([first, second])
    forms, negation = must_keep(first[0], key[1])
    assert forms == ["March 4", "12", "40"] and not negation  # up front, and stated by the other source
    forms, _ = must_keep(first[1], key[1])
    assert forms == []  # side figures an editor may cut: not named
    forms, _ = must_keep(second[0], key[2])
    assert "Twelve" in forms and "40" in forms
    assert must_keep("The mayor did not rule out a second inquiry.", set()) == ([], True)


def test_a_name_the_sources_spell_out_may_be_shortened_to_its_initials():
    sources = [
        "SEOUL, Nov 4 (Newswire) - The European Union and South Korea held their first strategic dialogue in Seoul on Monday.",
        "The Food and Drug Administration approved the drug on Friday.",
        "The Centers for Disease Control and Prevention said 1,200 cases had been reported.",
    ]
    assert unsupported("The EU and South Korea held their first strategic dialogue in Seoul on Monday.", sources) == []
    assert unsupported("The FDA approved the drug on Friday.", sources) == []
    assert unsupported("The CDC said 1,200 cases had been reported.", sources) == []
    # an organisation none of the sources names is still a new claim
    assert unsupported("The WTO said 1,200 cases had been reported.", sources) == ["name 'WTO'"]
    assert unsupported("The NATO allies met in Seoul on Monday.", sources) == ["name 'NATO'"]

"""Typed facts: figures normalised, what they measure, and the support test citations rest on.

Sentences are written the way outlets write (datelines, hedges, rounding, units); each
test states what a reader would expect two sentences to have in common or not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from digest.brief.measures import Statement, cite, extract, facts_of, same_measure, supports

TUESDAY = datetime(2025, 11, 4, 14, 40, tzinfo=UTC)


def figures(text: str, published: datetime | None = TUESDAY):
    return list(facts_of(text, published).quantities)


def one(text: str, published: datetime | None = TUESDAY):
    qs = figures(text, published)
    assert len(qs) == 1, qs
    return qs[0]


# ----------------------------------------------------------------------------- normalisation


def test_number_words_scales_and_currencies_normalise():
    assert one("Officials said two dozen fires had been reported.").amount.value == 24
    assert one("The county approved a $48 million repair plan.").amount.same(
        one("The county kept kicking a $48m repair down the road.").amount
    )
    a, b = one("The council approved a £2.1bn budget."), one("Harrowgate's £2,100m budget was passed.")
    assert a.amount.same(b.amount) and a.frame.dimension == b.frame.dimension == "money:GBP"
    assert one("The hospital has treated Thirty-one people.").amount.value == 31
    assert one("HomeGlow recalled 1,200,000 kettles.").amount.same(one("HomeGlow recalled 1.2 million kettles.").amount)
    # Different currencies are different dimensions: no exchange rate is assumed.
    assert one("a fee of €100 million").frame.dimension != one("a fee of £85 million").frame.dimension


def test_shares_points_and_basis_points():
    shares = [
        q for q in figures("Brantwell will cut 1,200 jobs, a tenth of its workforce.") if q.frame.dimension == "percent"
    ]
    assert shares and shares[0].amount.same(one("Brantwell is cutting 10% of its staff.").amount)
    quarter = [q for q in figures("The bank raised its rate by a quarter point to 4.75%.") if q.frame.role == "by"][0]
    basis = [q for q in figures("The bank raised its rate by 25 basis points to 4.5%.") if q.frame.role == "by"][0]
    points = [q for q in figures("It raised the rate by 0.25 percentage points.") if q.frame.role == "by"][0]
    assert quarter.frame.dimension == basis.frame.dimension == points.frame.dimension == "points"
    assert quarter.amount.same(basis.amount) and basis.amount.same(points.amount)
    # 25 basis points are not 25%, and 2 per cent is 2%.
    assert one("The bank's target is 2 per cent.").amount.same(one("The bank's target is 2%.").amount)


def test_hedges_bound_or_round_a_figure():
    exact = one("A crowd of 61,482 watched the final.")
    nearly = one("Nearly 61,500 people were there to see it.")
    assert exact.amount.compatible(nearly.amount)  # "nearly 61,500" covers 61,482
    assert not one("A crowd of 24,000 watched.").amount.compatible(one("A crowd of 23,500 watched.").amount)
    at_least = one("The quake killed at least 12 people.")
    assert at_least.amount.qualifier == "at least" and at_least.amount.compatible(one("It killed 31 people.").amount)
    more, about = one("More than 4,000 people have been killed."), one("About 3,000 people have been killed.")
    assert not more.amount.compatible(about.amount)
    assert one("About 9,000 members work there.").amount.compatible(one("Some 9,000 members work there.").amount)
    assert not one("About 9,000 members work there.").amount.compatible(one("Some 11,000 members work there.").amount)
    assert one("It was rated at up to 40 minutes of delay.").amount.qualifier == "at most"


def test_ranges_tallies_and_parts_of_a_whole():
    sent = one("Intelligence estimates that North Korea has sent around 10,000 to 12,000 troops to Russia.")
    assert (sent.amount.low, sent.amount.high) == (10_000, 12_000)
    votes = [q for q in figures("The bill passed by 312 votes to 287 on Wednesday.") if q.frame.dimension == "tally"]
    assert votes and (votes[0].amount.value, votes[0].amount.value2) == (312, 287) and votes[0].frame.event == "vote"
    seven = one("Seven of the nine members of the committee voted for the increase.")
    split = one("The committee voted six to three for the move.")
    assert seven.frame.dimension == split.frame.dimension == "tally" and same_measure(seven.frame, split.frame)
    assert (seven.amount.value, seven.amount.value2) == (7, 2) and not seven.amount.same(split.amount)


def test_units_convert_and_round():
    km, miles = one("The quake hit at a depth of 10 km."), one("The earthquake was about six miles deep.")
    assert km.frame.dimension == miles.frame.dimension == "length" and km.amount.compatible(miles.amount)
    acres = one("The wildfire had burned 12,000 acres by Monday.")
    hectares = one("The wildfire burned about 4,900 hectares.")
    assert acres.amount.compatible(hectares.amount)
    assert not one("The men were working 410 metres below.").amount.compatible(
        one("The men were cut off 370 metres underground.").amount
    )
    # a bound in another unit keeps that unit's rounding: "over two miles" is about 3,219 metres
    over = one("The race was run over two miles.")
    assert over.amount.qualifier == "more than" and over.amount.compatible(one("The race covers 3,218 metres.").amount)
    assert not over.amount.compatible(one("The race covers 1,600 metres.").amount)


def test_years_clock_times_and_ordinals_are_their_own_kinds():
    built = one("The steel-girder bridge, built in 1968, was rated fair.")
    assert built.frame.dimension == "year" and built.frame.event == "build"
    minute = one("Okafor headed an 88th-minute winner.")
    assert minute.frame.dimension == "ordinal" and minute.frame.thing == "minute"
    quake = facts_of("The quake hit at 4:17 a.m. local time.", TUESDAY)
    assert [m.clock for m in quake.moments] == [4 * 60 + 17] and not quake.quantities
    race = one("Kiprotich won the marathon in 2:04:37.")
    assert race.frame.dimension == "duration" and race.amount.value == 2 * 3600 + 4 * 60 + 37


def test_times_of_day_in_words_are_clock_times():
    def clock(text: str):
        f = facts_of(text, TUESDAY)
        return [(m.shown, m.clock, m.half_day) for m in f.moments if m.clock is not None], f.quantities

    assert clock("The blast happened at half past seven, as families sat down to dinner.") == (
        [("half past seven", 7 * 60 + 30, True)],
        (),  # "seven" is the hour, not a count
    )
    assert clock("The ferry left at a quarter to eight in the evening.")[0] == [
        ("a quarter to eight in the evening", 19 * 60 + 45, False)
    ]
    assert clock("Polls close at nine o'clock.")[0] == [("nine o'clock", 9 * 60, True)]
    assert clock("The fire broke out shortly after midnight.")[0] == [("midnight", 0, False)]
    assert clock("Rescuers reached them by noon.")[0] == [("noon", 12 * 60, False)]
    assert clock("Six people fainted under the midday sun.")[0] == []  # a time of day, not a clock time


def test_a_time_without_morning_or_evening_meets_both():
    seven_thirty = facts_of("The blast happened at half past seven.", TUESDAY).moments[0]
    evening = facts_of("The blast happened at 7:30 p.m.", TUESDAY).moments[0]
    later = facts_of("The blast happened at 7:45 p.m.", TUESDAY).moments[0]
    assert seven_thirty.same(evening) and not seven_thirty.conflicts(evening)
    assert seven_thirty.conflicts(later) and not seven_thirty.same(later)
    assert evening.conflicts(later)


def test_a_dateline_is_the_reports_not_an_event():
    f = facts_of(
        "HARLOW CREEK, Nov 4 (Newswire) - A bridge collapsed on Tuesday, killing at least four people.", TUESDAY
    )
    assert [q.amount.value for q in f.quantities] == [4]
    assert [m.day for m in f.moments] == [date(2025, 11, 4)]


# ----------------------------------------------------------------------------- what is measured


def test_the_same_count_in_other_words_is_the_same_measure():
    killing = one("A road bridge collapsed, killing at least four people, officials said.")
    died = one("Five people died when the bridge collapsed.")
    toll = one("The death toll rose to five after divers recovered another body.")
    assert killing.frame.event == died.frame.event == toll.frame.event == "killed"
    assert same_measure(killing.frame, died.frame) and same_measure(died.frame, toll.frame)
    injured = [q for q in figures("Four people were killed and 15 injured.") if q.amount.value == 15][0]
    assert not same_measure(injured.frame, died.frame)
    # "People" and a named group of people to whom the same thing happens; common news synonyms.
    residents = one("About 3,000 residents were evacuated from the valley on Sunday.")
    assert same_measure(residents.frame, one("Officials said 3,500 people had been evacuated.").frame)
    assert same_measure(one("The avalanche killed 12 skiers.").frame, one("At least 14 people died.").frame)
    assert not same_measure(residents.frame, one("Volunteers rescued about 300 people.").frame)
    assert same_measure(one("The blaze destroyed 40 homes.").frame, one("Some 45 houses were destroyed.").frame)
    assert same_measure(
        one("About 200 firefighters battled the blaze.").frame, one("More than 300 firefighters fought the fire.").frame
    )


def test_different_quantities_that_share_a_noun_or_a_number_are_not_paired():
    cars = one("Three cars went into the river along with a delivery van.")
    traffic = one("The bridge carried about 18,000 vehicles a day.")
    assert traffic.frame.per == "day" and not same_measure(cars.frame, traffic.frame)
    started = one("About 38,000 runners started the race.")
    finished = one("A record 36,412 runners finished the marathon.")
    assert not same_measure(started.frame, finished.frame)
    this_year = [q for q in figures("The pass rate fell to 78.4% this year from 79.1% last year.")]
    assert len(this_year) == 2 and not same_measure(this_year[0].frame, this_year[1].frame)
    homes, people = one("More than 300 homes were flooded."), one("Volunteers rescued about 300 people.")
    assert not same_measure(homes.frame, people.frame)


def test_a_property_of_a_thing_is_one_measure_whatever_is_done_to_it():
    agreed = one("The 23-year-old has agreed a five-year contract.".replace("23-year-old", "striker"))
    signed = one("The striker has signed a six-year contract.")
    assert same_measure(agreed.frame, signed.frame) and not agreed.amount.compatible(signed.amount)


# ----------------------------------------------------------------------------- support


def test_a_paraphrase_is_supported_only_by_sources_that_state_its_figures():
    claim = facts_of("The bridge collapsed on Tuesday, killing at least four people and injuring 12 others.", TUESDAY)
    five_and_fifteen = facts_of("Five people died and 15 were taken to hospital when the bridge collapsed.", TUESDAY)
    four_and_twelve = facts_of(
        "A bridge collapsed on Tuesday, killing four people and injuring 12, officials said.", TUESDAY
    )
    assert not supports(claim, [five_and_fifteen])
    assert supports(claim, [four_and_twelve])
    # Spread over two sentences of one source.
    first = facts_of("The bridge collapsed on Tuesday, killing four people.", TUESDAY)
    second = facts_of("Twelve others were injured.", TUESDAY)
    assert supports(claim, [first, second])
    # The same number for another measure does not back it.
    swapped = facts_of("The collapse on Tuesday injured four people and killed 12.", TUESDAY)
    assert not supports(claim, [swapped])


def test_equivalent_forms_support_and_facts_free_sentences_are_left_to_meaning():
    assert supports(
        facts_of("Brantwell will cut a tenth of its workforce."), [facts_of("Brantwell is cutting 10% of its staff.")]
    )
    assert supports(
        facts_of("The Bank raised rates by 25 basis points."), [facts_of("The Bank raised rates by a quarter point.")]
    )
    opinion = facts_of("Critics called the decision reckless.")
    assert opinion.empty and supports(opinion, [facts_of("The weather was fine.")])


def test_dates_and_people_must_be_stated():
    monday = datetime(2024, 11, 4, 9, tzinfo=UTC)
    claim = facts_of("Borrell met Defence Minister Kim Yong Hyun on 4 November 2024.", monday)
    assert supports(claim, [facts_of("On Monday, Josep Borrell met Defence Minister Kim Yong Hyun in Seoul.", monday)])
    assert not supports(claim, [facts_of("On Monday, Borrell met Defence Minister Kim Eun-hyun in Seoul.", monday)])
    assert not supports(claim, [facts_of("On Friday, Borrell met Defence Minister Kim Yong Hyun.", monday)])


# ----------------------------------------------------------------------------- bounded work


def test_extraction_is_bounded_per_source():
    statements = [
        Statement(1, i, f"The council said {i + 2} roads were closed on Monday.", TUESDAY) for i in range(200)
    ]
    facts = extract(statements, max_sentences=40)
    assert sum(f.analysed for f in facts) == 40 and all(not f.quantities for f in facts[40:])


def test_a_number_dense_text_is_analysed_only_in_part():
    table = " ".join(f"{i},{i % 1000:03d} people" for i in range(5_000))  # one huge "sentence" of figures
    f = facts_of(table + ".")
    assert len(f.text) <= 600 and len(f.quantities) <= 12  # speed: benchmarks/fact_layer.py huge


# ----------------------------------------------------------------------------- citations


def _story(*reports: tuple[datetime | None, str]):
    statements = []
    for n, (published, text) in enumerate(reports, start=1):
        for sentence in text.split("\n"):
            statements.append(Statement(n, len(statements), sentence, published))
    return extract(statements)


def test_cite_names_only_sources_that_state_every_fact():
    story = _story(
        (TUESDAY, "A bridge collapsed on Tuesday, killing at least four people and injuring 12 others."),
        (TUESDAY, "Five people died and 15 were taken to hospital, Sheriff Dana Whitfield said."),
        (
            TUESDAY,
            "Four people were killed and 12 injured when the span fell.\nThe bridge carried 18,000 vehicles a day.",
        ),
    )
    c = cite("Four people were killed and 12 were injured.", story)
    assert c.checkable and c.sources == (1, 3)
    assert [(f.kind, f.sources) for f in c.facts] == [("quantity", (1, 3)), ("quantity", (1, 3))]
    # 12 injured is not stated by "12 killed": no source may be cited, and nothing is there to split.
    wrong = cite("Twelve people were killed.", story)
    assert wrong.sources == () and wrong.unstated and not wrong.needs_split
    # Each fact has a source, but no one source has both: split the sentence.
    fused = cite("Five people died and 12 were injured.", story)
    assert fused.sources == () and fused.needs_split
    assert {f.shown: f.sources for f in fused.facts} == {"Five": (2,), "12": (1, 3)}
    # A name is stated only by the sources that name the person; a sentence without facts is cited by meaning.
    assert cite("Sheriff Dana Whitfield said the collapse was a tragedy.", story).sources == (2,)
    plain = cite("The collapse shocked the town.", story)
    assert not plain.checkable and plain.sources == (1, 2, 3)
    # `among` restricts the evidence to given sentences: "its own sentence supports it".
    assert cite("The bridge carried 18,000 vehicles a day.", story, among=[2]).sources == ()
    assert cite("The bridge carried 18,000 vehicles a day.", story, among=[3]).sources == (3,)


def test_cite_agrees_with_supports_and_counts_a_reports_own_day():
    story = _story(
        (TUESDAY, "The council voted 41 to 29 on Tuesday to close the library."),
        (TUESDAY + timedelta(days=1), "The library will close after a 41-29 vote, the council said."),
    )
    c = cite("The council voted 41 to 29 on Tuesday to close the library.", story)
    # Report 2 was published on Wednesday and names no day: its dateline does not state Tuesday.
    assert c.sources == (1,)
    claim = facts_of("The council voted 41 to 29 on Tuesday to close the library.", TUESDAY)
    for n in (1, 2):
        assert supports(claim, [f for f in story if f.statement.source == n]) == (n in c.sources)
    # A report published that Tuesday states the day through its dateline.
    assert cite(
        "The library will close, the council said on Tuesday.", _story((TUESDAY, "The library will close."))
    ).sources == (1,)


def test_cite_among_reads_a_named_sentence_past_the_bound():
    statements = [Statement(1, k, f"Item {k} of the agenda was read out.", TUESDAY) for k in range(3)]
    statements.append(Statement(1, 3, "The council approved 41 new homes on Tuesday.", TUESDAY))
    story = extract(statements, max_sentences=2)
    assert not story[3].analysed
    assert cite("The council approved 41 new homes.", story).sources == ()
    assert cite("The council approved 41 new homes.", story, among=[3]).sources == (1,)


def test_cite_a_datelines_day_is_a_fact_of_the_sentence():
    undated = _story(
        (None, "LARCHWOOD, Aug 20 (Press Wire) - A giant panda has given birth to twin cubs."),
        (None, "A giant panda at Larchwood Zoo has given birth to twin cubs, keepers said."),
    )
    c = cite("LARCHWOOD, Aug 20 (Press Wire) - A giant panda has given birth to twin cubs.", undated)
    assert [(f.kind, f.sources) for f in c.facts if f.kind == "moment"] == [("moment", (1,))]
    assert c.sources == (1,)


def test_calendar_months_and_days_are_one_length_rounded():
    # "a two-month moratorium" and "60 days" (AllSides showed them as a disagreement);
    # 45 days is not two months, and two years is not three.
    def amount(text: str):
        return facts_of(text).quantities[0].amount

    assert amount("The two-month moratorium was issued on Tuesday.").compatible(
        amount("The moratorium will last for 60 days.")
    )
    assert not amount("The talks lasted two months.").compatible(amount("The talks lasted 45 days."))
    assert amount("He served two years in prison.").compatible(amount("He served 24 months in prison."))
    assert not amount("He served two years in prison.").compatible(amount("He served three years in prison."))


def test_an_age_is_its_person_s():
    farrow = one("Edna Farrow, 83, died when the blast tore through the street.")
    killed = figures("The blast destroyed two houses and killed 81-year-old Edna Farrow.")[-1]
    driver = one("A retired bus driver, 76, claims the prize.")
    main = one("A burst water main more than 90 years old is the most likely cause.")
    assert farrow.frame.dimension == killed.frame.dimension == "age"
    assert same_measure(farrow.frame, killed.frame)  # whatever the sentence says she did
    assert same_measure(farrow.frame, driver.frame)  # a named person and a noun of a person may be one
    assert not same_measure(farrow.frame, main.frame)  # not a water main
    brother = one("Her brother, Dennis Farrow, 79, was not hurt.")
    assert not same_measure(one("Edna Farrow, 83, lived alone.").frame, brother.frame)  # one family, two people


def test_an_estimate_of_what_happened_is_no_forecast():
    # "may have reached" estimates the storm's past winds; "could rise to" looks ahead
    assert one("Forecasters said winds in the funnel may have reached 110 mph.").frame.anchor == ""
    assert one("Officials said the toll could rise to 40.").frame.anchor == "forecast"


def test_a_given_name_alone_is_the_full_name_s_person():
    tamir = figures("Crowds gathered when a police officer shot and killed 13-year-old Tamir in a park.")
    rice = figures("Police shot and killed 12-year-old Tamir Rice on a playground in November.")
    ages = [q for q in tamir + rice if q.frame.dimension == "age"]
    assert len(ages) == 2 and same_measure(ages[0].frame, ages[1].frame)
    assert not same_measure(ages[1].frame, one("Officer Timothy Loehmann, 26, fired twice.").frame)


def test_an_age_at_another_time_is_not_compared_with_the_age_now():
    now = one("The family insider said that Roberts, 46, made arrangements for her sister.")
    then = one("The photo shows her with Julia Roberts when the actress was around 22 years old.")
    sentenced = figures("Bunch, then 22, was sentenced to 60 years.")[0]
    assert then.frame.anchor == sentenced.frame.anchor == "then" and sentenced.frame.dimension == "age"
    assert not same_measure(now.frame, then.frame)

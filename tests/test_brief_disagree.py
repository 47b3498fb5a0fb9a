"""Disagreements from typed facts, on small stories written the way outlets write.

Each story is a few reports of one event: datelines, hedges, rounding, updates over the
day. What must be found is a contradiction a reader would want flagged; what must not
is two figures that measure different things, or the same figure in other words.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digest.brief import disagree
from digest.brief.measures import Statement, extract

MORNING = datetime(2025, 11, 4, 14, 40, tzinfo=UTC)


def _find(*reports: tuple[datetime | None, str]):
    statements = []
    for n, (published, text) in enumerate(reports, start=1):
        for sentence in text.split("\n"):
            if sentence.strip():
                statements.append(Statement(n, len(statements), sentence.strip(), published))
    return disagree.find(extract(statements))


def _sides(d):
    return {s.value: s.citations for s in d.sides}


def test_a_conflicting_count_is_found_and_its_rounding_is_not():
    found = _find(
        (MORNING, "KINGSPORT, May 17 (Sports Wire) - A crowd of 61,482 watched the final on Saturday."),
        (MORNING, "The attendance was given as 54,300, with large gaps visible in the away end."),
        (MORNING, "Northfield won the Cup, and nearly 61,500 people were there to see it."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement"
    sides = _sides(numbers[0])
    assert sides.get("54,300") == (2,) and any(1 in c for v, c in sides.items() if v != "54,300")


def test_a_death_toll_rising_over_the_day_is_an_update_in_time_order():
    found = _find(
        (MORNING, "A bridge collapsed on Tuesday morning, killing at least four people, officials said."),
        (MORNING + timedelta(hours=4), "Four people were killed and 12 injured when the bridge collapsed on Tuesday."),
        (
            MORNING + timedelta(hours=10),
            "The death toll from Tuesday's collapse rose to five after divers recovered another body.",
        ),
    )
    update = [d for d in found if d.kind == "number"]
    assert len(update) == 1 and update[0].severity == "update", found
    assert [s.citations for s in update[0].sides] == [(1, 2), (3,)]
    assert update[0].sides[0].reported_at == MORNING and update[0].sides[1].reported_at == MORNING + timedelta(hours=10)


def test_a_count_going_back_and_forth_is_a_contradiction_not_an_update():
    found = _find(
        (MORNING, "The tornado killed two people and injured 29 others, officials said."),
        (MORNING + timedelta(hours=3), "The tornado killed two people and injured 35, the governor said."),
        (
            MORNING + timedelta(hours=6),
            "Volunteers arrived after a tornado killed two people and injured 29 on Tuesday night.",
        ),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement"
    assert _sides(numbers[0]) == {"29": (1, 3), "35": (2,)}


def test_equivalent_values_and_different_quantities_are_never_paired():
    found = _find(
        (MORNING, "The Bank of Caldora raised its main rate by a quarter point to 4.75% on Thursday.\n"
                  "Brantwell will cut 1,200 jobs, a tenth of its workforce.\n"
                  "About 300 people work at the Dunmore office, which will close.\n"
                  "Three cars went into the river along with a delivery van."),
        (MORNING, "The Bank of Caldora raised its policy rate by 25 basis points to 4.75%.\n"
                  "Brantwell is cutting 1,200 roles, or 10% of its staff.\n"
                  "The bridge carried about 18,000 vehicles a day.\n"
                  "Brantwell employs about 12,000 people worldwide."),
    )  # fmt: skip
    assert [d for d in found if d.kind == "number"] == []


def test_figures_that_count_different_things_are_not_one_contradiction():
    found = _find(
        (MORNING, "Ukrainian intelligence said Russia has already transferred more than 7,000 North Korean soldiers."),
        (MORNING, "The U.S. said approximately 8,000 North Korean soldiers are near Ukraine's border in Russia."),
        (MORNING, "Intelligence estimates that North Korea has sent around 10,000 to 12,000 troops to Russia."),
    )
    assert [d for d in found if d.kind == "number"] == []


def test_fixed_facts_stated_differently_are_contradictions():
    found = _find(
        (MORNING, "The steel-girder bridge, built in 1968, carried traffic to the interstate.\n"
                  "Okafor's 88th-minute header won it as Northfield beat Castleford 2-1."),
        (MORNING + timedelta(hours=5), "The bridge was built in 1967 and was among the oldest crossings.\n"
                  "Okafor's 89th-minute header sank Castleford 2-1."),
    )  # fmt: skip
    numbers = {d.about: d for d in found if d.kind == "number"}
    assert len(numbers) == 2 and all(d.severity == "disagreement" for d in numbers.values())
    assert {frozenset(_sides(d)) for d in numbers.values()} == {
        frozenset({"1968", "1967"}),
        frozenset({"88th", "89th"}),
    }


def test_people_in_one_role_and_spellings_of_one_name():
    found = _find(
        (MORNING, "In Seoul, Borrell met South Korean Defence Minister Kim Yong Hyun on Monday.\n"
                  "President Volodymyr Zelenskyy thanked the envoy for the visit.\n"
                  "Referee Daniel Hargreaves had a quiet game."),
        (MORNING, "In Seoul, Borrell also met South Korean Defense Minister Kim Eun-hyun.\n"
                  "President Volodymyr Zelenskiy welcomed the visit.\n"
                  "Referee Peter Walsh booked five players."),
    )  # fmt: skip
    roles = {d.about: _sides(d) for d in found if d.kind == "name" and d.severity == "disagreement"}
    assert roles == {
        "defence minister": {"Kim Yong Hyun": (1,), "Kim Eun-hyun": (2,)},
        "referee": {"Daniel Hargreaves": (1,), "Peter Walsh": (2,)},
    }
    minor = [_sides(d) for d in found if d.severity == "minor"]
    assert minor == [{"Volodymyr Zelenskyy": (1,), "Volodymyr Zelenskiy": (2,)}]


def test_a_title_many_people_hold_names_no_single_post():
    found = _find(
        (MORNING, "Polish President Andrzej Duda visited Seoul last week."),
        (MORNING, "South Korean President Yoon Suk Yeol pledged to respond."),
        (MORNING, "President Volodymyr Zelenskyy urged allies to act."),
    )
    assert [d for d in found if d.kind == "name"] == []


def test_dates_of_one_event_differ_but_when_it_was_said_does_not_count():
    found = _find(
        (MORNING, "A confiscation hearing will take place on 12 December.\nThe council said on Monday that roads were shut."),
        (MORNING, "A hearing to decide how much he must repay will be held on 19 December.\nThe council said on Tuesday that roads were shut."),
    )  # fmt: skip
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and set(_sides(dates[0])) == {"12 December", "19 December"}


def test_times_of_day_of_one_event():
    found = _find(
        (MORNING, "The quake hit at 4:17 a.m. at a depth of 10 km."),
        (MORNING, "The magnitude 6.4 quake struck at 4:27 a.m., when most people were asleep."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and set(_sides(dates[0])) == {"4:17 a.m.", "4:27 a.m."}


def test_a_hedged_and_an_exact_figure_on_one_side_still_clash_with_another_value():
    # "at least four" alone could be five; "four" could not. Reports of one evening, no rise stated.
    found = _find(
        (MORNING, "A bridge collapsed on Tuesday, killing at least four people, officials said."),
        (MORNING, "Four people were killed when the span fell into the river on Tuesday."),
        (MORNING, "Five people died when the bridge collapsed on Tuesday morning, the sheriff said."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement", found
    assert {c for s in numbers[0].sides for c in s.citations} == {1, 2, 3}


def test_a_report_that_gives_two_minutes_is_not_a_third_side():
    # Report 1 gives the first goal's minute and the winner's; only the winner's is disputed.
    found = _find(
        (
            MORNING,
            "Jamal Okafor headed an 88th-minute winner as Northfield beat Castleford 2-1 in the final.\n"
            "Sam Whitlock gave Rovers the lead in the 31st minute with a low shot.",
        ),
        (MORNING, "Okafor's 89th-minute header sank Castleford Athletic 2-1 at the National Stadium."),
        (MORNING, "Northfield won the final 2-1, thanks to Okafor's 88th-minute header."),
    )
    minutes = [d for d in found if d.kind == "number"]
    assert len(minutes) == 1, found
    sides = _sides(minutes[0])
    assert set(sides) == {"88th", "89th"} and sides["89th"] == (2,) and 3 in sides["88th"]


def test_a_named_ship_and_the_tanker_spill_one_measure():
    # "a tanker leaked" and "the tanker Nordic Tern spilled": one ship, one spill, two amounts.
    found = _find(
        (
            MORNING,
            "A tanker leaked about 2,000 tonnes of crude oil into the sea off Kerrow Bay on Monday, the coastguard said.",
        ),
        (
            MORNING + timedelta(hours=1),
            "Wildlife groups were preparing to rescue seabirds after the tanker Nordic Tern spilled 700 tonnes of crude oil.",
        ),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement", found
    assert _sides(numbers[0]) == {"about 2,000 tonnes": (1,), "700 tonnes": (2,)}


def test_a_chief_executive_named_in_apposition_holds_the_same_post():
    # Three ways outlets name a company's chief: before the name, in apposition, after "whose".
    found = _find(
        (MORNING, '"We will stay until the job is done," said Keystone Central chief executive Douglas Hearn.'),
        (MORNING, "The railroad's chief executive, Douglas Hearn, apologised to residents on Saturday."),
        (
            MORNING,
            "Thirty-two cars derailed, according to the railroad, Keystone Central, whose chief executive, "
            "Martin Boyce, visited the site.",
        ),
    )
    names = [d for d in found if d.kind == "name" and d.severity == "disagreement"]
    assert len(names) == 1, found
    assert _sides(names[0]) == {"Douglas Hearn": (1, 2), "Martin Boyce": (3,)}


def test_chief_executives_of_two_named_companies_are_two_posts():
    found = _find(
        (MORNING, "Keystone Central chief executive Douglas Hearn said the line would reopen on Monday."),
        (MORNING, "Its rival Lakeshore Freight, whose chief executive, Martin Boyce, offered help, was not involved."),
    )
    assert not [d for d in found if d.kind == "name" and d.severity == "disagreement"], found


def test_a_floor_passed_by_a_later_report_is_an_update():
    # The wire's "at least three" in the morning, "five" in the evening: the toll grew.
    found = _find(
        (
            MORNING,
            "An avalanche swept over a group of skiers on Sunday, killing at least three people, the prefecture said.",
        ),
        (MORNING + timedelta(hours=6), "Five skiers were killed in the avalanche on Sunday, the prefecture said."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.value for s in numbers[0].sides] == ["at least three", "Five"]


def test_people_forced_from_their_homes_are_people_evacuated_and_the_count_grows():
    found = _find(
        (
            MORNING,
            "The volcano erupted on Thursday morning, forcing 3,000 residents of nearby villages to leave their homes.",
        ),
        (MORNING + timedelta(hours=8), "Nearly 12,000 people have been evacuated from villages around the volcano."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.citations for s in numbers[0].sides] == [(1,), (2,)]


def test_larger_tolls_in_reports_of_one_moment_are_no_update():
    # Same time, different counts: a contradiction, not a count that grew.
    found = _find(
        (MORNING, "Eight people were injured when the roof collapsed, police said."),
        (MORNING, "Eleven people were injured in the collapse of the roof, the fire service said."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement", found


def test_a_whole_beside_its_part_still_counts_as_the_whole():
    # "32 cars derailed, including five tank cars": 32 is every car, and it differs from 38.
    found = _find(
        (MORNING, "Thirty-eight cars of the Keystone Central train derailed early on Saturday, the county said."),
        (MORNING, "Thirty-two cars derailed, including five tank cars, according to a statement from the railroad."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and _sides(numbers[0]) == {"Thirty-eight": (1,), "Thirty-two": (2,)}, found


def test_a_queue_that_passes_its_earlier_floor_overnight_is_an_update():
    found = _find(
        (MORNING, "More than 40 ships were waiting at either end of the canal by mid-morning, the authority said."),
        (
            MORNING + timedelta(hours=20),
            "At least 110 ships were waiting to pass through the canal on Thursday morning.",
        ),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.citations for s in numbers[0].sides] == [(1,), (2,)]


def test_the_day_of_the_event_does_not_hold_back_a_toll_that_grew():
    # The later report dates its sentence by the crash (the night before any report came
    # out), not by its figure: the toll still grew from nine to eleven.
    night = datetime(2026, 7, 16, 0, 30, tzinfo=UTC)  # Thursday
    found = _find(
        (
            night,
            "DORMAN PASS, July 16 (APS) - At least nine people were killed when a coach overturned "
            "on the A7 late on Wednesday, police said early on Thursday.",
        ),
        (night + timedelta(hours=11), "Eleven people died when the coach overturned on the A7 on Wednesday night."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.citations for s in numbers[0].sides] == [(1,), (2,)]


def test_people_moved_from_their_homes_are_evacuated_and_the_count_grows():
    found = _find(
        (MORNING, "About 900 people had been moved from their homes to a sports hall as a precaution, officials said."),
        (MORNING + timedelta(hours=12), "Officials said 2,300 people had now been evacuated from the valley."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found


def test_a_depth_of_snow_by_an_hour_of_the_morning_is_a_count_so_far():
    found = _find(
        (MORNING, "About 35 cm of snow had fallen in Brantford by 5 a.m., forecasters said."),
        (MORNING + timedelta(hours=15), "By nightfall the station at Brantford had recorded 52 cm of snow."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.value for s in numbers[0].sides] == ["About 35 cm", "52 cm"]


def test_a_spelling_variant_is_found_where_the_tagger_missed_the_name():
    # "Lars Henning Aamodt, 67, made the find" is not tagged as a person by the small
    # English model; the capitalised name is still the finder another report misspells.
    found = _find(
        (MORNING, "The hoard was found on Sunday by Lars Henning Aamot, a retired teacher, in a field near Ornvika."),
        (MORNING, "Lars Henning Aamodt, 67, made the find last weekend on farmland near the village of Ornvika."),
    )
    names = [d for d in found if d.kind == "name"]
    assert len(names) == 1 and names[0].severity == "minor", found
    assert _sides(names[0]) == {"Lars Henning Aamot": (1,), "Lars Henning Aamodt": (2,)}


def test_a_capitalised_phrase_is_not_taken_for_a_misspelt_name():
    found = _find(
        (MORNING, "The claim was filed by Lars Henning Aamot, a retired teacher."),
        (MORNING, "Lars Henning Aamot said the Lost Property Office had been helpful."),
    )
    assert not [d for d in found if d.kind == "name"], found


def test_two_titles_for_the_head_of_one_union_are_one_role():
    found = _find(
        (MORNING, "Union general secretary Moira Keane said members had voted to accept the offer."),
        (MORNING, 'Union leader Alison Brody said the deal would "stop the bleeding" but not cure the shortage.'),
    )
    names = [d for d in found if d.kind == "name"]
    assert len(names) == 1 and names[0].severity == "disagreement", found
    assert _sides(names[0]) == {"Moira Keane": (1,), "Alison Brody": (2,)}


def test_a_doubled_last_letter_is_a_spelling_variant():
    found = _find(
        (MORNING, 'Museum director Henrike Vos said the loss was "a wound to our shared history".'),
        (MORNING, "Museum director Henrike Voss said pictures of every piece had gone to police forces."),
    )
    names = [d for d in found if d.kind == "name"]
    assert len(names) == 1 and names[0].severity == "minor", found


def test_an_age_that_differs_between_reports_is_no_toll():
    # "signed" is no count of an event still going on, and an age is never a toll.
    found = _find(
        (MORNING, "Harlow Town signed the 22-year-old winger on a five-year deal, the club said."),
        (MORNING + timedelta(hours=3), "The 23-year-old signed a five-year contract at the club on Wednesday."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement", found


def test_a_later_report_that_tells_the_earlier_toll_as_history_is_still_an_update():
    """The Sunday paper gives both figures ("rose to four ... the two skiers"); it does not contradict itself."""
    saturday = datetime(2025, 3, 8, 12, 20, tzinfo=UTC)
    found = _find(
        (saturday, "LA CORBIERE, France (Alp Wire) - Two skiers were killed after an avalanche swept an open run."),
        (saturday + timedelta(hours=5), "The avalanche killed two people and injured several more, officials said."),
        (
            saturday + timedelta(hours=21),
            "The death toll from Saturday's avalanche rose to four on Sunday morning.\n"
            "Rescuers found the bodies of the two skiers who had been missing.",
        ),
    )
    tolls = [d for d in found if d.kind == "number" and {"two", "four"} <= {s.value.lower() for s in d.sides}]
    assert len(tolls) == 1 and tolls[0].severity == "update", found
    assert tolls[0].sides[-1].value == "four" and tolls[0].sides[-1].citations == (3,)


def test_reports_of_successive_days_each_telling_its_own_day_do_not_disagree_on_the_date():
    tuesday = datetime(2025, 9, 16, 13, 0, tzinfo=UTC)
    found = _find(
        (tuesday, "A boil-water advisory for 4,200 households remained in place Tuesday afternoon."),
        (tuesday + timedelta(days=1), "The water district widened its boil-water advisory on Wednesday."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_one_event_given_two_days_still_disagrees_when_neither_is_its_report_s_own_day():
    thursday = datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
    found = _find(
        (thursday, "The outbreak was first detected on Tuesday at a farm near Lindhaven."),
        (thursday + timedelta(days=1), "The outbreak was first detected on Wednesday, the ministry said."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and dates[0].severity == "disagreement", found


def test_one_person_given_two_posts_by_two_reports_is_a_disagreement():
    found = _find(
        (MORNING, "PORT CARRINGTON (AusWire) - Site manager Gavin Tully said the silo had been inspected in March."),
        (MORNING, '"We warned them about the dust," said union organiser Gavin Tully, who works at the port.'),
        (MORNING, "The blast happened shortly after 4 p.m., site manager Gavin Tully told reporters."),
    )
    posts = [d for d in found if d.kind == "name" and "Tully" in d.about]
    assert len(posts) == 1 and posts[0].severity == "disagreement", found
    assert {s.value: s.citations for s in posts[0].sides} == {"site manager": (1, 3), "union organiser": (2,)}


def test_two_offices_of_one_politician_a_former_post_or_both_posts_in_one_report_are_no_disagreement():
    found = _find(
        (MORNING, "Senate Majority Leader Chuck Schumer said the bill would pass.\nFormer governor Ann Reyes agreed."),
        (
            MORNING,
            "Sen. Chuck Schumer, a Democrat, called the vote historic.\nSchool superintendent Ann Reyes disagreed.",
        ),
        (MORNING, "Campaign manager Rick Ahlgren spoke first.\nParty chair Rick Ahlgren also runs the campaign."),
        (MORNING, "County party chair Rick Ahlgren said the recount was fair."),
    )
    assert not [d for d in found if d.kind == "name" and d.severity == "disagreement"], found


def test_one_sound_written_two_ways_and_a_silent_final_e_are_spelling_variants():
    assert disagree.variant("florianwechsler", "florianwexler")  # German "chs" and "x" both say "ks"
    assert disagree.variant("declanfurlong", "declanfurlonge")  # "Browne" / "Brown"
    assert not disagree.variant("borrell", "borrelland")  # one name inside another is no variant
    found = _find(
        (MORNING, "GALWAY (ANA) - Skipper Declan Furlong had fished the grounds for 30 years."),
        (MORNING, "The trawler's skipper, Declan Furlonge, was among those missing."),
        (MORNING, "Declan Furlong, the skipper, sent a mayday shortly before midnight."),
    )
    spellings = [d for d in found if d.kind == "name" and d.severity == "minor"]
    assert len(spellings) == 1 and {s.value for s in spellings[0].sides} == {"Declan Furlong", "Declan Furlonge"}


def test_a_time_told_in_words_disagrees_with_a_time_in_figures():
    found = _find(
        (
            MORNING,
            "HOLLIN, Nov 4 (Newswire) - A gas explosion destroyed two homes on Hollin Street at 7:45 p.m. on Monday.",
        ),
        (MORNING, "The explosion on Hollin Street happened at half past seven, as families sat down to dinner."),
        (MORNING + timedelta(hours=2), "The explosion on Hollin Street happened at 7:45 p.m., witnesses said."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1, found
    assert _sides(dates[0]).get("half past seven") == (2,)


def test_one_event_named_with_another_noun_is_compared():
    found = _find(
        (
            MORNING,
            "FENMOOR, Nov 4 (Newswire) - The blaze at the Ostrander paint works broke out at 2:40 a.m., fire officials said.",
        ),
        (MORNING, "The fire at the Ostrander paint works broke out at 3:10 a.m. and burned for six hours."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and {s.citations for s in dates[0].sides} == {(1,), (2,)}, found


def test_a_second_strike_is_not_the_first_one():
    found = _find(
        (
            MORNING,
            "SKARVIK, Nov 4 (Newswire) - Pilots at Nordavia began a 48-hour strike on Tuesday, grounding 240 flights.",
        ),
        (MORNING, "The union has warned of a second walkout starting on November 28 if there is no deal."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_as_of_times_of_two_facts_are_not_one_event():
    found = _find(
        (MORNING, "By 9 p.m., about 31,000 customers were still without power, the utility said."),
        (MORNING, "The utility said it expected most customers to be reconnected by midnight."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_a_later_report_saying_now_is_an_update():
    found = _find(
        (MORNING, "PELLBRIDGE, Nov 4 (Newswire) - Residents of 30 homes were told to leave after the gas explosion."),
        (
            MORNING + timedelta(hours=15),
            "Residents of 48 homes have now been moved out while engineers check the pipes.",
        ),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.value for s in numbers[0].sides] == ["30", "48"]


def test_now_in_an_earlier_report_is_no_update():
    found = _find(
        (MORNING, "Residents of 48 homes have now been moved out while engineers check the pipes."),
        (MORNING + timedelta(hours=15), "Residents of 30 homes were told to leave after the gas explosion."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert numbers and all(d.severity == "disagreement" for d in numbers), found


def test_people_taken_or_rushed_to_hospital_are_a_toll_whatever_the_verb():
    found = _find(
        (MORNING, "DURNHAM, June 2 (Newswire) - A gas leak at a school sent two pupils to hospital, the council said."),
        (MORNING + timedelta(hours=3), "Two pupils were rushed to hospital after the leak at Durnham Primary."),
        (
            MORNING + timedelta(hours=9),
            "Six pupils were taken to hospital with breathing problems after the leak, the ambulance service said.",
        ),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.citations for s in numbers[0].sides] == [(1, 2), (3,)]


def test_a_patient_count_in_one_moment_is_still_a_contradiction():
    found = _find(
        (MORNING, "Two pupils were taken to hospital after the leak, the council said."),
        (MORNING, "Six pupils were taken to hospital after the leak, the school said."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement", found


def test_an_order_widened_to_cover_more_homes_is_an_update():
    found = _find(
        (MORNING, "The boil-water order issued on Monday covers about 2,000 homes in Ellery, the water board said."),
        (
            MORNING + timedelta(hours=7),
            "The boil-water order was extended on Monday evening to cover some 4,600 homes across Ellery and Marsh End.",
        ),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.citations for s in numbers[0].sides] == [(1,), (2,)]


def test_a_rate_raised_to_another_figure_by_a_later_report_is_still_a_contradiction():
    # "Raised to" is a decision, not a count that grew: two rates for one decision disagree.
    found = _find(
        (MORNING, "The central bank raised its main interest rate to 4.5% on Thursday, its third rise this year."),
        (MORNING + timedelta(hours=6), "The central bank raised its main rate to 4.75% on Thursday."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "disagreement", found


def _names(found):
    return [d for d in found if d.kind == "name" and d.severity == "disagreement"]


def test_two_presidents_of_the_story_s_union_disagree():
    found = _find(
        (MORNING, "Teachers in Ashcombe walked out on Monday, union president Dana Kell told a rally."),
        (
            MORNING,
            "Union president Dana Kell said the strike in Ashcombe would last until the district improved its offer.",
        ),
        (MORNING, "Union president Marco Ruiz said Ashcombe teachers were ready to return to talks."),
    )
    names = _names(found)
    assert len(names) == 1 and names[0].about == "union president", found
    assert {s.value: s.citations for s in names[0].sides} == {"Dana Kell": (1, 2), "Marco Ruiz": (3,)}


def test_a_title_the_tagger_takes_into_the_name_is_still_a_title():
    found = _find(
        (MORNING, "Ranger Aroha Ngata said the team at Tapu Bay would try to refloat the whales at high tide."),
        (MORNING, "At Tapu Bay, ranger Aroha Ngata of the conservation service is leading the rescue."),
        (MORNING, "Ranger Wiremu Kerei said 40 of the whales at Tapu Bay had been refloated."),
    )
    names = _names(found)
    assert len(names) == 1 and names[0].about == "ranger", found
    assert {s.value for s in names[0].sides} == {"Aroha Ngata", "Wiremu Kerei"}


def test_two_mayors_of_a_town_every_report_names_disagree_but_mayors_of_two_cities_do_not():
    local = _find(
        (
            MORNING,
            "HOLLIS GAP, Nov 6 (Newswire) - Voters in Hollis Gap approved the sales tax, Mayor Celia Brandt said.",
        ),
        (MORNING, "Mayor Celia Brandt thanked volunteers in Hollis Gap for months of work."),
        (MORNING, "Mayor Tom Adeyemi said Hollis Gap would publish a list of projects next spring."),
    )
    names = _names(local)
    assert len(names) == 1 and names[0].about == "mayor", local
    national = _find(
        (MORNING, "Buses of migrants arrived in Denver overnight, Mayor Celia Brandt said."),
        (MORNING, "Mayor Tom Adeyemi said Chicago had no more room in its shelters."),
    )
    assert not _names(national), national


def test_an_alarm_that_sounded_and_was_tripped_at_two_times_is_one_moment():
    found = _find(
        (MORNING, "LINDHAVEN, March 9 (Newswire) - The gallery's alarm sounded at 3.12am, a police spokesman said."),
        (MORNING, "Thieves tripped the gallery's alarm shortly before 4am and escaped through a side door."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and set(_sides(dates[0])) == {"3.12am", "4am"}, found


def test_shortly_before_an_hour_agrees_with_a_time_just_before_it():
    found = _find(
        (MORNING, "The gallery's alarm sounded at 3:45am, a police spokesman said."),
        (MORNING, "Thieves tripped the gallery's alarm shortly before 4am and escaped through a side door."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_a_start_and_an_end_of_one_thing_are_two_moments():
    found = _find(
        (MORNING, "The hospital's systems went down at 4:50 a.m. on Monday, the chief executive said."),
        (MORNING, "The hospital's systems were restored at 6:15 p.m., the chief executive said."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_two_companies_said_to_own_the_story_s_barge_disagree():
    found = _find(
        (MORNING, "PORT ASHLEY - The barge, owned by Corbel Marine Services, struck a pier early on Monday."),
        (MORNING, "Diesel leaked from the barge, which is owned by Corbel Marine Services, the coast guard said."),
        (MORNING, "A barge owned by Tidewater Haulage Co. spilled about 300 barrels of diesel at Port Ashley."),
    )
    names = _names(found)
    assert len(names) == 1 and names[0].about == "owner of the barge", found
    assert [s.citations for s in names[0].sides] == [(1, 2), (3,)]


def test_companies_owning_different_things_do_not_disagree():
    found = _find(
        (MORNING, "The barge, owned by Corbel Marine Services, struck the cargo ship early on Monday."),
        (MORNING, "The cargo ship, owned by Tidewater Haulage Co., was leaving Port Ashley for Lisbon."),
    )
    assert not _names(found), found


def test_a_month_named_alone_dates_an_event_and_two_months_disagree():
    found = _find(
        (MORNING, "The grain elevator was last inspected in March, according to state records."),
        (MORNING, "State records show the elevator was last inspected in May."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and set(_sides(dates[0])) == {"March", "May"}, found


def test_may_the_verb_and_may_the_name_are_no_month():
    found = _find(
        (MORNING, "The council may vote on the plan in June, a spokesman said."),
        (MORNING, "Theresa May's government may vote on the plan in June."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_a_mayor_whose_city_is_written_before_the_title_is_another_city_s_mayor():
    found = _find(
        (
            MORNING,
            "Students in Akron are getting cards on dealing with police.\nMayor Don Hollister said the cards help.",
        ),
        (
            MORNING,
            "Every high school student in Akron is getting a card.\n"
            "Gary, Ind., Mayor Karen Wilcox, who leads a national group of mayors, praised the idea.",
        ),
    )
    assert not _names(found), found


def test_a_count_up_from_an_earlier_one_is_an_update():
    found = _find(
        (
            MORNING,
            "ELMSTEAD, March 2 (Newswire) - Teachers walked out on Monday, closing 12 schools, the district said.",
        ),
        (
            MORNING + timedelta(hours=6),
            "The district had closed 19 schools by midday, up from 12 in the morning, as more teachers joined the strike.",
        ),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found


def test_a_month_and_a_day_in_it_agree_and_a_base_of_comparison_is_no_date():
    found = _find(
        (MORNING, "The Treasury said 39 million families will receive monthly payments beginning on July 15."),
        (MORNING, "Families would start receiving the monthly payments in July, officials said on Monday."),
        (MORNING, "Consumer prices rose 0.9% from May, the fastest pace since August 2008."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_an_organisation_s_name_spelt_two_ways_is_a_minor_variant():
    found = _find(
        (MORNING, "The violin was on loan from the Hollingsworth Foundation, the museum said."),
        (MORNING, "A spokesman for the Hollingsworth Foundation said it was insured."),
        (MORNING, "The instrument, lent by the Holingsworth Foundation, is worth about $4 million."),
    )
    minor = [d for d in found if d.kind == "name" and d.severity == "minor"]
    assert len(minor) == 1 and minor[0].about == "spelling of Hollingsworth Foundation", found
    assert [s.citations for s in minor[0].sides] == [(1, 2), (3,)]


def test_an_ask_and_an_offer_are_two_sides_figures_and_two_asks_disagree():
    found = _find(
        (MORNING, "The nurses' union wants a 12% pay rise, while the health board says its offer is fair."),
        (MORNING, "The union is seeking a 9% rise over two years; the board has offered 4%."),
        (MORNING, "The board's offer of a 4 per cent rise does not make up for years of frozen pay, the union said."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1, found
    assert {s.value: s.citations for s in numbers[0].sides} == {"12%": (1,), "9%": (2,)}


def test_late_on_a_day_dates_the_verb_it_hangs_on():
    found = _find(
        (MORNING, "The whales were spotted on the beach late on Saturday by a fisherman."),
        (MORNING, "The whales were first noticed on the beach at dawn on Sunday, the service said."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and set(_sides(dates[0])) == {"Saturday", "Sunday"}, found


def test_a_weekday_still_to_come_is_the_coming_one():
    from datetime import date

    from digest.brief.facts import date_spans

    wednesday = date(2025, 10, 8)
    said = "The mayor said on Monday that the council will vote on Friday, and talks resumed on Tuesday."
    days = {said[s:e]: d for s, e, d in date_spans(said, wednesday)}
    assert days == {"Monday": date(2025, 10, 6), "Friday": date(2025, 10, 10), "Tuesday": date(2025, 10, 7)}
    # a vote announced for Thursday and then reported as held on Thursday is one day, not two
    found = _find(
        (datetime(2025, 10, 8, 9, tzinfo=UTC), "The council is expected to vote on the budget on Thursday."),
        (datetime(2025, 10, 9, 21, tzinfo=UTC), "The council voted on the budget on Thursday, approving it 7-2."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_one_weekday_named_by_two_reports_is_one_day_whatever_the_tense():
    # One report says the vote "was set for Saturday", the other is "teeing up a Saturday vote":
    # one read as the coming Saturday, the other as the last; they name one day.
    found = _find(
        (MORNING, "A procedural vote was set for Saturday, the majority leader said."),
        (MORNING, "The majority leader is teeing up a Saturday vote to wind down debate on the bill."),
        (MORNING, "The senators will meet the president Thursday to brief him."),
        (MORNING, "Senators say they'll meet with the president Thursday."),
    )
    assert not [d for d in found if d.kind == "date"], found


def test_a_conviction_told_as_found_guilty_is_one_event():
    # Court reports write "convicted" and "found guilty" for one verdict; "found" alone is a discovery.
    found = _find(
        (
            MORNING,
            "HARTLEY, April 2 (Newswire) - A former council treasurer, Dennis Marlow, was jailed for six years on Tuesday "
            "for stealing 2.1 million pounds from the town's pension fund.\n"
            "Marlow, 61, was convicted on March 12 after a five-week trial at Hartley Crown Court.",
        ),
        (
            MORNING + timedelta(hours=3),
            "Marlow, who was found guilty on March 19, moved the money through 44 transfers to a company he "
            "controlled, the court heard.",
        ),
        (MORNING, "Auditors found the first missing payment on March 3, the prosecution said."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert [sorted(_sides(d)) for d in dates] == [["March 12", "March 19"]], dates


def test_a_ship_that_set_sail_and_one_that_left_is_one_departure():
    found = _find(
        (MORNING, "The cruise ship left Varna on May 28 with 1,900 passengers on board, the operator said."),
        (MORNING, "The ship set sail from Varna on May 30 and is due in Istanbul on Thursday."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert [sorted(_sides(d)) for d in dates] == [["May 28", "May 30"]], dates


def test_a_permit_granted_and_issued_is_one_permit():
    found = _find(
        (MORNING, "The permit, issued in June 2023, allowed the district to raise the dam by 12 metres."),
        (MORNING, "The district's permit, granted in August 2023, was challenged by two conservation groups."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert [sorted(_sides(d)) for d in dates] == [["August 2023", "June 2023"]], dates


def test_two_reports_timing_one_crash_by_other_names_disagree():
    # Each report times one onset; "the crash" and "the collision" are the story's one event.
    found = _find(
        (MORNING, "ORLEY, Feb 26 (CPA) - The crash happened at 7.12am at the Harbour Road junction."),
        (MORNING, "The collision happened at 7:21 a.m., the transport authority said."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and dates[0].severity == "disagreement", found
    assert set(_sides(dates[0]).values()) == {(1,), (2,)}


def test_times_of_two_stages_of_a_story_do_not_disagree():
    # A report that times two onsets (the fire, then the roof) pairs neither with another's lone time;
    # a time hours away is another stage, not another account of the first.
    found = _find(
        (MORNING, "The fire broke out at 1:40 a.m. and the roof collapsed at 3:10 a.m., firefighters said."),
        (MORNING, "The blaze started shortly after 1:40 a.m. in a storeroom."),
        (MORNING, "Crews were still damping down when a wall came down at 9:15 a.m."),
    )
    assert [d for d in found if d.kind == "date"] == [], found


def test_an_age_set_beside_a_name_is_that_person_s_age():
    found = _find(
        (MORNING, "Edna Farrow, 83, died when the blast tore through Hollin Street on Tuesday evening."),
        (MORNING, "The blast destroyed two houses and killed 81-year-old Edna Farrow, police said."),
        (MORNING, "Her neighbour, Tom Ashby, 54, was treated for burns."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and set(_sides(numbers[0])) == {"83", "81-year-old"}, found


def test_ages_of_two_named_people_do_not_disagree():
    found = _find(
        (MORNING, "The winner, Lorraine Pettigrew, 67, will share the prize with her brother."),
        (MORNING, "Her brother, Dennis Pettigrew, 71, had not believed her at first."),
        (MORNING, "Petra Olsen, 45, who sold the ticket, said the shop would get a bonus of $50,000."),
    )
    assert [d for d in found if d.kind == "number"] == [], found


def test_cases_added_are_no_total():
    # "Two more cases ... bringing the total to seven" adds to the five of the morning: no figure disagrees.
    found = _find(
        (MORNING, "BRENMOUTH, March 17 (CNA) - Health officials have confirmed five cases of Legionnaires' disease."),
        (
            MORNING + timedelta(hours=5),
            "Two more cases have been confirmed, bringing the total to seven, the agency said on Tuesday.",
        ),
    )
    assert [d for d in found if d.kind == "number" and d.severity == "disagreement"] == [], found


def test_arrests_counted_as_a_noun_update_the_people_arrested():
    found = _find(
        (MORNING, "HALLSTEAD, Jan 13 (Press Wire) - Four people were arrested in dawn raids, police said."),
        (MORNING + timedelta(hours=6), "Police have now made six arrests in the fine wine inquiry."),
    )
    numbers = [d for d in found if d.kind == "number"]
    assert len(numbers) == 1 and numbers[0].severity == "update", found
    assert [s.value for s in numbers[0].sides] == ["Four", "six"]


def test_a_strike_from_one_day_and_starting_on_another_disagree():
    found = _find(
        (MORNING, "SKARVIK, March 10 (Continental Wire) - The union threatened to hold a second strike from March 21."),
        (MORNING, "The union has already warned of a second walkout starting on March 28 if there is no deal."),
        (MORNING, "Flights have been disrupted since March 3, and the airline expects to reopen bookings on March 30."),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and set(_sides(dates[0])) == {"March 21", "March 28"}, found


def test_the_day_a_case_was_confirmed_is_an_event_and_the_day_officials_spoke_is_not():
    found = _find(
        (MORNING, "The first case was confirmed on 12 March at Larkfield Primary School, officials said on Monday."),
        (
            MORNING,
            "The cluster began at the school, where the first case was confirmed on 14 March, officials said on Tuesday.",
        ),
    )
    dates = [d for d in found if d.kind == "date"]
    assert len(dates) == 1 and set(_sides(dates[0])) == {"12 March", "14 March"}, found


def test_a_girl_s_age_is_not_a_grown_man_s():
    found = _find(
        (MORNING, "NEW LEBANON, Ohio (AP) - Mark Deaton, 42, of New Lebanon is to be arraigned next week."),
        (
            MORNING,
            "Police said Deaton had an inappropriate relationship with a 15-year-old girl between 2006 and 2007.",
        ),
    )
    assert [d for d in found if d.kind == "number"] == [], found

"""Threads: a long-running story's steps are one thread, with or without dates; a topic is not a thread."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from digest import threads
from digest.cluster import cluster
from digest.dedupe import dedupe
from digest.threads import StoryProfile
from digest.types import Article, Story

DAY = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


def art(origin: str, title: str, text: str, when: datetime | None) -> Article:
    return Article(
        id=hashlib.blake2b(f"{origin}\n{text}".encode(), digest_size=8).hexdigest(),
        origin=origin,
        url=None,
        outlet=None,
        title=title,
        author=None,
        published=when,
        language="en",
        paragraphs=(text,),
        sentences=tuple(s.strip() + "." for s in text.split(". ") if s.strip()),
    )


# A search that goes on for days (three steps, two reports each), written for this test the way
# outlets write: datelines, "at least", an update. Then two stories on the same topic (mountain
# rescue and hiking safety) that are not steps of the search.
SEARCH = [
    [
        (
            "Search under way for hiker missing in Glacier Peak wilderness",
            "DARRINGTON, Wash. (AP) - Rescuers on Monday began searching for a 34-year-old hiker from Seattle who "
            "failed to return from a solo trip to Glacier Peak, the Snohomish County Sheriff's Office said. "
            "Her car was found at the trailhead.",
        ),
        (
            "Crews look for Seattle woman overdue from Glacier Peak hike",
            "Snohomish County search and rescue crews are looking for Emily Carter, 34, who set out alone for "
            "Glacier Peak on Friday and was due back Sunday, sheriff's officials said Monday. A helicopter was "
            "expected to join the search.",
        ),
    ],
    [
        (
            "Glacier Peak search expands as weather closes in",
            "The search for missing hiker Emily Carter widened on Wednesday to at least 60 volunteers and two "
            "helicopters, the Snohomish County Sheriff's Office said, as rain and low clouds moved over Glacier Peak.",
        ),
        (
            "Volunteers, dogs join hunt for missing Glacier Peak hiker",
            "Dog teams and dozens of volunteers joined the search for Emily Carter on Wednesday, three days after "
            "the Seattle hiker was reported overdue from Glacier Peak. Searchers found her tent near a creek.",
        ),
    ],
    [
        (
            "Missing Glacier Peak hiker found alive after six days",
            "UPDATE: Emily Carter, the Seattle hiker missing on Glacier Peak since last week, was found alive on "
            "Saturday by a helicopter crew, the Snohomish County Sheriff's Office said. She was flown to a hospital "
            "in Everett with a broken ankle.",
        ),
        (
            "Hiker rescued on Glacier Peak after nearly a week in the wilderness",
            "A helicopter crew rescued Emily Carter, 34, on Glacier Peak on Saturday, ending a six-day search, "
            "sheriff's officials said. Carter told rescuers she fell and broke her ankle on the second day.",
        ),
    ],
]
OTHER = [
    [
        (
            "Climber dies in fall on Mount Rainier's Disappointment Cleaver",
            "A 52-year-old climber from Oregon died after falling about 300 feet on Mount Rainier's "
            "Disappointment Cleaver route on Tuesday, Mount Rainier National Park said.",
        ),
        (
            "Oregon man killed in Mount Rainier climbing accident",
            "An Oregon climber was killed on Tuesday in a fall on the Disappointment Cleaver route of Mount "
            "Rainier, park rangers said; his two partners were not hurt.",
        ),
    ],
    [
        (
            "Washington parks report record number of day hikers this summer",
            "Washington State Parks counted a record 4.1 million day-use visits between June and August, officials "
            "said, and urged visitors to carry water and a map as trailheads overflowed.",
        ),
        (
            "Summer crowds set record at Washington state parks",
            "State parks in Washington saw about 4.1 million day visits this summer, a record, the parks "
            "commission said on Thursday, crediting good weather and new trail passes.",
        ),
    ],
]


def stories_of(groups, start: datetime, step_days: float, dated: bool, prefix: str) -> list[Story]:
    """One Story per group of (title, text): a gold story, so that only the thread rule is tested."""
    from digest.types import story_id

    out = []
    for k, reports in enumerate(groups):
        when = start + timedelta(days=k * step_days)
        arts = [
            art(f"{prefix}{k}-{m}.txt", t, x, when + timedelta(hours=m) if dated else None)
            for m, (t, x) in enumerate(reports)
        ]
        dates = [a.published for a in arts if a.published]
        out.append(
            Story(
                id=story_id(a.id for a in arts),
                label=arts[0].title or "",
                articles=tuple(arts),
                duplicates=(),
                why=(),
                start=min(dates) if dates else None,
                end=max(dates) if dates else None,
            )
        )
    return out


def thread_sets(stories: list[Story], embedder, max_days: float = 30) -> set[frozenset[str]]:
    profiles = threads.profiles(stories, embedder)
    found = threads.links(profiles, profiles, threshold=embedder.calibration.thread, max_days=max_days)
    folded = threads.fold(stories, found)
    return {frozenset(a.origin.split("-")[0] for a in s.articles) for s in folded}


def test_a_search_over_days_is_one_thread_with_and_without_dates(embedder):
    for dated in (True, False):
        search = stories_of(SEARCH, DAY, 2.5, dated, "search")
        other = stories_of(OTHER, DAY + timedelta(days=1), 3, dated, "other_")
        got = thread_sets(search + other, embedder)
        # the three steps of the search, folded into one; a climbing death and park figures share the
        # topic (mountains, Washington) but are neither the search nor one another
        assert got == {frozenset({"search0", "search1", "search2"}), frozenset({"other_0"}), frozenset({"other_1"})}


def test_steps_further_apart_than_thread_days_are_not_linked(embedder):
    search = stories_of(SEARCH, DAY, 40, True, "search")  # steps 40 days apart
    assert len(thread_sets(search, embedder, max_days=30)) == 3


def test_the_seeds_development_links_without_dates_too(embedder, seeds_dir):
    """Seed 000 (28 October call) continues the 4 November visit story with its dates (two stories, one
    thread), and by content alone when the dates are removed (then it may also be told as one story)."""
    from digest.pipeline import read_sources

    articles, _ = read_sources([str(seeds_dir)])
    for arts in (articles, [replace(a, published=None) for a in articles]):
        stories = cluster(dedupe(arts), embedder)
        assert len(stories) == (2 if arts is articles else len(stories))
        profiles = threads.profiles(stories, embedder)
        found = threads.links(profiles, profiles, threshold=embedder.calibration.thread, max_days=30)
        assert len(found) == len(stories) - 1
        assert len(threads.fold(stories, found)) == 1


def profile(sid: str, vector, day: int | None) -> StoryProfile:
    v = np.asarray(vector, dtype=np.float32)
    when = DAY + timedelta(days=day) if day is not None else None
    return StoryProfile(sid, v / np.linalg.norm(v), when, when)


def test_a_thread_is_average_linkage_not_a_chain_of_neighbours():
    """a~b and b~c are close, a and c are not: single linkage would chain all three, average linkage
    keeps c out (the mean over its pairs with {a, b} stays under the threshold)."""
    a = profile("a", [1.0, 0.0, 0.0], None)
    b = profile("b", [0.9, 0.436, 0.0], None)  # cos(a, b) = 0.9
    c = profile("c", [0.28, 0.96, 0.0], None)  # cos(b, c) = 0.67 (over the threshold), cos(a, c) = 0.28
    found = threads.links([a, b, c], [a, b, c], threshold=0.6, max_days=30)
    assert [(t.earlier, t.later) for t in found] == [("a", "b")]


def test_each_story_of_a_thread_links_to_its_closest_earlier_story_and_fold_joins_them():
    vecs = {"s1": [1.0, 0.1, 0.0], "s2": [1.0, 0.2, 0.0], "s3": [1.0, 0.0, 0.1]}
    ps = [profile(k, v, d) for (k, v), d in zip(vecs.items(), (0, 3, 6))]
    found = threads.links(ps, ps, threshold=0.6, max_days=30)
    assert {t.later for t in found} == {"s2", "s3"}
    assert all(t.earlier < t.later for t in found)  # dated: the earlier story is the one told first
    stories = [Story(id=p.id, label=p.id, articles=(), duplicates=(), why=(), start=p.start, end=p.end) for p in ps]
    (folded,) = threads.fold(stories, found)
    assert folded.label == "s3"  # the latest told names the thread


def test_across_days_each_stored_story_is_continued_once():
    """`digest daily`: two of today's stories close to one stored story; only the closer continues it."""
    stored = [profile("old", [1.0, 0.0, 0.0], 0)]
    today = [profile("t1", [0.9, 0.1, 0.0], 2), profile("t2", [0.95, 0.0, 0.05], 2)]
    found = threads.links(stored, today, threshold=0.6, max_days=30)
    assert [(t.earlier, t.later) for t in found] == [("old", "t2")]
    assert threads.links(stored, today, threshold=0.6, max_days=1) == []  # told too long ago


def test_many_stories_stay_linear_and_fast():
    """5,000 stories (random directions, a few near-copies): candidate lists bound the work."""
    import time

    rng = np.random.default_rng(5)
    base = rng.normal(size=(5000, 64))
    base[1::50] = base[0::50] + 0.05 * rng.normal(size=(100, 64))  # 100 close pairs
    ps = [profile(f"s{k:05d}", v, None) for k, v in enumerate(base)]
    t0 = time.process_time()
    found = threads.links(ps, ps, threshold=0.8, max_days=30)
    assert time.process_time() - t0 < 30
    assert {(t.earlier, t.later) for t in found} == {(f"s{k:05d}", f"s{k + 1:05d}") for k in range(0, 5000, 50)}


def test_more_close_stories_than_candidates_still_make_one_thread():
    """Thirty developments of one story, each close to all others: more than CANDIDATES stories pass the
    threshold for each, so the nearest are picked by sorting (the path that is skipped otherwise)."""
    rng = np.random.default_rng(3)
    centre = rng.normal(size=32)
    ps = [profile(f"s{k:02d}", centre + 0.05 * rng.normal(size=32), k) for k in range(threads.CANDIDATES + 10)]
    found = threads.links(ps, ps, threshold=0.8, max_days=60)
    assert len(found) == len(ps) - 1 and {t.later for t in found} == {p.id for p in ps[1:]}
    stories = [Story(id=p.id, label=p.id, articles=(), duplicates=(), why=(), start=p.start, end=p.end) for p in ps]
    assert len(threads.fold(stories, found)) == 1

"""Where the sources disagree, from their typed facts (see measures.py).

- numbers: figures that measure the same thing (`measures.same_measure`) with values
  that cannot both be true ("injured 12" and "15"; not "nearly 61,500" and 61,482,
  not "a quarter point" and "25 basis points"). A figure that rises from report to
  report over the day (a death toll of four, then five) is an update, not a
  contradiction: `severity="update"`, sides oldest first with their time;
- dates and times: the same event on different days or at different times;
- names: two people named for the same role (the same title, or the same deed:
  "brokered by"); two spellings of one name are `severity="minor"`.

Grouping is by what is measured, never by the number alone, and it is checked
against the sources themselves: a source does not contradict itself, so two
different values from one source are never put in one group (a report that gives
300 jobs at one office and 1,200 in all shows these are two measures).

API: `find(facts)` with the `SentenceFacts` of a whole story (`measures.extract`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date, datetime

import numpy as np

from digest.types import Disagreement, Side

from . import alignment
from .measures import (
    SPEECH_VERBS,
    TITLE_WORDS,
    Moment,
    Person,
    Quantity,
    SentenceFacts,
    may_measure_same,
    name_words,
    people_and_others,
    same_event,
    same_measure,
    times_an_onset,
)


def find(
    facts: Sequence[SentenceFacts], vectors: np.ndarray | None = None, *, learned: bool = True
) -> list[Disagreement]:
    """All disagreements of one story: figures, then dates, then names (each most widely reported first).

    `vectors` are the sentence embeddings by statement position (the learned alignment
    uses them); `learned=False` leaves the alignment to the hand rules alone."""
    facts = [f for f in facts if f.analysed]
    aligner = alignment.Aligner(facts, vectors, alignment.default_models() if learned else None)
    published = {f.statement.source: f.statement.published for f in facts}
    # The day each sentence dates what it reports ("15% contained on Monday", "the council said on Monday").
    as_of = {f.position: max(m.day for m in f.moments if m.day) for f in facts if any(m.day for m in f.moments)}
    quantities = [q for f in facts for q in f.quantities]
    moments = [m for f in facts for m in f.moments]
    people = [p for f in facts for p in f.people]
    found = _number_disagreements(quantities, published, as_of, aligner)
    found += _date_disagreements(moments, published, aligner)
    found += _name_disagreements(people + _untagged_names(people, facts), _story_place(facts))
    return found


def _story_place(facts: Sequence[SentenceFacts]) -> bool:
    """Does every report open on one same place (a local story: "BRACKENFIELD - Measure T ...")?

    Then a bare local office ("Mayor Celia Drummond", "Mayor Paul Okafor") is that place's. The
    place must be in each report's first two sentences (its dateline and lead), where a report
    says where its story is: a place merely named by every report ("U.S.") does not make the
    story local (two mayors of two cities, each report quoting one). A place is what the tagger
    calls one in some sentence; the tagger is not consistent from one sentence to the next
    ("Brackenfield" a place here, an organisation there), so the leads are searched for its words.
    """
    leads: dict[int, list[str]] = defaultdict(list)
    places: set[str] = set()
    for f in facts:
        if len(leads[f.statement.source]) < _LEAD_SENTENCES:
            leads[f.statement.source].append(f.statement.text)
        places.update(p.name for p in f.places if p.name[:1].isupper())
    if len(leads) < 2:
        return False
    joined = [" ".join(t) for t in leads.values()]
    return any(all(re.search(rf"\b{re.escape(p)}\b", t, re.I) for t in joined) for p in places)


_LEAD_SENTENCES = 2


_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+")


def _untagged_names(people: Sequence[Person], facts: Sequence[SentenceFacts]) -> list[Person]:
    """Full names the entity tagger missed in some reports ("Lars Henning Aamodt, 67, made the
    find"), found as the same run of capitalised words, or a spelling variant of it, in another
    report's sentences. They count only for spellings: with no title or deed they hold no role.
    A full name (two words or more) is needed, so that a capitalised phrase is not taken for a name."""
    by_first: dict[tuple[str, int], dict[str, Person]] = defaultdict(dict)  # (first name, words): key -> person
    named_by: dict[str, set[int]] = defaultdict(set)
    for p in people:
        named_by[p.key].add(p.source)
        if len(p.words) >= 2:
            by_first[(p.words[0], len(p.words))][p.key] = p
    out: list[Person] = []
    for f in facts:
        for m in _CAPITALISED_RUN.finditer(f.text):
            text = re.sub(r"['’]s$", "", m.group(0))
            words = name_words(text)
            if len(words) >= 3 and words[0] in TITLE_WORDS:  # "Superintendent Harold Pimental said"
                text = text.split(None, 1)[1]
                words = name_words(text)
            if sum(len(w) > 1 for w in words) < 2:
                continue  # then name_words kept the full words only
            key = "".join(words)
            for p in by_first.get((words[0], len(words)), {}).values():
                if f.statement.source in named_by[p.key]:
                    continue
                if key == p.key or variant(key, p.key):
                    out.append(Person(f.position, f.statement.source, text, key, words))
                    named_by[key].add(f.statement.source)
                    break
    return out


# ----------------------------------------------------------------------------- grouping


def _groups(items: Sequence, same: Callable, agree: Callable, score: Callable) -> list[list]:
    """Facts grouped by what they measure: pairs from different sources that `same` accepts
    are joined, best-scored first, unless the join would put two members that `agree`
    rejects into one group (a source does not contradict itself)."""
    pairs = []
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if a.source != b.source and same(a, b):
                pairs.append((-score(a, b), i, j))
    pairs.sort()
    parent = list(range(len(items)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in pairs:
        ri, rj = root(i), root(j)
        if ri == rj:
            continue
        if any(not agree(items[x], items[y]) for x in members[ri] for y in members[rj]):
            continue
        parent[rj] = ri
        members[ri].extend(members.pop(rj))
    return [[items[i] for i in sorted(ms)] for ms in members.values() if len(ms) > 1]


def _sides(group: Sequence, same: Callable) -> list[list]:
    """The group's values, each with the facts that state it (in the order first stated)."""
    sides: list[list] = []
    for item in group:
        for side in sides:
            if same(side[0], item):
                side.append(item)
                break
        else:
            sides.append([item])
    return sides


def _shown(side: Sequence) -> str:
    """The side's value as most of its sources write it (the longer on a tie: "61,482" over "61,482 people")."""
    counts = Counter(_trim(x.shown) for x in side)
    return max(counts, key=lambda s: (counts[s], sum(c.isdigit() for c in s), -len(s)))


def _trim(shown: str) -> str:
    """Punctuation around a value, not the points of "a.m." ("12 December." -> "12 December")."""
    shown = shown.strip(" ,;:")
    return shown if re.search(r"\b[ap]\.m\.$", shown) else shown.rstrip(".")


def _citations(side: Sequence) -> tuple[int, ...]:
    return tuple(sorted({x.source for x in side}))


def _label(group: Sequence, fallback: str) -> str:
    labels = Counter(x.frame.label for x in group if x.frame.label)
    if not labels:
        return fallback
    return max(labels, key=lambda s: (labels[s], -len(s)))


# ----------------------------------------------------------------------------- numbers


def _quantity_score(a: Quantity, b: Quantity) -> float:
    """How surely two figures measure one thing: shared attributes, and the same value (agreement is evidence)."""
    fa, fb = a.frame, b.frame
    score = 0.0
    score += 2.0 if fa.thing and fa.thing == fb.thing else 0.0
    score += 2.0 if fa.event and fa.event == fb.event else 0.0
    score += 1.0 if fa.subject and fa.subject == fb.subject else 0.0
    score += 0.5 * len(fa.modifiers & fb.modifiers)
    score += 3.0 if a.amount.same(b.amount) else 0.0
    return score


def _agree(a: Quantity, b: Quantity, aligner: alignment.Aligner) -> bool:
    """May these two share a group? One source's values must be compatible, and a group
    of counts is of one event: a chain through a figure that names none ("8,000 soldiers")
    must not join "7,000 transferred" and "10,000 sent", unless the two are one measure
    told with other verbs ("at least 14 people were killed", "19 are known to have died")."""
    if a.statement == b.statement and a.frame.moved == b.frame.moved:
        return False  # one sentence does not state one measure twice ("8% in Virginia, 6% in Carolina")
    if (
        a.source == b.source
        and not (
            a.amount.same(b.amount)
            or (a.amount.compatible(b.amount) and "about" in (a.amount.qualifier, b.amount.qualifier))
        )
        and a.frame.moved == b.frame.moved
    ):
        # A source gives one value for one measure (or rounds it: "about 300", "310"), unless it
        # says the figure moved and tells the earlier one as history ("the toll rose to four ...
        # the two skiers"): `_without_earlier_figures` sorts that out.
        return False
    fa, fb = a.frame, b.frame
    if fa.event in _FATES and fb.event in _FATES and _FATES[fa.event] != _FATES[fb.event]:
        return False  # three crew killed and four rescued: people counted by different fates
    if fa.dimension == "age" and (_child_and_adult(a, b) or _child_and_adult(b, a)):
        return False  # "a 15 year old girl" is not "Deaton, 42"
    if (
        fa.thing
        and fb.thing
        and fa.thing != fb.thing
        and not people_and_others(fa, fb)  # "two skiers were killed", "the toll rose to four" (people)
        and not aligner.same(a, b, same_measure(fa, fb))
    ):
        return False  # "1,900 pilots" and "240 flights" are two counts, whatever chain of pairs joins them
    if not (fa.dimension == "count" and fa.event and fb.event and fa.event != fb.event):
        return True
    return a.source != b.source and aligner.same(a, b, False)


# Nouns of the young: whoever they describe is under 20, so an age of 20 or more is someone else's.
_CHILDREN = {
    "girl",
    "boy",
    "child",
    "baby",
    "toddler",
    "teenager",
    "teen",
    "youngster",
    "pupil",
    "schoolgirl",
    "schoolboy",
}


def _child_and_adult(a: Quantity, b: Quantity) -> bool:
    return a.frame.thing in _CHILDREN and b.amount.value >= 20


def _same_value(a: Quantity, b: Quantity) -> bool:
    return a.amount.same(b.amount)


def _number_disagreements(
    quantities: list[Quantity],
    published: dict[int, datetime | None],
    as_of: dict[int, date],
    aligner: alignment.Aligner,
) -> list[Disagreement]:
    # A sentence that gives two values of one measure gives parts ("200 million doses this year and
    # 300 million next", "8% in Virginia, 6% in Carolina"): a part is not compared with another
    # report's figure, which may be the whole.
    parts = {
        id(q)
        for q in quantities
        for o in quantities
        if o is not q
        and o.statement == q.statement
        and q.frame.thing
        and o.frame.thing == q.frame.thing
        and not o.amount.same(q.amount)
        and same_measure(q.frame, o.frame)
        and not (o.frame.modifiers and not q.frame.modifiers)  # "32 cars, including five tank cars": 32 is the whole
    }
    whole = [q for q in quantities if id(q) not in parts]
    groups = _groups(
        whole,
        lambda a, b: aligner.same(a, b, same_measure(a.frame, b.frame)),
        lambda a, b: _agree(a, b, aligner),
        lambda a, b: aligner.score(a, b, _quantity_score),
    )
    out = []
    for group in groups:
        if len({q.source for q in group}) < 2:
            continue
        sides = _merge_rounded(_sides(group, _same_value))
        sides = _drop_self_contradicting(sides, quantities)
        sides = _without_earlier_figures(sides, published, as_of)
        if len(sides) < 2:
            continue
        update = _update_order(sides, published, as_of)
        if update is None and len(sides) == 2 and _states_both(sides, quantities):
            continue  # (a later report that says its figure moved gives the earlier one as history)
        group = [q for side in sides for q in side]
        sources_of = [{q.source for q in side} for side in sides]
        if update is not None:
            ordered = [sides[k] for k in update]
            out.append(
                Disagreement(
                    about=_label(group, "figure"),
                    kind="number",
                    severity="update",
                    sides=tuple(Side(_shown(s), _citations(s), _first_published(s, published)) for s in ordered),
                )
            )
            continue

        # A disagreement needs two values from different sources that cannot both be true, and
        # that are of one size: reports of one count differ by a few percent or a few tens of
        # percent; a figure several times another is a part and a whole ("18 in Chicago", "180
        # across the country"), which the sentences did not say.
        # The learned alignment weighs the sizes with everything else, so a pair it holds to be
        # one measure stays ("about 61,000" and "about 16,000" customers: a transposed figure).
        def near(sa: list[Quantity], sb: list[Quantity]) -> bool:
            return _close_in_size(sa[0], sb[0]) or any(aligner.same(x, y, False) for x in sa for y in sb)

        sides = [s for s in sides if any(near(s, o) for o in sides if o is not s)]
        sources_of = [{q.source for q in side} for side in sides]
        clash = any(
            any(not x.amount.compatible(y.amount) for x in sa for y in sb)  # "at least four" and "four" vs "five"
            and near(sa, sb)
            and (sources_of[i] - sources_of[j] or sources_of[j] - sources_of[i])
            for i, sa in enumerate(sides)
            for j, sb in enumerate(sides)
            if i < j
        )
        if not clash:
            continue
        ordered = sorted(sides, key=lambda s: (-len({q.source for q in s}), min(q.source for q in s)))
        out.append(
            Disagreement(
                about=_label(group, "figure"),
                kind="number",
                severity="disagreement",
                sides=tuple(Side(_shown(s), _citations(s)) for s in ordered),
            )
        )
    out.sort(key=lambda d: -sum(len(s.citations) for s in d.sides))
    return out


# Two reports of one measure that differ by more than this factor are taken to count different
# things. The planted conflicts of the dev stories differ by at most 1.4x; real outlets' figures
# for one count rarely differ by more than half. Years, times, ordinals and tallies are exempt.
SIZE_FACTOR = 3.0


def _drop_self_contradicting(sides: list[list[Quantity]], quantities: Sequence[Quantity]) -> list[list[Quantity]]:
    """A side whose every source also states another side's value, for what may be the same
    measure, is not that source's view of this measure but of another one ("the 31st minute"
    of the first goal beside "the 88th minute" of the winner, both stated by one report):
    the side goes, and its sources join the side they also state."""
    kept = list(sides)
    for side in sides:
        if len(kept) < 3:
            break  # two values left: dropping one would hide the only disagreement
        others = [o for o in kept if o is not side]
        echoes: list[tuple[list[Quantity], Quantity]] = []
        for n in {q.source for q in side}:
            found = _echo(n, side, others, quantities)
            if found is None:
                break
            echoes.append(found)
        else:
            kept = [s for s in kept if s is not side]
            for o, q in echoes:
                if q not in o:
                    o.append(q)
    return kept


def _without_earlier_figures(
    sides: list[list[Quantity]], published: dict[int, datetime | None], as_of: dict[int, date]
) -> list[list[Quantity]]:
    """The sides without the earlier figure that a report of a moved one also gives ("the death toll
    rose to four after rescuers found the bodies of the two skiers", beside earlier reports of two
    killed), when what is left is an update; else the sides as they were. A report that says its
    figure moved tells the earlier one as history, not as its own count."""
    movers = {q.source for side in sides for q in side if q.frame.moved}
    if not movers:
        return sides
    trimmed = [
        side if any(q.frame.moved for q in side) else [q for q in side if q.source not in movers] for side in sides
    ]
    trimmed = [side for side in trimmed if side]
    if len(trimmed) < 2 or trimmed == sides or _update_order(trimmed, published, as_of) is None:
        return sides
    return trimmed


def _echo(
    n: int, side: list[Quantity], others: Sequence[list[Quantity]], quantities: Sequence[Quantity]
) -> tuple[list[Quantity], Quantity] | None:
    """Where source `n` of `side` also states another side's value, for what may be the same
    measure: (that side, the figure), or None."""
    return next(
        (
            (o, q)
            for o in others
            for q in quantities
            if q.source == n
            and q not in side
            and q.amount.same(o[0].amount)
            and may_measure_same(q.frame, side[0].frame)
        ),
        None,
    )


def _states_both(sides: list[list[Quantity]], quantities: Sequence[Quantity]) -> bool:
    """Does every source of one side also state the other side's value, for what may be the same
    measure? Then no report disagrees with another: the two values are two measures that one
    report gives side by side ("$974 billion over five years or $1.2 trillion over eight",
    "5.9%, up from 5.8% in May")."""
    return any(
        all(_echo(n, side, [other], quantities) is not None for n in {x.source for x in side})
        for side, other in ((sides[0], sides[1]), (sides[1], sides[0]))
    )


def _close_in_size(a: Quantity, b: Quantity) -> bool:
    if a.frame.dimension in ("year", "ordinal", "tally") or a.frame.dimension.startswith(("scale:", "code:")):
        return True
    x, y = abs(a.amount.value), abs(b.amount.value)
    return min(x, y) > 0 and max(x, y) / min(x, y) <= SIZE_FACTOR


def _merge_rounded(sides: list[list[Quantity]]) -> list[list[Quantity]]:
    """A rounded figure ("nearly 61,500", "about 4,900 hectares") joins the one exact value it covers
    (not a bound: "about 450" is not "more than 300" said again)."""
    hedged = [s for s in sides if all(q.amount.qualifier in ("about", "nearly") for q in s)]
    for side in hedged:
        covers = [
            o
            for o in sides
            if o is not side
            and o not in hedged
            and o[0].amount.qualifier == ""
            and side[0].amount.compatible(o[0].amount)
        ]
        if len(covers) == 1:
            covers[0].extend(side)
            sides = [s for s in sides if s is not side]
    return sides


def _first_published(side: Sequence, published: dict[int, datetime | None]) -> datetime | None:
    times = [published.get(x.source) for x in side]
    known = [t for t in times if t is not None]
    return min(known) if known else None


def _update_order(
    sides: list[list[Quantity]], published: dict[int, datetime | None], as_of: dict[int, date]
) -> list[int] | None:
    """Side indices oldest first when the figure grew from report to report, else None.

    Sides are taken in the order of their values; the times known must agree with that
    order (each side later than every side of a smaller value: a toll that goes back and
    forth is a contradiction). Two kinds of time count: when the reports were published,
    and the day a sentence dates its own figure ("15% contained on Monday", "the council
    said on Monday"). At least two sides must be timed, and something must say the figure
    grew: a later report ("the toll rose to five", "48 homes have now been cleared"), an earlier one that counts "so far" or
    gives a floor ("at least three", "more than 40") that a later report passes, the
    figures' own days, or a toll (people killed, hurt, evacuated...) that every later
    report puts higher. Reports of one moment are never an update.
    """
    if any(
        q.amount.qualifier in ("tally", "range") or q.frame.dimension in ("year", "ordinal") for s in sides for q in s
    ):
        return None
    if any(q.frame.dimension.startswith(("scale:", "code:")) for s in sides for q in s):
        return None  # a rating or a magnitude is revised, not accumulated
    order = sorted(range(len(sides)), key=lambda k: min(q.amount.value for q in sides[k]))
    values = [sorted({q.amount.value for q in sides[k]}) for k in order]
    if any(values[i][-1] >= values[i + 1][0] for i in range(len(values) - 1)):
        return None

    def spans(times_of) -> list[tuple]:
        out = []
        for k in order:
            known = [t for t in (times_of(q) for q in sides[k]) if t is not None]
            if known:
                out.append((min(known), max(known)))
        return out

    def ordered(sp: list[tuple], strict: bool) -> bool:
        return all(sp[i][1] < sp[i + 1][0] or (not strict and sp[i][1] == sp[i + 1][0]) for i in range(len(sp) - 1))

    reported = spans(lambda q: published.get(q.source))
    # A sentence's day may be the event's ("killing four on Tuesday") as well as the figure's:
    # reports of one day are not out of order, and only days that advance show growth. A day
    # before the first report came out cannot date any report's figure: it is the event's
    # ("eleven died when the coach overturned on Wednesday night", published on Thursday).
    first_day = min((t.date() for t in published.values() if t is not None), default=None)

    def figure_day(q: Quantity) -> date | None:
        day = as_of.get(q.statement)
        return None if day is None or (first_day is not None and day < first_day) else day

    dated = spans(figure_day)
    if not ordered(reported, strict=True) or not ordered(dated, strict=False):
        return None
    if max(len(reported), len(dated)) < 2:
        return None
    moved = any(q.frame.moved for k in order[1:] for q in sides[k])
    # "so far", or a floor ("killing at least three") that a later report passes ("five were
    # killed"): the earlier figure was provisional. Only with publication times in order.
    floor = len(reported) >= 2 and any(
        q.amount.qualifier in ("at least", "more than") for k in order[:-1] for q in sides[k]
    )
    so_far = floor or any(q.frame.provisional for k in order[:-1] for q in sides[k])
    # "Residents of 48 homes have now been moved out": a later report says its figure is the one
    # that stands now, after earlier ones. Only with publication times in order.
    now = len(reported) >= 2 and any(q.frame.current for k in order[1:] for q in sides[k])
    # People killed, hurt, evacuated or rescued in an event still going on are counted as the
    # day goes: reports published in order with ever larger counts are the count growing.
    # Every event named must be a toll (a figure whose event the parse did not find, "the number
    # killed ... has risen to 11", does not veto), or else every side must name the toll at least
    # once: one report may tell it with another verb as well ("five are known to have been
    # injured", "four people being treated in hospital").
    events = {q.frame.event for s in sides for q in s} - {""}
    amounts = all(q.frame.dimension in _TOLL_DIMENSIONS for s in sides for q in s)
    named = (bool(events) and events <= _TOLLS) or all(any(q.frame.event in _TOLLS for q in s) for s in sides)
    tolls = len(reported) >= 2 and amounts and named
    days_advance = len(dated) >= 2 and ordered(dated, strict=True)
    return order if moved or so_far or now or days_advance or tolls else None


# Counts of an event still going on, which reports raise as the day goes: people killed, hurt,
# taken ill or to hospital, evacuated, rescued or arrested; homes flooded or without power;
# flights cancelled, ships waiting; acres burned, oil spilled. A fixed fact (a sentence, a
# price, passengers on board, an age) is never one: tolls are counts and amounts of stuff.
_TOLLS = {
    "killed", "injured", "ill", "infect", "hospitalise", "hospitalize", "admit", "treat", "evacuate", "displace",
    "rescue", "arrest", "detain", "cancel", "be without", "lose", "strand", "wait", "flood", "burn", "spill",
}  # fmt: skip
_TOLL_DIMENSIONS = {"count", "area", "volume", "mass"}
# What befell the people a toll counts. Counts of different fates are never one measure, however
# alike the sentences ("three crew members were rescued", "the bodies of three crew members").
_FATES = {
    "killed": "dead", "die": "dead", "drown": "dead",
    "injured": "hurt", "hospitalise": "hurt", "hospitalize": "hurt", "admit": "hurt", "treat": "hurt",
    "rescue": "saved", "survive": "saved", "save": "saved",
    "miss": "missing", "unaccounted": "missing",
    "evacuate": "moved", "displace": "moved",
    "arrest": "held", "detain": "held",
}  # fmt: skip


# ----------------------------------------------------------------------------- dates


def _moment_score(a: Moment, b: Moment) -> float:
    return (
        (2.0 if a.frame.thing == b.frame.thing else 0)
        + (1.0 if a.frame.event == b.frame.event else 0)
        + (3.0 if a.same(b) else 0)
    )


def _date_disagreements(
    moments: list[Moment], published: dict[int, datetime | None], aligner: alignment.Aligner
) -> list[Disagreement]:
    dated = [
        m for m in moments if m.day or m.monthday or m.month or m.period or m.clock is not None or m.weekday is not None
    ]
    lone = _lone_onsets(dated)
    lone_days = _lone_days(dated)
    groups = _groups(
        dated,
        lambda a, b: aligner.same(a, b, same_event(a, b) or _one_onset(a, b, lone) or _one_deed(a, b, lone_days)),
        lambda a, b: a.source != b.source or not a.conflicts(b),
        lambda a, b: aligner.score(a, b, _moment_score),
    )
    out = []
    for group in groups:
        sides = _sides(group, lambda a, b: a.same(b))
        if len(sides) < 2:
            continue
        if not any(sa[0].conflicts(sb[0]) for i, sa in enumerate(sides) for sb in sides[i + 1 :]):
            continue
        if _each_its_own_day(sides, published):
            continue
        ordered = sorted(sides, key=lambda s: (-len({m.source for m in s}), min(m.source for m in s)))
        out.append(
            Disagreement(
                about=f"date of {_label(group, 'the event')}",
                kind="date",
                severity="disagreement",
                sides=tuple(Side(_shown(s), _citations(s)) for s in ordered),
            )
        )
    return out


# Two reports' times of one onset lie this close: each report times the story's event, and a
# time two hours away is another stage of it (the fire broke out at 1 a.m., the roof fell at 6).
_ONSET_SPAN = 120


def _lone_onsets(moments: Sequence[Moment]) -> set[int]:
    """The times of day that are their report's only onset time (by id): a report that times one
    beginning times the story's event, whatever it calls it ("the crash happened at 7.12am",
    "the collision happened at 7:21 a.m."; "the power went off at 2:14", "the blackout began at 2:41")."""
    return _only_of_their_kind(moments, lambda m: m.source if times_an_onset(m) else None, lambda m: m.clock)


def _only_of_their_kind(
    moments: Sequence[Moment], kind: Callable[[Moment], Hashable | None], value: Callable[[Moment], Hashable]
) -> set[int]:
    """The moments (by id) whose kind (None: not counted) has no other value among `moments`."""
    values: dict[Hashable, set[Hashable]] = defaultdict(set)
    for m in moments:
        k = kind(m)
        if k is not None:
            values[k].add(value(m))
    return {id(m) for m in moments if (k := kind(m)) is not None and len(values[k]) == 1}


def _one_onset(a: Moment, b: Moment, lone: set[int]) -> bool:
    """Two reports' only onset times, close enough to time one event."""
    if id(a) not in lone or id(b) not in lone or a.source == b.source:
        return False
    assert a.clock is not None and b.clock is not None
    gap = abs(a.clock - b.clock) % 1440
    return min(gap, 1440 - gap) <= _ONSET_SPAN and not (a.day and b.day and a.day != b.day)


def _lone_days(moments: Sequence[Moment]) -> set[int]:
    """The days that are their report's only day for their verb (by id): "regulators approved
    Memorel on Monday" and "the drug approved by regulators on Tuesday" date one approval, though
    one names who approved and the other what. Not the verbs of saying or being."""
    return _only_of_their_kind(
        moments,
        lambda m: (m.source, m.frame.event) if _dates_a_deed(m) else None,
        lambda m: (m.day, m.monthday, m.month, m.period, m.weekday, m.year),
    )


def _dates_a_deed(m: Moment) -> bool:
    """A day (not a month or a year) dating a verb that tells a deed."""
    f = m.frame
    is_day = bool(m.day or m.monthday or m.weekday is not None)
    return is_day and m.clock is None and bool(f.event) and f.event not in _NO_DEED and " " not in f.event


# Verbs that tell no deed of their own: what was said, what is or was had.
_NO_DEED = SPEECH_VERBS | {
    "be", "have", "do", "make", "take", "get", "go", "come", "give", "remain", "stand", "become", "stay",
    "see", "show", "include", "expect", "plan", "hope", "begin", "start", "end", "continue", "open", "close",
}  # fmt: skip


def _one_deed(a: Moment, b: Moment, lone: set[int]) -> bool:
    """Two reports' only days for one verb: one deed, whoever they say did it."""
    fa, fb = a.frame, b.frame
    return (
        id(a) in lone
        and id(b) in lone
        and a.source != b.source
        and fa.event == fb.event
        and fa.role == fb.role
        and fa.anchor == fb.anchor
        and _days_apart(a, b) <= _DEED_SPAN
    )


# Reports of one deed put it a day or a few apart (a weekday misread, a time zone, the day the
# news broke); days weeks or years apart are other deeds of the same verb ("came to the throne
# on 6 February 1952" / "passed the record on Sept. 9, 2015").
_DEED_SPAN = 7


def _days_apart(a: Moment, b: Moment) -> int:
    """Days between two days (a month-day counts in a leap year); 0 when either is a weekday alone."""
    if a.day and b.day:
        return abs((a.day - b.day).days)
    ma = a.monthday or ((a.day.month, a.day.day) if a.day else None)
    mb = b.monthday or ((b.day.month, b.day.day) if b.day else None)
    if ma and mb:
        gap = abs(date(2000, *ma).toordinal() - date(2000, *mb).toordinal())
        return min(gap, 366 - gap)
    return 0


def _each_its_own_day(sides: list[list[Moment]], published: dict[int, datetime | None]) -> bool:
    """Does every report give the day it was itself published? Then each tells what happened on
    its own day of a story followed over several ("the advisory remained in place Tuesday", from
    Tuesday's paper; "the district widened its advisory on Wednesday", from Wednesday's), not two
    days for one event."""
    for side in sides:
        for m in side:
            when = published.get(m.source)
            if m.day is None or when is None or m.day != when.date():
                return False
    return True


# ----------------------------------------------------------------------------- names


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (names are short)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# Spellings of one sound, folded before names are compared: "Marquardt"/"Markwardt",
# "Philips"/"Filips", "Katz"/"Kats", "Mohammed"/"Mohamed", "Wechsler"/"Wexler".
_SOUNDS = (
    ("chs", "ks"), ("x", "ks"), ("qu", "kw"), ("ph", "f"), ("ck", "k"), ("c", "k"), ("z", "s"), ("y", "i"), ("w", "v"),
)  # fmt: skip


def _sound(key: str) -> str:
    for written, said in _SOUNDS:
        key = key.replace(written, said)
    key = re.sub(r"(.)\1+", r"\1", key)  # doubled letters
    return key[:-1] if key.endswith("e") and len(key) > 4 else key  # a silent final e: "Browne", "Furlonge"


def variant(a: str, b: str) -> bool:
    """Two different keys that spell one name: a letter or two apart, or spelling one sound
    two ways, and not one inside the other.

    "yoonsulyeol"/"yoonsukyeol", "zelenskyy"/"zelenskiy" and "marquardt"/"markwardt" are
    variants; "kimyonghyun"/"kimeunhyun" (another person) and "borrell"/"borrelland" are not.
    """
    if a == b or a[0] != b[0]:
        return False
    if _sound(a) == _sound(b):
        return True  # before the test below: "henrikevos" / "henrikevoss" differ by a doubled letter
    if a in b or b in a:
        return False
    return _edits(a, b) <= max(1, min(len(a), len(b)) // 8)


_GENERATIONS = ("jr", "sr", "ii", "iii", "iv", "v")


def _same_generation(a: str, b: str) -> bool:
    """ "blackwelljr" and "blackwellsr" are father and son, not one name spelled twice."""
    ends = [next((g for g in _GENERATIONS if k.endswith(g)), "") for k in (a, b)]
    return ends[0] == ends[1]


def _one_person(a: Person, b: Person) -> bool:
    """The same person named twice: the same name, a variant, one name inside the other ("Kim" / "Kim
    Yong Hyun"), or a short first name ("Chris Wray" / "Christopher Wray")."""
    if a.key == b.key or variant(a.key, b.key) or set(a.words) <= set(b.words) or set(b.words) <= set(a.words):
        return True
    return (
        len(a.words) == len(b.words) == 2
        and a.words[-1] == b.words[-1]
        and a.words[0] != b.words[0]
        and len(min(a.words[0], b.words[0], key=len)) >= 3
        and (a.words[0].startswith(b.words[0]) or b.words[0].startswith(a.words[0]))
    )


def _qualifiers_agree(a: str, b: str) -> bool:
    """Whose role: "south korean" and "south korea" agree; "lumetra" and "corvane" do not, nor a
    qualified title and a bare one; a former holder is not the holder."""
    wa, wb = a.split(), b.split()
    status_a = {w for w in wa if w in _STATUS}
    status_b = {w for w in wb if w in _STATUS}
    if status_a != status_b:
        return False
    wa = [w for w in wa if w not in _STATUS]
    wb = [w for w in wb if w not in _STATUS]
    if not wa and not wb:
        return True
    if not wa or not wb:
        # "President Biden" and "French President Macron": not one post; but "the tanker's
        # captain" names no owner either, and "Captain Solheim" of the same story may hold it
        return (wa or wb)[0] == "the"
    if wa[0] == "the" or wb[0] == "the":
        # "the railroad's chief executive" names no railroad: in one story it is the railroad
        # another source names ("Keystone Central"), but not another unnamed owner ("the union")
        if wa[0] == wb[0]:
            return wa[1:][:1] == wb[1:][:1]
        return True
    return any(x[:5] == y[:5] for x in wa for y in wb)


# Offices held in every country, state or city: two holders named without saying where are
# not one post ("Mayor Plusquellic", "Mayor Freeman-Wilson"). A title elsewhere (referee, judge,
# mine manager) is one post in the story.
_OFFICES = {
    "president", "chancellor", "minister", "secretary", "mayor", "governor", "senator", "ambassador", "king",
    "queen", "premier", "state", "representative", "congressman", "congresswoman", "councillor", "councilman",
    "lawmaker", "mp", "leader", "prince", "princess", "speaker",
}  # fmt: skip
# Roles that many people in one story hold at once: never one post.
_MANY_HOLD = {
    "officer", "official", "spokesman", "spokeswoman", "spokesperson", "analyst", "expert", "professor", "doctor",
    "dr", "resident", "witness", "neighbor", "neighbour", "lawyer", "attorney", "researcher", "scientist",
    "economist", "student", "teacher", "nurse", "worker", "member", "aide", "source", "reporter", "correspondent",
    "editor", "writer", "author", "agent", "soldier", "activist", "protester", "fan", "player", "candidate",
    "guide", "instructor", "firefighter", "rescuer", "paramedic", "volunteer", "farmer", "engineer", "consultant",
    "guard", "climber", "skier", "survivor", "victim", "passenger",
}  # fmt: skip
_STATUS = {"former", "ex", "then", "acting", "interim", "late", "incoming", "outgoing", "deputy", "vice"}
# Bodies a story has one of: "union president", "board chairman", "league president" name the post
# of the story's union, board or league, not an office held in every country or city. Not "party"
# or "state": a story often has several parties, and "state senator" is an office of many.
_BODIES = {
    "union", "board", "league", "club", "federation", "association", "company", "firm", "university", "college",
    "school", "district", "hospital", "museum", "foundation", "trust", "cooperative", "society", "council",
    "authority", "agency", "commission", "committee", "airline", "bank", "church", "guild", "chamber",
}  # fmt: skip


# Offices a town, county or province has one of: in a story every report places in one town,
# "Mayor X" is that town's mayor.
_LOCAL_OFFICES = {"mayor", "governor", "premier"}


def _bodys_post(role: str) -> bool:
    """Is `role` an office of one named kind of body ("union president", "school board president")?"""
    words = role.split()
    return len(words) >= 2 and words[-2] in _BODIES


def _name_disagreements(people: list[Person], local: bool = False) -> list[Disagreement]:
    """Spelling variants of one name (minor), and different people in one role (a disagreement).

    `local`: every report names one same place, so a bare local office (mayor, governor) is one post."""
    out: list[Disagreement] = []
    by_key: dict[str, list[Person]] = defaultdict(list)
    for p in people:
        by_key[p.key].append(p)

    def shown(ps: Sequence[Person]) -> str:
        return _most_written(p.name for p in ps)

    # Spelling variants: close keys from different sources, reported once per name.
    keys = sorted(by_key)
    seen: set[str] = set()
    for k in keys:
        if k in seen:
            continue
        group = [k] + [o for o in keys if o != k and o not in seen and variant(k, o) and _same_generation(k, o)]
        if len(group) < 2:
            continue
        seen.update(group)
        srcs = [frozenset(p.source for p in by_key[g]) for g in group]
        if len(frozenset().union(*srcs)) < 2 or all(srcs[0] == x for x in srcs[1:]):
            continue  # every source writes both: two names ("Richards III", "Richards IV"), not two spellings
        sides = tuple(Side(shown(by_key[g]), tuple(sorted(s))) for g, s in zip(group, srcs))
        sides = tuple(sorted(sides, key=lambda s: (-len(s.citations), s.citations)))
        out.append(Disagreement(about=f"spelling of {sides[0].value}", kind="name", severity="minor", sides=sides))
    # Different people in one role: the same title (for the same side) or the same deed.
    named_in: dict[int, list[Person]] = defaultdict(list)
    for p in people:
        named_in[p.source].append(p)
    holders = [p for p in people if p.title or p.acts]
    reported: set[frozenset[str]] = set()
    for i, a in enumerate(holders):
        for b in holders[i + 1 :]:
            same_surname = len(a.words) == len(b.words) == 2 and a.words[-1] == b.words[-1]
            if a.source == b.source or _one_person(a, b) or same_surname:
                continue  # one surname in one role: one person ("Mike" / "Michael Cantaloupe")
            role = _shared_role(a, b)
            if not role:
                continue
            if _head(role) in _MANY_HOLD:
                continue  # "police officer Fahim" and "police officer Usman": a role many people hold
            if (
                role.split()[-1] in _OFFICES
                and not (a.qualifier and b.qualifier)
                and not _bodys_post(role)
                and not (local and role in _LOCAL_OFFICES and not (a.qualifier or b.qualifier))
            ):
                continue  # "Chancellor Hammond" and "Chancellor Merkel": an office held in many places
            # Each source names one person in this role, and never names the other person at all.
            if any(_one_person(b, x) for x in named_in[a.source]) or any(_one_person(a, x) for x in named_in[b.source]):
                continue
            if _role_holders(named_in[a.source], a, role) > 1 or _role_holders(named_in[b.source], b, role) > 1:
                continue
            if _role_holders(holders, None, role) > 2:
                continue  # three presidents in one story: a title many people hold, not one post
            pair = frozenset((a.key, b.key))
            if pair in reported:
                continue
            reported.add(pair)
            side_a = [p for p in holders if _one_person(p, a) and _shared_role(p, b)]
            side_b = [p for p in holders if _one_person(p, b) and _shared_role(p, a)]
            pair_sides = sorted(
                (Side(shown(side_a), _citations(side_a)), Side(shown(side_b), _citations(side_b))),
                key=lambda s: -len(s.citations),
            )
            out.append(Disagreement(about=role, kind="name", severity="disagreement", sides=tuple(pair_sides)))
    out += _two_posts(people)
    out.sort(key=lambda d: (d.severity != "disagreement",))
    return out


def _two_posts(people: Sequence[Person]) -> list[Disagreement]:
    """One person, two posts: each report gives the person one title, and the titles cannot both
    be true of one person ("site manager Gavin Tully", "union organiser Gavin Tully"). Not when a
    report gives the person both titles (one person may hold two posts), when a title is one many
    people hold ("spokesman", "official") or one inside the other ("spokeswoman", "company
    spokeswoman"), or when a title marks another time ("former", "acting")."""
    titled = [
        p
        for p in people
        if p.title
        and len(p.words) >= 2
        and _is_post(_head(p.title))
        and not set(f"{p.qualifier} {p.title}".split()) & _THEN
    ]
    clusters: list[list[Person]] = []
    for p in titled:
        home = next((c for c in clusters if any(_one_person(p, x) for x in c)), None)
        if home is None:
            clusters.append([p])
        else:
            home.append(p)
    out = []
    for cluster in clusters:
        posts = _sides(cluster, lambda a, b: _one_post(a.title, b.title))  # each post, in the order first named
        if len(posts) != 2:
            continue  # one post, or three and more: no two views of one fact
        sources = [{p.source for p in post} for post in posts]
        heads = [_head(post[0].title) for post in posts]
        if sources[0] & sources[1] or set(heads) & _MANY_HOLD or set(heads) <= _OFFICES:
            continue  # (two offices are often one politician's: "Sen. Schumer", "Majority Leader Schumer")
        if any(len(_post_shown(post).split()) < 2 for post in posts):
            # A bare noun describes more often than it names a post: "founder" of a project and
            # "investigative journalist", "general" and "chairman of the Joint Chiefs" (seen among
            # the 310 real AllSides stories); a post is named with whose or what ("site manager").
            continue
        name = _most_written(p.name for p in cluster)
        sides = sorted(
            (Side(_post_shown(post), _citations(post)) for post in posts),
            key=lambda s: (-len(s.citations), s.citations),
        )
        out.append(Disagreement(about=f"{name}'s post", kind="name", severity="disagreement", sides=tuple(sides)))
    return out


def _one_post(a: str, b: str) -> bool:
    """Two titles that may name one post: the same, one inside the other, or the same last word."""
    wa, wb = a.split(), b.split()
    return bool(_same_title(a, b, False)) or set(wa) <= set(wb) or set(wb) <= set(wa) or wa[-1] == wb[-1]


def _head(title: str) -> str:
    """The noun a title ends in: "police officer" -> "officer", "sen." -> "sen"."""
    return title.split()[-1].rstrip(".")


def _is_post(head: str) -> bool:
    """Is this the last word of a post a person holds ("manager", "minister"), not of whatever the
    parse took for a title ("margin")?"""
    return head in _POST_WORDS or (len(head) > 4 and head.endswith(_POST_ENDINGS))


def _post_shown(post: Sequence[Person]) -> str:
    return _most_written((f"{p.qualifier} {p.title}" if p.qualifier else p.title).strip() for p in post)


def _most_written(forms: Iterable[str]) -> str:
    """The form most reports use (the longer on a tie: the fuller name or title)."""
    counts = Counter(forms)
    return max(counts, key=lambda f: (counts[f], len(f)))


# Last words of posts: agent nouns by their ending ("manager", "director", "organiser",
# "economist", "superintendent"), and the posts that have none.
_POST_ENDINGS = ("er", "or", "ist", "ian", "ent", "ant", "eer")
_POST_WORDS = {
    "chair", "chairman", "chairwoman", "chairperson", "head", "chief", "minister", "mayor", "secretary", "captain",
    "coach", "clerk", "judge", "ceo", "cfo", "coo", "cto", "ciso", "governor", "sheriff", "marshal", "treasurer",
    "dean", "rector", "provost", "chancellor", "deputy", "envoy", "attaché", "skipper", "pilot", "mp", "senator",
    "president", "premier", "king", "queen", "bishop", "pastor", "priest", "imam", "rabbi", "general", "colonel",
    "major", "sergeant", "lieutenant", "admiral", "spokesman", "spokeswoman", "spokesperson", "executive",
}  # fmt: skip
# Titles that mark another time than the report's: not a view of the person's present post.
_THEN = {"former", "ex", "then", "late", "incoming", "outgoing", "acting", "interim", "retired", "onetime"}

# Titles of whoever leads an organisation: the union's "general secretary" is its "leader".
_HEADS = {"leader", "head", "general secretary", "secretary general"}


def _same_title(a: str, b: str, qualified: bool) -> str:
    """The role two titles name, or "": the same title; one title inside the other ending in the
    same noun ("commissioner", "police commissioner"); two words for the head of one named
    organisation (`qualified`: both say whose)."""
    if not a or not b:
        return ""
    if a == b:
        return a
    wa, wb = a.split(), b.split()
    if wa[-1] == wb[-1] and wa[-1] not in _OFFICES and (set(wa) <= set(wb) or set(wb) <= set(wa)):
        return max(a, b, key=len)  # not "minister" and "prime minister": offices of many holders
    if qualified and a in _HEADS and b in _HEADS:
        return "leader"
    # "union general secretary" and "union leader": the head of the organisation both titles
    # name first. As for every role, a disagreement also needs each source to name one person
    # in it and never the other (two unions' leaders are each named by their own reports).
    for k in range(1, min(len(wa), len(wb))):
        if wa[:k] == wb[:k] and " ".join(wa[k:]) in _HEADS and " ".join(wb[k:]) in _HEADS:
            return f"leader of the {' '.join(wa[:k])}"  # names whose: not an office of many holders
    return ""


def _shared_role(a: Person, b: Person) -> str:
    if a.acts and a.acts == b.acts:
        return a.acts
    if _qualifiers_agree(a.qualifier, b.qualifier):
        return _same_title(a.title, b.title, bool(a.qualifier and b.qualifier))
    return ""


def _role_holders(named: Sequence[Person], who: Person | None, role: str) -> int:
    """How many different people `named` holds in `role` (for whose side `who` is, when given)."""
    keys: list[Person] = []
    for p in named:
        same_role = (p.acts == role or bool(_same_title(p.title, role, True))) and (
            who is None or _qualifiers_agree(p.qualifier, who.qualifier)
        )
        if same_role and not any(_one_person(p, k) for k in keys):
            keys.append(p)
    return len(keys)


__all__ = ["find", "variant"]

"""Where and when: the lead sentence says where and on which day the event happened.

A wire story's first line carries its place and day ("SEOUL, Nov 4 -"). Our
lead is the claim most sources share, and its best wording often drops both:
one outlet writes "Borrell met Cho Tae-yul", another "held a meeting in Seoul
on Monday". When the lead lacks a place or a day that the claim's own
evidence states, code (not the model) puts them in front:
"In Seoul on 4 November 2024, Borrell met Cho Tae-yul ...". The result is
checked like any other sentence, and the sources that gave the place or day
are cited.

A place counts only in an event frame ("a meeting in Seoul", "In Seoul, ...")
and only when two sources give it: "troops in Russia" says where the troops
are, not where the news happened. A day is added only to a lead told in the
simple past ("met", not "has announced" or "is sending": a state or an
ongoing process has no single day), when two sources give it or the one that
does also places the event there. Relative days are resolved against the
stating report's publication day (an undated report: the story's day), as in
the timeline, and must fall within a week before the story's day.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from digest.nlp import english, parse
from digest.types import Article, BriefSentence, commonest_day

from . import timeline
from .evidence import Claim, EvidenceSet
from .facts import date_spans, date_words, fold, numbers
from .verify import unsupported

log = logging.getLogger(__name__)

PLACE_SOURCES = 2  # distinct sources that must put the event in the same place
DAY_WINDOW = 7  # days before the story's day a resolved day may fall
_PLACE_LABELS = ("GPE", "LOC", "FAC")
# Words that make "in X" the place of an event rather than of a thing.
_EVENT_WORDS = re.compile(
    r"\b(?:meet|meets|met|meeting|meetings|talks|dialogue|summit|conference|visit|visits|visited|visiting|held|"
    r"hold|holds|hosted|hosts|host|gathered|signed|sign|signs|spoke|speaking|speech|told|said|announced|"
    r"inaugurated|opened|launched|ceremony|session|forum|rally|vote|voted|election|attack|attacked|struck|"
    r"explosion|fire|crash|protest|protests|arrived|arrives|trial|court|hearing)\b",
    re.IGNORECASE,
)
_FRAMED = re.compile(
    r"^(?:in|on|at|during|after|before|earlier|later|last|this|yesterday|today|[\"“‘'«])", re.IGNORECASE
)


def place_and_day(sentence: BriefSentence, claim: Claim, ev: EvidenceSet, articles: Sequence[Article]) -> BriefSentence:
    """The lead with its place and day put in front when the evidence states them (see `anchor`)."""
    try:
        english()
        nlp: Callable[[str], Any] | None = parse  # tagger and entities only
    except Exception as exc:
        log.debug("no spaCy for the lead's place and day: %s", exc)
        nlp = None
    return anchor(
        sentence,
        claim,
        ev,
        timeline.reference_days(articles),
        commonest_day(a.published for a in articles),
        [a.sentences for a in articles],
        timeline.stated_days(articles),
        nlp,
    )


def anchor(
    sentence: BriefSentence,
    claim: Claim,
    ev: EvidenceSet,
    reference_days: Sequence[date | None],
    story_day: date | None,
    source_texts: Sequence[Sequence[str]],
    source_days: Sequence[set[date]],
    nlp: Callable[[str], Any] | None = None,
) -> BriefSentence:
    """`sentence` with "In <place> on <day>, " in front when its claim's evidence gives them; else unchanged.

    For source n, `reference_days[n-1]` is the day its relative dates count from,
    `source_texts[n-1]` its sentences and `source_days[n-1]` the days they state;
    the result is checked against the cited ones. `nlp` turns a text into a spaCy
    Doc with tags and entities (`digest.nlp.parse`); without it the lead stays as written.
    """
    text = sentence.text
    if nlp is None or _FRAMED.match(text) or claim.reaction:
        return sentence
    doc = nlp(text)
    evidence = [ev.sentences[i] for i in claim.evidence]
    place, place_sources, placing = (None, set(), set()) if _has_place(doc) else _place(evidence, nlp)
    if place and fold(place) in fold(text):
        place, place_sources, placing = None, set(), set()
    day: date | None = None
    day_sources: set[int] = set()
    # A day only for a finished event told in the past tense ("met", not "has announced" or
    # "is sending"), and only when two sources give it or the one that does also gives the place.
    if _past_event(doc) and not (date_spans(text, story_day) or _has_day_word(text) or _has_time(doc)):
        day, day_sources = _day(evidence, reference_days, story_day, placing)
    if place is None and day is None:
        return sentence
    # The place alone is the fallback when the day cannot be cited (below): a place is no figure.
    tries = [(place, place_sources, day, day_sources)] + (
        [(place, place_sources, None, set())] if place and day else []
    )
    # The numbers each candidate source states, read once for both tries.
    stated_numbers = {
        n: numbers(" ".join(source_texts[n - 1])) for n in set(sentence.citations) | place_sources | day_sources
    }
    for where, where_sources, when, when_sources in tries:
        out = _anchored(
            sentence, doc, where, when, where_sources | when_sources, source_texts, source_days, stated_numbers
        )
        if out is not None:
            return out
    return sentence


def _anchored(
    sentence: BriefSentence,
    doc,
    place: str | None,
    day: date | None,
    sources: set[int],
    source_texts: Sequence[Sequence[str]],
    source_days: Sequence[set[date]],
    stated_numbers: dict[int, set[str]],
) -> BriefSentence | None:
    """The lead with "In <place> on <day>, " in front, cited to the sources that state every
    figure of it; None if those sources do not support it all.

    A source is never cited for a sentence with a figure it does not state (verify.supporters'
    rule): one that supports the lead's event but not its day ("on Monday" in its own words
    counts) or its numbers is not cited for the dated lead.
    """
    text = sentence.text
    where = f"in {place}" if place else ""
    when = f"on {day.day} {day.strftime('%B')} {day.year}" if day else ""
    prefix = " ".join(p for p in (where, when) if p)
    first, _, rest = text.partition(" ")
    if doc[0].tag_ not in ("NNP", "NNPS") and not (first.isupper() and len(first) > 1):
        first = first[:1].lower() + first[1:]  # "The EU ..." -> "..., the EU ...", a name keeps its capital
    anchored = f"{prefix[0].upper()}{prefix[1:]}, {first} {rest}".strip()
    figures = numbers(text)
    citations = tuple(
        n
        for n in sorted(set(sentence.citations) | sources)
        if (day is None or day in source_days[n - 1]) and figures <= stated_numbers[n]
    )
    cited = [s for n in citations for s in source_texts[n - 1]]
    stated = set().union(*(source_days[n - 1] for n in citations))
    if not citations or unsupported(anchored, cited, dates=stated):
        return None
    return BriefSentence(anchored, citations, sentence.written_by)


def _places(doc) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in _PLACE_LABELS]


def _has_place(doc) -> bool:
    """Does the sentence already say where, with "in <place>"?"""
    return any(re.search(r"\bin\s+(?:the\s+)?$", doc.text[:start], re.IGNORECASE) for start, _, _ in _places(doc))


def _past_event(doc) -> bool:
    """Is the sentence's first verb a simple past ("met", "held", "signed")?"""
    verbs = [t.tag_ for t in doc if t.tag_.startswith("VB") or t.tag_ == "MD"]
    return bool(verbs) and verbs[0] == "VBD"


def _has_time(doc) -> bool:
    """Any time already in the sentence ("this week", "the Fourth of July weekend")?"""
    return any(e.label_ in ("DATE", "TIME") for e in doc.ents)


def _has_day_word(text: str) -> bool:
    """A weekday or "yesterday/today/tonight" (as facts.date_words reads them)."""
    return any(w.startswith("weekday") or w in ("yesterday", "today", "tonight") for w in date_words(text))


def _place(evidence, nlp) -> tuple[str | None, set[int], set[int]]:
    """The place the claim's event happened in, as at least PLACE_SOURCES sources frame it:
    (place, its sources, the evidence indices that frame it)."""
    sources: dict[str, set[int]] = defaultdict(set)
    framing: dict[str, set[int]] = defaultdict(set)
    shown: dict[str, str] = {}
    for e in evidence:
        for start, end, name in _places(nlp(e.text)):
            before = e.text[:start]
            m = re.search(r"\b(in)\s+(?:the\s+)?$", before, re.IGNORECASE)
            if not m:
                continue
            sentence_start = not before[: m.start()].strip()
            framed = sentence_start and e.text[end:].lstrip().startswith(",")
            near = " ".join(before[: m.start()].split()[-6:])
            if framed or _EVENT_WORDS.search(near):
                key = fold(name)
                sources[key].add(e.source)
                framing[key].add(e.index)
                shown.setdefault(key, name)
    best = max(sources, key=lambda k: (len(sources[k]), -len(k)), default=None)
    if best is None or len(sources[best]) < PLACE_SOURCES:
        return None, set(), set()
    return shown[best], sources[best], framing[best]


def _day(
    evidence, reference_days: Sequence[date | None], story_day: date | None, placing: set[int]
) -> tuple[date | None, set[int]]:
    """The day the claim's evidence says the event happened, resolved: the latest that two
    sources give, or that one gives in a sentence which also places the event."""
    if story_day is None:
        return None, set()
    sources: dict[date, set[int]] = defaultdict(set)
    placed: dict[date, bool] = defaultdict(bool)
    for e in evidence:
        for _, _, d in date_spans(e.text, reference_days[e.source - 1]):
            if story_day - timedelta(days=DAY_WINDOW) <= d <= story_day:
                sources[d].add(e.source)
                placed[d] = placed[d] or e.index in placing
    usable = [d for d in sources if len(sources[d]) >= 2 or placed[d]]
    best = max(usable, key=lambda d: (len(sources[d]), d), default=None)
    return (best, sources[best]) if best else (None, set())

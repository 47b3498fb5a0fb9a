"""Typed facts of source sentences: quantities with what they measure, people with their role, places, dates.

Disagreements, citations, the timeline and "only in" all ask what a sentence states
and whether two sentences state the same thing, so the answer is computed here once
per story. spaCy (the packaged `en_core_web_sm`, via `digest.nlp`) gives the parse and
the entities; written here by hand are only the two things no library does for us:

- normalisation: number words ("two dozen"), scales ("£2.1bn" = "£2,100m"), shares
  ("a tenth" = 10%), percentage points and basis points ("a quarter point" = 0.25
  points = "25 basis points"), units (km and miles), hedges ("at least", "about",
  "more than", "nearly", "up to") as bounds or rounding, ranges, tallies ("41 to 29");
- alignment: what a value measures, its `Frame` (the counted thing and its role in the
  sentence: killed, injured, built, the minute of a goal, a crowd, a vote), so that two
  values are compared only when they measure the same thing (`same_measure`).

API (the briefing calls these; nothing here depends on its internal classes)::

    statements = [Statement(source, index, text, published), ...]  # one per source sentence
    facts = extract(statements)          # list[SentenceFacts], one per statement, batched once per story
    one = facts_of(text, published)      # the facts of one more sentence (e.g. a model-written one)
    supports(one, [facts[i], facts[j]])  # do these source sentences state every fact of `one`? cheap
    same_measure(q1.frame, q2.frame)     # do two quantities measure the same thing?

Work is bounded: only the first `MAX_SENTENCES` statements of each source and the
first `MAX_CHARS` characters of each are analysed (later ones get empty facts), so a
huge or number-dense article costs no more than a normal one.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

from digest.types import commonest_day

from .facts import MONTHS, date_spans, fold, week_spans

log = logging.getLogger(__name__)

# A news report states its facts early; the dev stories and seeds hold 10-40 sentences per
# report. Facts after the 60th sentence are not analysed, which bounds the parse of a huge page.
MAX_SENTENCES = 60
# Real sentences run to a few hundred characters; a longer "sentence" is a table or a list
# of figures, whose tail is not analysed (bounds spaCy's work and the number of facts).
MAX_CHARS = 600
MAX_FACTS = 12  # per sentence and kind: a denser sentence is a table, not prose


@dataclass(frozen=True)
class Statement:
    """One source sentence as the briefing sees it."""

    source: int  # the source number n ([n])
    index: int  # the caller's index of the sentence (returned unchanged)
    text: str
    published: datetime | None = None  # the report's publication time: relative dates count from it
    standalone: bool = True  # may be shown on its own (timeline, only-in)


# ----------------------------------------------------------------------------- amounts

Qualifier = Literal["", "about", "nearly", "at least", "more than", "at most", "less than", "range"]


@dataclass(frozen=True)
class Amount:
    """A value as stated, normalised to one unit per dimension, with the interval it allows."""

    value: float  # the nominal value (for a range, its low end)
    low: float
    high: float
    qualifier: Qualifier = ""
    value2: float | None = None  # a range's high end, or a tally's second number
    converted: bool = False  # stated in another unit of the dimension (miles for km): rounded by conversion
    grain: float = 0.0  # what the written figure was rounded to, in normalised units

    def interval(self, widen: bool = False) -> tuple[float, float]:
        if widen and self.qualifier != "about":
            # a converted figure is only as exact as its rounding ("over two miles" and 3,218 metres),
            # on each side it bounds ("about" has its rounding already)
            low = self.low - self.grain / 2 if math.isfinite(self.low) else self.low
            high = self.high + self.grain / 2 if math.isfinite(self.high) else self.high
            return low, high
        return self.low, self.high

    def compatible(self, other: Amount) -> bool:
        """Can both be true of one quantity ("nearly 61,500" and 61,482; "at least 4" and 5)?"""
        if self.value2 is not None and other.value2 is not None and self.qualifier == other.qualifier == "tally":
            return _close(self.value, other.value) and _close(self.value2, other.value2)
        widen = self.converted != other.converted
        a_lo, a_hi = self.interval(widen)
        b_lo, b_hi = other.interval(widen)
        eps = 1e-9 * max(1.0, abs(a_lo), abs(b_lo))
        return a_lo <= b_hi + eps and b_lo <= a_hi + eps

    def same(self, other: Amount) -> bool:
        """Do both state the same figure (the same number in any form: 10% and "a tenth")?"""
        if not _close(self.value, other.value):
            if self.converted != other.converted:  # 10 km and "about six miles": the same figure rounded
                return self.compatible(other) and (self.qualifier == "about" or other.qualifier == "about")
            return False
        if (self.value2 is None) != (other.value2 is None):
            return False
        return self.value2 is None or other.value2 is None or _close(self.value2, other.value2)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _grain(written: str, scale: float) -> float:
    """The unit of the last significant digit as written: 1000 for 24,000, 0.1 million for 4.3 million."""
    digits = written.replace(",", "")
    if "." in digits:
        return 10.0 ** -len(digits.split(".", 1)[1]) * scale
    stripped = digits.rstrip("0")
    return 10.0 ** (len(digits) - len(stripped)) * scale if stripped else scale


def _amount(value: float, grain: float, qualifier: Qualifier, value2: float | None = None) -> Amount:
    """The interval a hedged figure allows. A bare figure is exact: "24,000" is not 23,500."""
    half = grain / 2
    if qualifier == "about":
        return Amount(value, value - half, value + half, qualifier, value2, grain=grain)
    if qualifier == "nearly":
        return Amount(value, value - half, value, qualifier, value2, grain=grain)
    if qualifier in ("at least", "more than"):
        return Amount(value, value, math.inf, qualifier, value2, grain=grain)
    if qualifier in ("at most", "less than"):
        return Amount(value, -math.inf if value < 0 else 0.0, value, qualifier, value2, grain=grain)
    if qualifier == "range" and value2 is not None:
        return Amount(value, min(value, value2), max(value, value2), qualifier, value2, grain=grain)
    return Amount(value, value, value, qualifier, value2, grain=grain)


# ----------------------------------------------------------------------------- vocabulary

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALE_WORDS = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_SHORT = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12}
_FRACTIONS = {
    "half": 50.0,
    "third": 100 / 3,
    "quarter": 25.0,
    "fifth": 20.0,
    "sixth": 100 / 6,
    "eighth": 12.5,
    "tenth": 10.0,
}
_FRACTION_PLURALS = {"halves": 50.0, "thirds": 100 / 3, "quarters": 25.0, "fifths": 20.0, "tenths": 10.0}
# A fraction word is a share rounded to a simple fraction; the common ones (a fifth, a quarter)
# are 5 points apart, so a fraction word allows half that either side.
FRACTION_SLACK = 2.5

# Hedges before a figure, longest first; each maps to how it bounds the value.
_QUALIFIERS: list[tuple[tuple[str, ...], Qualifier]] = sorted(
    [
        (("at", "least"), "at least"), (("no", "fewer", "than"), "at least"), (("no", "less", "than"), "at least"),
        (("a", "minimum", "of"), "at least"), (("more", "than"), "more than"), (("over",), "more than"),
        (("upwards", "of"), "more than"), (("in", "excess", "of"), "more than"), (("well", "over"), "more than"),
        (("just", "over"), "more than"), (("above",), "more than"), (("at", "most"), "at most"),
        (("no", "more", "than"), "at most"), (("up", "to"), "at most"), (("as", "many", "as"), "at most"),
        (("a", "maximum", "of"), "at most"), (("less", "than"), "less than"), (("fewer", "than"), "less than"),
        (("under",), "less than"), (("below",), "less than"), (("just", "under"), "nearly"),
        (("nearly",), "nearly"), (("almost",), "nearly"), (("close", "to"), "nearly"), (("about",), "about"),
        (("around",), "about"), (("approximately",), "about"), (("approx",), "about"), (("roughly",), "about"),
        (("some",), "about"), (("an", "estimated"), "about"), (("estimated",), "about"), (("circa",), "about"),
        (("or", "so"), "about"),
    ],
    key=lambda qa: -len(qa[0]),
)  # fmt: skip

_CURRENCY_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR", "₩": "KRW"}
_CURRENCY_PREFIXES = {"us": "USD", "a": "AUD", "c": "CAD", "hk": "HKD", "nz": "NZD", "s": "SGD"}
_CURRENCY_WORDS = {
    "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "pound": "GBP", "pounds": "GBP",
    "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "rupees": "INR", "franc": "CHF",
    "francs": "CHF", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "won": "KRW",
    "krona": "SEK", "kronor": "SEK", "krone": "NOK", "kroner": "NOK", "zloty": "PLN", "lira": "TRY",
    "rand": "ZAR", "peso": "MXN", "pesos": "MXN", "real": "BRL", "reais": "BRL", "shekels": "ILS",
}  # fmt: skip

# (dimension, factor to the dimension's base unit). Base units: metre, square metre, gram,
# metre per second, litre, second, percent, percentage point.
_UNIT_WORDS: dict[str, tuple[str, float]] = {
    "%": ("percent", 1), "percent": ("percent", 1), "pc": ("percent", 1),
    "bps": ("points", 0.01), "bp": ("points", 0.01), "pts": ("points", 1),
    "km": ("length", 1000), "kilometre": ("length", 1000), "kilometres": ("length", 1000),
    "kilometer": ("length", 1000), "kilometers": ("length", 1000), "metre": ("length", 1), "metres": ("length", 1),
    "meter": ("length", 1), "meters": ("length", 1), "cm": ("length", 0.01), "centimetres": ("length", 0.01),
    "centimeters": ("length", 0.01), "mm": ("length", 0.001), "millimetres": ("length", 0.001),
    "millimeters": ("length", 0.001), "mile": ("length", 1609.344), "miles": ("length", 1609.344),
    "ft": ("length", 0.3048), "foot": ("length", 0.3048), "feet": ("length", 0.3048), "inch": ("length", 0.0254),
    "inches": ("length", 0.0254), "yard": ("length", 0.9144), "yards": ("length", 0.9144),
    "acre": ("area", 4046.8564), "acres": ("area", 4046.8564), "hectare": ("area", 1e4), "hectares": ("area", 1e4),
    "ha": ("area", 1e4), "g": ("mass", 1), "gram": ("mass", 1), "grams": ("mass", 1), "grammes": ("mass", 1),
    "kg": ("mass", 1e3), "kilogram": ("mass", 1e3), "kilograms": ("mass", 1e3), "kilos": ("mass", 1e3),
    "tonne": ("mass", 1e6), "tonnes": ("mass", 1e6), "lb": ("mass", 453.59237), "lbs": ("mass", 453.59237),
    "ounce": ("mass", 28.349523), "ounces": ("mass", 28.349523), "oz": ("mass", 28.349523),
    "mph": ("speed", 0.44704), "kph": ("speed", 1 / 3.6), "kmh": ("speed", 1 / 3.6), "knots": ("speed", 0.514444),
    "litre": ("volume", 1), "litres": ("volume", 1), "liter": ("volume", 1), "liters": ("volume", 1),
    "gallon": ("volume", 3.785411784), "gallons": ("volume", 3.785411784), "barrel": ("volume", 158.987),
    "barrels": ("volume", 158.987), "second": ("duration", 1), "seconds": ("duration", 1),
    "minute": ("duration", 60), "minutes": ("duration", 60), "hour": ("duration", 3600), "hours": ("duration", 3600),
    "day": ("duration", 86400), "days": ("duration", 86400), "week": ("duration", 604800),
    "weeks": ("duration", 604800), "month": ("duration", 2629800), "months": ("duration", 2629800),
    "year": ("duration", 31557600), "years": ("duration", 31557600), "decade": ("duration", 315576000),
    "decades": ("duration", 315576000),
}  # fmt: skip
_TWO_WORD_UNITS = {
    ("per", "cent"): ("percent", 1), ("percentage", "point"): ("points", 1), ("percentage", "points"): ("points", 1),
    ("basis", "point"): ("points", 0.01), ("basis", "points"): ("points", 0.01), ("km", "h"): ("speed", 1 / 3.6),
    ("square", "kilometres"): ("area", 1e6), ("square", "kilometers"): ("area", 1e6), ("sq", "km"): ("area", 1e6),
    ("square", "miles"): ("area", 2589988.1), ("square", "metres"): ("area", 1), ("square", "meters"): ("area", 1),
}  # fmt: skip
# "points" alone: percentage points after a rate ("a quarter point"), index or sports points otherwise;
# both are the "points" dimension and compared only within one measure.
_POINT_WORDS = {"point": ("points", 1.0), "points": ("points", 1.0)}
# A figure after these words is a reading on their scale ("magnitude 6.4", "Category 4").
_SCALE_PREFIXES = {"magnitude", "category", "level", "grade", "stage", "phase", "force", "band", "tier"}
_PER_UNITS = {"day", "week", "month", "year", "hour", "minute", "night", "share", "head", "person", "capita", "game"}
_TIME_ZONES = {"utc", "gmt", "bst", "cet", "cest", "est", "edt", "cst", "cdt", "pst", "pdt", "mst", "mdt", "jst", "kst"}

# What is counted and what happens to it, in one form per meaning (normalisation of news vocabulary).
_PERSON_NOUNS = {"people", "person", "other", "others", "one", "individual", "individuals"}
# Nouns of people that an age or a name may belong to ("Lorraine Pettigrew, 67" / "a retired bus
# driver, 76"); see `_a_person` for the endings that also say so.
_PEOPLE_WORDS = {
    "man", "woman", "boy", "girl", "child", "baby", "toddler", "teenager", "teen", "youngster", "adult", "pensioner",
    "mother", "father", "parent", "son", "daughter", "wife", "husband", "brother", "sister", "grandmother",
    "grandfather", "grandparent", "grandson", "granddaughter", "widow", "widower", "uncle", "aunt", "nephew",
    "niece", "cousin", "resident", "neighbour", "neighbor", "victim", "survivor", "suspect", "defendant",
    "winner", "driver", "pilot", "passenger", "worker", "teacher", "student", "pupil", "officer", "jockey",
    "rider", "trainer", "player", "captain", "farmer", "owner", "climber", "skier", "swimmer", "runner", "cyclist",
    "walker", "hiker", "diver", "doctor", "nurse", "patient", "soldier", "veteran", "mayor", "chief", "director",
    "founder", "author", "writer", "novelist", "poet", "artist", "actor", "actress", "singer", "musician",
    "grandmaster", "champion", "coach", "manager", "employee", "volunteer", "prisoner", "inmate", "retiree",
    "labourer", "builder", "engineer", "scientist", "researcher", "professor", "lecturer", "judge", "lawyer",
    "tenant", "landlord", "shopkeeper", "customer", "buyer", "seller", "collector", "donor", "friend", "partner",
}  # fmt: skip
_THING_SYNONYMS = {
    "crowd": "attendance", "spectator": "attendance", "spectators": "attendance", "attendance": "attendance",
    "death": "person", "fatality": "person", "casualty": "person", "victim": "person", "body": "person",
    "injury": "person", "troop": "soldier", "charge": "cost", "expense": "cost", "cut": "job", "role": "job", "post": "job", "position": "job",
    "twister": "tornado", "quake": "earthquake", "tremor": "earthquake", "ceasefire": "agreement",
    "truce": "agreement", "deal": "agreement", "accord": "agreement", "pact": "agreement",
    "contract": "agreement", "workforce": "staff", "employee": "staff", "personnel": "staff", "worker": "staff",
    "house": "home", "dwelling": "home", "vessel": "ship", "tanker": "ship", "stock": "share",
    "walkout": "strike", "stoppage": "strike", "game": "match", "fixture": "match", "blaze": "fire",
    "inferno": "fire", "blast": "explosion", "blackout": "outage",
}  # fmt: skip
_EVENT_SYNONYMS = {
    "kill": "killed", "die": "killed", "dead": "killed", "death": "killed", "fatality": "killed",
    "perish": "killed", "toll": "killed", "body": "killed", "injure": "injured", "hurt": "injured",
    "wound": "injured", "injury": "injured", "injured": "injured", "wounded": "injured",
    "defense": "defence", "shed": "cut", "axe": "cut", "eliminate": "cut", "slash": "cut",
    "hit": "strike", "jail": "sentence", "imprison": "sentence", "lift": "raise", "hike": "raise",
    "purchase": "buy", "acquire": "buy", "acquisition": "buy", "takeover": "buy", "find": "discover",
    "find out": "discover", "bring out": "rescue", "pull out": "rescue", "save": "rescue", "airlift": "rescue",
    "battle": "fight", "tackle": "fight", "fetch": "sell",
    # a side's ask in a negotiation, never the other side's offer: "wants an 11% rise" / "offered 9%"
    "want": "demand", "seek": "demand", "ask": "demand", "request": "demand",
    "spot": "see", "notice": "see", "sight": "see",
    # one departure, one issued licence: "departed at 6:10" / "left at 6:40"; "granted" / "issued"
    "depart": "leave", "grant": "issue", "detain": "arrest", "call in": "report",
}  # fmt: skip
# Nouns that name an event rather than a thing: "a $14.6bn purchase" is what was paid to buy.
_EVENT_NOUNS = {"purchase": "buy", "acquisition": "buy", "takeover": "buy", "sale": "sell", "signing": "sign"}
# A change verb says that a measure moved, not what it measures: "the toll rose to five" is the toll.
_CHANGE_VERBS = {
    "rise", "climb", "grow", "increase", "jump", "soar", "surge", "fall", "drop", "decline", "decrease", "dip",
    "slip", "slide", "plunge", "raise", "lift", "cut", "lower", "reduce", "up", "down", "edge", "reach", "hit",
    "revise", "put", "estimate", "give", "set", "stand", "total", "number", "tally", "top", "exceed",
}  # fmt: skip
# Verbs that widen what a count covers: the figure after them is where the count moved to.
# Not "raise" or "increase": a rate "raised to 4.75%" is a decision, not a count that grew.
_WIDENING = {"extend", "expand", "widen", "broaden", "enlarge", "grow", "swell"}
_COVERED = {"count", "area", "length", "volume", "mass"}  # what a widened order or zone covers
_RISING = {"rise", "climb", "grow", "increase", "jump", "soar", "surge", "reach", "top", "exceed", "double"}
# Verbs that carry no measure of their own: the measure is their subject ("turnout was 41%").
_LIGHT_VERBS = {
    "be", "have", "remain", "stand", "reach", "total", "number", "become", "stay", "hit", "see", "show", "affect",
    "involve", "include",
}  # fmt: skip
# Objects of phrasal verbs, not things: "take place", "take effect", "take part", "set sail".
_LIGHT_OBJECTS = {"place", "effect", "part", "shape", "hold", "action", "sail"}
# How money is paid, not what it is ("$14.6 billion in cash").
_PAYMENT_FORMS = {"cash", "stock", "shares", "bonds", "notes", "coins", "instalments", "installments", "total", "all"}
# Nouns that wrap the counted thing: "the number of patients", "reports of burn injuries".
_WRAPPERS = {"number", "total", "figure", "count", "tally", "report", "share", "proportion", "percentage", "majority"}
_RELATIVE = {"which", "that", "who", "whom", "whose"}
_SOMEONE = "person:"  # a subject named by a person's name ("person:lowther"): any noun may describe them
_PRONOUNS = {"it", "they", "he", "she", "we", "this", "these", "those", "them", "its", "their", "i", "you"}
# Time words that make a figure another period's: "79.1% last year" is not this year's rate.
_ANCHOR_WORDS = {"last", "previous", "prior", "next", "former", "earlier", "preceding"}
# Words that make a thing another one of its kind: "a second strike", "another walkout" is not "the strike".
_SEQUEL_WORDS = {"second", "third", "another", "fresh"}

# Entities whose numbers are part of a name, not a measure.
_NAME_ENTITIES = {"FAC", "ORG", "PRODUCT", "WORK_OF_ART", "LAW", "PERSON", "GPE", "LOC", "EVENT"}

_LEX = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)?|\S")


@dataclass(frozen=True)
class _Lexeme:
    text: str
    low: str
    start: int
    end: int


def _lex(text: str) -> list[_Lexeme]:
    return [_Lexeme(m.group(), m.group().lower(), m.start(), m.end()) for m in _LEX.finditer(text)]


# ----------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Frame:
    """What a value measures: the counted thing, what happens to it, and the figure's role.

    `thing` and `event` are lemmas in one form per meaning ("people" and "others" are
    "person"; "died", "dead" and "death toll" are "killed"); `role` is the figure's
    preposition when it marks a role of its own ("from" = an earlier value, "by" = a
    change, "since" = a starting point; "", "to", "at", "of" are the level itself).
    """

    dimension: str  # "count", "percent", "points", "money:GBP", "length", "year", "ordinal", "tally", "clock", ...
    thing: str = ""
    event: str = ""
    role: str = ""
    subject: str = ""  # the head of the predicate's subject, when it is not the thing
    anchor: str = ""  # "last", "next", a year: the period the figure belongs to, when not the story's
    per: str = ""  # a rate's unit: "day" in "18,000 vehicles a day"
    modifiers: frozenset[str] = frozenset()  # the thing's own modifiers ("burn" injuries, "men's" race)
    label: str = ""  # words for people: "people killed", "pass rate"
    moved: bool = False  # the sentence says this figure moved to its value ("the toll rose to five")
    prop: bool = False  # the figure modifies its thing ("a five-year contract"): a property, whatever is done to it
    provisional: bool = False  # "so far": a count that may still grow
    place: str = ""  # where the counted things are, when the sentence says ("in North Carolina", "Virginia")
    current: bool = False  # "now": the figure as it stands after earlier ones ("48 homes have now been cleared")


@dataclass(frozen=True)
class Quantity:
    statement: int  # position in the statements given to `extract`
    source: int
    shown: str  # as written, hedges included: "at least four"
    amount: Amount
    frame: Frame
    start: int = 0  # character span in the statement's text
    end: int = 0


@dataclass(frozen=True)
class Moment:
    """A date or time of day the sentence states, resolved against the report's day."""

    statement: int
    source: int
    shown: str  # "6 p.m. on Sunday", "third quarter of 2025"
    day: date | None = None
    monthday: tuple[int, int] | None = None  # (month, day) when the year is unknown (an undated report)
    month: tuple[int, int] | None = None  # (year, month) for "March 2023"
    period: str = ""  # "2025Q3", "2025H2"
    clock: int | None = None  # minutes after midnight
    year: int | None = None
    weekday: int | None = None  # 0 = Monday, for "on Monday" in an undated report (no day to resolve it to)
    guessed_day: date | None = None  # that weekday resolved against the story's day (for the timeline only)
    week: date | None = None  # the Monday of "last week", "this week"
    frame: Frame = field(default_factory=lambda: Frame("date"))
    start: int = 0
    end: int = 0
    half_day: bool = False  # "half past seven": the clock is known only up to 12 hours
    near: int = 0  # "shortly before 4am" -30, "just after 3 a.m." +30: minutes the time may lie before or after

    def _clock_span(self, modulo: int) -> tuple[int, int]:
        assert self.clock is not None
        lo, hi = sorted((self.clock, self.clock + self.near))
        return lo % modulo, hi % modulo

    def _clock_differs(self, other: Moment) -> bool:
        assert self.clock is not None and other.clock is not None
        modulo = 720 if self.half_day or other.half_day else 1440
        (a_lo, a_hi), (b_lo, b_hi) = self._clock_span(modulo), other._clock_span(modulo)
        if a_lo > a_hi or b_lo > b_hi:  # a span across midnight (or noon): compare the stated times
            return self.clock % modulo != other.clock % modulo
        return a_hi < b_lo or b_hi < a_lo

    def _one_weekday_named(self, other: Moment) -> bool:
        """ "Thursday" in two reports of one story is one Thursday, however each resolved it: one
        report says the meeting "will" be then, the other that "they'll meet" then."""
        a, b = _BARE_WEEKDAY.fullmatch(self.shown.strip()), _BARE_WEEKDAY.fullmatch(other.shown.strip())
        return bool(a and b and a.group(1).lower() == b.group(1).lower())

    def conflicts(self, other: Moment) -> bool:
        """Both precise enough to compare, and different (a day, a month, a quarter or a time of day)."""
        if self.clock is not None and other.clock is not None and self._clock_differs(other):
            return True
        if self.clock is None and other.clock is None and self._one_weekday_named(other):
            return False
        if self.day and other.day:
            return self.day != other.day
        if self.weekday is not None and other.weekday is not None:
            return self.weekday != other.weekday
        if self.weekday is not None and other.day or other.weekday is not None and self.day:
            return self._weekday() != other._weekday()
        if self.monthday and other.monthday:
            return self.monthday != other.monthday
        if self.month and other.month:
            return self.month != other.month
        if self.period and other.period:
            return not _same_period(self.period, other.period)
        return False

    def _weekday(self) -> int | None:
        return self.weekday if self.weekday is not None else (self.day.weekday() if self.day else None)

    def same(self, other: Moment) -> bool:
        if self.clock is not None or other.clock is not None:
            if self.clock is None or other.clock is None or self._clock_differs(other):
                return False
            return not (self.day and other.day and self.day != other.day)
        if self._one_weekday_named(other):
            return True
        for whole, part in ((self, other), (other, self)):
            if whole.month and not (whole.day or whole.monthday) and (part.day or part.monthday):
                # "starting in July" and "beginning on July 15": the day is in the month
                month = part.day.month if part.day else part.monthday[0]  # type: ignore[index]
                return month == whole.month[1] and (part.day is None or part.day.year == whole.month[0])
        if self.weekday is not None or other.weekday is not None:
            return self._weekday() == other._weekday()
        if self.day or other.day:
            return self.day == other.day
        if self.monthday or other.monthday:
            return self.monthday == other.monthday
        if self.month or other.month:
            return self.month == other.month
        if self.period or other.period:
            return _same_period(self.period, other.period)
        return self.year is not None and self.year == other.year


def _same_period(a: str, b: str) -> bool:
    """ "2025Q3" and "?Q3" (a quarter whose year the report does not give) may be one period."""
    if not a or not b:
        return False
    if a.startswith("?") or b.startswith("?"):
        return a.lstrip("?0123456789") == b.lstrip("?0123456789")
    return a == b


@dataclass(frozen=True)
class Person:
    statement: int
    source: int
    name: str  # as written, title left out: "Kim Yong Hyun"
    key: str  # folded letters only: "kimyonghyun"
    words: tuple[str, ...]  # folded name words
    title: str = ""  # "defence minister", "referee" (spelling and case folded)
    qualifier: str = ""  # whose: "south korean", "lumetra"
    acts: str = ""  # the role by deed: "broker truce", "lead company"


@dataclass(frozen=True)
class Place:
    statement: int
    source: int
    name: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class SentenceFacts:
    statement: Statement
    position: int  # the statement's position in the list given to `extract`
    text: str = ""  # the text analysed (the statement's, dateline cut off): facts' start/end point into it
    quantities: tuple[Quantity, ...] = ()
    moments: tuple[Moment, ...] = ()
    people: tuple[Person, ...] = ()
    places: tuple[Place, ...] = ()
    analysed: bool = True  # False past the per-source bound

    @property
    def empty(self) -> bool:
        """No checkable fact: such a sentence is supported by meaning only."""
        return not (self.quantities or self.moments or self.people or self.places)


# ----------------------------------------------------------------------------- the front


def extract(statements: Sequence[Statement], *, max_sentences: int = MAX_SENTENCES) -> list[SentenceFacts]:
    """The facts of every statement (one parse of all of them, batched).

    Only the first `max_sentences` statements of each source are analysed; the
    rest get empty facts with `analysed=False`. Without spaCy's model every
    statement gets empty facts and a warning is logged once.
    """
    seen: dict[int, int] = {}
    todo: list[int] = []
    for k, st in enumerate(statements):
        seen[st.source] = seen.get(st.source, 0) + 1
        if seen[st.source] <= max_sentences:
            todo.append(k)
    out = [SentenceFacts(st, k, st.text, analysed=False) for k, st in enumerate(statements)]
    nlp = _nlp()
    if nlp is None or not todo:
        return out
    # An undated report was written about the story's day: its "on Monday" counts from there.
    story_day = commonest_day(st.published for st in statements)
    texts = [_bounded(statements[k].text) for k in todo]
    for k, doc in zip(todo, nlp.pipe(texts, batch_size=64)):
        st = statements[k]
        out[k] = _facts_of_doc(st, k, doc, st.published.date() if st.published else story_day)
    return out


def facts_of(text: str, published: datetime | None = None, source: int = 0) -> SentenceFacts:
    """The facts of one sentence (a model-written one, say), for `supports`."""
    st = Statement(source, -1, text, published)
    nlp = _nlp()
    if nlp is None:
        return SentenceFacts(st, -1, text, analysed=False)
    return _facts_of_doc(st, -1, nlp(_bounded(text)), published.date() if published else None)


def supports(claim: SentenceFacts, sources: Sequence[SentenceFacts]) -> bool:
    """Do the source sentences state every fact of `claim` with a compatible value?

    Each figure of the claim must be stated (the same number in any written form,
    "a tenth" for 10%) by a figure of the sources that may measure the same thing;
    each date and time must be stated; each person must be named (a surname alone
    is enough; a spelling variant is not the name). A claim without facts is
    vacuously supported here: only its meaning can be checked (by the caller).
    """
    quantities = [q for s in sources for q in s.quantities]
    moments = [m for s in sources for m in s.moments]
    names = {w for s in sources for p in s.people for w in p.words}
    for q in claim.quantities:
        if not any(_states(o, q) for o in quantities):
            return False
    for m in claim.moments:
        if not any(_moment_stated(m, o) for o in moments):
            return False
    for p in claim.people:
        if not set(p.words) <= names:
            return False
    if claim.places:
        words = {w for s in sources for w in _words(s.statement.text)}
        if any(not set(pl.words) <= words for pl in claim.places):
            return False
    return True


FactKind = Literal["quantity", "moment", "person", "place"]


@dataclass(frozen=True)
class FactSources:
    """One checkable fact of a written sentence and the sources that state it."""

    kind: FactKind
    shown: str  # as written in the sentence: "at least four", "Tuesday", "Kim Yong Hyun"
    start: int  # character span in the analysed text of the sentence (`Citation.text`)
    end: int
    sources: tuple[int, ...]  # source numbers n whose sentences state this fact with a compatible value


@dataclass(frozen=True)
class Citation:
    """Which sources may be cited for a written sentence, fact by fact (see `cite`)."""

    text: str  # the sentence as analysed (a leading dateline cut off)
    facts: tuple[FactSources, ...]
    sources: tuple[int, ...]  # sources that state every fact: the only ones a [n] may name

    @property
    def checkable(self) -> bool:
        """False when the sentence holds no typed fact: cite it by meaning (`sources` is then every candidate)."""
        return bool(self.facts)

    @property
    def unstated(self) -> tuple[FactSources, ...]:
        """Facts no source states: the sentence must not be shown as written."""
        return tuple(f for f in self.facts if not f.sources)

    @property
    def needs_split(self) -> bool:
        """Every fact is stated somewhere, but no one source states them all: split the sentence or drop facts."""
        return bool(self.facts) and not self.unstated and not self.sources


def cite(
    sentence: str | SentenceFacts,
    story: Sequence[SentenceFacts],
    *,
    among: Sequence[int] | None = None,
    published: datetime | None = None,
) -> Citation:
    """Which sources state each typed fact of a written sentence, and which state all of them.

    `sentence` is a briefing sentence (model-written or taken from a source) or its facts;
    `story` the `SentenceFacts` of the story's source sentences (`extract`). A source
    states a fact when one of its analysed sentences states it with a compatible value:
    the same figure in any written form for a measure that may be the same ("12 injured"
    is not stated by "12 killed"; "about 30%" is by "31%"), the same day or time (its own
    publication day counts: the report's dateline states it), every word of a person's
    name or a place. `among` limits the source sentences to those positions (say, the
    sentences a claim was built from: "its own sentence supports it"); these are analysed
    even past the per-source bound of `extract`. `published` dates a sentence given as
    text, for its relative days ("on Tuesday"); by default it is the story's commonest
    publication day.

    `Citation.sources` is the set a citation [n] may name. A sentence without typed facts
    is vacuously stated by every candidate source (`checkable` is False): choose among
    them by meaning.
    """
    if isinstance(sentence, SentenceFacts):
        claim = sentence
    else:
        if published is None:  # a briefing sentence speaks of the story's day: its "on Tuesday" counts from there
            day = commonest_day(f.statement.published for f in story)
            published = max(
                (f.statement.published for f in story if f.statement.published and f.statement.published.date() == day),
                default=None,
            )
        claim = facts_of(sentence, published)
    if among is None:
        pool = [f for f in story if f.analysed]
    else:  # the few sentences named are analysed even past the per-source bound
        pool = [
            story[k]
            if story[k].analysed
            else facts_of(story[k].text, story[k].statement.published, story[k].statement.source)
            for k in among
        ]
    by_source: dict[int, list[SentenceFacts]] = {}
    for f in pool:
        by_source.setdefault(f.statement.source, []).append(f)
    days = {n: fs[0].statement.published for n, fs in by_source.items()}
    # A dateline's day is the report's own: stated by a report that gives it in its own dateline.
    datelined = {n: {md for f in fs for md in _dateline_days(f.statement.text)} for n, fs in by_source.items()}
    found: list[FactSources] = []
    for q in claim.quantities:
        stated = [n for n, fs in by_source.items() if any(_states(o, q) for f in fs for o in f.quantities)]
        found.append(FactSources("quantity", q.shown, q.start, q.end, tuple(sorted(stated))))
    for m in claim.moments:
        stated = [
            n
            for n, fs in by_source.items()
            if any(_moment_stated(m, o) for f in fs for o in f.moments) or _on_day(m, days[n])
        ]
        found.append(FactSources("moment", m.shown, m.start, m.end, tuple(sorted(stated))))
    written = claim.statement.text
    for md in _dateline_days(written):
        stated = [
            n
            for n, fs in by_source.items()
            if md in datelined[n] or _month_day(days[n]) == md or any(o.monthday == md for f in fs for o in f.moments)
        ]
        line = _DATELINE.match(written)
        shown = written[: line.end() if line else 0].strip(" -–—")
        found.append(FactSources("moment", shown, 0, 0, tuple(sorted(stated))))
    text = claim.text
    for p in claim.people:
        stated = [
            n for n, fs in by_source.items() if set(p.words) <= {w for f in fs for o in f.people for w in o.words}
        ]
        start = max(text.find(p.name), 0)
        found.append(FactSources("person", p.name, start, start + len(p.name), tuple(sorted(stated))))
    for pl in claim.places:
        stated = [
            n for n, fs in by_source.items() if set(pl.words) <= {w for f in fs for w in _words(f.statement.text)}
        ]
        start = max(text.find(pl.name), 0)
        found.append(FactSources("place", pl.name, start, start + len(pl.name), tuple(sorted(stated))))
    everyone = set(by_source)
    for fact in found:
        everyone &= set(fact.sources)
    return Citation(text, tuple(found), tuple(sorted(everyone)))


def _month_day(when: datetime | None) -> tuple[int, int] | None:
    return (when.month, when.day) if when is not None else None


def _dateline_days(text: str) -> set[tuple[int, int]]:
    """(month, day) of a leading dateline ("LARCHWOOD, Aug 20 (Press Wire) - "), which `_bounded` cuts off."""
    m = _DATELINE.match(text)
    if not m:
        return set()
    found = re.search(r"\b([A-Z][a-z]{2,8})\.?\s+(\d{1,2})\b", m.group())
    month = MONTHS.get(found.group(1).lower()) if found else None
    return {(month, int(found.group(2)))} if found and month else set()


def _on_day(m: Moment, published: datetime | None) -> bool:
    """Is `m` the report's own publication day (or its year alone), which its dateline states?"""
    if published is None or m.clock is not None:
        return False
    day = published.date()
    if m.day is not None:
        return m.day == day
    if m.monthday is not None:
        return m.monthday == (day.month, day.day)
    if m.weekday is not None:
        return m.weekday == day.weekday()
    if m.month is not None or m.period or m.week is not None:
        return False
    return m.year is not None and m.year == day.year


def _states(source: Quantity, claim: Quantity) -> bool:
    """Does a source figure state the claim's figure? The same value in any form ("10%" for "a tenth"),
    or an exact value that a hedged claim covers ("31%" for "about 30%"), for a measure that may be the same;
    a claim may leave out a rate's unit the source gives ("5%" for "5% a year")."""
    a, b = source.amount, claim.amount
    value = a.same(b) or (b.qualifier in ("about", "nearly") and a.qualifier == "" and b.compatible(a))
    frame = claim.frame if claim.frame.per else replace(claim.frame, per=source.frame.per)
    return value and may_measure_same(frame, source.frame)


def _moment_stated(m: Moment, o: Moment) -> bool:
    if m.same(o):
        return True
    # An unresolved weekday ("on Monday" in a sentence with no date) is stated by the same weekday.
    if m.day is None and m.clock is None and m.month is None and not m.period and o.day is not None:
        weekday = _weekday_of(m.shown)
        return weekday is not None and weekday == o.day.weekday()
    return False


def _weekday_of(text: str) -> int | None:
    for word in _words(text):
        if word in _WEEKDAY_NUMBERS:
            return _WEEKDAY_NUMBERS[word]
    return None


_WEEKDAY_NUMBERS = {
    d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}


def may_measure_same(a: Frame, b: Frame) -> bool:
    """Lenient: nothing says they measure different things (for citations: "12 injured" is not "12 killed")."""
    if a.dimension != b.dimension or a.per != b.per:
        return False
    if a.thing and b.thing and not things_match(a.thing, b.thing) and not people_and_others(a, b):
        return False
    return not (a.event and b.event and a.event != b.event and (a.event in _CANONICAL or b.event in _CANONICAL))


_CANONICAL = {"killed", "injured"}


# Events of two sides of one deal: their figures are never one measure, whatever they are of.
_OPPOSED = {
    frozenset(pair)
    for pair in (
        ("demand", "offer"),
        ("buy", "sell"),
        ("import", "export"),
        ("vote for", "vote against"),
        ("win", "lose"),
    )
}


def opposed(a: Frame, b: Frame) -> bool:
    """Are these the figures of two sides of one deal (an ask and an offer, a sale and a purchase)?"""
    return bool(a.event and b.event) and frozenset((a.event, b.event)) in _OPPOSED


def same_measure(a: Frame, b: Frame) -> bool:
    """Do two figures measure the same thing? Strict: the alignment of disagreements rests on it.

    The dimension, a rate's unit, the role and the period must agree, and the counted
    things and the subjects must not differ. Then something must tie them: the same
    thing for a property or an amount ("a five-year contract", "£15m in add-ons", whatever
    is done with it); for a count of a thing, the thing and no other event ("38,000
    runners started" is not "36,412 runners finished"); without a thing, the same event
    ("the toll rose to five" counts the killed, as "killing four" does).
    """
    if a.dimension != b.dimension or a.per != b.per or a.role != b.role or a.anchor != b.anchor:
        return False
    if a.dimension == "age" and a.thing.startswith(_SOMEONE) != b.thing.startswith(_SOMEONE):
        noun = b.thing if a.thing.startswith(_SOMEONE) else a.thing
        if not _a_person(noun):
            return False  # "Giorgio Pellegrini, 71" is not "a water main more than 90 years old"
    if a.dimension == "age" and a.thing.startswith(_SOMEONE) and b.thing.startswith(_SOMEONE):
        # "13-year-old Tamir" is "12-year-old Tamir Rice": a name alone may be the given name
        if a.thing == b.thing:
            return not (a.subject and b.subject and a.subject != b.subject)  # "Lorraine" / "Dennis" Pettigrew
        return (a.thing == b.subject and not a.subject) or (b.thing == a.subject and not b.subject)
    if a.thing and b.thing and not things_match(a.thing, b.thing) and not people_and_others(a, b):
        return False
    if a.subject and b.subject and not things_match(a.subject, b.subject):
        return False
    if a.place and b.place and not set(a.place.split()) & set(b.place.split()):
        return False  # "8.5% of stations in North Carolina" is not "8% of Virginia stations"
    shared_subject = bool(a.subject and b.subject)
    if a.modifiers and b.modifiers and not a.modifiers & b.modifiers and not shared_subject:
        return False  # "three fellow gymnasts" are not "the four Olympic gymnasts"
    events_differ = bool(a.event and b.event and a.event != b.event)
    if opposed(a, b):
        return False  # "wants an 11% rise" / "an offer of a 9% rise": two sides' figures, even of one thing
    if a.thing and b.thing:
        if a.thing == "person" and (events_differ or not (a.event and b.event)):
            return False  # "people" alone says nothing about which people
        return not events_differ or (a.prop and b.prop)
    if events_differ:
        return False
    if a.event and a.event == b.event:
        return True
    return bool(a.subject and b.subject)  # "the fire grew to 19,000 acres" / "the fire had burned 12,000 acres"


def same_event(a: Moment, b: Moment) -> bool:
    """Two dates of one event: the same role, and the same thing happening.

    The same thing ("the hearing") with the same or no verb ("will take place", "will be
    held"), or the same verb for things that do not differ ("struck at 4:17" / "struck at
    4:27" of "the quake"). When something was said is not an event of the story. A time
    something was done by ("by 9 p.m.", "by Friday") dates an as-of figure or a deadline:
    only the same verb ties two of them.
    """
    fa, fb = a.frame, b.frame
    if fa.anchor != fb.anchor or fa.event in SPEECH_VERBS or fb.event in SPEECH_VERBS:
        return False
    if fa.role != fb.role and not _start_and_since(fa, fb):
        return False
    if (a.clock is None) != (b.clock is None):
        return False  # a time of day and a day are compared only through a time joined to its day
    events_agree = not (fa.event and fb.event and fa.event != fb.event)
    if a.clock is not None and fa.event in _ONSET and fb.event in _ONSET:
        events_agree = True  # "the alarm sounded at 3.12am" / "tripped the alarm shortly before 4am": its onset
    if fa.role == "until" and not (fa.event and fa.event == fb.event):
        return False  # "by 9 p.m., 31,000 customers were without power" / "reconnected by midnight": as-of times of two facts
    if fa.thing and fb.thing:
        return fa.thing == fb.thing and events_agree
    return bool(fa.event and fa.event == fb.event and (fa.thing or fb.thing))


def _start_and_since(a: Frame, b: Frame) -> bool:
    """A day something began and the day it has lasted since ("a second strike from March 21" /
    "a second walkout starting on March 28"): one moment, if the plain one tells an onset. Other
    roles ("until", "by") are other moments."""
    if {a.role, b.role} != {"", "from"}:
        return False
    plain = a if a.role == "" else b
    return plain.event in _ONSET  # not "prices rose in June" / "the fastest pace since August 2008"


# Verbs that tell the moment something began, failed or struck: two reports timing one thing
# with two of them (the alarm "sounded" / was "tripped", the systems "went dark" / were "taken
# down") time one onset. Not verbs of a later stage (land, reopen, restore, contain, arrive).
_ONSET = {
    "start", "break", "break out", "break away", "break off", "erupt", "strike", "sound", "trip", "go", "go off",
    "go down", "go out", "fail", "crash", "collapse", "come down", "cave in", "give", "explode", "run", "run aground",
    "ground", "ignite", "spark", "occur", "happen", "take down", "knock out", "shut down", "stop", "halt", "grind",
    "topple", "derail", "capsize", "sink", "slam", "plunge", "tear", "rip", "open", "hit", "detonate", "blow",
}  # fmt: skip
# Verbs of saying: when something was said is not an event of the story (also read by the
# timeline and the disagreement finder).
SPEECH_VERBS = frozenset(
    {"say", "tell", "announce", "confirm", "report", "state", "add", "warn", "write", "post", "learn"}
)


def times_an_onset(m: Moment) -> bool:
    """Is this the time of day something began, struck or happened ("the blackout began at 2:41
    p.m.", "the crash happened at 7.12am", "the fireball was seen at 9:47")? Not a time something
    was said, done by or ended at."""
    f = m.frame
    return (
        m.clock is not None
        and not f.role
        and not f.anchor
        and f.event not in SPEECH_VERBS
        and (not f.event or f.event in _ONSET)
    )


def people_and_others(a: Frame, b: Frame) -> bool:
    """ "People" and a named group of people ("residents", "skiers", "passengers") to whom the
    same thing happens: "3,500 people were evacuated" and "3,000 residents were evacuated",
    "14 people died" and "the avalanche killed 12 skiers". Without the same event "people"
    says nothing about which people."""
    if (a.thing == "person") == (b.thing == "person") or not (a.event and a.event == b.event):
        return False
    other = b.thing if a.thing == "person" else a.thing
    return not other.startswith(_SOMEONE) and " " not in other


def of_a_person(thing: str) -> bool:
    """Is this counted thing a person, named ("person:farrow") or by a noun of people ("driver")?"""
    return thing.startswith(_SOMEONE) or _a_person(thing)


def _a_person(noun: str) -> bool:
    """Does this noun name a person (who may be the one named elsewhere)? Vocabulary, and the
    endings of nouns of people ("fisherman", "detectorist", "librarian")."""
    return noun in _PEOPLE_WORDS or noun.endswith(("man", "woman", "ist", "ian", "ster", "person"))


def things_match(a: str, b: str) -> bool:
    """The same lemma, or one a compound of the other ("wildfire" and "fire"); a named person may be any noun."""
    if a == b:
        return True
    if a.startswith(_SOMEONE) or b.startswith(_SOMEONE):
        # a named person may be any noun ("director"), but not another named person ("Trump" / "Walker")
        return not (a.startswith(_SOMEONE) and b.startswith(_SOMEONE))
    if " " in a or " " in b:  # a name and a noun: "river wendle" and "river", not "brantwell" and "office"
        return bool(set(a.split()) & set(b.split()))
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.endswith(short)


# ----------------------------------------------------------------------------- spaCy


@lru_cache(maxsize=1)
def _nlp():
    try:
        from digest.nlp import english

        return english()
    except Exception as exc:
        log.warning("spaCy model unavailable (%s); no facts are extracted", exc)
        return None


def _bounded(text: str) -> str:
    """The part of a sentence that is analysed: its dateline dropped ("HARLOW CREEK, Nov 4 (Newswire) - ",
    the report's own place and day, which would otherwise parse as the sentence's subject), at most
    MAX_CHARS characters, curly apostrophes straightened for the tagger."""
    m = _DATELINE.match(text)
    if m:
        text = text[m.end() :]
    text = text[:MAX_CHARS]
    return text.replace("\u2019", "'").replace("\u2018", "'")


_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{2,}(?:,\s*[A-Z][A-Za-z.]*)*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?\s*[-–—]+\s+"
)


def _facts_of_doc(st: Statement, position: int, doc, reference: date | None) -> SentenceFacts:
    skip = 0  # the dateline is already cut off (see _bounded)
    moments = _moments(st, position, doc, skip, reference)
    taken = [(mo.start, mo.end) for mo in moments]
    quantities = _quantities(st, position, doc, [(0, skip), *taken])
    people = _people(st, position, doc)
    places = _places(st, position, doc, skip)
    return SentenceFacts(
        st,
        position,
        doc.text,
        tuple(quantities[:MAX_FACTS]),
        tuple(moments[:MAX_FACTS]),
        tuple(people[:MAX_FACTS]),
        tuple(places[:MAX_FACTS]),
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


# ----------------------------------------------------------------------------- quantities


@dataclass
class _Raw:
    start: int  # lexeme indices [start, end)
    end: int
    value: float
    grain: float
    dimension: str
    factor: float = 1.0
    qualifier: Qualifier = ""
    value2: float | None = None
    fraction: bool = False
    total: float | None = None  # "seven of the nine": the whole the figure is part of
    resume: int = 0  # where scanning goes on (past "of the nine")


def _number_at(lx: list[_Lexeme], i: int) -> tuple[float, float, int] | None:
    """(value, grain, next index) of a number starting at lexeme i."""
    t = lx[i].low
    if t[0].isdigit():
        value = float(t.replace(",", ""))
        j = i + 1
        scale = 1.0
        # "22 and a half", "22 1/2"
        if j + 2 < len(lx) and (lx[j].low, lx[j + 1].low, lx[j + 2].low) == ("and", "a", "half"):
            value, j = value + 0.5, j + 3
        elif j + 2 < len(lx) and lx[j + 1].low == "/" and lx[j].low.isdigit() and lx[j + 2].low.isdigit():
            num, den = int(lx[j].low), int(lx[j + 2].low)
            if 0 < num < den <= 10:
                value, j = value + num / den, j + 3
        if j < len(lx) and lx[j].low in _SCALE_WORDS:
            scale = _SCALE_WORDS[lx[j].low]
            j += 1
        elif j < len(lx) and lx[j].low in ("bn", "mn", "tn") and lx[j].start == lx[i].end:
            scale = _SCALE_SHORT[lx[j].low]
            j += 1
        return value * scale, _grain(t, scale), j
    # Number words: "twenty-five", "two dozen", "a million", "ten thousand".
    j = i
    total = current = 0.0
    words = 0
    while j < len(lx):
        w = lx[j].low
        if w in _UNITS_WORDS and not (w == "one" and words == 0 and not _next_is_scale(lx, j)):
            current += _UNITS_WORDS[w]
        elif w in ("a", "an") and words == 0 and _next_is_scale(lx, j):
            current = 1.0
        elif w == "dozen" and words:
            current = (current or 1) * 12
        elif w in _SCALE_WORDS and words:
            current = (current or 1) * _SCALE_WORDS[w]
            if _SCALE_WORDS[w] >= 1000:
                total += current
                current = 0.0
        elif w in ("-", "and") and words and j + 1 < len(lx) and lx[j + 1].low in _UNITS_WORDS:
            pass
        else:
            break
        words += 1
        j += 1
    if words == 0 or (words == 1 and lx[i].low in ("a", "an")):
        return None
    value = total + current
    return value, _word_grain(value), j


def _next_is_scale(lx: list[_Lexeme], j: int) -> bool:
    return j + 1 < len(lx) and (lx[j + 1].low in _SCALE_WORDS or lx[j + 1].low == "dozen")


def _word_grain(value: float) -> float:
    """Number words are as exact as the digits they stand for ("ten thousand" = 10,000)."""
    return _grain(str(int(value)) if value == int(value) else str(value), 1.0)


def _fraction_at(lx: list[_Lexeme], i: int) -> tuple[float, int] | None:
    """A share in words: "a tenth", "a quarter", "two-thirds", "half" (as a percent)."""
    w = lx[i].low
    if w in ("a", "an", "one") and i + 1 < len(lx) and lx[i + 1].low in _FRACTIONS and lx[i + 1].low != "second":
        return _FRACTIONS[lx[i + 1].low], i + 2
    if w == "half" and (i == 0 or lx[i - 1].low not in ("a", "an", "second", "first")):
        return 50.0, i + 1
    if w in _UNITS_WORDS and 2 <= _UNITS_WORDS[w] <= 9:
        j = i + 1
        if j < len(lx) and lx[j].low == "-":
            j += 1
        if j < len(lx) and lx[j].low in _FRACTION_PLURALS:
            return _UNITS_WORDS[w] * _FRACTION_PLURALS[lx[j].low], j + 1
    return None


def _qualifier_before(lx: list[_Lexeme], i: int) -> tuple[Qualifier, int]:
    for words, qual in _QUALIFIERS:
        n = len(words)
        if i - n >= 0 and tuple(x.low for x in lx[i - n : i]) == words:
            if words == ("some",) and i - 2 >= 0 and lx[i - 2].low in ("for", "of"):
                continue
            return qual, i - n
    return "", i


def _unit_at(lx: list[_Lexeme], j: int, money: bool) -> tuple[str, float, int] | None:
    """(dimension, factor, next index) of a unit written at lexeme j ("%", "per cent", "km/h", "-year")."""
    if j >= len(lx):
        return None
    k = j + 1 if lx[j].low == "-" and j + 1 < len(lx) else j
    w = lx[k].low
    two = (w, lx[k + 1].low) if k + 1 < len(lx) else None
    if two == ("km", "/") and k + 2 < len(lx) and lx[k + 2].low == "h":
        return "speed", 1 / 3.6, k + 3
    if two in _TWO_WORD_UNITS:
        dim, factor = _TWO_WORD_UNITS[two]
        return dim, factor, k + 2
    if w in ("year", "years") and k + 2 < len(lx) and lx[k + 1].low == "-" and lx[k + 2].low == "old":
        return "age", 1.0, k + 3
    if w in ("years", "year") and k + 1 < len(lx) and lx[k + 1].low == "old":
        return "age", 1.0, k + 2
    if w in _POINT_WORDS:
        return "points", 1.0, k + 1
    if w in _UNIT_WORDS and not money:
        if w in ("m", "g") and lx[k].start != lx[k - 1].end:
            return None  # "5 m" is ambiguous; only "5m" (attached) is read as a unit
        dim, factor = _UNIT_WORDS[w]
        return dim, factor, k + 1
    if w == "m" and not money and lx[k].start == lx[k - 1].end:
        return "length", 1.0, k + 1
    if lx[k].text in ("C", "F", "°") and lx[k].start == lx[k - 1].end:
        return f"temperature:{lx[k].text.replace('°', 'C')}", 1.0, k + 1  # "47.2C (117F)": only on one scale
    return None


def _scan(text: str) -> list[_Raw]:
    """Every figure written in `text`, normalised (hand-written: spaCy's entities cut figures unevenly)."""
    lx = _lex(text)
    out: list[_Raw] = []
    i = 0
    while i < len(lx):
        raw = _figure_at(lx, i)
        if raw is None:
            i += 1
            continue
        out.append(raw)
        i = max(raw.end, raw.resume, i + 1)
    return [r for r in out if r.dimension != "skip"]


_QUOTE_MARKS = {"”", '"', "’", "»", ")"}


def _part_of_word(lx: list[_Lexeme], i: int) -> bool:
    """A number that is part of a name or a word, not a figure: "COVID-19", "G7" (glued to letters),
    "the 1990s", "90s" (glued "s"), "Brians 2", "Route 9" (right after a name)."""
    t = lx[i]
    if i > 0 and lx[i - 1].end == t.start and lx[i - 1].text in _QUOTE_MARKS:
        return True  # a footnote mark after a closing quote: ”5 Ancient principles
    if i > 0 and lx[i - 1].end == t.start and (lx[i - 1].low[0].isalpha() or lx[i - 1].low == "-"):
        if lx[i - 1].low == "-" and i > 1 and lx[i - 2].end == lx[i - 1].start and lx[i - 2].low[0].isalpha():
            return True  # "COVID-19"
        if lx[i - 1].low[0].isalpha() and not (len(lx[i - 1].text) <= 3 and lx[i - 1].text.isupper()):
            return True  # glued to a word (a code like "EF3" is read elsewhere)
    if i + 1 < len(lx) and lx[i + 1].start == t.end and lx[i + 1].low in ("s", "'s") and lx[i + 1].text == "s":
        return True  # "the 90s"
    prev = lx[i - 1] if i > 0 else None
    return (
        prev is not None
        and i > 1
        and prev.end < t.start
        and prev.text[:1].isupper()
        and prev.text.isalpha()
        and prev.low not in MONTHS
        and prev.low not in _WEEKDAY_NUMBERS
        and prev.low not in _SCALE_PREFIXES
        and lx[i - 2].low not in (".", "!", "?")
        and not (i + 1 < len(lx) and lx[i + 1].low in _UNIT_WORDS)
        and not (i + 2 < len(lx) and lx[i + 1].low in ("-", "to") and lx[i + 2].low[0].isdigit())  # "Castleford 2-1"
    )


def _figure_at(lx: list[_Lexeme], i: int) -> _Raw | None:
    t = lx[i]
    if t.low[0].isdigit() and _part_of_word(lx, i):
        return None
    # A code on a scale: "EF3", "F4" (letters glued to one digit).
    if (
        t.text.isalpha()
        and t.text.isupper()
        and len(t.text) <= 3
        and i + 1 < len(lx)
        and lx[i + 1].low.isdigit()
        and len(lx[i + 1].low) == 1
        and lx[i + 1].start == t.end
        and not (i + 2 < len(lx) and lx[i + 2].start == lx[i + 1].end and lx[i + 2].low[0].isalnum())
    ):
        return _Raw(i, i + 2, float(lx[i + 1].low), 1.0, f"code:{t.low}")
    money = ""
    start = i
    if t.text in _CURRENCY_SYMBOLS:
        money = _CURRENCY_SYMBOLS[t.text]
        i += 1
    elif t.low in _CURRENCY_PREFIXES and i + 2 < len(lx) and lx[i + 1].text == "$" and lx[i + 1].start == t.end:
        money = _CURRENCY_PREFIXES[t.low]
        i += 2
    if i >= len(lx):
        return None
    qualifier, qstart = _qualifier_before(lx, start)
    fraction = None if money else _fraction_at(lx, i)
    if fraction is not None:
        value, j = fraction
        # "a quarter point" is 0.25 percentage points; "a tenth of its staff" is 10%.
        if j < len(lx) and lx[j].low in ("point", "points"):
            return _Raw(qstart, j + 1, value / 100, 0.0, "points", qualifier=qualifier)
        if j < len(lx) and (lx[j].low == "of" or qualifier or (i > 0 and lx[i - 1].low == "by")):
            raw = _Raw(qstart, j, value, 2 * FRACTION_SLACK, "percent", qualifier=qualifier or "about", fraction=True)
            return raw
        return None
    if lx[i].low in _SCALE_PREFIXES:
        return None  # handled at the number after it
    number = _number_at(lx, i)
    if number is None:
        return None
    value, grain, j = number
    first = lx[i]
    # A time of day or a race time: "4:17 a.m.", "07:12 UTC", "5.30am", "2:04:37".
    if first.low[0].isdigit() and not money:
        clock = _clock_at(lx, i)
        if clock is not None:
            return _Raw(qstart if qualifier == "about" else i, clock[1], clock[0], 1.0, "clock", qualifier=qualifier)
        race = _race_time_at(lx, i)
        if race is not None:
            return _Raw(qstart, race[1], race[0], 1.0, "duration", qualifier=qualifier)
        if j < len(lx) and lx[j].low in ("st", "nd", "rd", "th") and lx[j].start == first.end:
            return _Raw(i, j + 1, value, 1.0, "ordinal")
    if i > 0 and lx[i - 1].low in _SCALE_PREFIXES and not money:
        return _Raw(i - 1, j, value, grain, f"scale:{lx[i - 1].low}")
    # Money scales glued or spelled: "£38m", "$14.6bn", "4.3 million euros".
    if money and j < len(lx) and lx[j].low in _SCALE_SHORT and lx[j].start == lx[j - 1].end:
        scale = _SCALE_SHORT[lx[j].low]
        value, grain, j = value * scale, grain * scale, j + 1
    # A range or a tally: "10,000 to 12,000", "10,000-12,000", "41 to 29", "41 votes to 26", "7-2".
    raw2 = None
    k = j
    noun_between = False
    if k + 1 < len(lx) and lx[k].low in ("votes", "seats", "goals", "points") and lx[k + 1].low in ("to", "-"):
        k += 1
        noun_between = True
    if (
        k + 1 < len(lx)
        and lx[k].low in ("to", "-", "–", "and")
        and not money
        or (money and k + 1 < len(lx) and lx[k].low in ("to", "-", "–"))
    ):
        between = lx[k].low == "and"
        if not between or (qstart > 0 and lx[qstart - 1].low == "between") or (i > 0 and lx[i - 1].low == "between"):
            m = k + 1
            if money and m < len(lx) and lx[m].text in _CURRENCY_SYMBOLS:
                m += 1
            if m < len(lx) and (lx[m].low[0].isdigit() or lx[m].low in _UNITS_WORDS) and _clock_at(lx, m) is None:
                second = _number_at(lx, m)
                if second is not None and (lx[k].low != "-" or lx[k].start == lx[k - 1].end):
                    raw2 = second
    value2 = None
    if raw2 is not None:
        v2, g2, j2 = raw2
        if money and j2 < len(lx) and lx[j2].low in _SCALE_SHORT and lx[j2].start == lx[j2 - 1].end:
            v2 *= _SCALE_SHORT[lx[j2].low]
            j2 += 1
        tally = noun_between or v2 <= value or _vote_near(lx, i, j2)
        if tally:
            return _Raw(qstart, j2, value, 1.0, "tally", qualifier="", value2=v2)
        value2, j, qualifier = v2, j2, ("range" if qualifier in ("", "about") else qualifier)
        grain = min(grain, g2)
    if money:
        if j < len(lx) and lx[j].low in _SCALE_WORDS:
            scale = _SCALE_WORDS[lx[j].low]
            value, grain, j = value * scale, grain * scale, j + 1
        return _finish(lx, qstart, j, value, grain, f"money:{money}", 1.0, qualifier, value2)
    if j < len(lx) and lx[j].low in _CURRENCY_WORDS:
        return _finish(lx, qstart, j + 1, value, grain, f"money:{_CURRENCY_WORDS[lx[j].low]}", 1.0, qualifier, value2)
    # "£2,100m": the glued "m" after money was read above; after a bare number it is metres.
    unit = _unit_at(lx, j, money=False)
    if unit is not None:
        dim, factor, j = unit
        if dim == "duration" and j < len(lx) and lx[j].low == "-":
            pass
        return _finish(lx, qstart, j, value, grain, dim, factor, qualifier, value2)
    if first.low[0].isdigit() and value2 is None and _is_year(first.low, lx, j):
        return _Raw(i, j, value, 1.0, "year")
    if j < len(lx) and lx[j].low == "-" and j + 1 < len(lx) and lx[j + 1].low in ("plus",):
        qualifier, j = "more than", j + 2
    if j + 1 < len(lx) and (lx[j].low, lx[j + 1].low) in (("or", "more"), ("or", "over")):
        qualifier, j = "at least", j + 2
    if _age_written(lx, i, j, value, qualifier, value2):
        return _Raw(i, j, value, 1.0, "age")
    raw = _finish(lx, qstart, j, value, grain, "count", 1.0, qualifier, value2)
    # "Seven of the nine members": a part of a stated whole (a vote of 7-2 when they voted).
    k = j + 1 if j < len(lx) and lx[j].low == "of" else -1
    if k > 0 and k < len(lx) and lx[k].low in ("the", "its", "their", "his", "her", "our"):
        k += 1
    if k > 0 and k < len(lx):
        whole = _number_at(lx, k)
        if whole is not None and whole[0] > value and value2 is None:
            raw.total, raw.resume = whole[0], whole[2]
    return raw


def _age_written(lx: list[_Lexeme], i: int, j: int, value: float, qualifier: str, value2: float | None) -> bool:
    """A person's age set beside them, as news style writes it: "Edna Farrow, 83, died", "Woman,
    81, killed", "a man aged 78". Whose it is, is checked on the parse (`_age_frame`)."""
    if qualifier or value2 is not None or value != int(value) or not 1 <= value <= 115 or not lx[i].low.isdigit():
        return False
    if i > 0 and lx[i - 1].low == "aged":
        return True
    if i >= 2 and lx[i - 1].low == "then" and lx[i - 2].text == "," and j < len(lx) and lx[j].text == ",":
        return True  # "Bunch, then 22, was sentenced": an age of another time (see `_age_back_then`)
    return (
        i >= 2
        and lx[i - 1].text == ","
        and j < len(lx)
        and lx[j].text == ","
        and lx[i - 2].text[:1].isalpha()
        and lx[i - 2].low not in MONTHS
        and lx[i - 2].low not in _WEEKDAY_NUMBERS
    )


def _vote_near(lx: list[_Lexeme], i: int, j: int) -> bool:
    window = {x.low for x in lx[max(0, i - 4) : j + 3]}
    return bool(window & {"vote", "votes", "voted", "beat", "won", "lost", "score", "scored", "defeated", "majority"})


def _finish(
    lx: list[_Lexeme],
    start: int,
    end: int,
    value: float,
    grain: float,
    dim: str,
    factor: float,
    qualifier: Qualifier,
    value2: float | None,
) -> _Raw:
    return _Raw(
        start,
        end,
        value * factor,
        grain * factor,
        dim,
        factor,
        qualifier,
        None if value2 is None else value2 * factor,
    )


def _is_year(word: str, lx: list[_Lexeme], j: int) -> bool:
    """A four-digit figure from 1800 to 2100 written without a comma, and not counting a plural noun."""
    if not (len(word) == 4 and word.isdigit() and 1800 <= int(word) <= 2100):
        return False
    nxt = lx[j].low if j < len(lx) else ""
    return not (nxt.endswith("s") and nxt.isalpha() and nxt not in ("as", "is", "was", "has", "this", "its"))


def _clock_at(lx: list[_Lexeme], i: int) -> tuple[float, int] | None:
    """(minutes after midnight, next index) of a time of day at lexeme i."""
    t = lx[i].low
    if i > 0 and lx[i - 1].low in (":", ".") and lx[i - 1].end == lx[i].start:
        return None  # the minutes of "2:04:37", not a time
    hour = minute = None
    j = i + 1
    m = re.fullmatch(r"(\d{1,2})\.(\d{2})", t)
    if m and j < len(lx) and lx[j].low in ("am", "pm") and lx[j].start == lx[i].end:
        hour, minute = int(m.group(1)), int(m.group(2))
    elif re.fullmatch(r"\d{1,2}", t) and j + 1 < len(lx) and lx[j].low == ":" and re.fullmatch(r"\d{2}", lx[j + 1].low):
        if j + 2 < len(lx) and lx[j + 2].low == ":":
            return None  # h:mm:ss is a race time
        hour, minute = int(t), int(lx[j + 1].low)
        j += 2
    elif re.fullmatch(r"\d{1,2}", t) and j < len(lx) and (lx[j].low in ("am", "pm") or _ampm_at(lx, j)):
        hour, minute = int(t), 0
    else:
        return None
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    meridiem = None
    if j < len(lx) and lx[j].low in ("am", "pm"):
        meridiem = lx[j].low
        j += 1
    elif _ampm_at(lx, j):
        meridiem = lx[j].low + "m"
        j += 4 if j + 3 < len(lx) and lx[j + 3].low == "." else 3
    if (
        meridiem is None
        and not (j < len(lx) and lx[j].low in _TIME_ZONES)
        and ":" not in "".join(x.low for x in lx[i:j])
    ):
        return None
    if meridiem == "pm" and hour < 12:
        hour += 12
    if meridiem == "am" and hour == 12:
        hour = 0
    if j < len(lx) and lx[j].low in _TIME_ZONES:
        j += 1
    return float(hour * 60 + minute), j


def _ampm_at(lx: list[_Lexeme], j: int) -> bool:
    """ "a.m." / "p.m." as lexed: a . m ."""
    return (
        j + 2 < len(lx)
        and lx[j].low in ("a", "p")
        and lx[j + 1].low == "."
        and lx[j + 2].low == "m"
        and lx[j + 1].start == lx[j].end
    )


def _race_time_at(lx: list[_Lexeme], i: int) -> tuple[float, int] | None:
    """A duration written h:mm:ss ("2:04:37"), in seconds."""
    if i + 4 < len(lx) and lx[i + 1].low == ":" and lx[i + 3].low == ":":
        parts = [lx[i].low, lx[i + 2].low, lx[i + 4].low]
        if all(p.isdigit() for p in parts):
            h, m, s = (int(p) for p in parts)
            return float(h * 3600 + m * 60 + s), i + 5
    return None


def _quantities(st: Statement, position: int, doc, taken: list[tuple[int, int]]) -> list[Quantity]:
    text = doc.text
    lx = _lex(text)
    out = []
    for raw in _scan(text):
        start, end = lx[raw.start].start, lx[raw.end - 1].end
        if any(s <= start < e or s < end <= e for s, e in taken) or raw.dimension == "clock":
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        if any(t.ent_type_ in _NAME_ENTITIES and t.like_num for t in span):
            continue  # "Route 9", "Aurora 3": part of a name
        if raw.dimension == "duration" and re.match(r"\s+(?:ago|earlier|before|later|after)\b", text[end:]):
            continue  # "two years ago": when, not how long
        frame = _frame(doc, span, raw)
        if frame is None:
            continue
        if raw.dimension == "age":
            frame = _age_frame(doc, span, frame)
        elif not frame.role and (_INCREMENT_AFTER.match(text, end) or _INCREMENT_BEFORE.search(text, 0, start)):
            frame = replace(frame, role="by")  # "two more cases", "another 40 homes": what was added, not the total
        amount = _amount(raw.value, raw.grain, raw.qualifier, raw.value2)
        if raw.total is not None and frame.event.startswith("vote") and not raw.qualifier:
            raw.dimension, raw.value2 = "tally", raw.total - raw.value
            frame = Frame("tally", "", "vote", "", "", frame.anchor, "", frozenset(), "vote")
        if raw.dimension == "tally":
            amount = Amount(raw.value, raw.value, raw.value, "tally", raw.value2)  # type: ignore[arg-type]
            if re.search(r"\bvotes?\b", text[start:end], re.IGNORECASE):
                frame = Frame("tally", "", "vote", "", "", frame.anchor, "", frozenset(), "vote")
        elif raw.fraction:
            amount = Amount(raw.value, raw.value - FRACTION_SLACK, raw.value + FRACTION_SLACK, "about", grain=raw.grain)
            if raw.qualifier in ("more than", "at least"):
                amount = Amount(raw.value, raw.value, math.inf, raw.qualifier, grain=raw.grain)
            elif raw.qualifier in ("less than", "at most"):
                amount = Amount(raw.value, 0.0, raw.value, raw.qualifier, grain=raw.grain)
        if raw.factor != 1.0 and raw.dimension not in ("points", "percent"):
            amount = Amount(
                amount.value,
                amount.low,
                amount.high,
                amount.qualifier,
                amount.value2,
                converted=_converted(raw.dimension, raw.factor),
                grain=amount.grain,
            )
        out.append(Quantity(position, st.source, text[start:end], amount, frame, start, end))
    return out


# A count of what was added to an earlier one ("two more cases ... bringing the total to seven",
# "another 40 homes"): the size of a change, as "rose by two" is, never the running total.
_INCREMENT_AFTER = re.compile(r"\s+(?:more|additional|further|extra)\b(?!\s+than\b)", re.IGNORECASE)
_INCREMENT_BEFORE = re.compile(r"\banother\s+(?:(?:about|some|nearly|around|roughly)\s+)?$", re.IGNORECASE)


def _age_back_then(doc, span) -> bool:
    """An age at another time than the story's: "Bunch, then 22, was sentenced", "when the actress
    was around 22 years old", "when she was ten years old"."""
    if span[0].i > 0 and doc[span[0].i - 1].lower_ == "then":
        return True
    for anc in [span.root, *list(span.root.ancestors)[:3]]:
        # "when she was ten": the age said of someone in a clause of another time (not "when police
        # shot and killed 13-year-old Tamir", the age at the story's event)
        if anc.lemma_ == "be" and any(c.lower_ == "when" and c.dep_ in ("advmod", "mark") for c in anc.children):
            return True
    return False


def _age_frame(doc, span, frame: Frame) -> Frame:
    """An age is a property of its person, whatever the sentence says they did: "Edna Farrow, 83,
    died" and "the blast killed 81-year-old Edna Farrow" give her age. The person is the name or
    noun the age is set beside ("Farrow, 83," / "a man aged 78" / "81-year-old Edna Farrow")."""
    first = span[0]
    if _age_back_then(doc, span):
        return replace(frame, dimension="age", anchor="then")  # an age of another time is not compared
    owner = None
    if first.i > 0 and doc[first.i - 1].lower_ == "aged":
        aged = doc[first.i - 1]
        owner = aged.head if aged.head.i != aged.i else None
        if owner is not None and owner.pos_ not in ("NOUN", "PROPN"):
            owner = next((t for t in reversed(doc[: aged.i]) if t.pos_ in ("NOUN", "PROPN")), None)
    elif first.i > 1 and doc[first.i - 1].text == ",":
        owner = doc[first.i - 2]
    elif span.root.head.i != span.root.i and span.root.dep_ in ("amod", "compound", "nummod", "appos"):
        owner = span.root.head
    if owner is None or owner.pos_ not in ("NOUN", "PROPN") or owner.ent_type_ in ("GPE", "LOC"):
        return frame  # no one named beside it: compared as the sentence frames it ("the 23-year-old signed")
    if owner.pos_ == "PROPN":
        # a name beside an age is a person's, whatever type the small tagger gives an unusual name
        # ("Lars Henning Aamodt, 67," as an organisation); a headline's capitalised noun ("Woman,
        # 81, killed") is taken for a name and matches no noun
        thing = _SOMEONE + fold(owner.text)
        # the given names, when written, tell two of one family apart ("Lorraine Pettigrew, 67" /
        # "Dennis Pettigrew, 71"); compared only when both reports give them
        given = " ".join(t.text for t in owner.children if t.dep_ == "compound" and t.pos_ == "PROPN" and t.i < owner.i)
        subject = _SOMEONE + fold(given) if given else ""
        return replace(
            frame,
            dimension="age",
            thing=thing,
            subject=subject,
            modifiers=frozenset(),  # the given names are the subject; "retired" does not tell her apart
            prop=True,
            label=f"age of {owner.text}",
        )
    else:
        thing = _canon_thing(owner)[0]
        if thing == "person":
            thing = ""  # "people, 40," is no one
    return replace(frame, dimension="age", thing=thing, subject="", prop=bool(thing), label=f"age of {owner.text}")


def _converted(dimension: str, factor: float) -> bool:
    """Whether a figure is in a unit outside its dimension's metric family (miles, feet, acres, mph),
    or in calendar months or years (of no fixed length)."""
    metric = {
        "length": (1000, 1, 0.01, 0.001),
        "area": (1e4, 1e6, 1),
        "mass": (1, 1e3, 1e6),
        "speed": (1 / 3.6, 1),
        "volume": (1,),
    }
    if dimension == "duration":
        # Months and years are calendar units of 28-31 and 365-366 days: "a two-month
        # moratorium" and "60 days" are one length, rounded.
        return factor >= 2629800 - 1
    if dimension not in metric:
        return False
    return not any(math.isclose(factor, f) for f in metric[dimension])


# ----------------------------------------------------------------------------- frames


def _lemma(tok) -> str:
    return tok.lemma_.lower() if tok.lemma_ else tok.lower_


def _canon_thing(tok) -> tuple[str, str]:
    """(thing, implied event) of a noun: "toll" -> ("person", "killed"), "others" -> ("person", "")."""
    lemma = _lemma(tok)
    if lemma in _PERSON_NOUNS or tok.lower_ in _PERSON_NOUNS:
        return "person", ""
    if lemma == "toll":
        return "person", "killed"
    if lemma in ("death", "fatality", "body"):
        return "person", "killed"
    if lemma == "injury":
        return "person", "injured"
    if lemma in _DEED_NOUNS:
        return "person", _DEED_NOUNS[lemma]  # "police made six arrests": six people arrested
    return _THING_SYNONYMS.get(lemma, lemma), ""


# Nouns that count people by what was done to them ("six arrests", "40 evacuations", "12 rescues").
_DEED_NOUNS = {"arrest": "arrest", "evacuation": "evacuate", "rescue": "rescue", "detention": "arrest"}


# Verbs that make someone do something: the count is of what they were made to do.
_MADE_TO = {"force", "order", "compel", "oblige", "prompt", "tell", "urge"}
# Leaving one's home is being evacuated or displaced: "3,000 fled their homes", "12,000 evacuated".
_HOMES = {"home", "house", "village", "town"}
# Whoever is taken, rushed, flown or sent to hospital (or put, kept, left in it) is counted among
# the hurt, whatever the verb: the destination says what the count is.
_TO_HOSPITAL = {"to", "in", "into"}
_HOSPITALS = {"hospital", "infirmary", "clinic"}


_TIMES_OF_DAY = {
    "morning",
    "afternoon",
    "evening",
    "night",
    "nightfall",
    "dawn",
    "midday",
    "noon",
    "midnight",
    "lunchtime",
}
_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?\s*[ap]\.?m\b", re.I)


def _time_of_day(tok) -> bool:
    """Is `tok` (the object of "by") a time of the day: "5 a.m.", "Tuesday evening", "midday"?"""
    phrase = " ".join(t.text for t in tok.subtree)
    return bool(_CLOCK.search(phrase)) or any(t.lower_ in _TIMES_OF_DAY for t in tok.subtree)


def _canon_event(tok) -> str:
    lemma = _lemma(tok)
    if tok.pos_ == "ADP" or lemma in _LIGHT_VERBS:
        return ""
    if lemma in ("leave", "flee", "abandon", "evacuate") and any(
        c.dep_ == "dobj" and _lemma(c) in _HOMES for c in tok.children
    ):
        return "evacuate"
    if lemma in ("move", "evacuate", "flee", "relocate") and any(  # "900 people were moved from their homes"
        c.dep_ == "prep" and c.lower_ == "from" and any(_lemma(g) in _HOMES for g in c.children) for c in tok.children
    ):
        return "evacuate"
    if tok.pos_ in ("VERB", "AUX") and any(  # "seven were taken to hospital", "putting three in hospital"
        c.dep_ == "prep" and c.lower_ in _TO_HOSPITAL and any(_lemma(g) in _HOSPITALS for g in c.children)
        for c in tok.children
    ):
        return "hospitalise"
    if lemma == "find" and (verdict := _verdict(tok)):
        return verdict  # "was found guilty on March 19" is "was convicted on March 12"'s event
    if lemma == "set" and any(c.dep_ == "dobj" and _lemma(c) == "sail" for c in tok.children):
        return "leave"  # "set sail from Miravista on April 6" / "left Miravista on April 4"
    if lemma == "sail" and any(c.dep_ == "prep" and c.lower_ == "from" for c in tok.children):
        return "leave"  # "sailed from Miravista", not "sailed into port"
    particle = next((c.lower_ for c in tok.children if c.dep_ == "prt"), "")
    if particle:
        lemma = f"{lemma} {particle}"  # "took over the throne" is not "took a hit"
    return _EVENT_SYNONYMS.get(lemma, lemma)


def _verdict(tok) -> str:
    """ "found guilty" is a conviction, "found not guilty" an acquittal; "" for any other finding."""
    for c in tok.children:
        if c.dep_ in ("oprd", "acomp") and c.lower_ in ("guilty", "innocent"):
            negated = any(g.dep_ == "neg" for g in c.children) or any(g.dep_ == "neg" for g in tok.children)
            return "acquit" if negated or c.lower_ == "innocent" else "convict"
    return ""


def _unwrap(noun):
    """ "the number of patients" -> patients; "reports of burn injuries" -> injuries."""
    seen = 0
    while _lemma(noun) in _WRAPPERS and seen < 3:
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is None or obj.pos_ not in ("NOUN", "PROPN"):
            break
        noun = obj
        seen += 1
    return noun


def _subject_of(pred, exclude) -> str:
    tok = _subject_tok(pred, exclude)
    return _subject_word(tok) if tok is not None else ""


def _subject_word(tok) -> str:
    if tok.ent_type_ == "PERSON":
        # "Graham Lowther was jailed" / "a finance director was jailed": a person, compared by surname
        return _SOMEONE + fold(tok.text)
    if tok.pos_ == "PROPN":
        # "the River Wendle rose": compared with "the river" by its words; "the tanker Nordic
        # Tern spilled" with "a tanker leaked" by the class noun written before the name
        kind = _class_noun(tok)
        name = _name_of(tok)
        return f"{kind} {name}" if kind and kind not in name.split() else name
    return _canon_thing(tok)[0]


def _class_noun(tok) -> str:
    """The common noun that says what a named thing is: "the tanker Nordic Tern", "Nordic Tern,
    the tanker": canonical ("ship"), or "". The parser often hangs "the tanker" elsewhere, so
    the word just before the name counts when a determiner introduces it."""
    for c in tok.children:
        if c.dep_ == "appos" and c.pos_ == "NOUN":
            return _canon_thing(c)[0]
    first = min([tok.i] + [c.i for c in tok.subtree if c.dep_ == "compound" and c.i < tok.i])
    doc = tok.doc
    if (
        first >= 2
        and doc[first - 1].pos_ == "NOUN"
        and doc[first - 1].is_lower
        and doc[first - 2].lower_ in ("the", "a", "an")
    ):
        return _canon_thing(doc[first - 1])[0]
    return ""


def _name_of(tok) -> str:
    """A proper noun with its compound parts, folded: "river wendle", "bank caldora"."""
    parts = [c for c in tok.subtree if c.dep_ in ("compound", "pobj") or c.i == tok.i]
    words = [fold(c.text) for c in sorted(parts, key=lambda c: c.i) if c.is_alpha]
    return " ".join(words[-4:]) or tok.lower_


# What was expected or hoped for is not what happened ("economists had forecast 350,000 claims").
_FORECAST = {"expect", "expectation", "forecast", "projection", "predict", "prediction", "consensus", "hope"}
_HYPOTHETICAL = {"could", "might", "may"}  # not "would": reported speech ("said it would") is full of it


def _place_of(tokens) -> str:
    """Where the counted things are, when the sentence says: a place name modifying them ("Virginia
    gas stations") or a place after "in", "across", "for" ("in North Carolina", "for Rhineland-Palatinate")."""
    for tok in tokens:
        for c in tok.children:
            if c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ in ("GPE", "LOC"):
                return fold(" ".join(t.text for t in c.subtree if t.ent_type_ in ("GPE", "LOC")))
            if c.dep_ == "prep" and c.lower_ in ("in", "across", "for", "from"):
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is not None and obj.ent_type_ in ("GPE", "LOC"):
                    return fold(" ".join(t.text for t in obj.subtree if t.ent_type_ in ("GPE", "LOC")))
    return ""


def _forecast(tokens) -> bool:
    """A figure that was expected, hoped for or is hypothetical, not what happened ("economists had
    forecast 350,000", "Florida could hit 23,000 cases", "hopes of a $6 trillion plan")."""
    for tok in tokens:
        for anc in [tok, *list(tok.ancestors)[:4]]:
            if _lemma(anc) in _FORECAST or (
                any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in anc.children) and not _estimated_past(anc)
            ):
                return True
            if any(c.dep_ in ("nsubj", "nsubjpass") and _lemma(c) in _FORECAST for c in anc.children):
                return True  # "the consensus ... being that 700,000 jobs would be added"
    return False


def _estimated_past(verb) -> bool:
    """ "Winds may have reached 110 mph", "the fire could have started at 2 a.m.": an estimate of
    what happened, not a forecast ("would have" stays hypothetical: "would have reached 20,000")."""
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    return "have" in aux and bool(aux & {"may", "might", "could"})


def _anchor(tokens, *, year_of_its_own: bool = True) -> str:
    """What sets a figure apart from the story's plain fact of the same measure: another period
    ("last" for "last year's rate", "79.1% last year", "the prior week", "2011's", "killed 77
    people in July 2011"), or another of its kind ("a second strike")."""
    for tok in tokens if year_of_its_own else ():  # a year figure is its own period: "built in 1968"
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "during", "since"):
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                year = (
                    next((g.text for g in obj.subtree if re.fullmatch(r"(1[89]|20)\d\d", g.text)), None)
                    if obj
                    else None
                )
                if year and obj is not None and obj.ent_type_ == "DATE":
                    return year
    for tok in tokens:
        for c in tok.children:
            if c.dep_ == "poss" and c.like_num and len(c.text) == 4:
                return c.text  # "2011's 39,459 fires"
            if c.dep_ == "prep" and c.lower_ in ("for", "in", "during", "of"):
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is not None and obj.lemma_.lower() in ("year", "month", "week", "season", "quarter"):
                    det = next((d for d in obj.children if d.dep_ in ("det", "amod")), None)
                    if det is not None and det.lower_ in _ANCHOR_WORDS:
                        return "last" if det.lower_ in ("previous", "prior", "preceding") else det.lower_
    for tok in tokens:
        for c in tok.children:
            if c.dep_ in ("npadvmod", "poss", "amod", "advmod", "nmod") and c.lemma_.lower() in (
                "year",
                "month",
                "week",
                "season",
                "quarter",
            ):
                det = next((d for d in c.children if d.dep_ in ("det", "amod")), None)
                if det is not None and det.lower_ in _ANCHOR_WORDS:
                    return det.lower_ if det.lower_ != "previous" else "last"
            if c.dep_ == "amod" and c.lower_ in _ANCHOR_WORDS:
                return c.lower_ if c.lower_ not in ("previous", "prior", "preceding") else "last"
            if c.dep_ in ("amod", "det") and c.lower_ in _SEQUEL_WORDS:
                return "another"
    return ""


_POINT_WORDS_IN_DATES = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|morning|afternoon|"
    r"evening|night|overnight|\d{1,2}(?:st|nd|rd|th)?)\b",
    re.IGNORECASE,
)


def _has_period(pred) -> bool:
    """Whether the predicate names a period of its own ("inflation rose to 4.1% in August"): then
    the rise is from the previous period, not since an earlier report."""
    for c in pred.subtree:
        if c.ent_type_ == "DATE" and c.ent_iob_ == "B":
            ent = next((e for e in c.doc.ents if e.start == c.i), None)
            if ent is not None and not _POINT_WORDS_IN_DATES.search(ent.text):
                return True
    return False


def _per(tokens) -> str:
    """A rate's unit: "a day" after the figure or its noun, "per share"."""
    for tok in tokens:
        for c in tok.children:
            if (
                c.dep_ in ("npadvmod", "pobj", "prep", "nmod", "appos")
                and c.lemma_.lower() in _PER_UNITS
                and any(d.lower_ in ("a", "an", "per", "each", "every") for d in c.children)
            ):
                return c.lemma_.lower()
            if c.dep_ == "prep" and c.lower_ in ("per", "a"):
                obj = next((d for d in c.children if d.dep_ == "pobj"), None)
                if obj is not None and obj.lemma_.lower() in _PER_UNITS:
                    return obj.lemma_.lower()
    return ""


def _per_from_text(doc, end: int) -> str:
    m = re.match(
        r"\s*(?:a|an|per|each|every|for each|for every)\s+(?:[A-Z]\w+\s+)?([a-z]+)",
        doc.text[end : end + 40],
        re.IGNORECASE,
    )
    if m and m.group(1).lower().rstrip("s") in _PER_UNITS:
        return m.group(1).lower().rstrip("s")
    return ""


def _modifiers(noun) -> frozenset[str]:
    out = set()
    for c in noun.children:
        if c.dep_ in ("amod", "compound", "poss") and c.pos_ in ("ADJ", "NOUN", "PROPN", "VERB") and c.is_alpha:
            word = c.lower_  # as written: "restructuring charge" and "restructuring costs" share it
            if word not in ("more", "other", "least", "such", "many", "several", "few", "total", "all"):
                out.add(word)
    return frozenset(out)


_PHYSICAL = {"length", "area", "mass", "speed", "volume", "duration"}
_ROLE_PREPS = {"from": "from", "by": "by", "since": "since", "until": "until"}


def _thing_in_phrase(doc, span, tokens: set[int], raw: _Raw):
    """(counted thing's token, its word) named in a phrase after the figure: "Four of the miners",
    "87% of members", "£45m of savings", "a tenth of its workforce"; "£15m in add-ons", "$5bn in
    sales" (what the money is, not "in cash", how it is paid)."""
    for t in span:
        of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of" and c.i not in tokens), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.ent_type_ not in ("DATE", "TIME"):
            return _unwrap(obj), ""
    if raw.dimension.startswith("money:"):
        m = re.match(r"\s+in\s+([A-Za-z][\w-]*)", doc.text[span.end_char :])
        if m and m.group(1).lower() not in _PAYMENT_FORMS:
            word = doc.char_span(span.end_char + m.start(1), span.end_char + m.end(1), alignment_mode="expand")
            if word is not None and word.root.pos_ == "NOUN" and not word.root.ent_type_:
                return word.root, m.group(1).lower()
    return None, ""


def _predicate_of(head, thing_tok, raw: _Raw):
    """(the figure's noun phrase token, its predicate, the figure's role, the counted thing):
    climbing from the figure's noun phrase to the verb or noun it depends on ("a turnout of 64%":
    the turnout; "rose to five": rose; "built in 1968": built)."""
    t = head
    pred = None
    role = ""
    steps = 0
    while t.dep_ in ("compound", "amod", "nmod", "appos", "conj") and t.head.i != t.i and steps < 4:
        if t.dep_ == "conj" and t.head.pos_ in ("VERB", "AUX"):
            break
        t = t.head
        steps += 1
    if t.dep_ == "pobj":
        prep = t.head
        gov = prep.head
        if gov.pos_ in ("NOUN", "PROPN") and thing_tok is None and prep.lower_ in ("of", "at", "to", "as"):
            thing_tok = _unwrap(gov)  # "a turnout of 64%", "a depth of 10 km"
            t = gov
            while t.dep_ in ("compound", "amod", "nmod", "appos") and t.head.i != t.i:
                t = t.head
            if t.dep_ == "pobj":
                role = _ROLE_PREPS.get(t.head.lower_, "")
                pred = t.head.head
            elif t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd"):
                pred = t.head
        else:
            role = _ROLE_PREPS.get(prep.lower_, "")
            if prep.lower_ == "between" or (prep.lower_ == "from" and raw.dimension in ("year",)):
                role = "from"
            if raw.dimension == "duration" and prep.lower_ in ("over", "during", "within", "in", "after"):
                role = prep.lower_  # "over the past two weeks": a span of time, not what lasted
            pred = gov
    elif t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "acomp", "dative", "npadvmod", "advmod", "pcomp"):
        pred = t.head
    elif t.dep_ in ("ROOT", "dep", "conj", "appos", "advcl", "ccomp", "xcomp"):
        pred = t.head if t.head.i != t.i else None
    if pred is not None and pred.pos_ == "ADP":
        pred = pred.head
    return t, pred, role, thing_tok


def _frame(doc, span, raw: _Raw) -> Frame | None:
    """What the figure in `span` measures, from the parse around it."""
    tokens = set(t.i for t in span)
    root = span.root
    if raw.dimension.startswith("scale:"):  # "magnitude 6.4 earthquake": the figure, not the scale word, heads it
        root = next((t for t in span if t.like_num), root)
        tokens = {root.i}
    implied = ""
    thing_tok, in_thing = _thing_in_phrase(doc, span, tokens, raw)
    head = root
    if (
        thing_tok is None
        and root.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod", "npadvmod", "appos")
        and root.head.pos_ in ("NOUN", "PROPN")
        and root.head.i not in tokens
    ):
        thing_tok = _unwrap(root.head)
        head = root.head
    t, pred, role, thing_tok = _predicate_of(head, thing_tok, raw)
    event = ""
    subject = ""
    subject_tok = None
    moved = False
    if pred is not None:
        event = _canon_event(pred)
        if _lemma(pred) in _MADE_TO and t.dep_ in ("dobj", "nsubjpass"):
            # "forcing 3,000 residents to leave their homes": what they were made to do
            done = next((c for c in pred.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"), None)
            if done is not None:
                event = _canon_event(done)
        side = next((c.lower_ for c in pred.children if c.dep_ == "prep" and c.lower_ in ("against", "for")), "")
        if any(
            c.dep_ == "prep"
            and c.lower_ == "in"
            and any(g.lemma_ in ("favour", "favor", "support") for g in c.children)
            for c in pred.children
        ):
            side = "for"  # "voted in favour of action"
        if event == "vote" and side:
            event = f"vote {side}"  # "120 voted against it" is not "67 voted for it"
        if pred.pos_ in ("AUX", "VERB") and _lemma(pred) in _LIGHT_VERBS:
            # "Turnout was 41%", "The attendance was given as 54,300": the subject is the thing.
            acomp = next((c for c in pred.children if c.dep_ in ("acomp",) and c.i not in tokens), None)
            where = next(
                (
                    c
                    for c in pred.children
                    if (c.dep_ == "prep" and c.lower_ not in ("to", "of", "as", "at", "according"))
                    or (c.dep_ == "advmod" and c.lower_ in ("there", "here", "away", "abroad", "home"))
                ),
                None,
            )
            if acomp is not None:
                event = _canon_event(acomp)
            elif where is not None and pred.lemma_ in ("be", "remain", "stay") and t.dep_ in ("nsubj", "nsubjpass"):
                # "8,000 soldiers are near the border", "1,500 Americans remain in Afghanistan": where they are counts them
                event = "be " + where.lower_
            subj = next((c for c in pred.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in tokens), None)
            if subj is not None and thing_tok is None and subj.pos_ in ("NOUN", "PROPN"):
                thing_tok = _unwrap(subj)
        elif (
            _lemma(pred) in _CHANGE_VERBS
            and role in ("", "from", "by")
            and (raw.dimension != "count" or thing_tok is None)
        ):
            # "The death toll rose to five", "the rate fell from 79.1%", "is down from 79.6%": the
            # subject is what is measured; the verb only says it moved.
            holder = pred.head if pred.pos_ in ("ADV", "ADJ", "ADP") and pred.head.i != pred.i else pred
            subj = next((c for c in holder.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in tokens), None)
            obj = next((c for c in pred.children if c.dep_ == "dobj" and c.i not in tokens), None)
            target = obj if obj is not None and obj.pos_ == "NOUN" else subj
            if obj is None and role == "" and pred.pos_ == "VERB" and _lemma(pred) in _RISING and not _has_period(pred):
                moved = True  # "the toll rose to five", "the fire grew to 19,000 acres": the figure itself moved
            if target is not None and thing_tok is None and target.pos_ in ("NOUN", "PROPN"):
                if raw.dimension in _PHYSICAL:
                    subject_tok = target  # "the fire grew to 19,000 acres": the fire's size
                else:
                    thing_tok = _unwrap(target)
            event = ""
        subject = _subject_of(pred, tokens | ({thing_tok.i} if thing_tok is not None else set()))
        if subject_tok is not None:
            subject = _subject_word(subject_tok)
    if not moved and pred is not None and raw.dimension in _COVERED and _widened(pred, root, thing_tok):
        moved = True  # "the cull was extended to 120,000 birds", "extended on Friday to cover 5,400 homes"
    if not moved and pred is not None and role == "" and raw.dimension in _COVERED and _up_from(pred, tokens):
        moved = True  # "had closed 44 schools by midday, up from 31 in the morning"
    # "30% contained", "15 injured": a participle hanging on the figure names the event.
    for c in list(root.children) + ([thing_tok] if thing_tok is not None else []):
        if c is None:
            continue
        if c.dep_ in ("acl", "amod") and c.pos_ in ("VERB", "ADJ") and c.i not in tokens and c.lemma_:
            lemma = _canon_event(c)
            if lemma in ("killed", "injured", "contain", "destroy", "damage", "evacuate", "arrest", "rescue"):
                event = lemma
    thing = ""
    modifiers: frozenset[str] = frozenset()
    if thing_tok is not None:
        thing, implied = _canon_thing(thing_tok)
        if in_thing:
            thing = in_thing.rstrip("s") if in_thing.endswith("ons") else thing  # "add-ons" as one word
        sentence_initial = thing_tok.i == thing_tok.sent.start and not (
            thing_tok.i + 1 < len(doc) and doc[thing_tok.i + 1].ent_iob_ == "I"
        )  # "Turnout was 41%": the tagger takes a capitalised first word for a name
        if thing_tok.pos_ == "PROPN" and thing_tok.ent_type_ in _NAME_ENTITIES and not sentence_initial:
            thing = ""  # "Harlow Creek" is where, not what
        modifiers = _modifiers(thing_tok)
        if _lemma(thing_tok) == "toll" or any(m in ("death",) for m in modifiers):
            implied = "killed"
            modifiers = frozenset()
    if thing in _EVENT_NOUNS:
        event, thing = _EVENT_NOUNS[thing], ""
    if implied:
        event = implied  # "27 reports of burn injuries", "the death toll": what happened to them, whatever the verb
    if pred is not None and _lemma(pred) == "worth" and not thing:
        thing, event = "value", ""  # "jewellery worth 4.3 million euros" is its value
    if not (thing or event) and raw.dimension == "count":
        return None  # a bare number attached to nothing: nothing to align it by
    per = _per([root] + ([thing_tok] if thing_tok is not None else [])) or _per_from_text(
        doc, span.end_char if thing_tok is None else max(span.end_char, thing_tok.idx + len(thing_tok))
    )
    near = [x for x in (pred, thing_tok, root, root.head if root.dep_ == "pobj" else None) if x is not None]
    anchor = "forecast" if _forecast(near) else _anchor(near, year_of_its_own=raw.dimension != "year")
    dimension = raw.dimension
    place = _place_of([x for x in (thing_tok, pred) if x is not None])
    if thing_tok is not None and thing_tok.dep_ == "compound" and thing_tok.head.pos_ == "NOUN" and not subject:
        subject = _canon_thing(thing_tok.head)[0]  # "88th-minute winner": the minute of the winner
    # "a five-year contract", "the 72-hour truce", "a restructuring charge of £40m", "£10m in add-ons":
    # a property or an amount of the thing, whatever is done to it
    prop = bool(thing) and (
        (dimension != "count" and head is not root and root.dep_ in ("nummod", "amod", "compound", "nmod"))
        or dimension.startswith("money:")
        or dimension in _PHYSICAL
    )
    # "42 homes had been destroyed so far": a count still growing
    # or "35 cm had fallen by 5 a.m.", "by Tuesday evening": a count as of a time of the day
    provisional = pred is not None and any(
        (c.lemma_ == "far" and any(g.lower_ == "so" for g in c.children))
        or (c.dep_ == "prep" and c.lower_ == "by" and any(_time_of_day(g) for g in c.children))
        for c in pred.children
    )
    if dimension.startswith(("scale:", "code:")):
        # "a magnitude 6.4 earthquake struck / shook": the reading belongs to the quake, whatever it did;
        # "the tornado was rated EF3", "the twister, which the service rated EF3": to what was rated
        if not thing and pred is not None:
            rated = next((c for c in pred.children if c.dep_ in ("nsubjpass", "dobj") and c.pos_ == "NOUN"), None)
            if rated is None and pred.dep_ == "relcl" and pred.head.pos_ == "NOUN":
                rated = pred.head
            if rated is not None:
                thing = _canon_thing(rated)[0]
        event, subject = "", ""
    label = _label(thing_tok, pred, thing, event, dimension)
    if dimension == "tally" and thing in ("vote", "ballot", ""):
        # "after a 7-2 vote", "voted six to three": the vote is the event, whoever held it
        tally_event = "vote" if thing or event.startswith("vote") else event  # a tally says who was for and against
        return Frame("tally", "", tally_event, "", "", anchor, "", frozenset(), "vote")
    return Frame(
        dimension,
        thing,
        event,
        role,
        subject if subject != thing else "",
        anchor,
        per,
        modifiers,
        label,
        moved,
        prop,
        provisional,
        place,
        current=_now(span.root),
    )


def _up_from(pred, tokens: set[int]) -> bool:
    """Does the clause say its figure is "up from" (or "down from") an earlier one?"""
    return any(
        c.dep_ == "advmod"
        and c.lower_ in ("up", "down")
        and c.i not in tokens
        and any(g.dep_ == "prep" and g.lower_ == "from" for g in c.children)
        for c in pred.children
    )


def _widened(pred, root, thing_tok) -> bool:
    """Does the sentence say the measure was widened to this figure?

    "The cull was extended to 120,000 birds" (the figure is reached through "to" of a widening
    verb) or "the notice was extended on Friday to cover about 5,400 homes" (the figure's own
    verb is the purpose of a widening one): either way the figure is where the count moved to.
    """
    if _lemma(pred) in _WIDENING:
        counted = thing_tok if thing_tok is not None else root
        return any(t.lower_ == "to" and t.head.i == pred.i for t in (counted, *counted.ancestors))
    head = pred.head
    return pred.dep_ in ("xcomp", "advcl") and head.i < pred.i and _lemma(head) in _WIDENING and pred.pos_ == "VERB"


def _now(tok) -> bool:
    """Does the clause of `tok` say "now" ("48 homes have now been cleared", "the toll now stands at 11")?"""
    verb = next((t for t in (tok, *tok.ancestors) if t.pos_ in ("VERB", "AUX")), None)
    return verb is not None and any(c.dep_ == "advmod" and c.lower_ == "now" for c in verb.children)


def _label(thing_tok, pred, thing: str, event: str, dimension: str) -> str:
    """Words for the measure: "people killed", "pass rate", "year built"."""
    noun = ""
    if thing_tok is not None:
        mods = [
            c.text for c in thing_tok.children if c.dep_ in ("compound", "amod") and c.is_alpha and c.i < thing_tok.i
        ]
        noun = " ".join([*mods[-2:], thing_tok.text])
        if thing == "person" and thing_tok.lower_ in ("others", "other", "one", "ones"):
            noun = "people"
    verb = pred.text if pred is not None and event and pred.pos_ in ("VERB", "ADJ") else event
    if dimension == "year":
        return f"year {noun + ' ' if noun else ''}{verb}".strip()
    if noun and verb and thing != event:
        return f"{noun} {verb}"
    return noun or verb or dimension.removeprefix("scale:")  # "scale:level" reads "level"


# ----------------------------------------------------------------------------- moments

_MONTH_NAMES = "|".join(sorted((m for m in MONTHS if len(m) > 3 or m == "may"), key=len, reverse=True))
_MONTH_YEAR = re.compile(
    rf"\b({_MONTH_NAMES}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?,?\s+(\d{{4}})\b", re.I
)
# Month names as written in prose: capitalised ("May" the month, not "may" the verb).
_MONTHS_RE = "(?:" + "|".join(sorted({m.capitalize() for m in MONTHS}, key=len, reverse=True)) + ")"
_DAY_PAIR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:and|&|to|-|–)\s*(?:[A-Z][a-z]+day\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS_RE})\b"
)
_MONTH_PAIR = re.compile(
    rf"\b({_MONTHS_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:and|&|to|-|–)\s*(\d{{1,2}})\b(?![:.,]?\d)"
)
_WEEKDAY_DAY = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:a\.?m|p\.?m|:))"
)
_FUTURE = re.compile(r"\b(?:will|due|expected|scheduled|set to|plans? to|next|upcoming)\b", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"\b({_MONTHS_RE})\b")
# A month named alone after a word of time ("in March", "until May", "late June"), capitalised:
# not "may" the verb, not May the politician ("in May's cabinet"), not a day or year after it.
# Not after "from" or "since": "rose 0.9% from May", "the fastest since June" name a base of
# comparison far more often than when something happened.
_MONTH_ALONE = re.compile(
    rf"\b(in|until|by|during|through|before|after|last|early|late|mid-)\s+({_MONTHS_RE})\b(?!['’.]?\s*\d)(?!['’]s)"
)
_MONTH_DAY = re.compile(rf"\b({_MONTHS_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{{4}})(?![:.]\d)")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS_RE})\b\.?(?!,?\s*\d{{4}})")
_QUARTER = re.compile(
    r"\b(?:the\s+)?(first|second|third|fourth|final|last)\s+(quarter|half)\s+(?:of\s+)?(?:(\d{4})|this year|next year)?",
    re.I,
)
_QN = re.compile(r"\b([QH])([1-4])\s*(\d{4})?\b")
_PERIOD_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}


def _moments(st: Statement, position: int, doc, skip: int, published: date | None) -> list[Moment]:
    text = doc.text
    found: list[Moment] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, **kw) -> None:
        if start < skip or any(s < end and start < e for s, e in taken):
            return
        if kw.get("day") is not None and kw.get("monthday") is None:
            kw["monthday"] = (kw["day"].month, kw["day"].day)
        taken.append((start, end))
        found.append(Moment(position, st.source, text[start:end], start=start, end=end, **kw))

    # Times of day first, each joined to a day written right beside it ("6 p.m. on Sunday").
    lx = _lex(text)
    days = date_spans(text, published)
    day_spans = [(s, e, d) for s, e, d in days if s >= skip]

    def with_day(start: int, end: int) -> tuple[int, int, date | None, int | None]:
        """The span of a time of day with the day written beside it, that day, and its weekday
        (an undated report's "Sunday" is some Sunday)."""
        for s, e, d in day_spans:
            gap = text[end:s] if s >= end else text[e:start]
            if len(gap) <= 12 and re.fullmatch(r"[\s,]*(?:on|of|,)?[\s,]*(?:the\s+)?", gap or " "):
                if st.published is None and not any(c.isdigit() for c in text[s:e]):
                    return min(start, s), max(end, e), None, _weekday_of(text[s:e])
                return min(start, s), max(end, e), d, None
        return start, end, None, None

    for i in range(len(lx)):
        if not lx[i].low[0].isdigit():
            continue
        clock = _clock_at(lx, i)
        if clock is None:
            continue
        qual, q = _qualifier_before(lx, i)
        start, end, day, weekday = with_day(lx[q if qual == "about" else i].start, lx[clock[1] - 1].end)
        add(start, end, clock=int(clock[0]), day=day, weekday=weekday)
    for m in _WORD_CLOCK.finditer(text):
        minutes, half_day = _word_clock(m)
        start, end, day, weekday = with_day(m.start("time"), m.end())
        add(start, end, clock=minutes, half_day=half_day, day=day, weekday=weekday)
    for s, e, d in day_spans:
        if text[e : e + 2] in ("'s",):
            continue  # "last week's test": a thing the sentence mentions, not when it happens
        written = text[s:e]
        if re.search(r"\d{4}", written):
            add(s, e, day=d, year=d.year)
        elif any(c.isdigit() for c in written):
            # "30 October": compared by month and day (its year is a guess), placed on the timeline by the guess;
            # a date the sentence puts in the future is this year's or next, not last year's
            if published is not None and d < published and _FUTURE.search(text):
                d = _safe_date(d.year + 1, d.month, d.day) or d
            add(s, e, monthday=(d.month, d.day), guessed_day=d)
        elif st.published is None:
            # An undated report's "Monday" is some Monday: keep the weekday; the day resolved
            # against the story's day is only a guess (good enough to place it on a timeline).
            add(s, e, weekday=_weekday_of(written), guessed_day=d)
        else:
            add(s, e, day=d, year=d.year)
    for s, e, monday in week_spans(text, published):
        if text[e : e + 2] != "'s":
            add(s, e, week=monday)
    # Days of one month written together: "17 and 18 November", "November 17 and 18", "Monday 17 and Tuesday 18 November".
    for m in _DAY_PAIR.finditer(text):
        month = MONTHS.get(m.group(3).lower().rstrip("."))
        if month:
            add(m.start(1), m.end(1), monthday=(month, int(m.group(1))))
            add(m.start(2), m.end(), monthday=(month, int(m.group(2))))
    for m in _MONTH_PAIR.finditer(text):
        month = MONTHS.get(m.group(1).lower().rstrip("."))
        if month:
            add(m.start(), m.end(2), monthday=(month, int(m.group(2))))
            add(m.start(3), m.end(3), monthday=(month, int(m.group(3))))
    for m in _WEEKDAY_DAY.finditer(text):
        after = _MONTH_AFTER.search(text, m.end(), m.end() + 40)
        month = MONTHS.get(after.group(1).lower().rstrip(".")) if after else None
        if month:
            add(m.start(2), m.end(2), monthday=(month, int(m.group(2))))
    # A day and month without a year: the year would be a guess, so month and day are compared.
    for pattern, mi, di in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        for m in pattern.finditer(text):
            month = MONTHS.get(m.group(mi).lower().rstrip("."))
            if month and m.group(mi)[0].isupper() and 1 <= int(m.group(di)) <= 31:
                add(m.start(), m.end(), monthday=(month, int(m.group(di))))
    for m in _MONTH_YEAR.finditer(text):
        month = MONTHS.get(m.group(1).lower().rstrip("."))
        if month and m.group(1)[0].isupper():
            add(m.start(), m.end(), month=(int(m.group(2)), month), year=int(m.group(2)))
    for m in _MONTH_ALONE.finditer(text):
        # "last inspected in March": the last March up to the report's day, or for what the
        # sentence puts in the future ("will reopen in May"), the next May from it
        month = MONTHS.get(m.group(2).lower().rstrip("."))
        if month and published is not None:
            future = bool(_FUTURE.search(text))
            which = published.year + (1 if future and month < published.month else 0)
            which -= 1 if not future and month > published.month else 0
            add(m.start(2), m.end(2), month=(which, month), year=which)
    for m in _QUARTER.finditer(text):
        year = m.group(3)
        if year is None and published is not None:
            year = str(published.year + (1 if "next" in m.group(0).lower() else 0))
        # "the second half of this year" in an undated report: the half, its year unknown ("?")
        add(m.start(), m.end(), period=f"{year or '?'}{m.group(2)[0].upper()}{_PERIOD_ORDINAL[m.group(1).lower()]}")
    for m in _QN.finditer(text):
        year = m.group(3) or (str(published.year) if published else "?")
        add(m.start(), m.end(), period=f"{year}{m.group(1)}{m.group(2)}")
    out = []
    for mo in sorted(found, key=lambda x: x.start):
        span = doc.char_span(mo.start, mo.end, alignment_mode="expand")
        frame = _moment_frame(doc, span) if span is not None and len(span) else Frame("date")
        out.append(
            Moment(
                mo.statement,
                mo.source,
                mo.shown,
                mo.day,
                mo.monthday,
                mo.month,
                mo.period,
                mo.clock,
                mo.year,
                mo.weekday,
                mo.guessed_day,
                mo.week,
                frame,
                mo.start,
                mo.end,
                mo.half_day,
                _near(text, mo.start) if mo.clock is not None else 0,
            )
        )
    return out


# Words that make "before" and "after" a time close by: "shortly before 4am" is about 4am.
_SOON = {"shortly", "just", "soon", "right", "moments", "minutes", "seconds", "immediately"}
_NEAR = re.compile(rf"\b({'|'.join(sorted(_SOON))})\s+(before|after)\s*$", re.I)
_NEAR_MINUTES = 30  # "shortly before 4am": within half an hour of it, as news uses "shortly"


def _near(text: str, start: int) -> int:
    """-30 for a time told as "shortly before" it, +30 for "just after" it, else 0."""
    m = _NEAR.search(text[max(0, start - 40) : start])
    if m is None:
        return 0
    return -_NEAR_MINUTES if m.group(2).lower() == "before" else _NEAR_MINUTES


# Times of day in words, as reports write them: "at noon", "shortly after midnight", "half past
# seven", "a quarter to eight in the evening", "nine o'clock". Noon and midnight only after a
# preposition ("the midday sun" times nothing). Without a.m./p.m. or a part of the day, "half
# past seven" is 7:30 or 19:30 (`Moment.half_day`). "To" only after "quarter": "from five to
# eight" is a range of counts far more often than 7:55.
_HOUR_WORDS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_PAST_WORDS = {"five": 5, "ten": 10, "quarter": 15, "a quarter": 15, "twenty": 20, "twenty-five": 25, "half": 30}
_HOUR_RE = r"(?:" + "|".join(_HOUR_WORDS) + r"|1[0-2]|[1-9])"
_WORD_CLOCK = re.compile(
    r"\b(?:at|by|before|after|until|till|around|about|from|since|past|to)\s+(?P<time>(?P<noon>noon|midday|midnight)\b"
    r"|(?P<minutes>(?:a\s+)?quarter(?=\s+to)|a quarter|quarter|half|twenty-five|twenty|ten|five)\s+(?P<dir>past|to(?<=quarter\sto)|after)\s+(?P<h1>"
    + _HOUR_RE
    + r")\b(?:\s+o'clock)?"
    r"|(?P<h2>" + _HOUR_RE + r")\s+o'clock\b)"
    r"(?:\s+(?P<part>in the morning|in the afternoon|in the evening|at night|a\.m\.?|p\.m\.?))?",
    re.I,
)


def _word_clock(m: re.Match) -> tuple[int, bool]:
    """(minutes after midnight, whether the half of the day is unknown) of a `_WORD_CLOCK` match."""
    if m.group("noon"):
        return (0 if m.group("noon").lower() == "midnight" else 720), False
    word = (m.group("h1") or m.group("h2")).lower()
    hour = _HOUR_WORDS.get(word) or int(word)
    minutes = 0
    if m.group("minutes"):
        minutes = _PAST_WORDS[" ".join(m.group("minutes").lower().split())]
        if m.group("dir").lower() == "to":
            hour, minutes = hour - 1, 60 - minutes
    hour %= 12
    part = (m.group("part") or "").lower()
    if part.startswith(("in the afternoon", "in the evening", "p")) or (part == "at night" and hour >= 6):
        hour += 12
    return hour * 60 + minutes, not part


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_DATE_ROLES = {
    "from": "from", "since": "from", "between": "from", "until": "until", "till": "until", "by": "until",
    "before": "until", "after": "after",
}  # fmt: skip
_BARE_WEEKDAY = re.compile(r"(?:on\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)", re.I)
# Adverbs that place a time within its day or near another: the event is their verb's.
_WHEN_IN_DAY = {"late", "early", "later", "earlier", "shortly", "just", "soon", "right"}
# Verbs that only schedule or host an event: "the hearing will be held / is due / will take place on ...".
_SCHEDULING = {"due", "expect", "schedule", "set", "plan", "hold", "be"}


def _moment_frame(doc, span) -> Frame:
    """What a date is the date of: the event it is attached to and what it happened to.

    "The hearing will be held on 19 December" dates the hearing; "the company discovered
    the breach on 3 October" the discovery of the breach; "the next decision is due on
    6 November" the next decision (its anchor "next" keeps it apart from the last one).
    """
    tokens = {t.i for t in span}
    t = span.root
    role = ""
    while t.dep_ in ("compound", "npadvmod", "nummod", "appos", "amod", "nmod", "conj") and t.head.i != t.i:
        if t.head.i not in tokens and (t.dep_ == "npadvmod" or t.head.pos_ in ("VERB", "AUX", "ADJ")):
            break
        t = t.head
    pred = t.head if t.head.i != t.i else t
    if t.dep_ in ("compound", "amod", "nmod", "poss") and pred.pos_ == "NOUN":
        pass  # "the Jan. 6 attack", "Tuesday's collapse": the date of the noun it modifies
    elif t.dep_ == "pobj" or pred.pos_ == "ADP":
        prep = pred if pred.pos_ == "ADP" else t.head
        role = _DATE_ROLES.get(prep.lower_, "")
        if role in ("until", "after") and prep.i > 0 and prep.doc[prep.i - 1].lower_ in _SOON:
            role = ""  # "shortly before 4am", "just after 3 a.m.": about then, not a bound
        pred = prep.head
        if pred.pos_ == "ADV" and pred.lower_ in _WHEN_IN_DAY and pred.head.i != pred.i:
            pred = pred.head  # "first seen late on Saturday": the sighting, not "late"
    while (
        pred.pos_ in ("NOUN", "PROPN")
        and pred.dep_ in ("pobj", "appos", "conj")
        and pred.head.i != pred.i
        and t.dep_ not in ("compound", "amod", "nmod", "poss")
    ):
        pred = pred.head.head if pred.dep_ == "pobj" else pred.head
    event = ""
    theme_tok = None
    if pred.pos_ in ("NOUN", "PROPN"):
        theme_tok = pred  # "the vote on Monday"
    else:
        event = _canon_event(pred)
        event = "start" if event in ("begin", "take") else ("" if event in _SCHEDULING else event)
        if event in SPEECH_VERBS and _told_of_a_thing(pred):
            event += "ed"  # "the first case was confirmed on 12 March": the case's confirmation, an event
        # What the event happened to: its object ("discovered the breach", "found out about the
        # breach"), else its subject ("the quake struck"); through "due to", "expected to".
        up = pred
        for _ in range(3):
            theme_tok = _object_tok(up, tokens) or _subject_tok(up, tokens)
            if theme_tok is not None or up.dep_ not in ("xcomp", "ccomp", "advcl", "acomp", "attr"):
                break
            if up.head.pos_ not in ("VERB", "AUX", "ADJ"):
                break
            up = up.head
    theme = ""
    if theme_tok is not None:
        theme = _subject_word(theme_tok) if theme_tok.ent_type_ == "PERSON" else _canon_thing(theme_tok)[0]
    anchor = _anchor([theme_tok]) if theme_tok is not None else ""
    label = " ".join(x for x in (theme if not theme.startswith(_SOMEONE) else "", pred.text if event else "") if x)
    return Frame("date", theme, event, role, "", anchor, "", frozenset(), label)


def _told_of_a_thing(pred) -> bool:
    """A verb of saying in the passive with a thing for subject ("the case was confirmed", "the fire
    was reported"): it dates what happened to the thing, not when someone spoke."""
    subj = next((c for c in pred.children if c.dep_ == "nsubjpass"), None)
    return (
        subj is not None
        and subj.pos_ == "NOUN"
        and subj.ent_type_ != "PERSON"
        and not _a_person(_lemma(subj))
        and _lemma(subj) not in _PERSON_NOUNS
    )


def _object_tok(pred, exclude):
    obj = next((c for c in pred.children if c.dep_ == "dobj" and c.i not in exclude), None)
    if obj is None:
        about = next((c for c in pred.children if c.dep_ == "prep" and c.lower_ == "about"), None)
        obj = next((c for c in about.children if c.dep_ == "pobj"), None) if about is not None else None
    if obj is None or obj.pos_ != "NOUN" or obj.lower_ in _PRONOUNS or _lemma(obj) in _LIGHT_OBJECTS:
        return None
    return obj


def _subject_tok(pred, exclude):
    """The subject's head token: through a relative pronoun to its antecedent, never a pronoun or a wrapper."""
    subjects = [c for c in pred.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in exclude]
    # "The magnitude 6.4 quake struck": the parser makes the scale word the subject.
    subjects = [
        next((a for a in c.children if a.dep_ == "appos"), c) if _lemma(c) in _SCALE_PREFIXES else c for c in subjects
    ]
    subjects.sort(key=lambda c: _lemma(c) in _SCALE_PREFIXES)
    for c in subjects:
        if _lemma(c) in _WRAPPERS:
            continue
        head = pred.head if c.lower_ in _RELATIVE and pred.dep_ == "relcl" else c
        if head.lower_ in _PRONOUNS or head.pos_ == "PRON":
            return None
        if head.pos_ in ("NOUN", "PROPN"):
            return head
    if pred.dep_ in ("relcl", "acl") and pred.head.pos_ in ("NOUN", "PROPN") and pred.head.i not in exclude:
        return pred.head
    return None


# ----------------------------------------------------------------------------- people and places

_SPELLING = {"defense": "defence", "center": "centre", "labor": "labour", "organization": "organisation"}
_NOT_TITLES = {"the", "a", "an", "mr", "mrs", "ms", "dr", "of", "and", "s", "'s", "former", "then", "new"}
# Titles the tagger takes into a PERSON entity when they open it ("Ranger Mere Tawhiri"): peeled off
# when at least two name words are left, so that the name is the name and the title a title.
TITLE_WORDS = {
    "ranger", "superintendent", "inspector", "sergeant", "constable", "detective", "captain", "commander",
    "coach", "judge", "justice", "sheriff", "pastor", "reverend", "bishop", "professor", "mayor", "governor",
    "senator", "councillor", "councilman", "councilwoman", "commissioner", "principal", "warden", "marshal",
    "lieutenant", "colonel", "admiral", "trooper", "dean", "chairman", "chairwoman", "referee", "skipper",
    "ambassador", "prosecutor", "chancellor", "president", "minister", "chief", "director", "supt", "insp",
    "sgt", "det", "capt", "lt", "col", "gen", "prof", "cllr",
}  # fmt: skip


def name_words(name: str) -> tuple[str, ...]:
    """The folded words a person's name is compared by (its key is their concatenation)."""
    words = tuple(re.findall(r"[a-z]+", fold(name)))
    if len([w for w in words if len(w) > 1]) >= 2:
        words = tuple(w for w in words if len(w) > 1)  # "Donald J. Trump" is Donald Trump
    return words


def _people(st: Statement, position: int, doc) -> list[Person]:
    """People named in a sentence: spaCy's PERSON entities, and capitalised names right after a title.

    The small model mislabels some foreign names ("Yoon Sul Yeol" as a work of art),
    swallows a title into the entity ("Referee Daniel Hargreaves" as an organisation)
    or cuts a name at a hyphen ("Yoon Suk" of "Yoon Suk-yeol"): a title before a
    capitalised entity counts as evidence of a person, a leading common noun of an
    entity is read as its title, and a name is extended over "-yeol"-style pieces.
    """
    out = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while (
            end + 1 < len(doc)
            and doc[end].text == "-"
            and doc[end + 1].is_alpha
            and not doc[end].whitespace_
            and (doc[end + 1].is_lower or ent.label_ == "PERSON")  # "Suk-yeol", not "EU-South"
        ):
            end += 2
        inner_title = []
        while start < end - 1 and doc[start].pos_ == "NOUN" and ent.label_ != "PERSON":
            inner_title.append(doc[start])  # "Referee Daniel Hargreaves"
            start += 1
        while start < end - 2 and ent.label_ == "PERSON" and doc[start].lower_ in TITLE_WORDS:
            inner_title.append(doc[start])  # "Ranger Mere Tawhiri", "Superintendent Harold Pimentel" as one PERSON
            start += 1
        if ent.label_ == "ORG" and doc[start].lower_ == "the" and start < end - 1:
            start += 1  # "the Prairie Sun Cooperative"
        span = doc[start:end]
        title, qualifier = _title_before(doc, ent.start)
        if inner_title:
            title = " ".join(_SPELLING.get(t.lower_, t.lower_) for t in inner_title)
        owns = _owner_of(span) if ent.label_ in ("ORG", "PERSON") else ""
        # An organisation's full name is compared for spelling too ("Brannigan" / "Branigan
        # Foundation"); it holds a role only by a deed (owning or running a thing of the story).
        org_name = ent.label_ == "ORG" and len(span) >= 2 and all(t.text[:1].isupper() or not t.is_alpha for t in span)
        person = ent.label_ == "PERSON" or (
            bool(title)
            and ent.label_ in ("WORK_OF_ART", "ORG", "GPE", "FAC", "NORP", "PRODUCT", "PERSON")
            and 2 <= len(span) <= 4
            and all(t.pos_ == "PROPN" or t.text == "-" for t in span)
        )
        if not (person or owns or org_name):
            continue
        if not span.text[:1].isupper():
            continue
        name = re.sub(r"'s$", "", span.text).strip()
        words = name_words(name)
        key = "".join(words)
        if len(key) < 4 or (len(words) < 2 and len(key) < 5):
            continue
        if not (person or owns):
            out.append(Person(position, st.source, name, key, words))  # a name, for its spelling only
            continue
        if not title:
            title, qualifier = _title_after(doc, span)
        acts = owns or _deed(doc, span)
        out.append(Person(position, st.source, name, key, words, title, qualifier, acts))
    return out


# Words before a name that say whose or when the role is, not what it is.
_STATUS = {"former", "ex", "then", "acting", "interim", "late", "incoming", "outgoing", "deputy", "vice"}


def _title_before(doc, start: int) -> tuple[str, str]:
    """(title, qualifier) before a name: ("defence minister", "south korean") for "South Korean
    Defense Minister Kim Yong Hyun", ("chief executive", "corvane") for "Corvane chief executive
    Rachel Obi", ("president", "former") for "former President Donald Trump"."""
    words: list = []
    i = start - 1
    while i >= 0 and len(words) < 6:
        tok = doc[i]
        of_title = tok.lower_ == "of" and words and i > 0 and doc[i - 1].pos_ == "NOUN"  # "head of State"
        if tok.tag_ == "POS" or tok.pos_ in ("NOUN", "PROPN", "ADJ") or of_title:
            if tok.ent_type_ == "PERSON" and tok.pos_ == "PROPN":
                break  # another person's name
            words.insert(0, tok)
            i -= 1
            continue
        break
    if words and words[-1].pos_ not in ("NOUN", "PROPN"):
        return "", ""  # a title ends in a noun: "the first EU-South Korea ..." has none
    place = _place_before(doc, i) if words and not any(w.ent_type_ in ("GPE", "NORP") for w in words) else ""
    title: list[str] = []
    qualifier: list[str] = []
    of = next((k for k in range(len(words) - 1, 0, -1) if words[k].lower_ == "of"), None)
    if of is not None:  # "South Korean head of State": the title runs from the noun before "of"
        title = [_SPELLING.get(t.lower_, t.lower_) for t in words[of - 1 :]]
        words = words[: of - 1]
    lower_title = False  # a title written in lower case ("chief executive") ends at a capitalised word
    for tok in reversed(words):
        low = tok.lower_
        named = tok.ent_type_ in ("GPE", "NORP", "ORG", "LOC", "FAC", "PRODUCT", "EVENT") or tok.tag_ == "POS"
        # "Keystone Central chief executive"; not "Chief executive Graham Oduya said", capitalised
        # only because it opens the sentence
        named = named or (lower_title and tok.text[:1].isupper() and not tok.is_sent_start)
        lower_title = lower_title or (tok.is_lower and low not in _STATUS)
        if low in _STATUS:
            qualifier.insert(0, low)
        elif not named and not qualifier and low not in _NOT_TITLES and (of is None or not title):
            title.insert(0, _SPELLING.get(low, low))
        elif tok.tag_ != "POS" and low not in _NOT_TITLES:
            qualifier.insert(0, fold(tok.text))
    if place and title and not [q for q in qualifier if q not in _STATUS]:
        qualifier.append(place)  # "Gary, Ind., Mayor Karen Freeman-Wilson": Gary's mayor
    return " ".join(title), " ".join(qualifier)


def _place_before(doc, i: int) -> str:
    """The place written before a title, set off by commas ("Gary, Ind., Mayor ..."): its folded name, else ""."""
    if i < 1 or doc[i].text != ",":
        return ""
    j = i - 1
    if doc[j].ent_type_ == "GPE" and j >= 2 and doc[j - 1].text == "," and doc[j - 2].ent_type_ == "GPE":
        j -= 2  # "Gary, Ind.,": the city, not its state
    if doc[j].ent_type_ != "GPE":
        return ""
    start = j
    while (
        start > 0
        and doc[start - 1].ent_type_ == "GPE"
        and doc[start - 1].ent_iob_ != "O"
        and doc[start].ent_iob_ == "I"
    ):
        start -= 1
    return fold(doc[start : j + 1].text)


def _title_after(doc, span) -> tuple[str, str]:
    """ "Leila Haddad, the United Nations envoy": the appositive's noun and its qualifiers; and
    the name as the appositive: "the railroad's chief executive, Douglas Hearn," ("chief
    executive", "the railroad"), "Keystone Central, whose chief executive, Martin Boyce,"
    ("chief executive", "keystone central")."""
    root = span.root
    for c in root.children:
        if (
            c.dep_ == "appos"
            and c.pos_ == "NOUN"
            and not any(g.dep_ == "appos" and g.pos_ == "PROPN" for g in c.children)
        ):
            mods = [_SPELLING.get(m.lower_, m.lower_) for m in c.children if m.dep_ == "compound" and m.pos_ == "NOUN"]
            quals = [fold(m.text) for m in c.children if m.dep_ in ("compound", "amod", "poss") and m.pos_ != "NOUN"]
            return " ".join([*mods, _SPELLING.get(c.lower_, c.lower_)]), " ".join(quals)
    head = root.head
    if root.dep_ == "appos" and head.pos_ == "NOUN" and head.is_lower:
        title = [
            _SPELLING.get(m.lower_, m.lower_)
            for m in head.children
            if m.i < head.i
            and m.is_lower
            and m.lower_ not in _STATUS | _NOT_TITLES
            and (m.dep_ == "compound" and m.pos_ == "NOUN" or m.dep_ == "amod" and m.pos_ == "ADJ")
        ]
        title.append(_SPELLING.get(head.lower_, head.lower_))
        quals = [m.lower_ for m in head.children if m.i < head.i and m.lower_ in _STATUS]
        for m in head.children:
            if m.dep_ != "poss":
                continue
            if m.lower_ == "whose" and head.dep_ in ("appos", "relcl") and head.head.pos_ == "PROPN":
                owner = head.head  # the company named just before "whose"
                parts = [g for g in owner.children if g.dep_ == "compound" and g.i < owner.i] + [owner]
                quals.append(" ".join(fold(g.text) for g in parts if g.is_alpha))
            elif m.pos_ == "PROPN" or m.ent_type_:
                quals.append(_name_of(m))
            elif m.pos_ == "NOUN":
                quals.append(f"the {_lemma(m)}")  # "the railroad's": the story's railroad, unnamed
        return " ".join(title), " ".join(quals)
    return "", ""


def _done_by(root, through_conj: bool = False):
    """(verb, what it was done to) for a name that is the agent of a passive: "the truce was
    brokered by X", "the final, which was refereed by X", "a truce brokered by X"; with
    `through_conj` also "the elevator, built in 1962 and owned by X". The thing may be None."""
    pred = root.head.head
    theme = next((c for c in pred.children if c.dep_ == "nsubjpass"), None)
    attached = pred.head if through_conj and pred.dep_ == "conj" else pred
    if theme is not None and theme.lower_ in _RELATIVE and pred.dep_ == "relcl":
        theme = pred.head  # "the final, which was refereed by X"
    elif theme is None and attached.dep_ == "acl" and attached.head.pos_ == "NOUN":
        theme = attached.head  # "a truce brokered by X"
    return pred, theme


def _deed(doc, span) -> str:
    """The role by deed: "broker truce" for "the truce was brokered by X", "lead combined company"
    for "X will lead the combined company", "referee final" for "the final, refereed by X".

    Only a deed done to one definite thing counts (the truce, the combined company):
    "X told reporters" or "X said" name no role.
    """
    root = span.root
    if root.dep_ == "nsubj" and root.head.pos_ == "VERB":
        pred = root.head
        theme = next((c for c in pred.children if c.dep_ == "dobj"), None)
    elif root.dep_ == "pobj" and root.head.dep_ == "agent":
        pred, theme = _done_by(root)
    else:
        return ""
    if theme is None or theme.pos_ != "NOUN" or theme.tag_ != "NN":
        return ""
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in theme.children):
        return ""
    if _lemma(pred) in ("say", "tell", "meet", "thank", "call", "urge", "ask", "praise", "criticise", "criticize"):
        return ""
    mods = sorted(c.lower_ for c in theme.children if c.dep_ in ("amod", "compound") and c.is_alpha)
    return " ".join([_lemma(pred), *mods, _canon_thing(theme)[0]])


# Owning and running a thing: an organisation's role in a story ("the barge, owned by Gulfline
# Towing"; "the resort, run by the Alpes Loisirs group"; "Corbiere Domaine, which runs the resort").
_OWNING = {"own": "owner", "operate": "operator", "run": "operator", "manage": "operator"}
_OWNED_ALIKE = {"boat": "ship", "trawler": "ship", "vessel": "ship", "tanker": "ship", "freighter": "ship"}


def _owner_of(span) -> str:
    """ "owner of the ship" for an organisation said to own the story's ship, "operator of the resort"
    for one that runs it; else "". A role by deed, like a person's (`_deed`)."""
    root = span.root
    pred = theme = None
    if root.dep_ == "pobj" and root.head.dep_ == "agent":  # "the barge, (which is) owned by X"
        pred, theme = _done_by(root, through_conj=True)
    else:  # "X, which runs the resort's pistes", "X owns the trawler"
        verb = root.head if root.dep_ == "nsubj" else None
        relcl = next((c for c in root.children if c.dep_ == "relcl"), None)
        if relcl is not None and any(c.dep_ == "nsubj" and c.lower_ in _RELATIVE for c in relcl.children):
            verb = relcl
        if verb is not None and verb.pos_ == "VERB":
            pred = verb
            theme = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if theme is not None and any(c.dep_ == "poss" and c.pos_ == "NOUN" for c in theme.children):
                theme = next(c for c in theme.children if c.dep_ == "poss")  # "the resort's pistes": the resort
    if pred is None or theme is None or theme.pos_ != "NOUN" or _lemma(pred) not in _OWNING:
        return ""
    thing = _canon_thing(theme)[0]
    return f"{_OWNING[_lemma(pred)]} of the {_OWNED_ALIKE.get(thing, thing)}"


def _places(st: Statement, position: int, doc, skip: int) -> list[Place]:
    out = []
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC", "FAC") and ent.start_char >= skip:
            words = tuple(re.findall(r"[a-z0-9]+", fold(ent.text)))
            words = tuple(w for w in words if w != "the")
            if words:
                out.append(Place(position, st.source, ent.text, words))
    return out


__all__ = [
    "Amount",
    "Citation",
    "FactSources",
    "Frame",
    "Moment",
    "Person",
    "Place",
    "Quantity",
    "SentenceFacts",
    "Statement",
    "cite",
    "extract",
    "facts_of",
    "may_measure_same",
    "opposed",
    "same_measure",
    "supports",
]

"""The checkable facts in a sentence: numbers, dates and names, normalised.

Verification, disagreements and the timeline all ask the same question, "which
numbers, dates and names does this sentence state?", so the answer lives here,
once. Normalising matters more than extracting: "7,000" and "7000", "ten
thousand" and "10 thousand", "Nov. 4" and "4 November" must compare equal,
or a faithful paraphrase would be rejected and a real conflict missed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
RELATIVE_DAYS = {"yesterday", "today", "tomorrow", "tonight"}

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "bn": 1_000_000_000,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_NEGATIONS = {"not", "no", "never", "nor", "none", "neither", "without"}

# Words that may open a sentence capitalised without being a name.
STOPWORDS = set(
    """a an the this that these those it its he she they we i you his her their our my your
    in on at by for from with without of to into onto over under after before during since until
    while when where why how what which who whom whose as if but and or so yet also still then there
    here than though although because however meanwhile moreover instead indeed both either
    neither each every all any some many most more much few several no not none one other another
    such same only just even already about around nearly almost more less last next new
    according amid among against along across behind beyond despite through throughout toward towards
    upon within be is are was were been being has have had do does did will would can could may
    might must shall should mr mrs ms dr st""".split()
)

_QUOTE_CHARS = '"“”„«»'
_NUM_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_NUM_SCALE_RE = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*-?\s*(hundred|thousand|million|billion|trillion|bn|mn|k|m)\b",
    re.IGNORECASE,
)
_ORD_NUM_RE = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
# A time of day ("6 a.m.", "6:30pm", "18:05") is its own fact, not the number 6: "at 6 a.m." and
# "six people" share no figure. Matched on folded (lower-case) text.
_TIME_RE = re.compile(
    r"(?<![\w.:])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?"
    r"|(?<![\w.:])([01]?\d|2[0-3]):([0-5]\d)(?![\w:])"
    r"|\b(noon|midday|midnight)\b"
)
_WORD_RE = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?")


def fold(text: str) -> str:
    """Lowercase, strip accents, unify quotes and dashes: the form facts are compared in."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return text.lower()


def tokens(text: str) -> list[str]:
    """Words in folded form, hyphenated words split and possessives dropped."""
    out = []
    for w in _WORD_RE.findall(fold(text).replace("-", " ")):
        w = re.sub(r"'s$", "", w)
        out.append(w.replace("'", ""))
    return out


def _fmt(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.6g}"


def _word_numbers(words: list[str]) -> list[tuple[int, int, float]]:
    """(start, end, value) for runs of number words such as "ten thousand" or "twenty-five"."""
    found = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in _UNITS and w != "one" or (w == "one" and i + 1 < len(words) and words[i + 1] in _SCALES):
            total, current, j = 0.0, 0.0, i
            while j < len(words) and (
                words[j] in _UNITS or words[j] in _SCALES and words[j] not in ("k", "m", "mn", "bn")
            ):
                if words[j] in _UNITS:
                    current += _UNITS[words[j]]
                else:
                    scale = _SCALES[words[j]]
                    current = (current or 1) * scale
                    if scale >= 1000:
                        total += current
                        current = 0
                j += 1
            found.append((i, j, total + current))
            i = j
        else:
            i += 1
    return found


def times(text: str) -> set[str]:
    """Times of day stated in `text`, on a 24-hour clock ("6:30 p.m." -> "time18:30")."""
    out = set()
    for m in _TIME_RE.finditer(fold(text)):
        if m.group(6):
            out.add("time0:00" if m.group(6) == "midnight" else "time12:00")
        elif m.group(3):
            hour = int(m.group(1))
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if m.group(3) == "p" else 0)
            out.add(f"time{hour}:{m.group(2) or '00'}")
        else:
            out.add(f"time{int(m.group(4))}:{m.group(5)}")
    return out


def numbers(text: str) -> set[str]:
    """Normalised numbers stated in `text` ("7,000" -> "7000", "ten thousand" -> "10000").

    Times of day are not numbers (see `times`).
    """
    folded = _TIME_RE.sub(lambda m: " " * len(m.group(0)), fold(text))
    values: set[str] = set()
    spans = []
    for m in _NUM_SCALE_RE.finditer(folded):
        base = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
        values.add(_fmt(base * _SCALES[m.group(3).lower()]))
        spans.append((m.start(), m.end()))
    for m in _NUM_RE.finditer(folded):
        if any(s <= m.start() < e for s, e in spans):
            continue
        values.add(_fmt(float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))))
    words = [w for w in re.split(r"[^a-z]+", folded) if w]
    # "10 thousand": a digit followed by a scale word was handled above; here only word numbers.
    counted: set[int] = set()
    for start, end, value in _word_numbers(words):
        values.add(_fmt(value))
        counted.update(range(start, end))
    # "a few thousand", "thousands of": a magnitude without a number is still a figure ("~1000"),
    # which "5,000" does not state.
    for i, w in enumerate(words):
        scale = _SCALES.get(w[:-1] if w.endswith("s") else w)
        if scale and scale >= 100 and w not in ("k", "m", "mn", "bn", "ms") and i not in counted:
            if i and words[i - 1] == "a" and not w.endswith("s"):
                values.add(_fmt(scale))  # "a million" is one million
            elif not re.search(rf"\d\s*-?\s*{w}\b", folded):
                values.add(f"~{_fmt(scale)}")
    return values


def ordinals(text: str) -> set[str]:
    folded = fold(text)
    out = {f"ord{_ORDINALS[w]}" for w in re.findall(r"[a-z]+", folded) if w in _ORDINALS}
    out |= {f"ord{int(m.group(1))}" for m in _ORD_NUM_RE.finditer(folded)}
    return out


def date_words(text: str) -> set[str]:
    """Months, weekdays and day words, normalised ("Nov." -> "month11")."""
    out = set()
    for w in re.findall(r"[a-z]+", fold(text)):
        if w in MONTHS and (w != "may" or re.search(r"\bMay\b", text)):
            if w in (
                "mar",
                "jan",
                "jun",
                "jul",
                "aug",
                "sep",
                "oct",
                "nov",
                "dec",
                "feb",
                "apr",
                "sept",
            ) and not re.search(rf"\b{w.capitalize()}\b\.?", text):
                continue
            out.add(f"month{MONTHS[w]}")
        elif w in WEEKDAYS:
            out.add(f"weekday{WEEKDAYS[w]}")
        elif w in RELATIVE_DAYS:
            out.add(w)
    return out


def negations(text: str) -> int:
    words = tokens(text)
    return sum(1 for w in words if w in _NEGATIONS) + len(re.findall(r"n't\b", fold(text)))


def quotes(text: str) -> list[str]:
    """Quoted passages (at least three words), folded, so they can be looked up verbatim."""
    out = []
    for m in re.finditer(r"[“\"«„]([^“”\"«»„]{3,}?)[”\"»“]", text):
        inner = " ".join(tokens(m.group(1)))
        if len(inner.split()) >= 3:
            out.append(inner)
    return out


@dataclass(frozen=True)
class NameSpan:
    words: tuple[str, ...]  # folded tokens of one run of capitalised words
    text: str


def name_spans(text: str) -> list[NameSpan]:
    """Runs of capitalised words ("Defence Minister Kim Yong Hyun"), leading stopwords removed.

    The first word of the sentence counts only if it is not a common word,
    so "The", "In" or "However" never look like names.
    """
    raw = re.findall(r"[\w'’\-\.]+|[,;:()\[\]\"“”!?]", text.replace("—", " , ").replace("–", " , "))
    spans: list[list[str]] = []
    current: list[str] = []
    for word in raw:
        word = word.strip(".'’-")
        if not word:
            continue
        if not any(c.isalnum() for c in word):  # punctuation ends a run: "Warner, Former Senator"
            if current:
                spans.append(current)
            current = []
            continue
        is_cap = word[0].isupper() and any(c.isalpha() for c in word)
        if is_cap and tokens(word) and not (tokens(word)[0] in STOPWORDS and not current):
            current.append(word)
        else:
            if current:
                spans.append(current)
            current = []
    if current:
        spans.append(current)
    out = []
    for span in spans:
        toks = tuple(t for w in span for t in tokens(w))
        # Month and weekday names at the edges are dates, checked as dates ("Monday", "Nov. 4").
        while toks and (toks[0] in MONTHS or toks[0] in WEEKDAYS):
            toks = toks[1:]
        while toks and (toks[-1] in MONTHS or toks[-1] in WEEKDAYS):
            toks = toks[:-1]
        if toks:
            out.append(NameSpan(toks, " ".join(span)))
    return out


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[str]
    ordinals: frozenset[str]
    dates: frozenset[str]
    names: tuple[NameSpan, ...]
    negations: int
    quotes: tuple[str, ...]

    @property
    def checkable(self) -> bool:
        return bool(self.numbers or self.dates or self.names)


def facts(text: str) -> Facts:
    return Facts(
        numbers=frozenset(numbers(text)),
        ordinals=frozenset(ordinals(text)),
        dates=frozenset(date_words(text) | times(text)),
        names=tuple(name_spans(text)),
        negations=negations(text),
        quotes=tuple(quotes(text)),
    )


def word_count(text: str) -> int:
    return len(text.split())


# -- calendar dates, relative ones resolved -------------------------------------------------

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_I = re.IGNORECASE
_FULL_MDY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", _I)
_FULL_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", _I)
_MD = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d{{4}})", _I)
_DM = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b\.?(?!,?\s*\d{{4}})", _I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY = re.compile(
    r"\b(?:(last|this|next|this past|this coming|past)\s+(?:same\s+)?)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_RELATIVE = re.compile(r"\b(yesterday|today|tonight|tomorrow)\b", re.IGNORECASE)
_WEEK = re.compile(r"\b(last|past|next|this)\s+week\b", re.IGNORECASE)


def _month(word: str) -> int | None:
    """A month only when written as one: capitalised ("May", "Nov."), not the verb "may"."""
    if not word[:1].isupper():
        return None
    return MONTHS.get(word.lower().rstrip("."))


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# A sentence that speaks of what is still to come: its bare weekday is the coming one ("will
# vote on Thursday", "is expected to stay closed until Thursday"), not the one just past.
_AHEAD = re.compile(
    r"(?:['’]ll\b)|\b(?:will|won't|shall|(?:is|are|was|were) (?:expected|due|scheduled|set|going|to)|"
    r"expected to|due to (?:be|resume|reopen|meet|vote|start|begin|open|close|return|arrive|decide)|"
    r"scheduled (?:to|for)|plans? to|planned for|upcoming)\b",
    re.IGNORECASE,
)


_AHEAD_REACH = 60  # characters before a weekday searched for a word of the future: about one clause


def date_spans(text: str, published: date | datetime | None) -> list[tuple[int, int, date]]:
    """(start, end, calendar date) of each date `text` states, in text order.

    Explicit dates win; "Monday" means the latest Monday on or before
    `published`, or the next one on or after it in a sentence about what is to
    come ("will vote on Monday"); "last Friday" the one before that day,
    "yesterday" the day before. "Last week" names no day: see `week_spans`.
    """
    if isinstance(published, datetime):
        published = published.date()
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, d: date | None) -> None:
        if d is not None and not any(s <= pos < e for s, e in taken):
            found.append((pos, end, d))
            taken.append((pos, end))

    for m in _ISO.finditer(text):
        add(m.start(), m.end(), _safe(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _FULL_MDY.finditer(text):
        mo = _month(m.group(1))
        add(m.start(), m.end(), _safe(int(m.group(3)), mo, int(m.group(2))) if mo else None)
    for m in _FULL_DMY.finditer(text):
        mo = _month(m.group(2))
        add(m.start(), m.end(), _safe(int(m.group(3)), mo, int(m.group(1))) if mo else None)
    if published is not None:
        for pattern, mi, di in ((_MD, 1, 2), (_DM, 2, 1)):
            for m in pattern.finditer(text):
                mo = _month(m.group(mi))
                if not mo:
                    continue
                d = _safe(published.year, mo, int(m.group(di)))
                if d and d > published + timedelta(days=31):
                    d = _safe(published.year - 1, mo, int(m.group(di)))
                add(m.start(), m.end(), d)
        for m in _WEEKDAY.finditer(text):
            # what is still to come, said in the day's own clause: "will vote on Thursday", not
            # "talks resumed on Monday and will continue" nor "will vote on Friday, and talks resumed on Tuesday"
            clause = max(text.rfind(b, 0, m.start()) for b in (",", ";", " and ", " but ", ": "))
            ahead = bool(_AHEAD.search(text, max(0, m.start() - _AHEAD_REACH, clause), m.start()))
            target = WEEKDAYS[m.group(2).lower()]
            back = (published.weekday() - target) % 7
            which = (m.group(1) or "").lower()
            if which in ("last", "past", "this past") and back == 0:
                back = 7
            if which in ("next", "this coming"):
                add(m.start(), m.end(), published + timedelta(days=(target - published.weekday()) % 7 or 7))
            elif ahead and not which:
                add(m.start(), m.end(), published + timedelta(days=(target - published.weekday()) % 7))
            else:
                add(m.start(), m.end(), published - timedelta(days=back))
        for m in _RELATIVE.finditer(text):
            shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[m.group(1).lower()]
            add(m.start(), m.end(), published + timedelta(days=shift))
    return sorted(found)


def week_spans(text: str, published: date | datetime | None) -> list[tuple[int, int, date]]:
    """(start, end, Monday of the week meant) for "last week", "this week", "next week"."""
    if published is None:
        return []
    if isinstance(published, datetime):
        published = published.date()
    monday = published - timedelta(days=published.weekday())
    shift = {"last": -7, "past": -7, "this": 0, "next": 7}
    return [(m.start(), m.end(), monday + timedelta(days=shift[m.group(1).lower()])) for m in _WEEK.finditer(text)]

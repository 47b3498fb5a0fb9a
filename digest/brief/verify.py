"""Check a written sentence against the source sentences it claims to come from.

The small local model paraphrases well but now and then swaps a name, invents
a figure or repeats itself. None of that may reach a reader, so every model
sentence passes these checks or is replaced by a source sentence verbatim:

- every number, ordinal, month/weekday and capitalised name appears in the
  sources (normalised: "7,000" = "7000", "Nov. 4" = "4 November"); a calendar
  date also counts as stated when a source's relative day ("on Monday")
  resolves to it against that report's publication day; names are
  checked as runs, so "Defence Minister Cho" fails when the sources only have
  "Foreign Minister Cho" and "Defence Minister Kim";
- quoted words appear verbatim, and no negation is added;
- the meaning stays close (embedding cosine to the nearest source sentence);
- no phrase repeats, it is not longer than the longest input, and it does not
  restate a sentence already in the briefing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from digest.models.base import Embedder

from .facts import STOPWORDS, Facts, NameSpan, date_spans, facts, fold, tokens, word_count


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...]
    similarity: float


def unsupported(
    text: str, sources: Sequence[str], *, title_case: bool = False, dates: Collection[date] = ()
) -> list[str]:
    """The numbers, dates, names, quotes and negations of `text` that no source states.

    `title_case` is for headlines Written Like This, where every word looks like a
    name: each capitalised word must then be in the sources, without the run check.
    `dates` are calendar days the sources state in other words ("on Monday" in a
    report of Monday 4 November): `text` may write those days out.
    """
    if dates:
        for start, end, day in reversed(date_spans(text, None)):
            if day in dates:
                text = text[:start] + text[end:]
    mine = facts(text)
    if title_case:
        mine = Facts(
            mine.numbers,
            mine.ordinals,
            mine.dates,
            tuple(NameSpan((w,), w) for span in mine.names for w in span.words),
            mine.negations,
            mine.quotes,
        )
    theirs = [facts(s) for s in sources]
    problems: list[str] = []
    numbers: set[str] = set().union(*(f.numbers for f in theirs))
    for n in sorted(mine.numbers - numbers):
        problems.append(f"number {n}")
    ords: set[str] = set().union(*(f.ordinals for f in theirs))
    for o in sorted(mine.ordinals - ords):
        problems.append(f"ordinal {o[3:]}")
    stated: set[str] = set().union(*(f.dates for f in theirs))
    for d in sorted(mine.dates - stated):
        problems.append(f"date {d}")
    streams = [tokens(s) for s in sources]
    vocab = {t for stream in streams for t in stream}
    # "Vice President Harris" does not state "President Harris"; "former President Trump" does.
    # Only a title loses its rank: "Deputy Darren Goforth" still states "Darren Goforth".
    ranks = {fold(w) for s in sources for w in re.findall(r"\b[A-Z][a-z]+\b", s) if fold(w) in _RANKS}
    grams = {
        tuple(stream[i : i + k])
        for stream in streams
        for k in range(1, 9)
        for i in range(len(stream) - k + 1)
        if i == 0 or stream[i - 1] not in ranks or stream[i] not in _TITLES
    }
    grams |= _without_given_names(sources)
    initials = _initialisms(sources)
    vocab |= initials
    grams |= {(i,) for i in initials}
    if title_case:
        stems = {_stem(t) for t in vocab}
        vocab = vocab | {w for span in mine.names for w in span.words if _stem(w) in stems}
    for span in mine.names:
        missing = [w for w in span.words if w not in vocab]
        if missing:
            problems.append(f"name {span.text!r}")
        elif not title_case and not _written_as_in_sources(span.words, grams):
            problems.append(f"name {span.text!r} (not as written in the sources)")
    joined = [" ".join(stream) for stream in streams]
    for q in mine.quotes:
        if not any(q in j for j in joined):
            problems.append(f"quote {q[:30]!r}")
    if mine.negations and not any(f.negations for f in theirs):
        problems.append("negation")
    return problems


def _stem(word: str) -> str:
    """Crude English stem, only for headline words ("Dies" ~ "died", "Talks" ~ "talk")."""
    for suffix in ("ing", "ied", "ies", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# A title stays glued to the name after it: "Defence Minister" + "Cho" is a new claim.
_TITLES = {
    "minister",
    "president",
    "secretary",
    "chancellor",
    "premier",
    "governor",
    "mayor",
    "director",
    "chief",
    "leader",
    "ceo",
    "chair",
    "chairman",
    "chairwoman",
    "senator",
    "sen",
    "rep",
    "representative",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ambassador",
    "commissioner",
    "general",
    "judge",
    "justice",
    "king",
    "queen",
    "prince",
    "envoy",
    "coach",
    "sheriff",
    "commander",
    "head",
    "dr",
    "mr",
    "mrs",
    "ms",
    "pope",
    "prof",
}


# Words that, capitalised into a title, make it another office: "Vice President" is not "President".
_RANKS = {"vice", "deputy", "acting", "assistant", "lieutenant", "interim", "under"}


def _written_as_in_sources(words: tuple[str, ...], grams: set[tuple[str, ...]]) -> bool:
    """Can the name run be cut into pieces the sources contain, never cutting next to a title?

    "South Korean" + "Foreign Minister Cho" may be joined; "Defence" + "Minister
    Cho" and "Defence Minister" + "Cho" may not.
    """
    n = len(words)
    ok = [False] * (n + 1)
    ok[0] = True
    for end in range(1, n + 1):
        for start in range(max(0, end - 8), end):
            if (
                ok[start]
                and words[start:end] in grams
                and (start == 0 or (words[start - 1] not in _TITLES and words[start] not in _TITLES))
            ):
                ok[end] = True
                break
    return ok[n]


_WORD_OR_MARK = re.compile(r"[\w'’.-]+|[^\w\s]")

# Words a name may hold in lower case between its capitalised ones: "Centers for Disease Control".
_NAME_GLUE = {"of", "for", "and", "on", "the", "&"}
_CAPITALISED_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|for|and|on|the|&)\s+)?[A-Z][a-z]+)+")


def _initialisms(sources: Sequence[str]) -> set[str]:
    """Initialisms of the names the sources spell out: "European Union" states "EU", "Food and Drug
    Administration" "FDA", "Centers for Disease Control and Prevention" "CDC" (the initials of a
    name's first two or more capitalised words). A writer may shorten a name the sources give in
    full; it may not bring in one they never name. Lower case, as `tokens` gives words."""
    out: set[str] = set()
    for source in sources:
        for m in _CAPITALISED_NAME.finditer(source):
            caps = [w for w in m.group().split() if w not in _NAME_GLUE]
            if caps[0].lower() in _NAME_GLUE or caps[0] in ("A", "An", "In", "At", "This", "That"):
                caps = caps[1:]  # "The Food and Drug Administration": a sentence's first word
            for k in range(2, len(caps) + 1):
                out.add("".join(w[0] for w in caps[:k]).lower())
    return out


def _without_given_names(sources: Sequence[str]) -> set[tuple[str, ...]]:
    """Title-and-surname runs the sources imply: "President Joe Biden" states "President Biden".

    Leaving out one or two given names between a title and a surname is how news
    names someone the second time; it claims nothing new. Only capitalised words
    may sit between them ("Senate Majority Leader Chuck Schumer" gives "Majority
    Leader Schumer"), so "President Biden and Harris" never yields "President Harris".
    """
    out: set[tuple[str, ...]] = set()
    for source in sources:
        words = [m.group() for m in _WORD_OR_MARK.finditer(source)]
        caps = [w[:1].isupper() for w in words]
        for i, word in enumerate(words):
            if not caps[i] or fold(word).rstrip(".") not in _TITLES:
                continue
            start = i
            while start > 0 and i - start < 3 and caps[start - 1]:
                start -= 1
            for gap in (1, 2):
                end = i + 1 + gap
                if end < len(words) and all(caps[i + 1 : end + 1]):
                    title = tokens(" ".join(words[start : i + 1]))
                    surname = tokens(words[end])
                    for k in range(len(title)):
                        if k == 0 or title[k - 1] not in _RANKS:  # title words are capitalised here
                            out.add((*title[k:], *surname))
    return out


def _repeats_itself(text: str) -> bool:
    words = tokens(text)
    seen = set()
    for gram in zip(words, words[1:], words[2:]):
        if all(w in STOPWORDS for w in gram):
            continue
        if gram in seen:
            return True
        seen.add(gram)
    return False


def check(
    candidate: str,
    sources: Sequence[str],
    embedder: Embedder,
    *,
    previous: Sequence[str] = (),
    min_similarity: float | None = None,
    max_words: int | None = None,
) -> Verdict:
    """Is `candidate` a faithful, non-repetitive restatement of `sources`?

    `max_words` defaults to the longest source: a fusion is never longer than its
    longest input unless the caller combines two different facts of one event.
    """
    reasons: list[str] = []
    text = candidate.strip()
    if word_count(text) < 5:
        reasons.append("too short")
    if not re.search(r"[.!?][\"”’']?$", text):
        reasons.append("not a finished sentence")
    if "\n" in text or re.match(r"(?i)(sure|here|certainly|combined|sentence|output)\b", text):
        reasons.append("not a plain sentence")
    limit = max_words if max_words is not None else max((word_count(s) for s in sources), default=0)
    if sources and word_count(text) > limit:
        reasons.append("longer than its inputs")
    if _repeats_itself(text):
        reasons.append("repeats a phrase")
    reasons.extend(f"unsupported {p}" for p in unsupported(text, sources))
    vecs = embedder.embed([text, *sources, *previous])
    sims = vecs[1 : 1 + len(sources)] @ vecs[0] if sources else np.zeros(0)
    best = float(sims.max()) if len(sims) else 0.0
    if best < (embedder.calibration.faithful if min_similarity is None else min_similarity):
        reasons.append(f"meaning drifted (similarity {best:.2f})")
    if previous:
        prev = vecs[1 + len(sources) :] @ vecs[0]
        if float(prev.max()) >= embedder.calibration.repeats:
            reasons.append("repeats an earlier sentence")
    return Verdict(ok=not reasons, reasons=tuple(reasons), similarity=best)


def dropped(rewrite: str, original: str, key: Collection[str] | None = None) -> list[str]:
    """Facts of `original` a shorter rewrite of it left out: numbers, ordinals, dates, a negation.

    A rewrite may drop wording, titles and the weekday, never a negation ("did
    not" into "did"). Of the figures (numbers, ordinals, calendar dates) it must
    keep the story's `key` ones: those the story states in more than one place
    (see `key_figures`), such as a vote's result or a match's score. A side
    figure ("the 886-page bill") may go, as an editor would cut it. `key=None`
    keeps every figure.
    """
    mine, theirs = facts(rewrite), facts(original)
    kept = _figures(mine)
    lost = [
        f"{kind} {value}"
        for kind, value in sorted((kind, value) for value, kind in _figures(theirs).items())
        if value not in kept and (key is None or value in key)
    ]
    if theirs.negations and not mine.negations:
        lost.append("negation")
    return lost


def key_figures(texts_by_source: Sequence[Sequence[str]], titles: Sequence[str] = ()) -> dict[int, set[str]]:
    """For each source (1-based), the figures that are key when rewriting one of its sentences.

    A figure is key when another source states it too, or when it is in a
    title or an article's first sentence, where outlets put the score, the toll
    or the vote: what a reader of the briefing must not lose.
    """

    stated = [[set(_figures(facts(t))) for t in texts] for texts in texts_by_source]
    per_source = [set().union(*sentences) for sentences in stated]
    up_front = set().union(*(_figures(facts(t)) for t in titles), *(sentences[0] for sentences in stated if sentences))
    return {
        n: set().union(*(f for k, f in enumerate(per_source, 1) if k != n)) | up_front
        for n in range(1, len(stated) + 1)
    }


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Where figures are written: amounts with their scale, calendar dates, ordinals and number words.
_FIGURE_SPAN = re.compile(
    r"(?:[$£€]\s?)?\d[\d,.]*\d?(?:-\d[\d,.]*)?(?:\s?(?:%|percent|per cent|million|billion|trillion))?"
    rf"|\b(?:{_MONTHS}|(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.)(?:\s\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s\d{{4}})?"
    r"|\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundreds?|thousands?)"
    r"(?:[\s-](?:hundred|thousand|million|billion))?\b",
    re.IGNORECASE,
)


def must_keep(original: str, key: Collection[str]) -> tuple[list[str], bool]:
    """What a rewrite of `original` must keep, as `original` writes it: its key figures
    (those `dropped` checks for) and whether it has a negation. Told to the writer up front,
    so that fewer rewrites are thrown away for a lost figure."""
    stated = facts(original)
    needed = {value for value in _figures(stated) if value in key}
    forms: list[str] = []
    for match in _FIGURE_SPAN.finditer(original):
        form = match.group().strip(" ,.")
        if form and needed & set(_figures(facts(form))) and form not in forms:
            forms.append(form)
    return forms, bool(stated.negations)


def _figures(f: Facts) -> dict[str, str]:
    """The figures of a sentence's facts, each with its kind: numbers, ordinals and calendar dates.

    A weekday ("on Tuesday") is not one: it is relative to the report's date, which the lead states.
    """
    out = {n: "number" for n in f.numbers}
    out.update({o: "ordinal" for o in f.ordinals})
    out.update({d: "date" for d in f.dates if not d.startswith("weekday")})
    return out


def supporters(
    final: str,
    members: Sequence[tuple[int, str]],
    embedder: Embedder,
    *,
    must: Sequence[int] = (),
    min_similarity: float | None = None,
) -> tuple[int, ...] | None:
    """The sources (numbers) whose own sentence supports `final`, or None if its facts are not covered.

    `members` pairs a source number with one of its sentences. A source is cited
    when its sentence is close in meaning and gives no contradicting figure, and
    a source needed to cover a name or a quote is added, so that every fact of
    the final sentence is stated by at least one cited source. A source is never
    cited for a sentence with a figure (number, ordinal, calendar date, time of
    day) it does not state: close in meaning is not enough.
    """
    if not members:
        return None
    threshold = embedder.calibration.cites if min_similarity is None else min_similarity
    vecs = embedder.embed([final, *(s for _, s in members)])
    sims = vecs[1:] @ vecs[0]
    figures = set(_figures(facts(final)))
    own = [set(_figures(facts(s))) for _, s in members]
    stated: dict[int, set[str]] = {}
    for (n, _), mine in zip(members, own):
        stated.setdefault(n, set()).update(mine)
    cited: dict[int, list[str]] = {}
    for (n, s), sim, mine in zip(members, sims, own):
        # a member giving other figures than the final sentence does not support it
        conflicts = bool(figures and mine and not figures & mine)
        if n in must or (sim >= threshold and not conflicts and figures <= stated[n]):
            cited.setdefault(n, []).append(s)
    if not unsupported(final, [s for ss in cited.values() for s in ss]):
        return tuple(sorted(cited))
    order = np.argsort(-sims)
    for i in order:
        n, s = members[int(i)]
        if sims[int(i)] < embedder.calibration.same_matter or n in cited and s in cited[n]:
            continue
        if not figures <= stated[n]:
            continue  # never cite a source for a sentence with a figure it does not state
        before = len(unsupported(final, [x for ss in cited.values() for x in ss]))
        trial = [x for ss in cited.values() for x in ss] + [s]
        if len(unsupported(final, trial)) < before:
            cited.setdefault(n, []).append(s)
        if not unsupported(final, [x for ss in cited.values() for x in ss]):
            return tuple(sorted(cited))
    return None


_SAID = r"(?:said|says|added|noted|stated|explained|told reporters|told [A-Z][\w.]*(?: [A-Z][\w.]*)*|reported|announced|wrote|posted)"
_TRAILING = [
    # "..., he said." / "..., officials said on Monday." / "..., the ministry said in a statement."
    re.compile(
        rf",\s+(?:(?:he|she|they|it|officials|police|authorities)|(?:the|a|an)\s[\w\s'’.-]{{1,50}}?|[A-Z][\w'’.-]*(?:\s[A-Z][\w'’.-]*){{0,4}})\s+{_SAID}(?:\s+(?:on|in|at|late|early)\s[\w\s'’.-]{{1,30}}?)?\.$"
    ),
    # "..., said Ms. Smith." / "..., according to the sheriff's office."
    re.compile(r",\s+(?:said|says|according to)\s+[^,;:“”\"]{1,60}\.$"),
]
_LEADING = re.compile(
    r"^(?:According to [^,“”\"]{1,60},\s+"
    # impersonal framing, common in machine translation: "It is noted that Borrell arrived ..."
    r"|It (?:is|was|should be|must be|has been) (?:noted|reported|stated|emphasi[sz]ed|recalled|known|learned) that\s+)"
)


# Openers that tie a sentence to the one before it in its own article; in a briefing that
# sentence is gone, so the link word goes too ("After all, von der Leyen noted ...").
_CONNECTIVE = re.compile(
    r"^(?:After all|Indeed|In fact|Of course|Still|However|Meanwhile|Moreover|Furthermore|In addition|"
    r"Additionally|Also|Nevertheless|Nonetheless|Likewise|Similarly|Therefore|Thus|As a result|Besides|"
    r"In turn|At the same time|On the other hand|For its part|For their part),\s+(?=\S)"
)


def trim_attribution(sentence: str) -> str:
    """Drop "he said" / "according to X" framing, but never from a quote: a quote keeps its speaker.

    A leading link word to the article's previous sentence ("However, ") goes too.
    """
    text = sentence.strip()
    link = _CONNECTIVE.match(text)
    if link and word_count(text[link.end() :]) >= 6:
        text = text[link.end()].upper() + text[link.end() + 1 :]
    if any(c in text for c in '"“”«»'):
        return text
    for pattern in _TRAILING:
        trimmed = pattern.sub(".", text)
        if trimmed != text and word_count(trimmed) >= 6:
            text = trimmed
            break
    lead = _LEADING.sub("", text)
    if lead != text and word_count(lead) >= 6:
        text = lead[0].upper() + lead[1:]
    return text


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


__all__ = [
    "Verdict",
    "check",
    "supporters",
    "trim_attribution",
    "unsupported",
    "fold",
]

"""Find a segment appended after the report that is not part of it.

Content farms and scrapers append material to a report: a generated "interview"
between people the report never mentions, or another article pasted after a
heading. Such a tail is not the report and must not reach the briefing.

Two signals, each explainable on its own:

* dialogue: from some point on, most paragraphs open with speaker labels
  ("Sarah Thompson (ST): ...", "EK: ...", "Q: ..."), at least two speakers
  take turns, and none of the named speakers appears anywhere earlier in the
  report. An interview with someone the report is about is kept.
* topic shift: after a heading, the tail shares (almost) no names and no
  vocabulary with the body above it.

Only the segment structure and names are used, never the words of a seed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

__all__ = ["find_appended"]

_TITLES = r"(?:Dr|Prof|Mr|Mrs|Ms|Mx|Sir|Herr|Frau|Dott|Sig)\.?"
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*"
_LABEL = re.compile(
    rf"^(?P<name>(?:{_TITLES}\s+)?{_CAP}(?:\s+{_CAP}){{0,3}})\s*(?:\((?P<init>[A-Z]{{1,4}})\))?\s*:\s+\S"
)
_QA_LABEL = re.compile(r"^(?P<name>Q|A|F|Frage|Antwort|Question|Answer|Interviewer|Interviewee)\s*[:.]\s+\S", re.I)
# Openers that look like labels but introduce ordinary prose.
_NOT_SPEAKERS = {
    "note",
    "update",
    "updated",
    "source",
    "sources",
    "quelle",
    "foto",
    "photo",
    "read",
    "also",
    "see",
    "editor's note",
    "disclaimer",
    "correction",
    "warning",
    "hinweis",
    "anmerkung",
    "achtung",
    "fazit",
    "conclusion",
    "summary",
    "background",
    "hintergrund",
    "context",
    "key points",
    "tl;dr",
    "watch",
    "listen",
    "more",
    "related",
    "example",
}
_INTRO = re.compile(
    r"\b(?:interview|q\s*&\s*a|transcript|gespräch|im\s+gespräch|intervista|entretien|conversation)\b", re.I
)
_PERSON = re.compile(rf"(?:{_TITLES}\s+)?(?P<name>{_CAP}(?:\s+{_CAP}){{1,3}})")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# A tail after a heading is "another text" only when it shares almost no names and words with the body.
_MAX_NAME_OVERLAP = 0.1
_MAX_WORD_OVERLAP = 0.12
# Longer texts (books, forum dumps) are not news reports; skip the quadratic search there.
_MAX_PARAGRAPHS = 400


def find_appended(paragraphs: Sequence[str], headings: Sequence[bool], *, topic_shift: bool = True) -> int | None:
    """Index of the first paragraph of an appended, unrelated tail, or None.

    `paragraphs` are the kept blocks in order; `headings[i]` tells whether block i
    is a heading (headings are where a pasted segment usually starts).
    `topic_shift=False` looks for appended dialogue only: for text that an extractor
    already cut to the article, sections about new things are far likelier than pasted texts.
    """
    if len(paragraphs) != len(headings) or not 4 <= len(paragraphs) <= _MAX_PARAGRAPHS:
        return None
    start = _dialogue_tail(paragraphs, headings)
    if start is not None or not topic_shift:
        return start
    return _topic_shift(paragraphs, headings)


def _speaker(paragraph: str) -> tuple[str, str | None] | None:
    """(turn label, full name if given) when the paragraph opens with a speaker label."""
    qa = _QA_LABEL.match(paragraph)
    if qa:
        return qa.group("name").casefold()[:1], None
    match = _LABEL.match(paragraph)
    if not match:
        return None
    name = match.group("name")
    if name.casefold() in _NOT_SPEAKERS or len(name.split()) > 5:
        return None
    initials = match.group("init")
    if initials:
        return initials, _strip_title(name)
    if len(name.split()) == 1 and name.isupper() and len(name) <= 4:
        return name, None  # initials used alone after they were introduced
    return name, _strip_title(name) if len(name.split()) >= 2 else None


def _strip_title(name: str) -> str:
    return re.sub(rf"^{_TITLES}\s+", "", name).strip()


def _dialogue_tail(paragraphs: Sequence[str], headings: Sequence[bool]) -> int | None:
    speakers = [None if h else _speaker(p) for p, h in zip(paragraphs, headings)]
    n = len(paragraphs)
    for s in range(n):
        if speakers[s] is None:
            continue
        tail = [speakers[i] for i in range(s, n) if not headings[i]]
        labelled = [t for t in tail if t is not None]
        if len(labelled) < 3 or len(labelled) < 0.6 * len(tail):
            continue
        turns = Counter(t[0] for t in labelled)
        if sum(1 for count in turns.values() if count >= 2) < 2:
            continue  # a dialogue is at least two speakers taking turns
        head_body = [i for i in range(s) if not headings[i]]
        if len(head_body) < 2 or sum(1 for i in head_body if speakers[i] is not None) > 1:
            return None  # the whole piece is an interview, or the dialogue is woven into it
        start = s
        # Take an intro line or heading just above the dialogue with it.
        while start > 0 and (headings[start - 1] or _is_intro(paragraphs[start - 1])):
            start -= 1
        # Speakers are named by their labels ("Sarah Thompson (ST):"), else by the intro line.
        names = {t[1] for t in labelled if t[1] and len(t[1].split()) >= 2}
        if not names:
            for i in range(start, s):
                if _is_intro(paragraphs[i]):
                    names.update(_strip_title(m.group("name")) for m in _PERSON.finditer(paragraphs[i]))
            names = {x for x in names if len(x.split()) >= 2}
        if not names:
            return None  # speakers are not named: cannot tell they are strangers
        head_words = {w.casefold() for i in range(start) for w in _WORD.findall(paragraphs[i])}
        if any(_known(name, head_words) for name in names):
            return None  # an interview with someone the report is about
        return start
    return None


def _is_intro(paragraph: str) -> bool:
    """A title-like line announcing an interview ("Interview between X and Y"), not a report sentence."""
    text = paragraph.rstrip()
    return bool(_INTRO.search(text)) and len(_WORD.findall(text)) <= 45 and not text.endswith((".", "!", "?"))


def _known(name: str, head_words: set[str]) -> bool:
    """A person is known to the report when all parts of their name occur in it."""
    parts = [w.casefold() for w in _WORD.findall(name) if len(w) > 1]
    return bool(parts) and all(p in head_words for p in parts)


def _proper_nouns(text: str) -> set[str]:
    """Capitalised words that do not open a sentence: a cheap stand-in for named entities."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.!?:])\s+", text):
        words = _WORD.findall(sentence)
        for w in words[1:]:
            if w[:1].isupper() and len(w) > 2:
                found.add(w.casefold())
    return found


def _content_words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text) if len(w) >= 5}


def _topic_shift(paragraphs: Sequence[str], headings: Sequence[bool]) -> int | None:
    n = len(paragraphs)
    for h in range(n):
        if not headings[h]:
            continue
        head = [paragraphs[i] for i in range(h) if not headings[i]]
        tail = [paragraphs[i] for i in range(h + 1, n) if not headings[i]]
        if len(head) < 3 or len(tail) < 2:
            continue
        head_text, tail_text = " ".join(head), " ".join(tail)
        if len(head_text.split()) < len(tail_text.split()):
            continue  # the smaller part is never "the report"
        tail_names = _proper_nouns(tail_text)
        if len(tail_names) < 3:
            continue
        name_overlap = len(tail_names & _proper_nouns(head_text)) / len(tail_names)
        head_words, tail_words = _content_words(head_text), _content_words(tail_text)
        word_overlap = len(head_words & tail_words) / max(1, min(len(head_words), len(tail_words)))
        if name_overlap < _MAX_NAME_OVERLAP and word_overlap < _MAX_WORD_OVERLAP:
            return h
    return None

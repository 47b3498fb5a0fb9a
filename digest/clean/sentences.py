"""Split text into sentences with nupunkt (Punkt with its model bundled).

Punkt already knows "Dr.", "U.S." and quotes in English. Two repairs make it
fit news text in German too: a break after an ordinal or a known abbreviation
("am 3. Oktober", "z.B. in Berlin") is undone, and so is any break before a
lower-case word, which never starts a sentence in these languages.
Paragraphs are split separately: a sentence never spans two paragraphs.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["split_sentences"]

# Abbreviations Punkt's English model does not know (lower case, without the final dot).
_EXTRA_ABBREVIATIONS = [
    "z.b",
    "u.a",
    "d.h",
    "bzw",
    "ca",
    "vgl",
    "sog",
    "inkl",
    "evtl",
    "ggf",
    "nr",
    "bspw",
    "hrsg",
    "mio",
    "mrd",
    "tsd",
    "prof",
    "dr",
    "st",
    "mr",
    "mrs",
    "ms",
    "sen",
    "gov",
    "vs",
    "e.g",
    "i.e",
    "ph.d",
    "gen",
    "lt",
    "col",
]
# Short words the English model treats as abbreviations ("Am.", "So.") that end German sentences ("Er kam an.").
_NOT_ABBREVIATIONS = ["an", "am", "so", "in", "um", "da", "ab", "zu", "es", "er"]
_MONTHS = (
    "januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    "january|february|march|may|june|july|october|december"
)
_ORDINAL_END = re.compile(r"(?:^|\s)\d{1,4}\.$")
_ABBREV_END = re.compile(r"(?:^|[\s(])(?:" + "|".join(re.escape(a) for a in _EXTRA_ABBREVIATIONS) + r")\.$", re.I)
_MONTH_START = re.compile(r"^(?:" + _MONTHS + r")\b", re.I)


@lru_cache(maxsize=1)
def _tokenizer():
    from nupunkt.models import load_default_model

    tokenizer = load_default_model()  # our own instance: adding abbreviations must not leak
    adder = getattr(tokenizer, "add_abbreviations", None)
    if adder is not None:
        adder(_EXTRA_ABBREVIATIONS)
    remover = getattr(tokenizer, "remove_abbreviation", None)
    if remover is not None:
        for word in _NOT_ABBREVIATIONS:
            if word in tokenizer.abbreviations:
                remover(word)
    return tokenizer


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """The sentences of `text`, in order, whitespace-normalised.

    `language` (ISO 639-1) is accepted for callers that know it; the repairs
    applied are safe for English and German alike.
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        pieces = [p.strip() for p in _tokenizer().tokenize(paragraph) if p.strip()]
        sentences.extend(_repair(pieces))
    return sentences


def _repair(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if out and _should_join(out[-1], piece):
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return out


def _should_join(previous: str, piece: str) -> bool:
    first = piece.lstrip("\"'“„«‘(")[:1]
    if first.islower():
        return True
    if _ORDINAL_END.search(previous) and (_MONTH_START.match(piece) or first.isdigit()):
        return True
    return bool(_ABBREV_END.search(previous))

"""Score the fact layer of `digest brief` on invented multi-source stories with planted conflicts.

    .venv/bin/python benchmarks/facts.py [--set dev|heldout|heldout2|heldout3|heldout4|heldout5|heldout6|heldout7|heldout8|heldout9] [--no-model] [--model NAME]
                                         [--stories SLUG,SLUG] [--limit N] [--keep DIR] [--from DIR]
                                         [--show-citations N] [--json FILE]

Each story folder (tests/fixtures/stories/dev/<slug>/, benchmarks/cases/heldout/<slug>/,
benchmarks/cases/heldout2/<slug>/ to heldout8/<slug>/: the last seven written without reading
digest's code, each for a single final measurement) holds
3-6 reports (.txt, .html, WordPress .json, .jsonl) and a truth.json (schema:
tests/fixtures/stories/README.md). For every story the PRODUCT path runs as a user would:

    python -m digest brief <the story's report files> --format json --no-model
    python -m digest brief <the story's report files> --format json            (default model)

(the second run is skipped with --no-model; --model NAME picks another generator). The report files
are passed one by one, not the folder, so that truth.json is not read as an article. All stories
digest makes of one folder are scored together ("split" says how many it made).

Figures, per story and in total, each beside a simple baseline computed in the same run:

- conflict recall: a planted conflict is found when one output disagreement has, for every planted
  side, its own side whose value matches (numbers, number words, units and percent forms normalised;
  names by their tokens; dates by day and month) and whose cited sources include a file of that
  planted side and none of the other sides'. "strict" also needs the right severity: `disagreement`
  for a conflict, `minor` for a spelling variant, `update` (sides oldest first) for an update; and no
  side holding another quantity (a "number of people: four; five; 12" mixing the injured into the
  dead is found, but not strictly). "any" ignores severity and mixed-in sides; a value shown without
  its scale ("£40" for "£40m") is matched and noted. Baseline: a naive finder, "two sources give
  different numbers right before the same word".
- false disagreements per 10 stories: output disagreements that match no planted conflict (each is
  printed so that a human can judge it; one that pairs a planted non-conflict says so). One whose
  every side is a different side of one planted conflict (two of an update's three counts) is not
  false but a part of that conflict: counted on its own line, and the conflict stays missed.
- numeric citation precision: over (briefing sentence, cited source) pairs whose sentence holds a
  number, the share where the cited source states every number of the sentence (this script's own
  normaliser, independent of digest's). Baseline: the same sentences citing every source.
- must_state coverage, opinions stated as fact (an outlet's aside in a sentence with no attribution),
  and whether the lead sentence names the central event. Baseline: lead-2 (the first two body
  sentences of each report), whose lead is the first sentence of the earliest report.
- seconds per story (wall clock of the CLI, model load included; noisy on a shared machine).

Targets (issue 11): conflict recall >= 0.9, at most 1 false disagreement per 10 stories, numeric
citation precision >= 0.99. Fields missing from the output (no `severity`, no `reported_at`) are
reported in a note; the run still exits 0.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "dev": ROOT / "tests" / "fixtures" / "stories" / "dev",
    "heldout": ROOT / "benchmarks" / "cases" / "heldout",
    "heldout2": ROOT / "benchmarks" / "cases" / "heldout2",
    "heldout3": ROOT / "benchmarks" / "cases" / "heldout3",
    "heldout4": ROOT / "benchmarks" / "cases" / "heldout4",
    "heldout5": ROOT / "benchmarks" / "cases" / "heldout5",
    "heldout6": ROOT / "benchmarks" / "cases" / "heldout6",
    "heldout7": ROOT / "benchmarks" / "cases" / "heldout7",
    "heldout8": ROOT / "benchmarks" / "cases" / "heldout8",
    "heldout9": ROOT / "benchmarks" / "cases" / "heldout9",
}
TARGETS = {"recall": 0.9, "false_per_10": 1.0, "citation": 0.99}


# ---------------------------------------------------------------------------------------------
# Reading the reports (our own reader: independent of digest's ingest and clean stages)


@dataclass(frozen=True)
class Report:
    key: str  # file name, "name.jsonl#N" for the N-th record (from 1)
    title: str
    paragraphs: tuple[str, ...]
    extra: str = ""  # other text of the file (excerpt, page furniture): counts as stated, not as body

    @property
    def text(self) -> str:
        return "\n".join((self.title, *self.paragraphs, self.extra))


_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "header", "footer",
    "section", "article", "aside", "nav", "br", "title", "main", "figure", "figcaption", "table", "tr", "td",
}  # fmt: skip


class _TextParser(HTMLParser):
    """Text of an HTML page or fragment, one entry per block; h1 remembered as the title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.h1: str = ""
        self._buf: list[str] = []
        self._skip = 0
        self._in_h1 = False

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.blocks.append(text)
            if self._in_h1 and not self.h1:
                self.h1 = text
        self._buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._in_h1 = tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)


def html_blocks(markup: str) -> tuple[str, list[str]]:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    parser._flush()
    return parser.h1, parser.blocks


def _is_body(paragraph: str) -> bool:
    """A paragraph of report prose (not a menu item, byline, date line or share prompt)."""
    return len(paragraph.split()) >= 12 and paragraph.rstrip().endswith((".", '"', "\u201d", "'", "\u2019", ")"))


def read_reports(folder: Path) -> dict[str, Report]:
    """Every report of a story folder by key (the JSON Lines file gives one report per line)."""
    out: dict[str, Report] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "truth.json" or path.name.startswith(".") or not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".jsonl":
            for n, line in enumerate((x for x in raw.splitlines() if x.strip()), start=1):
                record = json.loads(line)
                paragraphs = tuple(
                    " ".join(p.split()) for p in re.split(r"\n\s*\n", record.get("text", "")) if p.strip()
                )
                extra = " ".join(str(v) for k, v in record.items() if k not in ("text", "title"))
                out[f"{path.name}#{n}"] = Report(f"{path.name}#{n}", record.get("title", ""), paragraphs, extra)
        elif path.suffix == ".json":
            post = json.loads(raw)
            title = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", post["title"]["rendered"])).split())
            _, blocks = html_blocks(post["content"]["rendered"])
            _, excerpt = html_blocks(post.get("excerpt", {}).get("rendered", ""))
            out[path.name] = Report(path.name, title, tuple(blocks), " ".join(excerpt))
        elif path.suffix in (".html", ".htm"):
            h1, blocks = html_blocks(raw)
            title = h1 or (blocks[0] if blocks else "")
            start = blocks.index(h1) + 1 if h1 in blocks else 0
            out[path.name] = Report(path.name, title, tuple(blocks[start:]), " ".join(blocks[:start]))
        else:
            parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw) if p.strip()]
            out[path.name] = Report(path.name, parts[0] if parts else "", tuple(parts[1:]))
    return out


def body_paragraphs(report: Report) -> list[str]:
    return [p for p in report.paragraphs if _is_body(p)]


_ABBREVIATIONS = {
    "mr", "ms", "dr", "st", "mrs", "no", "gov", "sen", "rep", "gen", "col", "lt", "sgt", "capt", "prof", "jr", "sr",
    "inc", "co", "corp", "ltd", "vs", "u.s", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "e.g", "i.e",
}  # fmt: skip
_BOUNDARY = re.compile(r"[.!?][\"\u201d\u2019')]*\s+(?=[\"\u201c\u2018(]?[A-Z0-9])")


def split_sentences(paragraph: str) -> list[str]:
    out, start = [], 0
    for m in _BOUNDARY.finditer(paragraph):
        before = re.search(r"([\w.]+)[.!?]?$", paragraph[start : m.start() + 1])
        word = (before.group(1) if before else "").lower().rstrip(".")
        if paragraph[m.start()] == "." and word in _ABBREVIATIONS:
            continue
        out.append(paragraph[start : m.end()].strip())
        start = m.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def fold(text: str) -> str:
    """Lowercase, straight quotes and dashes, single spaces: for comparing strings as written."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.lower().split())


# ---------------------------------------------------------------------------------------------
# Numbers: digits with separators, decimals, number words, k/thousand/million, percent forms,
# basis points vs percentage points, fractions ("a quarter point", "a tenth of"), times, codes.


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    values: tuple[float, ...] = ()  # every reading of the mention (25 bp -> 25 and 0.25)
    code: str = ""  # times ("t7:15") and letter-digit codes ("ef3") compare as strings
    hedged: bool = False  # "about", "nearly": a rounded figure
    loose: bool = False  # a fraction word ("a third") stands for a rounded share


_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "one": 1,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1e12}
_HEDGES = re.compile(
    r"\b(?:about|around|nearly|almost|roughly|approximately|some|close to|just under|just over|an estimated|estimated|circa|approx\.?)\s+(?:[$£€]\s?)?$",
    re.I,
)
_FRACTIONS: list[tuple[re.Pattern[str], tuple[float, ...], bool]] = [
    (re.compile(r"\b(?:a|one)[\s-]+quarter(?:[\s-]+of[\s-]+a)?[\s-]+(?:percentage[\s-]+)?point", re.I), (0.25,), False),
    (re.compile(r"\bquarter[\s-]point", re.I), (0.25,), False),
    (re.compile(r"\bhalf[\s-]+(?:a[\s-]+)?(?:percentage[\s-]+)?point", re.I), (0.5,), False),
    (re.compile(r"\bthree[\s-]quarters?[\s-]+of[\s-]+a[\s-]+(?:percentage[\s-]+)?point", re.I), (0.75,), False),
    (re.compile(r"\b(?:a|one)[\s-]+tenth\b", re.I), (0.1, 10.0), False),
    (re.compile(r"\b(?:a|one)[\s-]+fifth\b", re.I), (0.2, 20.0), False),
    (re.compile(r"\b(?:a|one)[\s-]+quarter[\s-]+of\b", re.I), (0.25, 25.0), False),
    (re.compile(r"\bthree[\s-]quarters[\s-]+of\b", re.I), (0.75, 75.0), False),
    (re.compile(r"\b(?:a|one)[\s-]+third[\s-]+of\b", re.I), (1 / 3, 100 / 3), True),
    (re.compile(r"\btwo[\s-]thirds[\s-]+of\b", re.I), (2 / 3, 200 / 3), True),
    (re.compile(r"(?<!first )(?<!second )(?<!the )\bhalf[\s-]+of\b", re.I), (0.5, 50.0), False),
]
_TIME = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])|\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b|\b(midnight|noon|midday)\b",
    re.I,
)
_CODE = re.compile(r"\b([A-Za-z]{1,6})-?(\d+)\b(?![.,]\d)")
_DIGITS = re.compile(
    r"(?<![\w.,])(?P<cur>[$£€]\s?)?(?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<dec>\.\d+)?(?![\d])"
    r"(?P<suffix>\s?(?:%|per\s?cent\b|percent\b|pc\b|percentage\s+points?\b|basis\s+points?\b|bps?\b"
    r"|thousand\b|million\b|billion\b|trillion\b|bn\b|mn\b|m\b|k\b|st\b|nd\b|rd\b|th\b))?",
    re.I,
)
_WORD = re.compile(r"[A-Za-z]+")
_NOT_CODES = {
    "mid",
    "pre",
    "post",
    "late",
    "early",
    "over",
    "under",
    "top",
    "non",
    "per",
    "by",
    "to",
    "on",
    "at",
    "in",
    "of",
}
_NUMBER_WORDS = set(_UNITS) | set(_SCALES) | {"dozen", "and", "a"}


def _words_value(words: list[str]) -> float | None:
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in _UNITS:
            current += _UNITS[w]
            seen = True
        elif w == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif w in _SCALES:
            total += max(current, 1) * _SCALES[w]
            current = 0
            seen = True
        elif w == "dozen":
            current = max(current, 1) * 12
            seen = True
    return total + current if seen else None


def number_mentions(text: str) -> list[Mention]:
    """Every number in `text`, with all the values it can stand for."""
    out: list[Mention] = []
    taken = [False] * len(text)

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def take(a: int, b: int) -> None:
        for i in range(a, b):
            taken[i] = True

    def hedged(start: int) -> bool:
        return bool(_HEDGES.search(text[max(0, start - 30) : start]))

    for pattern, values, loose in _FRACTIONS:
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                take(m.start(), m.end())
                out.append(Mention(m.group(0), m.start(), values, hedged=hedged(m.start()), loose=loose))
    for m in _TIME.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.group(8):
            code = "t12:00" if m.group(8).lower() in ("noon", "midday") else "t0:00"
        elif m.group(4):
            hour = int(m.group(1)) % 12 + (12 if m.group(4).lower().startswith("p") else 0)
            code = f"t{hour}:{m.group(2) or '00'}" + (f":{m.group(3)}" if m.group(3) else "")
        else:
            code = f"t{int(m.group(5))}:{m.group(6)}" + (f":{m.group(7)}" if m.group(7) else "")
        take(m.start(), m.end())
        out.append(Mention(m.group(0), m.start(), code=code))
    for m in _CODE.finditer(text):
        letters = m.group(1)
        if letters.lower() in _NUMBER_WORDS or letters.lower() in _NOT_CODES:
            continue
        if free(m.start(), m.end()) and not letters.isdigit():
            take(m.start(), m.end())
            out.append(Mention(m.group(0), m.start(), code=(letters + m.group(2)).lower()))
    for m in _DIGITS.finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = float(m.group("int").replace(",", "") + (m.group("dec") or ""))
        suffix = (m.group("suffix") or "").strip().lower()
        values = (value,)
        if suffix.startswith(("basis", "bp")):
            values = (value, value / 100)
        elif suffix in ("thousand", "k"):
            values = (value * 1e3,) if (suffix == "thousand" or m.group("cur")) else (value,)
        elif suffix in ("million", "mn") or (suffix == "m" and m.group("cur")):
            values = (value * 1e6,)
        elif suffix in ("billion", "bn"):
            values = (value * 1e9,)
        elif suffix == "trillion":
            values = (value * 1e12,)
        end = (
            m.end()
            if values != (value,) or suffix not in ("m", "k")
            else m.end("dec")
            if m.group("dec")
            else m.end("int")
        )
        take(m.start(), end)
        out.append(Mention(text[m.start() : end].strip(), m.start(), values, hedged=hedged(m.start())))
    # number words ("twenty-four", "two dozen", "1.2 million" is handled above)
    words = [(w.group(0).lower(), w.start(), w.end()) for w in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        w, start, end = words[i]
        if (
            w in _NUMBER_WORDS
            and w not in ("and", "a")
            or (
                w == "a"
                and i + 1 < len(words)
                and words[i + 1][0] in ("dozen", "hundred", "thousand", "million", "billion")
            )
        ):
            j = i
            run: list[str] = []
            while j < len(words) and words[j][0] in _NUMBER_WORDS:
                gap = text[words[j - 1][2] : words[j][1]] if j > i else ""
                if j > i and gap.strip(" -") != "":
                    break
                if words[j][0] == "a" and j > i:
                    break
                if words[j][0] == "and" and (j == i or words[j - 1][0] not in _SCALES):
                    break
                run.append(words[j][0])
                j += 1
            while run and run[-1] in ("and", "a"):
                run.pop()
                j -= 1
            s, e = start, words[j - 1][2]
            meaningful = [x for x in run if x not in ("and", "a")]
            if meaningful and meaningful != ["one"] and free(s, e):
                word_value = _words_value(run)
                if word_value is not None:
                    take(s, e)
                    out.append(Mention(text[s:e], s, (word_value,), hedged=hedged(s)))
            i = max(j, i + 1)
        else:
            i += 1
    out.sort(key=lambda m: m.start)
    return out


def _close(a: float, b: float, tol: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=1e-9)


def _granularity(value: float) -> float:
    """The unit of the last non-zero digit: 1000 for 24,000, 0.01 for 4.75 (what a round figure rounds to)."""
    if value == 0:
        return 1.0
    for exp in range(12, -4, -1):
        unit = 10.0**exp
        if unit <= abs(value) * 1.0000001 and _close(value / unit, round(value / unit), 1e-9):
            return unit
    return 0.001


def _rounds_to(hedged: Mention, values: tuple[float, ...]) -> bool:
    """A hedged round figure ("nearly 24,000") covers values that round to it (23,980, not 23,500)."""
    if not hedged.hedged or not hedged.values:
        return False
    h = hedged.values[0]
    half = _granularity(h) / 2
    return any(abs(h - y) < half - 1e-9 for y in values) and _granularity(h) > 1e-9


def mention_matches(a: Mention, b: Mention) -> bool:
    """Do two mentions state the same value (allowing a hedged round figure for a precise one)?"""
    if a.code or b.code:
        return bool(a.code) and a.code == b.code
    tol = 0.015 if (a.loose or b.loose) else 1e-9
    if any(_close(x, y, tol) for x in a.values for y in b.values):
        return True
    return _rounds_to(a, b.values) or _rounds_to(b, a.values)


def supported_by(mention: Mention, source: list[Mention]) -> bool:
    """The source states this mention's value (the source's own rounding does not back a precise figure)."""
    if mention.code:
        return any(s.code == mention.code for s in source)
    for s in source:
        if s.code:
            continue
        tol = 0.015 if (mention.loose or s.loose) else 1e-9
        if any(_close(x, y, tol) for x in mention.values for y in s.values) or _rounds_to(mention, s.values):
            return True
    return False


def numbers_equivalent(a: str, b: str) -> bool:
    """Two written values that hold the same numbers ("a quarter point" and "25 basis points")."""
    ma, mb = number_mentions(a), number_mentions(b)
    if not ma or not mb:
        return False
    return all(any(mention_matches(x, y) for y in mb) for x in ma) or all(
        any(mention_matches(y, x) for x in ma) for y in mb
    )


# ---------------------------------------------------------------------------------------------
# Names and dates


_TITLES = {
    "mr", "mrs", "ms", "dr", "sir", "dame", "judge", "justice", "sheriff", "governor", "gov", "president",
    "minister", "prof", "professor", "the", "captain", "capt", "coach", "chief", "inspector", "detective",
    "sen", "senator", "rep", "mayor", "general", "gen", "lord", "lady", "of",
}  # fmt: skip


def name_tokens(value: str) -> list[str]:
    text = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return [t for t in re.findall(r"[a-z]+", text.lower()) if t not in _TITLES]


def names_match(planted: str, output: str) -> bool:
    p, o = name_tokens(planted), name_tokens(output)
    if not p or not o:
        return False
    if all(t in o for t in p):
        return True
    return all(t in p for t in o) and p[-1] in o


_MONTHS = {
    m: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for m in names
}  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def date_keys(value: str) -> set[tuple[Any, ...]]:
    text = value.lower()
    keys: set[tuple[Any, ...]] = set()
    month = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
    for m in re.finditer(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + month + r"\b", text):
        keys.add(("md", _MONTHS[m.group(2)[:4] if m.group(2)[:4] in _MONTHS else m.group(2)[:3]], int(m.group(1))))
    for m in re.finditer(r"\b" + month + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b", text):
        keys.add(("md", _MONTHS[m.group(1)[:4] if m.group(1)[:4] in _MONTHS else m.group(1)[:3]], int(m.group(2))))
    for m in re.finditer(r"\b" + month + r"\b", text):
        keys.add(("m", _MONTHS[m.group(1)[:4] if m.group(1)[:4] in _MONTHS else m.group(1)[:3]]))
    for m in re.finditer(r"\b(19\d\d|20\d\d)\b", text):
        keys.add(("y", int(m.group(1))))
    for day in _WEEKDAYS:
        if re.search(r"\b" + day, text):
            keys.add(("wd", day))
    for m in re.finditer(r"\b(first|second|third|fourth)\s+(quarter|half)\b", text):
        keys.add((m.group(2)[0], _ORD[m.group(1)]))
    for m in re.finditer(r"\b([qh])([1-4])\b", text):
        keys.add((m.group(1), int(m.group(2))))
    for mention in number_mentions(value):
        if mention.code.startswith("t"):
            keys.add(("t", mention.code))
    return keys


def dates_match(planted: str, output: str) -> bool:
    p, o = date_keys(planted), date_keys(output)
    specific = {k for k in p if k[0] in ("md", "t", "q", "h", "wd")}
    if specific:
        return specific <= o
    return bool(p) and p <= o


def values_match(kind: str, planted: str, output: str) -> bool:
    """Does an output side's value state the planted value (in any of its written forms)?"""
    if kind == "name":
        if names_match(planted, output):
            return True
    elif kind == "date":
        if dates_match(planted, output):
            return True
    elif numbers_equivalent(planted, output):
        return True
    a, b = re.sub(r"[^\w%]+", " ", fold(planted)).strip(), re.sub(r"[^\w%]+", " ", fold(output)).strip()
    if not a or not b:
        return False
    if a == b:
        return True
    if kind == "number" and (number_mentions(planted) and number_mentions(output)):
        return False  # numbers that differ do not match by their words
    return len(min(a, b, key=len)) >= 4 and (f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def same_digits(planted: str, output: str) -> bool:
    """The same figures with a unit or scale dropped ("£40" shown for "£40m"): found, but noted."""
    bare = lambda v: {float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", v)}
    p, o = bare(planted), bare(output)
    return bool(p) and bool(o) and (o <= p or p <= o)


# ---------------------------------------------------------------------------------------------
# Truth


def story_folders(set_name: str) -> list[Path]:
    base = SETS[set_name]
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if (p / "truth.json").is_file())


def load_truth(folder: Path) -> dict[str, Any]:
    truth: dict[str, Any] = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return truth


def side_files(side: dict[str, Any]) -> set[str]:
    files = set(side["files"])
    for extra in side.get("compatible", []):
        files |= set(extra["files"])
    return files


def side_values(side: dict[str, Any]) -> list[str]:
    return [side["value"], *(extra["value"] for extra in side.get("compatible", []))]


# ---------------------------------------------------------------------------------------------
# The product's output, flattened over all the stories digest made of one folder


@dataclass
class OutSide:
    value: str
    files: frozenset[str]
    reported_at: str | None


@dataclass
class OutDisagreement:
    about: str
    kind: str
    severity: str
    sides: list[OutSide]

    def describe(self) -> str:
        sides = "; ".join(f"{s.value} [{', '.join(sorted(s.files))}]" for s in self.sides)
        return f"{self.kind}/{self.severity} '{self.about}': {sides}"


@dataclass
class Sentence:
    text: str
    sources: list[str]  # report keys of the cited sources, in citation order
    written_by: str


@dataclass
class Briefing:
    stories: int = 0
    lead: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    disagreements: list[OutDisagreement] = field(default_factory=list)
    story_sources: list[list[str]] = field(default_factory=list)  # per sentence: every source of its story
    files_seen: set[str] = field(default_factory=set)
    missing_fields: set[str] = field(default_factory=set)


def _key(path: str) -> str:
    path = path.replace("\\", "/")
    return path.rsplit("/", 1)[-1]


def flatten(output: dict[str, Any]) -> Briefing:
    b = Briefing()
    stories = output.get("stories")
    if stories is None:
        b.missing_fields.add("stories")
        return b
    b.stories = len(stories)
    for index, story in enumerate(stories):
        files: dict[int, list[str]] = {}
        for src in story.get("sources", []):
            keys = [_key(src.get("path") or src.get("url") or "")]
            for dup in src.get("duplicates", []) or []:
                dup_path = dup.get("path") if isinstance(dup, dict) else dup
                if dup_path:
                    keys.append(_key(str(dup_path)))
            files[src["n"]] = keys
            b.files_seen.update(keys)
        everyone = [k[0] for k in files.values()]
        if "sentences" not in story:
            b.missing_fields.add("stories[].sentences")
        for i, sent in enumerate(story.get("sentences", [])):
            cited = [files[n][0] for n in sent.get("citations", []) if n in files]
            b.sentences.append(Sentence(sent.get("text", ""), cited, sent.get("written_by", "?")))
            b.story_sources.append(everyone)
            if index == 0 and i == 0:
                b.lead = sent.get("text", "")
        if "disagreements" not in story:
            b.missing_fields.add("stories[].disagreements")
        for d in story.get("disagreements", []) or []:
            if "severity" not in d:
                b.missing_fields.add("disagreements[].severity")
            sides = []
            for side in d.get("sides", []):
                side_keys = frozenset(k for n in side.get("citations", []) for k in files.get(n, []))
                if "reported_at" not in side:
                    b.missing_fields.add("disagreements[].sides[].reported_at")
                sides.append(OutSide(str(side.get("value", "")), side_keys, side.get("reported_at")))
            b.disagreements.append(
                OutDisagreement(
                    str(d.get("about", "")), str(d.get("kind", "?")), str(d.get("severity", "disagreement")), sides
                )
            )
    return b


# ---------------------------------------------------------------------------------------------
# Scoring


_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|saying|according to|calls?|called|calling|describe[sd]?|describing|wrote|writes|argue[sd]?|argues"
    r"|claim(?:s|ed)?|in (?:its|his|her|their) (?:view|words)|opinion|editorial|columnist|critics?|branded|labelled|labeled"
    r"|accused|insists?|insisted|believes?|suggest(?:s|ed)?)\b",
    re.I,
)
_EXPECTED_SEVERITY = {"conflict": "disagreement", "minor": "minor", "update": "update"}


def match_conflict(conflict: dict[str, Any], d: OutDisagreement, notes: list[str] | None = None) -> list[int] | None:
    """The output side matched to each planted side (in planted order), or None when D does not find it."""
    chosen: list[int] = []
    all_files = [side_files(s) for s in conflict["sides"]]
    for i, side in enumerate(conflict["sides"]):
        own = all_files[i]
        others = set().union(*(f for j, f in enumerate(all_files) if j != i)) - own
        found = None
        loose = None
        for k, out in enumerate(d.sides):
            if k in chosen or not (out.files & own) or (out.files & others):
                continue
            if any(values_match(conflict["kind"], v, out.value) for v in side_values(side)):
                found = k
                break
            if (
                loose is None
                and conflict["kind"] == "number"
                and any(same_digits(v, out.value) for v in side_values(side))
            ):
                loose = k
        if found is None and loose is not None:
            found = loose
            if notes is not None:
                notes.append(f"{conflict['id']}: value shown as {d.sides[loose].value!r} for {side['value']!r}")
        if found is None:
            return None
        chosen.append(found)
    return chosen


def part_of_conflict(conflict: dict[str, Any], d: OutDisagreement) -> bool:
    """Is every side of D a different planted side of CONFLICT (at least two of them)? Such a
    disagreement is real, only incomplete: "nearly 200" then "more than 300" of an update that
    went on to "more than 450"."""
    if len(d.sides) < 2:
        return False
    taken: set[int] = set()
    for out in d.sides:
        hit = next(
            (
                i
                for i, side in enumerate(conflict["sides"])
                if i not in taken
                and out.files & side_files(side)
                and any(values_match(conflict["kind"], v, out.value) for v in side_values(side))
            ),
            None,
        )
        if hit is None:
            return False
        taken.add(hit)
    return True


def foreign_sides(conflict: dict[str, Any], d: OutDisagreement, chosen: list[int]) -> list[str]:
    """Output sides beyond the matched ones whose value is none of the planted values (a mixed-up disagreement)."""
    planted = [v for side in conflict["sides"] for v in side_values(side)]
    return [
        d.sides[j].value
        for j in range(len(d.sides))
        if j not in chosen and not any(values_match(conflict["kind"], v, d.sides[j].value) for v in planted)
    ]


def _instant(text: str | None) -> datetime | None:
    """An output time as an aware instant (a time without an offset is read as UTC); None when unreadable."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def severity_ok(conflict: dict[str, Any], d: OutDisagreement, chosen: list[int]) -> bool:
    if d.severity != _EXPECTED_SEVERITY[conflict["type"]]:
        return False
    if conflict["type"] == "update":
        if chosen != sorted(chosen):
            return False
        # Compared as instants, not as strings: reports keep their own offsets ("08:15+10:00" is
        # before "06:20+00:00" of the same date).
        times = [_instant(d.sides[k].reported_at) for k in chosen]
        if all(times) and times != sorted(t for t in times if t):
            return False
    return True


def pairs_non_conflict(nc: dict[str, Any], d: OutDisagreement) -> bool:
    hits = set()
    for k, out in enumerate(d.sides):
        for i, v in enumerate(nc["values"]):
            if out.files & set(v["files"]) and any(
                values_match(kind, v["value"], out.value) for kind in ("number", "name", "date")
            ):
                hits.add((i, k))
    return len({i for i, _ in hits}) >= 2 and len({k for _, k in hits}) >= 2


@dataclass
class StoryScore:
    slug: str
    stories: int = 0
    error: str = ""
    seconds: float = 0.0
    conflicts: list[tuple[str, str, bool, bool]] = field(default_factory=list)  # id, type, strict, any
    false: list[str] = field(default_factory=list)
    extra_sides: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # found disagreements made of some sides of one planted conflict
    cite_ok: int = 0
    cite_total: int = 0
    cite_failures: list[str] = field(default_factory=list)
    uncited_numeric: int = 0
    must_hit: int = 0
    must_total: int = 0
    must_missed: list[str] = field(default_factory=list)
    opinions_as_fact: list[str] = field(default_factory=list)
    lead_ok: bool = False
    lead: str = ""
    missing_files: list[str] = field(default_factory=list)
    model_share: tuple[int, int] = (0, 0)


def score_disagreements(truth: dict[str, Any], found: list[OutDisagreement], score: StoryScore) -> None:
    used: set[int] = set()
    for conflict in truth["conflicts"]:
        strict = anyway = False
        for k, d in enumerate(found):
            chosen = match_conflict(conflict, d, score.extra_sides)
            if chosen is None:
                continue
            used.add(k)
            anyway = True
            extra = foreign_sides(conflict, d, chosen)
            if severity_ok(conflict, d, chosen) and not extra:
                strict = True
            if extra:
                score.extra_sides.append(
                    f"{conflict['id']}: other quantities mixed in {extra} (not strict) in {d.describe()}"
                )
        score.conflicts.append((conflict["id"], conflict["type"], strict, anyway))
    for k, d in enumerate(found):
        if k in used:
            continue
        part = next((c["id"] for c in truth["conflicts"] if part_of_conflict(c, d)), None)
        if part is not None:
            score.partial.append(f"{d.describe()}  <- some sides of planted '{part}'")
            continue
        tag = next(
            (
                f"  <- pairs planted non-conflict '{nc['id']}'"
                for nc in truth["non_conflicts"]
                if pairs_non_conflict(nc, d)
            ),
            "",
        )
        score.false.append(d.describe() + tag)


def _publication_numbers(truth: dict[str, Any], key: str) -> list[Mention]:
    """A report's own publication date counts as stated by it ("On 19 November 2025" citing a report of that day)."""
    published = truth["reports"].get(key, {}).get("published")
    if not published:
        return []
    when = datetime.fromisoformat(published)
    return [Mention(str(when.day), -1, (float(when.day),)), Mention(str(when.year), -1, (float(when.year),))]


def score_sentences(
    truth: dict[str, Any], reports: dict[str, Report], sentences: list[Sentence], lead: str | None, score: StoryScore
) -> None:
    numbers_of = {key: number_mentions(r.text) + _publication_numbers(truth, key) for key, r in reports.items()}
    for sent in sentences:
        mentions = number_mentions(sent.text)
        if not mentions:
            continue
        if not sent.sources:
            score.uncited_numeric += 1
        for key in sent.sources:
            score.cite_total += 1
            source = numbers_of.get(key)
            missing = [m.text for m in mentions if source is None or not supported_by(m, source)]
            if missing:
                score.cite_failures.append(f"[{key}] lacks {missing}: {sent.text}")
            else:
                score.cite_ok += 1
    text = fold(" ".join(s.text for s in sentences))
    text_nosep = re.sub(r"(?<=\d),(?=\d{3})", "", text).replace(" per cent", "%").replace(" percent", "%")
    for item in truth["must_state"]:
        score.must_total += 1
        forms = [
            re.sub(r"(?<=\d),(?=\d{3})", "", fold(f)).replace(" per cent", "%").replace(" percent", "%")
            for f in item["forms"]
        ]
        if any(f in text_nosep for f in forms):
            score.must_hit += 1
        else:
            score.must_missed.append(item["what"])
    for opinion in truth["opinions"]:
        for sent in sentences:
            low = fold(sent.text)
            if any(fold(m) in low for m in opinion["markers"]) and not _ATTRIBUTION.search(sent.text):
                outlets = {fold(truth["reports"][f].get("outlet", "")) for f in opinion["files"]} - {""}
                if not any(o in low for o in outlets):
                    score.opinions_as_fact.append(sent.text)
    score.lead = lead or ""
    score.lead_ok = bool(lead) and all(
        any(re.search(r"\b" + re.escape(fold(k)), fold(lead or "")) for k in group)
        for group in truth["central_event"]["keywords"]
    )


def score_output(
    folder: Path, truth: dict[str, Any], reports: dict[str, Report], output: dict[str, Any], seconds: float
) -> tuple[StoryScore, Briefing]:
    score = StoryScore(folder.name, seconds=seconds)
    b = flatten(output)
    score.stories = b.stories
    score.missing_files = sorted(set(truth["reports"]) - b.files_seen)
    score_disagreements(truth, b.disagreements, score)
    score_sentences(truth, reports, b.sentences, b.lead, score)
    score.model_share = (sum(s.written_by == "model" for s in b.sentences), len(b.sentences))
    return score, b


# ---------------------------------------------------------------------------------------------
# Baselines


_NOT_NOUNS = set(
    "and or to of the a an in on at by for from with as per than that this these those was were is are be been "
    "who which while when after before over under into its their his her it they he she we you i".split()
)


def naive_disagreements(reports: dict[str, Report]) -> list[OutDisagreement]:
    """Two sources give different numbers right before the same word: a disagreement."""
    by_noun: dict[str, dict[float, set[str]]] = defaultdict(lambda: defaultdict(set))
    for key, report in reports.items():
        text = "\n".join((report.title, *report.paragraphs))
        for m in number_mentions(text):
            if m.code or not m.values:
                continue
            after = text[m.start + len(m.text) :]
            if m.text.endswith("%") or re.match(r"\s*(?:per\s?cent|percent)\b", after, re.I):
                noun = "%"
            else:
                word = re.match(r"\s*([A-Za-z]+)", after)
                if not word or word.group(1).lower() in _NOT_NOUNS:
                    continue
                noun = word.group(1).lower()
                noun = noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun
            by_noun[noun][m.values[0]].add(key)
    out = []
    for noun, values in sorted(by_noun.items()):
        files = set().union(*values.values())
        if len(values) >= 2 and len(files) >= 2:
            sides = [OutSide(f"{v:g} {noun}", frozenset(f), None) for v, f in sorted(values.items())]
            out.append(OutDisagreement(f"number of {noun}", "number", "disagreement", sides))
    return out


def lead2(reports: dict[str, Report], truth: dict[str, Any]) -> tuple[list[Sentence], str | None]:
    """The first two body sentences of each report, citing their own report; oldest report first."""
    order = sorted(reports, key=lambda k: truth["reports"].get(k, {}).get("published", ""))
    sentences: list[Sentence] = []
    for key in order:
        paras = body_paragraphs(reports[key])
        first = [s for p in paras for s in split_sentences(p)][:2]
        sentences.extend(Sentence(s, [key], "source") for s in first)
    return sentences, (sentences[0].text if sentences else None)


# ---------------------------------------------------------------------------------------------
# Running the CLI


def report_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != "truth.json" and not p.name.startswith("."))


def run_brief(folder: Path, model_args: list[str]) -> tuple[dict[str, Any] | None, float, str]:
    files = [str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p) for p in report_files(folder)]
    cmd = [sys.executable, "-m", "digest", "brief", *files, "--format", "json", "--no-progress", *model_args]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - started, "timed out after 1800 s"
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return None, seconds, f"exit {proc.returncode}: {tail}"
    try:
        return json.loads(proc.stdout), seconds, ""
    except json.JSONDecodeError as exc:
        return None, seconds, f"output is not JSON ({exc})"


# ---------------------------------------------------------------------------------------------
# Report


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "  n/a"


@dataclass
class Run:
    name: str
    scores: list[StoryScore]
    missing_fields: set[str]


def print_run(run: Run, base: dict[str, StoryScore]) -> None:
    print(f"\n== {run.name} ==")
    print(
        f"{'story':30} {'split':>5} {'strict':>7} {'any':>6} {'base':>6} {'false':>5} {'bfalse':>6} {'cite':>8} {'must':>6} {'opin':>4} {'lead':>4} {'blead':>5} {'sec':>6}"
    )
    for s in run.scores:
        b = base[s.slug]
        planted = len(s.conflicts)
        if s.error:
            print(f"{s.slug:30} ERROR {s.error}")
            continue
        print(
            f"{s.slug:30} {s.stories:>5} {sum(c[2] for c in s.conflicts):>3}/{planted:<3} {sum(c[3] for c in s.conflicts):>2}/{planted:<3}"
            f" {sum(c[2] for c in b.conflicts):>2}/{planted:<3} {len(s.false):>5} {len(b.false):>6} {s.cite_ok:>3}/{s.cite_total:<4}"
            f" {s.must_hit:>2}/{s.must_total:<3} {len(s.opinions_as_fact):>4} {'yes' if s.lead_ok else 'no':>4} {'yes' if b.lead_ok else 'no':>5} {s.seconds:>6.1f}"
        )


def totals(scores: list[StoryScore]) -> dict[str, Any]:
    ok = [s for s in scores if not s.error]
    conflicts = [c for s in ok for c in s.conflicts]
    by_type: dict[str, list[tuple[str, str, bool, bool]]] = defaultdict(list)
    for c in conflicts:
        by_type[c[1]].append(c)
    return {
        "stories": len(ok),
        "errors": len(scores) - len(ok),
        "planted": len(conflicts),
        "strict": sum(c[2] for c in conflicts),
        "any": sum(c[3] for c in conflicts),
        "by_type": {t: (sum(c[2] for c in cs), sum(c[3] for c in cs), len(cs)) for t, cs in sorted(by_type.items())},
        "false": sum(len(s.false) for s in ok),
        "partial": sum(len(s.partial) for s in ok),
        "cite_ok": sum(s.cite_ok for s in ok),
        "cite_total": sum(s.cite_total for s in ok),
        "uncited_numeric": sum(s.uncited_numeric for s in ok),
        "must_hit": sum(s.must_hit for s in ok),
        "must_total": sum(s.must_total for s in ok),
        "opinions": sum(len(s.opinions_as_fact) for s in ok),
        "lead_ok": sum(s.lead_ok for s in ok),
        "split": sum(s.stories > 1 for s in ok),
        "missing_files": sum(len(s.missing_files) for s in ok),
        "seconds": [s.seconds for s in ok],
        "model": (sum(s.model_share[0] for s in ok), sum(s.model_share[1] for s in ok)),
    }


def print_totals(
    runs: list[Run], base: list[StoryScore], cite_all: dict[str, tuple[int, int]], sanity: tuple[int, int]
) -> None:
    cols = [(r.name, totals(r.scores)) for r in runs]
    tb = totals(base)
    print("\n== totals ==")
    header = f"{'metric':40}" + "".join(f"{name:>22}" for name, _ in cols) + f"{'baseline':>22}  baseline is"
    print(header)

    def row(label: str, values: list[str], baseline: str, what: str) -> None:
        print(f"{label:40}" + "".join(f"{v:>22}" for v in values) + f"{baseline:>22}  {what}")

    row("stories scored (errors)", [f"{t['stories']} ({t['errors']})" for _, t in cols], f"{tb['stories']}", "")
    row("folders split into >1 story", [str(t["split"]) for _, t in cols], "-", "")
    row("reports missing from the output", [str(t["missing_files"]) for _, t in cols], "-", "")
    row(
        "conflict recall, strict",
        [f"{_ratio(t['strict'], t['planted'])} ({t['strict']}/{t['planted']})" for _, t in cols],
        f"{_ratio(tb['strict'], tb['planted'])} ({tb['strict']}/{tb['planted']})",
        "naive number-before-noun finder",
    )
    row(
        "conflict recall, any severity",
        [f"{_ratio(t['any'], t['planted'])} ({t['any']}/{t['planted']})" for _, t in cols],
        f"{_ratio(tb['any'], tb['planted'])} ({tb['any']}/{tb['planted']})",
        "",
    )
    for kind in sorted(tb["by_type"]):
        row(
            f"  {kind}: strict / any / planted",
            [
                f"{t['by_type'].get(kind, (0, 0, 0))[0]}/{t['by_type'].get(kind, (0, 0, 0))[1]}/{t['by_type'].get(kind, (0, 0, 0))[2]}"
                for _, t in cols
            ],
            "{}/{}/{}".format(*tb["by_type"][kind]),
            "",
        )
    row(
        "false disagreements per 10 stories",
        [f"{10 * t['false'] / max(t['stories'], 1):.1f} ({t['false']})" for _, t in cols],
        f"{10 * tb['false'] / max(tb['stories'], 1):.1f} ({tb['false']})",
        "naive finder",
    )
    row(
        "  partial (some sides of one planted conflict)",
        [str(t.get("partial", 0)) for _, t in cols],
        str(tb.get("partial", 0)),
        "not false; the conflict stays missed",
    )
    ca = [cite_all.get(name, (0, 0)) for name, _ in cols]
    row(
        "numeric citation precision",
        [f"{_ratio(t['cite_ok'], t['cite_total'])} ({t['cite_ok']}/{t['cite_total']})" for _, t in cols],
        " / ".join(f"{_ratio(a, b)}" for a, b in ca),
        "same sentences citing every source",
    )
    row("  numeric sentences without citation", [str(t["uncited_numeric"]) for _, t in cols], "-", "")
    row(
        "  lead-2 citing its own report (sanity)",
        ["" for _ in cols],
        f"{_ratio(*sanity)} ({sanity[0]}/{sanity[1]})",
        "should be 1.000: checks the normaliser",
    )
    row(
        "must_state coverage",
        [f"{_ratio(t['must_hit'], t['must_total'])} ({t['must_hit']}/{t['must_total']})" for _, t in cols],
        f"{_ratio(tb['must_hit'], tb['must_total'])} ({tb['must_hit']}/{tb['must_total']})",
        "lead-2 of every report",
    )
    row("opinions stated as fact (sentences)", [str(t["opinions"]) for _, t in cols], str(tb["opinions"]), "lead-2")
    row(
        "lead names the central event",
        [f"{t['lead_ok']}/{t['stories']}" for _, t in cols],
        f"{tb['lead_ok']}/{tb['stories']}",
        "first sentence of the earliest report",
    )
    row("sentences written by the model", [f"{t['model'][0]}/{t['model'][1]}" for _, t in cols], "-", "")
    row(
        "seconds per story, median (mean)",
        [
            f"{statistics.median(t['seconds']):.1f} ({statistics.fmean(t['seconds']):.1f})" if t["seconds"] else "-"
            for _, t in cols
        ],
        "-",
        "",
    )
    print(
        f"targets: conflict recall >= {TARGETS['recall']}, false disagreements <= {TARGETS['false_per_10']:.0f} per 10 stories, numeric citation precision >= {TARGETS['citation']}"
    )
    for r in runs:
        if r.missing_fields:
            print(f"note ({r.name}): the output lacks {', '.join(sorted(r.missing_fields))}", end="")
            if {"disagreements[].sides[].reported_at", "disagreements[].severity"} & r.missing_fields or not any(
                c[3] and c[1] == "update" and c[2] for s in r.scores for c in s.conflicts
            ):
                print(
                    "; updates count only when shown with severity 'update' (sides oldest first, reported_at when given)"
                )
            else:
                print()


def print_details(run: Run, show_citations: int) -> None:
    print(f"\n-- {run.name}: details --")
    for s in run.scores:
        if s.error:
            continue
        missed = [
            f"{cid}({ctype}{', found but not strict' if anyway else ''})"
            for cid, ctype, strict, anyway in s.conflicts
            if not strict
        ]
        lines = []
        if s.stories > 1:
            lines.append(f"split into {s.stories} stories")
        if s.missing_files:
            lines.append(f"reports missing from the output: {s.missing_files}")
        if missed:
            lines.append("missed: " + ", ".join(missed))
        lines += [f"FALSE: {f}" for f in s.false]
        lines += [f"partial: {f}" for f in s.partial]
        lines += [f"note: {e}" for e in s.extra_sides]
        if s.must_missed:
            lines.append("must_state missing: " + "; ".join(s.must_missed))
        lines += [f"OPINION AS FACT: {o}" for o in s.opinions_as_fact]
        if not s.lead_ok:
            lines.append(f"lead does not name the central event: {s.lead[:160]}")
        lines += [f"citation: {c}" for c in s.cite_failures[:show_citations]]
        if lines:
            print(f"{s.slug}:")
            for line in lines:
                print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=sorted(SETS), default="dev")
    parser.add_argument("--no-model", action="store_true", help="only the extractive run (--no-model)")
    parser.add_argument("--model", default=None, help="generator for the model run (default: digest's default)")
    parser.add_argument("--stories", default="", help="comma-separated slugs to run")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="save each CLI output here")
    parser.add_argument(
        "--from", dest="source", type=Path, default=None, help="score outputs saved by --keep instead of running"
    )
    parser.add_argument("--show-citations", type=int, default=3, help="failing citation pairs to print per story")
    parser.add_argument("--json", type=Path, default=None, help="write the per-story scores here")
    args = parser.parse_args(argv)

    folders = story_folders(args.set)
    if args.stories:
        wanted = set(args.stories.split(","))
        folders = [f for f in folders if f.name in wanted]
    folders = folders[: args.limit]
    if not folders:
        print(f"no stories in {SETS[args.set]}", file=sys.stderr)
        return 0
    configs = [("no-model", ["--no-model"])]
    if not args.no_model:
        configs.append((f"model {args.model or '(default)'}", ["--model", args.model] if args.model else []))

    data = {f.name: (load_truth(f), read_reports(f)) for f in folders}
    base_scores: dict[str, StoryScore] = {}
    sanity = [0, 0]
    for f in folders:
        truth, reports = data[f.name]
        b = StoryScore(f.name)
        score_disagreements(truth, naive_disagreements(reports), b)
        sentences, lead = lead2(reports, truth)
        score_sentences(truth, reports, sentences, lead, b)
        sanity[0] += b.cite_ok
        sanity[1] += b.cite_total
        base_scores[f.name] = b

    runs: list[Run] = []
    cite_all: dict[str, tuple[int, int]] = {}
    for name, model_args in configs:
        run = Run(name, [], set())
        ca = [0, 0]
        for i, f in enumerate(folders, start=1):
            truth, reports = data[f.name]
            tag = "no-model" if model_args == ["--no-model"] else "model"
            saved = (args.source / tag / f"{f.name}.json") if args.source else None
            if saved is not None:
                timings = saved.parent / "seconds.json"
                seconds = json.loads(timings.read_text()).get(f.name, 0.0) if timings.exists() else 0.0
                output, error = (json.loads(saved.read_text()), "") if saved.exists() else (None, "no saved output")
            else:
                print(f"[{name}] {i}/{len(folders)} {f.name}", file=sys.stderr, flush=True)
                output, seconds, error = run_brief(f, model_args)
            if output is None:
                run.scores.append(StoryScore(f.name, error=error, seconds=seconds))
                continue
            if args.keep:
                (args.keep / tag).mkdir(parents=True, exist_ok=True)
                (args.keep / tag / f"{f.name}.json").write_text(json.dumps(output, indent=1), encoding="utf-8")
                timings = args.keep / tag / "seconds.json"
                known = json.loads(timings.read_text()) if timings.exists() else {}
                timings.write_text(json.dumps({**known, f.name: round(seconds, 2)}, indent=1), encoding="utf-8")
            score, briefing = score_output(f, truth, reports, output, seconds)
            run.missing_fields |= briefing.missing_fields
            run.scores.append(score)
            # baseline: the same sentences citing every source of their story
            probe = StoryScore(f.name)
            all_cited = [
                Sentence(s.text, everyone, s.written_by)
                for s, everyone in zip(briefing.sentences, briefing.story_sources)
            ]
            score_sentences(truth, reports, all_cited, None, probe)
            ca[0] += probe.cite_ok
            ca[1] += probe.cite_total
        cite_all[name] = (ca[0], ca[1])
        runs.append(run)

    print(
        f"facts benchmark: {len(folders)} {args.set} stories, {sum(len(data[f.name][0]['conflicts']) for f in folders)} planted conflicts, "
        f"{sum(len(data[f.name][0]['non_conflicts']) for f in folders)} planted non-conflicts"
    )
    for run in runs:
        print_run(run, base_scores)
    print(
        "(strict/any: planted conflicts found with the right severity / with any; base: naive finder, strict;"
        " false/bfalse: ours/naive; cite: supported (sentence, source) pairs; lead/blead: ours/first sentence of the earliest report)"
    )
    print_totals(runs, list(base_scores.values()), cite_all, (sanity[0], sanity[1]))
    for run in runs:
        print_details(run, args.show_citations)
    if args.json:
        payload = {run.name: [vars(s) for s in run.scores] for run in runs}
        payload["baseline"] = [vars(s) for s in base_scores.values()]
        args.json.write_text(json.dumps(payload, indent=1, default=list), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

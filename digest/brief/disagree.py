"""Where the sources disagree: figures, people in the same role, dates.

Readers trust a briefing more when it says where outlets differ instead of
silently picking one version. Three kinds are looked for, all generally:

- numbers: the same counted thing ("North Korean soldiers", "troops") given
  different values by different sources, in sentences about the same matter;
- names: two different people named for the same role ("Defence Minister X"
  vs "Defence Minister Y"); two spellings of one name ("Yoon Sul Yeol" vs
  "Yoon Suk-yeol") are reported as `severity="minor"`;
- dates: sources in one claim giving different calendar dates.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from digest.models.base import Embedder
from digest.nlp import english
from digest.types import Disagreement, Side

from .evidence import EvidenceSet
from .facts import MONTHS, fold, numbers, tokens

log = logging.getLogger(__name__)


_TIME_UNITS = {
    "year",
    "month",
    "week",
    "day",
    "hour",
    "minute",
    "second",
    "time",
    "decade",
    "century",
    "age",
    "percent",
}
_ROLE_NOUNS = (
    "head of state|prime minister|minister|president|vice president|secretary|chancellor|premier|governor|mayor|director|"
    "chief|leader|ceo|chair|chairman|chairwoman|senator|sen\\.|representative|rep\\.|spokesman|spokeswoman|"
    "spokesperson|ambassador|commissioner|general|judge|justice|king|queen|head of state|envoy|coach|"
    "attorney general|sheriff|commander"
)
_ROLE_RE = re.compile(rf"((?:[A-Za-z][\w'’-]*\s+){{0,3}})({_ROLE_NOUNS})\s*,?\s*$", re.IGNORECASE)
_SPELLING = {"defense": "defence", "center": "centre", "labor": "labour"}


@lru_cache(maxsize=1)
def _nlp():
    """spaCy's small English model (packaged), or None when it is not installed."""
    try:
        return english()
    except Exception as exc:
        log.warning("spaCy model unavailable (%s); disagreements are not looked for", exc)
        return None


@dataclass
class _Figure:
    source: int
    sentence: int  # evidence index
    shown: str  # the figure as written, e.g. "10,000 to 12,000"
    values: frozenset[str]
    unit: str  # the counted thing with its modifiers, e.g. "North Korean soldiers"
    head: str  # lemma of the counted noun


@dataclass
class _Person:
    source: int
    name: str
    key: str  # folded letters only
    role: str  # e.g. "defence minister", "" when none


def find(ev: EvidenceSet, embedder: Embedder) -> list[Disagreement]:
    """All disagreements in one story, the most widely reported first."""
    nlp = _nlp()
    if nlp is None or not ev.sentences:
        return []
    docs = list(nlp.pipe([e.text for e in ev.sentences], batch_size=64))
    figures: list[_Figure] = []
    people: list[_Person] = []
    for e, doc in zip(ev.sentences, docs):
        figures.extend(_figures(e.source, e.index, doc))
        people.extend(_people(e.source, doc))
    found = _number_conflicts(figures, ev, embedder)
    found += _name_conflicts(people)
    found += _date_conflicts(ev)
    return found


# ---------------------------------------------------------------- numbers


def _figures(source: int, index: int, doc) -> list[_Figure]:
    out = []
    for tok in doc:
        if tok.dep_ != "nummod" or tok.head.pos_ not in ("NOUN", "PROPN"):
            continue
        head = tok.head
        if head.lemma_.lower() in _TIME_UNITS or tok.ent_type_ in ("DATE", "TIME", "ORDINAL"):
            continue
        span = doc[tok.left_edge.i : tok.i + 1]
        shown = re.sub(
            r"^(?:about|around|approximately|nearly|some|roughly|more than|over|at least|up to|almost)\s+",
            "",
            span.text,
            flags=re.I,
        )
        values = frozenset(numbers(shown))
        if not values or any(
            1900 <= float(v) <= 2100 and "," not in shown for v in values if v.replace(".", "").isdigit()
        ):
            continue
        modifiers = [t for t in head.lefts if t.i > tok.i and t.dep_ in ("amod", "compound", "nmod")]
        start = min((t.left_edge.i for t in modifiers), default=head.i)
        unit = doc[max(start, tok.i + 1) : head.i + 1].text
        out.append(_Figure(source, index, shown, values, unit, head.lemma_.lower()))
    return out


def _number_conflicts(figures: list[_Figure], ev: EvidenceSet, embedder: Embedder) -> list[Disagreement]:
    if len({f.source for f in figures}) < 2:
        return []
    calibration = embedder.calibration
    units = embedder.embed([f.unit for f in figures])
    sent = ev.vectors
    n = len(figures)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            a, b = figures[i], figures[j]
            same_unit = a.head == b.head or float(units[i] @ units[j]) >= calibration.same_unit
            same_topic = float(sent[a.sentence] @ sent[b.sentence]) >= calibration.same_matter
            if same_unit and same_topic:
                parent[root(i)] = root(j)
    groups: dict[int, list[_Figure]] = defaultdict(list)
    for i, f in enumerate(figures):
        groups[root(i)].append(f)
    out = []
    for members in groups.values():
        by_value: dict[frozenset[str], list[_Figure]] = defaultdict(list)
        for f in members:
            by_value[f.values].append(f)
        sources = {f.source for f in members}
        if len(by_value) < 2 or len(sources) < 2:
            continue
        # Every value must be someone's; and at least two values must come from different sources.
        value_sources = [frozenset(f.source for f in fs) for fs in by_value.values()]
        if all(vs == value_sources[0] for vs in value_sources) and len(value_sources[0]) == 1:
            continue
        sides = []
        for _values, fs in sorted(by_value.items(), key=lambda kv: min(float(v) for v in kv[0])):
            shown = max((f.shown for f in fs), key=lambda s: sum(c.isdigit() for c in s))
            sides.append(Side(value=shown, citations=tuple(sorted({f.source for f in fs}))))
        unit = max((f.unit for f in members), key=lambda u: (sum(f.unit == u for f in members), len(u)))
        out.append(Disagreement(about=f"number of {unit}", kind="number", severity="disagreement", sides=tuple(sides)))
    return out


# ---------------------------------------------------------------- names


def _role_before(doc, ent) -> str:
    left = doc[max(0, ent.start - 6) : ent.start].text
    m = _ROLE_RE.search(left)
    if not m:
        return ""
    words = [w for w in tokens(m.group(1)) if w not in ("the", "a", "an", "of", "s")]
    qualifier = words[-1:] if words else []
    role = " ".join([*qualifier, m.group(2).lower()])
    return " ".join(_SPELLING.get(w, w) for w in role.split())


def _people(source: int, doc) -> list[_Person]:
    """People named in a sentence: spaCy's PERSON entities, and any name right after a role word.

    The small model often mislabels foreign names ("Yoon Sul Yeol" as a work of
    art) or cuts them at a hyphen ("Yoon Suk" of "Yoon Suk-yeol"), so a title
    before a capitalised entity counts as evidence of a person, and an entity
    is extended over "-yeol"-style pieces.
    """
    out = []
    for ent in doc.ents:
        end = ent.end
        while end + 1 < len(doc) and doc[end].text == "-" and doc[end + 1].is_alpha and not doc[end].whitespace_:
            end += 2
        span = doc[ent.start : end]
        role = _role_before(doc, ent)
        if ent.label_ != "PERSON" and not (
            role and ent.label_ in ("WORK_OF_ART", "ORG", "GPE", "FAC") and 2 <= len(span) <= 4
        ):
            continue
        if not span.text[:1].isupper():
            continue
        name = re.sub(r"['’]s$", "", span.text).strip()
        key = re.sub(r"[^a-z]", "", fold(name))
        if len(key) < 4 or len(name.split()) < 2 and len(key) < 6:
            continue
        out.append(_Person(source, name, key, role))
    return out


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (names are short)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _variant(a: str, b: str) -> bool:
    """Two different keys that spell one name: a letter or two apart, and not one inside the other.

    "yoonsulyeol"/"yoonsukyeol" and "zelenskyy"/"zelenskiy" are variants;
    "kimyonghyun"/"kimeunhyun" (another person) and "borrell"/"borrelland" are not.
    """
    if a == b or a in b or b in a or a[0] != b[0]:
        return False
    return _edits(a, b) <= max(1, min(len(a), len(b)) // 8)


def _name_conflicts(people: list[_Person]) -> list[Disagreement]:
    out: list[Disagreement] = []
    by_key: dict[str, list[_Person]] = defaultdict(list)
    for p in people:
        by_key[p.key].append(p)

    def shown(ps: list[_Person]) -> str:
        return max((p.name for p in ps), key=lambda n: (sum(p.name == n for p in ps), len(n)))

    keys = sorted(by_key)
    # Spelling variants: group keys that are close, report each group once.
    seen: set[str] = set()
    for k in keys:
        if k in seen:
            continue
        group = [k] + [o for o in keys if o != k and o not in seen and _variant(k, o)]
        if len(group) < 2:
            continue
        seen.update(group)
        srcs = [frozenset(p.source for p in by_key[g]) for g in group]
        if len(frozenset().union(*srcs)) < 2:
            continue
        sides = tuple(Side(shown(by_key[g]), tuple(sorted(s))) for g, s in zip(group, srcs))
        out.append(
            Disagreement(about=f"spelling of {shown(by_key[group[0]])}", kind="name", severity="minor", sides=sides)
        )
    # Different people in the same role.
    by_role: dict[str, dict[str, list[_Person]]] = defaultdict(lambda: defaultdict(list))
    for p in people:
        if p.role and len(p.role.split()) >= 2 or p.role in ("president", "prime minister"):
            by_role[p.role][p.key].append(p)
    for role, named in by_role.items():
        ks = sorted(named)
        for i, a in enumerate(ks):
            for b in ks[i + 1 :]:
                if a in b or b in a or _variant(a, b):
                    continue
                if not set(tokens(shown(named[a]))) & set(tokens(shown(named[b]))):
                    continue  # no shared name part: probably two countries' ministers, not a conflict
                sa = tuple(sorted({p.source for p in by_key[a]}))
                sb = tuple(sorted({p.source for p in by_key[b]}))
                if set(sa) == set(sb):
                    continue
                sides = tuple(
                    sorted((Side(shown(by_key[a]), sa), Side(shown(by_key[b]), sb)), key=lambda s: -len(s.citations))
                )
                out.append(Disagreement(about=role, kind="name", severity="disagreement", sides=sides))
    out.sort(key=lambda d: (d.severity != "disagreement",))
    return out


# ---------------------------------------------------------------- dates

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_NAMES})\b\.?", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})\b", re.IGNORECASE)


def calendar_days(text: str) -> set[tuple[int, int]]:
    """(month, day) pairs written in `text` ("Nov. 4", "4 November")."""
    out = set()
    for m in _DAY_MONTH.finditer(text):
        if m.group(2)[0].isupper() and 1 <= int(m.group(1)) <= 31:
            out.add((MONTHS[m.group(2).lower()], int(m.group(1))))
    for m in _MONTH_DAY.finditer(text):
        if m.group(1)[0].isupper() and 1 <= int(m.group(2)) <= 31:
            out.add((MONTHS[m.group(1).lower()], int(m.group(2))))
    return out


def _date_conflicts(ev: EvidenceSet) -> list[Disagreement]:
    out = []
    for claim in ev.claims:
        if len(claim.sources) < 2:
            continue
        by_source: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for i in claim.members:
            by_source[ev.sentences[i].source] |= calendar_days(ev.sentences[i].text)
        dated = {s: d for s, d in by_source.items() if d}
        if len(dated) < 2:
            continue
        all_days = set().union(*dated.values())
        if any(all(day in d for d in dated.values()) for day in all_days):
            continue  # they share a date: no conflict
        sides = tuple(
            Side(
                ", ".join(f"{calendar.month_name[m]} {d}" for m, d in sorted(days)),
                tuple(sorted(s for s, dd in dated.items() if dd == days)),
            )
            for days in {frozenset(d) for d in dated.values()}
        )
        rep = ev.sentences[claim.representative or claim.members[0]].text
        out.append(Disagreement(about=f"date of: {rep[:80]}", kind="date", severity="disagreement", sides=sides))
    return out


__all__ = ["find", "calendar_days"]

"""Do two figures (or two dates) from different sources measure the same thing? A learned answer.

The hand rules of measures.same_measure ask for the same lemmas: "about 61,000
customers were charged" and "the misconduct affected about 16,000 customers"
pass, but "14 tonnes of ammonia, the company said" and "about 4 tonnes of gas
escaped", or "a capacity of 45,000" and "the ground holds 41,870 spectators",
do not. Outlets word one fact in many ways, so the rules' verdict is one
feature among others here: the frames' shared parts, the words around each
figure, how alike the two sentences are (the story's sentence embeddings), and
how close the two values are (reports of one count differ by a few percent,
a part and a whole by a factor).

A logistic regression on standardised features, fitted to the planted
disagreements and non-disagreements of the invented multi-source stories
(tests/fixtures/stories/dev, benchmarks/cases/heldout to heldout4: each blind set joins
the training data once it has been measured; heldout5 is kept out);
`scripts/train_alignment.py` rebuilds `digest/data/alignment.json` through the
product's own path and prints the cross-validated figures (folds by story).
The decision level is the one that maximised the cross-validated F1 of
held-out stories' pairs whose values clash, among the levels that keep their
precision within 0.1 of the rule's, not one picked by hand; where the rule did
better, no model ships for that kind of fact.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import weights
from .measures import (
    Frame,
    Moment,
    Quantity,
    SentenceFacts,
    may_measure_same,
    of_a_person,
    opposed,
    same_event,
    same_measure,
)

FEATURES = (
    "rule_same",  # the strict hand rule: measures.same_measure (figures), measures.same_event (dates)
    "rule_may",  # measures.may_measure_same: nothing says they differ
    "thing_same",  # both name the counted thing and it is the same lemma
    "thing_differs",
    "event_same",
    "event_differs",
    "subject_same",
    "subject_differs",
    "role_same",  # "from", "by", "since" or none on both
    "anchor_differs",  # another period ("last year")
    "modifiers_shared",
    "label_overlap",  # Jaccard of the words describing each figure
    "window_overlap",  # Jaccard of the content words around each figure
    "sentence_cosine",  # the two sentences' embeddings
    "log_ratio",  # |log(a/b)|, capped: one count differs by percents, a part and a whole by a factor
    "figures_in_sentences",  # figures of this dimension in the two sentences (more = more ambiguous)
    "is_count",
    "is_year",
    "is_money",
    "is_percent",
    "depth",  # log(1 + the later of the two sentences' places in their reports): leads tell the central event
    "rivals",  # log(1 + the most other values of this kind one of the two reports gives): alone, it is the one
)

_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    """a an the of to in on at for and or but is are was were be been has have had it its this that with
    as by from he she they we you i his her their our not no said says say will would can could may
    than more about least some nearly around almost over under up down after before into out who which
    also just only all per cent percent one two three four five six seven eight nine ten""".split()
)
WINDOW = 6  # words each side of a figure: its clause, not the whole sentence


def _stem(word: str) -> str:
    """A crude stem that makes "customers"/"customer", "evacuated"/"evacuation" meet."""
    return word[:6]


def _words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _window(f: SentenceFacts, start: int, end: int) -> set[str]:
    left = f.text[:start].split()[-WINDOW:]
    right = f.text[end:].split()[:WINDOW]
    return _words(" ".join(left + right))


@dataclass(frozen=True)
class Item:
    """A figure or a date with what the features need of its sentence and its report."""

    fact: Quantity | Moment
    facts: SentenceFacts
    vector: np.ndarray | None
    depth: int = 0  # the sentence's place in its report (0: the first analysed sentence)
    rivals: int = 0  # other values of the same kind in the same report


def _kind(x: Quantity | Moment) -> tuple:
    """What makes two values rivals in one report: a time of day, a day, or a figure's dimension."""
    if isinstance(x, Moment):
        return ("clock" if x.clock is not None else "day",)
    return (x.frame.dimension, x.frame.per)


def items(facts: Sequence[SentenceFacts], vectors: np.ndarray | None) -> list[Item]:
    """Every figure and date of a story as the pair model sees it (the briefing and the training alike)."""

    def values(f: SentenceFacts) -> list[Quantity | Moment]:
        return [*f.quantities, *f.moments]

    first: dict[int, int] = {}
    kinds: dict[tuple, int] = {}
    for f in facts:
        first[f.statement.source] = min(first.get(f.statement.source, f.position), f.position)
        for x in values(f):
            key = (x.source, type(x).__name__, _kind(x))
            kinds[key] = kinds.get(key, 0) + 1
    out = []
    for f in facts:
        v = vectors[f.position] if vectors is not None and f.position < len(vectors) else None
        for x in values(f):
            rivals = kinds[(x.source, type(x).__name__, _kind(x))] - 1
            out.append(Item(x, f, v, f.position - first[f.statement.source], rivals))
    return out


def values_agree(a: Quantity | Moment, b: Quantity | Moment) -> bool:
    """May both values be true (the same, rounded, "at least")? Only pairs that clash show a disagreement."""
    return _value_features(a, b)[1] > 0.5


def value_ratio(a: Quantity | Moment, b: Quantity | Moment) -> float:
    return _value_features(a, b)[2]


def _value_features(a: Quantity | Moment, b: Quantity | Moment) -> tuple[float, float, float]:
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        same = a.amount.same(b.amount)
        compatible = a.amount.compatible(b.amount)
        x, y = abs(a.amount.value), abs(b.amount.value)
        ratio = min(3.0, abs(math.log(max(x, y) / min(x, y)))) if min(x, y) > 0 else 3.0
        if a.frame.dimension in ("year", "ordinal", "tally", "clock") and not same:
            ratio = 0.5  # 1967/1968 or 7-5/7-6 are close whatever their quotient
        return float(same), float(compatible), ratio
    if isinstance(a, Moment) and isinstance(b, Moment):
        same = a.same(b)
        return float(same), float(not a.conflicts(b)), 0.0 if same else 1.0
    return 0.0, 0.0, 3.0


def features(a: Item, b: Item) -> list[float]:
    fa: Frame = a.fact.frame
    fb: Frame = b.fact.frame
    # Whether the values agree is left out on purpose: the training pairs whose values agree are
    # all labelled "one measure" (agreeing pairs nobody labelled are unknown), so the model would
    # learn that agreement alone makes one measure, and "at least 240 flights" would join "1,900 pilots".
    ratio = value_ratio(a.fact, b.fact)
    cosine = float(a.vector @ b.vector) if a.vector is not None and b.vector is not None else 0.0
    dims = fa.dimension

    def n_dim(f: SentenceFacts) -> int:
        facts: list[Quantity | Moment] = [*f.quantities, *f.moments]
        return sum(1 for q in facts if q.frame.dimension == dims)

    rule = same_measure(fa, fb)
    if isinstance(a.fact, Moment) and isinstance(b.fact, Moment):
        rule = same_event(a.fact, b.fact)
    return [
        float(rule),
        float(may_measure_same(fa, fb)),
        float(bool(fa.thing and fa.thing == fb.thing)),
        float(bool(fa.thing and fb.thing and fa.thing != fb.thing)),
        float(bool(fa.event and fa.event == fb.event)),
        float(bool(fa.event and fb.event and fa.event != fb.event)),
        float(bool(fa.subject and fa.subject == fb.subject)),
        float(bool(fa.subject and fb.subject and fa.subject != fb.subject)),
        float(fa.role == fb.role),
        float(fa.anchor != fb.anchor),
        float(bool(fa.modifiers & fb.modifiers)),
        _jaccard(_words(fa.label), _words(fb.label)),
        _jaccard(_window(a.facts, a.fact.start, a.fact.end), _window(b.facts, b.fact.start, b.fact.end)),
        cosine,
        ratio,
        float(min(4, n_dim(a.facts) + n_dim(b.facts))),
        float(dims == "count"),
        float(dims == "year"),
        float(dims.startswith("money")),
        float(dims in ("percent", "points")),
        math.log1p(max(a.depth, b.depth)),
        math.log1p(max(a.rivals, b.rivals)),
    ]


def comparable(a: Item, b: Item) -> bool:
    """Pairs the model is asked about: other sources, one kind of value (a count is never a year)."""
    if a.fact.source == b.fact.source:
        return False
    fa, fb = a.fact.frame, b.fact.frame
    if type(a.fact) is not type(b.fact):
        return False
    if isinstance(a.fact, Moment) and isinstance(b.fact, Moment):
        return (a.fact.clock is None) == (b.fact.clock is None)
    return fa.dimension == fb.dimension and fa.per == fb.per


@dataclass(frozen=True)
class PairModel:
    """Logistic regression over `FEATURES`, standardised; `level` is the decision probability."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    level: float

    def probability(self, x: Sequence[float]) -> float:
        z = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        return float(1.0 / (1.0 + math.exp(-(float(z @ self.coef) + self.intercept))))

    def to_json(self) -> dict:
        return {
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "level": self.level,
        }

    @classmethod
    def from_json(cls, d: dict) -> PairModel:
        return cls(
            np.asarray(d["mean"], dtype=np.float64),
            np.asarray(d["scale"], dtype=np.float64),
            np.asarray(d["coef"], dtype=np.float64),
            float(d["intercept"]),
            float(d["level"]),
        )


@dataclass(frozen=True)
class Models:
    """One model per kind of fact; None where the hand rule did better on held-out stories."""

    quantity: PairModel | None
    moment: PairModel | None

    def for_pair(self, a: Item) -> PairModel | None:
        return self.quantity if isinstance(a.fact, Quantity) else self.moment


@lru_cache(maxsize=1)
def default_models() -> Models | None:
    """The shipped weights, or None when they are absent (the hand rules then decide alone)."""
    try:
        data = weights.packaged("alignment.json")
    except (FileNotFoundError, OSError):
        return None
    if tuple(data.get("features", ())) != FEATURES:
        return None  # weights of another feature set: retrain (scripts/train_alignment.py)
    return Models(*(PairModel.from_json(data[k]) if data.get(k) else None for k in ("quantity", "moment")))


class Aligner:
    """Same-measure decisions for the facts of one story, with the sentence vectors if known."""

    def __init__(self, facts: Sequence[SentenceFacts], vectors: np.ndarray | None, models: Models | None):
        self.models = models if vectors is not None else None  # trained with the sentence vectors: no guessing
        self._items: dict[int, Item] = {}
        # (probability, decision level) per pair: grouping asks about one pair several times
        self._decided: dict[tuple[int, int], tuple[float, float] | None] = {}
        for item in items(facts, vectors):
            self._items[id(item.fact)] = item

    def _decision(self, a: Quantity | Moment, b: Quantity | Moment) -> tuple[float, float] | None:
        """(probability that `a` and `b` measure one thing, the model's level); None without a model or item."""
        key = (id(a), id(b))
        if key not in self._decided:
            ia, ib = self._items.get(id(a)), self._items.get(id(b))
            decision = None
            if self.models is not None and ia is not None and ib is not None and comparable(ia, ib):
                model = self.models.for_pair(ia)
                if model is not None:
                    decision = (model.probability(features(ia, ib)), model.level)
            self._decided[key] = decision
        return self._decided[key]

    def probability(self, a: Quantity | Moment, b: Quantity | Moment) -> float | None:
        """The model's probability that `a` and `b` measure one thing; None without a model or item."""
        decision = self._decision(a, b)
        return None if decision is None else decision[0]

    def same(self, a: Quantity | Moment, b: Quantity | Moment, rule: bool) -> bool:
        """The model's verdict where it has one, else the hand rule's (`rule`); never two sides of a deal."""
        if isinstance(a, Quantity) and isinstance(b, Quantity) and opposed(a.frame, b.frame):
            return False
        if (
            isinstance(a, Quantity)
            and a.frame.dimension == "age"
            and (of_a_person(a.frame.thing) or of_a_person(b.frame.thing))
        ):
            return rule  # an age of someone named or described: the rule matches the people, the model never saw them
        decision = self._decision(a, b)
        return rule if decision is None else decision[0] >= decision[1]

    def score(self, a: Quantity | Moment, b: Quantity | Moment, rule_score: Callable[[Any, Any], float]) -> float:
        """How sure the join is, to take the surest pairs first: the model's probability, else the rule's score."""
        p = self.probability(a, b)
        return rule_score(a, b) if p is None else p

"""How likely an editor is to put a source sentence's content in the summary: a learned score.

What matters in a story is not weighted by hand here. A small linear model
(ridge regression on standardised features) was fitted to editors' summaries
of real multi-source stories (AllSides roundups and Multi-News clusters): its
target is the share of a sentence's words that the editors' summary uses
(ROUGE-1 precision). `scripts/train_salience.py` rebuilds the weights from the
dev data with the product's own evidence gathering and prints the
cross-validated figures; `digest/data/salience.json` ships them.

The features are things any story has: where the sentence sits in its
article, how long it is, how close it is to the story's centre and to the
titles, how strongly the other sources state the same thing (sentence by sentence
and as one claim), how much of its
vocabulary the other sources share, and its form (a quote, reported speech, a
pronoun opening, a cut-off excerpt).

A second head, fitted the same way, chooses which of the chosen claims opens
the briefing: its target is the claim's ROUGE-1 F1 against the editors' first
sentence, relative to the story's other candidates. Its features
(LEAD_FEATURES) say how many outlets open with the claim, how salient and
central it is, and where its sentences sit.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import weights

FEATURES = (
    "position",  # index of the sentence among its article's usable sentences
    "relative_position",  # position / sentences in the article
    "first",  # 1 for an article's first usable sentence
    "words",
    "log_words",
    "centrality",  # cosine to the story's centre
    "title_similarity",  # best cosine to a source title
    "other_sources_mean",  # mean over the other sources of their closest sentence's cosine
    "other_sources_max",  # the closest sentence of any other source
    "shared_vocabulary",  # mean share of the other sources that use each of its content words
    "capitalised",  # capitalised words after the first: names
    "has_number",
    "has_quote",
    "reported_speech",  # "said", "says", "told"
    "dependent_opening",  # opens with a pronoun or a link word
    "cut_off",  # ends in "..." (an excerpt)
    "sources",  # sources in the story
    "article_sentences",  # usable sentences in its article
    "claim_sources",  # share of the story's sources that state its claim (same fact, any wording)
)

_STOP = frozenset(
    """a an the of to in on at for and or but is are was were be been has have had it its this that with
    as by from he she they we you i his her their our not no said says will would can could may""".split()
)
_WORD = re.compile(r"[a-z0-9]+")
_CAPITAL = re.compile(r"\b[A-Z][a-z]+")
_QUOTE = re.compile(r"[\"“”«»]")
_SAID = re.compile(r"\b(said|says|told)\b")
_DEPENDENT = re.compile(
    r"^(he|she|they|it|this|that|these|those|but|and|also|however|still|then|so|his|her|their|its)\b", re.I
)


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


@dataclass(frozen=True)
class Statement:
    """What the features need of one source sentence."""

    source: int
    position: int
    text: str
    claim_sources: float = 0.0  # share of the story's sources stating the same fact
    cut_off: bool = False  # the finished part of a sentence an excerpt cut off (evidence.finished_part)


def features(
    statements: Sequence[Statement],
    vectors: np.ndarray,
    title_vectors: np.ndarray,
    n_sources: int,
) -> np.ndarray:
    """One row of FEATURES per statement (vectors: unit rows, one per statement)."""
    n = len(statements)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    centre = vectors.mean(axis=0)
    centre = centre / (np.linalg.norm(centre) or 1.0)
    sources = np.array([s.source for s in statements])
    per_article = Counter(s.source for s in statements)
    words = [set(content_words(s.text)) for s in statements]
    users: Counter[str] = Counter()
    for src in set(sources.tolist()):
        users.update(set().union(*(words[k] for k in range(n) if sources[k] == src)))
    sims = vectors @ vectors.T
    titles = title_vectors @ vectors.T if len(title_vectors) else np.zeros((0, n))
    others = max(1, n_sources - 1)
    rows = []
    for k, s in enumerate(statements):
        best = [float(sims[k][sources == o].max()) for o in set(sources.tolist()) if o != s.source]
        shared = [(users[w] - 1) / others for w in words[k]]
        count = len(s.text.split())
        rows.append(
            [
                s.position,
                s.position / per_article[s.source],
                float(s.position == 0),
                count,
                math.log(max(1, count)),
                float(vectors[k] @ centre),
                float(titles[:, k].max()) if len(titles) else 0.0,
                float(np.mean(best)) if best else 0.0,
                max(best) if best else 0.0,
                float(np.mean(shared)) if shared else 0.0,
                len(_CAPITAL.findall(s.text[1:])),
                float(any(c.isdigit() for c in s.text)),
                float(bool(_QUOTE.search(s.text))),
                float(bool(_SAID.search(s.text))),
                float(bool(_DEPENDENT.match(s.text))),
                float(s.cut_off or s.text.rstrip().endswith(("...", "…"))),
                n_sources,
                per_article[s.source],
                s.claim_sources,
            ]
        )
    return np.array(rows, dtype=np.float64)


LEAD_FROM_SENTENCE = (  # FEATURES of a claim's representative that the lead head reads too
    "relative_position",  # within the representative's article
    "centrality",
    "title_similarity",
    "words",
    "has_number",
    "has_quote",
    "reported_speech",
    "capitalised",
)
LEAD_FEATURES = (
    "opened_share",  # share of the sources that state the claim in their opening (select.OPENING sentences)
    "opened_by_two",  # two or more sources do
    "first_share",  # share of the sources that state it in their first sentence
    "salience",  # the claim's sentence salience
    "salience_gap",  # its salience minus the best candidate's
    "earliest_position",  # the earliest position any of its sentences holds in its article
    "mean_position",
    *LEAD_FROM_SENTENCE,
    "claim_sources",  # share of the story's sources that state it
    "sources",  # sources in the story
)


@dataclass(frozen=True)
class LinearHead:
    """A linear model over standardised, named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def score(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: dict, features: tuple[str, ...]) -> LinearHead:
        if list(data.get("features", [])) != list(features):
            raise ValueError("salience weights were trained on other features; retrain with scripts/train_salience.py")
        return cls(
            features,
            np.array(data["mean"], dtype=np.float64),
            np.array(data["scale"], dtype=np.float64),
            np.array(data["coef"], dtype=np.float64),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class SalienceModel:
    """Two learned heads: what an editor tells (`score`, per sentence, FEATURES) and what an
    editor tells first (`lead_score`, per chosen claim, LEAD_FEATURES)."""

    sentence: LinearHead
    lead: LinearHead
    about: str = ""  # what it was trained on, and its cross-validated figures

    def score(self, x: np.ndarray) -> np.ndarray:
        return self.sentence.score(x)

    def lead_score(self, x: np.ndarray) -> np.ndarray:
        return self.lead.score(x)

    def to_json(self) -> dict:
        return {"sentence": self.sentence.to_json(), "lead": self.lead.to_json(), "about": self.about}

    @classmethod
    def from_json(cls, data: dict) -> SalienceModel:
        if "sentence" not in data or "lead" not in data:
            raise ValueError("salience weights without a lead head; retrain with scripts/train_salience.py")
        return cls(
            LinearHead.from_json(data["sentence"], FEATURES),
            LinearHead.from_json(data["lead"], LEAD_FEATURES),
            str(data.get("about", "")),
        )


@lru_cache(maxsize=1)
def default_model() -> SalienceModel:
    """The shipped weights (digest/data/salience.json)."""
    return SalienceModel.from_json(weights.packaged("salience.json"))


def load_model(path: str | os.PathLike) -> SalienceModel:
    """Weights from a file written by scripts/train_salience.py."""
    return SalienceModel.from_json(weights.from_file(path))

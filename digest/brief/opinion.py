"""An outlet's own opinion, told as if it were fact: found so that it is never shown as fact.

Reports carry their outlet's asides ("a man who treated a children's charity as
his personal piggy bank", "It is a budget that punishes the poorest households").
A briefing that copies one states an outlet's judgement in its own voice. Asides
are learned, not listed: a logistic regression on the sentence's embedding,
trained on the invented multi-source stories' planted asides and the sentences
beside them, and on real reporting that editors' neutral summaries retell
(scripts/train_opinion.py, which prints its held-out figures on both).

An aside folded into a plain sentence sits between two commas, an apposition or a
clause ("Graham Lowther, a man who treated a children's charity as his personal
piggy bank, was sentenced ..."): the same model reads each such part, and a part
it finds to be an aside is taken out; the sentence still reads without it.

Only an unattributed sentence can be one: "Critics said the raid was no
surprise" tells who judges, and stays showable. A flagged sentence still
supports and is cited for the facts it shares with others (evidence.py keeps it
as evidence); it is never a claim's shown sentence, nor the writer's context.

The weights belong to one embedder (the vectors they read); with another, no
sentence is flagged, and the log says so once.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from digest.nlp import TAGGER, parse

from . import weights

log = logging.getLogger(__name__)

# The model is fitted with balanced class weights, so at 0.5 a missed aside weighs as much as
# all the plain sentences it could be mistaken for: asides are rare (about one sentence in 25),
# and one shown as fact misleads, while a plain sentence wrongly held back usually has another
# outlet's wording to stand for it. No level is chosen to make a data set pass.
THRESHOLD = 0.5

# A part between two commas that may be an aside: an apposition or a non-restrictive clause
# (its first word below), with no figure (figures are facts the fact layer needs), no quote or
# bracket, and not an item of a list (", and", ", or" or another ", the ..." after it). Under
# four words it is a title ("a former engineer" is three).
_PART_OPENERS = ("a", "an", "the", "who", "whose", "whom", "which", "long", "once")
_PART = re.compile(
    r",\s+(?P<part>(?:" + "|".join(_PART_OPENERS) + r")\s[^,;:()\[\]“”\"0-9]*?)(?=,\s(?!(?:and|or|a|an|the)\b))"
)
MIN_PART_WORDS = 4
_FINITE = {"VBD", "VBZ", "VBP", "MD"}  # Penn tags of a finite verb


@dataclass(frozen=True)
class OpinionModel:
    """A logistic regression over one embedder's unit sentence vectors."""

    embedder: str  # the embedder whose vectors it reads (its registry name)
    coef: np.ndarray  # (dim,)
    intercept: float
    threshold: float = THRESHOLD
    about: str = ""  # what it was trained on, and its cross-validated figures
    c: float = 1.0  # the regularisation it was fitted with (scripts/train_opinion.py; the benchmark's folds reuse it)

    def probability(self, vectors: np.ndarray) -> np.ndarray:
        if len(vectors) == 0:
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-(np.asarray(vectors, dtype=np.float64) @ self.coef + self.intercept)))

    def reads(self, embedder_name: str, dim: int) -> bool:
        """Can it judge this embedder's vectors?"""
        return embedder_name == self.embedder and dim == len(self.coef)

    def to_json(self) -> dict:
        return {
            "embedder": self.embedder,
            "coef": [round(float(c), 8) for c in self.coef],
            "intercept": self.intercept,
            "threshold": self.threshold,
            "about": self.about,
            "C": self.c,
        }

    @classmethod
    def from_json(cls, data: dict) -> OpinionModel:
        return cls(
            str(data["embedder"]),
            np.array(data["coef"], dtype=np.float64),
            float(data["intercept"]),
            float(data.get("threshold", THRESHOLD)),
            str(data.get("about", "")),
            float(data.get("C", 1.0)),
        )


@lru_cache(maxsize=1)
def default_model() -> OpinionModel:
    """The shipped weights (digest/data/opinion.json)."""
    return OpinionModel.from_json(weights.packaged("opinion.json"))


def load_model(path: str | os.PathLike) -> OpinionModel:
    """Weights from a file written by scripts/train_opinion.py."""
    return OpinionModel.from_json(weights.from_file(path))


def folded_parts(text: str) -> list[tuple[int, int]]:
    """(start, end) of each ", part," in `text` that could be an aside: from its opening comma to
    its closing one, so that text[:start] + text[end:] reads without it.

    The part must sit between a subject and its verb ("Lowther, a man who ..., was jailed"): a
    finite verb right after the closing comma. A part followed by anything else ("..., including
    a school system", "..., some directed at Emma") carries the sentence on, and cutting it would
    leave a broken one."""
    spans = [
        (m.start(), m.end("part") + 1) for m in _PART.finditer(text) if len(m.group("part").split()) >= MIN_PART_WORDS
    ]
    if not spans:
        return []
    starts = {token.idx: token.tag_ for token in parse(text, TAGGER)}
    return [(a, b) for a, b in spans if starts.get(len(text) - len(text[b:].lstrip())) in _FINITE]


def without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with the given parts (folded_parts) taken out."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + text[end:]
    return text


def folded_asides(
    model: OpinionModel, texts: dict[int, str], embed: Callable[[list[str]], np.ndarray]
) -> dict[int, str]:
    """For each text holding a part the model finds an aside, the text without it (by key)."""
    parts = [(key, span) for key, text in texts.items() for span in folded_parts(text)]
    if not parts:
        return {}
    p = model.probability(embed([texts[key][a + 1 : b - 1].strip() for key, (a, b) in parts]))
    cut: dict[int, list[tuple[int, int]]] = {}
    for (key, span), pi in zip(parts, p):
        if pi >= model.threshold:
            cut.setdefault(key, []).append(span)
    return {key: without(texts[key], spans) for key, spans in cut.items()}


_warned: set[str] = set()  # embedders already logged as unreadable


def asides(model: OpinionModel | None, embedder_name: str, vectors: np.ndarray, candidates: list[int]) -> set[int]:
    """Which of the candidate rows of `vectors` are asides (an empty set when the model cannot read them)."""
    if model is None or not candidates:
        return set()
    if not model.reads(embedder_name, vectors.shape[1]):
        if embedder_name not in _warned:
            _warned.add(embedder_name)
            log.info("no opinion model for embedder %s: outlets' asides are not recognised", embedder_name)
        return set()
    p = model.probability(vectors[candidates])
    return {i for i, pi in zip(candidates, p) if pi >= model.threshold}

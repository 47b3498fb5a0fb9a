"""Choose what the briefing says, and in what order.

Each source sentence gets a salience score from a model learned on editors'
summaries (`salience.py`); a claim (one fact as several outlets state it) is
as salient as its best showable sentence, which becomes its representative.
Claims are taken best first, skipping any that restates one already taken
(`Calibration.restates`: a cosine that means "the same thing said again" for
the story's embedder) without naming anyone or anything new. The brief stage fills its word budget from this list,
then `order` makes the chosen claims read as one account: the lead fact, the
context in the order reporters gave it, then reactions.
"""

from __future__ import annotations

import re

import numpy as np

from .evidence import Claim, EvidenceSet
from .salience import SalienceModel, Statement, features


def story_features(ev: EvidenceSet) -> np.ndarray:
    """The salience features of every evidence sentence (one row each)."""
    stated = [0.0] * len(ev.sentences)
    for claim in ev.claims:
        for i in claim.members:
            stated[i] = len(claim.sources) / max(1, ev.n_sources)
    statements = [Statement(e.source, e.position, e.text, stated[i], e.cut_off) for i, e in enumerate(ev.sentences)]
    return features(statements, ev.vectors, ev.title_vectors, ev.n_sources)


def sentence_scores(ev: EvidenceSet, model: SalienceModel) -> np.ndarray:
    """The learned salience of every evidence sentence."""
    return model.score(story_features(ev))


def plan(ev: EvidenceSet, model: SalienceModel, *, restates: float) -> list[Claim]:
    """Claims that can be shown, most salient first, none restating an earlier one.

    A briefing cannot open on a sentence that leans on another ("He said ..."),
    so a dependent claim is never first.
    """
    scores = sentence_scores(ev, model)
    ranked = []
    for claim in ev.claims:
        showable = [i for i in claim.members if ev.sentences[i].selectable]
        if not showable:
            continue
        best = max(showable, key=lambda i: (scores[i], -i))
        claim.representative = best
        claim.score = float(scores[best])
        ranked.append(claim)
    ranked.sort(key=lambda c: (-c.score, c.members))
    chosen: list[Claim] = []
    vectors: list[np.ndarray] = []
    said: set[str] = set()
    for claim in ranked:
        v = _vector(ev, claim)
        text = ev.sentences[_rep(claim)].text
        if any(float(v @ u) >= restates for u in vectors) and not (_specifics(text) - said):
            continue
        said |= _specifics(text)
        if not chosen and ev.sentences[_rep(claim)].dependent:
            continue
        chosen.append(claim)
        vectors.append(v)
    return chosen


def order(ev: EvidenceSet, chosen: list[Claim]) -> list[Claim]:
    """The lead fact first, then context in the order reporters gave it, then reactions.

    The lead is the fact the most sources open with: reporters put the news in their
    opening (the inverted pyramid), so what several of them lead with is the event,
    while salience (learned on editors' summaries, which reward short common wording)
    may rank a side detail a hair above it. One source's opening alone is its style
    (an anecdote, a scene), so it takes two to count. Ties go to salience.
    """
    if not chosen:
        return []
    facts = [c for c in chosen if not c.reaction]
    standalone = [c for c in facts if not ev.sentences[_rep(c)].dependent]

    def consensus(c: Claim) -> int:
        n = opened_with(ev, c)
        return n if n >= 2 else 0

    lead = max(standalone or facts or chosen, key=lambda c: (consensus(c), c.score, -min(c.members)))
    rest = [c for c in chosen if c is not lead]

    def mean_position(c: Claim) -> tuple[float, int]:
        return float(np.mean([ev.sentences[i].position for i in c.members])), min(c.members)

    context = sorted((c for c in rest if not c.reaction), key=mean_position)
    reactions = sorted((c for c in rest if c.reaction), key=mean_position)
    return [lead, *context, *reactions]


OPENING = 2  # sentences of an article that make its opening: a lede often takes two, as lead-2 knows


def opened_with(ev: EvidenceSet, claim: Claim) -> int:
    """How many sources state the claim in their opening (first OPENING sentences)."""
    return len({ev.sentences[i].source for i in claim.evidence if ev.sentences[i].position < OPENING})


_SPECIFIC = re.compile(r"\b(?:[A-Z][\w’'-]+|\d[\d,.]*)")


def _specifics(text: str) -> set[str]:
    """Names and numbers a sentence states (its first word aside: capitalised by position).

    Two sentences about one meeting embed close together; a close one that names
    someone or something new ("... met Foreign Minister Cho Tae-yul") adds a fact.
    """
    return {m.lower() for m in _SPECIFIC.findall(text.split(" ", 1)[1] if " " in text else "")}


def _rep(claim: Claim) -> int:
    assert claim.representative is not None
    return claim.representative


def _vector(ev: EvidenceSet, claim: Claim) -> np.ndarray:
    v = ev.vectors[list(claim.members)].mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)

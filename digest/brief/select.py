"""Choose what the briefing says, and in what order.

Each source sentence gets a salience score from a model learned on editors'
summaries (`salience.py`); a claim (one fact as several outlets state it) is
as salient as its best showable sentence, which becomes its representative.
Claims are taken best first, skipping any that restates one already taken
(`Calibration.restates`: a cosine that means "the same thing said again" for
the story's embedder) without naming anyone or anything new. The brief stage fills its word budget from this list,
then `order` makes the chosen claims read as one account: the lead fact (chosen
by the model's second, learned head), the context in the order reporters gave
it, then reactions.
"""

from __future__ import annotations

import re

import numpy as np

from .evidence import Claim, EvidenceSet
from .salience import FEATURES, LEAD_FROM_SENTENCE, SalienceModel, Statement, features


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


def order(ev: EvidenceSet, chosen: list[Claim], model: SalienceModel) -> list[Claim]:
    """The lead fact first, then context in the order reporters gave it, then reactions.

    The lead is the fact the most sources open with (`opened_with`, when two or more
    do): reporters put the news first, so what several of them lead with is the
    event. Among equals, and when no two sources open alike (one outlet's opening
    may be an anecdote), the model's lead head decides (`lead_features`): it was
    fitted to editors' first sentences and weighs where a fact sits in the reports
    against its salience, which, learned on whole summaries, may rank a short side
    detail a hair above the event.
    """
    if not chosen:
        return []
    candidates = lead_candidates(ev, chosen)
    scores = model.lead_score(lead_features(ev, candidates, story_features(ev)))
    opened = np.array([opened_with(ev, c) for c in candidates])
    if opened.max() >= 2:
        scores = np.where(opened == opened.max(), scores, -np.inf)
    lead = candidates[int(np.argmax(scores))]  # the first of equals: the more salient
    rest = [c for c in chosen if c is not lead]

    def mean_position(c: Claim) -> tuple[float, int]:
        return float(np.mean([ev.sentences[i].position for i in c.members])), min(c.members)

    context = sorted((c for c in rest if not c.reaction), key=mean_position)
    reactions = sorted((c for c in rest if c.reaction), key=mean_position)
    return [lead, *context, *reactions]


def lead_candidates(ev: EvidenceSet, chosen: list[Claim]) -> list[Claim]:
    """The chosen claims that may open a briefing: facts, not reactions, that stand alone."""
    facts = [c for c in chosen if not c.reaction]
    return [c for c in facts if not ev.sentences[_rep(c)].dependent] or facts or list(chosen)


def lead_features(ev: EvidenceSet, candidates: list[Claim], sentence_x: np.ndarray) -> np.ndarray:
    """One row of salience.LEAD_FEATURES per candidate (sentence_x: story_features(ev))."""
    n = max(1, ev.n_sources)
    top = max(c.score for c in candidates)
    rows = []
    for c in candidates:
        x = sentence_x[_rep(c)]
        positions = [ev.sentences[i].position for i in c.evidence]
        opened = opened_with(ev, c)
        first = len({ev.sentences[i].source for i in c.evidence if ev.sentences[i].position == 0})
        rows.append(
            [
                opened / n,
                float(opened >= 2),
                first / n,
                c.score,
                c.score - top,
                min(positions),
                float(np.mean(positions)),
                *(x[FEATURES.index(f)] for f in LEAD_FROM_SENTENCE),
                len(c.sources) / n,
                ev.n_sources,
            ]
        )
    return np.array(rows, dtype=np.float64)


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

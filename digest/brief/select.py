"""Choose which claims make the briefing, and in what order.

A claim matters when several independent outlets carry it, when it sits near
the centre of the story, and when reporters put it near the top. Picking by
score alone would pick the same fact three times in different words, so the
choice is made with maximal marginal relevance (MMR) under a word budget. The
chosen claims are then ordered to read as one account: the lead fact, the
context, then reactions (quotes and reported speech).
"""

from __future__ import annotations

import numpy as np

from .evidence import Claim, EvidenceSet
from .facts import word_count

W_SOURCES, W_CENTRAL, W_LEAD = 0.30, 0.50, 0.20
MMR_LAMBDA = 0.7
DEPENDENT_PENALTY = 0.08
REACTION_PENALTY = 0.05  # editors summarise what happened before who said what


def rank(ev: EvidenceSet) -> list[Claim]:
    """Score every claim that has something showable; best first."""
    out = []
    for claim in ev.claims:
        if claim.representative is None:
            continue
        rep = ev.sentences[claim.representative]
        share = (len(claim.sources) - 1) / max(1, ev.n_sources - 1) if ev.n_sources > 1 else 0.0
        claim.score = (
            W_SOURCES * share
            + W_CENTRAL * claim.centrality
            + W_LEAD * claim.lead
            - (DEPENDENT_PENALTY if rep.dependent else 0.0)
            - (REACTION_PENALTY if claim.reaction else 0.0)
        )
        out.append(claim)
    out.sort(key=lambda c: -c.score)
    return out


def _vector(ev: EvidenceSet, claim: Claim) -> np.ndarray:
    v = ev.vectors[list(claim.members)].mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)


def choose(ev: EvidenceSet, words: int = 150, *, lam: float = MMR_LAMBDA, length_of=None) -> list[Claim]:
    """MMR over ranked claims until the word budget is spent.

    `length_of(claim)` estimates how many words the claim will take in the
    briefing (by default its representative sentence).
    """
    ranked = rank(ev)
    if not ranked:
        return []
    length_of = length_of or (lambda c: word_count(ev.sentences[c.representative].text))
    vectors = {id(c): _vector(ev, c) for c in ranked}
    chosen: list[Claim] = []
    used = 0
    pool = list(ranked)
    while pool:
        best, best_value = None, -1e9
        for claim in pool:
            redundancy = max((float(vectors[id(claim)] @ vectors[id(c)]) for c in chosen), default=0.0)
            value = lam * claim.score - (1 - lam) * redundancy
            if value > best_value:
                best, best_value = claim, value
        assert best is not None
        pool.remove(best)
        size = length_of(best)
        if chosen and used + size > words:
            continue  # too long for what is left; a shorter claim may still fit
        if not chosen and ev.sentences[best.representative].dependent:
            continue  # a briefing cannot open on "He said ..."
        chosen.append(best)
        used += size
        if used >= words * 0.95:
            break
    return order(ev, chosen)


def order(ev: EvidenceSet, chosen: list[Claim]) -> list[Claim]:
    """Lead fact first, then context in the order reporters gave it, then reactions."""
    if not chosen:
        return []
    facts = [c for c in chosen if not c.reaction]
    lead = max(facts or chosen, key=lambda c: c.score + 0.3 * c.lead)
    rest = [c for c in chosen if c is not lead]

    def mean_position(c: Claim) -> float:
        return float(np.mean([ev.sentences[i].position for i in c.members]))

    context = sorted((c for c in rest if not c.reaction), key=mean_position)
    reactions = sorted((c for c in rest if c.reaction), key=mean_position)
    return [lead, *context, *reactions]

"""Choose which claims make the briefing, and in what order.

A claim matters when several independent outlets carry it, when it sits near
the centre of the story, and when reporters put it near the top. Picking by
score alone would pick the same fact three times in different words, so the
choice is made with maximal marginal relevance (MMR) under a word budget. The
chosen claims are then ordered to read as one account: the lead fact, the
context, then reactions (quotes and reported speech).
"""

from __future__ import annotations

import re

import numpy as np

from .evidence import Claim, EvidenceSet
from .facts import STOPWORDS, tokens, word_count

W_SOURCES, W_CENTRAL, W_LEAD = 0.30, 0.50, 0.20
MMR_LAMBDA = 0.7
ABSORB_SHARE = 0.8  # a restatement scoring this share of the claim it restates is offered to the fuser
DEPENDENT_PENALTY = 0.08
REACTION_PENALTY = 0.05  # editors summarise what happened before who said what
COVER_WEIGHT = 0.08  # MMR value per newly covered shared concept (a word pair several sources use)


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


_VARIANTS = {"defense": "defence", "center": "centre", "labor": "labour", "program": "programme"}


def _concepts(text: str) -> set[tuple[str, str]]:
    """Adjacent content-word pairs ("defence partnership", "strategic dialogue"), lightly normalised."""
    words = [_VARIANTS.get(w, w) for w in tokens(text)]
    words = [re.sub(r"(?<=[a-z]{3})s$", "", w) for w in words]
    return {(a, b) for a, b in zip(words, words[1:]) if a not in STOPWORDS and b not in STOPWORDS}


def concept_weights(ev: EvidenceSet) -> dict[tuple[str, str], float]:
    """Concepts stated by two or more sources, weighted by how many: what the story is made of.

    (Counting word pairs by source is how coverage-based summarisers pick content;
    it rewards a briefing for saying more of what the sources agree on.)
    """
    seen: dict[tuple[str, str], set[int]] = {}
    for e in ev.sentences:
        for c in _concepts(e.text):
            seen.setdefault(c, set()).add(e.source)
    spread = max(1, ev.n_sources - 1)
    return {c: (len(s) - 1) / spread for c, s in seen.items() if len(s) >= 2}


def _vector(ev: EvidenceSet, claim: Claim) -> np.ndarray:
    v = ev.vectors[list(claim.members)].mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)


def choose(ev: EvidenceSet, words: int, *, duplicate: float, lam: float | None = None, length_of=None) -> list[Claim]:
    """MMR over ranked claims until the word budget is spent.

    `length_of(claim)` estimates how many words the claim will take in the
    briefing (by default its representative sentence).
    """
    lam = MMR_LAMBDA if lam is None else lam
    ranked = rank(ev)
    if not ranked:
        return []
    length_of = length_of or (lambda c: word_count(ev.sentences[c.representative].text))
    vectors = {id(c): _vector(ev, c) for c in ranked}
    weights = concept_weights(ev) if COVER_WEIGHT else {}
    concepts = {
        id(c): {k for i in (c.representative, *c.absorbed) for k in _concepts(ev.sentences[i].text) if k in weights}
        for c in ranked
    }
    covered: set[tuple[str, str]] = set()
    chosen: list[Claim] = []
    used = 0
    pool = list(ranked)
    while pool:
        best, best_value = None, -1e9
        for claim in list(pool):
            redundancy = max((float(vectors[id(claim)] @ vectors[id(c)]) for c in chosen), default=0.0)
            if redundancy >= duplicate:
                pool.remove(claim)  # restates a chosen claim: never shown on its own
                _absorb(claim, chosen, vectors, duplicate)
                continue
            value = lam * claim.score - (1 - lam) * redundancy
            value += COVER_WEIGHT * sum(weights[k] for k in concepts[id(claim)] - covered)
            if value > best_value:
                best, best_value = claim, value
        if best is None:
            break  # everything left restates a chosen claim
        pool.remove(best)
        size = length_of(best)
        if chosen and used + size > words:
            continue  # too long for what is left; a shorter claim may still fit
        if not chosen and ev.sentences[best.representative].dependent:
            continue  # a briefing cannot open on "He said ..."
        chosen.append(best)
        covered |= concepts[id(best)]
        used += size
        if used >= words * 0.95:
            break
    return order(ev, chosen)


def _absorb(claim: Claim, chosen: list[Claim], vectors: dict, duplicate: float) -> None:
    """Fold a strong restatement into the claim it restates, so that the fused sentence can carry both.

    ("Borrell held talks with Cho" and "Borrell opened the first strategic
    dialogue" are one event; fused, they make one sentence with both facts.)
    Only one per claim, and only one nearly as good: a weak echo adds nothing.
    """
    target = max(chosen, key=lambda c: float(vectors[id(claim)] @ vectors[id(c)]))
    if not target.absorbed and claim.score >= ABSORB_SHARE * target.score:
        target.absorbed = (claim.representative,)


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

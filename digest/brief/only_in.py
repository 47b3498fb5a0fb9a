"""Notable facts that only one source reports.

A fact carried by a single outlet is not wrong, but the reader should know it
rests on one source. We list the most central single-source claims that state
something checkable (a number, a date or a name not already in the briefing).
"""

from __future__ import annotations

from digest.types import OnlyIn

from .evidence import Claim, EvidenceSet
from .facts import facts, tokens, word_count
from .verify import trim_attribution

MAX_WORDS = 40


def build(ev: EvidenceSet, used: list[Claim], briefing_text: str, *, limit: int = 3) -> list[OnlyIn]:
    """Up to `limit` single-source facts that the briefing itself does not already state."""
    used_ids = {id(c) for c in used}
    known = set(tokens(briefing_text))
    candidates = []
    for claim in ev.claims:
        if id(claim) in used_ids or len(claim.sources) != 1 or claim.representative is None:
            continue
        e = ev.sentences[claim.representative]
        if e.dependent or word_count(e.text) > MAX_WORDS:
            continue
        f = facts(e.text)
        new_names = [s for s in f.names if not set(s.words) <= known]
        if not (f.numbers or f.dates or new_names):
            continue
        weight = claim.centrality + 0.1 * claim.lead + 0.05 * min(3, len(new_names) + len(f.numbers))
        candidates.append((weight, e.source, trim_attribution(e.text)))
    candidates.sort(key=lambda t: -t[0])
    out: list[OnlyIn] = []
    for _, source, text in candidates:
        if len(out) >= limit:
            break
        out.append(OnlyIn(text=text, citation=source))
    return out

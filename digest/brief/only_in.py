"""Notable facts that only one source reports, from the typed facts of the story (measures.py).

A fact carried by a single outlet is not wrong, but the reader should know it rests
on one source. A sentence qualifies when it states a figure, a date or a person that
no other source states (the same value of the same measure, the same day, the same
name) and the briefing does not already state; figures that count different things
("7,000 transferred so far", "8,000 near the border") are each their own fact, shown
in the sentence that says what it counts.

API: `build(facts, shown, vectors=None, centroid=None, present=str, limit=3)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from digest.types import OnlyIn

from .facts import word_count
from .measures import Moment, Person, Quantity, SentenceFacts, facts_of, may_measure_same

MAX_WORDS = 40  # a longer sentence is hard to read out of its article


def _stated_elsewhere_q(q: Quantity, others: Sequence[Quantity]) -> bool:
    return any(q.amount.same(o.amount) and may_measure_same(q.frame, o.frame) for o in others)


def _dated(m: Moment) -> bool:
    return bool(m.day or m.monthday or m.month or m.period)


def _own(f: SentenceFacts, others: Sequence[SentenceFacts]) -> list[Quantity | Moment | Person]:
    """The facts of `f` that none of `others` states."""
    quantities = [q for o in others for q in o.quantities]
    moments = [m for o in others for m in o.moments]
    surnames = {p.words[-1] for o in others for p in o.people}
    own: list[Quantity | Moment | Person] = []
    own += [q for q in f.quantities if not _stated_elsewhere_q(q, quantities)]
    own += [m for m in f.moments if _dated(m) and not any(m.same(o) for o in moments)]
    own += [p for p in f.people if p.words[-1] not in surnames]  # "Josep Borrell" where others say "Borrell"
    return own


def _counted_differently(own: Sequence[Quantity | Moment | Person], others: Sequence[SentenceFacts]) -> bool:
    """Whether another source counts the same thing as a figure of `own` for another measure
    ("8,000 near the border" where others give the troops transferred or sent)."""
    things = {(q.frame.dimension, q.frame.thing) for q in own if isinstance(q, Quantity) and q.frame.thing}
    return any((q.frame.dimension, q.frame.thing) in things for o in others for q in o.quantities)


def build(
    facts: Sequence[SentenceFacts],
    shown: Sequence[str],
    vectors: np.ndarray | None = None,
    centroid: np.ndarray | None = None,
    *,
    present: Callable[[str], str] = str,
    limit: int = 3,
) -> list[OnlyIn]:
    """Up to `limit` single-source facts that the briefing (`shown`: its sentences and headline) does not state.

    With sentence `vectors` (one row per statement) and the story's `centroid`, the most
    central come first; without, the earliest in their reports.
    """
    analysed = [f for f in facts if f.analysed]
    by_source: dict[int, list[SentenceFacts]] = {}
    for f in analysed:
        by_source.setdefault(f.statement.source, []).append(f)
    briefing = [facts_of(text) for text in shown if text.strip()]
    candidates = []
    for f in analysed:
        st = f.statement
        if not st.standalone or word_count(st.text) > MAX_WORDS or f.empty:
            continue
        others = [o for n, fs in by_source.items() if n != st.source for o in fs]
        own = _own(f, others + briefing)
        if not own:
            continue
        position = by_source[st.source].index(f)
        central = float(vectors[f.position] @ centroid) if vectors is not None and centroid is not None else 0.0
        # A figure that other sources count differently is shown with what it counts: it goes first.
        weight = (
            central + 0.1 / (1.0 + 0.35 * position) + 0.05 * min(3, len(own)) + 0.1 * _counted_differently(own, others)
        )
        candidates.append((weight, f, own))
    candidates.sort(key=lambda c: (-c[0], c[1].position))
    out: list[OnlyIn] = []
    covered: list[SentenceFacts] = []
    for _, f, _own_facts in candidates:
        if len(out) >= limit:
            break
        if covered and not _own(f, covered):
            continue  # what it adds is already in an earlier entry
        out.append(OnlyIn(text=present(f.statement.text), citation=f.statement.source))
        covered.append(f)
    return out


__all__ = ["build"]

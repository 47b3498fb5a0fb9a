"""brief: one consolidated, cited, checked briefing per story.

    evidence (sentences -> claims) -> select (rank, MMR, order)
        -> write (the model fuses each claim; optional) -> verify (or fall back to a source sentence)
        -> disagreements, timeline, only-in, sources

The consolidating is done here in code. The model only gets small jobs
(fuse two to four sentences that say the same thing, shorten one, write a
headline), and every sentence it writes is checked against the sentences it
came from. Without a generator the briefing is extractive: the best source
sentence of each claim, trimmed of "he said", with every supporting source
cited.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from digest.models.base import Embedder, Generator
from digest.types import Briefing, BriefSentence, Source, Story

from . import disagree, evidence, only_in, select, timeline, verify, write
from .facts import word_count

log = logging.getLogger(__name__)

__all__ = ["brief", "BriefStats", "sources_of"]

MAX_FUSE_INPUTS = 4
FUSE_MAX_WORDS = 32
SHORTEN_OVER = 34  # single-source sentences longer than this are offered to the model to shorten
HEADLINE_WORDS = 14
OVERRUN = 1.15  # a briefing may exceed its word budget by this factor, no more


@dataclass
class BriefStats:
    """What happened while briefing one story (for logs and the benchmark)."""

    model_calls: int = 0
    model_seconds: float = 0.0
    rejected: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


def sources_of(story: Story) -> tuple[Source, ...]:
    """The numbered sources: one per canonical article, with the copies folded into it."""
    out = []
    for n, a in enumerate(story.articles, start=1):
        dups = tuple(d.article.origin for d in story.duplicates if d.of == a.id)
        out.append(Source(n, a.id, a.origin, a.url, a.outlet, a.title, a.published, dups))
    return tuple(out)


def brief(
    story: Story,
    generator: Generator | None,
    embedder: Embedder,
    *,
    words: int = 150,
    max_model_calls: int = 7,
    model_seconds: float = 12.0,
    stats: BriefStats | None = None,
) -> Briefing:
    """Brief one story in about `words` words.

    `max_model_calls` and `model_seconds` bound the time spent in the generator
    for this story; once either is spent, the remaining claims use source
    sentences (checked and cited the same way).
    """
    stats = stats if stats is not None else BriefStats()
    articles = story.articles
    ev = evidence.gather(articles, embedder)
    chosen = select.choose(ev, words, length_of=_length_estimate(ev, generator is not None))
    sentences: list[BriefSentence] = []
    used: list[evidence.Claim] = []
    spent = 0
    for claim in chosen:
        sentence = _write_claim(ev, claim, generator, embedder, [s.text for s in sentences], stats, max_model_calls, model_seconds)
        if sentence is None:
            continue
        size = word_count(sentence.text)
        if sentences and spent + size > words * OVERRUN:
            continue  # the model budget ran out and this claim's source sentence is too long to fit
        sentences.append(sentence)
        used.append(claim)
        spent += size
    # The headline may run a little over the budget: every story needs one.
    headline, headline_by = _headline(story, ev, used, generator, embedder, stats, model_seconds + 3.0)
    text = " ".join(s.text for s in sentences)
    return Briefing(
        story_id=story.id,
        headline=headline,
        headline_by=headline_by,
        sentences=tuple(sentences),
        sources=sources_of(story),
        disagreements=tuple(disagree.find(ev, embedder)),
        timeline=tuple(timeline.build(ev, articles, embedder)),
        only_in=tuple(only_in.build(ev, used, text + " " + headline)),
        duplicates=story.duplicates,
    )


def _length_estimate(ev: evidence.EvidenceSet, with_model: bool):
    def length(claim: evidence.Claim) -> int:
        n = word_count(verify.trim_attribution(ev.sentences[claim.representative].text))
        if with_model and (len(claim.sources) > 1 or n > SHORTEN_OVER):
            return min(n, FUSE_MAX_WORDS)
        return n

    return length


def _fuse_inputs(ev: evidence.EvidenceSet, claim: evidence.Claim) -> list[str]:
    """One sentence per source (the one closest to the claim), representative first, at most four."""
    best: dict[int, int] = {}
    centroid = ev.vectors[list(claim.members)].mean(axis=0)
    for i in claim.evidence:
        e = ev.sentences[i]
        if not e.selectable:
            continue
        if e.source not in best or float(ev.vectors[i] @ centroid) > float(ev.vectors[best[e.source]] @ centroid):
            best[e.source] = i
    rep = claim.representative
    best[ev.sentences[rep].source] = rep
    order = [rep, *sorted(i for i in best.values() if i != rep)]
    return [ev.sentences[i].text for i in order[:MAX_FUSE_INPUTS]]


def _write_claim(
    ev: evidence.EvidenceSet,
    claim: evidence.Claim,
    generator: Generator | None,
    embedder: Embedder,
    previous: list[str],
    stats: BriefStats,
    max_calls: int,
    max_seconds: float,
) -> BriefSentence | None:
    members = [(ev.sentences[i].source, ev.sentences[i].text) for i in claim.evidence]
    rep = ev.sentences[claim.representative]
    if generator is not None and stats.model_calls < max_calls and stats.model_seconds < max_seconds:
        inputs = _fuse_inputs(ev, claim)
        candidate = None
        started = time.monotonic()
        if len(inputs) >= 2:
            candidate = write.fuse(generator, inputs, min(FUSE_MAX_WORDS, max(word_count(s) for s in inputs)))
            stats.model_calls += 1
        elif word_count(rep.text) > SHORTEN_OVER:
            candidate = write.shorten(generator, rep.text, 25)
            stats.model_calls += 1
        stats.model_seconds += time.monotonic() - started
        if candidate:
            verdict = verify.check(candidate, inputs, embedder, previous=previous)
            cites = verify.supporters(candidate, members, embedder) if verdict.ok else None
            if verdict.ok and cites:
                return BriefSentence(candidate, cites, "model")
            stats.rejected.append((candidate, verdict.reasons or ("facts not covered by citable sources",)))
            log.debug("rejected model sentence %r: %s", candidate, verdict.reasons)
    text = verify.trim_attribution(rep.text)
    if previous:
        vecs = embedder.embed([text, *previous])
        if float((vecs[1:] @ vecs[0]).max()) >= verify.REPEAT_SIMILARITY:
            return None
    cites = verify.supporters(text, members, embedder, must=(rep.source,))
    return BriefSentence(text, cites or (rep.source,), "source")


def _headline(
    story: Story,
    ev: evidence.EvidenceSet,
    used: list[evidence.Claim],
    generator: Generator | None,
    embedder: Embedder,
    stats: BriefStats,
    max_seconds: float,
) -> tuple[str, str]:
    top = sorted(used, key=lambda c: -c.score)[:3]
    facts_text = [verify.trim_attribution(ev.sentences[c.representative].text) for c in top]
    if generator is not None and facts_text and stats.model_seconds < max_seconds:
        started = time.monotonic()
        line = write.headline(generator, facts_text, HEADLINE_WORDS)
        stats.model_calls += 1
        stats.model_seconds += time.monotonic() - started
        if line:
            support = facts_text + [ev.sentences[i].text for c in top for i in c.members]
            words = line.split()
            title_case = sum(w[:1].isupper() for w in words) > 0.6 * len(words)
            problems = verify.unsupported(line, support, title_case=title_case)
            vecs = embedder.embed([line, *facts_text])
            if not problems and float((vecs[1:] @ vecs[0]).max()) >= 0.45:
                return line, "model"
            stats.rejected.append((line, tuple(problems) or ("headline drifted",)))
    return _title_headline(story, ev, embedder), "source"


def _title_headline(story: Story, ev: evidence.EvidenceSet, embedder: Embedder) -> str:
    """The most central article title that fits in a headline, else the story label."""
    titles = [a.title.strip() for a in story.articles if a.title and a.title.strip()]
    fitting = [t for t in titles if word_count(t) <= HEADLINE_WORDS]
    if fitting and len(ev.centroid):
        vecs = embedder.embed(fitting)
        return fitting[int((vecs @ ev.centroid).argmax())]
    label = story.label or (titles[0] if titles else "Untitled story")
    if word_count(label) > HEADLINE_WORDS:
        first = re.split(r"(?<=[.:;!?])\s+", label)[0].rstrip(".:;")  # "EU, South Korea sign defence agreement."
        label = first if word_count(first) <= HEADLINE_WORDS else " ".join(label.split()[:HEADLINE_WORDS]) + "…"
    return label


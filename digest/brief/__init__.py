"""brief: one consolidated, cited, checked briefing per story.

    evidence (sentences -> claims)          evidence.gather
      -> select (learned salience, order)   select.plan, select.order
      -> write (the model rewrites a fact)  write.rewrite, write.headline
      -> verify (check and cite)            verify.check, verify.supporters
      -> lead (where and when), disagreements, timeline, only-in, sources

This module only wires the steps. What to say is chosen by a model learned on
editors' summaries (salience.py); the local model writes each chosen fact as
a briefing sentence; code checks every sentence it writes against the source
sentences it came from and cites the sources that state it. A sentence that
fails a check is replaced by the source sentence (trimmed of "he said").
Without a generator the briefing is extractive: the best source sentence of
each claim, with every supporting source cited.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from typing import Literal

from digest.models.base import Calibration, Embedder, Generator
from digest.nlp import english, parse
from digest.types import Article, Briefing, BriefSentence, Source, Story, commonest_day

from . import disagree, evidence, lead, measures, only_in, select, timeline, verify, write
from .facts import word_count
from .salience import SalienceModel, default_model

log = logging.getLogger(__name__)

__all__ = ["brief", "bounded", "BriefContext", "BriefStats", "ModelBudget", "sources_of", "stated_days"]

stated_days = timeline.stated_days

# The analyses (embedding every sentence, parsing each with spaCy for figures, names,
# places and days) read at most this much of each article. A news report of 5,000
# words is a long one, and what a briefing draws on sits near the top; without a
# bound a 1 MB text took minutes (issue 15).
MAX_SENTENCES = 200
MAX_WORDS = 6000
MAX_CONTEXT = 2  # other outlets' sentences shown to the writer with the fact to rewrite
COMPRESSION = 0.8  # a rewritten sentence has at most this share of its source sentence's words...
MIN_SENTENCE_WORDS, MAX_SENTENCE_WORDS = 12, 35  # ...within these bounds
HEADLINE_WORDS = 14
FULL = 0.95  # a briefing this close to its word budget takes no more facts
OVERRUN = 1.15  # a briefing may exceed its word budget by this factor, no more


@dataclass
class BriefStats:
    """What happened while briefing one story (for logs, the JSON and the benchmark)."""

    model_calls: int = 0
    limited: bool = False  # a call limit stopped model work on this story
    rejected: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class ModelBudget:
    """Generator calls left for the whole run, shared by its stories (biggest first).

    Counted in calls, never in seconds: once it is spent the remaining stories
    are briefed from source sentences, on an idle machine and a busy one alike.
    """

    calls: int

    def take(self) -> bool:
        if self.calls <= 0:
            return False
        self.calls -= 1
        return True


@dataclass(frozen=True)
class BriefContext:
    """What the brief stage needs from the run: models, thresholds and limits."""

    embedder: Embedder
    generator: Generator | None
    words: int
    calls_per_story: int
    max_new_tokens: int
    budget: ModelBudget
    salience: SalienceModel = field(default_factory=default_model)

    @property
    def calibration(self) -> Calibration:
        return self.embedder.calibration


def sources_of(story: Story) -> tuple[Source, ...]:
    """The numbered sources: one per canonical article, with the copies folded into it."""
    out = []
    for n, a in enumerate(story.articles, start=1):
        dups = tuple(d.article.origin for d in story.duplicates if d.of == a.id)
        out.append(Source(n, a.id, a.origin, a.url, a.outlet, a.title, a.published, dups, _opening(a.text)))
    return tuple(out)


def _opening(text: str, words: int = 12) -> str:
    """The first words of an article, cut at a word boundary ("South Korea and the EU held…")."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def brief(story: Story, ctx: BriefContext, *, stats: BriefStats | None = None) -> Briefing:
    """Brief one story in about `ctx.words` words.

    `ctx.calls_per_story` bounds the generator calls for this story and
    `ctx.budget` (shared by a run's stories) those of the whole run; once either
    is spent, the remaining claims use source sentences (checked and cited the
    same way) and the headline is the most central title.
    """
    stats = stats if stats is not None else BriefStats()
    embedder, words = ctx.embedder, ctx.words
    articles = tuple(bounded(a) for a in story.articles)
    ev = evidence.gather(articles, embedder)
    key = verify.key_figures([a.sentences for a in articles], [a.title or "" for a in articles])
    sentences: list[BriefSentence] = []
    used: list[evidence.Claim] = []
    spent = 0
    for claim in select.plan(ev, ctx.salience, restates=ctx.calibration.restates):
        if spent >= words * FULL:
            break
        sentence = _write_claim(ev, claim, ctx, [s.text for s in sentences], stats, key)
        if sentence is None:
            continue
        size = word_count(sentence.text)
        if sentences and spent + size > words * OVERRUN:
            continue  # too long for what is left; a shorter fact may still fit
        sentences.append(sentence)
        used.append(claim)
        spent += size
    if len(used) > 1:
        place = {id(c): k for k, c in enumerate(used)}
        ordered = select.order(ev, used)
        sentences = [sentences[place[id(c)]] for c in ordered]
        used = ordered
    if sentences:
        sentences[0] = _anchor_lead(sentences[0], used[0], ev, articles)
    headline, headline_by = _headline(story, ev, used, ctx, stats)
    story_facts = measures.extract(
        [
            measures.Statement(
                e.source, e.index, e.text, articles[e.source - 1].published, e.selectable and not e.dependent
            )
            for e in ev.sentences
        ]
    )
    return Briefing(
        story_id=story.id,
        headline=headline,
        headline_by=headline_by,
        sentences=tuple(sentences),
        sources=sources_of(story),
        disagreements=tuple(disagree.find(story_facts)),
        timeline=tuple(
            timeline.build(story_facts, ev.vectors, ctx.calibration, ev.centroid, present=verify.trim_attribution)
        ),
        only_in=tuple(
            only_in.build(
                story_facts,
                [s.text for s in sentences] + [headline],
                ev.vectors,
                ev.centroid,
                present=verify.trim_attribution,
            )
        ),
        duplicates=story.duplicates,
        model_calls=stats.model_calls,
        model_limited=stats.limited,
    )


def bounded(article: Article) -> Article:
    """The part of an article the analyses read: its first MAX_SENTENCES sentences, MAX_WORDS words at most."""
    if len(article.sentences) <= MAX_SENTENCES and word_count(article.text) <= MAX_WORDS:
        return article
    kept: list[str] = []
    total = 0
    for sentence in article.sentences[:MAX_SENTENCES]:
        n = word_count(sentence)
        if kept and total + n > MAX_WORDS:
            break
        kept.append(sentence if n <= MAX_WORDS else " ".join(sentence.split()[:MAX_WORDS]))
        total += min(n, MAX_WORDS)
    paragraphs: list[str] = []
    words = 0
    for paragraph in article.paragraphs:
        if words >= total:
            break
        parts = paragraph.split()
        paragraphs.append(paragraph if words + len(parts) <= total else " ".join(parts[: total - words]))
        words += len(parts)
    log.info(
        "%s: long article; the briefing reads its first %d of %d sentences",
        article.origin,
        len(kept),
        len(article.sentences),
    )
    return replace(article, sentences=tuple(kept), paragraphs=tuple(paragraphs))


def _anchor_lead(sentence: BriefSentence, claim: evidence.Claim, ev: evidence.EvidenceSet, articles) -> BriefSentence:
    """Give the lead its place and day when the evidence states them (see lead.py)."""
    try:
        english()
        nlp = parse  # tagger and entities only
    except Exception as exc:
        log.debug("no spaCy for the lead's place and day: %s", exc)
        nlp = None
    return lead.anchor(
        sentence,
        claim,
        ev,
        timeline.reference_days(articles),
        commonest_day(a.published for a in articles),
        [a.sentences for a in articles],
        timeline.stated_days(articles),
        nlp,
    )


def _context(ev: evidence.EvidenceSet, claim: evidence.Claim) -> list[int]:
    """Other outlets' wording of the claim's fact, for the writer: the closest well-formed
    sentence of each other source, at most MAX_CONTEXT."""
    rep = claim.representative
    assert rep is not None
    sources = {ev.sentences[rep].source}
    out: list[int] = []
    for i in sorted(
        (i for i in claim.evidence if i != rep and ev.sentences[i].selectable),
        key=lambda i: (-float(ev.vectors[i] @ ev.vectors[rep]), i),
    ):
        if ev.sentences[i].source not in sources and len(out) < MAX_CONTEXT:
            out.append(i)
            sources.add(ev.sentences[i].source)
    return out


def _may_call(ctx: BriefContext, stats: BriefStats, *, reserve: int = 0) -> bool:
    """May this story make one more generator call? Counted in calls, never in seconds.

    `reserve` keeps calls back for later jobs (the headline), so that a story
    with many facts still gets a written headline.
    """
    if ctx.generator is None:
        return False
    if stats.model_calls + reserve >= ctx.calls_per_story or not ctx.budget.take():
        stats.limited = True
        return False
    stats.model_calls += 1
    return True


def _write_claim(
    ev: evidence.EvidenceSet,
    claim: evidence.Claim,
    ctx: BriefContext,
    previous: list[str],
    stats: BriefStats,
    key: dict[int, set[str]],
) -> BriefSentence | None:
    """The claim as one briefing sentence: the model's, if it passes every check; else the source's.

    `key` holds, per source, the figures a rewrite must keep (verify.key_figures).
    """
    embedder, calibration = ctx.embedder, ctx.calibration
    assert claim.representative is not None  # plan() gives only showable claims
    rep = ev.sentences[claim.representative]
    members = [(ev.sentences[i].source, ev.sentences[i].text) for i in claim.evidence]
    source_text = verify.trim_attribution(rep.text)
    if previous:
        vecs = embedder.embed([source_text, *previous])
        if float((vecs[1:] @ vecs[0]).max()) >= calibration.repeats:
            return None  # the briefing already says this
    # A direct quote is shown as the speaker said it: a paraphrase would put words in their mouth.
    if ctx.generator is not None and not rep.has_quote and _may_call(ctx, stats, reserve=1):
        context = [ev.sentences[i].text for i in _context(ev, claim)]
        limit = max(MIN_SENTENCE_WORDS, min(MAX_SENTENCE_WORDS, round(word_count(rep.text) * COMPRESSION)))
        candidate = write.rewrite(ctx.generator, rep.text, context, limit)
        if candidate:
            inputs = [rep.text, *context]
            verdict = verify.check(candidate, inputs, embedder, previous=previous, max_words=limit + 2)
            lost = verify.dropped(candidate, source_text, key.get(rep.source, set()))
            cites = verify.supporters(candidate, members, embedder) if verdict.ok and not lost else None
            if cites:
                return BriefSentence(candidate, cites, "model")
            reasons = (*verdict.reasons, *(f"dropped {x}" for x in lost))
            stats.rejected.append((candidate, reasons or ("facts not covered by citable sources",)))
            log.debug("rejected model sentence %r: %s", candidate, verdict.reasons)
    cites = verify.supporters(source_text, members, embedder, must=(rep.source,))
    return BriefSentence(source_text, cites or (rep.source,), "source")


def _headline(
    story: Story,
    ev: evidence.EvidenceSet,
    used: list[evidence.Claim],
    ctx: BriefContext,
    stats: BriefStats,
) -> tuple[str, Literal["model", "source"]]:
    # The headline tells the lead fact (used[0], the central event), as an editor's
    # headline tells the story's first paragraph: given several facts, the small
    # model fuses unrelated ones into a headline that no sentence of the body says.
    top = used[:1]
    facts_text = [
        verify.trim_attribution(ev.sentences[c.representative].text) for c in top if c.representative is not None
    ]
    # One source already has an editor's headline: the model writes one only when sources are combined.
    if ctx.generator is not None and facts_text and ev.n_sources >= 2 and _may_call(ctx, stats):
        line = write.headline(ctx.generator, facts_text, HEADLINE_WORDS)
        if line:
            support = facts_text + [ev.sentences[i].text for c in top for i in c.members]
            words = line.split()
            title_case = sum(w[:1].isupper() for w in words) > 0.6 * len(words)
            problems = verify.unsupported(line, support, title_case=title_case)
            vecs = ctx.embedder.embed([line, *facts_text])
            if not problems and float((vecs[1:] @ vecs[0]).max()) >= ctx.calibration.headline:
                return line, "model"
            stats.rejected.append((line, tuple(problems) or ("headline drifted",)))
    return _title_headline(story, ev, ctx.embedder), "source"


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

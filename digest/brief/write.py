"""write: the chosen claims as briefing sentences, in reading order, under a headline.

Each claim becomes one sentence: the local model's rewrite of its best source
sentence (prompts.py), kept only when verify.py finds every fact of it in the
sources it then cites; otherwise the source sentence itself, trimmed of "he
said". Sentences are added in the salience plan's order until the word budget
is spent, then put in reading order (select.order). Without a generator, or
once the call budget is spent, the briefing is extractive, checked and cited
the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from digest.models.base import Embedder
from digest.types import Article, BriefSentence, Story

from . import prompts, select, verify
from .context import BriefContext, BriefStats
from .evidence import Claim, EvidenceSet
from .facts import word_count

log = logging.getLogger(__name__)

MAX_CONTEXT = 2  # other outlets' sentences shown to the writer with the fact to rewrite
COMPRESSION = 0.8  # a rewritten sentence has at most this share of its source sentence's words...
MIN_SENTENCE_WORDS, MAX_SENTENCE_WORDS = 12, 35  # ...within these bounds
HEADLINE_WORDS = 14
FULL = 0.95  # a briefing this close to its word budget takes no more facts
OVERRUN = 1.15  # a briefing may exceed its word budget by this factor, no more


@dataclass(frozen=True)
class Draft:
    """The written briefing before its lead is anchored: sentences with the claims they tell."""

    sentences: tuple[BriefSentence, ...]
    claims: tuple[Claim, ...]
    headline: str
    headline_by: Literal["model", "source"]


def compose(
    story: Story,
    articles: Sequence[Article],
    ev: EvidenceSet,
    plan: Sequence[Claim],
    ctx: BriefContext,
    stats: BriefStats,
) -> Draft:
    """Write `plan`'s claims within `ctx.words` words, order them for reading and add a headline.

    `articles` are the story's articles as the evidence read them (source n = position + 1).
    """
    key = verify.key_figures([a.sentences for a in articles], [a.title or "" for a in articles])
    sentences: list[BriefSentence] = []
    used: list[Claim] = []
    spent = 0
    for claim in plan:
        if spent >= ctx.words * FULL:
            break
        sentence = _write_claim(ev, claim, ctx, [s.text for s in sentences], stats, key)
        if sentence is None:
            continue
        size = word_count(sentence.text)
        if sentences and spent + size > ctx.words * OVERRUN:
            continue  # too long for what is left; a shorter fact may still fit
        sentences.append(sentence)
        used.append(claim)
        spent += size
    if len(used) > 1:
        place = {id(c): k for k, c in enumerate(used)}
        ordered = select.order(ev, used, ctx.salience)
        sentences = [sentences[place[id(c)]] for c in ordered]
        used = ordered
    headline, headline_by = _headline(story, ev, used, ctx, stats)
    return Draft(tuple(sentences), tuple(used), headline, headline_by)


def _context(ev: EvidenceSet, claim: Claim) -> list[int]:
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


def _write_claim(
    ev: EvidenceSet,
    claim: Claim,
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
    if ctx.generator is not None and not rep.has_quote and ctx.may_call(stats, reserve=1):
        context = [ev.sentences[i].text for i in _context(ev, claim)]
        limit = max(MIN_SENTENCE_WORDS, min(MAX_SENTENCE_WORDS, round(word_count(rep.text) * COMPRESSION)))
        keep, negation = verify.must_keep(source_text, key.get(rep.source, set()))
        candidate = prompts.rewrite(ctx.generator, rep.text, context, limit, keep=keep, negation=negation)
        if candidate:
            inputs = [rep.text, *context]
            verdict = verify.check(candidate, inputs, embedder, previous=previous, max_words=limit + 2)
            lost = verify.dropped(candidate, source_text, key.get(rep.source, set()))
            cites = verify.supporters(candidate, members, embedder) if verdict.ok and not lost else None
            if cites:
                return BriefSentence(candidate, cites, "model")
            reasons = (*verdict.reasons, *(f"dropped {x}" for x in lost))
            stats.rejected.append((candidate, reasons or ("facts not covered by citable sources",)))
            log.debug("rejected model sentence %r: %s", candidate, reasons)
    cites = verify.supporters(source_text, members, embedder, must=(rep.source,))
    return BriefSentence(source_text, cites or (rep.source,), "source")


def _headline(
    story: Story,
    ev: EvidenceSet,
    used: list[Claim],
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
    if ctx.generator is not None and facts_text and ev.n_sources >= 2 and ctx.may_call(stats):
        line = prompts.headline(ctx.generator, facts_text, HEADLINE_WORDS)
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


def _title_headline(story: Story, ev: EvidenceSet, embedder: Embedder) -> str:
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

"""Sentences become evidence, and evidence from different sources becomes claims.

A claim is one fact as several outlets state it. Grouping happens here, in
code, with sentence embeddings: the model never sees a whole story. Sentences
that cannot stand alone (a quote without its speaker, a heading, a fragment
cut off with "...", a sentence that starts "He ..." or "This ...") stay as
supporting evidence but are never put in front of a reader on their own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from digest.models.base import Embedder
from digest.nlp import PARSER, TAGGER, english, parse, pipe
from digest.types import Article

from .facts import word_count
from .opinion import OpinionModel, asides, folded_asides

log = logging.getLogger(__name__)

MIN_WORDS, MAX_WORDS = 6, 60

_SPEECH = re.compile(
    r"\b(said|says|say|told|tells|stated|states|noted|notes|added|adds|wrote|writes|posted|tweeted|"
    r"emphasi[sz]ed|stressed|continued|declared|announced|argued|warned|urged|asked|explained|insisted|"
    r"claimed|according to|remarked|commented|responded|replied|acknowledged|admitted|called)\b",
    re.IGNORECASE,
)
_PRONOUN_SPEAKER = re.compile(
    r"(\b(he|she|they|we|i)\s+(\w+ly\s+)?(said|says|told|stated|noted|added|wrote|posted|emphasi[sz]ed|stressed|continued|"
    r"declared|argued|warned|urged|asked|explained|insisted)\b)|(\b(said|says|added|noted|continued|emphasi[sz]ed)\s+(he|she)\b)",
    re.IGNORECASE,
)
_DEPENDENT_OPENERS = re.compile(
    r"^(he|she|they|it|this|that|these|those|but|and|also|however|still|then|so|his|her|their|its|"
    r"the two|both|meanwhile|instead|yet|such|in particular|in addition|additionally|furthermore|moreover|"
    r"for example|for instance|as a result)\b",
    re.IGNORECASE,
)
# A short opening phrase, then a pronoun subject: "Metaphor aside, it means ...", "In response, he said ...".
_FRAMED_PRONOUN = re.compile(r"^(?:[\w’'-]+\s+){0,3}[\w’'-]+,\s+(?:he|she|it|they|this|these|those)\b", re.IGNORECASE)
_UNRESOLVED_OPENERS = re.compile(r"^(he|she|they|then|but|and|also|so|yet|still|both|the two)\b", re.IGNORECASE)
_DEBRIS = re.compile(
    r"(https?://|www\.|pic\.twitter|@\w|\bclick here\b|\bsubscribe\b|\bsign up\b|\bnewsletter\b|\bcookies?\b)",
    re.IGNORECASE,
)
# Machine translation leaves function words capitalised mid-sentence ("(EU) They started",
# "troops In Ukraine", "North Korea Yes Russia"); well-edited English almost never does.
_GARBLE = re.compile(
    r"(?<=[a-z,)] )(They|He|She|It|We|Him|Them|Their|Its|In|On|At|Yes|And|But|Or|Is|Are|Was|Were|Has|Have|To|Of|With|For)\b(?![-.])"
)
GARBLED_SOURCE_SHARE = 0.12  # a source with this share of garbled sentences is a poor translation throughout
GARBLED_SOURCE_PENALTY = 0.12


@dataclass
class Evidence:
    """One sentence of one source, with what we know about how it can be used."""

    index: int  # position in EvidenceSet.sentences
    source: int  # the source number n of its article (1-based)
    position: int  # 0 = the article's first usable sentence
    text: str
    selectable: bool  # may stand alone in a briefing
    dependent: bool  # leans on the sentence before it ("He said ...", "This ...")
    reaction: bool  # holds a direct quote: goes after the facts
    has_quote: bool
    garbled: bool = False  # reads like raw machine translation: may support, never shown
    poor_source: bool = False  # from a source whose text is garbled throughout (glued words go undetected)
    cut_off: bool = False  # the finished part of a sentence an excerpt cut off with "..." (finished_part)
    aside: bool = False  # the outlet's own opinion told as fact (opinion.py): may support, never shown
    aside_cut: bool = False  # an aside between two commas was taken out of `text` (opinion.folded_asides)


@dataclass
class Claim:
    """Sentences from one or more sources that state the same thing."""

    members: tuple[int, ...]  # Evidence indices
    sources: tuple[int, ...]  # distinct source numbers (members and support), sorted
    centrality: float
    lead: float  # 1.0 for a first sentence, decaying with position
    reaction: bool
    representative: int | None  # the best member to show verbatim, None if none can stand alone
    score: float = 0.0
    support: tuple[int, ...] = ()  # sentences of other claims that state this one too
    absorbed: tuple[int, ...] = ()  # representatives of claims folded into this one as restatements (select.py)

    @property
    def evidence(self) -> tuple[int, ...]:
        """Members and supporting sentences: everything that may back (and be cited for) this claim."""
        extra = tuple(i for i in self.support + self.absorbed if i not in self.members)
        return self.members + tuple(dict.fromkeys(extra))


@dataclass
class EvidenceSet:
    sentences: list[Evidence]
    vectors: np.ndarray  # one row per sentence, L2-normalised
    claims: list[Claim]
    centroid: np.ndarray
    n_sources: int
    title_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def texts(self, claim: Claim) -> list[str]:
        return [self.sentences[i].text for i in claim.members]


_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z.'’]+(?:[ ,]+[A-Z][A-Za-z.'’]+){0,3})\s*(?:\([^)]{1,30}\)\s*)?[–—-]{1,2}\s+(?=[A-Z“\"])"
)
_FIRST_PERSON = re.compile(r"\b(I|we|We|our|Our|us|my|My|me)\b")


def clean_sentence(text: str) -> str:
    """Whitespace normalised and a leading dateline ("Brussels – ", "SEOUL (Reuters) - ") removed."""
    text = re.sub(r"\s+", " ", text).strip()
    return _DATELINE.sub("", text, count=1)


_CUT_OFF = re.compile(r"\s*(?:\.\.\.|…)[\"”’')\]]*$")
# Where a finished part may end: before a comma, semicolon or dash, an opening bracket, or a
# conjunction that joins a new part ("... in the candidate's direction and...").
_PART_END = re.compile(r"[,;:](?=\s)|\s(?=[—–(]|--)|\s(?=(?:and|but|or)(?:\s|$))")
_LIST_ITEM_WORDS = 3  # a comma-separated piece this short is an item of a list
_SUBORDINATORS = frozenset(
    "although though while whereas if unless when whenever after before because since until once as".split()
)
_LINK_TAGS = frozenset({"IN", "CC", "WDT", "WP", "WP$", "WRB", "TO", "RB"})  # words that open a phrase, not an item
_CLAUSE_OPENERS = frozenset("as while because although though whereas if unless when".split())
# A clause is whole when these children of its verb are in it: subject, object, complement.
_CORE_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl", "dobj", "attr", "acomp", "oprd", "ccomp", "xcomp"})


def _verb(token: Any) -> bool:  # a spaCy Token
    return token.tag_.startswith("VB") or token.tag_ == "MD"  # (pos_ needs the attribute ruler, not run)


def finished_part(text: str) -> str | None:
    """The finished part of a sentence an excerpt cut off with "...", or None when it has none.

    News excerpts (AllSides, RSS blurbs) end mid-sentence: "Elder spent roughly 12 minutes
    there, with his departure hastened by an egg thrown in his direction and...". The part
    before the last comma, dash, bracket or "and"/"but"/"or" is what the reporter finished;
    it is cut there and closed with a full stop, never completed (that would invent the rest).
    The part must hold the main clause whole (spaCy's parse: the root verb, its subject and
    its object), and a conjunction may end it only where it joins verbs, not nouns ("middle
    and high school students"). A part still inside a bracket, a quote or a list is no
    sentence either; None then, and the excerpt stays supporting evidence only.
    """
    end = _CUT_OFF.search(text)
    if end is None:
        return None
    body = text[: end.start()]
    boundaries = list(_PART_END.finditer(body))
    if not boundaries or word_count(body) > MAX_WORDS:
        return None  # nowhere to cut, or too long to be shown anyway (and to parse: bounded work)
    try:
        doc = parse(body, keep=PARSER)
    except Exception:  # no parser: no way to tell a finished clause, so nothing is cut
        return None
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if len(roots) != 1 or not _verb(roots[0]):
        return None  # a fragment, or several sentences run together
    root = roots[0]
    opener = next((t for t in doc if not t.is_punct), root)
    if any(t.dep_ == "mark" and t.head is root for t in doc) or opener.lower_ in _SUBORDINATORS:
        return None  # "Once the storm began churning up the Gulf's warm water": the main clause was cut
    # The main clause: the root verb and the first of each of its core arguments (a second
    # "object" after a comma is an appositive the parser misread: "..., its third attempt").
    first: dict[str, int] = {}
    for child in root.children:
        if child.dep_ in _CORE_ARGUMENTS:
            first.setdefault(child.dep_, child.idx + 1)
    needed = max([root.idx + len(root.text), *first.values()])
    joins = {t.idx: t for t in doc if t.dep_ == "cc"}
    for match in reversed(boundaries):
        cut = match.start()
        part = body[:cut].rstrip(" ,;:—–-")
        if len(part) < needed or word_count(part) < MIN_WORDS:
            return None
        if any(t.idx < cut <= t.head.idx for t in doc):
            continue  # a word of the part hangs on one cut away
        words = [t for t in doc if t.idx < cut]
        opened = [k for k, t in enumerate(words) if t.lower_ in _CLAUSE_OPENERS]
        if opened and not any(_verb(t) for t in words[opened[-1] + 1 :]):
            continue  # "The ruling comes as several coastal towns": a clause opened, and its verb was cut
        tail = body[match.end() :]
        # "... on roads, bridges, rail...": a list was cut, and no end of it says all it held.
        after = next((t for t in doc if t.idx >= match.end()), None)
        linked = after is not None and (after.tag_ in _LINK_TAGS or _verb(after))  # ", as cranes...", ", saying..."
        if body[cut] == "," and word_count(tail) < _LIST_ITEM_WORDS and not linked:
            return None
        if "," in part and word_count(part.rsplit(",", 1)[1]) <= _LIST_ITEM_WORDS:
            last = part.rindex(",")
            if not any(_verb(t) for t in doc if last < t.idx < cut):  # "..., officials said" is no item
                return None
        if body[cut].isspace() and body[cut + 1 :].startswith(("and", "but", "or")):
            conjunction = joins.get(cut + 1)
            if conjunction is None or (conjunction.i < len(doc) - 1 and not _verb(conjunction.head)):
                continue  # "many American middle and high school students": nouns joined, not clauses
        if part.count("(") != part.count(")") or part.count("“") != part.count("”") or part.count('"') % 2:
            continue  # still inside a bracket or a quote
        if len(re.findall(r"\s[—–]\s|\s--\s", part)) % 2:
            continue  # still inside a dashed aside
        return part + "."
    return None


def garbled(text: str) -> bool:
    """Does this sentence read like unedited machine translation?"""
    return bool(_GARBLE.search(_outside_quotes(text)))


_QUOTED_SPAN = re.compile(r"“([^”]*)”|\"([^\"]*)\"|«([^»]*)»")
QUOTE_WORDS = 4  # a quoted span this long is someone's words; shorter ones are names, titles, scare quotes


def _direct_quote(text: str) -> bool:
    """Does the sentence quote someone's words (not a name in quotes, like the “Recall Express” bus)?"""
    if text.count("“") != text.count("”") or text.count('"') % 2:
        return True  # part of a quotation split across sentences
    return any(len("".join(m.groups(default="")).split()) >= QUOTE_WORDS for m in _QUOTED_SPAN.finditer(text))


def _outside_quotes(text: str) -> str:
    return re.sub(r"“[^”]*”|\"[^\"]*\"", " ", text)


def _assess(text: str) -> tuple[bool, bool, bool, bool]:
    """(selectable, dependent, reaction, has_quote) for one sentence, from its form alone."""
    words = word_count(text)
    has_quote = _direct_quote(text)
    speech = bool(_SPEECH.search(text))
    # Direct quotation marks a reaction. Reported speech alone does not: wire copy attributes its
    # facts ("Floods killed 12 people, officials said"), and such a sentence is the news itself.
    reaction = has_quote
    ok = MIN_WORDS <= words <= MAX_WORDS
    ok = ok and bool(re.search(r"[.!][\"”’')\]]*$", text))  # finished statement (no headings, no questions)
    ok = ok and not re.search(r"(\.\.\.|…)[\"”’')\]]*$", text)  # cut off
    ok = ok and text[:1].isupper() or ok and text[:1] in "\"“‘'("
    ok = ok and not _DEBRIS.search(text)
    opener = text.lstrip("\"“‘'(")
    # ... or ends a quote on "this"/"it": "... best placed to understand this," he said.
    dependent = bool(
        _DEPENDENT_OPENERS.match(opener)
        or re.search(r"\b(this|that|it|them)\s*[.,!]?\s*[\"”]", text, re.I)
        or _FRAMED_PRONOUN.match(opener)
    )
    if _UNRESOLVED_OPENERS.match(opener):
        ok = False  # "He ...", "Then ...", "But ...": meaningless without the sentence before
    if has_quote and (not speech or _PRONOUN_SPEAKER.search(text)):
        ok = False  # a quote must arrive with its speaker's name
    if text.count("“") != text.count("”") or text.count('"') % 2:
        ok = False  # a quote split across sentences
    return ok, dependent, reaction, has_quote


def _has_verb(texts: list[str]) -> list[bool]:
    """Whether each text has a verb at all (spaCy's tagger); all True when spaCy is missing.

    Any verb tag counts: the small tagger reads some past tenses as participles
    ("Akhund previously served as ..."), so "finite" would drop real sentences.
    """
    try:
        english()
    except Exception:
        return [True] * len(texts)
    return [any(_verb(t) for t in doc) for doc in pipe(texts, TAGGER)]


def _quote_open_after(text: str, open_before: bool) -> bool:
    """Whether a quotation is still open after this sentence (curly quotes, or straight ones by parity)."""
    state = open_before
    for ch in text:
        if ch == "“":
            state = True
        elif ch == "”":
            state = False
        elif ch == '"':
            state = not state
    return state


def _voiced_paragraphs(paragraphs: Sequence[str]) -> list[str]:
    """Paragraphs that are someone's own words pasted without quote marks (a tweet, a statement):
    first person outside quotes anywhere in them. Each of their sentences speaks for that person."""
    return [p for p in paragraphs if _FIRST_PERSON.search(_outside_quotes(p))]


def _lead_score(position: int) -> float:
    return 1.0 / (1.0 + 0.35 * position)


# The analyses (embedding every sentence, parsing each with spaCy for figures, names,
# places and days) read at most this much of each article. A news report of 5,000
# words is a long one, and what a briefing draws on sits near the top; without a
# bound a 1 MB text took minutes (issue 15).
READ_SENTENCES = 200
READ_WORDS = 6000


def bounded(article: Article) -> Article:
    """The part of an article the analyses read: its first READ_SENTENCES sentences, READ_WORDS words at most."""
    if len(article.sentences) <= READ_SENTENCES and word_count(article.text) <= READ_WORDS:
        return article
    kept: list[str] = []
    total = 0
    for sentence in article.sentences[:READ_SENTENCES]:
        n = word_count(sentence)
        if kept and total + n > READ_WORDS:
            break
        kept.append(sentence if n <= READ_WORDS else " ".join(sentence.split()[:READ_WORDS]))
        total += min(n, READ_WORDS)
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


def gather(
    articles: Sequence[Article],
    embedder: Embedder,
    *,
    claim_similarity: float | None = None,
    support_similarity: float | None = None,
    opinions: OpinionModel | None = None,
) -> EvidenceSet:
    """Split the story's articles (source n = position + 1) into evidence and group it into claims.

    With `opinions`, a showable sentence that tells an outlet's opinion as fact is marked an
    aside and no longer showable, and an aside folded between two commas of a plain sentence is
    cut out of it (opinion.folded_asides).
    """
    sentences: list[Evidence] = []
    for n, article in enumerate(articles, start=1):
        position = 0
        seen: set[str] = set()
        open_quote = False  # inside a quotation that spans several sentences
        voiced = _voiced_paragraphs(article.paragraphs)
        for raw in article.sentences:
            text = clean_sentence(raw)
            part = finished_part(text)
            if part is not None:
                text = part
            was_open = open_quote
            open_quote = _quote_open_after(text, open_quote)
            if word_count(text) < 4 or text.lower() in seen:
                continue
            seen.add(text.lower())
            selectable, dependent, reaction, has_quote = _assess(text)
            if was_open or _FIRST_PERSON.search(_outside_quotes(text)) or any(raw.strip() in p for p in voiced):
                selectable = False  # someone's words without quote marks or speaker: not ours to restate
            bad = garbled(text)
            sentences.append(
                Evidence(
                    len(sentences),
                    n,
                    position,
                    text,
                    selectable and not bad,
                    dependent,
                    reaction,
                    has_quote,
                    bad,
                    cut_off=part is not None,
                )
            )
            position += 1
    for e, verb in zip([e for e in sentences if e.selectable], _has_verb([e.text for e in sentences if e.selectable])):
        if not verb:
            e.selectable = False  # headline-speak ("South Korea concerned about ..."): supports, never shown
    for n in {e.source for e in sentences}:
        own = [e for e in sentences if e.source == n]
        if sum(e.garbled for e in own) >= max(2, GARBLED_SOURCE_SHARE * len(own)):
            for e in own:
                e.poor_source = True
                e.selectable = False  # glued words and odd order go undetected sentence by sentence
    titles = [clean_sentence(a.title) for a in articles if a.title]
    vecs = (
        embedder.embed([e.text for e in sentences] + titles) if sentences or titles else np.zeros((0, 384), np.float32)
    )
    vectors, title_vectors = vecs[: len(sentences)], vecs[len(sentences) :]
    # Who judges is told by an attributed sentence ("Critics said ..."): only the unattributed are asked.
    if opinions is not None:
        unattributed = [e.index for e in sentences if e.selectable and not _SPEECH.search(e.text)]
        whole = asides(opinions, embedder.name, vectors, unattributed)
        for i in whole:
            sentences[i].aside = True
            sentences[i].selectable = False
        if opinions.reads(embedder.name, vectors.shape[1]):
            texts = {i: sentences[i].text for i in unattributed if i not in whole}
            cut = folded_asides(opinions, texts, embedder.embed)
            for i, text in cut.items():
                sentences[i].text = text
                sentences[i].aside_cut = True
            if cut:
                vectors = np.array(vectors)
                vectors[list(cut)] = embedder.embed([sentences[i].text for i in cut])
    if not sentences:
        return EvidenceSet(
            [],
            vectors,
            [],
            np.zeros(vecs.shape[1] if vecs.ndim == 2 else 384, np.float32),
            len(articles),
            title_vectors,
        )
    # The story's centre: its sentences, with the titles (what editors thought it was about) counted extra.
    centre = vectors.mean(axis=0)
    if len(title_vectors):
        centre = 0.5 * centre + 0.5 * title_vectors.mean(axis=0)
    centre = centre / (np.linalg.norm(centre) or 1.0)
    calibration = embedder.calibration
    claims = _group(sentences, vectors, centre, claim_similarity or calibration.same_fact)
    _add_support(claims, sentences, vectors, support_similarity or calibration.supports)
    return EvidenceSet(sentences, vectors, claims, centre, len(articles), title_vectors)


def _add_support(claims: list[Claim], sentences: list[Evidence], vectors: np.ndarray, threshold: float) -> None:
    """Claims are kept tight so each reads as one fact; support is looser, so that a
    source wording the fact inside a longer sentence still counts (and is cited)."""
    for claim in claims:
        centroid = vectors[list(claim.members)].mean(axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        sims = vectors @ centroid
        own = set(claim.members)
        claim.support = tuple(int(i) for i in np.nonzero(sims >= threshold)[0] if int(i) not in own)
        claim.sources = tuple(sorted({sentences[i].source for i in claim.evidence}))


def _group(sentences: list[Evidence], vectors: np.ndarray, centre: np.ndarray, threshold: float) -> list[Claim]:
    """Average-link clustering of sentences: a claim is a group whose members agree on average."""
    n = len(sentences)
    if n == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=1.0 - threshold
        ).fit_predict(vectors)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    claims = []
    for members in groups.values():
        claims.append(_claim(members, sentences, vectors, centre))
    return claims


def _claim(members: list[int], sentences: list[Evidence], vectors: np.ndarray, centre: np.ndarray) -> Claim:
    mv = vectors[members]
    centroid = mv.mean(axis=0)
    centroid = centroid / (np.linalg.norm(centroid) or 1.0)
    centrality = float(centroid @ centre)
    lead = max(_lead_score(sentences[i].position) for i in members)
    reaction = sum(sentences[i].reaction for i in members) * 2 > len(members)
    candidates = [i for i in members if sentences[i].selectable]
    # The most central showable member; select.plan replaces it with the most salient one.
    representative = max(candidates, key=lambda i: (float(vectors[i] @ centroid), -i)) if candidates else None
    return Claim(
        members=tuple(sorted(members)),
        sources=tuple(sorted({sentences[i].source for i in members})),
        centrality=centrality,
        lead=lead,
        reaction=reaction,
        representative=representative,
    )

"""Group canonical articles into stories.

How (details and the reasons for each default in docs/cluster.md):

1. Each article is described three ways, each an L2-normalised vector:
   the MiniLM embedding of its title and lead, TF-IDF terms of the same text,
   and the named entities spaCy finds there (people, organisations, places...),
   weighted by how rare they are in the corpus.
2. Candidate pairs come from each article's nearest neighbours by embedding and
   by terms, so memory stays linear in the number of articles (no n x n matrix).
3. Average-linkage agglomeration over that sparse graph. Because every part of
   the similarity is a dot product of unit vectors, the average similarity of
   two clusters is exactly the dot product of their summed vectors divided by
   the sizes, so we never need the missing pairs. Clusters further apart in
   time (mean publication date) pay a penalty. Merging stops at one fixed
   threshold chosen on the dev data.

Articles are sorted by id before anything else and ties are broken by id, so
the stories do not depend on the order of the input.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from scipy import sparse

from .models.base import Embedder
from .nlp import NER, pipe
from .types import Article, Deduped, Duplicate, Story, ThreadLink, story_id, title_and_lead

log = logging.getLogger(__name__)

# ---- the one default configuration (chosen on dev data; see docs/cluster.md) ----
TERM_WORDS = 120  # words of body after the title whose TF-IDF terms are compared
ENTITY_WORDS = 15  # words of body after the title searched for named entities (NER is the slow part)
W_EMBED = 0.50  # weights of the three similarities; they sum to 1
W_TERMS = 0.40
W_ENTITIES = 0.10
MERGE_THRESHOLD = 0.30  # merge two clusters while their average similarity is at least this
TIME_GRACE_DAYS = 1.0  # no time penalty for stories this close (mean publication times)
TIME_PENALTY_PER_DAY = 0.08  # then this much similarity is lost per day apart...
TIME_PENALTY_MAX = 0.30  # ...up to this much
NEIGHBOURS = 12  # candidate neighbours per article, by embedding and by terms each
WHY_ITEMS = 8

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})
_WORDS = re.compile(r"\w[\w'’-]*\w")
_BLOCK = 1024  # rows per block when searching neighbours: bounds memory at _BLOCK x n float32


# --------------------------------------------------------------------------- API


def cluster(deduped: Deduped, embedder: Embedder) -> list[Story]:
    """Group the canonical articles into stories; biggest first, then oldest, then by id."""
    articles = sorted({a.id: a for a in deduped.articles}.values(), key=lambda a: a.id)
    if not articles:
        return []
    feats = describe(articles, embedder)
    labels = group(feats)
    return _build_stories(articles, labels, feats, deduped.duplicates)


def stories_to_json(stories: Sequence[Story], thread_links: Sequence[ThreadLink] | None = None) -> dict[str, Any]:
    """The `digest cluster --format json` contract (docs/cluster.md).

    Every input appears exactly once: as one of a story's `articles`, or as the
    first element of a `duplicates` pair `[duplicate_path, canonical_path]`.
    `threads` (which story continues which) is added only when given.
    """
    out: dict[str, Any] = {
        "stories": [
            {
                "id": s.id,
                "label": s.label,
                "articles": [a.origin for a in s.articles],
                "duplicates": [[d.article.origin, _origin_of(s, d)] for d in s.duplicates],
                "why": list(s.why),
            }
            for s in stories
        ]
    }
    if thread_links is not None:
        out["threads"] = [
            {"earlier": t.earlier, "later": t.later, "similarity": round(t.similarity, 3), "why": list(t.why)}
            for t in thread_links
        ]
    return out


# ------------------------------------------------------------------ description


@dataclass
class Features:
    """What clustering knows about each article; rows follow the sorted articles."""

    embeddings: np.ndarray  # (n, d) float32, unit rows
    terms: sparse.csr_matrix  # (n, V) float32, unit rows (TF-IDF)
    term_names: list[str]
    entities: sparse.csr_matrix  # (n, E) float32, unit rows (idf-weighted presence)
    entity_names: list[str]  # display form of each entity
    days: np.ndarray  # (n,) float64 days since the epoch; nan when unknown


def describe(articles: Sequence[Article], embedder: Embedder) -> Features:
    emb = np.asarray(embedder.embed([title_and_lead(a) for a in articles]), dtype=np.float32)
    norms = np.linalg.norm(emb, axis=1, keepdims=True)
    emb = emb / np.maximum(norms, 1e-12)
    terms, term_names = _tfidf([title_and_lead(a, TERM_WORDS) for a in articles])
    ents, ent_names = _entity_matrix(_entities([title_and_lead(a, ENTITY_WORDS) for a in articles]))
    days = np.array([_days(a.published) for a in articles], dtype=np.float64)
    return Features(emb, terms, term_names, ents, ent_names, days)


def _tfidf(texts: Sequence[str]) -> tuple[sparse.csr_matrix, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w[\w'’-]*\w\b",
        dtype=np.float32,
        strip_accents="unicode",
    )
    try:
        m = vec.fit_transform(texts)
    except ValueError:  # no usable words at all (empty texts)
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32), [""]
    return m.tocsr(), list(vec.get_feature_names_out())


def _entities(texts: Sequence[str]) -> list[list[tuple[str, str]]]:
    """For each text, its entities as (key, surface form); a person's surname is added as its own key."""
    out: list[list[tuple[str, str]]] = []
    for doc in pipe(texts, NER, batch_size=256):  # NER is the only part used
        found: list[tuple[str, str]] = []
        for ent in doc.ents:
            if ent.label_ not in ENTITY_LABELS:
                continue
            surface = _clean_entity(ent.text)
            key = entity_key(surface)
            if len(key) < 2 or key.isdigit():
                continue
            found.append((key, surface))
            if ent.label_ == "PERSON" and " " in key:
                last = surface.split()[-1]
                found.append((entity_key(last), last))
        out.append(found)
    return out


def _clean_entity(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" \"'“”‘’.,;:()[]")
    text = re.sub(r"^(the|The)\s+", "", text)
    return re.sub(r"['’]s$", "", text)


def entity_key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^\w]+", " ", text).strip()


def _entity_matrix(per_doc: list[list[tuple[str, str]]]) -> tuple[sparse.csr_matrix, list[str]]:
    n = len(per_doc)
    vocab: dict[str, int] = {}
    surfaces: dict[str, Counter] = defaultdict(Counter)
    doc_keys: list[list[int]] = []
    for found in per_doc:
        ids = set()
        for key, surface in found:
            ids.add(vocab.setdefault(key, len(vocab)))
            surfaces[key][surface] += 1
        doc_keys.append(sorted(ids))
    if not vocab:
        return sparse.csr_matrix((n, 1), dtype=np.float32), [""]
    df = np.zeros(len(vocab), dtype=np.float64)
    for ids in doc_keys:
        df[ids] += 1
    idf = np.log((1 + n) / (1 + df)) + 1.0
    rows, cols, vals = [], [], []
    for r, ids in enumerate(doc_keys):
        if not ids:
            continue
        w = idf[ids]
        w = w / np.linalg.norm(w)
        rows.extend([r] * len(ids))
        cols.extend(ids)
        vals.extend(w.tolist())
    m = sparse.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(n, len(vocab)))
    names = [""] * len(vocab)
    for key, i in vocab.items():
        # most frequent surface form, ties broken alphabetically
        names[i] = min(surfaces[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return m, names


def _days(when: datetime | None) -> float:
    if when is None:
        return math.nan
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() / 86400.0


# --------------------------------------------------------------------- grouping


def time_penalty(days_a: float, days_b: float) -> float:
    """Similarity lost for being far apart in time; nothing when either date is unknown."""
    if math.isnan(days_a) or math.isnan(days_b):
        return 0.0
    gap = abs(days_a - days_b) - TIME_GRACE_DAYS
    if gap <= 0:
        return 0.0
    return min(TIME_PENALTY_MAX, gap * TIME_PENALTY_PER_DAY)


def candidate_pairs(feats: Features, k: int = NEIGHBOURS) -> np.ndarray:
    """(m, 2) int array of pairs i < j: each article's k nearest by embedding and by terms."""
    n = feats.embeddings.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    found = [_knn(lambda s, e: feats.embeddings[s:e] @ feats.embeddings.T, n, k)]
    if feats.terms.shape[1] > 1:
        found.append(_knn(lambda s, e: (feats.terms[s:e] @ feats.terms.T).toarray(), n, k))
    pairs = np.concatenate(found)
    pairs = np.sort(pairs, axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0)


def _knn(block_sims, n: int, k: int) -> np.ndarray:
    k = min(k, n - 1)
    out = []
    for s in range(0, n, _BLOCK):
        e = min(n, s + _BLOCK)
        sims = np.asarray(block_sims(s, e), dtype=np.float32)
        sims[np.arange(e - s), np.arange(s, e)] = -np.inf
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows = np.repeat(np.arange(s, e), k)
        out.append(np.stack([rows, idx.ravel()], axis=1))
    return np.concatenate(out)


def pair_similarity(feats: Features, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Combined similarity of article pairs (vectorised in chunks), before any time penalty."""
    out = np.empty(len(i), dtype=np.float64)
    for s in range(0, len(i), 20_000):
        a, b = i[s : s + 20_000], j[s : s + 20_000]
        e = np.einsum("ij,ij->i", feats.embeddings[a], feats.embeddings[b])
        t = np.asarray(feats.terms[a].multiply(feats.terms[b]).sum(axis=1)).ravel()
        x = np.asarray(feats.entities[a].multiply(feats.entities[b]).sum(axis=1)).ravel()
        out[s : s + len(a)] = W_EMBED * e + W_TERMS * t + W_ENTITIES * x
    return out


class _Cluster:
    """Sums of the members' vectors: enough to get exact average similarities."""

    __slots__ = ("members", "emb", "terms", "ents", "day_sum", "day_n", "neighbours", "alive")

    def __init__(self, members, emb, terms, ents, day_sum, day_n):
        self.members: list[int] = members
        self.emb: np.ndarray = emb
        self.terms: dict[int, float] = terms
        self.ents: dict[int, float] = ents
        self.day_sum = day_sum
        self.day_n = day_n
        self.neighbours: set[int] = set()
        self.alive = True

    @property
    def day(self) -> float:
        return self.day_sum / self.day_n if self.day_n else math.nan


def _row_dict(m: sparse.csr_matrix, r: int) -> dict[int, float]:
    s, e = m.indptr[r], m.indptr[r + 1]
    return dict(zip(m.indices[s:e].tolist(), m.data[s:e].astype(np.float64).tolist()))


def _sparse_dot(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[k] for k, v in a.items() if k in b)


def _add(a: dict[int, float], b: dict[int, float]) -> dict[int, float]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0.0) + v
    return out


def _linkage(a: _Cluster, b: _Cluster) -> float:
    size = len(a.members) * len(b.members)
    s = (
        W_EMBED * float(a.emb @ b.emb)
        + W_TERMS * _sparse_dot(a.terms, b.terms)
        + W_ENTITIES * _sparse_dot(a.ents, b.ents)
    ) / size
    return s - time_penalty(a.day, b.day)


def group(feats: Features, threshold: float = MERGE_THRESHOLD) -> np.ndarray:
    """Cluster label (0..k-1) per article, by average linkage over the candidate graph."""
    n = feats.embeddings.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    clusters: list[_Cluster] = []
    for r in range(n):
        d = feats.days[r]
        known = not math.isnan(d)
        clusters.append(
            _Cluster(
                [r],
                feats.embeddings[r].astype(np.float64),
                _row_dict(feats.terms, r),
                _row_dict(feats.entities, r),
                d if known else 0.0,
                1 if known else 0,
            )
        )
    pairs = candidate_pairs(feats)
    heap: list[tuple[float, int, int, int, int]] = []
    if len(pairs):
        sims = pair_similarity(feats, pairs[:, 0], pairs[:, 1])
        for (i, j), s in zip(pairs.tolist(), sims.tolist()):
            clusters[i].neighbours.add(j)
            clusters[j].neighbours.add(i)
            s -= time_penalty(feats.days[i], feats.days[j])
            if s >= threshold:
                heap.append((-round(s, 9), i, j, i, j))
    heapq.heapify(heap)
    first = list(range(n))  # smallest article index in each cluster: the tie-breaker
    while heap:
        neg, _, _, a, b = heapq.heappop(heap)
        ca, cb = clusters[a], clusters[b]
        if not (ca.alive and cb.alive):
            continue
        merged = _Cluster(
            sorted(ca.members + cb.members),
            ca.emb + cb.emb,
            _add(ca.terms, cb.terms),
            _add(ca.ents, cb.ents),
            ca.day_sum + cb.day_sum,
            ca.day_n + cb.day_n,
        )
        ca.alive = cb.alive = False
        new = len(clusters)
        clusters.append(merged)
        first.append(min(first[a], first[b]))
        for other in (ca.neighbours | cb.neighbours) - {a, b}:
            co = clusters[other]
            if not co.alive:
                continue
            co.neighbours.discard(a)
            co.neighbours.discard(b)
            co.neighbours.add(new)
            merged.neighbours.add(other)
            s = _linkage(merged, co)
            if s >= threshold:
                lo, hi = sorted((first[new], first[other]))
                heapq.heappush(heap, (-round(s, 9), lo, hi, new, other))
    labels = np.full(n, -1, dtype=np.int64)
    alive = sorted((c for c in clusters if c.alive), key=lambda c: c.members[0])
    for lab, c in enumerate(alive):
        labels[c.members] = lab
    return labels


# ---------------------------------------------------------------- stories


def _build_stories(
    articles: Sequence[Article], labels: np.ndarray, feats: Features, duplicates: Sequence[Duplicate]
) -> list[Story]:
    dups_of: dict[str, list[Duplicate]] = defaultdict(list)
    for d in duplicates:
        dups_of[d.of].append(d)
    stories = []
    for lab in range(int(labels.max()) + 1 if len(labels) else 0):
        idx = np.flatnonzero(labels == lab)
        members = [articles[i] for i in idx]
        centre = feats.embeddings[idx].sum(axis=0)
        centrality = feats.embeddings[idx] @ centre
        # the most central article that has a title (a lead is a poor label when a title exists)
        best = min(
            range(len(idx)), key=lambda k: (not members[k].title, -round(float(centrality[k]), 6), members[k].id)
        )
        label = members[best].title or title_and_lead(members[best], 12) or members[best].origin
        ordered = sorted(members, key=_oldest_first)
        dups = sorted((d for a in ordered for d in dups_of.get(a.id, ())), key=lambda d: (d.of, d.article.id))
        dates = [a.published for a in members if a.published is not None]
        stories.append(
            Story(
                id=story_id(a.id for a in members),
                label=label,
                articles=tuple(ordered),
                duplicates=tuple(dups),
                why=_why(
                    idx, feats, Counter(w for a in members for w in set(_WORDS.findall((a.title or "").casefold())))
                ),
                start=min(dates) if dates else None,
                end=max(dates) if dates else None,
            )
        )
    stories.sort(key=lambda s: (-len(s.articles), _sortable(s.start), s.id))
    return stories


def _oldest_first(a: Article) -> tuple:
    return (_sortable(a.published), a.id)


def _sortable(when: datetime | None) -> float:
    d = _days(when)
    return math.inf if math.isnan(d) else d


def _why(idx: np.ndarray, feats: Features, titles: Counter) -> tuple[str, ...]:
    """Entities, then terms, that most members share (for a single article: its own strongest).

    A term already said by an entity ("korea" after "South Korea") is left out.
    """
    need = 1 if len(idx) == 1 else max(2, math.ceil(len(idx) / 2))
    entities = _shared(feats.entities[idx], feats.entity_names, need)
    covered = {w for name in entities for w in entity_key(name).split()}
    out = entities[: WHY_ITEMS // 2 + 1]
    for term in _shared(feats.terms[idx], feats.term_names, need, titles):
        if len(out) >= WHY_ITEMS:
            break
        words = entity_key(term).split()
        if words and not term.isdigit() and not all(w in covered for w in words):
            out.append(term)
            covered.update(words)
    return tuple(out)


def _shared(sub: sparse.csr_matrix, names: list[str], need: int, titles: Counter | None = None) -> list[str]:
    """Column names present in at least `need` rows: most widely shared, then most used in the
    members' titles, then heaviest first."""
    present = np.asarray((sub > 0).sum(axis=0)).ravel()
    weight = np.asarray(sub.sum(axis=0)).ravel()
    titles = titles or Counter()
    cols = sorted(np.flatnonzero(present >= need), key=lambda c: (-present[c], -titles[names[c]], -weight[c], names[c]))
    return [names[c] for c in cols if names[c]]


def _origin_of(story: Story, dup: Duplicate) -> str:
    for a in story.articles:
        if a.id == dup.of:
            return a.origin
    return dup.of

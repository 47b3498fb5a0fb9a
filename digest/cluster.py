"""Group canonical articles into stories.

How (details and the reasons for each choice in docs/cluster.md):

1. Each article is described by the MiniLM embedding of its title and lead, TF-IDF
   terms of its title and body and of its title alone (fitted on the pile itself, so
   words every article shares count for little), and, to explain stories, the named
   entities of its title and lead.
2. Candidate pairs are each article's nearest neighbours by embedding and by terms,
   so memory stays linear in the number of articles (no n x n matrix).
3. A small same-story model (logistic regression, weights shipped in
   `digest/data/`, trained by `scripts/train_cluster.py` on dev windows 1-6 and the
   same-topic pile, with and without dates, and small piles drawn from them) turns a pair's similarities, their margins below each
   article's own nearest neighbours, and, only when both dates are known, their time
   gap, into the log-odds that the two report the same story. No feature depends on
   the pile's size, so one model serves two articles and ten thousand.
4. Average linkage over those log-odds: two groups merge while the mean log-odds over
   all their cross pairs is at least the model's merge level (chosen by
   cross-validation with the weights). Pairs outside the candidate graph are scored
   exactly when a merge needs them, so the average is never guessed.

Articles are sorted by id before anything else and ties are broken by id, so
the stories do not depend on the order of the input.
"""

from __future__ import annotations

import heapq
import json
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from .models.base import Embedder
from .nlp import NER, pipe
from .types import (
    Article,
    Deduped,
    Duplicate,
    Story,
    ThreadLink,
    content_key,
    story_content_key,
    story_id,
    title_and_lead,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClusterOptions:
    """The one default configuration. The merge rule and the feature weights are not here:
    they are learned, and live in the same-story model file keyed to the embedder."""

    lead_words: int = 20  # body words embedded after the title (embedding is the slow part)
    term_words: int = 2000  # body words whose TF-IDF terms are compared (cheap: the whole of nearly any article)
    entity_words: int = 15  # body words searched for named entities (for `why`; NER is slow)
    model: str = "same-story"  # digest/data/<model>-<embedder>.json
    default_embedder: str = "minilm-l6"  # whose model is used, with a warning, for an embedder without one
    why_items: int = 8


OPTIONS = ClusterOptions()

WHY_ITEMS = OPTIONS.why_items

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})
_WORDS = re.compile(r"\w[\w'’-]*\w")
_BLOCK = 1024  # rows per block when searching neighbours: bounds memory at _BLOCK x n float32
_DATA = Path(__file__).resolve().parent / "data"


# --------------------------------------------------------------------------- API


def cluster(deduped: Deduped, embedder: Embedder) -> list[Story]:
    """Group the canonical articles into stories; biggest first, then oldest, then by their words, then by id."""
    articles = sorted({a.id: a for a in deduped.articles}.values(), key=lambda a: a.id)
    if not articles:
        return []
    feats = describe(articles, embedder)
    labels = group(feats, _override.get("model") or same_story_model(getattr(embedder, "name", None)))
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

    embeddings: np.ndarray  # (n, d) float32, unit rows: title + lead
    terms: sparse.csr_matrix  # (n, V) float32, unit rows (TF-IDF of title + body)
    term_names: list[str]
    title_terms: sparse.csr_matrix  # (n, V') float32, unit rows (TF-IDF of the title alone)
    entities: sparse.csr_matrix  # (n, E) float32, unit rows (idf-weighted presence)
    entity_names: list[str]  # display form of each entity
    days: np.ndarray  # (n,) float64 days since the epoch; nan when unknown


def describe(articles: Sequence[Article], embedder: Embedder, options: ClusterOptions = OPTIONS) -> Features:
    from concurrent.futures import ThreadPoolExecutor

    # The entity tagger runs on one core beside the embedder (which releases the GIL while a batch
    # runs): on a large pile the two are most of the time, and neither depends on the other.
    with ThreadPoolExecutor(1) as side:
        tagged = side.submit(_entities, [title_and_lead(a, options.entity_words) for a in articles])
        emb = np.asarray(embedder.embed([title_and_lead(a, options.lead_words) for a in articles]), dtype=np.float32)
        emb = emb / np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        terms, term_names = _tfidf([title_and_lead(a, options.term_words) for a in articles])
        title_terms, _ = _tfidf([headline(a) for a in articles])
        ents, ent_names = _entity_matrix(tagged.result())
    days = np.array([_days(a.published) for a in articles], dtype=np.float64)
    return Features(emb, terms, term_names, title_terms, ents, ent_names, days)


def headline(article: Article) -> str:
    """The title, or for an untitled article its first sentence (which does a headline's job)."""
    title = (article.title or "").strip()
    if title:
        return title
    first = (article.sentences or article.paragraphs or ("",))[0]
    return " ".join(first.split()[:30])


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
    for keys in doc_keys:
        df[keys] += 1
    idf = np.log((1 + n) / (1 + df)) + 1.0
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, keys in enumerate(doc_keys):
        if not keys:
            continue
        w = idf[keys]
        w = w / np.linalg.norm(w)
        rows.extend([r] * len(keys))
        cols.extend(keys)
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


# ------------------------------------------------------------ same-story model

# The pair features, in the order of the model file's weights. None depends on how many articles
# the pile holds: a margin compares the pair's similarity with how close each article's own nearest
# neighbours are (its first and its third), which reads the same in a pile of six and of ten thousand.
FEATURES = (
    "embedding",  # cosine of the title + lead embeddings
    "terms",  # cosine of the TF-IDF vectors of title + body
    "title_terms",  # cosine of the TF-IDF vectors of the titles
    "embedding_margin_first",  # embedding cosine minus the larger of the two articles' nearest-neighbour cosines
    "embedding_margin_third",  # the same against each article's third-nearest neighbour
    "terms_margin_first",  # the same by terms
    "terms_margin_third",
    "days_apart",  # both dated: time gap beyond a day and a half, in units of 3 days, at most 1; else 0
    "same_days",  # both dated and at most a day and a half apart: 1; else 0
)
SAME_DAYS = 1.5  # days: one story's reports come out over a day or so (dateline, updates, time zones)
DAYS_SCALE = 3.0  # days beyond SAME_DAYS after which a gap says nothing more
MARGIN_NEIGHBOURS = (1, 3)  # which nearest neighbours the margins are taken against (first, third)


@dataclass(frozen=True)
class SameStoryModel:
    """Logistic regression over FEATURES: log-odds that two articles report the same story."""

    embedder: str
    neighbours: int  # candidate pairs: each article's nearest this many by embedding and by terms
    weights: np.ndarray
    intercept: float
    merge_at: float  # groups merge while their mean cross-pair log-odds is at least this
    # A margin is taken against an article's nearest neighbours, but never against less than this
    # (embedding, terms) cosine: an article with nothing close in the pile (a pile of two, a story of its
    # own) must not find its "nearest" unrelated neighbour as close as a same-story partner.
    floors: tuple[float, float] = (0.0, 0.0)
    source: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> SameStoryModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError(f"{source}: features {data['features']} are not {list(FEATURES)}")
        return cls(
            embedder=str(data["embedder"]),
            neighbours=int(data["neighbours"]),
            weights=np.asarray(data["weights"], dtype=np.float64),
            intercept=float(data["intercept"]),
            merge_at=float(data["merge_at"]),
            floors=(float(data["margin_floors"]["embedding"]), float(data["margin_floors"]["terms"])),
            source=source,
        )


def model_path(embedder: str, options: ClusterOptions = OPTIONS) -> Path:
    return _DATA / f"{options.model}-{embedder}.json"


@lru_cache(maxsize=8)
def same_story_model(embedder: str | None, options: ClusterOptions = OPTIONS) -> SameStoryModel:
    """The shipped model trained with `embedder`; the default embedder's (with a warning) if there is none."""
    path = model_path(embedder or options.default_embedder, options)
    if not path.is_file():
        fallback = model_path(options.default_embedder, options)
        log.warning(
            "no same-story model for embedder %r; using %s (retrain with scripts/train_cluster.py)",
            embedder,
            fallback.name,
        )
        path = fallback
    return SameStoryModel.from_dict(json.loads(path.read_text(encoding="utf-8")), path.name)


_override: dict[str, SameStoryModel] = {}


@contextmanager
def use_model(path: Path) -> Iterator[None]:
    """Cluster with the model in `path` instead of the shipped one while inside the block (the benchmark
    scores each dev window with the cross-validation fold model that never saw it)."""
    _override["model"] = SameStoryModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), Path(path).name)
    try:
        yield
    finally:
        _override.pop("model", None)


@dataclass
class Neighbours:
    """Candidate pairs, and how close each article's own nearest neighbours are (for the margins)."""

    pairs: np.ndarray  # (m, 2) candidate pairs i < j: in either article's nearest by embedding or by terms
    embedding_near: np.ndarray  # (n, 2): cosine of each article's first and third nearest by embedding
    terms_near: np.ndarray  # (n, 2): the same by terms


def neighbours(feats: Features, k: int, floors: tuple[float, float] = (0.0, 0.0)) -> Neighbours:
    """Each article's `k` nearest by embedding and by terms: the candidate pairs and the margins' references
    (never below `floors`, see SameStoryModel.floors)."""
    n = feats.embeddings.shape[0]
    listed = max(1, min(max(k, max(MARGIN_NEIGHBOURS)), n - 1))
    emb, emb_sims = _nearest(lambda s, e: feats.embeddings[s:e] @ feats.embeddings.T, n, listed)
    found = [emb[:, :k]]
    if feats.terms.shape[1] > 1:
        by_term = feats.terms.T.tocsr()  # converted once, not once per block by each product
        terms, terms_sims = _nearest(lambda s, e: (feats.terms[s:e] @ by_term).toarray(), n, listed)
        found.append(terms[:, :k])
    else:
        terms_sims = np.zeros((n, listed), dtype=np.float32)
    pairs = np.concatenate([np.stack([np.repeat(np.arange(n), f.shape[1]), f.ravel()], axis=1) for f in found])
    pairs = np.sort(pairs, axis=1)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    return Neighbours(pairs, _near_references(emb_sims, floors[0]), _near_references(terms_sims, floors[1]))


def _near_references(sims: np.ndarray, floor: float) -> np.ndarray:
    """(n, 2) similarity of the first and third nearest neighbour (the farthest there is, in a pile under
    four), at least `floor`."""
    cols = [min(r, sims.shape[1]) - 1 for r in MARGIN_NEIGHBOURS]
    return np.maximum(sims[:, cols].astype(np.float64), floor)


def _nearest(block_sims: Callable[[int, int], np.ndarray], n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, k) indices of each row's k most similar other rows, most similar first, ties by index; and their similarities."""
    out, out_sims = [], []
    for s in range(0, n, _BLOCK):
        e = min(n, s + _BLOCK)
        sims = np.asarray(block_sims(s, e), dtype=np.float32)
        sims[np.arange(e - s), np.arange(s, e)] = -np.inf
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(sims, idx, axis=1)
        order = np.lexsort((idx, -top), axis=1)
        out.append(np.take_along_axis(idx, order, axis=1))
        out_sims.append(np.take_along_axis(top, order, axis=1))
    if not out:
        return np.zeros((0, k), dtype=np.int64), np.zeros((0, k), dtype=np.float32)
    return np.concatenate(out), np.concatenate(out_sims)


def pair_features(feats: Features, near: Neighbours, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(m, len(FEATURES)) features of the article pairs (i[t], j[t])."""
    out = np.zeros((len(i), len(FEATURES)), dtype=np.float64)
    for s in range(0, len(i), 20_000):
        a, b = i[s : s + 20_000], j[s : s + 20_000]
        out[s : s + len(a)] = _combine(
            np.einsum("ij,ij->i", feats.embeddings[a], feats.embeddings[b]),
            np.asarray(feats.terms[a].multiply(feats.terms[b]).sum(axis=1)).ravel(),
            np.asarray(feats.title_terms[a].multiply(feats.title_terms[b]).sum(axis=1)).ravel(),
            np.maximum(near.embedding_near[a], near.embedding_near[b]),
            np.maximum(near.terms_near[a], near.terms_near[b]),
            np.abs(feats.days[a] - feats.days[b]),
        )
    return out


def block_features(feats: Features, near: Neighbours, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(len(rows), len(cols), len(FEATURES)) features of every pair (rows[r], cols[c]): what a merge needs."""
    return _combine(
        feats.embeddings[rows] @ feats.embeddings[cols].T,
        (feats.terms[rows] @ feats.terms[cols].T).toarray(),
        (feats.title_terms[rows] @ feats.title_terms[cols].T).toarray(),
        np.maximum(near.embedding_near[rows][:, None, :], near.embedding_near[cols][None, :, :]),
        np.maximum(near.terms_near[rows][:, None, :], near.terms_near[cols][None, :, :]),
        np.abs(feats.days[rows][:, None] - feats.days[cols][None, :]),
    )


def _combine(
    embedding: np.ndarray,
    terms: np.ndarray,
    title_terms: np.ndarray,
    embedding_near: np.ndarray,
    terms_near: np.ndarray,
    gap: np.ndarray,
) -> np.ndarray:
    """The FEATURES columns from elementwise inputs of any (same) shape; `*_near` carry a last axis of
    (first, third) reference similarities, the larger of the pair's two articles."""
    embedding = np.asarray(embedding, dtype=np.float64)
    terms = np.asarray(terms, dtype=np.float64)
    cols = [embedding, terms, np.asarray(title_terms, dtype=np.float64)]
    cols += [embedding - embedding_near[..., 0], embedding - embedding_near[..., 1]]
    cols += [terms - terms_near[..., 0], terms - terms_near[..., 1]]
    dated = ~np.isnan(gap)
    gap = np.where(dated, gap, 0.0)
    cols.append(np.where(dated, np.clip((gap - SAME_DAYS) / DAYS_SCALE, 0.0, 1.0), 0.0))
    cols.append((dated & (gap <= SAME_DAYS)).astype(np.float64))
    return np.stack(cols, axis=-1)


def pair_log_odds(feats: Features, near: Neighbours, model: SameStoryModel, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return pair_features(feats, near, i, j) @ model.weights + model.intercept


# --------------------------------------------------------------------- grouping


def group(feats: Features, model: SameStoryModel) -> np.ndarray:
    """Cluster label (0..k-1) per article: average linkage over the same-story log-odds.

    Only groups connected in the candidate graph are compared, but each comparison is
    exact: when two groups merge, the new group is scored against every neighbouring
    group over all their cross pairs (one vectorised block per merge), so the mean is
    never taken over guessed values.
    """
    n = feats.embeddings.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    near = neighbours(feats, model.neighbours, model.floors)
    members: list[np.ndarray] = [np.array([r]) for r in range(n)]
    alive = [True] * n
    first = list(range(n))  # smallest article index in each group: the tie-breaker
    adjacent: list[set[int]] = [set() for _ in range(n)]
    heap: list[tuple[float, int, int, int, int]] = []
    pairs = near.pairs
    if len(pairs):
        scores = pair_log_odds(feats, near, model, pairs[:, 0], pairs[:, 1])
        for (i, j), s in zip(pairs.tolist(), scores.tolist()):
            adjacent[i].add(j)
            adjacent[j].add(i)
            if s >= model.merge_at:
                heap.append((-round(s, 9), i, j, i, j))
    heapq.heapify(heap)
    while heap:
        _, _, _, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        alive[a] = alive[b] = False
        new = len(members)
        members.append(np.sort(np.concatenate([members[a], members[b]])))
        alive.append(True)
        first.append(min(first[a], first[b]))
        others = sorted(o for o in (adjacent[a] | adjacent[b]) - {a, b} if alive[o])
        adjacent.append(set(others))
        for o in others:
            adjacent[o] -= {a, b}
            adjacent[o].add(new)
        adjacent[a] = adjacent[b] = set()
        if not others:
            continue
        cols = np.concatenate([members[o] for o in others])
        block = block_features(feats, near, members[new], cols) @ model.weights + model.intercept
        starts = np.cumsum([0] + [len(members[o]) for o in others[:-1]])
        sums = np.add.reduceat(block.sum(axis=0), starts)
        for o, total in zip(others, sums.tolist()):
            mean = total / (len(members[new]) * len(members[o]))
            if mean >= model.merge_at:
                lo, hi = sorted((first[new], first[o]))
                heapq.heappush(heap, (-round(mean, 9), lo, hi, o, new))
    labels = np.full(n, -1, dtype=np.int64)
    groups = sorted((members[c] for c in range(len(members)) if alive[c]), key=lambda m: int(m[0]))
    for lab, m in enumerate(groups):
        labels[m] = lab
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
        members = [articles[int(i)] for i in idx]
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
    stories.sort(key=lambda s: (-len(s.articles), _sortable(s.start), story_content_key(s), s.id))
    return stories


def _oldest_first(a: Article) -> tuple:
    return (_sortable(a.published), content_key(a), a.id)


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
    # Only the columns the rows use are counted (a story's few hundred, not the pile's vocabulary:
    # summing whole columns made this quadratic in the pile). Values add up in row order in
    # float32, as scipy's column sum does, so the tie-breaking weights are the same.
    sub = sub.tocsr()
    used, at = np.unique(sub.indices, return_inverse=True)
    positive = sub.data > 0
    present = np.bincount(at[positive], minlength=len(used))
    weight = np.zeros(len(used), dtype=sub.dtype)
    np.add.at(weight, at, sub.data)
    keep = np.flatnonzero(present >= need)
    if not len(keep):
        return []
    labels = [names[c] for c in used[keep].tolist()]
    in_titles = np.array([(titles or {}).get(name, 0) for name in labels], dtype=np.int64)
    # one stable sort: most widely shared, then most in titles, then heaviest, then by name
    order = np.lexsort((np.array(labels, dtype=str), -weight[keep], -in_titles, -present[keep]))
    return [labels[k] for k in order.tolist() if labels[k]]


def _origin_of(story: Story, dup: Duplicate) -> str:
    for a in story.articles:
        if a.id == dup.of:
            return a.origin
    return dup.of

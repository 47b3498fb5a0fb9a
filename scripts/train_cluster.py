"""Train the same-story model that `digest.cluster` ships (digest/data/same-story-<embedder>.json).

    PYTHONPATH=. .venv/bin/python scripts/train_cluster.py            # default embedder, writes the file
    PYTHONPATH=. .venv/bin/python scripts/train_cluster.py --dry-run  # cross-validated figures only

What it does:

* Reads AllSides dev windows 1-3 (../shared/devdata/allsides-dev/windows; windows 4-6 and
  the same-topic pile are kept for `benchmarks/clustering.py` to report on), each twice: with
  its dates moved by a seeded -30 h..+6 h per article, and as the plain-text pile without dates.
  Articles go through the product's own ingest, clean, dedupe and `cluster.describe`.
* Every pair of articles of a pile is one example (same story or not), described by
  `cluster.pair_features` exactly as clustering computes it.
* Leave-one-window-out cross-validation picks the regularisation C and the merge level (the
  mean log-odds at which two groups merge) by the B-cubed F1 of `cluster.group` on the
  held-out window, with and without dates. Then the model is fitted on all three windows.

The file records the embedder it was trained with, the features, the weights and the
cross-validated figures. Retrain when the embedder or the features change.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import piles  # noqa: E402

from digest import cluster  # noqa: E402
from digest.dedupe import dedupe  # noqa: E402
from digest.models import load_embedder  # noqa: E402

TRAIN_WINDOWS = (1, 2, 3)
C_GRID = (10.0,)  # 0.3, 1 and 3 lost to 10 in every cross-validation run
# (embedding, terms) margin floors. No floor and (0.3, 0.1) lost; (0.4, 0.2) and (0.5, 0.3) tie in
# cross-validation (0.957 / 0.956, and the order flipped between two runs: embeddings differ in the
# last bits under load). (0.4, 0.2) is kept: with (0.5, 0.3) seed 002 leaves the 4 November story.
FLOOR_GRID = ((0.4, 0.2),)
# Tried and dropped: keeping the similarity and margin weights >= 0 (a monotone model). It zeroed the
# raw cosines, and lost 0.02-0.05 F1 on the held-out undated windows; the free fit is kept.
MERGE_GRID = tuple(np.round(np.arange(-2.5, 0.51, 0.25), 2))
SMALL_PILES = 30  # small piles drawn from each training pile (see `small_piles`)


@dataclass
class Prepared:
    name: str
    window: int
    small: bool  # a small pile drawn from a window (scored apart from the whole windows)
    gold: dict[str, str]  # article id -> story, every input article
    canonical_of: dict[str, str]  # article id -> canonical id (itself when canonical)
    ids: list[str]  # canonical article ids, in `describe` row order
    feats: cluster.Features
    y: np.ndarray  # same story, for the pairs i < j
    x: dict[tuple[float, float], np.ndarray] = field(default_factory=dict)  # pair features by margin floors

    def features(self, k: int, floors: tuple[float, float]) -> np.ndarray:
        if floors not in self.x:
            i, j = np.triu_indices(len(self.ids), 1)
            self.x[floors] = cluster.pair_features(self.feats, cluster.neighbours(self.feats, k, floors), i, j)
        return self.x[floors]


def prepare(name: str, window: int, small: bool, arts, gold, canonical_of, embedder) -> Prepared:
    arts = sorted(arts, key=lambda a: a.id)
    feats = cluster.describe(arts, embedder)
    i, j = np.triu_indices(len(arts), 1)
    labels = np.array([gold[a.id] for a in arts])
    return Prepared(name, window, small, gold, canonical_of, [a.id for a in arts], feats, labels[i] == labels[j])


def whole(pile: piles.Pile, window: int, embedder) -> Prepared:
    deduped = dedupe(pile.articles)
    canonical_of = {a.id: a.id for a in deduped.articles} | {d.article.id: d.of for d in deduped.duplicates}
    return prepare(pile.name, window, False, deduped.articles, pile.gold, canonical_of, embedder)


def small_piles(big: Prepared, embedder, draws: int = SMALL_PILES) -> list[Prepared]:
    """Small piles from one window, so that one configuration serves a pile of two articles as well as one
    of thousands: a story with up to three of its nearest stories (by embedding centre) and up to two
    random ones; every third draw, one article from each of two neighbouring stories."""
    import random

    rng = random.Random(f"small:{big.name}")
    labels = np.array([big.gold[a] for a in big.ids])
    stories = sorted(set(labels.tolist()))
    centres = {s: big.feats.embeddings[labels == s].mean(axis=0) for s in stories}
    out = []
    for d in range(draws):
        anchor = rng.choice(stories)
        near = sorted(stories, key=lambda o: (-float(centres[o] @ centres[anchor]), o))[1:]
        if d % 3 == 0:
            rows = [int(np.flatnonzero(labels == s)[0]) for s in (anchor, near[0])]
        else:
            pick = {anchor, *near[: rng.choice([0, 1, 2, 3])], *rng.sample(stories, rng.choice([0, 1, 2]))}
            rows = [k for k, s in enumerate(labels.tolist()) if s in pick]
        ids = [big.ids[r] for r in rows]
        arts = [a for a in _articles[big.name] if a.id in set(ids)]
        gold = {a: big.gold[a] for a in ids}
        out.append(prepare(f"{big.name} small {d}", big.window, True, arts, gold, {a: a for a in ids}, embedder))
    return out


_articles: dict[str, list] = {}


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    pred = {k: pred.get(k, "lost:" + k) for k in gold}
    for k in gold:
        by_pred[pred[k]].add(k)
        by_gold[gold[k]].add(k)
    p = sum(len(by_pred[pred[k]] & by_gold[gold[k]]) / len(by_pred[pred[k]]) for k in gold) / len(gold)
    r = sum(len(by_pred[pred[k]] & by_gold[gold[k]]) / len(by_gold[gold[k]]) for k in gold) / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def f1(prep: Prepared, model: cluster.SameStoryModel) -> float:
    labels = cluster.group(prep.feats, model)
    label_of = {aid: str(lab) for aid, lab in zip(prep.ids, labels)}
    pred = {aid: label_of[c] for aid, c in prep.canonical_of.items()}
    return bcubed(pred, prep.gold)[2]


def fit(preps: list[Prepared], c: float, k: int, floors: tuple[float, float]):
    """Logistic regression on all pairs of the piles (whole windows and their small piles alike)."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([p.features(k, floors) for p in preps])
    y = np.concatenate([p.y for p in preps])
    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def as_model(lr, embedder: str, k: int, merge_at: float, floors: tuple[float, float]) -> cluster.SameStoryModel:
    return cluster.SameStoryModel(
        embedder, k, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]), merge_at, floors
    )


Setting = tuple[float, tuple[float, float], float]  # C, floors, merge level


def cross_validate(preps: list[Prepared], name: str, k: int) -> tuple[Setting, float, dict[str, float]]:
    """Leave one window out. A setting's score is the mean of two means over the held-out window: the
    F1 of its whole piles and the F1 of its small piles (a user's pile may be either)."""
    whole_f: dict[Setting, list[float]] = defaultdict(list)
    small_f: dict[Setting, list[float]] = defaultdict(list)
    per_pile: dict[Setting, dict[str, float]] = defaultdict(dict)
    for held in TRAIN_WINDOWS:
        train = [p for p in preps if p.window != held]
        test = [p for p in preps if p.window == held]
        for c in C_GRID:
            for floors in FLOOR_GRID:
                lr = fit(train, c, k, floors)
                for m in MERGE_GRID:
                    model = as_model(lr, name, k, float(m), floors)
                    key = (c, floors, float(m))
                    for p in test:
                        f = f1(p, model)
                        (small_f if p.small else whole_f)[key].append(f)
                        if not p.small:
                            per_pile[key][p.name] = f
                    per_pile[key][f"window_{held} small piles"] = float(
                        np.mean(small_f[key][-sum(p.small for p in test) :])
                    )

    def score(key: Setting) -> float:
        return (float(np.mean(whole_f[key])) + float(np.mean(small_f[key]))) / 2

    best = max(whole_f, key=lambda key: (round(score(key), 4), -abs(key[2]), -key[0]))
    return best, score(best), per_pile[best]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--embedder", default=None, help="registry name (default: the default embedder)")
    ap.add_argument("--neighbours", type=int, default=20, help="candidate neighbours per article, by each signal")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, do not write the model file")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    embedder = load_embedder(args.embedder)
    name = embedder.name
    preps: list[Prepared] = []
    for w in TRAIN_WINDOWS:
        for pile in (piles.jittered(piles.window(f"window_{w}")), piles.window(f"window_{w}_nodates")):
            big = whole(pile, w, embedder)
            _articles[big.name] = pile.articles
            preps += [big, *small_piles(big, embedder)]
    print(
        f"{sum(len(p.y) for p in preps)} pairs, {sum(int(p.y.sum()) for p in preps)} same-story, "
        f"from {sum(not p.small for p in preps)} windows and {sum(p.small for p in preps)} small piles drawn from them"
    )
    (c, floors, merge_at), mean_f1, per_pile = cross_validate(preps, name, args.neighbours)
    print(f"chosen C={c} floors={floors} merge_at={merge_at}: cross-validated B-cubed F1 {mean_f1:.3f}")
    for pile_name, f in sorted(per_pile.items()):
        print(f"  held out {pile_name:<28} F1 {f:.3f}")
    lr = fit(preps, c, args.neighbours, floors)
    out = {
        "embedder": name,
        "features": list(cluster.FEATURES),
        "neighbours": args.neighbours,
        "margin_floors": {"embedding": floors[0], "terms": floors[1]},
        "trained_on": (
            "allsides-dev windows 1-3, dates jittered -30h..+6h (seed 13) and without dates, and "
            f"{SMALL_PILES} small piles drawn from each; all pairs"
        ),
        "weights": [round(float(w), 6) for w in lr.coef_[0]],
        "intercept": round(float(lr.intercept_[0]), 6),
        "merge_at": merge_at,
        "regularisation_C": c,
        "cross_validation": {
            "scheme": (
                "leave one window out over windows 1-3; score = mean of (mean B-cubed F1 of cluster.group on "
                "the held-out whole piles, mean on the held-out small piles)"
            ),
            "mean_f1": round(mean_f1, 4),
            "per_pile": {k: round(v, 4) for k, v in sorted(per_pile.items())},
        },
    }
    print(json.dumps({k: out[k] for k in ("weights", "intercept", "merge_at")}))
    if args.dry_run:
        return
    path = cluster.model_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

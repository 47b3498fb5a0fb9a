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
from dataclasses import dataclass
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
C_GRID = (0.3, 1.0, 3.0)
MERGE_GRID = tuple(np.round(np.arange(-2.5, 0.51, 0.25), 2))


@dataclass
class Prepared:
    name: str
    window: int
    pile: piles.Pile
    canonical_of: dict[str, str]  # article id -> canonical id (itself when canonical)
    ids: list[str]  # canonical article ids, in `describe` row order
    feats: cluster.Features
    near: cluster.Neighbours
    x: np.ndarray  # features of all pairs i < j
    y: np.ndarray
    pairs: tuple[np.ndarray, np.ndarray]


def prepare(pile: piles.Pile, window: int, embedder, k: int) -> Prepared:
    deduped = dedupe(pile.articles)
    arts = sorted(deduped.articles, key=lambda a: a.id)
    canonical_of = {a.id: a.id for a in arts} | {d.article.id: d.of for d in deduped.duplicates}
    feats = cluster.describe(arts, embedder)
    near = cluster.neighbours(feats, k)
    i, j = np.triu_indices(len(arts), 1)
    x = cluster.pair_features(feats, near, i, j)
    gold = np.array([pile.gold[a.id] for a in arts])
    return Prepared(
        pile.name, window, pile, canonical_of, [a.id for a in arts], feats, near, x, gold[i] == gold[j], (i, j)
    )


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
    return bcubed(pred, prep.pile.gold)[2]


RANKS = [k for k, f in enumerate(cluster.FEATURES) if f.startswith("rank_")]


def fit(preps: list[Prepared], c: float, ranks: bool = True):
    """Logistic regression on all pairs; without `ranks` the rank features are zeroed (weight 0)."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([p.x for p in preps])
    if not ranks:
        x = x.copy()
        x[:, RANKS] = 0.0
    y = np.concatenate([p.y for p in preps])
    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def as_model(lr, embedder: str, k: int, merge_at: float) -> cluster.SameStoryModel:
    return cluster.SameStoryModel(embedder, k, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]), merge_at)


def cross_validate(
    preps: list[Prepared], name: str, k: int, ranks: bool
) -> tuple[float, float, float, dict[str, float]]:
    """Leave one window out: (C, merge level, mean F1, F1 per held-out pile) of the best setting."""
    scores: dict[tuple[float, float], list[float]] = defaultdict(list)
    per_pile: dict[tuple[float, float], dict[str, float]] = defaultdict(dict)
    for held in TRAIN_WINDOWS:
        train = [p for p in preps if p.window != held]
        test = [p for p in preps if p.window == held]
        for c in C_GRID:
            lr = fit(train, c, ranks)
            for m in MERGE_GRID:
                model = as_model(lr, name, k, float(m))
                for p in test:
                    f = f1(p, model)
                    scores[(c, float(m))].append(f)
                    per_pile[(c, float(m))][p.name] = f
    best = max(scores, key=lambda key: (round(float(np.mean(scores[key])), 4), -abs(key[1]), -key[0]))
    return best[0], best[1], float(np.mean(scores[best])), per_pile[best]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--embedder", default=None, help="registry name (default: the default embedder)")
    ap.add_argument("--neighbours", type=int, default=20, help="candidate neighbours per article, by each signal")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, do not write the model file")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    embedder = load_embedder(args.embedder)
    name = embedder.name
    preps = []
    for w in TRAIN_WINDOWS:
        dated = piles.window(f"window_{w}")
        preps.append(prepare(piles.jittered(dated), w, embedder, args.neighbours))
        preps.append(prepare(piles.window(f"window_{w}_nodates"), w, embedder, args.neighbours))
    print(
        f"{sum(len(p.y) for p in preps)} pairs, {sum(int(p.y.sum()) for p in preps)} same-story, from {len(preps)} piles"
    )

    out: dict = {}
    for variant, ranks in (("full", True), ("small_pile", False)):
        c, merge_at, mean_f1, per_pile = cross_validate(preps, name, args.neighbours, ranks)
        print(f"{variant}: chosen C={c} merge_at={merge_at}: cross-validated B-cubed F1 {mean_f1:.3f}")
        for pile_name, f in sorted(per_pile.items()):
            print(f"  held out {pile_name:<28} F1 {f:.3f}")
        lr = fit(preps, c, ranks)
        part = {
            "weights": [round(float(w), 6) for w in lr.coef_[0]],
            "intercept": round(float(lr.intercept_[0]), 6),
            "merge_at": merge_at,
            "regularisation_C": c,
            "cross_validation": {
                "scheme": "leave one window out over windows 1-3; B-cubed F1 of cluster.group on the held-out piles",
                "mean_f1": round(mean_f1, 4),
                "per_pile": {k: round(v, 4) for k, v in sorted(per_pile.items())},
            },
        }
        if variant == "full":
            out = {
                "embedder": name,
                "features": list(cluster.FEATURES),
                "neighbours": args.neighbours,
                "trained_on": "allsides-dev windows 1-3, dates jittered -30h..+6h (seed 13) and without dates; all pairs",
                **part,
            }
        else:
            part["note"] = "used for piles of `neighbours` articles or fewer; trained with the rank features zeroed"
            out["small_pile"] = part
    print(json.dumps({k: out[k] for k in ("weights", "intercept", "merge_at")}))
    print(json.dumps({k: out["small_pile"][k] for k in ("weights", "intercept", "merge_at")}))
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

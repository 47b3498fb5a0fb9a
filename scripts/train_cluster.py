"""Train the same-story model that `digest.cluster` ships (digest/data/same-story-<embedder>.json).

    PYTHONPATH=. .venv/bin/python scripts/train_cluster.py            # default embedder, writes the files
    PYTHONPATH=. .venv/bin/python scripts/train_cluster.py --dry-run  # cross-validated figures only

What it does:

* Reads seven folds of AllSides dev data (../shared/devdata/allsides-dev/windows): windows 1-6
  and the same-topic pile, each twice: with its dates moved by a seeded -30 h..+6 h per article,
  and without dates (the plain-text `window_N_nodates` pile; the same-topic pile with its dates
  removed). Articles go through the product's own ingest, clean, dedupe and `cluster.describe`.
  From each whole pile, small piles are drawn (see `small_piles`).
* Every pair of articles of a pile is one example (same story or not), described by
  `cluster.pair_features` exactly as clustering computes it.
* Fold models (nested cross-validation): for each fold, the regularisation C, the margin floors
  and the merge level (the mean log-odds at which two groups merge) are chosen by leave-one-fold-out
  over the OTHER six folds (B-cubed F1 of `cluster.group` on each inner held-out fold), then the
  model is fitted on those six folds and scored on the fold it never saw. Those weights go to
  `build/cluster-folds/fold-<fold>.json` (not shipped) for `benchmarks/clustering.py --fold-dir`,
  so that every window it prints can be scored by a model that did not see it.
* The shipped model: the setting with the best leave-one-fold-out score over all seven folds
  (pooled), fitted on all seven.

The file records the embedder it was trained with, the features, the weights, the pooled
cross-validated figures and each fold's nested held-out figures. Retrain when the embedder or
the features change.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import piles  # noqa: E402

from digest import cluster  # noqa: E402
from digest.dedupe import dedupe  # noqa: E402
from digest.models import load_embedder  # noqa: E402

FOLDS = ("window_1", "window_2", "window_3", "window_4", "window_5", "window_6", "same_topic")
FOLD_DIR = ROOT / "build" / "cluster-folds"
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
    fold: str  # the fold (window or same-topic pile) it comes from
    small: bool  # a small pile drawn from a whole pile (scored apart from the whole piles)
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


def prepare(name: str, fold: str, small: bool, arts, gold, canonical_of, embedder) -> Prepared:
    arts = sorted(arts, key=lambda a: a.id)
    feats = cluster.describe(arts, embedder)
    i, j = np.triu_indices(len(arts), 1)
    labels = np.array([gold[a.id] for a in arts])
    return Prepared(name, fold, small, gold, canonical_of, [a.id for a in arts], feats, labels[i] == labels[j])


def whole(pile: piles.Pile, fold: str, embedder) -> Prepared:
    deduped = dedupe(pile.articles)
    canonical_of = {a.id: a.id for a in deduped.articles} | {d.article.id: d.of for d in deduped.duplicates}
    return prepare(pile.name, fold, False, deduped.articles, pile.gold, canonical_of, embedder)


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
        out.append(prepare(f"{big.name} small {d}", big.fold, True, arts, gold, {a: a for a in ids}, embedder))
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


@dataclass
class Scores:
    """B-cubed F1 of each setting on held-out piles: whole piles and small piles apart, and per pile."""

    whole: dict[Setting, list[float]] = field(default_factory=lambda: defaultdict(list))
    small: dict[Setting, list[float]] = field(default_factory=lambda: defaultdict(list))
    per_pile: dict[Setting, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, other: Scores) -> None:
        for key in other.whole:
            self.whole[key] += other.whole[key]
            self.small[key] += other.small[key]
            self.per_pile[key].update(other.per_pile[key])

    def score(self, key: Setting) -> float:
        """The mean of two means: whole piles and small piles (a user's pile may be either)."""
        return (float(np.mean(self.whole[key])) + float(np.mean(self.small[key]))) / 2

    def best(self) -> Setting:
        return max(self.whole, key=lambda key: (round(self.score(key), 4), -abs(key[2]), -key[0]))


_fits: dict[tuple[frozenset[str], float, tuple[float, float]], Any] = {}


def fit_folds(preps: list[Prepared], folds: set[str], c: float, k: int, floors: tuple[float, float]):
    """`fit` on the piles of `folds`, remembered (nested cross-validation asks for each set twice)."""
    key = (frozenset(folds), c, floors)
    if key not in _fits:
        _fits[key] = fit([p for p in preps if p.fold in folds], c, k, floors)
    return _fits[key]


def held_out(
    preps: list[Prepared], train: set[str], held: str, name: str, k: int, settings: list[Setting] | None = None
) -> Scores:
    """Fit on the folds `train`, score every setting (or `settings`) on the piles of fold `held`."""
    out = Scores()
    test = [p for p in preps if p.fold == held]
    for c in C_GRID:
        for floors in FLOOR_GRID:
            merges = [m for (sc, sf, m) in settings if (sc, sf) == (c, floors)] if settings else MERGE_GRID
            if not merges:
                continue
            lr = fit_folds(preps, train, c, k, floors)
            for m in merges:
                key = (c, floors, float(m))
                model = as_model(lr, name, k, float(m), floors)
                for p in test:
                    f = f1(p, model)
                    (out.small if p.small else out.whole)[key].append(f)
                    if not p.small:
                        out.per_pile[key][p.name] = f
                out.per_pile[key][f"{held} small piles"] = float(np.mean(out.small[key]))
    return out


def leave_one_fold_out(preps: list[Prepared], folds: list[str], name: str, k: int) -> Scores:
    """Each of `folds` held out in turn, the model fitted on the others; every setting scored."""
    out = Scores()
    for held in folds:
        out.add(held_out(preps, set(folds) - {held}, held, name, k))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--embedder", default=None, help="registry name (default: the default embedder)")
    ap.add_argument("--neighbours", type=int, default=20, help="candidate neighbours per article, by each signal")
    ap.add_argument("--fold-dir", type=Path, default=FOLD_DIR, help="where the fold models go (not shipped)")
    ap.add_argument("--dry-run", action="store_true", help="print the figures, write no model file")
    ap.add_argument(
        "--pooled-only",
        action="store_true",
        help="skip the nested fold models (a quick look at a feature change; implies --dry-run)",
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    embedder = load_embedder(args.embedder)
    name, k = embedder.name, args.neighbours
    preps: list[Prepared] = []
    for fold in FOLDS:
        if fold == "same_topic":
            same = piles.window(fold)
            fold_piles = [piles.jittered(same), piles.undated(same)]
        else:
            fold_piles = [piles.jittered(piles.window(fold)), piles.window(f"{fold}_nodates")]
        for pile in fold_piles:
            big = whole(pile, fold, embedder)
            _articles[big.name] = pile.articles
            preps += [big, *small_piles(big, embedder)]
    print(
        f"{sum(len(p.y) for p in preps)} pairs, {sum(int(p.y.sum()) for p in preps)} same-story, "
        f"from {sum(not p.small for p in preps)} whole piles ({len(FOLDS)} folds) "
        f"and {sum(p.small for p in preps)} small piles drawn from them"
    )

    # Nested: each fold's model has its setting chosen without that fold, and is scored on it.
    fold_models: dict[str, dict[str, Any]] = {}
    for held in () if args.pooled_only else FOLDS:
        others = [f for f in FOLDS if f != held]
        inner = leave_one_fold_out(preps, others, name, k)
        setting = inner.best()
        outer = held_out(preps, set(others), held, name, k, [setting])
        c, floors, merge_at = setting
        lr = fit_folds(preps, set(others), c, k, floors)
        fold_models[held] = {
            **model_record(lr, name, k, setting, f"folds {', '.join(others)} (not {held})"),
            "held_out": held,
            "cross_validation": {
                "scheme": f"setting chosen by leave one fold out over {', '.join(others)}",
                "mean_f1": round(inner.score(setting), 4),
                "held_out_f1": {p: round(f, 4) for p, f in sorted(outer.per_pile[setting].items())},
            },
        }
        print(
            f"fold {held:<10} C={c} floors={floors} merge_at={merge_at} (inner CV {inner.score(setting):.3f}); "
            + ", ".join(f"{p} {f:.3f}" for p, f in sorted(outer.per_pile[setting].items()))
        )

    # The shipped model: the setting best over all seven folds held out in turn, fitted on all of them.
    pooled = leave_one_fold_out(preps, list(FOLDS), name, k)
    setting = pooled.best()
    c, floors, merge_at = setting
    print(
        f"shipped: C={c} floors={floors} merge_at={merge_at}: leave-one-fold-out B-cubed F1 {pooled.score(setting):.3f}"
    )
    for pile_name, f in sorted(pooled.per_pile[setting].items()):
        print(f"  held out {pile_name:<28} F1 {f:.3f}")
    if args.pooled_only:
        return
    lr = fit(preps, c, k, floors)
    out = {
        **model_record(
            lr,
            name,
            k,
            setting,
            "allsides-dev windows 1-6 and the same-topic pile, dates jittered -30h..+6h (seed 13) and without "
            f"dates, and {SMALL_PILES} small piles drawn from each; all pairs",
        ),
        "cross_validation": {
            "scheme": (
                "leave one fold out over windows 1-6 and same_topic (pooled: the setting is chosen on the same "
                "held-out scores); score = mean of (mean B-cubed F1 of cluster.group on the held-out whole piles, "
                "mean on the held-out small piles)"
            ),
            "mean_f1": round(pooled.score(setting), 4),
            "per_pile": {p: round(f, 4) for p, f in sorted(pooled.per_pile[setting].items())},
        },
        "nested_held_out": {
            "scheme": (
                "each fold's model fitted on the other six folds, its setting chosen by leave one fold out over "
                "those six; F1 on the fold it never saw (weights in build/cluster-folds, not shipped)"
            ),
            "per_pile": {
                p: f for fold in FOLDS for p, f in fold_models[fold]["cross_validation"]["held_out_f1"].items()
            },
        },
    }
    print(json.dumps({key: out[key] for key in ("weights", "intercept", "merge_at")}))
    if args.dry_run:
        return
    args.fold_dir.mkdir(parents=True, exist_ok=True)
    for fold, record in fold_models.items():
        write_json(args.fold_dir / f"fold-{fold}.json", record)
    print(f"wrote {len(fold_models)} fold models to {args.fold_dir}")
    path = cluster.model_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, out)
    print(f"wrote {path.relative_to(ROOT)}")


def model_record(lr, name: str, k: int, setting: Setting, trained_on: str) -> dict[str, Any]:
    """The model file's fields that `cluster.SameStoryModel.from_dict` reads, and what it was trained on."""
    c, floors, merge_at = setting
    return {
        "embedder": name,
        "features": list(cluster.FEATURES),
        "neighbours": k,
        "margin_floors": {"embedding": floors[0], "terms": floors[1]},
        "trained_on": trained_on,
        "weights": [round(float(w), 6) for w in lr.coef_[0]],
        "intercept": round(float(lr.intercept_[0]), 6),
        "merge_at": merge_at,
        "regularisation_C": c,
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


if __name__ == "__main__":
    main()

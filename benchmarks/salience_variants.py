"""Which salience learner picks better sentences? Ridge (shipped) vs gradient-boosted trees vs oracle labels.

    .venv/bin/python benchmarks/salience_variants.py            # ~8 min on 2 cores (the greedy oracle is most of it)

Every dev story of both sets goes through the product's evidence gathering (as
scripts/train_salience.py does). For each of the 5 folds by story, each learner
is fitted on the other four folds; on the held-out stories it ranks the
showable sentences, and the top ones (skipping any within cosine 0.8 of one
already taken) fill 150 words, the default budget. The figure is ROUGE-1 F1
(stemmed) of that pick against the editors' summary: a proxy for the briefing's
selection without the writer, the claims and the reading order. "lead" ranks by
position in the article alone, the baseline any learner must beat.

- ridge: the shipped sentence head (train_salience.fit_sentences), target ROUGE-1 precision per sentence;
- trees: HistGradientBoostingRegressor on the same target (nonlinear in the same features);
- oracle-logit / oracle-trees: trained to predict membership of the greedy ROUGE-1 oracle
  (the labels the literature uses) instead of a per-sentence score.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "scripts")]

import devdata
import train_salience

BUDGET = 150
RESTATES = 0.8


def stories(embedder) -> list[dict]:
    """Every dev story as the salience model is trained on it (train_salience.gathered)."""
    return [
        {
            "set": name,
            "id": st.id,
            "x": x,
            "y": y,
            "text": [e.text for e in ev.sentences],
            "showable": np.array([e.selectable for e in ev.sentences]),
            "position": np.array([e.position for e in ev.sentences], dtype=float),
            "vectors": ev.vectors,
            "reference": st.reference,
        }
        for name in devdata.SETS
        for st, ev, x, y in train_salience.gathered(devdata.load(name), embedder)
    ]


def pick(d: dict, score: np.ndarray) -> list[int]:
    chosen: list[int] = []
    words = 0
    for i in np.lexsort((np.arange(len(score)), -score)).tolist():
        if not d["showable"][i] or any(float(d["vectors"][i] @ d["vectors"][j]) >= RESTATES for j in chosen):
            continue
        n = len(d["text"][i].split())
        if chosen and words + n > BUDGET * 1.15:
            continue
        chosen.append(i)
        words += n
        if words >= BUDGET * 0.95:
            break
    return chosen


def rouge(scorer, d: dict, chosen: list[int]) -> float:
    return 100 * scorer.score(d["reference"], "\n".join(d["text"][i] for i in sorted(chosen)))["rouge1"].fmeasure


def oracle(scorer, d: dict) -> list[int]:
    chosen: list[int] = []
    best = 0.0
    while True:
        found = None
        for i in range(len(d["text"])):
            words = sum(len(d["text"][j].split()) for j in chosen) + len(d["text"][i].split())
            if i in chosen or (chosen and words > BUDGET * 1.1):
                continue
            f = scorer.score(d["reference"], "\n".join(d["text"][j] for j in sorted([*chosen, i])))["rouge1"].fmeasure
            if f > best:
                best, found = f, i
        if found is None:
            return chosen
        chosen.append(found)


def main() -> int:
    from rouge_score import rouge_scorer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from digest.models import load_embedder

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    data = stories(load_embedder())
    for d in data:
        d["oracle"] = np.zeros(len(d["text"]))
        d["oracle"][oracle(scorer, d)] = 1.0

    def stack(train, key):
        return np.vstack([d["x"] for d in train]), np.concatenate([d[key] for d in train])

    def ridge(train):
        return train_salience.fit_sentences([(d["id"], d["x"], d["y"]) for d in train]).score

    def trees(train):
        m = HistGradientBoostingRegressor(
            random_state=0, max_iter=100, learning_rate=0.05, max_depth=3, min_samples_leaf=80
        ).fit(*stack(train, "y"))
        return m.predict

    def oracle_logit(train):
        m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(*stack(train, "oracle"))
        return m.decision_function

    def oracle_trees(train):
        m = HistGradientBoostingClassifier(
            random_state=0, max_iter=100, learning_rate=0.05, max_depth=3, min_samples_leaf=80
        ).fit(*stack(train, "oracle"))
        return lambda x: m.predict_proba(x)[:, 1]

    learners = {
        "lead": None,
        "ridge": ridge,
        "trees": trees,
        "oracle-logit": oracle_logit,
        "oracle-trees": oracle_trees,
    }
    ids = sorted(d["id"] for d in data)
    folds = devdata.folds([devdata.DevStory(i, Path(), "", ()) for i in ids])
    scores: dict[str, dict[str, list[float]]] = {v: {s: [] for s in devdata.SETS} for v in learners}
    per_fold: dict[str, list[float]] = {v: [] for v in learners}
    for fold in folds:
        held = {s.id for s in fold}
        train = [d for d in data if d["id"] not in held]
        test = [d for d in data if d["id"] in held]
        for name, learner in learners.items():
            rank = learner(train) if learner else None
            got = []
            for d in test:
                score = rank(d["x"]) if rank else -d["position"]
                got.append(rouge(scorer, d, pick(d, score)))
                scores[name][d["set"]].append(got[-1])
            per_fold[name].append(statistics.mean(got))
    ceiling = {
        s: statistics.mean(rouge(scorer, d, np.flatnonzero(d["oracle"]).tolist()) for d in data if d["set"] == s)
        for s in devdata.SETS
    }
    print(
        f"held-out ROUGE-1 F1 of a {BUDGET}-word pick (5 folds by story); oracle ceiling: "
        + ", ".join(f"{s} {v:.2f}" for s, v in ceiling.items())
    )
    for name in learners:
        sets = "  ".join(f"{s} {statistics.mean(v):.2f}" for s, v in scores[name].items())
        folds_ = " ".join(f"{x:.2f}" for x in per_fold[name])
        print(f"{name:<13} {sets}   per fold: {folds_}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

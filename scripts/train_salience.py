"""Retrain the salience model (digest/data/salience.json) from editors' summaries.

    .venv/bin/python scripts/train_salience.py            # train on both dev sets, write the weights
    .venv/bin/python scripts/train_salience.py --check    # 5-fold cross-validated figures only

Each dev story (../shared/devdata: AllSides roundups and Multi-News clusters)
goes through the product's own path (ingest, clean, the brief stage's evidence
gathering), so the features seen in training are the ones the product
computes. The label of a source sentence is the share of its words that the
editors' summary uses (ROUGE-1 precision, stemmed). The model is a ridge
regression on standardised features (alpha 1: with 18 features and ~12,000
sentences the penalty only guards against collinear features; it is not
tuned). `--check` prints the cross-validated correlation between predicted
and true labels per fold; the briefing benchmark (benchmarks/briefing.py)
reports the ROUGE of whole briefings with a model trained on the other folds.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import devdata  # noqa: E402

from digest.brief import evidence  # noqa: E402
from digest.brief.evidence import EvidenceSet  # noqa: E402
from digest.brief.salience import FEATURES, SalienceModel  # noqa: E402
from digest.brief.select import story_features  # noqa: E402
from digest.pipeline import read_sources  # noqa: E402

WEIGHTS = ROOT / "digest" / "data" / "salience.json"
ALPHA = 1.0


def gathered(
    stories: list[devdata.DevStory], embedder
) -> Iterator[tuple[devdata.DevStory, EvidenceSet, np.ndarray, np.ndarray]]:
    """(story, evidence, features, labels) per story with evidence, through the product's ingest,
    clean and evidence gathering (benchmarks/salience_variants.py reads the same)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    for story in stories:
        articles, _ = read_sources([str(story.path)])
        if not articles:
            continue
        ev = evidence.gather(tuple(articles), embedder)
        if not ev.sentences:
            continue
        y = np.array([scorer.score(story.reference, e.text)["rouge1"].precision for e in ev.sentences])
        yield story, ev, story_features(ev), y


def examples(stories: list[devdata.DevStory], embedder) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(story id, features, labels) per story, through the product's ingest, clean and evidence."""
    return [(story.id, x, y) for story, _, x, y in gathered(stories, embedder)]


def fit(data: list[tuple[str, np.ndarray, np.ndarray]], about: str = "") -> SalienceModel:
    """Ridge regression on standardised features (closed form: no solver to configure)."""
    x = np.vstack([d[1] for d in data])
    y = np.concatenate([d[2] for d in data])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    intercept = float(y.mean())
    coef = np.linalg.solve(z.T @ z + ALPHA * np.eye(z.shape[1]), z.T @ (y - intercept))
    return SalienceModel(mean, scale, coef, intercept, about)


def train(stories: list[devdata.DevStory], embedder, about: str = "") -> SalienceModel:
    return fit(examples(stories, embedder), about)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="cross-validate only; do not write the weights")
    args = parser.parse_args(argv)
    from digest.models import load_embedder

    embedder = load_embedder()
    per_set = {name: examples(devdata.load(name), embedder) for name in devdata.SETS}
    for name, data in per_set.items():
        print(f"{name}: {len(data)} stories, {sum(len(d[2]) for d in data)} sentences")
    every = [d for data in per_set.values() for d in data]
    by_id = {d[0]: d for d in every}
    for k, fold in enumerate(devdata.folds([devdata.DevStory(i, Path(), "", ()) for i in sorted(by_id)])):
        held = {s.id for s in fold}
        model = fit([d for d in every if d[0] not in held])
        for name, data in per_set.items():
            test = [d for d in data if d[0] in held]
            pred = np.concatenate([model.score(d[1]) for d in test])
            true = np.concatenate([d[2] for d in test])
            print(f"fold {k + 1} {name:<9} held-out correlation {np.corrcoef(pred, true)[0, 1]:.3f}")
    if args.check:
        return 0
    about = (
        f"ridge (alpha {ALPHA}) on {len(FEATURES)} features; trained on {len(every)} stories "
        f"({', '.join(f'{n}: {len(d)}' for n, d in per_set.items())}); target: ROUGE-1 precision of each "
        "source sentence against the editors' summary; retrain with scripts/train_salience.py"
    )
    model = fit(every, about)
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS}")
    for name, c in sorted(zip(FEATURES, model.coef), key=lambda t: -abs(t[1])):
        print(f"  {name:<20} {c:+.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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
tuned). A second head chooses the lead among the claims a briefing tells
(select.order): its label is each candidate's ROUGE-1 F1 against the editors'
first sentence, minus the story's mean, since the head only ranks within a
story. `--check` prints, per fold and set, the cross-validated correlation
between predicted and true sentence labels and our held-out lead's ROUGE-1
(select.order) beside the most salient and the earliest candidate; the briefing benchmark (benchmarks/briefing.py)
reports the ROUGE of whole briefings with a model trained on the other folds.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import devdata  # noqa: E402

from digest.brief import evidence, select  # noqa: E402
from digest.brief.evidence import EvidenceSet  # noqa: E402
from digest.brief.salience import FEATURES, LEAD_FEATURES, LinearHead, SalienceModel  # noqa: E402
from digest.brief.select import story_features  # noqa: E402
from digest.brief.write import FULL, OVERRUN  # noqa: E402
from digest.clean.sentences import split_sentences  # noqa: E402
from digest.pipeline import read_sources  # noqa: E402
from digest.settings import DEFAULTS  # noqa: E402

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


class Example(NamedTuple):
    """One dev story as both heads are trained on it."""

    id: str
    ev: EvidenceSet
    x: np.ndarray  # sentence features
    y: np.ndarray  # sentence labels: ROUGE-1 precision against the editors' summary
    first: str  # the editors' first sentence
    restates: float  # the embedder's "restates" cosine (select.plan)


def examples(stories: list[devdata.DevStory], embedder) -> list[Example]:
    """Every story with evidence, through the product's ingest, clean and evidence."""
    restates = embedder.calibration.restates
    return [
        Example(story.id, ev, x, y, (split_sentences(story.reference) or [""])[0], restates)
        for story, ev, x, y in gathered(stories, embedder)
    ]


def ridge(x: np.ndarray, y: np.ndarray, features: tuple[str, ...]) -> LinearHead:
    """Ridge regression on standardised features (closed form: no solver to configure)."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    intercept = float(y.mean())
    coef = np.linalg.solve(z.T @ z + ALPHA * np.eye(z.shape[1]), z.T @ (y - intercept))
    return LinearHead(features, mean, scale, coef, intercept)


def fit_sentences(data: list[tuple[str, np.ndarray, np.ndarray]]) -> LinearHead:
    """The sentence head from (story id, features, labels) per story."""
    return ridge(np.vstack([d[1] for d in data]), np.concatenate([d[2] for d in data]), FEATURES)


def told(ev: EvidenceSet, plan: list, words: int) -> list:
    """The plan's claims an extractive briefing of `words` words tells (write.compose's budget rule)."""
    used, spent = [], 0
    for claim in plan:
        if spent >= words * FULL:
            break
        size = len(ev.sentences[claim.representative].text.split())
        if used and spent + size > words * OVERRUN:
            continue
        used.append(claim)
        spent += size
    return used


def lead_examples(data: list[Example], inner: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Lead features and labels of every story's candidates: each candidate's ROUGE-1 F1 against
    the editors' first sentence, minus the story's mean (the head ranks within a story).

    At run time the sentence head has never seen the story, so each story's plan here comes
    from a sentence head fitted without it (`inner` folds of the training stories)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    xs, ys = [], []
    by_id = {d.id: d for d in data}
    for part in devdata.folds([devdata.DevStory(i, Path(), "", ()) for i in sorted(by_id)], k=inner):
        held = {s.id for s in part}
        head = fit_sentences([(d.id, d.x, d.y) for d in data if d.id not in held])
        planner = SalienceModel(head, head)  # plan() reads only the sentence head
        for d in (by_id[s.id] for s in part):
            if not d.first:
                continue
            chosen = told(d.ev, select.plan(d.ev, planner, restates=d.restates), DEFAULTS.words)
            if len(chosen) < 2:
                continue
            candidates = select.lead_candidates(d.ev, chosen)
            y = np.array(
                [scorer.score(d.first, d.ev.sentences[c.representative].text)["rouge1"].fmeasure for c in candidates]
            )
            xs.append(select.lead_features(d.ev, candidates, d.x))
            ys.append(y - y.mean())
    return np.vstack(xs), np.concatenate(ys)


def fit(data: list[Example], about: str = "") -> SalienceModel:
    """Both heads: the sentence head, and the lead head over the claims sentence heads choose."""
    sentence = fit_sentences([(d.id, d.x, d.y) for d in data])
    return SalienceModel(sentence, ridge(*lead_examples(data), LEAD_FEATURES), about)


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
        print(f"{name}: {len(data)} stories, {sum(len(d.y) for d in data)} sentences")
    every = [d for data in per_set.values() for d in data]
    by_id = {d.id: d for d in every}
    for k, fold in enumerate(devdata.folds([devdata.DevStory(i, Path(), "", ()) for i in sorted(by_id)])):
        held = {s.id for s in fold}
        model = fit([d for d in every if d.id not in held])
        for name, data in per_set.items():
            test = [d for d in data if d.id in held]
            pred = np.concatenate([model.score(d.x) for d in test])
            true = np.concatenate([d.y for d in test])
            firsts = lead_check(test, model)
            print(
                f"fold {k + 1} {name:<9} held-out correlation {np.corrcoef(pred, true)[0, 1]:.3f}; "
                "lead against the editors' first sentence, ROUGE-1 F1: "
                + ", ".join(f"{how} {100 * np.mean(v):.2f}" for how, v in firsts.items())
            )
    if args.check:
        return 0
    about = (
        f"ridge (alpha {ALPHA}) on {len(FEATURES)} sentence features and {len(LEAD_FEATURES)} lead features; "
        f"trained on {len(every)} stories ({', '.join(f'{n}: {len(d)}' for n, d in per_set.items())}); targets: "
        "ROUGE-1 precision of each source sentence against the editors' summary, and ROUGE-1 F1 of each "
        "lead candidate against the editors' first sentence; retrain with scripts/train_salience.py"
    )
    model = fit(every, about)
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS}")
    for head in (model.sentence, model.lead):
        for name, c in sorted(zip(head.features, head.coef), key=lambda t: -abs(t[1])):
            print(f"  {name:<20} {c:+.4f}")
    return 0


def lead_check(data: list[Example], model: SalienceModel) -> dict[str, list[float]]:
    """Per story, the ROUGE-1 F1 against the editors' first sentence of our lead (select.order:
    what most outlets open with, the lead head among equals), of the most salient candidate,
    and of the earliest (the lowest position)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    out: dict[str, list[float]] = {"our lead": [], "most salient": [], "earliest": []}
    for d in data:
        chosen = told(d.ev, select.plan(d.ev, model, restates=d.restates), DEFAULTS.words)
        if not chosen or not d.first:
            continue
        candidates = select.lead_candidates(d.ev, chosen)
        picks = {
            "our lead": select.order(d.ev, chosen, model)[0],
            "most salient": max(candidates, key=lambda c: c.score),
            "earliest": min(candidates, key=lambda c: (min(d.ev.sentences[i].position for i in c.evidence), -c.score)),
        }
        for how, claim in picks.items():
            out[how].append(scorer.score(d.first, d.ev.sentences[claim.representative].text)["rouge1"].fmeasure)
    return out


if __name__ == "__main__":
    raise SystemExit(main())

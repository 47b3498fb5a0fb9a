"""Retrain the same-measure model (digest/data/alignment.json) from the invented multi-source stories.

    .venv/bin/python scripts/train_alignment.py            # cross-validate, then train on all and write
    .venv/bin/python scripts/train_alignment.py --check    # cross-validated figures only

Each story goes through the product's own path (ingest, clean, evidence, the fact
layer), so the facts and sentence vectors seen in training are the ones the
briefing computes. Labels come from each story's truth.json:

- same measure: the values of a planted disagreement (its sides, and the copies of
  one side in several reports), and the values a truth calls equivalent or rounded;
- different measures: values a truth calls different quantities, and every other
  pair of figures (or dates) from two reports whose values cannot both be true:
  the writers planted every disagreement, so an unplanted clash is two things.

Pairs whose values agree and that no truth mentions are left out (most are one
fact told twice, but nothing says so). Folds are by story (GroupKFold, 5): a
story's pairs never serve to fit the model that scores them. The decision level
is the one with the best F1 over the held-out folds' pairs whose values clash, and
a model ships only if it beats the hand rule's F1 there and keeps its precision
within 0.1 of the rule's (a false disagreement misleads; a missed one does not). The model is a
logistic regression with balanced class weights (C = 1, not tuned).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import facts as bench  # noqa: E402

from digest import pipeline  # noqa: E402
from digest.brief import alignment, extras, measures  # noqa: E402
from digest.settings import DEFAULTS  # noqa: E402

WEIGHTS = ROOT / "digest" / "data" / "alignment.json"
SETS = ("dev", "heldout", "heldout2", "heldout3", "heldout4")


def _story_items(folder: Path) -> tuple[list[alignment.Item], dict[int, str]]:
    """The story's figures and dates as the briefing sees them, and each source's file name."""
    seen: dict = {}
    original = extras.build

    def capture(articles, ev, sentences, headline, calibration):
        seen["facts"] = measures.extract(extras.statements(articles, ev))
        seen["vectors"] = ev.vectors
        seen["files"] = {n: Path(a.origin).name for n, a in enumerate(articles, start=1)}
        return original(articles, ev, sentences, headline, calibration)

    extras.build = capture
    try:
        pipeline.run_brief([str(p) for p in bench.report_files(folder)], DEFAULTS.with_overrides(use_model=False))
    finally:
        extras.build = original
    if "facts" not in seen:
        return [], {}
    return alignment.items([f for f in seen["facts"] if f.analysed], seen["vectors"]), seen["files"]


def _in_files(file: str, wanted: set[str]) -> bool:
    """ "c.jsonl#2" is record 2 of a feed; "c.jsonl" any of its records."""
    return file in wanted or file.split("#")[0] in wanted


def _value_of(item: alignment.Item, kind: str, values: list[str]) -> bool:
    fact = item.fact
    if kind == "number" and not isinstance(fact, measures.Quantity):
        return False
    if kind == "date" and not isinstance(fact, measures.Moment):
        return False
    return any(bench.values_match(kind, v, fact.shown) for v in values)


def _labelled_groups(truth: dict, items: list[alignment.Item], files: dict[int, str]):
    """(same, different): lists of item-index groups; pairs across a `same` entry's groups are one
    measure, across a `different` entry's groups two measures."""
    same, different = [], []

    def members(kind: str, entry: dict) -> list[int]:
        wanted = bench.side_files(entry)
        vals = bench.side_values(entry)
        return [
            k for k, it in enumerate(items) if _in_files(files[it.fact.source], wanted) and _value_of(it, kind, vals)
        ]

    for c in truth.get("conflicts", []):
        if c["kind"] in ("number", "date"):
            same.append([members(c["kind"], side) for side in c["sides"]])
    for nc in truth.get("non_conflicts", []):
        kind = "date" if nc.get("kind") == "date" else "number"
        groups = [members(kind, v) for v in nc["values"]]
        (different if nc["relation"] == "different_quantities" else same).append(groups)
    return same, different


def examples(set_names: Sequence[str]) -> dict[str, tuple[list, list, list, list]]:
    """Per model ("quantity", "moment"): features, labels, story ids and whether the values
    agree, for every labelled pair."""
    out: dict[str, tuple[list, list, list, list]] = {"quantity": ([], [], [], []), "moment": ([], [], [], [])}
    for set_name in set_names:
        for folder in bench.story_folders(set_name):
            truth = bench.load_truth(folder)
            items, files = _story_items(folder)
            same, different = _labelled_groups(truth, items, files)
            label: dict[tuple[int, int], int] = {}
            for groups in same:
                flat = [k for g in groups for k in g]
                for i in flat:
                    for j in flat:
                        if i < j:
                            label[(i, j)] = 1
            for groups in different:
                for gi, g in enumerate(groups):
                    for h in groups[gi + 1 :]:
                        for i in g:
                            for j in h:
                                label.setdefault((min(i, j), max(i, j)), 0)
            story = f"{set_name}/{folder.name}"
            for i, a in enumerate(items):
                for j in range(i + 1, len(items)):
                    b = items[j]
                    if not alignment.comparable(a, b):
                        continue
                    y = label.get((i, j))
                    agree = alignment.values_agree(a.fact, b.fact)
                    if y is None:
                        if agree:
                            continue  # agreeing values nobody labelled: unknown
                        y = 0
                    name = "quantity" if isinstance(a.fact, measures.Quantity) else "moment"
                    out[name][0].append(alignment.features(a, b))
                    out[name][1].append(y)
                    out[name][2].append(story)
                    out[name][3].append(agree)
            print(f"  {story}: {len(items)} facts", file=sys.stderr)
    return out


def _fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    lr.fit((x - mean) / scale, y)
    return mean, scale, lr.coef_[0], float(lr.intercept_[0])


# The level is chosen for F1 on held-out clashing pairs, among the levels that keep held-out
# precision within PRECISION_SLACK of the rule's. A false "Sources differ" misleads the
# reader while a missed one leaves them where reading one report would, so a model ships
# only if it beats the rule's F1 at such a level.
BETA = 1.0
PRECISION_SLACK = 0.1


def _fbeta(prec: float, rec: float) -> float:
    b2 = BETA * BETA
    return (1 + b2) * prec * rec / (b2 * prec + rec) if prec + rec else 0.0


def _best_level(p: np.ndarray, y: np.ndarray, min_precision: float = 0.0) -> tuple[float, float, float, float]:
    """The level with the best F1 among those whose held-out precision is at least `min_precision`
    (if none reaches it, the best F1 of all: such a model does not ship)."""
    best = _best_level_from(p, y, min_precision)
    return best if best[1] > 0 else _best_level_from(p, y, 0.0)


def _best_level_from(p: np.ndarray, y: np.ndarray, min_precision: float) -> tuple[float, float, float, float]:
    best = (0.5, 0.0, 0.0, 0.0)
    for level in np.arange(0.05, 0.96, 0.01):
        pred = p >= level
        tp = float((pred & (y == 1)).sum())
        prec = tp / max(1.0, float(pred.sum()))
        rec = tp / max(1.0, float((y == 1).sum()))
        f = _fbeta(prec, rec)
        if prec >= min_precision and f > best[1] + 1e-12:
            best = (float(round(level, 2)), f, prec, rec)
    return best


def _f1(pred: np.ndarray, y: np.ndarray) -> tuple[float, int, int]:
    """F1, found and false pairs."""
    tp, fp = int((pred & (y == 1)).sum()), int((pred & (y == 0)).sum())
    prec, rec = tp / max(1, tp + fp), tp / max(1, int((y == 1).sum()))
    return _fbeta(prec, rec), tp, fp


def cross_validate(name: str, x: np.ndarray, y: np.ndarray, groups: np.ndarray, agree: np.ndarray) -> float | None:
    """Held-out figures per fold; the decision level, or None when the hand rule does better.

    What matters is the pairs whose values clash: each one the model calls one measure
    is a disagreement shown (agreeing values only gather sides). So the level is chosen
    for the F1 of clashing pairs, and the model ships only if it beats the rule there
    without losing more than PRECISION_SLACK of its precision."""
    from sklearn.model_selection import GroupKFold

    p = np.zeros(len(y))
    folds = GroupKFold(n_splits=5)
    for train, test in folds.split(x, y, groups):
        mean, scale, coef, intercept = _fit(x[train], y[train])
        model = alignment.PairModel(mean, scale, coef, intercept, 0.5)
        p[test] = [model.probability(row) for row in x[test]]
    clash = ~agree
    rule = x[:, alignment.FEATURES.index("rule_same")] > 0.5
    # The level may trade precision for recall only as far as the model may ship at all.
    level, _, _, _ = _best_level(p[clash], y[clash], _precision(rule[clash], y[clash]) - PRECISION_SLACK)
    print(f"{name}: {len(y)} pairs ({int(y.sum())} same measure; {int((clash & (y == 1)).sum())} of them clash)")
    results = {}
    for what, pred in (("hand rule", rule), (f"model at {level:.2f}", p >= level)):
        f_all, tp_all, fp_all = _f1(pred, y)
        f_clash, tp, fp = _f1(pred[clash], y[clash])
        results[what] = f_clash
        print(
            f"  {what:16s} all pairs F1 {f_all:.3f} ({tp_all} found, {fp_all} false); clashing F1 {f_clash:.3f} ({tp} found, {fp} false)"
        )
    for k, (_train, test) in enumerate(folds.split(x, y, groups)):
        c = clash[test]
        _, tp, fp = _f1((p[test] >= level)[c], y[test][c])
        _, rtp, rfp = _f1(rule[test][c], y[test][c])
        print(
            f"    fold {k + 1}: {int((y[test][c] == 1).sum())} clashing same; model {tp} found {fp} false; rule {rtp} found {rfp} false"
        )
    model_f, rule_f = results[f"model at {level:.2f}"], results["hand rule"]
    model_p, rule_p = _precision(p[clash] >= level, y[clash]), _precision(rule[clash], y[clash])
    print(f"  held-out clashing precision: model {model_p:.3f}, rule {rule_p:.3f}")
    if model_f <= rule_f or model_p < rule_p - PRECISION_SLACK:
        print(f"  the hand rule decides {name} pairs")
        return None
    return level


def _precision(pred: np.ndarray, y: np.ndarray) -> float:
    return float((pred & (y == 1)).sum()) / max(1, int(pred.sum()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="cross-validated figures only; write nothing")
    parser.add_argument("--sets", default=",".join(SETS), help="story sets to learn from (benchmarks/facts.py)")
    args = parser.parse_args(argv)
    data = examples(args.sets.split(","))
    out: dict = {"features": list(alignment.FEATURES), "sets": args.sets.split(",")}
    for name, (xs, ys, gs, agree) in data.items():
        x, y, g = np.asarray(xs, dtype=np.float64), np.asarray(ys), np.asarray(gs)
        level = cross_validate(name, x, y, g, np.asarray(agree, dtype=bool))
        mean, scale, coef, intercept = _fit(x, y)
        out[name] = None if level is None else alignment.PairModel(mean, scale, coef, intercept, level).to_json()
    if not args.check:
        WEIGHTS.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

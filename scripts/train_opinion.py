"""Retrain the outlets'-asides model (digest/data/opinion.json).

    .venv/bin/python scripts/train_opinion.py              # cross-validate, train on all, write the weights
    .venv/bin/python scripts/train_opinion.py --check      # cross-validated figures only
    .venv/bin/python scripts/train_opinion.py --check --real 40   # and the 40 surest flags on real reports

Examples come through the product's own path (ingest, clean, the brief stage's
evidence gathering), so the sentences and vectors seen in training are the ones
the briefing judges. Only the sentences the product asks about are examples:
showable ones with no speech verb (evidence.py).

- Asides, and plain sentences written beside them: every report of the invented
  multi-source stories (tests/fixtures/stories/dev, benchmarks/cases/heldout*).
  A sentence is positive when it holds a marker of one of its story's planted
  opinions (truth.json "opinions"), the asides an outlet tells in its own voice.
- Plain sentences of real news (when ../shared/devdata is there): a sentence of an
  AllSides or Multi-News report whose words the editors' neutral summary mostly
  uses (ROUGE-1 precision >= TOLD, as scripts/train_salience.py labels them) is
  one an editor told as fact: a negative. Without these, real reporting's many
  styles (background, analysis, a court's "dealt a sentence") read as asides to a
  model that has seen one writer's plain sentences.

The model is a logistic regression on the sentence embedding with balanced
class weights, read at 0.5 (opinion.THRESHOLD): asides are rare, and a missed
aside counts as much as all the sentences it could be confused with. Its C is
chosen by leave-one-set-out over the invented sets (best F1 at 0.5). The
figures printed are held out: each invented set is scored by a model that never
saw it (C chosen inside, nested), the way new stories written by someone else
would be; and each fold of the real stories (devdata.folds) by a model whose real
negatives come from the other folds: how much plain reporting it would hold back.
benchmarks/briefing.py trains the same fold models (`fit_model`) for its ROUGE runs.

The same model reads the parts between two commas (opinion.folded_parts) of the
sentences it does not flag whole; the check prints, held out, the parts it would
cut in the invented sets (a part is an aside when it holds a planted marker) and
in the real reports. Parts are not training examples: the invented sets hold two
planted folded asides, too few to learn a part's own shape from (adding them and
the real editor-told parts changed no held-out figure).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import devdata  # noqa: E402
import facts as bench  # noqa: E402
import train_salience  # noqa: E402

from digest.brief import evidence  # noqa: E402
from digest.brief.evidence import _SPEECH  # noqa: E402
from digest.brief.opinion import THRESHOLD, OpinionModel, folded_asides, folded_parts  # noqa: E402
from digest.pipeline import read_sources  # noqa: E402

WEIGHTS = ROOT / "digest" / "data" / "opinion.json"
SETS = ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
TOLD = 0.5  # the editors' summary uses more than half of the sentence's words


class Sentences(NamedTuple):
    texts: list[str]
    x: np.ndarray  # unit sentence vectors
    y: np.ndarray  # 1 = an outlet's aside
    story: list[str]


class Parts(NamedTuple):
    """The parts between two commas (opinion.folded_parts) of a set's sentences."""

    texts: list[str]
    x: np.ndarray
    y: np.ndarray  # 1 = holds a planted aside's marker
    sentence: np.ndarray  # the row of its sentence in the set's Sentences


def parts_of(texts: list[str], embedder, markers: list[list[str]] | None = None) -> Parts:
    rows, words, labels = [], [], []
    for k, text in enumerate(texts):
        for a, b in folded_parts(text):
            part = text[a + 1 : b - 1].strip()
            rows.append(k)
            words.append(part)
            labels.append(int(any(m in bench.fold(part) for m in (markers[k] if markers else []))))
    x = np.asarray(embedder.embed(words), dtype=np.float64) if words else np.zeros((0, 384))
    return Parts(words, x, np.array(labels, dtype=int), np.array(rows, dtype=int))


def candidates(ev: evidence.EvidenceSet) -> list[int]:
    """The sentences the product asks the model about (evidence.gather)."""
    return [e.index for e in ev.sentences if e.selectable and not _SPEECH.search(e.text)]


def invented(set_name: str, embedder) -> tuple[Sentences, Parts]:
    texts, rows, labels, stories, marked = [], [], [], [], []
    for folder in bench.story_folders(set_name):
        truth = bench.load_truth(folder)
        markers = [bench.fold(m) for o in truth.get("opinions", []) for m in o["markers"]]
        articles, _ = read_sources([str(p) for p in bench.report_files(folder)])
        ev = evidence.gather(tuple(articles), embedder)
        for i in candidates(ev):
            text = ev.sentences[i].text
            texts.append(text)
            rows.append(ev.vectors[i])
            labels.append(int(any(m in bench.fold(text) for m in markers)))
            stories.append(folder.name)
            marked.append(markers)
    x = np.array(rows, dtype=np.float64).reshape(len(rows), -1)
    return Sentences(texts, x, np.array(labels), stories), parts_of(texts, embedder, marked)


def editor_told(examples: list[train_salience.Example]) -> Sentences:
    """Real report sentences the editors' summary mostly uses: plain reporting (negatives)."""
    texts, rows, stories = [], [], []
    for d in examples:
        for i in candidates(d.ev):
            if d.y[i] >= TOLD:
                texts.append(d.ev.sentences[i].text)
                rows.append(d.ev.vectors[i])
                stories.append(d.id)
    x = np.array(rows, dtype=np.float64).reshape(len(rows), -1)
    return Sentences(texts, x, np.zeros(len(rows), dtype=int), stories)


def fit_model(
    data: dict[str, Sentences], told: Sentences, c: float, embedder_name: str, about: str = ""
) -> OpinionModel:
    """The product's model from invented examples and real negatives (benchmarks/briefing.py's folds too)."""
    parts = [*data.values(), told]
    lr = fit(np.vstack([d.x for d in parts if len(d.y)]), np.concatenate([d.y for d in parts]), c)
    return OpinionModel(embedder_name, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]), THRESHOLD, about, c)


def fit(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(x, y)


def choose_c(data: dict[str, Sentences], told: Sentences) -> float:
    """The C with the best F1 at THRESHOLD over the held-out invented sets, leave-one-set-out over `data`."""
    best, best_f1 = C_GRID[0], -1.0
    for c in C_GRID:
        tp = flagged = positives = 0
        for held in data:
            train = [d for name, d in data.items() if name != held] + [told]
            y = np.concatenate([d.y for d in train])
            if y.sum() == 0:
                continue
            flag = fit(np.vstack([d.x for d in train if len(d.y)]), y, c).predict_proba(data[held].x)[:, 1] >= THRESHOLD
            tp += int((flag & (data[held].y == 1)).sum())
            flagged += int(flag.sum())
            positives += int(data[held].y.sum())
        f1 = 2 * tp / (flagged + positives) if flagged + positives else 0.0
        if f1 > best_f1:
            best, best_f1 = c, f1
    return best


def cross_validate(data: dict[str, Sentences], told: Sentences, folded: dict[str, Parts]) -> list[str]:
    """Leave-one-set-out: each invented set scored by a model fitted (C chosen inside) on the others,
    on whole sentences and on the parts between commas of the sentences it does not flag."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    lines = []
    tp = fp = fn = 0
    part_right = part_false = either = 0
    for held in data:
        train = {name: d for name, d in data.items() if name != held}
        c = choose_c(train, told)
        parts = [*train.values(), told]
        model = fit(np.vstack([d.x for d in parts if len(d.y)]), np.concatenate([d.y for d in parts]), c)
        d = data[held]
        p = model.predict_proba(d.x)[:, 1]
        flag = p >= THRESHOLD
        t, f, n = int((flag & (d.y == 1)).sum()), int((flag & (d.y == 0)).sum()), int((~flag & (d.y == 1)).sum())
        tp, fp, fn = tp + t, fp + f, fn + n
        auc = roc_auc_score(d.y, p) if 0 < d.y.sum() < len(d.y) else float("nan")
        ap = average_precision_score(d.y, p) if d.y.sum() else float("nan")
        lines.append(
            f"{held:<9} sentences {len(d.y):>4}  asides {int(d.y.sum()):>3}  C {c:>5}  AUC {auc:.3f}  AP {ap:.3f}  "
            f"at p >= {THRESHOLD}: flagged {t + f:>3}, right {t:>3}, asides missed {n:>3}"
        )
        for i in np.nonzero(flag & (d.y == 0))[0]:
            lines.append(f"    false  {p[i]:.2f}  {d.texts[i][:150]}")
        found = flag & (d.y == 1)
        pt = folded[held]
        if len(pt.y):
            cut = (model.predict_proba(pt.x)[:, 1] >= THRESHOLD) & ~flag[pt.sentence]
            for k in np.nonzero(cut)[0]:
                right = bool(pt.y[k])
                part_right, part_false = part_right + right, part_false + (not right)
                lines.append(f"    {'cut' if right else 'false cut'}  {pt.texts[k][:140]}")
                if right:
                    found[pt.sentence[k]] = True
        either += int(found.sum())
        for i in np.nonzero(~found & (d.y == 1))[0]:
            lines.append(f"    missed {p[i]:.2f}  {d.texts[i][:150]}")
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    lines.append(
        f"invented sets, leave-one-set-out, whole sentences: precision {precision:.3f} ({tp}/{tp + fp}), "
        f"recall {recall:.3f} ({tp}/{tp + fn})"
    )
    lines.append(
        f"  parts between commas of the other sentences: {part_right + part_false} cut, {part_right} of them asides; "
        f"asides found whole or by a part: {either} of {tp + fn}"
    )
    return lines


def real_check(
    data: dict[str, Sentences], examples: list[train_salience.Example], c: float, embedder, show: int
) -> list[str]:
    """How much of the real reports each fold's model (its real negatives from the other folds) holds
    back or cuts."""
    by_id = {d.id: d for d in examples}
    stories = [devdata.DevStory(i, Path(), "", ()) for i in sorted(by_id)]
    flagged, asked, per_set, cuts = [], 0, {}, []
    name = embedder.name
    for fold in devdata.folds(stories):
        held = {s.id for s in fold}
        model = fit_model(data, editor_told([d for d in examples if d.id not in held]), c, name)
        for sid in sorted(held):
            d = by_id[sid]
            rows = candidates(d.ev)
            asked += len(rows)
            p = model.probability(d.ev.vectors[rows]) if rows else np.zeros(0)
            hits = [(float(pi), sid, d.ev.sentences[i].text) for i, pi in zip(rows, p) if pi >= model.threshold]
            flagged += hits
            rest = {i: d.ev.sentences[i].text for i, pi in zip(rows, p) if pi < model.threshold}
            for i, text in folded_asides(model, rest, embedder.embed).items():
                cuts.append((sid, rest[i], text))
            key = sid.split("-")[0]
            a, f = per_set.get(key, (0, 0))
            per_set[key] = (a + len(rows), f + len(hits))
    lines = [
        f"real reports, held-out folds: {len(flagged)} of {asked} sentences asked flagged ({len(flagged) / max(asked, 1):.1%})"
    ]
    lines += [f"  {key}: {f} of {a} ({f / max(a, 1):.1%})" for key, (a, f) in sorted(per_set.items())]
    lines.append(f"  and {len(cuts)} sentences lose a part between commas (opinion.folded_asides)")
    flagged.sort(key=lambda f: -f[0])
    lines += [f"  {p:.2f}  {sid:<20} {text[:160]}" for p, sid, text in flagged[:show]]
    for sid, before, after in cuts[:show]:
        lines += [f"  cut {sid:<20} {before[:160]}", f"   -> {after[:160]}"]
    return lines


def real_examples(embedder) -> list[train_salience.Example]:
    """The real dev stories with their sentence labels (none when ../shared/devdata is absent)."""
    out: list[train_salience.Example] = []
    for name in devdata.SETS:
        try:
            out += train_salience.examples(devdata.load(name), embedder)
        except FileNotFoundError as err:
            print(f"{name}: skipped ({err})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="cross-validate only; do not write the weights")
    parser.add_argument("--real", type=int, default=0, metavar="N", help="show the N surest flags on real reports")
    args = parser.parse_args(argv)
    from digest.models import load_embedder

    embedder = load_embedder()
    read = {name: invented(name, embedder) for name in SETS}
    data = {name: d for name, (d, _) in read.items() if len(d.y)}
    folded = {name: parts for name, (_, parts) in read.items() if name in data}
    examples = real_examples(embedder)
    told = editor_told(examples)
    print(
        f"invented: {sum(len(d.y) for d in data.values())} sentences, {sum(int(d.y.sum()) for d in data.values())} asides; "
        f"real plain sentences (editors' summary uses >= {TOLD:.0%} of their words): {len(told.y)}"
    )
    for line in cross_validate(data, told, folded):
        print(line)
    c = choose_c(data, told)
    print(f"chosen C {c}")
    if examples:
        for line in real_check(data, examples, c, embedder, args.real):
            print(line)
    if args.check:
        return 0
    about = (
        f"logistic regression (C {c}, chosen leave-one-set-out; balanced class weights) on {embedder.name} sentence "
        f"vectors; trained on {sum(len(d.y) for d in data.values())} unattributed showable sentences of the invented "
        f"stories ({', '.join(data)}), {sum(int(d.y.sum()) for d in data.values())} of them planted asides, and "
        f"{len(told.y)} real report sentences an editors' summary mostly uses; retrain with scripts/train_opinion.py"
    )
    model = fit_model(data, told, c, embedder.name, about)
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    WEIGHTS.write_text(json.dumps(model.to_json()) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

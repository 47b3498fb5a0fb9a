"""Story clustering on the dev windows, beside a TF-IDF + average-linkage baseline, and 10,000 articles.

    .venv/bin/python benchmarks/clustering.py                 # everything (about 6 minutes)
    .venv/bin/python benchmarks/clustering.py --part quality  # one part, prints JSON
    .venv/bin/python benchmarks/clustering.py --part synthetic --n 5000

Parts, each in its own process so that its peak memory (max RSS) is its own:

* quality: the product path, `digest.pipeline.group` (dedupe + cluster + threads; its `stories`, scored here, are what
  `digest cluster` prints), on the AllSides dev windows 1-6 (each with its dates moved by a
  seeded -30 h..+6 h per article, read as JSON Lines, and as the plain-text pile without
  dates), the same-topic pile (hard negatives) both ways, the older five-month pile and
  Multi-News (full-length, untitled, undated). B-cubed precision, recall and F1 per pile. In the
  same run the baseline: TF-IDF of title + text, agglomerative clustering (cosine, average
  linkage) with ONE distance threshold, the one with the best mean F1 over all twelve window
  piles (1-6, both ways; this flatters it: its threshold is chosen on the piles it is scored on,
  while our held-out figures are not). Planted duplicates (`duplicates.json` of each dated
  window) are checked: found, missed, false.
* synthetic: 10,000 articles made of real dev sentences, shuffled; the product path, model
  loading and embeddings included; wall and CPU time and peak RSS (and at 5,000 to show
  that memory grows linearly).

The shipped same-story model is trained on windows 1-6 and the same-topic pile
(scripts/train_cluster.py), so its figures there are in-sample. Each dev pile is therefore also
scored by the same product path with the fold model that never saw it (`--fold-dir`, default
build/cluster-folds, written by scripts/train_cluster.py: fitted on the six other folds, its
setting chosen by leave-one-fold-out over those six): the held-out figure, which the targets are
read on first. Dev data is read from ../shared/devdata, never copied.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import piles

from digest.types import Article

FOLD_DIR = ROOT / "build" / "cluster-folds"
TARGET_UNDATED = 0.93
TARGET_DATED = 0.95
TARGET_SAME_TOPIC = 0.92

# ---------------------------------------------------------------- scoring


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items of `gold`; an item without a prediction
    (a record the product could not read) counts as a story of its own."""
    pred = {k: pred.get(k, "lost:" + k) for k in gold}
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for k in gold:
        by_pred[pred[k]].add(k)
        by_gold[gold[k]].add(k)
    p = r = 0.0
    for k in gold:
        same = len(by_pred[pred[k]] & by_gold[gold[k]])
        p += same / len(by_pred[pred[k]])
        r += same / len(by_gold[gold[k]])
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_product(
    arts: list[Article], embedder, model_file: Path | None = None
) -> tuple[dict[str, str], list[tuple[str, str]], float]:
    """The product's path: what `digest cluster` calls. Story per article id, duplicate pairs, seconds.
    With `model_file`, the same path with that same-story model instead of the shipped one (a fold model)."""
    from contextlib import nullcontext

    from digest.cluster import use_model
    from digest.pipeline import group
    from digest.settings import DEFAULTS

    t0 = time.perf_counter()
    with use_model(model_file) if model_file else nullcontext():
        stories = group(arts, embedder, DEFAULTS).stories
    took = time.perf_counter() - t0
    pred, dups = {}, []
    for s in stories:
        for a in s.articles:
            pred[a.id] = s.id
        for d in s.duplicates:
            pred[d.article.id] = s.id
            dups.append((d.article.id, d.of))
    return pred, dups, took


def run_baseline(arts: list[Article], distance: float) -> dict[str, str]:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [f"{a.title or ''}. {a.text}" for a in arts]
    )
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    ).fit_predict(x.toarray())
    return {a.id: str(label) for a, label in zip(arts, labels)}


# ---------------------------------------------------------------- parts


def quality_piles() -> list[tuple[str, piles.Pile, str, str | None]]:
    """(row name, pile, kind, fold) with kind 'undated', 'dated', 'same_topic' or 'extra', and the
    training fold the pile belongs to (None: no fold, never trained on)."""
    out: list[tuple[str, piles.Pile, str, str | None]] = []
    for w in range(1, 7):
        fold = f"window_{w}"
        out.append((f"window {w}, no dates", piles.window(f"window_{w}_nodates"), "undated", fold))
        out.append((f"window {w}, dates jittered", piles.jittered(piles.window(fold)), "dated", fold))
    same = piles.window("same_topic")
    out.append(("same_topic, no dates", piles.undated(same), "same_topic", "same_topic"))
    out.append(("same_topic, dates jittered", piles.jittered(same), "same_topic", "same_topic"))
    out.append(("5-month pile, dates jittered", piles.jittered(_old_pile()), "extra", None))
    out.append(("Multi-News full-length, no dates", piles.mds(piles.MULTINEWS, "multinews"), "extra", None))
    return out


def _old_pile() -> piles.Pile:
    """The older `clusters/` pile (60 stories over five months)."""
    folder = piles.ALLSIDES / "clusters"
    labels = json.loads((folder / "labels.json").read_text())
    meta = json.loads((folder / "meta.json").read_text())
    records = []
    for fn in sorted(labels):
        head, _, body = (folder / "articles" / fn).read_text(encoding="utf-8").partition("\n")
        m = meta.get(fn, {})
        records.append({"title": head.strip(), "text": body.strip(), "date": m.get("date"), "source": m.get("source")})
    read = piles._read(records, "clusters")
    gold = {(a.id if a else f"lost:{k}"): labels[fn] for k, (fn, a) in enumerate(zip(sorted(labels), read))}
    return piles.Pile("clusters", [a for a in read if a], gold, [])


def fold_files(fold_dir: Path | None) -> dict[str, Path]:
    """Fold name -> fold model file (`fold-<fold>.json`, written by scripts/train_cluster.py)."""
    if fold_dir is None or not fold_dir.is_dir():
        return {}
    return {p.stem.removeprefix("fold-"): p for p in sorted(fold_dir.glob("fold-*.json"))}


def part_quality(fold_dir: Path | None) -> dict:
    import numpy as np

    from digest.models import load_embedder

    embedder = load_embedder()
    folds = fold_files(fold_dir)
    for path in folds.values():
        if json.loads(path.read_text())["embedder"] != embedder.name:
            sys.exit(f"{path}: trained with another embedder than {embedder.name}")
    rows = []
    todo = quality_piles()
    # baseline threshold: best mean F1 over the twelve window piles
    grid = [round(float(t), 3) for t in np.arange(0.60, 0.951, 0.025)]
    window_piles = [(n, p) for n, p, kind, _ in todo if kind in ("undated", "dated")]
    mean_f1 = {
        t: float(np.mean([bcubed(run_baseline(p.articles, t), p.gold)[2] for _, p in window_piles])) for t in grid
    }
    distance = max(grid, key=lambda t: (round(mean_f1[t], 4), -t))
    dup_rows = []
    for name, pile, kind, fold in todo:
        pred, dups, took = run_product(pile.articles, embedder)
        base = run_baseline(pile.articles, distance)
        row = {
            "set": name,
            "kind": kind,
            "fold": fold,
            "docs": len(pile.gold),
            "ours": bcubed(pred, pile.gold),
            "baseline": bcubed(base, pile.gold),
            "seconds": round(took, 2),
        }
        if fold in folds:  # the same product path with the fold model that never saw this pile
            row["held_out"] = bcubed(run_product(pile.articles, embedder, folds[fold])[0], pile.gold)
        rows.append(row)
        if pile.duplicates or dups:
            planted = {frozenset(d) for d in pile.duplicates}
            found = {frozenset(d) for d in dups}
            dup_rows.append(
                {
                    "set": name,
                    "planted": len(planted),
                    "found": len(planted & found),
                    "false": len(found - planted),
                }
            )
    return {
        "rows": rows,
        "duplicates": dup_rows,
        "baseline_distance": distance,
        "folds": {k: str(v) for k, v in folds.items()},
        "peak_rss_mb": round(peak_mb(), 1),
    }


def synthetic_articles(n: int = 10_000, seed: int = 7) -> list[Article]:
    """Articles made of real dev sentences, shuffled: realistic words and lengths, no real stories."""
    from digest.clean import article_id

    rng = random.Random(seed)
    pool = sorted({s for a in piles.mds(piles.ALLSIDES / "mds-all.jsonl", "pool").articles for s in a.sentences})
    pool = [s for s in pool if len(s.split()) >= 5]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        title = " ".join(rng.choice(pool).split()[:14]).rstrip(".")
        sents = rng.sample(pool, rng.randint(4, 16))
        paras = tuple(" ".join(sents[k : k + 3]) for k in range(0, len(sents), 3))
        origin = f"synthetic/{i:05d}.txt"
        out.append(
            Article(
                id=article_id(origin, paras),
                origin=origin,
                url=None,
                outlet=None,
                title=title,
                author=None,
                published=start + timedelta(minutes=rng.randint(0, 30 * 24 * 60)),
                language="en",
                paragraphs=paras,
                sentences=tuple(sents),
            )
        )
    return out


def part_synthetic(n: int) -> dict:
    from digest.models import load_embedder
    from digest.pipeline import group
    from digest.settings import DEFAULTS

    arts = synthetic_articles(n)
    arts = arts[: n - n // 100] + [replace(a, id=a.id + "c", origin=a.origin + ".copy") for a in arts[: n // 100]]
    base_rss = peak_mb()
    c0 = time.process_time()  # CPU time of all threads: less skewed by other work on a shared machine
    t0 = time.perf_counter()
    embedder = load_embedder()
    t1 = time.perf_counter()
    stories = group(arts, embedder, DEFAULTS).stories
    t2 = time.perf_counter()
    sizes = sorted((len(s.articles) for s in stories), reverse=True)
    return {
        "articles": len(arts),
        "total_s": round(t2 - t0, 1),
        "cpu_s": round(time.process_time() - c0, 1),
        "model_load_s": round(t1 - t0, 1),
        "stories": len(stories),
        "largest_story": sizes[0] if sizes else 0,
        "duplicates": sum(len(s.duplicates) for s in stories),
        "rss_before_mb": round(base_rss, 1),
        "peak_rss_mb": round(peak_mb(), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["quality", "synthetic"], help="run one part in this process and print JSON")
    ap.add_argument("--n", type=int, default=10_000, help="articles for the synthetic part")
    ap.add_argument(
        "--fold-dir",
        type=Path,
        default=FOLD_DIR,
        help="fold models of scripts/train_cluster.py (default build/cluster-folds): score each dev pile "
        "also with the model that did not see it",
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the Multi-News page clean rejects is scored as lost
    if not piles.WINDOWS.is_dir():
        sys.exit(f"{piles.WINDOWS}: dev data not found")
    if args.part == "quality":
        print(json.dumps(part_quality(args.fold_dir)))
        return
    if args.part == "synthetic":
        print(json.dumps(part_synthetic(args.n)))
        return
    for name, extra in (
        ("quality", ["--fold-dir", str(args.fold_dir)]),
        ("synthetic", ["--n", "10000"]),
        ("synthetic", ["--n", "5000"]),
    ):
        proc = subprocess.run([sys.executable, __file__, "--part", name, *extra], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"part {name} failed:\n{proc.stderr[-2000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        report_quality(result) if name == "quality" else report_synthetic(result)
        sys.stdout.flush()


def _target(row: dict) -> float | None:
    return {"undated": TARGET_UNDATED, "dated": TARGET_DATED, "same_topic": TARGET_SAME_TOPIC}.get(row["kind"])


def _verdict(row: dict, f: float) -> str:
    t = _target(row)
    return "" if t is None else f"{'met' if f >= t and f > row['baseline'][2] else 'MISSED'}"


def report_quality(q: dict) -> None:
    print("B-cubed, product path (digest.pipeline.group(...).stories) vs TF-IDF + average linkage")
    print(f"(baseline distance threshold {q['baseline_distance']}: its best mean F1 over windows 1-6, both ways)")
    print(
        "held-out: each pile scored with the fold model that never saw it (scripts/train_cluster.py, nested "
        "leave-one-fold-out);\nshipped: the shipped model, trained on windows 1-6 and same_topic (in-sample there; "
        "the 5-month pile and Multi-News are never trained on)\n"
    )
    if not q["folds"]:
        print("NO FOLD MODELS FOUND (run scripts/train_cluster.py): every dev-window figure below is in-sample\n")
    head = (
        f"{'pile':<34} {'docs':>5}  {'held-out P':>10} {'R':>6} {'F1':>6}   {'shipped P':>9} {'R':>6} {'F1':>6}   "
        f"{'base P':>6} {'R':>6} {'F1':>6}  target: held-out / shipped"
    )
    print(head)
    for r in q["rows"]:
        (p, rr, f), (bp, br, bf) = r["ours"], r["baseline"]
        if "held_out" in r:
            hp, hr, hf = r["held_out"]
            held = f"{hp:>10.3f} {hr:>6.3f} {hf:>6.3f}"
        else:
            held = f"{'-':>10} {'-':>6} {'-':>6}"
        t = _target(r)
        verdict = (
            ""
            if t is None
            else f"{t:.2f} {_verdict(r, r['held_out'][2]) if 'held_out' in r else '-'} / {_verdict(r, f)}"
        )
        print(
            f"{r['set']:<34} {r['docs']:>5}  {held}   {p:>9.3f} {rr:>6.3f} {f:>6.3f}   {bp:>6.3f} {br:>6.3f} {bf:>6.3f}  {verdict}"
        )
    for label, kinds in (
        ("windows 1-6, no dates", ("undated",)),
        ("windows 1-6, dates jittered", ("dated",)),
        ("same_topic, both ways", ("same_topic",)),
    ):
        sel = [r for r in q["rows"] if r["kind"] in kinds]
        held_f1 = [r["held_out"][2] for r in sel if "held_out" in r]
        held_s = f"held-out {sum(held_f1) / len(held_f1):.3f}" if len(held_f1) == len(sel) else "held-out -"
        ours = sum(r["ours"][2] for r in sel) / len(sel)
        base = sum(r["baseline"][2] for r in sel) / len(sel)
        print(f"mean F1 {label:<28} {held_s}  shipped {ours:.3f}  baseline {base:.3f}")
    print("\nplanted duplicates (exact and near), shipped model:")
    for d in q["duplicates"]:
        print(f"  {d['set']:<34} planted {d['planted']}, found {d['found']}, false {d['false']}")
    print(f"peak RSS (quality part) {q['peak_rss_mb']:.0f} MB")


def report_synthetic(s: dict) -> None:
    print(
        f"\nsynthetic: {s['articles']} articles of shuffled dev sentences (1% exact copies): {s['total_s']} s wall, "
        f"{s['cpu_s']} s CPU (model load {s['model_load_s']} s); peak RSS {s['peak_rss_mb']:.0f} MB "
        f"({s['rss_before_mb']:.0f} MB before clustering); {s['stories']} stories, largest {s['largest_story']}, "
        f"{s['duplicates']} duplicates"
    )


if __name__ == "__main__":
    main()

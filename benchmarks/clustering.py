"""Score story clustering on the dev pile, beside a TF-IDF + agglomerative baseline,
and time 10,000 synthetic articles.

    .venv/bin/python benchmarks/clustering.py            # everything
    .venv/bin/python benchmarks/clustering.py --part dev  # one part

Parts, each run in its own process so that its peak memory (max RSS) is its own:

* dev: ours (the default configuration, nothing tuned here) on
  ../shared/devdata/allsides-dev/clusters, B-cubed P/R/F1, docs/s, peak RSS.
  Also, to see that the default does not lean on the dev pile's quirks: the
  same pile with dates jittered by -36 h..+6 h (the dev dates are the
  roundup's, one per story, kinder than real article dates), with dates
  hidden, titles only ("short excerpts"), the other
  60 AllSides stories in mds.jsonl (not used for tuning), and both piles
  mixed (more same-topic-different-story pairs).
* baseline: TF-IDF of title + text, agglomerative clustering (cosine, average
  linkage). Its distance threshold is swept and the best F1 is reported,
  which flatters the baseline.
* synthetic: 10,000 articles made of real dev sentences, shuffled; dedupe +
  cluster, model loading and embeddings included.

The dev data is read from ../shared/devdata and never copied into the repo.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "devdata" / "allsides-dev"

from digest.types import Article

# ---------------------------------------------------------------- data


def split_sentences(text: str) -> list[str]:
    try:
        from nupunkt import sent_tokenize

        return [s.strip() for s in sent_tokenize(text) if s.strip()]
    except ImportError:  # pragma: no cover
        return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text) if s.strip()]


def make_article(origin: str, title: str, body: str, published: datetime | None, outlet: str | None = None) -> Article:
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())
    sentences = tuple(s for p in paragraphs for s in split_sentences(p))
    aid = hashlib.blake2b(f"{origin}\n{title}\n{body}".encode(), digest_size=8).hexdigest()
    return Article(
        id=aid,
        origin=origin,
        url=None,
        outlet=outlet,
        title=title or None,
        author=None,
        published=published,
        language="en",
        paragraphs=paragraphs,
        sentences=sentences,
    )


def parse_date(s: str | None) -> datetime | None:
    if not s:
        return None
    try:
        d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def load_clusters_pile() -> tuple[list[Article], dict[str, str]]:
    folder = DEV / "clusters"
    labels = json.loads((folder / "labels.json").read_text())
    meta = json.loads((folder / "meta.json").read_text())
    arts, gold = [], {}
    for name in sorted(labels):
        text = (folder / "articles" / name).read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        m = meta.get(name, {})
        a = make_article(f"clusters/{name}", title.strip(), body.strip(), parse_date(m.get("date")), m.get("source"))
        arts.append(a)
        gold[a.id] = labels[name]
    return arts, gold


def load_mds_pile() -> tuple[list[Article], dict[str, str]]:
    arts, gold = [], {}
    for line in (DEV / "mds.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        story = json.loads(line)
        for k, d in enumerate(story["documents"]):
            a = make_article(
                f"mds/{story['id']}/{k}",
                (d.get("title") or "").strip(),
                (d.get("text") or "").strip(),
                parse_date(d.get("date")),
                d.get("source"),
            )
            arts.append(a)
            gold[a.id] = f"mds-{story['id']}"
    return arts, gold


def hide_dates(arts: list[Article]) -> list[Article]:
    from dataclasses import replace

    return [replace(a, published=None) for a in arts]


def jitter_dates(arts: list[Article], seed: int = 0) -> list[Article]:
    """Real articles of one story come out over a day or so, not at the roundup's one time."""
    from dataclasses import replace

    rng = random.Random(seed)
    return [
        replace(a, published=a.published + timedelta(hours=rng.uniform(-36, 6))) if a.published else a for a in arts
    ]


def titles_only(arts: list[Article]) -> list[Article]:
    from dataclasses import replace

    return [replace(a, paragraphs=(), sentences=()) for a in arts]


# ---------------------------------------------------------------- scoring


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items of `gold`."""
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


def run_ours(arts: list[Article], embedder) -> tuple[dict[str, str], float]:
    from digest.cluster import cluster
    from digest.dedupe import dedupe

    t0 = time.perf_counter()
    stories = cluster(dedupe(arts), embedder)
    took = time.perf_counter() - t0
    pred = {}
    for s in stories:
        for a in s.articles:
            pred[a.id] = s.id
        for d in s.duplicates:
            pred[d.article.id] = s.id
    return pred, took


# ---------------------------------------------------------------- parts


def part_dev() -> dict:
    from digest.models import load_embedder

    t0 = time.perf_counter()
    embedder = load_embedder()
    load_s = time.perf_counter() - t0
    arts, gold = load_clusters_pile()
    marts, mgold = load_mds_pile()
    out = {"model_load_s": round(load_s, 2), "rows": []}
    variants = [
        ("dev clusters (default)", arts, gold),
        ("dev clusters, dates jittered", jitter_dates(arts), gold),
        ("dev clusters, dates hidden", hide_dates(arts), gold),
        ("dev clusters, titles only", titles_only(arts), gold),
        ("mds stories (held out)", marts, mgold),
        ("mds stories, dates hidden", hide_dates(marts), mgold),
        ("both piles mixed", arts + marts, {**gold, **mgold}),
        ("both piles mixed, dates hidden", hide_dates(arts + marts), {**gold, **mgold}),
    ]
    for name, a, g in variants:
        if name != variants[0][0]:
            embedder._cache.clear() if hasattr(embedder, "_cache") else None  # time real embedding work
        pred, took = run_ours(a, embedder)
        p, r, f = bcubed(pred, g)
        out["rows"].append({"set": name, "docs": len(a), "P": p, "R": r, "F1": f, "docs_per_s": len(a) / took})
    out["peak_rss_mb"] = round(peak_mb(), 1)
    return out


def part_baseline() -> dict:
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = []
    for name, (arts, gold) in (("dev clusters", load_clusters_pile()), ("mds stories (held out)", load_mds_pile())):
        texts = [f"{a.title or ''}. {a.text}" for a in arts]
        best = None
        for thr in np.arange(0.5, 0.96, 0.05):
            t0 = time.perf_counter()
            x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts).toarray()
            lab = AgglomerativeClustering(
                n_clusters=None, metric="cosine", linkage="average", distance_threshold=float(thr)
            ).fit_predict(x)
            took = time.perf_counter() - t0
            p, r, f = bcubed({a.id: str(label) for a, label in zip(arts, lab)}, gold)
            if best is None or f > best["F1"]:
                best = {
                    "set": name,
                    "docs": len(arts),
                    "P": p,
                    "R": r,
                    "F1": f,
                    "docs_per_s": len(arts) / took,
                    "distance_threshold": round(float(thr), 2),
                }
        rows.append(best)
    return {"rows": rows, "peak_rss_mb": round(peak_mb(), 1)}


def synthetic_articles(n: int = 10_000, seed: int = 7) -> list[Article]:
    """Articles made of real dev sentences, shuffled: realistic words and lengths, no real stories."""
    rng = random.Random(seed)
    pool = []
    for arts in (load_clusters_pile()[0], load_mds_pile()[0]):
        for a in arts:
            pool.extend(s for s in a.sentences if len(s.split()) >= 5)
    pool = sorted(set(pool))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        title = " ".join(rng.choice(pool).split()[:14]).rstrip(".")
        sents = rng.sample(pool, rng.randint(4, 16))
        paras = [" ".join(sents[k : k + 3]) for k in range(0, len(sents), 3)]
        when = start + timedelta(minutes=rng.randint(0, 30 * 24 * 60))
        out.append(make_article(f"synthetic/{i:05d}.txt", title, "\n\n".join(paras), when))
    return out


def part_synthetic() -> dict:
    from digest.cluster import cluster
    from digest.dedupe import dedupe
    from digest.models import load_embedder

    arts = synthetic_articles()
    c0 = time.process_time()  # CPU time of all threads: less skewed by other work on a shared machine
    t0 = time.perf_counter()
    embedder = load_embedder()
    t1 = time.perf_counter()
    deduped = dedupe(arts)
    t2 = time.perf_counter()
    stories = cluster(deduped, embedder)
    t3 = time.perf_counter()
    sizes = sorted((len(s.articles) for s in stories), reverse=True)
    return {
        "articles": len(arts),
        "total_s": round(t3 - t0, 1),
        "cpu_s": round(time.process_time() - c0, 1),
        "model_load_s": round(t1 - t0, 1),
        "dedupe_s": round(t2 - t1, 1),
        "cluster_s": round(t3 - t2, 1),
        "duplicates": len(deduped.duplicates),
        "stories": len(stories),
        "largest_story": sizes[0] if sizes else 0,
        "peak_rss_mb": round(peak_mb(), 1),
    }


PARTS = {"dev": part_dev, "baseline": part_baseline, "synthetic": part_synthetic}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=sorted(PARTS), help="run one part in this process and print JSON")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if not DEV.is_dir():
        sys.exit(f"{DEV}: dev data not found")
    if args.part:
        print(json.dumps(PARTS[args.part]()))
        return
    results = {}
    for name in ("dev", "baseline", "synthetic"):
        proc = subprocess.run([sys.executable, __file__, "--part", name], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"part {name} failed:\n{proc.stderr[-2000:]}")
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    report(results)


def report(res: dict) -> None:
    print("B-cubed on AllSides dev piles (default configuration, no per-corpus tuning)\n")
    print(f"{'method':<10} {'set':<32} {'docs':>5} {'P':>6} {'R':>6} {'F1':>6} {'docs/s':>8}")
    for who, rows in (("ours", res["dev"]["rows"]), ("baseline", res["baseline"]["rows"])):
        for r in rows:
            extra = f"  (best distance threshold {r['distance_threshold']})" if "distance_threshold" in r else ""
            print(
                f"{who:<10} {r['set']:<32} {r['docs']:>5} {r['P']:>6.3f} {r['R']:>6.3f} {r['F1']:>6.3f} {r['docs_per_s']:>8.1f}{extra}"
            )
    print(
        f"\npeak RSS: ours {res['dev']['peak_rss_mb']:.0f} MB (model loaded in {res['dev']['model_load_s']} s), "
        f"baseline {res['baseline']['peak_rss_mb']:.0f} MB"
    )
    s = res["synthetic"]
    print(
        f"\nsynthetic: {s['articles']} articles of shuffled dev sentences: {s['total_s']} s total, {s['cpu_s']} s CPU "
        f"(model load {s['model_load_s']} s, dedupe {s['dedupe_s']} s, cluster incl. embeddings {s['cluster_s']} s), "
        f"peak RSS {s['peak_rss_mb']:.0f} MB; {s['stories']} stories, largest {s['largest_story']}, "
        f"{s['duplicates']} duplicates"
    )


if __name__ == "__main__":
    main()

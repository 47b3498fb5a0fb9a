"""Train the cleaner's block models and write their weights (digest/clean/extraction_model.json).

    python scripts/train_extraction.py [--data ../shared/devdata] [--folds 5] [--fold-dir build/extraction-folds]

Data: ../shared/devdata/extraction-news (1,500 pages with gold article text) and
../shared/devdata/extraction-snippets (884 pages with gold snippets), read in place,
never copied. Labels: a block is report text when most of its word 4-grams occur in
the gold text (a short block: when it and its neighbour's words run on in the gold);
on the snippet set, a block holding a `with` snippet is report, one holding a
`without` snippet is not, the rest is left out of training.

Two models, gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier):
  page  blocks of an HTML page (digest.clean.html.read_page, then describe)
  text  lines of a page's text rendered with inscriptis (digest.clean.text.line_analysis)

Cross-validation: pages are split into folds by their site (host of the URL; a page
without URL is its own site), so no site is in training and test at once. Each fold's
models are written to --fold-dir, where benchmarks/extraction.py --folds finds them
and runs the product path on the held-out pages with them. Figures printed here are
block-level; the page-level figures come from the benchmark.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import os
import pickle
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

# One thread: on a shared machine OpenMP threads waiting on each other cost more than they bring,
# and one thread gives the same trees on every machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from digest.clean.model import LINE_FEATURES, PAGE_FEATURES, tokens  # noqa: E402

DEVDATA = REPO.parent / "shared" / "devdata"
OUT = REPO / "digest" / "clean" / "extraction_model.json"
FOLD_DIR = REPO / "build" / "extraction-folds"

log = logging.getLogger("train")


@dataclass
class Page:
    ident: str
    dataset: str  # dragnet, l3s-gn1, readability, cleanportaleval, snippets
    site: str
    x: np.ndarray  # features, one row per block
    y: np.ndarray  # 1 report, 0 not, -1 unknown
    weight: np.ndarray
    texts: list[str] = field(default_factory=list)
    gold: str = ""
    blocks: list | None = None  # the page's Blocks (page model), for the context pass

    @property
    def chars(self) -> np.ndarray:
        return np.asarray([len(t) for t in self.texts], dtype=np.float64)

    def with_context(self, first: np.ndarray) -> Page:
        """The same page with the context of a first-pass verdict appended to its features."""
        from digest.clean.model import context_features

        x = np.hstack([self.x, context_features(first, self.chars, self.blocks)])
        return Page(self.ident, self.dataset, self.site, x, self.y, self.weight, self.texts, self.gold, self.blocks)


def fold_of(site: str, folds: int) -> int:
    """A site's fold, from a hash of its name: stable across runs and machines."""
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % folds


def site_of(url: str | None, ident: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.lower().removeprefix("www.")
    return host or f"page:{ident}"


# ---------------------------------------------------------------- labels


def gold_labels(texts: list[str], gold: str) -> np.ndarray:
    """1 when a block is gold report text, else 0 (see the module docstring)."""
    gold_tokens = [t.lower() for t in tokens(gold)]
    grams = {tuple(gold_tokens[i : i + 4]) for i in range(len(gold_tokens) - 3)}
    joined = " " + " ".join(gold_tokens) + " "
    block_tokens = [[t.lower() for t in tokens(text)] for text in texts]
    labels = np.zeros(len(texts), dtype=np.int8)
    for i, toks in enumerate(block_tokens):
        if len(toks) >= 4:
            own = [tuple(toks[j : j + 4]) for j in range(len(toks) - 3)]
            labels[i] = sum(1 for g in own if g in grams) >= 0.5 * len(own)
        elif toks:
            before = block_tokens[i - 1][-3:] if i > 0 else []
            after = block_tokens[i + 1][:3] if i + 1 < len(block_tokens) else []
            runs = [before + toks, toks + after] if before or after else [toks]
            labels[i] = any(len(r) > len(toks) and (" " + " ".join(r) + " ") in joined for r in runs)
    return labels


def snippet_labels(texts: list[str], gold: dict) -> np.ndarray:
    norm = [" ".join(t.split()) for t in texts]
    labels = np.full(len(texts), -1, dtype=np.int8)
    for snippet in gold["without"]:
        s = " ".join(snippet.split())
        for i, t in enumerate(norm):
            if s and s in t:
                labels[i] = 0
    for snippet in gold["with"]:
        s = " ".join(snippet.split())
        for i, t in enumerate(norm):
            if s and s in t:
                labels[i] = 1
    return labels


def block_weights(texts: list[str], labels: np.ndarray) -> np.ndarray:
    """Each page counts once; within it, a block counts by its length (as the page score does)."""
    w = np.array([min(len(tokens(t)), 200) + 4.0 for t in texts])
    w[labels < 0] = 0.0
    total = w.sum()
    return w / total if total else w


# ---------------------------------------------------------------- reading the data


def decode(data: bytes) -> str:
    from digest.ingest.read import ReadError, decode

    try:
        return decode(data)[0]
    except ReadError:
        return data.decode("utf-8", errors="replace")


def news_pages(root: Path) -> list[tuple[str, str, str, str, str | None]]:
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for ident in sorted(gold):
        entry = gold[ident]
        html = decode(gzip.decompress((root / "html" / f"{ident}.html.gz").read_bytes()))
        out.append((ident, entry["set"], html, entry["articleBody"], entry.get("url")))
    return out


def snippet_pages(root: Path) -> list[tuple[str, str, dict, str]]:
    gold = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    out = []
    for url, entry in gold.items():
        path = root / "html" / f"{entry['file']}.gz"
        if path.exists():
            out.append((entry["file"], decode(gzip.decompress(path.read_bytes())), entry, url))
    return out


@dataclass
class Source:
    """What the slow part of the analysis gives for one page: kept in the cache."""

    ident: str
    dataset: str
    site: str
    gold: str
    snippets: dict | None
    page: object  # digest.clean.html.PageAnalysis before describe(), or None
    rendered: str


def read_sources(args) -> list[Source]:
    """Parse every page and render it to text once (cached with --cache: parsing is the slow part)."""
    from digest.clean.html import read_page

    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        with open(cache, "rb") as f:
            return pickle.load(f)
    render = _renderer()
    sources: list[Source] = []
    started = time.perf_counter()
    for ident, dataset, html, gold, url in news_pages(args.data / "extraction-news")[: args.limit]:
        sources.append(Source(ident, dataset, site_of(url, ident), gold, None, read_page(html), render(html)))
    log.info("extraction-news read in %.0f s", time.perf_counter() - started)
    for ident, html, snippets, url in snippet_pages(args.data / "extraction-snippets")[: args.limit]:
        sources.append(Source(ident, "snippets", site_of(url, ident), "", snippets, read_page(html), render(html)))
    log.info("all pages read in %.0f s", time.perf_counter() - started)
    if cache:
        with open(cache, "wb") as f:
            pickle.dump(sources, f)
    return sources


def analyse(args) -> tuple[list[Page], list[Page]]:
    """Features and labels of every block (page model) and every line (text model)."""
    from digest.clean.html import describe
    from digest.clean.text import line_analysis

    page_rows: list[Page] = []
    line_rows: list[Page] = []
    for src in read_sources(args):
        if args.only != "text" and src.page is not None and src.page.blocks:
            page = describe(src.page)
            texts = [b.text for b in page.blocks]
            y = snippet_labels(texts, src.snippets) if src.snippets else gold_labels(texts, src.gold)
            page_rows.append(
                Page(
                    src.ident,
                    src.dataset,
                    src.site,
                    page.features,
                    y,
                    block_weights(texts, y),
                    texts,
                    src.gold,
                    page.blocks,
                )
            )
        lines = line_analysis(src.rendered) if src.rendered and args.only != "page" else None
        if lines is not None:
            y = snippet_labels(lines.texts, src.snippets) if src.snippets else gold_labels(lines.texts, src.gold)
            line_rows.append(
                Page(
                    src.ident,
                    src.dataset,
                    src.site,
                    lines.features,
                    y,
                    block_weights(lines.texts, y),
                    lines.texts,
                    src.gold,
                )
            )
    return page_rows, line_rows


def _renderer():
    import inscriptis

    def render(html: str) -> str:
        html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses a str with an encoding declaration
        try:
            return inscriptis.get_text(html)
        except (RecursionError, ValueError):
            return ""

    return render


# ---------------------------------------------------------------- training


def fit(pages: list[Page], args):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([p.x for p in pages])
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.weight for p in pages])
    known = y >= 0
    model = HistGradientBoostingClassifier(
        max_iter=args.trees,
        learning_rate=args.learning_rate,
        max_depth=args.depth,
        max_leaf_nodes=2**args.depth,
        min_samples_leaf=args.min_leaf,
        l2_regularization=1.0,
        random_state=0,
    )
    model.fit(x[known], y[known], sample_weight=w[known] * len(pages))
    return model


def dump(model, features: tuple[str, ...], threshold: float) -> dict:
    """The fitted trees as plain lists (what digest.clean.model.TreeModel reads)."""
    trees = []
    for (predictor,) in model._predictors:  # one tree per iteration for a binary task
        nodes = predictor.nodes
        if nodes.dtype.names is None or "num_threshold" not in nodes.dtype.names:
            raise RuntimeError("scikit-learn's tree layout changed; update dump()")
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            {
                "feature": [(-1 if leaf[i] else int(nodes["feature_idx"][i])) for i in range(len(nodes))],
                "threshold": [float(t) for t in nodes["num_threshold"]],
                "left": [(-1 if leaf[i] else int(nodes["left"][i])) for i in range(len(nodes))],
                "right": [(-1 if leaf[i] else int(nodes["right"][i])) for i in range(len(nodes))],
                "value": [round(float(v), 6) for v in nodes["value"]],
                "depth": int(nodes["depth"].max()),
            }
        )
    return {
        "features": list(features),
        "bias": float(np.ravel(model._baseline_prediction)[0]),
        "learning_rate": 1.0,  # scikit-learn stores leaf values already shrunk
        "threshold": threshold,
        "trees": trees,
    }


def page_scores(pages: list[Page], probabilities: list[np.ndarray], threshold: float) -> tuple[float, float, float]:
    """Mean precision and recall of word 4-grams over pages (the benchmark's measure, on blocks)."""
    from collections import Counter

    def shingles(text: str) -> Counter:
        toks = tokens(text)
        if len(toks) < 4:
            return Counter([tuple(toks)]) if toks else Counter()
        return Counter(tuple(toks[i : i + 4]) for i in range(len(toks) - 3))

    ps, rs = [], []
    for page, prob in zip(pages, probabilities):
        if not page.gold:
            continue
        text = "\n".join(t for t, p in zip(page.texts, prob) if p >= threshold)
        g, s = shingles(page.gold), shingles(text)
        tp = sum((g & s).values())
        if s:
            ps.append(tp / sum(s.values()))
        if g:
            rs.append(tp / sum(g.values()))
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def fit_two_passes(pages: list[Page], args):
    """The first pass, and the context pass trained on out-of-fold first-pass verdicts.

    The context pass must learn from first-pass verdicts on pages the first pass did not
    see (as at run time), so the training pages are split in two halves by site and each
    half gets the verdict of a first pass trained on the other.
    """
    half = [fold_of("half:" + p.site, 2) for p in pages]
    verdicts: dict[int, np.ndarray] = {}
    for h in (0, 1):
        model = fit([p for p, g in zip(pages, half) if g != h], args)
        for p, g in zip(pages, half):
            if g == h:
                verdicts[id(p)] = _proba(model, p.x)
    first = fit(pages, args)
    second = fit([p.with_context(verdicts[id(p)]) for p in pages], args)
    return first, second


def _proba(model, x: np.ndarray) -> np.ndarray:
    return model.predict_proba(x)[:, 1] if len(x) else np.zeros(0)


def best_threshold(held: list[tuple[Page, np.ndarray]]) -> float:
    """The threshold with the best page score on held-out news pages (0.3 to 0.7)."""
    pages, probabilities = [p for p, _ in held], [q for _, q in held]
    best = max((page_scores(pages, probabilities, t)[2], t) for t in np.arange(0.3, 0.71, 0.05))
    return round(float(best[1]), 2)


def print_table(title: str, held: list[tuple[Page, np.ndarray]], threshold: float, folds: int) -> None:
    print(f"\n{title} (threshold {threshold}):")
    print(f"  {'fold':<6}{'set':<17}{'pages':>6}{'P':>7}{'R':>7}{'F1':>7}")
    datasets = sorted({p.dataset for p, _ in held if p.gold})
    for k in [*range(folds), "all"]:
        for dataset in [*datasets, "news"]:
            chosen = [
                (p, q)
                for p, q in held
                if p.gold and (k == "all" or fold_of(p.site, folds) == k) and dataset in ("news", p.dataset)
            ]
            if chosen:
                pr, rc, f1 = page_scores([p for p, _ in chosen], [q for _, q in chosen], threshold)
                print(f"  {k!s:<6}{dataset:<17}{len(chosen):>6}{pr:>7.3f}{rc:>7.3f}{f1:>7.3f}")


def cross_validate(kind: str, pages: list[Page], features, args) -> tuple[dict, list[dict]]:
    """Fit both passes per fold; print held-out figures per fold and per set; return the final dumps."""
    from digest.clean.model import CONTEXT_FEATURES

    held_first: list[tuple[Page, np.ndarray]] = []
    held: list[tuple[Page, np.ndarray]] = []
    fold_models = []
    for k in range(args.folds):
        train = [p for p in pages if fold_of(p.site, args.folds) != k]
        test = [p for p in pages if fold_of(p.site, args.folds) == k]
        first, second = fit_two_passes(train, args)
        fold_models.append((first, second))
        for p in test:
            q = _proba(first, p.x)
            held_first.append((p, q))
            held.append((p, _proba(second, p.with_context(q).x)))
        log.info("%s fold %d: trained on %d pages, %d held out", kind, k, len(train), len(test))
    first_threshold, threshold = best_threshold(held_first), best_threshold(held)
    print_table(f"{kind} model, first pass only, held-out pages", held_first, first_threshold, args.folds)
    print_table(f"{kind} model, with the context pass, held-out pages", held, threshold, args.folds)
    fold_dumps = [
        {kind: dump(f, features, first_threshold), f"{kind}_context": dump(s, features + CONTEXT_FEATURES, threshold)}
        for f, s in fold_models
    ]
    first, second = fit_two_passes(pages, args)
    final = {
        kind: dump(first, features, first_threshold),
        f"{kind}_context": dump(second, features + CONTEXT_FEATURES, threshold),
    }
    return final, fold_dumps


_TREES = {"page": 40, "text": 100}
_LEARNING_RATE = {"page": 0.3, "text": 0.2}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEVDATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold-dir", type=Path, default=FOLD_DIR)
    parser.add_argument("--cache", help="pickle of the analysed pages, to re-train quickly")
    # Fewer, larger steps than scikit-learn's default (100 at 0.1): a full run fits each model
    # 24 times (5 folds and the final, two passes, two halves), and must finish within an hour
    # on two shared cores. The page model has about twice the rows of the text model.
    parser.add_argument("--trees", type=int, help="trees per model (default: page 40, text 100)")
    parser.add_argument("--depth", type=int, default=5)
    parser.add_argument("--learning-rate", type=float, help="(default: page 0.3, text 0.2)")
    parser.add_argument("--min-leaf", type=int, default=40)
    parser.add_argument(
        "--only",
        choices=["page", "text"],
        help="train one model only (the two can run side by side with their own --out and --fold-dir)",
    )
    parser.add_argument("--limit", type=int, help="read only the first N pages of each data set (a quick check)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("trafilatura", "htmldate", "charset_normalizer", "digest"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    if not (args.data / "extraction-news" / "ground-truth.json").exists():
        print(f"no devdata at {args.data}; nothing to train on.")
        return 1
    page_rows, line_rows = analyse(args)
    out: dict = {"trained_on": "extraction-news + extraction-snippets", "folds": args.folds}
    folds: list[dict] = [{} for _ in range(args.folds)]
    for kind, rows, features in (("page", page_rows, PAGE_FEATURES), ("text", line_rows, LINE_FEATURES)):
        if args.only and args.only != kind:
            continue
        kind_args = argparse.Namespace(**vars(args))
        kind_args.trees = args.trees or _TREES[kind]
        kind_args.learning_rate = args.learning_rate or _LEARNING_RATE[kind]
        final, fold_dumps = cross_validate(kind, rows, features, kind_args)
        for k, d in enumerate(fold_dumps):
            folds[k].update(d)
        out.update(final)
    if args.only and args.out.exists():
        previous = json.loads(args.out.read_text(encoding="utf-8"))
        out = {**previous, **out}
    args.fold_dir.mkdir(parents=True, exist_ok=True)
    for k, fold in enumerate(folds):
        path = args.fold_dir / f"fold{k}.json"
        previous = json.loads(path.read_text(encoding="utf-8")) if args.only and path.exists() else {}
        path.write_text(json.dumps({**previous, **fold, "fold": k, "folds": args.folds}), encoding="utf-8")
    args.out.write_text(json.dumps(out, separators=(",", ":")), encoding="utf-8")
    print(f"\nwrote {args.out} ({args.out.stat().st_size // 1024} KiB) and {args.folds} fold files in {args.fold_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

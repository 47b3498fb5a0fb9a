"""Score main-text extraction: ours (the product path) against trafilatura, in one run.

Data (read in place from ../shared/devdata, never copied):
  extraction-news      1,500 news and blog pages with gold article text, in four sets
                       (dragnet, l3s-gn1, readability, cleanportaleval). Score per page:
                       word 4-gram shingles, precision and recall averaged over pages,
                       F1 from the two means (the set's README).
  extraction-snippets  884 pages with gold snippets that must be kept (`with`) or dropped
                       (`without`); precision, recall, F1 over snippets.

Variants, page by page in turn, in this process:
  ours          digest.clean.clean() on the RawDocument ingest makes of the page bytes
                (what `digest clean page.html` runs), with the shipped weights. Those were
                trained on these very pages: an in-sample figure, shown for completeness.
  ours-cv       the same product path, with the weights of the fold that did NOT see the
                page's site (scripts/train_extraction.py writes them to build/extraction-folds).
                This is the honest figure; targets are read on it.
  text-cv       the page rendered to text with inscriptis, read as a text file by ingest,
                cleaned by digest.clean.clean() (the text cleaner), held-out fold weights.
  trafilatura   trafilatura.extract(page bytes) with its defaults.
  traf-nocomm   trafilatura.extract(page bytes, include_comments=False).
  everything    the whole inscriptis render, kept as it is (a floor: what cleaning adds).

Speed is pages per second of CPU time (time.process_time) spent in the variant's own
call, so that other work on a shared machine does not skew the comparison. Run from
the repository root:

    .venv/bin/python benchmarks/extraction.py [--limit N] [--every K] [--only news|snippets] [--fast]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEVDATA = REPO.parent / "shared" / "devdata"
FOLD_DIR = REPO / "build" / "extraction-folds"
NEWS_SETS = ("dragnet", "l3s-gn1", "readability", "cleanportaleval")
_TOKEN = re.compile(r"\w+")

# ---------------------------------------------------------------- scoring


def shingles(text: str) -> Counter:
    toks = _TOKEN.findall(text)
    if len(toks) < 4:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i : i + 4]) for i in range(len(toks) - 3))


@dataclass
class ShingleScore:
    """Means over pages of shingle precision (pages with output) and recall (pages with gold)."""

    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)
    pages: int = 0

    def add(self, gold: str, output: str) -> None:
        g, p = shingles(gold), shingles(output)
        tp = sum((g & p).values())
        if not g and not p:
            self.precisions.append(1.0)
            self.recalls.append(1.0)
        else:
            if p:
                self.precisions.append(tp / sum(p.values()))
            if g:
                self.recalls.append(tp / sum(g.values()))
        self.pages += 1

    @property
    def precision(self) -> float:
        return sum(self.precisions) / len(self.precisions) if self.precisions else 0.0

    @property
    def recall(self) -> float:
        return sum(self.recalls) / len(self.recalls) if self.recalls else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class SnippetScore:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    pages: int = 0

    def add(self, gold: dict, output: str) -> None:
        text = " ".join(output.split())
        for snippet in gold["with"]:
            if " ".join(snippet.split()) in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in gold["without"]:
            self.fp += " ".join(snippet.split()) in text
        self.pages += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# ---------------------------------------------------------------- pages and folds


@dataclass
class Page:
    ident: str
    group: str  # a news set, or "snippets"
    site: str
    raw: bytes
    gold: object  # gold text (news) or the snippet entry
    english: bool = True


def site_of(url: str | None, ident: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.lower().removeprefix("www.")
    return host or f"page:{ident}"


def fold_of(site: str, folds: int) -> int:
    """Same split as scripts/train_extraction.py: a hash of the site's name."""
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % folds


_STOP = {
    "en": set("the and of to a in is that for it was on with as are be by this at from have has not but or".split()),
    "de": set("der die das und ist nicht zu den von mit sich des auf für im dem ein eine auch es an als".split()),
}


def is_english(text: str) -> bool:
    words = re.findall(r"[a-zäöüß]+", text.lower())
    en = sum(w in _STOP["en"] for w in words)
    return en >= 2 and en > sum(w in _STOP["de"] for w in words)


def load_news(root: Path) -> list[Page]:
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for ident in sorted(gold):
        entry = gold[ident]
        raw = gzip.decompress((root / "html" / f"{ident}.html.gz").read_bytes())
        pages.append(
            Page(
                ident,
                entry["set"],
                site_of(entry.get("url"), ident),
                raw,
                entry["articleBody"],
                is_english(entry["articleBody"]),
            )
        )
    return pages


def load_snippets(root: Path) -> list[Page]:
    gold = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in gold.items():
        path = root / "html" / f"{entry['file']}.gz"
        if path.exists():
            raw = gzip.decompress(path.read_bytes())
            pages.append(
                Page(
                    entry["file"],
                    "snippets",
                    site_of(url, entry["file"]),
                    raw,
                    entry,
                    is_english(" ".join(entry["with"])),
                )
            )
    return pages


# ---------------------------------------------------------------- variants


def run_ours(page: Page, raw: bytes, name: str) -> str:
    """The product path: ingest's RawDocument for the bytes, then digest.clean.clean."""
    from digest.clean import CleanError, clean
    from digest.ingest import documents_from_bytes
    from digest.types import RawDocument

    texts = []
    for doc in documents_from_bytes(page.ident, raw, name=name):
        if isinstance(doc, RawDocument):
            with suppress(CleanError):
                texts.append(clean(doc).text)
    return "\n\n".join(texts)


def render(raw: bytes) -> str:
    import inscriptis

    from digest.ingest.read import ReadError, decode

    try:
        html = decode(raw)[0]
    except ReadError:
        html = raw.decode("utf-8", errors="replace")
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses a str with an encoding declaration
    try:
        text = inscriptis.get_text(html)
        if not text.strip() and re.search(r"</head\s*>", html, re.I):
            # A broken <title> or <script> in the head makes lxml read the whole page as its
            # head, and inscriptis shows nothing of it; a browser shows the body. Read without it.
            text = inscriptis.get_text(re.sub(r"(?is)<head\b.*?</head\s*>", "", html, count=1))
        return text
    except (RecursionError, ValueError) as err:
        logging.getLogger(__name__).warning("inscriptis failed: %s", err)
        return ""


def evaluate(pages: list[Page], args) -> tuple[dict, dict, dict]:
    """Scores per (variant, group), CPU seconds per variant, and per-fold scores of the -cv variants."""
    import trafilatura

    folds = _fold_files(args.fold_dir)
    variants: dict[str, Callable[[Page], str]] = {}
    if not args.fast:
        variants["ours"] = lambda p: run_ours(p, p.raw, "page.html")
    if folds:
        variants["ours-cv"] = lambda p: _with_fold(folds, p, lambda: run_ours(p, p.raw, "page.html"))
        variants["text-cv"] = lambda p: _with_fold(
            folds, p, lambda: run_ours(p, p.rendered.encode("utf-8"), "page.txt")
        )
    elif args.fast:
        variants["ours"] = lambda p: run_ours(p, p.raw, "page.html")
    if "text-cv" not in variants:
        variants["text"] = lambda p: run_ours(p, p.rendered.encode("utf-8"), "page.txt")
    variants["trafilatura"] = lambda p: trafilatura.extract(p.raw) or ""
    variants["traf-nocomm"] = lambda p: trafilatura.extract(p.raw, include_comments=False) or ""
    variants["everything"] = lambda p: p.rendered

    scores: dict = {}
    seconds: Counter = Counter()
    counted: Counter = Counter()
    for page in pages:
        page.rendered = render(page.raw)  # type: ignore[attr-defined]  (not timed)
        fold = fold_of(page.site, len(folds)) if folds else None
        groups = [page.group, "news" if page.group != "snippets" else "snippets-all"]
        if page.english:
            groups.append("news-en" if page.group != "snippets" else "snippets-en")
        for name, run in variants.items():
            started = time.process_time()
            try:
                output = run(page)
            except Exception as err:  # a benchmark records a failure and goes on
                logging.getLogger(__name__).warning("%s failed on %s: %s", name, page.ident, err)
                output = ""
            seconds[name] += time.process_time() - started
            counted[name] += 1
            targets = [(name, g) for g in groups]
            if fold is not None and name.endswith("-cv"):
                targets += [(f"{name}@{fold}", g) for g in groups]
            for key in targets:
                score = scores.get(key)
                if score is None:
                    score = scores[key] = SnippetScore() if page.group == "snippets" else ShingleScore()
                score.add(page.gold, output)
    # "everything" is the render, which is not timed: no speed to show.
    speed = {name: counted[name] / seconds[name] for name in seconds if seconds[name] and name != "everything"}
    return scores, speed, {"folds": len(folds)}


def _fold_files(fold_dir: Path) -> list[Path]:
    files = sorted(fold_dir.glob("fold*.json"), key=lambda p: int(p.stem[4:]))
    return files


def _with_fold(folds: list[Path], page: Page, run: Callable[[], str]) -> str:
    from digest.clean.model import use_weights

    with use_weights(folds[fold_of(page.site, len(folds))]):
        return run()


# ---------------------------------------------------------------- report


def report(scores: dict, speed: dict, info: dict, groups: list[str]) -> str:
    variants = list(dict.fromkeys(name for name, _ in scores if "@" not in name))
    lines = []
    for group in groups:
        present = [v for v in variants if (v, group) in scores]
        if not present:
            continue
        n = scores[(present[0], group)].pages
        lines.append(f"\n{group} ({n} pages)   " + "".join(f"{v:>14}" for v in present))
        for metric in ("precision", "recall", "f1"):
            lines.append(f"  {metric:<22}" + "".join(f"{getattr(scores[(v, group)], metric):>14.3f}" for v in present))
    lines.append("\npages/s (CPU time in the variant's own call)")
    lines.append("  " + "".join(f"{v:>14}" for v in speed) + "\n  " + "".join(f"{speed[v]:>14.1f}" for v in speed))
    if "trafilatura" in speed:
        for v in ("ours", "ours-cv"):
            if v in speed:
                lines.append(f"  {v} / trafilatura: {speed[v] / speed['trafilatura']:.0%}")
    folds = info.get("folds", 0)
    if folds:
        lines.append(f"\nper fold (held-out sites, {folds} folds; F1, pages in brackets)")
        for name in ("ours-cv", "text-cv"):
            for group in groups:
                row = []
                for k in range(folds):
                    s = scores.get((f"{name}@{k}", group))
                    row.append(f"{s.f1:.3f} ({s.pages:>3})" if s else "      -     ")
                if any(scores.get((f"{name}@{k}", group)) for k in range(folds)):
                    lines.append(f"  {name:<8}{group:<16}" + "  ".join(row))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEVDATA)
    parser.add_argument("--fold-dir", type=Path, default=FOLD_DIR)
    parser.add_argument("--only", choices=["news", "snippets"])
    parser.add_argument("--limit", type=int, default=None, help="the first N pages of each data set")
    parser.add_argument("--fast", action="store_true", help="skip the in-sample 'ours' run")
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        help="score every K-th page of each data set (news in id order, a hash: an even spread over its sets)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("trafilatura", "htmldate", "charset_normalizer", "digest"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)

    pages: list[Page] = []
    news, snippets = args.data / "extraction-news", args.data / "extraction-snippets"
    if args.only != "snippets" and (news / "ground-truth.json").exists():
        pages += load_news(news)[:: args.every][: args.limit]
    if args.only != "news" and (snippets / "evaldata.json").exists():
        pages += load_snippets(snippets)[:: args.every][: args.limit]
    if not pages:
        print(f"extraction benchmark: no devdata at {args.data}; nothing to score.")
        return 0
    if not _fold_files(args.fold_dir):
        print(f"no fold weights in {args.fold_dir}: run scripts/train_extraction.py for held-out figures")
    started = time.perf_counter()
    scores, speed, info = evaluate(pages, args)
    print(f"{len(pages)} pages scored in {time.perf_counter() - started:.0f} s")
    groups = ["news", *NEWS_SETS, "news-en", "snippets-all", "snippets-en"]
    print(report(scores, speed, info, groups))
    return 0


if __name__ == "__main__":
    sys.exit(main())

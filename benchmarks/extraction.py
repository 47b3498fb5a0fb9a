"""Score main-text extraction on the snippet set in ../shared/devdata/extraction-snippets.

Each page comes with gold snippets: `with` snippets belong to the main text,
`without` snippets are boilerplate. A kept `with` snippet is a true positive, a
missed one a false negative; a kept `without` snippet is a false positive. This
is the way trafilatura's own evaluation counts, so the figures compare directly.

Variants scored in one run, page by page in turn. Speed is pages per second of
CPU time (time.process_time), so that other processes on a busy machine do not
skew the comparison.
  trafilatura   trafilatura.extract() with its defaults
  ours-html     digest.clean.html.extract_html()
  ours-text     the page rendered to text with inscriptis, then
                digest.clean.text.clean_text() (the render itself is not timed)

Run from the repository root:
    .venv/bin/python benchmarks/extraction.py [--limit N] [--lang en|all]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_DATA = REPO.parent / "shared" / "devdata" / "extraction-snippets"

# A page counts as English when its gold snippets hold clearly more English
# stop words than German or French ones (the set is about half German).
_STOP = {
    "en": set(
        "the and of to a in is that for it was on with as are be by this at from "
        "have has not but or an they their he she his her we you which were been "
        "will would there what who all one about more can when".split()
    ),
    "de": set(
        "der die das und ist nicht zu den von mit sich des auf für im dem ein eine "
        "auch es an als wird bei sind nach aus wie oder er sie wir noch nur einer "
        "werden hat zum zur über".split()
    ),
    "fr": set(
        "le la les et des du un une est que qui dans pour pas sur au avec ce il "
        "elle sont par plus nous vous aux".split()
    ),
}


def snippet_language(snippets: list[str]) -> str:
    """Guess the page language from its gold snippets by stop-word counts."""
    words = re.findall(r"[a-zäöüßéèàç]+", " ".join(snippets).lower())
    counts = {lang: sum(w in stop for w in words) for lang, stop in _STOP.items()}
    best = max(counts, key=counts.get)
    others = max(c for lang, c in counts.items() if lang != best)
    return best if counts[best] >= 2 and counts[best] > others else "other"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    seconds: float = 0.0
    pages: int = 0
    failures: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (url, snippet)
    leaks: list[tuple[str, str]] = field(default_factory=list)

    def add(self, url: str, output: str, gold: dict, seconds: float) -> None:
        text = normalise(output)
        for snippet in gold["with"]:
            if normalise(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
                self.misses.append((url, snippet))
        for snippet in gold["without"]:
            if normalise(snippet) in text:
                self.fp += 1
                self.leaks.append((url, snippet))
            else:
                self.tn += 1
        self.seconds += seconds
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

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, dict]]:
    """(url, html, gold) for every evaluation entry whose page is present."""
    from trafilatura.utils import decode_file  # same decoding for every variant

    gold_by_url = json.loads((data / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, gold in gold_by_url.items():
        path = data / "html" / f"{gold['file']}.gz"
        if not path.exists():
            continue
        pages.append((url, decode_file(gzip.decompress(path.read_bytes())), gold))
        if limit and len(pages) >= limit:
            break
    return pages


def run_trafilatura(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def run_ours_html(html: str, url: str) -> str:
    from digest.clean.html import extract_html

    return "\n".join(extract_html(html).paragraphs)


def run_ours_text(text: str, url: str) -> str:
    from digest.clean.text import clean_text

    return "\n".join(clean_text(text).paragraphs)


def render_text(html: str) -> str:
    import inscriptis

    try:
        return inscriptis.get_text(html)
    except (RecursionError, ValueError) as err:  # pathological pages
        logging.getLogger(__name__).warning("inscriptis failed: %s", err)
        return ""


def evaluate(pages, variants: dict[str, Callable[[str, str], str]], text_variants=()) -> dict:
    """Run every variant on every page; returns {(variant, "all"|"en"): Score}."""
    scores: dict[tuple[str, str], Score] = {}
    for url, html, gold in pages:
        lang = "en" if snippet_language(gold["with"]) == "en" else "other"
        rendered = render_text(html) if text_variants else ""
        for name, run in variants.items():
            source = rendered if name in text_variants else html
            start = time.process_time()
            try:
                output = run(source, url)
                failed = False
            except Exception as err:  # a benchmark records failures, it does not stop
                logging.getLogger(__name__).warning("%s failed on %s: %s", name, url, err)
                output, failed = "", True
            seconds = time.process_time() - start
            for group in ("all", "en") if lang == "en" else ("all",):
                score = scores.setdefault((name, group), Score())
                score.add(url, output, gold, seconds)
                score.failures += failed
    return scores


def table(scores: dict, groups: list[str]) -> str:
    lines = [f"{'variant':<14} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8}  (TP/FN/FP/TN)"]
    for group in groups:
        lines.append(f"-- {'English pages' if group == 'en' else 'all pages'}")
        for (name, g), s in scores.items():
            if g != group:
                continue
            lines.append(
                f"{name:<14} {s.pages:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} "
                f"{s.pages_per_second:>8.1f}  ({s.tp}/{s.fn}/{s.fp}/{s.tn})"
                + (f" failures={s.failures}" if s.failures else "")
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument(
        "--lang",
        choices=["en", "all"],
        default="all",
        help="'en': English pages only; 'all': all pages and English pages",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="devdata folder")
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="print N missed and N leaked snippets per variant (English pages)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")

    if not (args.data / "evaldata.json").exists():
        print(f"extraction benchmark: no devdata at {args.data}; nothing to score.")
        return 0

    pages = load_pages(args.data, None if args.lang == "en" else args.limit)
    if args.lang == "en":
        pages = [p for p in pages if snippet_language(p[2]["with"]) == "en"][: args.limit or None]
    variants = {"trafilatura": run_trafilatura, "ours-html": run_ours_html, "ours-text": run_ours_text}
    try:
        import inscriptis  # noqa: F401  (dev extra)
    except ImportError:
        print("inscriptis is not installed (pip install -e '.[dev]'): skipping ours-text")
        del variants["ours-text"]
    started = time.perf_counter()
    scores = evaluate(pages, variants, text_variants={"ours-text"} & set(variants))
    print(f"{len(pages)} pages from {args.data} ({time.perf_counter() - started:.0f} s)")
    print(table(scores, ["en"] if args.lang == "en" else ["all", "en"]))
    for name in variants:
        score = scores.get((name, "en"))
        if args.show_errors and score:
            print(f"\n== {name}: missed (first {args.show_errors})")
            for url, snippet in score.misses[: args.show_errors]:
                print(f"  {url}  {snippet[:90]!r}")
            print(f"== {name}: leaked boilerplate (first {args.show_errors})")
            for url, snippet in score.leaks[: args.show_errors]:
                print(f"  {url}  {snippet[:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the brief stage against editors' summaries (AllSides dev stories).

    .venv/bin/python benchmarks/briefing.py [--limit N] [--model NAME] [--extractive] [--no-naive] [--naive-limit N]

For each story in `../shared/devdata/allsides-dev/mds.jsonl` (never copied into
the repo) it scores, with ROUGE-1/2/Lsum F1 against `reference_summary`:

- ours: `digest.brief.brief` with the generator (or none with --extractive);
- lead-2: the first two sentences of each source;
- naive: the generator given the whole story and asked for a cited briefing
  (the approach models.md warns about), skipped with --no-naive. It is slow
  (~18 s a story), so --naive-limit N runs it on the first N stories only, and
  ours and lead-2 are then also reported on that same subset.

It also reports the share of our sentences with a number, date or name found
in none of their cited sources (target 0), the share written by the model vs
taken from a source, and seconds per story.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digest.brief import BriefStats, brief, stated_days
from digest.brief.verify import unsupported
from digest.pipeline import brief_context
from digest.settings import DEFAULTS
from digest.types import Article, Story

DEFAULT_DATA = ROOT.parent / "shared" / "devdata" / "allsides-dev" / "mds.jsonl"


def split_sentences(text: str) -> list[str]:
    try:
        from digest.clean.sentences import split_sentences as split
    except ImportError:  # clean not available: Punkt directly
        from nupunkt import sent_tokenize

        return [s for p in re.split(r"\n\s*\n", text) for s in sent_tokenize(" ".join(p.split())) if s.strip()]
    return split(text)


def load_stories(path: Path) -> list[tuple[Story, str]]:
    """Each line becomes a Story of plain-text Articles (the excerpts are already clean text)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        articles = []
        for i, doc in enumerate(record["documents"], start=1):
            text = doc.get("text") or ""
            paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())
            published = datetime.fromisoformat(doc["date"]) if doc.get("date") else None
            articles.append(
                Article(
                    id=f"{record['id']}-{i}",
                    origin=f"{path.name}#{record['id']}/{i}",
                    url=doc.get("url"),
                    outlet=doc.get("source"),
                    title=doc.get("title"),
                    author=None,
                    published=published,
                    language="en",
                    paragraphs=paragraphs,
                    sentences=tuple(split_sentences("\n\n".join(paragraphs))),
                )
            )
        story = Story(record["id"], articles[0].title or record["id"], tuple(articles), (), ())
        out.append((story, record["reference_summary"]))
    return out


def lead2(story: Story) -> list[str]:
    return [s for a in story.articles for s in a.sentences[:2]]


def naive(generator, story: Story) -> str:
    reports = "\n\n".join(
        f"[{n}] {a.outlet or ''}: {a.title or ''}\n{a.text}" for n, a in enumerate(story.articles, start=1)
    )
    prompt = (
        f"Here are {len(story.articles)} news reports about one story.\n\n{reports}\n\n"
        "Write a 100-word briefing of these reports with [n] citations."
    )
    return generator.generate([{"role": "user", "content": prompt}], max_tokens=200, temperature=0.0)


def rouge(scorer, prediction: list[str], reference: str) -> dict[str, float]:
    from nltk.tokenize import sent_tokenize  # noqa: F401  (rouge-score uses nltk; Lsum wants one sentence a line)

    ref = "\n".join(split_sentences(reference))
    pred = "\n".join(prediction)
    scores = scorer.score(ref, pred)
    return {k: 100 * v.fmeasure for k, v in scores.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--model", default=None, help="generator name from the registry (default: the default model)")
    parser.add_argument("--extractive", action="store_true", help="brief without a generator")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive whole-story baseline")
    parser.add_argument(
        "--naive-limit", type=int, default=None, help="run the naive baseline on the first N stories only"
    )
    parser.add_argument("--words", type=int, default=DEFAULTS.words)
    parser.add_argument("--json", type=Path, default=None, help="also write per-story results here")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )

    if not args.data.exists():
        print(f"{args.data}: not found (dev data lives outside the repo)", file=sys.stderr)
        return 2
    from rouge_score import rouge_scorer

    from digest.models import load_embedder, load_generator

    stories = load_stories(args.data)[: args.limit]
    embedder = load_embedder()
    generator = None
    if not args.extractive or not args.no_naive:
        started = time.monotonic()
        generator = load_generator(args.model)
        print(f"generator {generator.name} loaded in {time.monotonic() - started:.1f} s", file=sys.stderr)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)

    rows = []
    totals = {"ours": [], "lead2": [], "naive": []}
    n_sentences = n_model = n_unsupported = n_headline_model = 0
    seconds, naive_seconds = [], []
    for k, (story, reference) in enumerate(stories, start=1):
        started = time.monotonic()
        stats = BriefStats()
        settings = DEFAULTS.with_overrides(words=args.words)
        ctx = brief_context(settings, embedder, None if args.extractive else generator)
        b = brief(story, ctx, stats=stats)
        seconds.append(time.monotonic() - started)
        ours = [s.text for s in b.sentences]
        days = stated_days(story.articles)  # "on Monday" in a report of 4 November states 4 November
        for s in b.sentences:
            n_sentences += 1
            n_model += s.written_by == "model"
            cited = [x for n in s.citations for x in story.articles[n - 1].sentences]
            problems = unsupported(s.text, cited, dates=set().union(*(days[n - 1] for n in s.citations)))
            if problems:
                n_unsupported += 1
                print(f"UNSUPPORTED {story.id}: {s.text} {s.citations}: {problems}", file=sys.stderr)
        row = {"id": story.id, "ours": rouge(scorer, ours, reference), "lead2": rouge(scorer, lead2(story), reference)}
        if not args.no_naive and generator is not None and (args.naive_limit is None or k <= args.naive_limit):
            t0 = time.monotonic()
            text = naive(generator, story)
            naive_seconds.append(time.monotonic() - t0)
            row["naive"] = rouge(scorer, split_sentences(text), reference)
        for key in totals:
            if key in row:
                totals[key].append(row[key])
        n_headline_model += b.headline_by == "model"
        row["headline"] = b.headline
        row["briefing"] = ours
        row["model_calls"] = stats.model_calls
        row["rejected"] = [[t, list(r)] for t, r in stats.rejected]
        rows.append(row)
        print(
            f"[{k}/{len(stories)}] {story.id}: R1 ours {row['ours']['rouge1']:.1f} lead2 {row['lead2']['rouge1']:.1f}"
            + (f" naive {row['naive']['rouge1']:.1f}" if "naive" in row else "")
            + f"  {seconds[-1]:.1f} s",
            file=sys.stderr,
        )

    print(
        f"\nstories: {len(stories)}   words budget: {args.words}   generator: {'none' if args.extractive else generator.name}"
    )
    print(f"{'system':<8} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-Lsum':>10}")
    for key, values in totals.items():
        if values:
            mean = {m: statistics.mean(v[m] for v in values) for m in ("rouge1", "rouge2", "rougeLsum")}
            print(f"{key:<8} {mean['rouge1']:>8.2f} {mean['rouge2']:>8.2f} {mean['rougeLsum']:>10.2f}")
    if totals["naive"] and len(totals["naive"]) < len(stories):
        m = len(totals["naive"])  # naive ran on the first m stories: compare on those
        print(f"on the {m} stories the naive baseline ran on:")
        for key in totals:
            values = totals[key][:m]
            mean = {x: statistics.mean(v[x] for v in values) for x in ("rouge1", "rouge2", "rougeLsum")}
            print(f"{key:<8} {mean['rouge1']:>8.2f} {mean['rouge2']:>8.2f} {mean['rougeLsum']:>10.2f}")
    share = lambda a, b: 100 * a / b if b else 0.0
    print(f"unsupported-fact sentences: {n_unsupported}/{n_sentences} ({share(n_unsupported, n_sentences):.1f}%)")
    print(
        f"written by model: {n_model}/{n_sentences} ({share(n_model, n_sentences):.1f}%), source fallback/extractive: {n_sentences - n_model}"
    )
    calls = [r["model_calls"] for r in rows]
    print(f"model calls per story: {statistics.mean(calls):.2f}; headlines by model: {n_headline_model}/{len(rows)}")
    print(
        f"seconds per story (ours): {statistics.mean(seconds):.2f}"
        + (f"   naive: {statistics.mean(naive_seconds):.2f}" if naive_seconds else "")
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

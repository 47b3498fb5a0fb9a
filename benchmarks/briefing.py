"""Briefings against editors' summaries, through the product path, beside simple baselines.

    .venv/bin/python benchmarks/briefing.py                       # both dev sets, the default model
    .venv/bin/python benchmarks/briefing.py --set allsides --limit 40
    .venv/bin/python benchmarks/briefing.py --no-model            # extractive briefings (fast)

For every story of `allsides-dev/mds-all.jsonl` (310 stories of ~90-word
excerpts) and `multinews-dev/mds.jsonl` (112 stories of full-length articles),
the story's reports are written as one JSON Lines file and briefed with
`digest.pipeline.run_brief`, the function `digest brief` calls (ingest, clean,
dedupe, cluster, brief). Anything learned is cross-validated: the stories are
split into 5 folds, and each fold is briefed with a salience model (both its
heads: what to tell and what to tell first) trained (scripts/train_salience.py's
`fit`) on the other four folds of both sets, and with an outlets'-asides model
(scripts/train_opinion.py's `fit_model`, at the shipped model's C) whose plain
real sentences come from those four folds too.

In the same run it scores, with ROUGE-1/2/Lsum F1 (rouge_score, stemmed, one
sentence a line) against the editors' summary:

- ours: the briefing's sentences (all stories the file was grouped into);
- lead-2: the first two sentences of each source (as in the literature);
- lead: the sources' sentences in turn (first of each, then second of each...)
  up to as many words as our briefing;
- LexRank: TF-IDF cosine graph, PageRank, best sentences up to our word count;
- oracle: greedy best sentences for ROUGE-1 up to our word count (a ceiling).

And the opening alone: our first sentence against the editors' first sentence (ROUGE-1),
beside lead-1, the first sentence of the story's first source.

And our checks: sentences holding a number, name or date that none of their
cited sources states (target 0); numeric citation precision (share of
(sentence, cited source) pairs, over sentences with a number, where the
source states every number of the sentence); the share of sentences the
model wrote; seconds per story (median; the model is loaded once, before).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import devdata
import train_opinion
import train_salience

from digest.brief import stated_days
from digest.brief.facts import numbers
from digest.brief.opinion import default_model as default_opinions
from digest.brief.timeline import resolve
from digest.brief.verify import unsupported
from digest.clean.sentences import split_sentences
from digest.pipeline import run_brief
from digest.settings import DEFAULTS

METRICS = ("rouge1", "rouge2", "rougeLsum")


def words(sentences: list[str]) -> int:
    return sum(len(s.split()) for s in sentences)


def source_sentences(story: devdata.DevStory) -> list[list[str]]:
    return [split_sentences(d.get("text") or "") for d in story.documents]


def up_to(sentences: list[str], budget: int) -> list[str]:
    out: list[str] = []
    for s in sentences:
        if out and words(out) + len(s.split()) > budget:
            break
        out.append(s)
    return out


def lead2(docs: list[list[str]]) -> list[str]:
    return [s for d in docs for s in d[:2]]


def lead(docs: list[list[str]], budget: int) -> list[str]:
    turns = [d[k] for k in range(max(map(len, docs), default=0)) for d in docs if k < len(d)]
    return up_to(turns, budget)


def lexrank(docs: list[list[str]], budget: int) -> list[str]:
    """LexRank (Erkan and Radev, 2004): PageRank over the TF-IDF cosine graph of all sentences."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    flat = [s for d in docs for s in d]
    if len(flat) < 2:
        return flat
    m = TfidfVectorizer(stop_words="english").fit_transform(flat)
    sim = (m @ m.T).toarray()
    adj = (sim >= 0.1).astype(float)
    adj /= np.maximum(adj.sum(axis=1, keepdims=True), 1.0)  # a sentence of stop words only has no edges
    rank = np.ones(len(flat)) / len(flat)
    for _ in range(100):
        rank = 0.15 / len(flat) + 0.85 * adj.T @ rank
    chosen: list[int] = []
    for i in np.argsort(-rank):
        if any(sim[i, j] >= 0.5 for j in chosen):
            continue
        if chosen and words([flat[j] for j in chosen]) + len(flat[i].split()) > budget:
            continue
        chosen.append(int(i))
    return [flat[i] for i in sorted(chosen)]


def oracle(docs: list[list[str]], reference: str, budget: int, scorer) -> list[str]:
    flat = [s for d in docs for s in d]
    chosen: list[str] = []
    best = 0.0
    while True:
        pick = None
        for s in flat:
            if s in chosen or (chosen and words(chosen) + len(s.split()) > budget * 1.1):
                continue
            f = scorer.score(reference, "\n".join([*chosen, s]))["rouge1"].fmeasure
            if f > best:
                best, pick = f, s
        if pick is None:
            return chosen
        chosen.append(pick)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=["allsides", "multinews", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="the first N stories of each set (by fold order)")
    parser.add_argument("--no-model", action="store_true", help="extractive briefings")
    parser.add_argument("--model", default=None, help="generator name (default: the registry's default)")
    parser.add_argument("--words", type=int, default=None, help=f"word budget (default {DEFAULTS.words})")
    parser.add_argument("--no-oracle", action="store_true", help="skip the greedy oracle (slow on full-length sets)")
    parser.add_argument("--json", type=Path, default=None, help="also write per-story results here")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(name)s: %(message)s")
    from rouge_score import rouge_scorer

    from digest.models import load_embedder, load_generator

    names = ["allsides", "multinews"] if args.set == "both" else [args.set]
    try:
        stories = {name: devdata.load(name) for name in ("allsides", "multinews")}
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    embedder = load_embedder()
    if not args.no_model:
        started = time.monotonic()
        load_generator(args.model)
        print(f"generator loaded in {time.monotonic() - started:.1f} s", file=sys.stderr)

    # Salience features of every story once; a model per fold, trained on the other folds of both sets.
    # The asides model learns plain reporting from the same stories' sentences: one per fold too.
    every = [s for name in ("allsides", "multinews") for s in stories[name]]
    examples = {d[0]: d for d in train_salience.examples(every, embedder)}
    invented = {n: d for n in train_opinion.SETS if len((d := train_opinion.invented(n, embedder)[0]).y)}
    aside_c = default_opinions().c
    weights = Path(tempfile.mkdtemp(prefix="digest-salience-"))
    fold_of: dict[str, tuple[Path, Path]] = {}
    fold_number: dict[str, int] = {}
    for k, fold in enumerate(devdata.folds(every)):
        fold_number.update({s.id: k + 1 for s in fold})
        held = {s.id for s in fold}
        train = [d for i, d in examples.items() if i not in held]
        model = train_salience.fit(train)
        path = weights / f"fold{k + 1}.json"
        path.write_text(json.dumps(model.to_json()), encoding="utf-8")
        asides = train_opinion.fit_model(invented, train_opinion.editor_told(train), aside_c, embedder.name)
        aside_path = weights / f"asides{k + 1}.json"
        aside_path.write_text(json.dumps(asides.to_json()), encoding="utf-8")
        fold_of.update({s.id: (path, aside_path) for s in fold})

    settings = DEFAULTS.with_overrides(words=args.words, model=args.model, use_model=False if args.no_model else None)
    rows = []
    for name in names:
        chosen = [s for fold in devdata.folds(stories[name]) for s in fold][: args.limit]
        for k, story in enumerate(chosen, 1):
            started = time.monotonic()
            salience, asides = fold_of[story.id]
            run = run_brief([str(story.path)], settings.with_overrides(salience=salience, opinions=asides))
            seconds = time.monotonic() - started
            ours = [s.text for b in run.briefings for s in b.sentences]
            budget = max(1, words(ours))
            docs = source_sentences(story)
            systems = {
                "ours": ours,
                "lead-2": lead2(docs),
                "lead": lead(docs, budget),
                "lexrank": lexrank(docs, budget),
            }
            if not args.no_oracle:
                systems["oracle"] = oracle(docs, story.reference, budget, scorer)
            reference = "\n".join(split_sentences(story.reference))
            row = {"set": name, "id": story.id, "fold": fold_number[story.id], "seconds": seconds, "words": budget}
            for system, sents in systems.items():
                scores = scorer.score(reference, "\n".join(sents))
                row[system] = {m: 100 * scores[m].fmeasure for m in METRICS}
            # The opening: our first sentence against the editors' first, beside the first
            # sentence of the first source (what a reader of one outlet sees first).
            first_ref = split_sentences(story.reference)[:1]
            openings = {"ours": ours[:1], "lead-1": docs[0][:1] if docs else []}
            row["first"] = {
                system: 100 * scorer.score(first_ref[0], sents[0])["rouge1"].fmeasure if first_ref and sents else 0.0
                for system, sents in openings.items()
            }
            row.update(_checks(run))
            rows.append(row)
            print(
                f"[{name} {k}/{len(chosen)}] {story.id}: R1 ours {row['ours']['rouge1']:.1f} "
                f"lead-2 {row['lead-2']['rouge1']:.1f} lexrank {row['lexrank']['rouge1']:.1f}  "
                f"{budget} words, {row['model_sentences']}/{row['sentences']} by the model, {seconds:.1f} s",
                file=sys.stderr,
            )
        _report(rows, [name])  # each set as soon as it is done
    sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def _checks(run) -> dict:
    """Unsupported facts, numeric citation precision and the model's share, over one run's briefings."""
    sentences = model = unsupported_n = pairs = exact = dated = 0
    for b in run.briefings:
        story = next((s for s in (run.grouping.threads if run.grouping else []) if s.id == b.story_id), None)
        if story is None:
            continue
        days = stated_days(story.articles)
        for s in b.sentences:
            sentences += 1
            model += s.written_by == "model"
            cited = [x for n in s.citations for x in story.articles[n - 1].sentences]
            if unsupported(s.text, cited, dates=set().union(*(days[n - 1] for n in s.citations))):
                unsupported_n += 1
                print(f"UNSUPPORTED {b.story_id}: {s.text} {s.citations}", file=sys.stderr)
            mine = numbers(s.text)
            if mine:
                for n in s.citations:
                    pairs += 1
                    stated = numbers(story.articles[n - 1].text)
                    exact += mine <= stated
                    dated += mine - _calendar_numbers(s.text, days[n - 1]) <= stated
    return {
        "sentences": sentences,
        "model_sentences": model,
        "unsupported": unsupported_n,
        "pairs": pairs,
        "exact": exact,
        "exact_dates": dated,
    }


def _calendar_numbers(text: str, days) -> set[str]:
    """The day and year figures of a calendar date the sentence writes out ("On 30 July 2021, ...")
    that the source states in other words ("on Friday" in a report of that Friday; timeline.stated_days)."""
    return {str(x) for d in set(resolve(text, None)) & set(days) for x in (d.day, d.year)}


def _report(rows: list[dict], names: list[str]) -> None:
    for name in names:
        part = [r for r in rows if r["set"] == name]
        systems = tuple(s for s in ("ours", "lead-2", "lead", "lexrank", "oracle") if part and s in part[0])
        if not part:
            continue
        print(
            f"\n{name}: {len(part)} stories, {statistics.mean(r['words'] for r in part):.0f} words per briefing (mean)"
        )
        print(f"{'system':<9} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-Lsum':>10}")
        for system in systems:
            mean = {m: statistics.mean(r[system][m] for r in part) for m in METRICS}
            print(f"{system:<9} {mean['rouge1']:>8.2f} {mean['rouge2']:>8.2f} {mean['rougeLsum']:>10.2f}")
        for fold in sorted({r["fold"] for r in part}):
            sub = [r for r in part if r["fold"] == fold]
            line = "  ".join(f"{s} {statistics.mean(r[s]['rouge1'] for r in sub):.2f}" for s in systems[:4])
            print(f"  fold {fold} ({len(sub)} stories) ROUGE-1: {line}")
        print(
            "first sentence against the editors' first, ROUGE-1: "
            + ", ".join(f"{s} {statistics.mean(r['first'][s] for r in part):.2f}" for s in ("ours", "lead-1"))
        )
        n = sum(r["sentences"] for r in part)
        pairs, exact = sum(r["pairs"] for r in part), sum(r["exact"] for r in part)
        print(f"unsupported-fact sentences: {sum(r['unsupported'] for r in part)}/{n}")
        dated = sum(r.get("exact_dates", r["exact"]) for r in part)
        print(
            f"numeric citation precision: {exact}/{pairs} = {exact / pairs if pairs else 1.0:.3f} (strict); "
            f"{dated}/{pairs} = {dated / pairs if pairs else 1.0:.3f} counting a written-out date the source "
            "states as a weekday or relative day"
        )
        print(
            f"written by the model: {sum(r['model_sentences'] for r in part)}/{n} "
            f"= {sum(r['model_sentences'] for r in part) / max(1, n):.1%}"
        )
        secs = [r["seconds"] for r in part]
        print(f"seconds per story: median {statistics.median(secs):.2f}, mean {statistics.mean(secs):.2f}")


if __name__ == "__main__":
    raise SystemExit(main())

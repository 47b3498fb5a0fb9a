"""Threads on the AllSides dev stories: which stories `digest.threads` links, against hand labels.

    .venv/bin/python benchmarks/threads.py            # gold stories, then the product path end to end
    .venv/bin/python benchmarks/threads.py --part rule

Labels: benchmarks/data/threads-dev.json (how they were made is written in the file). The pile is
every story of allsides-dev windows 1-6 and same_topic at once (about 350 stories over five months):
a reader's long-running topics (a bill's steps, a war's phases, a court case) beside many
same-topic stories that are not one thread (the same_topic pile's hard negatives).

* rule: the gold stories (articles grouped by their true story) go through `threads.profiles`,
  `threads.links` and `threads.fold`, three ways: with the articles' own dates, with dates moved by
  -30 h..+6 h per article, and without dates. This measures the thread rule alone.
* product: the whole pile through `digest.pipeline.group` (dedupe, cluster, threads), what
  `digest cluster` and `digest brief` run; undated and jittered.

Scores are over pairs of stories (rule) or of articles (product): a pair is "linked" when both end
up in one folded thread. Precision counts every linked pair outside one labelled thread as wrong,
except pairs inside an `unsure` group; recall is over the pairs of each labelled thread. The baseline,
in the same run, is the rule this replaced (git history of digest/threads.py): a chain, each story
continuing at most one earlier story that ended before it began, at most 30 days before, with
centres at least 0.60 alike; it needs both dates, so without dates it links nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import defaultdict
from dataclasses import replace
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import piles

from digest.types import Article, Story

LABELS = ROOT / "benchmarks" / "data" / "threads-dev.json"
PILES = [f"window_{w}" for w in range(1, 7)] + ["same_topic"]


def labels() -> tuple[dict[str, str], set[frozenset[str]], dict[str, str]]:
    """(story -> thread, unsure story pairs, story -> AllSides topic)."""
    data = json.loads(LABELS.read_text(encoding="utf-8"))
    thread_of = {s: name for name, members in data["threads"].items() for s in members}
    unsure = {frozenset(p) for members in data["unsure"].values() for p in combinations(members, 2)}
    topic = {}
    for name in PILES:
        for sid, info in json.loads((piles.WINDOWS / name / "story_topics.json").read_text()).items():
            topic[sid] = info["topic"]
    return thread_of, unsure, topic


def dev_articles() -> tuple[list[Article], dict[str, str]]:
    """Every dated article of the piles once (by id), and its gold story."""
    arts: dict[str, Article] = {}
    gold: dict[str, str] = {}
    for name in PILES:
        pile = piles.window(name)
        for a in pile.articles:
            if a.id in pile.gold and a.id not in arts and not any(a.id == d for d, _ in pile.duplicates):
                arts[a.id] = a
                gold[a.id] = pile.gold[a.id]
    return sorted(arts.values(), key=lambda a: a.id), gold


def pair_scores(members_of: dict[str, list[str]], story_of: dict[str, str], thread_of, unsure, topic) -> dict:
    """Pairwise precision/recall of linked story pairs; `members_of` maps a predicted thread to its items,
    `story_of` maps an item to its gold story."""
    linked = set()
    for items in members_of.values():
        stories = sorted({story_of[i] for i in items})
        linked |= {frozenset(p) for p in combinations(stories, 2)}
    stories = sorted(set(story_of.values()))
    positive = {
        frozenset(p) for p in combinations(stories, 2) if p[0] in thread_of and thread_of[p[0]] == thread_of.get(p[1])
    }
    scored = linked - unsure
    tp = len(scored & positive)
    p = tp / len(scored) if scored else 1.0
    r = tp / len(positive) if positive else 1.0
    same_topic_wrong = sum(1 for q in scored - positive if len({topic.get(s) for s in q}) == 1)
    return {
        "linked_pairs": len(scored),
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "wrong_same_topic": same_topic_wrong,
        "wrong_other": len(scored - positive) - same_topic_wrong,
    }


def gold_stories(arts: list[Article], gold: dict[str, str]) -> list[Story]:
    by_story: dict[str, list[Article]] = defaultdict(list)
    for a in arts:
        by_story[gold[a.id]].append(a)
    out = []
    for sid, members in sorted(by_story.items()):
        dates = [a.published for a in members if a.published]
        members.sort(key=lambda a: a.id)
        out.append(
            Story(
                id=sid,
                label=members[0].title or sid,
                articles=tuple(members),
                duplicates=(),
                why=(),
                start=min(dates) if dates else None,
                end=max(dates) if dates else None,
            )
        )
    return out


def previous_rule(profiles, threshold: float = 0.60, max_days: float = 30):
    """The replaced rule, as it was: dated chains only (the baseline)."""
    from digest.types import ThreadLink

    pairs = []
    for b in profiles:
        for a in profiles:
            if a.id == b.id or a.end is None or b.start is None or not a.end < b.start:
                continue
            if (b.start - a.end).total_seconds() / 86400.0 > max_days:
                continue
            similarity = float(a.vector @ b.vector)
            if similarity >= threshold:
                pairs.append((-round(similarity, 6), a.id, b.id))
    pairs.sort()
    continued, continuing, out = set(), set(), []
    for neg, a, b in pairs:
        if a in continued or b in continuing:
            continue
        continued.add(a)
        continuing.add(b)
        out.append(ThreadLink(earlier=a, later=b, similarity=-neg))
    return out


def part_rule(embedder, settings) -> list[dict]:
    from digest import threads

    thread_of, unsure, topic = labels()
    arts, gold = dev_articles()
    rows = []
    for way, pile in (
        ("own dates", arts),
        ("dates jittered", piles.jittered(piles.Pile("threads", arts, gold, [])).articles),
        ("no dates", [replace(a, published=None) for a in arts]),
    ):
        stories = gold_stories(pile, gold)
        profiles = threads.profiles(stories, embedder)
        story_of = {a.id: gold[a.id] for a in pile}
        ours = threads.links(profiles, profiles, threshold=embedder.calibration.thread, max_days=settings.thread_days)
        for rule, found in (("ours", ours), ("previous rule", previous_rule(profiles))):
            folded = threads.fold(stories, found)
            members = {s.id: [a.id for a in s.articles] for s in folded}
            rows.append(
                {"way": way, "rule": rule, "stories": len(stories), "links": len(found)}
                | pair_scores(members, story_of, thread_of, unsure, topic)
            )
    return rows


def part_product(embedder, settings) -> list[dict]:
    from digest.pipeline import group

    thread_of, unsure, topic = labels()
    arts, gold = dev_articles()
    rows = []
    for way, pile in (
        ("dates jittered", piles.jittered(piles.Pile("threads", arts, gold, [])).articles),
        ("no dates", [replace(a, published=None) for a in arts]),
    ):
        g = group(pile, embedder, settings)
        members = {s.id: [a.id for a in s.articles] + [d.article.id for d in s.duplicates] for s in g.threads}
        rows.append(
            {"way": way, "stories": len(g.stories), "threads": len(g.threads), "links": len(g.links)}
            | pair_scores(members, gold, thread_of, unsure, topic)
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--part", choices=["rule", "product"])
    args = ap.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    if not piles.WINDOWS.is_dir():
        sys.exit(f"{piles.WINDOWS}: dev data not found")
    from digest.models import load_embedder
    from digest.settings import DEFAULTS

    embedder = load_embedder(DEFAULTS.embedder)
    print(f"embedder {embedder.name}, thread threshold {embedder.calibration.thread}, max {DEFAULTS.thread_days} days")
    for part in ("rule", "product"):
        if args.part and args.part != part:
            continue
        title = "gold stories through threads.links + fold" if part == "rule" else "product path (pipeline.group)"
        print(f"\n{title}: pairs of {'stories' if part == 'rule' else 'articles'} put in one thread")
        rows = part_rule(embedder, DEFAULTS) if part == "rule" else part_product(embedder, DEFAULTS)
        for r in rows:
            print("  " + ", ".join(f"{k} {v}" for k, v in r.items()))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

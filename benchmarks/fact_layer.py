"""The fact layer on real stories and on hostile input: disagreements per story, and speed on a huge article.

    .venv/bin/python benchmarks/fact_layer.py disagreements [--data PATH] [--limit N] [--show FILE]
    .venv/bin/python benchmarks/fact_layer.py huge [--megabytes 1.0]

`disagreements` briefs every story of `../shared/devdata/allsides-dev/mds-all.jsonl` (310 real
stories, 2-3 outlets each) through the product's brief stage (`digest.brief.brief`, no
generator: the disagreements do not depend on it) and prints how many disagreements a story
shows, by kind and severity. Beside it, in the same run, the naive finder of
benchmarks/facts.py ("two sources give different numbers right before the same word").
`--show FILE` writes every shown disagreement with the sentences it comes from, for a hand
check (the README of the dev set forbids copying its texts into the repository: keep FILE
outside it).

`huge` writes a synthetic 1 MB report (prose with a figure in every sentence, and a table of
numbers) beside a normal one and times `python -m digest brief ... --no-model` on them, model
loading included; the target is well under 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "devdata" / "allsides-dev" / "mds-all.jsonl"


def _sibling(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def disagreements(data: Path, limit: int | None, show: Path | None) -> int:
    from digest.brief import BriefContext, ModelBudget, brief
    from digest.models import load_embedder

    briefing = _sibling("briefing")
    facts_bench = _sibling("facts")
    stories = briefing.load_stories(data)[:limit]
    embedder = load_embedder()
    ctx = BriefContext(embedder, None, 150, 0, 0, ModelBudget(0))
    ours: list[int] = []
    naive: list[int] = []
    kinds: Counter[str] = Counter()
    lines: list[str] = []
    started = time.monotonic()
    for n, (story, _) in enumerate(stories, 1):
        b = brief(story, ctx)
        ours.append(len(b.disagreements))
        for d in b.disagreements:
            kinds[f"{d.kind}/{d.severity}"] += 1
            lines.append(f"## {story.id}: {d.kind}/{d.severity} {d.about!r}")
            for side in d.sides:
                lines.append(f"   {side.value!r} {list(side.citations)}")
            for side in d.sides:
                for c in side.citations:
                    art = story.articles[c - 1]
                    hits = [s for s in art.sentences if side.value.split()[0] in s][:1]
                    lines.extend(f"     [{c}] {h}" for h in hits)
        reports = {
            f"{i}": facts_bench.Report(f"{i}", a.title or "", a.paragraphs) for i, a in enumerate(story.articles, 1)
        }
        naive.append(len(facts_bench.naive_disagreements(reports)))
        if n % 50 == 0:
            print(f"  {n}/{len(stories)} stories", file=sys.stderr)
    seconds = time.monotonic() - started
    if show is not None:
        show.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def describe(counts: list[int]) -> str:
        shown = sum(1 for c in counts if c)
        return f"{sum(counts)} in {shown}/{len(counts)} stories, mean {statistics.mean(counts):.2f}, max {max(counts)}"

    print(f"fact layer on {data.name}: {len(stories)} stories, {seconds:.0f} s")
    print(f"  ours (digest brief):  {describe(ours)}")
    print(f"  baseline (naive):     {describe(naive)}")
    print("  ours by kind/severity: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 0


_PROSE = (
    "The council said {a} homes were flooded on Monday and {b} people were moved to shelters, "
    "while {c}% of roads stayed closed and repairs would cost £{d}m."
)


def huge(megabytes: float) -> int:
    target = int(megabytes * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parts: list[str] = ["Flood leaves thousands without homes", ""]
        i = 0
        while sum(len(p) + 1 for p in parts) < target // 2:
            parts.append(_PROSE.format(a=100 + i % 900, b=2 * i + 7, c=i % 97, d=i % 50 + 1))
            i += 1
        table = " ".join(f"{k},{k % 1000:03d}" for k in range(target // 12))
        parts.append(table[: target - sum(len(p) + 1 for p in parts)] + ".")
        (folder / "huge.txt").write_text("\n\n".join(parts), encoding="utf-8")
        (folder / "normal.txt").write_text(
            "Flood leaves thousands without homes\n\nThe council said 300 homes were flooded on Monday. "
            "About 450 people were moved to shelters, officials said.\n",
            encoding="utf-8",
        )
        size = (folder / "huge.txt").stat().st_size
        cmd = [sys.executable, "-m", "digest", "brief", str(folder), "--no-model", "--format", "json", "--no-progress"]
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        ok = proc.returncode == 0
        stories = len(json.loads(proc.stdout)["stories"]) if ok else 0
        print(f"huge article: {size / 1e6:.2f} MB + a normal report -> exit {proc.returncode}, {stories} stories")
        print(f"  digest brief --no-model: {seconds:.1f} s (target: well under 20 s, model load included)")
        if not ok:
            print(proc.stderr.strip().splitlines()[-1:] or "", file=sys.stderr)
        return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    d = sub.add_parser("disagreements")
    d.add_argument("--data", type=Path, default=DATA)
    d.add_argument("--limit", type=int, default=None)
    d.add_argument("--show", type=Path, default=None)
    h = sub.add_parser("huge")
    h.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.what == "disagreements":
        return disagreements(args.data, args.limit, args.show)
    return huge(args.megabytes)


if __name__ == "__main__":
    raise SystemExit(main())

"""The fact layer on real stories and on hostile input: disagreements per story, and speed on a huge article.

    .venv/bin/python benchmarks/fact_layer.py disagreements [--data PATH] [--limit N] [--show FILE]
    .venv/bin/python benchmarks/fact_layer.py citations --from DIR [--set dev|heldout]
    .venv/bin/python benchmarks/fact_layer.py huge [--megabytes 1.0]

`disagreements` briefs every story of `../shared/devdata/allsides-dev/mds-all.jsonl` (310 real
stories, 2-3 outlets each) through the product's brief stage (`digest.brief.brief`, no
generator: the disagreements do not depend on it) and prints how many disagreements a story
shows, by kind and severity. Beside it, in the same run, the naive finder of
benchmarks/facts.py ("two sources give different numbers right before the same word").
`--show FILE` writes every shown disagreement with the sentences it comes from, for a hand
check (the README of the dev set forbids copying its texts into the repository: keep FILE
outside it).

It also scores the briefing's citations on these real stories: over (sentence, cited source)
pairs whose sentence holds a number, the share where the source states every number of the
sentence (benchmarks/facts.py's own normaliser; the report's publication day and year count as
stated). Beside it: the same sentences citing every source of their story (baseline), and the
citations the briefing would keep if it cited only what `measures.cite` says a source states
(the fact-based citation API; not yet wired into the briefing), with the number of numeric
sentences that would be left with no citation (to be split or dropped).

`citations --from DIR [--set dev|heldout]` does the same for the CLI answers that
`benchmarks/facts.py --keep DIR` saved for the invented stories, reading each story's files
through the product's reader (`digest.pipeline.read_sources`).

`huge` writes a synthetic 1 MB report (prose with a figure in every sentence, and a table of
numbers) beside a normal one and times `python -m digest brief ... --no-model` on them, model
loading included; the target is well under 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
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


class CiteTally:
    """Numeric citation precision of (sentence, cited source) pairs, three ways."""

    def __init__(self) -> None:
        self.ours = [0, 0]  # supported pairs, pairs: the briefing's citations
        self.every = [0, 0]  # the same sentences citing every source of their story
        self.api = [0, 0]  # the briefing's citations kept by measures.cite
        self.api_orphans = 0  # numeric sentences left with no citation by measures.cite
        self.numeric = 0
        self.api_failures: list[str] = []  # pairs measures.cite kept that the scorer's normaliser rejects

    def add(self, facts_bench, sentences, texts, published, story_facts) -> None:
        """`sentences`: (text, cited source numbers); `texts`/`published`: per source number."""
        from digest.brief.measures import cite

        stated = {
            n: facts_bench.number_mentions(t) + _day_and_year(facts_bench, published.get(n)) for n, t in texts.items()
        }
        for text, cited in sentences:
            mentions = facts_bench.number_mentions(text)
            if not mentions:
                continue
            self.numeric += 1
            c = cite(text, story_facts)
            kept = [n for n in cited if n in c.sources] if c.checkable else list(cited)
            if cited and not kept:
                self.api_orphans += 1
            for tally, sources in ((self.ours, cited), (self.every, list(texts)), (self.api, kept)):
                for n in sources:
                    tally[1] += 1
                    ok = all(facts_bench.supported_by(m, stated.get(n, [])) for m in mentions)
                    tally[0] += ok
                    if tally is self.api and not ok:
                        self.api_failures.append(f"[{n}] {text}")

    def lines(self) -> list[str]:
        def ratio(t: list[int]) -> str:
            return f"{t[0] / t[1]:.3f} ({t[0]}/{t[1]})" if t[1] else "-"

        return [
            f"  numeric citation precision, ours (the briefing's citations): {ratio(self.ours)}",
            f"  baseline (each numeric sentence citing every source):        {ratio(self.every)}",
            f"  with measures.cite (citations limited to sources stating every fact): {ratio(self.api)};"
            f" {self.api_orphans} of {self.numeric} numeric sentences left uncited (to split or drop)",
        ]


def _day_and_year(facts_bench, published) -> list:
    """A report's own publication day and year count as stated (as in benchmarks/facts.py, from digest's reading)."""
    if published is None:
        return []
    return [
        facts_bench.Mention(str(published.day), -1, (float(published.day),)),
        facts_bench.Mention(str(published.year), -1, (float(published.year),)),
    ]


def _story_facts(articles):
    from digest.brief.measures import Statement, extract

    sentences = [(n, text, a.published) for n, a in enumerate(articles, 1) for text in a.sentences]
    return extract([Statement(n, k, text, published) for k, (n, text, published) in enumerate(sentences)])


def citations(saved: Path, set_name: str) -> int:
    """Citation precision of the saved CLI answers of benchmarks/facts.py, and with measures.cite."""
    from digest.pipeline import read_sources

    facts_bench = _sibling("facts")
    for tag in ("no-model", "model"):
        folder = saved / tag
        if not folder.is_dir():
            continue
        tally = CiteTally()
        for story_dir in facts_bench.story_folders(set_name):
            answer = folder / f"{story_dir.name}.json"
            if not answer.exists():
                continue
            output = json.loads(answer.read_text(encoding="utf-8"))
            for story in output.get("stories", []):
                paths = [src.get("path") for src in story.get("sources", [])]
                if not all(paths):
                    continue
                files = sorted({str(ROOT / p.split("#", 1)[0]) for p in paths})  # "c.jsonl#2": a file's 2nd record
                read, _ = read_sources(files)
                by_origin = {a.origin.replace(str(ROOT) + "/", ""): a for a in read}
                articles = [by_origin[p] for p in paths if p in by_origin]
                if len(articles) != len(paths):
                    print(f"  {story_dir.name}: sources not read back, left out", file=sys.stderr)
                    continue
                texts = {n: a.text for n, a in enumerate(articles, 1)}
                published = {n: a.published for n, a in enumerate(articles, 1)}
                sentences = [(s["text"], list(s.get("citations", []))) for s in story.get("sentences", [])]
                tally.add(facts_bench, sentences, texts, published, _story_facts(articles))
        print(f"citations of the {set_name} stories, {tag} run ({folder}):")
        print("\n".join(tally.lines()))
        for failure in tally.api_failures[:5]:
            print(f"    kept by measures.cite, rejected by the scorer: {failure}")
    return 0


def disagreements(data: Path, limit: int | None, show: Path | None) -> int:
    from digest.pipeline import run_brief
    from digest.settings import DEFAULTS

    devdata = _sibling("devdata")
    facts_bench = _sibling("facts")
    if data != DATA:
        devdata.SETS["allsides"] = data
    stories = devdata.load("allsides")[:limit]
    settings = DEFAULTS.with_overrides(use_model=False)  # the disagreements do not depend on the generator
    ours: list[int] = []
    naive: list[int] = []
    kinds: Counter[str] = Counter()
    lines: list[str] = []
    started = time.monotonic()
    cites = CiteTally()
    for n, story in enumerate(stories, 1):
        run = run_brief([str(story.path)], settings)  # what `digest brief <file> --no-model` does
        by_id = {a.id: a for st in (run.grouping.threads if run.grouping else []) for a in st.articles}
        ours.append(sum(len(b.disagreements) for b in run.briefings))
        for b in run.briefings:
            cited = {src.n: by_id[src.article_id] for src in b.sources}
            texts = {n: a.text for n, a in cited.items()}
            cites.add(
                facts_bench,
                [(s.text, list(s.citations)) for s in b.sentences],
                texts,
                {src.n: src.published for src in b.sources},
                _story_facts(list(cited.values())),
            )
            for d in b.disagreements:
                kinds[f"{d.kind}/{d.severity}"] += 1
                lines.append(f"## {story.id}: {d.kind}/{d.severity} {d.about!r}")
                for side in d.sides:
                    lines.append(f"   {side.value!r} {list(side.citations)}")
                for side in d.sides:
                    for c in side.citations:
                        text = texts.get(c, "")
                        hits = [x for x in re.split(r"(?<=[.!?])\s+", text) if side.value.split()[0] in x][:1]
                        lines.extend(f"     [{c}] {h}" for h in hits)
        reports = {
            f"{i}": facts_bench.Report(f"{i}", a.title or "", a.paragraphs) for i, a in enumerate(by_id.values(), 1)
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
    print("\n".join(cites.lines()))
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
    c = sub.add_parser("citations")
    c.add_argument("--from", dest="saved", type=Path, required=True, help="answers saved by facts.py --keep")
    c.add_argument("--set", default="dev", choices=["dev", "heldout"])
    h = sub.add_parser("huge")
    h.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.what == "disagreements":
        return disagreements(args.data, args.limit, args.show)
    if args.what == "citations":
        return citations(args.saved, args.set)
    return huge(args.megabytes)


if __name__ == "__main__":
    raise SystemExit(main())

"""The clustering dev piles, read through the product's own ingest and clean stages.

Shared by `benchmarks/clustering.py` and `scripts/train_cluster.py`. The dev data stays in
../shared/devdata (never copied into the repo); dated piles are written as JSON Lines to a
temporary folder, the way a user would hand dated articles to `digest cluster`.

A pile is a list of Articles, their gold story per article id, and the planted duplicates as
(copy id, original id) pairs.
"""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from digest.types import Article

ROOT = Path(__file__).resolve().parent.parent
DEVDATA = ROOT.parent / "shared" / "devdata"
ALLSIDES = DEVDATA / "allsides-dev"
WINDOWS = ALLSIDES / "windows" / "clusters"
MULTINEWS = DEVDATA / "multinews-dev" / "mds.jsonl"

# The acceptance's date noise: each article's date moves by a random -30 h .. +6 h (seeded), since
# the dev piles give every article of a story the roundup's one time, kinder than real dates.
JITTER_HOURS = (-30.0, 6.0)
JITTER_SEED = 13


@dataclass(frozen=True)
class Pile:
    name: str
    articles: list[Article]
    gold: dict[str, str]  # article id -> story; "lost:N" for a record the product could not read
    duplicates: list[tuple[str, str]]  # planted (copy id, original id)


def _read(records: list[dict], tag: str) -> list[Article | None]:
    """Articles from records {title, text, date?, source?, url?} through ingest + clean, in order
    (None for a record that clean rejects, e.g. a Multi-News page that is all debris)."""
    from digest.pipeline import read_sources

    with tempfile.TemporaryDirectory(prefix=f"digest-{tag}-") as tmp:
        path = Path(tmp) / f"{tag}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps({k: v for k, v in r.items() if v is not None}, ensure_ascii=False) + "\n")
        arts, problems = read_sources([str(path)])
    lines = [int(a.origin.rsplit("#", 1)[1]) for a in arts] + [int(p.origin.rsplit("#", 1)[1]) for p in problems]
    base = min(lines)  # `path#N` numbering base
    by_line = {int(a.origin.rsplit("#", 1)[1]) - base: a for a in arts}
    return [by_line.get(i) for i in range(len(records))]


def window(name: str) -> Pile:
    """A folder of windows/clusters: `window_N`, `window_N_nodates` or `same_topic`."""
    folder = WINDOWS / name
    labels = json.loads((folder / "labels.json").read_text())
    meta = json.loads((folder / "meta.json").read_text())
    dup_file = folder / "duplicates.json"
    planted = json.loads(dup_file.read_text()) if dup_file.exists() else []
    names = sorted(labels)
    if not meta:  # an undated pile: plain text files, as a user drops a folder of them
        return _folder(name, folder, labels, planted)
    records = []
    for fn in names:
        head, _, body = (folder / "articles" / fn).read_text(encoding="utf-8").partition("\n")
        m = meta.get(fn, {})
        records.append(
            {
                "title": head.strip(),
                "text": body.strip(),
                "date": m.get("date"),
                "source": m.get("source"),
                "url": m.get("url"),
            }
        )
    read = _read(records, name)
    ids = {fn: (a.id if a is not None else f"lost:{k}") for k, (fn, a) in enumerate(zip(names, read))}
    arts = [a for a in read if a is not None]
    gold = {ids[fn]: labels[fn] for fn in names}
    dups = [(ids[d["duplicate"]], ids[d["original"]]) for d in planted]
    return Pile(name, arts, gold, dups)


def _folder(name: str, folder: Path, labels: dict[str, str], planted: list[dict]) -> Pile:
    from digest.pipeline import read_sources

    arts, _ = read_sources([str(folder / "articles")])  # a file clean rejects is scored as lost
    by_name = {Path(a.origin).name: a for a in arts}
    ids = {fn: (by_name[fn].id if fn in by_name else f"lost:{fn}") for fn in sorted(labels)}
    gold = {ids[fn]: labels[fn] for fn in sorted(labels)}
    dups = [(ids[d["duplicate"]], ids[d["original"]]) for d in planted]
    return Pile(name, sorted(arts, key=lambda a: a.origin), gold, dups)


def mds(path: Path, tag: str) -> Pile:
    """A multi-document summarisation file (one story per line) as a clustering pile."""
    records, stories = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        story = json.loads(line)
        for d in story["documents"]:
            records.append(
                {"title": d.get("title"), "text": d.get("text"), "date": d.get("date"), "source": d.get("source")}
            )
            stories.append(f"{tag}-{story['id']}")
    read = _read(records, tag)
    gold = {(a.id if a is not None else f"lost:{k}"): s for k, (a, s) in enumerate(zip(read, stories))}
    return Pile(tag, [a for a in read if a is not None], gold, [])


def jittered(pile: Pile, seed: int = JITTER_SEED) -> Pile:
    """Every dated article moved by a random JITTER_HOURS offset (one seeded draw per article)."""
    rng = random.Random(f"{seed}:{pile.name}")
    lo, hi = JITTER_HOURS
    arts = [
        replace(a, published=a.published + timedelta(hours=rng.uniform(lo, hi))) if a.published else a
        for a in pile.articles
    ]
    return Pile(pile.name + " jittered", arts, pile.gold, pile.duplicates)


def undated(pile: Pile) -> Pile:
    return Pile(pile.name + " undated", [replace(a, published=None) for a in pile.articles], pile.gold, pile.duplicates)

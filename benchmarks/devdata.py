"""Dev stories with editors' summaries, as a user would hand them to digest.

Each story of `allsides-dev/mds-all.jsonl` (310 stories of ~90-word excerpts) or
`multinews-dev/mds.jsonl` (112 stories of full-length articles) is written as
one JSON Lines file of its reports (title, text, outlet, url, date), in a
temporary folder outside the repository, so that benchmarks and training run
the product's own path: `digest brief FILE` = ingest, clean, dedupe, cluster,
brief. The dev data itself is never copied into the repository.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVDATA = ROOT.parent / "shared" / "devdata"
SETS = {
    "allsides": DEVDATA / "allsides-dev" / "mds-all.jsonl",
    "multinews": DEVDATA / "multinews-dev" / "mds.jsonl",
}


@dataclass(frozen=True)
class DevStory:
    id: str
    path: Path  # a JSON Lines file of the story's reports
    reference: str  # the editors' summary
    documents: tuple[dict, ...]  # the raw records (for baselines that read the text as given)


def load(name: str, folder: Path | None = None) -> list[DevStory]:
    """The stories of one dev set, each written to `folder` (default: a new temp folder)."""
    source = SETS[name]
    if not source.exists():
        raise FileNotFoundError(f"{source}: not found (dev data lives outside the repository)")
    folder = folder or Path(tempfile.mkdtemp(prefix=f"digest-{name}-"))
    out = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        path = folder / f"{record['id']}.jsonl"
        rows = []
        for doc in record["documents"]:
            row = {"title": doc.get("title"), "text": doc.get("text") or ""}
            if doc.get("source"):
                row["outlet"] = doc["source"]
            if doc.get("url"):
                row["url"] = doc["url"]
            if doc.get("date"):
                row["date"] = doc["date"]
            rows.append(row)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        out.append(DevStory(record["id"], path, record["reference_summary"], tuple(record["documents"])))
    return out


def folds(stories: list[DevStory], k: int = 5, seed: int = 0) -> list[list[DevStory]]:
    """`k` folds of the stories, the same on every run (a seeded shuffle of their ids)."""
    import random

    order = sorted(stories, key=lambda s: s.id)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]

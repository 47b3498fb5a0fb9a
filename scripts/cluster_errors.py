"""Print the wrong merges and splits of one dev pile, scored by the fold model that never saw it.

    PYTHONPATH=. .venv/bin/python scripts/cluster_errors.py window_5_nodates
    PYTHONPATH=. .venv/bin/python scripts/cluster_errors.py "same_topic undated"

For reading errors, not for figures (benchmarks/clustering.py prints those). Pile names:
`window_N` (dates jittered as in the benchmark), `window_N_nodates`, `same_topic` (jittered) and
`same_topic undated`. The fold models come from scripts/train_cluster.py (build/cluster-folds).
Each wrong group is listed with its articles' gold story, date and headline.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import piles  # noqa: E402
import train_cluster  # noqa: E402

from digest import cluster  # noqa: E402
from digest.models import load_embedder  # noqa: E402


def load_pile(name: str) -> tuple[piles.Pile, str]:
    """The pile called `name` and the fold it belongs to."""
    if name == "same_topic undated":
        return piles.undated(piles.window("same_topic")), "same_topic"
    if name.endswith("_nodates"):
        return piles.window(name), name.removesuffix("_nodates")
    return piles.jittered(piles.window(name)), name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pile")
    ap.add_argument("--fold-dir", type=Path, default=train_cluster.FOLD_DIR)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    pile, fold = load_pile(args.pile)
    model_file = args.fold_dir / f"fold-{fold}.json"
    model = cluster.SameStoryModel.from_dict(json.loads(model_file.read_text(encoding="utf-8")), model_file.name)
    prep = train_cluster.whole(pile, fold, load_embedder(model.embedder))
    by_id = {a.id: a for a in pile.articles}
    labels = cluster.group(prep.feats, model)
    gold = np.array([prep.gold[a] for a in prep.ids])
    p, r, f = train_cluster.bcubed({a: str(labels[prep.ids.index(c)]) for a, c in prep.canonical_of.items()}, prep.gold)
    print(f"{args.pile}: B-cubed precision {p:.3f} recall {r:.3f} F1 {f:.3f} ({model_file.name})")

    def show(rows: np.ndarray) -> None:
        for k in rows:
            a = by_id[prep.ids[int(k)]]
            when = a.published.strftime("%Y-%m-%d %H:%M") if a.published else "undated"
            print(f"    {gold[k]:<16} {labels[k]:>3}  {when:<16} {cluster.headline(a)[:90]}")

    for lab in sorted(set(labels.tolist())):
        rows = np.flatnonzero(labels == lab)
        if len(set(gold[rows].tolist())) > 1:
            print(f"MERGED {dict(Counter(gold[rows].tolist()))}")
            show(rows)
    for story in sorted(set(gold.tolist())):
        rows = np.flatnonzero(gold == story)
        if len(set(labels[rows].tolist())) > 1:
            print(f"SPLIT {story}")
            show(rows)


if __name__ == "__main__":
    main()

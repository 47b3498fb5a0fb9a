"""The pipeline's progress protocol: every stage is announced before its work, in order, with
counts that end at their totals (what the CLI's display and summary line are built on)."""

from __future__ import annotations

import gzip

from digest.pipeline import BRIEF, CLEAN, GROUP, LOAD, READ, STAGES, count_files, read_sources, run_brief
from digest.settings import DEFAULTS


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, int | None]] = []

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        self.events.append((stage, done, total))

    def order(self) -> list[str]:
        return list(dict.fromkeys(stage for stage, _, _ in self.events))

    def last(self, stage: str) -> tuple[int, int | None]:
        return next((d, t) for s, d, t in reversed(self.events) if s == stage)


def test_run_brief_announces_each_stage_in_order_and_ends_every_count(seeds_dir):
    rec = Recorder()
    run = run_brief([str(seeds_dir)], DEFAULTS.with_overrides(use_model=False), progress=rec)
    assert rec.order() == [READ, CLEAN, LOAD, GROUP, BRIEF]
    assert set(rec.order()) == set(STAGES)
    assert rec.events[0] == (READ, 0, 5)  # the total is known before the first file is read
    assert rec.last(READ) == (5, 5) and rec.last(CLEAN) == (5, 5)
    assert rec.last(LOAD) == (1, 1)  # extractive: the embedder only
    assert rec.last(GROUP) == (3, 3)
    assert (BRIEF, 0, len(run.briefings)) in rec.events and rec.last(BRIEF) == (len(run.briefings),) * 2
    reads = [d for s, d, _ in rec.events if s == READ]
    assert reads == sorted(reads) and list(dict.fromkeys(reads)) == list(range(6))  # one step per file


def test_files_are_counted_once_however_many_documents_they_hold(tmp_path):
    rows = "\n".join(
        f'{{"title": "Report {i}", "text": "The council met on Monday and approved the budget number {i} after a long debate."}}'
        for i in range(3)
    )
    (tmp_path / "many.jsonl").write_text(rows + "\n")
    with gzip.open(tmp_path / "one.txt.gz", "wt") as f:
        f.write("Storm closes schools\n\nThe storm closed every school in the county on Tuesday, officials said.\n")
    (tmp_path / ".hidden").write_text("skipped")
    assert count_files([str(tmp_path)]) == 2
    assert count_files([str(tmp_path), "https://example.org/feed.xml"]) is None
    rec = Recorder()
    articles, problems = read_sources([str(tmp_path)], rec)
    assert rec.last(READ) == (2, 2)
    assert rec.last(CLEAN)[0] == len(articles) + len(problems) == 4

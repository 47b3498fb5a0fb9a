"""The stages wired together on the seeds: stories for `digest cluster`, threads for briefings."""

from __future__ import annotations

from pathlib import Path

from digest.pipeline import find_stories, make_stories, read_sources


def test_seeds_thread_folds_the_earlier_development(seeds_dir, embedder):
    articles, problems = read_sources([str(seeds_dir)])
    assert problems == [] and len(articles) == 5

    stories, developments = find_stories(articles, embedder)
    names = sorted(sorted(Path(a.origin).name[:3] for a in s.articles) for s in stories)
    assert names == [["000"], ["001", "002", "003", "004"]]
    assert len(developments) == 1
    earlier = next(s for s in stories if s.id == developments[0].earlier)
    assert [Path(a.origin).name[:3] for a in earlier.articles] == ["000"]

    threads = make_stories(articles, embedder)
    assert len(threads) == 1
    thread = threads[0]
    assert sorted(Path(a.origin).name[:3] for a in thread.articles) == ["000", "001", "002", "003", "004"]
    assert Path(thread.articles[0].origin).name.startswith("000")  # oldest first
    assert thread.start is not None and thread.start.date().isoformat() == "2024-10-28"


def test_no_articles_no_stories(embedder):
    assert make_stories([], embedder) == []

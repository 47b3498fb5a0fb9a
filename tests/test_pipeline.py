"""The stages wired together on the seeds: stories for `digest cluster`, threads for briefings."""

from __future__ import annotations

from pathlib import Path

from digest.pipeline import group, read_sources
from digest.settings import DEFAULTS


def test_seeds_thread_folds_the_earlier_development(seeds_dir, embedder):
    articles, problems = read_sources([str(seeds_dir)])
    assert problems == [] and len(articles) == 5

    grouping = group(articles, embedder, DEFAULTS)
    names = sorted(sorted(Path(a.origin).name[:3] for a in s.articles) for s in grouping.stories)
    assert names == [["000"], ["001", "002", "003", "004"]]
    assert len(grouping.links) == 1
    earlier = next(s for s in grouping.stories if s.id == grouping.links[0].earlier)
    assert [Path(a.origin).name[:3] for a in earlier.articles] == ["000"]

    assert len(grouping.threads) == 1
    thread = grouping.threads[0]
    assert sorted(Path(a.origin).name[:3] for a in thread.articles) == ["000", "001", "002", "003", "004"]
    assert Path(thread.articles[0].origin).name.startswith("000")  # oldest first
    assert thread.start is not None and thread.start.date().isoformat() == "2024-10-28"


def test_a_thread_needs_the_earlier_story_to_end_first_and_within_the_window(seeds_dir, embedder):
    """The same two stories are not a thread when the earlier one is too old for `thread_days`."""
    articles, _ = read_sources([str(seeds_dir)])
    grouping = group(articles, embedder, DEFAULTS.with_overrides(thread_days=3))
    assert grouping.links == [] and len(grouping.threads) == 2


def test_no_articles_no_stories(embedder):
    grouping = group([], embedder, DEFAULTS)
    assert grouping.stories == [] and grouping.threads == [] and grouping.links == []

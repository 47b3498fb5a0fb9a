"""Wires the stages together: ingest -> clean -> dedupe -> cluster -> brief.

Each function here is a thin loop over one stage's front function. Problems
with single inputs are collected, logged as one line each and never stop the
run; the caller decides the exit code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .types import Article, Briefing, Problem, RawDocument, Story

log = logging.getLogger(__name__)

# progress(stage, done, total): total is None while unknown.
Progress = Callable[[str, int, int | None], None]


def _quiet(stage: str, done: int, total: int | None) -> None:
    pass


def clean_documents(
    docs: Iterable[RawDocument | Problem], progress: Progress = _quiet
) -> tuple[list[Article], list[Problem]]:
    """Clean every document; a document that cannot be cleaned becomes a Problem."""
    from .clean import CleanError, clean

    articles: list[Article] = []
    problems: list[Problem] = []
    for i, doc in enumerate(docs, 1):
        if isinstance(doc, Problem):
            _report(doc, problems)
        else:
            try:
                articles.append(clean(doc))
            except CleanError as exc:
                _report(Problem(doc.origin, str(exc)), problems)
            except (RecursionError, MemoryError, ValueError) as exc:
                _report(Problem(doc.origin, f"cannot clean: {type(exc).__name__}: {exc}"), problems)
        progress("clean", i, None)
    return articles, problems


def _report(problem: Problem, problems: list[Problem]) -> None:
    log.error("%s", problem)
    problems.append(problem)


def read_sources(sources: Sequence[str], progress: Progress = _quiet) -> tuple[list[Article], list[Problem]]:
    """Ingest and clean every source (files, folders, .gz, feed URLs)."""
    from .ingest import ingest

    return clean_documents(ingest(sources), progress)


def make_stories(articles: list[Article], embedder) -> list[Story]:
    """Collapse duplicates, group into stories, fold earlier developments into their thread.

    Biggest story first. `digest cluster` shows stories and developments apart; a briefing
    tells a thread (e.g. last week's call that led to today's visit) as one story.
    """
    from .cluster import threads

    stories, developments = find_stories(articles, embedder)
    return sorted(threads(stories, developments), key=lambda s: (-len(s.articles), s.id))


def find_stories(articles: list[Article], embedder) -> tuple[list[Story], list]:
    """Dedupe and cluster: the stories, and the links from earlier developments to later ones."""
    from .cluster import cluster_with_developments
    from .dedupe import dedupe

    return cluster_with_developments(dedupe(articles), embedder)


# Generator seconds one run may spend in all; stories briefed after that are extractive.
# A 150-article day spends about 100 s on this machine (benchmarks/daily.py).
MODEL_SECONDS_PER_RUN = 240.0


def brief_stories(
    stories: list[Story],
    generator,
    embedder,
    *,
    words: int = 150,
    model_seconds: float = MODEL_SECONDS_PER_RUN,
    progress: Progress = _quiet,
) -> list[Briefing]:
    """One briefing per story, in the stories' order (biggest first gets the model first)."""
    from .brief import ModelBudget, brief

    budget = ModelBudget(model_seconds)
    out = []
    for i, story in enumerate(stories, 1):
        out.append(brief(story, generator, embedder, words=words, budget=budget))
        progress("brief", i, len(stories))
    return out


@dataclass(frozen=True)
class BriefRun:
    """Everything `digest brief` produced, ready for rendering."""

    briefings: list[Briefing]
    problems: list[Problem]
    model: str
    generated_at: datetime
    stories: list[Story] = field(default_factory=list)


def run_brief(
    sources: Sequence[str],
    *,
    model: str | None = None,
    words: int = 150,
    use_model: bool = True,
    progress: Progress = _quiet,
) -> BriefRun:
    """The main job: sources in, one checked briefing per story out."""
    from .models import load_embedder, load_generator

    generated_at = datetime.now(UTC).replace(microsecond=0)
    articles, problems = read_sources(sources, progress)
    if not articles:
        return BriefRun([], problems, "none", generated_at)
    embedder = load_embedder()
    stories = make_stories(articles, embedder)
    generator = load_generator(model) if use_model else None
    briefings = brief_stories(stories, generator, embedder, words=words, progress=progress)
    name = generator.name if generator is not None else "extractive"
    return BriefRun(briefings, problems, name, generated_at, stories)

"""The one way from sources to briefings, for `digest brief` and `digest daily` alike.

    read:   sources ──ingest──> RawDocument ──clean──> Article
    group:  Article ──dedupe──> Deduped ──cluster──> Story ──threads──> Story (threads folded)
    brief:  Story ──brief──> Briefing

Each function is a thin loop over one stage's front function. Problems with
single inputs are collected, logged as one line each and never stop the run;
the caller decides the exit code. `daily` adds only what is its own (the
window, the lock, the state, new vs updated) around these same functions.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .models.base import Embedder, Generator
from .settings import Settings
from .types import Article, Briefing, Problem, RawDocument, Story, ThreadLink, story_content_key

log = logging.getLogger(__name__)

# progress(stage, done, total): total is None while unknown. A stage is announced with
# done=0 before its work starts, so a display can name what the run is waiting on.
Progress = Callable[[str, int, int | None], None]

# The stages a Progress callback sees, in the order a run reaches them:
READ = "read"  # done/total: files (and feed items) read; total None when a source is a URL
CLEAN = "clean"  # done/total: documents cleaned / documents read so far
GROUP = "group"  # done/total: steps of dedupe, cluster, threads
LOAD = "load"  # done/total: models loaded / models needed
BRIEF = "brief"  # done/total: stories briefed / stories
STAGES = (READ, CLEAN, GROUP, LOAD, BRIEF)


def _quiet(stage: str, done: int, total: int | None) -> None:
    pass


# ------------------------------------------------------------------ read


def clean_documents(
    docs: Iterable[RawDocument | Problem], progress: Progress = _quiet
) -> tuple[list[Article], list[Problem]]:
    """Clean every document; a document that cannot be cleaned becomes a Problem."""
    from .clean import CleanError, clean

    articles: list[Article] = []
    problems: list[Problem] = []
    progress(CLEAN, 0, None)
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
        progress(CLEAN, i, i)
    return articles, problems


def _report(problem: Problem, problems: list[Problem]) -> None:
    log.error("%s", problem)
    problems.append(problem)


def read_sources(sources: Sequence[str], progress: Progress = _quiet) -> tuple[list[Article], list[Problem]]:
    """Ingest and clean every source (files, folders, .gz, feed URLs)."""
    from .ingest import ingest

    total = count_files(sources)
    progress(READ, 0, total)  # announced first: the display lists the stages in the order they start
    return clean_documents(_counting_files(ingest(sources), total, progress), progress)


def count_files(sources: Sequence[str]) -> int | None:
    """How many files the sources hold (visible files under folders); None when a source is a URL.

    Only an estimate for the progress display: ingest itself decides what is read.
    """
    total = 0
    for source in sources:
        if "://" in source:
            return None
        path = Path(source)
        if path.is_dir():
            for _folder, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                total += sum(not f.startswith(".") for f in files)
        else:
            total += 1
    return total


def _counting_files(
    docs: Iterable[RawDocument | Problem], total: int | None, progress: Progress
) -> Iterator[RawDocument | Problem]:
    """Pass the documents on, reporting READ each time a new file (origin before any '#N') starts."""
    done, last = 0, None
    for doc in docs:
        key = doc.origin.split("#", 1)[0]
        if key != last:
            done, last = done + 1, key
            if total is not None and done > total:  # an OPML list or a feed: more items than files
                total = None
            progress(READ, done, total)
        yield doc
    progress(READ, done, done)


# ------------------------------------------------------------------ group


@dataclass(frozen=True)
class Grouping:
    """Stories as clustered, the thread links between them, and the stories with threads folded."""

    stories: list[Story]  # one per event or development, biggest first
    links: list[ThreadLink]  # which story continues which
    threads: list[Story]  # each thread as one story (what a briefing tells), biggest first


def group(articles: Sequence[Article], embedder: Embedder, settings: Settings, progress: Progress = _quiet) -> Grouping:
    """Collapse duplicates, cluster into stories, and link the stories that continue one another."""
    from . import threads
    from .cluster import cluster
    from .dedupe import dedupe

    progress(GROUP, 0, 3)
    deduped = dedupe(list(articles))
    progress(GROUP, 1, 3)
    stories = cluster(deduped, embedder)
    progress(GROUP, 2, 3)
    profiles = threads.profiles(stories, embedder)
    links = threads.links(profiles, profiles, threshold=embedder.calibration.thread, max_days=settings.thread_days)
    folded = threads.fold(stories, links)
    progress(GROUP, 3, 3)
    return Grouping(_biggest_first(stories), links, _biggest_first(folded))


def _biggest_first(stories: Iterable[Story]) -> list[Story]:
    return sorted(stories, key=lambda s: (-len(s.articles), story_content_key(s), s.id))


# ------------------------------------------------------------------ brief


def brief_context(settings: Settings, embedder: Embedder, generator: Generator | None):
    """The brief stage's context for one run (one call budget shared by all its stories)."""
    from .brief import BriefContext, ModelBudget, opinion
    from .brief.salience import default_model, load_model

    limits = settings.limits
    return BriefContext(
        embedder=embedder,
        generator=generator,
        words=settings.words,
        calls_per_story=limits.calls_per_story,
        max_new_tokens=limits.max_new_tokens,
        budget=ModelBudget(limits.calls_per_run),
        salience=load_model(settings.salience) if settings.salience else default_model(),
        opinions=opinion.load_model(settings.opinions) if settings.opinions else opinion.default_model(),
    )


def brief_stories(stories: Sequence[Story], ctx, progress: Progress = _quiet) -> list[Briefing]:
    """One briefing per story, in the stories' order (the biggest first gets the model first)."""
    from .brief import brief

    out = []
    progress(BRIEF, 0, len(stories))
    for i, story in enumerate(stories, 1):
        out.append(brief(story, ctx))
        progress(BRIEF, i, len(stories))
    return out


# ------------------------------------------------------------------ the main job


@dataclass(frozen=True)
class BriefRun:
    """Everything `digest brief` produced, ready for rendering."""

    briefings: list[Briefing]
    problems: list[Problem]
    model: str
    generated_at: datetime
    grouping: Grouping | None = None


def now() -> datetime:
    """The run's timestamp: UTC now, or $SOURCE_DATE_EPOCH for reproducible output (tests, archives)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def load_models(settings: Settings, progress: Progress = _quiet) -> tuple[Embedder, Generator | None]:
    """The run's embedder and (unless extractive) generator, from the registry; ModelError if missing."""
    from .models import load_embedder, load_generator

    needed = 2 if settings.use_model else 1
    progress(LOAD, 0, needed)
    embedder = load_embedder(settings.embedder)
    progress(LOAD, 1, needed)
    generator = load_generator(settings.model) if settings.use_model else None
    progress(LOAD, needed, needed)
    return embedder, generator


def run_brief(sources: Sequence[str], settings: Settings, *, progress: Progress = _quiet) -> BriefRun:
    """The main job: sources in, one checked briefing per thread out."""
    generated_at = now()
    articles, problems = read_sources(sources, progress)
    if not articles:
        return BriefRun([], problems, "none", generated_at)
    embedder, generator = load_models(settings, progress)
    grouping = group(articles, embedder, settings, progress)
    briefings = brief_stories(grouping.threads, brief_context(settings, embedder, generator), progress)
    name = generator.name if generator is not None else "extractive"
    return BriefRun(briefings, problems, name, generated_at, grouping)

"""`digest daily`: one idempotent run that turns the day's new articles into a digest.

The run for day D:

1. reads every configured source and cleans what it finds;
2. remembers each article published in the window (the `window_hours` before
   the end of D) that no earlier run has seen: those are D's new articles;
3. clusters the new articles together with the articles of the previous
   `LINK_DAYS` days, so that an article continuing a stored story lands in
   that story's cluster;
4. links each cluster holding new articles to a stored story (shared members
   first, then closeness of the centroid of the new articles to the story's
   last centroid); a linked story keeps its id and is "updated", the rest are
   "new";
5. briefs each story on its new articles only (an updated story links to the
   digest that told it last);
6. writes OUTDIR/D.md, OUTDIR/D.json and OUTDIR/index.md atomically, and the
   state rows of D, all in one transaction.

A run for D reads only what runs for earlier days stored, plus the articles
first seen on D, so re-running D gives byte-identical files and replaces its
own rows instead of adding to them. `generated_at` is D at 00:00 UTC for the
same reason. A lock file beside the state database keeps two runs apart.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time as time_mod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from datetime import date as Date
from pathlib import Path

import numpy as np

from .atomic import remove_stale_temps, write_atomic, write_together
from .config import Config, SourceConfig
from .sanitize import md_code, printable
from .state import DigestRow, Locked, State, StoredStory, StoryDay, locked
from .types import Article, Briefing, Problem, RawDocument, Story

log = logging.getLogger(__name__)

LINK_DAYS = 2  # earlier days whose articles are clustered with today's, to find continuing stories
CENTROID_DAYS = 7  # stories told this recently can be continued by centroid similarity alone
LINK_SIMILARITY = 0.80  # cosine of new articles' centroid and a stored story's centroid to link them
LOCK_WAIT = 30.0  # seconds a second run waits for the first before giving up
LEAD_WORDS = 60


DailyLocked = Locked  # another `digest daily` run holds the lock (a StateError: exit code 3)


@dataclass(frozen=True)
class DailyResult:
    """What one run did: the files written, counts, and the sources that failed."""

    date: Date
    written: tuple[Path, ...]
    new_articles: int
    stories: int
    new_stories: int
    updated_stories: int
    problems: tuple[Problem, ...]
    model: str
    seconds: dict[str, float] = field(default_factory=dict, compare=False)  # wall time per stage

    @property
    def markdown(self) -> Path:
        return self.written[0]

    @property
    def json(self) -> Path:
        return self.written[1]


# ---------------------------------------------------------------- the run


def run_daily(
    config: Config,
    date: Date,
    *,
    progress: bool = False,
    fetcher=None,
    generator=...,
    embedder=None,
    lock_wait: float | None = None,
) -> DailyResult:
    """Run the digest for `date` (see the module docstring). Safe to repeat.

    `fetcher` (digest.ingest.feeds.Fetcher), `generator` and `embedder` may be
    given to reuse them; by default they come from the config. `generator=None`
    means extractive briefings.
    """
    out_dir = Path(config.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_writable(out_dir)  # before any work: a folder we cannot write to fails now, not after the model
    state_path = Path(config.state_path)
    wait = lock_wait if lock_wait is not None else _env_float("DIGEST_LOCK_WAIT", LOCK_WAIT)
    with (
        locked(state_path.with_name(state_path.name + ".lock"), wait),
        State(state_path) as state,
        _Reporter(progress) as report,
    ):
        # Under the lock no other run writes here: temp files left now are a killed run's.
        for folder in dict.fromkeys((out_dir, state_path.parent)):
            remove_stale_temps(folder)
        # The day's files are written (as a pair) before the state commits, so a kill in
        # between leaves files the state does not know: the next run does the day again.
        with state.transaction():
            result = _run(config, date, state, out_dir, report, fetcher, generator, embedder)
        # The index lists only what the committed state and the folder both hold.
        index = write_atomic(out_dir / "index.md", render_index(state, out_dir))
        return replace(result, written=(*result.written, index))


def _check_writable(folder: Path) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=f".digest.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise PermissionError(exc.errno, f"cannot write digests to {folder}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)


def _run(config, day: Date, state: State, out_dir: Path, report, fetcher, generator, embedder) -> DailyResult:
    from .ingest.feeds import Fetcher

    clock = _Clock()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(request_seconds=config.fetch.request_seconds, run_seconds=config.fetch.run_seconds)
    for source in config.sources:  # every source the user named, before any is read (OPML feeds may share an origin)
        if source.kind in ("feed", "wordpress"):
            fetcher.name(source.value)
    window_start, window_end = window(config, state, day)
    try:
        articles, problems = _read_sources(config.sources, state, fetcher, report, window_start)
    finally:
        if own_fetcher:
            fetcher.close()

    # Record what is new, within the window that ends with the day.
    skipped = 0
    for article, source in articles:
        if article.published is not None:
            when = article.published if article.published.tzinfo else article.published.replace(tzinfo=UTC)
            if not (window_start <= when < window_end):
                skipped += 1
                continue
        state.record_article(article, source=source, date=day)
    if skipped:
        log.info("%d articles published outside the window %s .. %s were left out", skipped, window_start, window_end)

    new = state.articles_first_seen(day, day)
    clock.lap("ingest")
    new_ids = {a.id for a in new}
    report.note(f"{len(new)} new articles")

    story_days: list[StoryDay] = []
    briefings: list[Briefing] = []
    statuses: dict[str, tuple[str, str, str | None]] = {}  # story id -> (status, first_seen, earlier digest date)
    model_name = "none"
    if new:
        if embedder is None:
            from .models import load_embedder

            embedder = load_embedder()
        if generator is ...:
            generator = _generator(config)
        model_name = getattr(generator, "name", None) or "extractive"
        earlier_days = state.digest_dates(before=day)
        # The previous LINK_DAYS runs, however far apart they were: a story continues across a gap.
        since = earlier_days[LINK_DAYS - 1] if len(earlier_days) >= LINK_DAYS else day - timedelta(days=LINK_DAYS)
        context = state.articles_first_seen(min(since, day - timedelta(days=LINK_DAYS)), day - timedelta(days=1))
        clock.lap("load models")
        plans = plan_stories(new, context, state, day, embedder)
        clock.lap("cluster")
        from . import pipeline

        to_brief = [p.story for p in plans]
        report.note(f"briefing {len(to_brief)} stories")
        briefings = pipeline.brief_stories(to_brief, generator, embedder, words=config.words, **_progress_kw(report))
        clock.lap("brief")
        for plan, briefing in zip(plans, briefings):
            statuses[plan.story.id] = (plan.status, plan.first_seen, plan.earlier)
            members = [a.id for a in plan.story.articles] + [d.article.id for d in plan.story.duplicates]
            story_days.append(
                StoryDay(
                    plan.story.id,
                    briefing.headline,
                    plan.status,
                    tuple(m for m in members if m in new_ids),
                    plan.centroid,
                )
            )

    generated_at = datetime.combine(day, time(0), UTC)
    md_text, json_text = render_digest(day, briefings, statuses, new, problems, generated_at, model_name)

    md_path, json_path = out_dir / f"{day.isoformat()}.md", out_dir / f"{day.isoformat()}.json"
    state.replace_day(day, story_days)
    state.record_digest(
        DigestRow(
            date=day.isoformat(),
            markdown=md_path.name,
            json=json_path.name,
            stories=len(briefings),
            new_articles=len(new),
            model=model_name,
            sha256=hashlib.sha256(md_text.encode("utf-8")).hexdigest(),
        )
    )
    write_together([(json_path, json_text), (md_path, md_text)])  # the .md last: if it is there, so is its .json
    n_updated = sum(1 for s in statuses.values() if s[0] == "updated")
    clock.lap("write")
    return DailyResult(
        date=day,
        written=(md_path, json_path),
        new_articles=len(new),
        stories=len(briefings),
        new_stories=len(briefings) - n_updated,
        updated_stories=n_updated,
        problems=tuple(problems),
        model=model_name,
        seconds=clock.laps,
    )


def window(config: Config, state: State, day: Date) -> tuple[datetime, datetime]:
    """The publication times whose articles count for day D: [start, end of D).

    The start is `window_hours` before the end of D, or the start of the day of
    the last earlier digest when that is earlier: an article published after a
    run, or on a day no run happened (the machine was off), is reported by the
    next run however long after. Articles dated after D wait for their own day.
    """
    end = datetime.combine(day + timedelta(days=1), time(0), UTC)
    start = end - timedelta(hours=config.window_hours)
    earlier = state.digest_dates(before=day)
    if earlier:
        start = min(start, datetime.combine(earlier[0], time(0), UTC))
    return start, end


def _progress_kw(report) -> dict:
    """Per-story progress for brief_stories, when the pipeline offers it."""
    import inspect

    from . import pipeline

    if "progress" not in inspect.signature(pipeline.brief_stories).parameters:
        return {}
    return {"progress": lambda stage, done, total: report.note(f"{stage}: {done}/{total} stories")}


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._t = time_mod.perf_counter()

    def lap(self, name: str) -> None:
        now = time_mod.perf_counter()
        self.laps[name] = round(now - self._t, 3)
        self._t = now


def _generator(config: Config):
    if not config.use_model:
        return None
    from .models import load_generator

    return load_generator(config.model)


# ---------------------------------------------------------------- sources


def _read_sources(
    sources: Sequence[SourceConfig], state: State, fetcher, report, not_before: datetime
) -> tuple[list[tuple[Article, str]], list[Problem]]:
    """Every source's cleaned articles, each with the source it came from; failures as Problems."""
    from .pipeline import clean_documents

    articles: list[tuple[Article, str]] = []
    problems: list[Problem] = []
    for i, source in enumerate(sources, 1):
        report.note(f"reading source {i}/{len(sources)}: {source}")
        try:
            got, bad = clean_documents(_documents(source, state, fetcher, not_before))
        except Exception as exc:
            log.exception("%s: failed", source.value)
            got, bad = [], [Problem(source.value, f"failed: {type(exc).__name__}: {exc}")]
        articles += [(a, str(source)) for a in got]
        problems += bad
    return articles, problems


def _documents(source: SourceConfig, state: State, fetcher, not_before: datetime) -> Iterator[RawDocument | Problem]:
    from .ingest.feeds import ingest_opml, ingest_url, wordpress_posts

    if source.kind == "path":
        from .ingest import ingest_path

        yield from ingest_path(source.value)
    elif source.kind == "feed":
        yield from ingest_url(source.value, state=state, fetcher=fetcher, not_before=not_before)
    elif source.kind == "wordpress":
        yield from wordpress_posts(source.value, state=state, fetcher=fetcher)
    else:
        # The feeds an OPML file lists are links, not names: only http(s), under the fetch policy.
        yield from ingest_opml(source.value, fetcher=fetcher, state=state, not_before=not_before)


# ---------------------------------------------------------------- stories across days


@dataclass(frozen=True)
class StoryPlan:
    """One story of the day: what to brief (new articles only) and how it relates to earlier days."""

    story: Story
    status: str  # "new" | "updated"
    first_seen: str
    earlier: str | None  # date of the last digest that told it
    centroid: np.ndarray


def describe(article: Article) -> str:
    """Title and lead: what an article's centroid is made of."""
    words = " ".join(article.paragraphs).split()[:LEAD_WORDS]
    return ((article.title or "") + ". " + " ".join(words)).strip()


def centroid(articles: Sequence[Article], embedder) -> np.ndarray:
    vecs = np.asarray(embedder.embed([describe(a) for a in articles]), dtype=np.float32)
    c = vecs.mean(axis=0)
    norm = float(np.linalg.norm(c))
    return (c / norm).astype(np.float32) if norm > 0 else c.astype(np.float32)


def plan_stories(new: list[Article], context: list[Article], state: State, day: Date, embedder) -> list[StoryPlan]:
    """Cluster today's new articles with recent ones and link each cluster to a stored story."""
    from . import pipeline

    new_ids = {a.id for a in new}
    stories = pipeline.make_stories(list(new) + list(context), embedder)
    earlier_days = state.digest_dates(before=day)
    # Stories told in the last CENTROID_DAYS days, or in the last CENTROID_DAYS runs when runs were further apart.
    since = min([day - timedelta(days=CENTROID_DAYS), *earlier_days[CENTROID_DAYS - 1 : CENTROID_DAYS]])
    stored = {s.id: s for s in state.stories_before(day, since=since)}

    candidates = []  # (story with new articles only, all member ids, centroid)
    for story in stories:
        # A new canonical article whose copy was already seen is an old report published again.
        old_copies = {d.of for d in story.duplicates if d.article.id not in new_ids}
        fresh = tuple(a for a in story.articles if a.id in new_ids and a.id not in old_copies)
        if not fresh:
            continue  # nothing new in this story today (at most new copies of old reports)
        dups = tuple(d for d in story.duplicates if d.of in {a.id for a in fresh})
        members = [a.id for a in story.articles] + [d.article.id for d in story.duplicates]
        label = story.label if any(a.title == story.label for a in fresh) else (fresh[0].title or story.label)
        times = [a.published for a in fresh if a.published is not None]
        trimmed = replace(
            story,
            articles=fresh,
            duplicates=dups,
            label=label,
            start=min(times) if times else None,
            end=max(times) if times else None,
        )
        candidates.append((trimmed, members, centroid(fresh, embedder)))

    # Bigger stories choose their stored story first; each stored story is continued at most once.
    candidates.sort(key=lambda c: (-len(c[0].articles), c[0].id))
    taken: set[str] = set()
    plans = []
    for story, members, vec in candidates:
        match = _match(members, vec, stored, state, day, taken)
        if match is None:
            known = state.story(story.id, before=day)  # same members as a stored story: same story
            match = known if known is not None and known.id not in taken else None
        if match is not None:
            taken.add(match.id)
            plans.append(StoryPlan(replace(story, id=match.id), "updated", match.first_seen, match.last_date, vec))
        else:
            plans.append(StoryPlan(story, "new", day.isoformat(), None, vec))
    return plans


def _match(
    members: list[str], vec: np.ndarray, stored: dict[str, StoredStory], state: State, day: Date, taken: set[str]
) -> StoredStory | None:
    overlap = {k: v for k, v in state.story_overlap(members, before=day).items() if k not in taken}
    if overlap:
        best = min(overlap, key=lambda sid: (-overlap[sid], sid))
        return stored.get(best) or state.story(best, before=day)
    best_sim, best = LINK_SIMILARITY, None
    for sid in sorted(stored):
        s = stored[sid]
        if sid in taken or s.centroid is None or s.centroid.shape != vec.shape:
            continue
        sim = float(np.dot(s.centroid, vec))
        if sim >= best_sim:
            best_sim, best = sim, s
    return best


# ---------------------------------------------------------------- rendering


def render_digest(
    day: Date,
    briefings: Sequence[Briefing],
    statuses: dict[str, tuple[str, str, str | None]],
    new: Sequence[Article],
    problems: Sequence[Problem],
    generated_at: datetime,
    model: str,
) -> tuple[str, str]:
    """The day's Markdown and JSON (the brief JSON plus date, status and first_seen per story)."""
    from .render import briefing_json, dumps, render_markdown

    status_text, links = {}, {}
    for sid, (status, first_seen, earlier) in statuses.items():
        if status == "updated":
            status_text[sid] = f"Updated since {earlier} (first seen {first_seen})"
            links[sid] = f"{earlier}.md"
        else:
            status_text[sid] = "New"
    n_updated = sum(1 for s in statuses.values() if s[0] == "updated")
    if briefings:
        outlets = {a.outlet or a.origin for a in new}
        intro = (
            f"{len(new)} new {_plural(len(new), 'article')} from {len(outlets)} {_plural(len(outlets), 'source')}: "
            f"{len(briefings) - n_updated} new {_plural(len(briefings) - n_updated, 'story', 'stories')}, "
            f"{n_updated} updated."
        )
    else:
        intro = "Nothing new today: no article has appeared since the last digest."
    if problems:
        names = sorted({p.origin for p in problems})
        shown = ", ".join(md_code(n) for n in names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        intro += f"\n\n_Could not read {len(names)} {_plural(len(names), 'source')}: {shown}._"
    md = render_markdown(
        briefings,
        title=f"Daily digest, {day.isoformat()}",
        generated_at=generated_at,
        model=model,
        extra={"status": status_text, "links": links, "intro": intro},
    )
    data = briefing_json(briefings, generated_at=generated_at, model=model)
    for story in data["stories"]:
        status, first_seen, earlier = statuses[story["id"]]
        story["status"] = status
        story["first_seen"] = first_seen
        story["earlier"] = f"{earlier}.md" if earlier else None
    out = {"date": day.isoformat(), **data}
    out["new_articles"] = len(new)
    out["problems"] = [{"origin": p.origin, "message": p.message} for p in problems]
    return md, dumps(out)


def render_index(state: State, out_dir: Path | None = None) -> str:
    """OUTDIR/index.md: every digest the state records (and, given `out_dir`, whose two files exist), newest first."""
    lines = ["# Daily digests", "", "Newest first.", ""]
    for row in state.digests():
        if out_dir is not None and not ((out_dir / row.markdown).is_file() and (out_dir / row.json).is_file()):
            continue
        what = (
            f"{row.stories} {_plural(row.stories, 'story', 'stories')}, "
            f"{row.new_articles} new {_plural(row.new_articles, 'article')}"
            if row.stories
            else "nothing new"
        )
        lines.append(f"- [{row.date}]({row.markdown}): {what}")
    return "\n".join(lines) + "\n"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")


# ---------------------------------------------------------------- lock and progress


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


class _Reporter:
    """Stage notes: always logged; with progress on, also shown as a transient status line on stderr."""

    def __init__(self, enabled: bool):
        self._status = None
        if enabled:
            from rich.console import Console

            self._status = Console(stderr=True).status("daily: starting")

    def note(self, message: str) -> None:
        log.info("%s", message)
        if self._status is not None:
            from rich.markup import escape

            self._status.update(escape(f"daily: {printable(message)}"))

    def __enter__(self) -> _Reporter:
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._status is not None:
            self._status.stop()

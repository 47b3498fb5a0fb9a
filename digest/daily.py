"""`digest daily`: one idempotent run that turns the day's new articles into a digest.

The run for day D:

1. reads every configured source (the ingest front, `read_inputs`) and cleans
   what it finds;
2. remembers each article published in the window (the `window_hours` before
   the end of D) that no earlier run has seen: those are D's new articles;
3. groups the new articles into stories (the pipeline's `group`, as `digest
   brief` does) and asks `digest.threads` which of them continue a story told
   on an earlier day; a continuing story keeps that story's id and is
   "updated", the rest are "new";
4. briefs each story on its new articles only (the pipeline's `brief_stories`);
   an updated story links to the digest that told it last;
5. writes OUTDIR/D.json, OUTDIR/D.html (when `formats` has "html") and
   OUTDIR/D.md together (all complete before the first rename), then commits
   the state rows of D (one transaction), then rewrites OUTDIR/index.md (and,
   with HTML, the archive OUTDIR/index.html and the feed OUTDIR/feed.xml) from
   what the committed state and the folder hold;
6. with `[delivery.email]`, mails the day's digest, once per day unless asked
   again (`resend`); a failed send is reported in the result, the files stay.

What is daily's own: the window, the lock, the transaction, the state, and the
status of each story. Nothing is missed: the window reaches back to the day of
the last earlier digest, however long ago. Nothing is lost: a fault while
writing (full disk, unwritable folder, broken state) stops the run before the
state commits, and the next run removes what a killed run left behind. A run for D reads only what runs for earlier days
stored, plus the articles first seen on D, so re-running D gives
byte-identical files and replaces its own rows instead of adding to them.
`generated_at` is D at 00:00 UTC for the same reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time as time_mod
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from datetime import date as Date
from pathlib import Path
from typing import Literal

from . import deliver
from .atomic import remove_stale_temps, write_atomic, write_together
from .config import Config
from .render import to_html, to_json, to_markdown
from .sanitize import md_code, printable
from .settings import Settings
from .state import DigestRow, Locked, State, StoryDay, locked
from .threads import StoryProfile
from .types import Article, Digest, DigestStory, Problem, Story

log = logging.getLogger(__name__)

LOCK_WAIT = 30.0  # seconds a second run waits for the first before giving up


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
    emailed: bool = False  # the digest was mailed by this run
    delivery_error: str | None = None  # one line: the e-mail could not be sent (the files are written)

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
    settings: Settings | None = None,
    progress: bool = False,
    fetcher=None,
    models=None,
    lock_wait: float | None = None,
    resend: bool = False,
) -> DailyResult:
    """Run the digest for `date` (see the module docstring). Safe to repeat.

    `settings` default to the config's. `fetcher` (digest.ingest.feeds.Fetcher)
    and `models` (an (embedder, generator) pair; generator None for extractive
    briefings) may be given to reuse them. `resend` mails the day's digest
    even if an earlier run did.
    """
    settings = settings or config.settings()
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
            result = _run(config, settings, date, state, out_dir, report, fetcher, models)
        # The index lists only what the committed state and the folder both hold.
        index = write_atomic(out_dir / "index.md", render_index(state, out_dir))
        result = replace(result, written=(*result.written, index))
        if "html" in config.formats:
            result = replace(result, written=(*result.written, *_write_site(config, state, out_dir)))
        if config.delivery.email is not None:
            result = _email(config, state, result, resend)
        return result


def _write_site(config: Config, state: State, out_dir: Path) -> list[Path]:
    """OUTDIR/index.html and OUTDIR/feed.xml, rebuilt from the days the state records and the folder holds."""
    days = deliver.load_days(out_dir, [row.date for row in state.digests()])
    feed = deliver.render_feed(days, feed_id=state.feed_id(), base_url=config.delivery.base_url)
    return write_together([(out_dir / "feed.xml", feed), (out_dir / "index.html", deliver.render_archive(days))])


def _email(config: Config, state: State, result: DailyResult, resend: bool) -> DailyResult:
    """Mail the day's digest once (after its files are written); a failure is reported, never raised."""
    assert config.delivery.email is not None
    day = result.date
    if state.delivered(day, "email") and not resend:
        log.info("the digest of %s was e-mailed before; not sending it again (--resend sends it again)", day)
        return result
    md_path = result.markdown
    html_path = md_path.with_suffix(".html")
    try:
        text = md_path.read_text(encoding="utf-8")
        if html_path.is_file():
            html = html_path.read_text(encoding="utf-8")
        else:  # formats without "html": the message still carries the page, built from the day's JSON
            from .render import html_from_json

            html = html_from_json(json.loads(result.json.read_text(encoding="utf-8")), title=_title(day))
        deliver.send_digest(deliver.Mail.from_config(config.delivery.email), subject=_title(day), text=text, html=html)
    except deliver.DeliveryError as exc:
        return replace(result, delivery_error=str(exc))
    state.record_delivery(day, "email", hashlib.sha256(text.encode("utf-8")).hexdigest())
    return replace(result, emailed=True)


def _title(day: Date) -> str:
    return f"Daily digest, {day.isoformat()}"


def _check_writable(folder: Path) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=f".digest.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise PermissionError(exc.errno, f"cannot write digests to {folder}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)


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


def _run(
    config: Config, settings: Settings, day: Date, state: State, out_dir: Path, report, fetcher, models
) -> DailyResult:
    from . import pipeline
    from .ingest import FetchOptions
    from .ingest.fetch import Fetcher  # every fetch goes through it (policy, deadlines)

    clock = _Clock()
    window_start, window_end = window(config, state, day)
    own_fetcher = fetcher is None
    if own_fetcher:  # the run's deadlines come from the config ([fetch])
        fetcher = Fetcher(request_seconds=settings.fetch.request_seconds, run_seconds=settings.fetch.run_seconds)
    try:
        articles, problems = _read(config, FetchOptions(fetcher, state, window_start), report)
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
    report.note(f"{len(new)} new articles")

    stories: list[DigestStory] = []
    story_days: list[StoryDay] = []
    model_name = "none"
    if new:
        embedder, generator = models if models is not None else pipeline.load_models(settings)
        model_name = generator.name if generator is not None else "extractive"
        clock.lap("load models")
        plans = plan_stories(new, state, day, embedder, settings)
        clock.lap("cluster")
        report.note(f"briefing {len(plans)} stories")
        ctx = pipeline.brief_context(settings, embedder, generator)
        briefings = pipeline.brief_stories(
            [p.story for p in plans],
            ctx,
            progress=lambda stage, done, total: report.note(f"{stage}: {done}/{total} stories"),
        )
        clock.lap("brief")
        new_ids = {a.id for a in new}
        for plan, briefing in zip(plans, briefings):
            stories.append(DigestStory(briefing, plan.status, plan.first_seen, plan.earlier))
            members = [a.id for a in plan.story.articles] + [d.article.id for d in plan.story.duplicates]
            story_days.append(
                StoryDay(
                    plan.story.id,
                    briefing.headline,
                    plan.status,
                    tuple(m for m in members if m in new_ids),
                    plan.profile.vector,
                )
            )

    digest = Digest(
        title=_title(day),
        generated_at=datetime.combine(day, time(0), UTC),  # not the clock: a re-run gives the same bytes
        model=model_name,
        stories=tuple(stories),
        day=day,
        intro=_intro(stories, new, problems),
        new_articles=len(new),
        problems=tuple(problems),
    )
    md_text, json_text = to_markdown(digest), to_json(digest)

    md_path, json_path = out_dir / f"{day.isoformat()}.md", out_dir / f"{day.isoformat()}.json"
    files = [(json_path, json_text)]
    if "html" in config.formats:
        html_text = to_html(digest, day_href=deliver.page_link(out_dir), nav=(("All days", "index.html"),))
        files.append((out_dir / f"{day.isoformat()}.html", html_text))
    state.replace_day(day, story_days)
    state.record_digest(
        DigestRow(
            date=day.isoformat(),
            markdown=md_path.name,
            json=json_path.name,
            stories=len(stories),
            new_articles=len(new),
            model=model_name,
            sha256=hashlib.sha256(md_text.encode("utf-8")).hexdigest(),
        )
    )
    write_together([*files, (md_path, md_text)])  # the .md last: if it is there, so are the others
    n_updated = sum(1 for s in stories if s.status == "updated")
    clock.lap("write")
    return DailyResult(
        date=day,
        written=(md_path, json_path, *(p for p, _ in files[1:])),
        new_articles=len(new),
        stories=len(stories),
        new_stories=len(stories) - n_updated,
        updated_stories=n_updated,
        problems=tuple(problems),
        model=model_name,
        seconds=clock.laps,
    )


class _Clock:
    """Wall time per stage, for the log and the benchmark only (never for decisions)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._t = time_mod.perf_counter()

    def lap(self, name: str) -> None:
        now = time_mod.perf_counter()
        self.laps[name] = round(now - self._t, 3)
        self._t = now


# ---------------------------------------------------------------- sources


def _read(config: Config, options, report) -> tuple[list[tuple[Article, str]], list[Problem]]:
    """Every source's cleaned articles, each with the source it came from; failures as Problems."""
    from .ingest import Input, read_inputs
    from .pipeline import clean_documents

    articles: list[tuple[Article, str]] = []
    problems: list[Problem] = []
    items = [Input(source.kind, source.value) for source in config.sources]
    current = None
    for item, doc in read_inputs(items, options):  # one fetcher for all: politeness holds across sources
        if item is not current:
            current = item
            report.note(f"reading source {items.index(item) + 1}/{len(items)}: {item}")
        got, bad = clean_documents([doc])
        articles += [(a, str(item)) for a in got]
        problems += bad
    return articles, problems


# ---------------------------------------------------------------- stories across days


@dataclass(frozen=True)
class StoryPlan:
    """One story of the day: what to brief (new articles only) and how it relates to earlier days."""

    story: Story
    status: Literal["new", "updated"]
    first_seen: Date
    earlier: Date | None  # the last digest that told it
    profile: StoryProfile


def plan_stories(new: list[Article], state: State, day: Date, embedder, settings: Settings) -> list[StoryPlan]:
    """Group the day's new articles into stories and tell which continue a story told on an earlier day.

    The same rule as inside one pile (digest.threads): a stored story told within
    `thread_days` before the day, whose centre is close enough to a new story's,
    is continued by it. The continuing story keeps the stored story's id and is
    "updated"; the rest are "new".
    """
    from . import pipeline, threads

    today = pipeline.group(new, embedder, settings).threads
    start = datetime.combine(day, time(0), UTC)
    later = [replace(p, start=start, end=start) for p in threads.profiles(today, embedder)]
    stored = state.stories_before(day, since=day - timedelta(days=settings.thread_days))
    earlier = (
        [
            threads.StoryProfile(
                s.id, s.centroid, None, datetime.combine(Date.fromisoformat(s.last_date), time(0), UTC)
            )
            for s in stored
            if s.centroid is not None and s.centroid.shape == later[0].vector.shape
        ]
        if later
        else []
    )
    links = threads.links(earlier, later, threshold=embedder.calibration.thread, max_days=settings.thread_days)
    continues = {t.later: t.earlier for t in links}
    by_id = {s.id: s for s in stored}
    plans = []
    for story, profile in zip(today, later):
        match = by_id.get(continues.get(story.id, ""))
        if match is not None:
            plans.append(
                StoryPlan(
                    replace(story, id=match.id),
                    "updated",
                    Date.fromisoformat(match.first_seen),
                    Date.fromisoformat(match.last_date),
                    profile,
                )
            )
        else:
            plans.append(StoryPlan(story, "new", day, None, profile))
    return plans


# ---------------------------------------------------------------- rendering


def _intro(stories: Sequence[DigestStory], new: Sequence[Article], problems: Sequence[Problem]) -> str:
    """The digest's first paragraph: what came in, and what could not be read."""
    n_updated = sum(1 for s in stories if s.status == "updated")
    if stories:
        outlets = {a.outlet or a.origin for a in new}
        intro = (
            f"{len(new)} new {_plural(len(new), 'article')} from {len(outlets)} {_plural(len(outlets), 'source')}: "
            f"{len(stories) - n_updated} new {_plural(len(stories) - n_updated, 'story', 'stories')}, "
            f"{n_updated} updated."
        )
    else:
        intro = "Nothing new today: no article has appeared since the last digest."
    if problems:
        names = sorted({p.origin for p in problems})
        shown = ", ".join(md_code(n) for n in names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        intro += f"\n\n_Could not read {len(names)} {_plural(len(names), 'source')}: {shown}._"
    return intro


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

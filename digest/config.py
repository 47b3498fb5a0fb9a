"""`digest.toml`: what `digest daily` reads, which sources and where it writes.

The config is a contract (documented in docs/config.md), so it is validated
strictly: an unknown key, a wrong type or a source with two kinds is reported
as one clear line per mistake rather than silently ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .settings import DEFAULTS, WORDS_RANGE, FetchLimits, Settings

SOURCE_KINDS: tuple[Literal["path", "feed", "wordpress", "opml"], ...] = ("path", "feed", "wordpress", "opml")


class ConfigError(ValueError):
    """The config file is missing, not TOML, or has bad keys or values. One line per mistake."""


class SourceConfig(BaseModel):
    """One `[[sources]]` table: exactly one of `path`, `feed`, `wordpress` or `opml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path | None = None
    feed: str | None = None
    wordpress: str | None = None
    opml: Path | None = None

    @field_validator("feed", "wordpress")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value.lower().startswith(("http://", "https://")) or len(value.split("://", 1)[1]) == 0:
            raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> SourceConfig:
        given = [k for k in SOURCE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            got = ", ".join(given) if given else "none"
            raise ValueError(f"needs exactly one of path, feed, wordpress, opml (got {got})")
        return self

    @property
    def kind(self) -> Literal["path", "feed", "wordpress", "opml"]:
        return next(k for k in SOURCE_KINDS if getattr(self, k) is not None)

    @property
    def value(self) -> str:
        return str(getattr(self, self.kind))

    def __str__(self) -> str:
        return f"{self.kind} = {self.value}"


class FetchConfig(BaseModel):
    """The `[fetch]` table: how long fetching may take (see docs/security.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    request_seconds: Annotated[float, Field(gt=0, le=3600)] = DEFAULTS.fetch.request_seconds  # one request
    run_seconds: Annotated[float, Field(gt=0, le=24 * 3600)] = DEFAULTS.fetch.run_seconds  # all fetching of a run


class Config(BaseModel):
    """The whole `digest.toml`. Relative paths are resolved against the file's folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    output_dir: Path = Path("digests")
    state_db: Path | None = None  # default: OUTPUT_DIR/state.db
    window_hours: int = Field(24, ge=1, le=24 * 31)
    model: str | None = None  # None: the registry's default generator; "none": extractive only
    words: int = Field(DEFAULTS.words, ge=WORDS_RANGE[0], le=WORDS_RANGE[1])
    fetch: FetchConfig = FetchConfig()  # frozen: one shared default is safe
    sources: list[SourceConfig] = Field(default_factory=list)

    @property
    def state_path(self) -> Path:
        return self.state_db if self.state_db is not None else self.output_dir / "state.db"

    @property
    def use_model(self) -> bool:
        return (self.model or "").strip().lower() not in ("none", "extractive")

    def settings(self) -> Settings:
        """The run settings this config asks for (everything else keeps the product's defaults)."""
        return DEFAULTS.with_overrides(
            words=self.words,
            use_model=self.use_model,
            model=self.model if self.use_model else None,
            fetch=FetchLimits(self.fetch.request_seconds, self.fetch.run_seconds),
        )


def _resolve(base: Path, p: Path | None) -> Path | None:
    if p is None:
        return None
    p = p.expanduser()
    return p if p.is_absolute() else (base / p)


def _error_lines(path: Path, exc: ValidationError) -> list[str]:
    lines = []
    for e in exc.errors():
        loc: list[str] = []
        for part in e["loc"]:
            if isinstance(part, int) and loc:
                loc[-1] = f"{loc[-1]}[{part + 1}]"  # [[sources]] tables count from 1 for people
            else:
                loc.append(str(part))
        where = ".".join(loc) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key" + (
                f" (sources take one of {', '.join(SOURCE_KINDS)})"
                if "sources" in where
                else f" (fetch takes {', '.join(FetchConfig.model_fields)})"
                if where.startswith("fetch")
                else f" (allowed: {', '.join(Config.model_fields)})"
            )
        lines.append(f"{path}: {where}: {msg}")
    return lines


def parse_config(data: dict[str, Any], *, base: Path, origin: str | Path = "digest.toml") -> Config:
    """Validate an already-parsed TOML table; paths are made absolute against `base`."""
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(_error_lines(Path(origin), exc))) from None
    if not cfg.sources:  # a digest of nothing, exit 0, is a mistake nobody would notice
        raise ConfigError(
            f"{origin}: no sources: add at least one [[sources]] table with path, feed, wordpress or opml"
        )
    return cfg.model_copy(
        update={
            "output_dir": _resolve(base, cfg.output_dir),
            "state_db": _resolve(base, cfg.state_db),
            "sources": [
                s.model_copy(update={"path": _resolve(base, s.path), "opml": _resolve(base, s.opml)})
                for s in cfg.sources
            ],
        }
    )


def load_config(path: str | Path) -> Config:
    """Read and validate `digest.toml`; raise ConfigError naming the file and each mistake."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (write one with `digest init {path}`)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, base=path.resolve().parent, origin=path)


def example_config() -> str:
    """The commented example that `digest init` writes. It parses as a valid config."""
    return EXAMPLE.format(
        words=DEFAULTS.words,
        lo=WORDS_RANGE[0],
        hi=WORDS_RANGE[1],
        request_seconds=DEFAULTS.fetch.request_seconds,
        run_seconds=DEFAULTS.fetch.run_seconds,
    )


EXAMPLE = """\
# digest.toml: the sources and settings of `digest daily` (reference: docs/config.md).
# Relative paths are relative to this file's folder.

# Where the daily digests go: OUTPUT_DIR/YYYY-MM-DD.md, .json and index.md.
output_dir = "digests"

# The SQLite file that remembers articles and stories across days.
# Default: OUTPUT_DIR/state.db
# state_db = "digests/state.db"

# Articles published more than this many hours before the end of the run's day
# are left out (articles with no date are kept). Default 24.
window_hours = 24

# Generator from the model registry (`digest models list`). Leave it out for the
# default model; "none" writes extractive briefings (source sentences only).
# model = "qwen2.5-coder-1.5b"

# Word budget of each story's briefing paragraph ({lo}-{hi}). Default {words}.
words = {words}

# Fetching: the overall deadline of one request (a server that sends a byte at a
# time is given up then) and of all fetching in one run, in seconds.
# [fetch]
# request_seconds = {request_seconds:g}
# run_seconds = {run_seconds:g}

# Each source is one [[sources]] table with exactly one of:
#   path      = a folder (read recursively) or a file of articles
#   feed      = an RSS or Atom feed URL
#   wordpress = a WordPress site; digest reads SITE/wp-json/wp/v2/posts
#   opml      = an OPML file listing feed URLs

[[sources]]
path = "articles"

# [[sources]]
# feed = "https://example.org/news/rss.xml"

# [[sources]]
# wordpress = "https://example.org"

# [[sources]]
# opml = "feeds.opml"
"""

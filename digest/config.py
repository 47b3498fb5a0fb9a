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
        return None if value is None else _check_http_url(value)

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


FORMATS: tuple[Literal["md", "json", "html"], ...] = ("md", "json", "html")


def _check_http_url(value: str) -> str:
    value = value.strip()
    if not value.lower().startswith(("http://", "https://")) or len(value.split("://", 1)[1]) == 0:
        raise ValueError(f"must be an http:// or https:// URL, got {value!r}")
    return value


def _check_address(value: str) -> str:
    """One e-mail address (a display name is allowed): no line break can smuggle in a header."""
    from email.utils import parseaddr

    value = value.strip()
    if any(c in value for c in "\r\n\0") or "@" not in parseaddr(value)[1]:
        raise ValueError(f"not an e-mail address: {value!r}")
    return value


class EmailConfig(BaseModel):
    """The `[delivery.email]` table: where `digest daily` mails each day's digest (docs/config.md).

    The password is never in the file: `password_env` names the environment
    variable that holds it, so the config can be shared, committed or logged.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: str
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    starttls: bool = True  # upgrade the connection with STARTTLS (port 587); refuse to send if the server cannot
    ssl: bool = False  # implicit TLS from the first byte (port 465) instead
    sender: str = Field(alias="from")
    to: Annotated[list[str], Field(min_length=1)]
    username: str | None = None  # default: the `from` address, when password_env is given
    password_env: str | None = None  # name of the environment variable holding the password
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30.0

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "password: never in the file; put it in an environment variable and name that variable with password_env"
            )
        return data

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _check_address(value)

    @field_validator("to")
    @classmethod
    def _to(cls, value: list[str]) -> list[str]:
        return [_check_address(v) for v in value]

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if not value or any(c.isspace() or c in "/@" for c in value):
            raise ValueError(f"not a host name: {value!r}")
        return value

    @model_validator(mode="after")
    def _one_tls(self) -> EmailConfig:
        if self.ssl and self.starttls:
            raise ValueError("ssl and starttls: choose one (ssl for port 465, starttls for 587)")
        if self.username and not self.password_env:
            raise ValueError("username needs password_env (the environment variable holding the password)")
        return self


class DeliveryConfig(BaseModel):
    """The `[delivery]` table: how the digests reach people besides the files (docs/config.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str | None = None  # where OUTPUT_DIR is published; makes the feed's links absolute
    email: EmailConfig | None = None  # off unless given

    @field_validator("base_url")
    @classmethod
    def _base(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value).rstrip("/") + "/"


class Config(BaseModel):
    """The whole `digest.toml`. Relative paths are resolved against the file's folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    output_dir: Path = Path("digests")
    state_db: Path | None = None  # default: OUTPUT_DIR/state.db
    window_hours: int = Field(24, ge=1, le=24 * 31)
    model: str | None = None  # None: the registry's default generator; "none": extractive only
    words: int = Field(DEFAULTS.words, ge=WORDS_RANGE[0], le=WORDS_RANGE[1])
    fetch: FetchConfig = FetchConfig()  # frozen: one shared default is safe
    formats: list[Literal["md", "json", "html"]] = Field(default_factory=lambda: list(FORMATS))
    delivery: DeliveryConfig = DeliveryConfig()
    sources: list[SourceConfig] = Field(default_factory=list)

    @field_validator("formats")
    @classmethod
    def _formats(cls, value: list[str]) -> list[str]:
        if "md" not in value or "json" not in value:
            raise ValueError(
                'must include "md" and "json" (the record of the day that index.md and the state rely on); '
                'add "html" for the web page, the archive and the feed'
            )
        return list(dict.fromkeys(value))

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


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


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
                else f" (delivery.email takes {', '.join(_keys(EmailConfig))})"
                if where.startswith("delivery.email")
                else f" (delivery takes {', '.join(DeliveryConfig.model_fields)})"
                if where.startswith("delivery")
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

# Where the daily digests go: OUTPUT_DIR/YYYY-MM-DD.md, .json, .html, index.md,
# index.html (the archive) and feed.xml (an Atom feed of the last 30 days).
output_dir = "digests"

# What each day writes: "md" and "json" always; leave "html" out to skip the
# web page, the archive and the feed.
formats = ["md", "json", "html"]

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

# Delivery (optional). base_url: where you publish OUTPUT_DIR (the feed's links).
# [delivery]
# base_url = "https://example.org/news/"
#
# E-mail each day's digest once (HTML with the Markdown as its text part).
# The password is never in this file: password_env NAMES the variable holding it.
# [delivery.email]
# host = "smtp.example.org"
# port = 587
# starttls = true
# from = "Daily digest <digest@example.org>"
# to = ["me@example.org"]
# password_env = "SMTP_PASSWORD"

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

"""The run's settings, in one typed place, with every default written once.

`Settings` is built once per run, from the config file (`digest daily`) and the
command line (`digest brief`), and handed to the pipeline. Stages never read
module constants for anything a user may set; they get what they need from a
small context object built from `Settings` (see `digest.pipeline`).

Model work is bounded by calls and tokens, never by seconds, so the same input
gives the same output on an idle and on a busy machine: a busy machine is
slower, it does not write a different briefing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ModelLimits:
    """How much generator work one story and one run may use.

    A story that hits `calls_per_story`, or a run that hits `calls_per_run`,
    is briefed from source sentences for the rest (checked and cited the same
    way); its JSON says so (`model_limited`). The numbers are calls, not
    seconds: a fused sentence costs one call of at most `max_new_tokens` new
    tokens, so a run's model time is bounded on any machine.
    """

    calls_per_story: int = 8
    # A run's call budget: four stories written in full by the model (4 x 8), the
    # rest of the run from source sentences. At 2-3 s a call on 2 CPU cores, the
    # 150-article day of benchmarks/daily.py (40 stories) then briefs in about
    # 2 minutes; with every story written in full (up to 320 calls) it would
    # take over 10. The biggest stories, where consolidating sources helps
    # most, get the calls first.
    calls_per_run: int = 32
    max_new_tokens: int = 80


@dataclass(frozen=True)
class FetchLimits:
    """How long fetching may take: one request (redirects and slow bytes included) and one run's all.

    Seconds, unlike model work: they bound waiting on other machines, not the output
    of a source that answers (docs/security.md).
    """

    request_seconds: float = 60.0
    run_seconds: float = 900.0


@dataclass(frozen=True)
class Settings:
    """What a run may be asked to do differently. Defaults are the product's defaults."""

    words: int = 150  # word budget of one story's briefing paragraph
    model: str | None = None  # generator name from the registry; None: the registry's default
    use_model: bool = True  # False: extractive briefings (source sentences only)
    embedder: str | None = None  # embedder name from the registry; None: the registry's default
    salience: Path | None = None  # salience weights (scripts/train_salience.py); None: the shipped ones
    opinions: Path | None = None  # outlets'-asides weights (scripts/train_opinion.py); None: the shipped ones
    thread_days: int = 30  # a story may continue one that ended at most this many days before
    limits: ModelLimits = field(default_factory=ModelLimits)
    fetch: FetchLimits = field(default_factory=FetchLimits)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; `None` means "keep this one" (an option not given)."""
        given = {k: v for k, v in changes.items() if v is not None}
        unknown = set(given) - set(self.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **given)


DEFAULTS = Settings()

WORDS_RANGE = (40, 1000)  # what --words and `words =` accept

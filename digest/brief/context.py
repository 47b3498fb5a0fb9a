"""What the brief stage needs from the run, and what it counts while it works.

`BriefContext` holds the models, the word budget and the call limits; `ModelBudget`
is the run's generator calls, shared by its stories; `BriefStats` records one
story's calls and rejected rewrites for the logs, the JSON and the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from digest.models.base import Calibration, Embedder, Generator

from . import opinion
from .salience import SalienceModel, default_model


@dataclass
class BriefStats:
    """What happened while briefing one story (for logs, the JSON and the benchmark)."""

    model_calls: int = 0
    limited: bool = False  # a call limit stopped model work on this story
    rejected: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class ModelBudget:
    """Generator calls left for the whole run, shared by its stories (biggest first).

    Counted in calls, never in seconds: once it is spent the remaining stories
    are briefed from source sentences, on an idle machine and a busy one alike.
    """

    calls: int

    def take(self) -> bool:
        if self.calls <= 0:
            return False
        self.calls -= 1
        return True


@dataclass(frozen=True)
class BriefContext:
    """What the brief stage needs from the run: models, thresholds and limits."""

    embedder: Embedder
    generator: Generator | None
    words: int
    calls_per_story: int
    max_new_tokens: int
    budget: ModelBudget
    salience: SalienceModel = field(default_factory=default_model)
    opinions: opinion.OpinionModel | None = field(default_factory=opinion.default_model)

    @property
    def calibration(self) -> Calibration:
        return self.embedder.calibration

    def may_call(self, stats: BriefStats, *, reserve: int = 0) -> bool:
        """May this story make one more generator call? Counted in calls, never in seconds.

        `reserve` keeps calls back for later jobs (the headline), so that a story
        with many facts still gets a written headline.
        """
        if self.generator is None:
            return False
        if stats.model_calls + reserve >= self.calls_per_story or not self.budget.take():
            stats.limited = True
            return False
        stats.model_calls += 1
        return True

"""The two small interfaces every model backend implements.

Stages depend on these protocols only, never on a backend, so a user can swap
the packaged Qwen for a server or a local Hugging Face folder without touching
the story logic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol, runtime_checkable

import numpy as np

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}
Prompt = str | Sequence[Message]


class ModelError(RuntimeError):
    """A model could not be found, verified, loaded or reached. The message is one clear line."""


@runtime_checkable
class Generator(Protocol):
    name: str

    def generate(
        self,
        messages: Prompt,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
    ) -> str: ...

    def count_tokens(self, text: str) -> int: ...


@dataclass(frozen=True)
class Calibration:
    """Similarity thresholds that only mean something for one embedder.

    A cosine of 0.75 is "the same fact" for MiniLM and something else for
    another model, so these numbers belong to the embedder's registry entry
    (`[models.calibration]` in models/registry.toml), not to the stages that
    use them. Another embedder brings its own. Each field says what the number
    decides; docs/models.md says how they were chosen.
    """

    same_fact: float  # sentences this close (average link) state the same fact
    restates: float  # a fact this close to one already chosen restates it
    echoes: float  # a supporting sentence this close to an earlier briefing sentence would only echo it
    supports: float  # a sentence this close to a fact's centre also states it
    faithful: float  # a rewritten sentence at least this close to its sources keeps their meaning
    cites: float  # a source sentence this close to a briefing sentence may back it
    repeats: float  # a sentence this close to an earlier one says it again
    headline: float  # a headline at least this close to the top facts is about them
    same_matter: float  # two sentences this close are about the same matter (their figures may compete)
    same_unit: float  # two counted things this close are the same thing ("soldiers" ~ "troops")
    same_event: float  # two timeline entries this close are one event
    thread: float  # two stories whose centres are this close continue one another

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: str) -> Calibration:
        """Read `[models.calibration]`; every field is required, so nothing is silently defaulted."""
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in table]
        unknown = sorted(set(table) - set(names))
        if missing or unknown:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"unknown {', '.join(unknown)}"] if unknown else []
            )
            raise ModelError(f"{where}: [models.calibration]: {'; '.join(parts)}")
        try:
            values = {n: float(table[n]) for n in names}
        except (TypeError, ValueError) as exc:
            raise ModelError(f"{where}: [models.calibration] values must be numbers ({exc})") from None
        bad = [n for n, v in values.items() if not -1.0 <= v <= 1.0]
        if bad:
            raise ModelError(f"{where}: [models.calibration] cosines must lie in [-1, 1]: {', '.join(bad)}")
        return cls(**values)


@runtime_checkable
class Embedder(Protocol):
    name: str
    calibration: Calibration

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), each row L2-normalised."""
        ...


def as_messages(prompt: Prompt) -> list[Message]:
    """A plain string becomes one user message; messages are checked, not trusted."""
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    messages: list[Message] = []
    for i, msg in enumerate(prompt):
        role, content = msg.get("role"), msg.get("content")
        if role not in ("system", "user", "assistant") or not isinstance(content, str):
            raise ModelError(f"message {i}: needs role system|user|assistant and text content, got {msg!r:.80}")
        messages.append({"role": role, "content": content})
    if not messages:
        raise ModelError("no messages to generate from")
    return messages


def cut_at_stop(text: str, stop: Sequence[str] | None) -> str:
    """Cut the text at the first stop string, as servers do (backends that cannot stop early use this)."""
    if stop:
        cuts = [i for i in (text.find(s) for s in stop if s) if i >= 0]
        if cuts:
            text = text[: min(cuts)]
    return text


def default_threads() -> int:
    """CPU threads for a model: the cores this process may use.

    Never taken from the machine's load: the thread count must not depend on
    what else is running, so that a run is reproducible (and the backends give
    the same numbers on any thread count; tests/test_determinism.py checks the
    whole briefing). `n_threads` in the registry or $DIGEST_THREADS overrides it.
    """
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1

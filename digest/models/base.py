"""The two small interfaces every model backend implements.

Stages depend on these protocols only, never on a backend, so a user can swap
the packaged Qwen for a server or a local Hugging Face folder without touching
the story logic.
"""

from __future__ import annotations

from typing import Protocol, Sequence, Union, runtime_checkable

import numpy as np

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}
Prompt = Union[str, Sequence[Message]]


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


@runtime_checkable
class Embedder(Protocol):
    name: str

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
    """CPU threads for a model: every core we may use, but one fewer per core already busy.

    llama.cpp and torch split each step across threads that wait for one another;
    on an oversubscribed machine (load average above the core count) that waiting
    dominates: measured here, the 0.5B model generated 15 tok/s on 1 thread and
    0.8 tok/s on 2 while other jobs kept the load near 12. An idle machine gets
    all cores. `n_threads` in the registry or $DIGEST_THREADS overrides this.
    """
    import logging
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cores
    if load <= cores + 0.5:
        return cores
    busy = min(cores - 1, int(load - cores + 0.5))
    threads = max(1, cores - max(busy, 1))
    logging.getLogger(__name__).info(
        "load average %.1f on %d cores: using %d thread(s) (set DIGEST_THREADS to choose)", load, cores, threads
    )
    return threads

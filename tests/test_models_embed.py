"""The default embedder: packaged MiniLM through sentence-transformers, offline."""

from __future__ import annotations

import numpy as np
import pytest

from digest.models import Embedder, ModelError, load_embedder


@pytest.fixture(scope="module")
def emb():
    return load_embedder()


def test_vectors_are_normalised_float32_384d(emb):
    assert isinstance(emb, Embedder) and emb.name == "minilm-l6"
    vecs = emb.embed(["North Korean troops are in Russia.", "The EU and South Korea met in Seoul."])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.embed([]).shape == (0, 384)


def test_paraphrases_are_closer_than_unrelated_sentences(emb):
    a, b, c = emb.embed([
        "Pyongyang has sent thousands of soldiers to fight for Moscow.",
        "North Korea deployed troops to help Russia in its war.",
        "The recipe needs two cups of flour and an egg.",
    ])
    assert float(a @ b) > 0.5 > float(a @ c)


def test_batches_match_single_calls_and_repeats_are_cached(emb):
    texts = [f"Report number {i} about the summit in Brussels." for i in range(40)]
    batch = emb.embed(texts + texts[:5])
    assert batch.shape == (45, 384)
    assert np.array_equal(batch[40:], batch[:5])  # repeated texts get the same (cached) vector
    single = emb.embed([texts[7]])[0]
    assert np.allclose(single, batch[7], atol=1e-5)


def test_same_instance_per_process_and_unknown_name():
    assert load_embedder() is load_embedder("minilm-l6")
    with pytest.raises(ModelError, match="unknown model 'nope'"):
        load_embedder("nope")

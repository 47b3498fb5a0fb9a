"""The default embedder: packaged MiniLM exported to ONNX, offline, checked against torch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from digest.models import Embedder, ModelError, load_embedder, verify_model
from digest.models.embed import packaged_minilm_path
from digest.models.onnx import OnnxEmbedder, ensure_onnx, onnx_file, pooling_mode
from digest.pipeline import read_sources


@pytest.fixture(scope="module")
def emb():
    return load_embedder()


def test_vectors_are_normalised_float32_384d(emb):
    assert isinstance(emb, Embedder) and emb.name == "minilm-l6" and isinstance(emb, OnnxEmbedder)
    vecs = emb.embed(["North Korean troops are in Russia.", "The EU and South Korea met in Seoul."])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.embed([]).shape == (0, 384)


def test_paraphrases_are_closer_than_unrelated_sentences(emb):
    a, b, c = emb.embed(
        [
            "Pyongyang has sent thousands of soldiers to fight for Moscow.",
            "North Korea deployed troops to help Russia in its war.",
            "The recipe needs two cups of flour and an egg.",
        ]
    )
    assert float(a @ b) > 0.5 > float(a @ c)


def test_batches_match_single_calls_and_repeats_are_cached(emb):
    texts = [f"Report number {i} about the summit in Brussels." for i in range(40)]
    batch = emb.embed(texts + texts[:5])
    assert batch.shape == (45, 384)
    assert np.array_equal(batch[40:], batch[:5])  # repeated texts get the same (cached) vector
    single = emb.embed([texts[7]])[0]
    assert np.allclose(single, batch[7], atol=1e-5)


def test_batches_side_by_side_give_the_bits_of_one_thread(seeds_dir):
    """Batches run on several threads; each vector lands at its own text whatever finished first."""
    articles, _ = read_sources([str(seeds_dir)])
    texts = [s for a in articles for s in a.text.split(". ") if len(s.split()) >= 4][:90]
    one = OnnxEmbedder(Path(packaged_minilm_path()), threads=1)
    two = OnnxEmbedder(Path(packaged_minilm_path()), threads=2, batch_size=4)
    assert two.threads == 2
    assert np.array_equal(one.embed(texts), two.embed(texts))


def test_onnx_vectors_equal_the_torch_reference_on_the_seeds(emb, seeds_dir):
    """The export is only worth having if it changes nothing: same vectors as sentence-transformers."""
    articles, _ = read_sources([str(seeds_dir)])
    sentences = [s for a in articles for s in a.text.split(". ") if len(s.split()) >= 4][:120]
    sentences.append(" ".join(["word"] * 400))  # longer than the 128-token limit: both truncate
    reference = load_embedder("minilm-l6-torch").embed(sentences)
    ours = emb.embed(sentences)
    cosines = (reference * ours).sum(axis=1)
    assert cosines.min() > 0.9999, f"lowest cosine {cosines.min():.6f}"


def test_same_instance_per_process_and_unknown_name():
    assert load_embedder() is load_embedder("minilm-l6")
    with pytest.raises(ModelError, match="unknown model 'nope'"):
        load_embedder("nope")


# -- the export lifecycle, in a private cache -------------------------------------------


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGEST_MODELS_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_export_is_made_once_verified_and_rebuilt_when_corrupt(cache):
    folder = Path(packaged_minilm_path())
    assert not verify_model("minilm-l6").ready  # nothing exported yet in this cache
    path = ensure_onnx("minilm-l6", folder)
    assert path == onnx_file("minilm-l6", folder) and path.parent == cache / "onnx"
    meta = json.loads(path.with_suffix(".json").read_text())
    assert meta["max_abs_diff"] < 1e-3 and meta["inputs"][0] == "input_ids"
    assert not list(path.parent.glob("*.part"))  # the temp file was renamed, not left behind
    mtime = path.stat().st_mtime_ns
    assert ensure_onnx("minilm-l6", folder) == path and path.stat().st_mtime_ns == mtime  # not redone
    assert verify_model("minilm-l6").ready

    with open(path, "r+b") as fh:  # flip bytes in the middle of the graph
        fh.seek(path.stat().st_size // 2)
        fh.write(b"\x00" * 64)
    status = verify_model("minilm-l6")
    assert not status.ready and "corrupt" in status.detail
    ensure_onnx("minilm-l6", folder)  # the corrupt file is never loaded: it is exported again
    assert verify_model("minilm-l6").ready


def test_a_folder_with_extra_modules_is_refused_for_onnx(tmp_path):
    folder = tmp_path / "with-dense"
    shutil.copytree(packaged_minilm_path(), folder)
    modules = json.loads((folder / "modules.json").read_text())
    modules.append({"idx": 9, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"})
    (folder / "modules.json").write_text(json.dumps(modules))
    with pytest.raises(ModelError, match="Dense.*sentence-transformers"):
        pooling_mode(folder)
    with pytest.raises(ModelError, match="no model folder"):
        OnnxEmbedder(tmp_path / "missing")


def test_the_export_follows_the_weights_not_the_folder(tmp_path):
    """Two checkouts with the same packaged weights share one export; changed weights get a new one."""
    from digest.models.onnx import source_fingerprint

    original = Path(packaged_minilm_path())
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    assert source_fingerprint(copy) == source_fingerprint(original)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # the last byte of the last tensor
    weights.write_bytes(bytes(data))
    assert source_fingerprint(copy) != source_fingerprint(original)

"""The cleaner's learned block models: shipped in the package, read without scikit-learn, same verdicts."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest

from digest.clean import model
from digest.clean.model import WEIGHTS, TreeModel, context_features, load_model

REPO = Path(__file__).resolve().parent.parent


def test_the_page_models_weights_are_shipped():
    # The text models are trained by the same script but not shipped yet (docs/clean.md).
    assert WEIGHTS.is_file(), "run scripts/train_extraction.py"
    for kind in ("page", "page_context"):
        tree_model = load_model(kind)  # raises when the features changed since training
        assert tree_model is not None, kind
        assert len(tree_model.roots) > 10 and 0.0 < tree_model.threshold_keep < 1.0


def test_the_weights_are_package_data():
    """A wheel carries the weights: without them an installed digest would clean with no model at all."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["digest"]
    relative = WEIGHTS.relative_to(REPO / "digest").as_posix()
    assert any(fnmatch(relative, pattern) for pattern in patterns), patterns


def test_tree_model_gives_scikit_learns_probabilities():
    """The numpy reader and the dump of the training script agree with scikit-learn itself."""
    sklearn = pytest.importorskip("sklearn.ensemble")
    spec = importlib.util.spec_from_file_location("train_extraction", REPO / "scripts" / "train_extraction.py")
    assert spec is not None and spec.loader is not None
    train = importlib.util.module_from_spec(spec)
    sys.modules["train_extraction"] = train
    spec.loader.exec_module(train)

    rng = np.random.default_rng(7)
    x = rng.normal(size=(2000, 5))
    y = ((x[:, 0] + 0.5 * x[:, 1] * x[:, 2] + rng.normal(scale=0.3, size=2000)) > 0).astype(int)
    fitted = sklearn.HistGradientBoostingClassifier(max_iter=30, max_depth=4, random_state=0).fit(x, y)
    names = tuple(f"f{i}" for i in range(5))
    ours = TreeModel.from_dict(train.dump(fitted, names, 0.5))
    probe = rng.normal(size=(500, 5))
    assert np.allclose(ours.probability(probe), fitted.predict_proba(probe)[:, 1], atol=1e-5)
    assert ours.features == names


@pytest.mark.parametrize("blocks", [0, 1, 2, 3, 5])
def test_context_of_pages_shorter_than_the_window(blocks):
    """A page of one or two blocks has neighbours off the page on both sides, not an error."""
    p = np.linspace(0.1, 0.9, blocks)
    out = context_features(p, np.full(blocks, 100.0))
    assert out.shape[0] == blocks and np.isfinite(out).all()
    if blocks:
        assert (model._shift(p, 3) == -1.0).sum() == min(3, blocks)

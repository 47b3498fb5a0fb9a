"""Shared fixtures: the seed articles, the dev data folder, and the real packaged models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEVDATA = ROOT.parent / "shared" / "devdata"

# Tests never reach a model hub: every model is packaged or built by the test.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def devdata() -> Path:
    if not DEVDATA.is_dir():
        pytest.skip("../shared/devdata is not present")
    return DEVDATA


@pytest.fixture(scope="session")
def embedder():
    from digest.models import load_embedder

    return load_embedder()

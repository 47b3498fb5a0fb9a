"""Where the brief stage's learned weights come from: a JSON file shipped in digest/data, or a
file the user names (a model retrained by one of the scripts/train_*.py)."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any


def packaged(name: str) -> dict[str, Any]:
    """The shipped weights `digest/data/<name>` (FileNotFoundError or OSError when absent)."""
    return json.loads(resources.files("digest").joinpath("data", name).read_text(encoding="utf-8"))


def from_file(path: str | os.PathLike) -> dict[str, Any]:
    """Weights from a file a training script wrote."""
    return json.loads(Path(path).read_text(encoding="utf-8"))

"""The README's example is what the tool prints: same headings, same sections, same shape.

The example itself comes from `scripts/readme_example.py` (a run of the real model). Here the
renderer's own output for the same seeds (extractive, no model: fast) gives the expected
skeleton: heading levels, the story heading's form, the section labels and their order, and
how each section's lines look. Wording may differ between the model and the extractive path;
structure may not.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("readme_example", ROOT / "scripts" / "readme_example.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def skeleton(markdown: str) -> list[str]:
    """One token per structural line: headings by level and form, bold labels, list and meta lines."""
    out: list[str] = []
    for line in markdown.splitlines():
        if m := re.match(r"^(#+) ", line):
            form = "story" if re.match(r"^#+ \d+\. ", line) else "title"
            out.append(f"{m.group(1)} {form}")
        elif re.fullmatch(r"\*\*[^*]+\*\*", line):
            out.append(line)
        elif re.match(r"^_\d+ stor(y|ies) · generated \d{4}-\d\d-\d\d \d\d:\d\d UTC · model: ", line):
            out.append("meta")
        elif re.match(r"^_.* · \d+ sources?_$", line):
            out.append("story-meta")
        elif re.match(r"^\d+\. ", line):
            token = "numbered"
            if not out or out[-1] != token:
                out.append(token)
        elif line.startswith("- "):
            token = "item"
            if not out or out[-1] != token:
                out.append(token)
        elif line.strip():
            token = "text"
            if not out or out[-1] != token:
                out.append(token)
    return out


def test_the_readme_example_has_the_renderers_headings_and_structure(seeds_dir):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = _script().example_output(readme)
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH=_script().EPOCH)
    fresh = subprocess.run(
        [sys.executable, "-m", "digest", "brief", str(seeds_dir), "--no-model", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert fresh.returncode == 0, fresh.stderr
    assert example.splitlines()[0] == fresh.stdout.splitlines()[0]  # "# News briefing, <the fixed day>"
    assert skeleton(example) == skeleton(fresh.stdout)
    assert skeleton(example)[:3] == ["# title", "meta", "## story"]


def test_embed_replaces_only_the_block_between_the_markers():
    script = _script()
    readme = f"intro\n{script.START}\nold\n{script.END}\noutro\n"
    new = script.embed(readme, "# News briefing, 2024-11-05\n\nbody\n")
    assert new.startswith("intro\n") and new.endswith("\noutro\n") and "old" not in new
    assert script.example_output(new) == "# News briefing, 2024-11-05\n\nbody\n"
    assert script.embed(new, "# News briefing, 2024-11-05\n\nbody\n") == new  # idempotent


def test_the_example_script_answers_help_without_touching_the_readme():
    before = (ROOT / "README.md").read_bytes()
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_example.py"), "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "--check" in done.stdout
    assert (ROOT / "README.md").read_bytes() == before

"""The same input and settings give the same bytes on an idle and on a busy machine.

Model work is bounded by calls and tokens, never by seconds, and the thread
count never changes what the model writes. This test briefs the seeds with the
real default model twice: once here on an otherwise idle process, once in a
subprocess on one thread while other processes keep every core busy. The
Markdown and the JSON must be byte-identical.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RENDER = """
import sys
from digest.pipeline import run_brief
from digest.render import to_json, to_markdown
from digest.settings import DEFAULTS
from digest.types import Digest, DigestStory

run = run_brief([sys.argv[1]], DEFAULTS)
digest = Digest("News briefing", run.generated_at, run.model, tuple(DigestStory(b) for b in run.briefings))
open(sys.argv[2], "w", encoding="utf-8").write(to_markdown(digest))
open(sys.argv[3], "w", encoding="utf-8").write(to_json(digest))
"""


def _brief(out: Path, env: dict[str, str]) -> tuple[bytes, bytes]:
    md, js = out / "brief.md", out / "brief.json"
    subprocess.run(
        [sys.executable, "-c", RENDER, str(ROOT / "seeds"), str(md), str(js)],
        env=env,
        check=True,
        timeout=1800,  # generous: a loaded machine is slow, and slowness must not change the bytes
        cwd=ROOT,
    )
    return md.read_bytes(), js.read_bytes()


@pytest.mark.slow
def test_seeds_brief_is_byte_identical_idle_and_busy(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1730700000", "PYTHONPATH": str(ROOT)}
    (tmp_path / "idle").mkdir()
    idle = _brief(tmp_path / "idle", env)
    cores = len(os.sched_getaffinity(0))
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(cores)]
    try:
        (tmp_path / "busy").mkdir()
        busy = _brief(tmp_path / "busy", {**env, "DIGEST_THREADS": "1"})
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert b"model_calls" in idle[1] and b'"model": "qwen2.5-coder' in idle[1]  # the real model wrote it
    assert idle[0] == busy[0], "Markdown differs between an idle and a busy machine"
    assert idle[1] == busy[1], "JSON differs between an idle and a busy machine"


REPORTS = {
    "courier.txt": (
        "Burst main floods Ashford Vale high street\n\n"
        "A water main burst under the High Street in Ashford Vale early on Tuesday, flooding at least 14 shops "
        "and cutting supply to about 3,000 homes, Vale Water said.\n\n"
        "Engineers expected to restore supply by Wednesday morning, the company said."
    ),
    "post.txt": (
        "Ashford Vale homes left without water\n\n"
        "Around 3,000 homes in Ashford Vale were without water on Tuesday after a main burst beneath the High "
        "Street, flooding 15 shops.\n\n"
        "Bottled water was being handed out at the town's leisure centre."
    ),
}


@pytest.mark.slow
def test_a_pile_copied_to_another_folder_is_briefed_the_same(tmp_path):
    """Reports with no date tie on time: their order, and so the source numbers, must not come from
    where the files lie (an article's id hashes its path)."""
    from digest.pipeline import run_brief
    from digest.settings import DEFAULTS

    def pile(name: str) -> list[Path]:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in REPORTS.items():
            (folder / file).write_text(text, encoding="utf-8")
        return sorted(folder.iterdir())

    def brief(files: list[Path]):
        run = run_brief([str(f) for f in files], DEFAULTS.with_overrides(use_model=False))
        (b,) = run.briefings
        return [s.title for s in b.sources], [(s.text, s.citations) for s in b.sentences], b.disagreements

    from digest.pipeline import read_sources

    def id_order(files: list[Path]) -> list[str | None]:
        articles, _ = read_sources([str(f) for f in files])
        return [a.title for a in sorted(articles, key=lambda a: a.id)]

    first = pile("a0")
    # a second folder whose paths would order the two reports the other way round by id
    other = next(files for k in range(1, 40) if id_order(files := pile(f"a{k}")) != id_order(first))
    assert brief(first) == brief(other)

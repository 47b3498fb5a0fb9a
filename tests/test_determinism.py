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
    # two unrelated reports: two stories of one report each, tied on size and (no) date
    "library.txt": (
        "Kettering library to open on Sundays\n\n"
        "Kettering's central library will open on Sundays from next month after the county council "
        "approved extra funding for its staff."
    ),
    "derby.txt": (
        "Derby County appoint new head coach\n\n"
        "Derby County have appointed the former Norwich assistant Lena Ward as head coach on a "
        "two-year contract, the club said."
    ),
}


@pytest.mark.slow
def test_a_pile_copied_to_another_folder_is_briefed_the_same(tmp_path):
    """Reports with no date tie on time, and one-report stories tie on size: their order, and so the
    source numbers and the order of the briefings, must not come from where the files lie (an
    article's id hashes its path)."""
    from digest.pipeline import read_sources, run_brief
    from digest.settings import DEFAULTS

    def pile(name: str) -> list[Path]:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in REPORTS.items():
            (folder / file).write_text(text, encoding="utf-8")
        return sorted(folder.iterdir())

    def brief(files: list[Path]):
        run = run_brief([str(f) for f in files], DEFAULTS.with_overrides(use_model=False))
        return [
            ([s.title for s in b.sources], [(s.text, s.citations) for s in b.sentences], b.disagreements)
            for b in run.briefings
        ]

    def flipped(files: list[Path], than: list[Path]) -> bool:
        """Both pairs (the burst reports, the two unrelated ones) order the other way round by id."""

        def rank(fs: list[Path]) -> dict[str | None, str]:
            articles, _ = read_sources([str(f) for f in fs])
            return {a.title: a.id for a in articles}

        mine, theirs = rank(files), rank(than)
        titles = [text.split("\n")[0] for text in REPORTS.values()]
        pairs = [(titles[0], titles[1]), (titles[2], titles[3])]
        return all((mine[a] < mine[b]) != (theirs[a] < theirs[b]) for a, b in pairs)

    first = pile("a0")
    other = next(files for k in range(1, 60) if flipped(files := pile(f"a{k}"), first))
    assert len(brief(first)) == 3
    assert brief(first) == brief(other)

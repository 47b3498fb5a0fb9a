"""`digest daily` under faults: nothing missed across a skipped day, files in pairs, broken state,
full disks and unwritable folders (one line, exit 3, the state as it was), leftovers of killed runs,
file modes; and the CLI's small faults (-o to a missing folder, a config without sources).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_server import FixtureServer, serve_day

from digest import atomic
from digest.cli import app
from digest.config import load_config
from digest.daily import run_daily
from digest.ingest.feeds import Fetcher, make_client
from digest.state import SCHEMA_VERSION, State

D1, D2, D3 = date(2024, 11, 4), date(2024, 11, 5), date(2024, 11, 6)
ROOT = Path(__file__).resolve().parent.parent


def write_config(folder: Path, sources: list[tuple[str, str]], **top) -> Path:
    lines = ['output_dir = "out"', 'model = "none"'] + [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    for kind, value in sources:
        lines += ["", "[[sources]]", f"{kind} = {json.dumps(value)}"]
    path = folder / "digest.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def feeds(urls: dict[str, str]) -> list[tuple[str, str]]:
    return [("feed", urls["courier"]), ("feed", urls["gazette"]), ("feed", urls["wire"]), ("wordpress", urls["valley"])]


def story_with(data: dict, word: str) -> dict:
    [story] = [s for s in data["stories"] if any(word in (src["title"] or "") for src in s["sources"])]
    return story


# ---------------------------------------------------------------- nothing missed


def test_a_skipped_day_loses_nothing_and_the_story_is_updated(tmp_path):
    """Run on 11-04, not on 11-05 (the machine was off), then on 11-06 with the default 24 h window."""
    with FixtureServer() as server, Fetcher(make_client(timeout=5.0), delay=0.0) as fetcher:
        urls = serve_day(server, 1)
        cfg = load_config(write_config(tmp_path, feeds(urls)))
        run_daily(cfg, D1, fetcher=fetcher)
        serve_day(server, 2)  # the 11-05 articles appear
        r3 = run_daily(cfg, D3, fetcher=fetcher)
        again = run_daily(cfg, D3, fetcher=fetcher)
    assert r3.new_articles == 4 and (r3.new_stories, r3.updated_stories) == (1, 1)
    data = json.loads(r3.json.read_text())
    bridge = story_with(data, "Ostrander")
    assert (bridge["status"], bridge["first_seen"], bridge["earlier"]) == ("updated", "2024-11-04", "2024-11-04.md")
    assert bridge["date"] == "2024-11-05"  # dated by its articles, not by the run that reported it
    assert story_with(data, "hazelnut")["status"] == "new"
    assert again.json.read_bytes() == r3.json.read_bytes() and again.new_articles == 4


# ---------------------------------------------------------------- files, state and faults


@pytest.fixture
def day_one(tmp_path):
    """A config over a folder of two plain-text reports, and the state after its first run."""
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(
        "Bridge closed\n\nThe city of Corvel closed the Ostrander Bridge on Monday after inspectors found cracks "
        "in three cables. Mayor Lidia Sorensen said it would stay shut until engineers say it is safe.\n"
    )
    (news / "b.txt").write_text(
        "Harvest down\n\nHazelnut growers in the Velmor valley harvested 40 percent fewer nuts this autumn after "
        "the driest summer in three decades, their cooperative said on Tuesday.\n"
    )
    cfg_path = write_config(tmp_path, [("path", str(news))])
    cfg = load_config(cfg_path)
    run_daily(cfg, D1)
    return tmp_path, cfg_path, cfg


def snapshot(cfg) -> tuple[dict, list[str], str]:
    with State(cfg.state_path) as st:
        counts = st.counts()
    files = sorted(p.name for p in cfg.output_dir.iterdir() if not p.name.startswith("state.db"))
    return counts, files, (cfg.output_dir / "index.md").read_text()


def daily(cfg_path: Path, day: date) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["daily", "--config", str(cfg_path), "--date", day.isoformat(), "--no-progress"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def one_error_line(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    return errors[0]


@pytest.mark.parametrize("fault", ["rename", "fsync", "disk full on write", "state commit"])
def test_a_fault_while_writing_gives_one_line_exit_3_and_leaves_everything_as_it_was(day_one, monkeypatch, fault):
    _, cfg_path, cfg = day_one
    before = snapshot(cfg)
    if fault == "rename":
        real = os.replace
        monkeypatch.setattr(
            os,
            "replace",
            lambda a, b: (
                (_ for _ in ()).throw(OSError(28, "No space left on device", str(b)))
                if str(b).endswith(".md")
                else real(a, b)
            ),
        )
    elif fault == "fsync":
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    elif fault == "disk full on write":
        real_write = atomic._write_temp

        def full(target, data, private):
            raise OSError(28, "No space left on device", str(target))

        monkeypatch.setattr(atomic, "_write_temp", full)
        assert real_write
    else:

        def full(self, row):
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(State, "record_digest", full)
    code, stderr = daily(cfg_path, D2)
    line = one_error_line(stderr)
    assert code == 3 and "nothing of this run was saved" in line, stderr
    assert ("disk is full" in line) if fault == "state commit" else True
    monkeypatch.undo()
    after = snapshot(cfg)
    assert after[0] == before[0] and after[2] == before[2]  # state rows and index untouched
    assert "2024-11-05.md" not in after[1]  # never a .md without its .json; no digest the state lacks
    assert not [p for p in cfg.output_dir.iterdir() if p.name.endswith(".tmp")]
    code, _ = daily(cfg_path, D2)  # the fault gone, the day simply runs
    assert code == 0 and "[2024-11-05](2024-11-05.md)" in (cfg.output_dir / "index.md").read_text()


def test_an_unwritable_output_folder_fails_before_any_work(day_one, monkeypatch):
    tmp_path, cfg_path, cfg = day_one
    target = tmp_path / "not-a-folder"
    target.write_text("a file where the digests should go")
    cfg_path.write_text(cfg_path.read_text().replace('output_dir = "out"', f'output_dir = "{target.name}"'))
    code, stderr = daily(cfg_path, D2)
    assert code == 3 and "not-a-folder" in one_error_line(stderr)
    assert target.read_text() == "a file where the digests should go"


@pytest.mark.parametrize("kind", ["zero-byte", "corrupt", "newer schema"])
def test_a_broken_state_stops_the_run_in_one_line_and_is_left_as_it_is(day_one, kind):
    _, cfg_path, cfg = day_one
    path = cfg.state_path
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    if kind == "zero-byte":
        path.write_bytes(b"")
    elif kind == "corrupt":
        path.write_bytes(b"SQLite format 3\x00" + os.urandom(8000))
    else:
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        db.commit()
        db.close()
    content = path.read_bytes()
    code, stderr = daily(cfg_path, D2)
    assert code == 3 and str(path) in one_error_line(stderr)
    assert path.read_bytes() == content and not (cfg.output_dir / "2024-11-05.md").exists()


def test_leftovers_of_a_killed_run_are_removed_by_the_next(day_one):
    _, cfg_path, cfg = day_one
    dead = int(
        subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    )
    leftovers = [
        cfg.output_dir / f".2024-11-05.md.{dead}.k1j2h3.tmp",
        cfg.output_dir / f".index.md.{dead}.a8b7c6.tmp",
        cfg.state_path.parent / f".{cfg.state_path.name}.{dead}.q1w2e3.tmp",
    ]
    for p in leftovers:
        p.write_text("half written")
    assert daily(cfg_path, D2)[0] == 0
    assert not any(p.exists() for p in leftovers)


def test_state_is_private_and_digests_follow_the_umask(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("Bridge closed\n\nThe city of Corvel closed the Ostrander Bridge on Monday.\n")
    cfg = load_config(write_config(tmp_path, [("path", str(news))]))
    old = os.umask(0o002)
    try:
        result = run_daily(cfg, D1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(cfg.state_path.stat().st_mode) == 0o600
    for path in result.written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o664, path


# ---------------------------------------------------------------- small faults of the command line


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_output_to_a_missing_folder_is_an_error_before_any_work(tmp_path):
    done = run_cli("brief", "--no-model", "--no-progress", "no-such-input.txt", "-o", "missing/brief.md", cwd=tmp_path)
    assert done.returncode == 2 and "the folder missing does not exist" in done.stderr
    assert "no-such-input.txt" not in done.stderr  # nothing was read: the check came first
    for command in (["clean"], ["cluster"]):
        done = run_cli(*command, "no-such-input.txt", "-o", "missing/x", cwd=tmp_path)
        assert done.returncode == 2 and "does not exist" in done.stderr and "no-such-input" not in done.stderr


def test_a_config_without_sources_is_an_error_not_an_empty_digest(tmp_path):
    (tmp_path / "digest.toml").write_text('output_dir = "out"\nmodel = "none"\n')
    done = run_cli("daily", "--config", "digest.toml", "--no-progress", cwd=tmp_path)
    assert done.returncode == 3 and "no sources" in done.stderr and not (tmp_path / "out").exists()


def test_the_config_run_deadline_bounds_a_daily_run_against_a_slow_drip(tmp_path):
    from test_fetch_policy import DripServer

    drip = DripServer(every=0.3)
    url = drip.url
    try:
        news = tmp_path / "news"
        news.mkdir()
        (news / "a.txt").write_text("Bridge closed\n\nThe city of Corvel closed the Ostrander Bridge on Monday.\n")
        cfg_path = write_config(tmp_path, [("feed", drip.url), ("path", str(news))])
        cfg_path.write_text(
            cfg_path.read_text().replace(
                'model = "none"', 'model = "none"\n\n[fetch]\nrequest_seconds = 30\nrun_seconds = 2\n'
            )
        )
        cfg = load_config(cfg_path)
        started = time.monotonic()
        result = run_daily(cfg, D1)
        took = time.monotonic() - started
    finally:
        drip.close()
    [problem] = result.problems
    assert problem.origin == url and "the run's 2 s fetch deadline passed" in problem.message
    assert result.new_articles == 1  # the folder was still read
    assert took < 30  # the drip was given up at the run's deadline, not the request's 30 s


def test_moving_the_folder_and_rerunning_the_day_adds_nothing(day_one):
    tmp_path, cfg_path, cfg = day_one
    before = snapshot(cfg)
    (tmp_path / "news").rename(tmp_path / "moved")
    cfg_path.write_text(cfg_path.read_text().replace(str(tmp_path / "news"), str(tmp_path / "moved")))
    result = run_daily(load_config(cfg_path), D1)
    assert result.new_articles == 2 and snapshot(cfg)[0] == before[0]  # not "4 new articles"
    assert run_daily(load_config(cfg_path), D2).new_articles == 0  # and nothing is new the next day

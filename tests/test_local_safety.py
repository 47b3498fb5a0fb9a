"""Local safety: the state file that is never lost or replaced, atomic writes, the lock, folder walks."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest import atomic
from digest.atomic import remove_stale_temps, write_atomic, write_together
from digest.ingest.read import walk
from digest.state import SCHEMA_VERSION, Locked, State, StateError, canonical_url, locked
from digest.types import Article

WHEN = datetime(2024, 11, 4, 8, 30, tzinfo=UTC)


def art(origin: str, text: str, url: str | None = None, aid: str | None = None) -> Article:
    return Article(aid or f"id-{origin}", origin, url, "Courier", "T", None, WHEN, "en", (text,), (text,))


# ---------------------------------------------------------------- the state file


def test_a_new_state_is_private_and_complete(tmp_path):
    old = os.umask(0o022)
    try:
        with State(tmp_path / "s.db") as st:
            assert st.version == SCHEMA_VERSION
    finally:
        os.umask(old)
    for name in ("s.db", "s.db-wal", "s.db-shm"):
        path = tmp_path / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_old_readable_state_is_made_private(tmp_path):
    State(tmp_path / "s.db").close()
    os.chmod(tmp_path / "s.db", 0o644)
    State(tmp_path / "s.db").close()
    assert stat.S_IMODE((tmp_path / "s.db").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "empty file \\(0 bytes\\)"),
        (b"this is not sqlite at all" * 100, "not a usable digest state database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "not a usable digest state database"),
    ],
    ids=["zero-byte", "junk", "corrupt-header"],
)
def test_a_broken_state_is_refused_in_one_line_and_left_as_it_is(tmp_path, content, why):
    path = tmp_path / "state.db"
    path.write_bytes(content)
    with pytest.raises(StateError, match=why) as err:
        State(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    assert path.read_bytes() == content  # never replaced silently


def test_a_newer_schema_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StateError, match="newer than this digest knows"):
        State(path)
    assert path.read_bytes() == before


def test_an_unwritable_state_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "state.db"
    State(path).close()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == path else real(p, mode, **kw))
    with pytest.raises(StateError, match="cannot read and write the state database"):
        State(path)


def test_a_write_that_fails_mid_run_rolls_back_with_one_line(tmp_path):
    path = tmp_path / "state.db"
    with State(path) as st:
        with st.transaction():
            st.record_article(art("a", "first report text"), source="s", date="2024-11-04")
        with pytest.raises(StateError, match="nothing of this run was saved"), st.transaction():
            st.record_article(art("b", "second report text"), source="s", date="2024-11-05")
            st.db.execute("INSERT INTO no_such_table VALUES (1)")  # any SQLite failure inside the run
    with State(path) as st:
        assert st.counts()["articles"] == 1


def test_a_migrated_state_keys_old_articles_by_canonical_url(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    from digest.state import MIGRATIONS

    for step in MIGRATIONS[0]:
        db.execute(step)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO articles(id, url, content_hash, first_seen, source, data) VALUES "
        "('x', 'HTTP://News.Example:80/a/?utm_source=rss#top', 'h', '2024-11-01', 's', '{}')"
    )
    db.close()
    with State(path) as st:
        assert st.version == SCHEMA_VERSION
        assert st.knows_url("https://news.example/a")


def test_canonical_url():
    same = [
        "https://news.example/a/b",
        "http://NEWS.example:80/a/b/",
        "https://news.example:443/a/b?utm_source=rss&utm_medium=feed#comments",
        "https://news.example/a/b?fbclid=xyz",
    ]
    assert {canonical_url(u) for u in same} == {"https://news.example/a/b"}
    assert canonical_url("https://news.example/a?id=7") != canonical_url("https://news.example/a?id=8")
    assert canonical_url(None) is None and canonical_url("  ") is None


def test_moving_the_folder_adds_no_article(tmp_path):
    with State(tmp_path / "s.db") as st:
        texts = [f"Report {n} on the Ostrander Bridge closure in Corvel, with details." for n in range(10)]
        for n, t in enumerate(texts):
            st.record_article(art(f"/old/{n}.txt", t), source="path = /old", date="2024-11-04")
            st.record_article(
                art(f"/j/{n}.json", t + " json", url=f"https://x.example/{n}"), source="j", date="2024-11-04"
            )
        for n, t in enumerate(texts):  # the same files, moved; the JSON now read with a tracking parameter
            st.record_article(art(f"/new/{n}.txt", t), source="path = /new", date="2024-11-04")
            st.record_article(
                art(f"/k/{n}.json", t + " json", url=f"http://x.example/{n}?utm_source=x"),
                source="k",
                date="2024-11-04",
            )
        assert st.counts()["articles"] == 20
        assert len(st.articles_first_seen("2024-11-04", "2024-11-04")) == 20


# ---------------------------------------------------------------- the lock


def test_the_lock_is_private_and_never_followed_through_a_symlink(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    lock = tmp_path / "state.db.lock"
    lock.symlink_to(victim)
    with pytest.raises(StateError, match="lock file is a symlink"), locked(lock, 1.0):
        pass
    assert victim.read_text() == "precious\n"
    lock.unlink()
    with locked(lock, 1.0):
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
        assert lock.read_text().strip() == str(os.getpid())
        with pytest.raises(Locked, match="gave up after waiting 0 s"), locked(lock, 0.1):
            pass


# ---------------------------------------------------------------- atomic writes


def test_outputs_follow_the_umask_and_private_files_do_not(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.md", "x\n")
        write_atomic(tmp_path / "p.txt", "x\n", private=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.md").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "p.txt").stat().st_mode) == 0o600


def test_a_planted_symlink_at_a_temp_name_is_not_followed(tmp_path, monkeypatch):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    names = iter(["planted", "planted", "fresh"])
    monkeypatch.setattr("tempfile._RandomNameSequence.__next__", lambda self: next(names))
    (tmp_path / f".out.md.{os.getpid()}.planted.tmp").symlink_to(victim)
    write_atomic(tmp_path / "out.md", "new\n")
    assert victim.read_text() == "precious\n" and (tmp_path / "out.md").read_text() == "new\n"


@pytest.mark.parametrize("fault", ["replace", "fsync", "disk full"])
def test_a_failed_pair_write_leaves_neither_file_nor_temp(tmp_path, monkeypatch, fault):
    (tmp_path / "day.json").write_text("old json\n")
    calls = {"n": 0}
    real_replace = os.replace

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    def fsync(fd):
        raise OSError(5, "Input/output error")

    if fault == "replace":
        monkeypatch.setattr(os, "replace", replace)
    elif fault == "fsync":
        monkeypatch.setattr(os, "fsync", fsync)
    else:
        real_write = atomic._write_temp

        def full(target, data, private):
            if target.name == "day.md":
                raise OSError(28, "No space left on device")
            return real_write(target, data, private)

        monkeypatch.setattr(atomic, "_write_temp", full)
    with pytest.raises(OSError):
        write_together([(tmp_path / "day.json", "new json\n"), (tmp_path / "day.md", "new md\n")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day.json"]
    if fault != "replace":  # the renames never started: the old file is whole
        assert (tmp_path / "day.json").read_text() == "old json\n"


def test_temp_files_of_a_killed_writer_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    leftover = tmp_path / f".2024-11-05.md.{pid}.abc123.tmp"
    leftover.write_text("half")
    mine = tmp_path / f".index.md.{os.getpid()}.zzz.tmp"
    mine.write_text("being written")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_text("not ours")
    assert remove_stale_temps(tmp_path) == [leftover]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, unrelated.name])


# ---------------------------------------------------------------- folder walks


def test_walk_never_leaves_the_tree(tmp_path, caplog):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_text("a")
    (tree / "sub" / "b.txt").write_text("b")
    (tree / "up").symlink_to("..")  # the parent, with `outside` in it
    (tree / "etc").symlink_to("/etc")
    (tree / "secret-link.txt").symlink_to(outside / "secret.txt")
    (tree / "sub" / "loop").symlink_to("..")  # back into the tree: visited once
    (tree / "sub" / "a-again.txt").symlink_to("../a.txt")  # the same file: read once
    (tree / "inside").symlink_to("sub")  # a link that stays inside is followed (once)
    got = sorted(p.relative_to(tree).as_posix() for p in walk(tree))
    assert got == ["a.txt", "inside/b.txt"]  # "inside" sorts first; "sub" is then the same folder
    out = [r.getMessage() for r in caplog.records if "symlink leads out" in r.getMessage()]
    assert len(out) == 3  # up, etc, secret-link.txt: one line each


def test_walk_of_a_symlinked_root_stays_in_the_target(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text("a")
    (real / "up").symlink_to("..")
    (tmp_path / "b.txt").write_text("b")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert [p.name for p in walk(link)] == ["a.txt"]

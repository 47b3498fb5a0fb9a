"""The state database: migrations, idempotent writes, all-or-nothing runs."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import pytest

from digest.state import SCHEMA_VERSION, DigestRow, State, StateError, StoryDay, article_from_json, article_to_json
from digest.types import Article

WHEN = datetime(2024, 11, 4, 8, 30, tzinfo=UTC)


def art(n: int, text: str | None = None, url: str | None = None) -> Article:
    text = text or f"Report number {n} about the Ostrander Bridge closure in Corvel."
    return Article(
        f"a{n}",
        url or f"https://x.example/{n}",
        url or f"https://x.example/{n}",
        "Courier",
        f"Title {n}",
        "Ana",
        WHEN,
        "en",
        (text,),
        (text,),
    )


def test_schema_is_versioned_and_wal(tmp_path):
    with State(tmp_path / "s.db") as st:
        assert st.version == SCHEMA_VERSION
        assert st.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with State(tmp_path / "s.db") as st:  # reopening migrates nothing twice
        assert st.version == SCHEMA_VERSION


def test_newer_or_foreign_database_is_refused(tmp_path):
    db = sqlite3.connect(tmp_path / "new.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match="newer than this digest knows"):
        State(tmp_path / "new.db")
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StateError, match="junk.db: not a usable digest state database"):
        State(tmp_path / "junk.db")


def test_articles_round_trip_and_are_recorded_once(tmp_path):
    a = art(1)
    assert article_from_json(article_to_json(a)) == a
    with State(tmp_path / "s.db") as st:
        assert st.record_article(a, source="feed = x", date="2024-11-04") == "2024-11-04"
        assert st.record_article(a, source="feed = x", date="2024-11-05") == "2024-11-04"  # first seen stays
        # the same report at the same URL re-fetched with a different id, and a copy with the same text elsewhere
        edited = Article(
            "other-id", a.origin, a.url, None, None, None, None, None, ("Changed text.",), ("Changed text.",)
        )
        assert st.record_article(edited, source="feed = x", date="2024-11-06") == "2024-11-04"
        copy = art(2, text="  REPORT number 1 about the Ostrander Bridge closure in Corvel. ")
        assert st.record_article(copy, source="feed = y", date="2024-11-06") == "2024-11-04"
        assert st.knows_url(a.url) and not st.knows_url("https://x.example/none")
        # the edit at the same URL is the same article (not stored twice); the wire copy elsewhere is a second one
        assert [x.id for x in st.articles_first_seen("2024-11-04", "2024-11-04")] == ["a1", "a2"]
        assert st.articles_first_seen("2024-11-05", "2024-11-06") == []
        assert st.counts()["articles"] == 2


def test_transaction_is_all_or_nothing(tmp_path):
    with State(tmp_path / "s.db") as st:
        with pytest.raises(RuntimeError), st.transaction():
            st.record_article(art(1), source="s", date="2024-11-04")
            with st.transaction():  # nested: joins the outer one
                st.record_article(art(2), source="s", date="2024-11-04")
            raise RuntimeError("crash")
        assert st.counts()["articles"] == 0
        with st.transaction():
            st.record_article(art(1), source="s", date="2024-11-04")
    with State(tmp_path / "s.db") as st:
        assert st.counts()["articles"] == 1


def test_replace_day_is_idempotent_and_keeps_other_days(tmp_path):
    v = np.ones(4, dtype=np.float32) / 2
    with State(tmp_path / "s.db") as st:
        for n in range(1, 5):
            st.record_article(art(n), source="s", date="2024-11-04" if n < 3 else "2024-11-05")
        st.replace_day("2024-11-04", [StoryDay("s1", "Bridge shut", "new", ("a1", "a2"), v)])
        day2 = [
            StoryDay("s1", "Bridge repair approved", "updated", ("a3",), v),
            StoryDay("s2", "Harvest down", "new", ("a4",)),
        ]
        st.replace_day("2024-11-05", day2)
        before = st.counts()
        st.replace_day("2024-11-05", day2)
        assert (
            st.counts()
            == before
            == {"articles": 4, "stories": 2, "story_days": 3, "story_articles": 4, "digests": 0, "feed_cache": 0}
        )
        assert st.headline_history("s1") == [("2024-11-04", "Bridge shut"), ("2024-11-05", "Bridge repair approved")]
        assert st.db.execute("SELECT first_seen, last_seen FROM stories WHERE id='s1'").fetchone() == (
            "2024-11-04",
            "2024-11-05",
        )
        # what a re-run of day 2 may see: only what day 1 stored
        assert st.story_overlap(["a1", "a3"], before="2024-11-05") == {"s1": 1}
        [s1] = st.stories_before("2024-11-05", since="2024-10-29")
        assert (s1.id, s1.first_seen, s1.last_date, s1.headline) == ("s1", "2024-11-04", "2024-11-04", "Bridge shut")
        assert np.allclose(s1.centroid, v)
        assert st.story("s2", before="2024-11-05") is None
        # a re-run of day 2 that finds only the new story drops s1's day-2 row and keeps day 1
        st.replace_day("2024-11-05", [StoryDay("s2", "Harvest down", "new", ("a4",))])
        assert st.db.execute("SELECT last_seen FROM stories WHERE id='s1'").fetchone() == ("2024-11-04",)
        st.replace_day("2024-11-05", [])
        assert st.story("s2", before="2024-11-06") is None and st.counts()["stories"] == 1
        assert st.check() == []


def test_digests_are_upserted_newest_first(tmp_path):
    with State(tmp_path / "s.db") as st:
        for d in ("2024-11-04", "2024-11-06", "2024-11-05", "2024-11-06"):
            st.record_digest(DigestRow(d, f"{d}.md", f"{d}.json", 1, 2, "extractive", "h"))
        assert [r.date for r in st.digests()] == ["2024-11-06", "2024-11-05", "2024-11-04"]


CHILD = r"""
import os, sys, time
from datetime import datetime, timezone
from digest.state import State, StoryDay
from digest.types import Article
st = State(sys.argv[1])
with st.transaction():
    for n in range(200):
        t = f"text {n}"
        st.record_article(Article(f"a{n}", f"o{n}", f"u{n}", None, None, None, None, None, (t,), (t,)), source="s", date="2024-11-04")
    st.replace_day("2024-11-04", [StoryDay("s1", "h", "new", ("a1", "a2"))])
    print("written", flush=True)
    time.sleep(60)
"""


def test_sigkill_mid_transaction_leaves_no_rows(tmp_path):
    db = tmp_path / "s.db"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "written"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with State(db) as st:
        assert st.counts() == {
            "articles": 0,
            "stories": 0,
            "story_days": 0,
            "story_articles": 0,
            "digests": 0,
            "feed_cache": 0,
        }
        assert st.check() == []

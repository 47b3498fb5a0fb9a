"""`digest daily` end to end, against feeds served by a real HTTP server on 127.0.0.1.

Extractive briefings (model = "none") keep this fast; the stage wiring, state,
linking of stories across days, files and lock are what is tested here.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from fixtures_server import (
    BRIDGE_DAY1,
    BRIDGE_DAY2,
    BROKEN_XML,
    ENTITY_BOMB,
    HAZELNUT_DAY2,
    FixtureServer,
    rss,
    serve_day,
)

from digest.config import load_config
from digest.daily import DailyLocked, run_daily
from digest.ingest.feeds import Fetcher, make_client
from digest.state import State

D1, D2, D3 = date(2024, 11, 4), date(2024, 11, 5), date(2024, 11, 6)
ROOT = Path(__file__).resolve().parent.parent


def write_config(folder: Path, sources: list[tuple[str, str]], **top) -> Path:
    lines = ['output_dir = "out"', 'model = "none"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    for kind, value in sources:
        lines += ["", "[[sources]]", f"{kind} = {json.dumps(value)}"]
    path = folder / "digest.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def world_sources(urls: dict[str, str]) -> list[tuple[str, str]]:
    return [("feed", urls["courier"]), ("feed", urls["gazette"]), ("feed", urls["wire"]), ("wordpress", urls["valley"])]


def read(path: Path) -> bytes:
    return path.read_bytes()


def sentences_of(article: dict) -> set[str]:
    return {" ".join(p.split()) for p in article["paragraphs"]}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Day 1, day 2, day 2 again and a quiet day 3, run once for the tests below."""
    folder = tmp_path_factory.mktemp("daily")
    with FixtureServer() as server, Fetcher(make_client(timeout=5.0), delay=0.0) as fetcher:
        urls = serve_day(server, 1)
        cfg = load_config(write_config(folder, world_sources(urls)))
        out = cfg.output_dir
        r1 = run_daily(cfg, D1, fetcher=fetcher)
        serve_day(server, 2)
        r2 = run_daily(cfg, D2, fetcher=fetcher)
        first = {p.name: read(p) for p in r2.written}
        with State(cfg.state_path) as st:
            counts = st.counts()
        n_requests = len(server.requests)
        r2b = run_daily(cfg, D2, fetcher=fetcher)
        rerun_requests = server.requests[n_requests:]
        again = {p.name: read(p) for p in r2b.written}
        with State(cfg.state_path) as st:
            counts_again, problems_again = st.counts(), st.check()
        r3 = run_daily(cfg, D3, fetcher=fetcher)
        yield {
            "server": server,
            "cfg": cfg,
            "out": out,
            "r1": r1,
            "r2": r2,
            "r2b": r2b,
            "r3": r3,
            "first": first,
            "again": again,
            "counts": counts,
            "counts_again": counts_again,
            "check_again": problems_again,
            "rerun_requests": rerun_requests,
            "j1": json.loads((out / "2024-11-04.json").read_text()),
            "j2": json.loads((out / "2024-11-05.json").read_text()),
        }


def story_with(data: dict, word: str) -> dict:
    [story] = [s for s in data["stories"] if any(word in (src["title"] or "") for src in s["sources"])]
    return story


def test_day_one_tells_every_story_as_new(world):
    r1, j1, server = world["r1"], world["j1"], world["server"]
    assert r1.problems == () and r1.new_articles == 6
    assert j1["date"] == "2024-11-04" and j1["generated_at"] == "2024-11-04T00:00:00+00:00"
    assert {s["status"] for s in j1["stories"]} == {"new"} and {s["first_seen"] for s in j1["stories"]} == {
        "2024-11-04"
    }
    bridge = story_with(j1, "Ostrander")
    assert sorted(s["url"] for s in bridge["sources"]) == sorted(server.url(a["path"]) for a in BRIDGE_DAY1)
    assert {"Corvel Courier", "Harbour Gazette"} <= {s["outlet"] for s in bridge["sources"]}  # feed titles as outlets
    korea = story_with(j1, "South Korea")
    assert any("Borrell" in s["text"] for s in korea["sentences"])


def test_day_two_marks_the_continuing_story_updated_with_only_new_facts(world):
    j1, j2, server = world["j1"], world["j2"], world["server"]
    assert world["r2"].new_articles == 4 and (world["r2"].new_stories, world["r2"].updated_stories) == (1, 1)
    bridge1, bridge2 = story_with(j1, "Ostrander"), story_with(j2, "Ostrander")
    assert bridge2["id"] == bridge1["id"]  # the same story across days
    assert (bridge2["status"], bridge2["first_seen"], bridge2["earlier"]) == ("updated", "2024-11-04", "2024-11-04.md")
    # only the new articles are briefed: sources, and no sentence from day 1's reports
    assert sorted(s["url"] for s in bridge2["sources"]) == sorted(server.url(a["path"]) for a in BRIDGE_DAY2)
    old = set().union(*(sentences_of(a) for a in BRIDGE_DAY1))
    new = set().union(*(sentences_of(a) for a in BRIDGE_DAY2))
    text = " ".join(s["text"] for s in bridge2["sentences"])
    assert not any(s["text"] in old for s in bridge2["sentences"])
    assert "4.2 million" in text and "Brannock Steel" in text
    assert "38,000" not in text and "Halvorsen" not in text  # day-1 facts stay in day 1
    assert any(s["text"].rstrip(".") in " ".join(new) for s in bridge2["sentences"])
    harvest = story_with(j2, "hazelnut")
    assert (harvest["status"], harvest["first_seen"], harvest["earlier"]) == ("new", "2024-11-05", None)
    assert sorted(s["url"] for s in harvest["sources"]) == sorted(server.url(a["path"]) for a in HAZELNUT_DAY2)
    assert len(j2["stories"]) == 2  # day 1's Korea story had nothing new: not repeated
    md = (world["out"] / "2024-11-05.md").read_text()
    assert "_Updated since 2024-11-04 (first seen 2024-11-04) · earlier: [2024-11-04.md](2024-11-04.md)_" in md
    assert md.count("_New_") == 1


def test_rerunning_a_day_is_byte_identical_and_adds_no_rows(world):
    assert world["first"] == world["again"]
    assert world["counts"] == world["counts_again"]
    # every article once; day 1's stories plus the one new story of day 2
    assert world["counts"]["articles"] == 10 and world["counts"]["stories"] == len(world["j1"]["stories"]) + 1
    assert world["check_again"] == []
    # the re-run asked with the remembered validators and fetched no article page again
    feeds = [
        r
        for r in world["rerun_requests"]
        if "feed" in r.path or "rss" in r.path or "atom" in r.path or "wp-json" in r.path
    ]
    assert feeds and all(r.status == 304 for r in feeds)
    assert all(r.path in {f.path for f in feeds} or r.path == "/robots.txt" for r in world["rerun_requests"])


def test_quiet_day_and_archive_index(world):
    r3, out = world["r3"], world["out"]
    assert r3.new_articles == 0 and r3.stories == 0
    md = (out / "2024-11-06.md").read_text()
    assert "Nothing new today" in md and len(md.splitlines()) < 10
    assert json.loads((out / "2024-11-06.json").read_text())["stories"] == []
    index = (out / "index.md").read_text()
    assert index.index("[2024-11-06]") < index.index("[2024-11-05]") < index.index("[2024-11-04]")
    assert "- [2024-11-05](2024-11-05.md): 2 stories, 4 new articles" in index
    assert "- [2024-11-06](2024-11-06.md): nothing new" in index
    assert not list(out.glob(".*.tmp"))


def test_failing_sources_are_named_and_the_run_goes_on(tmp_path):
    from fixtures_server import article_page

    good = [
        {
            "title": a["title"],
            "link": "http://127.0.0.1/x/" + str(i),
            "content": "".join(f"<p>{p}</p>" for p in a["paragraphs"]),
            "published": None,
        }
        for i, a in enumerate(BRIDGE_DAY1)
    ]
    with FixtureServer() as server, Fetcher(make_client(timeout=1.0), delay=0.0) as fetcher:
        bad = {
            "500": server.add("/500.xml", "oops", status=500),
            "slow": server.add("/slow.xml", rss("Slow", server.base, good), delay=3.0),
            "broken": server.add("/broken.xml", BROKEN_XML, "application/rss+xml"),
            "bomb": server.add("/bomb.xml", ENTITY_BOMB, "application/rss+xml"),
            "html": server.add(
                "/index.html",
                article_page(
                    "Home",
                    ["Hello and welcome to the site."],
                    published=None or __import__("datetime").datetime(2024, 11, 4),
                    outlet="X",
                ),
            ),
        }
        ok = server.add("/good.xml", rss("Harbour Gazette", server.base, good), "application/rss+xml")
        opml = tmp_path / "feeds.opml"
        opml.write_text(
            f'<opml version="2.0"><body><outline xmlUrl="{bad["bomb"]}"/><outline xmlUrl="{ok}"/></body></opml>'
        )
        sources = (
            [("feed", ok)]
            + [("feed", u) for u in bad.values()]
            + [("opml", str(opml)), ("opml", str(tmp_path / "nope.opml")), ("path", str(tmp_path / "no-such-folder"))]
        )
        cfg = load_config(write_config(tmp_path, sources))
        started = time.monotonic()
        result = run_daily(cfg, D1, fetcher=fetcher)
        assert time.monotonic() - started < 60
    failed = {p.origin: p.message for p in result.problems}
    assert set(bad.values()) <= set(failed), failed
    assert failed[bad["500"]] == "HTTP 500" and failed[bad["slow"]].startswith("timed out")
    assert failed[bad["broken"]].startswith("not an RSS/Atom feed") and failed[bad["bomb"]].startswith("refused")
    assert str(tmp_path / "nope.opml") in failed and str(tmp_path / "no-such-folder") in failed
    assert result.stories == 1 and result.new_articles == 3  # the good feed (read twice) still made its story
    md = result.markdown.read_text()
    assert "Ostrander Bridge" in md and "_Could not read 7 sources:" in md
    data = json.loads(result.json.read_text())
    assert {p["origin"] for p in data["problems"]} == set(failed)


def test_a_second_run_waits_then_gives_up_clearly(tmp_path):
    (tmp_path / "news").mkdir()
    cfg = load_config(write_config(tmp_path, [("path", str(tmp_path / "news"))]))
    lock = cfg.state_path.with_name(cfg.state_path.name + ".lock")
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        started = time.monotonic()
        with pytest.raises(
            DailyLocked, match=r"another `digest daily` run is using .*state.db .*gave up after waiting 1 s"
        ):
            run_daily(cfg, D1, lock_wait=1.0)
        assert 0.9 < time.monotonic() - started < 5
    result = run_daily(cfg, D1, lock_wait=1.0)  # lock released: the run goes ahead (a quiet day)
    assert result.new_articles == 0 and result.markdown.exists()


def test_sigkill_mid_run_leaves_no_trace_and_the_rerun_is_complete(tmp_path, world):
    with FixtureServer() as server:
        urls = serve_day(server, 1)
        slow_page = "/courier/2024/11/04/borrell-seoul"
        server.routes[slow_page].delay = 60.0
        cfg_path = write_config(tmp_path, world_sources(urls))
        env = {**os.environ, "DIGEST_FETCH_DELAY": "0", "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "digest",
                "daily",
                "--config",
                str(cfg_path),
                "--date",
                "2024-11-04",
                "--no-progress",
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 60
            while slow_page not in server.arrived:  # mid-run: feeds read and cached, pages being fetched
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline
                time.sleep(0.05)
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(10) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
        cfg = load_config(cfg_path)
        with State(cfg.state_path) as st:
            assert all(n == 0 for n in st.counts().values()), st.counts()
        assert not (cfg.output_dir / "2024-11-04.md").exists()

        server.routes[slow_page].delay = 0.0
        with Fetcher(make_client(timeout=5.0), delay=0.0) as fetcher:
            result = run_daily(cfg, D1, fetcher=fetcher)
    assert result.problems == () and result.new_articles == 6
    data = json.loads(result.json.read_text())
    assert sorted(s["headline"] for s in data["stories"]) == sorted(s["headline"] for s in world["j1"]["stories"])
    with State(cfg.state_path) as st:
        assert st.check() == []
        counts = st.counts()
        urls_stored = [r[0] for r in st.db.execute("SELECT url FROM articles")]
    assert counts["articles"] == 6 and len(set(urls_stored)) == 6
    assert counts["story_articles"] == 6 and counts["digests"] == 1


def test_a_story_resumed_after_a_gap_is_linked_by_its_centroid(tmp_path, world):
    """Three days later no article of the story is in the clustering window: the centroid links it."""
    with FixtureServer() as server, Fetcher(make_client(timeout=5.0), delay=0.0) as fetcher:
        urls = serve_day(server, 1)
        cfg = load_config(write_config(tmp_path, world_sources(urls), window_hours=24 * 5))
        run_daily(cfg, D1, fetcher=fetcher)
        serve_day(server, 2)
        result = run_daily(cfg, date(2024, 11, 8), fetcher=fetcher)
    data = json.loads(result.json.read_text())
    bridge = story_with(data, "Ostrander")
    assert (bridge["status"], bridge["first_seen"], bridge["earlier"]) == ("updated", "2024-11-04", "2024-11-04.md")
    assert story_with(data, "hazelnut")["status"] == "new"
    with State(cfg.state_path) as st:
        assert [d for d, _ in st.headline_history(bridge["id"])] == ["2024-11-04", "2024-11-08"]

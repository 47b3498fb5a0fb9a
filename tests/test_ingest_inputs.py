"""What users point digest at: article URLs (HTML and JSON), lists of URLs, and stdin.

A real HTTP server on 127.0.0.1 serves invented pages; nothing here touches the network.
"""

from __future__ import annotations

import io
import json
import sys
import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from fixtures_server import FixtureServer, article_page, rss

from digest.clean import clean
from digest.cli import app
from digest.ingest import UrlList, ingest, read_url_list
from digest.types import Problem, RawDocument

WHEN = datetime(2024, 11, 5, 9, 15, tzinfo=UTC)
REPORT = [
    "The Harlow Creek council voted on Tuesday to close the Ostrander Bridge to lorries from December, "
    "after engineers found corrosion in two of its steel girders.",
    "Council leader Maria Okafor said the decision had not been taken lightly, but that the safety of the "
    "roughly 12,000 drivers who cross the bridge every day came first.",
    "Hauliers warned that the detour through Dunmore would add at least 40 minutes to each journey and "
    "asked for the closure to be reviewed in the spring.",
]


@pytest.fixture(autouse=True)
def no_delay(monkeypatch):
    monkeypatch.setenv("DIGEST_FETCH_DELAY", "0")


@pytest.fixture
def server():
    with FixtureServer() as s:
        s.add("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain")
        yield s


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Problem)]


def test_article_page_url_is_fetched_and_cleaned(server):
    url = server.add(
        "/2024/11/bridge.html",
        article_page("Bridge to close to lorries", REPORT, published=WHEN, outlet="Dunmore Herald", author="Jane Doe"),
    )
    docs, problems = split(ingest([url]))
    assert problems == []
    assert [(d.origin, d.shape) for d in docs] == [(url, "html")]
    article = clean(docs[0])
    assert article.paragraphs == tuple(REPORT)
    assert article.url == url and article.outlet == "Dunmore Herald" and article.author == "Jane Doe"
    assert article.published == WHEN


def test_article_json_url_is_read_as_a_record(server):
    record = {"title": "Bridge to close", "text": "\n\n".join(REPORT), "published": WHEN.isoformat()}
    url = server.add("/api/story/17", json.dumps(record), "application/json")
    docs, problems = split(ingest([url]))
    assert problems == [] and [d.shape for d in docs] == ["json"]
    article = clean(docs[0])
    assert article.title == "Bridge to close" and article.paragraphs == tuple(REPORT)
    assert article.url == url  # the record names no URL: the one it came from stands in


def test_feed_url_is_still_a_feed(server):
    page = server.add("/a.html", article_page("Bridge", REPORT, published=WHEN, outlet="Herald"))
    feed = server.add(
        "/feed.xml",
        rss("Herald", server.base, [{"title": "Bridge", "link": page, "published": WHEN, "summary": "Short."}]),
        "application/rss+xml",
    )
    docs, problems = split(ingest([feed]))
    assert problems == [] and [d.origin for d in docs] == [page]


def test_url_list_file_comments_and_bad_lines(server, tmp_path):
    one = server.add("/one.html", article_page("One", REPORT, published=WHEN, outlet="Herald"))
    two = server.add("/two.html", article_page("Two", REPORT[::-1], published=WHEN, outlet="Herald"))
    listing = tmp_path / "reading.txt"
    listing.write_text(f"# this week's reading\n{one}\n\n{two}   # the follow-up\nnot a url\n{one}\n")
    docs, problems = split(ingest([UrlList(str(listing))]))
    assert [d.origin for d in docs] == [one, two]  # the repeated URL is read once
    assert [(p.origin, p.message) for p in problems] == [(f"{listing}:5", "not an http(s) URL: 'not a url'")]


def test_a_file_that_only_lists_urls_is_a_url_list_not_an_article(server, tmp_path):
    one = server.add("/one.html", article_page("One", REPORT, published=WHEN, outlet="Herald"))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{one}\n# more to come\n")
    docs, problems = split(ingest([listing]))
    assert problems == [] and [d.origin for d in docs] == [one]


def test_url_list_fetches_are_spaced_by_the_politeness_delay(server, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGEST_FETCH_DELAY", "0.3")
    urls = [server.add(f"/{n}.html", article_page(f"N{n}", REPORT, published=WHEN, outlet="H")) for n in range(3)]
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls))
    started = time.perf_counter()
    docs, _ = split(ingest([UrlList(str(listing))]))
    assert len(docs) == 3 and time.perf_counter() - started >= 0.55  # two waits between three fetches


def test_dead_and_missing_urls_give_one_problem_each(server, tmp_path):
    missing = server.url("/gone.html")
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{missing}\nhttp://127.0.0.1:9/closed\n")
    docs, problems = split(ingest([UrlList(str(listing))]))
    assert docs == []
    assert [p.origin for p in problems] == [missing, "http://127.0.0.1:9/closed"]
    assert problems[0].message == "HTTP 404"
    assert split(ingest([UrlList(str(tmp_path / "nope.txt"))]))[1][0].message.startswith("URL list: no such file")


def test_read_url_list_keeps_fragments_and_drops_comments():
    urls, problems = read_url_list("https://a.example/x#part\n  # comment\nhttps://b.example/y  # why\n")
    assert urls == ["https://a.example/x#part", "https://b.example/y"] and problems == []


@pytest.mark.parametrize(
    ("data", "shape", "count"),
    [
        ("\n\n".join(REPORT).encode(), "text", 1),
        (article_page("Bridge", REPORT, published=WHEN, outlet="Herald").encode(), "html", 1),
        (json.dumps({"title": "Bridge", "text": "\n\n".join(REPORT)}).encode(), "json", 1),
        ("\n".join(json.dumps({"title": f"T{n}", "text": p}) for n, p in enumerate(REPORT)).encode(), "json", 3),
    ],
)
def test_stdin_text_html_json_and_jsonl(monkeypatch, data, shape, count):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    docs, problems = split(ingest(["-"]))
    assert problems == [] and len(docs) == count and {d.shape for d in docs} == {shape}
    assert all(d.origin.startswith("<stdin>") for d in docs)
    assert clean(docs[0]).paragraphs[0].startswith(REPORT[0][:40]) or count == 3


def test_stdin_listing_urls_reads_them(server, monkeypatch):
    url = server.add("/one.html", article_page("One", REPORT, published=WHEN, outlet="Herald"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{url}\n".encode())))
    docs, problems = split(ingest(["-"]))
    assert problems == [] and [d.origin for d in docs] == [url]


def test_cli_clean_reads_urls_option_and_stdin(server, tmp_path):
    url = server.add("/one.html", article_page("Bridge to close", REPORT, published=WHEN, outlet="Herald"))
    listing = tmp_path / "urls.txt"
    listing.write_text(url + "\n")
    runner = CliRunner()
    result = runner.invoke(app, ["clean", "--urls", str(listing), "-"], input="\n\n".join(REPORT))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["path"] for row in lines] == ["<stdin>", url]
    assert lines[1]["title"] == "Bridge to close" and lines[1]["text"].startswith(REPORT[0])


def test_cli_without_any_source_is_a_usage_error():
    result = CliRunner().invoke(app, ["clean"])
    assert result.exit_code == 2


def test_urls_the_user_gave_may_be_loopback_links_in_their_content_may_not(server, tmp_path, monkeypatch):
    """The fetch policy (docs/security.md) on every kind of URL input: typed, listed, on stdin."""
    with FixtureServer() as other:  # an internal service on another loopback port, never named
        other.add("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain")
        hidden = other.add("/admin.html", article_page("Internal", REPORT, published=WHEN, outlet="Intranet"))
        feed = server.add(
            "/feed.xml",
            rss("Herald", server.base, [{"title": "Bridge", "link": hidden, "published": WHEN, "summary": "Short."}]),
            "application/rss+xml",
        )
        # Typed: the feed is read, the link it holds to the unnamed loopback host is refused.
        docs, problems = split(ingest([feed]))
        assert not any(d.origin == hidden for d in docs)
        assert [p.origin for p in problems] == [hidden] and "refused" in problems[0].message
        assert other.arrived == []  # not even its robots.txt was asked for
        # Listed (--urls) and on stdin: the user named that page, so it is read.
        listing = tmp_path / "urls.txt"
        listing.write_text(hidden + "\n")
        docs, problems = split(ingest([UrlList(str(listing))]))
        assert problems == [] and [d.origin for d in docs] == [hidden]
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{hidden}\n".encode())))
        docs, problems = split(ingest(["-"]))
        assert problems == [] and [d.origin for d in docs] == [hidden]

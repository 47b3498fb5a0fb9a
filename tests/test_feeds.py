"""Feeds, WordPress and OPML against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime

import pytest
from fixtures_server import (
    BROKEN_XML,
    ENTITY_BOMB,
    FixtureServer,
    article_page,
    atom,
    rss,
    seed_paragraphs,
    seed_wordpress_post,
    wordpress_post,
)

from digest.ingest.feeds import (
    USER_AGENT,
    Fetcher,
    OPMLError,
    ingest_url,
    make_client,
    read_opml,
    wordpress_posts,
    xml_refusal,
)
from digest.state import State
from digest.types import Problem, RawDocument

WHEN = datetime(2024, 11, 4, 8, 30, tzinfo=UTC)
LONG = " ".join(["The council met on Monday to discuss the closure of the Ostrander Bridge."] * 8)


@pytest.fixture
def server():
    with FixtureServer() as s:
        s.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        yield s


@pytest.fixture
def fetcher():
    with Fetcher(make_client(timeout=1.0), delay=0.0) as f:
        yield f


def docs_and_problems(items):
    items = list(items)
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Problem)]


def test_rss_full_content_becomes_html_documents_without_fetching_pages(server, fetcher):
    feed = server.add(
        "/feed.xml",
        rss(
            "Corvel Courier",
            server.base,
            [
                {
                    "title": "Bridge shut",
                    "link": server.url("/a/1"),
                    "published": WHEN,
                    "author": "Ana Reyes",
                    "summary": "Short blurb.",
                    "content": f"<p>{LONG}</p>",
                },
            ],
        ),
        "application/rss+xml",
    )
    docs, problems = docs_and_problems(ingest_url(feed, fetcher=fetcher))
    assert problems == []
    [doc] = docs
    assert doc.shape == "html" and doc.origin == server.url("/a/1")
    assert b"Ostrander Bridge" in doc.content and b"<title>Bridge shut</title>" in doc.content
    assert b'<meta property="og:site_name" content="Corvel Courier">' in doc.content
    assert doc.hints == {
        "outlet": "Corvel Courier",
        "title": "Bridge shut",
        "url": server.url("/a/1"),
        "published": "2024-11-04T08:30:00+00:00",
        "author": "Ana Reyes",
        "excerpt": "Short blurb.",
    }
    assert server.hits("/a/1") == []  # the full text was in the feed


def test_blurb_entries_fetch_the_article_page_and_respect_robots(server, fetcher):
    paras = seed_paragraphs("003")
    server.add(
        "/news/eu-korea", article_page("EU and South Korea condemn arms supply", paras, published=WHEN, outlet="Wire")
    )
    server.add("/private/secret", article_page("Hidden", paras, published=WHEN, outlet="Wire"))
    feed = server.add(
        "/atom.xml",
        atom(
            "Wire",
            server.base,
            [
                {
                    "title": "EU and South Korea condemn arms supply",
                    "link": server.url("/news/eu-korea"),
                    "published": WHEN,
                    "summary": "The EU and South Korea condemned North Korea.",
                },
                {"title": "Hidden", "link": server.url("/private/secret"), "published": WHEN, "summary": "Blurb."},
                {"title": "Gone", "link": server.url("/news/gone"), "published": WHEN, "summary": "Blurb."},
            ],
        ),
        "application/atom+xml",
    )
    docs, problems = docs_and_problems(ingest_url(feed, fetcher=fetcher))
    [doc] = docs
    assert doc.shape == "html" and doc.origin == server.url("/news/eu-korea")
    assert "Josep Borrell" in doc.content.decode(doc.encoding)
    assert doc.hints["title"] == "EU and South Korea condemn arms supply"
    assert doc.hints["published"] == "2024-11-04T08:30:00+00:00"
    assert {p.origin: p.message for p in problems} == {
        server.url("/private/secret"): "article page disallowed by robots.txt; skipped",
        server.url("/news/gone"): "article page: HTTP 404",
    }
    assert server.hits("/private/secret") == []
    assert len(server.hits("/robots.txt")) == 1  # robots.txt read once per host
    assert all(r.headers["user-agent"] == USER_AGENT for r in server.requests)
    assert USER_AGENT.startswith("digest/") and "(+http" in USER_AGENT


def test_wordpress_rest_posts_are_wordpress_documents(server, fetcher):
    posts = [
        seed_wordpress_post(WHEN),
        wordpress_post(7, "Bridge shut", [LONG], link=server.url("/2024/bridge"), published=WHEN),
    ]
    server.add("/wp-json/wp/v2/posts", json.dumps(posts), "application/json")
    docs, problems = docs_and_problems(wordpress_posts(server.base + "/", fetcher=fetcher))
    assert problems == []
    assert [d.shape for d in docs] == ["wordpress", "wordpress"]
    assert docs[0].origin == "https://www.eunews.it/en/2024/10/28/brussels-and-seoul-tighten-anti-pyongyang-relations/"
    assert json.loads(docs[0].content)["id"] == 400853
    assert docs[0].hints["title"] == "Brussels and Seoul tighten anti-Pyongyang relations"
    assert docs[0].hints["published"] == "2024-11-04T08:30:00+00:00"
    assert docs[1].origin == server.url("/2024/bridge")
    [req] = server.hits("/wp-json/wp/v2/posts")
    assert "per_page=20" in req.path


def test_conditional_get_uses_remembered_etag_and_cached_body(server, fetcher, tmp_path):
    body = rss(
        "Courier",
        server.base,
        [{"title": "Bridge shut", "link": server.url("/a/1"), "published": WHEN, "content": f"<p>{LONG}</p>"}],
    )
    feed = server.add("/feed.xml", body, "application/rss+xml", last_modified=WHEN)
    with State(tmp_path / "state.db") as state:
        first, _ = docs_and_problems(ingest_url(feed, fetcher=fetcher, state=state))
        cache = state.feed_cache(feed)
        assert cache.etag and cache.last_modified == "Mon, 04 Nov 2024 08:30:00 GMT" and cache.body == body.encode()
        second, problems = docs_and_problems(ingest_url(feed, fetcher=fetcher, state=state))
    hits = server.hits("/feed.xml")
    assert [h.status for h in hits] == [200, 304]
    assert hits[1].headers["if-none-match"] == cache.etag
    assert hits[1].headers["if-modified-since"] == cache.last_modified
    assert problems == [] and [d.content for d in second] == [d.content for d in first]


def test_known_article_pages_are_not_fetched_again(server, fetcher, tmp_path):
    from digest.types import Article

    server.add("/a/1", article_page("Bridge shut", [LONG], published=WHEN, outlet="Courier"))
    feed = server.add(
        "/feed.xml", rss("Courier", server.base, [{"title": "Bridge shut", "link": server.url("/a/1"), "summary": "x"}])
    )
    with State(tmp_path / "state.db") as state:
        art = Article(
            "id1", server.url("/a/1"), server.url("/a/1"), None, "Bridge shut", None, None, "en", (LONG,), (LONG,)
        )
        state.record_article(art, source="feed", date="2024-11-04")
        docs, problems = docs_and_problems(ingest_url(feed, fetcher=fetcher, state=state))
    assert docs == [] and problems == [] and server.hits("/a/1") == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_each_broken_source_gives_one_problem_naming_it(server, fetcher):
    good_rss = rss(
        "Courier", server.base, [{"title": "Bridge", "link": server.url("/a/1"), "content": f"<p>{LONG}</p>"}]
    )
    urls = {
        "500": server.add("/500.xml", good_rss, status=500),
        "404": server.url("/missing.xml"),
        "slow": server.add("/slow.xml", good_rss, delay=3.0),
        "broken": server.add("/broken.xml", BROKEN_XML, "application/rss+xml"),
        "bomb": server.add("/bomb.xml", ENTITY_BOMB, "application/rss+xml"),
        "html": server.add(
            "/page.html", article_page("Home", ["Welcome to our site, read the news."], published=WHEN, outlet="X")
        ),
        "dead": f"http://127.0.0.1:{_closed_port()}/feed.xml",
        "wp-html": server.url("/wp-json/wp/v2/posts"),
    }
    server.add("/wp-json/wp/v2/posts", "<html>maintenance</html>")
    started = time.monotonic()
    messages = {}
    for name, url in urls.items():
        docs, problems = docs_and_problems(ingest_url(url, fetcher=fetcher))
        assert docs == [], name
        assert len(problems) == 1 and problems[0].origin == url, name
        messages[name] = problems[0].message
    assert time.monotonic() - started < 10
    assert messages["500"] == "HTTP 500"
    assert messages["404"] == "HTTP 404"
    assert messages["slow"].startswith("timed out")
    assert messages["broken"].startswith("not an RSS/Atom feed")
    assert messages["bomb"].startswith("refused")
    assert messages["html"].startswith("not an RSS/Atom feed")
    assert messages["dead"].startswith("cannot connect")
    assert messages["wp-html"].startswith("not WordPress REST JSON")


def test_malformed_but_readable_feed_is_tolerated(server, fetcher):
    body = rss("Courier", server.base, [{"title": "Bridge", "link": server.url("/a/1"), "content": f"<p>{LONG}</p>"}])
    body = body.replace("<title>Courier</title>", "<title>Courier & Sons</title>")  # a bare "&": not well-formed XML
    feed = server.add("/feed.xml", body, "application/rss+xml")
    docs, problems = docs_and_problems(ingest_url(feed, fetcher=fetcher))
    assert problems == [] and len(docs) == 1 and docs[0].origin == server.url("/a/1")


def test_size_cap_and_xml_guard():
    assert xml_refusal(ENTITY_BOMB.encode()).startswith("refused")
    external = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>'
    assert xml_refusal(external).startswith("refused")
    plain_doctype = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel/></rss>'
    )
    assert xml_refusal(plain_doctype) is None
    assert xml_refusal(BROKEN_XML.encode()) is None  # malformed is feedparser's business, not a safety issue


def test_size_cap(server):
    big = server.add("/big.xml", "<rss>" + "x" * 200_000 + "</rss>", "application/rss+xml")
    import digest.ingest.feeds as feeds

    with Fetcher(make_client(timeout=2.0), delay=0.0) as f:
        old = feeds.MAX_FEED_BYTES
        feeds.MAX_FEED_BYTES = 100_000
        try:
            [problem] = list(ingest_url(big, fetcher=f))
        finally:
            feeds.MAX_FEED_BYTES = old
    assert problem.origin == big and "cap" in problem.message


def test_politeness_delay_spaces_requests_to_one_host(server):
    for i in range(3):
        server.add(f"/a/{i}", article_page(f"Story {i}", [LONG], published=WHEN, outlet="Courier"))
    feed = server.add(
        "/feed.xml",
        rss(
            "Courier",
            server.base,
            [{"title": f"Story {i}", "link": server.url(f"/a/{i}"), "summary": "x"} for i in range(3)],
        ),
    )
    with Fetcher(make_client(timeout=2.0), delay=0.25) as f:
        started = time.monotonic()
        docs, problems = docs_and_problems(ingest_url(feed, fetcher=f))
        elapsed = time.monotonic() - started
    assert len(docs) == 3 and problems == []
    assert [d.hints["title"] for d in docs] == ["Story 0", "Story 1", "Story 2"]  # feed order kept
    # feed, robots.txt and three pages: five requests to one host, at least 0.25 s apart
    assert elapsed >= 4 * 0.25


def test_read_opml(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>'
        '<outline text="News"><outline text="A" type="rss" xmlUrl="https://a.example/feed"/>'
        '<outline text="B" xmlUrl="https://b.example/atom.xml"/></outline>'
        '<outline text="A again" xmlUrl="https://a.example/feed"/><outline text="folder only"/></body></opml>'
    )
    assert read_opml(opml) == ["https://a.example/feed", "https://b.example/atom.xml"]
    bomb = tmp_path / "bomb.opml"
    bomb.write_text(ENTITY_BOMB)
    with pytest.raises(OPMLError, match="bomb.opml: refused"):
        read_opml(bomb)
    with pytest.raises(OPMLError, match="no such OPML file"):
        read_opml(tmp_path / "missing.opml")
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline")
    with pytest.raises(OPMLError, match="broken.opml: not a readable OPML file"):
        read_opml(broken)


def test_entries_older_than_not_before_are_skipped_without_fetching(server, fetcher):
    from datetime import timedelta

    server.add("/a/old", article_page("Old", [LONG], published=WHEN, outlet="Courier"))
    server.add("/a/new", article_page("New", [LONG], published=WHEN, outlet="Courier"))
    feed = server.add(
        "/feed.xml",
        rss(
            "Courier",
            server.base,
            [
                {"title": "Old", "link": server.url("/a/old"), "summary": "x", "published": WHEN - timedelta(days=3)},
                {"title": "New", "link": server.url("/a/new"), "summary": "x", "published": WHEN},
            ],
        ),
    )
    docs, problems = docs_and_problems(ingest_url(feed, fetcher=fetcher, not_before=WHEN - timedelta(days=1)))
    assert [d.origin for d in docs] == [server.url("/a/new")] and problems == []
    assert server.hits("/a/old") == []


def test_wordpress_pages_while_they_come_back_full(server, fetcher):
    def page(first: int, n: int) -> str:
        return json.dumps(
            [
                wordpress_post(
                    first + i, f"Post {first + i}", [LONG], link=server.url(f"/p/{first + i}"), published=WHEN
                )
                for i in range(n)
            ]
        )

    base = "/wp-json/wp/v2/posts"
    server.add(base, page(1, 2), "application/json")  # page 1: full (per_page=2)
    server.add(f"{base}?per_page=2&page=2", page(3, 2), "application/json")  # full again
    server.add(f"{base}?per_page=2&page=3", page(5, 1), "application/json")  # the last, short page
    docs, problems = docs_and_problems(wordpress_posts(server.base, fetcher=fetcher, per_page=2))
    assert problems == [] and [json.loads(d.content)["id"] for d in docs] == [1, 2, 3, 4, 5]
    assert not server.hits(f"{base}?per_page=2&page=4")  # a short page is the last one

    # Past the last page WordPress answers 400: the end, not a problem. max_pages bounds the walk.
    server.add(
        f"{base}?per_page=2&page=3", b'{"code": "rest_post_invalid_page_number"}', "application/json", status=400
    )
    docs, problems = docs_and_problems(wordpress_posts(server.base, fetcher=fetcher, per_page=2))
    assert problems == [] and len(docs) == 4
    docs, problems = docs_and_problems(wordpress_posts(server.base, fetcher=fetcher, per_page=2, max_pages=1))
    assert problems == [] and len(docs) == 2

"""The fetch policy against two real servers on 127.0.0.1 (two ports): SSRF, redirects, deadlines, robots.txt.

Server A is the source the user names; server B plays an internal service
("token=hunter2") that links in A's content must never reach.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime

import pytest
from fixtures_server import ENTITY_BOMB, FixtureServer, article_page, rss

from digest.ingest import ingest
from digest.ingest.feeds import ingest_opml, ingest_url, parse_feed, xml_refusal
from digest.ingest.fetch import Fetcher, FetchError, Refused, address_kind, make_client
from digest.types import Problem, RawDocument

WHEN = datetime(2024, 11, 4, 8, 30, tzinfo=UTC)
LONG = " ".join(["The council met on Monday to discuss the closure of the Ostrander Bridge."] * 8)
SECRET = "token=hunter2"


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Problem)]


@pytest.fixture
def two():
    """(A, B): the named source and the internal service, each on its own port of 127.0.0.1."""
    with FixtureServer() as a, FixtureServer() as b:
        a.add("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain")
        b.add("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain")
        b.add("/secret", f"<html><body><article><p>{SECRET} {LONG}</p></article></body></html>")
        b.add("/feed.xml", rss("Internal", b.base, [{"title": "x", "link": b.url("/secret"), "summary": "x"}]))
        yield a, b


def fetcher(**kw) -> Fetcher:
    return Fetcher(make_client(timeout=2.0), delay=0.0, **kw)


def test_links_in_a_feed_reach_only_the_named_origin_or_public_hosts(two, monkeypatch):
    a, b = two
    real = socket.getaddrinfo

    def fake_dns(host, *args, **kw):  # a public-looking name that resolves to loopback
        return real("127.0.0.1" if host == "news.example" else host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    a.add("/ok", article_page("Bridge shut", [LONG], published=WHEN, outlet="Courier"))
    port_b = b.base.rsplit(":", 1)[1]
    links = {
        "same origin": a.url("/ok"),
        "other port": b.url("/secret"),
        "localhost name": f"http://localhost:{port_b}/secret",
        "name resolving to loopback": f"http://news.example:{port_b}/secret",
        "private literal": "http://10.0.0.7/admin",
        "link-local metadata": "http://169.254.169.254/latest/meta-data/",
        "ipv6 loopback": f"http://[::1]:{port_b}/secret",
        "file": "file:///etc/passwd",
        "gopher": "gopher://127.0.0.1:70/",
    }
    items = [{"title": name, "link": link, "published": WHEN, "summary": "blurb"} for name, link in links.items()]
    feed = a.add("/feed.xml", rss("Courier", a.base, items), "application/rss+xml")
    with fetcher() as f:
        docs, problems = split(ingest_url(feed, fetcher=f))
    assert [d.origin for d in docs] == [a.url("/ok")]
    assert all(SECRET.encode() not in d.content for d in docs)
    refused = {p.origin.replace("file:///", "file://"): p.message for p in problems}
    assert set(refused) == {u.replace("file:///", "file://") for u in links.values()} - {a.url("/ok")}
    assert "loopback address" in refused[b.url("/secret")] and "did not name" in refused[b.url("/secret")]
    assert "news.example (127.0.0.1) is a loopback address" in refused[f"http://news.example:{port_b}/secret"]
    assert "private address" in refused["http://10.0.0.7/admin"]
    assert "link-local address" in refused["http://169.254.169.254/latest/meta-data/"]
    assert "only http and https" in refused["file://etc/passwd"]
    assert all("\n" not in m for m in refused.values())
    assert "/secret" not in b.arrived and "/robots.txt" not in b.arrived  # B was never even asked


def test_every_redirect_hop_is_checked(two):
    a, b = two
    a.add("/ok", article_page("Bridge shut", [LONG], published=WHEN, outlet="Courier"))
    from fixtures_server import Route

    a.routes["/to-b"] = Route(b"", status=302)
    a.routes["/to-ok"] = Route(b"", status=301)
    a.routes["/feed-moved"] = Route(b"", status=307)
    # FixtureServer sends no Location header itself: add one per route through a tiny subclass of its handler
    locations = {"/to-b": b.url("/secret"), "/to-ok": "/ok", "/feed-moved": b.url("/feed.xml")}
    _add_locations(a, locations)
    items = [
        {"title": "redirected inside A", "link": a.url("/to-ok"), "published": WHEN, "summary": "x"},
        {"title": "redirected to B", "link": a.url("/to-b"), "published": WHEN, "summary": "x"},
    ]
    feed = a.add("/feed.xml", rss("Courier", a.base, items), "application/rss+xml")
    with fetcher() as f:
        docs, problems = split(ingest_url(feed, fetcher=f))
        assert [d.origin for d in docs] == [a.url("/to-ok")]
        [p] = problems
        assert p.origin == a.url("/to-b") and "loopback" in p.message and b.url("/secret") in p.message
        # the named feed URL itself redirecting to an internal host
        docs, [p] = split(ingest_url(a.url("/feed-moved"), fetcher=f))
        assert docs == [] and "redirected to " + b.url("/feed.xml") in p.message
    assert "/secret" not in b.arrived and "/feed.xml" not in b.arrived


def _add_locations(server: FixtureServer, locations: dict[str, str]) -> None:
    handler = server._httpd.RequestHandlerClass
    send_header = handler.send_header

    def with_location(self, key, value):
        send_header(self, key, value)
        if key == "Content-Type" and self.path in locations:
            send_header(self, "Location", locations[self.path])

    handler.send_header = with_location


def test_a_host_the_user_names_may_be_private(two):
    _, b = two
    with fetcher() as f:
        docs, problems = split(ingest_url(b.url("/feed.xml"), fetcher=f))
    assert problems == [] and [d.origin for d in docs] == [b.url("/secret")]


def test_feeds_listed_in_opml_are_links_not_names(two, tmp_path):
    a, b = two
    ok = a.add("/feed.xml", rss("Courier", a.base, [{"title": "t", "content": f"<p>{LONG}</p>"}]))
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        f'<outline xmlUrl="{b.url("/feed.xml")}"/><outline xmlUrl="file:///etc/passwd"/>'
        f'<outline xmlUrl="{ok}"/></body></opml>'
    )
    # `digest brief subs.opml`: nothing in the OPML is named, so no loopback feed at all;
    # `daily` with A named as another source: A's feed is read, B's is not.
    for items, named in ((ingest([opml]), False), (ingest_opml(opml, fetcher=fetcher(named=[ok])), True)):
        docs, problems = split(items)
        refused = {p.origin: p.message for p in problems}
        assert set(refused) == {b.url("/feed.xml"), "file:///etc/passwd"} | (set() if named else {ok})
        assert "only http(s) feeds are read from an OPML file" in refused["file:///etc/passwd"]
        assert "loopback" in refused[b.url("/feed.xml")]
        assert len(docs) == (1 if named else 0) and all(b"root:" not in d.content for d in docs)
    assert "/feed.xml" not in b.arrived


def test_address_kinds():
    kinds = {
        "8.8.8.8": None,
        "2a00:1450:4001:80b::200e": None,
        "127.0.0.1": "loopback",
        "127.9.9.9": "loopback",
        "::1": "loopback",
        "::ffff:127.0.0.1": "loopback",
        "10.1.2.3": "private",
        "192.168.1.1": "private",
        "172.16.0.1": "private",
        "fd00::1": "private",
        "169.254.169.254": "link-local",
        "fe80::1": "link-local",
        "224.0.0.1": "multicast",
        "ff02::1": "multicast",
        "0.0.0.0": "unspecified",
        "100.64.0.1": "reserved",  # carrier-grade NAT: not on the public internet
        "2002:7f00:1::": "loopback",  # 6to4 wrapping 127.0.0.1
    }
    assert {ip: address_kind(ip) for ip in kinds} == kinds


def test_a_name_resolving_to_public_and_private_addresses_is_refused(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ],
    )
    with fetcher() as f, pytest.raises(Refused, match=r"mixed\.example \(127\.0\.0\.1\) is a loopback address"):
        f.get("http://mixed.example/feed")


# ---------------------------------------------------------------- deadlines


class DripServer:
    """Answers every connection with a trickle: one byte every `every` seconds, forever.

    `headers=False` drips the status line and headers too (the client never gets
    to see a response object); otherwise the headers come at once and the body drips.
    """

    def __init__(self, every: float = 0.2, headers: bool = False):
        self.every, self.headers = every, headers
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.xml"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n"
        body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>' + b" " * 10**6) * 100
        data = head + body if self.headers else body
        try:
            conn.recv(65536)
            if not self.headers:
                conn.sendall(head)
            for i in range(len(data)):
                if self.stop.wait(self.every):
                    break
                conn.sendall(data[i : i + 1])
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.mark.parametrize("headers", [False, True], ids=["body-drips", "headers-drip"])
def test_a_slow_drip_is_given_up_within_the_request_deadline(headers):
    drip = DripServer(every=0.2, headers=headers)
    try:
        with Fetcher(make_client(timeout=5.0), delay=0.0, named=[drip.url], request_seconds=1.5) as f:
            started = time.monotonic()
            with pytest.raises(FetchError, match=r"no complete answer within 1\.5 s"):
                f.get(drip.url)
            took = time.monotonic() - started
    finally:
        drip.close()
    # each byte restarts a read timeout of 5 s, yet the request ends at its deadline
    assert 1.4 <= took < 2.5, took


def test_the_run_deadline_bounds_all_fetching(two):
    a, _ = two
    drip = DripServer(every=0.2)
    try:
        ok = a.add("/feed.xml", rss("Courier", a.base, [{"title": "t", "content": f"<p>{LONG}</p>"}]))
        with Fetcher(make_client(timeout=5.0), delay=0.0, request_seconds=30, run_seconds=1.0) as f:
            f.name(drip.url)
            started = time.monotonic()
            [p] = list(ingest_url(drip.url, fetcher=f))
            assert "the run's 1 s fetch deadline passed" in p.message
            [p] = list(ingest_url(ok, fetcher=f))  # once the run's time is up, nothing more is fetched
            assert "deadline has passed" in p.message
            assert time.monotonic() - started < 2.0
    finally:
        drip.close()


# ---------------------------------------------------------------- robots.txt


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(404, True), (410, True), (401, False), (403, False), (400, False), (429, False), (500, False)],
)
def test_robots_txt_answers(status, allowed):
    with FixtureServer() as s:
        s.add("/robots.txt", "nope", "text/plain", status=status)
        with fetcher(named=[s.base]) as f:
            assert f.allowed(s.url("/news/1")) is allowed


def test_robots_txt_of_a_refused_host_is_never_fetched(two):
    _, b = two
    with fetcher() as f, pytest.raises(Refused):
        f.allowed(b.url("/secret"))
    assert b.arrived == []


# ---------------------------------------------------------------- XML in encodings that hide an entity declaration


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037", "cp500"])
def test_entity_declarations_are_found_in_any_encoding(encoding):
    text = ENTITY_BOMB.replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>')
    boms = [b""] if encoding.startswith("cp") else [b"", "\ufeff".encode(encoding)]
    for bom in boms:
        body = bom + text.encode(encoding)
        assert (xml_refusal(body) or "").startswith("refused"), (encoding, bom)
        [p] = list(parse_feed("saved.xml", body))
        assert p.message.startswith("refused")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "cp037", "iso-8859-1"])
def test_a_good_feed_in_another_encoding_is_read(encoding):
    body = rss("Corvel Courier", "https://x.example/", [{"title": "Brücke gesperrt", "content": f"<p>{LONG}</p>"}])
    body = body.replace('encoding="UTF-8"', f'encoding="{encoding}"').encode(encoding)
    [doc] = list(parse_feed("saved.xml", body))
    assert isinstance(doc, RawDocument) and doc.hints["title"] == "Brücke gesperrt"


def test_xml_that_declares_an_encoding_it_is_not_in_is_refused():
    body = b'<?xml version="1.0" encoding="utf-16"?><rss><channel><title>x</title></channel></rss>'
    assert "cannot be checked" in (xml_refusal(body) or "")

"""A real HTTP server on 127.0.0.1 for feed tests, and builders for what it serves.

`FixtureServer` serves fixed routes (status, headers, body, optional delay) in
threads, answers conditional GETs from the ETag/Last-Modified it sends, and
logs every request so tests can check headers (User-Agent, If-None-Match).
The builders write RSS 2.0, Atom, WordPress REST JSON and article pages the
way real sites do (navigation, footer and all), from plain dicts.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (slow or hanging sources)
    etag: bool = True  # send an ETag and honour If-None-Match
    last_modified: datetime | None = None


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class FixtureServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)  # answered requests
    arrived: list[str] = field(default_factory=list)  # paths of requests as they arrive, answered or not

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def handle(self) -> None:
                # a client that hung up: nothing to answer
                with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                    super().handle()

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                route = server.routes.get(self.path) or server.routes.get(path)  # a query may have its own route
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.arrived.append(path)
                if route is None:
                    status, body, extra, ctype = 404, b"not found", {}, "text/plain"
                else:
                    if route.delay and server._stop.wait(route.delay):
                        return
                    status, body, ctype = route.status, route.body, route.content_type
                    extra = {}
                    if route.etag and status == 200:
                        tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                        extra["ETag"] = tag
                        if headers.get("if-none-match") == tag:
                            status, body = 304, b""
                    if route.last_modified is not None and status in (200, 304):
                        extra["Last-Modified"] = format_datetime(route.last_modified, usegmt=True)
                with server._lock:
                    server.requests.append(Request(self.path, headers, status))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in extra.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **kw) -> str:
        self.routes[path] = Route(body.encode("utf-8") if isinstance(body, str) else body, content_type, **kw)
        return self.url(path)

    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if urlsplit(r.path).path == path]


# ---------------------------------------------------------------- builders


def rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def rss(title: str, link: str, items: list[dict]) -> str:
    """RSS 2.0. Item keys: title, link, published (datetime), author, summary, content (full HTML)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f"<channel><title>{html.escape(title)}</title><link>{html.escape(link)}</link>",
        "<description>News</description>",
    ]
    for it in items:
        out.append("<item>")
        out.append(f"<title>{html.escape(it['title'])}</title>")
        if it.get("link"):
            out.append(f"<link>{html.escape(it['link'])}</link><guid>{html.escape(it['link'])}</guid>")
        if it.get("published"):
            out.append(f"<pubDate>{rfc822(it['published'])}</pubDate>")
        if it.get("author"):
            out.append(f"<dc:creator>{html.escape(it['author'])}</dc:creator>")
        if it.get("summary"):
            out.append(f"<description>{html.escape(it['summary'])}</description>")
        if it.get("content"):
            out.append(f"<content:encoded><![CDATA[{it['content']}]]></content:encoded>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out) + "\n"


def atom(title: str, link: str, entries: list[dict]) -> str:
    """Atom 1.0; same entry keys as `rss`."""
    updated = max((e["published"] for e in entries if e.get("published")), default=datetime(2024, 1, 1, tzinfo=UTC))
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{html.escape(title)}</title><id>{html.escape(link)}</id>",
        f'<link href="{html.escape(link)}"/><updated>{updated.isoformat()}</updated>',
    ]
    for e in entries:
        out.append("<entry>")
        out.append(f"<title>{html.escape(e['title'])}</title>")
        out.append(f"<id>{html.escape(e.get('link') or e['title'])}</id>")
        if e.get("link"):
            out.append(f'<link rel="alternate" href="{html.escape(e["link"])}"/>')
        if e.get("published"):
            out.append(
                f"<published>{e['published'].isoformat()}</published><updated>{e['published'].isoformat()}</updated>"
            )
        if e.get("author"):
            out.append(f"<author><name>{html.escape(e['author'])}</name></author>")
        if e.get("summary"):
            out.append(f"<summary>{html.escape(e['summary'])}</summary>")
        if e.get("content"):
            out.append(f'<content type="html">{html.escape(e["content"])}</content>')
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def paragraphs_html(paragraphs: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def article_page(
    title: str, paragraphs: list[str], *, published: datetime, outlet: str, author: str | None = None
) -> str:
    """An article page with the usual chrome around the report."""
    byline = f'<p class="byline">By <a rel="author" href="/authors/x">{html.escape(author)}</a></p>' if author else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(outlet)}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{html.escape(outlet)}">
<meta property="article:published_time" content="{published.isoformat()}">
{f'<meta name="author" content="{html.escape(author)}">' if author else ""}
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/world">World</a></li><li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
{byline}
<time datetime="{published.isoformat()}">{published:%d %B %Y}</time>
{paragraphs_html(paragraphs)}
</article>
<aside><h2>Related posts</h2><ul><li><a href="/other">Ten recipes for a rainy weekend</a></li></ul></aside>
</main>
<footer><p>&copy; 2024 {html.escape(outlet)}. All rights reserved.</p><p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>
</body></html>
"""


def wordpress_post(post_id: int, title: str, paragraphs: list[str], *, link: str, published: datetime) -> dict:
    """A post as GET /wp-json/wp/v2/posts returns it."""
    naive = published.astimezone(UTC).replace(tzinfo=None).isoformat()
    body = paragraphs_html(paragraphs)
    return {
        "id": post_id,
        "date": naive,
        "date_gmt": naive,
        "guid": {"rendered": link},
        "modified": naive,
        "modified_gmt": naive,
        "slug": link.rstrip("/").rsplit("/", 1)[-1],
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": html.escape(title)},
        "content": {"rendered": body, "protected": False},
        "excerpt": {"rendered": f"<p>{html.escape(paragraphs[0][:150])}</p>", "protected": False},
        "author": 3,
    }


def seed_wordpress_post(published: datetime) -> dict:
    """Seed 000 (a real WordPress REST post), dated for the test's day."""
    post = json.loads((SEEDS / "000_3341e66f75f9da99.txt").read_text(encoding="utf-8"))
    naive = published.astimezone(UTC).replace(tzinfo=None).isoformat()
    for key in ("date", "date_gmt", "modified", "modified_gmt"):
        post[key] = naive
    return post


def seed_paragraphs(name: str) -> list[str]:
    """The report paragraphs of a plain-text seed (blank-line or line separated)."""
    text = next(SEEDS.glob(name + "*")).read_text(encoding="utf-8")
    return [" ".join(p.split()) for p in text.splitlines() if len(p.split()) >= 8]


ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://127.0.0.1/x</link><description>&lol9;</description></item>
</channel></rss>
"""

# Not XML at all, though served as a feed: feedparser cannot find any entry in it.
BROKEN_XML = '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken</title>\n<<item <<>> & </chan\x01nel'


# ---------------------------------------------------------------- a small news world over two days
#
# Synthetic stories (invented places and people) plus the seeds' real story.
# Day 1: the Ostrander Bridge closure (three outlets) and the EU-South Korea
# dialogue (seeds). Day 2: the bridge story continues with new facts (two
# outlets), and a new story, the Velmor hazelnut harvest, appears (two outlets).

DAY1 = datetime(2024, 11, 4, tzinfo=UTC)
DAY2 = datetime(2024, 11, 5, tzinfo=UTC)


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute)


BRIDGE_DAY1 = [
    {
        "outlet": "Corvel Courier",
        "path": "/courier/2024/11/04/ostrander-bridge-closed",
        "author": "Ana Reyes",
        "title": "Corvel shuts Ostrander Bridge after inspectors find cracked cables",
        "paragraphs": [
            "The city of Corvel closed the Ostrander Bridge to all traffic on Monday after inspectors found cracks in three of its 64 suspension cables.",
            "Engineers from Halvorsen Engineering discovered the damage during a routine inspection on Sunday night, according to Mayor Lidia Sorensen.",
            "About 38,000 vehicles cross the bridge on a normal weekday, making it the busiest crossing of the Vell river.",
            "Mayor Sorensen said the bridge would remain closed until engineers could say it was safe, and that no date for reopening had been set.",
            "The harbour ferry will run every ten minutes instead of every twenty while the bridge is shut, the city transport office said.",
        ],
    },
    {
        "outlet": "Harbour Gazette",
        "path": "/gazette/ostrander-bridge-closure",
        "author": "Tomas Keel",
        "title": "Ostrander Bridge closed indefinitely as cable damage is found",
        "paragraphs": [
            "Corvel's Ostrander Bridge was closed indefinitely on Monday morning after a Halvorsen Engineering inspection revealed cracked suspension cables.",
            "Three cables out of 64 showed cracks and corrosion, Mayor Lidia Sorensen told reporters at city hall.",
            "Drivers face a detour via Route 9 that adds around 25 minutes to the journey across the Vell river.",
            "The bridge normally carries some 38,000 vehicles a day, and traffic queues stretched through the old town by mid-morning.",
            "Opposition councillor Piet Arendt called for an emergency council session to approve money for repairs.",
        ],
    },
    {
        "outlet": "Vell Valley News",
        "path": "/2024/11/04/bridge-shut/",
        "author": "Mira Lund",
        "title": "Cracked cables force closure of Corvel's Ostrander Bridge",
        "paragraphs": [
            "Inspectors working for Halvorsen Engineering found cracks in three suspension cables of the Ostrander Bridge in Corvel, and the city closed the bridge on Monday.",
            "Mayor Lidia Sorensen said public safety came first and that the closure would last until repairs were complete.",
            "The crossing, used by about 38,000 vehicles each weekday, links the harbour district with the north bank of the Vell river.",
            "Commuters were advised to use the harbour ferry or the Route 9 detour, which adds roughly 25 minutes.",
        ],
    },
]

BRIDGE_DAY2 = [
    {
        "outlet": "Corvel Courier",
        "path": "/courier/2024/11/05/ostrander-repair-approved",
        "author": "Ana Reyes",
        "title": "Council approves 4.2 million euro repair of Ostrander Bridge",
        "paragraphs": [
            "Corvel city council voted 9 to 2 on Tuesday evening to spend 4.2 million euros on replacing the damaged cables of the Ostrander Bridge.",
            "The contract goes to Brannock Steel, which will begin work on Thursday and expects the bridge to stay shut for at least six weeks.",
            "A temporary bus lane will be painted on the Route 9 detour from Wednesday to keep buses running on time, the transport office announced.",
            "Councillor Piet Arendt, who had demanded the emergency session, voted in favour of the repair plan.",
        ],
    },
    {
        "outlet": "Harbour Gazette",
        "path": "/gazette/ostrander-repair-vote",
        "author": "Tomas Keel",
        "title": "Ostrander Bridge to stay shut for six weeks as council backs repairs",
        "paragraphs": [
            "The Ostrander Bridge will remain closed for at least six weeks after Corvel council on Tuesday approved a 4.2 million euro repair by Brannock Steel.",
            "Nine councillors voted for the plan and two against it at an emergency session that lasted almost four hours.",
            "Brannock Steel crews will start replacing cables on Thursday, a company spokesperson said.",
            "Buses will get their own lane on the Route 9 detour from Wednesday, according to the city transport office.",
        ],
    },
]

HAZELNUT_DAY2 = [
    {
        "outlet": "Corvel Courier",
        "path": "/courier/2024/11/05/velmor-hazelnut-harvest",
        "author": "Jonas Berg",
        "title": "Dry summer cuts Velmor hazelnut harvest by 40 percent",
        "paragraphs": [
            "Hazelnut growers in the Velmor valley harvested 40 percent fewer nuts this autumn than last year after the driest summer in three decades.",
            "The Velmor Growers Cooperative, which represents about 1,200 farms, said wholesale prices had risen to 9.50 euros per kilo.",
            "Cooperative chair Elena Marsh said many young orchards had lost trees and would need years to recover.",
            "The regional agriculture office is preparing an emergency fund for growers who lost more than half of their crop.",
        ],
    },
    {
        "outlet": "Vell Valley News",
        "path": "/2024/11/05/hazelnut-harvest-drought/",
        "author": "Mira Lund",
        "title": "Drought leaves Velmor hazelnut growers with smallest harvest in decades",
        "paragraphs": [
            "The Velmor valley hazelnut harvest fell by about 40 percent this year, the Velmor Growers Cooperative said on Tuesday, blaming the summer drought.",
            "Elena Marsh, who chairs the cooperative of roughly 1,200 farms, said wholesale prices had climbed to 9.50 euros a kilo.",
            "Growers who lost more than half of their crop will be able to apply to an emergency fund being prepared by the regional agriculture office.",
            "Some orchards planted in the last five years lost a third of their trees, Marsh said.",
        ],
    },
]

EU_KOREA_DAY1_ATOM = {
    "outlet": "Diplomatic Wire",
    "path": "/wire/eu-korea-strategic-dialogue",
    "title": "EU and South Korea condemn North Korean arms supply to Russia",
    "seed": "003",
}
EU_KOREA_DAY1_RSS = {
    "outlet": "Corvel Courier",
    "path": "/courier/2024/11/04/borrell-seoul",
    "title": "Borrell meets South Korean ministers in Seoul",
    "seed": "004",
}


def serve_day(server: FixtureServer, day: int) -> dict[str, str]:
    """Put up the feeds as they look on day 1 or day 2; returns the config's source URLs.

    - Corvel Courier: RSS with blurbs only (article pages are fetched);
    - Harbour Gazette: RSS with full text (content:encoded);
    - Diplomatic Wire: Atom with full text;
    - Vell Valley News: a WordPress site (REST API), day 1 also carries seed 000.
    Day 2 feeds still list day 1's items, as real feeds do.
    """

    def when(i: int, d: int) -> datetime:
        return _at(DAY1 if d == 1 else DAY2, 7 + i, 15)

    courier, gazette, wire, valley = [], [], [], []
    items = [(1, BRIDGE_DAY1)] + ([(2, BRIDGE_DAY2), (2, HAZELNUT_DAY2)] if day >= 2 else [])
    for d, group in items:
        for i, a in enumerate(group):
            published = when(i, d)
            entry = {"title": a["title"], "link": server.url(a["path"]), "published": published, "author": a["author"]}
            if a["outlet"] == "Corvel Courier":
                server.add(
                    a["path"],
                    article_page(
                        a["title"], a["paragraphs"], published=published, outlet=a["outlet"], author=a["author"]
                    ),
                )
                courier.append({**entry, "summary": a["paragraphs"][0][:120] + "..."})
            elif a["outlet"] == "Harbour Gazette":
                gazette.append(
                    {**entry, "summary": a["paragraphs"][0][:120], "content": paragraphs_html(a["paragraphs"])}
                )
            else:
                valley.append(
                    wordpress_post(
                        100 + len(valley), a["title"], a["paragraphs"], link=server.url(a["path"]), published=published
                    )
                )
    # The seeds' story, on day 1.
    seed_time = _at(DAY1, 9, 40)
    wire.append(
        {
            "title": EU_KOREA_DAY1_ATOM["title"],
            "link": server.url(EU_KOREA_DAY1_ATOM["path"]),
            "published": seed_time,
            "content": paragraphs_html(seed_paragraphs(EU_KOREA_DAY1_ATOM["seed"])),
        }
    )
    a = EU_KOREA_DAY1_RSS
    server.add(a["path"], article_page(a["title"], seed_paragraphs(a["seed"]), published=seed_time, outlet=a["outlet"]))
    courier.append(
        {
            "title": a["title"],
            "link": server.url(a["path"]),
            "published": seed_time,
            "summary": "Josep Borrell held talks in Seoul.",
        }
    )
    valley.insert(0, seed_wordpress_post(_at(DAY1, 6, 5)))

    newest_first = lambda xs: sorted(xs, key=lambda e: e["published"], reverse=True)
    server.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    return {
        "courier": server.add(
            "/courier/feed.xml",
            rss("Corvel Courier", server.url("/courier/"), newest_first(courier)),
            "application/rss+xml",
        ),
        "gazette": server.add(
            "/gazette/rss",
            rss("Harbour Gazette", server.url("/gazette/"), newest_first(gazette)),
            "application/rss+xml",
        ),
        "wire": server.add(
            "/wire/atom.xml", atom("Diplomatic Wire", server.url("/wire/"), wire), "application/atom+xml"
        ),
        "valley": (server.add("/wp-json/wp/v2/posts", json.dumps(valley[::-1]), "application/json"), server.base)[1],
    }

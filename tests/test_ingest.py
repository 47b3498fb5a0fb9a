"""Ingest: shapes detected from content, folders, gzip, JSON records, encodings, feeds hand-off."""

from __future__ import annotations

import gzip
import json
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.ingest import documents_from_bytes, ingest
from digest.ingest.detect import detect_text_shape, looks_like_html, page_signs
from digest.types import Problem, RawDocument

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WP_SEED = SEEDS / "000_3341e66f75f9da99.txt"


def docs(sources, **kw) -> list[RawDocument]:
    out = list(ingest(sources, **kw))
    problems = [o for o in out if isinstance(o, Problem)]
    assert not problems, problems
    return out


# ---------------------------------------------------------------- the five seeds


def test_seed_shapes_are_detected_from_content():
    got = {Path(d.origin).name[:3]: d.shape for d in docs([SEEDS])}
    assert got == {"000": "wordpress", "001": "scraped", "002": "text", "003": "text", "004": "text"}


def test_seed_bytes_are_kept_raw():
    for d in docs([SEEDS]):
        assert d.content == Path(d.origin).read_bytes()
        assert d.encoding == "utf-8"
        assert d.fetched_at.tzinfo is not None


def test_wordpress_seed_hints():
    (d,) = docs([WP_SEED])
    assert d.origin == str(WP_SEED)
    assert d.hints["title"] == "Brussels and Seoul tighten anti-Pyongyang relations"
    assert d.hints["url"] == "https://www.eunews.it/en/2024/10/28/brussels-and-seoul-tighten-anti-pyongyang-relations/"
    assert d.hints["published"] == "2024-10-28T16:20:29+00:00"  # date_gmt, marked as UTC
    assert d.hints["excerpt"].startswith("Intensifying military cooperation")
    assert "&#8217;" not in d.hints["excerpt"] and "<p>" not in d.hints["excerpt"]
    assert "author" not in d.hints  # the post gives only a numeric author id


def test_scraped_and_plain_text_scores_are_far_apart():
    scraped = page_signs((SEEDS / "001_78cc64cfcb4bb637.txt").read_text())
    assert scraped.menu > 100 and scraped.repeats > 50 and scraped.chrome >= 5 and scraped.tags >= 1
    for name in ("002_2b6e2ae051140070.txt", "003_80dbcb910e020fd0.txt", "004_888711acdc38536e.txt"):
        assert page_signs((SEEDS / name).read_text()).score < 0.1 < 1.0 < scraped.score


# ---------------------------------------------------------------- folders and gzip


def test_folder_is_walked_recursively_in_sorted_order_skipping_hidden(tmp_path):
    text = (SEEDS / "003_80dbcb910e020fd0.txt").read_bytes()
    for rel in ["b.txt", "a/z.txt", "a/deeper/m.txt", "c/x.txt", ".hidden/secret.txt", "a/.dotfile.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text)
    got = [Path(d.origin).relative_to(tmp_path).as_posix() for d in docs([tmp_path])]
    assert got == ["a/deeper/m.txt", "a/z.txt", "b.txt", "c/x.txt"]
    assert got == [Path(d.origin).relative_to(tmp_path).as_posix() for d in docs([tmp_path])]


def test_sources_keep_their_order_and_accept_pathlike_and_str(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Second article text. It has a sentence or two.\n")
    b.write_text("First article text. It has a sentence or two.\n")
    assert [d.origin for d in docs([b, str(a)])] == [str(b), str(a)]


def test_gzip_is_decompressed_and_its_content_decides(tmp_path):
    plain = (SEEDS / "003_80dbcb910e020fd0.txt").read_bytes()
    wp = WP_SEED.read_bytes()
    (tmp_path / "article.gz").write_bytes(gzip.compress(plain))
    (tmp_path / "post.html.gz").write_bytes(gzip.compress(wp))  # the inner name says html; it is WordPress JSON
    (tmp_path / "no-suffix").write_bytes(gzip.compress(plain))  # gzip found by magic bytes, not by name
    got = {Path(d.origin).name: d for d in docs([tmp_path])}
    assert got["article.gz"].content == plain and got["article.gz"].shape == "text"
    assert got["post.html.gz"].shape == "wordpress" and got["post.html.gz"].content == wp
    assert got["no-suffix"].content == plain


# ---------------------------------------------------------------- JSON and JSON Lines


def _records():
    return [
        {
            "title": f"Story {i}",
            "maintext": f"Body of story {i}. It reports what happened on day {i}.",
            "url": f"https://news.example/{i}",
            "date_publish": f"2024-11-0{i} 10:00:00",
            "source_domain": "news.example",
            "authors": ["Ann Lee", "Bo Kim"],
            "language": "en",
            "id": i,
        }
        for i in (1, 2, 3)
    ]


def test_jsonl_with_three_records_gives_three_documents(tmp_path):
    path = tmp_path / "crawl.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records()) + "\n\n")
    got = docs([path])
    assert [d.origin for d in got] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert all(d.shape == "json" and d.encoding == "utf-8" for d in got)
    assert got[1].content.decode() == "Body of story 2. It reports what happened on day 2."
    assert got[1].hints == {
        "title": "Story 2",
        "url": "https://news.example/2",
        "published": "2024-11-02 10:00:00",
        "outlet": "news.example",
        "author": "Ann Lee, Bo Kim",
        "language": "en",
        "id": "2",
    }


def test_jsonl_is_found_by_content_without_the_suffix(tmp_path):
    path = tmp_path / "crawl.txt"
    path.write_text("\n".join(json.dumps(r) for r in _records()))
    assert [d.origin for d in docs([path])] == [f"{path}#{n}" for n in (1, 2, 3)]


def test_one_line_jsonl_still_numbers_its_record(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(_records()[0]))
    assert [d.origin for d in docs([path])] == [f"{path}#1"]


def test_json_list_and_single_record(tmp_path):
    many, one = tmp_path / "many.json", tmp_path / "one.json"
    many.write_text(json.dumps(_records()))
    one.write_text(json.dumps({"headline": "Solo", "text": "Only one record here.", "link": "https://x.example/s"}))
    got = docs([many, one])
    assert [d.origin for d in got] == [f"{many}#1", f"{many}#2", f"{many}#3", str(one)]
    assert got[3].hints["title"] == "Solo" and got[3].hints["url"] == "https://x.example/s"
    assert got[3].content == b"Only one record here."


def test_longest_text_field_wins_and_wrapped_lists_are_found(tmp_path):
    # NewsAPI-like: a wrapper object, a truncated `content` beside a full `text`.
    path = tmp_path / "newsapi.json"
    full = "The full text of the report. " * 20
    path.write_text(
        json.dumps(
            {
                "status": "ok",
                "articles": [
                    {
                        "source": {"id": None, "name": "Example News"},
                        "title": "T",
                        "description": "Short summary.",
                        "content": "The full text of the... [+500 chars]",
                        "text": full,
                        "publishedAt": "2024-11-04T09:00:00Z",
                    },
                ],
            }
        )
    )
    (d,) = docs([path])
    assert d.origin == f"{path}#1"
    assert d.content.decode() == full
    assert d.hints["outlet"] == "Example News" and d.hints["excerpt"] == "Short summary."
    assert d.hints["published"] == "2024-11-04T09:00:00Z"


def test_json_record_holding_html_is_shaped_html(tmp_path):
    path = tmp_path / "r.json"
    body = "<div><p>First paragraph of the story.</p><p>Second paragraph.</p><p>Third.</p></div>"
    path.write_text(json.dumps({"title": "T", "content": body}))
    (d,) = docs([path])
    assert d.shape == "html" and d.content.decode() == body and d.hints["title"] == "T"


def _wp_post(n: int) -> dict:
    post = json.loads(WP_SEED.read_text())
    post["id"] = 1000 + n
    post["title"] = {"rendered": f"Post number {n} &#8211; test"}
    post["link"] = f"https://www.eunews.it/en/post-{n}/"
    return post


def test_wordpress_list_gives_one_document_per_post(tmp_path):
    path = tmp_path / "posts.json"
    posts = [_wp_post(1), _wp_post(2)]
    posts[1]["_embedded"] = {"author": [{"id": 7, "name": "Simone De La Feld"}]}
    path.write_text(json.dumps(posts))
    got = docs([path])
    assert [d.origin for d in got] == [f"{path}#1", f"{path}#2"]
    assert [d.shape for d in got] == ["wordpress", "wordpress"]
    assert json.loads(got[0].content) == posts[0]
    assert got[0].hints["title"] == "Post number 1 – test"
    assert got[1].hints["url"] == "https://www.eunews.it/en/post-2/"
    assert got[1].hints["author"] == "Simone De La Feld"
    assert "author" not in got[0].hints


# ---------------------------------------------------------------- HTML and text


def test_html_detected_by_markup_not_name(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html>\n<html><head><title>T</title></head><body><p>Hello.</p></body></html>")
    fragment = tmp_path / "fragment.md"
    fragment.write_text("<div class='story'>\n<p>One.</p>\n<p>Two.</p>\n<p>Three <a href='/x'>link</a>.</p>\n</div>\n")
    bracket = tmp_path / "reuters.json"  # a .json name, but prose that opens with a bracket
    bracket.write_text("[Reuters] Washington - The talks resumed on Monday, officials said.\n")
    got = {Path(d.origin).name: d.shape for d in docs([page, fragment, bracket])}
    assert got == {"page.txt": "html", "fragment.md": "html", "reuters.json": "text"}


def test_deeply_nested_html_is_still_just_html(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<div>" * 50_000 + "Text" + "</div>" * 50_000)
    (d,) = docs([path])
    assert d.shape == "html"


ARTICLE = """Talks resume after a week

The talks resumed on Monday after a week's pause, officials said. Both sides sent new teams.

What was agreed

The ministers agreed on three points:
  • a ceasefire along the northern line, starting on Friday;
  • the exchange of prisoners held since March;
  • a joint commission to meet again in December.

"We are closer than ever," the mediator said after the meeting.
"""

PAGE_CHROME = """Skip to content
Home
World
Politics
Business
Sport
Search
Home » World » Talks resume after a week
"""

FOOTER = """Related posts
Markets rally on talks
Ceasefire holds
Privacy Policy
Cookie policy
Contacts
Copyright © 2024 Example Media
"""


def test_article_with_subheads_and_a_list_is_text():
    assert detect_text_shape(ARTICLE) == "text"


def test_article_inside_page_chrome_is_scraped():
    assert detect_text_shape(PAGE_CHROME + "\n" + ARTICLE + "\n" + FOOTER) == "scraped"


def test_two_line_article_with_short_headline_is_text():
    assert (
        detect_text_shape("Talks resume\n\nThe talks resumed on Monday after a week's pause, officials said.") == "text"
    )


def test_leftover_tags_alone_do_not_make_html():
    text = (SEEDS / "001_78cc64cfcb4bb637.txt").read_text()
    assert "</a>" in text and not looks_like_html(text)


# ---------------------------------------------------------------- encodings


def test_cp1252_file_is_detected_and_bytes_stay_raw(tmp_path):
    text = "He said “we will pay 5 €” at the café – twice.\n"
    raw = text.encode("cp1252")
    path = tmp_path / "legacy.txt"
    path.write_bytes(raw)
    (d,) = docs([path])
    assert d.encoding == "cp1252"
    assert d.content == raw
    assert d.content.decode(d.encoding) == text


def test_latin1_file_decodes_correctly(tmp_path):
    text = "Le président a visité Zürich et São Paulo, où il a mangé une crêpe.\n"
    path = tmp_path / "latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    (d,) = docs([path])
    assert d.content.decode(d.encoding) == text


def test_cyrillic_legacy_text_is_not_taken_for_cp1252(tmp_path):
    text = (
        "Министр иностранных дел Южной Кореи встретился с главой европейской дипломатии в Сеуле. "
        "Стороны обсудили военное сотрудничество между Пхеньяном и Москвой и поддержку Украины. "
        "По данным разведки, в Россию уже переброшены тысячи северокорейских военных.\n"
    )
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    (d,) = docs([path])
    assert d.encoding != "cp1252"
    assert d.content.decode(d.encoding) == text


def test_byte_order_marks(tmp_path):
    text = "A short report. “Quoted” words.\n"
    (tmp_path / "bom8.txt").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (tmp_path / "bom16.txt").write_bytes(text.encode("utf-16"))
    got = {Path(d.origin).name: d for d in docs([tmp_path])}
    assert got["bom8.txt"].encoding == "utf-8-sig" and got["bom16.txt"].encoding == "utf-16"
    for d in got.values():
        assert d.content.decode(d.encoding) == text


def test_html_declared_charset_is_used(tmp_path):
    page = '<html><head><meta charset="iso-8859-2"></head><body><p>Łódź, Gdańsk, Kraków - żółć.</p></body></html>'
    path = tmp_path / "pl.html"
    path.write_bytes(page.encode("iso-8859-2"))
    (d,) = docs([path])
    assert d.encoding == "iso8859-2" and d.content.decode(d.encoding) == page


def test_documents_from_bytes_for_content_in_hand():
    when = datetime(2024, 11, 4, tzinfo=UTC)
    (d,) = documents_from_bytes("https://x.example/a", WP_SEED.read_bytes(), fetched_at=when)
    assert d.shape == "wordpress" and d.fetched_at == when and d.origin == "https://x.example/a"


# ---------------------------------------------------------------- URLs, OPML, the feeds hand-off


@pytest.fixture
def fake_feeds(monkeypatch):
    """Stand-ins for the fetch of a URL and for digest.ingest.feeds, recording what ingest asks (no network)."""
    import digest.ingest
    import digest.ingest.fetch

    calls: list[str] = []
    when = datetime(2024, 11, 4, tzinfo=UTC)

    def fetch_url(url, fetcher, feeds):
        calls.append(url)
        yield RawDocument(url + "/a", b"<p>x</p>", "html", when)

    def read_opml(path):
        calls.append(f"opml:{Path(path).name}")
        return ["https://a.example/feed", "https://b.example/feed"]

    def ingest_opml(path, fetcher):
        for url in read_opml(path):  # the listed feeds are links: fetched under the policy, never named
            calls.append(f"link:{url}")
            yield RawDocument(url + "/a", b"<p>x</p>", "html", when)

    class Fetcher:
        def name(self, url):
            calls.append(f"named:{url}")

        def close(self):
            calls.append("closed")

    module = types.ModuleType("digest.ingest.feeds")
    module.read_opml, module.ingest_opml = read_opml, ingest_opml
    monkeypatch.setattr(digest.ingest.fetch, "Fetcher", Fetcher)
    monkeypatch.setitem(sys.modules, "digest.ingest.feeds", module)
    monkeypatch.setattr(digest.ingest, "fetch_url", fetch_url)
    return calls


def test_urls_are_fetched_once_per_run_with_one_fetcher(fake_feeds):
    got = docs(["https://a.example/feed", "https://b.example/a.html"])
    assert fake_feeds == [
        "named:https://a.example/feed",  # every typed URL is named before any is read
        "named:https://b.example/a.html",
        "named:https://a.example/feed",
        "https://a.example/feed",
        "named:https://b.example/a.html",
        "https://b.example/a.html",
        "closed",
    ]
    assert [d.origin for d in got] == ["https://a.example/feed/a", "https://b.example/a.html/a"]


def test_opml_file_lists_feeds(tmp_path, fake_feeds):
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="https://a.example/feed"/></body></opml>'
    )
    got = docs([opml])
    assert fake_feeds == ["opml:subs.opml", "link:https://a.example/feed", "link:https://b.example/feed", "closed"]
    assert len(got) == 2


def test_opml_is_found_by_content(tmp_path, fake_feeds):
    opml = tmp_path / "subscriptions.xml"
    opml.write_text('<?xml version="1.0"?>\n<opml version="1.0"><body></body></opml>')
    docs([opml])
    assert fake_feeds[0] == "opml:subscriptions.xml"


def test_without_feeds_module_urls_are_a_problem_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "digest.ingest.feeds", None)  # import fails as if the file were absent
    good = tmp_path / "good.txt"
    good.write_text("A plain report. Nothing more.\n")
    out = list(ingest(["https://a.example/feed", good]))
    assert out[0] == Problem("https://a.example/feed", "feeds not supported (digest.ingest.feeds is not installed)")
    assert isinstance(out[1], RawDocument)


def test_unsupported_url_scheme():
    (p,) = list(ingest(["ftp://example.org/news.txt"]))
    assert isinstance(p, Problem) and "unsupported URL scheme" in p.message


def test_file_url_reads_the_path(tmp_path):
    path = tmp_path / "a b.txt"
    path.write_text("A plain report. Nothing more.\n")
    (d,) = docs([path.as_uri()])
    assert d.origin == str(path)


# ---------------------------------------------------------------- development data (skipped when absent)


def test_devdata_articles_are_plain_text(devdata):
    folder = devdata / "allsides-dev" / "clusters" / "articles"
    shapes = [d.shape for d in docs([folder])]
    assert len(shapes) == 173 and set(shapes) == {"text"}


def test_devdata_pages_are_html_in_whatever_encoding(devdata):
    pages = sorted((devdata / "extraction-snippets" / "html").glob("*.gz"))[:120]
    got = docs(pages)
    assert [d.shape for d in got] == ["html"] * len(pages)
    assert {"utf-8", "cp1252"} <= {d.encoding for d in got}
    for d in got:
        d.content.decode(d.encoding, errors="replace")

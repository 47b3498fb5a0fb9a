"""Delivery (issue 17): the day's HTML page, the archive, the Atom feed and the e-mail, through the real CLI.

Two days of the fixture world (a story on day 1 that continues on day 2, and a
new one on day 2) are run with `digest daily` in a subprocess, e-mailing a
local SMTP server (aiosmtpd on 127.0.0.1, with a login). The pages are opened
in headless Chromium (Debian's `chromium`; the test skips without it):
screenshots at 390 and 1280 px, no console message at all, and every link an
http(s) URL, an anchor of the page, or a sibling digest file that exists.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import feedparser
import pytest
from fixtures_server import FixtureServer, serve_day
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
D1, D2, D3 = date(2024, 11, 4), date(2024, 11, 5), date(2024, 11, 6)
PASSWORD = "s3cret-Hunter2-never-written"
PASSWORD_ENV = "DIGEST_TEST_SMTP_PASSWORD"
LOGIN = "digest@example.org"
BASE_URL = "https://news.example.org/daily/"
DIGEST_FILES = (".md", ".json", ".html", ".xml")
SIBLING = re.compile(r"^(\d{4}-\d\d-\d\d\.(html|md)|index\.html|feed\.xml)(#[\w-]+)?$")


# ---------------------------------------------------------------- a local SMTP server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPSink:
    """aiosmtpd on 127.0.0.1 that requires the test login and keeps every message it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.messages: list[email.message.EmailMessage] = []
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if not session.authenticated:
                    return "530 Authentication required"
                sink.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login == LOGIN.encode()
                and auth_data.password == PASSWORD.encode()
            )
            return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535 itself

        self.controller = Controller(
            Handler(),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticator,
            auth_require_tls=False,  # plain SMTP on loopback for the test (the product defaults to STARTTLS)
        )

    def __enter__(self) -> SMTPSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


# ---------------------------------------------------------------- running the CLI


def write_config(folder: Path, urls: dict[str, str], smtp_port: int) -> Path:
    lines = [
        'output_dir = "out"',
        'model = "none"',
        'formats = ["md", "json", "html"]',
        "",
        "[delivery]",
        f'base_url = "{BASE_URL}"',
        "",
        "[delivery.email]",
        'host = "127.0.0.1"',
        f"port = {smtp_port}",
        "starttls = false",
        f'from = "Daily digest <{LOGIN}>"',
        'to = ["reader@example.org", "second@example.org"]',
        f'password_env = "{PASSWORD_ENV}"',
        "timeout_seconds = 10",
    ]
    for name in ("courier", "gazette", "wire"):
        lines += ["", "[[sources]]", f"feed = {json.dumps(urls[name])}"]
    lines += ["", "[[sources]]", f"wordpress = {json.dumps(urls['valley'])}"]
    path = folder / "digest.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def daily(folder: Path, day: date, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIGEST_FETCH_DELAY": "0", PASSWORD_ENV: PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "digest", "-v", "daily", "--config", "digest.toml", "--date", day.isoformat()]
        + ["--no-progress", *extra],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """The digest files of the folder (not the state database and its lock)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in DIGEST_FILES}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("delivery")
    runs: dict[str, subprocess.CompletedProcess[str]] = {}
    with FixtureServer() as server, SMTPSink() as smtp:
        urls = serve_day(server, 1)
        cfg = write_config(folder, urls, smtp.port)
        runs["d1"] = daily(folder, D1)
        serve_day(server, 2)
        runs["d2"] = daily(folder, D2)
        out = folder / "out"
        after_d2 = snapshot(out)
        sent_after_d2 = len(smtp.messages)
        runs["d2-again"] = daily(folder, D2)  # a re-run: same bytes, no second message
        after_rerun = snapshot(out)
        sent_after_rerun = len(smtp.messages)
        runs["d2-resend"] = daily(folder, D2, "--resend")
        sent_after_resend = len(smtp.messages)

        # Day 3 against a server that is gone: exit 4, one line, the files written and complete.
        dead = free_port()
        cfg.write_text(cfg.read_text().replace(f"port = {smtp.port}", f"port = {dead}"))
        runs["d3-dead"] = daily(folder, D3)
        after_dead = snapshot(out)
        cfg.write_text(cfg.read_text().replace(f"port = {dead}", f"port = {smtp.port}"))
        runs["d3-retry"] = daily(folder, D3)  # the failed send was not recorded: this run sends it
        after_retry = snapshot(out)
        yield {
            "folder": folder,
            "out": out,
            "runs": runs,
            "messages": list(smtp.messages),
            "after_d2": after_d2,
            "after_rerun": after_rerun,
            "after_dead": after_dead,
            "after_retry": after_retry,
            "sent": (sent_after_d2, sent_after_rerun, sent_after_resend),
        }


def test_each_run_writes_the_days_html_the_archive_and_the_feed(world):
    out, runs = world["out"], world["runs"]
    for name in ("d1", "d2", "d2-again", "d2-resend", "d3-retry"):
        assert runs[name].returncode == 0, (name, runs[name].stderr[-3000:])
    printed = runs["d2"].stdout.split()
    assert [Path(p).name for p in printed] == [
        "2024-11-05.md",
        "2024-11-05.json",
        "2024-11-05.html",
        "index.md",
        "feed.xml",
        "index.html",
    ]
    for day in (D1, D2):
        page = (out / f"{day}.html").read_text()
        assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
        assert "<script" not in page and "<link" not in page and "@import" not in page and "url(" not in page
        assert "prefers-color-scheme: dark" in page and 'name="viewport"' in page
    assert not list(out.glob(".*.tmp"))


def test_the_page_cites_into_its_source_list_and_links_only_http_sources(world):
    out = world["out"]
    data = json.loads((out / "2024-11-05.json").read_text())
    doc = lxml_html.fromstring((out / "2024-11-05.html").read_bytes())
    stories = doc.xpath("//article[@class='story']")
    assert len(stories) == len(data["stories"]) == 2
    for i, (story, js) in enumerate(zip(stories, data["stories"]), 1):
        assert story.get("id") == f"story-{i}"
        assert story.xpath("string(h2)").endswith(js["headline"])
        cites = story.xpath(".//p[@class='briefing']//a[@class='cite']")
        assert [c.text for c in cites] == [f"[{n}]" for s in js["sentences"] for n in s["citations"]]
        sources = story.xpath(".//section[@class='sources']/ol/li")
        assert [li.get("id") for li in sources] == [f"s{i}-src{s['n']}" for s in js["sources"]]
        ids = {li.get("id") for li in sources}
        assert all(c.get("href")[1:] in ids for c in story.xpath(".//a[@class='cite']"))
        for li, src in zip(sources, js["sources"]):
            links = li.xpath("a/@href")
            assert links == ([src["url"]] if src["url"] and src["url"].startswith("http") else [])
        # "Sources differ" is a table (what, value, sources per row); the timeline a list
        for d, table in zip(js["disagreements"], story.xpath(".//section[@class='differ']//table")):
            assert table.xpath("string(tbody/tr[1]/th)").startswith(d["about"])
        if js["timeline"]:
            items = story.xpath(".//section[@class='timeline']/ol/li")
            assert len(items) == len(js["timeline"])
    updated = [s for s in data["stories"] if s["status"] == "updated"]
    assert updated, "day 2 continues day 1's story"
    # the updated story links to the day that first told it
    assert doc.xpath("//article//p[@class='meta']//a[@href='2024-11-04.html']")


def test_the_archive_lists_days_newest_first_and_links_an_update_to_its_first_day(world):
    out = world["out"]
    doc = lxml_html.fromstring((out / "index.html").read_bytes())
    days = doc.xpath("//ol[@class='days']/li")
    assert [d.xpath("string(.//time/@datetime)") for d in days] == ["2024-11-06", "2024-11-05", "2024-11-04"]
    assert days[0].xpath(".//h2/a/@href") == ["2024-11-06.html"]
    d2 = json.loads((out / "2024-11-05.json").read_text())
    heads = days[1].xpath(".//ul/li")
    assert [h.xpath("string(a)") for h in heads] == [s["headline"] for s in d2["stories"]]
    updated = [h for h in heads if "updated" in h.text_content()]
    assert len(updated) == 1 and updated[0].xpath(".//small/a/@href") == ["2024-11-04.html"]
    assert heads[0].xpath("a/@href") == ["2024-11-05.html#story-1"]


def test_the_atom_feed_validates_with_stable_ids_dates_and_links(world):
    out = world["out"]
    raw = (out / "feed.xml").read_bytes()
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id.startswith("urn:uuid:")
    assert [e.title for e in feed.entries] == [f"Daily digest, {d}" for d in ("2024-11-06", "2024-11-05", "2024-11-04")]
    assert [e.updated for e in feed.entries] == [f"{d}T00:00:00Z" for d in ("2024-11-06", "2024-11-05", "2024-11-04")]
    assert feed.feed.updated == "2024-11-06T00:00:00Z"
    assert [e.link for e in feed.entries] == [f"{BASE_URL}{d}.html" for d in ("2024-11-06", "2024-11-05", "2024-11-04")]
    assert any(link.rel == "self" and link.href == f"{BASE_URL}feed.xml" for link in feed.feed.links)
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == 3 and all(i.startswith("urn:uuid:") for i in ids)
    # the whole digest is the entry's content (escaped once in the XML, HTML again once parsed)
    d2 = json.loads((out / "2024-11-05.json").read_text())
    content = feed.entries[1].content[0]
    assert content.type == "text/html"
    for story in d2["stories"]:
        assert story["headline"].replace("&", "&amp;") in content.value
        for s in story["sentences"]:
            assert s["text"][:40].replace("&", "&amp;") in content.value
    # stable ids: re-running day 2 gave the same feed (and the same everything), ids and all
    assert world["after_d2"]["feed.xml"] == world["after_rerun"]["feed.xml"]
    assert world["after_d2"] == world["after_rerun"]
    before = feedparser.parse(world["after_d2"]["feed.xml"])
    assert [e.id for e in before.entries] == ids[1:]


def test_one_message_per_day_with_both_parts_and_no_second_send(world):
    messages = world["messages"]
    assert world["sent"] == (2, 2, 3)  # day 1, day 2; the re-run sent nothing; --resend sent day 2 again
    assert len(messages) == 4  # and day 3 once, after the dead server
    subjects = [m["Subject"] for m in messages]
    assert subjects == [f"Daily digest, {d}" for d in ("2024-11-04", "2024-11-05", "2024-11-05", "2024-11-06")]
    out = world["out"]
    for msg, day in zip(messages, ("2024-11-04", "2024-11-05", "2024-11-05", "2024-11-06")):
        assert msg.get_content_type() == "multipart/alternative"
        assert msg["To"] == "reader@example.org, second@example.org"
        assert msg["Auto-Submitted"] == "auto-generated"
        plain, rich = msg.get_body(("plain",)), msg.get_body(("html",))
        # (SMTP carries CRLF line ends; the parts are the day's files otherwise)
        assert plain.get_content().replace("\r\n", "\n") == (out / f"{day}.md").read_text()
        assert rich.get_content().replace("\r\n", "\n") == (out / f"{day}.html").read_text()


def test_a_dead_mail_server_is_one_line_exit_4_and_the_files_stay(world):
    dead = world["runs"]["d3-dead"]
    assert dead.returncode == 4, dead.stderr[-2000:]
    failing = [line for line in dead.stderr.splitlines() if "e-mail not sent" in line]
    assert len(failing) == 1 and "Traceback" not in dead.stderr
    assert "Connection refused" in failing[0]
    files = world["after_dead"]
    for name in ("2024-11-06.md", "2024-11-06.json", "2024-11-06.html", "index.md", "index.html", "feed.xml"):
        assert name in files, name
    assert "Nothing new today" in files["2024-11-06.md"].decode()
    assert json.loads(files["2024-11-06.json"])["stories"] == []
    # the files printed on stdout are all there, and a retry sends the day (the failure was not recorded)
    assert [Path(p).name for p in dead.stdout.split()][:3] == ["2024-11-06.md", "2024-11-06.json", "2024-11-06.html"]
    assert world["runs"]["d3-retry"].returncode == 0
    assert world["after_retry"] == files  # what the failed run left is exactly what a good run writes


def test_the_password_is_in_no_file_and_no_log(world):
    secret = PASSWORD.encode()
    for path in world["folder"].rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path
    for name, run in world["runs"].items():
        assert PASSWORD not in run.stdout and PASSWORD not in run.stderr, name
    for msg in world["messages"]:
        assert secret not in msg.as_bytes()


def test_a_missing_password_variable_is_one_line_exit_4(world, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(world["folder"], folder)
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    env |= {"PYTHONPATH": str(ROOT), "DIGEST_FETCH_DELAY": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "digest", "daily", "--config", "digest.toml", "--date", "2024-11-07", "--no-progress"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 4, done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if PASSWORD_ENV in line] == [
        f"e-mail not sent: the environment variable {PASSWORD_ENV} (delivery.email.password_env) is not set"
    ]
    assert (folder / "out" / "2024-11-07.html").is_file()


# ---------------------------------------------------------------- in a real browser


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENS = os.environ.get("DIGEST_SCREENSHOTS")  # a folder to keep the screenshots in (else only tmp)


def chromium(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
        + ["--enable-logging=stderr", "--v=0", *args, url],
        capture_output=True,
        text=True,
        timeout=120,
    )


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_console_check_catches_an_error(tmp_path):
    """The console check below can fail: a page with a console error, or a script blocked by our policy, trips it."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
        "<script>console.error('boom')</script><p>x</p>"
    )
    done = chromium("--dump-dom", url=page.as_uri())
    assert console_lines(done.stderr), done.stderr[-2000:]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.parametrize("page", ["2024-11-04.html", "2024-11-05.html", "index.html"])
def test_pages_in_headless_chromium(world, page, tmp_path):
    out = world["out"]
    url = (out / page).as_uri()
    keep = Path(SCREENS) if SCREENS else tmp_path
    keep.mkdir(parents=True, exist_ok=True)
    stem = page.removesuffix(".html")
    shots = [
        (keep / f"{stem}-390.png", ["--window-size=390,1800"]),
        (keep / f"{stem}-1280.png", ["--window-size=1280,1400"]),
        (keep / f"{stem}-390-dark.png", ["--window-size=390,1800", "--force-dark-mode"]),
    ]
    for shot, flags in shots:
        done = chromium(*flags, f"--screenshot={shot}", url=url)
        assert shot.is_file() and shot.stat().st_size > 5000, done.stderr[-2000:]
        assert not console_lines(done.stderr), console_lines(done.stderr)
    assert (keep / f"{stem}-390.png").read_bytes() != (keep / f"{stem}-390-dark.png").read_bytes()

    done = chromium("--dump-dom", url=url)
    assert not console_lines(done.stderr), console_lines(done.stderr)
    dom = lxml_html.fromstring(done.stdout)
    ids = set(dom.xpath("//@id"))
    hrefs = dom.xpath("//a/@href | //link/@href | //area/@href")
    assert hrefs
    for href in hrefs:
        if href.startswith("#"):
            assert href[1:] in ids, href
        elif SIBLING.match(href):  # our own digest files, relative to the folder
            assert (out / href.split("#")[0]).is_file(), href
        else:
            assert re.match(r"https?://[^\s]+$", href), href
    assert not dom.xpath("//script | //iframe | //object | //embed | //img | //form")
    assert not [a for el in dom.iter() if isinstance(el.tag, str) for a in el.attrib if a.lower().startswith("on")]


# ---------------------------------------------------------------- the mail module on its own


def test_starttls_is_required_by_default_and_nothing_goes_in_the_clear():
    from digest.deliver import DeliveryError, Mail, send_digest

    with SMTPSink() as smtp:  # a server without STARTTLS
        mail = Mail("127.0.0.1", smtp.port, LOGIN, ("reader@example.org",), username=LOGIN, password=PASSWORD)
        assert PASSWORD not in repr(mail)
        with pytest.raises(DeliveryError, match="does not support STARTTLS"):
            send_digest(mail, subject="s", text="t", html="<p>h</p>")
        assert smtp.messages == []


def test_a_wrong_password_is_one_line_without_the_password():
    from digest.deliver import DeliveryError, Mail, send_digest

    with SMTPSink() as smtp:
        mail = Mail("127.0.0.1", smtp.port, LOGIN, ("r@example.org",), starttls=False, username=LOGIN, password="nope")
        with pytest.raises(DeliveryError) as exc:
            send_digest(mail, subject="s", text="t", html="<p>h</p>")
        assert str(exc.value) == f"e-mail not sent via 127.0.0.1:{smtp.port}: login refused (535)"
        assert smtp.messages == []


def test_formats_without_html_write_no_page_archive_or_feed(tmp_path):
    with FixtureServer() as server:
        urls = serve_day(server, 1)
        cfg = write_config(tmp_path, urls, free_port())
        text = cfg.read_text().replace('formats = ["md", "json", "html"]', 'formats = ["md", "json"]')
        cfg.write_text(text[: text.index("[delivery]")] + text[text.index("[[sources]]") :])  # and no e-mail
        done = daily(tmp_path, D1)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(snapshot(tmp_path / "out")) == ["2024-11-04.json", "2024-11-04.md", "index.md"]

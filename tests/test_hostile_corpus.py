"""More than 70 malformed and hostile inputs through the real CLI: no traceback, no hang, one line each.

The corpus is built by tests/hostile_corpus.py in a temp folder. Each bad input
must be named by exactly one line on stderr (its refusal); the good reports
among them (which carry hostile titles, outlets, URLs and bodies) must still
be briefed, and no output (Markdown of brief, cluster, clean and daily, or
the terminal) may carry live markup, a javascript:/data: link, an escape
code, an injected heading or an injected table.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hostile_corpus import ESC, build

from digest.sanitize import printable

ROOT = Path(__file__).resolve().parent.parent
RUN_SECONDS = 300  # a hang fails the test instead of the suite


def digest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", "DIGEST_FETCH_DELAY": "0"}
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=RUN_SECONDS,
    )


def assert_inert(text: str, where: str) -> None:
    """Nothing from input is live in this Markdown or terminal text."""
    low = text.lower()
    for bad in ("<script", "<img", "<b>", "javascript:", "data:", ESC):
        assert bad not in low, (where, bad, _around(text, bad))
    for link in re.finditer(r"(?<!\\)\]\(([^)]*)", text):  # every live link: an http(s) URL or our own digest
        assert re.match(r"https?://|\d{4}-\d\d-\d\d\.md$", link.group(1)), (where, "link", _around(text, link.group()))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), where
    for line in text.splitlines():
        assert not line.lstrip().startswith("|"), (where, "injected table", line)
        assert not re.match(r"\s*\|?\s*:?-{3,}:?\s*\|", line), (where, "table delimiter row", line)
        # the hostile fields carry "## 99. Injected heading", "# Not a heading" and "## 42. Also not"
        assert not re.match(r"\s*#+\s*(99\.|42\.|Injected|Not a heading|Also not)", line), (where, "heading", line)


SIBLING = re.compile(r"^(\d{4}-\d\d-\d\d\.(html|md)|index\.html|feed\.xml)(#[\w-]+)?$")


def assert_no_live_html(text: str, where: str) -> None:
    """Nothing from input is live in this HTML: no element or attribute of its own, only safe links."""
    from lxml import html as lxml_html

    assert "<script" not in text.lower() and "<img" not in text.lower() and "<b>" not in text.lower(), where
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), where
    doc = lxml_html.fromstring(text)
    live = doc.xpath("//script | //img | //iframe | //object | //embed | //form | //b | //svg | //math | //base")
    assert not live, (where, [lxml_html.tostring(e)[:200] for e in live])
    attrs = {a.lower() for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib}
    assert not [a for a in attrs if a.startswith("on") or a in ("src", "srcdoc", "formaction")], (where, attrs)
    for href in doc.xpath("//@href"):
        assert re.match(r"https?://[^\s]+$", href) or href.startswith("#") or SIBLING.match(href), (where, href)


def assert_terminal_safe(text: str, where: str) -> None:
    """No escape code or other control character reaches the terminal; a line stays one line."""
    assert ESC not in text, (where, _around(text, ESC))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), where


def _around(text: str, what: str) -> str:
    i = text.lower().find(what)
    return text[max(0, i - 80) : i + 80]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    return base, build(base / "in")


def test_the_corpus_is_big_enough(corpus):
    _, cases = corpus
    assert len(cases) >= 70 and sum(c.bad for c in cases) >= 60


def test_brief_refuses_each_bad_input_in_one_line_and_briefs_the_good_ones(corpus):
    base, cases = corpus
    done = digest("brief", "--no-model", "--no-progress", "in", cwd=base)
    assert done.returncode == 1, done.stderr[-2000:]  # some inputs could not be used; the rest were
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert_terminal_safe(done.stderr, "stderr")
    lines = done.stderr.splitlines()
    for case in cases:
        shown = printable(os.path.relpath(case.path, base))
        naming = [line for line in lines if shown in line]
        if case.bad:
            assert 1 <= len(naming) <= case.lines, (shown, naming)
            assert case.expect.lower() in " ".join(naming).lower(), (shown, case.expect, naming)
        else:
            assert not [line for line in naming if f"{shown}:" in line], (shown, naming)
            assert case.expect in done.stdout, (shown, case.expect)
    assert "root:x:0:0" not in done.stdout and "secret outside the tree" not in done.stdout
    assert_inert(done.stdout, "brief markdown")


# ---------------------------------------------------------------- escaping in every Markdown output


@pytest.fixture(scope="module")
def hostile_good(corpus):
    """Only the good-but-hostile reports, in a folder of their own (fast to run four ways)."""
    base, cases = corpus
    folder = base / "good"
    folder.mkdir()
    for case in cases:
        if not case.bad and case.path.name != "mixed.jsonl":  # that one has a bad line too
            target = folder / case.path.name
            target.write_bytes(case.path.read_bytes())
    return base, folder


@pytest.mark.parametrize(
    "command",
    [  # brief's Markdown is checked on the whole corpus above
        ["cluster", "--format", "md", "good"],
        ["clean", "--format", "md", "good"],
        ["clean", "--format", "md", "--explain", "good"],
    ],
    ids=["cluster", "clean", "clean-explain"],
)
def test_hostile_fields_are_inert_in_markdown(hostile_good, command):
    base, _ = hostile_good
    done = digest(*command, cwd=base)
    assert done.returncode == 0, done.stderr[-2000:]
    if command[0] == "cluster":
        # Cluster lists articles, not their text: both hostile reports must be listed. (Their two
        # titles are the same hostile string, so they may share a story and its shared words.)
        assert "good/hostile.html" in done.stdout and "good/hostile.json" in done.stdout
    else:
        assert "Stroud" in done.stdout and "Kerr" in done.stdout  # the hostile reports themselves are kept
    assert_terminal_safe(done.stdout, " ".join(command) + " stdout")
    assert_inert(done.stdout, " ".join(command))
    assert_terminal_safe(done.stderr, " ".join(command) + " stderr")


def test_hostile_fields_are_inert_in_the_daily_digest(hostile_good):
    base, folder = hostile_good
    (base / "digest.toml").write_text(f'output_dir = "daily"\nmodel = "none"\n\n[[sources]]\npath = "{folder.name}"\n')
    done = digest("daily", "--config", "digest.toml", "--date", date.today().isoformat(), "--no-progress", cwd=base)
    assert done.returncode == 0, done.stderr[-2000:]
    texts = {p.name: p.read_text() for p in (base / "daily").glob("*.md")}
    assert len(texts) == 2 and any("Stroud" in t for t in texts.values())
    for name, text in texts.items():
        assert_inert(text, name)
    pages = {p.name: p.read_text() for p in (base / "daily").glob("*.html")}
    assert len(pages) == 2 and any("Stroud" in t for t in pages.values())  # the day's page and index.html
    for name, text in pages.items():
        assert_no_live_html(text, name)
    # the feed: well-formed XML whose entry content (HTML, escaped once) is inert too
    from xml.etree import ElementTree

    feed = ElementTree.parse(base / "daily" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    contents = [e.findtext(f"{atom}content") or "" for e in feed.iter(f"{atom}entry")]
    assert len(contents) == 1 and "Stroud" in contents[0] and "&lt;script&gt;alert(1)&lt;/script&gt;" in contents[0]
    for text in contents:
        assert_no_live_html(text, "feed.xml entry")


def test_hostile_fields_are_inert_in_brief_html(hostile_good):
    base, _ = hostile_good
    done = digest("brief", "--no-model", "--no-progress", "--format", "html", "good", cwd=base)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Stroud" in done.stdout and "Kerr" in done.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in done.stdout  # shown as text, not run
    assert_no_live_html(done.stdout, "brief --format html")

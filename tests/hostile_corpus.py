"""A folder of malformed and hostile inputs, built on the spot (no third-party data).

`build(folder)` writes every case and returns them as `Case`s: the file's
path, whether it is `bad` (digest must refuse it in one line naming it) or a
`good` report that must still be briefed, and for good ones a word that must
reach the briefing. The good cases carry hostile metadata (script tags,
javascript: links, Markdown and table breakers, terminal escapes) that the
output must neutralise.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

ESC = "\x1b"

# Short invented reports, one per good case, on different stories (so none is folded into another).
REPORTS = {
    "Vahl": [
        "Repair crews will start replacing the cracked cables of the Ostrander Bridge in Corvel on Thursday.",
        "Site manager Oskar Vahl said the work would take at least six weeks and cost 4.2 million euros.",
        "About 38,000 vehicles crossed the bridge each weekday before it was closed on Monday.",
        "Drivers must use the Route 9 detour, which adds roughly 25 minutes to the journey.",
    ],
    "Lund": [
        "The Corvel harbour ferry will run every ten minutes from Wednesday, the city transport office said.",
        "Transport director Teodor Lund said two extra boats had been leased from a company in Harlow Creek.",
        "Ferry ridership doubled to 14,000 passengers on Tuesday as commuters avoided the closed bridge.",
        "Tickets will stay at 2.10 euros, Lund told reporters at the harbour terminal.",
    ],
    "Brandt": [
        "Hazelnut growers in the Velmor valley harvested 40 percent fewer nuts this autumn after a dry summer.",
        "Cooperative spokesman Ivo Brandt said wholesale prices had risen to 9.50 euros per kilo.",
        "The cooperative represents about 1,200 farms in the valley, most of them family businesses.",
        "The regional agriculture office is preparing an emergency fund for growers who lost half their crop.",
    ],
    "Holt": [
        "The Dunmore public library reopened on Saturday after an eighteen-month renovation.",
        "Head librarian Maren Holt said the building now has a children's wing and a rooftop reading room.",
        "The renovation cost 3.1 million euros, paid mostly from a regional culture grant.",
        "More than 2,000 visitors came through the doors on the first day, Holt said.",
    ],
    "Lind": [
        "Tolls on the Corvel ring road will be suspended for a month from Friday, the regional council decided.",
        "Council leader Rosa Lind said the measure would ease traffic while the bridge is closed.",
        "The suspension will cost the road authority an estimated 800,000 euros in lost revenue.",
        "Hauliers welcomed the decision but asked for it to last until the bridge reopens.",
    ],
    "Kerr": [
        "Teachers at eleven schools in Harlow Creek walked out on Tuesday in a dispute over class sizes.",
        "Union representative Nadia Kerr said classes of more than 32 pupils had become common.",
        "The education board said it would meet union leaders on Friday to discuss hiring more staff.",
        "Parents were told to keep children at home, and most schools stayed closed all day.",
    ],
    "Stroud": [
        "A water main burst under Market Street in Dunmore early on Wednesday, flooding a dozen shops.",
        "Councillor Ewa Stroud said water supplies to about 3,000 homes would be restored by the evening.",
        "The pipe, laid in 1931, was due to be replaced next year, the water company said.",
        "Engineers closed the street to traffic while they dug out the damaged section.",
    ],
}

HOSTILE_TITLE = (
    "Bridge shut <script>alert(1)</script> <img src=x onerror=alert(2)>"
    "\n## 99. Injected heading\n| a | b |\n|---|---|\n> quoted [click](javascript:alert(3)) "
    f"{ESC}]0;pwned\x07{ESC}[2J"
)
HOSTILE_OUTLET = f"Evil <b>Outlet</b> [x](data:text/html;base64,PHNjcmlwdD4=) {ESC}[31mred"
HOSTILE_URL = "javascript:alert(document.cookie)"


@dataclass(frozen=True)
class Case:
    path: Path
    bad: bool
    expect: str = ""  # bad: a word of the refusal; good: a word that must reach the briefing
    lines: int = 1  # lines that may name it (a JSON Lines file has one per bad record)


def _report(name: str, hostile: str = "") -> list[str]:
    first, *rest = REPORTS[name]
    return [first + (f" {hostile}" if hostile else ""), *rest]


def build(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def bad(name: str, data: bytes | str, expect: str = "", lines: int = 1) -> None:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(path, True, expect, lines))

    def good(name: str, data: bytes | str, expect: str) -> None:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(Case(path, False, expect))

    # -- empty, binary, broken compression --------------------------------------------------
    bad("empty.txt", b"", "empty")
    bad("blank.txt", " \n\t\r\n  \n", "empty")
    bad("nul.txt", b"abc\x00def\x00" * 500, "binary")
    bad("image.txt", b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "PNG")
    bad("report.pdf", b"%PDF-1.7\n" + os.urandom(3000), "PDF")
    bad("archive.json", b"PK\x03\x04" + os.urandom(500), "ZIP")
    bad("program", b"\x7fELF\x02\x01\x01" + os.urandom(500), "executable")
    bad("noise.bin", bytes(range(256)) * 40, "binary")
    bad("sqlite.db", b"SQLite format 3\x00" + b"\x00" * 200, "SQLite")
    full = gzip.compress(" ".join(REPORTS["Vahl"]).encode())
    bad("truncated.txt.gz", full[: len(full) // 2], "truncated gzip")
    bad("corrupt.json.gz", b"\x1f\x8b\x08\x00" + os.urandom(300), "gzip")
    bad("bomb.txt.gz", gzip.compress(b"\x00" * (21 * 1024 * 1024), 9), "too large")
    bad("binary-inside.gz", gzip.compress(os.urandom(4000)), "binary")
    bad("bad-utf16.txt", b"\xff\xfe" + b"\x00\xd8" * 50, "undecodable")
    bad("bad-utf32.txt", b"\xff\xfe\x00\x00" + b"\xff\xff\xff\xff" * 50, "undecodable")
    bad("controls.txt", "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) * 300, "binary")
    bad("punctuation.txt", "!!! ??? ... --- *** ;;; ::: ,,,\n" * 40, "no report text")
    bad("one-word.txt", "Hello\n", "no report text")
    bad("only-script.html", "<html><head><script>alert(1)</script><style>p{}</style></head><body></body></html>")
    bad("nav-only.html", "<html><body><nav><a href='/'>Home</a><a href='/x'>World</a></nav></body></html>")
    bad("twenty-mib.txt", b"", "too large")
    os.truncate(folder / "twenty-mib.txt", 20 * 1024 * 1024)  # the 20 MB article: refused in one line
    bad("huge-sparse.txt", b"", "too large")
    os.truncate(folder / "huge-sparse.txt", 25 * 1024 * 1024)  # 25 MB of holes: refused before reading

    # -- JSON and JSON Lines ------------------------------------------------------------------
    bad("broken.json", '{"title": "x", "text": "unterminated', "invalid JSON")
    bad("scalar.json", "42", "single value")
    bad("null.json", "null", "single value")
    bad("string.json", '"just a string"', "single value")
    bad("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply")
    bad("no-text.json", json.dumps({"title": "x", "id": 3, "tags": ["a"]}), "no text field")
    bad("numbers.json", json.dumps(list(range(100))), "no record")
    bad("text-not-string.json", json.dumps({"title": "x", "text": {"nested": ["a", 1]}}), "no text field")
    bad("text-number.json", json.dumps({"title": "x", "text": 12345}), "no text field")
    bad("huge-number.json", '{"title": "x", "text": 1e999999}', "no text field")
    bad("nan.json", '{"title": NaN, "text": NaN}', "no text field")
    bad("bad-lines.jsonl", '{"text": \n{oops}\n[1,2\n', "invalid JSON")
    bad("wp-not-string.json", json.dumps({"title": {"rendered": "x"}, "content": {"rendered": 42}, "type": "post"}))
    bad("wp-empty.json", json.dumps({"title": {"rendered": "x"}, "content": {"rendered": ""}, "type": "post"}))
    bad("list-of-junk.json", json.dumps([None, 1, "x", [], {}]), "no record")
    good(
        "surrogate.json",
        '{"title": "Lone \\udc00 surrogate", "outlet": "Surrogate Times", "text": '
        + json.dumps(" ".join(_report("Brandt")))
        + ', "note": "\\ud800"}',
        "Brandt",
    )
    good(
        "mixed.jsonl",
        json.dumps({"title": "Library reopens", "outlet": "Line Daily", "text": " ".join(_report("Holt"))})
        + "\nnot json at all\n",
        "Holt",
    )
    cases[-1] = Case(cases[-1].path, False, "Holt")  # its bad line is reported as mixed.jsonl#2
    cases.append(Case(folder / "mixed.jsonl#2", True, "invalid JSON"))
    bad("blank-text.json", json.dumps({"title": "Only a title", "text": "   \n\t "}), "")
    bad("dates.json", json.dumps({"title": "x", "published": "year 99999 or so", "text": 7}), "no text field")

    # -- feeds saved to disk -------------------------------------------------------------------
    from fixtures_server import ENTITY_BOMB, rss

    bad("bomb.xml", ENTITY_BOMB, "entit")
    external = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title></item></channel></rss>'
    bad("external.rss", external, "entit")
    bomb32 = ENTITY_BOMB.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-32"?>')
    bad("bomb-utf32.xml", "\ufeff".encode("utf-32-le") + bomb32.encode("utf-32-le"), "entit")
    ebcdic = ENTITY_BOMB.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="cp037"?>')
    bad("bomb-ebcdic.xml", ebcdic.encode("cp037"), "")
    bomb16 = ENTITY_BOMB.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    bad("bomb-utf16.atom", bomb16.replace("<rss", "<feed").encode("utf-16"), "entit")
    bad(
        "many-empty.rss",
        rss("Empty", "https://x.example/", [{"title": f"t{i}"} for i in range(3000)]),
        "3000 feed entries",
    )
    bad("broken.rss", '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>B</title>\n<<item <<>> &', "")
    bad("no-items.rss", rss("Empty Feed", "https://x.example/", []), "")
    bad(
        "js-link.rss",
        rss("Links", "https://x.example/", [{"title": "x", "link": HOSTILE_URL, "summary": "blurb"}]),
        "refused",
    )
    bad(
        "loopback-link.rss",
        rss("Links", "https://x.example/", [{"title": "x", "link": "http://127.0.0.1:9/admin", "summary": "b"}]),
        "loopback",
    )
    bad(
        "file-link.rss",
        rss("Links", "https://x.example/", [{"title": "x", "link": "file:///etc/passwd", "summary": "b"}]),
        "refused",
    )
    bad(
        "bad-date.rss",
        rss("Dated", "https://x.example/", [{"title": "x", "summary": "short"}]).replace(
            "<item>", "<item><pubDate>Mon, 99 Foo 0000 99:99:99 +9999</pubDate>"
        ),
        "",
    )
    good(
        "doctype.rss",
        rss(
            "Doctype Herald",
            "https://x.example/",
            [{"title": "Tolls suspended on ring road", "content": _paras("Lind")}],
        )
        .replace('<?xml version="1.0" encoding="UTF-8"?>', "")
        .lstrip(),
        "Lind",
    )
    path = folder / "doctype.rss"  # a saved feed that opens with its DOCTYPE (RSS 0.91 style)
    path.write_text('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "">\n' + path.read_text())

    # -- OPML ------------------------------------------------------------------------------------
    def opml(urls: list[str]) -> str:
        return (
            '<opml version="2.0"><body>'
            + "".join(f'<outline xmlUrl="{html.escape(u)}"/>' for u in urls)
            + "</body></opml>"
        )

    bad("local.opml", opml(["file:///etc/passwd"]), "only http(s)")
    bad("js.opml", opml(["javascript:alert(1)"]), "only http(s)")
    bad("loopback.opml", opml(["http://127.0.0.1:9/feed"]), "loopback")
    bad("metadata.opml", opml(["http://169.254.169.254/latest/"]), "link-local")
    bad("bomb.opml", ENTITY_BOMB.replace("<rss", "<opml").replace("</rss>", "</opml>"), "entit")
    bad("broken.opml", "<opml><body><outline", "OPML")
    bad("empty.opml", '<opml version="2.0"><body><outline text="folder"/></body></opml>', "lists no feeds")

    # -- HTML ------------------------------------------------------------------------------------
    bad("nested.html", "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>")
    bad("bogus-charset.html", '<html><head><meta charset="x-no-such"></head><body><p>Hi.</p></body></html>')
    bad("xhtml-entities.html", '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaa">]><html><body>&a;</body></html>')
    good(
        "hostile.html",
        "<html><head>"
        f"<title>{html.escape(HOSTILE_TITLE)}</title>"
        f'<meta property="og:site_name" content="{html.escape(HOSTILE_OUTLET)}">'
        f'<link rel="canonical" href="{HOSTILE_URL}">'
        "</head><body><article>" + _paras("Kerr", f"<script>alert(4)</script> {ESC}[5m") + "</article></body></html>",
        "Kerr",
    )
    good(
        "hostile.json",
        json.dumps(
            {
                "title": HOSTILE_TITLE.replace("Bridge shut", "Detour opens"),
                "outlet": HOSTILE_OUTLET,
                "url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
                "author": "<script>x</script>",
                "text": "\n\n".join(
                    [
                        *_report("Stroud", f"<img src=x onerror=alert(5)> [this](javascript:alert(6)) {ESC}]0;t\x07"),
                        "# Not a heading\n## 42. Also not\n| x | y |\n|---|---|\n> not a quote",
                    ]
                ),
            }
        ),
        "Stroud",
    )
    good("plain.txt", "Repair crews start on Thursday\n\n" + "\n\n".join(_report("Vahl")), "Vahl")
    good("ansi-body.txt", "Ferry runs more often\n\n" + "\n\n".join(_report("Lund", f"{ESC}[2J{ESC}[31m")), "Lund")

    # -- file names and file kinds -------------------------------------------------------------
    bad(f"esc-{ESC}]0;pwned\x07-name.txt", b"\x00\x01\x02" * 100, "binary")
    bad("new\nline.txt", b"", "empty")
    bad(os.fsdecode(b"latin-\xe9-name.txt"), b"", "empty")
    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    cases.append(Case(fifo, True, "not a regular file"))
    outside = folder.parent / "outside-secret.txt"
    outside.write_text("root:x:0:0:secret outside the tree\n")
    (folder / "link-out.txt").symlink_to(outside)
    cases.append(Case(folder / "link-out.txt", True, "symlink leads out"))
    (folder / "link-root").symlink_to("/")
    cases.append(Case(folder / "link-root", True, "symlink leads out"))
    (folder / "loop").symlink_to(".")  # a loop back into the tree: walked once, silently
    (folder / "dangling.txt").symlink_to(folder / "no-such-target")
    cases.append(Case(folder / "dangling.txt", True, "no such file"))
    locked = folder / "unreadable.txt"
    locked.write_text("secret")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: then it is simply a short text
        locked.chmod(stat.S_IRUSR | stat.S_IWUSR)
        cases.append(Case(locked, True, "no report text"))
    else:
        cases.append(Case(locked, True, "permission denied"))
    return cases


def _paras(name: str, hostile: str = "") -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in _report(name, hostile))

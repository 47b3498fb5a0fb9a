"""Benchmark: one `digest daily` run over a 150-article day, end to end, on this machine.

The day is built in a temporary folder and served from there by a local HTTP
server (http.server over the folder), as three kinds of source:

- an RSS feed with full text (content:encoded),
- an RSS feed with blurbs only, so every article page is fetched,
- a WordPress site (a static wp-json/wp/v2/posts file).

Articles are the dev set's stories (../shared/devdata/allsides-dev/mds.jsonl:
real multi-outlet stories) with each article's sentences after the lead
shuffled, topped up with shuffled variants of the seeds; without the dev data
the whole day is made from the seeds. Nothing from the dev data is written
into the repository: the temporary folder is deleted afterwards.

Prints wall time per stage, total wall time and peak RAM (max RSS of this
process, which runs the whole pipeline). Target: <= 5 minutes with the
default model.

    .venv/bin/python benchmarks/daily.py [--articles 150] [--model NAME | --no-model] [--json]
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import random
import re
import resource
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "devdata" / "allsides-dev" / "mds.jsonl"
SEEDS = ROOT / "seeds"
DAY = date(2024, 11, 5)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", " ".join(text.split())) if len(s.split()) >= 4]


def build_articles(n: int, rng: random.Random) -> list[dict]:
    """n articles: {title, outlet, sentences}; dev stories first, then seed variants."""
    out: list[dict] = []
    if DEV.exists():
        for line in DEV.read_text(encoding="utf-8").splitlines():
            story = json.loads(line)
            for doc in story["documents"]:
                sents = _sentences(doc["text"])
                if len(sents) < 2:
                    continue
                rest = sents[1:]
                rng.shuffle(rest)
                out.append(
                    {"title": doc["title"], "outlet": doc.get("source") or "Dev outlet", "sentences": [sents[0], *rest]}
                )
    seed_docs = []
    for path in sorted(SEEDS.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.lstrip().startswith("{"):
            text = re.sub(r"<[^>]+>", " ", html.unescape(json.loads(text)["content"]["rendered"]))
        sents = [s for s in _sentences(text) if 6 <= len(s.split()) <= 60]
        if sents:
            seed_docs.append(sents)
    k = 0
    while len(out) < n:
        sents = list(seed_docs[k % len(seed_docs)])
        rng.shuffle(sents)
        out.append(
            {"title": f"{sents[0][:70]} (variant {k})", "outlet": f"Seed outlet {k % 7}", "sentences": sents[:12]}
        )
        k += 1
    rng.shuffle(out)
    return out[:n]


def _paras(sentences: list[str]) -> list[str]:
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def write_site(folder: Path, articles: list[dict], base: str) -> dict[str, str]:
    """Write feeds, pages and the WordPress file; returns source name -> URL path."""
    third = len(articles) // 3
    groups = {"full": articles[:third], "blurb": articles[third : 2 * third], "wordpress": articles[2 * third :]}
    start = datetime.combine(DAY, datetime.min.time(), UTC) + timedelta(hours=1)
    items = {"full": [], "blurb": []}
    posts = []
    for name, group in groups.items():
        for i, a in enumerate(group):
            when = start + timedelta(minutes=7 * i)
            slug = f"{name}-{i}"
            body = "".join(f"<p>{html.escape(p)}</p>" for p in _paras(a["sentences"]))
            link = f"{base}/{slug}.html"
            if name == "wordpress":
                posts.append(
                    {
                        "id": i + 1,
                        "date_gmt": when.replace(tzinfo=None).isoformat(),
                        "link": link,
                        "type": "post",
                        "title": {"rendered": html.escape(a["title"])},
                        "content": {"rendered": body},
                    }
                )
                continue
            (folder / f"{slug}.html").write_text(
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(a["title"])}</title>'
                f'<meta property="og:site_name" content="{html.escape(a["outlet"])}">'
                f'<meta property="article:published_time" content="{when.isoformat()}"></head><body>'
                f'<nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{html.escape(a["title"])}</h1>'
                f"{body}</article><footer>&copy; 2024</footer></body></html>",
                encoding="utf-8",
            )
            item = (
                f"<item><title>{html.escape(a['title'])}</title><link>{link}</link>"
                f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
                f"<description>{html.escape(a['sentences'][0])}</description>"
            )
            if name == "full":
                item += f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            items[name].append(item + "</item>")
    for name, rows in items.items():
        (folder / f"{name}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Bench {name}</title><link>{base}/</link>{''.join(rows)}</channel></rss>",
            encoding="utf-8",
        )
    wp = folder / "wp-json" / "wp" / "v2"
    wp.mkdir(parents=True)
    (wp / "posts").write_text(json.dumps(posts), encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return {"full": f"{base}/full.xml", "blurb": f"{base}/blurb.xml", "wordpress": base}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=150)
    ap.add_argument("--model", default=None, help="generator name (default: the registry's default)")
    ap.add_argument("--no-model", action="store_true", help="extractive briefings only")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    import logging

    from digest.config import parse_config
    from digest.daily import run_daily
    from digest.ingest.feeds import Fetcher, make_client

    # Stage notes with timestamps on stderr, so a long run shows how far it got.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("digest.daily").setLevel(logging.INFO)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        articles = build_articles(args.articles, rng)
        urls = write_site(site, articles, base)
        cfg = parse_config(
            {
                "output_dir": "out",
                "model": "none" if args.no_model else args.model,
                "sources": [{"feed": urls["full"]}, {"feed": urls["blurb"]}, {"wordpress": urls["wordpress"]}],
            },
            base=Path(tmp),
        )
        # A local server: no politeness delay needed (real sites get one second per host).
        with Fetcher(make_client(timeout=30.0), delay=0.0) as fetcher:
            started = time.perf_counter()
            result = run_daily(cfg, DAY, fetcher=fetcher)
            wall = time.perf_counter() - started
        server.shutdown()
        md = result.markdown.read_text(encoding="utf-8")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "articles_served": len(articles),
        "new_articles": result.new_articles,
        "stories": result.stories,
        "problems": len(result.problems),
        "model": result.model,
        "wall_seconds": round(wall, 1),
        "stage_seconds": result.seconds,
        "peak_rss_mb": round(peak_mb),
        "markdown_words": len(md.split()),
        "dev_data": DEV.exists(),
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"daily benchmark: {report['articles_served']} articles served, {report['new_articles']} new, "
            f"{report['stories']} stories, {report['problems']} problems, model {report['model']}"
        )
        print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()))
        print(f"wall time {report['wall_seconds']:.1f} s (target <= 300 s), peak RAM {report['peak_rss_mb']} MB")
        for p in result.problems[:10]:
            print(f"  problem: {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

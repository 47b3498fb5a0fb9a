"""Benchmark: bounded work on hostile sizes, through the product's own front doors.

Prints, in one run:

- `digest brief --no-model` (the CLI, in a subprocess) on an ordinary 5 KB article (the
  baseline: start-up, model loading, one small story) and on a 1 MB one: wall and CPU seconds;
  target: the 1 MB article in <= 20 s;
- the same on a 20 MB one: refused (or bounded) with one line, and how long that took;
- a feed served one byte every 0.5 s, read through `Fetcher` (the class every fetch goes
  through) with a 5 s request deadline: how long until it is given up; target: within the
  deadline (plus one byte's wait).

The articles are invented on the spot (places, people and figures drawn at random, every
sentence different, so no cleaning step can fold them away); no data is read.

    .venv/bin/python benchmarks/bounded.py [--mb 1] [--deadline 5]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEOPLE = ["Lidia Sorensen", "Piet Arendt", "Ana Reyes", "Tomas Keel", "Elena Marsh", "Jonas Berg", "Mira Lund"]
PLACES = ["Corvel", "Harlow Creek", "Velmor", "Dunmore", "the harbour district", "the old town", "Route 9"]
THINGS = ["bridge repair", "ferry timetable", "council budget", "hazelnut harvest", "school strike", "water main"]
VERBS = ["said", "told reporters", "confirmed", "announced", "warned", "wrote in a statement"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "last week", "in October", "earlier this year"]


def article(target_bytes: int, seed: int) -> str:
    """A plain-text report of about `target_bytes`: a title, then paragraphs of news-like sentences."""
    rng = random.Random(seed)
    out = ["Council weighs the cost of the Ostrander Bridge closure", ""]
    size = 0
    n = 0
    while size < target_bytes:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            n += 1
            figure = rng.randint(2, 900)
            sentences.append(
                f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} {rng.choice(DAYS)} that the {rng.choice(THINGS)} "
                f"in {rng.choice(PLACES)} would cost {figure} thousand euros (item {n})."
            )
        paragraph = " ".join(sentences)
        out += [paragraph, ""]
        size += len(paragraph) + 2
    return "\n".join(out)


def brief(path: Path) -> tuple[float, float, int, str]:
    """(wall s, CPU s of the child, exit code, last stderr line) of `digest brief --no-model PATH`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "400"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "digest", "brief", "--no-model", "--no-progress", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [" ".join(line.split()) for line in done.stderr.splitlines() if line.strip()]
    said = [line for line in lines if str(path) in line]  # what it said about this input, if anything
    return wall, cpu, done.returncode, (said[0] if said else "")


def drip_seconds(deadline: float, every: float = 0.5) -> tuple[float, str]:
    """Seconds until Fetcher gives up a server that sends one byte every `every` seconds."""
    from digest.ingest.fetch import Fetcher, FetchError, make_client

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    stop = threading.Event()

    def serve() -> None:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        conn.recv(65536)
        data = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n" + b"<rss>" + b" " * 10**6
        for i in range(len(data)):
            if stop.wait(every):
                break
            try:
                conn.sendall(data[i : i + 1])
            except OSError:
                break
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"
    try:
        with Fetcher(make_client(timeout=20.0), delay=0.0, named=[url], request_seconds=deadline) as fetcher:
            started = time.monotonic()
            try:
                fetcher.get(url)
                why = "fetched (!)"
            except FetchError as exc:
                why = str(exc)
            return time.monotonic() - started, why
    finally:
        stop.set()
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=1.0, help="size of the big article in MB (default 1)")
    parser.add_argument("--deadline", type=float, default=5.0, help="request deadline for the slow drip (s)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        small, big, huge = Path(tmp) / "small.txt", Path(tmp) / "big.txt", Path(tmp) / "huge.txt"
        small.write_text(article(5_000, 1))
        big.write_text(article(int(args.mb * 1_000_000), 2))
        with open(huge, "w") as fh:  # 20 MiB of real text, written in pieces
            while fh.tell() < 20 * 1024 * 1024:
                fh.write(article(1_000_000, fh.tell()))
        print(f"{'input':<22} {'bytes':>11} {'wall s':>8} {'cpu s':>8} exit  what stderr said about it")
        for name, path in (("baseline 5 KB", small), (f"{args.mb:g} MB article", big), ("20 MB article", huge)):
            wall, cpu, code, last = brief(path)
            print(f"{name:<22} {path.stat().st_size:>11,} {wall:>8.1f} {cpu:>8.1f} {code:>4}  {last[:110]}")
    took, why = drip_seconds(args.deadline)
    print(f"slow drip (1 byte/0.5 s), {args.deadline:g} s request deadline: given up after {took:.1f} s ({why})")


if __name__ == "__main__":
    main()

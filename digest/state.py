"""What `digest daily` remembers between runs, in one SQLite file.

Articles seen (so tomorrow knows what is new), stories with ids that stay the
same across days (so a continuing story is "updated", not "new"), the digests
written, and the feed cache headers (so unchanged feeds are not downloaded
again). The schema is versioned with `PRAGMA user_version`; each migration
runs in its own transaction.

A daily run does all of its writes inside one `transaction()`: a run killed
half way leaves the file exactly as it was before the run.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from pathlib import Path

import numpy as np

from .types import Article

# Each entry upgrades the schema from version i to i + 1. Append, never edit.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            url TEXT,
            content_hash TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            source TEXT NOT NULL,
            title TEXT,
            published TEXT,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX articles_url ON articles(url)",
        "CREATE INDEX articles_hash ON articles(content_hash)",
        "CREATE INDEX articles_first_seen ON articles(first_seen)",
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        )""",
        """CREATE TABLE story_days (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            headline TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('new', 'updated')),
            centroid BLOB,
            PRIMARY KEY (story_id, date)
        )""",
        "CREATE INDEX story_days_date ON story_days(date)",
        """CREATE TABLE story_articles (
            story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles(id),
            date TEXT NOT NULL,
            PRIMARY KEY (story_id, article_id)
        )""",
        "CREATE INDEX story_articles_article ON story_articles(article_id)",
        "CREATE INDEX story_articles_date ON story_articles(date)",
        """CREATE TABLE digests (
            date TEXT PRIMARY KEY,
            markdown TEXT NOT NULL,
            json TEXT NOT NULL,
            stories INTEGER NOT NULL,
            new_articles INTEGER NOT NULL,
            model TEXT NOT NULL,
            sha256 TEXT NOT NULL
        )""",
        """CREATE TABLE feed_cache (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            body BLOB,
            fetched_at TEXT NOT NULL
        )""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


class StateError(RuntimeError):
    """The state database cannot be opened or is from a newer digest. One clear line."""


@dataclass(frozen=True)
class FeedCache:
    url: str
    etag: str | None
    last_modified: str | None
    body: bytes | None


@dataclass(frozen=True)
class StoredStory:
    id: str
    first_seen: str  # YYYY-MM-DD
    last_seen: str
    headline: str  # the latest headline before the date asked about
    last_date: str  # date of that headline's digest
    centroid: np.ndarray | None


@dataclass(frozen=True)
class StoryDay:
    """One story as one day's digest tells it: what a run writes for each story."""

    story_id: str
    headline: str
    status: str  # "new" | "updated"
    article_ids: tuple[str, ...]  # members that joined the story on this date
    centroid: np.ndarray | None = None


@dataclass(frozen=True)
class DigestRow:
    date: str
    markdown: str
    json: str
    stories: int
    new_articles: int
    model: str
    sha256: str


def content_hash(text: str) -> str:
    """Hash of the text with case and whitespace normalised, so re-fetches of the same report match."""
    norm = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d is not None else None


def article_to_json(a: Article) -> str:
    """The cleaned article as stored, so later runs can cluster it without fetching it again."""
    return json.dumps(
        {
            "id": a.id,
            "origin": a.origin,
            "url": a.url,
            "outlet": a.outlet,
            "title": a.title,
            "author": a.author,
            "published": _iso(a.published),
            "language": a.language,
            "paragraphs": list(a.paragraphs),
            "sentences": list(a.sentences),
            "fetched_at": _iso(a.fetched_at),
        },
        ensure_ascii=False,
    )


def article_from_json(text: str) -> Article:
    d = json.loads(text)
    parse = lambda v: datetime.fromisoformat(v) if v else None
    return Article(
        id=d["id"],
        origin=d["origin"],
        url=d["url"],
        outlet=d["outlet"],
        title=d["title"],
        author=d["author"],
        published=parse(d["published"]),
        language=d["language"],
        paragraphs=tuple(d["paragraphs"]),
        sentences=tuple(d["sentences"]),
        fetched_at=parse(d.get("fetched_at")),
    )


def _day(d: Date | str) -> str:
    return d if isinstance(d, str) else d.isoformat()


class State:
    """The state database. Open with `State(path)`; use as a context manager to close it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{self.path}: not a usable digest state database: {exc}") from None
        self._in_tx = False

    # -- housekeeping -------------------------------------------------------

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path}: schema version {version} is newer than this digest knows ({SCHEMA_VERSION}); upgrade digest"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[target - 1]:
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        if self._in_tx:
            self.db.execute("ROLLBACK")
            self._in_tx = False
        self.db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[State]:
        """All writes inside commit together or not at all (nested use joins the outer one)."""
        if self._in_tx:
            yield self
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self._in_tx = False
            self.db.execute("ROLLBACK")
            raise
        self._in_tx = False
        self.db.execute("COMMIT")

    # -- feed cache ---------------------------------------------------------

    def feed_cache(self, url: str) -> FeedCache | None:
        row = self.db.execute("SELECT url, etag, last_modified, body FROM feed_cache WHERE url = ?", (url,)).fetchone()
        return FeedCache(*row) if row else None

    def save_feed_cache(
        self, url: str, *, etag: str | None, last_modified: str | None, body: bytes | None, fetched_at: datetime
    ) -> None:
        self.db.execute(
            "INSERT INTO feed_cache(url, etag, last_modified, body, fetched_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "body = excluded.body, fetched_at = excluded.fetched_at",
            (url, etag, last_modified, body, fetched_at.isoformat()),
        )

    # -- articles -----------------------------------------------------------

    def knows_url(self, url: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE url = ? LIMIT 1", (url,)).fetchone() is not None

    def first_seen(self, article: Article) -> str | None:
        """The run date that first saw this report: same id, same URL or the same text."""
        row = self.db.execute(
            "SELECT min(first_seen) FROM articles WHERE id = ? OR (url IS NOT NULL AND url = ?) OR content_hash = ?",
            (article.id, article.url, content_hash(article.text)),
        ).fetchone()
        return row[0] if row else None

    def record_article(self, article: Article, *, source: str, date: Date | str) -> str:
        """Remember the article (idempotent); return the date it was first seen."""
        seen = self.first_seen(article) or _day(date)
        self.db.execute(
            "INSERT OR IGNORE INTO articles(id, url, content_hash, first_seen, source, title, published, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.url,
                content_hash(article.text),
                seen,
                source,
                article.title,
                _iso(article.published),
                article_to_json(article),
            ),
        )
        return seen

    def articles_first_seen(self, start: Date | str, end: Date | str) -> list[Article]:
        """Articles first seen by runs dated start..end (inclusive), in a stable order."""
        rows = self.db.execute(
            "SELECT data FROM articles WHERE first_seen BETWEEN ? AND ? ORDER BY first_seen, id",
            (_day(start), _day(end)),
        ).fetchall()
        return [article_from_json(r[0]) for r in rows]

    def article_first_seen_dates(self, ids: Iterable[str]) -> dict[str, str]:
        ids = list(ids)
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id, first_seen FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
            out.update(dict(self.db.execute(q, chunk).fetchall()))
        return out

    # -- stories ------------------------------------------------------------

    def story_overlap(self, article_ids: Sequence[str], *, before: Date | str) -> dict[str, int]:
        """Stored stories (joined before `before`) that already hold some of these articles, with counts."""
        out: dict[str, int] = {}
        ids = list(article_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = (
                "SELECT story_id, count(*) FROM story_articles WHERE date < ? AND article_id IN "
                f"({','.join('?' * len(chunk))}) GROUP BY story_id"
            )
            for sid, n in self.db.execute(q, [_day(before), *chunk]).fetchall():
                out[sid] = out.get(sid, 0) + n
        return out

    def stories_before(self, before: Date | str, *, since: Date | str) -> list[StoredStory]:
        """Stories told on some day in [since, before), each with its latest headline and centroid then."""
        rows = self.db.execute(
            """SELECT s.id, s.first_seen, d.date, d.headline, d.centroid
               FROM stories s JOIN story_days d ON d.story_id = s.id
               WHERE d.date = (SELECT max(date) FROM story_days WHERE story_id = s.id AND date < ?)
                 AND d.date >= ?
               ORDER BY s.id""",
            (_day(before), _day(since)),
        ).fetchall()
        out = []
        for sid, first_seen, last_date, headline, centroid in rows:
            vec = np.frombuffer(centroid, dtype=np.float32).copy() if centroid else None
            out.append(StoredStory(sid, first_seen, last_date, headline, last_date, vec))
        return out

    def story(self, story_id: str, *, before: Date | str) -> StoredStory | None:
        """The story as known before a date (so re-running a day never sees its own writes)."""
        row = self.db.execute(
            """SELECT d.story_id, min(d.date), max(d.date) FROM story_days d
               WHERE d.story_id = ? AND d.date < ? GROUP BY d.story_id""",
            (story_id, _day(before)),
        ).fetchone()
        if not row:
            return None
        last = self.db.execute(
            "SELECT headline, centroid FROM story_days WHERE story_id = ? AND date = ?", (story_id, row[2])
        ).fetchone()
        vec = np.frombuffer(last[1], dtype=np.float32).copy() if last[1] else None
        return StoredStory(row[0], row[1], row[2], last[0], row[2], vec)

    def headline_history(self, story_id: str) -> list[tuple[str, str]]:
        return self.db.execute(
            "SELECT date, headline FROM story_days WHERE story_id = ? ORDER BY date", (story_id,)
        ).fetchall()

    def replace_day(self, date: Date | str, stories: Sequence[StoryDay]) -> None:
        """Write one day's stories, replacing whatever an earlier run of the same date wrote."""
        day = _day(date)
        with self.transaction():
            touched = {r[0] for r in self.db.execute("SELECT story_id FROM story_days WHERE date = ?", (day,))}
            self.db.execute("DELETE FROM story_articles WHERE date = ?", (day,))
            self.db.execute("DELETE FROM story_days WHERE date = ?", (day,))
            for s in stories:
                touched.add(s.story_id)
                self.db.execute(
                    "INSERT INTO stories(id, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
                    (s.story_id, day, day),
                )
                blob = s.centroid.astype(np.float32).tobytes() if s.centroid is not None else None
                self.db.execute(
                    "INSERT INTO story_days(story_id, date, headline, status, centroid) VALUES (?, ?, ?, ?, ?)",
                    (s.story_id, day, s.headline, s.status, blob),
                )
                self.db.executemany(
                    "INSERT OR IGNORE INTO story_articles(story_id, article_id, date) VALUES (?, ?, ?)",
                    [(s.story_id, aid, day) for aid in s.article_ids],
                )
            for sid in sorted(touched):
                span = self.db.execute(
                    "SELECT min(date), max(date) FROM story_days WHERE story_id = ?", (sid,)
                ).fetchone()
                if span[0] is None:
                    self.db.execute("DELETE FROM stories WHERE id = ?", (sid,))
                else:
                    self.db.execute("UPDATE stories SET first_seen = ?, last_seen = ? WHERE id = ?", (*span, sid))

    # -- digests ------------------------------------------------------------

    def record_digest(self, row: DigestRow) -> None:
        self.db.execute(
            "INSERT INTO digests(date, markdown, json, stories, new_articles, model, sha256) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(date) DO UPDATE SET markdown = excluded.markdown, json = excluded.json, "
            "stories = excluded.stories, new_articles = excluded.new_articles, model = excluded.model, "
            "sha256 = excluded.sha256",
            (row.date, row.markdown, row.json, row.stories, row.new_articles, row.model, row.sha256),
        )

    def digests(self) -> list[DigestRow]:
        """Every digest written, newest first."""
        rows = self.db.execute(
            "SELECT date, markdown, json, stories, new_articles, model, sha256 FROM digests ORDER BY date DESC"
        ).fetchall()
        return [DigestRow(*r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Row counts per table (for tests and `--verbose` logs)."""
        tables = ("articles", "stories", "story_days", "story_articles", "digests", "feed_cache")
        return {t: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    def check(self) -> list[str]:
        """Integrity problems (empty when healthy): SQLite's own check plus orphans and duplicates."""
        problems = [r[0] for r in self.db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {r}" for r in self.db.execute("PRAGMA foreign_key_check")]
        orphans = self.db.execute(
            "SELECT count(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM story_days d WHERE d.story_id = s.id)"
        ).fetchone()[0]
        if orphans:
            problems.append(f"{orphans} stories without any day")
        dup = self.db.execute(
            "SELECT count(*) FROM (SELECT article_id FROM story_articles GROUP BY article_id HAVING count(*) > 1)"
        ).fetchone()[0]
        if dup:
            problems.append(f"{dup} articles in more than one story")
        return problems

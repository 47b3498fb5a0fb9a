"""What `digest daily` remembers between runs, in one SQLite file.

Articles seen (so tomorrow knows what is new), stories with ids that stay the
same across days (so a continuing story is "updated", not "new"), the digests
written, and the feed cache headers (so unchanged feeds are not downloaded
again). The schema is versioned with `PRAGMA user_version`; each migration
runs in its own transaction.

A daily run does all of its writes inside one `transaction()`: a run killed
half way leaves the file exactly as it was before the run.

The file is never replaced or started afresh behind the user's back: a new
one is built beside its place and linked in whole, and one that is empty,
corrupt, from a newer digest or not writable raises StateError (one line)
and is left as it is. It is private to the user (0600): it holds full
article text.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import sqlite3
import stat
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from .atomic import fsync_dir
from .types import Article

log = logging.getLogger(__name__)

Migration = str | Callable[[sqlite3.Connection], None]

# Each entry upgrades the schema from version i to i + 1. Append, never edit.
MIGRATIONS: tuple[tuple[Migration, ...], ...] = (
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
    (
        # Articles are known by their canonical URL (and their text), not by the path they were read from.
        "ALTER TABLE articles ADD COLUMN canonical_url TEXT",
        lambda db: _backfill_canonical_urls(db),
        "CREATE INDEX articles_canonical_url ON articles(canonical_url)",
    ),
    (
        # Delivery: what was sent where (a re-run does not mail a day twice) and the feed's stable id.
        """CREATE TABLE deliveries (
            date TEXT NOT NULL,
            channel TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            PRIMARY KEY (date, channel)
        )""",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        lambda db: _new_feed_id(db),
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


class StateError(RuntimeError):
    """The state database cannot be opened, read or written, or is from a newer digest. One clear line."""


class Locked(StateError):
    """Another run holds the lock beside the state database."""


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


# Query parameters that say where a reader came from, not which article it is.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ocid|cmpid|_ga|ref|ref_src|source)$", re.I)


def canonical_url(url: str | None) -> str | None:
    """The URL as an article's key: http and https alike, host lower-case, no default port,
    no fragment, no tracking parameters, no trailing slash. None for no URL.
    """
    if not url or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not host:
        return url
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    if ":" in host:  # IPv6
        netloc = f"[{host}]" if port in (None, 80, 443) else f"[{host}]:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", netloc, path, query, ""))


def _backfill_canonical_urls(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT id, url FROM articles WHERE url IS NOT NULL").fetchall()
    db.executemany("UPDATE articles SET canonical_url = ? WHERE id = ?", [(canonical_url(u), i) for i, u in rows])


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


def _new_feed_id(db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO meta(key, value) VALUES ('feed_id', ?)", (f"urn:uuid:{uuid.uuid4()}",))


def _day(d: Date | str) -> str:
    return d if isinstance(d, str) else d.isoformat()


def _migrate(db: sqlite3.Connection, version: int) -> None:
    for target in range(version + 1, SCHEMA_VERSION + 1):
        db.execute("BEGIN IMMEDIATE")
        try:
            for step in MIGRATIONS[target - 1]:
                if callable(step):
                    step(db)
                else:
                    db.execute(step)
            db.execute(f"PRAGMA user_version = {target}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _create(path: Path) -> None:
    """Build a new, migrated state database beside `path` and link it into place whole (0600).

    So a run killed while creating it leaves no empty or half-made state.db
    (only a temp file the next run removes), and a state.db that is empty was
    not made by digest: it is refused, not taken for a fresh start.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StateError(f"{path}: cannot create the state database: {exc.strerror or exc}") from None
    os.close(fd)  # mkstemp made it 0600, whatever the umask
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=OFF")  # no -journal file beside the temp file
            _migrate(db, 0)
        finally:
            db.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another run created it meanwhile: theirs is as good
            os.link(tmp, path)
        fsync_dir(path.parent)
    except sqlite3.Error as exc:
        raise StateError(f"{path}: cannot create the state database: {exc}") from None
    except OSError as exc:
        raise StateError(f"{path}: cannot create the state database: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _check_file(path: Path) -> None:
    """Refuse, in one line, a state file that is not a regular file, is empty, or cannot be written."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise StateError(f"{path}: cannot read the state database: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise StateError(f"{path}: not a regular file, so not a digest state database")
    wal = path.with_name(path.name + "-wal")
    if st.st_size == 0 and not (wal.exists() and wal.stat().st_size > 0):
        raise StateError(
            f"{path}: empty file (0 bytes), not a digest state database; left as it is: "
            "restore it from a backup, or move it away to start afresh"
        )
    if not os.access(path, os.R_OK | os.W_OK):
        raise StateError(f"{path}: cannot read and write the state database (permission denied)")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StateError(f"{path}: its folder is not writable (digest needs to write {path.name}-wal beside it)")


def _make_private(path: Path) -> None:
    """0600 for the state and its -wal/-shm files, should an older digest have left them readable."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            st = os.stat(p)
            if st.st_mode & 0o077 and st.st_uid == os.getuid():
                os.chmod(p, 0o600)
        except OSError:
            pass


def _sqlite_reason(exc: sqlite3.Error) -> str:
    text = str(exc) or type(exc).__name__
    if "disk is full" in text or "disk full" in text:
        return f"the disk is full ({text})"
    return text


@contextmanager
def locked(path: str | Path, wait: float) -> Iterator[None]:
    """Hold an exclusive flock on the lock file `path`; wait up to `wait` seconds, then raise Locked.

    The lock file is opened without following a symlink (one planted in its
    place is refused, never truncated through), private to the user, and
    holds the PID of the run that has it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StateError(f"{path}: the lock file is a symlink; refusing to follow it (remove it)") from None
        raise StateError(f"{path}: cannot open the lock file: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StateError(f"{path}: the lock file is not a regular file; remove it")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                if time.monotonic() >= deadline:
                    raise Locked(
                        f"another `digest daily` run is using {path.with_suffix('')} (lock {path}); "
                        f"gave up after waiting {wait:.0f} s"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock


class State:
    """The state database. Open with `State(path)`; use as a context manager to close it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._in_tx = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"{self.path}: cannot create its folder: {exc.strerror or exc}") from None
        if not self.path.exists():
            _create(self.path)
        _check_file(self.path)
        try:
            # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: cannot open the digest state database: {exc}") from None
        try:
            self._check_version()  # before anything writes to the file (WAL mode rewrites its header)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StateError(f"{self.path}: not a usable digest state database: {exc}") from None
        except BaseException:
            self.db.close()
            raise
        _make_private(self.path)

    # -- housekeeping -------------------------------------------------------

    def _check_version(self) -> int:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path}: schema version {version} is newer than this digest knows ({SCHEMA_VERSION}); "
                "upgrade digest (the file was left as it is)"
            )
        return version

    def _migrate(self) -> None:
        _migrate(self.db, self._check_version())

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
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: cannot write the state database: {exc}") from None
        self._in_tx = True
        try:
            yield self
        except BaseException as exc:
            self._in_tx = False
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StateError(f"{self.path}: {_sqlite_reason(exc)}; nothing of this run was saved") from None
            raise
        self._in_tx = False
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise StateError(f"{self.path}: {_sqlite_reason(exc)}; nothing of this run was saved") from None

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
        canon = canonical_url(url)
        return (
            canon is not None
            and self.db.execute("SELECT 1 FROM articles WHERE canonical_url = ? LIMIT 1", (canon,)).fetchone()
            is not None
        )

    def first_seen(self, article: Article) -> str | None:
        """The run date that first saw this report: same id, same canonical URL or the same text."""
        row = self.db.execute(
            "SELECT min(first_seen) FROM articles WHERE id = ? OR (canonical_url IS NOT NULL AND canonical_url = ?) "
            "OR content_hash = ?",
            (article.id, canonical_url(article.url), content_hash(article.text)),
        ).fetchone()
        return row[0] if row else None

    def stored_as(self, article: Article) -> tuple[str, str] | None:
        """(id, first_seen) of the stored row that is this article, if any.

        An article is its canonical URL, or, without one, its text: the same
        report read again from a moved folder, re-fetched, or edited at the
        same URL is the same article. The same text at another URL (a wire
        copy in a second outlet) is a second article.
        """
        canon = canonical_url(article.url)
        row = self.db.execute("SELECT id, first_seen FROM articles WHERE id = ?", (article.id,)).fetchone()
        if row is None and canon is not None:
            row = self.db.execute(
                "SELECT id, first_seen FROM articles WHERE canonical_url = ? ORDER BY first_seen, id LIMIT 1",
                (canon,),
            ).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT id, first_seen FROM articles WHERE content_hash = ? AND (canonical_url IS NULL OR ? IS NULL) "
                "ORDER BY first_seen, id LIMIT 1",
                (content_hash(article.text), canon),
            ).fetchone()
        return (row[0], row[1]) if row else None

    def record_article(self, article: Article, *, source: str, date: Date | str) -> str:
        """Remember the article unless it is already stored (see `stored_as`); return the date it was first seen."""
        known = self.stored_as(article)
        if known is not None:
            return known[1]
        seen = self.first_seen(article) or _day(date)
        self.db.execute(
            "INSERT INTO articles(id, url, canonical_url, content_hash, first_seen, source, title, published, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.url,
                canonical_url(article.url),
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

    # -- delivery -----------------------------------------------------------

    def delivered(self, date: Date | str, channel: str) -> bool:
        """Whether the digest of `date` was already sent through `channel` ("email")."""
        q = "SELECT 1 FROM deliveries WHERE date = ? AND channel = ?"
        return self.db.execute(q, (_day(date), channel)).fetchone() is not None

    def record_delivery(self, date: Date | str, channel: str, sha256: str) -> None:
        """Remember that the digest of `date` (its Markdown's hash) went out through `channel`."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO deliveries(date, channel, sha256, sent_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(date, channel) DO UPDATE SET sha256 = excluded.sha256, sent_at = excluded.sent_at",
                (_day(date), channel, sha256, datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def feed_id(self) -> str:
        """The Atom feed's id: a random URN made once with the state, so it survives moving the folder."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'feed_id'").fetchone()
        return str(row[0])

    def digest_dates(self, *, before: Date | str) -> list[Date]:
        """Dates of the digests written for days before `before`, newest first."""
        rows = self.db.execute("SELECT date FROM digests WHERE date < ? ORDER BY date DESC", (_day(before),))
        return [Date.fromisoformat(r[0]) for r in rows]

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

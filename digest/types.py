"""The plain, frozen records that flow from stage to stage.

Every stage takes and returns these, and nothing else, so that a stage can be
understood (and tested) without reading any other stage's code:

    ingest -> RawDocument -> clean -> Article -> dedupe -> Deduped
           -> cluster -> Story -> brief -> Briefing -> render
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

LEAD_WORDS = 20  # an article's lead: the words of its body after the title that say what it is about

# What ingest decided a document is, from its content (not only its name).
Shape = Literal["wordpress", "json", "html", "scraped", "text"]


def commonest_day(published: Iterable[datetime | None]) -> date | None:
    """The day a set of reports is about: their commonest publication day, the latest on a tie."""
    days = Counter(p.date() for p in published if p is not None)
    if not days:
        return None
    return max(days, key=lambda d: (days[d], d))


@dataclass(frozen=True)
class Problem:
    """One bad input: the file (or URL) and what is wrong with it, in one line."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass(frozen=True)
class RawDocument:
    """One document as read, before any cleaning.

    `origin` is the path or URL it came from; records inside a JSON list or a
    JSONL file get `path#N` (N counting from 1). `hints` carries metadata the
    container already knew (a feed entry's title, link, date; a JSON record's
    fields), which clean may use when the content itself does not say.
    """

    origin: str
    content: bytes
    shape: Shape
    fetched_at: datetime
    encoding: str = "utf-8"
    hints: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Dropped:
    """A block that clean removed, with a short reason code (see docs/clean.md)."""

    reason: str
    text: str


@dataclass(frozen=True)
class Article:
    """A cleaned news report: the text of the report and what is known about it."""

    id: str  # stable: hash of origin and normalised text
    origin: str  # path or URL it came from
    url: str | None
    outlet: str | None
    title: str | None
    author: str | None
    published: datetime | None  # timezone-aware (UTC when the source gave no zone)
    language: str | None  # ISO 639-1, e.g. "en"
    paragraphs: tuple[str, ...]
    sentences: tuple[str, ...]  # the paragraphs split into sentences, in order
    dropped: tuple[Dropped, ...] = ()
    fetched_at: datetime | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def title_and_lead(article: Article, words: int = LEAD_WORDS) -> str:
    """Title plus the first `words` words of the body: what a report is about, without the tail."""
    body: list[str] = []
    for sent in article.sentences or article.paragraphs:
        if len(body) >= words:
            break
        body.extend(sent.split()[: words - len(body)])
    title = (article.title or "").strip()
    lead = " ".join(body)
    if title and lead:
        return f"{title}. {lead}"
    return title or lead


def content_key(article: Article) -> str:
    """A key of the report's own words (title and text): reports that tie on date are put in the
    same order wherever their files lie. `id` hashes the origin too, so ordering by it alone made
    the source numbers, and with them the briefing, depend on the folder a pile was copied to."""
    h = hashlib.blake2b(f"{article.title or ''}\n{article.text}".encode(), digest_size=8)
    return h.hexdigest()


def story_content_key(story: Story) -> str:
    """The smallest content_key of a story's articles: stories that tie on size and date are listed
    in the same order wherever their files lie (`id` hashes paths)."""
    return min((content_key(a) for a in story.articles), default="")


def story_id(article_ids: Iterable[str]) -> str:
    """A story's stable id: a hash of the sorted ids of its canonical articles."""
    h = hashlib.blake2b("\n".join(sorted(article_ids)).encode("utf-8"), digest_size=6)
    return "s-" + h.hexdigest()


@dataclass(frozen=True)
class Duplicate:
    """An article folded into another because it is the same report."""

    article: Article
    of: str  # id of the canonical Article
    kind: Literal["exact", "near"]
    similarity: float  # estimated Jaccard similarity of word shingles (1.0 for exact)


@dataclass(frozen=True)
class Deduped:
    """Dedupe's result: the canonical articles and what was folded into them."""

    articles: tuple[Article, ...]
    duplicates: tuple[Duplicate, ...]


@dataclass(frozen=True)
class Story:
    """Articles about one event or development, with the reasons they were grouped."""

    id: str  # stable: derived from the member articles' ids
    label: str  # provisional label: the most central title
    articles: tuple[Article, ...]  # canonical articles, oldest first
    duplicates: tuple[Duplicate, ...]  # duplicates of those articles
    why: tuple[str, ...]  # entities and terms the members share
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class ThreadLink:
    """`later` continues `earlier`: a development of one thread, or a story told again on a later day."""

    earlier: str  # story id
    later: str  # story id
    similarity: float  # cosine of the two stories' centres
    why: tuple[str, ...] = ()  # names both stories are about


@dataclass(frozen=True)
class Source:
    """A numbered source of a briefing; [n] in the text refers to `n`."""

    n: int
    article_id: str
    path: str
    url: str | None
    outlet: str | None
    title: str | None
    published: datetime | None
    duplicates: tuple[str, ...] = ()  # origins of copies folded into this source
    opening: str = ""  # the article's first words, to recognise a source that has no title


@dataclass(frozen=True)
class BriefSentence:
    text: str
    citations: tuple[int, ...]
    written_by: Literal["model", "source"]


@dataclass(frozen=True)
class Side:
    value: str
    citations: tuple[int, ...]
    reported_at: datetime | None = None  # an update's side: when its earliest source published it


@dataclass(frozen=True)
class Disagreement:
    """Sources that give different values for the same thing."""

    about: str
    kind: Literal["number", "name", "date", "claim"]
    # minor: a spelling variant of the same name; update: a later report revises an earlier
    # figure (a death toll rising over the day), sides oldest first
    severity: Literal["disagreement", "minor", "update"]
    sides: tuple[Side, ...]


@dataclass(frozen=True)
class TimelineEvent:
    date: str  # ISO date, YYYY-MM-DD (for a week: its Monday)
    text: str
    citations: tuple[int, ...]
    precision: Literal["day", "week"] = "day"  # "last week" names a week, not a day


@dataclass(frozen=True)
class OnlyIn:
    text: str
    citation: int


@dataclass(frozen=True)
class Briefing:
    """One story, told once, with every sentence cited and checked."""

    story_id: str
    headline: str
    headline_by: Literal["model", "source"]
    sentences: tuple[BriefSentence, ...]
    sources: tuple[Source, ...]
    disagreements: tuple[Disagreement, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    only_in: tuple[OnlyIn, ...] = ()
    duplicates: tuple[Duplicate, ...] = field(default=(), repr=False)
    model_calls: int = 0  # generator calls spent on this story
    model_limited: bool = False  # a call limit (per story or per run) stopped model work on it


@dataclass(frozen=True)
class DigestStory:
    """One story of a digest: its briefing and, in a daily digest, how it relates to earlier days."""

    briefing: Briefing
    status: Literal["new", "updated"] | None = None  # None outside `digest daily`
    first_seen: date | None = None  # the day a daily digest first reported it
    earlier: date | None = None  # the last earlier digest that told it (updated stories)


@dataclass(frozen=True)
class Digest:
    """Everything a renderer needs: the stories and what to say around them."""

    title: str
    generated_at: datetime
    model: str
    stories: tuple[DigestStory, ...]
    day: date | None = None  # a daily digest's day
    intro: str | None = None
    new_articles: int | None = None  # daily: articles first seen that day
    problems: tuple[Problem, ...] = ()

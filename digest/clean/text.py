"""The text cleaner: keep the report, drop the page around it, and say why.

Scraped pages and pasted reports arrive as lines. Each block (a line, or a
hard-wrapped paragraph joined back together) is classified by small,
readable rules into "report" or a drop with a reason code (docs/clean.md).
Then the page is read as zones:

    header (menus, title, byline, date)  |  report  |  trailer (related, footer)

The report zone is the longest run of paragraph-like blocks ("anchors": real
sentences with ordinary function words). Everything before it is header,
everything after it is trailer; short blocks inside it are headings or debris.
Metadata lines (title, byline, dateline) are moved into `meta`, not lost.
Finally `segments.find_appended` cuts a tail that is not part of the report.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np

from digest.clean import metadata
from digest.clean.model import line_features, report_probability
from digest.clean.rules import (
    AUTHOR_BIO,
    BREADCRUMB_SEP,
    BULLET,
    CATEGORY_LINE,
    CODE,
    COMMENT_BUTTON,
    COMMENT_COUNT,
    COMMENT_SIGNATURE,
    COMMENT_STAMP,
    COMMENTS_HEADINGS,
    ELLIPSIS_END,
    MARKUP_TAG,
    READ_MORE_LABELS,
    REASONS,
    RELATED_HEADINGS,
    SENTENCE_END,
    TERMINAL,
    TRAILING_SHARE,
    TWEET_END,
    WORD,
    block_key,
    reason_for,
)
from digest.clean.segments import find_appended
from digest.clean.vocabulary import STOPWORDS, unspaced_chars
from digest.types import Dropped

__all__ = ["TextResult", "clean_text", "REASONS"]


@dataclass(frozen=True)
class TextResult:
    """What clean_text found: the report's paragraphs, what it dropped and why, and metadata."""

    paragraphs: tuple[str, ...]
    dropped: tuple[Dropped, ...]
    meta: dict[str, str] = field(default_factory=dict, hash=False)
    headings: tuple[bool, ...] = ()  # per paragraph: a subheading of the report, not a sentence


# Zone tuning (checked on the dev pages, see docs/clean.md): chrome blocks allowed between two
# prose blocks of one report, and how big the first prose run must be, relative to the biggest.
_MAX_GAP = 8
_FIRST_RUN_SHARE = 0.4
# A paragraph this long after a "Related"/"Read also" box means the article goes on.
_RESUME_WORDS = 20
# Short sentences just above or below the report that are taken into it (see _extend_run).
_EXTEND_BLOCKS = 3
# An author note is looked for among this many last kept blocks.
_BIO_WINDOW = 5
# An outlet line is looked for among this many first lines (a masthead sits at the top).
_OUTLET_LINES = 4
# Two columns of a layout side by side: words apart by this many spaces (prose has one or two).
_COLUMN_GAP = re.compile(r"\S {3,}\S")
_CELL = re.compile(r"\S+(?: {1,2}\S+)*")
# A block starting this many characters left or right of the report's paragraphs is in another column.
_SIDE_COLUMN = 20
# A thread of readers' comments: this many signatures ("Rand says:", "Reply") make one; a
# commenter's name line is short; the thread's own heading or count sits a few blocks above it.
_THREAD_SIGNATURES = 3
_SIGNATURE_WORDS = 12
_THREAD_LABEL_WINDOW = 6


@dataclass
class _Block:
    text: str
    gap_before: int  # blank lines before this block in the source
    bullet: bool
    markup: str = ""  # tags removed from this block
    reason: str | None = None  # drop reason, None while undecided / kept
    kind: str = ""  # "body" | "heading" after the zone pass
    strong: bool = False  # reason came from a specific rule (not a zone default)
    share_tail: str = ""  # a " Share" button label cut off the end of the block
    indent: int = 0  # the character offset the block starts at (its column in a laid-out page)


# ---------------------------------------------------------------------------


def clean_text(
    text: str, *, title: str | None = None, trusted: bool = False, reference: datetime | None = None
) -> TextResult:
    """Classify the blocks of scraped or pasted text; keep the report's paragraphs.

    `title`, when the caller already knows it, is removed from the text as `title`.
    `trusted=True` says the text is already an article body (WordPress content,
    trafilatura's output, a JSON record): no header or trailer zone is cut, only
    blocks that a rule names (share, related, embed, ...) are dropped.
    `reference` (when the text was fetched) gives the year to a wire dateline's "Nov 5".
    Works on any web-page text (English, German, ...), not only on the seeds.
    """
    meta: dict[str, str] = {}
    blocks = _split_blocks(_normalise(text))
    extra: list[tuple[int, Dropped]] = []  # drops cut out of kept blocks (prefixes, " Share")

    for block in blocks:
        _classify(block)

    _mark_zones(blocks, trusted)
    if not trusted:
        _apply_line_model(blocks)
    _find_title(blocks, title, meta)
    _find_byline_and_date(blocks, meta, extra, reference)
    _mark_embeds(blocks)
    _mark_duplicates(blocks)
    _mark_author_bio(blocks)
    outlet = _find_outlet(blocks)
    if outlet:
        meta["outlet"] = outlet

    kept_index = [i for i, b in enumerate(blocks) if b.reason is None]
    start = find_appended(
        [blocks[i].text for i in kept_index], [blocks[i].kind == "heading" for i in kept_index], topic_shift=not trusted
    )
    if start is not None:
        for i in kept_index[start:]:
            blocks[i].reason = "appended"

    paragraphs: list[str] = []
    headings: list[bool] = []
    dropped: list[tuple[int, Dropped]] = list(extra)
    for i, block in enumerate(blocks):
        if block.reason is None:
            if block.markup:
                dropped.append((i, Dropped("markup", block.markup)))
            paragraphs.append(block.text)
            headings.append(block.kind == "heading")
        else:
            dropped.append((i, Dropped(block.reason, block.text)))
        if block.share_tail:
            dropped.append((i, Dropped("share", block.share_tail)))
    dropped.sort(key=lambda item: item[0])
    return TextResult(tuple(paragraphs), tuple(d for _, d in dropped), meta, tuple(headings))


def _apply_line_model(blocks: list[_Block]) -> None:
    """The learned line model has the last word on every block no rule named.

    The zones above give the reason a dropped block is shown with; the model decides
    whether it is dropped. Its features are those of `line_analysis` (the rule table's
    verdicts, not the zones'), as in training.
    """
    if not blocks:
        return
    features = line_features(
        [b.text for b in blocks],
        [b.gap_before for b in blocks],
        [b.reason if b.strong else None for b in blocks],
        [b.bullet for b in blocks],
    )
    chars = np.asarray([len(b.text) for b in blocks], dtype=np.float64)
    verdict = report_probability("text", features, chars)
    if verdict is None:
        return
    probability, threshold = verdict
    kept = [i for i, p in enumerate(probability) if p >= threshold and not blocks[i].strong]
    first, last = (kept[0], kept[-1]) if kept else (len(blocks), -1)
    trailer = "navigation"
    for i, (block, p) in enumerate(zip(blocks, probability)):
        if block.strong:
            if i > last and block.reason in ("related", "footer", "comments"):
                trailer = block.reason
            continue
        if p >= threshold:
            block.reason = None
            if not block.kind:
                block.kind = "heading" if _is_heading(block.text) and not TERMINAL.search(block.text) else "body"
        elif block.reason is None:
            block.reason = "navigation" if i < first else (trailer if i > last else "fragment")


# ---------------------------------------------------------------------------
# Reading the text into blocks.


def _normalise(text: str) -> str:
    """Undo HTML entities, odd spaces and line endings; why: scraped text carries all of them."""
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\u2009\u200a\t]", " ", text)
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    return text


def _split_blocks(text: str) -> list[_Block]:
    """Lines become blocks; hard-wrapped lines of one paragraph are joined back together."""
    groups: list[tuple[int, list[str], list[int]]] = []
    gap = 0
    current: list[str] = []
    indents: list[int] = []
    for indent, raw_line in _read_columns(text.split("\n")):
        line = raw_line.strip()
        if not line:
            if current:
                groups.append((gap, current, indents))
                current, indents = [], []
                gap = 0
            gap += 1
            continue
        current.append(line)
        indents.append(indent)
    if current:
        groups.append((gap, current, indents))

    blocks: list[_Block] = []
    for gap, lines, starts in groups:
        for j, (first, line) in enumerate(_unwrap(lines)):
            markup = " ".join(m.group(0) for m in MARKUP_TAG.finditer(line))
            stripped = re.sub(r"\s+", " ", MARKUP_TAG.sub(" ", line)).strip() if markup else line
            share = TRAILING_SHARE.search(stripped)
            share_tail = ""
            if share and len(_words(stripped)) > 3:
                share_tail = share.group(0).strip()
                stripped = stripped[: share.start()].rstrip()
            bullet = bool(BULLET.match(stripped))
            if bullet:
                stripped = BULLET.sub("", stripped, count=1)
            block = _Block(stripped, gap if j == 0 else 0, bullet, markup, share_tail=share_tail, indent=starts[first])
            if not WORD.search(stripped):
                block.reason = "markup" if markup else "fragment"
                block.strong = bool(markup)
                block.text = line
            blocks.append(block)
    return blocks


def _read_columns(lines: list[str]) -> list[tuple[int, str]]:
    """Text laid out in columns side by side (a page's layout table rendered to text) is read
    one column after the other; why: a line that runs a menu cell into the report's sentence
    is neither, and the cleaner can only keep or drop whole lines.

    A column gap is a run of three or more spaces between two words; the cells of a run of
    non-blank lines are put in order of the column they start at, then of their line.
    Each line comes with the character offset it starts at (its column on the page).
    """
    if not any(_has_columns(line) for line in lines):
        return [(len(line) - len(line.lstrip()), line) for line in lines]
    out: list[tuple[int, str]] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            run.append(line)
            continue
        if any(_has_columns(x) for x in run):
            cells = [[(m.start(), m.group(0)) for m in _CELL.finditer(x)] for x in run]
            # A column starts where a cell follows a gap; a line's first cell, however indented,
            # belongs to the column it starts in.
            starts = sorted({offset for row in cells for offset, _ in row[1:]})
            ordered = [
                (bisect_right(starts, offset), n, offset, text) for n, row in enumerate(cells) for offset, text in row
            ]
            out.extend((offset, text) for _, _, offset, text in sorted(ordered))
        else:
            out.extend((len(x) - len(x.lstrip()), x) for x in run)
        out.append((0, line))
        run = []
    return out[:-1]


def _has_columns(line: str) -> bool:
    """Words on both sides of a wide gap; why: code and aligned prompts ("...     return x") are
    indented by wide gaps too, but they are one line."""
    line = line.strip()
    gap = _COLUMN_GAP.search(line)
    return bool(gap and WORD.search(line[: gap.start() + 1]) and WORD.search(line[gap.end() - 1 :])) and not _is_code(
        line
    )


def _unwrap(lines: list[str]) -> list[tuple[int, str]]:
    """Join lines that are one paragraph wrapped at a fixed width (plain-text e-mail style).

    Each paragraph comes with the index of its first line.
    """
    if len(lines) < 2:
        return list(enumerate(lines))
    lengths = [len(x) for x in lines[:-1]]
    widest = max(lengths)
    wrapped = (
        len(lines) >= 3
        and 50 <= widest <= 100
        and sum(1 for n in lengths if n >= 0.7 * widest) >= 0.8 * len(lengths)
        and not any(BULLET.match(x) for x in lines)
        and any(x[:1].islower() for x in lines[1:])  # wrapped prose continues mid-sentence somewhere
    )
    out: list[str] = [lines[0]]
    firsts = [0]
    for n, line in enumerate(lines[1:], start=1):
        prev = out[-1]
        soft = (len(prev) >= 50 and line[:1].islower() and not TERMINAL.search(prev)) or (
            prev.endswith("-") and line[:1].islower()
        )
        if wrapped or soft:
            out[-1] = prev[:-1] + line if prev.endswith("-") and line[:1].islower() else prev + " " + line
        else:
            out.append(line)
            firsts.append(n)
    return list(zip(firsts, out))


# ---------------------------------------------------------------------------
# Rules for one block.


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    return block_key(text)


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    """The words of a block; in scripts written without spaces, every two characters count as one.

    Cached: the zone passes ask for the same blocks' words many times.
    """
    words = WORD.findall(text)
    unspaced = unspaced_chars(text)
    if unspaced:
        words = [w for w in words if not unspaced_chars(w)] + [""] * (unspaced // 2)
    return tuple(words)


def _stopword_ratio(words: Sequence[str]) -> float:
    if not words:
        return 0.0
    return sum(map(STOPWORDS.__contains__, map(str.casefold, words))) / len(words)


def _classify(block: _Block) -> None:
    """Give a block a drop reason by its own content (the rule table), or leave it undecided."""
    if block.reason:
        return
    reason = reason_for(block.text)
    if reason:
        block.reason = reason
        block.strong = True


def _is_anchor(block: _Block, prose_language: bool) -> bool:
    """A block that reads as report prose: a real sentence with ordinary function words."""
    if block.reason is not None:
        return False
    words = _words(block.text)
    if len(words) < 10:
        return False
    ends = bool(TERMINAL.search(block.text)) or len(SENTENCE_END.findall(block.text)) >= 1
    if not ends:
        return False
    if ELLIPSIS_END.search(block.text) and len(words) < 45:
        return False  # teaser snippets are cut off with "..."
    return not (prose_language and _stopword_ratio(words) < 0.12)


def _is_heading(text: str) -> bool:
    words = _words(text)
    if not 2 <= len(words) <= 25 or sum(1 for w in words if len(w) >= 3) < len(words) / 2:
        return False
    first = text.lstrip("\"'“„«‘(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    return not (text.rstrip().endswith((".", ",", ";")) and not text.rstrip().endswith("..."))


# ---------------------------------------------------------------------------
# Zones: header | report | trailer.


def _mark_zones(blocks: list[_Block], trusted: bool = False) -> None:
    all_words = [w for b in blocks for w in _words(b.text)]
    prose_language = _stopword_ratio(all_words) >= 0.08

    # A "Related posts" or comments heading opens a zone that lasts until the report resumes.
    zone_reason: str | None = None
    anchors_seen = 0
    for i, block in enumerate(blocks):
        if block.reason in ("related", "comments") and _is_section_heading(block.text):
            # A comments link above the report ("Leave a reply") opens nothing.
            if block.reason == "related" or anchors_seen >= 2:
                zone_reason = block.reason
            continue
        if zone_reason is None and _is_anchor(block, prose_language):
            anchors_seen += 1
        if zone_reason is None:
            continue
        if (
            zone_reason == "related"
            and _is_anchor(block, prose_language)
            and _report_resumes(blocks, i, prose_language)
        ):
            zone_reason = None
            continue
        if block.reason is None:
            block.reason = zone_reason

    if trusted:  # the body is given: it runs from the first block no rule named to the last
        anchors = [i for i, b in enumerate(blocks) if b.reason is None]
        if not anchors:
            return
        start, end = anchors[0], anchors[-1]
    elif not (anchors := [i for i, b in enumerate(blocks) if _is_anchor(b, prose_language)]):
        # No prose at all: keep sentence-like blocks, drop the rest as debris.
        for block in blocks:
            if block.reason is None and not (TERMINAL.search(block.text) and len(_words(block.text)) >= 4):
                block.reason = "navigation" if block.bullet or len(_words(block.text)) <= 3 else "fragment"
        return

    else:
        start, end = _main_run(blocks, anchors)
        start, end = _extend_run(blocks, start, end, prose_language)
        start = _take_standfirst(blocks, start)
        thread = _comment_thread_start(blocks, start, end, prose_language)
        if thread is not None:
            for block in blocks[thread:]:
                if block.reason is None:
                    block.reason = "comments"
            end = thread - 1

    # Header: everything above the report is page chrome unless a later pass claims it as metadata.
    for block in blocks[:start]:
        if block.reason is None:
            block.reason = "navigation"
            block.kind = "header"

    # Report zone: prose is kept, headings are marked, debris is dropped.
    indents = Counter(b.indent for b in blocks[start : end + 1] if _is_anchor(b, prose_language))
    column = indents.most_common(1)[0][0] if indents else None
    for block in blocks[start : end + 1]:
        if block.reason is not None:
            continue
        if _beside(block, column):
            block.reason = "navigation"  # a sidebar laid out beside the report
            continue
        words = _words(block.text)
        if block.bullet and len(words) <= 2:
            block.reason = "navigation"
        elif TERMINAL.search(block.text) and len(words) >= 3 and not ELLIPSIS_END.search(block.text):
            block.kind = "body"
        elif words and re.search(r"\w[!?]['\"”’»)]*$", block.text) and not block.bullet:
            block.kind = "body"  # "Surprise!", "Why?": a short exclamation or question between paragraphs
        elif re.match(r"^(?:by|von)\s", block.text, re.I) and metadata.parse_byline(block.text):
            block.reason = "byline"  # a second author line inside the report ("By Nada Tawfik, BBC News")
        elif _is_heading(block.text) and not block.bullet:
            block.kind = "heading"
        elif len(words) >= 12 and _stopword_ratio(words) >= 0.12 or block.bullet and len(words) >= 3:
            block.kind = "body"
        elif _is_code(block.text):
            block.kind = "body"  # an example quoted in a report about software
        elif CATEGORY_LINE.match(block.text):
            block.reason = "tags"
        elif trusted:
            block.kind = "body"
        else:
            block.reason = "fragment"

    # Trailer: related teasers, footers and menus. The reason follows the last section seen.
    trailer_reason = "navigation"
    for block in blocks[end + 1 :]:
        if block.reason in ("related", "footer", "comments"):
            trailer_reason = block.reason
        elif block.reason is None:
            block.reason = "navigation" if block.bullet else trailer_reason


def _is_comment_signature(block: _Block) -> bool:
    """A commenter's name line ("Rand says:", "Tim W 11.06.12 at 11:06 am") or a button under a comment ("Reply")."""
    key = _key(block.text)
    if COMMENT_BUTTON.match(key):
        return True
    return len(_words(block.text)) <= _SIGNATURE_WORDS and bool(
        COMMENT_SIGNATURE.match(block.text) or COMMENT_STAMP.match(block.text)
    )


def _comment_thread_start(blocks: list[_Block], start: int, end: int, prose_language: bool) -> int | None:
    """Where a thread of readers' comments begins inside the prose run, or None.

    Comments are prose too, so the longest prose run often runs on into them. A thread is
    told by its repeated signatures: at least three commenter lines or reply buttons after
    two paragraphs of report. It begins at its first signature, or at the comment count or
    comments heading just above it ("Comments (408)").
    """
    signatures = [i for i in range(start + 1, len(blocks)) if _is_comment_signature(blocks[i])]
    if len(signatures) < _THREAD_SIGNATURES or signatures[0] > end:
        return None
    first = signatures[0]
    if sum(1 for b in blocks[start:first] if _is_anchor(b, prose_language)) < 2:
        return None
    cut = first
    for j in range(first - 1, max(start, first - _THREAD_LABEL_WINDOW), -1):
        key = _key(blocks[j].text)
        if blocks[j].reason == "comments" or COMMENT_COUNT.match(key):
            cut = j
            break
    return cut


def _is_section_heading(text: str) -> bool:
    key = _key(text)
    return bool(RELATED_HEADINGS.match(key) or COMMENTS_HEADINGS.match(key))


def _report_resumes(blocks: list[_Block], i: int, prose_language: bool) -> bool:
    """After a 'Related' box, the report goes on only if solid prose follows at once.

    Readers' comments never end: a comments zone runs to the end of the page.
    """
    following = [b for b in blocks[i : i + 4] if b.reason is None][:3]
    if len(_words(blocks[i].text)) >= _RESUME_WORDS and not _is_teaser_summary(blocks, i):
        return True  # one solid paragraph: the box was a teaser inside the article
    if len(following) >= 2 and all(_is_anchor(b, prose_language) for b in following[:2]):
        if sum(len(_words(b.text)) for b in following[:2]) >= 50:
            return True
        return len(following) == 3 and _is_anchor(following[2], prose_language)
    return False


def _is_code(text: str) -> bool:
    """A line of program code or shell: reports about software quote it between their paragraphs."""
    return bool(CODE.search(text))


def _reads_as_content(block: _Block) -> bool:
    """A short block that reads like part of a text (a short sentence, a line introducing an
    example, a line of code), not like a menu entry or link label."""
    text = block.text
    if ELLIPSIS_END.search(text):
        return False
    words = _words(text)
    if TERMINAL.search(text) and len(words) >= 2:
        return True
    return _is_code(text)


def _gap_weight(block: _Block) -> int:
    """How much a block between two prose blocks speaks for a break in the report.

    Blocks explained by a specific rule (captions, share buttons), bylines and datelines sit
    inside reports all the time, and so do short sentences, example lines and code: none of
    them counts. Unexplained short lines (menu entries, link labels) do.
    """
    if block.strong or _reads_as_content(block):
        return 0
    if metadata.is_dateline(block.text) or metadata.parse_byline(block.text) is not None:
        return 0
    return 1


def _extend_run(blocks: list[_Block], start: int, end: int, prose_language: bool) -> tuple[int, int]:
    """Widen the report by the short sentences just around it.

    A lead too short to be an anchor above the first paragraph ("What happened:"), or a
    closing sentence ("I hope you like it.") below the last one, is part of the report;
    the first menu entry or link label on the way out stops the widening. Below the report
    only full stops and "!" count: "Want more?" and "Share this:" are prompts.
    Blocks explained by a rule (share, captions, dates, bylines) are stepped over.
    """

    def reads_as_sentence(block: _Block, ends: str, min_words: int) -> bool:
        text = block.text.rstrip("'\"”“’»«)] ")
        words = _words(block.text)
        if block.reason is not None or len(words) < min_words or not text.endswith(tuple(ends)):
            return False
        if ELLIPSIS_END.search(block.text):
            return False
        return not prose_language or _stopword_ratio(words) >= 0.1

    def step_over(block: _Block) -> bool:
        return block.strong or metadata.is_dateline(block.text) or metadata.parse_byline(block.text) is not None

    i, taken = start - 1, 0
    while i >= 0 and taken < _EXTEND_BLOCKS:
        if step_over(blocks[i]):
            i -= 1
            continue
        if not reads_as_sentence(blocks[i], ".!:", 5):
            break
        start, taken = i, taken + 1
        i -= 1
    i, taken = end + 1, 0
    while i < len(blocks) and taken < _EXTEND_BLOCKS:
        if step_over(blocks[i]):
            i += 1
            continue
        if not reads_as_sentence(blocks[i], ".!", 4):
            break
        end, taken = i, taken + 1
        i += 1
    return start, end


def _take_standfirst(blocks: list[_Block], start: int) -> int:
    """Move the report's start up to a standfirst: the summary line under the headline.

    It is a sentence without the final full stop, so it is no anchor; it is told from the
    headline by coming after another headline-like line (the title stays metadata).
    """
    i = start - 1
    while i >= 0 and (blocks[i].strong or metadata.is_dateline(blocks[i].text)):
        i -= 1
    if i < 1:
        return start
    block = blocks[i]
    words = _words(block.text)
    if block.reason is not None or block.bullet or len(words) < 8 or ELLIPSIS_END.search(block.text):
        return start
    if _stopword_ratio(words) < 0.15:
        return start
    for above in blocks[max(0, i - 4) : i]:
        if above.reason is None and not above.bullet and len(_words(above.text)) >= 4 and _is_heading(above.text):
            return i
    return start


def _is_teaser_summary(blocks: list[_Block], i: int) -> bool:
    """A paragraph followed by a "Read more" link is the summary of another article."""
    for block in blocks[i + 1 : i + 4]:
        if block.reason in ("share", "fragment", "markup"):
            continue
        return _key(block.text) in READ_MORE_LABELS
    return False


def _beside(block: _Block, column: int | None) -> bool:
    """A block of a column beside the report's (a sidebar laid out next to it), not in its way."""
    return column is not None and abs(block.indent - column) >= _SIDE_COLUMN


def _main_run(blocks: list[_Block], anchors: list[int]) -> tuple[int, int]:
    """The run of anchors with the most words, allowing short gaps of chrome between them.

    Blocks already explained by a specific rule (captions, bylines, share buttons)
    do not count as a gap: they sit inside reports all the time.
    """
    runs: list[list[int]] = [[anchors[0]]]
    for a, b in zip(anchors, anchors[1:]):
        column = blocks[a].indent if blocks[a].indent == blocks[b].indent else None
        gap = sum(_gap_weight(blk) for blk in blocks[a + 1 : b] if not _beside(blk, column))
        if gap > _MAX_GAP:
            runs.append([b])
        else:
            runs[-1].append(b)
    # The report comes first on a page: take the first run that is nearly as big as the
    # biggest, so that a long sidebar or a comment thread below does not win.
    sizes = [sum(len(_words(blocks[i].text)) for i in run) for run in runs]
    best = next(run for run, size in zip(runs, sizes) if size >= _FIRST_RUN_SHARE * max(sizes))
    return best[0], best[-1]


# ---------------------------------------------------------------------------
# Metadata lines: title, byline, dateline.


def _find_title(blocks: list[_Block], title: str | None, meta: dict[str, str]) -> None:
    """Mark the headline as `title` (and remember it). A known title wins; else the page's own."""
    found = title.strip() if title else None
    if found is None:
        found = _title_from_page(blocks)
    if not found:
        return
    meta["title"] = found
    wanted = _key(found)
    for block in blocks:
        if _key(block.text) == wanted and (block.reason is None or block.reason in ("navigation", "fragment")):
            block.reason = "title"
            block.kind = ""


def _title_from_page(blocks: list[_Block]) -> str | None:
    """A breadcrumb's last crumb repeated as a line, else the last heading-like line above the report."""
    for i, block in enumerate(blocks):
        if block.reason == "navigation" and BREADCRUMB_SEP.search(block.text):
            crumb = BREADCRUMB_SEP.split(block.text)[-1].strip()
            if len(_words(crumb)) >= 3 and any(_key(b.text) == _key(crumb) for b in blocks[i + 1 : i + 6]):
                return crumb
    first_report = next((i for i, b in enumerate(blocks) if b.reason is None), None)
    if first_report is None:
        return None
    for block in reversed(blocks[:first_report]):
        if block.kind != "header" or block.bullet:
            continue
        words = _words(block.text)
        if (
            len(words) >= 4
            and _is_heading(block.text)
            and not metadata.is_dateline(block.text)
            and metadata.parse_byline(block.text) is None
            and metadata.outlet_and_date(block.text) is None
        ):
            return block.text
    return None


def _find_byline_and_date(
    blocks: list[_Block], meta: dict[str, str], extra: list[tuple[int, Dropped]], reference: datetime | None = None
) -> None:
    """Metadata lines in the header or the first lines of the report become metadata.

    Accepted layouts (docs/clean.md): an outlet line ("Dunmore Herald", "TechDaily"), an
    outlet-and-date line ("The Business Post, 6 November 2024"), a byline ("By Jane Doe"),
    a date line ("4 November 2024", "Updated 12:30"), a date prefix ("date 2024-11-04 ..."),
    and a wire dateline opening the first paragraph ("HARLOW CREEK, Nov 5 (Newswire) - ...").
    """
    first_report = next((i for i, b in enumerate(blocks) if b.reason is None), len(blocks))
    title_at = next((i for i, b in enumerate(blocks) if b.reason == "title"), -1)
    top = first_report + 6  # a byline/date often sits just below the standfirst
    date_candidates: list[tuple[int, str]] = []
    wire_checked = False
    wire_date: datetime | None = None
    lines_seen = 0
    for i, block in enumerate(blocks[:top]):
        lines_seen += 1
        if block.reason == "boilerplate" and metadata.is_dateline(block.text):
            # "Updated: November 5, 2024 9:30 p.m. EST" is dropped as chrome, and still dates the report
            block.reason = "dateline"
            date_candidates.append((i, block.text))
            continue
        if block.reason not in (None, "navigation", "fragment", "tags", "byline"):
            continue
        if block.reason is None and block.kind == "body":
            found = metadata.split_dateline_prefix(block.text)
            if found is not None and "published" not in meta:
                when, prefix, rest = found
                meta["published"] = when.isoformat()
                extra.append((i, Dropped("dateline", prefix)))
                block.text = rest
            if not wire_checked:
                wire_checked = True
                wire = metadata.wire_dateline(block.text, reference)
                if wire is not None:
                    wire_prefix, wire_rest, agency, wire_date = wire
                    extra.append((i, Dropped("dateline", wire_prefix)))
                    block.text = wire_rest
                    if agency:
                        meta.setdefault("agency", agency)
            if len(_words(block.text)) > 16:
                continue
        author = metadata.parse_byline(block.text)
        if author is not None:
            meta.setdefault("author", author)
            block.reason = "byline"
            block.kind = ""
            continue
        named = metadata.outlet_and_date(block.text)
        if named is not None:
            meta.setdefault("outlet", named[0])
            block.reason = "dateline"
            block.kind = ""
            date_candidates.insert(0, (i, block.text))
            continue
        if metadata.is_dateline(block.text):
            block.reason = "dateline"
            block.kind = ""
            date_candidates.append((i, block.text))
            continue
        if lines_seen <= _OUTLET_LINES and i < first_report + 1 and "outlet" not in meta:
            outlet = metadata.outlet_line(block.text)
            if outlet is not None and block.kind != "body":
                meta["outlet"] = outlet
                block.reason = "dateline"
                block.kind = ""
                continue
        if block.reason == "navigation" and CATEGORY_LINE.match(block.text) and i > title_at >= 0:
            block.reason = "tags"
    if "published" not in meta and date_candidates:
        named_first = [c for c in date_candidates if metadata.outlet_and_date(c[1]) is not None]
        after_title = named_first or [c for c in date_candidates if c[0] > title_at] or date_candidates
        dated = metadata.find_date(after_title[0][1])
        if dated is not None:
            meta["published"] = dated[0].isoformat()
    if "published" not in meta and wire_date is not None:
        meta["published"] = wire_date.isoformat()


_OUTLET_CLAIM = re.compile(
    r"^(?P<name>[A-Z][\w.&' -]{1,40}?)\s+is\s+a\s+registered\s+(?:newspaper|magazine|trademark|news)"
    r"|^(?:copyright\s*)?(?:©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*[-–,]?\s*(?P<name2>[A-Z][\w.&' -]{1,40}?)\s*(?:[.,|]|$)",
    re.I,
)
_COMPANY_SUFFIX = re.compile(
    r"\b(?:s\.?p\.?a|s\.?r\.?l|gmbh|ag|ltd|inc|llc|plc|corp|co\.?\s*kg|se|sa|nv|bv)\b\.?", re.I
)


def _find_outlet(blocks: list[_Block]) -> str | None:
    """The site's name as a footer states it ("Eunews is a registered newspaper", "© 2024 Der Spiegel")."""
    for block in blocks:
        if block.reason != "footer":
            continue
        match = _OUTLET_CLAIM.search(block.text)
        if not match:
            continue
        name = (match.group("name") or match.group("name2") or "").strip(" -–,.")
        if name and not _COMPANY_SUFFIX.search(name) and 1 <= len(name.split()) <= 4 and not name[:1].isdigit():
            return name
    return None


# ---------------------------------------------------------------------------
# Embeds and duplicates.


def _sentence_keys(text: str) -> set[str]:
    parts = re.split(r"(?<=[.!?])\s+", text)
    return {_key(p.replace("’", "'")) for p in parts if len(_words(p)) >= 4}


def _mark_embeds(blocks: list[_Block]) -> None:
    """A tweet embed ends with its attribution; the lines just above it are the tweet's text.

    They belong to the embed when an unusual gap (two or more blank lines) joins them
    to it, or when they repeat sentences the report already quoted.
    """
    # `earlier` (the sentences of the kept blocks above the one looked at) is kept as counts
    # updated in passing, not rebuilt for every block: rebuilding it made a long text with
    # many embeds take minutes (issue 15). Each block is walked back over at most once.
    # Only blocks up to the last embed can be claimed (blocks above an embed): the counts
    # past it, and all of them in a text without an embed, would never be read.
    last = max((i for i, b in enumerate(blocks) if b.reason == "embed" and TWEET_END.search(b.text)), default=-1)
    earlier: Counter[str] = Counter()
    keys: dict[int, set[str]] = {}

    def keys_of(k: int) -> set[str]:
        if k not in keys:
            keys[k] = _sentence_keys(blocks[k].text)
        return keys[k]

    for i, block in enumerate(blocks[: last + 1]):
        if block.reason == "embed" and TWEET_END.search(block.text):
            j = i
            while j > 0:
                prev = blocks[j - 1]
                if prev.reason is not None or prev.kind == "heading":
                    break
                own = keys_of(j - 1)
                earlier.subtract(own)  # now: the kept blocks before prev
                repeats = {k for k in own if earlier[k] > 0}
                if blocks[j].gap_before >= 2 or repeats:
                    prev.reason = "embed"
                    j -= 1
                else:
                    earlier.update(own)
                    break
        if block.reason is None:
            earlier.update(keys_of(i))


def _mark_author_bio(blocks: list[_Block]) -> None:
    """A short note about the author among the last kept blocks is not part of the report."""
    kept = [b for b in blocks if b.reason is None and b.kind != "heading"]
    for block in kept[-_BIO_WINDOW:]:
        if len(_words(block.text)) <= 70 and AUTHOR_BIO.match(block.text):
            block.reason = "bio"


def _mark_duplicates(blocks: list[_Block]) -> None:
    """A kept block seen before (same words) is a duplicate, e.g. a standfirst shown twice."""
    seen: set[str] = set()
    for block in blocks:
        key = _key(block.text)
        if len(key) < 20:
            continue
        if block.reason is None and key in seen:
            block.reason = "duplicate"
        seen.add(key)


@dataclass
class LineAnalysis:
    """A text cut into blocks, with what the line model reads about each."""

    blocks: list[_Block]
    texts: list[str]
    features: np.ndarray


def line_analysis(text: str) -> LineAnalysis | None:
    """Blocks of a text and their line features (also used by the training script)."""
    blocks = _split_blocks(_normalise(text))
    if not blocks:
        return None
    for block in blocks:
        _classify(block)
    texts = [b.text for b in blocks]
    features = line_features(
        texts,
        [b.gap_before for b in blocks],
        [b.reason if b.strong else None for b in blocks],
        [b.bullet for b in blocks],
    )
    return LineAnalysis(blocks, texts, features)

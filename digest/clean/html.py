"""Main text and metadata from HTML pages (a post's body fragment: clean/wordpress.py).

trafilatura finds the main text and the metadata (title, author, date, site
name, URL). Around it we add what a news briefing needs and trafilatura does not
give: paragraphs as a tuple, a timezone-aware date, a record of what was
removed (with a reason, for `digest clean --explain`), and a last pass of line
rules that drops the debris trafilatura lets through ("Read also: ...",
"Share this", copyright lines, photo credits, tag lists, ad markers).

Every rule here is cheap and general: the extraction benchmark
(benchmarks/extraction.py) holds us to trafilatura's speed.
"""

from __future__ import annotations

import html as html_entities
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.etree
import lxml.html
import trafilatura
from lxml.etree import XPath

from digest.types import Dropped

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HtmlResult:
    """What an HTML page says: its main text as paragraphs, and its metadata."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware (UTC when the page gave no zone)
    outlet: str | None = None
    url: str | None = None
    dropped: tuple[Dropped, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# htmldate: no extensive search (slow, and mostly guesses from loose text);
# prefer the original publication date over the last modification.
_DATE_PARAMS = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}

# Elements whose text is recorded with a reason when it is left out of the
# result. trafilatura drops most of them on its own; naming them here is what
# lets `--explain` say why. Class and id values are split into words ("share",
# "share-bar" -> share, bar) so that "shared-content" or "unrelated" are not caught.
_BOX_TAGS = {"figcaption": "caption", "footer": "footer", "nav": "boilerplate"}
_BOX_ROLES = {"contentinfo": "footer", "navigation": "boilerplate", "banner": "boilerplate"}
_BOX_WORDS = {
    "caption": "caption",
    "credit": "caption",
    "credits": "caption",
    "share": "share",
    "sharing": "share",
    "social": "share",
    "sharedaddy": "share",
    "addtoany": "share",
    "shariff": "share",
    "related": "related",
    "relatedposts": "related",
    "yarpp": "related",
    "recommended": "related",
}
# Cheap first sieve in C (substring tests); the word test in Python follows.
_BOX_CANDIDATES = XPath(
    "//figcaption | //footer | //nav | //*[@role]"
    " | //*[contains(@class, 'capt') or contains(@class, 'credit') or contains(@class, 'shar')"
    " or contains(@class, 'social') or contains(@class, 'related') or contains(@class, 'addtoany')"
    " or contains(@class, 'yarpp') or contains(@class, 'recommended')"
    " or contains(@id, 'shar') or contains(@id, 'social') or contains(@id, 'related')]"
)
_WORD_SPLIT = re.compile(r"[\s_-]+")
# A "related" or "share" box is small; an element that holds a large part of the
# page text is a wrapper that happens to carry such a class, and stays.
_BOX_MAX_SHARE = 0.25
# Slideshow and teaser text sometimes sits in "caption" boxes; a real caption is short.
_CAPTION_MAX = 250


def extract_html(html: str, *, url: str | None = None) -> HtmlResult:
    """The main text (as paragraphs) and metadata of one HTML page.

    Raises ValueError with a one-line message when the input cannot be parsed
    as HTML at all; an HTML page without main text gives an empty result.
    """
    if not isinstance(html, str):
        raise TypeError(f"extract_html wants str, got {type(html).__name__}")
    html = _CONTROL_CHARS.sub("", html)
    if not html.strip():
        return HtmlResult(paragraphs=(), url=url)
    tree = _parse(html)
    if tree is None:
        return HtmlResult(paragraphs=(), url=url)

    try:
        boxes = _furniture_boxes(tree)
        meta = _metadata(tree, url)
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=True,  # the readability/justext comparison costs a third of the time ...
            favor_precision=True,  # a stray menu line hurts a briefing more than a lost aside
            include_comments=False,  # readers' comments are not part of the report
            include_tables=True,
            with_metadata=False,  # done above, with cheaper date settings
        )
        text = document.text if document is not None else ""
        if _looks_short(text):
            # ... so it is only paid for when the quick, strict pass found little.
            fuller = trafilatura.bare_extraction(tree, url=url, include_comments=False)
            if fuller is not None and len(fuller.text or "") > len(text):
                text = fuller.text
    except RecursionError as err:
        raise ValueError("HTML nested too deeply to extract text") from err
    except lxml.etree.LxmlError as err:
        raise ValueError(f"HTML could not be processed: {err}") from err

    paragraphs, more_dropped = filter_paragraphs(_split_lines(text or ""), title=meta.get("title"))
    return HtmlResult(
        paragraphs=tuple(paragraphs),
        title=meta.get("title"),
        author=meta.get("author"),
        published=meta.get("published"),
        outlet=meta.get("outlet"),
        url=meta.get("url") or url,
        dropped=tuple(_left_out(boxes, paragraphs) + more_dropped),
    )


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


# --- paragraph filter ---------------------------------------------------------

# Whole lines that are page furniture in the languages the benchmark and our
# sources carry (en, de, fr, es, it, pt, pl). Matched against short lines only.
_LABEL_LINE = re.compile(
    r"""^(
      (share|tweet|e-?mail|print|teilen|partager|compartir|condividi|udostępnij)( (this|on|via|per|sur|en)\b.*)?
    | (share|teilen)\ (this|dies(en)?|den)\ .{0,40}
    | (like|gefällt\ mir|bewerten|rate|rating|vote)(\ this)?(\ ?:.*)?
    | (related|recommended|popular|trending|most\ read|more)\ (posts?|articles?|stories|content|news|from\ .{1,40})
    | (comments?|kommentare?|commentaires?|comentarios?|komentarze?)(\ \(\d+\))?
    | \d+\ (comments?|kommentare?|commentaires?|comentarios)
    | (leave|post|add|write)\ an?\ (comment|reply)
    | (kommentar|antwort)\ (schreiben|verfassen|hinterlassen)
    | (advertisement|advertising|anzeige|werbung|publicité|publicidad|pubblicità|reklama|sponsored(\ content)?)
    | (impressum|datenschutz(erklärung)?|privacy(\ policy)?|cookie\ policy|terms\ (of\ (use|service)|and\ conditions)|kontakt|contact(\ us)?|mentions\ légales|aviso\ legal)
    | (back\ to\ top|nach\ oben|top|skip\ to\ (main\ )?content|zum\ inhalt\ springen|menu|menü|home|startseite|suche|search|login|log\ in|sign\ in|anmelden|register|registrieren)
    | (inhaltsverzeichnis|table\ of\ contents|contents|sommaire|índice)
    | (weitere\ themen|empfohlene\ (beiträge|artikel)|top\ stories|latest\ (news|stories)|most\ popular|editor'?s\ picks)
    | (\d+\s*(min(ute)?s?\.?|minuten)\ (read|lesezeit|lesen|de\ lecture|de\ lectura)|(reading\ time|lesezeit|lesedauer)\b.{0,20})
    | (loading|wird\ geladen|lädt)\.*
    )[\s:.!…»›>|-]*$""",
    re.I | re.X,
)

# Lines that announce other articles: "Read also: ...", "Lesen Sie auch", "À lire aussi".
_RELATED_LEAD = re.compile(
    r"""^(
      (read|see)\ (also|more|next|this)\b | related( (coverage|reading|links?|topics?))?\s*: | more\ on\ this | you\ (may|might)\ also\ like
    | (lesen|lies)\ (sie\ )?(auch|mehr|weiter) | weiterlesen | auch\ interessant | mehr\ zum\ thema | das\ könnte\ (sie|dich)\ (auch\ )?interessieren
    | weitere\ (artikel|beiträge|nachrichten)\ zum\ thema | ähnliche\ (artikel|beiträge) | zum\ weiterlesen | passend\ dazu | mehr\ (dazu|lesen)\b
    | (à\ )?lire\ (aussi|également|la\ suite) | voir\ aussi | sur\ le\ même\ sujet | pour\ (aller\ plus\ loin|lire\ la\ suite)
    | (lee|leer|ver)\ (también|más|además) | te\ puede\ (interesar|gustar) | puedes\ ver | (leia|veja)\ (também|mais)
    | (leggi|vedi)\ (anche|tutto) | czytaj\ (też|także|więcej|dalej) | zobacz\ (też|także|więcej) | dowiedz\ się\ więcej
    )""",
    re.I | re.X,
)

# Short lines asking the reader to do something that is not reading the report.
_CALL_TO_ACTION = re.compile(
    r"""(
      \b(subscribe|sign\ up|newsletter|abonnieren|abonniere|abonnez|suscr[ií]bete|iscriviti|zapisz\ się|subskrypc)
    | \b(follow|folgen?|folge|suivez|síguenos|seguinos|seguici|obserwuj)\b.{0,60}
      (\b(twitter|facebook|instagram|telegram|tiktok|youtube|linkedin|threads|bluesky|mastodon|social\ media)\b|@\w)
    | \b(download|lade|télécharge[zr]?|descarga)\b.{0,40}\b(app|apps)\b
    | \b(join|únete|rejoignez|tritt)\b.{0,40}\b(telegram|whatsapp|channel|kanal|canal)\b
    | \b(telegram|whatsapp|instagram|youtube|facebook|twitter)\b.{0,40}\b(channel|kanal|canal|folgen|follow|join)\b
    | \b(enjoyed|enjoy)\ (reading\ )?this\ (post|article)
    | \b(support\ us|unterstütze\ uns|unterstützen\ sie\ uns|become\ a\ (member|patron))\b
    | \b(you\ are\ not\ logged\ in|sie\ sind\ (aktuell\ )?nicht\ eingeloggt|must\ be\ logged\ in)\b
    | \b(click\ here|klicken\ sie\ (hier|auf))\b
    | \b(tell\ us\ what\ you\ think|have\ your\ say|what\ you\ think\ about\ this\ (article|story))\b
    | \b(straight\ to\ your\ inbox|delivered\ to\ your\ inbox|unsubscribe\ at\ any\ time|no\ spam|protected\ by\ recaptcha)\b
    )""",
    re.I | re.X,
)

_IMPERATIVE_START = re.compile(
    r"^(follow|subscribe|sign up|download|join|like us|send us|folgen sie|abonnieren sie|suivez|abonnez|síguenos|suscríbete)\b",
    re.I,
)

# A reporting verb marks a sentence of the report, even when it quotes an appeal.
_REPORTED_SPEECH = re.compile(
    r"\b(said|says|told|wrote|writes|according to|sagte|sagt|erklärte|schrieb|a déclaré|a dit|dijo|afirmó)\b",
    re.I,
)

_COPYRIGHT = re.compile(
    r"(©|\(c\)\s*\d{4}|^copyright\s*(\(c\)|\d{4}|by\b)|all rights reserved|alle rechte vorbehalten|tous droits réservés"
    r"|todos los derechos reservados|tutti i diritti riservati|wszelkie prawa zastrzeżone"
    r"|urheberrechtlich geschützt|chroniony prawem autorskim)",
    re.I,
)

_CAPTION = re.compile(
    r"""^(
      (photo|foto|image|bild|picture|pic|credit|crédits?(\ photos?)?|source\ image|fotó)s?\s*(:|/|©)
    | \((photo|foto|image|picture|bild)s?\b[^)]{0,80}\)$
    | (figure|fig\.|abbildung|abb\.|grafik|chart|table|tabelle)\s*\d+\s*[:.]
    | .{0,120}\b(getty\ images|afp\ via\ getty|shutterstock|istock(photo)?|picture\ alliance|dpa-bildfunk|imago\ images)\b.{0,40}$
    )""",
    re.I | re.X,
)

_CAPTION_BY = re.compile(r"^(photo|foto|image|picture|pic|video)s?\s+(by|von|par|de)\s+\S+", re.I)

_TAGS = re.compile(
    r"^(tags?|schlagw(ö|o)rte?|stichw(ö|o)rte?|kategorien?|categories|category|filed under|posted in|themen|topics|"
    r"étiquettes|mots-clés|etiquetas|categorías|tagi|kategorie)\s*:",
    re.I,
)

# "Updated: 3 May 2024", "Stand: 12.03.2024", or the bare label; not "Updated figures showed ...".
_UPDATED = re.compile(
    r"^(last (updated|modified)|updated|zuletzt (aktualisiert|geändert)|letzte (änderung|aktualisierung)|"
    r"stand|mis à jour|actualizado|aktualizacja)\b(\s*:\s*$|\s*:?\s*(on |am |le |el )?[\w.,]*\s?\d.{0,40}$)",
    re.I,
)

_AD_DISCLOSURE = re.compile(
    r"(enthält (werbung|affiliate)|affiliate[- ]links?|(this|dieser) (post|beitrag|artikel) (contains|enthält)|"
    r"\*?(werbung|anzeige)\s*[-–:]|sponsored by|paid (post|content)|in partnership with|"
    r"we (may )?(receive|earn) (a )?(compensation|commission)|advertisers do not influence)",
    re.I,
)


def filter_paragraphs(paragraphs: list[str], *, title: str | None = None) -> tuple[list[str], list[Dropped]]:
    """Drop page furniture that survived extraction; say why for each drop.

    Besides single-line rules, a "Read also:" style header on its own line takes
    the short headline-like lines right after it with it.
    """
    kept: list[str] = []
    dropped: list[Dropped] = []
    seen: set[str] = set()
    in_related_list = False
    for paragraph in paragraphs:
        reason = _line_reason(paragraph)
        if reason is None and in_related_list and _looks_like_headline(paragraph):
            reason = "related"
        elif reason is None:
            in_related_list = False
        if reason is None:
            key = paragraph.casefold()
            if key in seen and len(paragraph) > 20:
                reason = "duplicate"
            seen.add(key)
        if reason == "related" and len(paragraph) < 60 and _RELATED_LEAD.match(paragraph):
            in_related_list = True  # a header: what follows may be its list
        if reason:
            dropped.append(Dropped(reason, paragraph))
        else:
            kept.append(paragraph)
    # A title repeated as the first line is metadata, not body text.
    if title and kept and kept[0].casefold().strip(" .") == title.casefold().strip(" ."):
        dropped.append(Dropped("title", kept.pop(0)))
    return kept, dropped


def _line_reason(line: str) -> str | None:
    n = len(line)
    if n <= 60 and _LABEL_LINE.match(line):
        lowered = line.lower()
        if lowered.startswith(("share", "tweet", "teilen", "partager", "compartir", "like", "gefällt")):
            return "share"
        if lowered.startswith(("related", "recommended", "popular", "trending", "most", "more")):
            return "related"
        if re.match(r"\d|comment|komment|leave|post |add |write ", lowered):
            return "comments"
        return "boilerplate"
    lead = _RELATED_LEAD.match(line)
    if lead and (
        re.match(r"\s*([:|»›–-]|$)", line[lead.end() :])  # "Read also: ...", or the bare label
        or (n <= 80 and _looks_like_headline(line))  # "Lesen Sie auch Headline" (no sentence end)
    ):
        return "related"
    if n <= 200 and _CAPTION.match(line) and not _REPORTED_SPEECH.search(line):
        return "caption"
    if n <= 80 and _CAPTION_BY.match(line) and _looks_like_headline(line):
        return "caption"  # "Photo by Jan Nowak/Reuters", not "Photos by a resident showed ... ."
    if n <= 160 and _TAGS.match(line):
        return "tags"
    if (n <= 160 and _COPYRIGHT.search(line)) or (n <= 400 and line.startswith("©")):
        return "footer"
    # An appeal that opens the line may run long ("Follow us on X and Y, send us ...").
    limit = 400 if _IMPERATIVE_START.match(line) else 200
    if n <= limit and _CALL_TO_ACTION.search(line) and not _REPORTED_SPEECH.search(line):
        social = re.search(r"follow|folg|suiv|sígu|segu|obserw|join|únete|telegram|whatsapp", line, re.I)
        return "share" if social else "subscribe"
    if n <= 60 and _UPDATED.match(line):
        return "boilerplate"
    if n <= 300 and _AD_DISCLOSURE.search(line) and not _REPORTED_SPEECH.search(line):
        return "advert"
    return None


def _looks_like_headline(line: str) -> bool:
    """Short and without a sentence end: the shape of a linked headline."""
    return len(line) <= 140 and not re.search(r"[.!?…:]\s*$", line)


# --- helpers -----------------------------------------------------------------


def _parse(html: str) -> lxml.html.HtmlElement | None:
    """Parse once; libxml2 stops at 256 levels of nesting instead of recursing."""
    try:
        tree = trafilatura.load_html(html)
    except (lxml.etree.LxmlError, ValueError, RecursionError) as err:
        raise ValueError(f"not parseable as HTML: {err}") from err
    if tree is None:
        log.debug("no HTML tree in input (%d characters)", len(html))
    return tree


def _furniture_boxes(tree: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """(reason, text) of captions, share bars, related boxes, footers and menus.

    They are only read, not removed: taking them out of the tree before
    trafilatura runs changes which block it picks as the article, and loses more
    report text than it saves (measured on the benchmark).
    """
    body = tree.find("body")
    if body is None:
        return []
    total = 0  # page text length, measured only when a box is big enough to ask
    boxes: list[tuple[str, str]] = []
    taken: set[lxml.html.HtmlElement] = set()
    for element in _BOX_CANDIDATES(body):
        reason = _box_reason(element)
        if reason is None or any(a in taken for a in element.iterancestors()):
            continue
        text = _clean_line(" ".join(element.itertext()))
        if not text or "{" in text:
            continue  # empty, or inline CSS of icons
        if len(text) > 1000:
            total = total or len(body.text_content())
            if len(text) > _BOX_MAX_SHARE * total:
                continue  # a wrapper around the page that happens to carry such a class
        if reason == "caption" and len(text) > _CAPTION_MAX:
            continue
        taken.add(element)
        boxes.append((reason, text))
    return boxes


def _left_out(boxes: list[tuple[str, str]], paragraphs: list[str]) -> list[Dropped]:
    """The boxes whose text did not make it into the result: what --explain shows."""
    kept = re.sub(r"\s+", " ", " ".join(paragraphs))
    return [Dropped(reason, text[:300]) for reason, text in boxes if text not in kept]


def _box_reason(element: lxml.html.HtmlElement) -> str | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("body", "html", "article", "main"):
        return None
    if tag in _BOX_TAGS:
        return _BOX_TAGS[tag]
    role = element.get("role")
    if role in _BOX_ROLES:
        return _BOX_ROLES[role]
    words = _WORD_SPLIT.split(f"{element.get('class', '')} {element.get('id', '')}".lower())
    for word in words:
        if word in _BOX_WORDS:
            return _BOX_WORDS[word]
    return None


def _metadata(tree: lxml.html.HtmlElement, url: str | None) -> dict:
    try:
        meta = _trafilatura_metadata(tree, url)
    except (RecursionError, ValueError, TypeError, AttributeError, lxml.etree.LxmlError) as err:
        log.warning("metadata extraction failed: %s", err)
        return {}
    published = parse_date(meta["date"])
    exact = _exact_timestamp(tree)
    if exact is not None and (published is None or exact.date() == published.date()):
        published = exact  # same day, but with the time of day and the zone
    return {
        "title": _clean_line(meta["title"] or "") or None,
        "author": _clean_line(meta["author"] or "") or None,
        "outlet": _clean_line(meta["sitename"] or "") or None,
        "url": meta["url"] or None,
        "published": published,
    }


def _trafilatura_metadata(tree: lxml.html.HtmlElement, url: str | None) -> dict:
    """trafilatura's metadata steps, minus the ones a briefing does not use.

    `trafilatura.extract_metadata` also collects categories, tags and licence,
    and looks for a byline in a pruned deep copy of the whole page: together
    more than half of its time. Here the byline search skips the same parts
    (comments, sidebars, dates) without copying the page. Falls back to the
    full function if trafilatura's internals move.
    """
    try:
        from htmldate import find_date
        from trafilatura import metadata as tm
        from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS
    except ImportError:  # pragma: no cover - a future trafilatura layout
        full = trafilatura.extract_metadata(tree, default_url=url, date_config=dict(_DATE_PARAMS))
        return {
            "title": full.title,
            "author": full.author,
            "sitename": full.sitename,
            "url": full.url,
            "date": full.date,
        }
    meta = tm.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a user name or a site, not an author
    try:
        meta = tm.extract_meta_json(tree, meta)
    except Exception as err:  # trafilatura guards this call the same way
        log.debug("JSON-LD metadata unreadable: %s", err)
    title = meta.title or tm.extract_title(tree)
    author = meta.author
    if not author:
        author = _byline(tree, AUTHOR_XPATHS, AUTHOR_DISCARD_XPATHS)
        author = tm.normalize_authors(None, author) if author else None
    page_url = meta.url or tm.extract_url(tree, url)
    date = find_date(tree, url=page_url, **_DATE_PARAMS)
    sitename = meta.sitename or tm.extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif page_url:
        sitename = re.sub(r"^www\.", "", re.sub(r"^[a-z]+://", "", page_url).split("/")[0]) or None
    return {"title": title, "author": author, "sitename": sitename, "url": page_url, "date": date}


_BYLINE_TEXT = XPath(".//text()[not(ancestor::time) and not(ancestor::figure)]")


def _byline(tree: lxml.html.HtmlElement, patterns: list, discard_patterns: list) -> str | None:
    """First author-like element outside comments, sidebars and other discarded parts."""
    discard: set = set()
    for pattern in discard_patterns:
        discard.update(pattern(tree))
    for pattern in patterns:
        for element in pattern(tree):
            if element in discard or any(a in discard for a in element.iterancestors()):
                continue
            text = re.sub(r"\s+", " ", " ".join(_BYLINE_TEXT(element))).strip()
            if 2 < len(text) < 120:
                return text
    return None


# The standard places for an exact publication timestamp. htmldate finds the
# day well, but often drops the time and the zone, which ordering needs.
_TIMESTAMP = XPath(
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @property='og:published_time' or @itemprop='datePublished' or @name='pubdate'"
    " or @name='publish-date' or @name='parsely-pub-date' or @name='sailthru.date']/@content"
    " | //time[@itemprop='datePublished' or @pubdate]/@datetime"
)


def _exact_timestamp(tree: lxml.html.HtmlElement) -> datetime | None:
    for value in _TIMESTAMP(tree)[:3]:
        value = str(value).strip().replace("Z", "+00:00")
        if "T" not in value and " " not in value.strip():
            continue  # a bare date adds nothing to htmldate's
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def parse_date(value: str | None) -> datetime | None:
    """htmldate's output ("2024-10-28" or "2024-10-28T17:20:29+0100") as an aware datetime."""
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _looks_short(text: str) -> bool:
    return len(text) < 500


def _split_lines(text: str) -> list[str]:
    lines = []
    for line in text.split("\n"):
        line = _clean_line(line)
        if line:
            lines.append(line)
    return lines


_BULLET = re.compile(r"^(?:[-*•·▪►]\s+)")


def _clean_line(line: str) -> str:
    line = html_entities.unescape(line).replace("\u00ad", "").replace("\u200b", "")
    line = re.sub(r"\s+", " ", line).strip()
    return _BULLET.sub("", line)

"""Render briefings for people (Markdown and HTML, via jinja2) and machines (JSON).

Every rendering is built from the same dictionary, `digest_json`, so the
Markdown or the HTML can never say something the JSON does not. The JSON shape
is a contract documented in docs/output.md. The HTML is autoescaped by jinja2:
no field from input can become markup there.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .sanitize import json_safe, md_code, md_inline, md_url, safe_url, strip_controls
from .types import Briefing, Digest, Story, ThreadLink, commonest_day

SCHEMA_VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def reported(iso: str | None) -> str:
    """When an update's side was first reported, on one clock for every side: "17 Oct 2025, 07:05 UTC"."""
    if not iso:
        return ""
    when = datetime.fromisoformat(iso)
    if when.tzinfo is None:
        return f"{when.day} {when:%b %Y, %H:%M}"
    when = when.astimezone(UTC)
    return f"{when.day} {when:%b %Y, %H:%M} UTC"


def _longdate(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


# How dates read in Markdown and HTML alike ("2024-11-04", "4 November 2024", an update's time).
_DATE_FILTERS: dict[str, Callable[[Any], str]] = {
    "day": lambda iso: (iso or "")[:10],
    "longdate": _longdate,
    "reported": reported,
}


def story_date(b: Briefing) -> str | None:
    """The day the story is about: the commonest publication day of its sources, the latest on a tie."""
    day = commonest_day(s.published for s in b.sources)
    return day.isoformat() if day else None


def story_json(b: Briefing) -> dict[str, Any]:
    """One story of the brief JSON (see docs/output.md)."""
    dup_pairs = []
    for d in b.duplicates:
        dup_pairs.append({"path": d.article.origin, "of": d.of, "kind": d.kind, "similarity": round(d.similarity, 3)})
    return {
        "id": b.story_id,
        "date": story_date(b),
        "headline": b.headline,
        "headline_by": b.headline_by,
        "sentences": [
            {"text": s.text, "citations": list(s.citations), "written_by": s.written_by} for s in b.sentences
        ],
        "sources": [
            {
                "n": s.n,
                "path": s.path,
                "url": s.url,
                "outlet": s.outlet,
                "title": s.title,
                "published": _iso(s.published),
                "duplicates": list(s.duplicates),
                "opening": s.opening,
            }
            for s in b.sources
        ],
        "disagreements": [
            {
                "about": d.about,
                "kind": d.kind,
                "severity": d.severity,
                "sides": [
                    {"value": side.value, "citations": list(side.citations), "reported_at": _iso(side.reported_at)}
                    for side in d.sides
                ],
            }
            for d in b.disagreements
        ],
        "timeline": [
            {"date": e.date, "precision": e.precision, "text": e.text, "citations": list(e.citations)}
            for e in b.timeline
        ],
        "only_in": [{"text": o.text, "citations": [o.citation]} for o in b.only_in],
        "model_calls": b.model_calls,
        "model_limited": b.model_limited,
    }


def digest_json(digest: Digest) -> dict[str, Any]:
    """The JSON of a brief or a daily digest (docs/output.md, docs/daily.md)."""
    stories = []
    for item in digest.stories:
        story = story_json(item.briefing)
        if item.status is not None:  # a daily digest says how each story relates to earlier days
            story["status"] = item.status
            story["first_seen"] = item.first_seen.isoformat() if item.first_seen else None
            story["earlier"] = f"{item.earlier.isoformat()}.md" if item.earlier else None
        stories.append(story)
    out: dict[str, Any] = {}
    if digest.day is not None:
        out["date"] = digest.day.isoformat()
    out |= {"schema": SCHEMA_VERSION, "generated_at": _iso(digest.generated_at), "model": digest.model}
    out["stories"] = stories
    if digest.day is not None:
        out["new_articles"] = digest.new_articles
        out["problems"] = [{"origin": p.origin, "message": p.message} for p in digest.problems]
    return out


def to_json(digest: Digest) -> str:
    """The JSON text of a digest: UTF-8, field order kept (it is part of readability)."""
    return json_safe(json.dumps(digest_json(digest), ensure_ascii=False, indent=2)) + "\n"


def _cite(citations: Sequence[int]) -> str:
    return " ".join(f"[{n}]" for n in citations)


def _templates(*, autoescape: bool) -> Environment:
    """The package's templates, strict about missing names."""
    return Environment(
        loader=PackageLoader("digest", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=autoescape,
    )


def _env() -> Environment:
    env = _templates(autoescape=False)  # Markdown: fields are neutralised by the md/code filters below
    env.filters["cite"] = _cite
    # Every field from input goes through one of these (see digest/sanitize.py).
    env.filters["md"] = md_inline
    env.filters["code"] = md_code
    env.filters["link"] = lambda url: md_url(ok) if (ok := safe_url(url)) else ""
    env.filters.update(_DATE_FILTERS)
    return env


def to_markdown(digest: Digest) -> str:
    """Markdown for people: per story the headline, the cited paragraph, disagreements, timeline, sources.

    Built from the same dictionary as the JSON, so the Markdown never says
    something the JSON does not.
    """
    text = (
        _env()
        .get_template("digest.md.j2")
        .render(
            title=digest.title,
            data=digest_json(digest),
            generated=digest.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            intro=digest.intro,
        )
    )
    # Collapse runs of blank lines left by empty sections.
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() == "" and lines and lines[-1] == "":
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


# ---------------------------------------------------------------- HTML


@cache
def html_env() -> Environment:
    """The jinja2 environment of every HTML and XML output: autoescaped, strict about missing names."""
    env = _templates(autoescape=True)  # every {{ }} is escaped unless it is our own Markup; input never is
    env.filters["link"] = lambda url: safe_url(url) or ""  # only http(s) URLs become links
    env.filters.update(_DATE_FILTERS)
    env.globals["story_anchor"] = lambda i: f"story-{i}"
    env.globals["source_anchor"] = lambda i, n: f"s{i}-src{n}"
    return env


def text_only(value: Any) -> Any:
    """The value with control characters and bidi overrides removed from every string (HTML cannot show them)."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {k: text_only(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [text_only(v) for v in value]
    return value


def html_summary(data: dict[str, Any]) -> str:
    """One line on what a daily digest holds, from its JSON alone (so the archive and feed can say it too)."""
    if "date" not in data:
        return ""
    stories = data.get("stories") or []
    if not stories:
        return "Nothing new today: no article has appeared since the last digest."
    n_new_articles = data.get("new_articles") or 0
    updated = sum(1 for s in stories if s.get("status") == "updated")
    fresh = len(stories) - updated
    return (
        f"{n_new_articles} new {'article' if n_new_articles == 1 else 'articles'}: "
        f"{fresh} new {'story' if fresh == 1 else 'stories'}, {updated} updated."
    )


def html_from_json(
    data: dict[str, Any],
    *,
    title: str,
    standalone: bool = True,
    day_href: Callable[[str], str | None] = lambda iso: None,
    nav: Sequence[tuple[str, str]] = (),
) -> str:
    """A digest's HTML from its JSON dictionary: a whole page, or (not `standalone`) the body for a feed entry.

    `day_href` gives the link to an earlier day's digest (or None: no link); `nav`
    are (label, href) links above the page, our own relative links only.
    """
    data = text_only(data)
    when = data.get("generated_at")
    generated = datetime.fromisoformat(when).strftime("%Y-%m-%d %H:%M UTC") if when else ""
    unread = sorted({p["origin"] for p in data.get("problems") or []})
    return (
        html_env()
        .get_template("digest.html.j2")
        .render(
            title=strip_controls(title),
            data=data,
            generated=generated,
            generated_iso=when or "",
            summary=html_summary(data),
            unread=unread,
            standalone=standalone,
            day_href=day_href,
            nav=list(nav),
        )
    )


def to_html(digest: Digest, *, day_href: Callable[[str], str | None] = lambda iso: None, nav=()) -> str:
    """One self-contained HTML page (inline CSS, no script, light and dark) of a brief or a daily digest."""
    return html_from_json(digest_json(digest), title=digest.title, day_href=day_href, nav=nav)


def article_json(a) -> dict[str, Any]:
    """One line of `digest clean --format jsonl` (contract: docs/clean.md)."""
    return {
        "path": a.origin,
        "title": a.title,
        "text": a.text,
        "outlet": a.outlet,
        "author": a.author,
        "published": _iso(a.published),
        "url": a.url,
        "language": a.language,
        "dropped": [{"reason": d.reason, "text": d.text} for d in a.dropped],
    }


def article_markdown(a, *, explain: bool = False) -> str:
    """A cleaned article for people; with `explain`, every dropped block and its reason."""
    url = safe_url(a.url)
    meta = [md_inline(x) for x in (a.outlet, a.author, _iso(a.published)) if x]
    if a.url:
        meta.append(f"<{url}>" if url and ">" not in url else md_inline(a.url))
    if a.language:
        meta.append(md_inline(a.language))
    parts = [f"# {md_inline(a.title) if a.title else md_code(a.origin)}", ""]
    parts += [md_code(a.origin) + (f" · {' · '.join(meta)}" if meta else ""), ""]
    parts += [md_inline(p) + "\n" for p in a.paragraphs]
    if explain:
        parts.append(f"## Dropped ({len(a.dropped)} blocks)\n")
        for d in a.dropped:
            snippet = " ".join(d.text.split())
            if len(snippet) > 160:
                snippet = snippet[:157] + "..."
            parts.append(f"- `{d.reason}`: {md_inline(snippet)}")
        parts.append("")
    return "\n".join(parts)


def stories_markdown(stories: Sequence[Story], thread_links: Sequence[ThreadLink] = ()) -> str:
    """`digest cluster --format md`: each story, its articles and why they belong together, then threads.

    A briefing tells a thread (stories that continue one another) as one story,
    so the threads are listed too: that is why `digest brief` may count fewer.
    """
    lines = [f"# {len(stories)} {'story' if len(stories) == 1 else 'stories'}", ""]
    for i, s in enumerate(stories, 1):
        span = ""
        if s.start and s.end:
            span = f" ({s.start:%Y-%m-%d}" + (f" to {s.end:%Y-%m-%d})" if s.end.date() != s.start.date() else ")")
        why = md_inline(", ".join(s.why)) or "n/a"
        lines += [f"## {i}. {md_inline(s.label)}{span}", "", f"_id {s.id}; shared: {why}_", ""]
        for a in s.articles:
            lines.append(f"- {md_inline(a.title or '(untitled)')} · {md_inline(a.outlet or '')} · {md_code(a.origin)}")
        for d in s.duplicates:
            lines.append(f"- duplicate ({d.kind}, {d.similarity:.2f}): {md_code(d.article.origin)}")
        lines.append("")
    labels = {s.id: md_inline(s.label) for s in stories}
    if thread_links:
        n = len(thread_links)
        lines += [
            "## Threads",
            "",
            f"{n} {'story continues' if n == 1 else 'stories continue'} an earlier one; "
            "`digest brief` tells each thread as one story.",
            "",
        ]
        for t in thread_links:
            lines.append(
                f"- {labels.get(t.earlier, t.earlier)} → {labels.get(t.later, t.later)}"
                f" ({t.similarity:.2f}; {md_inline(', '.join(t.why)) or 'similar content'})"
            )
        lines.append("")
    return "\n".join(lines)

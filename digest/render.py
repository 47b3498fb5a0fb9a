"""Render briefings for people (Markdown, via jinja2) and machines (JSON).

Both renderings are built from the same dictionary, `briefing_json`, so the
Markdown can never say something the JSON does not. The JSON shape is a
contract documented in docs/output.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .types import Briefing, commonest_day

SCHEMA_VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


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
    }


def briefing_json(briefings: Sequence[Briefing], *, generated_at: datetime, model: str) -> dict[str, Any]:
    """The brief JSON: `{"generated_at", "model", "stories": [...]}` plus a schema version."""
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": _iso(generated_at),
        "model": model,
        "stories": [story_json(b) for b in briefings],
    }


def dumps(data: dict[str, Any]) -> str:
    """Stable JSON text (sorted keys are not used: field order is part of readability)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _cite(citations: Sequence[int]) -> str:
    return " ".join(f"[{n}]" for n in citations)


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("digest", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["cite"] = _cite
    env.filters["day"] = lambda iso: (iso or "")[:10]
    env.filters["longdate"] = lambda iso: f"{date.fromisoformat(iso[:10]).day} {date.fromisoformat(iso[:10]):%B %Y}"
    return env


def render_markdown(
    briefings: Sequence[Briefing],
    *,
    title: str,
    generated_at: datetime,
    model: str,
    extra: dict[str, Any] | None = None,
) -> str:
    """Markdown for people: headline, cited paragraph, disagreements, timeline, sources.

    `extra` may carry per-story notes keyed by story id (e.g. the daily digest's
    `{"status": {id: "updated since 2024-11-03"}, "intro": "...", "links": {...}}`).
    """
    data = briefing_json(briefings, generated_at=generated_at, model=model)
    extra = dict(extra or {})
    text = (
        _env()
        .get_template("digest.md.j2")
        .render(
            title=title,
            data=data,
            generated=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
            status=extra.get("status", {}),
            links=extra.get("links", {}),
            intro=extra.get("intro"),
        )
    )
    # Collapse runs of blank lines left by empty sections.
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() == "" and lines and lines[-1] == "":
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"


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
    meta = [x for x in (a.outlet, a.author, _iso(a.published), a.url, a.language) if x]
    parts = [f"# {a.title or a.origin}", "", f"_{a.origin}_" + (f" · {' · '.join(meta)}" if meta else ""), ""]
    parts += [p + "\n" for p in a.paragraphs]
    if explain:
        parts.append(f"## Dropped ({len(a.dropped)} blocks)\n")
        for d in a.dropped:
            snippet = " ".join(d.text.split())
            if len(snippet) > 160:
                snippet = snippet[:157] + "..."
            parts.append(f"- `{d.reason}`: {snippet}")
        parts.append("")
    return "\n".join(parts)


def stories_markdown(stories, developments=()) -> str:
    """`digest cluster --format md`: each story, its articles and why they belong together."""
    lines = [f"# {len(stories)} {'story' if len(stories) == 1 else 'stories'}", ""]
    for i, s in enumerate(stories, 1):
        span = ""
        if s.start and s.end:
            span = f" ({s.start:%Y-%m-%d}" + (f" to {s.end:%Y-%m-%d})" if s.end.date() != s.start.date() else ")")
        lines += [f"## {i}. {s.label}{span}", "", f"_id {s.id}; shared: {', '.join(s.why) or 'n/a'}_", ""]
        for a in s.articles:
            lines.append(f"- {a.title or '(untitled)'} · {a.outlet or ''} · `{a.origin}`")
        for d in s.duplicates:
            lines.append(f"- duplicate ({d.kind}, {d.similarity:.2f}): `{d.article.origin}`")
        lines.append("")
    labels = {s.id: s.label for s in stories}
    if developments:
        lines += ["## Developments", ""]
        for d in developments:
            lines.append(
                f"- {labels.get(d.earlier, d.earlier)} → {labels.get(d.later, d.later)} ({d.similarity:.2f}; {', '.join(d.why)})"
            )
        lines.append("")
    return "\n".join(lines)

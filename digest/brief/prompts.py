"""Small, checkable jobs for the local model: rewrite one fact as a briefing sentence, write a headline.

A 1.5B model handed a whole story copies, repeats and invents. Handed one
sentence and the same fact as other outlets word it, it writes one good
briefing sentence.
Prompts are short, greedy (temperature 0) and capped in tokens, so a story
costs a few seconds. Nothing written here is trusted: verify.py checks it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from digest.models.base import Generator

from .facts import word_count

log = logging.getLogger(__name__)

SYSTEM = (
    "You are a careful news editor. You rewrite only what you are given. "
    "Never add facts, names, numbers or dates. Reply with the answer only."
)


def _clean(text: str) -> str:
    """First line of the reply, without labels, list marks or wrapping quotes."""
    text = text.strip()
    for line in text.splitlines():
        if line.strip():
            text = line.strip()
            break
    text = re.sub(
        r"^(?:\*\*)?(?:combined sentence|sentence|answer|headline|output|result)\s*:\s*(?:\*\*)?", "", text, flags=re.I
    )
    text = re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", text)
    text = text.strip().strip("*").strip()
    if (
        len(text) > 1
        and text[0] in '"“'
        and text[-1] in '"”'
        and text.count('"') + text.count("“") + text.count("”") == 2
    ):
        text = text[1:-1].strip()
    text = re.sub(r"\s+", " ", text)
    return _first_sentence(text)


def _first_sentence(text: str) -> str:
    """A small model sometimes goes on after the sentence asked for: keep the first, if it is finished."""
    try:
        from nupunkt import sent_tokenize
    except ImportError:  # pragma: no cover - nupunkt is a dependency
        return text
    parts = [str(p).strip() for p in sent_tokenize(text) if str(p).strip()]
    if len(parts) > 1 and word_count(parts[0]) >= 6 and re.search(r"[.!?][\"”’']?$", parts[0]):
        return parts[0]
    return text


def _ask(generator: Generator, user: str, max_tokens: int) -> str | None:
    try:
        reply = generator.generate(
            [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            max_tokens=max_tokens,
            temperature=0.0,
            stop=["\n\n"],
        )
    except Exception as exc:
        log.warning("generator failed: %s", exc)
        return None
    return _clean(reply or "") or None


def rewrite(
    generator: Generator,
    sentence: str,
    context: Sequence[str],
    max_words: int,
    *,
    keep: Sequence[str] = (),
    negation: bool = False,
) -> str | None:
    """`sentence` rewritten as one briefing sentence of at most `max_words` words.

    The model compresses: it keeps the fact and its who, where and when, drops
    framing ("the officials said on Thursday") and asides, and may take a
    missing detail from `context` (the same fact as other outlets report it).
    `keep` names the figures it must not drop (the story's key figures in the
    sentence), `negation` that the sentence denies something: the checks reject
    a rewrite that loses either, so the writer is told.
    The fixed instructions come first, so consecutive calls share a prompt
    prefix that the backend need not process again.
    """
    other = "".join(f"\nThe same fact in another report: {c}" for c in context)
    musts = [f"Keep these exactly: {'; '.join(keep)}."] if keep else []
    if negation:
        musts.append("Keep the negation.")
    must = (" " + " ".join(musts)) if musts else ""
    user = (
        "Rewrite the news sentence below as ONE shorter sentence for a neutral news briefing. "
        "Keep its main fact with who, what, where and when; drop attribution and side details. "
        "Use the report's own words. Copy names, numbers and dates exactly. Keep any quote with its speaker. "
        f"Add nothing.\n\nSentence: {sentence}{other}\n\nOne sentence, at most {max_words} words{must}:"
    )
    text = _ask(generator, user, max_tokens=int(max_words * 1.5) + 8)
    return _initials_as_given(text, [sentence, *context]) if text else text


_SPACED_INITIALS = re.compile(r"\b(?:[A-Z]\. ){1,3}[A-Z]\.")


def _initials_as_given(text: str, inputs: Sequence[str]) -> str:
    """The default model writes "U.S." as "U. S." (seen in its output); put back what the inputs wrote.

    Only a form the inputs use is restored, so "J. R. Smith" stays as a source spells it.
    """
    given = " ".join(inputs)

    def restore(m: re.Match[str]) -> str:
        joined = m.group(0).replace(" ", "")
        return joined if joined in given and m.group(0) not in given else m.group(0)

    return _SPACED_INITIALS.sub(restore, text)


def headline(generator: Generator, facts: Sequence[str], max_words: int = 14) -> str | None:
    """A news headline of at most `max_words` words for the given facts (the story's lead fact)."""
    listed = "\n".join(f"- {s}" for s in facts)
    user = (
        f"Facts:\n{listed}\n\nWrite a news headline of at most {max_words - 2} words for these facts. "
        "Use only names and numbers from the facts. Reply with the headline only, no quotes."
    )
    text = _ask(generator, user, max_tokens=28)
    if text is None:
        return None
    text = _initials_as_given(text, facts).strip()
    if not re.search(r"\b(?:[A-Z]\.){2,}$", text):  # "... returns to the U.S." keeps its initials
        text = text.rstrip(".").strip()
    return text if 3 <= word_count(text) <= max_words else None

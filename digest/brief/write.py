"""Small, checkable jobs for the local model: fuse a few sentences, shorten one, write a headline.

A 1.5B model handed a whole story copies, repeats and invents. Handed two to
four sentences that already say the same thing, it writes one good sentence.
Prompts are short, greedy (temperature 0) and capped in tokens, so a story
costs a few seconds. Nothing written here is trusted: verify.py checks it.
"""

from __future__ import annotations

import logging
import re
from typing import Sequence

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
    text = re.sub(r"^(?:\*\*)?(?:combined sentence|sentence|answer|headline|output|result)\s*:\s*(?:\*\*)?", "", text, flags=re.I)
    text = re.sub(r"^(?:[-*•]|\d+[.)])\s+", "", text)
    text = text.strip().strip("*").strip()
    if len(text) > 1 and text[0] in "\"“" and text[-1] in "\"”" and text.count('"') + text.count("“") + text.count("”") == 2:
        text = text[1:-1].strip()
    return re.sub(r"\s+", " ", text)


def _ask(generator: Generator, user: str, max_tokens: int) -> str | None:
    try:
        reply = generator.generate(
            [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            max_tokens=max_tokens,
            temperature=0.0,
            stop=["\n\n"],
        )
    except Exception as exc:  # noqa: BLE001 - a failing model means "use the source sentence"
        log.warning("generator failed: %s", exc)
        return None
    return _clean(reply or "") or None


def fuse(generator: Generator, sentences: Sequence[str], max_words: int = 35) -> str | None:
    """One sentence that states what `sentences` (from different sources) state together."""
    listed = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1))
    user = (
        f"These sentences from different news reports describe the same fact:\n{listed}\n\n"
        f"Write ONE sentence of at most {max_words} words that states this fact. "
        "Copy names, numbers and dates exactly as written. Keep any quote with its speaker. "
        "Do not add anything that is not in the sentences."
    )
    return _ask(generator, user, max_tokens=int(max_words * 1.6) + 8)


def shorten(generator: Generator, sentence: str, max_words: int = 25) -> str | None:
    """The same sentence in fewer words, for long single-source claims."""
    user = (
        f"Sentence: {sentence}\n\n"
        f"Rewrite this sentence in at most {max_words} words. Keep its main fact, and copy names, "
        "numbers and dates exactly. Do not add anything."
    )
    return _ask(generator, user, max_tokens=int(max_words * 1.6) + 8)


def headline(generator: Generator, facts: Sequence[str], max_words: int = 14) -> str | None:
    """A news headline of at most `max_words` words from the top facts of a story."""
    listed = "\n".join(f"- {s}" for s in facts)
    user = (
        f"Facts:\n{listed}\n\nWrite a news headline of at most {max_words - 2} words for these facts. "
        "Use only names and numbers from the facts. Reply with the headline only, no quotes."
    )
    text = _ask(generator, user, max_tokens=28)
    if text is None:
        return None
    text = text.rstrip(".").strip()
    return text if 3 <= word_count(text) <= max_words else None

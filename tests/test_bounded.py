"""Bounded work: what the expensive analyses read of a huge article, and a cleaner pass that stays linear.

Speed itself is measured by benchmarks/bounded.py (a 1 MB article through `digest brief`); these
tests pin the bounds that make it fast, deterministically.
"""

from __future__ import annotations

from datetime import UTC, datetime

import digest.clean.text as text_cleaner
from digest.brief import MAX_SENTENCES, MAX_WORDS, bounded
from digest.types import Article


def article(n_sentences: int, words_each: int = 12) -> Article:
    sentences = tuple(
        f"Sentence {i} says the council " + " ".join(["met"] * (words_each - 6)) + " on Monday."
        for i in range(n_sentences)
    )
    paragraphs = tuple(" ".join(sentences[i : i + 4]) for i in range(0, n_sentences, 4))
    return Article(
        "a", "big.txt", None, None, "T", None, datetime(2024, 11, 4, tzinfo=UTC), "en", paragraphs, sentences
    )


def test_a_news_sized_article_is_read_whole():
    a = article(120)
    assert bounded(a) is a


def test_a_huge_article_is_read_only_up_to_the_bounds():
    a = article(40_000)  # about 1.5 MB of text
    b = bounded(a)
    assert len(b.sentences) == MAX_SENTENCES and b.sentences == a.sentences[:MAX_SENTENCES]
    assert sum(len(p.split()) for p in b.paragraphs) <= sum(len(s.split()) for s in b.sentences)
    long = article(1_000, words_each=100)  # few sentences, but very long ones: the word bound holds
    c = bounded(long)
    assert sum(len(s.split()) for s in c.sentences) <= MAX_WORDS and len(c.sentences) < MAX_SENTENCES
    one = Article("b", "x", None, None, None, None, None, "en", ("w " * 50_000,), ("w " * 50_000,))
    assert len(bounded(one).sentences[0].split()) == MAX_WORDS  # one endless "sentence" is cut too


def test_the_embed_pass_reads_each_block_once(monkeypatch):
    """A long text full of tweet embeds and repeated sentences: each block's sentences are keyed once."""
    calls = {"n": 0}
    real = text_cleaner._sentence_keys

    def counting(text: str) -> set[str]:
        calls["n"] += 1
        return real(text)

    monkeypatch.setattr(text_cleaner, "_sentence_keys", counting)
    para = "The mayor said the bridge would stay closed until the engineers were satisfied with the repairs."
    tweet = "— Corvel City (@corvelcity) November 4, 2024"
    blocks = []
    for i in range(600):
        blocks += [f"{para} Update {i}.", para, tweet]
    result = text_cleaner.clean_text("Bridge closed\n\n" + "\n\n".join(blocks))
    assert result.paragraphs  # the report survives
    assert calls["n"] <= len(blocks) + 1  # was once per block per earlier block: quadratic


def test_the_article_bound_does_not_change_which_sentences_may_be_shown():
    """A 70-word sentence is too long to show, whatever the bound on how much of an article is read."""
    from digest.brief.evidence import _assess

    long = "The council said on Tuesday that " + " ".join(["the new plan"] * 21) + " would go ahead."
    assert _assess(long)[0] is False
    assert _assess("The council approved the new budget plan on Tuesday evening.")[0] is True

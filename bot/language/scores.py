"""Which of our languages a message is in: the script first, then two detectors averaged."""

from __future__ import annotations

import math

from bot.language.detectors import (
    LATIN_CANDIDATES,
    langdetect_probabilities,
    langdetect_restricted,
    lingua_probabilities,
)
from bot.language.text import CHAT_WORDS, content_words, script_of, strip_accents

#: Weight of lingua against langdetect in the Latin-script average (see the benchmark).
LINGUA_WEIGHT = 0.7
#: langdetect says 1.0 for a wrong language on short text more often than lingua does, so
#: its probabilities are floored higher: it is never allowed to be more than 95% sure.
LANGDETECT_FLOOR = 0.05
LINGUA_FLOOR = 0.01
#: How much one chat word counts, as a log-odds bonus for its language.
CHAT_WORD_BONUS = 1.5


def language_scores(text: str) -> dict[str, float]:
    """Probability of each candidate language for ``text`` (empty when nothing to judge)."""
    words = content_words(text)
    if not words:
        return {}
    script = script_of(words)
    if script == "arabic":
        return {"ar": 1.0}
    if script == "cyrillic":
        return {"uk": 1.0}
    if script != "latin":
        return {}
    cleaned = " ".join(words)
    restricted = langdetect_probabilities(langdetect_restricted(), cleaned)
    lingua = lingua_probabilities(cleaned)
    restricted_total = sum(restricted.get(code, 0.0) for code in LATIN_CANDIDATES) or 1.0
    lingua_total = sum(lingua.get(code, 0.0) for code in LATIN_CANDIDATES) or 1.0
    # Average in log space with a floor, so one detector's zero cannot veto the other.
    logits: dict[str, float] = {}
    for code in LATIN_CANDIDATES:
        p_langdetect = max(restricted.get(code, 0.0) / restricted_total, LANGDETECT_FLOOR)
        p_lingua = max(lingua.get(code, 0.0) / lingua_total, LINGUA_FLOOR)
        logits[code] = (1 - LINGUA_WEIGHT) * math.log(p_langdetect) + LINGUA_WEIGHT * math.log(p_lingua)
    plain = [strip_accents(word) for word in words]
    for code, chat_words in CHAT_WORDS.items():
        logits[code] += CHAT_WORD_BONUS * sum(word in chat_words for word in plain)
    top = max(logits.values())
    exps = {code: math.exp(logit - top) for code, logit in logits.items()}
    total = sum(exps.values())
    # Rounded so that the same text gives exactly the same answer every time.
    return {code: round(value / total, 6) for code, value in sorted(exps.items(), key=lambda item: -item[1])}


def detect(text: str) -> tuple[str, float] | None:
    """Most likely candidate language of ``text`` and its probability, or ``None``."""
    scores = language_scores(text)
    if not scores:
        return None
    best = max(scores, key=lambda code: scores[code])
    return best, scores[best]

"""Language of a conversation: detected once, then sticky.

langdetect is used because it is small and offline. It is made deterministic (seeded)
and restricted to the languages we have content for. Short chat messages ("ok", "ja",
"merci") carry too little signal, so the language only changes on a message that is long
enough to judge and clearly in another supported language.
"""

from __future__ import annotations

import re
import threading

from langdetect import DetectorFactory, LangDetectException, detect_langs

#: Languages with NLU data and responses. The first is the fallback.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")

#: langdetect confuses short Flemish with Afrikaans; treat it as Dutch.
_ALIASES = {"af": "nl"}

#: A message must have this many words and letters before it may switch the language.
MIN_WORDS_TO_SWITCH = 3
MIN_LETTERS_TO_SWITCH = 12
#: And the detector must be at least this sure.
MIN_PROBABILITY_TO_SWITCH = 0.90

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_seed_lock = threading.Lock()
_seeded = False


def _ensure_seeded() -> None:
    # langdetect is random unless seeded; seed lazily so importing this module has no side effect.
    global _seeded
    with _seed_lock:
        if not _seeded:
            DetectorFactory.seed = 0
            _seeded = True


def detect(text: str) -> tuple[str, float] | None:
    """Most likely supported language of ``text`` and its probability, or ``None``."""
    if not _WORD.search(text):
        return None
    _ensure_seeded()
    try:
        candidates = detect_langs(text)
    except LangDetectException:
        return None
    scores: dict[str, float] = {}
    for candidate in candidates:
        code = _ALIASES.get(candidate.lang, candidate.lang)
        if code in SUPPORTED_LANGUAGES:
            scores[code] = scores.get(code, 0.0) + candidate.prob
    if not scores:
        return None
    best = max(scores, key=lambda code: scores[code])
    return best, scores[best]


def long_enough_to_judge(text: str) -> bool:
    """Whether ``text`` has enough words and letters for a language switch."""
    words = _WORD.findall(text)
    return len(words) >= MIN_WORDS_TO_SWITCH and sum(len(word) for word in words) >= MIN_LETTERS_TO_SWITCH


def choose_language(current: str | None, text: str, hint: str | None = None) -> str:
    """Language to answer ``text`` in, given the conversation's ``current`` language.

    ``hint`` (for example Telegram's ``language_code``) is used for a conversation that has
    no language yet. A sticky ``current`` language only changes on a long, clear message.
    """
    fallback = SUPPORTED_LANGUAGES[0]
    if current is None:
        base = hint if hint in SUPPORTED_LANGUAGES else fallback
        if long_enough_to_judge(text):
            detected = detect(text)
            if detected and detected[1] >= MIN_PROBABILITY_TO_SWITCH:
                return detected[0]
        return base
    if not long_enough_to_judge(text):
        return current
    detected = detect(text)
    if detected and detected[0] != current and detected[1] >= MIN_PROBABILITY_TO_SWITCH:
        return detected[0]
    return current

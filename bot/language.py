"""Language of a conversation: detected once, then sticky.

langdetect is used because it is small and offline. It is made deterministic (seeded)
and restricted to the languages we have content for. Short chat messages ("ok", "ja",
"merci") carry too little signal, so the language only changes on a message that is long
enough to judge and clearly in another supported language.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

#: Languages with NLU data and responses. The first is the fallback.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")

#: A message must have this many words and letters before it may switch the language.
MIN_WORDS_TO_SWITCH = 3
MIN_LETTERS_TO_SWITCH = 12
#: And the detector must be at least this sure.
MIN_PROBABILITY_TO_SWITCH = 0.90
#: langdetect is random unless seeded.
SEED = 0

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_factory_lock = threading.Lock()
_factory: DetectorFactory | None = None


def _detector_factory() -> DetectorFactory:
    """A langdetect factory that only knows the supported languages, built on first use.

    Restricting the profiles (instead of filtering langdetect's answer afterwards) means
    short Flemish is never "Afrikaans" and English never "Norwegian": the probability
    mass goes to the languages we can actually answer in.
    """
    global _factory
    with _factory_lock:
        if _factory is None:
            factory = DetectorFactory()
            factory.load_json_profile(
                [
                    (Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8")
                    for code in SUPPORTED_LANGUAGES
                ]
            )
            factory.set_seed(SEED)
            _factory = factory
        return _factory


def detect(text: str) -> tuple[str, float] | None:
    """Most likely supported language of ``text`` and its probability, or ``None``."""
    if not _WORD.search(text):
        return None
    try:
        detector = _detector_factory().create()
        detector.append(text)
        candidates = detector.get_probabilities()
    except LangDetectException:
        return None
    if not candidates:
        return None
    best = max(candidates, key=lambda candidate: candidate.prob)
    return best.lang, best.prob


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

"""Language of a conversation: detected on clear messages, then sticky.

Candidates are the eight languages we write content for (``vocabulary.languages.ALL_LANGUAGES``);
a conversation only switches to one that is switched on (``SUPPORTED_LANGUAGES``).

How a message is judged, and why:

1. **Script first.** Among the eight, Arabic is the only language in Arabic script and
   Ukrainian the only one in Cyrillic, so the script decides those outright. Statistical
   detectors are what confuse short Ukrainian with Russian, Bulgarian or Macedonian.
2. **Noise out.** Numbers, amounts, links, emoji and the Belgian institutions and legal
   words that tenants write in Dutch whatever their language ("deurwaarder", "OCMW",
   "vrederechter") are removed before judging: "le deurwaarder est passé" is French.
3. **Latin script: two detectors agree.** langdetect (seeded, restricted to the candidates)
   and lingua (restricted to the candidates, models shipped in its wheel) are averaged.
   lingua is markedly better on short, diacritic-less chat; langdetect is a second
   opinion that catches lingua's rare slips. A few chat words that the models never saw
   in their training text ("kga", "ni", "wa" in Flemish) add a little evidence.
4. **Sticky.** A conversation's language only changes on a message with enough words that
   is clearly in another language; "ok", "merci", "da", "так" never switch it.

``requested_language`` recognises an explicit request ("in het Frans aub", "po polsku
proszę"); ``unsupported_language`` names a language we cannot answer in (German, Russian,
Farsi, ...) when a message is long and clear enough, so the bot can say so honestly.

Nothing here logs or stores message text. Detectors are built lazily on first use (lingua
needs about two seconds and 200 MB) under a lock; both are read-only afterwards.

Modules, by concern: ``text`` (words, noise, script, chat and courtesy words), ``detectors``
(langdetect and lingua, built lazily), ``scores`` (``language_scores``, ``detect``),
``unsupported`` (``unsupported_language``), ``requested`` (``requested_language``) and
``choice`` (``choose_language``). Import from ``bot.language``; the modules are internal.
"""

from __future__ import annotations

from bot.language.choice import MIN_PROBABILITY_TO_SWITCH, choose_language, choose_language_among
from bot.language.detectors import SEED
from bot.language.requested import requested_language
from bot.language.scores import (
    CHAT_WORD_BONUS,
    LANGDETECT_FLOOR,
    LINGUA_FLOOR,
    LINGUA_WEIGHT,
    detect,
    language_scores,
)
from bot.language.text import MIN_LETTERS_TO_SWITCH, MIN_WORDS_TO_SWITCH, long_enough_to_judge
from bot.language.unsupported import (
    MIN_LETTERS_UNSUPPORTED,
    MIN_PROBABILITY_UNSUPPORTED,
    MIN_WORDS_UNSUPPORTED,
    unsupported_language,
)
from vocabulary.languages import ALL_LANGUAGES, SUPPORTED_LANGUAGES

__all__ = [
    "ALL_LANGUAGES",
    "CHAT_WORD_BONUS",
    "LANGDETECT_FLOOR",
    "LINGUA_FLOOR",
    "LINGUA_WEIGHT",
    "MIN_LETTERS_TO_SWITCH",
    "MIN_LETTERS_UNSUPPORTED",
    "MIN_PROBABILITY_TO_SWITCH",
    "MIN_PROBABILITY_UNSUPPORTED",
    "MIN_WORDS_TO_SWITCH",
    "MIN_WORDS_UNSUPPORTED",
    "SEED",
    "SUPPORTED_LANGUAGES",
    "choose_language",
    "choose_language_among",
    "detect",
    "language_scores",
    "long_enough_to_judge",
    "requested_language",
    "unsupported_language",
]

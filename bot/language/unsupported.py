"""Naming a language we do not speak, only when the message is long and the verdict clear."""

from __future__ import annotations

import re

from bot.language.detectors import langdetect_full, langdetect_probabilities, lingua_wide
from bot.language.text import (
    MIN_LETTERS_TO_SWITCH,
    MIN_WORDS_TO_SWITCH,
    OUR_CHAT_WORDS,
    content_words,
    script_of,
    strip_accents,
)
from vocabulary.languages import ALL_LANGUAGES

#: An unsupported language is only named on a message at least this long, at least this sure.
MIN_WORDS_UNSUPPORTED = 4
MIN_LETTERS_UNSUPPORTED = 20
MIN_PROBABILITY_UNSUPPORTED = 0.70

#: Letters only Ukrainian has (among Cyrillic languages a tenant here may type), and
#: letters Ukrainian never uses. They decide Russian vs Ukrainian better than any n-gram.
_UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_LETTERS = re.compile(r"[ыэёЫЭЁ]")
_HARD_SIGN = re.compile(r"[ъЪ]")
_BELARUSIAN_LETTERS = re.compile(r"[ўЎ]")
#: Persian and Urdu letters that Arabic does not use, and Arabic letters Persian does not.
_PERSIAN_LETTERS = re.compile(r"[پچژگکی]")
_URDU_LETTERS = re.compile(r"[ٹڈڑںےھ]")
_ARABIC_ONLY_LETTERS = re.compile(r"[يكة]")

#: Never named: Flemish reads as Afrikaans to every detector, and a Flemish tenant told
#: "we don't speak Afrikaans" is the worst mistake this module can make.
_NEVER_NAMED: frozenset[str] = frozenset({"af"})


def unsupported_language(text: str) -> str | None:
    """ISO 639-1 code of the language of ``text`` when it is clearly one we do not speak.

    Returns ``None`` for short messages, for messages in one of the eight candidates and
    whenever in doubt: a false "we don't speak your language" is worse than none.
    Letters decide where they can (Russian ы э ё, Bulgarian ъ, Persian پ چ ژ گ ک ی); in
    Latin script langdetect (all profiles) and lingua must name the same language.
    """
    words = content_words(text)
    letters = sum(len(word) for word in words)
    if len(words) < MIN_WORDS_TO_SWITCH or letters < MIN_LETTERS_TO_SWITCH:
        return None
    joined = "".join(words)
    script = script_of(words)
    if script == "cyrillic":
        return _cyrillic_language(words)
    if script == "arabic":
        if len(_URDU_LETTERS.findall(joined)) >= 2:
            return "ur"
        if len(_PERSIAN_LETTERS.findall(joined)) >= 2 and not _ARABIC_ONLY_LETTERS.search(joined):
            return "fa"
        return None
    # No letter settles it: judge only longer messages, where the statistics hold.
    if len(words) < MIN_WORDS_UNSUPPORTED or letters < MIN_LETTERS_UNSUPPORTED:
        return None
    cleaned = " ".join(words)
    full = langdetect_probabilities(langdetect_full(), cleaned)
    if not full:
        return None
    code, probability = max(full.items(), key=lambda item: item[1])
    code = code.split("-")[0]
    if code in ALL_LANGUAGES or probability < MIN_PROBABILITY_UNSUPPORTED:
        return None
    if script is None:
        return code  # Greek, Hebrew, Hindi, Chinese, ...: none of our languages writes so
    if code in _NEVER_NAMED:
        return None
    # Chat words of ours mean it is one of ours, whatever the statistics say.
    if sum(strip_accents(word) in OUR_CHAT_WORDS for word in words) >= 2:
        return None
    second = lingua_wide().detect_language_of(cleaned)
    if second is None or second.iso_code_639_1.name.lower() != code:
        return None
    return code


#: Everyday words that only Russian or only Bulgarian has (Ukrainian says що, це, мене,
#: мені, не можу, допоможіть, вже, зараз, тут, вони, ми). Used when no letter tells.
_RUSSIAN_WORDS: frozenset[str] = frozenset(
    {
        "что",
        "это",
        "меня",
        "мне",
        "тебя",
        "пожалуйста",
        "сегодня",
        "когда",
        "где",
        "очень",
        "могу",
        "помогите",
        "уже",
        "теперь",
        "сейчас",
        "здесь",
        "если",
        "нет",
        "или",
        "они",
        "мы",
        "квартире",
        "хозяин",
        "хозяйка",
        "нам",
        "нас",
        "вас",
        "вам",
        "как",
        "только",
        "надо",
        "нужно",
    }
)
_BULGARIAN_WORDS: frozenset[str] = frozenset(
    {
        "съм",
        "са",
        "ще",
        "няма",
        "какво",
        "моля",
        "днес",
        "трябва",
        "сега",
        "мога",
        "този",
        "тази",
        "това",
        "години",
        "искам",
        "защото",
        "наема",
        "хазяин",
        "хазяинът",
        "кога",
        "има",
    }
)


def _cyrillic_language(words: list[str]) -> str | None:
    """Russian, Bulgarian or Belarusian by letters and words Ukrainian lacks; else ``None``."""
    joined = "".join(words)
    if _UKRAINIAN_LETTERS.search(joined):
        return "be" if _BELARUSIAN_LETTERS.search(joined) else None
    if _RUSSIAN_LETTERS.search(joined):
        return "ru"
    if _HARD_SIGN.search(joined):
        return "bg"
    russian = sum(word in _RUSSIAN_WORDS for word in words)
    bulgarian = sum(word in _BULGARIAN_WORDS for word in words)
    if russian > bulgarian:
        return "ru"
    if bulgarian > russian:
        return "bg"
    return None  # Ukrainian, or too little to tell: never guess Russian

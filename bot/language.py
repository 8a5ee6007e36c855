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
"""

from __future__ import annotations

import math
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from vocabulary.languages import ALL_LANGUAGES, SUPPORTED_LANGUAGES

__all__ = [
    "ALL_LANGUAGES",
    "SUPPORTED_LANGUAGES",
    "choose_language",
    "choose_language_among",
    "detect",
    "language_scores",
    "long_enough_to_judge",
    "requested_language",
    "unsupported_language",
]

#: A message must have this many words and letters (noise removed) before it may switch.
MIN_WORDS_TO_SWITCH = 3
MIN_LETTERS_TO_SWITCH = 12
#: And the combined detectors must give the language more than all others together
#: (the top answer is right on every dev message of three words or more; being stricter
#: only kept clear messages such as "je sais pas si je dois aller au tribunal" from switching).
MIN_PROBABILITY_TO_SWITCH = 0.50
#: An unsupported language is only named on a message at least this long, at least this sure.
MIN_WORDS_UNSUPPORTED = 4
MIN_LETTERS_UNSUPPORTED = 20
MIN_PROBABILITY_UNSUPPORTED = 0.70
#: langdetect is random unless seeded.
SEED = 0
#: Weight of lingua against langdetect in the Latin-script average (see the benchmark).
LINGUA_WEIGHT = 0.7
#: langdetect says 1.0 for a wrong language on short text more often than lingua does, so
#: its probabilities are floored higher: it is never allowed to be more than 95% sure.
LANGDETECT_FLOOR = 0.05
LINGUA_FLOOR = 0.01
#: How much one chat word counts, as a log-odds bonus for its language.
CHAT_WORD_BONUS = 1.5

_LATIN_CANDIDATES: tuple[str, ...] = tuple(code for code in ALL_LANGUAGES if code not in {"ar", "uk"})

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+|\d+(?:[.,]\d+)*(?:ste|de|e|th|st|nd|rd|inde|go)?\b",
    re.UNICODE | re.IGNORECASE,
)

#: Dutch words for Belgian institutions and procedures, and currency, written the same in
#: every language a tenant here types. They say nothing about the language of the message.
_SHARED_WORDS: frozenset[str] = frozenset(
    {
        "deurwaarder",
        "deurwaarders",
        "gerechtsdeurwaarder",
        "vrederechter",
        "vredegerecht",
        "ocmw",
        "cpas",
        "caw",
        "oCMW".lower(),
        "huurwaarborg",
        "woonbureau",
        "sociaal",
        "verhuurkantoor",
        "huisvestingsmaatschappij",
        "pro",
        "deo",
        "euro",
        "euros",
        "eur",
        "interim",
        "ok",
        "oke",
        "okay",
        "merci",
        "sms",
        "whatsapp",
        "telegram",
        # The words on the letters themselves, copied into messages in any language.
        "huurdersbond",
        "huurdersbonden",
        "aangetekende",
        "aangetekend",
        "brief",
        "ingebrekestelling",
        "dagvaarding",
        "verzoekschrift",
        "vonnis",
        "griffie",
        "justitiehuis",
        "woonmaatschappij",
        "huurcontract",
        "huissier",
        "huissiers",
    }
)

#: Chat spellings and function words the detectors' training text (Wikipedia) hardly has.
#: Deliberately short and distinctive: a word shared by two candidates is left out ("nu"
#: is Dutch and Romanian, "nie" Flemish and Polish, "va" French and Romanian, "mersi"
#: Romanian and Turkish, "u" Dutch and English chat, "ya" French and Turkish).
_CHAT_WORDS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        {
            "kga",
            "kheb",
            "kben",
            "kzal",
            "kweet",
            "kvind",
            "kmoet",
            "kzit",
            "ni",
            "wa",
            "ge",
            "gij",
            "zijt",
            "zijde",
            "kunde",
            "hebde",
            "allee",
            "awel",
            "amai",
            "tis",
            "ier",
            "nen",
            "mijne",
            "dienen",
            "aub",
            "da's",
            "ik",
            "mijn",
            "niet",
            "heb",
        }
    ),
    "fr": frozenset({"jai", "cest", "chui", "jsuis", "svp", "stp", "slt", "bcp", "pk", "jsp"}),
    "en": frozenset({"im", "cant", "dont", "doesnt", "pls", "plz", "tmrw", "thx", "ur"}),
    "tr": frozenset({"abi", "abla", "bi", "cok", "yardim", "lutfen", "degil", "nasil", "simdi"}),
    "pl": frozenset({"sie", "prosze", "czy", "jest", "mnie", "siema"}),
    "ro": frozenset({"sa", "si", "imi", "rog", "vreau", "sunt"}),
}

#: For vetoing an "unsupported" verdict it does not matter which of ours a word belongs to,
#: so the words that two of our languages share count here too.
_OUR_CHAT_WORDS: frozenset[str] = frozenset().union(*_CHAT_WORDS.values()) | {
    "nu",
    "nie",
    "va",
    "mersi",
    "ya",
    "u",
}

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
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

_lock = threading.Lock()
_restricted_factory: DetectorFactory | None = None
_full_factory: DetectorFactory | None = None
_lingua_detector: Any = None
_lingua_wide_detector: Any = None

#: Latin-script languages we do not speak that lingua is asked about, besides our six: the
#: ones tenants in Flanders write and the ones our six are mistaken for on short text.
_WIDE_LINGUA_NAMES: tuple[str, ...] = (
    "GERMAN",
    "SPANISH",
    "ITALIAN",
    "PORTUGUESE",
    "ALBANIAN",
    "SOMALI",
    "AFRIKAANS",
    "SWAHILI",
    "TAGALOG",
    "INDONESIAN",
    "VIETNAMESE",
    "CROATIAN",
    "BOSNIAN",
    "CZECH",
    "SLOVAK",
    "SLOVENE",
    "HUNGARIAN",
    "LITHUANIAN",
    "LATVIAN",
    "ESTONIAN",
    "DANISH",
    "SWEDISH",
    "BOKMAL",
    "FINNISH",
    "CATALAN",
    "YORUBA",
    "AZERBAIJANI",
)


# --- detectors, built on first use ------------------------------------------------------


def _factory_for(codes: Iterable[str]) -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_json_profile(
        [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8") for code in codes]
    )
    factory.set_seed(SEED)
    return factory


def _restricted() -> DetectorFactory:
    """langdetect knowing only the candidates: short Flemish can then never be Afrikaans."""
    global _restricted_factory
    with _lock:
        if _restricted_factory is None:
            _restricted_factory = _factory_for(ALL_LANGUAGES)
        return _restricted_factory


def _full() -> DetectorFactory:
    """langdetect with all its 55 profiles, only to name languages we do not support."""
    global _full_factory
    with _lock:
        if _full_factory is None:
            _full_factory = _factory_for(sorted(os.listdir(PROFILES_DIRECTORY)))
        return _full_factory


def _lingua_latin_candidates() -> list[Any]:
    """lingua's Language values for our Latin-script candidates (imported lazily)."""
    from lingua import IsoCode639_1, Language

    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in _LATIN_CANDIDATES]


def _lingua() -> Any:
    """lingua restricted to the Latin-script candidates, high-accuracy models preloaded.

    Preloading makes every later call read-only, so one detector is safe to share between
    threads. Arabic and Ukrainian need no model: the script decides them.
    """
    global _lingua_detector
    with _lock:
        if _lingua_detector is None:
            from lingua import LanguageDetectorBuilder

            _lingua_detector = (
                LanguageDetectorBuilder.from_languages(*_lingua_latin_candidates())
                .with_preloaded_language_models()
                .build()
            )
        return _lingua_detector


def _lingua_wide() -> Any:
    """lingua over our six Latin-script languages and the unsupported ones above.

    Low-accuracy mode (trigrams only): about 60 MB instead of more than 500 MB. It is only
    a second opinion that must agree with langdetect before a language is named.
    """
    global _lingua_wide_detector
    with _lock:
        if _lingua_wide_detector is None:
            from lingua import Language, LanguageDetectorBuilder

            languages = _lingua_latin_candidates() + [getattr(Language, name) for name in _WIDE_LINGUA_NAMES]
            _lingua_wide_detector = (
                LanguageDetectorBuilder.from_languages(*languages)
                .with_low_accuracy_mode()
                .with_preloaded_language_models()
                .build()
            )
        return _lingua_wide_detector


def _langdetect_probabilities(factory: DetectorFactory, text: str) -> dict[str, float]:
    try:
        detector = factory.create()
        detector.append(text)
        return {candidate.lang: candidate.prob for candidate in detector.get_probabilities()}
    except LangDetectException:
        return {}


def _lingua_probabilities(text: str) -> dict[str, float]:
    values = _lingua().compute_language_confidence_values(text)
    # lingua sums in hash-map order, so the last bits vary between calls: round them off.
    return {value.language.iso_code_639_1.name.lower(): round(float(value.value), 9) for value in values}


# --- text preparation ---------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """Lower-case words of ``text`` without numbers, links, amounts or emoji."""
    return _WORD.findall(_NOISE.sub(" ", unicodedata.normalize("NFC", text).lower()))


def _content_words(text: str) -> list[str]:
    """Words that can tell languages apart: shared Belgian legal words removed."""
    return [word for word in _words(text) if word not in _SHARED_WORDS]


def _script(words: list[str]) -> str | None:
    """``"arabic"``, ``"cyrillic"`` or ``"latin"``: the script with most letters."""
    joined = "".join(words)
    counts = {
        "arabic": len(_ARABIC.findall(joined)),
        "cyrillic": len(_CYRILLIC.findall(joined)),
        "latin": len(_LATIN.findall(joined)),
    }
    script, count = max(counts.items(), key=lambda item: item[1])
    if count == 0 or count * 2 < len(joined):
        return None  # another script (Greek, Ethiopic, CJK, ...) or nothing to judge
    return script


def _strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


# --- detection ------------------------------------------------------------------------------


def language_scores(text: str) -> dict[str, float]:
    """Probability of each candidate language for ``text`` (empty when nothing to judge)."""
    words = _content_words(text)
    if not words:
        return {}
    script = _script(words)
    if script == "arabic":
        return {"ar": 1.0}
    if script == "cyrillic":
        return {"uk": 1.0}
    if script != "latin":
        return {}
    cleaned = " ".join(words)
    restricted = _langdetect_probabilities(_restricted(), cleaned)
    lingua = _lingua_probabilities(cleaned)
    restricted_total = sum(restricted.get(code, 0.0) for code in _LATIN_CANDIDATES) or 1.0
    lingua_total = sum(lingua.get(code, 0.0) for code in _LATIN_CANDIDATES) or 1.0
    # Average in log space with a floor, so one detector's zero cannot veto the other.
    logits: dict[str, float] = {}
    for code in _LATIN_CANDIDATES:
        p_langdetect = max(restricted.get(code, 0.0) / restricted_total, LANGDETECT_FLOOR)
        p_lingua = max(lingua.get(code, 0.0) / lingua_total, LINGUA_FLOOR)
        logits[code] = (1 - LINGUA_WEIGHT) * math.log(p_langdetect) + LINGUA_WEIGHT * math.log(p_lingua)
    plain = [_strip_accents(word) for word in words]
    for code, chat_words in _CHAT_WORDS.items():
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


def long_enough_to_judge(text: str) -> bool:
    """Whether ``text`` has enough words and letters (noise removed) for a language switch."""
    words = [word for word in _content_words(text) if word not in _COURTESY_WORDS]
    return len(words) >= MIN_WORDS_TO_SWITCH and sum(len(word) for word in words) >= MIN_LETTERS_TO_SWITCH


def choose_language(current: str | None, text: str, hint: str | None = None) -> str:
    """Language to answer ``text`` in, given the conversation's ``current`` language.

    An explicit request ("english please") wins. ``hint`` (for example Telegram's
    ``language_code``) is used for a conversation that has no language yet. Otherwise the
    language only changes on a message long enough to judge that is clearly in another
    switched-on language; short replies ("ok", "merci", "da", "так") never change it, and
    neither does a message in a language we do not speak.
    """
    return choose_language_among(current, text, SUPPORTED_LANGUAGES, hint)


def choose_language_among(
    current: str | None, text: str, languages: tuple[str, ...], hint: str | None = None
) -> str:
    """``choose_language`` with the switched-on ``languages`` given (the first is the fallback).

    Lets the tests and the benchmark judge all eight languages before their content lands.
    """
    requested = requested_language(text)
    if requested in languages:
        return requested
    if current is None:
        current = hint if hint in languages else languages[0]
        if hint in languages and not long_enough_to_judge(text):
            return current
    if not long_enough_to_judge(text):
        return current
    detected = detect(text)
    if (
        detected is None
        or detected[0] == current
        or detected[0] not in languages
        or detected[1] < MIN_PROBABILITY_TO_SWITCH
        or unsupported_language(text) is not None
    ):
        return current
    return detected[0]


# --- languages we do not speak ------------------------------------------------------------------

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
    words = _content_words(text)
    letters = sum(len(word) for word in words)
    if len(words) < MIN_WORDS_TO_SWITCH or letters < MIN_LETTERS_TO_SWITCH:
        return None
    joined = "".join(words)
    script = _script(words)
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
    full = _langdetect_probabilities(_full(), cleaned)
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
    if sum(_strip_accents(word) in _OUR_CHAT_WORDS for word in words) >= 2:
        return None
    second = _lingua_wide().detect_language_of(cleaned)
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


# --- explicit requests ----------------------------------------------------------------------

#: Names of each language (and "in that language" forms) in the eight languages.
_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "nl": (
        "nederlands",
        "vlaams",
        "hollands",
        "dutch",
        "flemish",
        "néerlandais",
        "neerlandais",
        "flamand",
        "felemenkçe",
        "felemenkce",
        "flamanca",
        "hollandaca",
        "niderlandzki",
        "niderlandzku",
        "holenderski",
        "holendersku",
        "flamandzki",
        "flamandzku",
        "olandeză",
        "olandeza",
        "neerlandeză",
        "neerlandeza",
        "flamandă",
        "flamanda",
        "нідерландська",
        "нідерландською",
        "голландська",
        "голландською",
        "фламандська",
        "фламандською",
        "الهولندية",
        "بالهولندية",
        "بالهولندي",
        "هولندي",
        "الفلامانية",
        "بالفلامانية",
        "بالفلاماني",
    ),
    "fr": (
        "frans",
        "french",
        "français",
        "francais",
        "fransızca",
        "fransizca",
        "francuski",
        "francusku",
        "franceză",
        "franceza",
        "franțuzește",
        "frantuzeste",
        "французька",
        "французькою",
        "الفرنسية",
        "بالفرنسية",
        "بالفرنسي",
        "فرنسي",
        "فرنساوي",
    ),
    "en": (
        "engels",
        "english",
        "anglais",
        "ingilizce",
        "i̇ngilizce",
        "İngilizce",
        "angielski",
        "angielsku",
        "engleză",
        "engleza",
        "englezește",
        "englezeste",
        "англійська",
        "англійською",
        "الإنجليزية",
        "الانجليزية",
        "بالإنجليزية",
        "بالانجليزية",
        "بالإنجليزي",
        "بالانجليزي",
        "انجليزي",
        "إنجليزي",
        "الانكليزية",
        "بالانكليزي",
    ),
    "tr": (
        "turks",
        "turkish",
        "turc",
        "turque",
        "türkçe",
        "turkce",
        "türkce",
        "turecki",
        "turecku",
        "turcă",
        "turca",
        "turcește",
        "turceste",
        "турецька",
        "турецькою",
        "التركية",
        "بالتركية",
        "بالتركي",
        "تركي",
    ),
    "ar": (
        "arabisch",
        "arabic",
        "arabe",
        "arapça",
        "arapca",
        "arabski",
        "arabsku",
        "arabă",
        "arabește",
        "arabeste",
        "арабська",
        "арабською",
        "العربية",
        "بالعربية",
        "بالعربي",
        "عربي",
        "العربي",
    ),
    "pl": (
        "pools",
        "polish",
        "polonais",
        "lehçe",
        "lehce",
        "polski",
        "polsku",
        "poloneză",
        "poloneza",
        "polonă",
        "polona",
        "польська",
        "польською",
        "البولندية",
        "بالبولندية",
        "بالبولندي",
    ),
    "ro": (
        "roemeens",
        "romanian",
        "roumain",
        "rumence",
        "romence",
        "rumuński",
        "rumunski",
        "rumuńsku",
        "rumunsku",
        "română",
        "romana",
        "româna",
        "românește",
        "romaneste",
        "румунська",
        "румунською",
        "الرومانية",
        "بالرومانية",
        "بالروماني",
    ),
    "uk": (
        "oekraïens",
        "oekraiens",
        "ukrainian",
        "ukrainien",
        "ukraynaca",
        "ukraiński",
        "ukrainski",
        "ukraińsku",
        "ukrainsku",
        "ucraineană",
        "ucraineana",
        "ucrainiană",
        "українська",
        "українською",
        "українськи",
        "украинском",
        "الأوكرانية",
        "الاوكرانية",
        "بالأوكرانية",
        "بالاوكرانية",
        "بالأوكراني",
    ),
}
_NAME_TO_LANGUAGE: dict[str, str] = {
    name.lower(): code for code, names in _LANGUAGE_NAMES.items() for name in names
}

#: Every word that may stand around a language name in a request, in the eight languages:
#: "please", "in", "can you", "speak", "write", "answer", "language", greetings. A message
#: counts as a request only when *all* its other words are such words, which keeps
#: "ik heb een Franse verhuurder" and "my landlord is Polish" out.
_REQUEST_WORDS_TEXT = """
    in het de en naar op taal aub alstublieft alsjeblieft asjeblieft asb graag liever kan
    kunt kunnen kunde kunnen mag mogen we wij ik je jij u jullie spreek spreekt spreken
    praat praten schrijf schrijft schrijven antwoord antwoorden verder doen verdergaan
    hallo dag hoi goeiedag alleen liefst het wel ook nog eens
    please pls plz can could would you speak talk write answer reply continue switch
    to language do does in i want would like prefer we let us lets use only hello hi hey
    the yes ok okay who speaks thanks anyone someone is there
    parlez parles parler vous tu est ce que peut peux pouvez on en svp stp sil s il plait
    plaît langue écrire ecrire répondre repondre continuer je veux voudrais préfère prefere
    bonjour salut merci oui qui quelqu un quelquun ici
    lütfen lutfen konuşabilir konusabilir konuşur konusur musunuz misiniz mısınız
    yazabilir yazar mısın misin musun biliyor biliyormusunuz bilen var mı mi dil dilinde
    merhaba selam olur ben istiyorum
    po proszę prosze czy możecie mozecie może moze mówicie mowicie mówisz mowisz pan pani
    pisać pisac pisz rozmawiać rozmawiac język jezyk w dzień dobry dzien cześć czesc chcę
    chce mogę moge
    în vă va rog te puteți puteti puteţi vorbiți vorbiti vorbesti vorbești scrie scrieți
    scrieti limba limbă pe bună buna ziua salut vreau se poate
    будь ласка можна можете ви говорите розмовляєте пишіть писати мовою мова по будьласка
    привіт добрий день хочу я будь-ласка
    من فضلك لو سمحت ممكن تتكلم تتكلمون تحكي تحكو هل اللغة باللغة بليز السلام عليكم مرحبا
    أريد اريد يمكن تكتب اكتب عافاك عفاك واش كتهضر
"""
_REQUEST_WORDS: frozenset[str] = frozenset(_REQUEST_WORDS_TEXT.split())
_MAX_REQUEST_WORDS = 9


def requested_language(text: str) -> str | None:
    """The candidate language ``text`` explicitly asks for, or ``None``.

    Recognises short requests in any of the eight languages ("türkçe lütfen",
    "in het Frans aub", "can you speak ukrainian", "بالعربي من فضلك"): a language name with
    only request words around it. A sentence that merely mentions a nationality is not a
    request.
    """
    words = _WORD.findall(unicodedata.normalize("NFC", text).lower())
    if not words or len(words) > _MAX_REQUEST_WORDS:
        return None
    named: set[str] = set()
    for word in words:
        code = _NAME_TO_LANGUAGE.get(word)
        if code is not None:
            named.add(code)
        elif word not in _REQUEST_WORDS:
            return None
    if len(named) != 1:
        return None
    return named.pop()


#: Replies that carry no signal about the language: they never count toward a switch.
_COURTESY_WORDS: frozenset[str] = frozenset(
    {
        "ok",
        "oke",
        "okay",
        "merci",
        "thanks",
        "thx",
        "yes",
        "no",
        "ja",
        "nee",
        "oui",
        "non",
        "da",
        "nu",
        "tak",
        "nie",
        "evet",
        "hayir",
        "hayır",
        "tamam",
        "так",
        "ні",
        "дякую",
        "نعم",
        "لا",
        "شكرا",
    }
)

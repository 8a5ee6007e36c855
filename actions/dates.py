"""Find dates in short tenant chat messages, in the eight languages Huurhulp speaks.

``parse_dates(text, today, language)`` returns the dates a tenant mentions ("de zitting is
volgende dinsdag", "l'huissier vient le 2 décembre", "hearing on Jan 14"), each with the
span it came from, how an incomplete date was completed, and, when the words around it
say so, what the date is (hearing, eviction, letter, judgment, judgment served).

Design: narrow patterns locate, dateparser computes
---------------------------------------------------
``dateparser.search.search_dates`` was evaluated first (dateparser 1.2, DMY,
RELATIVE_BASE, PREFER_DATES_FROM) and is not safe as the locator for this domain:

* it misses dates followed by a time, the most common way a summons is quoted:
  "de zitting is op 1 december om 9 uur", "zitting op 14/01 om 10u" and
  "on 14/01/2027 at 9am" all return nothing;
* it reports very common Dutch chat words as weekdays or "now": "ma" (maar), "di",
  "do", "zo", "nu", and amounts as dates: "2 maanden achterstand" becomes a date two
  months ahead, "ik ben 45 jaar" a date in 2071, "in 3500 Hasselt" the year 3500;
* it drops the direction of "last tuesday", "mardi dernier", "il y a 3 jours" (all
  returned in the future) and "the day after tomorrow" (returned as tomorrow);
* Dutch number words are not understood ("binnen twee weken", "over een maand").

A wrong date feeds the triage (a hearing within 14 days means priority P1), so dates are
located with narrow, tested patterns built from dateparser's own month and weekday
vocabulary (``LocaleDataLoader``), and each located date is handed to
``dateparser.parse`` in a canonical form ("14/1", "14/1/2027", "tuesday", "in 2 weeks",
"3 days ago") which does the calendar work: year inference with PREFER_DATES_FROM,
validation ("31/02" is rejected), month arithmetic. The only hand-written arithmetic is
"<weekday> volgende week" (the weekday of next week) and the small correction below.

Incomplete dates (no year, weekday only)
----------------------------------------
Hearing and eviction dates lie ahead, so a date without a year means the next
occurrence on or after ``today`` (``resolved_as="next"``; dateparser alone returns next
year for today's own day and month, which is corrected). Only when the clause clearly
speaks about the past ("ik kreeg op 3 november een brief", "received on", "reçu le",
"het vonnis werd betekend op ...") does it mean the most recent occurrence on or before
today (``resolved_as="previous"``). Dates with a year or fixed by the words themselves
("morgen", "over 3 dagen", "vorige week") are ``resolved_as="explicit"``.
The asymmetry is deliberate: misreading a past letter date as future puts it about a
year ahead, which never makes a case urgent; misreading a future hearing as past would
hide a P1. So the past reading needs a past-tense cue next to the date and is cancelled
by a nearer present/future cue ("the hearing was set for January 14" stays future); a
receipt verb never makes a hearing or eviction date past ("ik kreeg een brief voor de
zitting op 14/01" is next January), and without any cue a letter or judgment date is
read as past ("de brief van 3 november").
A weekday alone ("dinsdag", "next tuesday", "mardi prochain") is the next such day
strictly after today. The action layer should still confirm a date with the tenant.

Languages
---------
nl/fr/en are the hand-written grammar in this module (tables below plus dateparser's
month and weekday words). Turkish, Arabic, Polish, Romanian and Ukrainian use the same
patterns and the same dateparser arithmetic, fed from a word list per language
(``vocabulary/lexicon/<code>/words.yml``: number words, units, months and weekdays with
their inflected forms, relative words, "in"/"ago" words before or after the count, weekday
modifiers, kind cues as stems). What these languages need beyond nl/fr/en:

* a unit without a count is one ("za tydzień", "через тиждень", "بعد أسبوع"), and the
  Arabic dual carries two ("بعد يومين");
* "in"/"ago" words after the count (Turkish "3 gün sonra", Polish "3 dni temu");
* Turkish endings after an apostrophe ("3 Mart'ta"); Arabic clitics before a cue word
  ("والمحكمة"); Arabic-Indic digits fold to 0-9 (same length, so spans stay right);
* guards for words that are two things: Romanian "luni" is Monday and "months" (after a
  count it is months), Arabic "الاثنين" is Monday and "the two" (needs a modifier), and
  words that fold to everyday words of another language (Turkish "dün" -> Dutch "dun",
  Polish "sąd" -> English "sad") only count when that language is given.

Tense words ("was", "kreeg", ...) exist for nl/fr/en only: in the other languages a date
without a year is the next occurrence unless its kind (letter, judgment) lies in the past
by nature. With ``language=None`` or an unknown code all eight languages apply.

Robustness: ``parse_dates`` never raises and never reads the clock; weird input
(empty, emoji, binary-looking, very long) yields ``[]`` or the dates it can find. Only
the first ``MAX_TEXT_CHARS`` characters are read and at most ``MAX_RESULTS`` dates are
returned: chat messages are short and this bounds the work per message.
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache, partial
from typing import Any, Literal

from vocabulary.languages import ALL_LANGUAGES
from vocabulary.lexicons import LEXICON_DIR

__all__ = [
    "MAX_RESULTS",
    "MAX_TEXT_CHARS",
    "SUPPORTED_LANGUAGES",
    "DateKind",
    "ParsedDate",
    "Resolution",
    "parse_dates",
]

logger = logging.getLogger(__name__)

SUPPORTED_LANGUAGES: tuple[str, ...] = ALL_LANGUAGES
#: The hand-written grammar below (tables in this module, dateparser's month and weekday
#: words). The other languages read their words from ``vocabulary/lexicon/<code>/words.yml``.
_CODED_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")
_LEXICON_DIR = LEXICON_DIR
MAX_TEXT_CHARS = 20_000
MAX_RESULTS = 50
# Explicit years outside this range are not dates a tenant's case can hinge on
# (and dateparser would accept them), so they are dropped.
MIN_YEAR, MAX_YEAR = 1900, 2100

Resolution = Literal["explicit", "next", "previous"]
Prefer = Literal["future", "past"]
_Resolved = tuple[datetime.date, Resolution]


class DateKind(str, Enum):
    """What a date is about, guessed from the words nearest to it."""

    hearing = "hearing"
    eviction = "eviction"
    letter = "letter"
    judgment = "judgment"
    judgment_served = "judgment_served"


@dataclass(frozen=True)
class ParsedDate:
    """One date found in a message.

    ``text`` is the span as the tenant wrote it, ``start``/``end`` its offsets in the
    input; ``kind`` is ``None`` when no keyword nearby says what the date is;
    ``resolved_as`` says how an incomplete date was completed (see the module docstring).
    """

    date: datetime.date
    text: str
    start: int
    end: int
    kind: DateKind | None = None
    resolved_as: Resolution = "explicit"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (ISO date, kind as a plain string)."""
        return {
            "date": self.date.isoformat(),
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind.value if self.kind else None,
            "resolved_as": self.resolved_as,
        }


# --------------------------------------------------------------------------- folding


_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"}
# Letters without a Unicode decomposition that tenants type either way (Turkish dotless
# i, Polish l with stroke), and Arabic-Indic / Eastern Arabic-Indic digits (٣ -> 3).
_FOLD_MAP: dict[str, str] = {
    "\u0131": "i",
    "\u0141": "l",
    "\u0142": "l",
    **{chr(0x0660 + n): str(n) for n in range(10)},
    **{chr(0x06F0 + n): str(n) for n in range(10)},
}


def _fold_char(char: str) -> str:
    """Lowercase ``char`` without accents, always returning exactly one character."""
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    if char in _FOLD_MAP:
        return _FOLD_MAP[char]
    if not char.isprintable():
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if len(base) != 1:
        base = char
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


def _fold(text: str) -> str:
    """Lowercase, accent-free copy of ``text`` with the SAME length.

    Same length matters: patterns run on the folded text and the spans are cut from the
    original text at the same offsets. ("İ".lower() has two characters, so per-character
    folding keeps the original character in such cases.)
    """
    return "".join(_fold_char(c) for c in text)


# ----------------------------------------------------------------------- vocabulary

# Number words up to (at least) ten, plus the counts that occur in deadlines.
_NUMBER_WORDS: dict[str, dict[str, int]] = {
    "nl": {
        "een": 1,
        "'n": 1,
        "ene": 1,
        "ne": 1,
        "n": 1,
        "twee": 2,
        "drie": 3,
        "vier": 4,
        "vijf": 5,
        "zes": 6,
        "zeven": 7,
        "acht": 8,
        "negen": 9,
        "tien": 10,
        "elf": 11,
        "twaalf": 12,
        "dertien": 13,
        "veertien": 14,
        "vijftien": 15,
        "twintig": 20,
        "dertig": 30,
    },
    "fr": {
        "un": 1,
        "une": 1,
        "deux": 2,
        "trois": 3,
        "quatre": 4,
        "cinq": 5,
        "six": 6,
        "sept": 7,
        "huit": 8,
        "neuf": 9,
        "dix": 10,
        "onze": 11,
        "douze": 12,
        "treize": 13,
        "quatorze": 14,
        "quinze": 15,
        "vingt": 20,
        "trente": 30,
    },
    "en": {
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "twenty": 20,
        "thirty": 30,
    },
}

# Time units, including Flemish forms that drop the final n ("weke", "dage").
_UNITS: dict[str, dict[str, str]] = {
    "nl": {
        "dag": "day",
        "dagen": "day",
        "dage": "day",
        "week": "week",
        "weken": "week",
        "weke": "week",
        "weekje": "week",
        "weekske": "week",
        "maand": "month",
        "maanden": "month",
        "maande": "month",
    },
    "fr": {"jour": "day", "jours": "day", "semaine": "week", "semaines": "week", "mois": "month"},
    "en": {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month"},
}

# Words before a count that point forward ("over 3 dagen", "dans deux semaines").
_FUTURE_PREFIXES: dict[str, tuple[str, ...]] = {
    "nl": ("over", "binnen", "binnen de", "in"),
    "fr": ("dans", "dans les", "d'ici", "d ici", "d'ici a", "d ici a", "sous"),
    "en": ("in", "within", "in the next", "within the next"),
}
_PAST_SUFFIXES: dict[str, tuple[str, ...]] = {"nl": ("geleden",), "fr": (), "en": ("ago",)}
_PAST_PREFIXES: dict[str, tuple[str, ...]] = {"nl": (), "fr": ("il y a", "il ya"), "en": ()}

# "over" is also "about": "een vraag over 2 maanden huurachterstand" is an amount, not
# a date two months ahead. A duration followed by a debt word is skipped.
_NOT_AN_AMOUNT = (
    r"(?!\s+(?:huur\w*|achterstand\w*|achterstal\w*|schuld\w*|te laat|niet betaald|loyers?|de loyer|"
    r"de retard|d'arrieres|d arrieres|impaye\w*|rent|of rent|arrears|behind|late)(?!\w))"
)

# Belgian idiom: "over acht dagen" / "dans huit jours" means a week, "dans quinze jours"
# two weeks. Reading 15 as 14 is also the safe side of the 14-day triage boundary.
_IDIOMATIC_DAYS: dict[tuple[str, int], int] = {("nl", 8): 7, ("fr", 8): 7, ("fr", 15): 14}

# Words that fix a day relative to today. Value: offset in days.
_RELATIVE_WORDS: dict[str, dict[str, int]] = {
    "nl": {
        "vandaag": 0,
        "vanavond": 0,
        "vanmiddag": 0,
        "vannamiddag": 0,
        "vannacht": 0,
        "vanmorgen": 0,
        "vanochtend": 0,
        "morgen": 1,
        "morge": 1,
        "morgenavond": 1,
        "morgenvroeg": 1,
        "morgenmiddag": 1,
        "morgennamiddag": 1,
        "morgenochtend": 1,
        "overmorgen": 2,
        "overmorge": 2,
        "gisteren": -1,
        "gistere": -1,
        "eergisteren": -2,
        "volgende week": 7,
        "vorige week": -7,
    },
    "fr": {
        "aujourd'hui": 0,
        "aujourd hui": 0,
        "aujourdhui": 0,
        "ce soir": 0,
        "cette nuit": 0,
        "ce matin": 0,
        "demain": 1,
        "apres-demain": 2,
        "apres demain": 2,
        "avant-hier": -2,
        "avant hier": -2,
        "la semaine prochaine": 7,
        "la semaine derniere": -7,
    },
    "en": {
        "today": 0,
        "tonight": 0,
        "this evening": 0,
        "this afternoon": 0,
        "tomorrow": 1,
        "tmrw": 1,
        "the day after tomorrow": 2,
        "day after tomorrow": 2,
        "yesterday": -1,
        "the day before yesterday": -2,
        "day before yesterday": -2,
        "next week": 7,
        "last week": -7,
    },
}
# "hier" is French for yesterday but Dutch for "here": only with language="fr" or a
# message that looks French.
_FRENCH_ONLY_RELATIVE = {"hier": -1}
# "morgen" is also "morning": "goede morgen", "deze morgen", "'s morgens".
_NOT_TOMORROW_BEFORE = re.compile(r"(?:goede|goeie|goei|deze|dees|elke|iedere|van|de|'s|s|die|den)\s+$")

# Weekday modifiers: before or after the weekday, pointing forward or back.
_WEEKDAY_PRE_FUTURE = (
    "volgende",
    "volgend",
    "aanstaande",
    "komende",
    "deze",
    "dees",
    "next",
    "this",
    "coming",
    "ce",
)
_WEEKDAY_PRE_PAST = ("vorige", "vorig", "afgelopen", "last", "past")
_WEEKDAY_POST_FUTURE = ("prochain", "qui vient", "aanstaande")
_WEEKDAY_POST_PAST = ("dernier", "passe", "laatst")

_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Words after "december 2" that make the number a count, not a day ("december 2 keer").
_COUNT_WORDS = (
    r"keer|maal|fois|times|x|euro|eur|€|%|maanden|maand|mois|months?|dagen|jours?|days?|"
    r"weken|semaines?|weeks?|jaar|ans?|years?|kinderen|enfants|kids|children"
)


# ------------------------------------------------------- languages from the lexicon


@lru_cache(maxsize=16)
def load_words(language: str) -> dict[str, Any]:
    """The raw word lists of ``language`` from ``vocabulary/lexicon/<code>/words.yml``.

    Shared with ``actions.answers``. ``{}`` for a language without such a file (nl, fr,
    en are written in code). Loaded lazily: importing this module does no I/O.
    """
    path = _LEXICON_DIR / language / "words.yml"
    if language not in SUPPORTED_LANGUAGES or not path.is_file():
        return {}
    import yaml  # lazy, like dateparser

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _folded_list(value: Any) -> tuple[str, ...]:
    """Folded, single-spaced strings of a YAML list (anything else is ignored)."""
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if isinstance(item, str) and item.strip():
            out.append(" ".join(_fold(item).split()))
    return tuple(out)


def _cue_pattern(entries: Iterable[str], clitics: str) -> re.Pattern[str] | None:
    """One pattern for cue entries; ``*`` is any word ending, spaces any whitespace."""
    parts = []
    for entry in entries:
        pieces = [re.escape(piece) for piece in entry.split("*")]
        body = r"\w*".join(pieces).replace(r"\ ", r"\s+").replace(" ", r"\s+")
        parts.append(body if entry.endswith("*") else body + r"(?!\w)")
    if not parts:
        return None
    return re.compile(rf"(?<!\w){clitics}(?:{'|'.join(sorted(parts, key=len, reverse=True))})")


# Arabic glues conjunctions, prepositions and the article to the next word
# ("والمحكمة", "بالرسالة"): cue words may carry them.
_CLITICS = {"ar": "(?:[\u0648\u0641\u0628\u0644\u0643]{0,2}(?:\u0627\u0644)?)?"}


@dataclass(frozen=True)
class _Words:
    """One lexicon language's date words, folded."""

    numbers: dict[str, int]
    units: dict[str, str]  # unit word -> day / week / month
    counted_units: dict[str, tuple[str, int]]  # "يومين" -> (day, 2)
    bare_units: bool  # "za tydzien": a unit without a count is one
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    future_prefixes: tuple[str, ...]
    future_suffixes: tuple[str, ...]
    past_prefixes: tuple[str, ...]
    past_suffixes: tuple[str, ...]
    weekday_pre_future: tuple[str, ...]
    weekday_post_future: tuple[str, ...]
    weekday_pre_past: tuple[str, ...]
    weekday_post_past: tuple[str, ...]
    next_week_before: tuple[str, ...]  # "haftaya sali" = the Tuesday of next week
    next_week_after: tuple[str, ...]
    debt_after: tuple[str, ...]  # cue-style entries
    explicit_only: frozenset[str]
    quantity_words: tuple[str, ...]  # "cate luni" (how many months): not Monday
    weekdays_with_modifier: frozenset[str]  # "الاثنين" is also "the two": only "الاثنين القادم"
    counted_only_past_prefixes: tuple[str, ...]  # "من يومين" (2 days ago), not "من يوم" (since the day)
    kinds: tuple[tuple[DateKind, re.Pattern[str]], ...]
    kinds_shared: tuple[tuple[DateKind, re.Pattern[str]], ...]  # without explicit_only words
    apostrophe_endings: bool  # Turkish "3 Mart'ta"


_RELATIVE_KEYS = {
    "today": 0,
    "tomorrow": 1,
    "day_after_tomorrow": 2,
    "yesterday": -1,
    "day_before_yesterday": -2,
    "next_week": 7,
    "last_week": -7,
}
_UNIT_KEYS = {"day_unit": "day", "week_unit": "week", "month_unit": "month"}


@lru_cache(maxsize=16)
def _words(language: str) -> _Words | None:
    """The date words of a lexicon language, or ``None`` (nl/fr/en, unknown codes)."""
    data = load_words(language)
    if not data:
        return None

    def section(key: str) -> dict[str, Any]:
        value = data.get(key)
        return value if isinstance(value, dict) else {}

    def folded(key: str, sub: str | None = None) -> tuple[str, ...]:
        return _folded_list(section(key).get(sub) if sub else data.get(key))

    def numbered(key: str, first: int) -> dict[str, int]:
        out: dict[str, int] = {}
        value = data.get(key)
        for number, forms in enumerate(value if isinstance(value, list) else [], start=first):
            for word in _folded_list(forms):
                out.setdefault(word, number)
        return out

    numbers = {
        " ".join(_fold(str(word)).split()): int(value)
        for word, value in section("numbers").items()
        if isinstance(value, int) and not isinstance(value, bool)
    }
    units = {word: unit for key, unit in _UNIT_KEYS.items() for word in folded(key)}
    counted: dict[str, tuple[str, int]] = {}
    for word, value in section("counted_units").items():
        if isinstance(value, list) and len(value) == 2 and value[0] in ("day", "week", "month"):
            counted[" ".join(_fold(str(word)).split())] = (str(value[0]), int(value[1]))
    relative = {
        word: offset
        for key, offset in _RELATIVE_KEYS.items()
        for word in _folded_list(section("relative").get(key))
    }
    cues = section("cues")
    clitics = _CLITICS.get(language, "")
    explicit_only = frozenset(folded("explicit_only"))
    kinds = []
    kinds_shared = []
    for kind in DateKind:
        entries = _folded_list(cues.get(kind.value))
        pattern = _cue_pattern(entries, clitics)
        if pattern is not None:
            kinds.append((kind, pattern))
        shared = _cue_pattern([e for e in entries if e not in explicit_only], clitics)
        if shared is not None:
            kinds_shared.append((kind, shared))
    return _Words(
        numbers=numbers,
        units=units,
        counted_units=counted,
        bare_units=data.get("bare_units") is True,
        months=numbered("months", 1),
        weekdays=numbered("weekdays", 0),
        relative=relative,
        future_prefixes=folded("in_future", "prefixes"),
        future_suffixes=folded("in_future", "suffixes"),
        past_prefixes=folded("ago", "prefixes"),
        past_suffixes=folded("ago", "suffixes"),
        weekday_pre_future=folded("weekday_next", "before"),
        weekday_post_future=folded("weekday_next", "after"),
        weekday_pre_past=folded("weekday_last", "before"),
        weekday_post_past=folded("weekday_last", "after"),
        next_week_before=folded("weekday_of_next_week", "before"),
        next_week_after=folded("weekday_of_next_week", "after"),
        debt_after=folded("debt_after"),
        explicit_only=explicit_only,
        quantity_words=folded("quantity_words"),
        weekdays_with_modifier=frozenset(folded("weekdays_with_modifier")),
        counted_only_past_prefixes=folded("ago", "counted_only_prefixes"),
        kinds=tuple(kinds),
        kinds_shared=tuple(kinds_shared),
        apostrophe_endings=language == "tr",
    )


@dataclass(frozen=True)
class _Vocabulary:
    months: dict[str, int]  # folded month word -> 1..12
    month_first: dict[str, int]  # month words that may come before the day ("Jan 14")
    weekdays_full: dict[str, int]  # folded full weekday name -> 0 (Monday)..6
    weekdays_any: tuple[str, ...]  # full names and abbreviations, for "di 1/12"


def _plain_words(words: Iterable[str]) -> list[str]:
    """Folded, dot-free words that are plain letters (safe to put in a regex)."""
    out = []
    for word in words:
        folded = _fold(word).strip().rstrip(".")
        if re.fullmatch(r"[a-z]+", folded):
            out.append(folded)
    return out


@lru_cache(maxsize=8)
def _vocabulary(languages: tuple[str, ...]) -> _Vocabulary:
    """Month and weekday words for ``languages``.

    nl/fr/en words come from dateparser's locale data; the other languages' from their
    lexicon (dateparser's lists there are thin and ambiguous: Turkish "ara" is both
    December and "between", Romanian "mar" both March and Tuesday).
    """
    from dateparser.languages.loader import LocaleDataLoader  # lazy: no I/O at import time

    loader = LocaleDataLoader()
    months: dict[str, int] = {}
    weekdays_full: dict[str, int] = {}
    weekdays_any: set[str] = set()
    for code in languages:
        if code not in _CODED_LANGUAGES:
            continue
        info = loader.get_locale(code).info
        for number, name in enumerate(_EN_MONTHS, start=1):
            for word in _plain_words(info.get(name, [])):
                # "mar" is March in English but Tuesday (mardi) in French; two-letter
                # month abbreviations do not exist, so anything shorter is skipped.
                if len(word) >= 3:
                    months.setdefault(word, number)
        for number, name in enumerate(_EN_WEEKDAYS):
            for word in _plain_words(info.get(name, [])):
                weekdays_any.add(word)
                # Only full names stand alone: "ma", "di", "do", "zo", "sat", "sun"
                # are everyday words in chat.
                if len(word) >= 5:
                    weekdays_full[word] = number
    month_first = dict(months)
    for code in languages:
        words = _words(code)
        if words is None:
            continue
        # Day-first languages: their month names only follow a day number.
        for word, number in words.months.items():
            months.setdefault(word, number)
        for word, number in words.weekdays.items():
            weekdays_full.setdefault(word, number)
            weekdays_any.add(word)
    return _Vocabulary(months, month_first, weekdays_full, tuple(sorted(weekdays_any, key=len, reverse=True)))


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so that "januari" wins over "jan"."""
    escaped = {re.escape(w).replace(r"\ ", r"\s+").replace(" ", r"\s+") for w in words}
    if not escaped:
        return _NEVER
    parts = sorted(escaped, key=len, reverse=True)
    return "(?:" + "|".join(parts) + ")"


# ------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class _Patterns:
    numeric: re.Pattern[str]
    dotted: re.Pattern[str]
    iso: re.Pattern[str]
    day_month: re.Pattern[str]
    month_day: re.Pattern[str]
    relative: re.Pattern[str]
    duration_future: re.Pattern[str]
    duration_past_suffix: re.Pattern[str]
    duration_past_prefix: re.Pattern[str]
    weekday_next_week: re.Pattern[str]
    weekday: re.Pattern[str]
    vocabulary: _Vocabulary
    relative_words: dict[str, int]
    number_words: dict[str, int]
    units: dict[str, str]
    unit_language: dict[str, set[str]]  # unit word -> its languages (for the idioms)
    # Lexicon languages (tr, ar, pl, ro, uk); patterns that match nothing without them.
    duration_future_suffix: re.Pattern[str]  # "3 gun sonra"
    bare_future: re.Pattern[str]  # "za tydzien", "بعد يومين"
    bare_past_suffix: re.Pattern[str]  # "tydzien temu"
    bare_past_prefix: re.Pattern[str]  # "منذ أسبوع"
    counted_past_prefix: re.Pattern[str]  # "من يومين"
    weekdays_with_modifier: frozenset[str]
    counted_units: dict[str, tuple[str, int]]
    count_before: re.Pattern[str]  # a count right before: "2 luni" is months, not Monday
    weekday_past: frozenset[str]
    kinds: tuple[tuple[DateKind, re.Pattern[str]], ...]
    tense_cues: bool  # the nl/fr/en tense words apply (see _prefer)
    # A debt word just before: "jestem winna za 2 miesiace" is owed rent, not a date.
    debt_before: re.Pattern[str]


_NEVER = "(?!)"  # an alternation that matches nothing, for empty word lists


@lru_cache(maxsize=16)
def _patterns(languages: tuple[str, ...], french_hier: bool) -> _Patterns:
    vocab = _vocabulary(languages)
    month = _alternation(vocab.months)
    wd_full = _alternation(vocab.weekdays_full)
    wd_any = _alternation(vocab.weekdays_any)
    # An optional weekday before a full date is part of the span: "dinsdag 1 december",
    # "di 1/12", "Tuesday, January 14".
    wd_prefix = rf"(?:{wd_any}\.?,?\s+(?:de\s+|le\s+|the\s+)?)?"
    day = r"(?P<day>3[01]|[12][0-9]|0?[1-9])"
    ordinal = r"(?:ste|de|e|er|re|eme|ieme|st|nd|rd|th)?"
    start = r"(?<![\w/.\-])"
    end_numeric = r"(?![\w/\-]|\.[0-9])"

    numbers: dict[str, int] = {}
    units: dict[str, str] = {}
    unit_language: dict[str, set[str]] = {}
    relative_words: dict[str, int] = {}
    future_prefixes: list[str] = []
    past_suffixes: list[str] = []
    past_prefixes: list[str] = []
    coded = [code for code in languages if code in _CODED_LANGUAGES]
    for code in coded:
        numbers.update(_NUMBER_WORDS[code])
        units.update(_UNITS[code])
        for unit in _UNITS[code]:
            unit_language.setdefault(unit, set()).add(code)
        relative_words.update(_RELATIVE_WORDS[code])
        future_prefixes += _FUTURE_PREFIXES[code]
        past_suffixes += _PAST_SUFFIXES[code]
        past_prefixes += _PAST_PREFIXES[code]
    if french_hier:
        relative_words.update(_FRENCH_ONLY_RELATIVE)
    # The nl/fr/en weekday modifiers apply whenever one of those languages does.
    pre_future = list(_WEEKDAY_PRE_FUTURE if coded else ())
    pre_past = list(_WEEKDAY_PRE_PAST if coded else ())
    post_future = list(_WEEKDAY_POST_FUTURE if coded else ())
    post_past = list(_WEEKDAY_POST_PAST if coded else ())
    future_suffixes: list[str] = []
    bare_units: dict[str, str] = {}
    bare_future_prefixes: list[str] = []
    bare_past_prefixes: list[str] = []
    bare_past_suffixes: list[str] = []
    counted: dict[str, tuple[str, int]] = {}
    next_week_before: list[str] = []
    next_week_after: list[str] = []
    debt_after: list[str] = []
    quantity_words: list[str] = []
    weekdays_with_modifier: set[str] = set()
    counted_only_prefixes: list[str] = []
    kinds = list(_KIND_PATTERNS)
    apostrophe_endings = False
    lexicon = [(code, w) for code in languages if (w := _words(code)) is not None]
    for code, words in lexicon:
        # A word that is everyday chat in another language ("dun") only counts when
        # the tenant's language is known.
        drop = words.explicit_only if len(languages) > 1 else frozenset()
        numbers.update({k: v for k, v in words.numbers.items() if k not in drop})
        units.update(words.units)
        for unit in words.units:
            unit_language.setdefault(unit, set()).add(code)
        relative_words.update({k: v for k, v in words.relative.items() if k not in drop})
        future_prefixes += words.future_prefixes
        future_suffixes += words.future_suffixes
        past_suffixes += words.past_suffixes
        past_prefixes += words.past_prefixes
        pre_future += words.weekday_pre_future
        pre_past += words.weekday_pre_past
        post_future += words.weekday_post_future
        post_past += words.weekday_post_past
        next_week_before += words.next_week_before
        next_week_after += words.next_week_after
        debt_after += words.debt_after
        quantity_words += words.quantity_words
        weekdays_with_modifier |= words.weekdays_with_modifier
        past_prefixes += words.counted_only_past_prefixes
        counted_only_prefixes += words.counted_only_past_prefixes
        kinds += words.kinds_shared if drop else words.kinds
        apostrophe_endings = apostrophe_endings or words.apostrophe_endings
        counted.update(words.counted_units)
        if words.bare_units:
            bare_units.update(words.units)
            bare_units.update({word: unit for word, (unit, _) in words.counted_units.items()})
            bare_future_prefixes += words.future_prefixes
            bare_past_prefixes += words.past_prefixes
            bare_past_suffixes += words.past_suffixes
    count = rf"(?P<num>[0-9]{{1,3}}|{_alternation(numbers)})"
    unit = rf"(?P<unit>{_alternation(units)})"
    past_suffix = _alternation(past_suffixes) if past_suffixes else _NEVER
    past_prefix = _alternation(past_prefixes) if past_prefixes else _NEVER
    weekday_modifier_before = _alternation(pre_future + pre_past)
    weekday_modifier_after = _alternation(post_future + post_past)
    not_an_amount = _NOT_AN_AMOUNT
    debt_before = _NEVER
    if debt_after:
        debt = "|".join(re.escape(w).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for w in debt_after)
        not_an_amount += rf"(?!\s+(?:{debt})(?!\w))"
        debt_before = rf"(?<!\w)(?:{debt})(?!\w)"
    bare_unit = rf"(?P<unit>{_alternation(bare_units)})"
    # Turkish endings after an apostrophe: "3 Mart'ta", "14 Aralik'ta".
    month_ending = r"(?:'[^\W\d_]{1,5})?" if apostrophe_endings else ""
    next_week_after_alt = (
        "|" + "|".join(_alternation([w]) for w in next_week_after) if next_week_after else ""
    )
    next_week_before_alt = (
        "|" + "|".join(_alternation([w]) for w in next_week_before) if next_week_before else ""
    )

    def compile_(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern)

    return _Patterns(
        numeric=compile_(
            rf"{start}{wd_prefix}{day}(?P<sep>[/\-])(?P<month>1[0-2]|0?[1-9])"
            rf"(?:(?P=sep)(?P<year>[0-9]{{4}}|[0-9]{{2}}))?{end_numeric}"
        ),
        # Dots need a year: "3.5 maanden" or "12.50 euro" are not dates.
        dotted=compile_(
            rf"{start}{wd_prefix}{day}\.(?P<month>1[0-2]|0?[1-9])\.(?P<year>[0-9]{{4}}|[0-9]{{2}}){end_numeric}"
        ),
        iso=compile_(
            rf"{start}(?P<year>(?:19|20)[0-9]{{2}})-(?P<month>1[0-2]|0[1-9])-(?P<day>3[01]|[12][0-9]|0[1-9]){end_numeric}"
        ),
        day_month=compile_(
            rf"{start}{wd_prefix}{day}{ordinal}\.?\s*(?:of\s+|van\s+)?(?P<mname>{month}){month_ending}\.?"
            rf"(?:,?\s*(?P<year>(?:19|20)[0-9]{{2}}))?(?!\w)"
        ),
        month_day=compile_(
            rf"{start}{wd_prefix}(?P<mname>{_alternation(vocab.month_first)})\.?\s+(?:the\s+)?{day}{ordinal}"
            rf"(?:,?\s*(?P<year>(?:19|20)[0-9]{{2}}))?{end_numeric}(?!\s*(?:{_COUNT_WORDS})(?!\w))"
        ),
        relative=compile_(rf"(?<!\w)(?P<word>{_alternation(relative_words)})(?!\w)"),
        duration_future=compile_(
            rf"(?<!\w)(?P<pre>{_alternation(future_prefixes)})\s+{count}\s+{unit}(?!\w){not_an_amount}"
        ),
        duration_past_suffix=compile_(rf"(?<!\w){count}\s+{unit}\s+(?P<post>{past_suffix})(?!\w)"),
        duration_past_prefix=compile_(rf"(?<!\w)(?P<pre>{past_prefix})\s+{count}\s+{unit}(?!\w)"),
        weekday_next_week=compile_(
            rf"(?<!\w)(?:(?P<wd>{wd_full})\s+(?:van\s+)?(?:volgende\s+week|next\s+week|de\s+la\s+semaine\s+prochaine"
            rf"{next_week_after_alt})"
            rf"|(?:volgende\s+week|next\s+week{next_week_before_alt})\s+(?:op\s+|on\s+)?(?P<wd2>{wd_full}))(?!\w)"
        ),
        weekday=compile_(
            rf"(?<!\w)(?:(?P<pre>{weekday_modifier_before})\s+)?"
            rf"(?P<wd>{wd_full})(?:\s+(?P<post>{weekday_modifier_after}))?(?!\w)"
        ),
        vocabulary=vocab,
        relative_words=relative_words,
        number_words=numbers,
        units=units,
        unit_language=unit_language,
        duration_future_suffix=compile_(
            rf"(?<!\w){count}\s+{unit}\s+(?P<post>{_alternation(future_suffixes)})(?!\w)"
        ),
        bare_future=compile_(
            rf"(?<!\w)(?P<pre>{_alternation(bare_future_prefixes)})\s+{bare_unit}(?!\w){not_an_amount}"
        ),
        bare_past_suffix=compile_(
            rf"(?<!\w){bare_unit}\s+(?P<post>{_alternation(bare_past_suffixes)})(?!\w)"
        ),
        bare_past_prefix=compile_(rf"(?<!\w)(?P<pre>{_alternation(bare_past_prefixes)})\s+{bare_unit}(?!\w)"),
        counted_units=counted,
        counted_past_prefix=compile_(
            rf"(?<!\w)(?P<pre>{_alternation(counted_only_prefixes)})\s+(?P<unit>{_alternation(counted)})(?!\w)"
        ),
        weekdays_with_modifier=frozenset(weekdays_with_modifier),
        count_before=compile_(rf"(?<!\w)(?:[0-9]{{1,3}}|{_alternation([*numbers, *quantity_words])})\s+$"),
        weekday_past=frozenset(pre_past + post_past),
        kinds=tuple(kinds),
        tense_cues=bool(coded),
        debt_before=compile_(debt_before),
    )


# ------------------------------------------------------------ tense and kind context

# Past-tense cues. Receipt verbs say when a paper arrived, which is past for the paper
# but says nothing about the hearing or eviction it announces ("ik kreeg een brief voor
# de zitting op 14/01"), so they only count for dates that are not hearing/eviction dates.
_RECEIPT_CUES = re.compile(
    r"(?<!\w)(?:kreeg|kregen|gekregen|ontving|ontvingen|ontvangen|gestuurd|verstuurd|opgestuurd|"
    r"gebracht|bezorgd|recu|recue|recus|recues|envoye|envoyee|apporte|received|got|sent|delivered)(?!\w)"
)
_EVENT_PAST_CUES = re.compile(
    r"(?<!\w)(?:kwam|kwamen|gekomen|was|waren|werd|werden|had|hadden|betekend|gebeurd|geweest|sinds|"
    r"etait|etaient|avait|eu|signifie|signifiee|venu|venue|passe|depuis|were|served|came|since|"
    r"arrived|happened|did)(?!\w)"
)
# Present/future cues: a nearer one of these cancels a past cue.
_FUTURE_CUES = re.compile(
    r"(?<!\w)(?:is|wordt|zal|zullen|komt|komen|moet|moeten|gaat|ga|gaan|staat|gepland|verplaatst|"
    r"uitgesteld|est|sera|seront|aura|vient|viendra|va|vais|doit|dois|prevu|prevue|fixe|fixee|"
    r"reporte|reportee|will|are|comes|coming|going|must|scheduled|set|planned|due|postponed|moved)(?!\w)"
)
# A preposition right before the date that points forward: "tegen 2 december",
# "fixée au 14 janvier", "set for January 14".
_FUTURE_PREPOSITION_BEFORE = re.compile(
    r"(?<!\w)(?:naar|tot|tegen|voor|uiterlijk|ten laatste|au|jusqu'au|jusqu au|avant|pour|"
    r"for|until|till|by|before|to)\s+(?:op\s+|le\s+|on\s+|the\s+|de\s+)?$"
)
# Clause boundaries: punctuation and conjunctions that start a new clause.
_CLAUSE_BREAK = re.compile(
    r"[,;:!?\n()\u060c\u061b\u061f]|\.(?:\s|$)|(?<!\w)(?:en|maar|dat|want|omdat|als|et|mais|que|qu'|qu|car|parce|quand|"
    r"and|but|that|because|when)(?!\w)"
)
_SENTENCE_BREAK = re.compile(r"[;!?\n\u061b\u061f]|\.(?:\s|$)")

# Kind keywords (folded). The nearest keyword in the sentence decides.
_KIND_PATTERNS: tuple[tuple[DateKind, re.Pattern[str]], ...] = (
    (
        DateKind.hearing,
        re.compile(
            # "zitting" but not "bezitting" (possession)
            r"\b(?:hoor|inleidende\s+)?zitting\w*|rechtbank\w*|\w*gerecht\b|\w*rechter\b|dagvaarding\w*|"
            r"gedagvaard|verzoekschrift\w*|\baudience\w*|\btribunal\w*|\bjuge\b|justice de paix|"
            r"\bconvocation\w*|\bconvoque\w*|\bcitation\w*|\bhearings?\b|\bcourts?\b|\bjudge\b|\bsummons\w*|"
            r"\bsummoned\b"
        ),
    ),
    (
        DateKind.eviction,
        re.compile(
            r"uithuiszetting\w*|\buitzetting\w*|ontruiming\w*|deurwaarder\w*|buitengezet|buiten\s+zetten|"
            r"\bexpulsion\w*|\bexpulse\w*|\bhuissier\w*|\bevict\w*|\bbailiff\w*"
        ),
    ),
    (
        DateKind.letter,
        re.compile(
            r"\bbrief\w*|aangetekend\w*|\blettre\w*|\brecommande\w*|\bcourrier\w*|\bletters?\b|\bregistered\b"
        ),
    ),
    (
        DateKind.judgment,
        re.compile(
            r"\bvonnis\w*|\buitspraak\b|\bbeslist\b|\bjugement\w*|\bjudge?ments?\b|\ba decide\b|\bruled\b"
        ),
    ),
    (
        DateKind.judgment_served,
        re.compile(r"\bbetekend\b|\bbetekening\w*|\bsignifie\w*|\bsignification\w*|\bserved\b"),
    ),
)


def _segment(folded: str, start: int, end: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    """The [left, right) bounds of the segment around [start, end) between ``breaks``."""
    left, right = 0, len(folded)
    for match in breaks.finditer(folded):
        if match.end() <= start:
            left = match.end()
        elif match.start() >= end:
            right = match.start()
            break
    return left, right


# Letters are received and judgments served before the tenant writes about them, so
# without any tense cue such dates are read as past ("de brief van 3 november").
_PAST_BY_NATURE = frozenset({DateKind.letter, DateKind.judgment, DateKind.judgment_served})
# Hearings and evictions lie ahead: only a cue about the event itself makes them past.
_FUTURE_BY_NATURE = frozenset({DateKind.hearing, DateKind.eviction})


_Kinds = tuple[tuple[DateKind, re.Pattern[str]], ...]


def _prefer(
    folded: str, start: int, end: int, kinds: _Kinds | None = None, tense_cues: bool = True
) -> Prefer:
    """Future unless the clause around [start, end) clearly speaks about the past.

    The nearest tense cue in the clause decides (a tie goes to the future); a
    forward-pointing preposition right before the date wins outright; receipt verbs do
    not count for hearing/eviction dates; with no cue at all, dates of a kind that lies
    in the past by nature (letter, judgment) are past. The tense words are nl/fr/en only
    (``tense_cues``): in the other languages only the kind decides.
    """
    if _FUTURE_PREPOSITION_BEFORE.search(folded[max(0, start - 20) : start]):
        return "future"
    left, right = _segment(folded, start, end, _CLAUSE_BREAK)
    kind = _kind(folded, start, end, kinds)
    if not tense_cues:
        return "past" if kind in _PAST_BY_NATURE else "future"
    past_cues = [_EVENT_PAST_CUES] if kind in _FUTURE_BY_NATURE else [_EVENT_PAST_CUES, _RECEIPT_CUES]
    distances = [_nearest_distance(p, folded, left, right, start, end) for p in past_cues]
    past = min((d for d in distances if d is not None), default=None)
    future = _nearest_distance(_FUTURE_CUES, folded, left, right, start, end)
    if past is not None and (future is None or past < future):
        return "past"
    if past is None and future is None and kind in _PAST_BY_NATURE:
        return "past"
    return "future"


def _nearest_distance(
    pattern: re.Pattern[str], folded: str, left: int, right: int, start: int, end: int
) -> int | None:
    """Distance in characters from [start, end) to the nearest match in [left, right)."""
    best: int | None = None
    for match in pattern.finditer(folded, left, right):
        if start <= match.start() < end:
            continue  # inside the date itself ("mardi passe")
        distance = start - match.end() if match.end() <= start else match.start() - end
        if best is None or distance < best:
            best = distance
    return best


def _kind(folded: str, start: int, end: int, kinds: _Kinds | None = None) -> DateKind | None:
    """The kind of the date at [start, end): the nearest kind keyword in its sentence."""
    kinds = _KIND_PATTERNS if kinds is None else kinds
    left, right = _segment(folded, start, end, _SENTENCE_BREAK)
    best: tuple[int, int, DateKind] | None = None
    for kind, pattern in kinds:
        for match in pattern.finditer(folded, left, right):
            if start <= match.start() < end:
                continue
            distance = start - match.end() if match.end() <= start else match.start() - end
            # At equal distance the longer keyword wins: "рішення суду" (the court's
            # judgment) is a judgment, not a hearing at "суду" (court).
            if best is None or (distance, -len(match.group())) < best[:2]:
                best = (distance, -len(match.group()), kind)
    if best is None:
        return None
    kind = best[2]
    if kind is DateKind.judgment:
        # "het vonnis werd betekend op ..." : a judgment with a serving word is the
        # serving date, which starts the one-month term before an eviction.
        served = [p for k, p in kinds if k is DateKind.judgment_served]
        if any(p.search(folded, left, right) for p in served):
            return DateKind.judgment_served
    return kind


# Function words of one language only ("je" and "de" are Dutch and French alike).
_FRENCH_HINTS = re.compile(
    r"(?<!\w)(?:j'|j|le|la|les|est|une|un|pas|mon|mes|et|vous|il|elle|suis|ai|des|du|au|ce|cette|"
    r"qui|que|pour|avec|dans|recu|recue)(?!\w)"
)
_DUTCH_HINTS = re.compile(
    r"(?<!\w)(?:ik|het|een|is|niet|ni|nie|mijn|en|van|dat|da|kga|wat|wa|ben|heb|kom|naar|naartoe|"
    r"met|op|te|zijn|er|ook|maar|nog|al|waar|hoe)(?!\w)"
)


def _looks_french(folded: str) -> bool:
    """Crude check, only used to decide whether "hier" means "yesterday"."""
    return len(_FRENCH_HINTS.findall(folded)) > len(_DUTCH_HINTS.findall(folded))


# ----------------------------------------------------------------------- conversion


@lru_cache(maxsize=4096)
def _dateparser(canonical: str, base: datetime.date, prefer: Prefer) -> datetime.date | None:
    """``dateparser.parse`` on a canonical English/numeric string, relative to ``base``."""
    import dateparser  # lazy: importing dateparser loads data files

    settings = {
        "DATE_ORDER": "DMY",
        "RELATIVE_BASE": datetime.datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": prefer,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    result = dateparser.parse(canonical, languages=["en"], settings=settings)
    if result is None:
        return None
    value: datetime.date = result.date()
    return value


def _shift_year(value: datetime.date, years: int) -> datetime.date | None:
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February
        return None


def _complete_day_month(day: int, month: int, today: datetime.date, prefer: Prefer) -> datetime.date | None:
    """A year-less day and month: next occurrence on/after today, or last on/before."""
    value = _dateparser(f"{day}/{month}", today, prefer)
    if value is None:
        return None
    # dateparser's "future" skips today itself ("25/11" on 25 November gives next
    # year); "on or after today" is what a hearing date needs.
    if prefer == "future":
        earlier = _shift_year(value, -1)
        if earlier is not None and earlier >= today:
            value = earlier
    else:
        later = _shift_year(value, 1)
        if later is not None and later <= today:
            value = later
    return value


def _year(raw: str) -> int:
    year = int(raw)
    # Two-digit years in chat are this century ("14/01/27").
    return 2000 + year if len(raw) == 2 else year


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    rank: int  # lower wins among overlapping candidates of the same length
    resolve: Callable[[], _Resolved | None]


def _absolute(
    match: re.Match[str],
    today: datetime.date,
    folded: str,
    month_of: Callable[[re.Match[str]], int],
    patterns: _Patterns,
) -> _Resolved | None:
    day = int(match.group("day"))
    month = month_of(match)
    raw_year = match.group("year")
    if raw_year:
        year = _year(raw_year)
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        value = _dateparser(f"{day}/{month}/{year}", today, "future")
        return (value, "explicit") if value else None
    prefer = _prefer(folded, match.start(), match.end(), patterns.kinds, patterns.tense_cues)
    value = _complete_day_month(day, month, today, prefer)
    if value is None:
        return None
    return value, "next" if prefer == "future" else "previous"


def _count(word: str, patterns: _Patterns) -> int | None:
    if word.isdigit():
        return int(word)
    return patterns.number_words.get(word)


def _duration(
    num: str | None, unit_word: str, sign: int, today: datetime.date, patterns: _Patterns
) -> _Resolved | None:
    unit_word = re.sub(r"\s+", " ", unit_word)
    unit: str | None
    count: int | None
    if num is None:  # a unit alone: "za tydzien" (one), "بعد يومين" (the dual: two)
        unit, count = patterns.counted_units.get(unit_word, (patterns.units.get(unit_word, ""), 1))
        unit = unit or None
    else:
        count = _count(re.sub(r"\s+", " ", num), patterns)
        unit = patterns.units.get(unit_word)
    if count is None or unit is None:
        return None
    if unit == "day":
        for language in patterns.unit_language.get(unit_word, ()):
            count = _IDIOMATIC_DAYS.get((language, count), count)
    limits = {"day": 366, "week": 104, "month": 24}
    if count > limits[unit]:
        return None
    plural = "s" if count != 1 else ""
    canonical = f"in {count} {unit}{plural}" if sign > 0 else f"{count} {unit}{plural} ago"
    value = _dateparser(canonical, today, "future")
    return (value, "explicit") if value else None


def _relative(offset: int, today: datetime.date) -> _Resolved | None:
    if offset == 0:
        canonical = "today"
    elif offset > 0:
        canonical = f"in {offset} days"
    else:
        canonical = f"{-offset} days ago"
    value = _dateparser(canonical, today, "future")
    return (value, "explicit") if value else None


def _weekday(
    match: re.Match[str], today: datetime.date, folded: str, patterns: _Patterns
) -> _Resolved | None:
    number = patterns.vocabulary.weekdays_full[re.sub(r"\s+", " ", match.group("wd"))]
    modifier = " ".join(m for m in (match.group("pre"), match.group("post")) if m)
    modifier = re.sub(r"\s+", " ", modifier)
    prefer: Prefer
    if modifier and modifier in patterns.weekday_past:
        prefer = "past"
    elif modifier:
        prefer = "future"
    else:
        prefer = _prefer(folded, match.start(), match.end(), patterns.kinds, patterns.tense_cues)
    value = _dateparser(_EN_WEEKDAYS[number], today, prefer)
    if value is None:
        return None
    return value, "next" if prefer == "future" else "previous"


def _weekday_next_week(match: re.Match[str], today: datetime.date, patterns: _Patterns) -> _Resolved | None:
    word = re.sub(r"\s+", " ", match.group("wd") or match.group("wd2"))
    number = patterns.vocabulary.weekdays_full[word]
    monday_next_week = today + datetime.timedelta(days=7 - today.weekday())
    return monday_next_week + datetime.timedelta(days=number), "explicit"


def _candidates(folded: str, today: datetime.date, patterns: _Patterns) -> list[_Candidate]:
    """Every located date expression, possibly overlapping; resolved later, lazily."""
    found: list[_Candidate] = []

    def add(match: re.Match[str], rank: int, resolve: Callable[[], _Resolved | None]) -> None:
        found.append(_Candidate(match.start(), match.end(), rank, resolve))

    months = patterns.vocabulary.months

    def numeric_month(m: re.Match[str]) -> int:
        return int(m.group("month"))

    def named_month(m: re.Match[str]) -> int:
        return months[m.group("mname")]

    # Ranks break ties between overlapping spans of equal length: a full date beats a
    # relative word, which beats a bare weekday.
    for m in patterns.iso.finditer(folded):
        add(m, 0, partial(_absolute, m, today, folded, numeric_month, patterns))
    for m in patterns.numeric.finditer(folded):
        add(m, 1, partial(_absolute, m, today, folded, numeric_month, patterns))
    for m in patterns.dotted.finditer(folded):
        add(m, 1, partial(_absolute, m, today, folded, numeric_month, patterns))
    for m in patterns.day_month.finditer(folded):
        add(m, 2, partial(_absolute, m, today, folded, named_month, patterns))
    for m in patterns.month_day.finditer(folded):
        add(m, 3, partial(_absolute, m, today, folded, named_month, patterns))
    for m in patterns.weekday_next_week.finditer(folded):
        add(m, 4, partial(_weekday_next_week, m, today, patterns))

    def owed(m: re.Match[str]) -> bool:
        return patterns.debt_before.search(folded, max(0, m.start() - 30), m.start()) is not None

    for m in patterns.duration_future.finditer(folded):
        if owed(m):
            continue
        add(m, 5, partial(_duration, m.group("num"), m.group("unit"), +1, today, patterns))
    for m in patterns.duration_past_suffix.finditer(folded):
        add(m, 5, partial(_duration, m.group("num"), m.group("unit"), -1, today, patterns))
    for m in patterns.duration_past_prefix.finditer(folded):
        add(m, 5, partial(_duration, m.group("num"), m.group("unit"), -1, today, patterns))
    for m in patterns.duration_future_suffix.finditer(folded):
        add(m, 5, partial(_duration, m.group("num"), m.group("unit"), +1, today, patterns))
    for m in patterns.bare_future.finditer(folded):
        if owed(m):
            continue
        add(m, 5, partial(_duration, None, m.group("unit"), +1, today, patterns))
    for m in patterns.bare_past_suffix.finditer(folded):
        add(m, 5, partial(_duration, None, m.group("unit"), -1, today, patterns))
    for m in patterns.bare_past_prefix.finditer(folded):
        add(m, 5, partial(_duration, None, m.group("unit"), -1, today, patterns))
    for m in patterns.counted_past_prefix.finditer(folded):
        add(m, 5, partial(_duration, None, m.group("unit"), -1, today, patterns))
    for m in patterns.relative.finditer(folded):
        word = re.sub(r"\s+", " ", m.group("word"))
        before = folded[max(0, m.start() - 12) : m.start()]
        if word.startswith("morge") and _NOT_TOMORROW_BEFORE.search(before):
            continue
        add(m, 6, partial(_relative, patterns.relative_words[word], today))
    for m in patterns.weekday.finditer(folded):
        word = re.sub(r"\s+", " ", m.group("wd"))
        if word in patterns.units and patterns.count_before.search(
            folded[max(0, m.start() - 20) : m.start()]
        ):
            continue  # Romanian "2 luni" is two months, not Monday
        if word in patterns.weekdays_with_modifier and not (m.group("pre") or m.group("post")):
            continue  # Arabic "اولادي الاثنين" is "my two children", not Monday
        add(m, 7, partial(_weekday, m, today, folded, patterns))
    return found


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, the longest (then best-ranked) first, in text order."""
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-(c.end - c.start), c.rank, c.start)):
        if all(cand.end <= c.start or cand.start >= c.end for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


def _languages(language: str | None) -> tuple[str, ...]:
    if language:
        code = language.strip().lower()[:2]
        if code in SUPPORTED_LANGUAGES:
            return (code,)
    return SUPPORTED_LANGUAGES


def parse_dates(text: str, today: datetime.date, language: str | None = None) -> list[ParsedDate]:
    """Find the dates in ``text``, relative to ``today``, in text order.

    ``language`` (one of ``SUPPORTED_LANGUAGES``; a locale such as "nl-BE" also works)
    narrows the vocabulary; ``None`` or an unknown code uses all eight languages. Numeric dates are
    day-first (Belgian). Never raises: on any unexpected input it returns ``[]``.
    """
    try:
        if not isinstance(text, str) or not text.strip():
            return []
        if isinstance(today, datetime.datetime):  # a datetime is a date; use its day
            today = today.date()
        if not isinstance(today, datetime.date):
            return []
        text = text[:MAX_TEXT_CHARS]
        folded = _fold(text)
        languages = _languages(language)
        french_hier = languages == ("fr",) or ("fr" in languages and _looks_french(folded))
        patterns = _patterns(languages, french_hier)
        results: list[ParsedDate] = []
        for cand in _select(_candidates(folded, today, patterns)):
            if len(results) >= MAX_RESULTS:
                break
            try:
                resolved = cand.resolve()
            except Exception:  # one odd candidate must not cost the others
                logger.debug("date candidate %r failed", text[cand.start : cand.end], exc_info=True)
                continue
            if resolved is None:
                continue
            value, how = resolved
            results.append(
                ParsedDate(
                    date=value,
                    text=text[cand.start : cand.end],
                    start=cand.start,
                    end=cand.end,
                    kind=_kind(folded, cand.start, cand.end, patterns.kinds),
                    resolved_as=how,
                )
            )
        return results
    except Exception:  # the contract is "never raise": a chat must not break on a date
        logger.warning("parse_dates failed", exc_info=True)
        return []

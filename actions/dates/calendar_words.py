"""Month and weekday words for a set of languages, as the date patterns need them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from actions.dates.folding import plain_words
from actions.dates.grammar import CODED_LANGUAGES, EN_MONTHS, EN_WEEKDAYS
from actions.dates.lexicon import lexicon_words


@dataclass(frozen=True)
class CalendarWords:
    """Folded month and weekday words of some languages."""

    months: dict[str, int]  # folded month word -> 1..12
    month_first: dict[str, int]  # month words that may come before the day ("Jan 14")
    weekdays_full: dict[str, int]  # folded full weekday name -> 0 (Monday)..6
    weekdays_any: tuple[str, ...]  # full names and abbreviations, for "di 1/12"


@lru_cache(maxsize=8)
def calendar_words(languages: tuple[str, ...]) -> CalendarWords:
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
        if code not in CODED_LANGUAGES:
            continue
        info = loader.get_locale(code).info
        for number, name in enumerate(EN_MONTHS, start=1):
            for word in plain_words(info.get(name, [])):
                # "mar" is March in English but Tuesday (mardi) in French; two-letter
                # month abbreviations do not exist, so anything shorter is skipped.
                if len(word) >= 3:
                    months.setdefault(word, number)
        for number, name in enumerate(EN_WEEKDAYS):
            for word in plain_words(info.get(name, [])):
                weekdays_any.add(word)
                # Only full names stand alone: "ma", "di", "do", "zo", "sat", "sun"
                # are everyday words in chat.
                if len(word) >= 5:
                    weekdays_full[word] = number
    month_first = dict(months)
    for code in languages:
        words = lexicon_words(code)
        if words is None:
            continue
        # Day-first languages: their month names only follow a day number.
        for word, number in words.months.items():
            months.setdefault(word, number)
        for word, number in words.weekdays.items():
            weekdays_full.setdefault(word, number)
            weekdays_any.add(word)
    return CalendarWords(
        months, month_first, weekdays_full, tuple(sorted(weekdays_any, key=len, reverse=True))
    )

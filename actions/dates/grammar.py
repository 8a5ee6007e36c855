"""The hand-written nl/fr/en date grammar: number words, units, relative words, modifiers.

Month and weekday names for these languages come from dateparser's locale data (see
``calendar_words``); everything else they need is in the tables below. The other
languages read the same kinds of words from their lexicon (see ``lexicon``).
"""

from __future__ import annotations

import re

#: The languages written in this module; the others come from ``vocabulary/lexicon/<code>/words.yml``.
CODED_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")

# Number words up to (at least) ten, plus the counts that occur in deadlines.
NUMBER_WORDS: dict[str, dict[str, int]] = {
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
UNITS: dict[str, dict[str, str]] = {
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
FUTURE_PREFIXES: dict[str, tuple[str, ...]] = {
    "nl": ("over", "binnen", "binnen de", "in"),
    "fr": ("dans", "dans les", "d'ici", "d ici", "d'ici a", "d ici a", "sous"),
    "en": ("in", "within", "in the next", "within the next"),
}
PAST_SUFFIXES: dict[str, tuple[str, ...]] = {"nl": ("geleden",), "fr": (), "en": ("ago",)}
PAST_PREFIXES: dict[str, tuple[str, ...]] = {"nl": (), "fr": ("il y a", "il ya"), "en": ()}

# "over" is also "about": "een vraag over 2 maanden huurachterstand" is an amount, not
# a date two months ahead. A duration followed by a debt word is skipped.
NOT_AN_AMOUNT = (
    r"(?!\s+(?:huur\w*|achterstand\w*|achterstal\w*|schuld\w*|te laat|niet betaald|loyers?|de loyer|"
    r"de retard|d'arrieres|d arrieres|impaye\w*|rent|of rent|arrears|behind|late)(?!\w))"
)

# Belgian idiom: "over acht dagen" / "dans huit jours" means a week, "dans quinze jours"
# two weeks. Reading 15 as 14 is also the safe side of the 14-day triage boundary.
IDIOMATIC_DAYS: dict[tuple[str, int], int] = {("nl", 8): 7, ("fr", 8): 7, ("fr", 15): 14}

# Words that fix a day relative to today. Value: offset in days.
RELATIVE_WORDS: dict[str, dict[str, int]] = {
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
FRENCH_ONLY_RELATIVE = {"hier": -1}
# "morgen" is also "morning": "goede morgen", "deze morgen", "'s morgens".
NOT_TOMORROW_BEFORE = re.compile(r"(?:goede|goeie|goei|deze|dees|elke|iedere|van|de|'s|s|die|den)\s+$")

# Weekday modifiers: before or after the weekday, pointing forward or back.
WEEKDAY_PRE_FUTURE = (
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
WEEKDAY_PRE_PAST = ("vorige", "vorig", "afgelopen", "last", "past")
WEEKDAY_POST_FUTURE = ("prochain", "qui vient", "aanstaande")
WEEKDAY_POST_PAST = ("dernier", "passe", "laatst")

EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EN_MONTHS = (
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
COUNT_WORDS = (
    r"keer|maal|fois|times|x|euro|eur|€|%|maanden|maand|mois|months?|dagen|jours?|days?|"
    r"weken|semaines?|weeks?|jaar|ans?|years?|kinderen|enfants|kids|children"
)


# Function words of one language only ("je" and "de" are Dutch and French alike).
_FRENCH_HINTS = re.compile(
    r"(?<!\w)(?:j'|j|le|la|les|est|une|un|pas|mon|mes|et|vous|il|elle|suis|ai|des|du|au|ce|cette|"
    r"qui|que|pour|avec|dans|recu|recue)(?!\w)"
)
_DUTCH_HINTS = re.compile(
    r"(?<!\w)(?:ik|het|een|is|niet|ni|nie|mijn|en|van|dat|da|kga|wat|wa|ben|heb|kom|naar|naartoe|"
    r"met|op|te|zijn|er|ook|maar|nog|al|waar|hoe)(?!\w)"
)


def looks_french(folded: str) -> bool:
    """Crude check, only used to decide whether "hier" means "yesterday"."""
    return len(_FRENCH_HINTS.findall(folded)) > len(_DUTCH_HINTS.findall(folded))

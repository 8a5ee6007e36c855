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
nl/fr/en are the hand-written grammar in ``grammar`` (its tables plus dateparser's
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
Modules
-------
``model`` the result types and limits; ``parse`` ``parse_dates`` itself; ``locate``
the candidates and the choice among overlapping ones; ``resolve`` the calendar work
(dateparser, year-less and relative dates); ``context`` kind and tense from the words
around a date; ``patterns`` the compiled patterns per language choice; ``grammar`` the
nl/fr/en tables; ``lexicon`` the tr/ar/pl/ro/uk words files; ``calendar_words`` month
and weekday words; ``folding`` the same-length folded text the patterns run on.
"""

from __future__ import annotations

# load_words (used by actions.answers) and the year limits are importable from here as before,
# outside __all__ as before.
from actions.dates.lexicon import load_words as load_words
from actions.dates.model import (
    MAX_RESULTS,
    MAX_TEXT_CHARS,
    SUPPORTED_LANGUAGES,
    DateKind,
    ParsedDate,
    Resolution,
)
from actions.dates.model import MAX_YEAR as MAX_YEAR
from actions.dates.model import MIN_YEAR as MIN_YEAR
from actions.dates.parse import parse_dates

__all__ = [
    "MAX_RESULTS",
    "MAX_TEXT_CHARS",
    "SUPPORTED_LANGUAGES",
    "DateKind",
    "ParsedDate",
    "Resolution",
    "parse_dates",
]

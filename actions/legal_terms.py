"""Legal terms of the Belgian Judicial Code (Gerechtelijk Wetboek), computed in one place.

The only term the bot computes today is the one of art. 1344quater: an eviction "kan in
ieder geval niet ten uitvoer worden gelegd dan na verloop van een termijn van één maand
na de betekening van het vonnis" (unless the home was abandoned, the parties agreed on
another term recorded in the judgment, or the judge lengthened or shortened it). The
counting rules are the general ones of the Code:

* art. 52: "Hij wordt gerekend vanaf de dag na die van de akte of van de gebeurtenis die
  hem doet ingaan en omvat alle dagen, ook de zaterdag, de zondag en de wettelijke
  feestdagen." The term starts the day after service.
* art. 54: a term in months is counted "van de zoveelste tot de dag vóór de zoveelste".
  Started on the 4th, it ends on the 3rd of the next month; where the next month has no
  such day (started on the 31st, next month February) it ends on that month's last day.
* art. 53: "De vervaldag is in de termijn begrepen. Is die dag echter een zaterdag, een
  zondag of een wettelijke feestdag, dan wordt de vervaldag verplaatst op de
  eerstvolgende werkdag."
* The eviction is possible from the day after the last day of the term ("na verloop van").

Served 3 November 2026: the term runs 4 November to 3 December, the eviction is possible
from 4 December. Served 30 December 2026: 31 December to 30 January 2027, a Saturday,
moved to Monday 1 February; the eviction is possible from 2 February 2027.

Belgian legal holidays (wet van 4 januari 1974: 1 January, Easter Monday, 1 May,
Ascension, Whit Monday, 21 July, 15 August, 1 and 11 November, 25 December) come from
the ``holidays`` package rather than a hand-kept list; Sundays in it (Easter, Whit
Sunday) are weekend days anyway.

Pure module: no Rasa imports, no I/O.
"""

from __future__ import annotations

import calendar
import datetime
import functools

import holidays

__all__ = [
    "EVICTION_TERM_MONTHS",
    "add_months",
    "earliest_eviction_date",
    "is_working_day",
    "legal_holidays",
    "month_term_last_day",
    "next_working_day",
]

#: Ger.W. art. 1344quater: no eviction before a term of one month after service.
EVICTION_TERM_MONTHS = 1


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=64)
def legal_holidays(year: int) -> frozenset[datetime.date]:
    """Belgium's legal public holidays in ``year`` (from the ``holidays`` package)."""
    return frozenset(holidays.country_holidays("BE", years=year))


def is_working_day(day: datetime.date) -> bool:
    """Not a Saturday, a Sunday or a legal holiday (the days art. 53 skips)."""
    return day.weekday() < 5 and day not in legal_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def month_term_last_day(event: datetime.date, months: int) -> datetime.date:
    """The last day (vervaldag) of a term of ``months`` months started by ``event``.

    Art. 52 (from the next day), art. 54 (to the day before the same day number) and
    art. 53 (a Saturday, Sunday or legal holiday moves to the next working day).
    """
    if months < 1:
        raise ValueError("a term in months is at least one month")
    start = event + datetime.timedelta(days=1)
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        last = datetime.date(year, month, start.day) - datetime.timedelta(days=1)
    else:  # no such day number in that month: the term ends on its last day
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return next_working_day(last)


def earliest_eviction_date(served: datetime.date) -> datetime.date:
    """The first day an eviction may take place after the judgment was served on ``served``.

    The day after the last day of the one-month term of Ger.W. art. 1344quater, counted
    with art. 52-54. The judge (or the parties, in the judgment) may have set another term;
    the bot says so next to the date.
    """
    return month_term_last_day(served, EVICTION_TERM_MONTHS) + datetime.timedelta(days=1)

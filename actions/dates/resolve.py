"""Resolving a located date against today: the calendar work, done by dateparser.

Each located date is handed to ``dateparser.parse`` in a canonical English or numeric
form ("14/1", "14/1/2027", "tuesday", "in 2 weeks", "3 days ago"), which does year
inference, validation ("31/02" is rejected) and month arithmetic. The only hand-written
arithmetic is "<weekday> volgende week" and the "on or after today" correction in
``complete_day_month``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from functools import lru_cache

from actions.dates.context import tense_of
from actions.dates.folding import squeeze
from actions.dates.grammar import EN_WEEKDAYS, IDIOMATIC_DAYS
from actions.dates.model import MAX_YEAR, MIN_YEAR, Prefer, Resolved
from actions.dates.patterns import Patterns

# The longest duration that is still a date a tenant's case can hinge on, per unit.
_DURATION_LIMITS = {"day": 366, "week": 104, "month": 24}


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


def complete_day_month(day: int, month: int, today: datetime.date, prefer: Prefer) -> datetime.date | None:
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


def absolute(
    match: re.Match[str],
    today: datetime.date,
    folded: str,
    month_of: Callable[[re.Match[str]], int],
    patterns: Patterns,
) -> Resolved | None:
    """A day and month (``month_of`` reads the month), with or without a year."""
    day = int(match.group("day"))
    month = month_of(match)
    raw_year = match.group("year")
    if raw_year:
        year = _year(raw_year)
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        value = _dateparser(f"{day}/{month}/{year}", today, "future")
        return (value, "explicit") if value else None
    prefer = tense_of(folded, match.start(), match.end(), patterns.kinds, patterns.tense_cues)
    value = complete_day_month(day, month, today, prefer)
    if value is None:
        return None
    return value, "next" if prefer == "future" else "previous"


def _count(word: str, patterns: Patterns) -> int | None:
    if word.isdigit():
        return int(word)
    return patterns.number_words.get(word)


def duration(
    num: str | None, unit_word: str, sign: int, today: datetime.date, patterns: Patterns
) -> Resolved | None:
    """``num`` units from today, forward (``sign`` +1) or back (-1); no ``num`` is one unit."""
    unit_word = squeeze(unit_word)
    unit: str | None
    count: int | None
    if num is None:  # a unit alone: "za tydzien" (one), "بعد يومين" (the dual: two)
        unit, count = patterns.counted_units.get(unit_word, (patterns.units.get(unit_word, ""), 1))
        unit = unit or None
    else:
        count = _count(squeeze(num), patterns)
        unit = patterns.units.get(unit_word)
    if count is None or unit is None:
        return None
    if unit == "day":
        for language in patterns.unit_language.get(unit_word, ()):
            count = IDIOMATIC_DAYS.get((language, count), count)
    if count > _DURATION_LIMITS[unit]:
        return None
    plural = "s" if count != 1 else ""
    canonical = f"in {count} {unit}{plural}" if sign > 0 else f"{count} {unit}{plural} ago"
    value = _dateparser(canonical, today, "future")
    return (value, "explicit") if value else None


def relative(offset: int, today: datetime.date) -> Resolved | None:
    """``offset`` days from today ("morgen" is +1)."""
    if offset == 0:
        canonical = "today"
    elif offset > 0:
        canonical = f"in {offset} days"
    else:
        canonical = f"{-offset} days ago"
    value = _dateparser(canonical, today, "future")
    return (value, "explicit") if value else None


def weekday(match: re.Match[str], today: datetime.date, folded: str, patterns: Patterns) -> Resolved | None:
    """A weekday: its modifier says next or last; without one, the clause's tense does."""
    number = patterns.vocabulary.weekdays_full[squeeze(match.group("wd"))]
    modifier = " ".join(m for m in (match.group("pre"), match.group("post")) if m)
    modifier = squeeze(modifier)
    prefer: Prefer
    if modifier and modifier in patterns.weekday_past:
        prefer = "past"
    elif modifier:
        prefer = "future"
    else:
        prefer = tense_of(folded, match.start(), match.end(), patterns.kinds, patterns.tense_cues)
    value = _dateparser(EN_WEEKDAYS[number], today, prefer)
    if value is None:
        return None
    return value, "next" if prefer == "future" else "previous"


def weekday_next_week(match: re.Match[str], today: datetime.date, patterns: Patterns) -> Resolved | None:
    """The given weekday of the week after this one ("dinsdag volgende week")."""
    word = squeeze(match.group("wd") or match.group("wd2"))
    number = patterns.vocabulary.weekdays_full[word]
    monday_next_week = today + datetime.timedelta(days=7 - today.weekday())
    return monday_next_week + datetime.timedelta(days=number), "explicit"

"""Locating date expressions in folded text, and choosing among overlapping ones.

Every pattern yields candidates, which may overlap ("dinsdag 1 december" holds the
weekday "dinsdag"); ``select`` keeps the longest, then the best-ranked. A candidate is
resolved only once chosen, so the calendar work is done for the dates that are kept.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from actions.dates.folding import squeeze
from actions.dates.grammar import NOT_TOMORROW_BEFORE
from actions.dates.model import Resolved
from actions.dates.patterns import Patterns
from actions.dates.resolve import absolute, duration, relative, weekday, weekday_next_week

# Ranks break ties between overlapping spans of equal length: a full date beats a
# relative word, which beats a bare weekday.
_RANK_ISO = 0
_RANK_NUMERIC = 1
_RANK_DAY_MONTH = 2
_RANK_MONTH_DAY = 3
_RANK_WEEKDAY_NEXT_WEEK = 4
_RANK_DURATION = 5
_RANK_RELATIVE = 6
_RANK_WEEKDAY = 7


@dataclass(frozen=True)
class Candidate:
    """A located date expression at [start, end), resolved on demand."""

    start: int
    end: int
    rank: int  # lower wins among overlapping candidates of the same length
    resolve: Callable[[], Resolved | None]


@dataclass
class _Found:
    """The candidates of one text, in the order they were located."""

    folded: str
    today: datetime.date
    patterns: Patterns
    items: list[Candidate] = field(default_factory=list)

    def add(self, match: re.Match[str], rank: int, resolve: Callable[[], Resolved | None]) -> None:
        """Record the candidate at ``match``'s span."""
        self.items.append(Candidate(match.start(), match.end(), rank, resolve))


def candidates(folded: str, today: datetime.date, patterns: Patterns) -> list[Candidate]:
    """Every located date expression, possibly overlapping; resolved later, lazily."""
    found = _Found(folded, today, patterns)
    _full_dates(found)
    _durations(found)
    _relative_words(found)
    _weekdays(found)
    return found.items


def select(found: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, the longest (then best-ranked) first, in text order."""
    chosen: list[Candidate] = []
    for cand in sorted(found, key=lambda c: (-(c.end - c.start), c.rank, c.start)):
        if all(cand.end <= c.start or cand.start >= c.end for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


def _full_dates(found: _Found) -> None:
    """Dates with a day and a month, and "<weekday> volgende week"."""
    folded, today, patterns = found.folded, found.today, found.patterns
    full = patterns.full
    months = patterns.vocabulary.months

    def numeric_month(m: re.Match[str]) -> int:
        return int(m.group("month"))

    def named_month(m: re.Match[str]) -> int:
        return months[m.group("mname")]

    for pattern, rank, month_of in (
        (full.iso, _RANK_ISO, numeric_month),
        (full.numeric, _RANK_NUMERIC, numeric_month),
        (full.dotted, _RANK_NUMERIC, numeric_month),
        (full.day_month, _RANK_DAY_MONTH, named_month),
        (full.month_day, _RANK_MONTH_DAY, named_month),
    ):
        for m in pattern.finditer(folded):
            found.add(m, rank, partial(absolute, m, today, folded, month_of, patterns))
    for m in patterns.weekday_next_week.finditer(folded):
        found.add(m, _RANK_WEEKDAY_NEXT_WEEK, partial(weekday_next_week, m, today, patterns))


def _durations(found: _Found) -> None:
    """Counted and bare durations; a duration right after a debt word is owed, not a date."""
    folded, today, patterns = found.folded, found.today, found.patterns
    durations = patterns.durations

    def owed(m: re.Match[str]) -> bool:
        return patterns.debt_before.search(folded, max(0, m.start() - 30), m.start()) is not None

    # (pattern, has a count, direction, skip owed amounts), in the order they are located.
    for pattern, counted, sign, may_be_owed in (
        (durations.future, True, +1, True),
        (durations.past_suffix, True, -1, False),
        (durations.past_prefix, True, -1, False),
        (durations.future_suffix, True, +1, False),
        (durations.bare_future, False, +1, True),
        (durations.bare_past_suffix, False, -1, False),
        (durations.bare_past_prefix, False, -1, False),
        (durations.counted_past_prefix, False, -1, False),
    ):
        for m in pattern.finditer(folded):
            if may_be_owed and owed(m):
                continue
            num = m.group("num") if counted else None
            found.add(m, _RANK_DURATION, partial(duration, num, m.group("unit"), sign, today, patterns))


def _relative_words(found: _Found) -> None:
    """Words such as "morgen" and "la semaine prochaine", but not "goede morgen"."""
    folded, patterns = found.folded, found.patterns
    for m in patterns.relative.finditer(folded):
        word = squeeze(m.group("word"))
        before = folded[max(0, m.start() - 12) : m.start()]
        if word.startswith("morge") and NOT_TOMORROW_BEFORE.search(before):
            continue
        found.add(m, _RANK_RELATIVE, partial(relative, patterns.relative_words[word], found.today))


def _weekdays(found: _Found) -> None:
    """Weekdays, except words that are a weekday only in another reading."""
    folded, patterns = found.folded, found.patterns
    for m in patterns.weekday.finditer(folded):
        word = squeeze(m.group("wd"))
        if word in patterns.units and patterns.count_before.search(
            folded[max(0, m.start() - 20) : m.start()]
        ):
            continue  # Romanian "2 luni" is two months, not Monday
        if word in patterns.weekdays_with_modifier and not (m.group("pre") or m.group("post")):
            continue  # Arabic "اولادي الاثنين" is "my two children", not Monday
        found.add(m, _RANK_WEEKDAY, partial(weekday, m, found.today, folded, patterns))

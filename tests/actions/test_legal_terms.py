"""The one-month eviction term (Ger.W. art. 1344quater) counted with art. 52-54."""

from __future__ import annotations

import datetime

import pytest

from actions.legal_terms import (
    add_months,
    earliest_eviction_date,
    is_working_day,
    month_term_last_day,
    next_working_day,
)

D = datetime.date


@pytest.mark.parametrize(
    ("served", "last_day", "earliest"),
    [
        # The examples: 4 Nov..3 Dec; and 31 Dec..Sat 30 Jan -> Mon 1 Feb.
        (D(2026, 11, 3), D(2026, 12, 3), D(2026, 12, 4)),
        (D(2026, 12, 30), D(2027, 2, 1), D(2027, 2, 2)),
        # Last day on a legal holiday: 11 November (Wednesday) -> Thursday 12 November.
        (D(2026, 10, 11), D(2026, 11, 12), D(2026, 11, 13)),
        # Christmas on a Friday, then the weekend: Monday 28 December.
        (D(2026, 11, 25), D(2026, 12, 28), D(2026, 12, 29)),
        # Easter Monday 6 April 2026 -> Tuesday 7 April.
        (D(2026, 3, 6), D(2026, 4, 7), D(2026, 4, 8)),
        # Started on the 31st, next month shorter: ends on that month's last day.
        (D(2027, 1, 30), D(2027, 3, 1), D(2027, 3, 2)),  # Sun 28 Feb -> Mon 1 Mar
        (D(2028, 1, 30), D(2028, 2, 29), D(2028, 3, 1)),  # leap year, a Tuesday
        # An ordinary weekday.
        (D(2027, 6, 14), D(2027, 7, 14), D(2027, 7, 15)),
    ],
)
def test_earliest_eviction_date(
    served: datetime.date, last_day: datetime.date, earliest: datetime.date
) -> None:
    assert month_term_last_day(served, 1) == last_day
    assert earliest_eviction_date(served) == earliest


def test_term_is_never_shorter_than_a_calendar_month() -> None:
    day = D(2026, 1, 1)
    while day < D(2029, 1, 1):
        last = month_term_last_day(day, 1)
        assert last >= add_months(day, 1)
        assert is_working_day(last)
        # Only weekends/holidays push it further: at most a long weekend plus a holiday.
        assert (last - add_months(day, 1)).days <= 4
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "holiday",
    [
        D(2026, 1, 1),
        D(2026, 4, 6),
        D(2026, 5, 1),
        D(2026, 5, 14),
        D(2026, 5, 25),
        D(2026, 7, 21),
        D(2026, 8, 15),
        D(2026, 11, 1),
        D(2026, 11, 11),
        D(2026, 12, 25),
    ],
)
def test_belgian_legal_holidays_are_not_working_days(holiday: datetime.date) -> None:
    assert not is_working_day(holiday)


def test_working_days() -> None:
    assert is_working_day(D(2026, 12, 4))  # a Friday
    assert not is_working_day(D(2027, 1, 30))  # a Saturday
    assert next_working_day(D(2027, 1, 30)) == D(2027, 2, 1)
    assert next_working_day(D(2026, 12, 24)) == D(2026, 12, 24)


def test_month_term_needs_a_month() -> None:
    with pytest.raises(ValueError):
        month_term_last_day(D(2026, 1, 1), 0)

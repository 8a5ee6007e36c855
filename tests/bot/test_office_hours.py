"""Office hours: is someone at work, and when does the next shift start."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.office_hours import TIMEZONE, OfficeHours
from bot.texts import format_opening

HOURS = OfficeHours.parse("mon-thu 09:00-17:00; fri 09:00-12:00")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in Brussels in the week of Monday 23 November 2026."""
    return dt.datetime(2026, 11, 22 + day, hour, minute, tzinfo=TIMEZONE)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (at(1, 9), True),
        (at(1, 8, 59), False),
        (at(3, 16, 59), True),
        (at(3, 17), False),
        (at(5, 11), True),
        (at(5, 12), False),
        (at(6, 10), False),
    ],
)
def test_is_open(moment: dt.datetime, open_: bool) -> None:
    assert HOURS.is_open(moment) is open_


def test_next_opening_skips_the_weekend_and_respects_the_zone() -> None:
    assert HOURS.next_opening(at(5, 13)) == at(8, 9)  # Friday afternoon -> Monday 09:00
    assert HOURS.next_opening(at(2, 7)) == at(2, 9)
    utc_evening = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.timezone.utc)  # 21:00 in Brussels
    assert HOURS.next_opening(utc_evening) == at(4, 9)


@pytest.mark.parametrize(
    "spec", ["", "monday 9-5", "mon-fri 17:00-09:00", "xyz 09:00-10:00", "fri-mon 09:00-10:00"]
)
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        OfficeHours.parse(spec)


def test_opening_is_said_in_the_tenants_language() -> None:
    assert format_opening(at(8, 9), "nl") == "maandag om 09:00"
    assert format_opening(at(8, 9), "fr") == "lundi à 09:00"
    assert format_opening(at(8, 9), "en") == "on Monday at 09:00"

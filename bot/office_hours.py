"""When caseworkers are at work, so a waiting tenant is told honestly when to expect a reply.

Configured as ``HUURHULP_OFFICE_HOURS="mon-fri 09:00-17:00"`` (several ranges separated by
``;``, e.g. ``"mon-thu 09:00-17:00; fri 09:00-12:00"``) in ``Europe/Brussels`` time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Brussels")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(?P<d1>[a-z]{3})(?:-(?P<d2>[a-z]{3}))?\s+(?P<t1>\d{1,2}:\d{2})-(?P<t2>\d{1,2}:\d{2})$")


@dataclass(frozen=True)
class Shift:
    """One weekday's working hours."""

    weekday: int  # Monday = 0
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class OfficeHours:
    """A weekly schedule of shifts."""

    shifts: tuple[Shift, ...]
    text: str

    @classmethod
    def parse(cls, spec: str) -> OfficeHours:
        """Parse ``"mon-fri 09:00-17:00; sat 10:00-12:00"``; raises ``ValueError`` with the bad part."""
        shifts: list[Shift] = []
        for part in (p.strip().lower() for p in spec.split(";") if p.strip()):
            match = _RANGE.match(part)
            if not match or match["d1"] not in _DAYS or (match["d2"] and match["d2"] not in _DAYS):
                raise ValueError(f"office hours: cannot read {part!r} (expected e.g. 'mon-fri 09:00-17:00')")
            first = _DAYS.index(match["d1"])
            last = _DAYS.index(match["d2"]) if match["d2"] else first
            start, end = (
                dt.time.fromisoformat(match["t1"].zfill(5)),
                dt.time.fromisoformat(match["t2"].zfill(5)),
            )
            if end <= start or last < first:
                raise ValueError(f"office hours: {part!r} ends before it starts")
            shifts += [Shift(day, start, end) for day in range(first, last + 1)]
        if not shifts:
            raise ValueError("office hours: no shifts given")
        return cls(tuple(sorted(shifts, key=lambda s: (s.weekday, s.start))), spec)

    def is_open(self, now: dt.datetime) -> bool:
        """Whether a caseworker is at work at ``now`` (any timezone-aware datetime)."""
        local = now.astimezone(TIMEZONE)
        return any(s.weekday == local.weekday() and s.start <= local.time() < s.end for s in self.shifts)

    def next_opening(self, now: dt.datetime) -> dt.datetime:
        """Start of the next shift after ``now`` (``now`` itself if a shift is running)."""
        local = now.astimezone(TIMEZONE)
        if self.is_open(now):
            return local
        for days_ahead in range(8):
            day = (local + dt.timedelta(days=days_ahead)).date()
            for shift in self.shifts:
                if shift.weekday != day.weekday():
                    continue
                start = dt.datetime.combine(day, shift.start, tzinfo=TIMEZONE)
                if start > local:
                    return start
        raise AssertionError("a weekly schedule always opens within 8 days")  # pragma: no cover

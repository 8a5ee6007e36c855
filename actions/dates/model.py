"""The public result types of ``parse_dates`` and the limits it works within."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from vocabulary.languages import ALL_LANGUAGES

SUPPORTED_LANGUAGES: tuple[str, ...] = ALL_LANGUAGES
MAX_TEXT_CHARS = 20_000
MAX_RESULTS = 50
# Explicit years outside this range are not dates a tenant's case can hinge on
# (and dateparser would accept them), so they are dropped.
MIN_YEAR, MAX_YEAR = 1900, 2100

Resolution = Literal["explicit", "next", "previous"]
#: Which way a year-less date or a bare weekday is completed.
Prefer = Literal["future", "past"]
#: A located date after the calendar work: the day and how it was completed.
Resolved = tuple[datetime.date, Resolution]


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
    ``resolved_as`` says how an incomplete date was completed (see the package docstring).
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


#: Kind cue patterns, in the order they are tried (see ``context.kind_of``).
Kinds = tuple[tuple[DateKind, re.Pattern[str]], ...]

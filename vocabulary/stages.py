"""The triage vocabulary: stages of the procedure and case priorities.

Shared by the gateway (``bot``) and the dialogue side (``actions``), so that neither
imports the other (shared brief, "Triage: stages and priorities").
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

__all__ = ["Priority", "Stage", "highest_priority", "most_urgent_stage"]


class Stage(str, Enum):
    """Where the tenant is in the procedure; members are listed most urgent first."""

    crisis = "crisis"
    locked_out = "locked_out"
    eviction_scheduled = "eviction_scheduled"
    judgment = "judgment"
    court = "court"
    formal_notice = "formal_notice"
    arrears = "arrears"
    payment_worry = "payment_worry"
    none = "none"

    @property
    def urgency(self) -> int:
        """Higher is more urgent: ``crisis`` is 8, ``none`` is 0."""
        members = list(Stage)
        return len(members) - 1 - members.index(self)


class Priority(str, Enum):
    """Case priority; members are listed most urgent first."""

    S = "S"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    none = "none"

    @property
    def rank(self) -> int:
        """Higher is more urgent: ``S`` is 5, ``none`` is 0."""
        members = list(Priority)
        return len(members) - 1 - members.index(self)


def most_urgent_stage(stages: Iterable[Stage]) -> Stage:
    """The most urgent of ``stages``; ``Stage.none`` when there are none."""
    return max(stages, key=lambda s: s.urgency, default=Stage.none)


def highest_priority(priorities: Iterable[Priority]) -> Priority:
    """The highest of ``priorities``; ``Priority.none`` when there are none."""
    return max(priorities, key=lambda p: p.rank, default=Priority.none)

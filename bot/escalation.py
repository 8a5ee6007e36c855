"""Escalation rules of the human queue: pure functions, no database.

Which signal opens a case with which priority and stage, how a new signal escalates an
open case (priority and stage only ever become more urgent), and how the queue is
ordered. The storage layer applies these rules inside its transactions; it decides
nothing about urgency itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vocabulary.stages import Priority, Stage

#: Most urgent first, as triage defines them (the enums list members in that order).
PRIORITIES: tuple[str, ...] = tuple(priority.value for priority in Priority)
STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
#: Outcomes a caseworker chooses when closing a case.
CASE_OUTCOMES = (
    "referred_ocmw",
    "referred_caw",
    "referred_legal_aid",
    "mediation",
    "fonds",
    "payment_plan",
    "resolved",
    "no_response",
)
#: The reason of a handoff signal when none is given.
DEFAULT_REASON = "requested"
#: The reason the gateway gives when Rasa or the action server failed.
BOT_UNAVAILABLE_REASON = "bot_unavailable"


def _vocabulary(value: Any, allowed: Sequence[str], name: str) -> str:
    """A priority or stage from a handoff signal; missing means 'none', unknown is refused."""
    if value is None:
        return "none"
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
    return str(value)


def union(old: Sequence[Any], new: Sequence[Any]) -> list[Any]:
    """``old`` followed by the items of ``new`` it lacks, in order."""
    merged = list(old)
    for item in new:
        if item not in merged:
            merged.append(item)
    return merged


def priority_rank(priority: str) -> int:
    """Place of a priority in the queue: 0 for S, up to 'none'; unknown values come last."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def more_urgent_priority(new: str, old: str) -> bool:
    """Whether priority ``new`` is more urgent than ``old``."""
    return priority_rank(new) < priority_rank(old)


def more_urgent_stage(new: str, old: str) -> bool:
    """Whether stage ``new`` is further along (more urgent) than ``old``."""
    return STAGES.index(new) < STAGES.index(old)


def queue_key(priority: str, waiting_since: dt.datetime, case_id: int) -> tuple[int, dt.datetime, int]:
    """Sort key of the queue: priority (S first, 'none' last), then longest waiting, then id."""
    return (priority_rank(priority), waiting_since, case_id)


@dataclass(frozen=True)
class HandoffSignal:
    """A handoff signal from the bot (or the gateway), checked and normalised."""

    reason: str
    priority: str
    stage: str
    language: str | None
    answers: dict[str, Any]  # the intake's non-null answers
    flags: tuple[str, ...]
    reasons: tuple[Any, ...]

    @classmethod
    def parse(cls, signal: Mapping[str, Any]) -> HandoffSignal:
        """Read a signal as the actions send it; ValueError on an unknown priority or stage."""
        intake = signal.get("intake")
        language = signal.get("language")
        return cls(
            reason=str(signal.get("reason") or DEFAULT_REASON),
            priority=_vocabulary(signal.get("priority"), PRIORITIES, "priority"),
            stage=_vocabulary(signal.get("stage"), STAGES, "stage"),
            language=language if isinstance(language, str) else None,
            answers={k: v for k, v in intake.items() if v is not None} if isinstance(intake, Mapping) else {},
            flags=tuple(str(flag) for flag in signal.get("flags") or ()),
            reasons=tuple(signal.get("reasons") or ()),
        )

    @property
    def bot_unavailable(self) -> bool:
        """Whether the gateway queued the conversation because the bot failed."""
        return self.reason == BOT_UNAVAILABLE_REASON


@dataclass(frozen=True)
class CaseTriage:
    """What the queue knows of a case's urgency and content."""

    priority: str
    stage: str
    reason: str
    language: str | None
    summary: dict[str, Any]
    flags: tuple[str, ...]
    reasons: tuple[Any, ...]


def new_case(signal: HandoffSignal, conversation_language: str | None) -> CaseTriage:
    """The triage of a case opened by ``signal``."""
    return CaseTriage(
        priority=signal.priority,
        stage=signal.stage,
        reason=signal.reason,
        language=signal.language or conversation_language,
        summary=dict(signal.answers),
        flags=tuple(union([], signal.flags)),
        reasons=tuple(union([], signal.reasons)),
    )


def escalate(current: CaseTriage, signal: HandoffSignal) -> CaseTriage:
    """An open case after another signal: priority and stage only ever become more urgent
    (the reason follows the priority: it says why it became more urgent), the summary takes
    the new non-null answers, flags and reasons are unioned, a given language wins."""
    raised = more_urgent_priority(signal.priority, current.priority)
    return CaseTriage(
        priority=signal.priority if raised else current.priority,
        stage=signal.stage if more_urgent_stage(signal.stage, current.stage) else current.stage,
        reason=signal.reason if raised else current.reason,
        language=signal.language or current.language,
        summary={**current.summary, **signal.answers},
        flags=tuple(union(current.flags, signal.flags)),
        reasons=tuple(union(current.reasons, signal.reasons)),
    )


def crisis_signal(language: str) -> dict[str, Any]:
    """The signal the gateway sends when the crisis lexicon fires while a person holds the
    conversation: straight to the top of the queue."""
    return {
        "reason": "crisis",
        "priority": Priority.S.value,
        "stage": Stage.crisis.value,
        "language": language,
    }


def bot_unavailable_signal(language: str, crisis: bool) -> dict[str, Any]:
    """The signal when Rasa or an action failed: a person takes over, at S for a crisis."""
    return {
        "reason": BOT_UNAVAILABLE_REASON,
        "priority": Priority.S.value if crisis else Priority.none.value,
        "stage": Stage.crisis.value if crisis else Stage.none.value,
        "language": language,
    }


def needs_emergency_numbers(priority: str) -> bool:
    """Whether a waiting tenant is shown the emergency numbers again (an S case)."""
    return priority == Priority.S.value

"""Conversation states, case statuses and the transitions allowed between them: pure tables.

The gateway, not Rasa, owns who is talking to a tenant. Every change of a conversation's
state goes through :func:`transition`, and every change of a case's status goes through
:func:`case_transition`; :func:`step` applies one event to both at once, so the rules live
here and nowhere else (Chatwoot's lesson: one explicit state machine, because state changes
scattered over routes and SQL drift apart).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ConversationState(str, enum.Enum):
    """Who is answering the tenant."""

    BOT = "bot"  # Rasa answers
    WAITING = "waiting"  # queued for a caseworker; the bot is silent
    CASEWORKER = "caseworker"  # a caseworker has claimed the conversation
    CLOSED = "closed"  # the case is closed; a new message reopens it with the bot


class Event(str, enum.Enum):
    """What can happen to a conversation."""

    HANDOFF_REQUESTED = "handoff_requested"  # tenant asked, consented, or triage said S/P1
    BOT_UNAVAILABLE = "bot_unavailable"  # Rasa or the action server failed
    TENANT_CANCELLED = "tenant_cancelled"  # tenant no longer wants to wait
    CLAIMED = "claimed"  # a caseworker takes the case
    TRANSFERRED = "transferred"  # a caseworker hands the case to a colleague
    RELEASED = "released"  # the caseworker hands the conversation back to the bot
    CLOSED = "closed"  # the caseworker closes the case with an outcome
    TENANT_RETURNED = "tenant_returned"  # tenant writes again after a closed case


class InvalidTransition(Exception):
    """Raised when an event is not allowed in the conversation's current state."""

    def __init__(self, state: ConversationState, event: Event) -> None:
        super().__init__(f"event {event.value!r} is not allowed in state {state.value!r}")
        self.state = state
        self.event = event


_S = ConversationState
_E = Event

#: (current state, event) -> next state. Anything not listed is refused.
TRANSITIONS: dict[tuple[ConversationState, Event], ConversationState] = {
    (_S.BOT, _E.HANDOFF_REQUESTED): _S.WAITING,
    (_S.BOT, _E.BOT_UNAVAILABLE): _S.WAITING,
    (_S.WAITING, _E.TENANT_CANCELLED): _S.BOT,
    (_S.WAITING, _E.CLAIMED): _S.CASEWORKER,
    (_S.WAITING, _E.CLOSED): _S.CLOSED,
    (_S.CASEWORKER, _E.TRANSFERRED): _S.CASEWORKER,
    (_S.CASEWORKER, _E.RELEASED): _S.BOT,
    (_S.CASEWORKER, _E.CLOSED): _S.CLOSED,
    (_S.CLOSED, _E.TENANT_RETURNED): _S.BOT,
}


def transition(state: ConversationState, event: Event) -> ConversationState:
    """Return the state that ``event`` leads to from ``state``, or raise :class:`InvalidTransition`."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(state, event) from None


def allowed_events(state: ConversationState) -> set[Event]:
    """Events that are allowed in ``state``."""
    return {event for (current, event) in TRANSITIONS if current is state}


def bot_answers(state: ConversationState) -> bool:
    """Whether tenant messages in this state are forwarded to Rasa."""
    return state is ConversationState.BOT


# Cases ---------------------------------------------------------------------------------


class CaseStatus(str, enum.Enum):
    """Where a case is in the human queue. A conversation has at most one open case."""

    WAITING = "waiting"  # queued; no caseworker yet
    CASEWORKER = "caseworker"  # claimed by one caseworker
    CLOSED = "closed"  # done, with an outcome


class InvalidCaseTransition(Exception):
    """Raised when an event is not allowed for the conversation's open case (or lack of one)."""

    def __init__(self, status: CaseStatus | None, event: Event) -> None:
        shown = status.value if status is not None else "no open case"
        super().__init__(f"event {event.value!r} is not allowed with {shown!r}")
        self.status = status
        self.event = event


_C = CaseStatus

#: (status of the conversation's open case or None, event) -> the case's status after it
#: (None: still no open case). A status of CLOSED closes the case. Anything not listed is refused.
CASE_TRANSITIONS: dict[tuple[CaseStatus | None, Event], CaseStatus | None] = {
    (None, _E.HANDOFF_REQUESTED): _C.WAITING,  # a case is opened
    (None, _E.BOT_UNAVAILABLE): _C.WAITING,
    (_C.WAITING, _E.TENANT_CANCELLED): _C.CLOSED,
    (None, _E.TENANT_CANCELLED): None,  # waiting without a case: back to the bot all the same
    (_C.WAITING, _E.CLAIMED): _C.CASEWORKER,
    (_C.WAITING, _E.CLOSED): _C.CLOSED,
    (_C.CASEWORKER, _E.TRANSFERRED): _C.CASEWORKER,
    (_C.CASEWORKER, _E.RELEASED): _C.CLOSED,
    (_C.CASEWORKER, _E.CLOSED): _C.CLOSED,
    (None, _E.TENANT_RETURNED): None,  # the old case stays closed; a new one opens on handoff
}

#: The outcome a case gets when an event (not a caseworker's choice) closes it.
SYSTEM_OUTCOMES: dict[Event, str] = {
    _E.RELEASED: "returned_to_bot",
    _E.TENANT_CANCELLED: "cancelled_by_tenant",
}

#: The open case's status that belongs to each conversation state (None: no open case).
CASE_STATUS_OF_STATE: dict[ConversationState, CaseStatus | None] = {
    _S.BOT: None,
    _S.WAITING: _C.WAITING,
    _S.CASEWORKER: _C.CASEWORKER,
    _S.CLOSED: None,
}


def case_transition(status: CaseStatus | None, event: Event) -> CaseStatus | None:
    """The case status ``event`` leads to, or raise :class:`InvalidCaseTransition`."""
    try:
        return CASE_TRANSITIONS[(status, event)]
    except KeyError:
        raise InvalidCaseTransition(status, event) from None


@dataclass(frozen=True)
class Step:
    """One event applied to a conversation and its open case together."""

    event: Event
    state: ConversationState  # the conversation's state after the event
    case: CaseStatus | None  # the open case's status after it (CLOSED: close it; None: no case)

    @property
    def opens_case(self) -> bool:
        """Whether a new case must be created."""
        return self.event in (Event.HANDOFF_REQUESTED, Event.BOT_UNAVAILABLE)

    @property
    def closes_case(self) -> bool:
        """Whether the open case must be closed."""
        return self.case is CaseStatus.CLOSED

    @property
    def system_outcome(self) -> str | None:
        """The outcome when the event itself closes the case (released, cancelled)."""
        return SYSTEM_OUTCOMES.get(self.event) if self.closes_case else None


def step(state: ConversationState, case: CaseStatus | None, event: Event) -> Step:
    """Apply ``event`` to a conversation in ``state`` whose open case has status ``case``.

    The one place where both machines move: raises :class:`InvalidTransition` or
    :class:`InvalidCaseTransition` when either refuses the event, so a conversation and its
    case can never disagree (a waiting conversation has a waiting case, and so on).
    """
    return Step(event=event, state=transition(state, event), case=case_transition(case, event))

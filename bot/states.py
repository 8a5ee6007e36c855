"""Conversation states and the transitions allowed between them: one pure table.

The gateway, not Rasa, owns who is talking to a tenant. Every change of a conversation's
state goes through :func:`transition`, so the rules live here and nowhere else
(Chatwoot's lesson: state changes scattered over routes drift apart).
"""

from __future__ import annotations

import enum


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

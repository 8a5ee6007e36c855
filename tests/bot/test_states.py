"""The conversation state table."""

from __future__ import annotations

import pytest

from bot.states import (
    TRANSITIONS,
    ConversationState,
    Event,
    InvalidTransition,
    allowed_events,
    bot_answers,
    transition,
)

S = ConversationState
E = Event


@pytest.mark.parametrize(
    ("state", "event", "expected"),
    [
        (S.BOT, E.HANDOFF_REQUESTED, S.WAITING),
        (S.BOT, E.BOT_UNAVAILABLE, S.WAITING),
        (S.WAITING, E.TENANT_CANCELLED, S.BOT),
        (S.WAITING, E.CLAIMED, S.CASEWORKER),
        (S.CASEWORKER, E.RELEASED, S.BOT),
        (S.CASEWORKER, E.CLOSED, S.CLOSED),
        (S.CASEWORKER, E.TRANSFERRED, S.CASEWORKER),
        (S.CLOSED, E.TENANT_RETURNED, S.BOT),
    ],
)
def test_allowed_transitions(state: ConversationState, event: Event, expected: ConversationState) -> None:
    assert transition(state, event) is expected


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (S.BOT, E.CLAIMED),  # nobody can claim a conversation that was never queued
        (S.BOT, E.RELEASED),
        (S.WAITING, E.HANDOFF_REQUESTED),
        (S.CASEWORKER, E.CLAIMED),  # a held conversation cannot be claimed again
        (S.CASEWORKER, E.TENANT_CANCELLED),
        (S.CLOSED, E.CLAIMED),
        (S.CLOSED, E.RELEASED),
    ],
)
def test_forbidden_transitions_raise(state: ConversationState, event: Event) -> None:
    with pytest.raises(InvalidTransition) as raised:
        transition(state, event)
    assert raised.value.state is state and raised.value.event is event


def test_every_state_can_be_left_and_reached() -> None:
    reachable = set(TRANSITIONS.values())
    for state in ConversationState:
        assert allowed_events(state), f"{state} is a dead end"
        assert state in reachable, f"{state} can never be reached"


def test_only_the_bot_state_forwards_to_rasa() -> None:
    assert [state for state in ConversationState if bot_answers(state)] == [S.BOT]

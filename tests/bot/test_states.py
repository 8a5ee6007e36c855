"""The conversation state table, the case status table, and the step that applies both."""

from __future__ import annotations

import pytest

from bot.states import (
    CASE_STATUS_OF_STATE,
    TRANSITIONS,
    CaseStatus,
    ConversationState,
    Event,
    InvalidCaseTransition,
    InvalidTransition,
    allowed_events,
    bot_answers,
    case_transition,
    step,
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


# Cases: the second machine, and the one step that moves both ------------------------------

C = CaseStatus


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        (None, E.HANDOFF_REQUESTED, C.WAITING),
        (None, E.BOT_UNAVAILABLE, C.WAITING),
        (C.WAITING, E.CLAIMED, C.CASEWORKER),
        (C.WAITING, E.TENANT_CANCELLED, C.CLOSED),
        (C.WAITING, E.CLOSED, C.CLOSED),
        (C.CASEWORKER, E.TRANSFERRED, C.CASEWORKER),
        (C.CASEWORKER, E.RELEASED, C.CLOSED),
        (C.CASEWORKER, E.CLOSED, C.CLOSED),
        (None, E.TENANT_RETURNED, None),
    ],
)
def test_allowed_case_transitions(
    status: CaseStatus | None, event: Event, expected: CaseStatus | None
) -> None:
    assert case_transition(status, event) is expected


@pytest.mark.parametrize(
    ("status", "event"),
    [
        (C.WAITING, E.HANDOFF_REQUESTED),  # an open case is escalated, never opened twice
        (C.CASEWORKER, E.CLAIMED),
        (C.CASEWORKER, E.TENANT_CANCELLED),
        (C.WAITING, E.RELEASED),
        (None, E.CLAIMED),
        (C.CLOSED, E.CLAIMED),  # a closed case is nobody's to take
        (C.CLOSED, E.CLOSED),
    ],
)
def test_forbidden_case_transitions_raise(status: CaseStatus | None, event: Event) -> None:
    with pytest.raises(InvalidCaseTransition) as raised:
        case_transition(status, event)
    assert raised.value.status is status and raised.value.event is event


def test_every_allowed_step_keeps_conversation_and_case_in_agreement() -> None:
    """From any state with its matching open case, every allowed event lands in a state
    whose open case matches again: waiting <-> waiting, caseworker <-> caseworker, no case
    with bot or closed. The two tables cannot drift apart."""
    checked = 0
    for state in ConversationState:
        for event in Event:
            try:
                moved = step(state, CASE_STATUS_OF_STATE[state], event)
            except (InvalidTransition, InvalidCaseTransition):
                continue
            open_after = None if moved.closes_case else moved.case
            assert open_after is CASE_STATUS_OF_STATE[moved.state], (state, event, moved)
            checked += 1
    assert checked == len(TRANSITIONS)  # every conversation transition has its case side


def test_the_step_says_what_happens_to_the_case() -> None:
    opened = step(S.BOT, None, E.HANDOFF_REQUESTED)
    assert (opened.state, opened.case, opened.opens_case, opened.closes_case) == (
        S.WAITING,
        C.WAITING,
        True,
        False,
    )
    released = step(S.CASEWORKER, C.CASEWORKER, E.RELEASED)
    assert (released.state, released.closes_case, released.system_outcome) == (S.BOT, True, "returned_to_bot")
    cancelled = step(S.WAITING, C.WAITING, E.TENANT_CANCELLED)
    assert cancelled.system_outcome == "cancelled_by_tenant"
    closed = step(S.CASEWORKER, C.CASEWORKER, E.CLOSED)
    assert closed.closes_case and closed.system_outcome is None  # the caseworker chooses the outcome
    with pytest.raises(InvalidCaseTransition):  # the conversation allows it, the case does not
        step(S.WAITING, C.CASEWORKER, E.TENANT_CANCELLED)
    with pytest.raises(InvalidTransition):
        step(S.BOT, C.WAITING, E.CLAIMED)

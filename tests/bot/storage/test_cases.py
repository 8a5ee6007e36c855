"""The handoff queue in the database: cases, the state machine, holders, outcomes.

Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import bot.storage.rows as rows
from bot.escalation import CASE_OUTCOMES
from bot.states import CaseStatus, ConversationState, Event, InvalidTransition, Step
from bot.storage.database import Database
from bot.storage.models import Case
from bot.storage.records import (
    CaseConflict,
    CaseNotFound,
    CaseRecord,
    CaseworkerNotFound,
    CaseworkerRecord,
    ConversationNotFound,
)
from tests.bot.storage.conftest import signal

MakeCaseworker = Callable[[str], CaseworkerRecord]


def queued(db: Database, **overrides: Any) -> CaseRecord:
    conversation, _ = db.conversations.create_web("nl")
    return db.cases.open(conversation.id, signal(**overrides))


def state_of(db: Database, case: CaseRecord) -> ConversationState:
    return db.conversations.get(case.conversation_id).state


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """The events the storage sends through the state tables, in order."""
    seen: list[Event] = []
    real = rows.step

    def spy(state: ConversationState, case: CaseStatus | None, event: Event) -> Step:
        seen.append(event)
        return real(state, case, event)

    monkeypatch.setattr(rows, "step", spy)
    return seen


# Opening and escalating ------------------------------------------------------------------


def test_open_case_queues_the_conversation(db: Database, events: list[Event]) -> None:
    conversation, _ = db.conversations.create_web("fr")
    case = db.cases.open(conversation.id, signal(language="fr"))
    assert events == [Event.HANDOFF_REQUESTED]
    assert db.conversations.get(conversation.id).state is ConversationState.WAITING
    assert (case.status, case.priority, case.stage, case.reason) == ("waiting", "P3", "arrears", "requested")
    assert (case.language, case.channel, case.conversation_id) == ("fr", "web", conversation.id)
    assert case.summary == {"arrears_months": 2}  # null answers are not kept
    assert case.flags == ("children",)
    assert case.reasons == ("arrears of two months",)
    assert case.claimed_by is None and case.claimed_by_name is None and case.outcome is None
    assert case.waiting_since == case.created_at
    assert db.cases.open_for_conversation(conversation.id) == case
    assert db.cases.get(case.id) == case


def test_bot_unavailable_uses_its_own_event(db: Database, events: list[Event]) -> None:
    case = queued(db, reason="bot_unavailable", priority=None, stage=None, intake=None, flags=None)
    assert events == [Event.BOT_UNAVAILABLE]
    assert (case.reason, case.priority, case.stage, case.summary, case.flags) == (
        "bot_unavailable",
        "none",
        "none",
        {},
        (),
    )
    assert state_of(db, case) is ConversationState.WAITING


def test_escalation_keeps_one_case_and_never_lowers_urgency(db: Database) -> None:
    first = queued(db, priority="P3", stage="arrears")
    second = db.cases.open(
        first.conversation_id,
        signal(
            reason="triage",
            priority="P1",
            stage="court",
            intake={"arrears_months": 3, "hearing_date": "2026-12-01", "children": None},
            flags=["court_date", "children"],
            reasons=["court hearing within 14 days"],
        ),
    )
    third = db.cases.open(
        first.conversation_id,
        signal(reason="requested", priority="P4", stage="payment_worry", intake={"income": None}, flags=[]),
    )
    assert second.id == third.id == first.id
    assert (third.priority, third.stage, third.reason) == ("P1", "court", "triage")
    assert third.summary == {"arrears_months": 3, "hearing_date": "2026-12-01"}
    assert third.flags == ("children", "court_date")
    assert third.reasons == ("arrears of two months", "court hearing within 14 days")
    assert third.waiting_since == first.waiting_since  # escalation keeps the place in the queue
    assert [c.id for c in db.cases.by_status()] == [first.id]
    assert state_of(db, third) is ConversationState.WAITING


def test_more_urgent_stage_alone_is_kept(db: Database) -> None:
    case = queued(db, priority="P2", stage="formal_notice")
    case = db.cases.open(case.conversation_id, signal(priority="P3", stage="judgment"))
    assert (case.priority, case.stage) == ("P2", "judgment")


def test_signal_while_with_a_caseworker_updates_the_held_case(
    db: Database, caseworker: MakeCaseworker, events: list[Event]
) -> None:
    anna = caseworker("anna")
    case = queued(db)
    db.cases.claim(case.id, anna.id)
    events.clear()
    escalated = db.cases.open(case.conversation_id, signal(reason="crisis", priority="S", stage="crisis"))
    assert events == []  # no state change
    assert (escalated.id, escalated.status, escalated.claimed_by) == (case.id, "caseworker", anna.id)
    assert (escalated.priority, escalated.stage, escalated.reason) == ("S", "crisis", "crisis")
    assert state_of(db, case) is ConversationState.CASEWORKER


def test_a_closed_conversation_returns_to_the_bot_first(
    db: Database, caseworker: MakeCaseworker, events: list[Event]
) -> None:
    anna = caseworker("anna")
    first = queued(db)
    db.cases.claim(first.id, anna.id)
    db.cases.close(first.id, anna.id, "resolved")
    events.clear()
    second = db.cases.open(first.conversation_id, signal(priority="P2"))
    assert events == [Event.TENANT_RETURNED, Event.HANDOFF_REQUESTED]
    assert second.id != first.id and second.status == "waiting" and second.priority == "P2"
    assert db.cases.get(first.id).status == "closed"
    assert [c.id for c in db.cases.by_status()] == [second.id]


def test_unknown_vocabulary_is_refused(db: Database) -> None:
    conversation, _ = db.conversations.create_web(None)
    with pytest.raises(ValueError, match="unknown priority 'urgent'"):
        db.cases.open(conversation.id, signal(priority="urgent"))
    with pytest.raises(ValueError, match="unknown stage"):
        db.cases.open(conversation.id, signal(stage="evicted"))
    assert db.conversations.get(conversation.id).state is ConversationState.BOT
    with pytest.raises(ConversationNotFound):
        db.cases.open("nope", signal())


def test_the_database_itself_refuses_a_second_open_case(db: Database) -> None:
    case = queued(db)

    def insert(status: str) -> None:
        with Session(db.engine, future=True) as session, session.begin():
            session.add(
                Case(
                    conversation_id=case.conversation_id,
                    status=status,
                    priority="P4",
                    stage="none",
                    channel="web",
                    reason="requested",
                    summary={},
                    flags=[],
                    reasons=[],
                )
            )

    insert("closed")  # any number of closed cases
    with pytest.raises(IntegrityError):
        insert("waiting")
    with pytest.raises(IntegrityError):
        insert("caseworker")


# The queue -----------------------------------------------------------------------------


def test_queue_order_and_positions(db: Database, caseworker: MakeCaseworker) -> None:
    p2_early = queued(db, priority="P2")
    s = queued(db, priority="S", stage="crisis")
    none = queued(db, priority="none", stage="none")
    p2_late = queued(db, priority="P2")
    p1 = queued(db, priority="P1")
    p4 = queued(db, priority="P4")
    order = [s.id, p1.id, p2_early.id, p2_late.id, p4.id, none.id]
    assert [c.id for c in db.cases.by_status("waiting")] == order
    assert [db.cases.queue_position(case_id) for case_id in order] == [1, 2, 3, 4, 5, 6]
    assert db.cases.waiting_count() == 6

    db.cases.claim(s.id, caseworker("anna").id)
    assert db.cases.queue_position(s.id) is None
    assert db.cases.queue_position(p1.id) == 1 and db.cases.queue_position(none.id) == 5
    assert db.cases.waiting_count() == 5
    assert [c.id for c in db.cases.by_status("caseworker")] == [s.id]
    assert [c.id for c in db.cases.by_status()] == order  # None: every open case
    assert db.cases.queue_position(999_999) is None

    db.cases.cancel_waiting(p4.conversation_id)
    assert [c.id for c in db.cases.by_status("closed")] == [p4.id]
    assert p4.id not in [c.id for c in db.cases.by_status()]
    with pytest.raises(ValueError, match="unknown case status"):
        db.cases.by_status("open")


def test_to_dict_is_json_with_iso_datetimes(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    case = db.cases.claim(queued(db, priority="P1", stage="court").id, anna.id)
    data = json.loads(json.dumps(case.to_dict()))
    assert {
        "id",
        "conversation_id",
        "priority",
        "stage",
        "language",
        "channel",
        "status",
        "summary",
        "flags",
        "waiting_since",
        "claimed_by",
        "outcome",
        "reason",
        "reasons",
    } <= set(data)
    assert data["claimed_by"] == "Anna"  # the display name, not the id
    assert data["waiting_since"] == case.waiting_since.isoformat()
    assert data["waiting_since"].endswith("+00:00")
    assert (data["priority"], data["flags"], data["summary"]) == ("P1", ["children"], {"arrears_months": 2})


# Claiming and the holder rules -----------------------------------------------------------


def test_claim_is_exclusive_and_idempotent_for_the_holder(db: Database, caseworker: MakeCaseworker) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    case = queued(db)
    claimed = db.cases.claim(case.id, anna.id)
    assert (claimed.status, claimed.claimed_by, claimed.claimed_by_name) == ("caseworker", anna.id, "Anna")
    assert claimed.claimed_at is not None
    assert state_of(db, case) is ConversationState.CASEWORKER
    assert db.cases.claim(case.id, anna.id) == claimed  # the holder again: same answer, no change
    with pytest.raises(CaseConflict, match="Anna already took this case"):
        db.cases.claim(case.id, bert.id)
    with pytest.raises(CaseNotFound):
        db.cases.claim(999_999, anna.id)


def test_inactive_or_unknown_caseworkers_cannot_claim(db: Database, caseworker: MakeCaseworker) -> None:
    caseworker("anna")
    anna = db.caseworkers.set_active("anna", False)
    assert anna is not None
    case = queued(db)
    with pytest.raises(CaseworkerNotFound):
        db.cases.claim(case.id, anna.id)
    with pytest.raises(CaseworkerNotFound):
        db.cases.claim(case.id, 999_999)
    assert db.cases.get(case.id).status == "waiting"


def test_transfer_path(db: Database, caseworker: MakeCaseworker, events: list[Event]) -> None:
    anna, bert, carl = caseworker("anna"), caseworker("bert"), caseworker("carl")
    case = queued(db)
    with pytest.raises(InvalidTransition):  # a waiting case has no holder to hand it on
        db.cases.transfer(case.id, anna.id, bert.id)
    db.cases.claim(case.id, anna.id)
    with pytest.raises(CaseConflict, match="Anna holds this case"):
        db.cases.transfer(case.id, bert.id, carl.id)
    db.caseworkers.set_active("carl", False)
    with pytest.raises(CaseworkerNotFound):
        db.cases.transfer(case.id, anna.id, carl.id)
    events.clear()
    moved = db.cases.transfer(case.id, anna.id, bert.id)
    assert events == [Event.TRANSFERRED]
    assert (moved.status, moved.claimed_by, moved.claimed_by_name) == ("caseworker", bert.id, "Bert")
    assert state_of(db, case) is ConversationState.CASEWORKER
    with pytest.raises(CaseConflict):  # anna is no longer the holder
        db.cases.release(case.id, anna.id)
    with pytest.raises(CaseConflict):
        db.cases.reply(case.id, anna.id, "Ik neem het over.")


def test_release_path(db: Database, caseworker: MakeCaseworker, events: list[Event]) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    case = queued(db)
    with pytest.raises(InvalidTransition):  # waiting: nothing to hand back yet
        db.cases.release(case.id, anna.id)
    db.cases.claim(case.id, anna.id)
    with pytest.raises(CaseConflict):
        db.cases.release(case.id, bert.id)
    events.clear()
    released = db.cases.release(case.id, anna.id)
    assert events == [Event.RELEASED]
    assert (released.status, released.outcome) == ("closed", "returned_to_bot")
    assert released.closed_at is not None
    assert state_of(db, case) is ConversationState.BOT
    assert db.cases.open_for_conversation(case.conversation_id) is None
    with pytest.raises(CaseConflict, match="already closed"):
        db.cases.release(case.id, anna.id)


def test_close_path_validates_outcomes_and_holder(
    db: Database, caseworker: MakeCaseworker, events: list[Event]
) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    case = queued(db)
    db.cases.claim(case.id, anna.id)
    for wrong in ("returned_to_bot", "cancelled_by_tenant", "done", ""):
        with pytest.raises(ValueError, match="unknown outcome"):
            db.cases.close(case.id, anna.id, wrong)
    with pytest.raises(CaseConflict):
        db.cases.close(case.id, bert.id, "resolved")
    events.clear()
    closed = db.cases.close(case.id, anna.id, "referred_ocmw", note="  Afspraak bij OCMW Hasselt op 3/12.  ")
    assert events == [Event.CLOSED]
    assert (closed.status, closed.outcome, closed.outcome_note) == (
        "closed",
        "referred_ocmw",
        "Afspraak bij OCMW Hasselt op 3/12.",
    )
    assert state_of(db, case) is ConversationState.CLOSED
    with pytest.raises(CaseConflict, match="already closed"):
        db.cases.close(case.id, anna.id, "resolved")
    assert len(CASE_OUTCOMES) == 8


def test_any_caseworker_may_close_a_waiting_case(db: Database, caseworker: MakeCaseworker) -> None:
    bert = caseworker("bert")
    case = queued(db)
    closed = db.cases.close(case.id, bert.id, "no_response")
    assert (closed.status, closed.outcome, closed.claimed_by) == ("closed", "no_response", None)
    assert state_of(db, case) is ConversationState.CLOSED
    with pytest.raises(CaseConflict):
        db.cases.claim(case.id, bert.id)


def test_tenant_cancels_waiting(db: Database, caseworker: MakeCaseworker, events: list[Event]) -> None:
    case = queued(db)
    cancelled = db.cases.cancel_waiting(case.conversation_id)
    assert events[-1] is Event.TENANT_CANCELLED
    assert cancelled is not None and (cancelled.id, cancelled.status, cancelled.outcome) == (
        case.id,
        "closed",
        "cancelled_by_tenant",
    )
    assert state_of(db, case) is ConversationState.BOT
    with pytest.raises(InvalidTransition):  # in the bot: nothing to cancel
        db.cases.cancel_waiting(case.conversation_id)
    again = db.cases.open(case.conversation_id, signal())
    db.cases.claim(again.id, caseworker("anna").id)
    with pytest.raises(InvalidTransition):  # once claimed, the caseworker ends it
        db.cases.cancel_waiting(case.conversation_id)


def test_caseworker_messages(db: Database, caseworker: MakeCaseworker) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    case = queued(db)
    with pytest.raises(CaseConflict):  # not claimed yet
        db.cases.reply(case.id, anna.id, "Hallo")
    db.cases.claim(case.id, anna.id)
    with pytest.raises(CaseConflict):
        db.cases.reply(case.id, bert.id, "Hallo")
    with pytest.raises(ValueError):
        db.cases.reply(case.id, anna.id, "   ")
    inbound = db.conversations.store_inbound(case.conversation_id, "Is er iemand?")
    message_id = db.cases.reply(case.id, anna.id, "Dag, ik ben Anna van het CAW.").id
    messages = db.conversations.messages_after(case.conversation_id)
    assert [m.id for m in messages] == [inbound, message_id]
    reply = messages[1]
    assert (reply.direction, reply.author, reply.status, reply.caseworker_id) == (
        "out",
        "caseworker",
        "sent",
        anna.id,
    )
    assert reply.to_dict()["author_name"] == "Anna"
    assert messages[0].to_dict()["author_name"] is None


# Concurrency ---------------------------------------------------------------------------


def test_sqlite_write_transactions_begin_immediate(tmp_path: Any) -> None:
    from sqlalchemy import event

    db = Database(f"sqlite:///{tmp_path / 'begin.db'}")
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    db.migrate()
    statements.clear()
    conversation, _ = db.conversations.create_web(None)
    db.conversations.get(conversation.id)
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN"]
    db.dispose()

"""Helpers used inside one transaction by several areas: row locks and shared loads.

Write paths lock in one order (the conversation, then its case), so two of them never
deadlock. ``SELECT ... FOR UPDATE`` is a no-op on SQLite, where ``BEGIN IMMEDIATE``
already serialises writers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.escalation import PRIORITIES
from bot.states import CaseStatus, ConversationState, Event, Step, step
from bot.storage.models import Case, Caseworker, Conversation, utcnow
from bot.storage.records import (
    CaseConflict,
    CaseNotFound,
    CaseRecord,
    CaseworkerNotFound,
    ConversationNotFound,
    case_record,
)


def lock_conversation(session: Session, conversation_id: str) -> Conversation:
    """The conversation row, locked for this transaction; :class:`ConversationNotFound` if absent."""
    row = session.execute(
        select(Conversation).where(Conversation.id == conversation_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise ConversationNotFound(conversation_id)
    return row


def lock_case_conversation(session: Session, case_id: int) -> Conversation:
    """Lock the conversation of a case (always before the case: one lock order everywhere)."""
    conversation_id = session.execute(
        select(Case.conversation_id).where(Case.id == case_id)
    ).scalar_one_or_none()
    if conversation_id is None:
        raise CaseNotFound(case_id)
    return lock_conversation(session, conversation_id)


def open_case_row(session: Session, conversation_id: str) -> Case | None:
    """The conversation's open (not closed) case row, if any."""
    return session.execute(
        select(Case).where(Case.conversation_id == conversation_id, Case.status != CaseStatus.CLOSED.value)
    ).scalar_one_or_none()


def case_query() -> Any:
    """Cases with their holder's display name and username."""
    return select(Case, Caseworker.display_name, Caseworker.username).outerjoin(
        Caseworker, Case.claimed_by == Caseworker.id
    )


def load_case(session: Session, case_id: int) -> CaseRecord:
    """The case as it is now in this transaction; :class:`CaseNotFound` if absent."""
    found = session.execute(
        case_query().where(Case.id == case_id).execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise CaseNotFound(case_id)
    return case_record(*found)


def queue_order() -> tuple[Any, ...]:
    """SQL form of :func:`bot.escalation.queue_key`: priority, then longest waiting, then id."""
    rank = sql_case({p: i for i, p in enumerate(PRIORITIES)}, value=Case.priority, else_=len(PRIORITIES))
    return (rank, Case.waiting_since, Case.id)


def active_caseworker(session: Session, caseworker_id: int) -> Caseworker:
    """The active caseworker row; :class:`CaseworkerNotFound` if unknown or deactivated."""
    row = session.get(Caseworker, caseworker_id)
    if row is None or not row.active:
        raise CaseworkerNotFound(caseworker_id)
    return row


def update_case(session: Session, case_id: int, conditions: tuple[Any, ...], **values: Any) -> bool:
    """One conditional UPDATE of a case; True if it matched (the row count is the verdict)."""
    result = session.execute(
        update(Case)
        .where(Case.id == case_id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1


def apply_event(
    session: Session,
    conversation: Conversation,
    case: Case | None,
    event: Event,
    guard: tuple[Any, ...] = (),
    **case_values: Any,
) -> Step:
    """Apply ``event`` to a locked conversation and its open case ``case``, together.

    The one place where both state machines of :mod:`bot.states` move in the database.
    The case changes through one conditional ``UPDATE ... WHERE status = <the status the
    step was computed from>`` (plus ``guard``), so a concurrent change makes it fail with
    :class:`CaseConflict` instead of acting on an old status. ``case_values`` are written
    with it (the holder on a claim, the outcome on a close).
    """
    status = CaseStatus(case.status) if case is not None else None
    moved = step(ConversationState(conversation.state), status, event)
    if case is not None and (moved.case is not status or case_values):
        values = dict(case_values)
        assert moved.case is not None  # the table never drops an open case without closing it
        values["status"] = moved.case.value
        if moved.closes_case:
            values["closed_at"] = utcnow()
            values.setdefault("outcome", moved.system_outcome)
            values.setdefault("outcome_note", None)
        if not update_case(session, case.id, (Case.status == case.status, *guard), **values):
            raise CaseConflict("The case changed meanwhile.")
    conversation.state = moved.state.value
    return moved

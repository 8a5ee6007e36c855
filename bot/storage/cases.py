"""Cases in the human queue, their notes, and the caseworker's reply to the tenant.

Every change of a case's status goes through :func:`bot.storage.rows.apply_event`, together
with the conversation's state, in one transaction that first locks the conversation row.
The urgency rules come from :mod:`bot.escalation`; nothing here decides them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from bot.escalation import CASE_OUTCOMES, CaseTriage, HandoffSignal, escalate, new_case
from bot.messages import Outbound
from bot.states import CaseStatus, ConversationState, Event, InvalidCaseTransition, InvalidTransition
from bot.storage.audit import add_audit_event
from bot.storage.conversations import add_outbound
from bot.storage.engine import TransactionSource
from bot.storage.models import Case, CaseNote, Caseworker, Conversation, utcnow
from bot.storage.privacy import record_consent, strip_intake, withdrawn_consent
from bot.storage.records import (
    CaseConflict,
    CaseNotFound,
    CaseRecord,
    ConversationNotFound,
    MessageRecord,
    NoteRecord,
    aware,
    case_record,
    message_record,
)
from bot.storage.rows import (
    active_caseworker,
    apply_event,
    case_query,
    load_case,
    lock_case_conversation,
    lock_conversation,
    open_case_row,
    queue_order,
)

CASE_STATUSES = tuple(status.value for status in CaseStatus)
WAITING = CaseStatus.WAITING.value
HELD = CaseStatus.CASEWORKER.value
CLOSED = CaseStatus.CLOSED.value
#: The handoff reason the intake sends when the tenant agreed to pass the conversation on.
CONSENT_REASON = "consent"


def _triage(row: Case) -> CaseTriage:
    return CaseTriage(
        priority=row.priority,
        stage=row.stage,
        reason=row.reason,
        language=row.language,
        summary=dict(row.summary or {}),
        flags=tuple(row.flags or ()),
        reasons=tuple(row.reasons or ()),
    )


def _write_triage(row: Case, triage: CaseTriage) -> None:
    row.priority, row.stage, row.reason = triage.priority, triage.stage, triage.reason
    row.language = triage.language
    row.summary, row.flags, row.reasons = dict(triage.summary), list(triage.flags), list(triage.reasons)


def _held_case(session: Any, conversation: Conversation, case_id: int, caseworker_id: int) -> Case:
    """The open case ``case_id`` if this caseworker may act on it (a waiting one, or one they
    hold); :class:`CaseConflict` for a closed case or one a colleague holds."""
    row = open_case_row(session, conversation.id)
    if row is None or row.id != case_id:
        raise CaseConflict("This case is already closed.")
    if row.status == HELD and row.claimed_by != caseworker_id:
        holder = session.get(Caseworker, row.claimed_by)
        raise CaseConflict(f"{holder.display_name if holder else 'Another caseworker'} holds this case.")
    return row


class Cases:
    """The human queue."""

    def __init__(self, transactions: TransactionSource) -> None:
        self._tx = transactions

    def open(self, conversation_id: str, signal: Mapping[str, Any]) -> CaseRecord:
        """Queue the conversation for a caseworker, or escalate its open case. One transaction.

        From ``bot`` (or ``closed``, via ``tenant_returned``) the conversation moves to
        ``waiting`` (``bot_unavailable`` when that is the signal's reason) and a waiting case
        is created. If it is already ``waiting`` or with a caseworker, the open case is
        escalated instead (:func:`bot.escalation.escalate`). Never a second open case (the
        database refuses one as well).
        """
        parsed = HandoffSignal.parse(signal)
        # The tenant's consent to pass the intake on arrives with the signal it triggers.
        consenting = parsed.reason == CONSENT_REASON and parsed.answers.get("handoff_consent") is True
        with self._tx.write() as session:
            conversation = lock_conversation(session, conversation_id)
            if conversation.erased_at is not None:
                # A turn under way while the tenant erased the conversation: no case, no intake.
                raise ConversationNotFound(conversation_id)
            if not consenting and withdrawn_consent(session, conversation_id):
                # Consent was withdrawn: later signals (which still carry the old answers)
                # bring no intake details back.
                parsed = replace(parsed, answers={}, flags=())
                strip_intake(session, conversation)
            existing = open_case_row(session, conversation_id)
            if conversation.state == ConversationState.CLOSED.value:
                apply_event(session, conversation, existing, Event.TENANT_RETURNED)
            if conversation.state == ConversationState.BOT.value:
                if existing is not None:
                    # Only possible if something bypassed the case methods. A handoff (possibly
                    # a crisis) must still reach a person, so the stale case is closed.
                    existing.status, existing.outcome = CLOSED, "returned_to_bot"
                    existing.closed_at = utcnow()
                    session.flush()
                    existing = None
                event_ = Event.BOT_UNAVAILABLE if parsed.bot_unavailable else Event.HANDOFF_REQUESTED
                moved = apply_event(session, conversation, None, event_)
                now = utcnow()
                existing = Case(
                    conversation_id=conversation_id,
                    status=moved.case.value if moved.case else WAITING,
                    channel=conversation.channel,
                    created_at=now,
                    waiting_since=now,
                )
                _write_triage(existing, new_case(parsed, conversation.language))
                session.add(existing)
            elif existing is None:
                raise CaseConflict(f"conversation {conversation_id} is {conversation.state} without a case")
            else:
                _write_triage(existing, escalate(_triage(existing), parsed))
            session.flush()
            if consenting:
                record_consent(session, conversation, existing.id, parsed.language or conversation.language)
                add_audit_event(session, None, "consent_given", existing.id)
            return load_case(session, existing.id)

    def get(self, case_id: int) -> CaseRecord:
        """The case with this id, or raise :class:`CaseNotFound`."""
        with self._tx.read() as session:
            return load_case(session, case_id)

    def open_for_conversation(self, conversation_id: str) -> CaseRecord | None:
        """The conversation's open (waiting or claimed) case, if any."""
        with self._tx.read() as session:
            found = session.execute(
                case_query().where(Case.conversation_id == conversation_id, Case.status != CLOSED)
            ).one_or_none()
            return None if found is None else case_record(*found)

    def by_status(self, status: str | None = None) -> list[CaseRecord]:
        """Cases with this status, or all open ones (waiting and claimed) when ``status`` is None.

        Ordered like the queue: priority (S first, 'none' last), then longest waiting.
        """
        if status is not None and status not in CASE_STATUSES:
            raise ValueError(f"unknown case status {status!r}")
        condition = Case.status != CLOSED if status is None else Case.status == status
        with self._tx.read() as session:
            rows = session.execute(case_query().where(condition).order_by(*queue_order())).all()
            return [case_record(*row) for row in rows]

    def queue_position(self, case_id: int) -> int | None:
        """1-based place of a waiting case in the queue; None if it is not waiting."""
        with self._tx.read() as session:
            ids = list(
                session.execute(select(Case.id).where(Case.status == WAITING).order_by(*queue_order()))
                .scalars()
                .all()
            )
        return ids.index(case_id) + 1 if case_id in ids else None

    def waiting_count(self) -> int:
        """How many cases wait for a caseworker."""
        with self._tx.read() as session:
            return int(session.execute(select(func.count()).where(Case.status == WAITING)).scalar_one())

    # A caseworker acts -----------------------------------------------------------------
    #
    # Each of these is one transaction: the conversation lock, the check that this
    # caseworker may act, the change of both states, and the audit event.

    def claim(self, case_id: int, caseworker_id: int) -> CaseRecord:
        """Take a waiting case. Exactly one of any number of simultaneous claims succeeds.

        Exclusivity is the database's: one conditional ``UPDATE ... WHERE status = 'waiting'``
        whose row count says whether this claim won; the conversation moves to
        ``caseworker`` in the same transaction. Claiming a case one already holds returns it;
        anything else raises :class:`CaseConflict` (:class:`CaseNotFound` if there is no case).
        """
        with self._tx.write() as session:
            conversation = lock_case_conversation(session, case_id)
            active_caseworker(session, caseworker_id)
            current = load_case(session, case_id)
            if current.status is CaseStatus.CASEWORKER and current.claimed_by == caseworker_id:
                add_audit_event(session, caseworker_id, "claimed", case_id)
                return current
            if current.status is CaseStatus.CLOSED:
                raise CaseConflict("This case is already closed.")
            row = session.get(Case, case_id)
            try:
                if current.status is not CaseStatus.WAITING:
                    raise CaseConflict
                apply_event(
                    session, conversation, row, Event.CLAIMED, claimed_by=caseworker_id, claimed_at=utcnow()
                )
            except (CaseConflict, InvalidTransition, InvalidCaseTransition):
                # Lost the race (only the conditional UPDATE or a stale read tells, without
                # the conversation lock): someone else holds the case now.
                holder = load_case(session, case_id).claimed_by_name or "Another caseworker"
                raise CaseConflict(f"{holder} already took this case.") from None
            add_audit_event(session, caseworker_id, "claimed", case_id)
            return load_case(session, case_id)

    def transfer(self, case_id: int, from_caseworker_id: int, to_caseworker_id: int) -> CaseRecord:
        """Hand a claimed case to an active colleague (holder only)."""
        with self._tx.write() as session:
            conversation = lock_case_conversation(session, case_id)
            row = _held_case(session, conversation, case_id, from_caseworker_id)
            target = active_caseworker(session, to_caseworker_id)
            if to_caseworker_id == from_caseworker_id:
                apply_event(session, conversation, row, Event.TRANSFERRED)
            else:
                apply_event(
                    session,
                    conversation,
                    row,
                    Event.TRANSFERRED,
                    (Case.claimed_by == from_caseworker_id,),
                    claimed_by=target.id,
                    claimed_at=utcnow(),
                )
            add_audit_event(session, from_caseworker_id, "transferred", case_id, {"to": target.username})
            return load_case(session, case_id)

    def release(self, case_id: int, caseworker_id: int) -> CaseRecord:
        """Hand the conversation back to the bot (holder only); the case closes as returned_to_bot."""
        with self._tx.write() as session:
            conversation = lock_case_conversation(session, case_id)
            row = _held_case(session, conversation, case_id, caseworker_id)
            apply_event(session, conversation, row, Event.RELEASED, (Case.claimed_by == caseworker_id,))
            add_audit_event(session, caseworker_id, "released", case_id)
            return load_case(session, case_id)

    def close(self, case_id: int, caseworker_id: int, outcome: str, note: str | None = None) -> CaseRecord:
        """Close a case with an outcome from :data:`bot.escalation.CASE_OUTCOMES`.

        A claimed case only by its holder; a waiting case (e.g. ``no_response``) by any
        active caseworker. The conversation becomes ``closed``.
        """
        if outcome not in CASE_OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {', '.join(CASE_OUTCOMES)}")
        note = note.strip() if note and note.strip() else None
        with self._tx.write() as session:
            conversation = lock_case_conversation(session, case_id)
            active_caseworker(session, caseworker_id)
            row = _held_case(session, conversation, case_id, caseworker_id)
            guard = (Case.claimed_by == caseworker_id,) if row.status == HELD else ()
            apply_event(session, conversation, row, Event.CLOSED, guard, outcome=outcome, outcome_note=note)
            add_audit_event(session, caseworker_id, "closed", case_id, {"outcome": outcome})
            return load_case(session, case_id)

    def cancel_waiting(self, conversation_id: str) -> CaseRecord | None:
        """The tenant stops waiting: back to the bot; the case closes as cancelled_by_tenant."""
        with self._tx.write() as session:
            conversation = lock_conversation(session, conversation_id)
            row = open_case_row(session, conversation_id)
            apply_event(session, conversation, row, Event.TENANT_CANCELLED)
            return None if row is None else load_case(session, row.id)

    def reply(self, case_id: int, caseworker_id: int, text_: str) -> MessageRecord:
        """A caseworker's message to the tenant, as one atomic operation: the holder check
        (under the conversation's lock), the stored message (queued for a pushing channel)
        and the audit event. Only the caseworker who holds the case may write
        (:class:`CaseConflict` otherwise)."""
        if not text_.strip():
            raise ValueError("a caseworker message needs text")
        with self._tx.write() as session:
            conversation = lock_case_conversation(session, case_id)
            held = open_case_row(session, conversation.id)
            if held is None or held.id != case_id or held.status != HELD or held.claimed_by != caseworker_id:
                raise CaseConflict("Only the caseworker who holds the case can reply.")
            author = session.get(Caseworker, caseworker_id)
            (row,) = add_outbound(
                session,
                conversation,
                [Outbound(text=text_, author="caseworker")],
                caseworker_id=caseworker_id,
            )
            add_audit_event(session, caseworker_id, "replied", case_id, {"message_id": int(row.id)})
            return message_record(row, author.display_name if author is not None else None)

    # Notes -----------------------------------------------------------------------------

    def add_note(self, case_id: int, caseworker_id: int, text_: str) -> NoteRecord:
        """An internal note on a case (never shown to the tenant), audited in the same transaction."""
        if not text_.strip():
            raise ValueError("a note needs text")
        with self._tx.write() as session:
            if session.get(Case, case_id) is None:
                raise CaseNotFound(case_id)
            author = active_caseworker(session, caseworker_id)
            row = CaseNote(case_id=case_id, caseworker_id=caseworker_id, text=text_)
            session.add(row)
            session.flush()
            add_audit_event(session, caseworker_id, "noted", case_id, {"note_id": int(row.id)})
            return NoteRecord(
                id=row.id,
                case_id=case_id,
                caseworker_id=caseworker_id,
                author_name=author.display_name,
                text=row.text,
                created_at=aware(row.created_at),
            )

    def list_notes(self, case_id: int) -> list[NoteRecord]:
        """A case's notes, oldest first."""
        with self._tx.read() as session:
            rows = session.execute(
                select(CaseNote, Caseworker.display_name)
                .join(Caseworker, CaseNote.caseworker_id == Caseworker.id)
                .where(CaseNote.case_id == case_id)
                .order_by(CaseNote.id)
            ).all()
            return [
                NoteRecord(
                    id=row.id,
                    case_id=row.case_id,
                    caseworker_id=row.caseworker_id,
                    author_name=name,
                    text=row.text,
                    created_at=aware(row.created_at),
                )
                for row, name in rows
            ]

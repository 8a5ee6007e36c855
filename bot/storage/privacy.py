"""Forgetting in the gateway's tables: erasure, the retention purge's selection, consents.

Erasing a conversation (the tenant asked, or it was idle longer than the retention period)
is one transaction under the conversation's lock:

* every message of the conversation is deleted (its outbox items with it), and the case
  notes of its cases;
* an open case is closed through the state machine (:func:`bot.storage.rows.apply_event`)
  with the outcome ``erased`` (the tenant asked) or ``expired`` (retention);
* every case of the conversation keeps its record without text: stage, priority, reason,
  triage's reason codes, outcome, dates, channel, language and the municipality; the intake
  answers, the flags (children, health, income loss) and the closing note go;
* the conversation row stays as an anonymous anchor for those case records: no token hash
  (the web chat token stops working), no channel address (a Telegram chat that writes again
  starts a new conversation), no handoff signal, ``erased_at`` set;
* consents keep when they were given and withdrawn, and the SHA-256 of the text shown;
* the audit trail stays, and gets an ``erased`` (or ``expired``) event.

Rasa's copy of the conversation is in its tracker store: :mod:`bot.storage.tracker`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from bot.states import Event, InvalidCaseTransition, InvalidTransition
from bot.storage.audit import add_audit_event
from bot.storage.engine import TransactionSource, in_batches
from bot.storage.models import Case, CaseNote, Caseworker, Consent, Conversation, Message, OutboxItem, utcnow
from bot.storage.records import ConversationNotFound, MessageRecord, aware, message_record
from bot.storage.rows import apply_event, lock_conversation, open_case_row

#: The outcome of an open case that the tenant's erasure closed.
ERASED_OUTCOME = "erased"
#: The outcome of an open case that the retention purge closed (idle for the whole period).
EXPIRED_OUTCOME = "expired"
#: Who erased: the tenant, or the retention period.
ERASURE_REASONS = ("tenant", "retention")
#: What a case's intake summary keeps after erasure (for the figures per municipality).
KEPT_SUMMARY_KEYS = ("municipality",)
#: What a handoff consent is for (the only purpose so far).
HANDOFF_PURPOSE = "handoff"
#: Ids per IN (...) list: well below SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


@dataclass(frozen=True)
class ErasureRecord:
    """What one erasure did (counts and ids only, never text)."""

    conversation_id: str
    channel: str
    external_id: str | None  # the channel address it had (a Telegram chat), to say goodbye there
    language: str | None
    messages: int
    notes: int
    cases: int  # case records kept without text
    closed_case_id: int | None  # the open case this erasure closed
    already_erased: bool = False


@dataclass(frozen=True)
class PurgeCounts:
    """What a purge would erase (``huurhulp purge --dry-run``) or did erase."""

    conversations: int = 0
    messages: int = 0
    notes: int = 0
    cases: int = 0
    open_cases: int = 0


@dataclass(frozen=True)
class ConsentRecord:
    """A recorded consent."""

    id: int
    conversation_id: str
    case_id: int | None
    purpose: str
    language: str | None
    text_shown: str | None
    text_sha256: str
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing consent did."""

    consents: int  # consents that were active and are now withdrawn
    cases: int  # cases whose intake details were removed


def text_digest(text: str) -> str:
    """SHA-256 of a consent text as shown (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def kept_summary(summary: Mapping[str, Any] | None) -> dict[str, Any]:
    """The part of an intake summary that outlives the texts: the municipality."""
    found = dict(summary or {})
    return {key: found[key] for key in KEPT_SUMMARY_KEYS if found.get(key) not in (None, "")}


def last_activity(session: Session, conversation: Conversation) -> dt.datetime:
    """The newest of: the tenant's last message, any message, and any change of its cases."""
    moments = [aware(conversation.last_activity_at)]
    newest_message = session.execute(
        select(func.max(Message.created_at)).where(Message.conversation_id == conversation.id)
    ).scalar_one_or_none()
    case_times = session.execute(
        select(func.max(Case.created_at), func.max(Case.claimed_at), func.max(Case.closed_at)).where(
            Case.conversation_id == conversation.id
        )
    ).one()
    for moment in (newest_message, *case_times):
        if moment is not None:
            moments.append(aware(moment))
    return max(moments)


def _idle_conditions(cutoff: dt.datetime) -> tuple[Any, ...]:
    """SQL: a conversation not erased, with no message and no case change since ``cutoff``."""
    recent_message = exists(
        select(Message.id).where(Message.conversation_id == Conversation.id, Message.created_at >= cutoff)
    )
    recent_case = exists(
        select(Case.id).where(
            Case.conversation_id == Conversation.id,
            or_(Case.created_at >= cutoff, Case.claimed_at >= cutoff, Case.closed_at >= cutoff),
        )
    )
    return (
        Conversation.erased_at.is_(None),
        Conversation.last_activity_at < cutoff,
        ~recent_message,
        ~recent_case,
    )


def strip_intake(session: Session, conversation: Conversation) -> int:
    """Remove the intake details (answers and flags) from the conversation's cases and its
    handoff signal; returns how many cases changed."""
    rows = session.execute(
        select(Case.id, Case.summary, Case.flags).where(Case.conversation_id == conversation.id)
    ).all()
    changed = 0
    for case_id, summary, flags in rows:
        if summary or flags:
            session.execute(
                update(Case)
                .where(Case.id == case_id)
                .values(summary={}, flags=[])
                .execution_options(synchronize_session=False)
            )
            changed += 1
    if isinstance(conversation.handoff, dict) and (
        "intake" in conversation.handoff or "flags" in conversation.handoff
    ):
        conversation.handoff = {
            key: value for key, value in conversation.handoff.items() if key not in ("intake", "flags")
        }
    return changed


def _count_by(session: Session, key: Any, counted: Any, ids: list[str]) -> dict[str, int]:
    """``{conversation id: count}`` of rows per conversation."""
    rows = session.execute(select(key, func.count(counted)).where(key.in_(ids)).group_by(key)).all()
    return {str(conversation_id): int(count) for conversation_id, count in rows}


def _scrub_cases(session: Session, conversation_ids: list[str]) -> int:
    """The case records of these conversations without text: only the municipality stays of
    the intake summary; flags and the closing note go. Returns how many rows changed."""
    rows = session.execute(
        select(Case.id, Case.summary, Case.flags, Case.outcome_note).where(
            Case.conversation_id.in_(conversation_ids)
        )
    ).all()
    changed = 0
    for case_id, summary, flags, note in rows:
        kept = kept_summary(summary)
        if kept != (summary or {}) or flags or note is not None:
            session.execute(
                update(Case)
                .where(Case.id == case_id)
                .values(summary=kept, flags=[], outcome_note=None)
                .execution_options(synchronize_session=False)
            )
            changed += 1
    return changed


def withdrawn_consent(session: Session, conversation_id: str) -> bool:
    """Whether the tenant's latest handoff consent was withdrawn (and none was given since)."""
    latest = session.execute(
        select(Consent.withdrawn_at)
        .where(Consent.conversation_id == conversation_id, Consent.purpose == HANDOFF_PURPOSE)
        .order_by(Consent.id.desc())
        .limit(1)
    ).one_or_none()
    return latest is not None and latest.withdrawn_at is not None


def record_consent(
    session: Session, conversation: Conversation, case_id: int | None, language: str | None
) -> Consent:
    """Record the tenant's consent to pass the conversation on, as they answered it now.

    The text shown is the bot's message that the tenant answered: the newest outbound
    message before their newest inbound one, with its buttons. The moment is now (the
    gateway stores the answer and the handoff in the same turn).
    """
    newest_in = (
        select(func.max(Message.id))
        .where(Message.conversation_id == conversation.id, Message.direction == "in")
        .scalar_subquery()
    )
    shown = session.execute(
        select(Message.text, Message.payload)
        .where(
            Message.conversation_id == conversation.id,
            Message.direction == "out",
            or_(newest_in.is_(None), Message.id < newest_in),
        )
        .order_by(Message.id.desc())
        .limit(1)
    ).one_or_none()
    text = ""
    if shown is not None:
        text = shown.text
        buttons = shown.payload.get("buttons", []) if isinstance(shown.payload, dict) else []
        titles = [str(b.get("title", "")) for b in buttons if isinstance(b, dict)]
        if titles:
            text += "\n" + " ".join(f"[{title}]" for title in titles)
    row = Consent(
        conversation_id=conversation.id,
        case_id=case_id,
        purpose=HANDOFF_PURPOSE,
        language=language,
        text_shown=text,
        text_sha256=text_digest(text),
        given_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def _consent_record(row: Consent) -> ConsentRecord:
    return ConsentRecord(
        id=row.id,
        conversation_id=row.conversation_id,
        case_id=row.case_id,
        purpose=row.purpose,
        language=row.language,
        text_shown=row.text_shown,
        text_sha256=row.text_sha256,
        given_at=aware(row.given_at),
        withdrawn_at=aware(row.withdrawn_at) if row.withdrawn_at is not None else None,
    )


def erase_in(
    session: Session, conversation_id: str, reason: str, idle_before: dt.datetime | None = None
) -> ErasureRecord | None:
    """Erase one conversation's texts inside the current transaction (see the module docstring).

    ``idle_before``: only if the conversation has still been idle since then (the purge checks
    again under the lock; None is returned when it became active meanwhile). Erasing an erased
    conversation does nothing and says so.
    """
    if reason not in ERASURE_REASONS:
        raise ValueError(f"unknown erasure reason {reason!r}")
    conversation = lock_conversation(session, conversation_id)
    channel, external_id, language = conversation.channel, conversation.external_id, conversation.language
    if conversation.erased_at is not None:
        return ErasureRecord(conversation_id, channel, external_id, language, 0, 0, 0, None, True)
    if idle_before is not None and last_activity(session, conversation) >= idle_before:
        return None

    closed_case_id = None
    case = open_case_row(session, conversation_id)
    outcome = ERASED_OUTCOME if reason == "tenant" else EXPIRED_OUTCOME
    if case is not None:
        closed_case_id = int(case.id)
        try:
            apply_event(session, conversation, case, Event.CLOSED, outcome=outcome)
        except (InvalidTransition, InvalidCaseTransition):
            # A case the state machine cannot close from this conversation state (only if
            # something bypassed it): close it all the same, erasure must not fail on it.
            session.execute(
                update(Case)
                .where(Case.id == case.id)
                .values(status="closed", closed_at=utcnow(), outcome=outcome, outcome_note=None)
                .execution_options(synchronize_session=False)
            )

    _scrub_cases(session, [conversation_id])
    case_ids = list(session.execute(select(Case.id).where(Case.conversation_id == conversation_id)).scalars())
    notes = 0
    if case_ids:
        notes = int(session.execute(delete(CaseNote).where(CaseNote.case_id.in_(case_ids))).rowcount or 0)
    session.execute(delete(OutboxItem).where(OutboxItem.conversation_id == conversation_id))
    messages = int(
        session.execute(delete(Message).where(Message.conversation_id == conversation_id)).rowcount or 0
    )
    session.execute(
        update(Consent)
        .where(Consent.conversation_id == conversation_id)
        .values(text_shown=None)
        .execution_options(synchronize_session=False)
    )
    conversation.token_hash = None
    conversation.external_id = None
    conversation.handoff = None
    conversation.erased_at = utcnow()
    conversation.erased_reason = reason
    if reason == "tenant" or closed_case_id is not None:
        add_audit_event(
            session,
            None,
            "erased" if reason == "tenant" else "expired",
            closed_case_id,
            {"count": messages},
        )
    session.flush()
    return ErasureRecord(
        conversation_id=conversation_id,
        channel=channel,
        external_id=external_id,
        language=language,
        messages=messages,
        notes=notes,
        cases=len(case_ids),
        closed_case_id=closed_case_id,
    )


class Privacy:
    """Erasure, the retention purge's selection, consents, and the tenant's own copy."""

    def __init__(self, transactions: TransactionSource) -> None:
        self._tx = transactions

    # Erasure and retention -------------------------------------------------------------

    def erase(self, conversation_id: str, reason: str = "tenant") -> ErasureRecord:
        """Erase a conversation's texts now (one transaction); :class:`ConversationNotFound`
        if there is no such conversation."""
        with self._tx.write() as session:
            erased = erase_in(session, conversation_id, reason)
        assert erased is not None  # only a purge's idle check returns None
        return erased

    def erase_if_idle(self, conversation_id: str, idle_before: dt.datetime) -> ErasureRecord | None:
        """The purge's erasure: only if nothing happened since ``idle_before`` (checked under
        the conversation's lock); None when it became active, or when it is gone."""
        erased = self.erase_idle([conversation_id], idle_before)
        return erased[0] if erased else None

    def erase_idle(self, conversation_ids: Iterable[str], idle_before: dt.datetime) -> list[ErasureRecord]:
        """The purge's erasure of several conversations in one transaction, set-based.

        The rows are locked (in id order, like every write path), the idle check is made
        again under the locks, and only the conversations still idle since ``idle_before``
        are erased, with the same effect as :func:`erase_in` (``retention``; an open case
        closes as ``expired`` through the state machine). A handful of statements per batch
        instead of a dozen per conversation (1,000 conversations of 6 messages on SQLite: about
        2 s instead of 9 s). Conversations active since, gone or already erased are left out
        of the result.
        """
        wanted = sorted(set(conversation_ids))
        if not wanted:
            return []
        with self._tx.write() as session:
            locked = {
                row.id: row
                for row in session.execute(
                    select(Conversation)
                    .where(Conversation.id.in_(wanted))
                    .order_by(Conversation.id)
                    .with_for_update()
                ).scalars()
            }
            idle = set(
                session.execute(
                    select(Conversation.id).where(Conversation.id.in_(wanted), *_idle_conditions(idle_before))
                ).scalars()
            )
            conversations = [locked[cid] for cid in wanted if cid in locked and cid in idle]
            if not conversations:
                return []
            ids = [row.id for row in conversations]
            messages = _count_by(session, Message.conversation_id, Message.id, ids)
            notes = dict(
                session.execute(
                    select(Case.conversation_id, func.count(CaseNote.id))
                    .join(CaseNote, CaseNote.case_id == Case.id)
                    .where(Case.conversation_id.in_(ids))
                    .group_by(Case.conversation_id)
                ).all()
            )
            cases = _count_by(session, Case.conversation_id, Case.id, ids)
            closed: dict[str, int] = {}
            open_cases = session.execute(
                select(Case).where(Case.conversation_id.in_(ids), Case.status != "closed")
            ).scalars()
            for case in list(open_cases):
                conversation = locked[case.conversation_id]
                try:
                    apply_event(session, conversation, case, Event.CLOSED, outcome=EXPIRED_OUTCOME)
                except (InvalidTransition, InvalidCaseTransition):
                    session.execute(
                        update(Case)
                        .where(Case.id == case.id)
                        .values(status="closed", closed_at=utcnow(), outcome=EXPIRED_OUTCOME)
                        .execution_options(synchronize_session=False)
                    )
                closed[conversation.id] = int(case.id)
                add_audit_event(
                    session, None, "expired", int(case.id), {"count": messages.get(conversation.id, 0)}
                )
            _scrub_cases(session, ids)
            case_ids = select(Case.id).where(Case.conversation_id.in_(ids)).scalar_subquery()
            for gone in (
                delete(CaseNote).where(CaseNote.case_id.in_(case_ids)),
                delete(OutboxItem).where(OutboxItem.conversation_id.in_(ids)),
                delete(Message).where(Message.conversation_id.in_(ids)),
            ):
                session.execute(gone.execution_options(synchronize_session=False))
            session.execute(
                update(Consent)
                .where(Consent.conversation_id.in_(ids))
                .values(text_shown=None)
                .execution_options(synchronize_session=False)
            )
            now = utcnow()
            records = []
            for row in conversations:
                records.append(
                    ErasureRecord(
                        conversation_id=row.id,
                        channel=row.channel,
                        external_id=row.external_id,
                        language=row.language,
                        messages=messages.get(row.id, 0),
                        notes=int(notes.get(row.id, 0)),
                        cases=cases.get(row.id, 0),
                        closed_case_id=closed.get(row.id),
                    )
                )
                row.token_hash = row.external_id = row.handoff = None
                row.erased_at, row.erased_reason = now, "retention"
            session.flush()
            return records

    def expired(self, cutoff: dt.datetime) -> list[str]:
        """Ids of conversations closed or idle since before ``cutoff`` and not yet erased."""
        with self._tx.read() as session:
            return list(
                session.execute(
                    select(Conversation.id).where(*_idle_conditions(cutoff)).order_by(Conversation.id)
                ).scalars()
            )

    def count(self, conversation_ids: list[str]) -> PurgeCounts:
        """What erasing these conversations would remove (for ``--dry-run``)."""
        totals = [0, 0, 0, 0]
        with self._tx.read() as session:
            for batch in in_batches(conversation_ids, CHUNK):
                totals[0] += int(
                    session.execute(
                        select(func.count(Message.id)).where(Message.conversation_id.in_(batch))
                    ).scalar_one()
                )
                totals[1] += int(
                    session.execute(
                        select(func.count(CaseNote.id))
                        .join(Case, CaseNote.case_id == Case.id)
                        .where(Case.conversation_id.in_(batch))
                    ).scalar_one()
                )
                totals[2] += int(
                    session.execute(
                        select(func.count(Case.id)).where(Case.conversation_id.in_(batch))
                    ).scalar_one()
                )
                totals[3] += int(
                    session.execute(
                        select(func.count(Case.id)).where(
                            Case.conversation_id.in_(batch), Case.status != "closed"
                        )
                    ).scalar_one()
                )
        return PurgeCounts(len(conversation_ids), *totals)

    def erased_among(self, conversation_ids: Iterable[str]) -> set[str]:
        """Which of these ids are erased conversations."""
        found: set[str] = set()
        with self._tx.read() as session:
            for batch in in_batches(conversation_ids, CHUNK):
                found.update(
                    session.execute(
                        select(Conversation.id).where(
                            Conversation.id.in_(batch), Conversation.erased_at.is_not(None)
                        )
                    ).scalars()
                )
        return found

    def known_among(self, conversation_ids: Iterable[str]) -> set[str]:
        """Which of these ids are conversations of the gateway (erased or not)."""
        found: set[str] = set()
        with self._tx.read() as session:
            for batch in in_batches(conversation_ids, CHUNK):
                found.update(
                    session.execute(select(Conversation.id).where(Conversation.id.in_(batch))).scalars()
                )
        return found

    def record_purge(self, conversations: int) -> None:
        """One audit event for a purge run that erased something (how many conversations)."""
        with self._tx.write() as session:
            add_audit_event(session, None, "purged", None, {"count": conversations})

    # Consent -------------------------------------------------------------------------

    def consents(self, conversation_id: str) -> list[ConsentRecord]:
        """The conversation's consents, oldest first."""
        with self._tx.read() as session:
            rows = session.execute(
                select(Consent).where(Consent.conversation_id == conversation_id).order_by(Consent.id)
            ).scalars()
            return [_consent_record(row) for row in rows]

    def withdraw_consent(self, conversation_id: str) -> Withdrawal:
        """The tenant withdraws consent: every active consent of the conversation gets its
        moment of withdrawal, and its cases and handoff signal lose the intake details (also
        when no consent was recorded: the tenant asked for them to go). Audited. One
        transaction; :class:`ConversationNotFound` if there is no such conversation."""
        with self._tx.write() as session:
            conversation = lock_conversation(session, conversation_id)
            now = utcnow()
            active = list(
                session.execute(
                    select(Consent).where(
                        Consent.conversation_id == conversation_id, Consent.withdrawn_at.is_(None)
                    )
                ).scalars()
            )
            for row in active:
                row.withdrawn_at = now
            cases = strip_intake(session, conversation)
            case = open_case_row(session, conversation_id)
            add_audit_event(
                session,
                None,
                "consent_withdrawn",
                int(case.id) if case is not None else None,
                {"count": len(active)},
            )
            return Withdrawal(consents=len(active), cases=cases)

    # The tenant's copy ---------------------------------------------------------------

    def export(self, conversation_id: str) -> list[MessageRecord]:
        """Every message of the conversation, oldest first (the tenant's copy)."""
        with self._tx.read() as session:
            if session.get(Conversation, conversation_id) is None:
                raise ConversationNotFound(conversation_id)
            rows = session.execute(
                select(Message, Caseworker.display_name)
                .outerjoin(Caseworker, Message.caseworker_id == Caseworker.id)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.id)
            ).all()
            return [message_record(row, name) for row, name in rows]

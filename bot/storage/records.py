"""What the storage package hands out: frozen records, never live ORM objects.

Nothing outside ``bot/storage`` can lazily touch the database through a record. The
``*_record`` functions turn rows into records inside the transaction that loaded them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Button
from bot.states import CaseStatus, ConversationState
from bot.storage.models import AuditEvent, Case, Caseworker, Conversation, Message, OutboxItem


class ConversationNotFound(Exception):
    """No conversation with that id."""


class CaseNotFound(Exception):
    """No case with that id."""


class CaseConflict(Exception):
    """The case is not (or no longer) in a state that allows this caseworker to act on it:
    someone else claimed it first, it is held by a colleague, or it is already closed."""


class CaseworkerNotFound(Exception):
    """No active caseworker with that id or username."""


class CaseworkerExists(Exception):
    """A caseworker with that username already exists."""


@dataclass(frozen=True)
class ConversationRecord:
    """A conversation as the rest of the gateway sees it."""

    id: str
    channel: str
    external_id: str | None
    state: ConversationState
    language: str | None
    handoff: dict[str, Any] | None
    created_at: dt.datetime
    last_activity_at: dt.datetime


@dataclass(frozen=True)
class MessageRecord:
    """A stored message. ``author_name`` is the display name of a caseworker author."""

    id: int
    conversation_id: str
    direction: str
    author: str
    text: str
    payload: Any
    status: str
    created_at: dt.datetime
    caseworker_id: int | None = None
    author_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by the web chat API."""
        buttons = self.payload.get("buttons", []) if isinstance(self.payload, dict) else []
        found: dict[str, Any] = {
            "id": self.id,
            "direction": self.direction,
            "author": self.author,
            "author_name": self.author_name,
            "text": self.text,
            "buttons": buttons if self.direction == "out" else [],
            "created_at": self.created_at.isoformat(),
        }
        if self.attachment is not None:
            # Only what a reader needs; the channel's file reference stays on the server.
            found["attachment"] = {
                "kind": self.attachment.get("kind"),
                "file_name": self.attachment.get("file_name"),
            }
        return found

    @property
    def buttons(self) -> list[Button]:
        """Buttons offered with an outbound message."""
        if self.direction != "out" or not isinstance(self.payload, dict):
            return []
        return [Button(title=b["title"], payload=b["payload"]) for b in self.payload.get("buttons", [])]

    @property
    def attachment(self) -> dict[str, Any] | None:
        """A file a tenant sent that a caseworker may open (kind, the channel's file id, name)."""
        if self.direction != "in" or not isinstance(self.payload, dict):
            return None
        found = self.payload.get("attachment")
        return found if isinstance(found, dict) else None


@dataclass(frozen=True)
class OutboxRecord:
    """An outbox item with what is needed to deliver it (the message's text and buttons)."""

    id: int
    message_id: int
    conversation_id: str
    channel: str
    chat_id: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str | None
    external_message_id: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    text: str
    buttons: tuple[Button, ...]
    author: str
    author_name: str | None


@dataclass(frozen=True)
class CaseworkerRecord:
    """A caseworker. ``password_hash`` is for verifying a login and is kept out of repr()."""

    id: int
    username: str
    display_name: str
    active: bool
    created_at: dt.datetime
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class CaseRecord:
    """A case in the human queue. ``claimed_by`` is the holder's id, ``claimed_by_name`` their name."""

    id: int
    conversation_id: str
    status: CaseStatus
    priority: str
    stage: str
    language: str | None
    channel: str
    reason: str
    summary: dict[str, Any]
    flags: tuple[str, ...]
    reasons: tuple[Any, ...]
    created_at: dt.datetime
    waiting_since: dt.datetime
    claimed_by: int | None
    claimed_by_name: str | None
    claimed_by_username: str | None
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str | None
    outcome_note: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by the console (``claimed_by`` is the holder's display name)."""
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "priority": self.priority,
            "stage": self.stage,
            "language": self.language,
            "channel": self.channel,
            "status": self.status.value,
            "reason": self.reason,
            "reasons": list(self.reasons),
            "summary": dict(self.summary),
            "flags": list(self.flags),
            "created_at": self.created_at.isoformat(),
            "waiting_since": self.waiting_since.isoformat(),
            "claimed_by": self.claimed_by_name,
            "claimed_at": _iso(self.claimed_at),
            "closed_at": _iso(self.closed_at),
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class NoteRecord:
    """An internal note on a case."""

    id: int
    case_id: int
    caseworker_id: int
    author_name: str
    text: str
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by the console."""
        return {
            "id": self.id,
            "case_id": self.case_id,
            "author_name": self.author_name,
            "text": self.text,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class AuditRecord:
    """One audit event."""

    id: int
    at: dt.datetime
    caseworker_id: int | None
    caseworker_name: str | None
    action: str
    case_id: int | None
    detail: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "caseworker": self.caseworker_name,
            "action": self.action,
            "case_id": self.case_id,
            "detail": self.detail,
        }


def aware(value: dt.datetime) -> dt.datetime:
    """The value as an aware UTC datetime (SQLite returns naive ones; everything is stored in UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def aware_or_none(value: dt.datetime | None) -> dt.datetime | None:
    """:func:`aware`, passing None through."""
    return None if value is None else aware(value)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def hash_token(token: str) -> str:
    """sha256 of a bearer token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def conversation_record(row: Conversation) -> ConversationRecord:
    """The ConversationRecord of a row loaded in the current transaction."""
    return ConversationRecord(
        id=row.id,
        channel=row.channel,
        external_id=row.external_id,
        state=ConversationState(row.state),
        language=row.language,
        handoff=row.handoff,
        created_at=aware(row.created_at),
        last_activity_at=aware(row.last_activity_at),
    )


def message_record(row: Message, author_name: str | None = None) -> MessageRecord:
    """The MessageRecord of a row loaded in the current transaction."""
    return MessageRecord(
        id=row.id,
        conversation_id=row.conversation_id,
        direction=row.direction,
        author=row.author,
        text=row.text,
        payload=row.payload,
        status=row.status,
        created_at=aware(row.created_at),
        caseworker_id=row.caseworker_id,
        author_name=author_name,
    )


def caseworker_record(row: Caseworker) -> CaseworkerRecord:
    """The CaseworkerRecord of a row loaded in the current transaction."""
    return CaseworkerRecord(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        active=bool(row.active),
        created_at=aware(row.created_at),
        password_hash=row.password_hash,
    )


def case_record(row: Case, claimed_by_name: str | None, claimed_by_username: str | None = None) -> CaseRecord:
    """The CaseRecord of a row loaded in the current transaction."""
    return CaseRecord(
        id=row.id,
        conversation_id=row.conversation_id,
        status=CaseStatus(row.status),
        priority=row.priority,
        stage=row.stage,
        language=row.language,
        channel=row.channel,
        reason=row.reason,
        summary=dict(row.summary or {}),
        flags=tuple(row.flags or ()),
        reasons=tuple(row.reasons or ()),
        created_at=aware(row.created_at),
        waiting_since=aware(row.waiting_since),
        claimed_by=row.claimed_by,
        claimed_by_name=claimed_by_name,
        claimed_by_username=claimed_by_username,
        claimed_at=aware_or_none(row.claimed_at),
        closed_at=aware_or_none(row.closed_at),
        outcome=row.outcome,
        outcome_note=row.outcome_note,
    )


def outbox_record(item: OutboxItem, message: Message, author_name: str | None) -> OutboxRecord:
    """The OutboxRecord of a row loaded in the current transaction."""
    buttons = message.payload.get("buttons", []) if isinstance(message.payload, dict) else []
    return OutboxRecord(
        id=item.id,
        message_id=item.message_id,
        conversation_id=item.conversation_id,
        channel=item.channel,
        chat_id=item.chat_id,
        status=item.status,
        attempts=int(item.attempts or 0),
        next_attempt_at=aware(item.next_attempt_at),
        last_error=item.last_error,
        external_message_id=item.external_message_id,
        created_at=aware(item.created_at),
        sent_at=aware_or_none(item.sent_at),
        text=message.text,
        buttons=tuple(Button(title=b["title"], payload=b["payload"]) for b in buttons),
        author=message.author,
        author_name=author_name,
    )


def audit_record(row: AuditEvent, caseworker_name: str | None) -> AuditRecord:
    """The AuditRecord of a row loaded in the current transaction."""
    return AuditRecord(
        id=row.id,
        at=aware(row.at),
        caseworker_id=row.caseworker_id,
        caseworker_name=caseworker_name,
        action=row.action,
        case_id=row.case_id,
        detail=row.detail,
    )

"""Conversations and their messages, including the first transaction of a tenant turn."""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.messages import Button, Outbound
from bot.states import ConversationState, Event
from bot.storage.engine import TransactionSource
from bot.storage.models import Caseworker, Conversation, Message, utcnow
from bot.storage.outbox import queue_for_push
from bot.storage.records import (
    ConversationNotFound,
    ConversationRecord,
    MessageRecord,
    conversation_record,
    hash_token,
    message_record,
)
from bot.storage.rows import apply_event, lock_conversation, open_case_row


@dataclass(frozen=True)
class TurnStart:
    """What the first transaction of a tenant turn found, after storing the message."""

    message_id: int
    conversation: ConversationRecord
    offered: list[Button]  # the buttons of the bot's latest message (empty if none)
    first_contact: bool  # nothing was ever sent to this tenant: the privacy notice is due


def _buttons(payload: Any) -> list[Button]:
    if not isinstance(payload, dict):
        return []
    return [Button(title=b["title"], payload=b["payload"]) for b in payload.get("buttons", [])]


def add_inbound(
    session: Session,
    conversation: Conversation,
    text_: str,
    pressed_payload: str | None = None,
    media: Mapping[str, Any] | None = None,
    attachment: bool = False,
) -> int:
    """Store a tenant message in the current transaction; returns its id.

    An erased conversation takes no more messages (:class:`ConversationNotFound`).
    """
    if conversation.erased_at is not None:
        raise ConversationNotFound(conversation.id)
    payload: dict[str, Any] = {}
    if pressed_payload:
        payload["pressed"] = pressed_payload
    if media is not None:
        payload["attachment" if attachment else "media"] = dict(media)
    row = Message(
        conversation_id=conversation.id,
        direction="in",
        author="tenant",
        text=text_,
        payload=payload or None,
        status="received",
    )
    session.add(row)
    conversation.last_activity_at = utcnow()
    session.flush()
    return int(row.id)


def add_outbound(
    session: Session,
    conversation: Conversation,
    replies: Sequence[Outbound],
    caseworker_id: int | None = None,
) -> list[Message]:
    """Store replies to the tenant in the current transaction, queued for a pushing channel.

    Nothing is stored for an erased conversation (a turn that was under way when the tenant
    erased it must not write its replies back).
    """
    rows: list[Message] = []
    if conversation.erased_at is not None:
        return rows
    for reply in replies:
        row = Message(
            conversation_id=conversation.id,
            direction="out",
            author=reply.author,
            text=reply.text,
            payload={"buttons": [b.to_dict() for b in reply.buttons]} if reply.buttons else None,
            status="sent",
            caseworker_id=caseworker_id,
        )
        session.add(row)
        session.flush()
        queue_for_push(session, conversation, row)
        rows.append(row)
    return rows


def _conversation(session: Session, conversation_id: str) -> Conversation:
    row = session.get(Conversation, conversation_id)
    if row is None:
        raise ConversationNotFound(conversation_id)
    return row


class Conversations:
    """Conversations, their messages and their state."""

    def __init__(self, transactions: TransactionSource) -> None:
        self._tx = transactions

    def create_web(self, language: str | None) -> tuple[ConversationRecord, str]:
        """Create a web chat conversation; returns it and its bearer token (shown once)."""
        token = secrets.token_urlsafe(32)
        row = Conversation(
            id=uuid.uuid4().hex,
            channel="web",
            token_hash=hash_token(token),
            state=ConversationState.BOT.value,
            language=language,
        )
        with self._tx.write() as session:
            session.add(row)
            session.flush()
            return conversation_record(row), token

    def for_channel(
        self, channel: str, external_id: str, language: str | None = None
    ) -> tuple[ConversationRecord, bool]:
        """The conversation of a channel address (a Telegram chat), created on first contact.

        Returns it and whether it was created. The unique index on (channel, external_id)
        settles a race between two first messages: the loser reads the winner's row.
        """
        query = select(Conversation).where(
            Conversation.channel == channel, Conversation.external_id == external_id
        )
        with self._tx.read() as session:
            row = session.execute(query).scalar_one_or_none()
            if row is not None:
                return conversation_record(row), False
        try:
            with self._tx.write() as session:
                row = Conversation(
                    id=uuid.uuid4().hex,
                    channel=channel,
                    external_id=external_id,
                    state=ConversationState.BOT.value,
                    language=language,
                )
                session.add(row)
                session.flush()
                return conversation_record(row), True
        except IntegrityError:
            with self._tx.read() as session:
                return conversation_record(session.execute(query).scalar_one()), False

    def get(self, conversation_id: str) -> ConversationRecord:
        """The conversation with this id, or raise :class:`ConversationNotFound`."""
        with self._tx.read() as session:
            return conversation_record(_conversation(session, conversation_id))

    def authorised(self, conversation_id: str, token: str) -> ConversationRecord | None:
        """The web conversation if ``token`` is its bearer token, else None (one query).

        Raises :class:`ConversationNotFound` when there is no such conversation, or it was erased.
        """
        with self._tx.read() as session:
            row = _conversation(session, conversation_id)
            if row.erased_at is not None:
                raise ConversationNotFound(conversation_id)  # erased: as if it never was
            if row.channel != "web" or row.token_hash is None:
                return None
            if not hmac.compare_digest(row.token_hash, hash_token(token)):
                return None
            return conversation_record(row)

    def token_matches(self, conversation_id: str, token: str) -> bool:
        """Whether ``token`` is the bearer token of this web conversation."""
        with self._tx.read() as session:
            stored = session.execute(
                select(Conversation.token_hash).where(Conversation.id == conversation_id)
            ).scalar_one_or_none()
        return stored is not None and hmac.compare_digest(stored, hash_token(token))

    def set_language(self, conversation_id: str, language: str) -> None:
        """Remember the conversation's language."""
        with self._tx.write() as session:
            session.execute(
                update(Conversation).where(Conversation.id == conversation_id).values(language=language)
            )

    def record_handoff(self, conversation_id: str, signal: dict[str, Any]) -> None:
        """Keep the latest handoff signal the bot sent for this conversation (never on an
        erased one: a turn under way during the erasure must not write the intake back)."""
        with self._tx.write() as session:
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id, Conversation.erased_at.is_(None))
                .values(handoff=signal)
            )

    def apply_event(self, conversation_id: str, event_: Event) -> ConversationState:
        """Move the conversation (and its open case, if any) through the state machines.

        For events that need nothing else (``tenant_returned``, ``tenant_cancelled``); the
        case operations of :class:`bot.storage.cases.Cases` apply the others. Raises on a
        forbidden event. The row is locked (``SELECT ... FOR UPDATE`` where the database
        supports it) so two concurrent events cannot both act on the same old state.
        """
        with self._tx.write() as session:
            row = lock_conversation(session, conversation_id)
            return apply_event(session, row, open_case_row(session, conversation_id), event_).state

    # Messages --------------------------------------------------------------------------

    def begin_turn(
        self,
        conversation_id: str,
        text_: str,
        pressed_payload: str | None = None,
        *,
        media: Mapping[str, Any] | None = None,
        attachment: bool = False,
    ) -> TurnStart:
        """The first transaction of a tenant turn: store the message (before anything else
        happens to it), and load what routing needs (state, language, the buttons the bot
        offered last, whether anything was ever sent). The conversation is locked, so one
        conversation's turns never interleave here.
        """
        with self._tx.write() as session:
            conversation = lock_conversation(session, conversation_id)
            message_id = add_inbound(session, conversation, text_, pressed_payload, media, attachment)
            latest = session.execute(
                select(Message.id, Message.payload)
                .where(Message.conversation_id == conversation_id, Message.direction == "out")
                .order_by(Message.id.desc())
                .limit(1)
            ).one_or_none()
            return TurnStart(
                message_id=message_id,
                conversation=conversation_record(conversation),
                offered=_buttons(latest.payload) if latest is not None else [],
                first_contact=latest is None,
            )

    def store_inbound(
        self,
        conversation_id: str,
        text_: str,
        pressed_payload: str | None = None,
        *,
        media: Mapping[str, Any] | None = None,
        attachment: bool = False,
        status: str = "received",
    ) -> int:
        """Store a tenant message before anything else happens to it; returns its id.

        ``media`` describes a non-text message (``{"kind": "photo", "file_id": ...}``);
        with ``attachment`` it is also offered to the caseworker as a file to open.
        ``status`` other than ``received`` records a message that needs no handling (a
        press on an old keyboard is ``stale``).
        """
        with self._tx.write() as session:
            conversation = _conversation(session, conversation_id)
            message_id = add_inbound(session, conversation, text_, pressed_payload, media, attachment)
            if status != "received":
                session.execute(update(Message).where(Message.id == message_id).values(status=status))
            return message_id

    def count_messages(self, conversation_id: str, direction: str) -> int:
        """How many messages of a direction (``in``/``out``) a conversation has."""
        with self._tx.read() as session:
            return int(
                session.execute(
                    select(func.count(Message.id)).where(
                        Message.conversation_id == conversation_id, Message.direction == direction
                    )
                ).scalar_one()
            )

    def mark_inbound(self, message_id: int, status: str) -> None:
        """Record what became of an inbound message (handled, failed, queued)."""
        with self._tx.write() as session:
            session.execute(update(Message).where(Message.id == message_id).values(status=status))

    def store_outbound(self, conversation_id: str, replies: Sequence[Outbound]) -> list[MessageRecord]:
        """Record replies sent to the tenant (queued for delivery on a pushing channel)."""
        with self._tx.write() as session:
            rows = add_outbound(session, _conversation(session, conversation_id), replies)
            return [message_record(row) for row in rows]

    def get_message(self, message_id: int) -> MessageRecord | None:
        """One stored message, or None."""
        with self._tx.read() as session:
            found = session.execute(
                select(Message, Caseworker.display_name)
                .outerjoin(Caseworker, Message.caseworker_id == Caseworker.id)
                .where(Message.id == message_id)
            ).one_or_none()
            return None if found is None else message_record(*found)

    def last_offered_buttons(self, conversation_id: str) -> list[Button]:
        """Buttons of the most recent outbound message, if it had any."""
        with self._tx.read() as session:
            payload = session.execute(
                select(Message.payload)
                .where(Message.conversation_id == conversation_id, Message.direction == "out")
                .order_by(Message.id.desc())
                .limit(1)
            ).scalar_one_or_none()
        return _buttons(payload)

    def messages_after(
        self, conversation_id: str, after_id: int = 0, limit: int = 200
    ) -> list[MessageRecord]:
        """Messages of a conversation with an id above ``after_id``, oldest first."""
        with self._tx.read() as session:
            rows = session.execute(
                select(Message, Caseworker.display_name)
                .outerjoin(Caseworker, Message.caseworker_id == Caseworker.id)
                .where(Message.conversation_id == conversation_id, Message.id > after_id)
                .order_by(Message.id)
                .limit(limit)
            ).all()
            return [message_record(row, name) for row, name in rows]

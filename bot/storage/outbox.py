"""The outbox: outbound messages still to be pushed over a channel that delivers by itself.

A message and its outbox item are written in the same transaction
(:func:`queue_for_push`), so a reply is never stored without its delivery being queued.

Several senders (one per gateway process) may deliver from the same outbox. A sender
claims (:meth:`Outbox.claim`) a chat's oldest pending item before sending it: in one short
transaction it locks that row (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's
write transactions, ``BEGIN IMMEDIATE``, run one at a time) and, when the item is due, moves
its ``next_attempt_at`` a lease ahead. Another sender then finds the chat's oldest item
locked or not due, and leaves the whole chat alone (never a later item: order per chat is
kept). The claiming sender marks the item sent, retried or failed when it is done; a sender
that dies while sending leaves the item to be claimed again when the lease runs out (so a
message is sent at least once, and twice only if a sender died between Telegram's answer and
writing it down, or took longer than the lease to send).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.storage.engine import TransactionSource
from bot.storage.models import Caseworker, Conversation, Message, OutboxItem, utcnow
from bot.storage.records import OutboxRecord, aware, aware_or_none, outbox_record

#: Channels whose outbound messages are pushed by a sender task through the outbox
#: (the web chat's clients fetch theirs). Their outbound messages start as ``queued``.
PUSH_CHANNELS = frozenset({"telegram"})
OUTBOX_STATUSES = ("pending", "sent", "failed")
#: How long a claimed item belongs to the sender that claimed it. Far longer than one send
#: takes (python-telegram-bot gives up on a request after about 15 s; a long text is a few
#: parts a second apart), so a live sender's item is never claimed by another.
CLAIM_LEASE = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Claim:
    """What :meth:`Outbox.claim` found for a chat.

    ``item``: claimed, this sender delivers it now. Otherwise ``head_id`` is the chat's oldest
    pending item (None: nothing is pending) and ``due_at`` when it may be claimed (a retry's
    time, or another sender's lease; None while another sender is claiming it right now).
    ``last_sent_at``: when the chat's latest message went out, by any sender (for pacing).
    """

    item: OutboxRecord | None
    head_id: int | None = None
    due_at: dt.datetime | None = None
    last_sent_at: dt.datetime | None = None

    @property
    def empty(self) -> bool:
        """Nothing is pending for the chat."""
        return self.item is None and self.head_id is None


def queue_for_push(session: Session, conversation: Conversation, message: Message) -> None:
    """In the message's own transaction: queue it for a channel that pushes (Telegram)."""
    if conversation.channel not in PUSH_CHANNELS or not conversation.external_id:
        return
    message.status = "queued"
    session.add(
        OutboxItem(
            message_id=message.id,
            conversation_id=conversation.id,
            channel=conversation.channel,
            chat_id=conversation.external_id,
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
        )
    )
    session.flush()


def _outbox_query() -> Any:
    return (
        select(OutboxItem, Message, Caseworker.display_name)
        .join(Message, OutboxItem.message_id == Message.id)
        .outerjoin(Caseworker, Message.caseworker_id == Caseworker.id)
    )


class Outbox:
    """Delivery state of pushed messages."""

    def __init__(self, transactions: TransactionSource) -> None:
        self._tx = transactions

    def pending_chats(self, channel: str) -> list[str]:
        """Chats of a channel with messages waiting to be delivered."""
        with self._tx.read() as session:
            rows = session.execute(
                select(OutboxItem.chat_id)
                .where(OutboxItem.channel == channel, OutboxItem.status == "pending")
                .group_by(OutboxItem.chat_id)
                .order_by(func.min(OutboxItem.id))
            )
            return [str(chat_id) for chat_id in rows.scalars()]

    def next_item(self, channel: str, chat_id: str) -> OutboxRecord | None:
        """The oldest pending item of a chat (messages go out in the order they were stored)."""
        with self._tx.read() as session:
            found = session.execute(
                _outbox_query()
                .where(
                    OutboxItem.channel == channel,
                    OutboxItem.chat_id == chat_id,
                    OutboxItem.status == "pending",
                )
                .order_by(OutboxItem.id)
                .limit(1)
            ).one_or_none()
            return None if found is None else outbox_record(*found)

    def claim(self, channel: str, chat_id: str, lease: dt.timedelta = CLAIM_LEASE) -> Claim:
        """Take the chat's oldest pending item for delivery by this sender, if it is due and no
        other sender holds it (see the module's docstring)."""
        now = utcnow()
        pending = (
            OutboxItem.channel == channel,
            OutboxItem.chat_id == chat_id,
            OutboxItem.status == "pending",
        )
        with self._tx.write() as session:
            head_id = session.execute(select(func.min(OutboxItem.id)).where(*pending)).scalar_one_or_none()
            if head_id is None:
                return Claim(None)
            found = session.execute(
                _outbox_query()
                .where(OutboxItem.id == head_id, OutboxItem.status == "pending")
                .with_for_update(skip_locked=True, of=OutboxItem)
            ).one_or_none()
            if found is None:  # another sender is claiming it in this very moment
                return Claim(None, head_id)
            item, message, author_name = found
            last_sent = session.execute(
                select(func.max(OutboxItem.sent_at)).where(
                    OutboxItem.channel == channel, OutboxItem.chat_id == chat_id, OutboxItem.status == "sent"
                )
            ).scalar_one_or_none()
            last_sent_at = aware_or_none(last_sent)
            due_at = aware(item.next_attempt_at)
            if due_at > now:
                return Claim(None, head_id, due_at, last_sent_at)
            item.next_attempt_at = now + lease
            session.flush()
            return Claim(outbox_record(item, message, author_name), head_id, None, last_sent_at)

    def sent(self, outbox_id: int, external_message_id: str | None) -> None:
        """The channel accepted the message."""
        now = utcnow()
        with self._tx.write() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None:
                return
            item.status, item.sent_at, item.external_message_id = "sent", now, external_message_id
            item.attempts = (item.attempts or 0) + 1
            session.execute(update(Message).where(Message.id == item.message_id).values(status="sent"))

    def retry(self, outbox_id: int, next_attempt_at: dt.datetime, error: str) -> int:
        """Delivery failed for now: try again at ``next_attempt_at``. Returns the attempts so far."""
        with self._tx.write() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None:
                return 0
            item.attempts = (item.attempts or 0) + 1
            item.next_attempt_at, item.last_error = next_attempt_at, error[:64]
            return int(item.attempts)

    def failed(self, outbox_id: int, error: str) -> None:
        """Delivery failed for good (the chat blocked the bot, or gave up after a long outage)."""
        with self._tx.write() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None:
                return
            item.status, item.last_error = "failed", error[:64]
            item.attempts = (item.attempts or 0) + 1
            session.execute(update(Message).where(Message.id == item.message_id).values(status="failed"))

    def for_conversation(self, conversation_id: str) -> list[OutboxRecord]:
        """A conversation's outbox items, oldest first."""
        with self._tx.read() as session:
            rows = session.execute(
                _outbox_query().where(OutboxItem.conversation_id == conversation_id).order_by(OutboxItem.id)
            ).all()
            return [outbox_record(*row) for row in rows]

"""Database tables. Change them only together with an Alembic migration."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    true,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import DeclarativeMeta, registry, relationship

mapper_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """Declarative base spelled out, so type checkers see a class (SQLAlchemy 1.4 style)."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC (stored as UTC everywhere)."""
    return dt.datetime.now(dt.timezone.utc)


class Conversation(Base):
    """One tenant (or landlord) talking over one channel."""

    __tablename__ = "conversations"

    id = Column(String(32), primary_key=True)  # uuid4 hex; also Rasa's sender id
    channel = Column(String(16), nullable=False)  # web | telegram
    # Channel's own address (Telegram chat id); null for the web chat.
    external_id = Column(String(64), nullable=True)
    # sha256 of the web chat bearer token: a leaked database does not leak live tokens.
    token_hash = Column(String(64), nullable=True)
    state = Column(String(16), nullable=False, default="bot")
    language = Column(String(8), nullable=True)
    # Latest handoff signal sent by the bot (priority, stage, summary...), consumed by the queue.
    handoff = Column(JSON, nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_activity_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # Set when the texts were erased (the tenant asked, or the retention period ran out): the
    # row stays, without token, channel address or handoff, so the case records keep their link.
    erased_at = Column(DateTime(timezone=True), nullable=True)
    erased_reason = Column(String(16), nullable=True)  # tenant | retention

    messages = relationship("Message", back_populates="conversation", order_by="Message.id")

    __table_args__ = (
        Index("ix_conversations_channel_external", "channel", "external_id", unique=True),
        Index("ix_conversations_last_activity_at", "last_activity_at"),
    )


class Message(Base):
    """A message to or from a tenant. Inbound messages are stored before they are handled."""

    __tablename__ = "messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    direction = Column(String(3), nullable=False)  # in | out
    author = Column(String(16), nullable=False)  # tenant | bot | caseworker | system
    text = Column(Text, nullable=False)
    # Buttons offered with an outbound message; the pressed payload of an inbound one.
    payload = Column(JSON, nullable=True)
    # Inbound: received -> handled | failed. Outbound: sent (delivered synchronously) or queued.
    status = Column(String(16), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    # Who wrote a caseworker message (null for tenant, bot and system messages).
    caseworker_id = Column(
        Integer, ForeignKey("caseworkers.id", name="fk_messages_caseworker_id"), nullable=True
    )

    conversation = relationship("Conversation", back_populates="messages")

    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)


class Caseworker(Base):
    """A person who answers tenants in the console. Deactivated, never deleted (audit)."""

    __tablename__ = "caseworkers"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, unique=True)  # stored lower-case
    display_name = Column(String(128), nullable=False)
    password_hash = Column(String(255), nullable=False)  # argon2id, see bot/auth.py
    active = Column(Boolean, nullable=False, default=True, server_default=true())
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


#: Predicate of the partial unique index that allows one open case per conversation.
OPEN_CASE_WHERE = "status <> 'closed'"


class Case(Base):
    """One stay of a conversation in the human queue: waiting -> caseworker -> closed."""

    __tablename__ = "cases"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    status = Column(String(16), nullable=False)  # waiting | caseworker | closed
    priority = Column(String(8), nullable=False)  # S | P1 | P2 | P3 | P4 | none
    stage = Column(String(32), nullable=False)  # crisis ... payment_worry | none
    language = Column(String(8), nullable=True)
    channel = Column(String(16), nullable=False)
    reason = Column(String(32), nullable=False)  # requested | consent | triage | crisis | ...
    summary = Column(JSON, nullable=False)  # the intake answers
    flags = Column(JSON, nullable=False)  # list of str
    reasons = Column(JSON, nullable=False)  # triage's reasons, a list
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    waiting_since = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    claimed_by = Column(Integer, ForeignKey("caseworkers.id"), nullable=True)
    claimed_at = Column(DateTime(timezone=True), nullable=True)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    outcome = Column(String(32), nullable=True)
    outcome_note = Column(Text, nullable=True)

    __table_args__ = (
        # The database, not the code, guarantees at most one open case per conversation.
        Index(
            "ux_cases_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=sql_text(OPEN_CASE_WHERE),
            postgresql_where=sql_text(OPEN_CASE_WHERE),
        ),
        Index("ix_cases_status_waiting_since", "status", "waiting_since"),
    )


class CaseNote(Base):
    """An internal note on a case; never shown to the tenant."""

    __tablename__ = "case_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    caseworker_id = Column(Integer, ForeignKey("caseworkers.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    __table_args__ = (Index("ix_case_notes_case_id", "case_id"),)


class AuditEvent(Base):
    """Who did what to which case, and when. Never holds message or note text."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    caseworker_id = Column(Integer, ForeignKey("caseworkers.id"), nullable=True)
    action = Column(String(32), nullable=False)
    # Erasing a conversation deletes its cases; the audit trail stays, unlinked.
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="SET NULL"), nullable=True)
    detail = Column(JSON, nullable=True)

    __table_args__ = (Index("ix_audit_events_case_id", "case_id"),)


class ConsoleSession(Base):
    """A caseworker's login. The id is the sha256 of the cookie token; the token is not stored."""

    __tablename__ = "console_sessions"

    id = Column(String(64), primary_key=True)
    caseworker_id = Column(Integer, ForeignKey("caseworkers.id", ondelete="CASCADE"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (Index("ix_console_sessions_caseworker_id", "caseworker_id"),)


class OutboxItem(Base):
    """An outbound message still to be pushed over a channel that delivers by itself (Telegram).

    Written in the same transaction as the message, so a reply is never stored without its
    delivery being queued. A sender task delivers pending items in id order per chat,
    retrying network errors and flood control; never holds message text (that stays in
    ``messages``), only delivery state.
    """

    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    message_id = Column(Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False, unique=True)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(16), nullable=False)
    chat_id = Column(String(64), nullable=False)  # the channel's address (Telegram chat id)
    status = Column(String(16), nullable=False, default="pending")  # pending | sent | failed
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_error = Column(String(64), nullable=True)  # an error kind such as "retry_after", never text
    external_message_id = Column(String(64), nullable=True)  # Telegram's message_id once sent
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_outbox_status_channel_chat", "status", "channel", "chat_id", "id"),)


class Consent(Base):
    """A tenant's consent, with the moment it was given and the text they were shown.

    Written by the gateway when a handoff signal carries the tenant's consent. Withdrawing it
    sets ``withdrawn_at`` and removes the intake details from the conversation's cases.
    Erasure keeps the row (when, what for) but replaces the text by its SHA-256: the record
    still shows which wording was agreed to, without keeping any text of the conversation.
    """

    __tablename__ = "consents"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    case_id = Column(Integer, ForeignKey("cases.id", ondelete="SET NULL"), nullable=True)
    purpose = Column(String(32), nullable=False)  # handoff: pass the intake to a caseworker
    language = Column(String(8), nullable=True)
    text_shown = Column(Text, nullable=True)  # the question the tenant answered, with its buttons
    text_sha256 = Column(String(64), nullable=False)
    given_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    withdrawn_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_consents_conversation_id", "conversation_id"),)


def only_gateway_tables(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name``: only the gateway's own tables.

    Rasa's tracker store shares the database (its ``events`` table on SQLite, schema
    ``rasa`` on PostgreSQL); autogenerate must never propose to drop it.
    """
    return not (type_ == "table" and name not in Base.metadata.tables)

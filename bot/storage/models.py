"""Database tables. Change them only together with an Alembic migration."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
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

    messages = relationship("Message", back_populates="conversation", order_by="Message.id")

    __table_args__ = (Index("ix_conversations_channel_external", "channel", "external_id", unique=True),)


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

    conversation = relationship("Conversation", back_populates="messages")

    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)

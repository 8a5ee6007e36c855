"""The only module that opens database sessions.

Functions here are synchronous (SQLAlchemy 1.4 in 2.0 style); async callers run them in
a worker thread. They return plain frozen records, never live ORM objects, so nothing
outside this module can lazily touch the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.messages import Button, Outbound
from bot.states import ConversationState, Event, transition
from bot.storage.models import Conversation, Message, utcnow

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class ConversationNotFound(Exception):
    """No conversation with that id."""


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
    """A stored message."""

    id: int
    conversation_id: str
    direction: str
    author: str
    text: str
    payload: Any
    status: str
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by the web chat API."""
        buttons = self.payload.get("buttons", []) if isinstance(self.payload, dict) else []
        return {
            "id": self.id,
            "direction": self.direction,
            "author": self.author,
            "text": self.text,
            "buttons": buttons if self.direction == "out" else [],
            "created_at": self.created_at.isoformat(),
        }


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _conversation_record(row: Conversation) -> ConversationRecord:
    return ConversationRecord(
        id=row.id,
        channel=row.channel,
        external_id=row.external_id,
        state=ConversationState(row.state),
        language=row.language,
        handoff=row.handoff,
        created_at=_aware(row.created_at),
        last_activity_at=_aware(row.last_activity_at),
    )


def _message_record(row: Message) -> MessageRecord:
    return MessageRecord(
        id=row.id,
        conversation_id=row.conversation_id,
        direction=row.direction,
        author=row.author,
        text=row.text,
        payload=row.payload,
        status=row.status,
        created_at=_aware(row.created_at),
    )


def hash_token(token: str) -> str:
    """sha256 of a bearer token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Database:
    """Engine, sessions and every query of the gateway."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # Worker threads share the engine; SQLite serialises writers itself.
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.url = url
        self.engine: Engine = create_engine(url, **kwargs)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction that commits on success and rolls back on error."""
        with self._sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def ping(self) -> None:
        """Raise if the database does not answer."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()

    # Conversations ---------------------------------------------------------------

    def create_web_conversation(self, language: str | None) -> tuple[ConversationRecord, str]:
        """Create a web chat conversation; returns it and its bearer token (shown once)."""
        token = secrets.token_urlsafe(32)
        row = Conversation(
            id=uuid.uuid4().hex,
            channel="web",
            token_hash=hash_token(token),
            state=ConversationState.BOT.value,
            language=language,
        )
        with self.session() as session:
            session.add(row)
            session.flush()
            return _conversation_record(row), token

    def get_conversation(self, conversation_id: str) -> ConversationRecord:
        """The conversation with this id, or raise :class:`ConversationNotFound`."""
        with self.session() as session:
            row = session.get(Conversation, conversation_id)
            if row is None:
                raise ConversationNotFound(conversation_id)
            return _conversation_record(row)

    def token_matches(self, conversation_id: str, token: str) -> bool:
        """Whether ``token`` is the bearer token of this web conversation."""
        with self.session() as session:
            stored = session.execute(
                select(Conversation.token_hash).where(Conversation.id == conversation_id)
            ).scalar_one_or_none()
        return stored is not None and hmac.compare_digest(stored, hash_token(token))

    def set_language(self, conversation_id: str, language: str) -> None:
        """Remember the conversation's language."""
        with self.session() as session:
            session.execute(
                update(Conversation).where(Conversation.id == conversation_id).values(language=language)
            )

    def record_handoff(self, conversation_id: str, signal: dict[str, Any]) -> None:
        """Keep the latest handoff signal the bot sent for this conversation."""
        with self.session() as session:
            session.execute(
                update(Conversation).where(Conversation.id == conversation_id).values(handoff=signal)
            )

    def apply_event(self, conversation_id: str, event_: Event) -> ConversationState:
        """Move the conversation through the state machine; raises on a forbidden event.

        The row is locked (``SELECT ... FOR UPDATE`` where the database supports it) so two
        concurrent events cannot both act on the same old state.
        """
        with self.session() as session:
            row = session.execute(
                select(Conversation).where(Conversation.id == conversation_id).with_for_update()
            ).scalar_one_or_none()
            if row is None:
                raise ConversationNotFound(conversation_id)
            new_state = transition(ConversationState(row.state), event_)
            row.state = new_state.value
            return new_state

    # Messages ----------------------------------------------------------------------

    def store_inbound(self, conversation_id: str, text_: str, pressed_payload: str | None = None) -> int:
        """Store a tenant message before anything else happens to it; returns its id."""
        with self.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            row = Message(
                conversation_id=conversation_id,
                direction="in",
                author="tenant",
                text=text_,
                payload={"pressed": pressed_payload} if pressed_payload else None,
                status="received",
            )
            session.add(row)
            conversation.last_activity_at = utcnow()
            session.flush()
            return int(row.id)

    def mark_inbound(self, message_id: int, status: str) -> None:
        """Record what became of an inbound message (handled, failed, queued)."""
        with self.session() as session:
            session.execute(update(Message).where(Message.id == message_id).values(status=status))

    def store_outbound(self, conversation_id: str, replies: Sequence[Outbound]) -> list[int]:
        """Record replies sent to the tenant; returns their ids."""
        ids: list[int] = []
        with self.session() as session:
            for reply in replies:
                row = Message(
                    conversation_id=conversation_id,
                    direction="out",
                    author=reply.author,
                    text=reply.text,
                    payload={"buttons": [b.to_dict() for b in reply.buttons]} if reply.buttons else None,
                    status="sent",
                )
                session.add(row)
                session.flush()
                ids.append(int(row.id))
        return ids

    def last_offered_buttons(self, conversation_id: str) -> list[Button]:
        """Buttons of the most recent outbound message, if it had any."""
        with self.session() as session:
            payload = session.execute(
                select(Message.payload)
                .where(Message.conversation_id == conversation_id, Message.direction == "out")
                .order_by(Message.id.desc())
                .limit(1)
            ).scalar_one_or_none()
        if not isinstance(payload, dict):
            return []
        return [Button(title=b["title"], payload=b["payload"]) for b in payload.get("buttons", [])]

    def messages_after(
        self, conversation_id: str, after_id: int = 0, limit: int = 200
    ) -> list[MessageRecord]:
        """Messages of a conversation with an id above ``after_id``, oldest first."""
        with self.session() as session:
            rows = session.execute(
                select(Message)
                .where(Message.conversation_id == conversation_id, Message.id > after_id)
                .order_by(Message.id)
                .limit(limit)
            ).scalars()
            return [_message_record(row) for row in rows]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()

"""The only module that opens database sessions.

Functions here are synchronous (SQLAlchemy 1.4 in 2.0 style); async callers run them in
a worker thread. They return plain frozen records, never live ORM objects, so nothing
outside this module can lazily touch the database.

Every change of a conversation's state goes through :func:`bot.states.transition` inside
one transaction that first locks the conversation row. Write paths lock in one order
(conversation, then its case), so two of them never deadlock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import case as sql_case
from sqlalchemy import create_engine, delete, event, func, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.messages import Button, Outbound
from bot.states import ConversationState, Event, transition
from bot.storage.models import (
    AuditEvent,
    Case,
    CaseNote,
    Caseworker,
    ConsoleSession,
    Conversation,
    Message,
    OutboxItem,
    utcnow,
)
from vocabulary.stages import Priority, Stage

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: Most urgent first, as triage defines them (its enums list members in that order).
#: The queue is ordered by these, then by waiting time.
PRIORITIES = tuple(priority.value for priority in Priority)
STAGES = tuple(stage.value for stage in Stage)
CASE_STATUSES = ("waiting", "caseworker", "closed")
#: Outcomes a caseworker chooses when closing a case.
CASE_OUTCOMES = (
    "referred_ocmw",
    "referred_caw",
    "referred_legal_aid",
    "mediation",
    "fonds",
    "payment_plan",
    "resolved",
    "no_response",
)
#: Outcomes the system sets: handed back to the bot, or the tenant stopped waiting.
RETURNED_TO_BOT = "returned_to_bot"
CANCELLED_BY_TENANT = "cancelled_by_tenant"
AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "viewed",
    "claimed",
    "replied",
    "noted",
    "transferred",
    "released",
    "closed",
)
#: The only keys an audit event's detail may have. Values must be scalars (strings of at
#: most AUDIT_DETAIL_MAX_CHARS): message and note text never reach the audit trail.
AUDIT_DETAIL_KEYS = frozenset(
    {"message_id", "note_id", "outcome", "to", "from", "username", "priority", "stage", "status", "count"}
)
AUDIT_DETAIL_MAX_CHARS = 64
#: Channels whose outbound messages are pushed by a sender task through the outbox
#: (the web chat's clients fetch theirs). Their outbound messages start as ``queued``.
PUSH_CHANNELS = frozenset({"telegram"})
OUTBOX_STATUSES = ("pending", "sent", "failed")

# Execution option that marks a write transaction (BEGIN IMMEDIATE on SQLite).
_WRITE_OPTION = "huurhulp_write"


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
    status: str
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
            "status": self.status,
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


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _aware_or_none(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _aware(value)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


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


def _message_record(row: Message, author_name: str | None = None) -> MessageRecord:
    return MessageRecord(
        id=row.id,
        conversation_id=row.conversation_id,
        direction=row.direction,
        author=row.author,
        text=row.text,
        payload=row.payload,
        status=row.status,
        created_at=_aware(row.created_at),
        caseworker_id=row.caseworker_id,
        author_name=author_name,
    )


def _caseworker_record(row: Caseworker) -> CaseworkerRecord:
    return CaseworkerRecord(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        active=bool(row.active),
        created_at=_aware(row.created_at),
        password_hash=row.password_hash,
    )


def _case_record(
    row: Case, claimed_by_name: str | None, claimed_by_username: str | None = None
) -> CaseRecord:
    return CaseRecord(
        id=row.id,
        conversation_id=row.conversation_id,
        status=row.status,
        priority=row.priority,
        stage=row.stage,
        language=row.language,
        channel=row.channel,
        reason=row.reason,
        summary=dict(row.summary or {}),
        flags=tuple(row.flags or ()),
        reasons=tuple(row.reasons or ()),
        created_at=_aware(row.created_at),
        waiting_since=_aware(row.waiting_since),
        claimed_by=row.claimed_by,
        claimed_by_name=claimed_by_name,
        claimed_by_username=claimed_by_username,
        claimed_at=_aware_or_none(row.claimed_at),
        closed_at=_aware_or_none(row.closed_at),
        outcome=row.outcome,
        outcome_note=row.outcome_note,
    )


def _queue_for_push(session: Session, conversation: Conversation, message: Message) -> None:
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


def _outbox_record(item: OutboxItem, message: Message, author_name: str | None) -> OutboxRecord:
    buttons = message.payload.get("buttons", []) if isinstance(message.payload, dict) else []
    return OutboxRecord(
        id=item.id,
        message_id=item.message_id,
        conversation_id=item.conversation_id,
        channel=item.channel,
        chat_id=item.chat_id,
        status=item.status,
        attempts=int(item.attempts or 0),
        next_attempt_at=_aware(item.next_attempt_at),
        last_error=item.last_error,
        external_message_id=item.external_message_id,
        created_at=_aware(item.created_at),
        sent_at=_aware_or_none(item.sent_at),
        text=message.text,
        buttons=tuple(Button(title=b["title"], payload=b["payload"]) for b in buttons),
        author=message.author,
        author_name=author_name,
    )


def hash_token(token: str) -> str:
    """sha256 of a bearer token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _rank(value: str, order: Sequence[str]) -> int:
    return order.index(value)


def _vocabulary(value: Any, allowed: Sequence[str], name: str) -> str:
    """A priority or stage from a handoff signal; missing means 'none', unknown is refused."""
    if value is None:
        return "none"
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; expected one of {', '.join(allowed)}")
    return str(value)


def _union(old: Sequence[Any], new: Sequence[Any]) -> list[Any]:
    """``old`` followed by the items of ``new`` it lacks, in order."""
    merged = list(old)
    for item in new:
        if item not in merged:
            merged.append(item)
    return merged


def _queue_order() -> tuple[Any, ...]:
    """Priority (S first, 'none' last), then longest waiting, then id."""
    rank = sql_case({p: i for i, p in enumerate(PRIORITIES)}, value=Case.priority, else_=len(PRIORITIES))
    return (rank, Case.waiting_since, Case.id)


def _case_query() -> Any:
    return select(Case, Caseworker.display_name, Caseworker.username).outerjoin(
        Caseworker, Case.claimed_by == Caseworker.id
    )


def _audit_detail(detail: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Refuse anything that could carry message or note text into the audit trail."""
    if detail is None:
        return None
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if key not in AUDIT_DETAIL_KEYS:
            raise ValueError(
                f"audit detail key {key!r} is not allowed (allowed: {', '.join(sorted(AUDIT_DETAIL_KEYS))}); "
                "audit events never hold message or note text"
            )
        if isinstance(value, str) and len(value) > AUDIT_DETAIL_MAX_CHARS:
            raise ValueError(f"audit detail {key!r} is longer than {AUDIT_DETAIL_MAX_CHARS} characters")
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise ValueError(f"audit detail {key!r} must be a string, number or boolean")
        clean[key] = value
    return clean or None


def _normal_username(username: str) -> str:
    return username.strip().lower()


class Database:
    """Engine, sessions and every query of the gateway."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
        if sqlite:
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # Worker threads share the engine; a writer waits up to 30 s for another one.
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.url = url
        self.engine: Engine = create_engine(url, **kwargs)
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._read_sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        self._write_sessions = sessionmaker(self._write_engine, future=True, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write transaction that commits on success and rolls back on error.

        On SQLite it starts with ``BEGIN IMMEDIATE`` (see :func:`_sqlite_begin`).
        """
        with self._write_sessions.begin() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read-only transaction (a plain deferred ``BEGIN`` on SQLite)."""
        with self._read_sessions.begin() as session:
            yield session

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self._write_engine.begin() as connection:
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

    def channel_conversation(
        self, channel: str, external_id: str, language: str | None = None
    ) -> tuple[ConversationRecord, bool]:
        """The conversation of a channel address (a Telegram chat), created on first contact.

        Returns it and whether it was created. The unique index on (channel, external_id)
        settles a race between two first messages: the loser reads the winner's row.
        """
        query = select(Conversation).where(
            Conversation.channel == channel, Conversation.external_id == external_id
        )
        with self._read() as session:
            row = session.execute(query).scalar_one_or_none()
            if row is not None:
                return _conversation_record(row), False
        try:
            with self.session() as session:
                row = Conversation(
                    id=uuid.uuid4().hex,
                    channel=channel,
                    external_id=external_id,
                    state=ConversationState.BOT.value,
                    language=language,
                )
                session.add(row)
                session.flush()
                return _conversation_record(row), True
        except IntegrityError:
            with self._read() as session:
                return _conversation_record(session.execute(query).scalar_one()), False

    def get_conversation(self, conversation_id: str) -> ConversationRecord:
        """The conversation with this id, or raise :class:`ConversationNotFound`."""
        with self._read() as session:
            row = session.get(Conversation, conversation_id)
            if row is None:
                raise ConversationNotFound(conversation_id)
            return _conversation_record(row)

    def token_matches(self, conversation_id: str, token: str) -> bool:
        """Whether ``token`` is the bearer token of this web conversation."""
        with self._read() as session:
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
            row = _lock_conversation(session, conversation_id)
            new_state = transition(ConversationState(row.state), event_)
            row.state = new_state.value
            return new_state

    # Messages ----------------------------------------------------------------------

    def store_inbound(
        self,
        conversation_id: str,
        text_: str,
        pressed_payload: str | None = None,
        *,
        media: Mapping[str, Any] | None = None,
        attachment: bool = False,
    ) -> int:
        """Store a tenant message before anything else happens to it; returns its id.

        ``media`` describes a non-text message (``{"kind": "photo", "file_id": ...}``);
        with ``attachment`` it is also offered to the caseworker as a file to open.
        """
        payload: dict[str, Any] = {}
        if pressed_payload:
            payload["pressed"] = pressed_payload
        if media is not None:
            payload["attachment" if attachment else "media"] = dict(media)
        with self.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            row = Message(
                conversation_id=conversation_id,
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

    def count_messages(self, conversation_id: str, direction: str) -> int:
        """How many messages of a direction (``in``/``out``) a conversation has."""
        with self._read() as session:
            return int(
                session.execute(
                    select(func.count(Message.id)).where(
                        Message.conversation_id == conversation_id, Message.direction == direction
                    )
                ).scalar_one()
            )

    def mark_inbound(self, message_id: int, status: str) -> None:
        """Record what became of an inbound message (handled, failed, queued)."""
        with self.session() as session:
            session.execute(update(Message).where(Message.id == message_id).values(status=status))

    def store_outbound(self, conversation_id: str, replies: Sequence[Outbound]) -> list[int]:
        """Record replies sent to the tenant; returns their ids."""
        ids: list[int] = []
        with self.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
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
                _queue_for_push(session, conversation, row)
                ids.append(int(row.id))
        return ids

    def store_caseworker_message(self, conversation_id: str, caseworker_id: int, text_: str) -> int:
        """Record a caseworker's message to the tenant; returns its id.

        Only the caseworker who holds the conversation's open case may write
        (:class:`CaseConflict` otherwise), checked under the conversation's lock.
        """
        if not text_.strip():
            raise ValueError("a caseworker message needs text")
        with self.session() as session:
            conversation = _lock_conversation(session, conversation_id)
            held = _open_case(session, conversation_id)
            if held is None or held.status != "caseworker" or held.claimed_by != caseworker_id:
                raise CaseConflict("Only the caseworker who holds the case can reply.")
            row = Message(
                conversation_id=conversation_id,
                direction="out",
                author="caseworker",
                text=text_,
                payload=None,
                status="sent",
                caseworker_id=caseworker_id,
            )
            session.add(row)
            session.flush()
            _queue_for_push(session, conversation, row)
            return int(row.id)

    def get_message(self, message_id: int) -> MessageRecord | None:
        """One stored message, or None."""
        with self._read() as session:
            found = session.execute(
                select(Message, Caseworker.display_name)
                .outerjoin(Caseworker, Message.caseworker_id == Caseworker.id)
                .where(Message.id == message_id)
            ).one_or_none()
            return None if found is None else _message_record(*found)

    # Outbox ------------------------------------------------------------------------

    def outbox_pending_chats(self, channel: str) -> list[str]:
        """Chats of a channel with messages waiting to be delivered."""
        with self._read() as session:
            rows = session.execute(
                select(OutboxItem.chat_id)
                .where(OutboxItem.channel == channel, OutboxItem.status == "pending")
                .group_by(OutboxItem.chat_id)
                .order_by(func.min(OutboxItem.id))
            )
            return [str(chat_id) for chat_id in rows.scalars()]

    def next_outbox_item(self, channel: str, chat_id: str) -> OutboxRecord | None:
        """The oldest pending item of a chat (messages go out in the order they were stored)."""
        with self._read() as session:
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
            return None if found is None else _outbox_record(*found)

    def outbox_sent(self, outbox_id: int, external_message_id: str | None) -> None:
        """The channel accepted the message."""
        now = utcnow()
        with self.session() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None:
                return
            item.status, item.sent_at, item.external_message_id = "sent", now, external_message_id
            item.attempts = (item.attempts or 0) + 1
            session.execute(update(Message).where(Message.id == item.message_id).values(status="sent"))

    def outbox_retry(self, outbox_id: int, next_attempt_at: dt.datetime, error: str) -> int:
        """Delivery failed for now: try again at ``next_attempt_at``. Returns the attempts so far."""
        with self.session() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None:
                return 0
            item.attempts = (item.attempts or 0) + 1
            item.next_attempt_at, item.last_error = next_attempt_at, error[:64]
            return int(item.attempts)

    def outbox_failed(self, outbox_id: int, error: str) -> None:
        """Delivery failed for good (the chat blocked the bot, or gave up after a long outage)."""
        with self.session() as session:
            item = session.get(OutboxItem, outbox_id)
            if item is None:
                return
            item.status, item.last_error = "failed", error[:64]
            item.attempts = (item.attempts or 0) + 1
            session.execute(update(Message).where(Message.id == item.message_id).values(status="failed"))

    def list_outbox(self, conversation_id: str) -> list[OutboxRecord]:
        """A conversation's outbox items, oldest first."""
        with self._read() as session:
            rows = session.execute(
                _outbox_query().where(OutboxItem.conversation_id == conversation_id).order_by(OutboxItem.id)
            ).all()
            return [_outbox_record(*row) for row in rows]

    def last_offered_buttons(self, conversation_id: str) -> list[Button]:
        """Buttons of the most recent outbound message, if it had any."""
        with self._read() as session:
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
        with self._read() as session:
            rows = session.execute(
                select(Message, Caseworker.display_name)
                .outerjoin(Caseworker, Message.caseworker_id == Caseworker.id)
                .where(Message.conversation_id == conversation_id, Message.id > after_id)
                .order_by(Message.id)
                .limit(limit)
            ).all()
            return [_message_record(row, name) for row, name in rows]

    # Cases -------------------------------------------------------------------------

    def open_case(self, conversation_id: str, signal: Mapping[str, Any]) -> CaseRecord:
        """Queue the conversation for a caseworker, or escalate its open case. One transaction.

        From ``bot`` (or ``closed``, via ``tenant_returned``) the conversation moves to
        ``waiting`` (``bot_unavailable`` when that is the signal's reason) and a waiting case
        is created. If it is already ``waiting`` or with a caseworker, the open case is
        updated instead: priority and stage only ever become more urgent, the summary takes
        the new non-null answers, flags and reasons are unioned. Never a second open case
        (the database refuses one as well).
        """
        priority = _vocabulary(signal.get("priority"), PRIORITIES, "priority")
        stage = _vocabulary(signal.get("stage"), STAGES, "stage")
        reason = str(signal.get("reason") or "requested")
        intake = signal.get("intake")
        answers = {k: v for k, v in intake.items() if v is not None} if isinstance(intake, Mapping) else {}
        flags = [str(f) for f in signal.get("flags") or ()]
        reasons = list(signal.get("reasons") or ())
        language = signal.get("language") if isinstance(signal.get("language"), str) else None

        with self.session() as session:
            conversation = _lock_conversation(session, conversation_id)
            state = ConversationState(conversation.state)
            existing = _open_case(session, conversation_id)
            if state is ConversationState.CLOSED:
                state = transition(state, Event.TENANT_RETURNED)
            if state is ConversationState.BOT:
                if existing is not None:
                    # Only possible if a raw apply_event bypassed the case methods. A handoff
                    # (possibly a crisis) must still reach a person, so the stale case is closed.
                    existing.status, existing.outcome = "closed", RETURNED_TO_BOT
                    existing.closed_at = utcnow()
                    session.flush()
                    existing = None
                event_ = Event.BOT_UNAVAILABLE if reason == "bot_unavailable" else Event.HANDOFF_REQUESTED
                state = transition(state, event_)
            if existing is None:
                if state is not ConversationState.WAITING:
                    raise CaseConflict(f"conversation {conversation_id} is {state.value} without a case")
                now = utcnow()
                existing = Case(
                    conversation_id=conversation_id,
                    status="waiting",
                    priority=priority,
                    stage=stage,
                    language=language or conversation.language,
                    channel=conversation.channel,
                    reason=reason,
                    summary=answers,
                    flags=_union([], flags),
                    reasons=_union([], reasons),
                    created_at=now,
                    waiting_since=now,
                )
                session.add(existing)
            else:
                if _rank(priority, PRIORITIES) < _rank(existing.priority, PRIORITIES):
                    existing.priority = priority
                    existing.reason = reason  # why it became more urgent
                if _rank(stage, STAGES) < _rank(existing.stage, STAGES):
                    existing.stage = stage
                existing.summary = {**(existing.summary or {}), **answers}
                existing.flags = _union(existing.flags or [], flags)
                existing.reasons = _union(existing.reasons or [], reasons)
                if language:
                    existing.language = language
            conversation.state = state.value
            session.flush()
            return _load_case(session, existing.id)

    def get_case(self, case_id: int) -> CaseRecord:
        """The case with this id, or raise :class:`CaseNotFound`."""
        with self._read() as session:
            return _load_case(session, case_id)

    def open_case_for_conversation(self, conversation_id: str) -> CaseRecord | None:
        """The conversation's open (waiting or claimed) case, if any."""
        with self._read() as session:
            found = session.execute(
                _case_query().where(Case.conversation_id == conversation_id, Case.status != "closed")
            ).one_or_none()
            return None if found is None else _case_record(*found)

    def list_cases(self, status: str | None = None) -> list[CaseRecord]:
        """Cases with this status, or all open ones (waiting and claimed) when ``status`` is None.

        Ordered like the queue: priority (S first, 'none' last), then longest waiting.
        """
        if status is not None and status not in CASE_STATUSES:
            raise ValueError(f"unknown case status {status!r}")
        condition = Case.status != "closed" if status is None else Case.status == status
        with self._read() as session:
            rows = session.execute(_case_query().where(condition).order_by(*_queue_order())).all()
            return [_case_record(*row) for row in rows]

    def queue_position(self, case_id: int) -> int | None:
        """1-based place of a waiting case in the queue; None if it is not waiting."""
        with self._read() as session:
            ids = list(
                session.execute(select(Case.id).where(Case.status == "waiting").order_by(*_queue_order()))
                .scalars()
                .all()
            )
        return ids.index(case_id) + 1 if case_id in ids else None

    def waiting_count(self) -> int:
        """How many cases wait for a caseworker."""
        with self._read() as session:
            return int(session.execute(select(func.count()).where(Case.status == "waiting")).scalar_one())

    def claim_case(self, case_id: int, caseworker_id: int) -> CaseRecord:
        """Take a waiting case. Exactly one of any number of simultaneous claims succeeds.

        Exclusivity is the database's: one conditional ``UPDATE ... WHERE status = 'waiting'``
        whose row count says whether this claim won; the conversation moves to
        ``caseworker`` in the same transaction. Claiming a case one already holds returns it;
        anything else raises :class:`CaseConflict` (:class:`CaseNotFound` if there is no case).
        """
        with self.session() as session:
            conversation = _lock_case_conversation(session, case_id)
            _active_caseworker(session, caseworker_id)
            won = _update_case(
                session,
                case_id,
                (Case.status == "waiting",),
                status="caseworker",
                claimed_by=caseworker_id,
                claimed_at=utcnow(),
            )
            if not won:
                current = _load_case(session, case_id)
                if current.status == "caseworker" and current.claimed_by == caseworker_id:
                    return current
                if current.status == "closed":
                    raise CaseConflict("This case is already closed.")
                holder = current.claimed_by_name or "Another caseworker"
                raise CaseConflict(f"{holder} already took this case.")
            conversation.state = transition(ConversationState(conversation.state), Event.CLAIMED).value
            return _load_case(session, case_id)

    def transfer_case(self, case_id: int, from_caseworker_id: int, to_caseworker_id: int) -> CaseRecord:
        """Hand a claimed case to an active colleague (holder only)."""
        with self.session() as session:
            conversation = _lock_case_conversation(session, case_id)
            _require_holder(_load_case(session, case_id), from_caseworker_id)
            target = _active_caseworker(session, to_caseworker_id)
            new_state = transition(ConversationState(conversation.state), Event.TRANSFERRED)
            if to_caseworker_id != from_caseworker_id:
                moved = _update_case(
                    session,
                    case_id,
                    (Case.status == "caseworker", Case.claimed_by == from_caseworker_id),
                    claimed_by=target.id,
                    claimed_at=utcnow(),
                )
                if not moved:  # pragma: no cover - the conversation lock makes this unreachable
                    raise CaseConflict("The case changed hands meanwhile.")
            conversation.state = new_state.value
            return _load_case(session, case_id)

    def release_case(self, case_id: int, caseworker_id: int) -> CaseRecord:
        """Hand the conversation back to the bot (holder only); the case closes as returned_to_bot."""
        with self.session() as session:
            conversation = _lock_case_conversation(session, case_id)
            _require_holder(_load_case(session, case_id), caseworker_id)
            new_state = transition(ConversationState(conversation.state), Event.RELEASED)
            _close(session, case_id, (Case.claimed_by == caseworker_id,), RETURNED_TO_BOT, None)
            conversation.state = new_state.value
            return _load_case(session, case_id)

    def close_case(
        self, case_id: int, caseworker_id: int, outcome: str, note: str | None = None
    ) -> CaseRecord:
        """Close a case with an outcome from :data:`CASE_OUTCOMES`.

        A claimed case only by its holder; a waiting case (e.g. ``no_response``) by any
        active caseworker. The conversation becomes ``closed``.
        """
        if outcome not in CASE_OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {', '.join(CASE_OUTCOMES)}")
        note = note.strip() if note and note.strip() else None
        with self.session() as session:
            conversation = _lock_case_conversation(session, case_id)
            _active_caseworker(session, caseworker_id)
            current = _load_case(session, case_id)
            _require_holder(current, caseworker_id)
            new_state = transition(ConversationState(conversation.state), Event.CLOSED)
            guard = (Case.claimed_by == caseworker_id,) if current.status == "caseworker" else ()
            _close(session, case_id, (Case.status == current.status, *guard), outcome, note)
            conversation.state = new_state.value
            return _load_case(session, case_id)

    def cancel_waiting(self, conversation_id: str) -> CaseRecord | None:
        """The tenant stops waiting: back to the bot; the case closes as cancelled_by_tenant."""
        with self.session() as session:
            conversation = _lock_conversation(session, conversation_id)
            new_state = transition(ConversationState(conversation.state), Event.TENANT_CANCELLED)
            open_row = _open_case(session, conversation_id)
            conversation.state = new_state.value
            if open_row is None:
                return None
            _close(session, open_row.id, (), CANCELLED_BY_TENANT, None)
            return _load_case(session, open_row.id)

    # Notes and audit ---------------------------------------------------------------

    def add_note(self, case_id: int, caseworker_id: int, text_: str) -> NoteRecord:
        """An internal note on a case (never shown to the tenant)."""
        if not text_.strip():
            raise ValueError("a note needs text")
        with self.session() as session:
            if session.get(Case, case_id) is None:
                raise CaseNotFound(case_id)
            author = _active_caseworker(session, caseworker_id)
            row = CaseNote(case_id=case_id, caseworker_id=caseworker_id, text=text_)
            session.add(row)
            session.flush()
            return NoteRecord(
                id=row.id,
                case_id=case_id,
                caseworker_id=caseworker_id,
                author_name=author.display_name,
                text=row.text,
                created_at=_aware(row.created_at),
            )

    def list_notes(self, case_id: int) -> list[NoteRecord]:
        """A case's notes, oldest first."""
        with self._read() as session:
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
                    created_at=_aware(row.created_at),
                )
                for row, name in rows
            ]

    def audit(
        self,
        caseworker_id: int | None,
        action: str,
        case_id: int | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditRecord:
        """Record who did what. ``detail`` takes only ids, outcomes and names, never text
        (keys from :data:`AUDIT_DETAIL_KEYS`, short scalar values); anything else is refused."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        clean = _audit_detail(detail)
        with self.session() as session:
            row = AuditEvent(caseworker_id=caseworker_id, action=action, case_id=case_id, detail=clean)
            session.add(row)
            session.flush()
            name = None
            if caseworker_id is not None:
                name = session.execute(
                    select(Caseworker.display_name).where(Caseworker.id == caseworker_id)
                ).scalar_one_or_none()
            return _audit_record(row, name)

    def list_audit(self, case_id: int | None = None, limit: int = 200) -> list[AuditRecord]:
        """The newest audit events (of one case, if given), newest first."""
        query = select(AuditEvent, Caseworker.display_name).outerjoin(
            Caseworker, AuditEvent.caseworker_id == Caseworker.id
        )
        if case_id is not None:
            query = query.where(AuditEvent.case_id == case_id)
        with self._read() as session:
            rows = session.execute(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
            return [_audit_record(row, name) for row, name in rows]

    # Caseworkers -------------------------------------------------------------------

    def add_caseworker(self, username: str, display_name: str, password_hash: str) -> CaseworkerRecord:
        """Create a caseworker (usernames are case-insensitive and stored lower-case).

        Raises :class:`CaseworkerExists` if the username is taken, ValueError if a field is empty.
        """
        username = _normal_username(username)
        display_name = display_name.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise ValueError("a username has 1 to 64 characters and no spaces")
        if not display_name or len(display_name) > 128:
            raise ValueError("a display name has 1 to 128 characters")
        if not password_hash:
            raise ValueError("a caseworker needs a password hash")
        try:
            with self.session() as session:
                taken = session.execute(
                    select(Caseworker.id).where(Caseworker.username == username)
                ).scalar_one_or_none()
                if taken is not None:
                    raise CaseworkerExists(f"a caseworker with username {username!r} already exists")
                row = Caseworker(username=username, display_name=display_name, password_hash=password_hash)
                session.add(row)
                session.flush()
                return _caseworker_record(row)
        except IntegrityError:  # a concurrent insert of the same username
            raise CaseworkerExists(f"a caseworker with username {username!r} already exists") from None

    def get_caseworker(self, caseworker_id: int) -> CaseworkerRecord:
        """The caseworker with this id (active or not), or raise :class:`CaseworkerNotFound`."""
        with self._read() as session:
            row = session.get(Caseworker, caseworker_id)
            if row is None:
                raise CaseworkerNotFound(caseworker_id)
            return _caseworker_record(row)

    def caseworker_by_username(self, username: str) -> CaseworkerRecord | None:
        """The caseworker with this username (any case), active or not; None if unknown."""
        with self._read() as session:
            row = session.execute(
                select(Caseworker).where(Caseworker.username == _normal_username(username))
            ).scalar_one_or_none()
            return None if row is None else _caseworker_record(row)

    def list_caseworkers(self) -> list[CaseworkerRecord]:
        """Every caseworker, active or not, by display name."""
        with self._read() as session:
            rows = session.execute(select(Caseworker).order_by(Caseworker.display_name, Caseworker.id))
            return [_caseworker_record(row) for row in rows.scalars()]

    def set_caseworker_active(self, username: str, active: bool) -> CaseworkerRecord | None:
        """(De)activate a caseworker (None if unknown); deactivation also ends their sessions."""
        with self.session() as session:
            row = session.execute(
                select(Caseworker).where(Caseworker.username == _normal_username(username))
            ).scalar_one_or_none()
            if row is None:
                return None
            row.active = active
            if not active:
                session.execute(delete(ConsoleSession).where(ConsoleSession.caseworker_id == row.id))
            session.flush()
            return _caseworker_record(row)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Store a new password hash (a password change or an argon2 rehash)."""
        with self.session() as session:
            result = session.execute(
                update(Caseworker)
                .where(Caseworker.username == _normal_username(username))
                .values(password_hash=password_hash)
            )
            if result.rowcount != 1:
                raise CaseworkerNotFound(username)

    # Console sessions --------------------------------------------------------------

    def create_session(self, caseworker_id: int, ttl_seconds: int) -> tuple[str, str]:
        """Start a console session; returns (token for the cookie, CSRF token).

        Only the token's sha256 is stored, so a leaked database holds no live sessions.
        """
        if ttl_seconds <= 0:
            raise ValueError("a session needs a positive lifetime")
        token = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = utcnow()
        with self.session() as session:
            _active_caseworker(session, caseworker_id)
            session.add(
                ConsoleSession(
                    id=hash_token(token),
                    caseworker_id=caseworker_id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=now + dt.timedelta(seconds=ttl_seconds),
                )
            )
        return token, csrf_token

    def session_caseworker(
        self, token: str | None, *, now: dt.datetime | None = None
    ) -> tuple[CaseworkerRecord, str] | None:
        """The caseworker and CSRF token of a live session; None if no token, or the session
        is unknown or expired, or the caseworker was deactivated."""
        if not token:
            return None
        now = now or utcnow()
        with self._read() as session:
            found = session.execute(
                select(ConsoleSession, Caseworker)
                .join(Caseworker, ConsoleSession.caseworker_id == Caseworker.id)
                .where(ConsoleSession.id == hash_token(token))
            ).one_or_none()
            if found is None:
                return None
            console_session, caseworker = found
            if _aware(console_session.expires_at) <= now or not caseworker.active:
                return None
            return _caseworker_record(caseworker), str(console_session.csrf_token)

    def delete_session(self, token: str) -> None:
        """End a console session (logout)."""
        with self.session() as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.id == hash_token(token)))

    def purge_expired_sessions(self, *, now: dt.datetime | None = None) -> int:
        """Delete expired console sessions; returns how many."""
        expired = ConsoleSession.expires_at <= (now or utcnow())
        with self.session() as session:
            return int(session.execute(delete(ConsoleSession).where(expired)).rowcount)


# Helpers used inside one transaction ----------------------------------------------------


def _lock_conversation(session: Session, conversation_id: str) -> Conversation:
    row = session.execute(
        select(Conversation).where(Conversation.id == conversation_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise ConversationNotFound(conversation_id)
    return row


def _lock_case_conversation(session: Session, case_id: int) -> Conversation:
    """Lock the conversation of a case (always before the case: one lock order everywhere)."""
    conversation_id = session.execute(
        select(Case.conversation_id).where(Case.id == case_id)
    ).scalar_one_or_none()
    if conversation_id is None:
        raise CaseNotFound(case_id)
    return _lock_conversation(session, conversation_id)


def _open_case(session: Session, conversation_id: str) -> Case | None:
    return session.execute(
        select(Case).where(Case.conversation_id == conversation_id, Case.status != "closed")
    ).scalar_one_or_none()


def _load_case(session: Session, case_id: int) -> CaseRecord:
    found = session.execute(
        _case_query().where(Case.id == case_id).execution_options(populate_existing=True)
    ).one_or_none()
    if found is None:
        raise CaseNotFound(case_id)
    return _case_record(*found)


def _update_case(session: Session, case_id: int, conditions: tuple[Any, ...], **values: Any) -> bool:
    """One conditional UPDATE of a case; True if it matched (the row count is the verdict)."""
    result = session.execute(
        update(Case)
        .where(Case.id == case_id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1


def _close(
    session: Session, case_id: int, conditions: tuple[Any, ...], outcome: str, note: str | None
) -> None:
    closed = _update_case(
        session,
        case_id,
        (Case.status != "closed", *conditions),
        status="closed",
        closed_at=utcnow(),
        outcome=outcome,
        outcome_note=note,
    )
    if not closed:  # pragma: no cover - the conversation lock makes this unreachable
        raise CaseConflict("The case changed meanwhile.")


def _require_holder(case: CaseRecord, caseworker_id: int) -> None:
    """A closed case, or one a colleague holds, is not this caseworker's to act on."""
    if case.status == "closed":
        raise CaseConflict("This case is already closed.")
    if case.status == "caseworker" and case.claimed_by != caseworker_id:
        raise CaseConflict(f"{case.claimed_by_name or 'Another caseworker'} holds this case.")


def _active_caseworker(session: Session, caseworker_id: int) -> Caseworker:
    row = session.get(Caseworker, caseworker_id)
    if row is None or not row.active:
        raise CaseworkerNotFound(caseworker_id)
    return row


def _audit_record(row: AuditEvent, caseworker_name: str | None) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=_aware(row.at),
        caseworker_id=row.caseworker_id,
        caseworker_name=caseworker_name,
        action=row.action,
        case_id=row.case_id,
        detail=row.detail,
    )


# SQLite transactions -------------------------------------------------------------------
#
# Why BEGIN IMMEDIATE: in WAL mode a transaction that starts by reading (a plain, deferred
# BEGIN) and writes later cannot wait for the write lock once another connection has
# committed since its read; SQLite then fails at once with SQLITE_BUSY ("database is
# locked"), and the busy timeout does not help. Every write path here reads first (it locks
# the conversation row, which FOR UPDATE cannot do on SQLite), so write transactions must take
# the write lock when they begin: concurrent writers then queue on the 30 s busy timeout and
# run one after the other. Read-only transactions keep a deferred BEGIN so readers never
# wait for writers.
#
# pysqlite (Python < 3.12) issues its own deferred BEGIN before the first INSERT/UPDATE and
# cannot be told to use IMMEDIATE per transaction. SQLAlchemy's documented recipe ("Serializable
# isolation / Savepoints / Transactional DDL" in its SQLite dialect docs) switches that off
# (isolation_level = None) and emits BEGIN from the engine's "begin" event instead; the write
# sessions' engine carries an execution option that selects IMMEDIATE.


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Stop pysqlite from emitting BEGIN itself; _sqlite_begin does it.
    dbapi_connection.isolation_level = None
    # WAL lets readers work while one writer writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

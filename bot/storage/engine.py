"""Engine, transactions and migrations: the one place that opens database sessions.

Every area of the storage package (conversations, cases, caseworkers, outbox, audit)
takes a :class:`TransactionSource`. :class:`EngineTransactions` opens a new transaction
for every ``write()``/``read()``; :class:`OneTransaction` hands out one already open
session, so several areas can work inside a single transaction (one tenant turn, one
caseworker reply).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Execution option that marks a write transaction (BEGIN IMMEDIATE on SQLite).
_WRITE_OPTION = "huurhulp_write"


class TransactionSource(Protocol):
    """Where an area gets its session from."""

    def write(self) -> AbstractContextManager[Session]:
        """A transaction that may write; commits on success, rolls back on error."""

    def read(self) -> AbstractContextManager[Session]:
        """A transaction that only reads."""


class EngineTransactions:
    """The engine and its session factories; every ``write()``/``read()`` is a new transaction."""

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
    def write(self) -> Iterator[Session]:
        """A write transaction that commits on success and rolls back on error.

        On SQLite it starts with ``BEGIN IMMEDIATE`` (see :func:`_sqlite_begin`).
        """
        with self._write_sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
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


def in_batches(ids: Iterable[str], size: int) -> Iterator[list[str]]:
    """``ids`` in lists of at most ``size``, for ``IN (...)`` lists that stay small."""
    batch: list[str] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class OneTransaction:
    """An open session shared by every area: nested ``write()``/``read()`` join it.

    The caller that opened the session commits or rolls it back; an error raised inside
    any area rolls back the whole unit.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """The shared session (no new transaction)."""
        yield self.session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """The shared session (no new transaction)."""
        yield self.session


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

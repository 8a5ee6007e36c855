"""The storage interface: one :class:`Database` with an object per area.

``db.conversations``, ``db.cases``, ``db.caseworkers``, ``db.outbox``, ``db.audit`` and
``db.privacy`` (erasure, retention, consents) each open their own transaction per call.
``with db.transaction() as store:`` gives the same six areas inside one transaction, for
work that must be atomic (a tenant turn's answer, a caseworker's action with its message to
the tenant).

Everything here is synchronous (SQLAlchemy 1.4 in 2.0 style); async callers run it in a
worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.engine import Engine

from bot.storage.audit import Audit
from bot.storage.cases import Cases
from bot.storage.caseworkers import Caseworkers
from bot.storage.conversations import Conversations
from bot.storage.engine import EngineTransactions, OneTransaction, TransactionSource
from bot.storage.outbox import Outbox
from bot.storage.privacy import Privacy

T = TypeVar("T")


class Store:
    """The six areas over one source of transactions."""

    def __init__(self, transactions: TransactionSource) -> None:
        self.conversations = Conversations(transactions)
        self.cases = Cases(transactions)
        self.caseworkers = Caseworkers(transactions)
        self.outbox = Outbox(transactions)
        self.audit = Audit(transactions)
        self.privacy = Privacy(transactions)


class Database(Store):
    """The gateway's database: engine, migrations and the six areas.

    Building one creates an engine but opens no connection; nothing is built at import time.
    """

    def __init__(self, url: str) -> None:
        self._engine = EngineTransactions(url)
        self.url = url
        super().__init__(self._engine)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and event listeners)."""
        return self._engine.engine

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """The six areas inside one write transaction: commits on success, rolls back on error."""
        with self._engine.write() as session:
            yield Store(OneTransaction(session))

    def in_transaction(self, work: Callable[[Store], T]) -> T:
        """Run ``work`` inside one write transaction (for ``to_thread.run_sync``)."""
        with self.transaction() as store:
            return work(store)

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        self._engine.migrate()

    def ping(self) -> None:
        """Raise if the database does not answer."""
        self._engine.ping()

    def dispose(self) -> None:
        """Close all pooled connections."""
        self._engine.dispose()

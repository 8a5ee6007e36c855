"""Rasa's copy of a conversation: the events in its SQL tracker store.

Rasa's ``SQLTrackerStore`` keeps every event of a conversation (each tenant message with
its text, each bot utterance, every slot value) as a row of one table, ``events``, keyed by
``sender_id``. The gateway sends the conversation id as the sender (``bot/rasa_client.py``,
``bot/router.py``), so Rasa's copy of a conversation is
``DELETE FROM events WHERE sender_id = <conversation id>``.

By default the tracker store lives in the gateway's database (the ``events`` table in the
SQLite file, schema ``rasa`` on PostgreSQL; ``Settings.effective_tracker_store_url``), but
it may be a database of its own: everything here takes its SQLAlchemy URL
(``HUURHULP_TRACKER_STORE_URL``). A
missing SQLite file or table means nothing to delete; nothing here ever creates one.

Rasa appends a turn's events after the turn by counting the rows it already has; a turn
still under way while its rows are deleted writes the whole tracker back. Erasure therefore
deletes once more a little later, and every purge sweeps the events of erased conversations.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import column, create_engine, delete, func, inspect, select, table
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url

from bot.storage.engine import in_batches

log = logging.getLogger(__name__)

#: Rasa's table name (``SQLTrackerStore.SQLEvent.__tablename__``).
EVENTS_TABLE = "events"
#: Sender ids per IN (...) list.
CHUNK = 500


class TrackerStore:
    """Rasa's SQL tracker store at ``url`` (table ``events``, optionally in ``schema``).

    Opens its engine on first use; :meth:`close` disposes of it. Safe to use while Rasa runs
    (SQLite writers wait up to 30 s for each other).
    """

    def __init__(self, url: str, table_name: str = EVENTS_TABLE, schema: str | None = None) -> None:
        self.url = url
        self._parsed = make_url(url)
        self._events = table(table_name, column("sender_id"), column("timestamp"), schema=schema)
        self._schema = schema
        self._engine: Engine | None = None

    @property
    def _sqlite_file(self) -> Path | None:
        if self._parsed.get_backend_name() != "sqlite":
            return None
        database = self._parsed.database or ""
        return Path(database) if database and database != ":memory:" else None

    def _connect(self) -> Engine | None:
        """The engine, or None when the store does not exist (no file, no table)."""
        sqlite_file = self._sqlite_file
        if sqlite_file is not None and not sqlite_file.exists():
            return None
        if self._engine is None:
            kwargs: dict[str, Any] = {"future": True}
            if self._parsed.get_backend_name() == "sqlite":
                kwargs["connect_args"] = {"timeout": 30}
            self._engine = create_engine(self.url, **kwargs)
        if not inspect(self._engine).has_table(self._events.name, schema=self._schema):
            return None
        return self._engine

    def close(self) -> None:
        """Dispose of the engine (a later call opens a new one)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def erase(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of these senders; returns how many rows went."""
        engine = self._connect()
        if engine is None:
            return 0
        deleted = 0
        for batch in in_batches(sender_ids, CHUNK):
            with engine.begin() as connection:
                result = connection.execute(delete(self._events).where(self._events.c.sender_id.in_(batch)))
                deleted += int(result.rowcount or 0)
        return deleted

    def count(self, sender_ids: Iterable[str]) -> int:
        """How many events these senders have."""
        engine = self._connect()
        if engine is None:
            return 0
        total = 0
        with engine.connect() as connection:
            for batch in in_batches(sender_ids, CHUNK):
                total += int(
                    connection.execute(
                        select(func.count())
                        .select_from(self._events)
                        .where(self._events.c.sender_id.in_(batch))
                    ).scalar_one()
                )
        return total

    def senders(self) -> dict[str, float | None]:
        """Every sender in the store and the time of its newest event (Unix seconds)."""
        engine = self._connect()
        if engine is None:
            return {}
        with engine.connect() as connection:
            rows = connection.execute(
                select(self._events.c.sender_id, func.max(self._events.c.timestamp)).group_by(
                    self._events.c.sender_id
                )
            ).all()
        return {str(sender): (float(newest) if newest is not None else None) for sender, newest in rows}


def erase_tracker(url: str, sender_ids: Iterable[str]) -> int:
    """Delete these senders' events from the tracker store at ``url``; how many rows went."""
    store = TrackerStore(url)
    try:
        return store.erase(sender_ids)
    finally:
        store.close()

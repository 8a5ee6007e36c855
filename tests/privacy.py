"""Helpers of the erasure and retention tests: Rasa's real tracker store, and a marker search.

``write_rasa_conversation`` saves a conversation through Rasa's own ``SQLTrackerStore`` (the
class the Rasa server uses), so the rows are exactly what Rasa writes, on SQLite or
PostgreSQL, without starting a server. ``tables_containing`` reads every row of every table
of a database and says where a marker string still is.
"""

from __future__ import annotations

import asyncio
import uuid
import warnings
from typing import Any

from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine.url import make_url


def marker() -> str:
    """A string no conversation contains by chance."""
    return f"MARKER-{uuid.uuid4().hex}"


def rasa_tracker_store(url: str) -> Any:
    """Rasa's SQLTrackerStore on ``url`` (it creates its ``events`` table)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.core.tracker_store import SQLTrackerStore

        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            return SQLTrackerStore(dialect="sqlite", db=parsed.database)
        return SQLTrackerStore(
            dialect=parsed.get_backend_name(),
            host=parsed.host,
            port=parsed.port,
            db=parsed.database,
            username=parsed.username,
            password=parsed.password,
        )


def write_rasa_conversation(url: str, sender_id: str, text: str, timestamp: float | None = None) -> None:
    """A short conversation as Rasa stores it: the tenant's text, the bot's echo, a slot."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
        from rasa.shared.core.trackers import DialogueStateTracker

        stamp: dict[str, Any] = {"timestamp": timestamp} if timestamp is not None else {}
        events = [
            ActionExecuted("action_session_start", **stamp),
            SessionStarted(**stamp),
            ActionExecuted("action_listen", **stamp),
            UserUttered(text, **stamp),
            BotUttered(f"you wrote: {text}", **stamp),
            SlotSet("municipality", text, **stamp),
        ]
        store = rasa_tracker_store(url)
        try:
            asyncio.run(store.save(DialogueStateTracker.from_events(sender_id, events)))
        finally:
            store.engine.dispose()


def tables_containing(url: str, needle: str) -> dict[str, int]:
    """Table name -> how many of its rows hold ``needle`` anywhere (every column, as text)."""
    engine = create_engine(url, future=True)
    found: dict[str, int] = {}
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                hits = sum(1 for row in connection.execute(select(table)) if needle in repr(tuple(row)))
                if hits:
                    found[table.name] = hits
    finally:
        engine.dispose()
    return found


def rasa_tracker_urls(stack: Any) -> set[str]:
    """Where the stack's Rasa server keeps its tracker store: where the gateway's settings say
    it is (erasure and the purge look there), and, for SQLite, the file the endpoints file
    ``huurhulp run`` wrote tells Rasa to use (where Rasa really writes; for PostgreSQL that
    endpoint is derived from the same settings URL, its schema and password travel apart)."""
    import yaml

    urls = {stack.settings.effective_tracker_store_url}
    config = yaml.safe_load(stack.stack.endpoints_file.read_text(encoding="utf-8")) or {}
    store = config.get("tracker_store") or {}
    if str(store.get("type", "")).lower() == "sql" and store.get("dialect", "sqlite") == "sqlite":
        urls.add(f"sqlite:///{store['db']}")
    return urls

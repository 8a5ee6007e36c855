"""Rasa's copy of a conversation: events written by Rasa's own SQLTrackerStore, then erased.

On SQLite (today's separate tracker file) and on PostgreSQL, in a database of its own and
inside the gateway's database (where the tracker store is meant to move, issue 13 item 2).
"""

from __future__ import annotations

import time
from pathlib import Path

from bot.storage.database import Database
from bot.storage.tracker import TrackerStore, erase_tracker
from tests.privacy import marker, tables_containing, write_rasa_conversation


def test_erasing_a_sender_removes_its_events_and_nothing_else(database_url: str) -> None:
    secret, kept = marker(), marker()
    write_rasa_conversation(database_url, "a" * 32, f"ik woon in {secret}")
    write_rasa_conversation(database_url, "b" * 32, f"ik woon in {kept}")
    assert tables_containing(database_url, secret) == {"events": 3}  # the tenant, the bot, a slot

    assert erase_tracker(database_url, ["a" * 32]) == 6

    assert tables_containing(database_url, secret) == {}
    assert tables_containing(database_url, kept) == {"events": 3}
    assert erase_tracker(database_url, ["a" * 32]) == 0


def test_the_tracker_may_share_the_gateways_database(database_url: str) -> None:
    db = Database(database_url)
    db.migrate()
    try:
        conversation, _ = db.conversations.create_web("nl")
        secret = marker()
        db.conversations.begin_turn(conversation.id, f"mijn verhaal {secret}")
        write_rasa_conversation(database_url, conversation.id, f"mijn verhaal {secret}")
        assert set(tables_containing(database_url, secret)) == {"messages", "events"}
        db.privacy.erase(conversation.id)
        erase_tracker(database_url, [conversation.id])
        assert tables_containing(database_url, secret) == {}
    finally:
        db.dispose()


def test_senders_and_their_newest_event(database_url: str) -> None:
    long_ago = time.time() - 200 * 86400
    write_rasa_conversation(database_url, "old", "oud", timestamp=long_ago)
    write_rasa_conversation(database_url, "new", "nieuw")
    store = TrackerStore(database_url)
    try:
        senders = store.senders()
        assert set(senders) == {"old", "new"}
        assert senders["old"] is not None and abs(senders["old"] - long_ago) < 1
        assert store.count(["old", "new", "none"]) == 12
    finally:
        store.close()


def test_a_missing_store_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "rasa" / "tracker.db"
    url = f"sqlite:///{path}"
    store = TrackerStore(url)
    assert (store.erase(["x"]), store.count(["x"]), store.senders()) == (0, 0, {})
    assert not path.exists()  # never created
    path.parent.mkdir()
    Database(url).dispose()  # an SQLite file without Rasa's table
    path.touch()
    assert TrackerStore(url).erase(["x"]) == 0

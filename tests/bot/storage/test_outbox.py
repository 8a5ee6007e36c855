"""Telegram conversations and the outbox in the database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from bot.messages import Button, Outbound
from bot.storage.database import Database
from bot.storage.engine import MIGRATIONS_DIR


def test_a_chat_is_one_conversation(db: Database) -> None:
    first, created = db.conversations.for_channel("telegram", "42")
    again, created_again = db.conversations.for_channel("telegram", "42")
    other, _ = db.conversations.for_channel("telegram", "43")
    assert created and not created_again
    assert again.id == first.id != other.id
    assert (first.channel, first.external_id, first.language) == ("telegram", "42", None)


def test_simultaneous_first_messages_make_one_conversation(db: Database) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: db.conversations.for_channel("telegram", "77"), range(8)))
    assert len({conversation.id for conversation, _ in results}) == 1
    assert sum(created for _, created in results) == 1


def test_outbound_telegram_messages_are_queued_in_the_same_transaction(db: Database) -> None:
    chat, _ = db.conversations.for_channel("telegram", "42")
    web, _ = db.conversations.create_web("nl")
    stored = db.conversations.store_outbound(
        chat.id, [Outbound("één"), Outbound("twee", (Button("Ja", "/affirm"),))]
    )
    ids = [message.id for message in stored]
    db.conversations.store_outbound(web.id, [Outbound("web")])
    assert db.outbox.for_conversation(web.id) == []
    assert [m.status for m in db.conversations.messages_after(web.id)] == ["sent"]

    items = db.outbox.for_conversation(chat.id)
    assert [(i.message_id, i.status, i.attempts, i.chat_id) for i in items] == [
        (ids[0], "pending", 0, "42"),
        (ids[1], "pending", 0, "42"),
    ]
    assert items[1].buttons == (Button("Ja", "/affirm"),)
    assert [m.status for m in db.conversations.messages_after(chat.id)] == ["queued", "queued"]
    assert db.outbox.pending_chats("telegram") == ["42"]
    next_item = db.outbox.next_item("telegram", "42")
    assert next_item is not None and next_item.text == "één"

    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)
    assert db.outbox.retry(items[0].id, later, "retry_after") == 1
    db.outbox.sent(items[0].id, "1001")
    db.outbox.failed(items[1].id, "forbidden")
    done = db.outbox.for_conversation(chat.id)
    assert [(i.status, i.attempts, i.last_error) for i in done] == [
        ("sent", 2, "retry_after"),
        ("failed", 1, "forbidden"),
    ]
    assert done[0].external_message_id == "1001" and done[0].sent_at is not None
    assert [m.status for m in db.conversations.messages_after(chat.id)] == ["sent", "failed"]
    assert db.outbox.pending_chats("telegram") == []
    assert db.outbox.next_item("telegram", "42") is None


def test_media_are_stored_with_their_kind_and_attachments_shown_to_the_console(db: Database) -> None:
    chat, _ = db.conversations.for_channel("telegram", "42")
    voice = db.conversations.store_inbound(chat.id, "[voice]", media={"kind": "voice", "file_id": "v1"})
    photo = db.conversations.store_inbound(
        chat.id, "[photo]", media={"kind": "photo", "file_id": "p1"}, attachment=True
    )
    stored = {m.id: m for m in db.conversations.messages_after(chat.id)}
    assert stored[voice].payload == {"media": {"kind": "voice", "file_id": "v1"}}
    assert stored[voice].attachment is None and "attachment" not in stored[voice].to_dict()
    assert stored[photo].attachment == {"kind": "photo", "file_id": "p1"}
    assert stored[photo].to_dict()["attachment"] == {"kind": "photo", "file_name": None}  # no file id
    assert db.conversations.get_message(photo) == stored[photo]
    assert db.conversations.get_message(10_000) is None


def test_migration_0003_downgrades_and_upgrades_again(db: Database) -> None:
    chat, _ = db.conversations.for_channel("telegram", "42")
    db.conversations.store_outbound(chat.id, [Outbound("hallo")])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert "outbox" not in inspect(db.engine).get_table_names()
    db.migrate()
    assert "outbox" in inspect(db.engine).get_table_names()
    assert [m.text for m in db.conversations.messages_after(chat.id)] == ["hallo"]

"""Telegram conversations and the outbox in the database (claims by several senders included),
on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
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


# Several senders: claims (FOR UPDATE SKIP LOCKED on PostgreSQL) ---------------------------------


def _queued(db: Database, chat: str, count: int) -> list[int]:
    conversation, _ = db.conversations.for_channel("telegram", chat)
    stored = db.conversations.store_outbound(conversation.id, [Outbound(f"{chat}-{n}") for n in range(count)])
    return [item.id for item in db.outbox.for_conversation(conversation.id)][-len(stored) :]


def test_a_claimed_item_is_leased_and_holds_back_the_chat(db: Database) -> None:
    first, second = _queued(db, "42", 2)
    claim = db.outbox.claim("telegram", "42")
    assert claim.item is not None and claim.item.id == first and claim.last_sent_at is None
    # Another sender now finds the chat's oldest item leased: not the second one (order).
    other = db.outbox.claim("telegram", "42")
    assert other.item is None and other.head_id == first and other.due_at is not None
    assert other.due_at > dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=60)
    db.outbox.sent(first, "1")
    after = db.outbox.claim("telegram", "42")
    assert after.item is not None and after.item.id == second and after.last_sent_at is not None
    db.outbox.sent(second, "2")
    assert db.outbox.claim("telegram", "42").empty


def test_a_retry_waits_and_an_expired_lease_is_claimed_again(db: Database) -> None:
    (item,) = _queued(db, "43", 1)
    assert db.outbox.claim("telegram", "43", lease=dt.timedelta(seconds=-1)).item is not None
    # The sender died while sending: its lease ran out, so the item is delivered after all.
    again = db.outbox.claim("telegram", "43")
    assert again.item is not None and again.item.id == item
    db.outbox.retry(item, dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30), "networkerror")
    waiting = db.outbox.claim("telegram", "43")
    assert waiting.item is None and waiting.due_at is not None and not waiting.empty


def test_simultaneous_senders_claim_each_message_once_and_in_order(database_url: str) -> None:
    """Four senders, each with its own engine (as four gateway processes), on 6 chats x 8."""
    setup = Database(database_url)
    setup.migrate()
    queued = {str(chat): _queued(setup, str(chat), 8) for chat in range(600, 606)}
    senders = [Database(database_url) for _ in range(4)]
    claimed: list[tuple[int, str, int]] = []  # (sender, chat, outbox id)
    lock = threading.Lock()

    def work(index: int) -> None:
        db = senders[index]
        idle = 0
        while idle < 20:
            progressed = False
            for chat in queued:
                claim = db.outbox.claim("telegram", chat)
                if claim.item is not None:
                    with lock:
                        claimed.append((index, chat, claim.item.id))
                    db.outbox.sent(claim.item.id, str(claim.item.id))
                    progressed = True
            idle = 0 if progressed else idle + 1

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(work, range(4)))
    finally:
        for db in senders:
            db.dispose()
    ids = [outbox_id for _, _, outbox_id in claimed]
    assert sorted(ids) == sorted(i for items in queued.values() for i in items)  # each exactly once
    for chat, items in queued.items():
        assert [i for _, c, i in claimed if c == chat] == items  # in order per chat
    print(f"claims per sender: {[sum(1 for s, _, _ in claimed if s == n) for n in range(4)]}")
    setup.dispose()

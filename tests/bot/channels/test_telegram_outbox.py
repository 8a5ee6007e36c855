"""Two outbox senders (as two gateway processes) against a fake Bot API, on SQLite and PostgreSQL:
every message reaches Telegram exactly once, in order per chat, paced per chat across senders."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import Bot

from bot.channels.telegram_outbox import TelegramOutbox
from bot.messages import Outbound
from bot.storage.database import Database
from tests.fake_telegram import FakeTelegram

CHATS = range(700, 708)
PER_CHAT = 6


class CountingBot(Bot):
    """A Bot that counts the messages it sent (which sender did the work)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._huurhulp_sent = 0

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        message = await super().send_message(*args, **kwargs)
        self._huurhulp_sent += 1
        return message


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    try:
        yield server
    finally:
        server.stop()


async def test_two_senders_send_each_message_exactly_once(database_url: str, fake: FakeTelegram) -> None:
    setup = Database(database_url)
    setup.migrate()
    expected: dict[int, list[str]] = {}
    for chat in CHATS:
        conversation, _ = setup.conversations.for_channel("telegram", str(chat))
        expected[chat] = [f"{chat}:{n}" for n in range(PER_CHAT)]
        setup.conversations.store_outbound(conversation.id, [Outbound(text) for text in expected[chat]])

    senders: list[TelegramOutbox] = []
    databases: list[Database] = []
    bots: list[CountingBot] = []
    for _ in range(2):
        database = Database(database_url)
        bot = CountingBot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
        await bot.initialize()
        databases.append(database)
        bots.append(bot)
        senders.append(TelegramOutbox(database, bot, chat_interval=0.2, per_second=1000, idle_poll=0.3))
    started = time.perf_counter()
    try:
        for sender in senders:
            sender.start()
        total = len(CHATS) * PER_CHAT
        deadline = time.monotonic() + 60
        while len(fake.sent()) < total and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        took = time.perf_counter() - started
        await asyncio.sleep(1.0)  # anything sent twice would arrive now
    finally:
        for sender in senders:
            await sender.stop()
        for bot in bots:
            await bot.shutdown()
        for database in databases:
            database.dispose()

    for chat in CHATS:
        assert fake.sent_texts(chat) == expected[chat]  # each once, in order
        times = [call.at for call in fake.sent(chat)]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert min(gaps) >= 0.15  # paced per chat, whichever sender sent the one before
    assert len(fake.sent()) == len(CHATS) * PER_CHAT
    items = [item for chat in CHATS for item in setup.outbox.for_conversation(_conversation(setup, chat))]
    assert {item.status for item in items} == {"sent"}
    assert all(item.attempts == 1 for item in items)
    split = [bot._huurhulp_sent for bot in bots]
    assert sum(split) == len(items)
    print(f"two senders: {len(items)} messages to {len(CHATS)} chats in {took:.2f} s, {split}, none twice")
    setup.dispose()


def _conversation(db: Database, chat: int) -> str:
    conversation, _ = db.conversations.for_channel("telegram", str(chat))
    return conversation.id

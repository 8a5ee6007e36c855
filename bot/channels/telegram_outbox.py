"""Delivery of stored messages to Telegram: one sender task per gateway process.

Every outbound message of a Telegram conversation gets an outbox row in the transaction
that stores it (``bot/storage/conversations.py``), whoever wrote it: the bot, the gateway or
a caseworker. This module delivers those rows:

* in order per chat (one worker per chat with pending messages, oldest first);
* exactly once with several senders (``huurhulp run --gateway-workers N`` runs one per
  process): a worker claims a chat's oldest item before sending it
  (:meth:`bot.storage.outbox.Outbox.claim`, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), and
  leaves a chat whose oldest item another sender holds;
* paced: at least ``chat_interval`` seconds between two messages to one chat (also when
  another sender sent the previous one: the claim says when) and at most ``per_second``
  messages per sender (``huurhulp run`` gives each of N workers 1/N of the setting)
  (Telegram's limits; python-telegram-bot's rate limiter does not pace private chats);
* retrying flood control (429, after Telegram's ``retry_after``) and network errors
  (exponential backoff), so a short outage of Telegram loses nothing; a message that
  Telegram refuses (the tenant blocked the bot, a bad request) or that could not be
  delivered within ``give_up_after`` is marked ``failed``;
* and on start, whatever is still pending from before (a restart, a crash).

Message text is never logged: only outbox ids, message ids and error kinds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections import deque

from anyio import to_thread
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.storage.database import Database
from bot.storage.records import OutboxRecord

log = logging.getLogger(__name__)

CHANNEL = "telegram"
#: Telegram's longest message text.
MAX_TEXT = 4096
#: callback_data of an inline button: ``b:<message id>:<button index>`` (Telegram allows 64 bytes,
#: Rasa payloads such as ``/inform{"stage": ...}`` can be longer, so only a reference travels).
CALLBACK_PREFIX = "b"


def callback_data(message_id: int, index: int) -> str:
    """The short reference an inline button carries."""
    return f"{CALLBACK_PREFIX}:{message_id}:{index}"


def parse_callback_data(data: str | None) -> tuple[int, int] | None:
    """(message id, button index) from :func:`callback_data`, or None for anything else."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or not all(p.isdigit() for p in parts[1:]):
        return None
    return int(parts[1]), int(parts[2])


def keyboard(item: OutboxRecord) -> InlineKeyboardMarkup | None:
    """The message's buttons as an inline keyboard, one button per row (titles can be long)."""
    if not item.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button.title[:64], callback_data=callback_data(item.message_id, index))]
            for index, button in enumerate(item.buttons)
        ]
    )


def message_text(item: OutboxRecord) -> str:
    """What the tenant reads: a caseworker's message carries the caseworker's name."""
    if item.author == "caseworker" and item.author_name:
        return f"{item.author_name}: {item.text}"
    return item.text


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Telegram takes at most 4096 characters per message: longer text goes in parts."""
    text = text or " "
    return [text[start : start + limit] for start in range(0, len(text), limit)]


class RateLimiter:
    """At most ``per_second`` acquisitions in any one-second window (a sliding log)."""

    def __init__(self, per_second: float) -> None:
        self.capacity = max(1, int(per_second))
        self.window = self.capacity / per_second
        self._times: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for a free slot."""
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._times and now - self._times[0] >= self.window:
                    self._times.popleft()
                if len(self._times) < self.capacity:
                    self._times.append(now)
                    return
                await asyncio.sleep(self.window - (now - self._times[0]))


class TelegramOutbox:
    """The sender task. ``wake()`` after storing messages; ``start()``/``stop()`` in the lifespan."""

    def __init__(
        self,
        db: Database,
        bot: Bot,
        *,
        chat_interval: float = 1.0,
        per_second: float = 30.0,
        retry_base: float = 1.0,
        retry_cap: float = 300.0,
        give_up_after: dt.timedelta = dt.timedelta(hours=24),
        idle_poll: float = 5.0,
    ) -> None:
        self.db = db
        self.bot = bot
        self.chat_interval = chat_interval
        self.limiter = RateLimiter(per_second)
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.give_up_after = give_up_after
        self.idle_poll = idle_poll
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._last_sent: dict[str, float] = {}

    def start(self) -> None:
        """Start delivering (pending messages from before the start included)."""
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="telegram-outbox")

    def wake(self) -> None:
        """New messages were stored: look for work now instead of at the next idle poll."""
        if self._wake is not None:
            self._wake.set()

    @property
    def running(self) -> bool:
        """Whether the sender task runs."""
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        """Stop the sender and its workers; undelivered messages stay pending in the database."""
        tasks = [task for task in (self._task, *self._workers.values()) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._task = None
        self._workers.clear()

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            try:
                chats = await to_thread.run_sync(self.db.outbox.pending_chats, CHANNEL)
            except Exception:
                log.exception("outbox: could not read pending chats")
                chats = []
            for chat_id in chats:
                if chat_id not in self._workers:
                    self._workers[chat_id] = asyncio.create_task(self._drain(chat_id))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.idle_poll)

    async def _drain(self, chat_id: str) -> None:
        """Deliver one chat's pending messages, oldest first; a retry holds back the later ones.

        Each item is claimed first. When the oldest item is not due yet, the worker waits for
        it if that is soon (a retry), and otherwise leaves the chat (another sender's lease;
        the idle poll looks again)."""
        emptied = False
        try:
            while True:
                claim = await to_thread.run_sync(self.db.outbox.claim, CHANNEL, chat_id)
                if claim.empty:
                    emptied = True
                    return
                if claim.item is None:
                    now = dt.datetime.now(dt.timezone.utc)
                    wait = (claim.due_at - now).total_seconds() if claim.due_at is not None else None
                    if wait is None or wait > self.idle_poll:
                        return  # another sender holds the chat's oldest message
                    await asyncio.sleep(max(wait, 0.0))
                    continue
                await self._pace(chat_id, claim.last_sent_at)
                await self._deliver(claim.item)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("outbox: worker of a chat failed; it restarts at the next poll")
        finally:
            self._workers.pop(chat_id, None)
            if emptied:
                self.wake()  # a message stored while this worker was finishing is picked up now

    async def _pace(self, chat_id: str, last_sent_at: dt.datetime | None = None) -> None:
        waits = []
        last = self._last_sent.get(chat_id)
        if last is not None:
            waits.append(self.chat_interval - (time.monotonic() - last))
        if last_sent_at is not None:  # possibly sent by another sender (gateway process)
            since = (dt.datetime.now(dt.timezone.utc) - last_sent_at).total_seconds()
            waits.append(self.chat_interval - since)
        wait = max(waits, default=0.0)
        if wait > 0:
            await asyncio.sleep(min(wait, self.chat_interval))
        await self.limiter.acquire()

    async def _deliver(self, item: OutboxRecord) -> None:
        try:
            sent_id = await self._send(item)
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            await self._retry(item, seconds, "retry_after")
        except Forbidden:
            log.warning("outbox %s (message %s): the chat blocked the bot", item.id, item.message_id)
            await to_thread.run_sync(self.db.outbox.failed, item.id, "forbidden")
        except BadRequest as error:  # a subclass of NetworkError, but retrying cannot help
            log.warning("outbox %s (message %s): refused: %s", item.id, item.message_id, type(error).__name__)
            await to_thread.run_sync(self.db.outbox.failed, item.id, "bad_request")
        except NetworkError as error:  # includes TimedOut; Telegram was not reached
            backoff = min(self.retry_cap, self.retry_base * 2 ** min(item.attempts, 20))
            await self._retry(item, backoff, type(error).__name__.lower())
        except TelegramError as error:
            backoff = min(self.retry_cap, self.retry_base * 2 ** min(item.attempts, 20))
            await self._retry(item, backoff, type(error).__name__.lower())
        else:
            self._last_sent[item.chat_id] = time.monotonic()
            await to_thread.run_sync(self.db.outbox.sent, item.id, sent_id)
            log.info("outbox %s: message %s delivered", item.id, item.message_id)

    async def _send(self, item: OutboxRecord) -> str | None:
        parts = split_text(message_text(item))
        sent_id: str | None = None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if index:
                await self._pace(item.chat_id)
            message = await self.bot.send_message(
                chat_id=int(item.chat_id), text=part, reply_markup=keyboard(item) if last else None
            )
            self._last_sent[item.chat_id] = time.monotonic()
            sent_id = str(message.message_id)
        return sent_id

    async def _retry(self, item: OutboxRecord, seconds: float, error: str) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        if now - item.created_at > self.give_up_after:
            log.warning("outbox %s (message %s): giving up after %s", item.id, item.message_id, error)
            await to_thread.run_sync(self.db.outbox.failed, item.id, error)
            return
        attempts = await to_thread.run_sync(
            self.db.outbox.retry, item.id, now + dt.timedelta(seconds=seconds), error
        )
        log.info(
            "outbox %s (message %s): %s, attempt %d, retry in %.1f s",
            item.id,
            item.message_id,
            error,
            attempts,
            seconds,
        )


def _seconds(value: int | float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)

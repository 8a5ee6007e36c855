"""Publish/subscribe for live updates (tenant WebSockets, console pages).

:class:`Hub` is the in-process fan-out, enough for one gateway process: publishers put an
event on every subscriber's queue for a topic. A slow subscriber drops events (its queue is
bounded) and catches up through the messages API, which is the source of truth.

:class:`RedisHub` (``HUURHULP_REDIS_URL`` set) carries the same events between gateway
processes: ``publish`` sends the event to one Redis pub/sub channel, and every gateway
process, the publisher included, listens on it and hands each event to its own local
subscribers. So a caseworker's reply stored by the process that serves the console reaches a
tenant's WebSocket held by another process. Redis keeps nothing: pub/sub is fire-and-forget,
and while Redis is away a process still delivers its own events locally; clients catch up
through the API when they reconnect (the widget, ``after=<id>``) and by the console's safety
poll.

Two kinds of topic: ``conversation:<id>`` carries a tenant's stored outbound messages to
their own live connection; :data:`CONSOLE_TOPIC` tells the console pages *that* something
changed (:func:`console_change`: what, and ids), never what was written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

QUEUE_SIZE = 100
#: The Redis pub/sub channel every gateway process publishes to and listens on, followed by
#: the database number of the Redis URL (pub/sub ignores database numbers, so two deployments
#: sharing one Redis on different databases would otherwise hear each other).
REDIS_CHANNEL = "huurhulp:hub"


def redis_channel(url: str) -> str:
    """The hub's channel for a Redis URL: ``huurhulp:hub:<database>``."""
    database = urlsplit(url).path.strip("/") or "0"
    return f"{REDIS_CHANNEL}:{database}"


#: Events waiting to go to Redis; beyond this they are delivered locally only.
OUTGOING_SIZE = 10_000


class Hub:
    """Topics are strings such as ``conversation:<id>`` or ``console``. In-process only."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    async def start(self) -> None:
        """Nothing to connect to in-process (:class:`RedisHub` connects here)."""

    async def stop(self) -> None:
        """Nothing to close in-process."""

    @property
    def connected(self) -> bool:
        """Whether events reach every gateway process (always, with only this one)."""
        return True

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Deliver ``event`` to every current subscriber of ``topic`` (never blocks)."""
        self._deliver(topic, event)

    def _deliver(self, topic: str, event: dict[str, Any]) -> None:
        """Put ``event`` on this process's subscriber queues of ``topic``."""
        for queue in list(self._subscribers.get(topic, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """A queue receiving the topic's events while the context is open."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers[topic].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[topic].discard(queue)
            if not self._subscribers[topic]:
                del self._subscribers[topic]

    def subscriber_count(self, topic: str) -> int:
        """How many subscribers a topic has (for tests and health)."""
        return len(self._subscribers.get(topic, ()))


class RedisHub(Hub):
    """The hub over Redis pub/sub: events published in any gateway process reach the
    subscribers of every gateway process. :meth:`start` in the app's lifespan, :meth:`stop` at
    shutdown; before :meth:`start` (and after :meth:`stop`) it delivers locally like :class:`Hub`.
    """

    def __init__(self, url: str, channel: str | None = None, retry_max: float = 10.0) -> None:
        super().__init__()
        self.url = url
        self.channel = channel or redis_channel(url)
        self.retry_max = retry_max
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outgoing: asyncio.Queue[tuple[str, dict[str, Any], str]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._listening = asyncio.Event()
        self._redis: Any = None

    @property
    def connected(self) -> bool:
        """Whether this process is subscribed to the Redis channel right now."""
        return self._listening.is_set()

    async def start(self, wait: float = 5.0) -> None:
        """Connect and subscribe; waits up to ``wait`` seconds, then keeps trying in the background."""
        import redis.asyncio as aioredis

        self._loop = asyncio.get_running_loop()
        self._listening = asyncio.Event()
        self._outgoing = asyncio.Queue(maxsize=OUTGOING_SIZE)
        self._redis = aioredis.Redis.from_url(self.url, socket_connect_timeout=3, health_check_interval=30)
        self._tasks = [
            asyncio.create_task(self._listen(), name="hub-redis-listen"),
            asyncio.create_task(self._send(), name="hub-redis-publish"),
        ]
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._listening.wait(), wait)
        if not self.connected:
            log.warning("hub: Redis not reachable yet; events stay in this process until it is")

    async def stop(self) -> None:
        """Stop listening and publishing; undelivered events go to local subscribers."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        self._listening.clear()
        if self._outgoing is not None:
            while not self._outgoing.empty():
                topic, event, _ = self._outgoing.get_nowait()
                self._deliver(topic, event)
            self._outgoing = None
        if self._redis is not None:
            with contextlib.suppress(Exception):
                await self._redis.close()
            self._redis = None
        self._loop = None

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Send ``event`` to every gateway process (never blocks; safe from worker threads)."""
        loop, outgoing = self._loop, self._outgoing
        if loop is None or outgoing is None or loop.is_closed():
            self._deliver(topic, event)
            return
        try:
            data = json.dumps({"topic": topic, "event": event}, separators=(",", ":"))
        except (TypeError, ValueError):
            log.error(
                "hub: an event on %s cannot be sent as JSON; delivered locally only", topic.split(":")[0]
            )
            self._deliver(topic, event)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._enqueue(topic, event, data)
        else:
            loop.call_soon_threadsafe(self._enqueue, topic, event, data)

    def _enqueue(self, topic: str, event: dict[str, Any], data: str) -> None:
        if self._outgoing is None:
            self._deliver(topic, event)
            return
        try:
            self._outgoing.put_nowait((topic, event, data))
        except asyncio.QueueFull:
            log.warning("hub: too many events waiting for Redis; delivered locally only")
            self._deliver(topic, event)

    async def _send(self) -> None:
        assert self._outgoing is not None
        while True:
            topic, event, data = await self._outgoing.get()
            try:
                await self._redis.publish(self.channel, data)
            except Exception as error:  # Redis down or unreachable: keep this process informed
                log.warning(
                    "hub: publishing to Redis failed (%s); delivered locally only", type(error).__name__
                )
                self._deliver(topic, event)

    async def _listen(self) -> None:
        delay = 0.5
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                self._listening.set()
                if delay > 0.5:
                    log.info("hub: listening on Redis again")
                delay = 0.5
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self._received(message.get("data"))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # connection lost: subscribe again after a pause
                self._listening.clear()
                log.warning("hub: Redis subscription lost (%s); retry in %.1f s", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.close()

    def _received(self, data: Any) -> None:
        try:
            decoded = json.loads(data)
            topic, event = decoded["topic"], decoded["event"]
        except (TypeError, ValueError, KeyError):
            log.warning("hub: ignored a malformed message on the Redis channel")
            return
        if isinstance(topic, str) and isinstance(event, dict):
            self._deliver(topic, event)


def conversation_topic(conversation_id: str) -> str:
    """The topic a tenant's live connection listens to."""
    return f"conversation:{conversation_id}"


#: The topic every open console page listens to (``bot/console/live.py``).
CONSOLE_TOPIC = "console"
#: What the console is told about: a case opened or escalated, its status changing, and a
#: new message (tenant, caseworker or system) in a conversation that has a case.
CONSOLE_CHANGES = frozenset(
    {"queued", "claimed", "transferred", "released", "closed", "cancelled", "message"}
)


def console_change(
    what: str, conversation_id: str, case_id: int | None = None, message_id: int | None = None
) -> dict[str, Any]:
    """A console event: what changed and the ids to re-fetch by. Never message text, names
    or case details: pages ask the console API, which checks the login and stays the
    source of truth."""
    if what not in CONSOLE_CHANGES:
        raise ValueError(f"unknown console change {what!r}")
    event: dict[str, Any] = {"type": "change", "what": what, "conversation_id": conversation_id}
    if case_id is not None:
        event["case_id"] = case_id
    if message_id is not None:
        event["message_id"] = message_id
    return event

"""In-process publish/subscribe for live updates (tenant WebSockets, console pages).

One gateway process serves everything, so an asyncio fan-out is enough: publishers put
an event on every subscriber's queue for a topic. A slow subscriber drops events (its
queue is bounded) and catches up through the messages API, which is the source of truth.

Two kinds of topic: ``conversation:<id>`` carries a tenant's stored outbound messages to
their own live connection; :data:`CONSOLE_TOPIC` tells the console pages *that* something
changed (:func:`console_change`: what, and ids), never what was written.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

QUEUE_SIZE = 100


class Hub:
    """Topics are strings such as ``conversation:<id>`` or ``console``."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Deliver ``event`` to every current subscriber of ``topic`` (never blocks)."""
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

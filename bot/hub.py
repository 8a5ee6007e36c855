"""In-process publish/subscribe for live updates (tenant WebSockets, console pages).

One gateway process serves everything, so an asyncio fan-out is enough: publishers put
an event on every subscriber's queue for a topic. A slow subscriber drops events (its
queue is bounded) and catches up through the messages API, which is the source of truth.
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

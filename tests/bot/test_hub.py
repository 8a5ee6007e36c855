"""Live fan-out of events."""

from __future__ import annotations

import asyncio

from bot.hub import QUEUE_SIZE, Hub


async def test_subscribers_get_events_of_their_topic_only() -> None:
    hub = Hub()
    async with hub.subscribe("conversation:a") as a, hub.subscribe("conversation:b") as b:
        hub.publish("conversation:a", {"n": 1})
        assert await asyncio.wait_for(a.get(), 1) == {"n": 1}
        assert b.empty()
    assert hub.subscriber_count("conversation:a") == 0


async def test_a_slow_subscriber_drops_events_instead_of_blocking() -> None:
    hub = Hub()
    async with hub.subscribe("t") as queue:
        for n in range(QUEUE_SIZE + 10):
            hub.publish("t", {"n": n})
        assert queue.qsize() == QUEUE_SIZE


def test_publishing_without_subscribers_is_harmless() -> None:
    Hub().publish("nobody", {"n": 1})

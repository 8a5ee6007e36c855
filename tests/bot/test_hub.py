"""Live fan-out of events."""

from __future__ import annotations

import asyncio

import pytest

from bot.handoff import HandoffService
from bot.hub import CONSOLE_CHANGES, CONSOLE_TOPIC, QUEUE_SIZE, Hub, console_change


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


def test_console_changes_carry_ids_only() -> None:
    change = console_change("message", "conv-1", case_id=7, message_id=12)
    assert change == {
        "type": "change",
        "what": "message",
        "conversation_id": "conv-1",
        "case_id": 7,
        "message_id": 12,
    }
    assert console_change("cancelled", "conv-1") == {
        "type": "change",
        "what": "cancelled",
        "conversation_id": "conv-1",
    }
    statuses = {"claimed", "transferred", "released", "closed", "cancelled"}
    assert {"queued", "message"} | statuses == CONSOLE_CHANGES
    with pytest.raises(ValueError):
        console_change("text: hallo", "conv-1")


async def test_the_handoff_service_tells_the_console_through_the_hub() -> None:
    hub = Hub()
    service = HandoffService(None, None, hub, None)  # type: ignore[arg-type]  # only the hub is used
    async with hub.subscribe(CONSOLE_TOPIC) as queue:
        service.tenant_wrote("conv-1", 5)
        service.waiting_cancelled("conv-1")
        assert await asyncio.wait_for(queue.get(), 1) == console_change("message", "conv-1", message_id=5)
        assert await asyncio.wait_for(queue.get(), 1) == console_change("cancelled", "conv-1")

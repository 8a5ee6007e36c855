"""Live fan-out of events, in one process and between gateway processes over Redis."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from bot.handoff import HandoffService
from bot.hub import CONSOLE_CHANGES, CONSOLE_TOPIC, QUEUE_SIZE, Hub, RedisHub, console_change, redis_channel


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


# Over Redis: events published in one gateway process reach subscribers in another -------------


def test_the_channel_follows_the_redis_database() -> None:
    assert redis_channel("redis://127.0.0.1:6379/3") == "huurhulp:hub:3"
    assert redis_channel("rediss://:secret@redis.example") == "huurhulp:hub:0"


async def test_before_start_and_after_stop_a_redis_hub_delivers_locally() -> None:
    hub = RedisHub("redis://127.0.0.1:1/0")  # never started: nothing is contacted
    async with hub.subscribe("t") as queue:
        hub.publish("t", {"n": 1})
        assert queue.get_nowait() == {"n": 1}
    assert hub.connected is False


@pytest.fixture
def redis_hub_url(redis_url: str) -> str:
    # A database number of its own: another test run's hubs on this Redis are not heard.
    return redis_url.rsplit("/", 1)[0] + f"/{uuid.uuid4().int % 14 + 1}"


@pytest.mark.redis
async def test_an_event_reaches_every_process_exactly_once(redis_hub_url: str) -> None:
    one, two = RedisHub(redis_hub_url), RedisHub(redis_hub_url)
    await one.start()
    await two.start()
    try:
        assert one.connected and two.connected
        async with one.subscribe("conversation:a") as here, two.subscribe("conversation:a") as there:
            started = time.perf_counter()
            one.publish("conversation:a", {"type": "message", "message": {"id": 7, "text": "dag"}})
            assert await asyncio.wait_for(there.get(), 5) == {
                "type": "message",
                "message": {"id": 7, "text": "dag"},
            }
            print(f"hub over Redis: {1000 * (time.perf_counter() - started):.1f} ms to the other process")
            assert await asyncio.wait_for(here.get(), 5) == {
                "type": "message",
                "message": {"id": 7, "text": "dag"},
            }
            await asyncio.sleep(0.2)
            assert here.empty() and there.empty()  # once each, also in the publishing process
            # From a worker thread (the storage layer's threads) as well, in order.
            await asyncio.to_thread(lambda: [two.publish("conversation:a", {"n": n}) for n in range(3)])
            assert [await asyncio.wait_for(here.get(), 5) for _ in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
    finally:
        await one.stop()
        await two.stop()


@pytest.mark.redis
async def test_the_console_topic_crosses_processes(redis_hub_url: str) -> None:
    one, two = RedisHub(redis_hub_url), RedisHub(redis_hub_url)
    await one.start()
    await two.start()
    try:
        service = HandoffService(None, None, one, None)  # type: ignore[arg-type]  # only the hub is used
        async with two.subscribe(CONSOLE_TOPIC) as queue:
            service.tenant_wrote("conv-1", 5)
            assert await asyncio.wait_for(queue.get(), 5) == console_change("message", "conv-1", message_id=5)
    finally:
        await one.stop()
        await two.stop()


async def test_without_redis_events_still_reach_this_process() -> None:
    hub = RedisHub("redis://127.0.0.1:1/0")  # nothing listens there
    await hub.start(wait=0.5)
    try:
        assert not hub.connected
        async with hub.subscribe("t") as queue:
            hub.publish("t", {"n": 1})
            assert await asyncio.wait_for(queue.get(), 5) == {"n": 1}
    finally:
        await hub.stop()

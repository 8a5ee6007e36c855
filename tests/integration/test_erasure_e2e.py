"""Erasure and retention end to end, on the shared real stack (actions, Rasa, gateway).

A unique marker travels through the real Rasa server, so Rasa's tracker store
(var/rasa/tracker.db, as ``huurhulp run`` configures it) holds its own copy; after erasure
or the purge the marker is found neither in the gateway's tables nor in Rasa's. The same
checks on PostgreSQL, with Rasa's tracker store class writing there, are in
tests/bot/storage/test_tracker.py and tests/bot/test_retention.py.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from sqlalchemy import update

from bot import texts
from bot.retention import purge
from bot.storage.models import Case, Conversation, Message, utcnow
from tests.fake_telegram import FakeTelegram
from tests.privacy import marker, rasa_tracker_urls, tables_containing
from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = pytest.mark.integration

#: This module's Telegram chats (other modules use their own).
CHAT = 7_130_001


def wait_until(condition: Callable[[], object], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def found(stack: RunningStack, secret: str) -> dict[str, dict[str, int]]:
    """Where the marker still is: the gateway's tables, Rasa's tracker store (wherever the
    endpoints file tells Rasa to write it, and wherever the gateway's settings look for it)."""
    rasa: dict[str, int] = {}
    for url in rasa_tracker_urls(stack):
        for table, count in tables_containing(url, secret).items():
            if table == "events":  # the gateway's own tables may share the file
                rasa[table] = rasa.get(table, 0) + count
    gateway = {
        table: count
        for table, count in tables_containing(stack.settings.effective_database_url, secret).items()
        if table != "events"
    }
    return {"gateway": gateway, "rasa": rasa}


def test_verwijder_mijn_gesprek_erases_both_stores(live_stack: RunningStack) -> None:
    secret = marker()
    with live_stack.client() as client:
        tenant = WebTenant(client)
        tenant.say(f"ik heb huurachterstand, mijn dossier is {secret}")
        wait_until(lambda: found(live_stack, secret)["rasa"], "Rasa's copy")
        assert found(live_stack, secret)["gateway"]

        asked = tenant.say("verwijder mijn gesprek")
        assert asked["replies"][-1]["text"] == texts.text("erase_confirm", "nl")
        erased = tenant.say("ja")

        assert erased["mode"] == "erased"
        assert found(live_stack, secret) == {"gateway": {}, "rasa": {}}
        gone = client.get(f"/api/web/conversations/{tenant.conversation_id}/messages", headers=tenant.headers)
        assert gone.status_code == 404


def test_delete_returns_204_and_the_token_stops_working(live_stack: RunningStack) -> None:
    secret = marker()
    with live_stack.client() as client:
        tenant = WebTenant(client)
        tenant.say(f"mijn huisbaas stuurde een aangetekende brief over {secret}")
        wait_until(lambda: found(live_stack, secret)["rasa"], "Rasa's copy")
        url = f"/api/web/conversations/{tenant.conversation_id}"
        started = time.monotonic()
        response = client.delete(url, headers=tenant.headers)
        seconds = time.monotonic() - started
        assert response.status_code == 204
        assert found(live_stack, secret) == {"gateway": {}, "rasa": {}}
        assert client.get(f"{url}/messages", headers=tenant.headers).status_code == 404
        again = client.post(f"{url}/messages", json={"text": "hallo"}, headers=tenant.headers)
        assert again.status_code == 404
    print(f"\nDELETE of a conversation in both stores: {seconds * 1000:.0f} ms")


def test_telegram_verwijder_erases_the_chat(live_stack: RunningStack, fake_telegram: FakeTelegram) -> None:
    fake = fake_telegram
    secret = marker()
    fake.queue_update(fake.text_update(CHAT, f"hallo, ik heb een brief van de vrederechter {secret}"))
    wait_until(lambda: found(live_stack, secret)["rasa"], "Rasa's copy")

    fake.queue_update(fake.text_update(CHAT, "/verwijder"))
    question = texts.text("erase_confirm", "nl")
    wait_until(lambda: question in fake.sent_texts(CHAT), "the question")
    asked = next(c for c in reversed(fake.sent(CHAT)) if c.params.get("text") == question)
    yes = asked.params["reply_markup"]["inline_keyboard"][0][0]
    assert yes["text"] == texts.text("erase_yes", "nl")
    fake.queue_update(fake.callback_update(CHAT, yes["callback_data"]))
    wait_until(lambda: texts.text("erased_telegram", "nl") in fake.sent_texts(CHAT), "the goodbye")

    assert found(live_stack, secret) == {"gateway": {}, "rasa": {}}


def test_the_purge_erases_an_old_conversation_from_both_stores(live_stack: RunningStack) -> None:
    secret, recent = marker(), marker()
    with live_stack.client() as client:
        old_tenant = WebTenant(client)
        old_tenant.say(f"ik kan mijn huur niet betalen, {secret}")
        WebTenant(client).say(f"ik kan mijn huur niet betalen, {recent}")
    wait_until(lambda: found(live_stack, secret)["rasa"], "Rasa's copy")
    wait_until(lambda: found(live_stack, recent)["rasa"], "Rasa's copy")
    settings = live_stack.settings
    old_id = old_tenant.conversation_id
    db = live_stack.database()
    try:
        then = utcnow() - dt.timedelta(days=settings.retention_days + 1)
        with db.engine.begin() as connection:
            for change in (
                update(Conversation).where(Conversation.id == old_id).values(last_activity_at=then),
                update(Message).where(Message.conversation_id == old_id).values(created_at=then),
                update(Case).where(Case.conversation_id == old_id).values(created_at=then, closed_at=None),
            ):
                connection.execute(change)
        tracker_url = settings.effective_tracker_store_url
        dry = purge(db, tracker_url, settings.retention_days, dry_run=True)
        assert dry.counts.conversations == 1 and found(live_stack, secret)["gateway"]
        report = purge(db, tracker_url, settings.retention_days)
    finally:
        db.dispose()
    assert report.counts.conversations == 1 and report.tracker_events > 0
    assert found(live_stack, secret) == {"gateway": {}, "rasa": {}}
    assert found(live_stack, recent)["gateway"] and found(live_stack, recent)["rasa"]

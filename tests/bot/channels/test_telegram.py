"""The Telegram channel with the real python-telegram-bot against a fake Bot API server.

The gateway runs in-process (lifespan included) with nothing on Rasa's port, so every
routed message gets the honest "bot unavailable" answer and the conversation waits for a
person: that is enough to check the channel itself (updates in, messages out, buttons,
media, the outbox and its retries). The conversation with the real Rasa is in
tests/integration/test_telegram_e2e.py.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot import texts
from bot.auth import hash_password
from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH
from bot.channels.telegram_outbox import callback_data, parse_callback_data
from bot.messages import Button, Outbound
from bot.settings import Settings
from bot.stack import Stack
from bot.states import ConversationState
from bot.storage.database import Database
from bot.storage.records import ConversationRecord, MessageRecord
from tests.conftest import offline_settings
from tests.fake_telegram import FakeTelegram

SECRET = "s3cret-Token_for_tests"
WEBHOOK = {"telegram_webhook_url": "https://huurhulp.example/telegram/webhook", "telegram_secret": SECRET}
PASSWORD = "a long enough password"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def telegram_settings(tmp_path: Path, fake: FakeTelegram, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_token": fake.token,
        "telegram_base_url": fake.base_url,
        "telegram_poll_timeout": 1.0,
        "telegram_chat_interval": 0.05,
        **overrides,
    }
    return offline_settings(tmp_path, f"sqlite:///{tmp_path / 'huurhulp.db'}", **values)


def db_of(client: TestClient) -> Database:
    db: Database = client.app.state.gateway.db  # type: ignore[attr-defined]
    return db


def conversation(client: TestClient, chat_id: int) -> ConversationRecord:
    found, _ = db_of(client).conversations.for_channel("telegram", str(chat_id))
    return found


def inbound(client: TestClient, chat_id: int) -> list[MessageRecord]:
    messages = db_of(client).conversations.messages_after(conversation(client, chat_id).id)
    return [m for m in messages if m.direction == "in"]


def post_update(client: TestClient, update: dict[str, Any], secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post(WEBHOOK_PATH, json=update, headers=headers).status_code


def keyboard_of(call_params: dict[str, Any]) -> list[dict[str, Any]]:
    markup = call_params.get("reply_markup") or {}
    return [row[0] for row in markup.get("inline_keyboard", [])]


# Settings ------------------------------------------------------------------------------


def test_a_webhook_url_needs_a_secret_and_a_token(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="HUURHULP_TELEGRAM_SECRET"):
        Settings(
            var_dir=tmp_path, telegram_token="1:x", telegram_webhook_url="https://a.example/telegram/webhook"
        )
    with pytest.raises(ValidationError, match="HUURHULP_TELEGRAM_TOKEN"):
        Settings(var_dir=tmp_path, telegram_webhook_url="https://a.example/hook", telegram_secret="abc")
    with pytest.raises(ValidationError, match="A-Z"):
        Settings(var_dir=tmp_path, telegram_token="1:x", telegram_secret="has spaces and ü")
    ok = Settings(
        var_dir=tmp_path,
        telegram_token="1:x",
        telegram_webhook_url="https://a.example/h",
        telegram_secret="ab-c_1",
    )
    assert ok.telegram_enabled


def test_the_file_url_follows_the_base_url(tmp_path: Path) -> None:
    assert Settings(var_dir=tmp_path).effective_telegram_base_file_url == "https://api.telegram.org/file/bot"
    local = Settings(var_dir=tmp_path, telegram_base_url="http://127.0.0.1:8081/bot")
    assert local.effective_telegram_base_file_url == "http://127.0.0.1:8081/file/bot"
    explicit = Settings(var_dir=tmp_path, telegram_base_file_url="http://files.example/file/bot")
    assert explicit.effective_telegram_base_file_url == "http://files.example/file/bot"


def test_make_run_passes_the_telegram_settings_to_the_gateway(tmp_path: Path) -> None:
    settings = Settings(
        var_dir=tmp_path, telegram_token="1:abc", telegram_base_url="http://127.0.0.1:9/bot", **WEBHOOK
    )
    env = Stack(settings, tmp_path / "model.tar.gz", "rasa-token").gateway.env
    assert env["HUURHULP_TELEGRAM_TOKEN"] == "1:abc"
    assert env["HUURHULP_TELEGRAM_BASE_URL"] == "http://127.0.0.1:9/bot"
    assert env["HUURHULP_TELEGRAM_WEBHOOK_URL"] == WEBHOOK["telegram_webhook_url"]
    assert env["HUURHULP_TELEGRAM_SECRET"] == SECRET
    assert Settings(
        **{k[len("HUURHULP_") :].lower(): v for k, v in env.items() if "TELEGRAM" in k}
    ).telegram_enabled


def test_callback_data_is_a_short_reference() -> None:
    data = callback_data(2_147_483_647, 11)
    assert len(data.encode()) <= 64
    assert parse_callback_data(data) == (2_147_483_647, 11)
    for forged in (None, "", "b:1", "x:1:2", "b:-1:0", 'b:1:/inform{"stage"}', "b:1:2:3"):
        assert parse_callback_data(forged) is None


# Modes -----------------------------------------------------------------------------------


def test_without_a_token_the_gateway_runs_without_telegram(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    settings = offline_settings(
        tmp_path, f"sqlite:///{tmp_path / 'huurhulp.db'}", telegram_base_url=fake.base_url
    )
    client = offline_client_factory(settings)
    assert client.app.state.gateway.telegram is None  # type: ignore[attr-defined]
    assert post_update(client, fake.text_update(1, "hallo")) == 404
    assert fake.calls() == []


def test_polling_mode_end_to_end(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake))
    fake.wait_for(lambda: fake.calls("getUpdates"), what="polling")
    methods = [c.method for c in fake.calls()]
    assert methods[0] == "getMe"
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    assert not fake.calls("setWebhook")

    started = time.monotonic()
    fake.queue_update(fake.text_update(4201, "/start", language_code="fr-BE"))
    sent = fake.wait_sent(4201, 3)
    round_trip = time.monotonic() - started
    print(f"polling: /start to third sendMessage in {round_trip:.2f} s")
    # First contact: the privacy notice, then (Rasa is down here) the honest answer, in French.
    assert sent[0] == texts.text("privacy_notice", "fr")
    assert sent[1] == texts.text("bot_unavailable", "fr")
    first_send = fake.sent(4201)[0].at
    typing = [c for c in fake.calls("sendChatAction") if int(c.params["chat_id"]) == 4201]
    assert typing and typing[0].params["action"] == "typing" and typing[0].at < first_send

    found = conversation(client, 4201)
    assert (found.channel, found.external_id, found.language) == ("telegram", "4201", "fr")
    assert found.state is ConversationState.WAITING
    assert [m.text for m in inbound(client, 4201)] == ["/start"]
    fake.wait_for(
        lambda: (
            [item.status for item in db_of(client).outbox.for_conversation(found.id)] == ["sent"] * len(sent)
        ),
        what="outbox marked sent",
    )


def test_webhook_mode_checks_the_secret(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    (set_webhook,) = fake.calls("setWebhook")
    assert set_webhook.params["url"] == WEBHOOK["telegram_webhook_url"]
    assert set_webhook.params["secret_token"] == SECRET
    assert set(set_webhook.params["allowed_updates"]) == {"message", "callback_query"}

    update = fake.text_update(77, "hallo, ik heb een brief gekregen")
    assert post_update(client, update, secret="wrong") == 403
    assert post_update(client, update, secret=None) == 403
    assert post_update(client, update, secret=SECRET + "x") == 403
    assert db_of(client).conversations.for_channel("telegram", "77")[1]  # created only now: nothing got in

    assert post_update(client, update) == 200
    fake.wait_sent(77, 3)
    assert post_update(client, update) == 200  # Telegram posting the same update again
    time.sleep(0.5)
    assert len(inbound(client, 77)) == 1
    assert not fake.calls("getUpdates")


def test_text_is_never_logged(
    tmp_path: Path,
    fake: FakeTelegram,
    offline_client_factory: Callable[[Settings], TestClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK, log_level="DEBUG"))
    secret_text = "mijn verhuurder Zwartepiet-Qx7 zet me eruit"
    assert post_update(client, fake.text_update(78, secret_text)) == 200
    fake.wait_sent(78, 3)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Zwartepiet-Qx7" not in logged
    assert fake.token not in logged
    assert "conversation" in logged  # the check would be empty if nothing was logged


# Buttons ---------------------------------------------------------------------------------


def test_buttons_are_inline_keyboards_and_old_ones_do_not_drive_the_bot(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    assert (
        post_update(
            client, fake.text_update(90, "I would like to talk to someone please", language_code="en")
        )
        == 200
    )
    fake.wait_sent(90, 3)
    with_buttons = [c for c in fake.sent(90) if c.params.get("reply_markup")]
    (button,) = keyboard_of(with_buttons[-1].params)
    assert button["text"] == texts.text("cancel_button", "en")
    assert conversation(client, 90).state is ConversationState.WAITING

    answers_before = len(fake.calls("answerCallbackQuery"))
    assert post_update(client, fake.callback_update(90, button["callback_data"])) == 200
    sent = fake.wait_sent(90, 4)
    assert sent[-1] == texts.text("cancelled", "en")
    (answer,) = fake.calls("answerCallbackQuery")[answers_before:]
    assert "show_alert" not in answer.params  # a plain acknowledgement
    assert conversation(client, 90).state is ConversationState.BOT
    pressed = inbound(client, 90)[-1]
    assert (pressed.text, pressed.payload) == (button["text"], {"pressed": "/cancel_waiting"})

    # The same keyboard again: the newest message offers no buttons any more.
    assert post_update(client, fake.callback_update(90, button["callback_data"])) == 200
    alert = fake.wait_for(lambda: fake.calls("answerCallbackQuery")[answers_before + 1 :], what="answer")[0]
    assert alert.params["show_alert"] is True
    assert alert.params["text"] == texts.text("stale_button", "en")
    assert inbound(client, 90)[-1].status == "stale"
    # A forged reference (another chat's or no message) gets the same answer, nothing routed.
    assert post_update(client, fake.callback_update(90, "b:1:0")) == 200
    assert post_update(client, fake.callback_update(90, "b:999999:0")) == 200
    fake.wait_for(lambda: len(fake.calls("answerCallbackQuery")) >= answers_before + 4, what="answers")
    time.sleep(0.3)
    assert len(fake.sent(90)) == 4
    assert conversation(client, 90).state is ConversationState.BOT


def test_a_long_rasa_payload_travels_as_a_reference(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    db = db_of(client)
    found, _ = db.conversations.for_channel("telegram", "91")
    payload = '/inform{"stage": "eviction_scheduled", "eviction_date": "2026-12-01", "source": "letter"}'
    assert len(payload.encode()) > 64
    db.conversations.store_outbound(
        found.id, [Outbound(text="Wat staat er in de brief?", buttons=(Button("Uithuiszetting", payload),))]
    )
    client.app.state.gateway.telegram.outbox.wake()  # type: ignore[attr-defined]
    fake.wait_sent(91, 1)
    (button,) = keyboard_of(fake.sent(91)[0].params)
    assert len(button["callback_data"].encode()) <= 64

    assert post_update(client, fake.callback_update(91, button["callback_data"])) == 200
    fake.wait_for(lambda: len(inbound(client, 91)) == 1, what="the press stored")
    pressed = inbound(client, 91)[0]
    assert (pressed.text, pressed.payload) == ("Uithuiszetting", {"pressed": payload})


# Media -----------------------------------------------------------------------------------

MEDIA: dict[str, dict[str, Any]] = {
    "voice": {"voice": {"file_id": "voice-1", "file_unique_id": "uv1", "duration": 3}},
    "audio": {"audio": {"file_id": "audio-1", "file_unique_id": "ua1", "duration": 30}},
    "video": {
        "video": {"file_id": "video-1", "file_unique_id": "uvi", "width": 1, "height": 1, "duration": 1}
    },
    "video_note": {"video_note": {"file_id": "vn-1", "file_unique_id": "uvn", "length": 1, "duration": 1}},
    "sticker": {
        "sticker": {
            "file_id": "st-1",
            "file_unique_id": "ust",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    },
    "location": {"location": {"latitude": 50.93, "longitude": 5.33}},
    "contact": {"contact": {"phone_number": "+32470000000", "first_name": "Ann"}},
    "poll": {
        "poll": {
            "id": "p1",
            "question": "?",
            "options": [
                {"text": "a", "voter_count": 0, "persistent_id": "0"},
                {"text": "b", "voter_count": 0, "persistent_id": "1"},
            ],
            "allows_revoting": False,
            "members_only": False,
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
    },
    "photo": {
        "photo": [
            {"file_id": "photo-small", "file_unique_id": "ups", "width": 90, "height": 120},
            {"file_id": "photo-large", "file_unique_id": "upl", "width": 900, "height": 1200},
        ]
    },
    "document": {
        "document": {
            "file_id": "doc-1",
            "file_unique_id": "ud1",
            "file_name": "vonnis<1>.pdf",
            "mime_type": "application/pdf",
        }
    },
}


def test_media_are_stored_and_answered_kindly(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    for fields in MEDIA.values():
        assert post_update(client, fake.message_update(95, language_code="fr", **fields)) == 200
    # Privacy notice once, then one kind answer per message, in the tenant's language.
    sent = fake.wait_sent(95, 1 + len(MEDIA))
    assert sent[0] == texts.text("privacy_notice", "fr")
    assert sent[1:] == [texts.text("only_text", "fr")] * len(MEDIA)
    stored = inbound(client, 95)
    assert [m.text for m in stored] == [f"[{kind}]" for kind in MEDIA]
    assert all(m.status == "handled" for m in stored)
    by_kind = {m.payload["media"]["kind"]: m.payload["media"] for m in stored}
    assert by_kind["voice"]["file_id"] == "voice-1"
    assert by_kind["photo"]["file_id"] == "photo-large"  # the largest size
    assert "attachment" not in stored[0].to_dict()  # with the bot, nothing goes to a console
    assert conversation(client, 95).state is ConversationState.BOT  # Rasa was never asked


def login(client: TestClient, username: str = "ann") -> dict[str, str]:
    db_of(client).caseworkers.add(username, username.capitalize(), hash_password(PASSWORD))
    response = client.post("/api/console/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def test_photos_and_documents_reach_the_caseworker(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    photo, document = b"\xff\xd8\xff\xe0 a photo of a letter", b"%PDF-1.4 a judgment"
    fake.add_file("photo-large", photo, "photos/file_1.jpg")
    fake.add_file("doc-1", document, "documents/file_2.pdf")
    assert post_update(client, fake.text_update(96, "ik wil met een mens praten")) == 200
    fake.wait_sent(96, 3)  # Rasa is down: privacy notice, honest answer, waiting (+ stop button)
    assert conversation(client, 96).state is ConversationState.WAITING

    assert post_update(client, fake.message_update(96, **MEDIA["photo"])) == 200
    assert post_update(client, fake.message_update(96, **MEDIA["voice"])) == 200
    assert post_update(client, fake.message_update(96, **MEDIA["document"])) == 200
    sent = fake.wait_sent(96, 6)
    assert sent[3:] == [
        texts.text("photo_forwarded", "nl"),
        texts.text("only_text_person", "nl"),
        texts.text("document_forwarded", "nl"),
    ]
    # While waiting, the newest message keeps the "stop waiting" button.
    assert keyboard_of(fake.sent(96)[-1].params)[0]["text"] == texts.text("cancel_button", "nl")

    assert client.get("/api/console/cases/1/attachments/1").status_code == 401
    login(client)
    case_id = db_of(client).cases.open_for_conversation(conversation(client, 96).id).id  # type: ignore[union-attr]
    case = client.get(f"/api/console/cases/{case_id}").json()
    attached = {m["id"]: m["attachment"] for m in case["messages"] if "attachment" in m}
    assert list(attached.values()) == [
        {"kind": "photo", "file_name": None},
        {"kind": "document", "file_name": "vonnis<1>.pdf"},
    ]
    photo_id, document_id = attached
    got = client.get(f"/api/console/cases/{case_id}/attachments/{photo_id}")
    assert got.status_code == 200 and got.content == photo
    assert got.headers["content-type"] == "image/jpeg"
    assert [c.params["file_id"] for c in fake.calls("getFile")] == ["photo-large"]
    assert fake.calls("downloadFile")[-1].params["path"] == "photos/file_1.jpg"
    got = client.get(f"/api/console/cases/{case_id}/attachments/{document_id}")
    assert got.status_code == 200 and got.content == document
    assert got.headers["content-disposition"] == 'attachment; filename="vonnis_1_.pdf"'
    assert got.headers["content-type"] == "application/octet-stream"
    # The voice note is stored but is no attachment; ids of other cases' messages are refused.
    voice_id = next(m["id"] for m in case["messages"] if m["text"] == "[voice]")
    assert client.get(f"/api/console/cases/{case_id}/attachments/{voice_id}").status_code == 404
    assert client.get(f"/api/console/cases/{case_id + 1}/attachments/{photo_id}").status_code == 404


# Delivery --------------------------------------------------------------------------------


def test_flood_control_is_retried_after_retry_after(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    fake.fail_next_sends(1, retry_after=1)
    assert post_update(client, fake.text_update(97, "hallo")) == 200
    sent = fake.wait_sent(97, 3)
    assert sent[:2] == [texts.text("privacy_notice", "nl"), texts.text("bot_unavailable", "nl")]
    attempts = [c for c in fake.calls("sendMessage") if int(c.params["chat_id"]) == 97]
    assert [c.status for c in attempts[:2]] == [429, 200]
    gap = attempts[1].at - attempts[0].at
    print(f"429 retry_after=1: retried after {gap:.2f} s")
    assert 1.0 <= gap < 3.0
    first = db_of(client).outbox.for_conversation(conversation(client, 97).id)[0]
    assert (first.status, first.attempts, first.last_error) == ("sent", 2, "retry_after")


def test_messages_wait_in_the_outbox_while_telegram_is_unreachable(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    fake.go_offline()
    assert post_update(client, fake.text_update(98, "hallo")) == 200  # Telegram -> us still works
    db = db_of(client)
    fake.wait_for(
        lambda: len(db.outbox.for_conversation(conversation(client, 98).id)) == 3, what="stored replies"
    )
    time.sleep(2.5)  # at least two failed attempts (after 0 s and 1 s)
    items = db.outbox.for_conversation(conversation(client, 98).id)
    assert [i.status for i in items] == ["pending"] * 3
    assert items[0].attempts >= 2 and items[0].last_error == "networkerror"
    assert items[1].attempts == 0  # later messages wait for the first: order is kept

    back = time.monotonic()
    fake.go_online()
    sent = fake.wait_sent(98, 3, timeout=20)
    print(f"outage: delivered {time.monotonic() - back:.2f} s after Telegram came back")
    assert sent[0] == texts.text("privacy_notice", "nl")
    fake.wait_for(
        lambda: [i.status for i in db.outbox.for_conversation(conversation(client, 98).id)] == ["sent"] * 3,
        what="outbox marked sent",
    )


def test_pending_messages_are_sent_at_startup_paced_per_chat(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    settings = telegram_settings(tmp_path, fake, **WEBHOOK, telegram_chat_interval=1.0)
    db = Database(settings.effective_database_url)
    db.migrate()
    first, _ = db.conversations.for_channel("telegram", "501")
    second, _ = db.conversations.for_channel("telegram", "502")
    db.conversations.store_outbound(
        first.id, [Outbound(text=f"eerste {n}", author="caseworker") for n in range(3)]
    )
    db.conversations.store_outbound(second.id, [Outbound(text="tweede 0", author="system")])
    web, _ = db.conversations.create_web("nl")
    db.conversations.store_outbound(web.id, [Outbound(text="web")])  # the web chat has no outbox
    assert [m.status for m in db.conversations.messages_after(first.id)] == ["queued"] * 3
    assert db.outbox.for_conversation(web.id) == []
    db.dispose()

    client = offline_client_factory(settings)  # a restart: nothing was sent before
    assert fake.wait_sent(501, 3) == ["eerste 0", "eerste 1", "eerste 2"]
    to_first = fake.sent(501)
    gaps = [b.at - a.at for a, b in itertools.pairwise(to_first)]
    print("per-chat gaps: " + ", ".join(f"{gap:.2f} s" for gap in gaps))
    assert all(gap >= 0.95 for gap in gaps)
    assert fake.sent(502)[0].at < to_first[1].at  # another chat is not held up by this one
    fake.wait_for(
        lambda: [m.status for m in db_of(client).conversations.messages_after(first.id)] == ["sent"] * 3,
        what="messages marked sent",
    )


def test_the_gateway_starts_while_telegram_is_down_and_connects_later(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    fake.go_offline()
    started = time.monotonic()
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    assert time.monotonic() - started < 10  # the web chat and console do not wait for Telegram
    assert client.get("/healthz").status_code == 503  # (Rasa is down here; the gateway answers)
    assert post_update(client, fake.text_update(99, "hallo")) == 503  # Telegram will post again
    fake.go_online()
    fake.wait_for(lambda: fake.calls("setWebhook"), timeout=20, what="setWebhook after the outage")
    fake.wait_for(lambda: client.app.state.gateway.telegram.ready, what="ready")  # type: ignore[attr-defined]
    assert post_update(client, fake.text_update(99, "hallo")) == 200
    assert fake.wait_sent(99, 3)[0] == texts.text("privacy_notice", "nl")


def test_a_chat_that_blocked_the_bot_fails_without_holding_up_others(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    settings = telegram_settings(tmp_path, fake, **WEBHOOK)
    db = Database(settings.effective_database_url)
    db.migrate()
    blocked, _ = db.conversations.for_channel("telegram", "601")
    fine, _ = db.conversations.for_channel("telegram", "602")
    db.conversations.store_outbound(blocked.id, [Outbound(text="een"), Outbound(text="twee")])
    db.conversations.store_outbound(fine.id, [Outbound(text="drie")])
    db.dispose()
    fake.block(601)

    client = offline_client_factory(settings)
    assert fake.wait_sent(602, 1) == ["drie"]
    fake.wait_for(
        lambda: [i.status for i in db_of(client).outbox.for_conversation(blocked.id)] == ["failed", "failed"],
        what="blocked chat marked failed",
    )
    items = db_of(client).outbox.for_conversation(blocked.id)
    assert [(i.attempts, i.last_error) for i in items] == [(1, "forbidden"), (1, "forbidden")]
    assert [m.status for m in db_of(client).conversations.messages_after(blocked.id)] == ["failed", "failed"]


# The tenant's rights (issue 13) ---------------------------------------------------------------


def test_verwijder_erases_the_chats_conversation_everywhere(
    tmp_path: Path,
    fake: FakeTelegram,
    offline_client_factory: Callable[[Settings], TestClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.privacy import marker, tables_containing, write_rasa_conversation

    caplog.set_level(logging.DEBUG)
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    db = db_of(client)
    secret = marker()
    assert post_update(client, fake.text_update(95, f"mijn huisbaas {secret} zet me eruit")) == 200
    fake.wait_sent(95, 3)  # privacy notice, honest answer (Rasa is down), the queue
    old = conversation(client, 95)
    case = db.cases.open_for_conversation(old.id)
    assert case is not None and old.state is ConversationState.WAITING
    database = f"sqlite:///{tmp_path / 'huurhulp.db'}"
    tracker = database  # Rasa's tracker store is the gateway's own database (its events table)
    write_rasa_conversation(tracker, old.id, f"mijn huisbaas {secret} zet me eruit")

    assert post_update(client, fake.text_update(95, "/verwijder")) == 200
    sent = fake.wait_sent(95, 4)
    assert sent[-1] == texts.text("erase_confirm", "nl")
    yes, no = keyboard_of(fake.sent(95)[-1].params)
    assert (yes["text"], no["text"]) == (texts.text("erase_yes", "nl"), texts.text("erase_no", "nl"))
    assert tables_containing(database, secret)

    assert post_update(client, fake.callback_update(95, yes["callback_data"])) == 200
    assert fake.wait_sent(95, 5)[-1] == texts.text("erased_telegram", "nl")

    assert tables_containing(database, secret) == {}
    assert tables_containing(tracker, secret) == {}
    closed = db.cases.get(case.id)
    assert (closed.status.value, closed.outcome) == ("closed", "erased")
    assert db.audit.recent(case_id=case.id)[0].action == "erased"
    assert all(secret not in record.getMessage() for record in caplog.records)
    # Writing again starts afresh: a new conversation, the privacy notice first.
    assert post_update(client, fake.text_update(95, "hallo")) == 200
    assert fake.wait_sent(95, 7)[5] == texts.text("privacy_notice", "nl")
    assert conversation(client, 95).id != old.id


def test_delete_then_no_keeps_and_typed_words_work_too(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    assert post_update(client, fake.text_update(96, "/delete", language_code="en")) == 200
    sent = fake.wait_sent(96, 2)
    assert sent == [texts.text("privacy_notice", "en"), texts.text("erase_confirm", "en")]
    _, no = keyboard_of(fake.sent(96)[-1].params)
    assert post_update(client, fake.callback_update(96, no["callback_data"])) == 200
    assert fake.wait_sent(96, 3)[-1] == texts.text("erase_kept", "en")
    kept = conversation(client, 96)
    assert [m.text for m in inbound(client, 96)] == ["/delete", texts.text("erase_no", "en")]

    assert post_update(client, fake.text_update(96, "please delete my data", language_code="en")) == 200
    assert fake.wait_sent(96, 4)[-1] == texts.text("erase_confirm", "en")
    assert post_update(client, fake.text_update(96, "yes", language_code="en")) == 200
    assert fake.wait_sent(96, 5)[-1] == texts.text("erased_telegram", "en")
    assert db_of(client).conversations.messages_after(kept.id) == []


def test_intrekken_withdraws_the_consent(
    tmp_path: Path, fake: FakeTelegram, offline_client_factory: Callable[[Settings], TestClient]
) -> None:
    client = offline_client_factory(telegram_settings(tmp_path, fake, **WEBHOOK))
    db = db_of(client)
    found, _ = db.conversations.for_channel("telegram", "97")
    case = db.cases.open(
        found.id,
        {
            "reason": "consent",
            "priority": "P4",
            "stage": "payment_worry",
            "intake": {"handoff_consent": True, "health_problems": True},
            "flags": ["health_problems"],
        },
    )
    assert post_update(client, fake.text_update(97, "/intrekken")) == 200
    assert fake.wait_sent(97, 2)[-1] == texts.text("consent_withdrawn", "nl")
    assert (db.cases.get(case.id).summary, db.cases.get(case.id).flags) == ({}, ())

"""Telegram end to end: the shared real stack (action server, Rasa, gateway process started
as ``huurhulp run`` starts it), whose gateway polls the fake Bot API server.

tenant /start -> greeting with an inline keyboard -> button press -> text -> handoff ->
caseworker claims and replies in the console -> the reply arrives as a Telegram message
-> a photo of a letter reaches the console -> release -> the bot answers again.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from bot import texts
from bot.auth import hash_password
from bot.states import ConversationState
from tests.fake_telegram import FakeTelegram
from tests.stack_fixtures import RunningStack

pytestmark = pytest.mark.integration

PASSWORD = "a long enough password"
CASEWORKER = "ann-telegram"


@pytest.fixture(scope="module")
def fake(fake_telegram: FakeTelegram) -> FakeTelegram:
    """The shared stack's fake Bot API server; each test talks in chats of its own."""
    return fake_telegram


@pytest.fixture(scope="module")
def telegram_stack(live_stack: RunningStack) -> RunningStack:
    """The shared stack (its gateway polls the fake Telegram) with this module's caseworker.

    The caseworker's username is this module's own; other modules log in as theirs.
    """
    db = live_stack.database()
    try:
        db.caseworkers.add(CASEWORKER, "Ann", hash_password(PASSWORD))
    finally:
        db.dispose()
    return live_stack


def say(fake: FakeTelegram, chat_id: int, text: str, language_code: str = "nl", count: int = 1) -> list[str]:
    """Send a text (or command) and wait for ``count`` new messages to the chat."""
    before = len(fake.sent(chat_id))
    fake.queue_update(fake.text_update(chat_id, text, language_code=language_code))
    return fake.wait_sent(chat_id, before + count, timeout=30)[before:]


def press(fake: FakeTelegram, chat_id: int, title: str, count: int = 1) -> list[str]:
    """Press the button ``title`` on the newest keyboard; wait for ``count`` new messages."""
    markup = next(
        c.params["reply_markup"] for c in reversed(fake.sent(chat_id)) if c.params.get("reply_markup")
    )
    data = next(row[0]["callback_data"] for row in markup["inline_keyboard"] if row[0]["text"] == title)
    before = len(fake.sent(chat_id))
    fake.queue_update(fake.callback_update(chat_id, data))
    return fake.wait_sent(chat_id, before + count, timeout=30)[before:]


def buttons(fake: FakeTelegram, chat_id: int) -> list[str]:
    """Titles on the newest message, if it has a keyboard."""
    markup = fake.sent(chat_id)[-1].params.get("reply_markup") or {}
    return [row[0]["text"] for row in markup.get("inline_keyboard", [])]


def test_a_conversation_through_telegram(telegram_stack: RunningStack, fake: FakeTelegram) -> None:
    methods = [c.method for c in fake.calls()]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")  # polling mode

    started = time.monotonic()
    greeting = say(fake, 7001, "/start", language_code="en", count=2)
    print(f"real stack: /start to greeting in {time.monotonic() - started:.2f} s")
    assert greeting[0] == texts.text("privacy_notice", "en")
    assert "Huurhulp" in greeting[1] and greeting[1].startswith("Hello")
    offered = buttons(fake, 7001)
    assert len(offered) == 2

    started = time.monotonic()
    capabilities = press(fake, 7001, offered[0])  # "What can you do?"
    print(f"real stack: button press to answer in {time.monotonic() - started:.2f} s")
    assert capabilities[0].startswith("I can")
    assert fake.calls("answerCallbackQuery")

    db = telegram_stack.database()
    try:
        conversation, created = db.conversations.for_channel("telegram", "7001")
        assert not created and conversation.language == "en"
        stored = [m for m in db.conversations.messages_after(conversation.id) if m.direction == "in"]
        assert [m.text for m in stored] == ["/start", offered[0]]
        assert all(m.status == "handled" for m in stored)
        assert stored[1].payload == {"pressed": "/capabilities"}
    finally:
        db.dispose()

    # A free text goes through NLU like the web chat; typing shows while Rasa thinks.
    typing_before = len(fake.calls("sendChatAction"))
    answer = say(fake, 7001, "I cannot pay my rent this month, what can I do?", language_code="en")
    assert answer and texts.text("bot_unavailable", "en") not in answer
    assert len(fake.calls("sendChatAction")) > typing_before

    # What Rasa itself received: /start as the mapped intent, a typed /intent neutralised
    # into the capabilities (it drives nothing, opens no case).
    say(fake, 7001, '/request_human{"priority": "S"}', language_code="en")
    received = rasa_user_texts(telegram_stack, conversation.id)
    assert received[:2] == ["/greet", "/capabilities"]
    assert received[-1] == "/capabilities"


@pytest.mark.parametrize(
    ("chat_id", "text", "language_code"),
    [
        (7101, "de verwarming is kapot en de huisbaas komt niet", "nl"),
        (7102, "mijn kind is ziek vandaag", "nl"),
        (7103, "/restart", "nl"),
        (7104, "the heating is broken", "en"),
    ],
)
def test_out_of_scope_gets_a_calm_answer_and_no_case(
    telegram_stack: RunningStack, fake: FakeTelegram, chat_id: int, text: str, language_code: str
) -> None:
    replies = say(fake, chat_id, text, language_code=language_code, count=2)
    assert replies[0] == texts.text("privacy_notice", language_code)
    assert all(texts.text("bot_unavailable", language_code) != reply for reply in replies)
    db = telegram_stack.database()
    try:
        conversation, _ = db.conversations.for_channel("telegram", str(chat_id))
        assert conversation.state is ConversationState.BOT
        assert conversation.handoff is None
        assert db.cases.open_for_conversation(conversation.id) is None
    finally:
        db.dispose()


def rasa_user_texts(stack: RunningStack, conversation_id: str) -> list[str]:
    """The user messages in Rasa's tracker of a conversation (through its HTTP API)."""
    response = httpx.get(
        f"{stack.settings.effective_rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": stack.token},
        timeout=30,
    )
    assert response.status_code == 200
    return [event["text"] for event in response.json()["events"] if event["event"] == "user"]


def test_a_deep_link_chooses_the_language(telegram_stack: RunningStack, fake: FakeTelegram) -> None:
    greeting = say(fake, 7002, "/start fr", language_code="nl", count=2)
    assert greeting[0] == texts.text("privacy_notice", "fr")
    assert greeting[1].startswith("Bonjour")


def console_login(stack: RunningStack) -> tuple[httpx.Client, dict[str, str]]:
    client = stack.client()
    response = client.post("/api/console/login", json={"username": CASEWORKER, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client, {"X-CSRF-Token": response.json()["csrf_token"]}


def test_handoff_and_a_caseworker_reply_over_telegram(
    telegram_stack: RunningStack, fake: FakeTelegram
) -> None:
    chat = 7003
    say(fake, chat, "/start", count=2)
    before = len(fake.sent(chat))
    say(fake, chat, "ik wil met een echte persoon praten aub")
    fake.wait_for(lambda: buttons(fake, chat) == [texts.text("cancel_button", "nl")], what="stop button")
    assert "wachtrij" in " ".join(fake.sent_texts(chat)[before:])  # the place in the queue

    ann, csrf = console_login(telegram_stack)
    try:
        cases = ann.get("/api/console/cases", params={"status": "waiting"}).json()["cases"]
        db = telegram_stack.database()
        try:
            conversation_id = db.conversations.for_channel("telegram", str(chat))[0].id
        finally:
            db.dispose()
        case: dict[str, Any] = next(c for c in cases if c["conversation_id"] == conversation_id)
        assert case["channel"] == "telegram"
        assert ann.post(f"/api/console/cases/{case['id']}/claim", headers=csrf).status_code == 200
        joined = fake.wait_sent(chat, len(fake.sent(chat)) + 1, timeout=15)[-1]
        assert joined == texts.text("caseworker_joined", "nl", name="Ann")

        started = time.monotonic()
        reply = "Dag, ik ben Ann van het CAW. Kan je een foto van de brief sturen?"
        sent = ann.post(f"/api/console/cases/{case['id']}/messages", json={"text": reply}, headers=csrf)
        assert sent.status_code == 201
        arrived = fake.wait_sent(chat, len(fake.sent(chat)) + 1, timeout=15)[-1]
        print(f"real stack: caseworker reply to Telegram in {time.monotonic() - started:.2f} s")
        assert arrived == f"Ann: {reply}"

        # The tenant photographs the letter: it reaches the console, the tenant is told.
        fake.add_file("letter-photo", b"\xff\xd8\xff a letter", "photos/letter.jpg")
        photo = [{"file_id": "letter-photo", "file_unique_id": "ul", "width": 800, "height": 1000}]
        fake.queue_update(fake.message_update(chat, photo=photo))
        told = fake.wait_sent(chat, len(fake.sent(chat)) + 1, timeout=15)[-1]
        assert told == texts.text("photo_forwarded", "nl")
        messages = ann.get(f"/api/console/cases/{case['id']}").json()["messages"]
        attachment = next(m for m in messages if m.get("attachment"))
        opened = ann.get(f"/api/console/cases/{case['id']}/attachments/{attachment['id']}")
        assert opened.status_code == 200 and opened.content == b"\xff\xd8\xff a letter"

        # The tenant's text reaches the case, not Rasa.
        fake.queue_update(fake.text_update(chat, "dank je, hier is de brief"))

        def tenant_texts() -> list[str]:
            found = ann.get(f"/api/console/cases/{case['id']}/messages").json()["messages"]
            return [m["text"] for m in found if m["direction"] == "in"]

        fake.wait_for(lambda: "dank je, hier is de brief" in tenant_texts(), what="tenant text in the case")

        released = ann.post(f"/api/console/cases/{case['id']}/release", headers=csrf)
        assert released.status_code == 200
        back = fake.wait_sent(chat, len(fake.sent(chat)) + 1, timeout=30)[-1]
        assert "chatbot" in back
    finally:
        ann.close()

    db = telegram_stack.database()
    try:
        conversation, _ = db.conversations.for_channel("telegram", str(chat))
        assert conversation.state is ConversationState.BOT
        assert all(item.status == "sent" for item in db.outbox.for_conversation(conversation.id))
    finally:
        db.dispose()


def test_language_code_greets_and_an_older_language_button_switches(
    telegram_stack: RunningStack, fake: FakeTelegram
) -> None:
    chat = 7004
    greeting = say(fake, chat, "/start", language_code="uk", count=2)
    assert greeting[0] == texts.text("privacy_notice", "uk")
    assert any("\u0400" <= char <= "\u04ff" for char in greeting[1]), "greeted in Ukrainian"
    # The language buttons sit on the privacy notice, an older message by now.
    notice = next(c for c in fake.sent(chat) if c.params.get("text") == greeting[0])
    rows = notice.params["reply_markup"]["inline_keyboard"]
    data = next(button["callback_data"] for row in rows for button in row if button["text"] == "Türkçe")
    before = len(fake.sent(chat))
    fake.queue_update(fake.callback_update(chat, data))
    switched = fake.wait_sent(chat, before + 1, timeout=30)[before:]
    assert switched[0] == texts.text("language_switched", "tr")

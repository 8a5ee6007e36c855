"""The whole handoff through the real stack, in Dutch, French and English.

tenant asks for a person (web API) -> case waiting -> caseworker logs in, claims, replies
-> the tenant receives it live (WebSocket) and by polling -> the tenant's answer reaches
the case -> release -> Rasa is told and the bot answers again.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets

from bot.auth import hash_password
from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = pytest.mark.integration

PASSWORD = "a long enough password"
LANGUAGES = {
    "nl": (
        "ik wil met een echte persoon praten aub",
        "wachtrij",
        "Dag, ik ben Ann van het CAW.",
        "dank je, ik heb een brief van de deurwaarder",
        "chatbot",
    ),
    "fr": (
        "je voudrais parler à une vraie personne s'il vous plaît",
        "file",
        "Bonjour, je suis Ann du CAW.",
        "merci, j'ai une lettre de l'huissier",
        "chatbot",
    ),
    "en": (
        "I would like to talk to a real person please",
        "queue",
        "Hello, I am Ann from the CAW.",
        "thank you, I have a letter from the bailiff",
        "chatbot",
    ),
}


@pytest.fixture(scope="module")
def caseworkers(live_stack: RunningStack) -> list[str]:
    db = live_stack.database()
    try:
        for name in ("ann", "bob"):
            if db.caseworkers.by_username(name) is None:
                db.caseworkers.add(name, name.capitalize(), hash_password(PASSWORD))
    finally:
        db.dispose()
    return ["ann", "bob"]


def console_client(live_stack: RunningStack, username: str) -> tuple[httpx.Client, dict[str, str]]:
    client = live_stack.client()
    response = client.post("/api/console/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client, {"X-CSRF-Token": response.json()["csrf_token"]}


async def next_pushed(socket: Any, author: str, timeout: float = 30.0) -> dict[str, Any]:
    """The next pushed message by ``author`` on the tenant's WebSocket."""

    async def wait() -> dict[str, Any]:
        while True:
            event = json.loads(await socket.recv())
            if event.get("type") == "message" and event["message"]["author"] == author:
                return dict(event["message"])

    return await asyncio.wait_for(wait(), timeout)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
async def test_tenant_to_caseworker_and_back(
    live_stack: RunningStack, caseworkers: list[str], language: str
) -> None:
    ask, queue_word, reply_text, answer, back_word = LANGUAGES[language]
    with live_stack.client() as http:
        tenant = WebTenant(http)
        asked = tenant.say(ask)
        assert asked["mode"] == "waiting" and asked["language"] == language, asked
        waiting_text = " ".join(r["text"] for r in asked["replies"])
        assert queue_word in waiting_text
        assert any(b["payload"] == "/cancel_waiting" for r in asked["replies"] for b in r["buttons"])
        last_id = tenant.history()[-1]["id"]

        ws_url = (
            live_stack.base_url.replace("http", "ws") + f"/api/web/conversations/{tenant.conversation_id}/ws"
        )
        async with websockets.connect(ws_url) as socket:
            await socket.send(json.dumps({"token": tenant.token, "after": last_id}))
            assert json.loads(await socket.recv()) == {"type": "ready"}

            ann, ann_csrf = console_client(live_stack, "ann")
            bob, bob_csrf = console_client(live_stack, "bob")
            try:
                cases = ann.get("/api/console/cases", params={"status": "waiting"}).json()["cases"]
                case = next(c for c in cases if c["conversation_id"] == tenant.conversation_id)
                assert (case["language"], case["channel"], case["status"]) == (language, "web", "waiting")
                assert case["reason"] == "requested"

                assert ann.post(f"/api/console/cases/{case['id']}/claim", headers=ann_csrf).status_code == 200
                assert bob.post(f"/api/console/cases/{case['id']}/claim", headers=bob_csrf).status_code == 409
                joined = await next_pushed(socket, "system")
                assert "Ann" in joined["text"]

                sent = ann.post(
                    f"/api/console/cases/{case['id']}/messages", json={"text": reply_text}, headers=ann_csrf
                )
                assert sent.status_code == 201
                pushed = await next_pushed(socket, "caseworker")
                assert pushed["text"] == reply_text and pushed["author_name"] == "Ann"
                polled = [m["text"] for m in tenant.history() if m["author"] == "caseworker"]
                assert polled == [reply_text]

                meanwhile = tenant.say(answer)
                assert meanwhile["mode"] == "caseworker" and meanwhile["replies"] == []
                transcript = ann.get(
                    f"/api/console/cases/{case['id']}/messages", params={"after": pushed["id"]}
                ).json()
                assert [m["text"] for m in transcript["messages"]] == [answer]

                released = ann.post(f"/api/console/cases/{case['id']}/release", headers=ann_csrf)
                assert released.status_code == 200 and released.json()["case"]["status"] == "closed"
                welcome_back = await next_pushed(socket, "bot")
                assert back_word in welcome_back["text"]
            finally:
                ann.close()
                bob.close()

        again = tenant.say("hallo" if language == "nl" else "bonjour" if language == "fr" else "hello")
        assert again["mode"] == "bot" and again["replies"]


def test_a_crisis_while_waiting_jumps_the_queue(live_stack: RunningStack, caseworkers: list[str]) -> None:
    with live_stack.client() as http:
        tenant = WebTenant(http)
        assert tenant.say("ik wil met iemand praten")["mode"] == "waiting"
        result = tenant.say("ik kan niet meer, ik wil dood")
        assert "1813" in " ".join(r["text"] for r in result["replies"])
        ann, _ = console_client(live_stack, "ann")
        try:
            cases = ann.get("/api/console/cases", params={"status": "waiting"}).json()["cases"]
        finally:
            ann.close()
        mine = next(c for c in cases if c["conversation_id"] == tenant.conversation_id)
        assert mine["priority"] == "S"
        assert cases[0]["priority"] == "S"  # S cases come first


def test_the_tenant_can_stop_waiting(live_stack: RunningStack) -> None:
    with live_stack.client() as http:
        tenant = WebTenant(http)
        asked = tenant.say("ik wil met een mens praten")
        cancel = next(b for r in asked["replies"] for b in r["buttons"] if b["payload"] == "/cancel_waiting")
        stopped = tenant.say(cancel["title"], payload=cancel["payload"])
        assert stopped["mode"] == "bot"
        assert tenant.say("hallo")["mode"] == "bot"

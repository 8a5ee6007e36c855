"""The web chat API: authorisation, bad input, and an honest answer when Rasa is down.

These tests run the real gateway app with nothing listening on Rasa's and the action
server's ports, which is exactly the "Rasa is down" situation. The conversations with a
live Rasa are in tests/integration.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot import texts
from bot.app import create_app
from bot.settings import Settings
from bot.storage.database import Database
from tests.conftest import offline_settings

MAX_CHARS = 500


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return offline_settings(tmp_path, database_url, max_message_chars=MAX_CHARS)


@pytest.fixture
def client(settings: Settings, offline_client_factory: Callable[[Settings], TestClient]) -> TestClient:
    return offline_client_factory(settings)


@pytest.fixture
def conversation(client: TestClient) -> dict[str, str]:
    response = client.post("/api/web/conversations")
    assert response.status_code == 201
    body: dict[str, str] = response.json()
    return body


def _post(client: TestClient, conversation: dict[str, str], content: bytes | str, token: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/web/conversations/{conversation['conversation_id']}/messages",
        content=content,
        headers={
            "Authorization": f"Bearer {token or conversation['token']}",
            "Content-Type": "application/json",
        },
    )


def _error_code(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"}, body
    return str(body["error"]["code"])


def test_create_conversation(client: TestClient) -> None:
    response = client.post("/api/web/conversations", json={"language": "fr"})
    assert response.status_code == 201
    body = response.json()
    assert len(body["conversation_id"]) == 32 and len(body["token"]) >= 32
    assert body["language"] == "fr" and body["mode"] == "bot"
    assert (
        _error_code(client.post("/api/web/conversations", json={"language": "xx"})) == "unsupported_language"
    )
    assert _error_code(client.post("/api/web/conversations", content=b"{oops")) == "malformed_json"


def test_missing_or_wrong_token_is_401(client: TestClient, conversation: dict[str, str]) -> None:
    url = f"/api/web/conversations/{conversation['conversation_id']}/messages"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": conversation["token"]}):
        response = client.post(url, json={"text": "hallo"}, headers=headers)
        assert response.status_code == 401
        assert _error_code(response) == "unauthorized"
        assert client.get(url, headers=headers).status_code == 401
    other = client.post("/api/web/conversations").json()
    assert _post(client, conversation, '{"text": "hallo"}', token=other["token"]).status_code == 401


def test_unknown_conversation_is_404(client: TestClient, conversation: dict[str, str]) -> None:
    response = client.post(
        "/api/web/conversations/" + "0" * 32 + "/messages",
        json={"text": "hallo"},
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )
    assert response.status_code == 404
    assert _error_code(response) == "conversation_not_found"


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"", 400, "malformed_json"),
        (b'["hallo"]', 400, "malformed_json"),
        (b"\xff\xfe\x00\x81binary\x00", 400, "malformed_json"),
        pytest.param(random.Random(7).randbytes(256), 400, "malformed_json", id="random-bytes"),
        (b'{"text": 42}', 422, "text_required"),
        (b'{"message": "hallo"}', 422, "text_required"),
        (b'{"text": ""}', 422, "empty_text"),
        (b'{"text": "   \\n\\t "}', 422, "empty_text"),
        (b'{"text": "\\u0000\\u0007"}', 422, "empty_text"),
        (b'{"text": "hallo", "payload": ["x"]}', 422, "invalid_payload"),
        pytest.param(json.dumps({"text": "a" * (MAX_CHARS + 1)}).encode(), 422, "text_too_long", id="long"),
        pytest.param(json.dumps({"text": "a" * (MAX_CHARS * 20)}).encode(), 413, "body_too_large", id="huge"),
    ],
)
def test_bad_input_gets_a_clear_error(
    client: TestClient, conversation: dict[str, str], content: bytes, status: int, code: str
) -> None:
    response = _post(client, conversation, content)
    assert response.status_code == status
    assert _error_code(response) == code
    assert "Traceback" not in response.text


def test_rejected_input_stores_nothing(client: TestClient, conversation: dict[str, str]) -> None:
    _post(client, conversation, b"{not json")
    history = client.get(
        f"/api/web/conversations/{conversation['conversation_id']}/messages",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    assert history["messages"] == []


@pytest.mark.parametrize(
    "text",
    [
        "hallo",
        "🙂🙂🙂",
        "/restart",
        '/request_human{"priority": "S"}',
        pytest.param("a" * MAX_CHARS, id="longest-allowed"),
        "ik heb\x00 een brief",
        "<script>alert(1)</script>",
        "مرحبا، عندي مشكلة مع الإيجار",
    ],
)
def test_rasa_down_gives_an_honest_reply_keeps_the_message_and_queues_it(
    client: TestClient, conversation: dict[str, str], settings: Settings, text: str
) -> None:
    response = _post(client, conversation, json.dumps({"text": text}))
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "waiting"  # a person will answer instead
    language = body["language"]
    assert body["replies"][0]["text"] == texts.text("privacy_notice", language)  # first, in its language
    honest = body["replies"][1]["text"]
    assert honest == texts.text("bot_unavailable", language)
    assert "112" in honest
    waiting = body["replies"][2]["text"]
    assert waiting.startswith(texts.text("waiting", language, position=1))

    db = Database(settings.effective_database_url)
    try:
        messages = db.conversations.messages_after(conversation["conversation_id"])
        case = db.cases.open_for_conversation(conversation["conversation_id"])
    finally:
        db.dispose()
    assert [(m.direction, m.status) for m in messages] == [("in", "failed")] + [("out", "sent")] * 3
    assert messages[0].text == text.replace("\x00", "")
    assert {m.author for m in messages[1:]} == {"system"}
    assert case is not None and case.status == "waiting" and case.reason == "bot_unavailable"


def test_while_waiting_messages_are_kept_for_the_caseworker_and_the_tenant_can_cancel(
    client: TestClient, conversation: dict[str, str], settings: Settings
) -> None:
    first = _post(client, conversation, json.dumps({"text": "hallo"})).json()
    assert first["mode"] == "waiting"
    cancel = first["replies"][2]["buttons"][0]
    restart = _post(client, conversation, json.dumps({"text": "/restart"})).json()
    assert restart["mode"] == "waiting"  # nothing a tenant types re-opens the bot while a person is due
    later = _post(client, conversation, json.dumps({"text": "ik heb nog een vraag"})).json()
    assert later["mode"] == "waiting" and "nummer 1" in later["replies"][0]["text"]
    crisis = _post(client, conversation, json.dumps({"text": "ik wil niet meer leven"})).json()
    assert "1813" in " ".join(r["text"] for r in crisis["replies"])
    db = Database(settings.effective_database_url)
    try:
        case = db.cases.open_for_conversation(conversation["conversation_id"])
        assert case is not None and case.priority == "S"  # escalated while waiting
        statuses = [
            m.status
            for m in db.conversations.messages_after(conversation["conversation_id"])
            if m.direction == "in"
        ]
        assert statuses == ["failed", "queued", "queued", "queued"]
    finally:
        db.dispose()
    stopped = _post(
        client, conversation, json.dumps({"text": cancel["title"], "payload": cancel["payload"]})
    ).json()
    assert stopped["mode"] == "bot"


def test_history_lists_messages_after_an_id(client: TestClient, conversation: dict[str, str]) -> None:
    _post(client, conversation, '{"text": "eerste"}')
    _post(client, conversation, '{"text": "tweede"}')
    url = f"/api/web/conversations/{conversation['conversation_id']}/messages"
    headers = {"Authorization": f"Bearer {conversation['token']}"}
    messages = client.get(url, headers=headers).json()["messages"]
    assert [m["text"] for m in messages if m["direction"] == "in"] == ["eerste", "tweede"]
    later = client.get(url, params={"after": messages[1]["id"]}, headers=headers).json()["messages"]
    assert [m["id"] for m in later] == [m["id"] for m in messages[2:]]
    bad = client.get(url, params={"after": "abc"}, headers=headers)
    assert bad.status_code == 422 and _error_code(bad) == "invalid_request"


def test_healthz_names_the_parts_that_are_down(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert sorted(body["down"]) == ["actions", "rasa"]
    assert body["parts"]["database"] == {"ok": True}


def test_unknown_route_is_json(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert _error_code(response) == "not_found"


def test_demo_page_is_served(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "/api/web/conversations" in response.text


def test_gateway_refuses_to_start_without_a_rasa_token(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="HUURHULP_RASA_TOKEN"):
        create_app(Settings(var_dir=tmp_path, rasa_token=""))

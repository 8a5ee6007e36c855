"""The web chat API: authorisation, bad input, and an honest answer when Rasa is down.

These tests run the real gateway app with nothing listening on Rasa's and the action
server's ports, which is exactly the "Rasa is down" situation. The conversations with a
live Rasa are in tests/integration.
"""

from __future__ import annotations

import json
import random
import re
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


# The tenant's rights: erasure, a copy, consent (issue 13) --------------------------------------
#
# Rasa is down here, which is the point for erasure: the gateway itself understands the
# request. Rasa's copy is written by Rasa's own SQLTrackerStore where the gateway looks for it
# (SQLite: the gateway's own file; PostgreSQL: schema rasa of the gateway's database).


@pytest.fixture
def rights(
    tmp_path: Path, database_url: str, offline_client_factory: Callable[[Settings], TestClient]
) -> TestClient:
    tracker = database_url if database_url.startswith("postgresql") else ""
    return offline_client_factory(offline_settings(tmp_path, database_url, tracker_store_url=tracker))


def _tracker_url(client: TestClient) -> str:
    settings: Settings = client.app.state.gateway.settings  # type: ignore[attr-defined]
    (settings.var_dir / "rasa").mkdir(exist_ok=True)
    return settings.effective_tracker_store_url


def _start(client: TestClient) -> tuple[str, dict[str, str]]:
    body = client.post("/api/web/conversations").json()
    return body["conversation_id"], {"Authorization": f"Bearer {body['token']}"}


def _say(  # type: ignore[no-untyped-def]
    client: TestClient, conversation_id: str, headers: dict[str, str], text: str, payload: str | None = None
):
    body = {"text": text} if payload is None else {"text": text, "payload": payload}
    return client.post(f"/api/web/conversations/{conversation_id}/messages", json=body, headers=headers)


def test_delete_erases_everywhere_and_the_token_stops_working(
    rights: TestClient, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.privacy import marker, tables_containing, write_rasa_conversation

    caplog.set_level("DEBUG")
    secret = marker()
    conversation_id, headers = _start(rights)
    assert _say(rights, conversation_id, headers, f"mijn schuld is {secret}").json()["mode"] == "waiting"
    tracker = _tracker_url(rights)
    write_rasa_conversation(tracker, conversation_id, f"mijn schuld is {secret}")
    other_id, other_headers = _start(rights)
    _say(rights, other_id, other_headers, "iemand anders")
    assert tables_containing(database_url, secret) and tables_containing(tracker, secret)
    db: Database = rights.app.state.gateway.db  # type: ignore[attr-defined]
    (case,) = [c for c in db.cases.by_status() if c.conversation_id == conversation_id]

    url = f"/api/web/conversations/{conversation_id}"
    assert rights.delete(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = rights.delete(url, headers=headers)

    assert response.status_code == 204 and response.content == b""
    assert tables_containing(database_url, secret) == {}
    assert tables_containing(tracker, secret) == {}
    for gone in (
        rights.get(f"{url}/messages", headers=headers),
        _say(rights, conversation_id, headers, "hallo?"),
        rights.get(f"{url}/export", headers=headers),
        rights.delete(url, headers=headers),
    ):
        assert gone.status_code == 404 and _error_code(gone) == "conversation_not_found"
    closed = db.cases.get(case.id)
    assert (closed.status.value, closed.outcome) == ("closed", "erased")
    assert db.audit.recent(case_id=case.id)[0].action == "erased"
    assert rights.get(f"/api/web/conversations/{other_id}/messages", headers=other_headers).status_code == 200
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_verwijder_mijn_gesprek_asks_first_then_erases(rights: TestClient, database_url: str) -> None:
    from bot.retention import ERASE_PAYLOAD, KEEP_PAYLOAD
    from tests.privacy import tables_containing

    conversation_id, headers = _start(rights)
    asked = _say(rights, conversation_id, headers, "Verwijder mijn gesprek aub").json()
    assert asked["mode"] == "bot"  # never went to Rasa (which is down): no honest-failure reply
    assert [r["text"] for r in asked["replies"]] == [
        texts.text("privacy_notice", "nl"),
        texts.text("erase_confirm", "nl"),
    ]
    assert [b["payload"] for b in asked["replies"][-1]["buttons"]] == [ERASE_PAYLOAD, KEEP_PAYLOAD]

    kept = _say(rights, conversation_id, headers, texts.text("erase_no", "nl"), KEEP_PAYLOAD).json()
    assert [r["text"] for r in kept["replies"]] == [texts.text("erase_kept", "nl")]
    # "ja" is only an answer to the question itself: now it goes to the bot (down: a person).
    assert _say(rights, conversation_id, headers, "ja").json()["mode"] == "waiting"
    assert tables_containing(database_url, texts.text("erase_kept", "nl"))

    asked_again = _say(rights, conversation_id, headers, "Supprimez ma conversation").json()
    assert asked_again["language"] == "fr" and asked_again["mode"] == "waiting"
    assert asked_again["replies"][-1]["text"] == texts.text("erase_confirm", "fr")
    erased = _say(rights, conversation_id, headers, "oui").json()
    assert erased == {
        "replies": [{"text": texts.text("erased", "nl"), "buttons": []}],
        "language": "nl",
        "mode": "erased",
    }
    history = rights.get(f"/api/web/conversations/{conversation_id}/messages", headers=headers)
    assert history.status_code == 404
    assert tables_containing(database_url, "Verwijder mijn gesprek") == {}


def test_the_live_connection_hears_of_the_erasure(rights: TestClient) -> None:
    conversation_id, headers = _start(rights)
    token = headers["Authorization"].split()[1]
    with rights.websocket_connect(f"/api/web/conversations/{conversation_id}/ws") as socket:
        socket.send_json({"token": token})
        assert socket.receive_json() == {"type": "ready"}
        assert rights.delete(f"/api/web/conversations/{conversation_id}", headers=headers).status_code == 204
        assert socket.receive_json() == {"type": "erased"}


def test_export_is_the_tenants_conversation_as_a_text_file(rights: TestClient) -> None:
    conversation_id, headers = _start(rights)
    _say(rights, conversation_id, headers, "Ik heb een brief van de deurwaarder")
    _say(rights, conversation_id, headers, "Wat moet ik doen?")
    url = f"/api/web/conversations/{conversation_id}/export"
    assert rights.get(url).status_code == 401

    response = rights.get(url, headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="huurhulp-\d{4}-\d{2}-\d{2}\.txt"', response.headers["content-disposition"]
    )
    assert response.headers["cache-control"] == "no-store"
    body = response.text
    assert body.startswith("Je gesprek met Huurhulp (gedownload op ")
    assert "Jij:\nIk heb een brief van de deurwaarder" in body and "Jij:\nWat moet ik doen?" in body
    assert f"Huurhulp:\n{texts.text('bot_unavailable', 'nl')}" in body
    assert body.index("deurwaarder") < body.index("Wat moet ik doen?")


def test_withdrawing_consent_removes_the_intake_details(rights: TestClient) -> None:
    conversation_id, headers = _start(rights)
    db: Database = rights.app.state.gateway.db  # type: ignore[attr-defined]
    case = db.cases.open(
        conversation_id,
        {
            "reason": "consent",
            "priority": "P3",
            "stage": "arrears",
            "flags": ["children"],
            "intake": {"handoff_consent": True, "children": True, "municipality": "Genk"},
        },
    )
    assert case.summary["children"] is True and db.privacy.consents(conversation_id)
    response = rights.delete(f"/api/web/conversations/{conversation_id}/consent", headers=headers)
    assert response.status_code == 204
    assert (db.cases.get(case.id).summary, db.cases.get(case.id).flags) == ({}, ())
    withdrawn = _say(rights, conversation_id, headers, "Ik trek mijn toestemming in").json()
    assert withdrawn["replies"][-1]["text"] == texts.text("consent_withdrawn", "nl")


def test_the_widget_may_erase_from_another_site(rights: TestClient) -> None:
    preflight = rights.options(
        "/api/web/conversations/abc",
        headers={
            "Origin": "https://www.caw.be",
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 200
    assert "DELETE" in preflight.headers["access-control-allow-methods"]


def test_the_widgets_erasure_buttons_are_the_gateways() -> None:
    from bot.channels.widget import WIDGET_JS
    from vocabulary.languages import SUPPORTED_LANGUAGES

    script = WIDGET_JS.read_text(encoding="utf-8")
    keys = re.search(r'var KEYS = "([^"]+)"', script)
    assert keys is not None
    names = keys.group(1).split()
    for language in SUPPORTED_LANGUAGES:
        block = re.search(rf"\n    {language}: (\[.*?\])(?:,\n    \w\w: \[|\n  \}};)", script, re.S)
        assert block is not None, language
        strings = dict(zip(names, json.loads(block.group(1)), strict=True))
        assert strings["eraseYes"] == texts.text("erase_yes", language)
        assert strings["eraseNo"] == texts.text("erase_no", language)
        assert texts.text("erased", language).startswith(strings["erased"]), language


def test_the_console_hears_that_the_erased_case_closed_without_text(rights: TestClient) -> None:
    import asyncio

    from bot.hub import CONSOLE_TOPIC, Hub
    from bot.retention import Forgetting

    conversation_id, headers = _start(rights)
    _say(rights, conversation_id, headers, "geheim verhaal")  # Rasa is down: a case waits
    gateway = rights.app.state.gateway  # type: ignore[attr-defined]
    case = gateway.db.cases.open_for_conversation(conversation_id)
    hub = Hub()
    handoff = type("Handoff", (), {"hub": hub})()

    async def erase() -> list[dict[str, object]]:
        async with hub.subscribe(CONSOLE_TOPIC) as queue:
            await Forgetting(gateway.db, gateway.settings, handoff).erase(conversation_id)  # type: ignore[arg-type]
            return [queue.get_nowait() for _ in range(queue.qsize())]

    events = asyncio.run(erase())
    closed = {"type": "change", "what": "closed", "conversation_id": conversation_id, "case_id": case.id}
    assert events == [closed]  # ids only: the text never reaches the console again

"""The console API on SQLite and PostgreSQL: login, CSRF, the queue, exclusive claims.

The app runs for real (Rasa is not needed for the console); cases are opened the way the
router opens them, through the handoff service's repository call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from bot.auth import hash_password
from bot.settings import Settings
from bot.storage.database import Database
from tests.conftest import offline_settings

PASSWORD = "correct horse battery"


@pytest.fixture
def client(
    tmp_path: Path, database_url: str, offline_client_factory: Callable[[Settings], TestClient]
) -> TestClient:
    return offline_client_factory(offline_settings(tmp_path, database_url, login_attempts_per_minute=3))


@pytest.fixture
def db(client: TestClient) -> Database:
    database: Database = client.app.state.gateway.db  # type: ignore[attr-defined]
    return database


def add_caseworker(db: Database, username: str) -> None:
    db.caseworkers.add(username, username.capitalize(), hash_password(PASSWORD))


def login(client: TestClient, username: str) -> dict[str, str]:
    """Headers (cookie + CSRF token) of a fresh session for ``username``."""
    response = client.post("/api/console/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookie = response.cookies.get("huurhulp_console")
    client.cookies.clear()  # each test user carries its own cookie explicitly
    return {"Cookie": f"huurhulp_console={cookie}", "X-CSRF-Token": response.json()["csrf_token"]}


def waiting_case(db: Database, priority: str = "P1") -> dict[str, Any]:
    conversation, _ = db.conversations.create_web("nl")
    db.conversations.store_inbound(conversation.id, "ik heb een dagvaarding <script>alert(1)</script>")
    case = db.cases.open(
        conversation.id,
        {
            "reason": "triage",
            "priority": priority,
            "stage": "court",
            "language": "nl",
            "intake": {"children": True},
        },
    )
    return case.to_dict()


def test_every_console_route_needs_a_login(client: TestClient) -> None:
    api_routes = [r for r in client.app.routes if getattr(r, "path", "").startswith("/api/console")]  # type: ignore[attr-defined]
    assert len(api_routes) >= 12
    for route in api_routes:
        path = route.path.replace("{case_id}", "1")
        if isinstance(route, APIWebSocketRoute):  # the live updates: refused at the handshake
            with pytest.raises(WebSocketDenialResponse) as denied, client.websocket_connect(path):
                pass
            assert denied.value.status_code == 401, path
            continue
        for method in route.methods - {"HEAD"}:
            if path == "/api/console/login":
                continue
            response = client.request(method, path, json={})
            assert response.status_code == 401, (method, path, response.status_code)
    for page in ("/console", "/console/cases/1"):
        response = client.get(page, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/console/login"


def test_login_logout_and_csrf(client: TestClient, db: Database) -> None:
    add_caseworker(db, "ann")
    response = client.post("/api/console/login", json={"username": "ann", "password": PASSWORD})
    assert response.status_code == 200
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie
    headers = login(client, "ann")
    assert (
        client.get("/api/console/me", headers={"Cookie": headers["Cookie"]}).json()["caseworker"]["username"]
        == "ann"
    )
    # A state-changing request without (or with a wrong) CSRF token is refused.
    assert client.post("/api/console/logout", headers={"Cookie": headers["Cookie"]}).status_code == 403
    wrong = {**headers, "X-CSRF-Token": "nope"}
    assert client.post("/api/console/logout", headers=wrong).status_code == 403
    assert client.post("/api/console/logout", headers=headers).status_code == 204
    assert client.get("/api/console/me", headers={"Cookie": headers["Cookie"]}).status_code == 401


def test_wrong_passwords_are_refused_and_rate_limited(client: TestClient, db: Database) -> None:
    add_caseworker(db, "bob")
    for _ in range(3):
        response = client.post("/api/console/login", json={"username": "bob", "password": "wrong password!"})
        assert response.status_code == 401
    response = client.post("/api/console/login", json={"username": "bob", "password": PASSWORD})
    assert response.status_code == 429  # even the right password waits a minute now
    unknown = client.post("/api/console/login", json={"username": "nobody", "password": PASSWORD})
    assert unknown.status_code == 401
    assert [a.action for a in db.audit.recent()].count("login_failed") >= 3


def test_queue_order_claim_reply_and_audit(client: TestClient, db: Database) -> None:
    add_caseworker(db, "ann")
    add_caseworker(db, "bob")
    p3 = waiting_case(db, "P3")
    s = waiting_case(db, "S")
    ann, bob = login(client, "ann"), login(client, "bob")
    queue = client.get("/api/console/cases", params={"status": "waiting"}, headers=ann).json()
    assert [c["id"] for c in queue["cases"]] == [s["id"], p3["id"]]
    assert queue["now"]
    first = queue["cases"][0]
    for key in (
        "id",
        "conversation_id",
        "priority",
        "stage",
        "language",
        "channel",
        "status",
        "summary",
        "flags",
        "waiting_since",
        "claimed_by",
    ):
        assert key in first
    assert client.post(f"/api/console/cases/{s['id']}/claim", headers=ann).status_code == 200
    conflict = client.post(f"/api/console/cases/{s['id']}/claim", headers=bob)
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "already_claimed"
    assert (
        client.post(f"/api/console/cases/{s['id']}/messages", json={"text": "hoi"}, headers=bob).status_code
        == 409
    )
    sent = client.post(
        f"/api/console/cases/{s['id']}/messages", json={"text": "Dag, ik ben Ann."}, headers=ann
    )
    assert sent.status_code == 201 and sent.json()["message"]["author"] == "caseworker"
    detail = client.get(f"/api/console/cases/{s['id']}", headers=ann).json()
    assert detail["case"]["claimed_by_username"] == "ann"
    texts = [m["text"] for m in detail["messages"]]
    assert "ik heb een dagvaarding <script>alert(1)</script>" in texts and "Dag, ik ben Ann." in texts
    actions = [a.action for a in db.audit.recent(case_id=s["id"])]
    assert {"claimed", "replied", "viewed"} <= set(actions)
    assert all("Dag, ik ben" not in str(a.detail) for a in db.audit.recent())


def test_close_needs_a_known_outcome(client: TestClient, db: Database) -> None:
    add_caseworker(db, "ann")
    case = waiting_case(db)
    ann = login(client, "ann")
    client.post(f"/api/console/cases/{case['id']}/claim", headers=ann)
    bad = client.post(f"/api/console/cases/{case['id']}/close", json={"outcome": "whatever"}, headers=ann)
    assert bad.status_code == 422 and "resolved" in bad.json()["error"]["outcomes"]
    done = client.post(
        f"/api/console/cases/{case['id']}/close", json={"outcome": "referred_ocmw"}, headers=ann
    )
    assert done.status_code == 200 and done.json()["case"]["status"] == "closed"
    assert db.conversations.get(case["conversation_id"]).state.value == "closed"


def test_twenty_simultaneous_claims_one_wins(client: TestClient, db: Database) -> None:
    names = [f"worker{n:02d}" for n in range(20)]
    for name in names:
        add_caseworker(db, name)
    sessions = [login(client, name) for name in names]
    case = waiting_case(db)
    barrier = threading.Barrier(len(sessions))
    statuses: list[int] = []
    lock = threading.Lock()

    def claim(headers: dict[str, str]) -> None:
        barrier.wait()
        status = client.post(f"/api/console/cases/{case['id']}/claim", headers=headers).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=claim, args=(headers,)) for headers in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200] + [409] * 19
    assert db.cases.get(case["id"]).status == "caseworker"


def test_pages_are_served_with_a_strict_policy(client: TestClient, db: Database) -> None:
    login_page = client.get("/console/login")
    assert (
        login_page.status_code == 200
        and "default-src 'self'" in login_page.headers["content-security-policy"]
    )
    add_caseworker(db, "ann")
    headers = login(client, "ann")
    assert client.get("/console", headers={"Cookie": headers["Cookie"]}).status_code == 200
    assert client.get("/console/static/../routes.py").status_code == 404
    replies = client.get("/api/console/canned-replies", params={"language": "fr"}, headers=headers).json()
    assert replies["language"] == "fr" and replies["replies"]


def test_a_weak_old_hash_is_upgraded_at_login(client: TestClient, db: Database) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    db.caseworkers.add("old", "Old", weak)
    assert (
        client.post("/api/console/login", json={"username": "old", "password": PASSWORD}).status_code == 200
    )
    upgraded = db.caseworkers.by_username("old")
    assert upgraded is not None and upgraded.password_hash != weak
    assert (
        client.post("/api/console/login", json={"username": "old", "password": PASSWORD}).status_code == 200
    )


def test_canned_replies_in_every_supported_language(client: TestClient, db: Database) -> None:
    from vocabulary.languages import SUPPORTED_LANGUAGES

    add_caseworker(db, "cara")
    headers = login(client, "cara")
    dutch = client.get("/api/console/canned-replies", params={"language": "nl"}, headers=headers).json()
    dutch_ids = [reply["id"] for reply in dutch["replies"]]
    for language in SUPPORTED_LANGUAGES:
        body = client.get(
            "/api/console/canned-replies", params={"language": language}, headers=headers
        ).json()
        assert body["language"] == language
        assert [reply["id"] for reply in body["replies"]] == dutch_ids
        if language != "nl":
            assert [r["text"] for r in body["replies"]] != [r["text"] for r in dutch["replies"]]
    unknown = client.get("/api/console/canned-replies", params={"language": "de"}, headers=headers).json()
    assert unknown["language"] == "nl"

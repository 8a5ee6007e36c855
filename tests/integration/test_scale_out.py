"""Scale-out on this machine's PostgreSQL and Redis: two gateway workers and two Rasa servers.

One stack (``bot.stack.Stack`` with ``gateway_workers=2, rasa_servers=2``, as
``huurhulp run --gateway-workers 2 --rasa-servers 2`` starts it) serves the module, watched by
the real supervisor in a background thread. The workers share one port; each also answers on
its own port, which is how these tests reach worker A or worker B on purpose:

* conversations work through either worker and the shared port, Rasa's trackers are in the
  gateway's database (schema ``rasa``) and each conversation has a home Rasa server;
* a caseworker's reply stored by worker A reaches the tenant's WebSocket on worker B (hub over
  Redis), and so do the console's change events;
* the login limiter is shared: wrong passwords through A count for B, and the caseworker's
  right password from another address still works;
* the Telegram outbox, delivered by both workers, sends each message exactly once, in order;
* a worker or a Rasa server that dies is restarted while the rest serves (no refused
  connections on the shared port; the dead Rasa server's conversations go to the other one).

PostgreSQL and Redis are required: the tests skip without them locally and fail under CI=true.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import create_engine, text
from sqlalchemy.engine.url import make_url

from bot import texts
from bot.auth import hash_password
from bot.messages import Outbound
from bot.rasa_client import server_order
from bot.settings import Settings
from bot.stack import Stack, local_settings
from bot.storage.database import Database
from bot.supervisor import BackoffPolicy, Phase, Supervisor
from tests.conftest import free_port
from tests.fake_telegram import FakeTelegram
from tests.stack_fixtures import TEST_TODAY, WebTenant, record_stack, telegram_polling_env

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "a long enough password"
FIGURES: list[str] = []


@dataclass
class Scaled:
    """The running stack, its database and what the tests need to reach each part."""

    stack: Stack
    settings: Settings
    db: Database
    telegram: FakeTelegram
    supervisor: Supervisor

    @property
    def shared(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    @property
    def a(self) -> str:
        return self.stack.gateways[0].url

    @property
    def b(self) -> str:
        return self.stack.gateways[1].url


def wait_until(check: Any, timeout: float, what: str, step: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(step)


@pytest.fixture(scope="module")
def scaled(
    tmp_path_factory: pytest.TempPathFactory,
    trained_model: Path,
    postgres_admin_url: str,
    redis_url: str,
    request: pytest.FixtureRequest,
) -> Iterator[Scaled]:
    name = f"huurhulp_scale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_admin_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    # A Redis database of its own: the hub's channel, Rasa's locks and the login counters of
    # this stack meet no other test run's.
    redis = redis_url.rsplit("/", 1)[0] + f"/{uuid.uuid4().int % 14 + 1}"
    telegram = FakeTelegram().start()
    settings = local_settings(
        tmp_path_factory.mktemp("scaled"), rasa_timeout=60.0, database_url=database_url, redis_url=redis
    )
    stack = Stack(
        settings,
        trained_model,
        secrets.token_urlsafe(16),
        extra_env={"HUURHULP_TODAY": TEST_TODAY, **telegram_polling_env(telegram)},
        gateway_workers=2,
        rasa_servers=2,
        rasa_ports=[free_port(), free_port()],
    )
    stop = threading.Event()
    watcher: threading.Thread | None = None
    db = Database(database_url)
    try:
        started = time.monotonic()
        stack.start(timeout=480)
        record_stack("scale-out (2 gateways, 2 Rasa)", time.monotonic() - started)
        FIGURES.append(f"2 gateways + 2 Rasa servers healthy after {time.monotonic() - started:.0f} s")
        supervisor = Supervisor(
            stack.processes, BackoffPolicy(initial=0.5, maximum=2.0, reset_after=60.0), start_timeout=300
        )
        watcher = threading.Thread(target=supervisor.run, args=(stop.is_set,), daemon=True)
        watcher.start()
        yield Scaled(stack, settings, db, telegram, supervisor)
    finally:
        stop.set()
        if watcher is not None:
            watcher.join(10)
        stack.stop()
        db.dispose()
        telegram.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        if reporter is not None and capture is not None and FIGURES:
            with capture.global_and_fixture_disabled():
                reporter.write_line("")
                reporter.write_line("scale-out figures:")
                for line in FIGURES:
                    reporter.write_line(f"  {line}")


def _replies(turn: dict[str, Any]) -> list[str]:
    return [reply["text"] for reply in turn["replies"]]


def test_conversations_work_through_either_gateway(scaled: Scaled) -> None:
    homes: dict[str, int] = {}
    unavailable = texts.text("bot_unavailable", "nl")
    with (
        httpx.Client(base_url=scaled.shared, timeout=90) as shared,
        httpx.Client(base_url=scaled.a, timeout=90) as a,
        httpx.Client(base_url=scaled.b, timeout=90) as b,
    ):
        for worker in (a, b):
            health = worker.get("/healthz").json()
            assert health["status"] == "ok", health
            assert health["parts"]["redis"] == {"ok": True}
        for _ in range(4):
            tenant = WebTenant(shared)  # created through the shared port
            home = server_order(tenant.conversation_id, scaled.stack.rasa_urls)[0]
            homes[home] = homes.get(home, 0) + 1
            for client, message in ((a, "hallo"), (b, "wat doet het OCMW?"), (shared, "bedankt")):
                tenant.client = client  # the same conversation through another worker
                turn = tenant.say(message)
                assert turn["mode"] == "bot" and turn["replies"], turn
                assert unavailable not in _replies(turn)
            assert [m["direction"] for m in tenant.history()].count("in") == 3
    FIGURES.append(f"home Rasa servers of 4 conversations: {sorted(homes.values())}")

    # One place for personal data: Rasa's trackers are in the gateway's database, schema rasa.
    with scaled.db.engine.connect() as connection:
        in_rasa = connection.execute(text("SELECT count(DISTINCT sender_id) FROM rasa.events")).scalar_one()
        in_public = connection.execute(text("SELECT to_regclass('public.events')")).scalar_one()
    assert in_rasa >= 4 and in_public is None


async def test_a_caseworker_reply_in_gateway_a_reaches_the_tenant_on_gateway_b(scaled: Scaled) -> None:
    scaled.db.caseworkers.add("ann", "Ann", hash_password(PASSWORD))
    async with httpx.AsyncClient(base_url=scaled.b, timeout=90) as b_http:
        created = (await b_http.post("/api/web/conversations")).json()
        conversation, token = created["conversation_id"], created["token"]
        asked = await b_http.post(
            f"/api/web/conversations/{conversation}/messages",
            json={"text": "ik wil met een echte persoon praten aub"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert asked.json()["mode"] == "waiting", asked.text
    async with httpx.AsyncClient(base_url=scaled.a, timeout=30) as console:
        login = await console.post("/api/console/login", json={"username": "ann", "password": PASSWORD})
        assert login.status_code == 200
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        cookie = f"huurhulp_console={login.cookies['huurhulp_console']}"
        cases = (await console.get("/api/console/cases", params={"status": "waiting"})).json()["cases"]
        case = next(c for c in cases if c["conversation_id"] == conversation)

        b_ws = scaled.b.replace("http://", "ws://")
        tenant_url = f"{b_ws}/api/web/conversations/{conversation}/ws"
        console_url = f"{b_ws}/api/console/live"
        async with (
            websockets.connect(tenant_url) as tenant_socket,
            websockets.connect(console_url, extra_headers={"Cookie": cookie}) as console_socket,
        ):
            await tenant_socket.send(json.dumps({"token": token, "after": 10**9}))
            assert json.loads(await tenant_socket.recv()) == {"type": "ready"}
            assert json.loads(await console_socket.recv()) == {"type": "ready"}
            claimed = await console.post(f"/api/console/cases/{case['id']}/claim", headers=csrf)
            assert claimed.status_code == 200
            started = time.perf_counter()
            sent = await console.post(
                f"/api/console/cases/{case['id']}/messages", json={"text": "Dag, ik ben Ann."}, headers=csrf
            )
            assert sent.status_code == 201
            pushed = await _next(tenant_socket, lambda e: e.get("message", {}).get("author") == "caseworker")
            took = (time.perf_counter() - started) * 1000
            assert pushed["message"]["text"] == "Dag, ik ben Ann."
            change = await _next(console_socket, lambda e: e.get("what") == "message")
            assert change["conversation_id"] == conversation and "text" not in change
    FIGURES.append(
        f"caseworker reply via gateway A on the tenant's socket at gateway B {took:.0f} ms after the POST"
    )


async def _next(socket: Any, wanted: Any, timeout: float = 15.0) -> dict[str, Any]:
    async def wait() -> dict[str, Any]:
        while True:
            event = json.loads(await socket.recv())
            if wanted(event):
                return dict(event)

    return await asyncio.wait_for(wait(), timeout)


def test_the_login_limiter_is_shared_and_never_locks_a_caseworker_out(scaled: Scaled) -> None:
    scaled.db.caseworkers.add("bea", "Bea", hash_password(PASSWORD))
    stranger = {"X-Forwarded-For": "203.0.113.5"}  # believed: the request comes from 127.0.0.1
    office = {"X-Forwarded-For": "198.51.100.7"}
    wrong = {"username": "bea", "password": "not the password!"}
    right = {"username": "bea", "password": PASSWORD}
    with httpx.Client(base_url=scaled.a, timeout=30) as a, httpx.Client(base_url=scaled.b, timeout=30) as b:
        for _ in range(5):
            assert a.post("/api/console/login", json=wrong, headers=stranger).status_code == 401
        refused = b.post("/api/console/login", json=right, headers=stranger)  # counted in A, seen in B
        assert refused.status_code == 429 and refused.json()["error"]["retry_after"] >= 1
        assert b.post("/api/console/login", json=right, headers=office).status_code == 200
    failed = [event for event in scaled.db.audit.recent() if event.action == "login_failed"]
    assert len(failed) == 5
    assert {(event.detail or {}).get("from") for event in failed} == {"203.0.113.5"}
    assert {(event.detail or {}).get("status") for event in failed} == {"wrong_password"}
    with scaled.db.engine.connect() as connection:
        audit = connection.execute(text("SELECT CAST(detail AS TEXT) FROM audit_events")).scalars().all()
    assert not any("not the password" in str(row) for row in audit)


def test_one_worker_polls_telegram_and_both_send_each_message_once(scaled: Scaled) -> None:
    fake = scaled.telegram
    # One poller: an update is fetched, stored and answered once (two pollers, each with its
    # own offset, would both fetch it), and getUpdates is not asked twice as often.
    before = len(fake.calls("getUpdates"))
    time.sleep(4.0)
    polls = len(fake.calls("getUpdates")) - before
    assert 2 <= polls <= 6, polls  # long polls of at most 1 s each (the fake's cap), one poller
    fake.queue_update(fake.text_update(880, "hallo"))
    greeted = fake.wait_sent(880, 2, timeout=90)
    conversation, _ = scaled.db.conversations.for_channel("telegram", "880")
    inbound = [m for m in scaled.db.conversations.messages_after(conversation.id) if m.direction == "in"]
    assert [m.text for m in inbound] == ["hallo"]
    assert greeted[0] == texts.text("privacy_notice", "nl")

    # Both workers deliver the outbox (messages stored directly wait for the senders' polls).
    expected: dict[int, list[str]] = {}
    for wave in range(3):  # a few chats at a time, so both workers' polls find work
        for chat in range(900 + 4 * wave, 904 + 4 * wave):
            conversation, _ = scaled.db.conversations.for_channel("telegram", str(chat))
            expected[chat] = [f"{chat}:{n}" for n in range(4)]
            scaled.db.conversations.store_outbound(conversation.id, [Outbound(t) for t in expected[chat]])
        time.sleep(2.0)
    total = sum(len(items) for items in expected.values())
    started = time.monotonic()
    wait_until(lambda: sum(len(fake.sent(chat)) for chat in expected) >= total, 60, "every message sent")
    took = time.monotonic() - started
    time.sleep(2.0)  # anything sent twice would arrive now
    for chat, items in expected.items():
        assert fake.sent_texts(chat) == items  # once each, in order
    FIGURES.append(
        f"telegram: {polls} getUpdates in 4 s (one poller); outbox of two workers: {total} messages "
        f"once each, done {took:.1f} s after the last wave"
    )


def _restarts(supervisor: Supervisor, name: str) -> int:
    return next(watch.restarts for watch in supervisor.watches if watch.process.name == name)


def _back(supervisor: Supervisor, name: str, restarts_before: int) -> bool:
    """Restarted since ``restarts_before`` and healthy again."""
    return _restarts(supervisor, name) > restarts_before and supervisor.phase(name) is Phase.HEALTHY


def test_a_dead_worker_or_rasa_server_is_restarted_while_the_rest_serves(scaled: Scaled) -> None:
    stack, supervisor = scaled.stack, scaled.supervisor
    # A gateway worker dies: the shared port keeps answering through the other one.
    worker = stack.gateways[1]
    before = _restarts(supervisor, worker.name)
    worker.kill()
    answered = refused = 0
    deadline = time.monotonic() + 4.0
    with httpx.Client(base_url=scaled.shared, timeout=10) as shared:
        while time.monotonic() < deadline:
            try:
                shared.get("/healthz")
                answered += 1
            except httpx.TransportError:
                refused += 1
            time.sleep(0.05)
    assert answered > 20 and refused == 0
    wait_until(lambda: _back(supervisor, worker.name, before), 120, "the worker back")
    FIGURES.append(f"gateway worker killed: shared port answered {answered}/{answered + refused}")

    # A Rasa server dies: its conversations go to the other server (the lock store keeps each
    # conversation's turns in order), and the supervisor starts it again.
    rasa = stack.rasas[1]
    unavailable = texts.text("bot_unavailable", "nl")
    clients: list[httpx.Client] = []
    own: list[WebTenant] = []
    try:
        while len(own) < 3 and len(clients) < 40:  # conversations whose home is server 2
            clients.append(httpx.Client(base_url=scaled.shared, timeout=90))
            tenant = WebTenant(clients[-1])
            if server_order(tenant.conversation_id, stack.rasa_urls)[0] == rasa.url:
                own.append(tenant)
        assert own, "no conversation has the second Rasa server as its home"
        for tenant in own:
            assert tenant.say("hallo")["mode"] == "bot"
        before = _restarts(supervisor, rasa.name)
        rasa.kill()
        for tenant in own:
            turn = tenant.say("wat doet het OCMW?")
            assert turn["mode"] == "bot" and unavailable not in _replies(turn), turn
    finally:
        for client in clients:
            client.close()
    killed = time.monotonic()
    wait_until(lambda: _back(supervisor, rasa.name, before), 300, "Rasa server 2 back", step=1.0)
    FIGURES.append(
        f"Rasa server 2 killed: {len(own)} of its conversations answered by server 1, "
        f"server 2 healthy again after {time.monotonic() - killed:.0f} s"
    )

"""The console's live updates (``/api/console/live``) against the real gateway served by uvicorn.

The gateway runs in the test's event loop under uvicorn with wsproto, as ``huurhulp run``
starts it, with nothing listening on Rasa's port (the "Rasa is down" situation opens cases
without a model). A real WebSocket client checks what a browser would meet: the status
of a refused handshake, the frames, and the close codes.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.exceptions import ConnectionClosed, InvalidStatusCode
from websockets.legacy.client import Connect, WebSocketClientProtocol
from websockets.legacy.client import connect as ws_connect
from websockets.typing import Origin

from bot.app import create_app
from bot.auth import hash_password
from bot.console import live
from bot.dependencies import Gateway
from bot.handoff import CANCEL_PAYLOAD
from bot.hub import CONSOLE_TOPIC
from tests.conftest import free_port, offline_settings

PASSWORD = "correct horse battery"
#: Every key a console frame may have: what changed and ids, nothing a person wrote.
FRAME_KEYS = {"type", "what", "conversation_id", "case_id", "message_id"}
SECRETS = ("geheim-een", "geheim-twee", "geheim-drie", "geheim-vier")


@dataclass
class Served:
    base_url: str
    gateway: Gateway
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/api/console/live"

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.wait_for(self.task, 10)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    port = free_port()
    settings = offline_settings(tmp_path, f"sqlite:///{tmp_path / 'huurhulp.db'}")
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, ws="wsproto", log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.02)
    assert server.started, "uvicorn did not start"
    running = Served(f"http://127.0.0.1:{port}", app.state.gateway, server, task)
    for name in ("ann", "bob"):
        running.gateway.db.caseworkers.add(name, name.capitalize(), hash_password(PASSWORD))
    try:
        yield running
    finally:
        if not task.done():
            await running.stop()


async def login(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    """Cookie and CSRF headers of a fresh session."""
    response = await http.post("/api/console/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookie = response.cookies["huurhulp_console"]
    http.cookies.clear()
    return {"Cookie": f"huurhulp_console={cookie}", "X-CSRF-Token": response.json()["csrf_token"]}


def connect(served: Served, headers: dict[str, str], origin: str | None = None) -> Connect:
    cookie = {"Cookie": headers["Cookie"]} if "Cookie" in headers else {}
    return ws_connect(
        served.ws_url, extra_headers=cookie, origin=Origin(origin) if origin else None, open_timeout=5
    )


async def next_frame(socket: WebSocketClientProtocol, seconds: float = 5.0) -> dict[str, Any]:
    """The next frame that is not a heartbeat."""
    while True:
        frame: dict[str, Any] = json.loads(await asyncio.wait_for(socket.recv(), seconds))
        if frame["type"] != "ping":
            return frame


class Tenant:
    def __init__(self, http: httpx.AsyncClient, conversation_id: str, token: str) -> None:
        self.http = http
        self.id = conversation_id
        self.headers = {"Authorization": f"Bearer {token}"}

    @classmethod
    async def start(cls, http: httpx.AsyncClient) -> Tenant:
        created = (await http.post("/api/web/conversations")).json()
        return cls(http, created["conversation_id"], created["token"])

    async def say(self, text: str, payload: str | None = None) -> dict[str, Any]:
        body = {"text": text} if payload is None else {"text": text, "payload": payload}
        response = await self.http.post(
            f"/api/web/conversations/{self.id}/messages", json=body, headers=self.headers
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer


async def test_the_handshake_needs_a_session_and_the_console_origin(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.base_url) as http:
        ann = await login(http, "ann")
    for headers in ({}, {"Cookie": "huurhulp_console=not-a-session"}):
        with pytest.raises(InvalidStatusCode) as refused:
            async with connect(served, headers):
                pass
        assert refused.value.status_code == 401
    with pytest.raises(InvalidStatusCode) as refused:
        async with connect(served, ann, origin="http://127.0.0.1:1"):  # same site, another origin
            pass
    assert refused.value.status_code == 403
    assert served.gateway.hub.subscriber_count(CONSOLE_TOPIC) == 0
    async with connect(served, ann, origin=served.base_url) as socket:
        assert await next_frame(socket) == {"type": "ready"}
        assert served.gateway.hub.subscriber_count(CONSOLE_TOPIC) == 1
    for _ in range(100):  # the server notices the close and unsubscribes
        if served.gateway.hub.subscriber_count(CONSOLE_TOPIC) == 0:
            break
        await asyncio.sleep(0.02)
    assert served.gateway.hub.subscriber_count(CONSOLE_TOPIC) == 0


async def test_every_change_arrives_with_ids_only(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    frames: list[dict[str, Any]] = []
    raw: list[str] = []

    async def expect(socket: WebSocketClientProtocol, what: str) -> dict[str, Any]:
        frame = await next_frame(socket)
        raw.append(json.dumps(frame))
        frames.append(frame)
        assert frame["type"] == "change" and frame["what"] == what, frame
        return frame

    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as http:
        ann, bob = await login(http, "ann"), await login(http, "bob")
        async with connect(served, ann, origin=served.base_url) as socket:
            assert await next_frame(socket) == {"type": "ready"}

            # Rasa is down: the tenant's first message opens a case.
            tenant = await Tenant.start(http)
            assert (await tenant.say(f"ik kan de huur niet betalen {SECRETS[0]}"))["mode"] == "waiting"
            queued = await expect(socket, "queued")
            case_id = queued["case_id"]
            assert queued["conversation_id"] == tenant.id

            # A waiting tenant's message, and one about the language, reach the console.
            await tenant.say(f"ik wacht nog altijd {SECRETS[1]}")
            wrote = await expect(socket, "message")
            assert wrote["conversation_id"] == tenant.id and wrote["message_id"] > 0
            await tenant.say("english please")
            assert (await expect(socket, "message"))["conversation_id"] == tenant.id

            # A caseworker claims, writes, transfers; the colleague hands back to the bot.
            path = f"/api/console/cases/{case_id}"
            assert (await http.post(f"{path}/claim", headers=ann)).status_code == 200
            assert (await expect(socket, "claimed"))["case_id"] == case_id
            sent = await http.post(f"{path}/messages", json={"text": f"Dag {SECRETS[2]}"}, headers=ann)
            assert sent.status_code == 201
            assert (await expect(socket, "message"))["message_id"] == sent.json()["message"]["id"]
            await tenant.say(f"dank je {SECRETS[3]}")
            await expect(socket, "message")
            assert (await http.post(f"{path}/transfer", json={"to": "bob"}, headers=ann)).status_code == 200
            await expect(socket, "transferred")
            assert (await http.post(f"{path}/release", headers=bob)).status_code == 200
            await expect(socket, "released")
            await expect(socket, "message")  # what the tenant is told

            # The tenant comes back (a case again), then stops waiting.
            assert (await tenant.say("ik heb toch nog hulp nodig"))["mode"] == "waiting"
            await expect(socket, "queued")
            cancel = await tenant.say("Stop met wachten", payload=CANCEL_PAYLOAD)
            assert cancel["mode"] == "bot"
            assert (await expect(socket, "cancelled"))["conversation_id"] == tenant.id

            # And once more, to be claimed and closed.
            await tenant.say("ik wil met iemand praten")
            last = (await expect(socket, "queued"))["case_id"]
            assert (await http.post(f"/api/console/cases/{last}/claim", headers=bob)).status_code == 200
            await expect(socket, "claimed")
            closed = await http.post(
                f"/api/console/cases/{last}/close", json={"outcome": "resolved"}, headers=bob
            )
            assert closed.status_code == 200
            assert (await expect(socket, "closed"))["case_id"] == last

    for frame in frames:
        assert set(frame) <= FRAME_KEYS, frame
    for secret in SECRETS:
        assert not any(secret in text for text in raw)
        assert secret not in caplog.text  # no message text in the gateway's logs either


async def test_every_open_page_gets_every_change(served: Served) -> None:
    """Two pages at once (two caseworkers) both hear of a new case."""
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as http:
        ann, bob = await login(http, "ann"), await login(http, "bob")
        async with connect(served, ann) as first, connect(served, bob) as second:
            assert await next_frame(first) == {"type": "ready"}
            assert await next_frame(second) == {"type": "ready"}
            tenant = await Tenant.start(http)
            await tenant.say("ik kan de huur niet betalen")
            one, two = await next_frame(first), await next_frame(second)
            assert one == two and one["what"] == "queued"


async def test_the_socket_closes_when_the_session_ends(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "HEARTBEAT_SECONDS", 0.2)
    async with httpx.AsyncClient(base_url=served.base_url) as http:
        ann = await login(http, "ann")
        async with connect(served, ann) as socket:
            assert await next_frame(socket) == {"type": "ready"}
            ping = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert ping == {"type": "ping"}  # the heartbeat, with the session still valid
            assert (await http.post("/api/console/logout", headers=ann)).status_code == 204
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(socket.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == live.CLOSE_SESSION_ENDED


async def test_stopping_the_gateway_closes_open_sockets(served: Served) -> None:
    """Unlike an event stream, an open console page does not hold the gateway's shutdown."""
    async with httpx.AsyncClient(base_url=served.base_url) as http:
        ann = await login(http, "ann")
    async with connect(served, ann) as socket:
        assert await next_frame(socket) == {"type": "ready"}
        await served.stop()  # fails after 10 s if the open socket kept uvicorn waiting
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012  # "service restart"

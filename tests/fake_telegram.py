"""A fake Telegram Bot API server on 127.0.0.1 for tests (the real Telegram is unreachable here).

It runs aiohttp in a thread with its own event loop, so the real python-telegram-bot in
the gateway talks HTTP to it exactly as it would to api.telegram.org. It answers the
methods the gateway uses, records every call, serves queued updates to ``getUpdates``
(long-polling with a short cap), serves files at ``/file/bot<token>/<path>``, and can be
told to answer the next sendMessage calls with 429 or to go offline (connections refused)
and come back on the same port.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:TEST-fake-token_for-tests"
BOT_USER = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Huurhulp",
    "username": "huurhulp_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
#: Longest a getUpdates call waits for an update, whatever timeout the client asks.
LONG_POLL_CAP = 1.0


@dataclass
class Call:
    """One Bot API request as the fake received it."""

    method: str
    params: dict[str, Any]
    at: float  # time.monotonic()
    status: int = 200


@dataclass
class _State:
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # file_id -> (path, content)
    fail_sends: int = 0
    blocked: set[int] = field(default_factory=set)
    retry_after: int = 1
    message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))  # type: ignore[type-arg]


def _decode(value: str) -> Any:
    """PTB posts form fields; objects (reply_markup...) and numbers are JSON-encoded."""
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeTelegram:
    """Start with :meth:`start`, stop with :meth:`stop`; ``base_url`` goes into the settings."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.port = 0
        self._state = _State()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._new_update: asyncio.Condition | None = None
        self.online = False

    # Lifecycle ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> FakeTelegram:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Telegram did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._run(self._close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def go_offline(self) -> None:
        """Stop listening: clients get 'connection refused' until :meth:`go_online`."""
        self._run(self._stop_site())

    def go_online(self) -> None:
        """Listen again on the same port."""
        self._run(self._start_site())

    def _run(self, coroutine: Any) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _serve(self) -> None:
        self._new_update = asyncio.Condition()
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await self._start_site()

    async def _start_site(self) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await self._site.start()
        if not self.port:
            server = self._site._server
            assert server is not None
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.online = True

    async def _stop_site(self) -> None:
        self.online = False  # kept-alive connections are dropped too (see _api)
        if self._site is not None:
            await self._site.stop()
            self._site = None
        self.online = False

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # Test controls -----------------------------------------------------------------

    def fail_next_sends(self, count: int, retry_after: int = 1) -> None:
        """Answer the next ``count`` sendMessage calls with 429 Too Many Requests."""
        with self._lock:
            self._state.fail_sends = count
            self._state.retry_after = retry_after

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sendMessage to this chat answers 403 Forbidden."""
        with self._lock:
            self._state.blocked.add(chat_id)

    def add_file(self, file_id: str, content: bytes, path: str) -> None:
        """A file getFile can describe and the file URL serves."""
        with self._lock:
            self._state.files[file_id] = (path, content)

    def queue_update(self, update: dict[str, Any]) -> None:
        """An update for the next getUpdates (polling mode)."""
        with self._lock:
            self._state.updates.append(update)
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._notify(), self._loop)

    async def _notify(self) -> None:
        assert self._new_update is not None
        async with self._new_update:
            self._new_update.notify_all()

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._state.calls if method is None or c.method == method]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Successful sendMessage calls (to one chat)."""
        return [
            c
            for c in self.calls("sendMessage")
            if c.status == 200 and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    def sent_texts(self, chat_id: int) -> list[str]:
        return [str(c.params["text"]) for c in self.sent(chat_id)]

    def wait_for(self, condition: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
        """Poll ``condition`` until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what or condition}; calls: {self.summary()}")

    def wait_sent(self, chat_id: int, count: int, timeout: float = 15.0) -> list[str]:
        """Wait until ``count`` messages reached the chat; returns their texts."""
        self.wait_for(lambda: len(self.sent(chat_id)) >= count, timeout, f"{count} messages to {chat_id}")
        return self.sent_texts(chat_id)

    def summary(self) -> list[tuple[str, int]]:
        return [(c.method, c.status) for c in self.calls()]

    # Update builders ---------------------------------------------------------------

    _update_ids = itertools.count(1)
    _message_ids = itertools.count(1)

    def message_update(self, chat_id: int, language_code: str | None = "nl", **fields: Any) -> dict[str, Any]:
        """An update with a private message from the user ``chat_id`` (fields: text, photo...)."""
        user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Tenant"}
        if language_code:
            user["language_code"] = language_code
        return {
            "update_id": next(self._update_ids),
            "message": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Tenant"},
                "from": user,
                **fields,
            },
        }

    def text_update(self, chat_id: int, text: str, language_code: str | None = "nl") -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.message_update(chat_id, language_code, **fields)

    def callback_update(
        self, chat_id: int, data: str, message_id: int = 1, language_code: str | None = "nl"
    ) -> dict[str, Any]:
        user = {"id": chat_id, "is_bot": False, "first_name": "Tenant", "language_code": language_code}
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"cq{next(self._update_ids)}",
                "from": user,
                "chat_instance": f"ci{chat_id}",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": BOT_USER,
                    "text": "...",
                },
            },
        }

    # Handlers ----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if not self.online:
            # Offline: a request on a connection kept alive from before gets no answer at all.
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=503)  # written to a closed connection: never arrives
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.method == "POST":
            if request.content_type == "application/json":
                params = dict(await request.json())
            else:
                form = await request.post()
                params = {key: _decode(str(value)) for key, value in form.items()}
        params.update({key: _decode(value) for key, value in request.query.items()})
        call = Call(method=method, params=params, at=time.monotonic())
        with self._lock:
            self._state.calls.append(call)
        response = await self._answer(method, params, call)
        call.status = response.status
        return response

    async def _answer(self, method: str, params: dict[str, Any], call: Call) -> web.Response:
        if method == "getMe":
            return _ok(BOT_USER)
        if method in ("setWebhook", "deleteWebhook", "sendChatAction", "answerCallbackQuery"):
            return _ok(True)
        if method == "getUpdates":
            return _ok(await self._updates(params))
        if method == "sendMessage":
            with self._lock:
                if int(params["chat_id"]) in self._state.blocked:
                    return _error(403, "Forbidden: bot was blocked by the user")
                if self._state.fail_sends > 0:
                    self._state.fail_sends -= 1
                    retry_after = self._state.retry_after
                    return _error(
                        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
                    )
                message_id = next(self._state.message_ids)
            chat_id = int(params["chat_id"])
            result = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            return _ok(result)
        if method == "getFile":
            with self._lock:
                found = self._state.files.get(str(params.get("file_id")))
            if found is None:
                return _error(400, "Bad Request: invalid file_id")
            path, content = found
            return _ok(
                {
                    "file_id": params["file_id"],
                    "file_unique_id": f"u-{params['file_id']}",
                    "file_size": len(content),
                    "file_path": path,
                }
            )
        return _error(404, "Not Found: method not found")

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_CAP)

        def pending() -> list[dict[str, Any]]:
            with self._lock:
                return [u for u in self._state.updates if u["update_id"] >= offset]

        found = pending()
        if found or timeout <= 0:
            return found
        assert self._new_update is not None
        async with self._new_update:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._new_update.wait_for(lambda: bool(pending())), timeout)
        return pending()

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        with self._lock:
            self._state.calls.append(Call(method="downloadFile", params={"path": path}, at=time.monotonic()))
            for file_path, content in self._state.files.values():
                if file_path == path:
                    return web.Response(body=content, content_type="application/octet-stream")
        return web.Response(status=404)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)

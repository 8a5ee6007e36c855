"""Live updates for the console pages: a WebSocket that says *that* something changed.

Every open console page (the queue, a case) keeps one WebSocket to ``/api/console/live``.
The gateway's hub topic :data:`bot.hub.CONSOLE_TOPIC` carries :func:`bot.hub.console_change`
events (what changed and ids, never message text); this module forwards them. The page
then re-fetches through the console API, which checks the login and stays the source of
truth; it keeps polling slowly as a safety net, and quickly while the socket is down.

Why a WebSocket and not server-sent events: uvicorn closes WebSockets when the gateway
stops (code 1012), while an open event stream would hold its shutdown until the browser
leaves; and the tenants' live updates already work this way.

The handshake needs the console's session cookie (401 without a valid session) and, from
a browser, the gateway's own origin (403 otherwise: the cookie is ``SameSite=Strict``, but
another port of the same host counts as the same site). The session is checked again
every :data:`HEARTBEAT_SECONDS`; when it has ended (logout, expiry, deactivated) the
socket closes with :data:`CLOSE_SESSION_ENDED`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from anyio import to_thread
from fastapi import WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse
from starlette.websockets import WebSocketState

from bot.errors import error_body
from bot.hub import CONSOLE_TOPIC, Hub
from bot.storage.database import Database

log = logging.getLogger(__name__)

#: Seconds between the server's pings (which also re-check the session). The pages treat
#: a socket that stayed silent for much longer as dead and reconnect.
HEARTBEAT_SECONDS = 25.0
#: Close code when the session ends while the socket is open (the page goes to the login).
CLOSE_SESSION_ENDED = 4401


def same_origin(websocket: WebSocket) -> bool:
    """Whether the handshake comes from the gateway's own pages (or from no browser at all)."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser: the session cookie alone decides
    return origin.partition("://")[2] == websocket.headers.get("host")


async def _deny(websocket: WebSocket, status: int, code: str, message: str) -> None:
    """Refuse the handshake with an HTTP status (403 where the server cannot say more)."""
    response = JSONResponse(error_body(code, message), status_code=status)
    try:
        await websocket.send_denial_response(response)
    except RuntimeError:  # the server lacks the denial extension: closing now answers 403
        await websocket.close(code=1008)


async def _session_holds(db: Database, token: str | None) -> int | None:
    """The caseworker id of a live session, else None."""
    found = await to_thread.run_sync(db.caseworkers.session_caseworker, token)
    return None if found is None else found[0].id


async def serve(websocket: WebSocket, db: Database, hub: Hub, token: str | None) -> None:
    """Authenticate the handshake, then forward console changes until either side leaves."""
    if not same_origin(websocket):
        await _deny(websocket, 403, "origin_refused", "The console's live updates are for its own pages.")
        return
    caseworker_id = await _session_holds(db, token)
    if caseworker_id is None:
        await _deny(websocket, 401, "not_logged_in", "Log in first.")
        return
    async with hub.subscribe(CONSOLE_TOPIC) as queue:
        # Subscribed before "ready": a page that re-fetches on "ready" misses nothing.
        await websocket.accept()
        await websocket.send_json({"type": "ready"})
        log.debug("console live connection for caseworker %s", caseworker_id)
        loop = asyncio.get_running_loop()
        receiver: asyncio.Future[Any] = asyncio.ensure_future(websocket.receive())
        getter: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(queue.get())
        next_check = loop.time() + HEARTBEAT_SECONDS
        try:
            while True:
                done, _ = await asyncio.wait(
                    {receiver, getter},
                    timeout=max(0.0, next_check - loop.time()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if receiver in done:
                    # Pages send nothing; anything but a disconnect is ignored.
                    if receiver.result().get("type") == "websocket.disconnect":
                        return
                    receiver = asyncio.ensure_future(websocket.receive())
                if getter in done:
                    await websocket.send_json(getter.result())
                    getter = asyncio.ensure_future(queue.get())
                if loop.time() >= next_check:
                    if await _session_holds(db, token) is None:
                        await websocket.close(code=CLOSE_SESSION_ENDED)
                        return
                    await websocket.send_json({"type": "ping"})
                    next_check = loop.time() + HEARTBEAT_SECONDS
        except (WebSocketDisconnect, OSError, RuntimeError):
            return  # the connection broke while sending: the page reconnects
        finally:
            receiver.cancel()
            getter.cancel()
            if websocket.client_state is WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await websocket.close()
            log.debug("console live connection for caseworker %s ended", caseworker_id)

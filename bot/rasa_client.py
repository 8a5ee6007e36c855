"""Async client for the Rasa servers: the REST channel and the protected HTTP API.

With several Rasa servers (``huurhulp run --rasa-servers M``) each conversation has a home
server, chosen by rendezvous hashing of its id (:func:`server_order`): stable across gateway
processes and restarts, spread evenly, and adding or removing a server moves only the
conversations of that server. While the home server cannot be reached (connection refused or
not made, so the message never arrived there) the next server in the conversation's order
takes the turn. That is safe because every Rasa server shares the tracker store (PostgreSQL)
and the lock store (Redis): Rasa's ticket lock serialises the turns of one conversation across
servers, and each turn reads the tracker the previous one wrote. A slow answer is never sent
again elsewhere (the first server may still be working on it): that is an outage for the turn.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import httpx

from bot.messages import BotTurn, Button, Outbound

log = logging.getLogger(__name__)


#: Seconds a server that refused a connection is tried last (unless all the others are out too).
SKIP_AFTER_REFUSAL = 5.0

T = TypeVar("T")


class RasaUnavailable(Exception):
    """Rasa did not answer, or answered with a server error."""


def _weight(server: str, conversation_id: str) -> bytes:
    return hashlib.blake2b(f"{server}\n{conversation_id}".encode(), digest_size=8).digest()


def server_order(conversation_id: str, servers: Sequence[str]) -> list[str]:
    """The servers in the order a conversation tries them: its home server first.

    Rendezvous (highest random weight) hashing with BLAKE2b, so every gateway process, before
    and after a restart, picks the same home server (Python's ``hash()`` is salted per
    process), and a server added or removed moves only the conversations it gains or had.
    """
    return sorted(servers, key=lambda server: _weight(server, conversation_id), reverse=True)


class RasaClient:
    """Talks to one or more Rasa servers. Create it in the app factory, close it on shutdown."""

    def __init__(self, base_urls: str | Sequence[str], token: str, timeout: float) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        if not urls:
            raise ValueError("at least one Rasa server is needed")
        self.base_urls = [url.rstrip("/") for url in urls]
        self.base_url = self.base_urls[0]
        self._token = token
        self._http = {url: httpx.AsyncClient(base_url=url, timeout=timeout) for url in self.base_urls}
        self._refused_at: dict[str, float] = {}

    async def aclose(self) -> None:
        """Close the connection pools."""
        for client in self._http.values():
            await client.aclose()

    def servers_for(self, conversation_id: str) -> list[str]:
        """The order to try the servers in for this conversation: its home server first, but a
        server that refused a connection in the last few seconds goes last."""
        order = server_order(conversation_id, self.base_urls)
        now = time.monotonic()
        recent = {url for url, at in self._refused_at.items() if now - at < SKIP_AFTER_REFUSAL}
        return [url for url in order if url not in recent] + [url for url in order if url in recent]

    async def _on_servers(self, conversation_id: str, call: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
        """``call`` on the conversation's home server, on the next one only when a server could
        not be reached at all (the request never got there)."""
        last: httpx.HTTPError | None = None
        for url in self.servers_for(conversation_id):
            try:
                result = await call(self._http[url])
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                self._refused_at[url] = time.monotonic()
                last = error
                continue
            except httpx.HTTPError as error:
                raise RasaUnavailable(type(error).__name__) from error
            self._refused_at.pop(url, None)
            return result
        assert last is not None
        raise RasaUnavailable(type(last).__name__) from last

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> BotTurn:
        """Send a tenant message through the REST channel and return Rasa's replies."""
        body = {"sender": sender, "message": text, "metadata": metadata}
        response = await self._on_servers(sender, lambda http: http.post("/webhooks/rest/webhook", json=body))
        if response.status_code >= 400:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            items = response.json()
        except ValueError as error:
            raise RasaUnavailable("invalid JSON") from error
        if not isinstance(items, list):
            raise RasaUnavailable("unexpected reply shape")
        return parse_replies(items)

    async def trigger_intent(self, sender: str, intent: str) -> BotTurn:
        """Make the bot act as if the user sent ``intent`` (HTTP API); returns its replies."""
        params = {"token": self._token, "include_events": "NONE"}
        response = await self._on_servers(
            sender,
            lambda http: http.post(
                f"/conversations/{sender}/trigger_intent", params=params, json={"name": intent}
            ),
        )
        if response.status_code >= 400:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            messages = response.json().get("messages") or []
        except (ValueError, AttributeError) as error:
            raise RasaUnavailable("invalid JSON") from error
        return parse_replies(messages)

    async def healthy(self) -> bool:
        """Whether a Rasa server answers with a loaded model (with several: at least one does,
        since the others take over its conversations; :meth:`servers_healthy` tells each)."""
        return any((await self.servers_healthy()).values())

    async def servers_healthy(self) -> dict[str, bool]:
        """Each Rasa server and whether it answers with a loaded model."""
        results = await asyncio.gather(*(self._server_healthy(url) for url in self.base_urls))
        return dict(zip(self.base_urls, results, strict=True))

    async def _server_healthy(self, url: str) -> bool:
        try:
            response = await self._http[url].get("/status", params={"token": self._token}, timeout=3.0)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        try:
            return bool(response.json().get("model_file"))
        except ValueError:
            return False


def parse_replies(items: list[Any]) -> BotTurn:
    """Turn the REST channel's reply list into text replies and custom payloads."""
    turn = BotTurn()
    for item in items:
        if not isinstance(item, dict):
            continue
        custom = item.get("custom")
        if isinstance(custom, dict):
            turn.custom.append(custom)
        text = item.get("text")
        if isinstance(text, str) and text.strip():
            buttons = tuple(
                Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                for b in item.get("buttons") or []
                if isinstance(b, dict) and b.get("title") and b.get("payload")
            )
            turn.replies.append(Outbound(text=text, buttons=buttons))
    return turn

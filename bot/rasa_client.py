"""Async client for the Rasa server: the REST channel and the protected HTTP API."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.messages import BotTurn, Button, Outbound

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer, or answered with a server error."""


class RasaClient:
    """Talks to one Rasa server. Create it in the app factory, close it on shutdown."""

    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> BotTurn:
        """Send a tenant message through the REST channel and return Rasa's replies."""
        try:
            response = await self._http.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": text, "metadata": metadata},
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from error
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
        try:
            response = await self._http.post(
                f"/conversations/{sender}/trigger_intent",
                params={"token": self._token, "include_events": "NONE"},
                json={"name": intent},
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from error
        if response.status_code >= 400:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            messages = response.json().get("messages") or []
        except (ValueError, AttributeError) as error:
            raise RasaUnavailable("invalid JSON") from error
        return parse_replies(messages)

    async def healthy(self) -> bool:
        """Whether the Rasa server answers with a loaded model."""
        try:
            response = await self._http.get("/status", params={"token": self._token}, timeout=3.0)
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

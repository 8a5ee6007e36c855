"""Channel-neutral message types passed between channels, the router and Rasa."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A choice offered to the tenant; ``payload`` is what Rasa receives when it is chosen."""

    title: str
    payload: str

    def to_dict(self) -> dict[str, str]:
        """JSON form used by the APIs."""
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Inbound:
    """A tenant's message as a channel received it.

    ``button_payload`` is set when the tenant pressed a button (its payload), so that the
    router can check it against the buttons that were actually offered.

    ``intent`` is a trusted, channel-originated Rasa payload (e.g. Telegram's ``/start``
    becomes ``/greet``). Only channel code sets it, from a fixed mapping, never from the
    tenant's text; the router passes it to Rasa as it is.
    """

    conversation_id: str
    text: str
    channel: str
    button_payload: str | None = None
    language_hint: str | None = None
    intent: str | None = None


@dataclass(frozen=True)
class Outbound:
    """One reply to show to the tenant."""

    text: str
    buttons: tuple[Button, ...] = ()
    author: str = "bot"  # bot | caseworker | system

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by the web chat API."""
        return {"text": self.text, "buttons": [button.to_dict() for button in self.buttons]}


@dataclass
class BotTurn:
    """What Rasa answered to one tenant message."""

    replies: list[Outbound] = field(default_factory=list)
    custom: list[dict[str, Any]] = field(default_factory=list)

    @property
    def handoff(self) -> dict[str, Any] | None:
        """The handoff signal an action sent as a custom payload, if any (the last one wins)."""
        signals = [item["handoff"] for item in self.custom if isinstance(item.get("handoff"), dict)]
        return signals[-1] if signals else None

"""Handoff to a person: the signal travels as a custom JSON payload the gateway acts on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

TEXTS_FILE = Path(__file__).resolve().parent / "content" / "handoff.yml"
DEFAULT_LANGUAGE = "nl"


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return loaded


def handoff_text(key: str, language: str | None) -> str:
    """A handoff text in ``language``, falling back to Dutch."""
    variants = _texts()[key]
    return variants.get(language or DEFAULT_LANGUAGE) or variants[DEFAULT_LANGUAGE]


def conversation_language(tracker: Tracker) -> str | None:
    """The language the gateway chose for this conversation (sent as message metadata)."""
    metadata = tracker.latest_message.get("metadata") or {}
    language = metadata.get("language")
    return language if isinstance(language, str) else None


def handoff_payload(reason: str, tracker: Tracker) -> dict[str, Any]:
    """The ``{"handoff": {...}}`` payload for this conversation.

    Priority and stage stay ``none`` until triage knows more.
    """
    return {
        "handoff": {
            "reason": reason,
            "priority": tracker.get_slot("priority") or "none",
            "stage": tracker.get_slot("stage") or "none",
            "language": conversation_language(tracker),
        }
    }


class ActionRequestHuman(Action):
    """The tenant asked for a person: confirm and signal the handoff."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=handoff_text("requested", conversation_language(tracker)))
        dispatcher.utter_message(json_message=handoff_payload("requested", tracker))
        return []

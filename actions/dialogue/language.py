"""Keep Rasa's ``language`` slot equal to the language the gateway chose.

The gateway sends the conversation's language as message metadata; this custom slot
mapping action runs (inside ``action_extract_slots``) after every user message, so the
responses of that very turn already use the right variation.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from vocabulary.languages import SUPPORTED_LANGUAGES


class ActionSetLanguage(Action):
    """Copy the metadata language into the slot when it changed."""

    def name(self) -> str:
        return "action_set_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        metadata = tracker.latest_message.get("metadata") or {}
        language = metadata.get("language")
        if language in SUPPORTED_LANGUAGES and language != tracker.get_slot("language"):
            return [SlotSet("language", language)]
        return []

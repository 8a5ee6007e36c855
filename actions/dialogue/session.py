"""Session start: every new session opens with the short privacy notice."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionSessionStart(Action):
    """Tell tenants what is kept and who reads it before anything else, then listen.

    A tenant whose first words describe an eviction never sees the greeting, so the
    notice cannot live there. Slots carry over (the language, what the intake knows).
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        carried = [SlotSet(name, value) for name, value in tracker.slots.items() if value is not None]
        dispatcher.utter_message(response="utter_privacy_notice")
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]

"""The tenant asks for a person: confirm, and signal the handoff as a custom payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue.common import handoff_payload


class ActionRequestHuman(Action):
    """A person is always one message away, also in the middle of the intake."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_handoff_requested")
        dispatcher.utter_message(json_message=handoff_payload("requested", tracker))
        # The intake stops here: the caseworker asks what is still missing.
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("handoff_signalled", "requested")]


class ActionHandedBack(Action):
    """A caseworker gave the conversation back: say so, and allow new handoffs later."""

    def name(self) -> str:
        return "action_handed_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_handed_back")
        # The case is dealt with: a new crisis or request must signal a new handoff.
        return [SlotSet("handoff_signalled", None), SlotSet("handoff_consent", None)]

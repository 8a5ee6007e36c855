"""Crisis first: emergency numbers at once and an S handoff, whatever else is going on."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue.common import handoff_payload, language_of, utter_topic


class ActionCrisis(Action):
    """People in crisis don't read: the numbers come first, the explanation after."""

    def name(self) -> str:
        return "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        utter_topic(dispatcher, "emergency", language_of(tracker))
        dispatcher.utter_message(response="utter_crisis_handoff")
        payload = handoff_payload("crisis", tracker, priority="S")
        payload["handoff"]["stage"] = "crisis"
        dispatcher.utter_message(json_message=payload)
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            SlotSet("stage", "crisis"),
            SlotSet("priority", "S"),
            SlotSet("handoff_signalled", "S"),
        ]

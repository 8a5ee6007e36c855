"""Crisis first: emergency numbers at once, then an S handoff or one gentle question.

The gateway's crisis lexicon sends ``/crisis`` as a trusted payload: then the numbers
and the S handoff come at once, whatever else is going on. When only the NLU model says
crisis (it did for "de helft van mijn huis is beschimmeld"), the numbers still come
first, and the intake form asks gently whether the person is in danger or thinking of
harming themselves; a yes, or an answer that is not a clear no, opens the S case
(``ValidateIntakeForm.validate_stage_confirmed``). A second crisis while that question
is open counts as a yes: it never drops silently.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue.common import handoff_payload, language_of, utter_topic

#: The gateway's payload when its crisis lexicon recognised danger (bot.router.CRISIS_INTENT).
TRUSTED_CRISIS_TEXT = "/crisis"


def crisis_from_lexicon(tracker: Tracker) -> bool:
    """Whether the crisis intent came from the gateway's lexicon, not from the model."""
    return str(tracker.latest_message.get("text") or "").startswith(TRUSTED_CRISIS_TEXT)


class ActionCrisis(Action):
    """People in crisis don't read: the numbers come first, the explanation after."""

    def name(self) -> str:
        return "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        utter_topic(dispatcher, "emergency", language)
        already_asked = (
            tracker.get_slot("confirm_stage") == "crisis" and tracker.get_slot("stage_confirmed") is None
        )
        if not crisis_from_lexicon(tracker) and not already_asked:
            # Only the model says crisis: ask, with the numbers already on screen.
            return [
                SlotSet("confirm_stage", "crisis"),
                SlotSet("stage_confirmed", None),
                SlotSet("requested_slot", None),
                FollowupAction("intake_form"),
            ]
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
            SlotSet("confirm_stage", None),
        ]

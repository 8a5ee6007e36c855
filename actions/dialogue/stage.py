"""The tenant describes their situation: recognise the stage, explain it, flag urgency."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import Assessment, as_date, assess
from actions.dialogue.common import (
    format_date,
    handoff_payload,
    known_slots,
    language_of,
    today,
    utter_topic,
)
from vocabulary.stages import Priority, Stage

#: The curated topic that explains each stage in plain words.
STAGE_TOPICS: dict[Stage, str] = {
    Stage.crisis: "emergency",
    Stage.locked_out: "locks_changed",
    Stage.eviction_scheduled: "five_day_notice",
    Stage.judgment: "one_month_rule",
    Stage.court: "hearing",
    Stage.formal_notice: "formal_notice",
    Stage.arrears: "ocmw",
    Stage.payment_worry: "caw",
}


def utter_deadlines(
    dispatcher: CollectingDispatcher, assessment: Assessment, slots: dict[str, Any], language: str
) -> None:
    """The deadline calculator: days to the hearing or eviction, earliest eviction after service."""
    result = assessment.result
    hearing = as_date(slots.get("hearing_date"))
    if hearing and result.days_to_hearing is not None:
        if result.days_to_hearing >= 0:
            dispatcher.utter_message(
                response="utter_deadline_hearing",
                date=format_date(hearing, language),
                days=result.days_to_hearing,
            )
        else:
            dispatcher.utter_message(response="utter_date_in_past", date=format_date(hearing, language))
    eviction = as_date(slots.get("eviction_date"))
    if eviction and result.days_to_eviction is not None and result.days_to_eviction >= 0:
        dispatcher.utter_message(
            response="utter_deadline_eviction",
            date=format_date(eviction, language),
            days=result.days_to_eviction,
        )
    served = as_date(slots.get("judgment_served_date"))
    if served and result.earliest_eviction_date:
        dispatcher.utter_message(
            response="utter_deadline_judgment",
            served=format_date(served, language),
            earliest=format_date(result.earliest_eviction_date, language),
        )


def escalation_events(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    assessment: Assessment,
    pending: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Signal a handoff when triage reaches S or P1 and this urgency was not signalled yet.

    ``pending`` holds the slot values the calling action is about to set.
    """
    result = assessment.result
    already = tracker.get_slot("handoff_signalled")
    if not result.needs_human or already in (Priority.S.value, result.priority.value, "requested", "consent"):
        return []
    dispatcher.utter_message(response="utter_urgent_handoff")
    dispatcher.utter_message(json_message=handoff_payload("triage", tracker, assessment, pending=pending))
    return [SlotSet("handoff_signalled", result.priority.value)]


def triage_events(assessment: Assessment) -> list[dict[str, Any]]:
    """Slot events that record what triage found."""
    events: list[dict[str, Any]] = [
        SlotSet("stage", assessment.result.stage.value),
        SlotSet("priority", assessment.result.priority.value),
    ]
    events += [SlotSet(slot, value) for slot, value in assessment.date_slots.items()]
    return events


class ActionTriage(Action):
    """Assess the tenant's message, explain the stage, and escalate when it is urgent."""

    def name(self) -> str:
        return "action_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name")
        confidence = float((message.get("intent") or {}).get("confidence") or 0.0)
        slots = known_slots(tracker)
        assessment = assess(message.get("text") or "", today(), intent, confidence, language, slots)
        events = triage_events(assessment)
        if assessment.arrears_months is not None and slots.get("arrears_months") is None:
            events.append(SlotSet("arrears_months", assessment.arrears_months))
        if assessment.arrears_euros is not None and slots.get("arrears_euros") is None:
            events.append(SlotSet("arrears_euros", assessment.arrears_euros))

        if assessment.unconfirmed is not None:
            # Only the model saw this urgent stage: the intake form asks first.
            events += [
                SlotSet("confirm_stage", assessment.unconfirmed.value),
                SlotSet("stage_confirmed", None),
            ]
        topic = STAGE_TOPICS.get(assessment.result.stage)
        if topic:
            utter_topic(dispatcher, topic, language)
        utter_deadlines(dispatcher, assessment, {**slots, **assessment.date_slots}, language)
        pending = {event["name"]: event["value"] for event in events}
        events += escalation_events(dispatcher, tracker, assessment, pending)
        if not dispatcher.messages and assessment.unconfirmed is None:
            # No stage and nothing to ask (the intake asks nothing for "none"): never an
            # empty turn, which the gateway would take for a failed action.
            dispatcher.utter_message(response="utter_more_help")
        return events

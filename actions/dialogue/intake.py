"""The intake: a short form that asks only what the stage still needs.

``ValidateIntakeForm`` decides which questions are needed (``required_slots``) and reads
the answers; every answer also re-runs triage, so a hearing date given in the form can
raise the priority and trigger the handoff at once. ``PlaceValidation`` is shared with
the referral form.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import read_arrears, read_help_involved, read_yes_no
from actions.assessment import as_date, assess
from actions.dates import parse_dates
from actions.dialogue.common import handoff_payload, known_slots, language_of, today, utter_topic
from actions.dialogue.confirm import CONFIRMABLE, crisis_denied_text
from actions.dialogue.information import utter_referrals
from actions.dialogue.stage import STAGE_TOPICS, escalation_events, utter_deadlines
from actions.referral import find_referrals
from vocabulary.stages import Stage

#: Questions per stage, in the order they are asked (before the common ones).
STAGE_QUESTIONS: dict[str, list[str]] = {
    Stage.court.value: ["hearing_date", "arrears_months"],
    Stage.judgment.value: ["judgment_served_date", "arrears_months"],
    Stage.eviction_scheduled.value: ["eviction_date"],
    Stage.formal_notice.value: ["arrears_months"],
    Stage.arrears.value: ["arrears_months"],
}
#: Asked for every stage except where noted.
COMMON_QUESTIONS = ["children", "income_loss", "health_problems", "municipality", "help_involved"]
#: Someone locked out tonight needs a person, not a questionnaire.
SHORT_QUESTIONS = ["children", "municipality"]
#: Values of ``handoff_signalled`` after which the bot asks nothing more.
HANDED_OFF = ("S", "P1", "requested")
#: Answers that mean "no answer", set by the dont_know / skip intents.
NO_ANSWER = ("unknown", "skipped")


class PlaceValidation(FormValidationAction):
    """Shared reading of "where do you live" for every form that asks it."""

    def name(self) -> str:  # pragma: no cover - abstract in practice
        return "validate_place"

    async def validate_municipality(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Resolve a municipality name or postcode; ask for the postcode when ambiguous."""
        if value in NO_ANSWER:
            return {"municipality": value}
        text = str(value).strip()
        if not text or len(text) > 80:
            dispatcher.utter_message(response="utter_ask_postcode_instead")
            return {"municipality": None}
        found = find_referrals(text)
        if found.needs_confirmation:
            dispatcher.utter_message(response="utter_ask_postcode_instead")
            return {"municipality": None}
        if found.covered:
            return {"municipality": found.municipality, "postcode": found.postcode}
        # Outside the covered regions: keep what the tenant wrote; referral says so honestly.
        return {"municipality": text, "postcode": None}


def _yes_no(slot: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    if isinstance(value, bool) or value in NO_ANSWER:
        return {slot: value}
    answer = read_yes_no(str(value))
    if answer is None:
        dispatcher.utter_message(response="utter_invalid_yes_no")
    return {slot: answer}


class ValidateIntakeForm(PlaceValidation):
    """Reads the intake answers and keeps triage up to date."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The questions this tenant still needs, given the stage triage found.

        None once a person has been asked for (S, P1 or a request): from then on the
        gateway holds the conversation for the caseworker, who asks what is missing.
        """
        if tracker.get_slot("handoff_signalled") in HANDED_OFF:
            return []
        pending = (
            tracker.get_slot("confirm_stage") in CONFIRMABLE and tracker.get_slot("stage_confirmed") is None
        )
        if pending:
            # Only the model saw an urgent stage: ask that first, the rest depends on it.
            return ["stage_confirmed"]
        stage = tracker.get_slot("stage") or Stage.none.value
        if stage == Stage.none.value:
            return []  # nothing to ask about: no rent situation was found (or it was denied)
        questions = list(STAGE_QUESTIONS.get(stage, []))
        if stage == Stage.locked_out.value:
            questions += SHORT_QUESTIONS
        else:
            questions += COMMON_QUESTIONS
        # Euros without the rent cannot be compared with the 2-month threshold.
        if tracker.get_slot("arrears_euros") is not None and tracker.get_slot("arrears_months") in (
            None,
            *NO_ANSWER,
        ):
            questions.insert(
                questions.index("arrears_months") + 1 if "arrears_months" in questions else 0, "monthly_rent"
            )
        if tracker.get_slot("handoff_signalled") is None:
            questions.append("handoff_consent")  # S/P1 and requests were handed off already
        return questions

    async def _retriage(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, update: dict[str, Any]
    ) -> dict[str, Any]:
        """Re-run triage with the new answer; escalate if it became urgent."""
        slots = {**known_slots(tracker), **update}
        language = language_of(tracker)
        assessment = assess("", today(), None, 0.0, language, slots)
        utter_deadlines(dispatcher, assessment, slots, language)
        result = {
            **update,
            "stage": assessment.result.stage.value,
            "priority": assessment.result.priority.value,
        }
        for event in escalation_events(dispatcher, tracker, assessment, result):
            result[event["name"]] = event["value"]
        return result

    async def _validate_date(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if value in NO_ANSWER:
            return {slot: value}
        if as_date(value) is not None:
            return {slot: value}  # already read (and announced) by triage from the first message
        found = parse_dates(str(value), today(), language_of(tracker))
        if not found:
            dispatcher.utter_message(response="utter_invalid_date")
            return {slot: None}
        return await self._retriage(dispatcher, tracker, {slot: found[0].date.isoformat()})

    async def validate_hearing_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The hearing date; within 14 days makes it P1."""
        return await self._validate_date("hearing_date", value, dispatcher, tracker)

    async def validate_eviction_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The eviction date the bailiff announced."""
        return await self._validate_date("eviction_date", value, dispatcher, tracker)

    async def validate_judgment_served_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """When the judgment was served: the one-month term runs from here."""
        return await self._validate_date("judgment_served_date", value, dispatcher, tracker)

    async def validate_arrears_months(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Arrears in months, or in euros (then the rent is asked next)."""
        if value in NO_ANSWER or isinstance(value, (int, float)):
            return await self._retriage(dispatcher, tracker, {"arrears_months": value})
        months, euros = read_arrears(str(value))
        if months is None and euros is None:
            dispatcher.utter_message(response="utter_invalid_amount")
            return {"arrears_months": None}
        update: dict[str, Any] = {"arrears_months": months if months is not None else "unknown"}
        if euros is not None:
            update["arrears_euros"] = euros
        return await self._retriage(dispatcher, tracker, update)

    async def validate_monthly_rent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The monthly rent in euros, to turn euro arrears into months."""
        if value in NO_ANSWER:
            return {"monthly_rent": value}
        months, euros = read_arrears(str(value))
        rent = euros if euros is not None else months  # a bare "750" reads as a number
        if rent is None or rent <= 0:
            dispatcher.utter_message(response="utter_invalid_amount")
            return {"monthly_rent": None}
        return await self._retriage(dispatcher, tracker, {"monthly_rent": rent})

    async def validate_stage_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The answer to the confirming question (``actions.dialogue.confirm``).

        Crisis: yes, or an answer that is not a clear no, opens the S case; a crisis is
        never dropped silently. Another stage: yes makes it the stage (and escalates);
        no or "I don't know" keeps what the evidence supports and the intake goes on.
        """
        stage = tracker.get_slot("confirm_stage")
        language = language_of(tracker)
        if isinstance(value, bool) or value in NO_ANSWER:
            answer: bool | None = value if isinstance(value, bool) else None
        else:
            answer = read_yes_no(str(value))
        if stage == Stage.crisis.value:
            if answer is False:
                dispatcher.utter_message(text=crisis_denied_text(language))
                return {"stage_confirmed": False, "confirm_stage": None}
            dispatcher.utter_message(response="utter_crisis_handoff")
            payload = handoff_payload("crisis", tracker, priority="S")
            payload["handoff"]["stage"] = Stage.crisis.value
            payload["handoff"]["reasons"] = [
                "model_crisis_confirmed" if answer else "model_crisis_unclear_answer"
            ]
            dispatcher.utter_message(json_message=payload)
            return {
                "stage_confirmed": True,
                "stage": Stage.crisis.value,
                "priority": "S",
                "handoff_signalled": "S",
            }
        if answer is True and stage in CONFIRMABLE:
            utter_topic(dispatcher, STAGE_TOPICS[Stage(stage)], language)
        update = await self._retriage(
            dispatcher, tracker, {"stage_confirmed": answer if answer is not None else "unknown"}
        )
        if update.get("stage") == Stage.none.value:
            dispatcher.utter_message(response="utter_more_help")
        return update

    async def validate_children(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Children in the household: a flag for the caseworker."""
        return _yes_no("children", value, dispatcher)

    async def validate_income_loss(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A recent loss of income: a flag for the caseworker."""
        return _yes_no("income_loss", value, dispatcher)

    async def validate_health_problems(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Health problems: a flag for the caseworker."""
        return _yes_no("health_problems", value, dispatcher)

    async def validate_help_involved(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Is the OCMW or the CAW already involved?"""
        if value in NO_ANSWER:
            return {"help_involved": value}
        return {"help_involved": read_help_involved(str(value)) or "other"}

    async def validate_handoff_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Consent to pass the conversation to a caseworker."""
        return _yes_no("handoff_consent", value, dispatcher)


class ValidateReferralForm(PlaceValidation):
    """The referral form only asks where the tenant lives."""

    def name(self) -> str:
        return "validate_referral_form"


class ActionIntakeDone(Action):
    """End of the intake: hand off with the summary if the tenant agreed."""

    def name(self) -> str:
        return "action_intake_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        place = tracker.get_slot("postcode") or tracker.get_slot("municipality")
        if isinstance(place, str) and place not in NO_ANSWER:
            utter_referrals(dispatcher, place, language_of(tracker))
        signalled = tracker.get_slot("handoff_signalled")
        if signalled is not None:
            # Handed off already (S, P1, a request): that was announced and signalled;
            # from here the person takes over.
            return []
        if (tracker.get_slot("stage") or Stage.none.value) == Stage.none.value:
            return []  # no rent situation: the answer to the confirming question was the reply
        if tracker.get_slot("handoff_consent") is True:
            slots = known_slots(tracker)
            assessment = assess("", today(), None, 0.0, language_of(tracker), slots)
            dispatcher.utter_message(response="utter_intake_done_handoff")
            dispatcher.utter_message(json_message=handoff_payload("consent", tracker, assessment))
            return [SlotSet("handoff_signalled", "consent")]
        dispatcher.utter_message(response="utter_intake_done_no_handoff")
        return []

"""Curated information answers and the referral map."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import assess
from actions.content_store import Organisation
from actions.dialogue.common import known_slots, language_of, today, utter_topic
from actions.dialogue.stage import utter_deadlines
from actions.referral import find_referrals
from actions.region import region_of

#: Which curated topics answer which question.
INTENT_TOPICS: dict[str, tuple[str, ...]] = {
    "ask_conciliation": ("conciliation",),
    "ask_hearing": ("hearing",),
    "ask_eviction_rules": ("one_month_rule", "five_day_notice"),
    "ask_ocmw": ("ocmw",),
    "ask_caw": ("caw",),
    "ask_huurdersbond": ("huurdersbond",),
    "ask_legal_aid": ("legal_aid",),
    "ask_fonds": ("fonds_uithuiszetting",),
    "ask_deposit": ("deposit",),
    "ask_social_housing": ("social_housing",),
    "landlord_tenant_not_paying": ("landlord_options", "fonds_uithuiszetting"),
    "housing_other": ("housing_other",),
    "ask_winter_stop": ("winter_stop",),
    "ask_belongings": ("belongings",),
    "ask_rent_allowance": ("rent_allowance",),
    "ask_lease_end": ("lease_end",),
    "ask_appeal": ("appeal",),
    "ask_judge_decision": ("judge_options",),
    "ask_interpreter": ("interpreter",),
    "ask_after_eviction": ("after_eviction",),
    "ask_debt_help": ("debt_help",),
    "ask_talk_line": ("tele_onthaal",),
}


class ActionInfo(Action):
    """Answer a question with the curated, sourced text for it."""

    def name(self) -> str:
        return "action_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = language_of(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        for topic in INTENT_TOPICS.get(intent, ()):
            utter_topic(dispatcher, topic, language)
        if intent == "ask_eviction_rules":
            # The deadline calculator, when we know the dates.
            slots = known_slots(tracker)
            utter_deadlines(dispatcher, assess("", today(), None, 0.0, language, slots), slots, language)
        if not tracker.active_loop_name:
            dispatcher.utter_message(response="utter_more_help")
        return []


def describe(organisation: Organisation) -> str:
    """One organisation as a short text block: only the sourced fields."""
    lines = [organisation.name]
    lines += [value for value in (organisation.address, organisation.phone, organisation.website) if value]
    if organisation.opening_hours:
        lines.append(organisation.opening_hours)
    return "\n".join(lines)


def utter_referrals(dispatcher: CollectingDispatcher, place: str, language: str) -> None:
    """Local help for ``place``; Brussels and Wallonia get the regional pointer (the content
    is for Flanders); elsewhere in Flanders the Flanders-wide options."""
    found = find_referrals(place)
    if not found.covered and region_of(place) in ("brussels", "wallonia"):
        utter_topic(dispatcher, "other_region", language)
        return
    if found.covered and found.municipality:
        dispatcher.utter_message(response="utter_referral_intro", municipality=found.municipality)
        blocks = []
        for referral in found.local:
            block = describe(referral.organisation)
            if not referral.organisation.has_contact and referral.fallback is not None:
                block += "\n→ " + describe(referral.fallback).replace("\n", " · ")
            blocks.append(block)
        dispatcher.utter_message(text="\n\n".join(blocks))
        return
    dispatcher.utter_message(response="utter_referral_uncovered", place=place)
    dispatcher.utter_message(text="\n\n".join(describe(org) for org in found.flanders_wide))


class ActionReferral(Action):
    """Show where to get help, for the municipality the tenant gave."""

    def name(self) -> str:
        return "action_referral"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        place = tracker.get_slot("postcode") or tracker.get_slot("municipality")
        latest = tracker.latest_message
        if (latest.get("intent") or {}).get("name") == "inform_place":
            place = latest.get("text")  # "Tongeren" on its own: the help there
        if isinstance(place, str) and place not in ("unknown", "skipped"):
            utter_referrals(dispatcher, place, language_of(tracker))
        else:
            dispatcher.utter_message(response="utter_referral_uncovered", place="?")
            dispatcher.utter_message(
                text="\n\n".join(describe(org) for org in find_referrals("").flanders_wide)
            )
        dispatcher.utter_message(response="utter_more_help")
        return []

"""Helpers shared by the dialogue actions: language, dates, curated texts, handoff payloads."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import Assessment
from actions.content_store import get_info_topic
from vocabulary.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

#: Dates are Belgian dates: "tomorrow" is tomorrow in Brussels, whatever the server's zone.
TIMEZONE = ZoneInfo("Europe/Brussels")
#: Slots whose values make up the intake summary a caseworker sees.
INTAKE_SLOTS = (
    "hearing_date",
    "eviction_date",
    "judgment_served_date",
    "arrears_months",
    "arrears_euros",
    "monthly_rent",
    "children",
    "income_loss",
    "health_problems",
    "municipality",
    "postcode",
    "help_involved",
    "handoff_consent",
)


def today() -> dt.date:
    """Today in Belgium; ``HUURHULP_TODAY`` (YYYY-MM-DD) pins it for tests and demos."""
    pinned = os.environ.get("HUURHULP_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return dt.datetime.now(TIMEZONE).date()


def language_of(tracker: Tracker) -> str:
    """The conversation's language (slot set by the gateway, or message metadata)."""
    slot = tracker.get_slot("language")
    if slot in SUPPORTED_LANGUAGES:
        return str(slot)
    metadata = tracker.latest_message.get("metadata") or {}
    language = metadata.get("language")
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


_BELGIAN_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_BE"}


def format_date(value: dt.date, language: str) -> str:
    """A date as people read it: "1 december 2026", "1 décembre 2026", "1 December 2026".

    Babel (CLDR) knows the month names and their grammatical case in every language
    (Polish "1 grudnia 2026", Ukrainian "1 грудня 2026 р.").
    """
    locale = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
    # Belgian conventions where CLDR has them ("1 December 2026", not "December 1, 2026").
    locale = _BELGIAN_LOCALES.get(locale, locale)
    return str(babel_format_date(value, format="long", locale=locale))


def utter_topic(dispatcher: CollectingDispatcher, topic_id: str, language: str) -> None:
    """Send a curated information text, its steps, and where it comes from."""
    topic = get_info_topic(topic_id)
    dispatcher.utter_message(text=topic.text_in(language))
    steps = topic.steps_in(language)
    if steps:
        dispatcher.utter_message(text="\n".join(f"• {step}" for step in steps))
    if topic.sources:
        # Tenants see where a fact comes from (the site's name); the full address and the
        # other sources stay in the content file for caseworkers and reviewers.
        first = topic.sources[0]
        where = urlparse(first.source).netloc.removeprefix("www.") or first.source
        dispatcher.utter_message(response="utter_source", source=where, checked=first.checked)


def known_slots(tracker: Tracker) -> dict[str, Any]:
    """The slot values triage looks at."""
    return {
        name: tracker.get_slot(name) for name in (*INTAKE_SLOTS, "stage", "confirm_stage", "stage_confirmed")
    }


def handoff_payload(
    reason: str,
    tracker: Tracker,
    assessment: Assessment | None = None,
    priority: str | None = None,
    pending: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``{"handoff": {...}}`` custom payload the gateway turns into a queued case.

    ``pending`` holds slot values this action sets but the tracker does not show yet.
    """
    result = assessment.result if assessment else None
    values = {name: tracker.get_slot(name) for name in INTAKE_SLOTS}
    values.update(pending or {})
    intake = {name: value for name, value in values.items() if name in INTAKE_SLOTS and value is not None}
    flags = (
        list(result.flags)
        if result
        else [
            name for name in ("children", "health_problems", "income_loss") if tracker.get_slot(name) is True
        ]
    )
    return {
        "handoff": {
            "reason": reason,
            "priority": priority
            or (result.priority.value if result else tracker.get_slot("priority") or "none"),
            "stage": result.stage.value if result else tracker.get_slot("stage") or "none",
            "language": language_of(tracker),
            "intake": intake,
            "flags": flags,
            "reasons": list(result.reasons) if result else [],
        }
    }

"""Brussels and Wallonia get the regional pointer; the content is for Flanders (issue 11)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.content_store import get_info_topic
from actions.dialogue.information import INTENT_TOPICS, utter_referrals
from actions.region import region_of, region_of_postcode


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("ik woon in Brussel", "brussels"),
        ("j'habite à Bruxelles", "brussels"),
        ("I live in Brussels", "brussels"),
        ("Schaerbeek", "brussels"),
        ("sint-jans-molenbeek", "brussels"),
        ("1080", "brussels"),
        ("j'habite à Liège", "wallonia"),
        ("ik woon in Luik", "wallonia"),
        ("1348 Louvain-la-Neuve", "wallonia"),
        ("6000", "wallonia"),
        ("9000 Gent", "flanders"),
        ("2000", "flanders"),
        ("3500", "flanders"),
        ("1500 Halle", "flanders"),
        ("Tongeren", None),
        ("", None),
    ],
)
def test_region_of(text: str, region: str | None) -> None:
    assert region_of(text) == region


def test_region_of_postcode_rejects_non_postcodes() -> None:
    assert region_of_postcode("0123") is None
    assert region_of_postcode("123") is None
    assert region_of_postcode("12345") is None


def _texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message.get("text") or message.get("response") or "" for message in dispatcher.messages]


@pytest.mark.parametrize(
    ("place", "language"), [("ik woon in Brussel", "nl"), ("Bruxelles", "fr"), ("4000", "en")]
)
def test_brussels_and_wallonia_get_the_regional_pointer(place: str, language: str) -> None:
    dispatcher = CollectingDispatcher()
    utter_referrals(dispatcher, place, language)
    texts = _texts(dispatcher)
    assert texts[0] == get_info_topic("other_region").text_in(language)
    assert "utter_referral_uncovered" not in texts


def test_flemish_place_outside_limburg_gets_flanders_wide_help() -> None:
    dispatcher = CollectingDispatcher()
    utter_referrals(dispatcher, "9000 Gent", "nl")
    assert _texts(dispatcher)[0] == "utter_referral_uncovered"
    assert len(dispatcher.messages) == 2


def test_limburg_still_gets_local_help() -> None:
    dispatcher = CollectingDispatcher()
    utter_referrals(dispatcher, "3700", "nl")
    assert _texts(dispatcher)[0] == "utter_referral_intro"


def test_new_questions_have_answers() -> None:
    assert INTENT_TOPICS["ask_winter_stop"] == ("winter_stop",)
    assert INTENT_TOPICS["ask_belongings"] == ("belongings",)
    winter = get_info_topic("winter_stop")
    assert (
        "geen wettelijke winterstop" in winter.text["nl"] and "1 november tot 15 maart" in winter.text["nl"]
    )
    assert "15 mars" in winter.text["fr"] and "15 March" in winter.text["en"]
    assert "zes maanden" in get_info_topic("belongings").text["nl"]

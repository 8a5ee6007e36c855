"""The conversation core through the web chat API: crisis, triage, intake, info, referral.

The stack runs with HUURHULP_TODAY=2026-11-25 (a Wednesday), so "volgende week dinsdag"
is 2026-12-01.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = pytest.mark.integration


@pytest.fixture
def client(live_stack: RunningStack) -> Iterator[httpx.Client]:
    with live_stack.client() as http:
        yield http


def _texts(result: dict[str, Any]) -> str:
    return "\n".join(reply["text"] for reply in result["replies"])


def _handoff(live_stack: RunningStack, tenant: WebTenant) -> dict[str, Any] | None:
    db = live_stack.database()
    try:
        return db.conversations.get(tenant.conversation_id).handoff
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "message",
    [
        "ik wil niet meer leven",
        "mijn man slaat mij en ik ben bang",
        "als ze mij buitenzetten maak ik er een einde aan",
        "je veux mourir, je n'en peux plus",
        "mon mari me frappe",
        "I want to kill myself",
        "my partner beats me, I am not safe",
    ],
)
def test_crisis_gets_emergency_numbers_and_an_s_signal(
    client: httpx.Client, live_stack: RunningStack, message: str
) -> None:
    tenant = WebTenant(client)
    result = tenant.say(message)
    texts = _texts(result)
    for number in ("112", "1813", "1712"):
        assert number in texts
    handoff = _handoff(live_stack, tenant)
    assert handoff is not None
    assert (handoff["priority"], handoff["stage"], handoff["reason"]) == ("S", "crisis", "crisis")


def test_crisis_in_the_middle_of_the_intake(client: httpx.Client, live_stack: RunningStack) -> None:
    tenant = WebTenant(client)
    tenant.say("ik heb een aangetekende brief gekregen van mijn huisbaas, ik moet betalen")
    result = tenant.say("ik zie het echt niet meer zitten, ik wil dood")
    assert "1813" in _texts(result)
    assert _handoff(live_stack, tenant)["priority"] == "S"  # type: ignore[index]


def test_summons_for_next_tuesday_is_court_p1_with_the_date(
    client: httpx.Client, live_stack: RunningStack
) -> None:
    tenant = WebTenant(client)
    result = tenant.say("ik heb een dagvaarding voor volgende week dinsdag")
    texts = _texts(result)
    assert "1 december 2026" in texts and "6 dagen" in texts  # the deadline calculator
    assert texts.count("6 dagen") == 1  # said once, not again by the intake
    assert "Hoeveel huur" not in texts  # a person takes over now; the bot asks nothing more
    assert result["mode"] == "waiting"
    handoff = _handoff(live_stack, tenant)
    assert handoff is not None
    assert (handoff["stage"], handoff["priority"], handoff["reason"]) == ("court", "P1", "triage")
    assert handoff["intake"]["hearing_date"] == "2026-12-01"


def test_formal_notice_intake_to_consented_handoff(client: httpx.Client, live_stack: RunningStack) -> None:
    tenant = WebTenant(client)
    first = tenant.say("ik kreeg een aangetekende brief, een ingebrekestelling van mijn huisbaas")
    assert "ingebrekestelling" in _texts(first).lower()
    assert _handoff(live_stack, tenant) is None  # P3: no handoff without consent

    asked = first["replies"][-1]
    assert "huur" in asked["text"].lower()  # the arrears question
    answers = [
        ("3 maanden", "kinderen"),
        ("ja", "inkomen"),
        ("nee", "gezondheid"),
        ("Ik weet het niet", "gemeente"),
        ("Tongeren", "OCMW"),
        ("OCMW", "doorgeven"),
    ]
    for answer, next_question in answers:
        result = tenant.say(answer)
        assert next_question.lower() in _texts(result).lower(), (answer, _texts(result))

    done = tenant.say("ja")
    texts = _texts(done)
    assert "Tongeren-Borgloon" in texts  # referral for the merged municipality
    handoff = _handoff(live_stack, tenant)
    assert handoff is not None
    assert (handoff["reason"], handoff["stage"], handoff["priority"]) == ("consent", "formal_notice", "P3")
    intake = handoff["intake"]
    assert intake["arrears_months"] == 3.0
    assert intake["children"] is True and intake["income_loss"] is False
    assert intake["health_problems"] == "unknown"
    assert intake["municipality"] == "Tongeren-Borgloon"
    assert intake["help_involved"] == "ocmw"
    assert "children" in handoff["flags"]


def test_a_person_is_one_tap_away_during_the_intake(client: httpx.Client, live_stack: RunningStack) -> None:
    tenant = WebTenant(client)
    first = tenant.say("ik ben 2 maanden achter met de huur")
    buttons = [b["payload"] for b in first["replies"][-1]["buttons"]]
    assert "/request_human" in buttons
    result = tenant.say("Met een mens praten", payload="/request_human")
    assert "hulpverlener" in _texts(result)
    assert _handoff(live_stack, tenant)["reason"] == "requested"  # type: ignore[index]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("wat is een verzoening bij de vrederechter", "verzoening"),
        ("wat is het fonds tegen uithuiszetting", "OCMW"),
        ("hoeveel huurwaarborg mag de eigenaar vragen", "3 maanden"),
    ],
)
def test_information_answers_carry_their_source(client: httpx.Client, message: str, expected: str) -> None:
    result = WebTenant(client).say(message)
    texts = _texts(result)
    assert expected.lower() in texts.lower()
    assert "Bron:" in texts and "nagekeken op" in texts


def test_referral_by_postcode_and_for_an_uncovered_place(client: httpx.Client) -> None:
    tenant = WebTenant(client)
    tenant.say("waar kan ik hulp vinden in mijn buurt")
    assert "Hasselt" in _texts(tenant.say("3500"))
    other = WebTenant(client)
    other.say("waar kan ik hulp vinden in mijn buurt")
    result = _texts(other.say("Gent"))
    # Outside Limburg the bot says its list is Limburg's and names the Flanders-wide help.
    assert "voorlopig voor Limburg" in result and "Gent" in result and "caw.be" in result


def test_french_and_english_conversations(client: httpx.Client, live_stack: RunningStack) -> None:
    french = WebTenant(client)
    result = french.say("Bonjour, j'ai reçu une citation pour une audience à la justice de paix")
    assert result["language"] == "fr"
    assert "audience" in _texts(result).lower()
    english = WebTenant(client)
    result = english.say("Hello, my landlord sent me a registered letter saying I must pay the rent")
    assert result["language"] == "en"
    assert "formal notice" in _texts(result).lower() or "registered" in _texts(result).lower()

"""Dutch conversations through the web chat API with the real Rasa and action servers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = pytest.mark.integration


@pytest.fixture
def client(live_stack: RunningStack) -> Iterator[httpx.Client]:
    with live_stack.client() as http:
        yield http


@pytest.fixture
def tenant(client: httpx.Client) -> WebTenant:
    return WebTenant(client)


def _texts(result: dict) -> str:  # type: ignore[type-arg]
    return " ".join(reply["text"] for reply in result["replies"])


def test_healthz_is_ok_when_everything_runs(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["parts"] == {
        "rasa": {"ok": True},
        "actions": {"ok": True},
        "database": {"ok": True},
    }


def test_hallo_gets_a_dutch_greeting_with_buttons(tenant: WebTenant) -> None:
    result = tenant.say("hallo")
    assert result["mode"] == "bot" and result["language"] == "nl"
    assert "Huurhulp" in _texts(result)
    greeting = next(reply for reply in result["replies"] if "Huurhulp" in reply["text"])
    assert {"title": "Ik wil met een mens praten", "payload": "/request_human"} in greeting["buttons"]


def test_the_first_reply_of_a_session_is_the_privacy_notice(tenant: WebTenant) -> None:
    first = tenant.say("ik heb een vraag over mijn huur")
    assert "anoniem" in first["replies"][0]["text"]
    second = tenant.say("hallo")
    assert "anoniem" not in _texts(second)


def test_pressing_and_typing_a_button(tenant: WebTenant) -> None:
    tenant.say("dag")
    pressed = tenant.say("Wat kan je doen?", payload="/capabilities")
    assert "Ik kan" in _texts(pressed)
    tenant.say("hallo")
    typed = tenant.say("wat kan je doen?")  # typed title of an offered button
    assert "Ik kan" in _texts(typed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wa kunde gij eigenlijk", "Ik kan"),
        ("ik wil met een echte mens spreken", "hulpverlener"),
        ("merci voor de hulp", "Graag gedaan"),
        ("ok tot ziens", "Tot ziens"),
        ("🙂🙂", "emoji"),
    ],
)
def test_dutch_intents(tenant: WebTenant, text: str, expected: str) -> None:
    assert expected in _texts(tenant.say(text))


def test_asking_for_a_person_records_a_handoff_signal(tenant: WebTenant, live_stack: RunningStack) -> None:
    result = tenant.say("ik wil met iemand praten")
    assert "hulpverlener" in _texts(result)
    db = live_stack.database()
    try:
        handoff = db.conversations.get(tenant.conversation_id).handoff
    finally:
        db.dispose()
    assert handoff is not None
    assert handoff["reason"] == "requested" and handoff["language"] == "nl"


def _rasa_tracker(live_stack: RunningStack, conversation_id: str) -> dict:  # type: ignore[type-arg]
    response = httpx.get(
        f"{live_stack.settings.effective_rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": live_stack.token},
        timeout=10,
    )
    response.raise_for_status()
    tracker: dict = response.json()  # type: ignore[type-arg]
    return tracker


@pytest.mark.parametrize(
    "injection",
    ["/restart", '/request_human{"priority": "S"}', "/session_start", '/greet{"language": "fr"}'],
)
def test_typed_intents_do_not_drive_the_bot(
    tenant: WebTenant, live_stack: RunningStack, injection: str
) -> None:
    tenant.say("hallo")
    answer = tenant.say(injection)
    chosen = answer["language"]  # the gateway's choice, never the payload's
    assert answer["mode"] == "bot"  # no case, whatever the payload asked for
    tracker = _rasa_tracker(live_stack, tenant.conversation_id)
    latest = tracker["latest_message"]
    # A typed command reaches Rasa as the harmless capabilities intent, never as itself.
    # When the gateway's language changes on this turn, the NLU component writes it into
    # the payload (actions/metadata_language.py): the only entity is the gateway's choice.
    assert latest["text"] in ("/capabilities", f'/capabilities{{"language": "{chosen}"}}')
    assert latest["intent"]["name"] == "capabilities"
    assert [(e["entity"], e["value"]) for e in latest["entities"]] in ([], [("language", chosen)])
    assert tracker["slots"].get("stage") in (None, "none")
    event_types = [event["event"] for event in tracker["events"]]
    assert "restart" not in event_types
    assert event_types.count("session_started") <= 1
    assert tracker["slots"].get("language") in (None, chosen)
    if "language" in injection:
        assert tracker["slots"].get("language") != "fr"


def test_every_message_and_reply_is_stored(tenant: WebTenant) -> None:
    tenant.say("hallo")
    tenant.say("wat kan je")
    history = tenant.history()
    # hallo -> privacy notice + greeting; wat kan je -> capabilities
    assert [m["direction"] for m in history] == ["in", "out", "out", "in", "out"]
    assert history[0]["text"] == "hallo"
    assert history[2]["buttons"]  # the buttons that were offered are kept with the reply


def test_demo_page_is_served(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200 and "Huurhulp" in response.text

"""Rasa's ``language`` slot follows the gateway's language without an action server call.

``LanguageFromMetadata`` (actions/nlu_components.py) turns the metadata language into a
``language`` entity when it differs from the slot; for a payload (``/crisis``,
``/unreadable``, a button) it writes the entity into the payload. These tests check the
cases where only that path can set the slot, and that the tracker records the slot the
way the action it replaced did: once per change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.test_languages import JOURNEYS, assert_in_language
from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = pytest.mark.integration


@pytest.fixture
def client(live_stack: RunningStack) -> Iterator[httpx.Client]:
    with live_stack.client() as http:
        yield http


class TenantIn(WebTenant):
    """A web tenant whose conversation is created in a given language."""

    def __init__(self, client: httpx.Client, language: str) -> None:
        self.client = client
        created = client.post("/api/web/conversations", json={"language": language})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["language"] == language
        self.conversation_id = body["conversation_id"]
        self.token = body["token"]
        self.headers = {"Authorization": f"Bearer {body['token']}"}


def rasa_events(live_stack: RunningStack, conversation_id: str) -> list[dict[str, Any]]:
    """The Rasa tracker's events for a conversation (HTTP API)."""
    response = httpx.get(
        f"{live_stack.settings.effective_rasa_url}/conversations/{conversation_id}/tracker",
        params={"token": live_stack.token, "include_events": "ALL"},
        timeout=30.0,
    )
    response.raise_for_status()
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def test_a_crisis_payload_that_switches_the_language_is_answered_in_the_new_one(
    client: httpx.Client,
) -> None:
    tenant = WebTenant(client)
    assert tenant.say(JOURNEYS["nl"]["opening"])["language"] == "nl"
    result = tenant.say(JOURNEYS["fr"]["crisis"])  # the gateway's lexicon sends /crisis
    assert result["language"] == "fr"
    assert "112" in "\n".join(reply["text"] for reply in result["replies"])
    assert_in_language(result, "fr")


def test_a_first_message_sent_as_a_payload_is_answered_in_the_conversations_language(
    client: httpx.Client,
) -> None:
    tenant = TenantIn(client, "uk")
    result = tenant.say("👍👍")  # no letters: the gateway sends /unreadable
    assert result["language"] == "uk"
    assert_in_language(result, "uk")


def test_the_slot_is_set_once_per_change_and_no_action_is_called_for_it(
    client: httpx.Client, live_stack: RunningStack
) -> None:
    tenant = WebTenant(client)
    for text, language in [
        (JOURNEYS["nl"]["opening"], "nl"),
        ("ok", "nl"),
        (JOURNEYS["en"]["opening"], "en"),
        ("thanks", "en"),
        ("wat is een verzoening bij de vrederechter?", "nl"),
    ]:
        result = tenant.say(text)
        assert result["mode"] == "bot", text
        assert result["language"] == language, text
        assert_in_language(result, language)
    events = rasa_events(live_stack, tenant.conversation_id)
    set_per_turn: list[set[str]] = []
    for event in events:
        if event["event"] == "user":
            set_per_turn.append(set())
        elif event["event"] == "slot" and event["name"] == "language" and set_per_turn:
            set_per_turn[-1].add(event["value"])
    # Set on the turns where the language changed (the first turn too), to that language;
    # never on the others. (A form activated on a turn re-runs the slot mappings, which can
    # set the same value twice in that turn.)
    assert set_per_turn == [{"nl"}, set(), {"en"}, set(), {"nl"}]
    actions = {e.get("name") for e in events if e["event"] == "action"}
    assert "action_set_language" not in actions

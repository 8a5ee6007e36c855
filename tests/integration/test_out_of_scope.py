"""Out of scope, tried as a new user would through the web chat (issue: triage on real writing).

A broken heater, a sick child, a fear of spiders or a typed "/restart" get a calm answer
and no case; a real-sounding story about a summons for next week becomes a P1 case with
the hearing date in the summary. The stack runs with HUURHULP_TODAY=2026-11-25 (a
Wednesday), so "volgende week donderdag" is 2026-12-03.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = pytest.mark.integration

URGENT_WORDS = ("dringend", "urgent", "112", "1813")


@pytest.fixture
def client(live_stack: RunningStack) -> Iterator[httpx.Client]:
    with live_stack.client() as http:
        yield http


def _state(live_stack: RunningStack, tenant: WebTenant) -> tuple[Any, Any, Any]:
    db = live_stack.database()
    try:
        conversation = db.conversations.get(tenant.conversation_id)
        return conversation.state.value, conversation.handoff, db.cases.open_for_conversation(conversation.id)
    finally:
        db.dispose()


@pytest.mark.parametrize(
    "message",
    [
        "de verwarming is kapot en de huisbaas reageert niet",
        "the heating is broken",
        "mijn kind is ziek vandaag",
        "ik ben bang van spinnen",
        "/restart",
        "restart",
        "stop",
        "start",
        "menu",
    ],
)
def test_out_of_scope_gets_a_calm_useful_answer_and_no_case(
    client: httpx.Client, live_stack: RunningStack, message: str
) -> None:
    tenant = WebTenant(client)
    result = tenant.say(message)
    texts = "\n".join(reply["text"] for reply in result["replies"])
    assert result["mode"] == "bot"
    assert len(result["replies"]) >= 2  # the privacy notice and a real answer
    for word in URGENT_WORDS:
        assert word not in texts.lower(), word
    state, handoff, case = _state(live_stack, tenant)
    assert (state, handoff, case) == ("bot", None, None)
    if message != "stop":  # goodbye needs no buttons
        # A person is still one tap away.
        buttons = [b["payload"] for reply in result["replies"] for b in reply.get("buttons") or []]
        assert "/request_human" in buttons


def test_a_broken_heater_points_to_the_right_help(client: httpx.Client) -> None:
    tenant = WebTenant(client)
    result = tenant.say("mijn verwarming is al twee weken kapot en de eigenaar doet niets")
    texts = "\n".join(reply["text"] for reply in result["replies"]).lower()
    assert "huurdersbond" in texts or "woonloket" in texts or "woonwinkel" in texts


def test_a_story_about_a_summons_for_next_week_is_a_p1_case_with_the_hearing_date(
    client: httpx.Client, live_stack: RunningStack
) -> None:
    tenant = WebTenant(client)
    story = (
        "Hallo, ik huur al zes jaar een appartement. Sinds ik in de zomer mijn werk verloor lukt "
        "het niet meer om de huur te betalen, ik heb nu drie maanden achterstand. Mijn zus werd "
        "vorig jaar ook al uit haar huis gezet. Gisteren bracht de deurwaarder een dagvaarding, ik "
        "moet volgende week donderdag naar de vrederechter. Ik weet echt niet wat ik moet doen."
    )
    result = tenant.say(story)
    assert result["mode"] == "waiting"
    state, handoff, case = _state(live_stack, tenant)
    assert state == "waiting" and case is not None
    assert (handoff["stage"], handoff["priority"]) == ("court", "P1")
    assert handoff["intake"]["hearing_date"] == "2026-12-03"

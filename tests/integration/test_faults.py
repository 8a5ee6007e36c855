"""When the action server or Rasa dies, tenants get an honest reply and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stack_fixtures import RunningStack, WebTenant, start_stack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def doomed_stack(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[RunningStack]:
    """A stack of its own, not the shared ``live_stack``: this test kills its action server
    and its Rasa server, which would break every test after it."""
    running = start_stack(tmp_path_factory.mktemp("doomed"), trained_model, what="faults")
    try:
        yield running
    finally:
        running.stack.stop()


def test_killed_parts_give_honest_replies_and_keep_messages(doomed_stack: RunningStack) -> None:
    with doomed_stack.client() as client:
        tenant = WebTenant(client)
        assert "Huurhulp" in " ".join(r["text"] for r in tenant.say("hallo")["replies"])

        # 1. The action server dies: a message that needs a custom action gets the honest
        #    reply, and the conversation goes to the human queue.
        doomed_stack.stack.actions.kill()
        result = tenant.say("ik wil met een mens praten")
        assert result["mode"] == "waiting"
        assert "technisch probleem" in result["replies"][0]["text"]
        assert "wachtrij" in result["replies"][1]["text"]
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["down"] == ["actions"]

        # 2. Rasa dies too: the tenant keeps writing; it is kept for the caseworker.
        doomed_stack.stack.rasa.kill()
        result = tenant.say("hallo, is er nog iemand?")
        assert result["mode"] == "waiting"
        assert "bewaard" in result["replies"][0]["text"]

        # 3. A new tenant while Rasa is down: honest reply, stored, queued.
        other = WebTenant(client)
        result = other.say("hallo")
        assert result["mode"] == "waiting"
        assert "anoniem" in result["replies"][0]["text"]  # the privacy notice comes first, even now
        assert "technisch probleem" in result["replies"][1]["text"]
        health = client.get("/healthz")
        assert health.status_code == 503
        assert set(health.json()["down"]) == {"actions", "rasa"}
        assert health.json()["parts"]["database"] == {"ok": True}

        history = tenant.history()
        inbound = [m for m in history if m["direction"] == "in"]
        assert [m["text"] for m in inbound] == [
            "hallo",
            "ik wil met een mens praten",
            "hallo, is er nog iemand?",
        ]
        assert history[-1]["author"] == "system"

    db = doomed_stack.database()
    try:
        messages = db.conversations.messages_after(tenant.conversation_id)
        statuses = [m.status for m in messages if m.direction == "in"]
        cases = {
            tenant_id: db.cases.open_for_conversation(tenant_id)
            for tenant_id in (tenant.conversation_id, other.conversation_id)
        }
    finally:
        db.dispose()
    assert statuses == ["handled", "failed", "queued"]
    # Each tenant has a case for a person, opened because the bot could not answer.
    for case in cases.values():
        assert case is not None and case.status == "waiting" and case.reason == "bot_unavailable"

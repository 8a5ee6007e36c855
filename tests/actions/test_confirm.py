"""The confirming question before the model's urgent stage counts (actions/dialogue)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue.confirm import ActionAskStageConfirmed, confirm_texts
from actions.dialogue.crisis import ActionCrisis
from actions.dialogue.intake import ValidateIntakeForm
from vocabulary.languages import SUPPORTED_LANGUAGES


def tracker(slots: dict[str, Any], text: str = "", intent: str = "crisis") -> Tracker:
    return Tracker(
        sender_id="t",
        slots={"language": "nl", **slots},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "metadata": {}},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def handoffs(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [m["custom"]["handoff"] for m in dispatcher.messages if (m.get("custom") or {}).get("handoff")]


def test_every_question_exists_in_every_language() -> None:
    texts = confirm_texts()
    for stage in ("crisis", "locked_out", "eviction_scheduled", "judgment"):
        assert set(texts["questions"][stage]) >= set(SUPPORTED_LANGUAGES), stage
    for label in ("yes", "no", "dont_know", "person"):
        assert set(texts["buttons"][label]) >= set(SUPPORTED_LANGUAGES), label


async def test_the_lexicons_crisis_opens_the_s_case_at_once() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCrisis().run(dispatcher, tracker({}, text="/crisis"), {})
    assert handoffs(dispatcher)[0]["priority"] == "S"
    assert {"event": "slot", "name": "handoff_signalled", "value": "S", "timestamp": None} in events


async def test_the_models_crisis_shows_the_numbers_and_asks() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCrisis().run(
        dispatcher, tracker({}, text="de helft van mijn huis is beschimmeld"), {}
    )
    texts = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "112" in texts  # the numbers first, also before the question
    assert handoffs(dispatcher) == []
    assert any(e.get("event") == "followup" and e.get("name") == "intake_form" for e in events)
    asked = CollectingDispatcher()
    await ActionAskStageConfirmed().run(asked, tracker({"confirm_stage": "crisis"}), {})
    assert "gevaar" in asked.messages[0]["text"]
    assert [b["payload"] for b in asked.messages[0]["buttons"]] == [
        "/affirm",
        "/deny",
        "/dont_know",
        "/request_human",
    ]


async def test_a_second_crisis_while_the_question_is_open_counts_as_yes() -> None:
    dispatcher = CollectingDispatcher()
    slots = {"confirm_stage": "crisis", "stage_confirmed": None}
    await ActionCrisis().run(dispatcher, tracker(slots, text="ik wil niet meer"), {})
    assert handoffs(dispatcher)[0]["priority"] == "S"


@pytest.mark.parametrize(
    ("answer", "opens"), [(True, True), ("ja", True), ("misschien", True), (False, False)]
)
async def test_the_crisis_answer_opens_s_unless_it_is_a_clear_no(answer: Any, opens: bool) -> None:
    dispatcher = CollectingDispatcher()
    form = ValidateIntakeForm()
    update = await form.validate_stage_confirmed(
        answer, dispatcher, tracker({"confirm_stage": "crisis"}, intent="affirm"), {}
    )
    assert bool(handoffs(dispatcher)) is opens
    assert (update.get("handoff_signalled") == "S") is opens


async def test_yes_to_the_judgment_question_makes_it_p1() -> None:
    dispatcher = CollectingDispatcher()
    form = ValidateIntakeForm()
    update = await form.validate_stage_confirmed(
        True, dispatcher, tracker({"confirm_stage": "judgment", "stage": "arrears"}, intent="affirm"), {}
    )
    assert (update["stage"], update["priority"]) == ("judgment", "P1")
    assert handoffs(dispatcher)[0]["priority"] == "P1"


async def test_no_to_the_judgment_question_keeps_what_the_evidence_supports() -> None:
    dispatcher = CollectingDispatcher()
    form = ValidateIntakeForm()
    slots = {"confirm_stage": "judgment", "stage": "arrears", "arrears_months": 3}
    update = await form.validate_stage_confirmed(False, dispatcher, tracker(slots, intent="deny"), {})
    assert (update["stage"], update["priority"]) == ("arrears", "P3")
    assert handoffs(dispatcher) == []

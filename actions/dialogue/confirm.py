"""One confirming question before the model's urgent stage counts.

The NLU model alone never makes a case S or P1 (``actions.assessment``): it said
``crisis`` for mould and ``locked_out`` for a sick child. When no cue supports its stage,
``action_triage`` (or ``action_crisis``) stores the stage in ``confirm_stage`` and the
intake form asks this question first, with Yes / No / I don't know buttons and a person
one tap away. ``ValidateIntakeForm.validate_stage_confirmed`` reads the answer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content_store import CONTENT_DIR
from actions.dialogue.common import language_of
from vocabulary.languages import DEFAULT_LANGUAGE

QUESTIONS_FILE = CONTENT_DIR / "questions" / "confirm_stage.yml"
#: Stages the bot asks about before it escalates (the S and P1 stages).
CONFIRMABLE = ("crisis", "locked_out", "eviction_scheduled", "judgment")


@lru_cache(maxsize=2)
def confirm_texts(path: Path = QUESTIONS_FILE) -> dict[str, Any]:
    """The questions, the answer after a "no" to the crisis question, and button labels."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts[DEFAULT_LANGUAGE]


def confirm_buttons(language: str) -> list[dict[str, str]]:
    """Yes / No / I don't know, and a person, in ``language``."""
    labels = confirm_texts()["buttons"]
    return [
        {"title": _in(labels["yes"], language), "payload": "/affirm"},
        {"title": _in(labels["no"], language), "payload": "/deny"},
        {"title": _in(labels["dont_know"], language), "payload": "/dont_know"},
        {"title": _in(labels["person"], language), "payload": "/request_human"},
    ]


def ask_confirmation(dispatcher: CollectingDispatcher, stage: str, language: str) -> None:
    """Ask whether ``stage`` is really the tenant's situation."""
    question = _in(confirm_texts()["questions"][stage], language)
    dispatcher.utter_message(text=question, buttons=confirm_buttons(language))


def crisis_denied_text(language: str) -> str:
    """What the bot says after a "no" to the crisis question."""
    return _in(confirm_texts()["crisis_denied"], language)


class ActionAskStageConfirmed(Action):
    """The intake form's question for ``stage_confirmed``: depends on the stage asked about."""

    def name(self) -> str:
        return "action_ask_stage_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stage = tracker.get_slot("confirm_stage")
        if stage in CONFIRMABLE:
            ask_confirmation(dispatcher, str(stage), language_of(tracker))
        return []

"""Rasa NLU components of our own, loaded by the Rasa server from ``config.yml``.

``TriageGate`` runs last in the NLU pipeline and makes the intent agree with what the
words give evidence for (issue "triage on real writing"):

* **Out of scope.** A stage intent for a message without a single word about rent, a
  home, money or the procedure (``vocabulary/lexicon/topic.yml``) becomes ``out_of_scope``:
  "ik ben bang van spinnen" is no eviction, whatever the model's confidence.
* **Evidence the model missed.** When the model picked no stage (a greeting, a question,
  ``out_of_scope``, ``housing_other``, ``nlu_fallback``) but the stage lexicon finds one
  in a sentence about the present, the intent becomes that stage's ``report_*`` intent,
  so the story is triaged. Sentences about the distant past do not count.

The model's own ranking is kept in ``intent_ranking``; the replaced intent is recorded
as the first ranking entry's ``replaced`` and ``replaced_confidence``, so ``huurhulp
triage`` can re-apply the gate to the model's own answer. Imported by the
Rasa process only (it imports Rasa); the logic it applies lives in ``actions`` and is
tested without Rasa.

``LanguageFromMetadata`` runs after it and fills the ``language`` slot from the language
the gateway sends as message metadata, without a call to the action server
(``actions/metadata_language.py`` says how).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.gate import gate_intent
from actions.metadata_language import (
    LANGUAGE,
    is_payload,
    language_entity,
    language_to_set,
    payload_with_entity,
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TriageGate(GraphComponent):
    """Replaces the model's intent where the words contradict it (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``lexicon_stages``: let the stage lexicon turn a non-stage intent into a stage."""
        return {"lexicon_stages": True}

    def __init__(self, config: dict[str, Any]) -> None:
        self._lexicon_stages = bool(config.get("lexicon_stages", True))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TriageGate:
        """Rasa's factory (the component has no trained state)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Gate the intent of every message."""
        for message in messages:
            intent = message.get("intent") or {}
            name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
            text = message.get("text") or ""
            if not name or text.startswith("/"):
                continue  # a trusted payload (button, crisis lexicon) is never second-guessed
            ranking = [
                (str(entry.get("name")), float(entry.get("confidence") or 0.0))
                for entry in message.get("intent_ranking") or []
                if entry.get("name") != "nlu_fallback"
            ]
            gated = gate_intent(
                text, name, confidence, dt.date.today(), lexicon_stages=self._lexicon_stages, ranking=ranking
            )
            if gated is None:
                continue
            new_name, new_confidence = gated
            message.set("intent", {"name": new_name, "confidence": new_confidence}, add_to_output=True)
            new_ranking = list(message.get("intent_ranking") or [])
            new_ranking.insert(
                0,
                {
                    "name": new_name,
                    "confidence": new_confidence,
                    "replaced": name,
                    "replaced_confidence": confidence,
                },
            )
            message.set("intent_ranking", new_ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageFromMetadata(GraphComponent):
    """A ``language`` entity from the message metadata when it differs from the slot.

    ``process`` asks for the ``tracker``: Rasa's default recipe passes the conversation's
    tracker to an NLU component whose ``process`` has that parameter (an empty tracker for
    ``/model/parse``, which sends no metadata either).
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageFromMetadata:
        """Rasa's factory (the component has no trained state)."""
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn."""
        return training_data

    def process(self, messages: list[Message], tracker: DialogueStateTracker) -> list[Message]:
        """Add the entity (to the payload, for a ``/`` message) where the language changed."""
        slot = tracker.slots.get(LANGUAGE) if tracker is not None else None
        current = slot.value if slot is not None else None
        for message in messages:
            language = language_to_set(message.get(METADATA), current)
            if language is None:
                continue
            text = message.get(TEXT) or ""
            if is_payload(text):
                payload = payload_with_entity(text, LANGUAGE, language)
                if payload is not None:
                    message.set(TEXT, payload)
                continue
            entities = [*(message.get(ENTITIES) or []), language_entity(language, type(self).__name__)]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

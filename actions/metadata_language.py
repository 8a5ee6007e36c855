"""The conversation's language, from the message metadata into Rasa's ``language`` slot.

The gateway decides the language of every message and sends it as REST metadata
(``{"language": "fr", "channel": "web"}``). Responses choose their variation by the
``language`` slot, so the slot must hold that language before the turn's first response.

``LanguageFromMetadata`` (``actions/nlu_components.py``, last in the NLU pipeline) does
that inside Rasa, without a call to the action server: when the metadata language differs
from the slot, it gives the message a ``language`` entity, which the slot's ``from_entity``
mapping copies. Only on a change, so the tracker gets a ``SlotSet`` exactly when the custom
action it replaces (``action_set_language``) returned one.

A message that starts with ``/`` is a payload (a button, the gateway's ``/crisis``,
``/unreadable``, ``/greet``): Rasa's ``RegexMessageHandler`` runs after every pipeline
component and replaces such a message's entities with the ones written in the payload, so
there the entity is written into the payload: ``/crisis`` becomes
``/crisis{"language": "fr"}`` (the tracker keeps the text the gateway sent; actions see the
longer form in ``latest_message["text"]`` on that one turn).

Pure: no Rasa imports, so the rules are tested without Rasa.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from vocabulary.languages import SUPPORTED_LANGUAGES

#: The entity (and slot) name.
LANGUAGE = "language"
#: Rasa's prefix for a message that names its intent (``INTENT_MESSAGE_PREFIX``).
PAYLOAD_PREFIX = "/"

#: Rasa 3.6's pattern for payloads it unpacks (``YAMLStoryReader._regex_message_pattern``).
_PAYLOAD = re.compile(r"^/(?P<intent>[^{@]+)(?P<confidence>@[0-9.]+)?(?P<entities>\{.+\})?(?P<rest>.*)")


def language_to_set(metadata: Any, current: Any) -> str | None:
    """The language to put in the slot: the metadata's, when supported and not already set."""
    if not isinstance(metadata, Mapping):
        return None
    language = metadata.get(LANGUAGE)
    if isinstance(language, str) and language in SUPPORTED_LANGUAGES and language != current:
        return language
    return None


def is_payload(text: str) -> bool:
    """Whether Rasa reads ``text`` as a payload (intent and entities written out)."""
    return text.strip().startswith(PAYLOAD_PREFIX)


def payload_with_entity(payload: str, entity: str, value: str) -> str | None:
    """``payload`` with ``{entity: value}`` among its entities, or ``None`` to leave it alone.

    ``/crisis`` -> ``/crisis{"language": "fr"}``; entities already written are kept (the
    given value wins). A payload that Rasa would not unpack cleanly (no intent, entities
    that are not a JSON object, anything after them, more than one line) is left alone.
    """
    text = payload.strip()
    if "\n" in text:
        return None
    match = _PAYLOAD.match(text)
    if match is None or match.group("rest"):
        return None
    entities: dict[str, Any] = {}
    if match.group("entities"):
        try:
            parsed = json.loads(match.group("entities"))
        except ValueError:
            return None
        if not isinstance(parsed, dict):
            return None
        entities = parsed
    entities[entity] = value
    confidence = match.group("confidence") or ""
    return f"/{match.group('intent')}{confidence}{json.dumps(entities, ensure_ascii=False)}"


def language_entity(value: str, extractor: str) -> dict[str, Any]:
    """The entity for a message's free text (it names no span of the text)."""
    return {"entity": LANGUAGE, "value": value, "extractor": extractor}

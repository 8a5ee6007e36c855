"""The language slot from message metadata: when to set it, and how a payload carries it."""

from __future__ import annotations

import json

import pytest

from actions.metadata_language import (
    LANGUAGE,
    is_payload,
    language_entity,
    language_to_set,
    payload_with_entity,
)
from vocabulary.languages import SUPPORTED_LANGUAGES


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_new_or_changed_language_is_set(language: str) -> None:
    assert language_to_set({"language": language, "channel": "web"}, None) == language
    other = next(code for code in SUPPORTED_LANGUAGES if code != language)
    assert language_to_set({"language": language}, other) == language


@pytest.mark.parametrize(
    ("metadata", "current"),
    [
        ({"language": "fr"}, "fr"),  # unchanged: no SlotSet, as with action_set_language
        ({"language": "de"}, "nl"),  # not a language we speak
        ({"language": ""}, None),
        ({"language": None}, "nl"),
        ({"language": ["fr"]}, "nl"),
        ({"channel": "web"}, "nl"),  # no language (trigger_intent, /model/parse, tests)
        ({}, None),
        (None, None),
        ("fr", None),
    ],
)
def test_nothing_to_set(metadata: object, current: object) -> None:
    assert language_to_set(metadata, current) is None


@pytest.mark.parametrize("text", ["/crisis", " /affirm", "/greet{}", '/request_human{"x": 1}'])
def test_payloads(text: str) -> None:
    assert is_payload(text)


@pytest.mark.parametrize("text", ["crisis", "ik wil hulp / nu", "", "huur 500/maand"])
def test_not_payloads(text: str) -> None:
    assert not is_payload(text)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("/crisis", '/crisis{"language": "fr"}'),
        (" /unreadable ", '/unreadable{"language": "fr"}'),
        ("/affirm@0.9", '/affirm@0.9{"language": "fr"}'),
        ('/greet{"name": "Ann"}', '/greet{"name": "Ann", "language": "fr"}'),
        ('/greet{"language": "nl"}', '/greet{"language": "fr"}'),  # the gateway's language wins
    ],
)
def test_payload_with_entity(payload: str, expected: str) -> None:
    result = payload_with_entity(payload, LANGUAGE, "fr")
    assert result == expected
    assert json.loads(result[result.index("{") :])[LANGUAGE] == "fr"


@pytest.mark.parametrize(
    "payload",
    [
        "/",  # no intent
        '/greet{"a": 1} trailing',  # Rasa would warn and drop the rest
        "/greet{not json}",  # Rasa would warn and drop the entities
        '/greet{"a": 1}x',
        "/greet[]{}",  # "{}" is no entity object for Rasa's pattern: left as the rest
        "/crisis\n/affirm",  # more than one line
    ],
)
def test_payloads_rasa_would_not_unpack_cleanly_are_left_alone(payload: str) -> None:
    assert payload_with_entity(payload, LANGUAGE, "fr") is None


def test_the_entity_names_no_span() -> None:
    assert language_entity("uk", "LanguageFromMetadata") == {
        "entity": "language",
        "value": "uk",
        "extractor": "LanguageFromMetadata",
    }
